"""The map on a realistic dataset in a real browser: aggregates, their clicks, flat memory.

The fixture is built by the test: 3,000 incidents at 300 places over Syria (random,
seeded), plus 60 incidents at one village, as a dataset of a conflict looks.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PLACES = "path.incident-place"
AGGREGATES = ".incident-aggregate"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
N_SPREAD, N_PLACES, N_VILLAGE = 3_000, 300, 60
VILLAGE = (35.12345, 37.54321)
TYPES = ["airstrike", "shelling", "clashes", "bombing"]
CLAIMS = ["alleged", "reported", "confirmed"]

#: Sum of the incident counts the map draws (aggregates and places).
DRAWN_COUNT = """() => Object.values(window.map._layers)
  .filter(l => l.feature && l.feature.properties && l.feature.properties.count)
  .reduce((sum, l) => sum + l.feature.properties.count, 0)"""


def _write_fixture(path: Path) -> Path:
    rng = np.random.default_rng(14)
    lat = rng.uniform(32.8, 36.9, N_PLACES).round(4)
    lon = rng.uniform(36.0, 41.5, N_PLACES).round(4)
    fields = ["id", "date_start", "place", "country", "latitude", "longitude", "geo_precision",
              "event_type", "claim_status", "killed_min", "killed_max", "source_name"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for i in range(N_SPREAD):
            p = int(rng.integers(0, N_PLACES))
            killed = int(rng.integers(0, 20))
            writer.writerow([
                f"s{i}", f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}", f"Place {p}", "SY",
                lat[p], lon[p], 1 + int(rng.integers(0, 2)), TYPES[i % 4], CLAIMS[i % 3],
                killed, killed + int(rng.integers(0, 5)), f"Source {i % 7}",
            ])
        for i in range(N_VILLAGE):
            writer.writerow([
                f"v{i:02d}", f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 10 else "",
                "Test village", "SY", *VILLAGE, 1, TYPES[i % 4], CLAIMS[i % 3], i % 5, "",
                "Village source",
            ])
    return path


@pytest.fixture(scope="module")
def scale_app(start_app, tmp_path_factory):
    data = _write_fixture(tmp_path_factory.mktemp("scale") / "incidents.csv")
    return start_app({"INCIDENT_MAP_DATA": str(data)})


def _open(page: Page, url: str):
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    frame.locator(f"{AGGREGATES}, {PLACES}").first.wait_for(timeout=60_000)
    return frame


def test_the_opening_view_shows_aggregates_not_thousands_of_marks(page: Page, scale_app):
    frame = _open(page, scale_app.url)
    aggregates = frame.locator(AGGREGATES).count()
    places = frame.locator(PLACES).count()
    assert aggregates >= 5
    assert aggregates + places < 150  # 360 places, 3,060 incidents
    leaflet = frame.locator("body")
    assert leaflet.evaluate(DRAWN_COUNT) == N_SPREAD + N_VILLAGE  # nothing dropped
    # No uncertainty circle at country zoom, without a selection.
    assert frame.locator("path.leaflet-interactive:not(.incident-place)").count() == 0
    frame.locator(AGGREGATES).first.hover()
    tip = frame.locator(".leaflet-tooltip")
    expect(tip).to_contain_text("By event type:")
    expect(tip).to_contain_text("By claim status:")
    expect(tip).to_contain_text(re.compile(r"Killed per incident: \d+(–\d+)?"))


def test_clicking_an_aggregate_zooms_into_it(page: Page, scale_app):
    frame = _open(page, scale_app.url)
    leaflet = frame.locator("body")
    leaflet.evaluate("() => { window.__mounted = true; }")
    zoom = leaflet.evaluate("() => window.map.getZoom()")
    frame.locator(AGGREGATES).first.click()
    expect(page).to_have_url(re.compile(rf"[?&]z=({zoom + 1}|{zoom + 2}|{zoom + 3}|1\d)\b"))
    page.wait_for_selector(IDLE, timeout=60_000)
    assert leaflet.evaluate("() => window.map.getZoom()") > zoom
    assert leaflet.evaluate("() => window.__mounted === true")  # same map, moved
    assert "sel" not in parse_qs(urlsplit(page.url).query)  # nothing picked for the analyst


def test_a_place_of_many_incidents_lists_them_paginated(page: Page, scale_app):
    frame = _open(page, f"{scale_app.url}/?lat={VILLAGE[0]}&lon={VILLAGE[1]}&z=15")
    place = frame.locator(PLACES)
    expect(place).to_have_count(1)
    place.scroll_into_view_if_needed()  # the map is taller now: its centre may lie below the fold
    box = place.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text(f"{N_VILLAGE} incidents at Test village")).to_be_visible()
    expect(page.get_by_text(f"Rows 1–20 of {N_VILLAGE}, by date")).to_be_visible()
    assert "sel" not in parse_qs(urlsplit(page.url).query)
    # Page 2 of the list, then pick its first row: that incident is selected.
    pager = page.get_by_label("Page (of 3)").first
    pager.fill("2")
    pager.press("Enter")
    expect(page.get_by_text(f"Rows 21–40 of {N_VILLAGE}, by date")).to_be_visible()
    page.wait_for_selector(IDLE, timeout=60_000)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid_box = grid.bounding_box()
    assert grid_box
    page.mouse.click(grid_box["x"] + 18, grid_box["y"] + 35 + 17)  # first row's checkbox
    expect(page).to_have_url(re.compile(r"[?&]sel=v\d\d"))
    expect(page.get_by_text("Village source").first).to_be_visible()


def test_replaced_incident_layers_are_freed_and_the_heap_stays_flat(page: Page, scale_app):
    frame = _open(page, scale_app.url)
    leaflet = frame.locator("body")
    handle = page.locator(MAP_FRAME).element_handle()
    assert handle
    inner = handle.content_frame()
    assert inner
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def heap() -> float:
        cdp.send("HeapProfiler.collectGarbage")
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize")

    checkbox = page.get_by_text("Include incidents without a known date")
    leaflet.evaluate("() => { window.__first = new WeakRef(window.feature_group.at(-1)); }")
    heaps = []
    for _ in range(16):
        leaflet.evaluate("() => { window.__layer = window.feature_group.at(-1); }")
        checkbox.click()
        inner.wait_for_function("() => window.feature_group.at(-1) !== window.__layer",
                                timeout=60_000)
        leaflet.evaluate("() => { window.__layer = null; }")
        page.wait_for_selector(IDLE, timeout=60_000)
        heaps.append(heap())
    # Only the layer on the map is kept; the first one was collected.
    assert leaflet.evaluate("() => window.feature_group.length") == 1
    assert leaflet.evaluate("() => window.__first.deref() === undefined")
    # Flat: the last eight changes hold no more than the first eight (+1 MB of noise).
    assert max(heaps[8:]) <= max(heaps[:8]) + 1e6, [round(h / 1e6, 1) for h in heaps]


def test_wide_uncertainty_circles_show_only_on_hover_at_close_zoom(page: Page, scale_app):
    rng = np.random.default_rng(14)  # the fixture's first place
    lat, lon = rng.uniform(32.8, 36.9, N_PLACES)[0], rng.uniform(36.0, 41.5, N_PLACES)[0]
    frame = _open(page, f"{scale_app.url}/?lat={lat:.4f}&lon={lon:.4f}&z=11")
    approx = frame.locator(f'{PLACES}[stroke-dasharray="3 3"]')
    expect(approx.first).to_be_attached()
    # 10 km circles span ~150 px here: drawn, they would overlap and tint the view.
    circles = frame.locator("path.incident-uncertainty")
    expect(circles).to_have_count(0)
    approx.first.hover(force=True)
    expect(circles).to_have_count(1)
    page.mouse.move(1, 1)
    expect(circles).to_have_count(0)


def test_a_page_past_the_last_shows_the_last_page_in_box_and_table(page: Page, scale_app):
    _open(page, scale_app.url)
    total = N_SPREAD + N_VILLAGE
    pages = -(-total // 100)
    pager = page.get_by_label(f"Page (of {pages})").last
    expect(pager).to_have_value("1")  # the first view: page 1, in the box too
    expect(page.get_by_text(f"Rows 1–100 of {total:,}, by date")).to_be_visible()
    pager.fill("99")
    pager.press("Enter")
    # the box the analyst typed in holds the page the table shows (not 99, marked invalid)
    expect(page.get_by_text(f"Page 99 is past the last page ({pages}): showing page "
                            f"{pages}.")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(pager).to_have_value(str(pages))
    first = (pages - 1) * 100 + 1
    expect(page.get_by_text(f"Rows {first:,}–{total:,} of {total:,}, by date")).to_be_visible()
