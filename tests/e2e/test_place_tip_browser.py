"""A single place's tooltip in Chromium on the real UCDP slice (trial 24: hovering a
place gave "Aleppo town — 452 incidents" and nothing else): it gives the place's deaths
per claimant, as the aggregates word them, and its dates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import test_map_fit_browser as fit_tests
from tests.e2e.test_map_fit_browser import IDLE, SHOTS, _open

pytestmark = pytest.mark.browser
ucdp_app = fit_tests.ucdp_app  # the real UCDP slice in frame mode

#: Centre of the map's container and the centre of each place's circle, in the page.
NEAREST = """els => {
  const m = document.querySelector('#map_div').getBoundingClientRect();
  const cx = m.left + m.width / 2, cy = m.top + m.height / 2;
  return els.map(e => { const r = e.getBoundingClientRect();
    return Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy); });
}"""


def _hover_centre_place(frame) -> str:
    """Hover the place drawn nearest the map's centre; its tooltip's text."""
    places = frame.locator("path.incident-place")
    places.first.wait_for(timeout=60_000)
    distances = places.evaluate_all(NEAREST)
    places.nth(distances.index(min(distances))).hover()
    tip = frame.locator(".leaflet-tooltip .incident-place-tip")
    expect(tip).to_be_visible(timeout=10_000)
    return tip.inner_text()


def test_a_place_gives_its_deaths_and_dates(page: Page, ucdp_app):
    # Tartus town: the bombings of 23 May 2016, UCDP's figures
    frame = _open(page, f"{ucdp_app.url}/?lat=34.889&lon=35.887&z=12", 1400, 900)
    page.wait_for_selector(IDLE, timeout=120_000)
    text = _hover_centre_place(frame)
    page.screenshot(path=str(SHOTS / "map-place-tooltip.png"))
    assert re.match(r"Tartus[^\n]* — \d+ incidents?\n", text), text
    assert re.search(r"Killed, according to UCDP GED: best estimate [\d,]+ \(low–high "
                     r"[\d,]+(–[\d,]+)?\)", text), text
    assert re.search(r"\n2016-\d\d-\d\d( – 2016-\d\d-\d\d)?\n", text), text
