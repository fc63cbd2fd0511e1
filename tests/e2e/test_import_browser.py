"""The Import page in Chromium: a large upload shows its progress and can be cancelled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
HEADER = "id,date_start,event_type,claim_status,place,country,latitude,longitude,description\n"


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(f"up-{i},2017-10-{i % 28 + 1:02d},airstrike,reported,Raqqa,SY,"
                    f"35.{i % 100:02d},39.01,words about event {i}\n")
    return path


def _workers(server_pid: int) -> list[int]:
    """Parsing workers the app server has running."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server_pid and b"geo.io.worker" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_a_large_upload_shows_progress_and_cancel_stops_its_worker(page, start_app, tmp_path):
    server = start_app({})
    page.goto(f"{server.url}/import")
    page.wait_for_selector(IDLE, timeout=90_000)
    big = _csv(tmp_path / "large.csv", 400_000)  # about 30 MB: parsing takes a while
    page.locator("input[type=file]").set_input_files(str(big))
    progress = page.locator("[data-testid='stProgress']")
    expect(progress).to_be_visible(timeout=120_000)
    expect(progress).to_contain_text(re.compile(r"MB read|rows read"), timeout=120_000)
    assert _workers(server.process.pid)
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Reading large.csv was cancelled; nothing was written.")) \
        .to_be_visible(timeout=60_000)
    # the run that drew the message ends; until then the old uploader may still be shown
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.locator("[data-testid='stFileUploader']")).to_have_count(1, timeout=30_000)
    expect(page.locator("[data-testid='stFileUploader']")).to_be_visible()
    assert _workers(server.process.pid) == []
    # The page is ready for the next file, read to the end.
    small = _csv(tmp_path / "small.csv", 20)
    page.locator("input[type=file]").set_input_files(str(small))
    expect(page.get_by_role("button", name="Import the 20 valid rows")).to_be_visible(
        timeout=120_000)
