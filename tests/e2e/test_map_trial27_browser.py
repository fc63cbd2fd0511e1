"""Trial 27's findings on the map page that only the browser shows: the buttons above the
map cut off at 1,100 px, "Drawing the map…" in a frame 0 px high before the first paint,
and a click on the selected incident taken by the aggregate under it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pages.shared.map_layout import DRAWING, MAP_HEIGHT
from tests.e2e.test_map_browser import AGGREGATES, MAP_FRAME, _idle, _open
from tests.e2e.test_map_trial26_browser import _cluster

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("INCIDENT_MAP_SHOTS", "/tmp"))
CONTROLS = (".st-key-pb-play button", ".st-key-pb-step button", ".st-key-fit-map button",
            ".st-key-f_follow label")

#: Per control: its box, whether some part of its label is cut (an ellipsis or an
#: overflow) and whether a click at its centre lands on it.
READABLE = """(selectors) => selectors.map((sel) => {
  const el = document.querySelector(sel);
  if (!el) { return {sel: sel, found: false}; }
  const r = el.getBoundingClientRect();
  const cut = [el, ...el.querySelectorAll('*')].filter(
    (e) => e.textContent.trim() !== '' && e.scrollWidth > e.clientWidth + 1 &&
      getComputedStyle(e).overflow !== 'visible'
  ).map((e) => e.tagName + ':' + e.textContent.trim());
  const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {sel: sel, found: true, left: r.left, right: r.right, top: r.top,
          bottom: r.bottom, cut: cut, hit: !!at && el.contains(at),
          text: el.innerText.replace(/\\s+/g, ' ').trim()};
})"""


@pytest.mark.parametrize(("width", "height"), [(1100, 800), (1400, 900)])
def test_the_buttons_above_the_map_are_whole_and_clickable(page: Page, app_server, width,
                                                          height):
    # trial 27: at 1,100 x 800 Play read "P…", Step "S.", "Fit the ma…", "Only what th…"
    page.set_viewport_size({"width": width, "height": height})
    _open(page, app_server.url)
    page.screenshot(path=str(SHOTS / f"map-controls-{width}.png"))
    found = page.evaluate(READABLE, list(CONTROLS))
    view_width = page.evaluate("window.innerWidth")
    for control in found:
        assert control["found"], control
        assert not control["cut"], control
        assert control["left"] >= 0 and control["right"] <= view_width, control
        assert control["hit"], control
    assert [c["text"].split(" ")[-1] for c in found[:3]] == ["Play", "Step", "these"]
    assert found[3]["text"] == "Only what the map shows"
    map_top = page.locator(MAP_FRAME).bounding_box()
    assert map_top is not None
    assert all(c["bottom"] <= map_top["y"] for c in found)  # above the map, still
    if width == 1400:  # one row beside the count line, as before
        assert len({round(c["top"] / 20) for c in found[:3]}) == 1
        count = page.get_by_text("Showing").first.bounding_box()
        assert count is not None and count["x"] + count["width"] <= found[0]["left"]


def test_the_maps_place_says_it_is_drawing_at_the_maps_height(page: Page, app_server):
    # trial 27: until the map reported its height the frame was 0 px high (the page
    # jumped by 574 px) and white, so "Drawing the map…" was never seen. Hold one of the
    # map's scripts to keep it in that state.
    held = []
    page.route("**/app/static/map/aggregates.js*", lambda route: held.append(route))
    page.goto(app_server.url)
    _idle(page)
    frame = page.locator(MAP_FRAME)
    page.wait_for_function(
        f"() => {{ const f = document.querySelector('{MAP_FRAME}');"
        " return f && getComputedStyle(f).display !== 'none'; }", timeout=60_000)
    for _ in range(600):  # the map asks for its scripts once its frame is shown
        if held:
            break
        page.wait_for_timeout(100)
    assert held  # the map is waiting for its script
    box = frame.bounding_box()
    assert box is not None and box["height"] >= MAP_HEIGHT, box
    shown = frame.evaluate("""(f) => ({opacity: getComputedStyle(f).opacity,
        background: getComputedStyle(f.parentElement).backgroundImage,
        height: f.parentElement.getBoundingClientRect().height})""")
    # the frame (white inside) is not seen; the element holding it says the words
    assert shown["opacity"] == "0", shown
    assert "Drawing%20the%20map" in shown["background"], shown
    assert DRAWING == "Drawing the map…"
    page.screenshot(path=str(SHOTS / "map-drawing-placeholder.png"))
    for route in held:
        route.continue_()
    page.frame_locator(MAP_FRAME).locator("#map_div.leaflet-container").wait_for(
        timeout=60_000)
    expect(frame).to_have_attribute("height", str(MAP_HEIGHT), timeout=60_000)
    after = frame.evaluate("""(f) => ({opacity: getComputedStyle(f).opacity,
        background: getComputedStyle(f.parentElement).backgroundImage})""")
    assert after == {"opacity": "1", "background": "none"}, after
    moved = frame.bounding_box()
    assert moved is not None and abs(moved["y"] - box["y"]) <= 1  # no jump
    assert abs(moved["height"] - box["height"]) <= 1


def test_a_click_on_the_selected_incident_is_its_own(page: Page, start_app, tmp_path):
    # trial 27: inside an aggregate, the aggregate's count (a span) under the selected
    # marker took its clicks, and the map zoomed into the aggregate
    server = start_app({"INCIDENT_MAP_DATA": str(_cluster(tmp_path)),
                        "INCIDENT_MAP_TILES": "none"})
    frame = _open(page, f"{server.url}/?sel=x0&lat=36.2&lon=37.15&z=9")
    expect(frame.locator(AGGREGATES)).not_to_have_count(0)
    selected = frame.locator("path.incident-selected")
    expect(selected).to_have_count(1)
    box = selected.bounding_box()
    origin = page.locator(MAP_FRAME).bounding_box()
    assert box is not None and origin is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_top = frame.locator("body").evaluate(
        "(b, p) => { const e = document.elementFromPoint(p[0], p[1]);"
        " return e && e.getAttribute('class'); }", [x - origin["x"], y - origin["y"]])
    assert "incident-selected" in (on_top or ""), on_top
    page.mouse.click(x, y)
    body = frame.locator("body")
    page.wait_for_function(
        "(sel) => { const f = document.querySelector(sel);"
        " const g = f && f.contentWindow.__GLOBAL_DATA__;"
        " return g && g.last_object_clicked_count > 0; }", arg=MAP_FRAME, timeout=30_000)
    clicked = body.evaluate("() => ({n: window.__GLOBAL_DATA__.last_object_clicked_count,"
                            " kind: (window.__GLOBAL_DATA__.last_active_drawing || {})"
                            ".properties, zoom: window.map.getZoom()})")
    assert clicked["kind"] == {"kind": "incident-place", "count": 1}, clicked
    assert clicked["zoom"] == 9, clicked  # not zoomed into the aggregate
    _idle(page)
    expect(page.get_by_text("Middle").first).to_be_visible(timeout=60_000)  # still selected
