"""Files with geometries: odd GeoJSON structures as named errors, WKT geometries read, and
the geometry winning over stale coordinate columns (geo/io/spatial.py, geo/io/mappings.py)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

from geo.ingest import main
from geo.io.load import read_incidents
from geo.io.mappings import MappingMemory

PROPS = {"event_type": "airstrike", "claim_status": "alleged", "date_start": "2017-10-05"}


def _feature(fid, geometry=None, **props):
    return {"type": "Feature", "geometry": geometry, "properties": {"id": fid, **PROPS, **props}}


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _read(data, tmp_path, name="in.geojson"):
    return read_incidents(data, name=name, memory=MappingMemory(tmp_path / "m.json"))


def _row_messages(loaded, row):
    return " | ".join(e.message for e in loaded.errors if e.row == row)


@pytest.mark.parametrize(("content", "fragment"), [
    (b'{"type": "FeatureCollection", "features": 5}', "'features' is a number"),
    (b'{"type": "FeatureCollection", "features": "abc"}', "'features' is a string"),
    (b'{"type": "FeatureCollection"}', "'features' is a null"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"type": "FeatureCollection", "features": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
     "nested too deeply"),
])
def test_odd_documents_are_named_file_errors(tmp_path, content, fragment):
    loaded = _read(content, tmp_path)
    assert not loaded.readable
    assert fragment in loaded.errors[0].message and loaded.errors[0].row is None


def test_odd_features_are_rejected_by_name_never_dropped(tmp_path):
    point = {"type": "Point", "coordinates": [39.0, 35.9]}
    features = [
        _feature("ok", point),
        {"type": "Feature", "geometry": point, "properties": ["id", "x"]},
        {"type": "Feature", "geometry": point, "properties": "id=x"},
        "not a feature",
        _feature("obj", {"type": "Point", "coordinates": {"lon": 39.0, "lat": 35.9}}),
        _feature("nest", {"type": "Point", "coordinates": [[[39.0, 35.9]]]}),
        _feature("text", {"type": "Point", "coordinates": ["39", "35.9"]}),
        _feature("poly", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}),
    ]
    loaded = _read(_collection(*features), tmp_path)
    assert loaded.incidents["id"].tolist() == ["ok"]
    assert loaded.rows == len(features) == loaded.table.file_records
    assert loaded.rejected_rows == list(range(2, len(features) + 1))
    assert "properties is a list" in _row_messages(loaded, 2)
    assert "properties is a string" in _row_messages(loaded, 3)
    assert "is a string, not a GeoJSON Feature" in _row_messages(loaded, 4)
    assert "coordinates are a object" in _row_messages(loaded, 5)
    assert "nested or too short" in _row_messages(loaded, 6)
    assert "are not numbers" in _row_messages(loaded, 7)
    assert "Polygon, not a Point" in _row_messages(loaded, 8)


def test_a_wkt_string_geometry_is_read(tmp_path):
    loaded = _read(_collection(_feature("w", "POINT (39.01 35.95)"),
                               _feature("bad", "POINT (39")), tmp_path)
    assert loaded.incidents[["id", "latitude", "longitude"]].values.tolist() == [
        ["w", 35.95, 39.01]]
    assert "neither GeoJSON nor WKT" in _row_messages(loaded, 2)


def test_geometry_wins_over_stale_coordinate_columns_with_a_note(tmp_path):
    moved = _feature("m", {"type": "Point", "coordinates": [39.5, 36.1]},
                     latitude="35.9", longitude="39.0")
    same = _feature("s", {"type": "Point", "coordinates": [39.0, 35.9]},
                    latitude="35.9", longitude="39.0")
    loaded = _read(_collection(moved, same), tmp_path)
    assert loaded.incidents[["latitude", "longitude"]].values.tolist() == [
        [36.1, 39.5], [35.9, 39.0]]
    [note] = loaded.warnings
    assert note.row == 1 and note.field == "geometry" and "the geometry is used" in note.message


def test_points_moved_in_qgis_win_in_a_geopackage(tmp_path):
    frame = pd.DataFrame({"id": ["p1"], "event_type": ["airstrike"], "claim_status": ["alleged"],
                          "latitude": [35.9], "longitude": [39.0]})
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([38.0], [35.0]), crs="EPSG:4326")
    path = tmp_path / "moved.gpkg"
    gdf.to_file(path, layer="incidents", driver="GPKG")
    loaded = read_incidents(path, memory=MappingMemory(tmp_path / "m.json"))
    assert loaded.incidents[["latitude", "longitude"]].values.tolist() == [[35.0, 38.0]]
    assert loaded.table.file_records == 1 and "differs" in loaded.warnings[0].message


def test_a_wkt_column_of_a_csv_is_the_geometry(tmp_path):
    data = (b"id,event_type,claim_status,latitude,longitude,WKT\n"
            b"a,airstrike,alleged,35.9,39.0,POINT (38.2 35.1)\n"
            b"b,airstrike,alleged,,,\"LINESTRING (0 0, 1 1)\"\n"
            b"c,airstrike,alleged,35.9,39.0,\n")
    loaded = _read(data, tmp_path, name="qgis.csv")
    assert loaded.incidents[["id", "latitude", "longitude"]].values.tolist() == [
        ["a", 35.1, 38.2], ["c", 35.9, 39.0]]
    assert "LineString, not a Point" in _row_messages(loaded, 2)
    assert [w.row for w in loaded.warnings] == [1]


@pytest.mark.parametrize("content", [
    b'{"type": "FeatureCollection", "features": 5}',
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": "x"}]}',
    b"[" * 50_000 + b"]" * 50_000,
])
def test_command_line_names_the_problem_without_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "odd.geojson"
    path.write_bytes(content)
    code = main([str(path), "--no-geocode", "--db", str(tmp_path / "s.gpkg")])
    out = capsys.readouterr()
    assert code in (1, 2)
    assert "Traceback" not in out.err + out.out
    assert "odd.geojson" in out.err + out.out
