"""Incidents joined to their places in one GeoDataFrame (geo/join.py)."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.join import (
    OFF_MAP_REASONS,
    build_incident_frame,
    fingerprint,
    geocode_incidents,
    search_text,
    to_geodataframe,
)
from geo.geocoding.names import basic_key
from geo.geocoding.overrides import OverrideStore
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import (
    PLACES,
    RAQQAH,
    SHAAFAH,
    SYRIA,
    StubGeocoder,
    incidents,
    joined,
    row,
)

ROWS = (
    row(id="raqqah", place="Raqqah", date_start="2017-10"),
    row(id="shaafah", place="Ash Sha'fah", country="SY", casualties_min="61"),
    row(id="given", place="somewhere", latitude="33.1", longitude="38.2", geo_precision="2"),
    row(id="tanf", place="Tanf"),
    row(id="nothing"),
    row(id="nowhere", place="Atlantis"),
    row(id="syria", place="Syria"),
)


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return joined(*ROWS).set_index("id", drop=False)


def test_one_geodataframe_in_wgs84_with_every_incident(frame):
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["id"]) == sorted(r["id"] for r in ROWS)
    assert {"off_map", "geocode_status", "place_names"} <= set(frame.columns)
    assert "search_text" not in frame.columns  # made on demand, not kept (memory)


def test_resolved_places_become_points_at_lon_lat(frame):
    for incident_id, place in (("raqqah", RAQQAH), ("shaafah", SHAAFAH)):
        geometry = frame.at[incident_id, "geometry"]
        assert geometry.equals(Point(place.longitude, place.latitude))
        assert frame.at[incident_id, "latitude"] == place.latitude
        assert frame.at[incident_id, "longitude"] == place.longitude
        assert frame.at[incident_id, "geocode_source"] == place.gazetteer_id
        assert frame.at[incident_id, "geocode_status"] == "resolved"
        assert frame.at[incident_id, "off_map"] == ""
    assert frame.at["shaafah", "admin1"] == SHAAFAH.admin1  # filled from the place
    assert frame.at["shaafah", "geo_precision"] == 1


def test_given_coordinates_are_kept(frame):
    assert frame.at["given", "geometry"].equals(Point(38.2, 33.1))
    assert frame.at["given", "geo_precision"] == 2
    assert frame.at["given", "geocode_source"] == "given"
    assert frame.at["given", "geocode_status"] == "given"
    assert frame.at["given", "off_map"] == ""


def test_given_coordinates_are_not_geocoded():
    geocoder = StubGeocoder()
    build_incident_frame(
        incidents(row(id="a", place="Raqqah", latitude="30", longitude="40")), geocoder
    )
    assert geocoder.calls == []


@pytest.mark.parametrize(
    ("incident_id", "reason"),
    [("tanf", "ambiguous"), ("nothing", "no_place"), ("nowhere", "unresolved"),
     ("syria", "country")],
)
def test_incidents_off_the_map_stay_with_a_reason(frame, incident_id, reason):
    assert frame.at[incident_id, "off_map"] == reason
    assert reason in OFF_MAP_REASONS
    if reason != "country":
        geometry = frame.at[incident_id, "geometry"]
        assert geometry is None or geometry.is_empty
        assert pd.isna(frame.at[incident_id, "latitude"])


def test_country_level_place_has_its_point_but_is_off_map(frame):
    assert frame.at["syria", "geometry"].equals(Point(SYRIA.longitude, SYRIA.latitude))
    assert frame.at["syria", "geo_precision"] == 4


def test_given_country_precision_is_off_map():
    frame = joined(row(id="a", latitude="35", longitude="38", geo_precision="4"))
    assert frame["off_map"].tolist() == ["country"]


def test_search_text_holds_every_spelling_of_the_resolved_place(frame):
    texts = search_text(frame)
    text = texts.at["shaafah"]
    for spelling in SHAAFAH.spellings:
        assert basic_key(spelling) in text
    assert "shafah" in text and "شعفه" in text
    raqqah = texts.at["raqqah"]
    assert all(basic_key(s) in raqqah for s in RAQQAH.spellings)
    assert frame.at["shaafah", "place_names"].split(" | ") == list(SHAAFAH.spellings)
    # unresolved places are still searchable by the name written in the record
    assert "atlantis" in texts.at["nowhere"]
    assert frame.at["nowhere", "place_names"] == ""


def test_search_text_is_normalised():
    frame = joined(row(id="a", place="Raqqah", actors="Ālbū Kamāl Brigade",
                       description="Shelling near the MARKET!"))
    text = search_text(frame).iloc[0]
    assert "albu kamal brigade" in text and "shelling near the market" in text
    assert text == text.lower()


def test_geocoder_is_asked_with_the_record_context():
    geocoder = StubGeocoder()
    build_incident_frame(incidents(row(id="a", place="Tanf", country="SY", admin1="Homs"),
                                   row(id="b", place="Tanf", country="SY", admin1="Homs")),
                         geocoder)
    assert geocoder.calls == [("Tanf", "SY", "Homs")]  # asked once per distinct place


def test_country_restricts_the_match():
    frame = joined(row(id="a", place="Raqqah", country="IQ"))
    assert frame["off_map"].tolist() == ["unresolved"]


def test_frames_with_any_index_are_geocoded_row_by_row():
    typed = incidents(row(id="n"), row(id="r", place="Raqqah"), row(id="s", place="Shaafah"))
    shuffled = typed.iloc[[2, 0, 1]]  # index 2, 0, 1
    out = geocode_incidents(shuffled, StubGeocoder())
    assert list(out.index) == [2, 0, 1]
    by_id = out.set_index("id")
    assert by_id.at["s", "place_names"].startswith(SHAAFAH.name)
    assert by_id.at["r", "place_names"].startswith(RAQQAH.name)
    assert by_id.at["n", "geocode_status"] == "no_place"
    assert typed["latitude"].isna().all()  # the input is not modified


def test_to_geodataframe_without_geocoding():
    frame = to_geodataframe(incidents(row(id="a", latitude="34", longitude="40"), row(id="b")))
    assert frame["off_map"].tolist() == ["", "no_place"]
    assert frame.crs.to_epsg() == 4326


def test_real_geocoder_seam_resolves_an_unambiguous_name():
    frame = build_incident_frame(incidents(row(id="a", place="al-Shaafah")), Geocoder(PLACES))
    assert frame.iloc[0]["geometry"].equals(Point(SHAAFAH.longitude, SHAAFAH.latitude))
    assert frame.iloc[0]["off_map"] == ""


# --- fingerprint ---------------------------------------------------------------------


def test_fingerprint_is_eight_hex_characters():
    assert re.fullmatch(r"[0-9a-f]{8}", fingerprint(incidents(*ROWS)))


def test_fingerprint_is_stable_under_row_order():
    typed = incidents(*ROWS)
    reordered = typed.iloc[::-1]
    assert fingerprint(reordered) == fingerprint(typed)
    assert fingerprint(reordered.reset_index(drop=True)) == fingerprint(typed)
    assert fingerprint(incidents(*reversed(ROWS))) == fingerprint(typed)


def test_fingerprint_ignores_derived_columns():
    typed = incidents(*ROWS)
    extra = typed.assign(search_text="x", off_map="y")
    assert fingerprint(extra) == fingerprint(typed)


@pytest.mark.parametrize(
    ("column", "value"),
    [("killed_min", "1"), ("description", "changed"), ("date_start", "2017-10-02"),
     ("latitude", "35.951"), ("id", "raqqah-2")],
)
def test_fingerprint_changes_when_a_value_changes(column, value):
    changed = [dict(r) for r in ROWS]
    changed[0][column] = value
    if column == "latitude":
        changed[0]["longitude"] = "39.01"
    assert fingerprint(incidents(*changed)) != fingerprint(incidents(*ROWS))


def test_fingerprint_changes_when_a_row_is_added_or_removed():
    base = fingerprint(incidents(*ROWS))
    assert fingerprint(incidents(*ROWS[:-1])) != base
    assert fingerprint(incidents(*ROWS, row(id="new"))) != base


def test_coordinates_from_an_earlier_geocode_follow_a_correction():
    places = [
        Place("local:a", "Tell Samra", (), 35.0, 38.0, "village", "SY", "Raqqa", 1),
        Place("local:b", "Other", (), 33.0, 36.0, "village", "SY", "Daraa", 1),
    ]
    store = OverrideStore(None)
    coder = Geocoder(places, store)
    stored = pd.DataFrame(
        {
            "place": ["Tell Samra", "Tell Samra"],
            "country": ["SY", "SY"],
            "admin1": ["", ""],
            "latitude": [35.0, 34.0],
            "longitude": [38.0, 37.0],
            "geo_precision": pd.array([1, 1], dtype="Int64"),
            "geocode_source": ["local:a", "given"],
        }
    )
    store.add_correction("Tell Samra", country="SY", gazetteer_id="local:b", who=ANALYST)
    out = geocode_incidents(stored, coder)
    # The geocoded record moves to the corrected place; the given coordinates stay.
    assert (out.at[0, "latitude"], out.at[0, "longitude"]) == (33.0, 36.0)
    assert (out.at[1, "latitude"], out.at[1, "longitude"]) == (34.0, 37.0)
    assert out.at[1, "geocode_status"] == "given"


def test_points_without_a_place_get_the_nearest_town_in_metres():
    from geo.geocoding.gazetteer import Gazetteer
    from geo.geocoding.join import name_unnamed_points

    places = [
        Place("local:n", "North town", (), 36.0, 38.0, "town", "SY", "Raqqa", 1),
        Place("local:s", "South town", (), 33.0, 36.3, "town", "SY", "Daraa", 1),
    ]
    frame = pd.DataFrame(
        {
            "place": ["", "", "Named"],
            "admin1": ["", "", ""],
            "latitude": [36.01, 33.2, 33.0],
            "longitude": [38.0, 36.3, 36.3],
        }
    )
    out = name_unnamed_points(frame, Gazetteer.from_places(places))
    assert out["nearest_place"].tolist() == ["North town", "South town", ""]
    # 0.01 degree of latitude is about 1.1 km; 0.2 degree about 22 km.
    assert 1_000 < out.at[0, "nearest_distance_m"] < 1_200
    assert 21_000 < out.at[1, "nearest_distance_m"] < 23_000
    assert out["admin1"].tolist() == ["Raqqa", "Daraa", ""]
    assert out["place"].tolist() == ["", "", "Named"]


def test_a_point_placed_at_import_carries_the_precision_of_the_place_found():
    # a town the analyst's data placed only "within 25 km" stays approximate, though
    # the record says its own point was exact
    rough = Place("t:souran", "Souran", (), 35.29, 36.75, "town", "SY", "Hama", 2, 0)
    exact = Place("t:zita", "Kafr Zita", (), 35.37, 36.6, "town", "SY", "Hama", 1, 0)
    frame = geocode_incidents(
        incidents(row(id="a", place="Souran town", country="SY", geo_precision="1"),
                  row(id="b", place="Kafr Zita", country="SY", geo_precision="1"),
                  row(id="c", place="Kafr Zita", country="SY", geo_precision="3")),
        Geocoder([rough, exact]))
    assert frame["geocode_status"].tolist() == ["resolved"] * 3
    assert frame["geo_precision"].tolist() == [2, 1, 3]
    one = Geocoder([rough, exact]).geocode("Souran town", country="SY").best
    assert one is not None and one.place.precision == 2


def test_id_order_sorts_by_code_point_with_ties_in_row_order():
    import numpy as np

    from geo.geocoding.join import fingerprint_of, id_order

    ids = ["b", "B", "é", "a", "b", "ab", "\u0627", "Z9", "a"]
    expected = sorted(range(len(ids)), key=lambda i: ids[i])  # Python's sort is stable
    for values in (pd.Series(ids, dtype="str"), pd.Series(ids, dtype=object)):
        assert id_order(values).tolist() == expected
    hashes = np.arange(len(ids), dtype=np.uint64) * 7919
    assert fingerprint_of(hashes, pd.Series(ids, dtype="str")) == \
        fingerprint_of(hashes, pd.Series(ids, dtype=object))


def test_row_hashes_of_a_compact_frame_are_those_of_its_text():
    from geo.geocoding.join import row_hashes
    from geo.view.compact import compact_frame

    plain = pd.DataFrame({
        "id": ["a", "b", "c"], "place": ["Raqqa", "", "الرقة"], "event_type": ["airstrike"] * 3,
        "killed_min": pd.array([1, None, 3], dtype="Int64"),
        "date_start": pd.to_datetime(["2017-01-01", None, "2017-01-03"]),
    })
    compact = compact_frame(plain)
    assert isinstance(compact["place"].dtype, pd.CategoricalDtype)
    columns = list(plain.columns)
    assert row_hashes(compact, columns).tolist() == row_hashes(plain, columns).tolist()
    assert len(set(row_hashes(compact, columns).tolist())) == 3
