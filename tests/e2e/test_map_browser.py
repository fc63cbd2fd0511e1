"""The map page in a real browser: drawing, filtering, links, clicks, offline assets, escaping."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TILE_HOST = "tiles.test.invalid"  # as configured by conftest.py
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKERS = "path.incident-place"
AGGREGATES = ".incident-aggregate"


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


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_opens_on_the_seed_incidents_and_draws_each_place(page: Page, app_server):
    frame = _open(page, app_server.url)
    # Raqqah and al-Shaafah on their own; the al-Tanf region and the Rukban camp, about
    # 20 km apart, make one aggregate at country zoom; the Syria-wide claim is listed.
    expect(frame.locator(MARKERS)).to_have_count(2)
    expect(frame.locator(AGGREGATES)).to_have_count(1)
    frame.locator(AGGREGATES).hover()
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("2 incidents at 2 places")
    expect(page.get_by_text("Showing 5 of 5 incidents")).to_be_visible()
    expect(page.get_by_text("1 incident not on the map")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_narrowing_the_dates_draws_fewer_and_changes_the_link(page: Page, app_server):
    frame = _open(page, app_server.url)
    expect(frame.locator(MARKERS)).to_have_count(2)
    page.get_by_text("Include incidents without a known date").click()
    expect(frame.locator(MARKERS)).to_have_count(2)  # Raqqah and al-Shaafah are dated
    slider = page.locator("[data-testid='stSlider']").first
    slider.scroll_into_view_if_needed()  # the timeline is under the map
    end_thumb = slider.locator("input[type='range']").nth(1).locator("xpath=../..")
    box = end_thumb.bounding_box()
    track = slider.bounding_box()
    assert box and track
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # Move the end of the range back to about the start of 2018: only Raqqah (Oct 2017) is left.
    page.mouse.move(track["x"] + track["width"] * 0.78, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"[?&]d=2014-09-01&d=201[78]-"))
    expect(frame.locator(MARKERS)).to_have_count(1)
    assert _params(page)["undated"] == ["0"]
    # The share box gives the same view as the address bar.
    share = page.locator("[data-testid='stSidebar'] [data-testid='stCode']")
    expect(share).to_contain_text("undated=0")
    link = share.inner_text().strip()
    assert parse_qs(urlsplit(link).query) == _params(page)


def test_a_hand_made_link_restores_the_view(page: Page, app_server):
    url = (
        f"{app_server.url}/?d=2017-10-01&d=2018-11-13&type=airstrike&type=bombing"
        "&lat=35.2&lon=40.1&z=8&undated=0"
    )
    frame = _open(page, url)
    expect(frame.locator(MARKERS)).to_have_count(2)
    slider = page.locator("[data-testid='stSlider']").first
    expect(slider).to_contain_text("2017-10-01")
    expect(slider).to_contain_text("2018-11-13")
    types = page.locator("[data-testid='stMultiSelect']").first
    expect(types).to_contain_text("airstrike")
    expect(types).to_contain_text("bombing")
    expect(types).not_to_contain_text("armed movement")
    expect(page.get_by_label("Include incidents without a known date")).not_to_be_checked()
    leaflet = frame.locator("body")
    zoom = leaflet.evaluate("() => window.map.getZoom()")
    center = leaflet.evaluate("() => window.map.getCenter()")
    assert zoom == 8
    assert abs(center["lat"] - 35.2) < 0.01 and abs(center["lng"] - 40.1) < 0.01
    # The page keeps the link as it was opened.
    expect(page).to_have_url(re.compile(r"[?&]z=8"))
    params = _params(page)
    assert params["d"] == ["2017-10-01", "2018-11-13"]
    assert params["z"] == ["8"]
    assert page.locator("[data-testid='stException']").count() == 0


def test_clicking_an_incident_selects_it_in_the_link_and_shows_details(page: Page, app_server):
    frame = _open(page, app_server.url)
    expect(frame.locator(MARKERS)).to_have_count(2)
    leaflet = frame.locator("body")
    leaflet.evaluate("() => { window.__mounted = true; }")
    # The Raqqah marker is the northernmost place.
    boxes = [frame.locator(MARKERS).nth(i).bounding_box() for i in range(2)]
    top = min((b for b in boxes if b), key=lambda b: b["y"])
    page.mouse.click(top["x"] + top["width"] / 2, top["y"] + top["height"] / 2)
    expect(page).to_have_url(re.compile(r"[?&]sel=seed-raqqah-2017-10"))
    details = page.get_by_text("Claimed by:").locator("xpath=ancestor::div[1]")
    expect(page.get_by_text("October 2017 (month)")).to_be_visible()
    expect(details).to_contain_text("unnamed military-diplomatic source")
    # The map was updated in place, not remounted.
    assert leaflet.evaluate("() => window.__mounted === true")


def test_moving_the_map_updates_the_link_without_remounting(page: Page, app_server):
    frame = _open(page, app_server.url)
    leaflet = frame.locator("body")
    leaflet.evaluate("() => { window.__mounted = true; }")
    leaflet.evaluate("() => window.map.setView([33.5, 38.6], 9)")
    expect(page).to_have_url(re.compile(r"[?&]z=9"))
    params = _params(page)
    assert abs(float(params["lat"][0]) - 33.5) < 0.01
    assert abs(float(params["lon"][0]) - 38.6) < 0.01
    _idle(page)
    assert leaflet.evaluate("() => window.__mounted === true")
    assert leaflet.evaluate("() => window.map.getZoom()") == 9


def test_garbage_link_gives_the_default_view_with_a_note(page: Page, app_server):
    url = f"{app_server.url}/?d=tomorrow&type=%3Cscript%3E&z=banana&lat=1&lon=2&sel=nope&v=zz"
    frame = _open(page, url)
    expect(page.get_by_text("Some of this link could not be used")).to_be_visible()
    expect(frame.locator(MARKERS)).to_have_count(2)
    expect(page.get_by_text("Showing 5 of 5 incidents")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_no_request_leaves_the_machine_but_to_the_tile_server(page: Page, app_server):
    frame = _open(page, app_server.url)
    expect(frame.locator(MARKERS)).to_have_count(2)
    page.wait_for_timeout(1000)
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert TILE_HOST in hosts  # the configured tile server is the one used
    assert hosts <= {"127.0.0.1", TILE_HOST}, hosts


def test_text_from_data_runs_nothing(page: Page, start_app, tmp_path: Path):
    data = tmp_path / "xss.csv"
    data.write_text(
        "id,date_start,place,latitude,longitude,event_type,claim_status,description,source_name\n"
        'x1,2018-01-05,"<img src=x onerror=""window.__xss=1"">",35.1,38.2,airstrike,alleged,'
        '"<script>window.__xss=2</script> <b>bold</b>","<svg onload=""window.__xss=3"">"\n',
        encoding="utf-8",
    )
    server = start_app({"INCIDENT_MAP_DATA": str(data)})
    frame = _open(page, f"{server.url}/?sel=x1")
    expect(frame.locator(MARKERS)).to_have_count(1)
    expect(page.get_by_text("<script>window.__xss=2</script>", exact=False)).to_be_visible()
    # the selected incident is drawn on top of its place's marker: hovering it shows the
    # place's tooltip (trial 27 made the selected marker take the pointer)
    frame.locator("path.incident-selected").hover()
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("<img src=x")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    assert frame.locator("body").evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0


def test_without_a_reachable_tile_server_everything_but_the_basemap_works(
    page: Page, start_app
):
    server = start_app({"INCIDENT_MAP_TILES": "http://no-tiles.invalid/{z}/{x}/{y}.png"})
    frame = _open(page, f"{server.url}/?sel=seed-shaafah-2018-11&lat=34.8&lon=38.9&z=6")
    expect(frame.locator(MARKERS)).to_have_count(2)
    expect(page.get_by_text("Casualties:")).to_be_visible()
    frame.locator("path.incident-selected").hover()  # on top of its place's marker
    expect(frame.locator(".leaflet-tooltip")).to_be_visible()
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith("data:")}
    assert hosts <= {"127.0.0.1", "no-tiles.invalid"}, hosts


def test_a_fresh_server_opens_any_page_under_the_app_router(page: Page, start_app):
    server = start_app({})
    page.goto(f"{server.url}/review")
    _idle(page)
    expect(page.locator("h1").first).to_have_text("Place names to review")
    nav = page.locator("[data-testid='stSidebarNav'] a")
    expect(nav).to_have_count(4)  # an analyst: no audit trail
    expect(page.locator("[data-testid='stSidebarNav']")).not_to_contain_text("common")
    assert page.get_by_text("Page not found").count() == 0
