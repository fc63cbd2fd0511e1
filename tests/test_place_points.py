"""Places placed by their source, for the Review page; and the learned places of a name in
another governorate offered as candidates (trial of issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas
from geo.geocoding.calibration import Calibration
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned import LearnedPlaces
from geo.geocoding.place_points import (
    GIVEN,
    SET_BY_ANALYST,
    move_reason,
    place_ids,
    place_moves,
    place_points,
    source_point,
)
from geo.geocoding.review import review_candidates
from geo.settings import DATA_DIR

ADMIN = (DATA_DIR / "admin" / "syr_admin1.geojson", DATA_DIR / "admin" / "syr_admin2.geojson")


def _records() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["t2", "t1", "t3", "b1", "g1", "n1", "a1"],
        "place": ["Tartus town", "Tartus town", "Tartus town", "Baniyas", "Baniyas",
                  "Nowhere", "Tartus town"],
        "country": "SY",
        "admin1": ["Tartus", "Tartous", "Tartus", "Tartus", "Tartus", "", "Tartus"],
        "latitude": [34.7, 34.7, 34.9, 35.18, 35.2, np.nan, 34.889],
        "longitude": [35.7, 35.7, 35.9, 35.95, 35.9, np.nan, 35.886],
        # b1 came with its source's point; g1 was placed by the gazetteer: not listed
        "geocode_source": ["given", "", "given", "given", "geonames:1", "", "analyst"],
    })


def test_each_name_and_point_of_the_sources_and_analysts_is_one_place():
    places = place_points(_records())
    assert places[["name", "latitude", "longitude", "status", "incidents"]].values.tolist() == [
        ["Tartus town", 34.7, 35.7, GIVEN, 2],
        ["Baniyas", 35.18, 35.95, GIVEN, 1],
        ["Tartus town", 34.889, 35.886, SET_BY_ANALYST, 1],
        ["Tartus town", 34.9, 35.9, GIVEN, 1],
    ]
    first = places.iloc[0]
    assert first["ids"] == ["t1", "t2"]
    assert first["admin1"] == "Tartous"  # one each: the first in code-point order
    assert place_points(_records().iloc[5:6]).empty  # no point: the geocoder's queue


def test_a_map_frames_categoricals_list_the_same_places():
    records = _records()
    frame = records.astype({c: "category" for c in ("id", "place", "country", "admin1",
                                                     "geocode_source")})
    frame["latitude"] = frame["latitude"].astype("float32")
    frame["longitude"] = frame["longitude"].astype("float32")
    assert place_points(frame).to_dict("list") == place_points(records).to_dict("list")
    assert place_ids(frame, "Tartus town", 34.7, 35.7) == ["t1", "t2"]
    assert place_ids(frame, "Nowhere at all", 34.7, 35.7) == []
    assert place_points(frame, ids_kept=0)["ids"].tolist() == [()] * 4
    records.loc[0, "admin1"] = None  # missing reads as ''
    assert place_points(records)["admin1"].tolist()[0] == ""


def test_a_place_moves_only_its_records_at_that_point():
    ids = place_ids(_records(), "Tartus town", 34.7, 35.7)
    assert ids == ["t1", "t2"]
    assert place_ids(_records(), "Baniyas", 35.2, 35.9) == []  # the gazetteer's point
    moves = place_moves(ids, 34.889, 35.886, 1)
    assert moves == {i: {"latitude": 34.889, "longitude": 35.886, "geo_precision": 1,
                         "geocode_source": "analyst"} for i in ids}


def test_the_source_point_is_read_back_from_the_history():
    reason = move_reason("Tartus town", 2, (34.7, 35.7))
    history = pd.DataFrame({
        "field": ["killed_min", "latitude", "longitude", "geocode_source", "latitude"],
        "before": ["1", "34.7", "35.7", "given", "34.889"],
        "after": ["2", "34.889", "35.886", "analyst", "34.88"],
        "reason": ["typo", reason, reason, reason, reason]})
    assert source_point(history) == (34.7, 35.7)
    assert source_point(history.iloc[:1]) is None


def test_a_learned_place_in_another_governorate_is_offered_below_with_its_governorate():
    calibration = Calibration({"learned|single": 0.6, "gazetteer|unknown": 0.6})
    suran = Place("t:suran", "Kafr Z", (), 35.29, 36.74, "village", "SY", "Hama", 1, 0)
    base = Geocoder([suran], areas=AdminAreas.deferred(ADMIN), calibration=calibration)
    learned = LearnedPlaces(pd.DataFrame({  # the data knows Kafr Z in Idlib only
        "name": ["Kafr Z village"], "country": "SY", "admin1": "Idlib",
        "latitude": [35.93], "longitude": [36.63], "precision": 1, "source": ["ucdp"],
        "records": [4]}))
    coder = base.with_learned(learned)
    table, found = review_candidates(coder, "Kafr Z", "SY", "Hama")
    assert table["name"].tolist() == ["Kafr Z", "Kafr Z"]
    assert table["rank"].tolist() == [1, 2]
    assert table["admin1"].tolist() == ["Hama", "Idlib"]
    assert np.isnan(table.at[1, "score"])
    assert table.at[1, "evidence"] == "in another governorate (Idlib) than the records' Hama"
    assert table.at[1, "source"].startswith("learned from ucdp")
    assert [c.place.latitude for c in found] == [35.29, 35.93]
    # without a governorate given it is an ordinary candidate, not added twice
    table, _ = review_candidates(coder, "Kafr Z", "SY", "")
    assert sorted(table["admin1"]) == ["Hama", "Idlib"]


def test_a_name_with_alternates_is_geocoded_by_each_alternate_too():
    """Trial 24: "Tadmur/Palmyra town" was offered only its learned place."""
    calibration = Calibration({"learned|single": 0.6, "gazetteer|unknown": 0.6})
    tadmur = Place("t:tadmur", "Tadmur", ("Palmyra",), 34.56, 38.27, "town", "SY", "Homs", 1, 0)
    base = Geocoder([tadmur], areas=AdminAreas.deferred(ADMIN), calibration=calibration)
    learned = LearnedPlaces(pd.DataFrame({
        "name": ["Tadmur/Palmyra town"], "country": "SY", "admin1": "Homs",
        "latitude": [34.42], "longitude": [38.64], "precision": 1, "source": ["ucdp"],
        "records": [9]}))  # the source's point, 35 km from the gazetteer's
    table, found = review_candidates(base.with_learned(learned), "Tadmur/Palmyra town", "SY",
                                     "Homs")
    assert "t:tadmur" in [c.place.gazetteer_id for c in found]
    assert [c.place.latitude for c in found] == [34.42, 34.56]  # each offered once
    row = table[table["source"] == "t:tadmur"].iloc[0]
    assert row["rank"] == 2 and row["evidence"].startswith("by the alternate name 'Tadmur'")
