"""The timeline's typed dates in a real browser: Enter applies a typed date (issue 14).

Streamlit's date field (a react-aria DateField of year, month and day segments) applies
a typed date only when the focus leaves the whole widget, its calendar button included:
typing ``20170101`` and pressing Enter changed nothing, and a date half typed when a
rerun redrew the field was lost. The From and To fields are text fields: Enter applies.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _idle(page: Page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def _field(page: Page, label: str):
    return page.locator(f"[data-testid='stTextInput'] input[aria-label='{label}']")


def test_a_date_typed_and_entered_applies_and_a_bad_one_says_why(page: Page, app_server):
    page.goto(app_server.url)
    _idle(page)
    page.frame_locator(MAP_FRAME).locator("#map_div.leaflet-container").wait_for(
        timeout=60_000)
    start = _field(page, "From")
    start.fill("2017-10")
    start.press("Enter")  # no click elsewhere: Enter alone applies
    expect(page).to_have_url(re.compile(r"[?&]d=2017-10-01&d=2018-11-13"), timeout=60_000)
    _idle(page)
    end = _field(page, "To")
    end.fill("2017-10")
    end.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]d=2017-10-01&d=2017-10-31"), timeout=60_000)
    _idle(page)
    expect(start).to_have_value("2017-10")  # what was typed stays as typed
    expect(page.locator("[data-testid='stSlider']").first).to_contain_text("2017-10-31")
    end.fill("2017-13-01")
    end.press("Enter")
    expect(page.get_by_text("'2017-13-01': there is no month 13")).to_be_visible(
        timeout=60_000)
    expect(end).to_have_value("2017-10-31")  # the field shows the date in force again
    assert re.search(r"[?&]d=2017-10-01&d=2017-10-31", page.url)
