"""Benchmark in Chromium: S analysts change a filter at the same moment on one app server.

Fills a temporary GeoPackage store with N SYNTHETIC incidents (see
``bench_map.synthetic_incidents``; nothing is written to the repository), starts the app
on it (single-user mode on 127.0.0.1: no sign-in, no tile server) and opens S pages in
Debian's Chromium (one browser, one context per page, as S analysts would). Each page
waits for its map's first paint (incidents drawn, the script idle). Then, for each round,
every page types a search term and all press Enter at the same moment (asyncio); each is
timed until its map is redrawn (a new incident layer replaced the old one, the signal the
browser tests use) and until its script is idle. Rounds alternate two kinds of change:

- ``same``: every analyst searches the same new term (what sessions share: one view key);
- ``own``: every analyst searches a term of their own (nothing to share but the data).

Optionally (``--edits``) the bench then writes E corrections to the store from its own
process, as a colleague's app instance would; after every edit one page reruns (in turn),
and after every tenth all of them, and the server's resident memory is read.

Prints per-round median and max seconds, the server's CPU seconds per round (user +
system, all threads: what the round costs whatever else the machine runs), its resident
memory (``VmRSS``) and peak (``VmHWM``), and the machine's load average (2 cores shared
with other jobs: with a load above 2, wall-clock times include waiting for a core).

    .venv/bin/python bench/bench_sessions_browser.py [--incidents 100000] [--sessions 10]
        [--rounds 4] [--edits 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app_server import (  # noqa: E402
    CHROMIUM_ARGS,
    DRAWN,
    IDLE,
    MAP_FRAME,
    cpu_seconds,
    load_average,
    memory_mb,
    start_app,
)
from bench_sessions import BENCH, _fill  # noqa: E402

TIMEOUT_MS = 600_000


def _start(store: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "INCIDENT_DB": str(store), "INCIDENT_MAP_TILES": "none",
           "INCIDENT_MAP_SEED": "no", "INCIDENT_MAP_OVERRIDES": str(tmp / "overrides.csv"),
           "INCIDENT_MAP_MAPPINGS": str(tmp / "mappings.json")}
    return start_app(env, tmp, ["--server.fileWatcherType=none"])


async def _open(page, url: str) -> float:  # noqa: ANN001 - a Playwright Page
    """Seconds from navigation to incidents drawn and the script idle."""
    t0 = time.perf_counter()
    await page.goto(url)
    frame = page.frame_locator(MAP_FRAME)
    await frame.locator("#map_div.leaflet-container").wait_for(timeout=TIMEOUT_MS)
    await frame.locator(DRAWN).first.wait_for(timeout=TIMEOUT_MS)
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def _leaflet(page):  # noqa: ANN001, ANN202 - Playwright objects
    handle = await page.locator(MAP_FRAME).element_handle()
    return await handle.content_frame()


async def _change(page, term: str, start: asyncio.Barrier) -> tuple[float, float]:  # noqa: ANN001
    """Search ``term`` once every page is ready; seconds to the map redrawn, to the script idle."""
    leaflet = await _leaflet(page)
    await leaflet.evaluate("() => { window.__layer = window.feature_group.at(-1); }")
    box = page.get_by_role("textbox", name="Search", exact=True)
    await box.fill(term)
    await start.wait()
    t0 = time.perf_counter()
    await box.press("Enter")
    await leaflet.wait_for_function("() => window.feature_group.at(-1) !== window.__layer",
                                    timeout=TIMEOUT_MS, polling=50)
    redrawn = time.perf_counter() - t0
    await leaflet.evaluate("() => { window.__layer = null; }")
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return redrawn, time.perf_counter() - t0


async def _round(pages: list, terms: list[str]) -> tuple[list[float], list[float]]:
    start = asyncio.Barrier(len(pages))  # every page has its term typed, then all press
    results = await asyncio.gather(
        *(_change(p, t, start) for p, t in zip(pages, terms, strict=True)))
    return [r[0] for r in results], [r[1] for r in results]


def _line(label: str, times: list[float]) -> str:
    return f"{label}: median {statistics.median(times):.2f} s, max {max(times):.2f} s"


async def _edits(pages: list, store_path: Path, pid: int, count: int) -> None:
    """Corrections written by another process; sessions rerun; server memory read."""
    from geo.store import open_store

    store = open_store(store_path, create=False)
    rss = [memory_mb(pid)["VmRSS"]]
    times = []
    try:
        for i in range(count):
            store.edit(f"synthetic-{i}", {"killed_min": str(1000 + i)}, who=BENCH)
            everyone = (i + 1) % 10 == 0
            chosen = pages if everyone else [pages[i % len(pages)]]
            terms = [f"place {i % 7} {n}" if everyone else f"place {i % 7}"
                     for n in range(len(chosen))]
            redrawn, _ = await _round(chosen, terms)
            times += redrawn
            if everyone:
                rss.append(memory_mb(pid)["VmRSS"])
                print(f"  after {i + 1:>3} edits: server RSS {rss[-1]:,.0f} MB, "
                      f"load {load_average()}", flush=True)
    finally:
        store.close()
    print(_line(f"{count} corrections, rerun after each (map redrawn)", times))
    print("server RSS every 10 edits, MB: " + " ".join(f"{r:.0f}" for r in rss))


async def _main(args: argparse.Namespace, store: Path, url: str, pid: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                   args=CHROMIUM_ARGS)
        pages = []
        for _ in range(args.sessions):
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            pages.append(await context.new_page())
        first = await _open(pages[0], url)
        print(f"first session's first paint (reads the store): {first:.1f} s; "
              f"server RSS {memory_mb(pid)['VmRSS']:,.0f} MB", flush=True)
        rest = await asyncio.gather(*(_open(p, url) for p in pages[1:]))
        print(_line(f"other {len(rest)} sessions' first paint, opened together", rest)
              + f"; server RSS {memory_mb(pid)['VmRSS']:,.0f} MB, load {load_average()}",
              flush=True)
        # The first search of the server builds the geocoder (search terms may name
        # places): once per process, not counted.
        warm, _ = await _round(pages, ["warm up"] * len(pages))
        print(_line("warm-up search (builds the geocoder once), map redrawn", warm)
              + f"; server RSS {memory_mb(pid)['VmRSS']:,.0f} MB", flush=True)
        summary: dict[str, list[float]] = {"same": [], "own": []}
        cpu_per_rerun: dict[str, list[float]] = {"same": [], "own": []}
        for r in range(args.rounds):
            kind = "same" if r % 2 == 0 else "own"
            terms = [f"place {r + 1}" if kind == "same" else f"place {r + 1}{s}"
                     for s in range(len(pages))]
            cpu = cpu_seconds(pid)
            redrawn, idle = await _round(pages, terms)
            cpu = cpu_seconds(pid) - cpu
            summary[kind] += redrawn
            cpu_per_rerun[kind].append(cpu / len(pages))
            memory = memory_mb(pid)
            print(f"round {r + 1} ({kind} view): " + _line("map redrawn", redrawn) + "; "
                  + _line("script idle", idle)
                  + f"; server CPU {cpu:.1f} s ({cpu / len(pages):.2f} s per rerun); "
                  f"server RSS {memory['VmRSS']:,.0f} MB, load {load_average()}", flush=True)
        for kind, times in summary.items():
            if times:
                print(_line(f"all rounds, {kind} view, map redrawn", times)
                      + f"; server CPU per rerun: median "
                      f"{statistics.median(cpu_per_rerun[kind]):.2f} s")
        if args.edits:
            await _edits(pages, store, pid, args.edits)
        memory = memory_mb(pid)
        print(f"server RSS {memory['VmRSS']:,.0f} MB, peak {memory['VmHWM']:,.0f} MB")
        await browser.close()


def main() -> None:
    """Fill the store, start the app, run the sessions and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--edits", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sessions-browser-") as name:
        tmp = Path(name)
        store = tmp / "incidents.gpkg"
        t0 = time.perf_counter()
        _fill(store, args.incidents)
        print(f"{args.incidents:,} SYNTHETIC incidents stored in {time.perf_counter() - t0:.0f} s; "
              f"{args.sessions} sessions; load average {load_average()} (2 cores)", flush=True)
        process, url = _start(store, tmp)
        try:
            asyncio.run(_main(args, store, url, process.pid))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
