"""Learned places kept by the store, on both back ends: what teaches, recomputed inside
imports and edits, sources switched off, older stores, and the geocoder reading them."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from geo.access import Forbidden
from geo.errors import NotFound
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned import LEARNED_COLUMNS, learn_from_incidents
from geo.store import open_store
from tests.helpers.identities import ANALYST, analyst, viewer
from tests.helpers.store_data import incidents

TEACHING = [
    # two UCDP records at one village: one learned place, 2 records
    {"id": "u1", "place": "Kafr Zeta village", "country": "SY", "admin1": "Hama",
     "latitude": "35.37", "longitude": "36.60", "geo_precision": "1", "geocode_source": "given"},
    {"id": "u2", "place": "Kafr Zeta village", "country": "SY", "admin1": "Hama",
     "latitude": "35.37", "longitude": "36.60", "geo_precision": "1", "geocode_source": "given"},
    # UCDP within 25 km (a stated radius) teaches an approximate place
    {"id": "u3", "place": "Eastern Plain", "country": "SY", "admin1": "Rif Dimashq",
     "latitude": "33.55", "longitude": "36.45", "geo_precision": "2",
     "location_uncertainty_km": "25", "geocode_source": "given"},
    # a district answer (precision 2, no radius) does not
    {"id": "u4", "place": "Somewhere district", "country": "SY", "admin1": "Homs",
     "latitude": "34.6", "longitude": "37.0", "geo_precision": "2", "geocode_source": "given"},
    # coordinates the geocoder produced never teach
    {"id": "u5", "place": "Echo", "country": "SY", "latitude": "35.0", "longitude": "36.0",
     "geo_precision": "1", "geocode_source": "geonames:1"},
    # no coordinates, no name: nothing to learn
    {"id": "u6", "place": "Nowhere", "country": "SY"},
    {"id": "u7", "place": "", "country": "SY", "latitude": "35.0", "longitude": "36.0",
     "geo_precision": "1"},
]


def _learned(store) -> pd.DataFrame:
    frame = store.learned_places()
    return frame.sort_values(["source", "name"]).reset_index(drop=True)


def test_imports_teach_places_by_the_rule_of_the_geocoder(store):
    frame = incidents(TEACHING)
    store.upsert(frame, origin="ucdp", who=ANALYST)
    got = _learned(store)
    assert list(got.columns) == list(LEARNED_COLUMNS)
    assert got[["name", "precision", "records", "source", "enabled"]].values.tolist() == [
        ["Eastern Plain", 2, 1, "ucdp", True],
        ["Kafr Zeta village", 1, 2, "ucdp", True],
    ]
    assert got.loc[1, ["country", "admin1"]].tolist() == ["SY", "Hama"]
    assert got.loc[1, ["latitude", "longitude"]].tolist() == [35.37, 36.6]
    # the same rule as the in-memory one
    expected = learn_from_incidents(frame, ["ucdp"] * len(frame))
    assert sorted(expected["name"]) == sorted(got["name"])
    assert expected["records"].sum() == got["records"].sum()


def test_other_datasets_teach_exact_points_only(store):
    store.upsert(incidents(TEACHING[:3]), origin="team-sheet", who=ANALYST)
    assert _learned(store)["name"].tolist() == ["Kafr Zeta village"]


def test_learned_places_follow_reimports_and_edits(store):
    store.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
    first = store.learned_revision()
    # an updated source moves one record: the place splits in two rows
    moved = [dict(TEACHING[0]), dict(TEACHING[1], latitude="35.40")]
    store.upsert(incidents(moved), origin="ucdp", who=ANALYST)
    got = _learned(store)
    assert got["records"].tolist() == [1, 1]
    assert store.learned_revision() > first
    # an analyst's correction of the place name teaches the new name
    store.edit("u2", {"place": "Kafr Zita"}, who=analyst("alice"), reason="spelling")
    assert sorted(_learned(store)["name"]) == ["Kafr Zeta village", "Kafr Zita"]
    # an edit of a field that teaches nothing leaves the learned places alone
    revision = store.learned_revision()
    store.edit("u1", {"killed_min": 2}, who=analyst("alice"), reason="new report")
    assert store.learned_revision() == revision


def test_new_records_add_to_the_places_already_learned(store):
    store.upsert(incidents(TEACHING[:1]), origin="ucdp", who=ANALYST)
    store.upsert(incidents(TEACHING[1:2]), origin="ucdp", who=ANALYST)
    assert _learned(store)["records"].tolist() == [2]
    # an import that updates one record and adds another counts each record once
    changed = dict(TEACHING[0], killed_min="4")
    added = dict(TEACHING[0], id="u8")
    store.upsert(incidents([changed, added]), origin="ucdp", who=ANALYST)
    assert _learned(store)["records"].tolist() == [3]


def test_a_reimport_that_changes_nothing_learns_nothing_new(store):
    store.upsert(incidents(TEACHING), origin="ucdp", who=ANALYST)
    revision = store.learned_revision()
    store.upsert(incidents(TEACHING), origin="ucdp", who=ANALYST)
    assert store.learned_revision() == revision
    assert _learned(store)["records"].sum() == 3


def test_each_source_keeps_its_own_places_and_can_be_switched_off(store):
    store.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
    acled = [dict(TEACHING[0], id="a1", latitude="35.90", longitude="36.90")]
    store.upsert(incidents(acled), origin="acled", who=ANALYST)
    sources = store.learned_sources()
    assert sources[["source", "enabled", "places", "records"]].values.tolist() == [
        ["acled", True, 1, 1], ["ucdp", True, 1, 2],
    ]
    revision = store.learned_revision()
    store.set_source_enabled("acled", False, who=analyst("bob"))
    assert store.learned_revision() > revision
    sources = store.learned_sources().set_index("source")
    assert not sources.at["acled", "enabled"] and sources.at["acled", "changed_by"] == "bob"
    learned = _learned(store)
    assert learned.set_index("source")["enabled"].to_dict() == {"acled": False, "ucdp": True}
    # a later import of that source keeps it switched off
    store.upsert(incidents([dict(acled[0], id="a2")]), origin="acled", who=ANALYST)
    assert not store.learned_sources().set_index("source").at["acled", "enabled"]
    with pytest.raises(NotFound):
        store.set_source_enabled("nobody", False, who=analyst("bob"))
    with pytest.raises(Forbidden):
        store.set_source_enabled("acled", True, who=viewer())
    assert not store.learned_sources().set_index("source").at["acled", "enabled"]


def test_the_geocoder_reads_the_store_and_leaves_out_switched_off_sources(store):
    gazetteer = [Place("t:hama", "Hama", (), 35.13, 36.75, "city", "SY", "Hama", 1, 700_000)]
    coder = Geocoder(gazetteer)
    store.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
    taught = coder.with_learned(store)
    result = taught.geocode("Kafr Zeta", country="SY")
    assert result.status == "resolved"
    assert result.best is not None and "ucdp: 2" in result.best.provenance
    assert taught.learned_revision == store.learned_revision()
    assert coder.geocode("Kafr Zeta", country="SY").status == "unresolved"
    store.set_source_enabled("ucdp", False, who=analyst("bob"))
    assert coder.with_learned(store).geocode("Kafr Zeta", country="SY").status == "unresolved"


def test_an_import_that_fails_leaves_the_learned_places_as_they_were(store, monkeypatch):
    store.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
    before = _learned(store)
    import geo.store.base

    def broken(rows):
        yield from rows
        raise RuntimeError("killed")

    monkeypatch.setattr(geo.store.base, "feed", broken)
    with pytest.raises(RuntimeError):
        store.upsert(incidents([dict(TEACHING[0], id="u9", place="Other")]), origin="ucdp",
                     who=ANALYST)
    pd.testing.assert_frame_equal(_learned(store), before)


def test_a_store_made_before_learned_places_learns_on_opening(tmp_path):
    path = tmp_path / "old.gpkg"
    opened = open_store(path)
    opened.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
    with sqlite3.connect(path) as conn:  # what an older release left behind
        conn.execute("DROP TABLE learned_places")
        conn.execute("DROP TABLE learned_sources")
        conn.execute("DELETE FROM store_meta WHERE key = 'learned_revision'")
    again = open_store(path)
    assert _learned(again)["records"].tolist() == [2]


@pytest.mark.postgis
def test_a_postgis_store_made_before_learned_places_learns_on_opening(postgis_url):
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    url = f"{postgis_url}&schema={schema}"
    try:
        opened = open_store(url)
        opened.upsert(incidents(TEACHING[:2]), origin="ucdp", who=ANALYST)
        opened.close()
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP TABLE "{schema}".learned_places, "{schema}".learned_sources')
        again = open_store(url)
        assert _learned(again)["records"].tolist() == [2]
        again.close()
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _keyed(store) -> list[tuple]:
    frame = store.learned_places()
    return sorted(tuple(r) for r in frame.drop(columns="enabled").itertuples(index=False))


def test_edits_and_reimports_change_the_learned_places_as_a_full_relearn_would(store):
    many = [dict(TEACHING[0], id=f"k{i}", latitude=f"35.{30 + i % 3}") for i in range(9)]
    store.upsert(incidents(many + TEACHING[2:]), origin="ucdp", who=ANALYST)
    store.upsert(incidents([dict(TEACHING[0], id="x1")]), origin="team", who=ANALYST)
    who = analyst("alice")
    store.edit("k0", {"place": "Kafr Zita"}, who=who, reason="spelling")
    store.edit("k1", {"latitude": "35.30"}, who=who, reason="moved onto k0's old point")
    store.edit("k2", {"geo_precision": "3"}, who=who, reason="vaguer: teaches nothing")
    store.edit("u3", {"location_uncertainty_km": ""}, who=who, reason="no radius")
    store.edit_many({"k3": {"place": "Kafr Zita"}, "k4": {"place": "Kafr Zita"},
                     "x1": {"latitude": "35.99"}}, who=who, reason="several")
    # a re-import that moves one record back and renames another
    store.upsert(incidents([dict(many[0], place="Kafr Zeta village"),
                            dict(many[5], place="Third name")]), origin="ucdp", who=ANALYST)
    incremental = _keyed(store)
    counts: dict[str, int] = {}
    for row in incremental:
        counts[row[0]] = counts.get(row[0], 0) + row[-1]
    assert counts == {"Kafr Zeta village": 5, "Kafr Zita": 3, "Third name": 1}
    assert not [r for r in incremental if r[0] == "Eastern Plain"]  # its only record lost it
    store.relearn()
    assert incremental == _keyed(store)


_ONE_SHOT = """SELECT p.name, p.country, p.admin1, p.latitude, p.longitude, p."precision",
    p.source, p.records, coalesce(s.enabled, 1)
