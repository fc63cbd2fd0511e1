"""The incident store, on both back ends: upserts, queries, edits, history, duplicates,
atomicity (an import killed midway) and concurrent writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import geo.store.base
from geo.errors import NotFound
from geo.io.load import load_incidents
from geo.store import EditConflict, InvalidEdit, open_store, seed_store
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import ROOT, incidents

ROWS = [
    {"id": "a", "date_start": "2017-10-05", "place": "Raqqah", "country": "SY",
     "latitude": "35.95", "longitude": "39.01", "killed_min": "3", "source_name": "SOHR"},
    {"id": "b", "date_start": "2017-10", "place": "Tabqa", "country": "SY",
     "latitude": "35.84", "longitude": "38.55", "event_type": "shelling"},
    {"id": "c", "date_start": "2018-11-01", "date_end": "2018-11-13", "place": "al-Shaafah",
     "country": "SY", "latitude": "34.5", "longitude": "40.9"},
    {"id": "d", "place": "Rukban", "country": "SY", "event_type": "displacement",
     "claim_status": "alleged"},
    {"id": "e", "date_start": "2017", "place": "Nowhere", "country": "SY"},
]


def _assert_same_records(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    key = ["id"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        expected.sort_values(key).reset_index(drop=True),
    )


def test_upsert_stores_typed_records(store):
    frame = incidents(ROWS)
    result = store.upsert(frame, origin="test", who=ANALYST)
    assert result.inserted == ["a", "b", "c", "d", "e"]
    assert store.count() == 5
    _assert_same_records(store.incidents(), frame)
    assert store.get("a")["killed_min"] == 3
    assert store.get("zzz") is None


def test_reimport_changes_nothing(store):
    frame = incidents(ROWS)
    store.upsert(frame, origin="test", who=ANALYST)
    revision, history = store.revision(), len(store.history())
    again = store.upsert(frame, origin="test", who=ANALYST)
    assert again.inserted == [] and again.updated == []
    assert sorted(again.unchanged) == ["a", "b", "c", "d", "e"]
    assert store.revision() == revision
    assert len(store.history()) == history


def test_updated_file_updates_the_records_it_names(store):
    store.upsert(incidents(ROWS), origin="test", who=analyst("first import"))
    changed = [dict(ROWS[0], killed_min="5", killed_max="8"), ROWS[1],
               {"id": "f", "date_start": "2019-01-01"}]
    result = store.upsert(incidents(changed), origin="test", who=analyst("second import"))
    assert result.updated == ["a"] and result.inserted == ["f"] and result.unchanged == ["b"]
    assert store.count() == 6
    assert store.get("a")["killed_max"] == 8
    assert store.get("c")["place"] == "al-Shaafah"
    history = store.history("a")
    updates = history[history["who"] == "second import"]
    assert set(updates["field"]) == {"killed_min", "killed_max"}
    assert updates.set_index("field").loc["killed_min", ["before", "after"]].tolist() == ["3", "5"]


def test_analyst_correction_survives_reimport_and_conflicts_are_reported(store):
    frame = incidents(ROWS)
    store.upsert(frame, origin="test", who=ANALYST)
    store.edit("a", {"killed_min": "4"}, who=analyst("alice"), reason="second source")
    assert store.upsert(frame, origin="test", who=ANALYST).updated == []
    assert store.get("a")["killed_min"] == 4
    newer = incidents([dict(ROWS[0], killed_min="6", description="new detail")])
    result = store.upsert(newer, origin="test", who=ANALYST)
    assert [(c.field, c.kept, c.incoming) for c in result.conflicts] == [("killed_min", "4", "6")]
    assert store.get("a")["killed_min"] == 4
    assert store.get("a")["description"] == "new detail"


def test_an_import_of_a_file_is_one_history_entry_naming_the_file_counts_and_who(store):
    store.upsert(incidents(ROWS[:2]), origin="test", who=ANALYST)
    before = len(store.history())
    changed = [{**ROWS[0], "killed_min": "4"}, ROWS[1], *ROWS[2:]]
    store.upsert(incidents(changed), origin="test", who=analyst("alice"),
                 source="raqqa.csv", rejected=2)
    history = store.history()
    imports = history[history["field"] == "(import)"]
    assert len(imports) == 1 and len(history) > before
    entry = imports.iloc[0]
    assert (entry["incident_id"], entry["who"], entry["reason"], entry["after"]) == (
        "", "alice", "raqqa.csv", "3 new, 1 updated, 1 unchanged, 2 rejected")
    # An import that changes nothing is still recorded, under its own name.
    store.upsert(incidents(changed), origin="test", who=ANALYST, source="raqqa.csv")
    last = store.history().iloc[-1]
    assert (last["field"], last["after"]) == ("(import)", "0 new, 0 updated, 5 unchanged, "
                                                          "0 rejected")


def test_edit_keeps_history(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    changes = store.edit(
        "b", {"date_start": "2017-10-12", "date_end": "2017-10-12", "date_precision": "day",
              "claim_status": "confirmed"},
        who=analyst("alice"), reason="exact day found",
    )
    assert {c.field for c in changes} == {"date_start", "date_end", "date_precision",
                                          "claim_status"}
    record = store.get("b")
    assert str(record["date_start"]) == "2017-10-12" and record["claim_status"] == "confirmed"
    history = store.history("b")
    edits = history[history["who"] == "alice"]
    assert len(edits) == 4
    row = edits.set_index("field").loc["date_end"]
    assert (row["before"], row["after"], row["reason"]) == ("2017-10-31", "2017-10-12",
                                                           "exact day found")
    assert all(at.endswith("Z") and at[:4].isdigit() for at in history["at"])
    assert store.edit("b", {"claim_status": "confirmed"}, who=analyst("bob")) == []


def test_invalid_edits_change_nothing(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    revision = store.revision()
    with pytest.raises(InvalidEdit, match="killed_max"):
        store.edit("a", {"killed_max": "1"}, who=analyst("alice"))  # below killed_min 3
    with pytest.raises(InvalidEdit, match="claim_status"):
        store.edit("a", {"claim_status": "probably"}, who=analyst("alice"))
    with pytest.raises(InvalidEdit, match="not a field"):
        store.edit("a", {"colour": "red"}, who=analyst("alice"))
    with pytest.raises(InvalidEdit, match="cannot change"):
        store.edit("a", {"id": "z"}, who=analyst("alice"))
    with pytest.raises(NotFound):
        store.edit("nope", {"killed_min": "1"}, who=analyst("alice"))
    with pytest.raises(EditConflict):
        store.edit("a", {"killed_min": "2"}, who=analyst("alice"), expected={"killed_min": 7})
    assert store.revision() == revision
    assert store.get("a")["killed_min"] == 3
    store.edit("a", {"killed_min": "2"}, who=analyst("alice"), expected={"killed_min": 3})
    assert store.get("a")["killed_min"] == 2


def test_query_by_dates_and_bounds(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)

    def ids(**kw):
        return sorted(store.query(**kw)["id"])

    assert ids(date_from="2017-10-20", date_to="2017-10-25") == ["b", "e"]  # month, year
    assert ids(date_from="2018-11-10", date_to="2018-12-31") == ["c"]
    assert ids(bounds=(38.0, 35.0, 40.0, 36.5)) == ["a", "b"]
    assert ids(bounds=(38.0, 35.0, 40.0, 36.5), date_from="2017-10-01",
               date_to="2017-10-04") == ["b"]
    assert ids(bounds=(170.0, -10.0, -170.0, 10.0)) == []  # across the antimeridian
    assert len(store.query(limit=2)) == 2
    queried = store.query(date_from="2017-01-01", date_to="2017-12-31")
    assert queried["date_start"].is_monotonic_increasing
    assert queried.dtypes.equals(store.incidents().dtypes)


def test_antimeridian_bounds(store):
    store.upsert(incidents([{"id": "fiji", "latitude": "-17.7", "longitude": "178.0"},
                            {"id": "samoa", "latitude": "-13.8", "longitude": "-172.1"},
                            {"id": "raqqa", "latitude": "35.9", "longitude": "39.0"}]),
                 who=ANALYST)
    assert sorted(store.query(bounds=(170.0, -20.0, -170.0, -10.0))["id"]) == ["fiji", "samoa"]


def test_likely_duplicates_across_sources_are_flagged_not_merged(store):
    store.upsert(incidents(ROWS), origin="acled", who=ANALYST)
    other = incidents([
        {"id": "x1", "date_start": "2017-10-05", "latitude": "35.96", "longitude": "39.02",
         "place": "Raqqa city"},  # 1.4 km from "a", same type and day
        {"id": "x2", "date_start": "2017-10-05", "latitude": "35.96", "longitude": "39.02",
         "event_type": "clashes"},  # other event type
        {"id": "x3", "date_start": "2017-12-01", "latitude": "35.96", "longitude": "39.02"},
        {"id": "x4", "date_start": "2017-10-20", "place": "Tabqa", "country": "SY",
         "event_type": "shelling"},  # same place name as "b", inside its month
    ])
    result = store.upsert(other, origin="airwars", who=ANALYST)
    pairs = {(d.id_a, d.id_b) for d in result.duplicates}
    assert pairs == {("a", "x1"), ("b", "x4")}
    assert store.count() == 9
    flags = store.incidents(with_flags=True).set_index("id")
    assert flags.loc["a", "possible_duplicates"] == "x1"
    assert flags.loc["x3", "possible_duplicates"] == ""
    assert flags.loc["x1", "origin"] == "airwars"
    same_origin = store.upsert(incidents([{"id": "y", "date_start": "2017-10-05",
                                           "latitude": "35.95", "longitude": "39.01"}]),
                               origin="acled", who=ANALYST)
    assert {(d.id_a, d.id_b) for d in same_origin.duplicates} == {("x1", "y")}
    store.set_duplicate_status("x1", "a", "dismissed", who=analyst("alice"))
    flags = store.incidents(with_flags=True).set_index("id")
    assert flags.loc["a", "possible_duplicates"] == ""
    assert "dismissed" in set(store.duplicates()["status"])


def test_failed_import_leaves_the_store_as_it_was(store, monkeypatch):
    store.upsert(incidents(ROWS[:2]), origin="test", who=ANALYST)
    before, revision = store.incidents(), store.revision()

    def failing(rows):
        for i, row in enumerate(rows):
            if i == 50:
                raise RuntimeError("disk on fire")
            yield row

    monkeypatch.setattr(geo.store.base, "feed", failing)
    big = incidents([{"id": f"n{i}", "date_start": "2017-10-05"} for i in range(100)])
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.upsert(big, origin="test", who=ANALYST)
    _assert_same_records(store.incidents(), before)
    assert store.revision() == revision
    monkeypatch.undo()
    assert len(store.upsert(big, origin="test", who=ANALYST).inserted) == 100


def test_seed_store(store):
    result, errors = seed_store(store)
    assert errors == [] and result is not None
    seed = load_incidents(ROOT / "data" / "seed_incidents.csv").incidents
    _assert_same_records(store.incidents(), seed)
    assert seed_store(store) == (None, [])


_KILLED_IMPORT = """
import os, sys, time
import geo.store.base as base
from geo.access import Identity, Role
from geo.schema import validate_incidents
from geo.store import open_store
import pandas as pd

