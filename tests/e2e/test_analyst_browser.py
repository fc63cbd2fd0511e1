"""The analyst's tools in a real browser: area filter from a link, a drawn area, playback,
"only what the map shows", the map image download, and no request leaving the machine."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

pytestmark = pytest.mark.browser

TILE_HOST = "tiles.test.invalid"  # as configured by conftest.py
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKERS = "path.incident-place"
RAQQAH = (35.95, 39.01)  # where the gazetteer puts the seed's Raqqah


def _idle(page: Page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def _open(page: Page, url: str):
    page.goto(url)
    _idle(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    return frame


def _map_frame(page: Page) -> Frame:
    handle = page.locator(MAP_FRAME).element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function("window.map && window.map._loaded")
    return frame


def _screen_point(page: Page, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates of a (lat, lon) on the map."""
    frame = _map_frame(page)
    point = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
        " const r = window.map.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }",
        [lat, lon],
    )
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    return box["x"] + point[0], box["y"] + point[1]


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _count(page: Page):
    return page.get_by_text(re.compile(r"^Showing [\d,]+ of [\d,]+ incidents"))


def test_an_area_from_a_link_in_any_spelling_filters_the_view(page: Page, app_server):
    frame = _open(page, f"{app_server.url}/?admin1=Ar-Raqqah")
    expect(page).to_have_url(re.compile(r"[?&]admin1=SY11(&|$)"))  # the P-code
    expect(page.get_by_text("Showing 1 of 5 incidents")).to_be_visible()
    expect(frame.locator(MARKERS)).to_have_count(1)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Ar-Raqqa", exact=False).first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_drawing_a_rectangle_filters_by_it_and_goes_into_the_link(page: Page, app_server):
    frame = _open(page, app_server.url)
    expect(page.get_by_text("Showing 5 of 5 incidents")).to_be_visible()
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame.locator(".leaflet-draw-draw-rectangle").click()
    x0, y0 = _screen_point(page, RAQQAH[0] + 0.4, RAQQAH[1] - 0.5)
    x1, y1 = _screen_point(page, RAQQAH[0] - 0.4, RAQQAH[1] + 0.5)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"[?&]poly=[-0-9.,;%CB]+"))
    _idle(page)
    expect(page.get_by_text("Showing 1 of 5 incidents")).to_be_visible()
    expect(frame.locator(MARKERS)).to_have_count(1)
    corners = _params(page)["poly"][0].split(";")
    assert len(corners) == 4
    # The link reopens the same drawn area, on the map and in the count.
    link = page.url
    other = page.context.new_page()
    try:
        _open(other, link)
        expect(other.get_by_text("Showing 1 of 5 incidents")).to_be_visible()
        # Drawn into the drawing layer, so the toolbar can edit or delete it.
        _map_frame(other).wait_for_function(
            "window.drawnItems && window.drawnItems.getLayers().length === 1")
    finally:
        other.close()
    # Clearing it brings every incident back and drops it from the link.
    page.get_by_role("button", name="Clear the drawn area").click()
    expect(page.get_by_text("Showing 5 of 5 incidents")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"[?&]poly="))


def test_playback_steps_the_dates_forward(page: Page, app_server):
    _open(page, app_server.url)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page).to_have_url(re.compile(r"d=2014-09-01&d=2014-09-30"))
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page).to_have_url(re.compile(r"d=2014-09-01&d=2014-10-31"))
    page.get_by_role("button", name="Play", exact=True).click()
    # Playing moves the end on by itself, a month at a time (cumulative).
    expect(page).to_have_url(re.compile(r"d=2014-09-01&d=2014-12-31"), timeout=30_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    _idle(page)
    paused = page.url
    page.wait_for_timeout(3_000)  # a paused playback does not move (1 s per step)
    assert page.url == paused


def test_only_what_the_map_shows_changes_the_count_and_the_link(page: Page, app_server):
    _open(page, f"{app_server.url}/?lat={RAQQAH[0]}&lon={RAQQAH[1]}&z=9")
    expect(page.get_by_text("Showing 5 of 5 incidents")).to_be_visible()
    page.get_by_text("Only what the map shows").click()
    expect(page.get_by_text("Showing 1 of 5 incidents")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]bbox=[-0-9.]+(%2C|,)"))
    expect(page.get_by_text("Incidents in view (1)")).to_be_visible()


def test_the_map_image_downloads_as_png_and_pdf(page: Page, app_server, tmp_path):
    _open(page, f"{app_server.url}/?type=airstrike&type=bombing")
    # Once the map has reported its extent the page stops rerunning (a click on a
    # download button of a run that was replaced finds nothing).
    expect(page.get_by_text("The image covers the map's current extent")).to_be_visible()
    _idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the map (PNG)").click()
    path = tmp_path / "map.png"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.get_by_label("Map image as").click()
    page.get_by_role("option", name="PDF").click()
    _idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the map (PDF)").click()
    path = tmp_path / "map.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"


def test_no_request_leaves_the_machine_with_the_drawing_tools(page: Page, app_server):
    frame = _open(page, app_server.url)
    frame.locator(".leaflet-draw-draw-polygon").wait_for()
    hosts = {urlsplit(url).hostname for url in page.requests}  # type: ignore[attr-defined]
    assert hosts <= {"127.0.0.1", TILE_HOST}, hosts
