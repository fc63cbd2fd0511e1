"""The map page in store-driven mode (PostGIS, INCIDENT_MAP_QUERY_MODE=store) in a real
browser: a search is applied by the database (the count, the map and the link follow), a
drag across the timeline selects those dates, and a link's bounds are what it counts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.store_mode import store_mode_app

pytestmark = [pytest.mark.browser, pytest.mark.postgis]

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DRAWN = ".incident-aggregate, path.incident-place"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
DRAWN_COUNT = """() => Object.values(window.map._layers)
  .filter(l => l.feature && l.feature.properties && l.feature.properties.count)
  .reduce((sum, l) => sum + l.feature.properties.count, 0)"""


def _rows() -> list[dict[str, str]]:
    rows = []
    for i in range(300):
        k = i % 30
        rows.append({
            "id": f"b{i:03d}", "place": f"Village {k}", "country": "SY",
            "latitude": f"{33.2 + (k % 6) * 0.6:.4f}", "longitude": f"{36.4 + (k // 6) * 0.9:.4f}",
            "date_start": f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}",
            "description": "Strike on the Café market" if i % 10 == 0 else "Shelling",
            "event_type": "airstrike" if i % 2 else "shelling",
        })
    return rows


@pytest.fixture(scope="module")
def store_app(start_app, postgis_url):
    with store_mode_app(start_app, postgis_url, _rows()) as app:
        yield app


def test_a_search_in_store_mode_is_applied_by_the_database(page: Page, store_app):
    page.goto(store_app.url)
    page.wait_for_selector(IDLE, timeout=120_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(DRAWN).first.wait_for(timeout=60_000)
    expect(page.get_by_text("Showing 300 of 300 incidents")).to_be_visible()
    search = page.get_by_role("textbox", name="Search")
    expect(search).to_be_enabled()
    search.fill("cafe")  # no accent, any case: "Café" in 30 descriptions
    search.press("Enter")
    expect(page.get_by_text("Showing 30 of 300 incidents")).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"[?&]q=cafe"))
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.get_by_text("Incidents in view (30)")).to_be_visible()
    body = frame.locator("body")
    for _ in range(120):  # the map's layer is replaced after the rerun
        if body.evaluate(DRAWN_COUNT) == 30:
            break
        page.wait_for_timeout(500)
    assert body.evaluate(DRAWN_COUNT) == 30  # the map draws only what the search finds


def test_dragging_across_the_timeline_in_store_mode_selects_those_dates(page: Page,
                                                                         store_app):
    page.goto(store_app.url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=60_000)
    expect(page.get_by_text("Showing 300 of 300 incidents")).to_be_visible()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * 0.45
    page.mouse.move(box["x"] + box["width"] * 0.35, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=12)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"[?&]d=2016-\d\d-\d\d&d=2016-\d\d-\d\d"),
                             timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.get_by_text("Showing 300 of 300 incidents")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"Showing \d+ of 300 incidents"))).to_be_visible()


def test_a_links_bounds_are_what_store_mode_counts_in_the_browser(page: Page, store_app):
    page.goto(store_app.url + "/?bbox=36.0,33.0,37.0,34.0")
    page.wait_for_selector(IDLE, timeout=120_000)
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(3000)  # the map reports its screen's bounds: a rerun
    page.wait_for_selector(IDLE, timeout=60_000)
    inside = sum(1 for i in range(300) if i % 30 in (0, 1))
    expect(page.get_by_text(f"Showing {inside} of 300 incidents")).to_be_visible()
    expect(page).to_have_url(re.compile(r"bbox=36(\.0)?%2C33(\.0)?%2C37(\.0)?%2C34(\.0)?"))


def test_the_compare_toggle_and_page_box_keep_their_values_across_tabs(page: Page,
                                                                        store_app):
    # One session at a time: the sign-in's own session ends its run first (a timeline drawn
    # while another session draws an Altair chart can meet Streamlit's global data
    # transformer: KeyError 'values', a race left for geo/render/charts.py).
    page.goto(store_app.url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.goto(store_app.url + "/?compare=2016-10-01&compare=2016-11-30")
    page.wait_for_selector(IDLE, timeout=120_000)
    page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=60_000)
    toggle = page.get_by_label("Compare with another period")
    expect(toggle).to_be_checked()  # the link opens on its comparison
    pager = page.get_by_label("Page (of 3)").last
    pager.fill("2")
    pager.press("Enter")
    expect(page.get_by_text("Rows 101–200 of 300, by date")).to_be_visible(timeout=60_000)
    for tab in ("Totals", "By area", "Over time", "Compare periods"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_selector(IDLE, timeout=60_000)
        expect(page).to_have_url(re.compile(r"compare=2016-10-01&compare=2016-11-30"))
        expect(pager).to_have_value("2")
    # drawn again, the toggle shows what the page shows, and the link keeps it after a rerun
    expect(toggle).to_be_checked()
    expect(page.locator("strong", has_text="2016-10-01 to 2016-11-30")).to_be_visible()
    pager.fill("3")
    pager.press("Enter")
    expect(page.get_by_text("Rows 201–300 of 300, by date")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(toggle).to_be_checked()
    expect(page).to_have_url(re.compile(r"compare=2016-10-01&compare=2016-11-30"))
    expect(page.get_by_text(re.compile(r"^Page \d+ is "))).to_have_count(0)


def test_tab_selectors_link_notes_and_downloads_as_an_analyst_sees_them(page: Page,
                                                                        store_app):
    # trial of issue 14: "Per" and "Areas" went back to their defaults after another
    # tab; a link's unusable values were not named; the downloads sat above the table
    page.goto(store_app.url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.goto(store_app.url + "/?q=%25_%27%3B--&lat=200&z=99")
    page.wait_for_selector(IDLE, timeout=120_000)
    expect(page.get_by_text("The link's map position was not used: it needs lat, lon and z "
                            "(lon is missing); lat 200 is out of range (-90 to 90); z 99 is "
                            "out of range (1 to 18).")).to_be_visible()
    expect(page.get_by_text("Not searched: “%_';--” (no letter or digit to look for).")
           ).to_be_visible()
    expect(page.get_by_text("Showing 300 of 300 incidents")).to_be_visible()

    def box(label: str):  # noqa: ANN202 - a Locator
        return page.locator("[data-testid='stSelectbox']").filter(
            has=page.get_by_text(label, exact=True))

    def choose(label: str, option: str) -> None:
        box(label).locator("input").click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")
        page.wait_for_selector(IDLE, timeout=60_000)
        expect(box(label).locator("input")).to_have_value(option)

    # A tab click may find the script idle before its run starts, and the run may take
    # longer than expect's 5 s under load: each check waits up to a minute. (The flake,
    # "Per" back to "week", was the page's: a change whose run a tab click stopped was
    # not kept; see view_state.choice.)

    page.get_by_role("tab", name="Over time").click()
    page.wait_for_selector(IDLE, timeout=60_000)
    choose("Per", "year")
    page.get_by_role("tab", name="By area").click()
    page.wait_for_selector(IDLE, timeout=60_000)
    choose("Areas", "districts")
    for tab in ("Totals", "Over time", "Compare periods", "By area", "Over time"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_selector(IDLE, timeout=60_000)
        if tab == "Over time":
            expect(box("Per").locator("input")).to_have_value("year", timeout=60_000)
        if tab == "By area":
            expect(box("Areas").locator("input")).to_have_value("districts", timeout=60_000)
    heading = page.get_by_text(re.compile(r"^Incidents in view \(")).first
    export = box("Export as")
    assert heading.bounding_box()["y"] < export.bounding_box()["y"]  # below the table
