"""Admin boundaries: the shipped copy and other polygon files in one standard shape."""

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.errors import Invalid
from geo.io.boundaries import AREA_COLUMNS, read_admin_areas, read_admin_levels
from geo.settings import Settings


def test_shipped_syria_levels_cover_known_towns():
    governorates, districts = read_admin_levels(Settings().admin_paths)
    assert len(governorates) == 14 and len(districts) == 62
    assert list(governorates.columns) == [*AREA_COLUMNS, "geometry"]
    assert governorates.geometry.is_valid.all() and districts.geometry.is_valid.all()
    raqqa = Point(39.0123, 35.9528)  # Raqqa city
    hit = districts[districts.contains(raqqa)]
    assert hit["parent_en"].tolist() == ["Ar-Raqqa"]
    assert hit["name_ar"].str.len().iloc[0] > 0


def test_any_polygon_file_with_a_name_column(tmp_path):
    path = tmp_path / "areas.geojson"
    gpd.GeoDataFrame({"Name": ["North", "South"]}, geometry=[box(0, 1, 1, 2), box(0, 0, 1, 1)],
                     crs="EPSG:4326").to_file(path)
    areas = read_admin_areas(path)
    assert areas["name_en"].tolist() == ["North", "South"]
    assert (areas["level"] == 1).all() and (areas["pcode"] == "").all()


def test_points_only_or_nameless_files_are_named_errors(tmp_path):
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(points)
    with pytest.raises(Invalid, match="no polygons"):
        read_admin_areas(points)
    nameless = tmp_path / "nameless.geojson"
    gpd.GeoDataFrame({"x": [1]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326").to_file(nameless)
    with pytest.raises(Invalid, match="no name column"):
        read_admin_areas(nameless)
    garbage = tmp_path / "garbage.geojson"
    garbage.write_text("{not json")
    with pytest.raises(Invalid, match="garbage.geojson"):
        read_admin_areas(garbage)
