"""Near the map's edges, in a real browser at 1400 px (trial of issue 14): an aggregate's
tooltip opens inward and stays whole inside the map, and the basemap's credits are one
short line in Leaflet's attribution control at the bottom right, clear of the scale bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_basemap_browser import _basemap_drawn, _open

pytestmark = pytest.mark.browser

_RECT = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5
            and inner[2] <= outer[2] + 0.5 and inner[3] <= outer[3] + 0.5)


def test_the_basemap_credits_are_one_short_line_bottom_right(page: Page, start_app):
    server = start_app({"INCIDENT_MAP_TILES": "none"})
    frame = _open(page, f"{server.url}/?lat=35.0&lon=38.5&z=7")
    _basemap_drawn(frame)
    credits = frame.locator(".basemap-credits")
    expect(credits).to_have_count(1)
    # in Leaflet's own attribution control, bottom right; nothing bottom left but the scale
    expect(frame.locator(".leaflet-bottom.leaflet-right .basemap-credits")).to_have_count(1)
    assert frame.locator(".leaflet-bottom.leaflet-left .leaflet-control-attribution").count() == 0
    control = frame.locator(".leaflet-bottom.leaflet-right .leaflet-control-attribution")
    expect(control).to_contain_text("Natural Earth · OCHA")
    box = control.bounding_box()
    assert box is not None and box["height"] <= 26 and box["width"] <= 320, box  # one line
    scale = frame.locator(".leaflet-control-scale").evaluate(_RECT)
    shown = control.evaluate(_RECT)
    assert shown[0] >= scale[2] or shown[3] <= scale[1], (shown, scale)  # not over it
    # the full text on hover (title) and on a click
    assert "CC BY 3.0 IGO" in (credits.get_attribute("title") or "")
    full = frame.locator(".basemap-credits-full")
    expect(full).to_be_hidden()
    credits.click()
    expect(full).to_be_visible()
    expect(full).to_contain_text("UN Cartographic Section")


@pytest.mark.parametrize("corner", ["right", "bottom-right", "top-right"])
def test_an_aggregate_tooltip_near_an_edge_opens_inward_and_stays_whole(
    page: Page, app_server, corner
):
    frame = _open(page, f"{app_server.url}/?lat=35.0&lon=38.5&z=6")
    marker = frame.locator(".incident-aggregate").first
    marker.wait_for(timeout=60_000)
    map_box = frame.locator("#map_div").evaluate(_RECT)
    # move the map so that the aggregate sits 30 px inside the chosen edge(s)
    target_x = map_box[2] - 30
    target_y = {"right": (map_box[1] + map_box[3]) / 2, "bottom-right": map_box[3] - 30,
                "top-right": map_box[1] + 30}[corner]
    at = marker.evaluate(_RECT)
    dx, dy = (at[0] + at[2]) / 2 - target_x, (at[1] + at[3]) / 2 - target_y
    frame.locator("body").evaluate(f"() => window.map.panBy([{dx}, {dy}], {{animate: false}})")
    # the move reruns the page, which may draw the aggregates anew: take the one nearest
    page.wait_for_timeout(1500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=120_000)
    page.wait_for_timeout(1000)
    boxes = frame.locator(".incident-aggregate").evaluate_all(
        f"els => els.map({_RECT})")
    nearest = min(range(len(boxes)), key=lambda k: abs((boxes[k][0] + boxes[k][2]) / 2
                                                        - target_x)
                  + abs((boxes[k][1] + boxes[k][3]) / 2 - target_y))
    at = boxes[nearest]
    # near enough to the edge that a tooltip opened rightward (290 px) would not fit
    assert (at[0] + at[2]) / 2 > map_box[2] - 150, (at, map_box)
    marker = frame.locator(".incident-aggregate").nth(nearest)
    marker.hover()
    tip = frame.locator(".leaflet-tooltip .incident-aggregate-tip")
    expect(tip).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)
    whole = frame.locator(".leaflet-tooltip").evaluate(_RECT)
    assert _inside(whole, map_box), (corner, whole, map_box)
    assert "leaflet-tooltip-left" in (frame.locator(".leaflet-tooltip").get_attribute("class")
                                      or "")