location, marker = sys.argv[1], sys.argv[2]
rows = pd.DataFrame({"id": [f"k{i}" for i in range(4000)], "event_type": "airstrike",
                     "claim_status": "reported", "date_start": "2017-10-05",
                     "latitude": "35.9", "longitude": "39.0"})
frame = validate_incidents(rows).incidents
real = base.feed

def halfway(items):
    for i, item in enumerate(real(items)):
        if i == 2000:
            open(marker, "w").close()
            time.sleep(600)
        yield item

base.feed = halfway
open_store(location).upsert(frame, origin="killed", who=Identity("killer", Role.ANALYST))
"""


def _python(script: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    import time

    deadline = time.monotonic() + 120
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"writer ended early: {process.stderr.read()[-2000:]}")
        assert time.monotonic() < deadline, "writer never reached the middle of its import"
        time.sleep(0.02)


def test_import_killed_midway_leaves_the_store_unchanged(store_location, tmp_path):
    store = open_store(store_location)
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    before, revision = store.incidents(), store.revision()
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_IMPORT)
    marker = tmp_path / "halfway"
    writer = _python(script, store_location, str(marker))
    _wait_for(marker, writer)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    reopened = open_store(store_location)
    _assert_same_records(reopened.incidents(), before)
    assert reopened.revision() == revision
    after = reopened.upsert(incidents([{"id": "after"}]), origin="test", who=ANALYST)
    assert after.inserted == ["after"]
    reopened.close()
    store.close()


_WRITER = """
import sys, time
from pathlib import Path
import pandas as pd
from geo.access import Identity, Role
from geo.schema import validate_incidents
from geo.store import open_store

