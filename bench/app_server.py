"""What the browser benchmarks share: starting the app, and reading a process's figures.

``start_app`` runs ``streamlit run app.py`` on a free port of 127.0.0.1 with the given
environment, logs to ``streamlit.log`` in a temporary folder and waits for its health
check. The readers take figures from ``/proc`` (Linux).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
DRAWN = ".incident-aggregate, path.incident-place"


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(env: Mapping[str, str], tmp: Path,
              args: Sequence[str] = ()) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app with ``env`` (the whole environment) and return the process and its URL.

    Extra ``streamlit run`` options go in ``args``. Exits, naming the log, when the server
    does not answer its health check within 120 s.
    """
    port = free_port()
    log = (tmp / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}",
         "--browser.gatherUsageStats=false", *args],
        cwd=ROOT, env=dict(env), stdout=log, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"streamlit did not answer; see {tmp / 'streamlit.log'}")


def memory_mb(pid: int) -> dict[str, float]:
    """Resident (``VmRSS``) and peak resident (``VmHWM``) memory of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, every thread) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
