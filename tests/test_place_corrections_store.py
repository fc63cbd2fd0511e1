"""A place moved whole on the Review page as a correction of its own (issue 14), in both
stores: kept in ``place_corrections`` keyed by the name and the source's point, applied
to records of that name at that point imported later (and said by the preview), undone
with the records still at the analyst's point put back, refused when the records changed
since the page was drawn, and added to a store made before it existed."""

from __future__ import annotations

import sqlite3

import pytest

from geo.access import Forbidden
from geo.errors import Invalid
from geo.geocoding.place_points import move_reason, place_moves
from geo.store import open_store
from geo.store.records import EditConflict
from tests.helpers.identities import ANALYST, admin, analyst
from tests.helpers.store_data import incidents


def _row(i: int, lat: str = "34.7", lon: str = "35.7", place: str = "Tartus") -> dict:
    return {"id": f"t{i}", "date": f"2016-03-{i + 1:02d}", "place": place, "country": "SY",
            "admin1": "Tartus", "latitude": lat, "longitude": lon, "fatalities": "1",
            "geo_precision": "2", "geocode_source": "given"}


# t0 at the source's point to 6 decimals (the Review page shows 5); t9: the name elsewhere
ROWS = [_row(0, "34.700004", "35.699996"), _row(1), _row(2), _row(9, "34.9", "35.9")]
TARGET = (34.889, 35.886, 1)