ANALYST = Identity("batch", Role.ANALYST)
location, number, start = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
fields = ["killed_min", "injured_min", "description", "quote"]
values = ["7", "9", "seen by writer 2", "quote of writer 3"]
store = open_store(location)
while not start.exists():
    time.sleep(0.01)
for batch in range(3):
    rows = pd.DataFrame({"id": [f"w{number}-{batch}-{i}" for i in range(40)],
                         "event_type": "shelling", "claim_status": "reported",
                         "date_start": "2017-10-05", "latitude": "35.9", "longitude": "39.0"})
    store.upsert(validate_incidents(rows).incidents, origin=f"writer{number}", who=ANALYST)
    if batch == 1:
        store.edit("shared", {fields[number]: values[number]},
                   who=Identity(f"writer{number}", Role.ANALYST))
print("done")
"""


def test_concurrent_writers_lose_nothing(store_location, tmp_path):
    store = open_store(store_location)
    store.upsert(incidents([{"id": "shared", "date_start": "2016-01-01"}]), origin="test",
                 who=ANALYST)
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    start = tmp_path / "start"
    writers = [_python(script, store_location, str(n), str(start)) for n in range(4)]
    start.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-2000:]
    assert store.count() == 1 + 4 * 3 * 40
    shared = store.get("shared")
    assert (shared["killed_min"], shared["injured_min"]) == (7, 9)
    assert (shared["description"], shared["quote"]) == ("seen by writer 2", "quote of writer 3")
    edits = store.history("shared")
    assert sorted(edits.loc[edits["who"].str.startswith("writer"), "who"]) == [
        f"writer{n}" for n in range(4)
    ]
    # One per upsert and per edit, and one per import that flagged likely duplicates.
    flagged = store.duplicates()
    assert not flagged.empty
    assert 1 + 4 * 3 + 4 < store.revision() <= 1 + 4 * 3 * 2 + 4
    store.close()


def test_geopackage_is_a_real_geopackage(tmp_path):
    import pyogrio

    path = tmp_path / "incidents.gpkg"
    store = open_store(path)
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    layers = dict(pyogrio.list_layers(path))
    assert layers["incidents"] == "Point"
    read = pyogrio.read_dataframe(path, layer="incidents", bbox=(38.0, 35.0, 40.0, 36.5))
    assert sorted(read["id"]) == ["a", "b"]
    assert read.crs.to_epsg() == 4326
    assert "incident_history" in layers


@pytest.mark.postgis
def test_postgis_queries_use_the_indexes(postgis_url):
    import psycopg

    schema = "test_plan"
    store = open_store(f"{postgis_url}&schema={schema}")
    try:
        store.upsert(incidents(ROWS), origin="test", who=ANALYST)
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute("SET enable_seqscan = off")
            plan = "\n".join(r[0] for r in conn.execute(
                f"EXPLAIN SELECT id FROM {schema}.incidents WHERE "
                "ST_Intersects(geom, ST_MakeEnvelope(38, 35, 40, 36.5, 4326)) AND "
                "daterange(date_start, date_end, '[]') && daterange('2017-10-01', '2017-12-31', "
                "'[]') AND date_start <= '2017-12-31' AND date_end >= '2017-10-01'"
            ))
        assert "incidents_space_time" in plan, plan
    finally:
        store.close()
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_changed_since_returns_only_what_each_write_touched(store):
    start = store.revision()
    store.upsert(incidents(ROWS), origin="acled", who=ANALYST)
    first = store.revision()
    assert first > start
    assert sorted(store.changed_since(start)["id"]) == ["a", "b", "c", "d", "e"]
    assert store.changed_since(first).empty
    store.edit("b", {"claim_status": "confirmed"}, who=analyst("alice"))
    after_edit = store.changed_since(first)
    assert after_edit["id"].tolist() == ["b"]
    assert after_edit.iloc[0]["claim_status"] == "confirmed"
    assert after_edit.iloc[0]["origin"] == "acled"
    second = store.revision()
    store.upsert(incidents([{"id": "x", "date_start": "2017-10-05", "latitude": "35.96",
                             "longitude": "39.02", "place": "Raqqa city"}]), origin="airwars",
                 who=ANALYST)
    # The new record and the one it is flagged against, with their flags.
    changed = store.changed_since(second).set_index("id")
    assert sorted(changed.index) == ["a", "x"]
    assert changed.loc["a", "possible_duplicates"] == "x"
    third = store.revision()
    store.set_duplicate_status("a", "x", "dismissed", who=analyst("alice"))
    changed = store.changed_since(third).set_index("id")
    assert sorted(changed.index) == ["a", "x"] and changed.loc["a", "possible_duplicates"] == ""
    store.upsert(incidents(ROWS), origin="acled", who=ANALYST)  # re-import: nothing changes
    assert store.changed_since(store.revision()).empty


def test_edit_many_corrects_several_records_in_one_revision(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    before = store.revision()
    done = store.edit_many(
        {"d": {"latitude": 33.3, "longitude": 38.7, "geo_precision": 1,
               "geocode_source": "override:o1"},
         "e": {"claim_status": "contested"}, "gone": {"claim_status": "confirmed"}},
        who=analyst("alice"), reason="geocoding correction",
    )
    assert {(c.incident_id, c.field) for c in done} == {
        ("d", "latitude"), ("d", "longitude"), ("d", "geo_precision"), ("d", "geocode_source"),
        ("e", "claim_status")}
    assert store.revision() == before + 1
    assert sorted(store.changed_since(before)["id"]) == ["d", "e"]
    assert store.get("d")["geocode_source"] == "override:o1"
    assert len(store.query(bounds=(38.0, 33.0, 39.0, 34.0))) == 1  # the spatial index follows
    assert set(store.history("d")["reason"]) >= {"geocoding correction"}
    with pytest.raises(InvalidEdit):
        store.edit_many({"a": {"claim_status": "certain"}, "e": {"claim_status": "alleged"}},
                        who=analyst("bob"))
    assert store.get("e")["claim_status"] == "contested"  # nothing written


def test_a_store_from_before_record_revisions_is_brought_up_to_date(tmp_path):
    import sqlite3

    path = tmp_path / "old.gpkg"
    old = open_store(path)
    old.upsert(incidents(ROWS), origin="test", who=ANALYST)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX incidents_revision")
        conn.execute("ALTER TABLE incidents DROP COLUMN revision")
    reopened = open_store(path)
    assert len(reopened.changed_since(0)) == 0  # old records count as old
    start = reopened.revision()
    reopened.edit("a", {"claim_status": "confirmed"}, who=analyst("alice"))
    assert reopened.changed_since(start)["id"].tolist() == ["a"]
