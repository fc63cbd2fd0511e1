"""Browser test fixtures: the app served by Streamlit, driven in Debian's Chromium.

Every app server runs with sign-in on, as a team deployment does: OpenID Connect against a
local provider (PyPI ``oidc-provider-mock``, started once per session on 127.0.0.1) and a
roles file naming one admin and one analyst; everyone else signed in is a viewer. The
``page`` fixture signs in as the analyst; :func:`sign_in` signs in as anyone. All servers
share one cookie secret, so one sign-in holds for every server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

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

#: Accounts of the test identity provider: (subject, e-mail, name); roles by e-mail.
ACCOUNTS = {
    "lead": ("lead@example.org", "Lena Lead"),
    "ana": ("ana@example.org", "Ana Analyst"),
    "vic": ("vic@example.org", "Vic Viewer"),
}
ROLES = 'default = "viewer"\nadmin = ["lead@example.org"]\nanalyst = ["ana@example.org"]\n'
COOKIE_SECRET = "browser-tests-cookie-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@dataclass
class Provider:
    """The test OpenID Connect provider (oidc-provider-mock) and its settings."""

    url: str
    process: subprocess.Popen
    folder: Path

    def secrets(self, port: int) -> Path:
        """A secrets file that signs in through this provider for the app on ``port``."""
        path = self.folder / f"secrets-{port}.toml"
        path.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            'client_id = "incident-map"\nclient_secret = "test-secret"\n'
            f'server_metadata_url = "{self.url}/.well-known/openid-configuration"\n'
        )
        return path

    @property
    def roles(self) -> Path:
        return self.folder / "roles.toml"


class AppServer:
    """A Streamlit server of the app on a free port (sign-in on when a provider is given)."""

    def __init__(self, env: dict[str, str], provider: Provider | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / ".pytest_cache" / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        command = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless=true", "--server.address=127.0.0.1",
            f"--server.port={self.port}", "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]
        if provider is not None:
            command.append(f"--secrets.files={provider.secrets(self.port)}")
            SIGN_IN_SERVERS.add(self.url)
            env = {"INCIDENT_MAP_ROLES": str(provider.roles), **env}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
            )
        self._wait()

    def _wait(self, timeout: float = 90.0) -> None:
        _wait_for(f"{self.url}/_stcore/health", self.process, self.log, timeout)

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
def provider(tmp_path_factory) -> Iterator[Provider]:
    """The local OpenID Connect provider, with the accounts of :data:`ACCOUNTS`."""
    folder = tmp_path_factory.mktemp("oidc")
    port = _free_port()
    log = folder / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=out, stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/.well-known/openid-configuration", process, log)
        for subject, (email, name) in ACCOUNTS.items():
            request = urllib.request.Request(
                f"{url}/users/{quote(subject)}", method="PUT",
                data=json.dumps({"email": email, "name": name}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as resp:
                assert resp.status == 204
        (folder / "roles.toml").write_text(ROLES)
        yield Provider(url, process, folder)
    finally:
        process.terminate()
        process.wait(timeout=15)


#: Base URLs of the app servers started with sign-in (for :func:`signed_in_goto`).
SIGN_IN_SERVERS: set[str] = set()


def sign_in(page, server: AppServer | str, subject: str) -> None:  # noqa: ANN001 - a Page
    """Sign in on ``server`` through the provider's form as one of :data:`ACCOUNTS`."""
    from playwright.sync_api import expect

    url = server if isinstance(server, str) else server.url
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=60_000)
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=60_000)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=90_000)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, provider) -> Iterator[AppServer]:
    """The app on a fresh store seeded with the default data, a test tile server, sign-in."""
    server = AppServer(
        {"INCIDENT_MAP_TILES": TILES, "INCIDENT_MAP_ATTRIBUTION": "test tiles",
         **_data_paths(tmp_path_factory)},
        provider,
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def start_app(tmp_path_factory, provider) -> Iterator[Callable[[dict[str, str]], AppServer]]:
    """Start further app servers with their own environment and store, sign-in on; all
    stopped at the end."""
    servers: list[AppServer] = []

    def start(env: dict[str, str]) -> AppServer:
        server = AppServer(
            {"INCIDENT_MAP_TILES": TILES, **_data_paths(tmp_path_factory), **env}, provider
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def new_page(browser):
    """Make fresh browser contexts (pages) that record every request and answer tile
    requests; all closed at the end."""
    contexts = []

    def make():  # noqa: ANN202 - a Playwright Page
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.on("request", lambda request: page.requests.append(request.url))
        context.route(
            f"http://{TILE_HOST}/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page, app_server):
    """A fresh browser context signed in as the analyst (``ana``) on every app server it
    opens: the first visit to a server signs in through the provider (Streamlit's identity
    cookie is the server's own); requests are recorded from after the sign-in."""
    page = new_page()
    goto = page.goto
    done: set[str] = set()

    def signed_in_goto(url: str, **options):  # noqa: ANN003, ANN202
        base = next((s for s in SIGN_IN_SERVERS if url == s or url.startswith(s + "/")), None)
        if base is not None and base not in done:
            done.add(base)
            sign_in(page, base, "ana")
            page.requests.clear()
        return goto(url, **options)

    page.goto = signed_in_goto
    page.goto(app_server.url)
    page.requests.clear()
    return page
