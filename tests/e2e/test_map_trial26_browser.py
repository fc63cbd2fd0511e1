"""Trial 26's findings on the map page that only the browser shows: the selected
incident drawn above the aggregates, and "Drawing the map…" where the map will be."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pages.shared.map_layout import MAP_HEIGHT
from tests.e2e.test_map_browser import AGGREGATES, _open

pytestmark = pytest.mark.browser

HEADER = "id,date_start,place,latitude,longitude,event_type,claim_status,source_name\n"


def _cluster(tmp_path: Path) -> Path:
    """The selected incident amid ten others close around it (one aggregate at zoom 9)."""
    rows = ["x0,2016-05-01,Middle,36.2000,37.1500,airstrike,alleged,SOHR"]
    for k in range(10):
        dlat, dlon = ((-1) ** k) * 0.01 * (1 + k % 3), ((-1) ** (k // 2)) * 0.012 * (1 + k % 2)
        rows.append(f"x{k + 1},2016-05-0{1 + k % 9},Place {k},{36.2 + dlat:.4f},"
                    f"{37.15 + dlon:.4f},shelling,reported,SOHR")
    path = tmp_path / "cluster.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _pane_z(frame, selector: str) -> int:
    return int(frame.locator(selector).first.evaluate(
        "el => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex)"))


def test_the_selected_incident_is_drawn_above_the_aggregates(page: Page, start_app, tmp_path):
    """Trial 26: with ?sel=ucdp-236579 (zoom 9) a "21" aggregate covered the selection."""
    server = start_app({"INCIDENT_MAP_DATA": str(_cluster(tmp_path))})
    frame = _open(page, f"{server.url}/?sel=x0&lat=36.2&lon=37.15&z=9")
    expect(frame.locator(AGGREGATES)).not_to_have_count(0)
    selected = frame.locator("path.incident-selected")
    expect(selected).to_have_count(1)
    box = selected.bounding_box()
    covering = frame.locator(AGGREGATES).first.bounding_box()
    assert box is not None and covering is not None
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert covering["x"] <= centre[0] <= covering["x"] + covering["width"]
    assert covering["y"] <= centre[1] <= covering["y"] + covering["height"]
    assert _pane_z(frame, "path.incident-selected") > _pane_z(frame, AGGREGATES)


def test_the_maps_frame_says_it_is_drawing_until_the_map_covers_it(page: Page, app_server):
    """Trial 26: the map arrived 2-5 s late under load with nothing where it would be."""
    frame = _open(page, app_server.url)
    # the words stand behind the frame until it reports the map's height (trial 27: see
    # test_map_trial27_browser); the frame keeps that height meanwhile
    height = page.locator('iframe[title="streamlit_folium.st_folium"]').evaluate(
        "el => getComputedStyle(el).minHeight")
    assert height == f"{MAP_HEIGHT}px"
    # once drawn, the map covers its frame (an opaque Leaflet container)
    colour = frame.locator("#map_div.leaflet-container").evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
