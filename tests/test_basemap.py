"""The offline basemap: town labels, the admin layer and the element on the base map."""

import json
import re

import geopandas as gpd
from shapely.geometry import Point, box, shape

from geo.geocoding.gazetteer import Gazetteer, Place, save_index
from geo.render.basemap import (
    TOWNS_FILE,
    admin_payload,
    ensure_admin_file,
    ensure_towns_file,
    town_labels,
)
from geo.render.basemap_layer import OfflineBasemap
from geo.render.layers import base_map
from geo.settings import Settings


def _index(tmp_path, rows):
    path = tmp_path / "index"
    places = [
        Place(f"geonames:{i}", name, (), lat, lon, kind, country, "", 1, population)
        for i, (name, lat, lon, population, country, kind) in enumerate(rows)
    ]
    save_index(Gazetteer.from_places(places), path)
    return path


def _areas(tmp_path, attribution="Boundaries: Test Office, CC BY"):
    folder = tmp_path / "admin"
    folder.mkdir()
    level1 = folder / "adm1.geojson"
    gpd.GeoDataFrame(
        {"level": [1, 1], "name_en": ["North", "South"]},
        geometry=[box(30, 31, 32, 32), box(30, 30, 32, 31)], crs="EPSG:4326",
    ).to_file(level1)
    level2 = folder / "adm2.geojson"
    gpd.GeoDataFrame(
        {"level": [2], "name_en": ["North-East"], "adm1_pcode": ["N"]},
        geometry=[box(31, 31, 32, 32)], crs="EPSG:4326",
    ).to_file(level2)
    if attribution:
        (folder / "ATTRIBUTION.json").write_text(json.dumps({"attribution": attribution}))
    return (level1, level2)


def test_town_labels_keep_big_towns_everywhere_and_small_ones_near_the_detailed_area(tmp_path):
    index = _index(tmp_path, [
        ("Far Village", 10.0, 10.0, 5_000, "XX", "town"),
        ("Far City", 10.0, 11.0, 2_000_000, "XX", "city"),
        ("Near Village", 31.5, 31.2, 2_000, "YY", "town"),
        ("Just Outside", 32.5, 31.0, 1_500, "YY", "town"),
        ("Hamlet", 31.4, 31.4, 300, "YY", "town"),
        ("", 31.4, 31.4, 900_000, "YY", "town"),
    ])
    towns = town_labels(index, (30.0, 30.0, 32.0, 32.0), world_min=100_000, local_min=1_000)
    assert towns["name"].tolist() == ["Far City", "Near Village", "Just Outside"]
    assert list(towns.columns) == ["name", "lat", "lon", "pop"]
    assert town_labels(index, None, world_min=100_000)["name"].tolist() == ["Far City"]


def test_admin_layer_has_each_area_a_label_point_inside_it_and_the_attribution(tmp_path):
    payload = admin_payload(_areas(tmp_path))
    features = payload["features"]
    assert [(f["properties"]["level"], f["properties"]["name"]) for f in features] == [
        (1, "North"), (1, "South"), (2, "North-East"),
    ]
    for feature in features:
        lat, lon = feature["properties"]["label"]
        assert shape(feature["geometry"]).contains(Point(lon, lat))
    assert payload["attribution"] == "Boundaries: Test Office, CC BY"


def test_admin_file_is_written_once_per_version_of_the_boundaries(tmp_path):
    paths = _areas(tmp_path)
    settings = Settings(admin_paths=paths)
    out = tmp_path / "static"
    first = ensure_admin_file(settings, out)
    assert first is not None and (out / first).exists()
    assert ensure_admin_file(settings, out) == first
    gpd.GeoDataFrame({"name_en": ["Only"]}, geometry=[box(0, 0, 1, 1)],
                     crs="EPSG:4326").to_file(paths[0])
    second = ensure_admin_file(settings, out)
    assert second != first
    names = [f["properties"]["name"] for f in json.loads((out / second).read_text())["features"]]
    assert names == ["Only", "North-East"]


def test_no_boundaries_and_no_gazetteer_leave_those_layers_out(tmp_path):
    settings = Settings(admin_paths=(tmp_path / "missing.geojson",),
                        gazetteer_index_path=tmp_path / "missing-index")
    assert ensure_admin_file(settings, tmp_path) is None
    assert ensure_towns_file(settings, tmp_path) is None
    config = json.loads(OfflineBasemap(settings, tmp_path).config)
    assert config["admin"] is None and config["towns"] is None
    assert config["countries"].endswith("/vendor/world-atlas/countries-50m.json")


def test_towns_file_is_made_from_the_index_when_set_up_did_not(tmp_path):
    index = _index(tmp_path, [("Big", 31.5, 31.5, 500_000, "YY", "city")])
    settings = Settings(admin_paths=_areas(tmp_path), gazetteer_index_path=index)
    assert ensure_towns_file(settings, tmp_path / "out") == TOWNS_FILE
    towns = json.loads((tmp_path / "out" / TOWNS_FILE).read_text())
    assert towns == {"name": ["Big"], "lat": [31.5], "lon": [31.5], "pop": [500_000],
                     "seat": [1]}  # the most populous town of its area


def _render(fmap) -> str:
    return fmap.get_root().render()


def test_base_map_loads_the_basemap_from_the_apps_own_static_files(tmp_path):
    html = _render(base_map(Settings(static_url="/srv/assets/"), (34.0, 39.0), 6))
    assert '<script src="/srv/assets/vendor/topojson-client/topojson-client.min.js">' in html
    config = json.loads(re.search(r"var cfg = (\{.*?\});", html).group(1))
    assert config["countries"] == "/srv/assets/vendor/world-atlas/countries-50m.json"
    assert config["admin"].startswith("/srv/assets/basemap/admin-")
    assert "Natural Earth" in config["credit"]


def test_basemap_starts_at_once_without_tiles_and_on_a_tile_error_with_them():
    script = _render(base_map(Settings(tiles="none"), (34.0, 39.0), 6))
    assert "if (!tiles.length) { start(); }" in script
    assert 'layer.once("tileerror", start)' in script
    # The basemap panes lie under Leaflet's tile pane (z-index 200): tiles cover them.
    panes = re.findall(r'createPane\("(\w+)"\)\.style\.zIndex = (\d+)', script)
    assert panes and all(int(z) < 200 for _, z in panes)
