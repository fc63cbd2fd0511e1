"""The totals' charts as an analyst sees them (browser tests, trial 22)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("INCIDENT_MAP_SHOTS", "/tmp"))


def _bar_rows(png: bytes, least_run: int = 30) -> int:
    """How many pixel rows of an image hold a run of at least ``least_run`` pixels of one
    saturated colour (a bar; text, axes and legend swatches are grey or short)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    saturated = (pixels.max(axis=2) - pixels.min(axis=2)) > 60
    rows = 0
    for line, colours in zip(saturated, pixels, strict=True):
        run = best = 0
        for x in range(1, len(line)):
            same = line[x] and line[x - 1] and np.abs(colours[x] - colours[x - 1]).max() < 8
            run = run + 1 if same else 0
            best = max(best, run)
        rows += best >= least_run
    return rows


def test_the_comparison_chart_shows_bars_with_height(page: Page, app_server):
    # trial 22: the plot was 8 pixels tall in a 1,400 x 900 window, bars flat slivers
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{app_server.url}/?d=2017-10-01&d=2017-10-31"
              "&compare=2018-11-01&compare=2018-11-30")
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=180_000)
    chart = page.locator("[data-testid='stVegaLiteChart']").filter(
        has_text="Incidents by event type")
    chart.first.scroll_into_view_if_needed(timeout=60_000)
    page.wait_for_timeout(1500)  # Vega draws after the element shows
    png = chart.first.screenshot()
    (SHOTS / "compare_chart.png").write_bytes(png)
    # two periods, one bar each at least (each period's incidents counted by their start day
    # since trial 24: one seed incident each), each bar well over 8 pixels thick
    assert _bar_rows(png) >= 30
