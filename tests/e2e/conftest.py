"""Browser test fixtures: the app served by Streamlit, driven in Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The tile server the browser tests configure; Playwright answers its requests.
TILE_HOST = "tiles.test.invalid"
TILES = f"http://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
# 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """A Streamlit server of the app on a free port."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / ".pytest_cache" / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        command = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless=true", "--server.address=127.0.0.1",
            f"--server.port={self.port}", "--browser.gatherUsageStats=false",
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
            )
        self._wait()

    def _wait(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _data_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A server's own store, corrections and mappings, never the checkout's ``data/``."""
    folder = tmp_path_factory.mktemp("server-data")
    return {"INCIDENT_DB": str(folder / "incidents.gpkg"),
            "INCIDENT_MAP_OVERRIDES": str(folder / "geocode_overrides.csv"),
            "INCIDENT_MAP_MAPPINGS": str(folder / "column_mappings.json"),
            "INCIDENT_MAP_SEED": "yes"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bash scripts/setup.sh --dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """The app on a fresh store seeded with the default data, and a test tile server."""
    server = AppServer(
        {"INCIDENT_MAP_TILES": TILES, "INCIDENT_MAP_ATTRIBUTION": "test tiles",
         **_data_paths(tmp_path_factory)}
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def start_app(tmp_path_factory) -> Iterator[Callable[[dict[str, str]], AppServer]]:
    """Start further app servers with their own environment and store; all stopped at the end."""
    servers: list[AppServer] = []

    def start(env: dict[str, str]) -> AppServer:
        server = AppServer({"INCIDENT_MAP_TILES": TILES, **_data_paths(tmp_path_factory), **env})
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context; records every request and answers tile requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))
    context.route(
        f"http://{TILE_HOST}/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    yield page
    context.close()
