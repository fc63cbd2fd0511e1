"""Sign-in, roles and the signed-in history, in Chromium against the local OIDC provider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

SHAAFAH = "seed-shaafah-2018-11"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _idle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=90_000)


def _open_map(page: Page, url: str) -> None:
    """Open the map page and wait until the map has mounted and reported its position
    (that report reruns the page; a form filled during it would be drawn anew)."""
    page.goto(url)
    _idle(page)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # the map's debounced first report (250 ms)
    _idle(page)


def test_a_visitor_must_sign_in_and_can_sign_out(new_page, app_server):
    page = new_page()
    page.goto(f"{app_server.url}/?sel={SHAAFAH}")
    _idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Showing")).to_have_count(0)
    assert page.locator("iframe[title='streamlit_folium.st_folium']").count() == 0
    sign_in(page, app_server, "vic")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text("vic@example.org")
    expect(sidebar).to_contain_text("viewer")
    page.get_by_role("button", name="Sign out").click()
    # Streamlit ends the provider's session too (RP-initiated logout), then comes back.
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    page.goto(app_server.url)
    _idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_viewer_is_denied_an_edit(new_page, app_server):
    page = new_page()
    sign_in(page, app_server, "vic")
    page.goto(f"{app_server.url}/?sel={SHAAFAH}")
    _idle(page)
    page.get_by_text("Correct this record").click()
    expect(page.get_by_text(re.compile("to correct a record needs the analyst role"))) \
        .to_be_visible()
    expect(page.get_by_role("button", name="Save the correction")).to_have_count(0)
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav).not_to_contain_text("Audit trail")
    page.goto(f"{app_server.url}/import")
    _idle(page)
    expect(page.get_by_text(re.compile("to import incidents needs the analyst role"))) \
        .to_be_visible()
    expect(page.locator("[data-testid='stFileUploader']")).to_have_count(0)


def test_the_history_shows_the_signed_in_account(page: Page, app_server, new_page):
    _open_map(page, f"{app_server.url}/?sel={SHAAFAH}")
    page.get_by_text("Correct this record").click()
    expect(page.get_by_label("Your name")).to_have_count(0)
    page.get_by_role("textbox", name="Killed, at least").fill("14")
    page.get_by_role("textbox", name="Why (source, reasoning)").fill("a second hospital list")
    _idle(page)
    page.get_by_role("button", name="Save the correction").click()
    # The saved value comes back from the store into the form.
    expect(page.get_by_role("textbox", name="Killed, at least")).to_have_value("14")
    _idle(page)
    page.get_by_text("History of corrections").click()
    history = page.locator("[data-testid='stExpander']").filter(
        has_text="History of corrections"
    )
    expect(history.locator("[data-testid='stDataFrame']")).to_be_visible()
    expect(history).to_contain_text(
        "Last change: Killed, at least by Ana Analyst <ana@example.org>", timeout=60_000)
    page.screenshot(path=str(app_server.log.parent / "history-signed-in.png"), full_page=True)

    # The admin reads the same change in the audit trail, under the same account.
    admin = new_page()
    sign_in(admin, app_server, "lead")
    admin.get_by_role("link", name="Audit trail").click()
    _idle(admin)
    expect(admin.get_by_role("heading", name="Audit trail")).to_be_visible()
    admin.get_by_role("combobox", name="Account").click()
    expect(admin.get_by_role("option", name="Ana Analyst <ana@example.org>")).to_be_visible()
