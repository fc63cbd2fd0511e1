"""Take the README screenshot: the map page on the real UCDP GED Syria 2016 slice.

Imports ``../shared/data/ucdp_ged_syria_2016.csv`` through ``geo.ingest`` into a
store in a temporary folder (nothing is copied into the repository), starts the app
on it, opens the map page in Debian's Chromium with an aggregate's breakdown shown,
and writes ``docs/screenshot.png``.

    .venv/bin/python scripts/screenshot.py [--data CSV] [--out PNG] [--url-query QUERY]

Needs ``/usr/bin/chromium`` and the Playwright package (``requirements-dev.txt``).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ucdp_ged_syria_2016.csv"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("streamlit exited before answering")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"streamlit did not answer within {timeout} s")


def shoot(data: Path, out: Path, query: str) -> None:
    """Import ``data`` into a temporary store, open the map on it and save ``out``."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="incident-map-shot-") as tmp:
        env = {**os.environ, "INCIDENT_DB": str(Path(tmp) / "incidents.gpkg")}
        subprocess.run([sys.executable, "-m", "geo.ingest", str(data)], cwd=ROOT, env=env,
                       check=False)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "streamlit.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}",
             "--browser.gatherUsageStats=false"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )
        try:
            _wait(url, process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/?{query}" if query else url)
                page.wait_for_selector(
                    "[data-testid='stApp'][data-test-script-state='notRunning']",
                    timeout=120_000)
                frame = page.frame_locator(MAP_FRAME)
                rings = frame.locator(".incident-aggregate")
                rings.first.wait_for(timeout=120_000)
                # Show one aggregate's breakdown: the one with the most incidents.
                counts = rings.evaluate_all(
                    "els => els.map(e => parseFloat(e.textContent) *"
                    " (e.textContent.endsWith('k') ? 1000 : 1))")
                page.locator(MAP_FRAME).scroll_into_view_if_needed()
                rings.nth(counts.index(max(counts))).hover()  # its breakdown
                frame.locator(".leaflet-tooltip").wait_for()
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=False)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
    print(f"wrote {out}")


def main() -> None:
    """Parse the arguments and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--url-query", default="", help="e.g. 'z=8&lat=36.2&lon=37.1'")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"missing {args.data}: the shared UCDP slice is needed")
    shoot(args.data, args.out, args.url_query)


if __name__ == "__main__":
    main()
