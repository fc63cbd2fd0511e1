"""An aggregate whose incidents include "at least 16 killed" (a low and no high) says the
top of its per-incident range is open, in a real browser (the tooltip drawn by
static/map/aggregates.js from the payload's open counts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_map_scale_browser import AGGREGATES, IDLE, MAP_FRAME

pytestmark = pytest.mark.browser

HEADER = ("id,date_start,place,country,latitude,longitude,geo_precision,event_type,killed_min,"
          "killed_max,injured_min,injured_max,source_name,claim_status")
ROWS = (
    "s1,2016-08-02,Aleppo,SY,36.2,37.15,1,airstrike,16,,,,SOHR,reported",
    "s2,2016-08-03,Haritan,SY,36.25,37.08,1,airstrike,12,20,4,,SOHR,reported",
    "s3,2016-08-20,Anadan,SY,36.29,37.04,1,shelling,3,3,1,2,SOHR,reported",
    "s4,2016-08-22,Kafr Hamra,SY,36.24,37.07,1,shelling,,,,,SOHR,reported",
)


@pytest.fixture(scope="module")
def open_app(start_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("open") / "incidents.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return start_app({"INCIDENT_MAP_DATA": str(path)})


def test_an_aggregate_says_at_least(page: Page, open_app):
    page.goto(open_app.url + "/?lat=36.2&lon=37.1&z=7")
    page.wait_for_selector(IDLE, timeout=120_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(AGGREGATES).first.wait_for(timeout=60_000)
    frame.locator(AGGREGATES).first.hover()
    tip = frame.locator(".leaflet-tooltip")
    expect(tip).to_contain_text("4 incidents at 4 places")
    expect(tip).to_contain_text("Killed per incident: 3–20 or more (given for 3 of 4; 1 gives "
                                "only a lowest figure")
    expect(tip).to_contain_text("Injured per incident: 1–4 or more (given for 2 of 4; 1 gives")
    # sums are per claimant, never across claimants (trial 24: "not added across
    # incidents" under a sum over incidents)
    expect(tip).to_contain_text("figures of different claimants are never added together")
    expect(tip).not_to_contain_text("not added across incidents")
