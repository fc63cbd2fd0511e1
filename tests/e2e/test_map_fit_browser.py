"""The map's opening view in Chromium (trial 21 of issue 14): a link without a map
position opens fitted to the incidents it shows at the map's real size (1,400 and
1,920 px windows), the link then carries the fitted position, a link with a position
opens exactly there, in frame mode on the real UCDP slice and in store mode."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from geo.render.fit import FIT_PADDING_PX
from tests.e2e.conftest import ROOT
from tests.e2e.store_mode import store_mode_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SHOTS = Path(os.environ.get("INCIDENT_MAP_SHOTS", "/tmp"))
UCDP = ROOT.parent / "shared" / "data" / "ucdp_ged_syria_2016.csv"
#: Where given bounds lie on the map: their share of its width and height, whether they
#: are inside it, the zoom.
PLACEMENT = """(_, b) => {
  const sw = window.map.latLngToContainerPoint([b[1], b[0]]);
  const ne = window.map.latLngToContainerPoint([b[3], b[2]]);
  const size = window.map.getSize();
  return {w: (ne.x - sw.x) / size.x, h: (sw.y - ne.y) / size.y, zoom: window.map.getZoom(),
          inside: sw.x >= -1 && ne.x <= size.x + 1 && ne.y >= -1 && sw.y <= size.y + 1,
          x: size.x, y: size.y};
}"""


def _closest(at: dict) -> bool:
    """Whether the map is at the closest zoom showing the bounds: one zoom closer
    doubles them, and they would no longer fit inside the fit's margins."""
    return 2 * at["w"] * at["x"] > at["x"] - 2 * FIT_PADDING_PX \
        or 2 * at["h"] * at["y"] > at["y"] - 2 * FIT_PADDING_PX


def _open(page: Page, url: str, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=180_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    return frame


def _fitted(frame, bounds: list[float]) -> dict:
    """Where ``bounds`` lie once the map has fitted them (asserts it did)."""
    body = frame.locator("body")
    expect(frame.locator(".incident-aggregate, path.incident-place").first).to_be_attached(
        timeout=60_000)
    return body.evaluate(PLACEMENT, bounds)


def _ucdp_bounds() -> list[float]:
    data = pd.read_csv(UCDP, usecols=["latitude", "longitude"])
    return [float(v) for v in (data.longitude.min(), data.latitude.min(),
                               data.longitude.max(), data.latitude.max())]


@pytest.fixture(scope="module")
def ucdp_app(start_app):
    if not UCDP.exists():
        pytest.skip(f"needs the shared UCDP slice at {UCDP}")
    return start_app({"INCIDENT_MAP_DATA": str(UCDP), "INCIDENT_MAP_TILES": "none"})


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (1920, 1080)])
def test_the_opening_view_fits_the_data_at_the_maps_real_width(
        page: Page, ucdp_app, width, height):
    # trial: at 1,920 px the opening view was zoom 6, Syria a third of the map's width
    frame = _open(page, ucdp_app.url, width, height)
    bounds = _ucdp_bounds()
    expect(page).to_have_url(re.compile(r"[?&]z=\d+"), timeout=60_000)  # the fitted position
    page.wait_for_selector(IDLE, timeout=120_000)
    at = _fitted(frame, bounds)
    assert at["inside"], at
    # fitted: a zoom closer would not hold the data
    assert _closest(at), at
    z = int(re.search(r"[?&]z=(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert z == at["zoom"]
    # the town labels were placed again for the fitted view's aggregates
    page.wait_for_timeout(500)
    assert frame.locator("body").evaluate(OVERLAPS)["overlaps"] == []
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / f"map-fit-{width}.png"))


def test_a_governorate_link_opens_on_the_governorate(page: Page, ucdp_app):
    # trial: ?admin1=Aleppo opened at country zoom with everything in a corner
    frame = _open(page, f"{ucdp_app.url}/?admin1=Aleppo", 1400, 900)
    expect(page).to_have_url(re.compile(r"[?&]z=\d+"), timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    fit = frame.locator("body").evaluate("() => window.incidentMapFit.bounds")
    west, south, east, north = fit
    # within Aleppo governorate (OCHA: about 36.5-38.8 E, 35.6-36.8 N)
    assert 36.0 < west < east < 39.0 and 35.3 < south < north < 37.0, fit
    at = _fitted(frame, fit)
    assert at["inside"] and _closest(at), at
    assert at["zoom"] >= 8, at  # the whole country fits at 7
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / "map-fit-aleppo.png"))
    # the link written after the fit reopens exactly there
    url = page.url
    lat, lon, zoom = (re.search(rf"[?&]{k}=([-\d.]+)", url).group(1)  # type: ignore[union-attr]
                      for k in ("lat", "lon", "z"))
    again = page.context.new_page()
    frame = _open(again, url, 1400, 900)
    center = frame.locator("body").evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
    assert int(zoom) == center[2]
    assert abs(float(lat) - center[0]) < 0.01 and abs(float(lon) - center[1]) < 0.01
    assert frame.locator("body").evaluate("() => window.incidentMapFit === undefined")
    again.close()


