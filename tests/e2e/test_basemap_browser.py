"""The offline basemap in a real browser: borders, admin areas and town labels without tiles."""

from __future__ import annotations

import os
import time
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
    # No tile loaded: the credits name what is shown, not the tile server's sources.
    expect(frame.locator(".leaflet-control-attribution").first).to_be_attached()
    assert "OpenStreetMap" not in " ".join(
        frame.locator(".leaflet-control-attribution").all_inner_texts())
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / "basemap-offline.png"))
    # Zooming in brings smaller towns; labels stay few enough to read.
    before = frame.locator(".basemap-town").count()
    frame.locator("body").evaluate("() => window.map.setZoom(9)")
    expect(frame.locator(".basemap-area")).to_have_count(0)  # districts drawn, no big labels
    assert 0 < frame.locator(".basemap-town").count() <= 160
    assert before <= 160
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts <= {"127.0.0.1", "no-tiles.invalid"}, hosts


_LINE_PIXELS = """() => {
  // pixels of the governorates' line colour (#7d7190) on the basemap's canvases
  let n = 0;
  for (const c of document.querySelectorAll("[class*='leaflet-basemap'] canvas")) {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 100 && Math.abs(d[i] - 125) < 12 && Math.abs(d[i + 1] - 113) < 12
          && Math.abs(d[i + 2] - 144) < 12) { n++; }
    }
  }
  return n;
}"""


def test_admin_lines_show_when_the_countries_file_arrives_last(page: Page, start_app):
    # The trial of issue 14 saw fresh views without governorate lines, 3 times in 4: the
    # admin file came first and the land fill, drawn later, painted over its lines.
    server = start_app({"INCIDENT_MAP_TILES": "none"})

    def late(route) -> None:  # noqa: ANN001 - a Playwright Route
        time.sleep(1.5)
        route.continue_()

    page.route("**/world-atlas/**", late)
    frame = _open(page, f"{server.url}/?lat=35.0&lon=38.5&z=7")
    _basemap_drawn(frame)
    expect(frame.locator(".basemap-credits")).to_contain_text("Natural Earth", timeout=30_000)
    page.wait_for_timeout(500)
    assert frame.locator("body").evaluate(_LINE_PIXELS) > 200


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
    # The tiles are on the map: their sources are credited.
    expect(frame.locator(".leaflet-bottom.leaflet-right .leaflet-control-attribution")
           ).to_contain_text("test tiles")


def test_the_legend_starts_collapsed_and_opens_on_click(page: Page, app_server):
    frame = _open(page, app_server.url)
    legend = frame.locator(".incident-legend")
    expect(legend).to_be_visible()
    box = legend.bounding_box()
    assert box is not None and box["height"] < 40, box  # its title only
    expect(legend.locator(".legend-note")).to_be_hidden()
    legend.locator("summary").click()
    expect(legend.locator(".legend-note")).to_be_visible()


def test_the_map_page_by_name_opens_the_map_with_the_view_of_the_address(
    page: Page, app_server
):
    query = "z=9&lat=35.0&lon=38.5&d=2016-01-01&d=2030-12-31&type=airstrike&type=shelling"
    _open(page, f"{app_server.url}/?{query}")
    at_root = urlsplit(page.url).query
    frame = _open(page, f"{app_server.url}/map?{query}")
    assert not page.get_by_text("Page not found").is_visible()
    expect(frame.locator(".incident-legend")).to_be_visible()
    assert urlsplit(page.url).path in ("", "/"), page.url
    assert urlsplit(page.url).query == at_root  # the same view, repeated parameters too
    assert at_root.count("d=") == 2, at_root


_LABELS = """() => [...document.querySelectorAll('.basemap-label-icon')].map(
  icon => [icon.firstChild.className, icon.textContent, icon.style.transform]).sort()"""

_REDRAW_MEASURES = """() => {
  // which boxes a redraw of the labels measures (a measure after a change lays the page out)
  const measure = Element.prototype.getBoundingClientRect;
  const calls = {labels: 0, controls: 0, other: 0};
  Element.prototype.getBoundingClientRect = function () {
    calls[this.closest(".basemap-label-icon") ? "labels"
      : this.closest(".leaflet-control") ? "controls" : "other"]++;
    return measure.call(this);
  };
  try { window.incidentBasemap.redraw(); } finally {
    Element.prototype.getBoundingClientRect = measure;
  }
  return calls;
}"""


def test_labels_are_measured_once_and_placed_as_measured_anew(page: Page, start_app):
    # Every change of the incidents' layer redraws the labels: at 1,000,000 incidents,
    # measuring each candidate label again took 250-430 ms of the browser's time per change.
    server = start_app({"INCIDENT_MAP_TILES": "none"})
    frame = _open(page, f"{server.url}/?lat=35.0&lon=38.5&z=7")
    _basemap_drawn(frame)
    body = frame.locator("body")
    page.wait_for_timeout(500)
    drawn = body.evaluate(_LABELS)
    assert len(drawn) > 5
    # No label is measured again: the map's own box, and the map's controls (obstacles to
    # the labels, lab27: a few boxes read right after the map's, no further layout).
    measures = body.evaluate(_REDRAW_MEASURES)
    controls = body.evaluate("() => document.querySelectorAll('.leaflet-control').length")
    assert measures["labels"] == 0 and measures["other"] <= 1, measures
    assert 0 < measures["controls"] <= controls, (measures, controls)  # each read once
    assert body.evaluate(_LABELS) == drawn
    body.evaluate("() => window.incidentBasemap.remeasure()")  # every box measured again
    assert body.evaluate(_LABELS) == drawn
    body.evaluate("() => window.map.setView([35.6, 38.1], 8, {animate: false})")
    moved = body.evaluate(_LABELS)
    body.evaluate("() => window.incidentBasemap.remeasure()")
    assert body.evaluate(_LABELS) == moved != drawn
