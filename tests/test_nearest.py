from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import box

from geo.geocoding.gazetteer import Gazetteer, Place
from geo.geocoding.nearest import NEAREST_COLUMNS, admin_areas, nearest_places

ADMIN1 = Path(__file__).resolve().parents[2] / "shared" / "data" / "syr_admin" / "syr_admin1.shp"


def _place(pid, lat, lon, precision=1, admin1="A"):
    return Place(f"t:{pid}", pid.title(), (), lat, lon, "town", "SY", admin1, precision)


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_places(
        [
            _place("raqqa", 35.95283, 39.00788, admin1="Ar-Raqqa"),
            _place("tabqa", 35.83758, 38.54828, admin1="Ar-Raqqa"),
            _place("deir", 35.33588, 40.14084, admin1="Deir-ez-Zor"),
            _place("governorate", 35.9, 39.0, precision=3),  # not a town: never the answer
            _place("far", 10.0, 10.0),
        ]
    )


def test_points_get_the_nearest_town_and_a_distance_in_metres(gazetteer):
    points = pd.DataFrame(
        {"latitude": [35.96, 35.84, None, 35.30], "longitude": [39.0, 38.6, 39.0, 40.1]},
        index=["a", "b", "c", "d"],
    )
    out = nearest_places(points, gazetteer)
    assert list(out.columns) == list(NEAREST_COLUMNS)
    assert list(out.index) == ["a", "b", "c", "d"]
    assert list(out["nearest_place_id"]) == ["t:raqqa", "t:tabqa", "", "t:deir"]
    assert out.at["a", "nearest_admin1"] == "Ar-Raqqa"
    _, _, metres = Geod(ellps="WGS84").inv(39.0, 35.96, 39.00788, 35.95283)
    assert out.at["a", "nearest_distance_m"] == pytest.approx(metres, abs=1)
    assert 1_000 < out.at["a", "nearest_distance_m"] < 1_200  # metres, not degrees
    assert np.isnan(out.at["c", "nearest_distance_m"])


def test_nearest_is_found_beyond_the_first_search_box(gazetteer):
    points = pd.DataFrame({"latitude": [12.0], "longitude": [12.0]})
    out = nearest_places(points, gazetteer)
    assert out.at[0, "nearest_place_id"] == "t:far"
    assert out.at[0, "nearest_distance_m"] > 250_000


def test_max_distance_leaves_remote_points_without_a_place(gazetteer):
    points = pd.DataFrame({"latitude": [35.96, 30.0], "longitude": [39.0, 45.0]})
    out = nearest_places(points, gazetteer, max_distance_m=5_000)
    assert list(out["nearest_place_id"]) == ["t:raqqa", ""]


def test_other_column_names_and_no_coordinates(gazetteer):
    points = pd.DataFrame({"lat": [None], "lon": [None]})
    out = nearest_places(points, gazetteer, latitude="lat", longitude="lon")
    assert out.at[0, "nearest_place_id"] == ""


def test_admin_areas_from_any_polygon_layer():
    areas = gpd.GeoDataFrame(
        {"name": ["west", "east"], "code": ["W", "E"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")  # any CRS
    points = pd.DataFrame({"latitude": [0.5, 0.5, 0.5, None],
                           "longitude": [0.5, 1.5, 2.01, 0.0]})
    out = admin_areas(points, areas, ["name", "code"])
    assert list(out["name"]) == ["west", "east", "", ""]
    near = admin_areas(points, areas, ["code"], max_distance_m=5_000)
    assert near.at[2, "code"] == "E"
    assert 1_000 < near.at[2, "area_distance_m"] < 1_200
    with pytest.raises(ValueError, match="no column"):
        admin_areas(points, areas, ["pcode"])


@pytest.mark.skipif(not ADMIN1.exists(), reason="OCHA boundaries of ../shared not present")
def test_admin_areas_with_the_ocha_governorates():
    areas = gpd.read_file(ADMIN1)
    points = pd.DataFrame({"latitude": [35.95, 34.45, 31.95], "longitude": [39.01, 40.92, 35.93]})
    out = admin_areas(points, areas, ["NAME_EN", "PCODE"])
    assert list(out["PCODE"]) == ["SY11", "SY09", ""]  # Raqqa, Deir-ez-Zor, Amman (Jordan)
