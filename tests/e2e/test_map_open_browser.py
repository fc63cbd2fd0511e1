"""What an analyst sees on opening the map page in Chromium (analyst trial of issue 14):
the map in sight without scrolling at 1,400 x 900 and 1,920 x 1,080 (it was below the
fold, under the timeline and playback), Play/Pause above it and the timeline right under
it, in frame mode on the real UCDP slice and in store mode; and a ``?sel=`` link without
a position opening on the selected incident and its uncertainty circle (it opened at
country zoom), its details shown and its position then in the link."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from geo.view.extent import circle_bounds
from tests.e2e import test_map_fit_browser as fit_tests
from tests.e2e.test_map_fit_browser import IDLE, PLACEMENT, SHOTS, UCDP, _open

pytestmark = pytest.mark.browser
ucdp_app = fit_tests.ucdp_app  # the real UCDP slice in frame mode (module-scoped fixtures)
store_app = fit_tests.store_app  # 400 incidents in a PostGIS store, store mode

#: Where the map, the Play button and the timeline chart are in the window.
LAYOUT = """() => {
  const box = (sel) => { const e = document.querySelector(sel);
    if (!e) { return null; } const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {map: box('iframe[title="streamlit_folium.st_folium"]'),
          play: box('.st-key-pb-play button'), chart: box('.st-key-timeline_chart'),
          height: window.innerHeight, width: window.innerWidth};
}"""


def _layout(page: Page) -> dict:
    expect(page.locator(".st-key-timeline_chart")).to_be_attached(timeout=60_000)
    return page.evaluate(LAYOUT)


def _in_sight(found: dict) -> None:
    """The whole map and Play are in the window; the timeline is under the map."""
    m, play = found["map"], found["play"]
    assert m is not None and play is not None, found
    assert m["top"] >= 0 and m["bottom"] <= found["height"], found  # no scrolling needed
    assert m["bottom"] - m["top"] >= 500, found
    assert play["top"] >= 0 and play["bottom"] <= m["top"], found  # above the map
    assert found["chart"]["top"] >= m["bottom"], found  # the timeline under it


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (1920, 1080)])
def test_the_map_is_in_sight_on_opening(page: Page, ucdp_app, width, height):
    _open(page, ucdp_app.url, width, height)
    expect(page).to_have_url(re.compile(r"[?&]z=\d+"), timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    found = _layout(page)
    page.screenshot(path=str(SHOTS / f"map-open-{width}.png"))
    _in_sight(found)


@pytest.mark.postgis
def test_store_mode_shows_the_map_in_sight_on_opening(page: Page, store_app):
    _open(page, store_app.url, 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    found = _layout(page)
    page.screenshot(path=str(SHOTS / "map-open-store.png"))
    _in_sight(found)


def test_a_selection_link_opens_on_the_incident(page: Page, ucdp_app):
    data = pd.read_csv(UCDP, usecols=["id", "latitude", "longitude", "where_prec",
                                      "where_coordinates"])
    row = data[data["where_prec"] == 2].iloc[0]  # UCDP: "within 25 km"
    frame = _open(page, f"{ucdp_app.url}/?sel=ucdp-{row['id']}", 1400, 900)
    expect(page).to_have_url(re.compile(r"[?&]z=\d+"), timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    expect(frame.locator(".incident-aggregate, path.incident-place").first).to_be_attached(
        timeout=60_000)
    around = list(circle_bounds(float(row["latitude"]), float(row["longitude"]), 25_000))
    at = frame.locator("body").evaluate(PLACEMENT, around)
    assert at["inside"], at  # the incident and its circle in view
    assert at["zoom"] >= 9 and at["w"] > 0.3, at  # zoomed onto it, not the country (7)
    # its details, and the position in the link with the selection
    expect(page.get_by_text(str(row["where_coordinates"])).first).to_be_visible()
    url = page.url
    assert f"sel=ucdp-{row['id']}" in url
    assert int(re.search(r"[?&]z=(\d+)", url).group(1)) == at["zoom"]  # type: ignore[union-attr]
    page.screenshot(path=str(SHOTS / "map-open-selected.png"))


def _hover_largest(frame) -> str:
    """Hover the aggregate with the largest count; its tooltip's text."""
    aggregates = frame.locator(".incident-aggregate")
    aggregates.first.wait_for(timeout=60_000)
    counts = aggregates.evaluate_all(
        "els => els.map(e => { const t = e.textContent.trim();"
        " return t.endsWith('k') ? parseFloat(t) * 1000 : parseFloat(t) || 0; })")
    aggregates.nth(counts.index(max(counts))).hover()
    tip = frame.locator(".leaflet-tooltip .incident-aggregate-tip")
    expect(tip).to_be_visible(timeout=10_000)
    return tip.inner_text()


def test_an_aggregate_gives_its_death_total_and_top_places(page: Page, ucdp_app):
    # trial: the tooltips gave per-incident ranges only, and no place names
    frame = _open(page, f"{ucdp_app.url}/?lat=35.2&lon=38.5&z=7", 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    text = _hover_largest(frame)
    page.screenshot(path=str(SHOTS / "map-aggregate-tooltip.png"))
    # UCDP is one claimant: one total, best estimate and range
    assert re.search(r"Killed, according to UCDP GED: best estimate [\d,]+ \(low–high "
                     r"[\d,]+–[\d,]+\)", text), text
    places = re.search(r"Most incidents: (.+?)(?: \(and [\d,]+ other places?\))?\n", text)
    assert places, text
    named = [p.rsplit(" ", 1) for p in places.group(1).split(" · ")]
    counts = [int(n.replace(",", "")) for _, n in named]
    assert len(named) == 3 and counts == sorted(counts, reverse=True), named


@pytest.mark.postgis
def test_store_mode_aggregates_give_their_places_and_deaths(page: Page, store_app):
    frame = _open(page, f"{store_app.url}/?lat=34.0&lon=37.5&z=7", 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    text = _hover_largest(frame)
    assert re.search(r"Most incidents: Village \d+ \d+", text), text
    # these incidents give no killed figure: said, not a total of 0
    assert "no figure given" in text, text
