"""The offline basemap in a real browser: borders, admin areas and town labels without tiles."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHOTS = Path(os.environ.get("INCIDENT_MAP_SHOTS", "/tmp"))


def _open(page: Page, url: str):
    page.goto(url)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=180_000
    )
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    return frame


def _basemap_drawn(frame) -> None:
    # Land, borders and admin areas are drawn on a canvas in the basemap pane.
    expect(frame.locator(".leaflet-basemap-pane canvas")).to_have_count(1, timeout=30_000)
    expect(frame.locator(".basemap-town").first).to_be_attached(timeout=30_000)
    expect(frame.locator(".basemap-area").first).to_be_attached()
    credits = frame.locator(".basemap-credits")
    expect(credits).to_contain_text("Natural Earth")
    expect(credits).to_contain_text("OCHA")


def test_with_tiles_unreachable_the_offline_basemap_shows_borders_areas_and_towns(
    page: Page, start_app
):
    server = start_app({"INCIDENT_MAP_TILES": "http://no-tiles.invalid/{z}/{x}/{y}.png"})
    frame = _open(page, f"{server.url}/?lat=35.0&lon=38.5&z=7")
    _basemap_drawn(frame)
    towns = frame.locator(".basemap-town").all_inner_texts()
    assert "Aleppo" in towns and "Damascus" in towns, towns
    # The canvas holds drawn pixels (not a blank layer).
    painted = frame.locator(".leaflet-basemap-pane canvas").evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; }
                  return n; }"""
    )
    assert painted > 1000
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / "basemap-offline.png"))
    # Zooming in brings smaller towns; labels stay few enough to read.
    before = frame.locator(".basemap-town").count()
    frame.locator("body").evaluate("() => window.map.setZoom(9)")
    expect(frame.locator(".basemap-area")).to_have_count(0)  # districts drawn, no big labels
    assert 0 < frame.locator(".basemap-town").count() <= 160
    assert before <= 160
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts <= {"127.0.0.1", "no-tiles.invalid"}, hosts


def test_with_no_tile_server_configured_the_basemap_shows_at_once(page: Page, start_app):
    server = start_app({"INCIDENT_MAP_TILES": "none"})
    frame = _open(page, server.url)
    _basemap_drawn(frame)


def test_reachable_tiles_cover_the_map_and_the_basemap_is_not_fetched(page: Page, app_server):
    frame = _open(page, app_server.url)
    expect(frame.locator(".leaflet-tile-loaded").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(1000)
    assert not [u for u in page.requests if "/basemap/" in u or "world-atlas" in u]
    assert frame.locator(".basemap-town").count() == 0
