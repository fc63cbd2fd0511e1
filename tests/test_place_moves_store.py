"""A place moved whole on the Review page, in the store (both back ends): a re-import of
the source keeps the analyst's point, and the learned place follows it (issue 14)."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.learned import learn_from_incidents
from geo.geocoding.place_corrections import point_key
from geo.geocoding.place_points import move_reason, place_ids, place_moves
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

_ROWS = [
    {"id": f"t{i}", "date": "2016-03-0" + str(i + 1), "place": "Tartus", "country": "SY",
     "admin1": "Tartus", "latitude": "34.7", "longitude": "35.7", "fatalities": "1",
     "geo_precision": "1", "geocode_source": "given"}
    for i in range(3)
]


def _moved(store):  # type: ignore[no-untyped-def]
    store.upsert(incidents(_ROWS), origin="ucdp", who=ANALYST)
    ids = place_ids(store.incidents(), "Tartus", 34.7, 35.7)
    assert ids == ["t0", "t1", "t2"]
    store.edit_many(place_moves(ids, 34.889, 35.886, 1), who=ANALYST,
                    reason=move_reason("Tartus", 3, (34.7, 35.7)))


def _points(store) -> set[tuple[float, float]]:  # type: ignore[no-untyped-def]
    frame = store.incidents()
    return set(zip(frame["latitude"].round(5), frame["longitude"].round(5), strict=True))


def test_a_re_import_of_the_source_keeps_the_analysts_point(store):
    _moved(store)
    assert _points(store) == {(34.889, 35.886)}
    store.upsert(incidents(_ROWS), origin="ucdp", who=ANALYST)
    assert _points(store) == {(34.889, 35.886)}
    # the source updated another field and even its point: the analyst's point stays
    newer = [{**r, "fatalities": "2", "latitude": "34.71"} for r in _ROWS]
    result = store.upsert(incidents(newer), origin="ucdp", who=ANALYST)
    assert _points(store) == {(34.889, 35.886)}
    assert {c.field for c in result.conflicts} == {"latitude"}


def _learned(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    rows = frame[frame["name"] == "Tartus"]
    return sorted(zip(rows["latitude"].round(5), rows["longitude"].round(5),
                      rows["records"].astype(int), rows["source"], strict=True))


def test_the_learned_place_follows_a_place_correction(store):
    store.upsert(incidents(_ROWS), origin="ucdp", who=ANALYST)
    assert _learned(store.learned_places()) == [(34.7, 35.7, 3, "ucdp")]
    ids = place_ids(store.incidents(), "Tartus", 34.7, 35.7)
    store.correct_place("Tartus", (34.7, 35.7), (34.889, 35.886, 1), who=ANALYST, drawn=ids)
    # the corrected point teaches in place of the source's (it does not just vanish);
    # one incident's marker moved teaches nothing (tests/test_place_corrections_trial27.py)
    assert _learned(store.learned_places()) == [(34.889, 35.886, 3, "ucdp")]
    # the same rule in memory (frame mode, a file), given the corrections in force
    frame = store.incidents()
    corrected = {(c.name, point_key(c.latitude), point_key(c.longitude))
                 for c in store.place_corrections() if c.active}
    assert _learned(learn_from_incidents(frame, ["ucdp"] * len(frame), corrected)) == _learned(
        store.learned_places())