FROM {places} p LEFT JOIN {sources} s ON s.source = p.source
ORDER BY p.source, p.name, p.fid"""


def _chunky_store(store) -> None:
    """Learned places over several sources, names whose order differs between byte and
    language collations, rows inserted out of (source, name) order, one source off."""
    names = ["zeta", "Beta", "alpha", "Émile", "الرقة", "beta", "Alpha", "_under"]
    rows = [dict(TEACHING[0], id=f"c{i}", place=names[i % len(names)],
                 latitude=f"{35 + i / 10:.2f}", admin1=["Hama", "Homs"][i % 2])
            for i in range(23)]
    store.upsert(incidents(rows[:12]), origin="zz-team", who=ANALYST)
    store.upsert(incidents(rows[12:]), origin="Acled", who=ANALYST)
    store.upsert(incidents([dict(r, id=f"u{r['id']}") for r in rows[5:9]]), origin="ucdp",
                 who=ANALYST)
    store.edit("c3", {"place": "Beta"}, who=analyst("alice"), reason="spelling")
    store.set_source_enabled("Acled", False, who=analyst("alice"))


def test_the_learned_places_read_in_chunks_equal_one_read(store):
    from geo.store import learned as learned_sql

    _chunky_store(store)
    run, d = store._run_read, store._dialect()
    rows = run(_ONE_SHOT.format(places=d.places, sources=d.sources), [])
    one_shot = pd.DataFrame(rows, columns=list(LEARNED_COLUMNS))
    one_shot["enabled"] = one_shot["enabled"].astype(int) != 0
    assert len(one_shot) > 20 and not one_shot["enabled"].all()
    for chunk in (1, 2, 7, len(one_shot), 10**9):
        pd.testing.assert_frame_equal(learned_sql.learned_frame(run, d, chunk), one_shot)
    pd.testing.assert_frame_equal(store.learned_places(), one_shot)


def test_a_write_between_the_chunks_makes_the_read_start_again(store):
    from geo.store import learned as learned_sql

    _chunky_store(store)
    d = store._dialect()
    chunks = {"read": 0}

    def run(statement, params):
        out = store._run_read(statement, params)
        if "LIMIT" in statement:
            chunks["read"] += 1
            if chunks["read"] == 2:  # a colleague's import lands mid-read
                store.upsert(incidents([dict(TEACHING[0], id="late", place="Late")]),
                             origin="zz-team", who=ANALYST)
        return out

    got = learned_sql.learned_frame(run, d, 3)
    assert "Late" in set(got["name"])
    pd.testing.assert_frame_equal(got, store.learned_places())
    assert chunks["read"] > len(got) // 3 + 1  # it did read again


def test_an_empty_learned_table_reads_as_the_empty_frame(store):
    from geo.geocoding.learned import empty_learned
    from geo.store import learned as learned_sql

    got = learned_sql.learned_frame(store._run_read, store._dialect(), 2)
    pd.testing.assert_frame_equal(got, empty_learned())


def test_the_store_hands_the_learned_names_its_codes(store, monkeypatch):
    """The names are built from the store's codes and value tables, never from a frame
    of strings, and are those of the frame."""
    from geo.geocoding.learned_index import LearnedNames
    from tests.helpers.learned_names import names_state

    _chunky_store(store)
    frame = store.learned_places()
    table = store.learned_table()
    pd.testing.assert_frame_equal(table.frame(), frame)
    for name in ("name", "country", "admin1", "source"):
        values, codes = table.text(name)
        assert codes.dtype == "int32" and len(set(values)) == len(values) < len(codes)
    expected = names_state(LearnedNames(frame, 1))

    def no_frame():
        raise AssertionError("read as a frame")

    monkeypatch.setattr(store, "learned_places", no_frame)
    names = LearnedNames.from_source(store)
    assert names_state(names) == expected and 0 < len(names) < len(frame)


def test_a_read_with_too_little_room_grows_its_arrays(store, monkeypatch):
    from geo.store import learned as learned_sql

    _chunky_store(store)
    run, d = store._run_read, store._dialect()
    expected = learned_sql.learned_frame(run, d)
    monkeypatch.setattr(learned_sql, "_SPAN_MAX", 1)  # room for one row, then doubled
    for chunk in (1, 3, 10**9):
        pd.testing.assert_frame_equal(learned_sql.learned_frame(run, d, chunk), expected)


def test_an_empty_store_gives_empty_codes_and_no_learned_names(store):
    from geo.geocoding.learned_index import LearnedNames

    table = store.learned_table()
    assert len(table) == 0 and all(len(c) == 0 for c in table.codes.values())
    names = LearnedNames.from_source(store)
    assert len(names) == 0 and names.groups == 0