def test_a_link_with_a_position_keeps_it_at_any_width(page: Page, ucdp_app):
    frame = _open(page, f"{ucdp_app.url}/?admin1=Aleppo&lat=35.1&lon=38.9&z=6", 1920, 1080)
    page.wait_for_selector(IDLE, timeout=120_000)
    frame.locator(".incident-aggregate").first.wait_for(timeout=60_000)
    center = frame.locator("body").evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
    assert center[2] == 6 and abs(center[0] - 35.1) < 0.01 and abs(center[1] - 38.9) < 0.01
    expect(page).to_have_url(re.compile(r"[?&]z=6(&|$)"))


def _rows() -> list[dict[str, str]]:
    """400 incidents at 40 places, most of them in the south-west, a few in the east."""
    rows = []
    for i in range(400):
        k = i % 40
        east = k >= 36
        rows.append({
            "id": f"g{i:03d}", "place": f"Village {k}", "country": "SY",
            "latitude": f"{(35.0 + (k % 4) * 0.3) if east else (32.9 + (k % 6) * 0.2):.4f}",
            "longitude": f"{(40.2 + (k % 4) * 0.3) if east else (35.9 + (k // 6) * 0.15):.4f}",
            "date_start": f"2016-{1 + i % 12:02d}-10", "event_type": "airstrike",
            "actors": "Group East" if east else "Group West",
        })
    return rows


@pytest.fixture(scope="module")
def store_app(start_app, postgis_url):
    with store_mode_app(start_app, postgis_url, _rows(), INCIDENT_MAP_TILES="none") as app:
        yield app


@pytest.mark.postgis
def test_store_mode_opens_fitted_to_the_filtered_incidents(page: Page, store_app):
    west = [r for r in _rows() if r["actors"] == "Group West"]
    bounds = [min(float(r["longitude"]) for r in west), min(float(r["latitude"]) for r in west),
              max(float(r["longitude"]) for r in west), max(float(r["latitude"]) for r in west)]
    frame = _open(page, f"{store_app.url}/?actor=Group+West", 1920, 1080)
    expect(page).to_have_url(re.compile(r"[?&]z=\d+"), timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    fit = frame.locator("body").evaluate("() => window.incidentMapFit.bounds")
    assert fit == pytest.approx(bounds, abs=1e-4)
    at = _fitted(frame, bounds)
    assert at["inside"] and _closest(at), at
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / "map-fit-store.png"))


#: Pairs of a town label and an aggregate or a count whose boxes overlap on screen.
OVERLAPS = """() => {
  const boxes = (sel) => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const labels = [...document.querySelectorAll('.basemap-town')];
  const counts = boxes('.incident-aggregate-ring, .incident-count');
  const out = [];
  for (const label of labels) {
    const a = label.getBoundingClientRect();
    for (const b of counts) {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        out.push(label.textContent);
      }
    }
  }
  return {overlaps: out, labels: labels.length, counts: counts.length};
}"""


@pytest.mark.parametrize(("query", "shot"), [
    ("lat=35.0&lon=38.5&z=7", "country"),
    ("lat=36.2&lon=37.15&z=11", "aleppo"),
])
def test_town_labels_never_run_into_counts(page: Page, ucdp_app, query, shot):
    # trial: "707Aleppo", a place's count beside the town label
    frame = _open(page, f"{ucdp_app.url}/?{query}", 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    expect(frame.locator(".incident-aggregate-ring, .incident-count").first).to_be_attached(
        timeout=60_000)
    expect(frame.locator(".basemap-town").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(500)
    found = frame.locator("body").evaluate(OVERLAPS)
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / f"map-labels-{shot}.png"))
    assert found["labels"] >= 3 and found["counts"] >= 3, found
    assert found["overlaps"] == [], found


#: The town labels on the map, as written.
TOWN_LABELS = "() => [...document.querySelectorAll('.basemap-town')].map(e => e.textContent)"


def test_cities_under_aggregates_are_named_at_country_zoom(page: Page, ucdp_app):
    # trial 23: at zoom 7 the aggregates covered every Syrian city, so none was labelled
    # and an analyst could not tell which circle was Aleppo
    frame = _open(page, f"{ucdp_app.url}/?lat=35.0&lon=38.5&z=7", 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    expect(frame.locator(".incident-aggregate-ring").first).to_be_attached(timeout=60_000)
    expect(frame.locator(".basemap-town.basemap-held").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(500)
    names = frame.locator("body").evaluate(TOWN_LABELS)
    page.locator(MAP_FRAME).screenshot(path=str(SHOTS / "map-labels-held.png"))
    assert {"Aleppo", "Damascus", "Homs"} <= set(names), names
    assert frame.locator("body").evaluate(OVERLAPS)["overlaps"] == []
