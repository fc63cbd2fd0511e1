"""The best estimate of the killed (UCDP GED ``best``): mapped onto the record, kept by
both stores (an older store gets the column), totalled within one claimant only, and
said to be partial when some incidents give none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from geo.ingest import prepare_import
from geo.io.mappings import MappingMemory
from geo.render.details import format_casualties
from geo.render.totals_charts import best_text
from geo.settings import load_settings
from geo.store import is_database_url, open_store
from geo.view.totals import figure_table, totals
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import write_table
from tests.helpers.store_data import incidents

UCDP_HEADER = ["id", "type_of_violence", "side_a", "side_b", "where_prec",
               "where_coordinates", "adm_1", "latitude", "longitude", "country",
               "date_start", "date_end", "date_prec", "best", "high", "low"]


def test_ucdp_best_becomes_a_number_on_the_record(tmp_path):
    rows = [
        ["9001", "1", "Government of Syria", "IS", "1", "Kafr A", "Idlib", "35.9", "36.6",
         "Syria", "2016-08-02", "2016-08-02", "1", "7", "9", "5"],
        ["9002", "3", "IS", "Civilians", "1", "Kafr B", "Idlib", "35.8", "36.5", "Syria",
         "2016-08-03", "2016-08-03", "1", "", "", ""],
        ["9003", "3", "IS", "Civilians", "1", "Kafr C", "Idlib", "35.7", "36.4", "Syria",
         "2016-08-04", "2016-08-04", "1", "0", "2", "0"],
    ]
    report = prepare_import(write_table(tmp_path / "ged.csv", UCDP_HEADER, rows),
                            memory=MappingMemory(tmp_path / "m.json"), geocode=False)
    assert report.mapping == "ucdp" and not report.errors
    frame = report.incidents.set_index("id")
    assert frame.loc["ucdp-9001", "killed_best"] == 7
    assert (frame.loc["ucdp-9001", "killed_min"], frame.loc["ucdp-9001", "killed_max"]) == (5, 9)
    assert pd.isna(frame.loc["ucdp-9002", "killed_best"])  # not given: empty, never 0
    assert frame.loc["ucdp-9003", "killed_best"] == 0  # a real zero stays a zero
    assert "best estimate 7" in format_casualties(frame.loc["ucdp-9001"].to_dict())


def test_a_best_estimate_must_be_a_whole_number_of_people():
    with pytest.raises(ValueError, match="killed_best"):
        incidents([{"id": "x", "killed_best": "-3"}])


def test_partial_best_estimates_are_said_to_be_partial():
    frame = incidents([
        {"id": "a", "claimed_by": "UCDP GED", "killed_min": "5", "killed_max": "9",
         "killed_best": "7"},
        {"id": "b", "claimed_by": "UCDP GED", "killed_min": "1", "killed_max": "4",
         "killed_best": "2"},
        {"id": "c", "claimed_by": "UCDP GED", "killed_min": "3", "killed_max": "3"},
    ])
    whole = totals(frame.iloc[:2])
    assert (whole.figure("killed_best"), whole.figure("killed_best_unknown")) == (9, 0)
    assert best_text(9, 0, 2, whole.figure("killed_min"), whole.figure("killed_max")) == \
        "best estimate 9 (low–high 6–13)"
    part = totals(frame)
    assert (part.figure("killed_best"), part.figure("killed_best_unknown")) == (9, 1)
    text = best_text(part.figure("killed_best"), part.figure("killed_best_unknown"),
                     part.incidents, part.figure("killed_min"), part.figure("killed_max"))
    assert text == "best estimate 9 for 2 of 3 incidents (1 give none); low–high 9–16"
    assert best_text(None, 3, 3) == ""  # none given: nothing claimed


def test_best_estimates_of_different_claimants_are_never_added():
    frame = incidents([
        {"id": "a", "claimed_by": "UCDP GED", "killed_best": "7", "killed_min": "5"},
        {"id": "b", "claimed_by": "UCDP GED", "killed_best": "3", "killed_min": "3"},
        {"id": "c", "claimed_by": "SNHR", "killed_best": "40", "killed_min": "40"},
    ])
    result = totals(frame)
    assert result.figure("killed_best") is None  # two claimants: no single figure
    by = result.by_claimant.set_index("claimant")
    assert by.loc["UCDP GED", "killed_best"] == 10 and by.loc["SNHR", "killed_best"] == 40
    status = result.by_claim_status.set_index("claim_status")
    assert pd.isna(status.loc["reported", "killed_best"])  # the status mixes claimants
    table = figure_table(frame.assign(claimant=frame["claimed_by"]), ["claimant"])
    assert table.set_index("claimant")["killed_best_unknown"].tolist() == [0, 0]


def test_both_stores_keep_the_best_estimate_and_give_it_to_an_older_store(store_location):
    rows = [{"id": "a", "killed_min": "5", "killed_max": "9", "killed_best": "7"},
            {"id": "b", "killed_min": "1"}]
    location = store_location
    gpkg = not is_database_url(location)
    store = open_store(location)
    try:
        store.upsert(incidents(rows), origin="test", who=ANALYST)
        assert store.get("a")["killed_best"] == 7 and store.get("b")["killed_best"] is None
        # A store made before the column existed: drop it, open again.
        if gpkg:
            store.close()
            with sqlite3.connect(location) as conn:
                conn.execute("DROP INDEX IF EXISTS incidents_killed_best")
                conn.execute("ALTER TABLE incidents DROP COLUMN killed_best")
        else:
            store.connection().execute(
                f'ALTER TABLE "{store.schema}".incidents DROP COLUMN killed_best CASCADE')
            store.connection().commit()
            store.close()
        store = open_store(location)
        assert store.get("a")["killed_min"] == 5 and store.get("a")["killed_best"] is None
        assert store.count() == 2  # nothing lost
        store.upsert(incidents(rows[:1]), origin="test", who=ANALYST)  # a re-import fills it
        assert store.get("a")["killed_best"] == 7
        frame = store.incidents()
        assert frame.set_index("id").loc["a", "killed_best"] == 7
    finally:
        store.close()


@pytest.mark.postgis
def test_store_totals_of_the_best_estimate_are_the_frame_totals(postgis_location):
    from geo.store.pg_grid import refresh_grid
    from geo.store.pg_query import PostGISQuery
    from geo.store.pg_search import sync_search
    from geo.view.live import LiveDataset
    from geo.view.state import default_view
    from geo.view.store_totals import store_totals, store_totals_parts
    from geo.view.store_view import query_filter

    rows = []
    for i in range(40):
        row = {"id": f"r{i}", "latitude": str(35.0 + i % 5 / 10), "longitude": "38.5",
               "country": "SY", "date_start": f"2016-0{1 + i % 9}-1{i % 9}",
               "claimed_by": "UCDP GED" if i % 4 else "SNHR",
               "claim_status": "reported" if i % 3 else "confirmed",
               "killed_min": str(i % 6), "killed_max": str(i % 6 + 2)}
        if i % 5:
            row["killed_best"] = str(i % 6 + 1)
        rows.append(row)
    store = open_store(postgis_location)
    try:
        store.upsert(incidents(rows), origin="test", who=ANALYST)
        live = LiveDataset(store)
        query = PostGISQuery(store, live.areas)
        query.sync_areas()
        sync_search(query, load_settings())
        want = totals(live.current().incidents)
        spec = query_filter(default_view(live.current().domain()))
        assert store_totals(query, spec).to_dict() == want.to_dict()
        refresh_grid(query)  # the per-day counts and cubes carry the best estimate too
        assert store_totals_parts(query, spec).parts["all"].to_dict() == want.to_dict()
        ucdp = want.by_claimant.set_index("claimant").loc["UCDP GED"]
        assert ucdp["killed_best_unknown"] == sum(
            1 for i in range(40) if i % 4 and not i % 5)
    finally:
        store.close()


_PAGE_HEADER = ("id,date_start,place,country,latitude,longitude,event_type,killed_min,killed_max,"
                "killed_best,claimed_by,claim_status,type_of_violence")
_PAGE_ROWS = (
    "u1,2016-08-02,Kafr A,SY,36.2,37.15,clashes,5,9,7,UCDP GED,reported,1",
    "u2,2016-08-03,Kafr B,SY,36.3,37.10,attack on civilians,1,4,2,UCDP GED,reported,3",
    "u3,2016-08-04,Kafr C,SY,36.1,37.20,clashes,3,3,,UCDP GED,reported,1",
)


def _page(tmp_path, monkeypatch, rows, params):
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "incidents.csv"
    path.write_text("\n".join([_PAGE_HEADER, *rows]) + "\n", encoding="utf-8")
    monkeypatch.setenv("INCIDENT_MAP_DATA", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=60)
    for name, values in params.items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_totals_tab_gives_the_best_estimate_first_and_says_when_it_is_partial(
        tmp_path, monkeypatch):
    whole = _page(tmp_path, monkeypatch, _PAGE_ROWS[:2], {})
    metrics = {m.label: m.value for m in whole.metric}
    assert metrics["Killed, best estimate, according to UCDP GED"] == "9"
    assert any(c.value == "Best estimate 9 (low–high 6–13)." for c in whole.caption)
    part = _page(tmp_path, monkeypatch, _PAGE_ROWS, {"type": ["clashes", "other"]})
    metrics = {m.label: m.value for m in part.metric}
    assert metrics["Killed, according to UCDP GED"] == "9–16"  # the range, not a partial sum
    assert any(c.value == "Best estimate 9 for 2 of 3 incidents (1 give none); low–high "
               "9–16." for c in part.caption)
    assert any("older than the event type" in w.value for w in part.warning)  # an old link