def _point(store, incident_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    record = store.get(incident_id)
    return round(record["latitude"], 5), round(record["longitude"], 5)


def _corrected(store):  # type: ignore[no-untyped-def]
    store.upsert(incidents(ROWS), origin="ucdp", who=ANALYST)
    return store.correct_place("Tartus", (34.7, 35.7), TARGET, who=analyst("alice"),
                               drawn=["t0", "t1", "t2"], reason="the town, not the port")


def test_a_place_move_is_a_correction_kept_with_who_when_and_why(store):
    done = _corrected(store)
    assert done.moved == ["t0", "t1", "t2"]
    assert [_point(store, i) for i in ("t0", "t1", "t2", "t9")] == [
        (34.889, 35.886)] * 3 + [(34.9, 35.9)]
    assert store.get("t0")["geocode_source"] == "analyst"
    (kept,) = store.place_corrections()
    assert (kept.name, kept.from_latitude, kept.from_longitude) == ("Tartus", 34.7, 35.7)
    assert (kept.latitude, kept.longitude, kept.precision) == TARGET
    assert kept.active and kept.created_by == "alice" and kept.created_at
    assert kept.note == "the town, not the port" and kept.records == 3
    past = store.history("t1")
    lat = past[past["field"] == "latitude"].iloc[-1]
    assert (lat["who"], float(lat["before"]), float(lat["after"])) == ("alice", 34.7, 34.889)
    assert kept.correction_id in lat["reason"] and "the town, not the port" in lat["reason"]


def test_records_imported_later_at_the_sources_point_are_placed_and_previewed(store):
    _corrected(store)
    later = [_row(4), _row(5), _row(6, "35.0", "36.0"), _row(7, place="Baniyas")]
    preview = store.preview_upsert(incidents(later), origin="ucdp")
    assert preview.new == 4 and preview.placed == {"Tartus": 2}
    result = store.upsert(incidents(later), origin="ucdp", who=analyst("bob"))
    assert result.placed == ["t4", "t5"]
    assert [_point(store, i) for i in ("t4", "t5", "t6", "t7")] == [
        (34.889, 35.886), (34.889, 35.886), (35.0, 36.0), (34.7, 35.7)]
    past = store.history("t4")
    lat = past[past["field"] == "latitude"].iloc[-1]
    assert (lat["who"], float(lat["before"]), float(lat["after"])) == ("bob", 34.7, 34.889)
    assert "placed by" in lat["reason"] and "alice" in lat["reason"]
    # a re-import of the same file changes nothing and places nothing again
    again = store.preview_upsert(incidents(later), origin="ucdp")
    assert again.changes_nothing and again.placed == {}
    assert store.upsert(incidents(later), origin="ucdp", who=ANALYST).placed == []


def test_undo_puts_back_the_records_still_there_and_leaves_the_edited(store):
    done = _corrected(store)
    store.upsert(incidents([_row(4)]), origin="ucdp", who=ANALYST)  # placed by it
    store.edit("t2", {"latitude": "34.95"}, who=analyst("carol"), reason="closer look")
    with pytest.raises(Forbidden):  # someone else's: an admin's to undo
        store.undo_place_correction(done.correction.correction_id, who=analyst("bob"))
    undone = store.undo_place_correction(done.correction.correction_id, who=analyst("alice"))
    assert undone.moved_back == ["t0", "t1", "t4"] and undone.left == ["t2"]
    assert [_point(store, i) for i in ("t0", "t1", "t4")] == [(34.7, 35.7)] * 3
    assert (store.get("t0")["latitude"], store.get("t0")["longitude"]) == (34.700004, 35.699996)
    assert store.get("t0")["geocode_source"] == "given" and store.get("t0")["geo_precision"] == 2
    assert _point(store, "t2") == (34.95, 35.886)
    (kept,) = store.place_corrections()
    assert not kept.active and kept.undone_by == "alice" and kept.undone_at
    past = store.history("t0")
    assert "undone" in past.iloc[-1]["reason"] and past.iloc[-1]["who"] == "alice"
    # records imported after the undo keep the source's point
    store.upsert(incidents([_row(8)]), origin="ucdp", who=ANALYST)
    assert _point(store, "t8") == (34.7, 35.7)


def test_moving_the_place_again_supersedes_its_correction(store):
    _corrected(store)
    with pytest.raises(Invalid, match="the source's point"):  # an undo, not a correction
        store.correct_place("Tartus", (34.889, 35.886), (34.7, 35.7, 1), who=admin(),
                            drawn=["t0", "t1", "t2"])
    store.correct_place("Tartus", (34.889, 35.886), (34.88, 35.88, 1), who=admin(),
                        drawn=["t0", "t1", "t2"])
    first, second = store.place_corrections()
    assert not first.active and second.active
    assert (second.from_latitude, second.from_longitude) == (34.7, 35.7)  # the source's
    store.upsert(incidents([_row(4)]), origin="ucdp", who=ANALYST)
    assert _point(store, "t4") == (34.88, 35.88)
    undone = store.undo_place_correction(second.correction_id, who=admin())
    assert undone.moved_back == ["t0", "t1", "t2", "t4"]
    assert _point(store, "t0") == (34.7, 35.7)


def test_records_changed_since_the_page_was_drawn_are_refused(store):
    store.upsert(incidents(ROWS), origin="ucdp", who=ANALYST)
    store.edit("t2", {"latitude": "34.95"}, who=analyst("carol"))
    with pytest.raises(EditConflict, match="changed since"):
        store.correct_place("Tartus", (34.7, 35.7), TARGET, who=ANALYST,
                            drawn=["t0", "t1", "t2"])
    assert _point(store, "t0") == (34.7, 35.7) and store.place_corrections() == []


def test_a_store_made_before_place_corrections_gets_them_and_keeps_its_moves(store_location):
    store = open_store(store_location)
    store.upsert(incidents(ROWS), origin="ucdp", who=ANALYST)
    store.add_correction("Baniyas", who=ANALYST, latitude=35.18, longitude=35.95)
    # a move made the old way (a record edit with history, before corrections of places)
    store.edit_many(place_moves(["t0", "t1", "t2"], *TARGET), who=analyst("alice"),
                    reason=move_reason("Tartus", 3, (34.7, 35.7)))
    if store.kind == "geopackage":
        with sqlite3.connect(store.path) as conn:
            conn.execute("DROP TABLE place_corrections")
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'place_corrections'")
    else:
        store._conn().execute(f'DROP TABLE "{store.schema}".place_corrections')
    store.close()
    again = open_store(store_location)
    assert again.count() == 4 and len(again.corrections()) == 1
    assert len(again.history("t0")) == len(store.history("t0"))
    (adopted,) = again.place_corrections()  # the old move, now a correction with Undo
    assert (adopted.name, adopted.from_latitude, adopted.from_longitude) == (
        "Tartus", 34.7, 35.7)
    assert (adopted.latitude, adopted.longitude, adopted.created_by) == (
        34.889, 35.886, "alice")
    again.upsert(incidents([_row(4)]), origin="ucdp", who=ANALYST)
    assert _point(again, "t4") == (34.889, 35.886)
    undone = again.undo_place_correction(adopted.correction_id, who=analyst("alice"))
    assert undone.moved_back == ["t0", "t1", "t2", "t4"]
    again.close()
