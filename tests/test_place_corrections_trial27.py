"""Trial 27's findings on places moved whole (issue 14), in both stores: a re-import
preview says which corrections in force hold the file's records at their corrected
point; a place move keeps each record's own location precision; only a place-level
correction teaches the learned places, never one incident's marker moved on the map."""

from __future__ import annotations

import sqlite3

import pandas as pd

from geo.geocoding.learned import learn_from_incidents
from geo.geocoding.place_corrections import point_key
from geo.store import open_store
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents


def _row(i: int, precision: str = "1", lat: str = "34.7", lon: str = "35.7",
         radius: str = "") -> dict:
    return {"id": f"t{i}", "date": f"2016-03-{i + 1:02d}", "place": "Tartus", "country": "SY",
            "admin1": "Tartus", "latitude": lat, "longitude": lon, "fatalities": "1",
            "geo_precision": precision, "location_uncertainty_km": radius,
            "geocode_source": "given"}


ROWS = [_row(0), _row(1), _row(2), _row(9, lat="34.9", lon="35.9")]


def test_a_reimport_preview_names_the_corrections_holding_its_records(store):
    """Trial 27: "Nothing would change" of a file 53 of whose records a correction of
    Tadmur held at its corrected point."""
    store.upsert(incidents(ROWS), origin="ucdp", who=ANALYST)
    plain = store.preview_upsert(incidents(ROWS), origin="ucdp")
    assert plain.held == [] and plain.corrected_records == 0
    made = store.correct_place("Tartus", (34.7, 35.7), (34.889, 35.886, 1),
                               who=analyst("alice"), drawn=["t0", "t1", "t2"])
    again = store.preview_upsert(incidents(ROWS), origin="ucdp")
    assert again.changes_nothing and again.placed == {}
    assert again.held == [(made.correction, 3)] and again.corrected_records == 3
    # a field the source changed elsewhere: still held, and counted once
    store.edit("t1", {"killed_min": "4"}, who=analyst("bob"))
    newer = [dict(r, fatalities="2") if r["id"] == "t1" else r for r in ROWS]
    found = store.preview_upsert(incidents(newer), origin="ucdp")
    assert found.held == [(made.correction, 3)] and found.corrected_records == 3
    # once undone, nothing is held
    store.undo_place_correction(made.correction.correction_id, who=analyst("alice"))
    assert store.preview_upsert(incidents(ROWS), origin="ucdp").held == []


def test_a_place_move_keeps_each_records_own_precision(store):
    """Trial 27: a whole-place move made 'near' and district-level records site-precise."""
    rows = [_row(0, "1"), _row(1, "2", radius="25"), _row(2, "2")]
    store.upsert(incidents(rows), origin="ucdp", who=ANALYST)
    store.correct_place("Tartus", (34.7, 35.7), (34.889, 35.886, 1), who=analyst("alice"),
                        drawn=["t0", "t1", "t2"])
    assert [store.get(f"t{i}")["geo_precision"] for i in range(3)] == [1, 2, 2]
    assert store.get("t1")["latitude"] == 34.889
    assert "geo_precision" not in set(store.history("t2")["field"])
    # a record imported later at the source's point keeps its own too
    placed = store.upsert(incidents([_row(5, "2")]), origin="ucdp", who=ANALYST)
    assert placed.placed == ["t5"] and store.get("t5")["geo_precision"] == 2
    (c,) = store.place_corrections()
    undone = store.undo_place_correction(c.correction_id, who=analyst("alice"))
    assert undone.moved_back == ["t0", "t1", "t2", "t5"]
    assert [store.get(f"t{i}")["geo_precision"] for i in (0, 1, 2, 5)] == [1, 2, 2, 2]


def _learned(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    rows = frame[frame["name"] == "Tartus"]
    return sorted(zip(rows["latitude"].round(5), rows["longitude"].round(5),
                      rows["records"].astype(int), strict=True))


def _same_as_regrouped(store) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """The learned places kept up to date, checked against a regroup of every record
    and against the same rule in memory."""
    kept = _learned(store.learned_places())
    frame = store.incidents()
    corrected = {(c.name, point_key(c.latitude), point_key(c.longitude))
                 for c in store.place_corrections() if c.active}
    assert _learned(learn_from_incidents(frame, ["ucdp"] * len(frame), corrected)) == kept
    store.relearn()
    assert _learned(store.learned_places()) == kept
    return kept


def test_one_incidents_marker_moved_teaches_nothing_a_place_correction_does(store):
    """An incident's own point is not evidence of where the place is (the strike may be
    on the outskirts): only a place-level correction teaches (trial 27)."""
    store.upsert(incidents(ROWS[:3]), origin="ucdp", who=ANALYST)
    assert _same_as_regrouped(store) == [(34.7, 35.7, 3)]
    # the map page's correction of one incident's point (geocode_source 'analyst')
    store.edit("t0", {"latitude": "34.75", "longitude": "35.75",
                      "geocode_source": "analyst"}, who=analyst("carol"))
    assert _same_as_regrouped(store) == [(34.7, 35.7, 2)]
    made = store.correct_place("Tartus", (34.7, 35.7), (34.889, 35.886, 1),
                               who=analyst("alice"), drawn=["t1", "t2"])
    assert _same_as_regrouped(store) == [(34.889, 35.886, 2)]
    # moved again: the new point teaches, the superseded one no longer does
    again = store.correct_place("Tartus", (34.889, 35.886), (34.88, 35.88, 1),
                                who=analyst("alice"), drawn=["t1", "t2"])
    assert _same_as_regrouped(store) == [(34.88, 35.88, 2)]
    assert made.correction.correction_id != again.correction.correction_id
    store.undo_place_correction(again.correction.correction_id, who=analyst("alice"))
    assert _same_as_regrouped(store) == [(34.7, 35.7, 2)]


def test_a_store_learned_under_the_earlier_rule_is_regrouped_once(store_location):
    store = open_store(store_location)
    store.upsert(incidents(ROWS[:3]), origin="ucdp", who=ANALYST)
    store.edit("t0", {"latitude": "34.75", "longitude": "35.75",
                      "geocode_source": "analyst"}, who=analyst("carol"))
    # as the earlier rule left it: t0's own point learned, and no rule key
    stale = ("INSERT INTO {p} (name, country, admin1, latitude, longitude, \"precision\", "
             "source, records) VALUES ('Tartus', 'SY', 'Tartus', 34.75, 35.75, 1, 'ucdp', 1)")
    if store.kind == "geopackage":
        with sqlite3.connect(store.path) as conn:
            conn.execute(stale.format(p="learned_places"))
            conn.execute("DELETE FROM store_meta WHERE key = 'learned_rule'")
    else:
        conn = store._conn()
        conn.execute(stale.format(p=f'"{store.schema}".learned_places'))
        conn.execute(f"DELETE FROM \"{store.schema}\".store_meta WHERE key = 'learned_rule'")
        conn.commit()
    assert _learned(store.learned_places()) == [(34.7, 35.7, 2), (34.75, 35.75, 1)]
    store.close()
    again = open_store(store_location)
    assert _learned(again.learned_places()) == [(34.7, 35.7, 2)]
    again.close()
