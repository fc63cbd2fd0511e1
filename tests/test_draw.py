"""The drawing toolbar and the drawn area on the map (geo/render/draw.py)."""

from __future__ import annotations

import re

import folium

from geo.render.draw import AreaSync, DrawArea
from geo.render.layers import base_map
from geo.settings import Settings


def _html(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def test_the_toolbar_loads_leaflet_draw_from_the_app_itself():
    fmap = base_map(Settings(tiles="none"), (35.0, 39.0), 6)
    fmap.add_child(DrawArea(Settings(tiles="none")))
    html = _html(fmap)
    scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    styles = re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html)
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in scripts
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.css" in styles
    # Leaflet first, then the plug-in that extends it.
    assert scripts.index("/app/static/vendor/leaflet/leaflet.js") < scripts.index(
        "/app/static/vendor/leaflet-draw/leaflet.draw.js")
    assert not re.findall(r"https?://", html)
    assert "window.drawnItems" in html and "polyline: false" in html


def test_area_sync_carries_the_ring_as_lat_lon():
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(fmap)
    group.add_child(AreaSync(((38.5, 35.5), (38.5, 36.3), (39.5, 36.3))))
    html = _html(fmap)
    assert "[[35.5, 38.5], [36.3, 38.5], [36.3, 39.5]]" in html


def test_area_sync_without_an_area_clears_the_drawing():
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(fmap)
    group.add_child(AreaSync(()))
    html = _html(fmap)
    assert re.search(r"ring = \[\];", html)
    assert "if (!ring.length) { items.clearLayers(); return; }" in html
