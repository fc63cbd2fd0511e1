"""Folium base map, marker sizes, clicked places, local assets (geo/render/layers.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.render.layers import (
    base_map,
    casualty_figure,
    ids_at,
    marker_radius,
)
from geo.settings import DEFAULT_TILES, Settings, load_settings
from geo.view.extent import fit_view
from tests.helpers.incidents import RAQQAH, joined, row

XSS = "</script><img src=x onerror=alert(1)>"

FRAME = joined(
    # three incidents at one site, of two types, dated out of order
    row(id="c", date_start="2017-10-05", latitude="34.5", longitude="40.9",
        event_type="airstrike", killed_max="4"),
    row(id="a", date_start="2017-10-01", latitude="34.500001", longitude="40.899999",
        event_type="shelling", injured_min="5"),
    row(id="b", latitude="34.5", longitude="40.9", event_type="airstrike"),
    row(id="d", date_start="2017-10-01", latitude="34.5", longitude="40.9",
        event_type="airstrike"),
    # one incident at a resolved place
    row(id="r", place="Raqqah", event_type="bombing", date_start="2017-10"),
    # approximate locations
    row(id="near", latitude="33.0", longitude="38.0", geo_precision="2", event_type="other"),
    row(id="region", latitude="35.0", longitude="40.5", geo_precision="3",
        event_type="other"),
    # not drawn
    row(id="country", latitude="35.0", longitude="38.5", geo_precision="4"),
    row(id="nowhere", place="Atlantis"),
)


def render(fmap):
    return fmap.get_root().render()


# --- clicked places ------------------------------------------------------------------------


def test_ids_at_returns_all_incidents_at_a_clicked_point_by_date():
    assert ids_at(FRAME, 34.5, 40.9) == ["a", "d", "c", "b"]
    assert ids_at(FRAME, 34.5000004, 40.8999996) == ["a", "d", "c", "b"]
    assert ids_at(FRAME, RAQQAH.latitude, RAQQAH.longitude) == ["r"]
    assert ids_at(FRAME, 35.0, 38.5) == []  # country-level incident is not drawn
    assert ids_at(FRAME, 0.0, 0.0) == []


# --- casualties and marker size -----------------------------------------------------


def _casualties(**columns):
    frame = pd.DataFrame({c: pd.array(columns.get(c, [None]), dtype="Int64") for c in (
        "killed_min", "killed_max", "injured_min", "injured_max", "casualties_min",
        "casualties_max")})
    return casualty_figure(frame).tolist()


def test_casualty_figure_adds_dead_and_injured_at_their_upper_bound():
    assert _casualties(killed_min=[2], killed_max=[5], injured_min=[3]) == [8]
    assert _casualties(killed_min=[2]) == [2]
    assert _casualties(injured_max=[7]) == [7]


def test_casualty_figure_uses_a_larger_combined_figure():
    assert _casualties(killed_max=[5], casualties_min=[61]) == [61]
    assert _casualties(killed_max=[70], casualties_min=[61]) == [70]


def test_unknown_casualties_stay_unknown():
    assert pd.isna(_casualties()[0])
    assert _casualties(killed_min=[0]) == [0]


def test_marker_radius_grows_with_casualties():
    radius = marker_radius(pd.Series([None, 0, 1, 10, 100, 10_000], dtype="Float64"))
    assert radius[0] == radius[1] == 6
    assert list(radius[1:5]) == sorted(radius[1:5]) and radius[2] < radius[3] < radius[4]
    assert radius.max() <= 30


# --- rendering -----------------------------------------------------------------------


def test_map_uses_only_local_scripts_and_stylesheets():
    html = render(base_map(Settings(), (34.0, 39.0), 6))
    scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    styles = re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html)
    assert "/app/static/vendor/leaflet/leaflet.js" in scripts
    assert "/app/static/vendor/leaflet/leaflet.css" in styles
    for url in scripts + styles:
        assert url.startswith("/") and not url.startswith("//"), url
    assert "cdn" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {DEFAULT_TILES}


def test_static_prefix_comes_from_settings():
    html = render(base_map(Settings(static_url="/srv/assets/"), (34.0, 39.0), 6))
    assert '<script src="/srv/assets/vendor/leaflet/leaflet.js">' in html


def test_tile_url_comes_only_from_settings():
    tiles = "https://tiles.example.internal/osm/{z}/{x}/{y}.png"
    html = render(base_map(Settings(tiles=tiles, attribution="Internal tiles"), (34, 39), 6))
    assert tiles in html and "Internal tiles" in html
    assert "openstreetmap" not in html
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {tiles}


def test_no_tile_layer_when_tiles_are_none(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_TILES", "none")
    html = render(base_map(load_settings(), (34.0, 39.0), 6))
    assert "tileLayer" not in html
    assert not re.findall(r"https?://", html)


def test_legend_lists_the_given_types_and_several():
    html = render(base_map(Settings(tiles="none"), (34, 39), 6, ("airstrike", "shelling")))
    assert "airstrike" in html and "shelling" in html and "several types" in html
    assert "massacre" not in html


# --- fitting the view ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "zooms"),
    [
        ((35.7, 32.3, 42.4, 37.3), range(5, 8)),  # Syria
        ((38.0, 33.0, 38.5, 33.5), range(8, 11)),  # a few tens of km
        ((-170.0, -60.0, 170.0, 75.0), range(1, 3)),  # the world
        ((40.9, 34.5, 40.9, 34.5), range(10, 11)),  # one place: capped
    ],
)
def test_fit_view_centres_inside_the_bounds_at_a_sensible_zoom(bounds, zooms):
    (lat, lon), zoom = fit_view(bounds)
    assert bounds[1] - 1e-9 <= lat <= bounds[3] + 1e-9
    assert bounds[0] - 1e-9 <= lon <= bounds[2] + 1e-9
    assert zoom in zooms


def test_fit_view_zooms_in_on_smaller_bounds():
    zooms = [fit_view((40 - d, 34 - d, 40 + d, 34 + d), max_zoom=18)[1]
             for d in (20, 5, 1, 0.2, 0.05)]
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]
    assert fit_view((40, 34, 40, 34), max_zoom=6)[1] == 6
