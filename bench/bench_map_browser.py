"""Benchmark in Chromium: time to incidents visible, JS heap over filter changes, server memory.

For each size, writes N SYNTHETIC incidents (see ``bench_map.synthetic_incidents``)
to a CSV in a temporary folder (deleted afterwards), starts the app on it
(``INCIDENT_MAP_DATA``, no tile server; with ``--store``, imports it into an embedded
store first, ``python -m geo.ingest``, and runs the app on the store), and in Debian's
Chromium:

- opens the map once (cold: the server loads the data) and again in a new page
  (warm: the data is cached), timing until the incidents are drawn;
- changes a filter (the "without a known date" checkbox; a tenth of the incidents
  are undated, so every change redraws the layer) ``--changes`` times, timing the
  whole-page rerun (from the click until the new incident layer is drawn and the
  script has finished: filters, map, timeline, totals, table), and after
  each change forces a garbage collection and reads the JS heap (CDP
  ``HeapProfiler.collectGarbage``, then ``Performance.getMetrics`` ``JSHeapUsedSize``).
  The first change shows a view no session has shown yet (nothing cached for it);
  the next ones go back and forth between two views the app has computed once
  (its per-view caches, shared by every session, answer);
- then (``--new-views K``) shows K more views nobody has shown, each with every
  incident still in view: searches for words every synthetic record holds
  ("synthetic", "benchmark", "record" and their pairs), each timed from Enter until the
  link holds the search (written at the end of the script) and the script is idle (the
  map's layer is unchanged, so not redrawn; the search itself is part of the cost);
- reads the server's resident memory (``VmRSS``/``VmHWM`` of the Streamlit process), and
  samples it every 0.2 s: the highest sample of each phase (cold open, warm open,
  changes, searches) is printed.

    .venv/bin/python bench/bench_map_browser.py [--sizes 10000 100000 1000000] [--changes 50]
        [--new-views 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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
    memory_mb,
    start_app,
)
from bench_map import write_synthetic_csv  # noqa: E402


def _start(csv: Path, tmp: Path, gpkg: Path | None = None) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "INCIDENT_MAP_DATA": str(csv), "INCIDENT_MAP_TILES": "none",
           "INCIDENT_DB": str(tmp / "unused.gpkg")}
    if gpkg is not None:  # the embedded store (a GeoPackage) the file was imported into
        del env["INCIDENT_MAP_DATA"]
        env.update(INCIDENT_DB=str(gpkg), INCIDENT_MAP_SEED="no")
    return start_app(env, tmp)


def _open(page, url: str, timeout_ms: int) -> float:
    """Seconds from navigation to incidents drawn on the map."""
    t0 = time.perf_counter()
    page.goto(url)
    page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=timeout_ms)
    seconds = time.perf_counter() - t0
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    return seconds


class _Sampler(threading.Thread):
    """The server's resident memory every ``every`` seconds, labelled with the phase."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.phase = pid, every, "start"
        self.samples: list[tuple[float, str, float]] = []
        self.done = threading.Event()
        self.t0 = time.perf_counter()

    def run(self) -> None:
        while not self.done.wait(self.every):
            try:
                rss = memory_mb(self.pid)["VmRSS"]
            except (OSError, KeyError):
                return
            self.samples.append((time.perf_counter() - self.t0, self.phase, rss))

    def report(self, n: int) -> None:
        """Print each phase's highest resident memory and when the highest of all was."""
        self.done.set()
        if not self.samples:
            return
        phases: dict[str, float] = {}
        for _, phase, rss in self.samples:
            phases[phase] = max(phases.get(phase, 0.0), rss)
        at, phase, top = max(self.samples, key=lambda s: s[2])
        print(f"  {n:,}: server RSS, highest sample per phase: "
              + ", ".join(f"{p} {m:.0f}" for p, m in phases.items())
              + f" MB; highest {top:.0f} MB at {at:.1f} s ({phase})", flush=True)


def _heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 1e6


def _ingest(csv: Path, gpkg: Path) -> None:
    """Import the file into the embedded store ``gpkg`` (python -m geo.ingest)."""
    env = {**os.environ, "INCIDENT_DB": str(gpkg), "INCIDENT_MAP_SEED": "no"}
    subprocess.run([sys.executable, "-m", "geo.ingest", "--no-geocode", str(csv)], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)


#: Searches every synthetic record matches (its description): new views, all in view.
ALL_MATCH = ("synthetic", "benchmark", "record", "synthetic benchmark", "benchmark record",
             "synthetic record", "synthetic benchmark record")


def run(n: int, changes: int, store: bool = False, new_views: int = 0,
        keep: Path | None = None) -> dict[str, float]:
    """Measure one size; returns the figures.

    With ``keep``, the synthetic file (and with ``store`` the embedded store) are written to
    that folder once and reused by later runs of the same size.
    """
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {"n": n}
    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        tmp = Path(name)
        data = keep if keep is not None else tmp
        csv = data / f"synthetic-{n}.csv"
        if not csv.exists():  # written whole, then renamed: an interrupted run leaves none
            write_synthetic_csv(n, csv.with_suffix(".part"))  # every tenth incident undated
            csv.with_suffix(".part").rename(csv)
        gpkg = data / f"store-{n}.gpkg" if store else None
        if gpkg is not None and not gpkg.exists():
            partial = gpkg.with_suffix(".part.gpkg")
            partial.unlink(missing_ok=True)
            _ingest(csv, partial)
            partial.rename(gpkg)
        process, url = _start(csv, tmp, gpkg)
        sampler = _Sampler(process.pid)
        sampler.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                sampler.phase = "cold open"
                figures["cold_s"] = _open(context.new_page(), url, 900_000)
                page = context.new_page()
                sampler.phase = "warm open"
                figures["warm_s"] = _open(page, url, 120_000)
                sampler.phase = "changes"
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                heaps = [_heap_mb(cdp)]
                checkbox = page.get_by_text("Include incidents without a known date")
                rerun = []
                server_cpu: list[float] = []
                leaflet = page.locator(MAP_FRAME).element_handle().content_frame()
                for _ in range(changes):
                    leaflet.evaluate("() => { window.__layer = window.feature_group.at(-1); }")
                    t0, cpu0 = time.perf_counter(), cpu_seconds(process.pid)
                    checkbox.click()
                    # Wait until a new incident layer replaced the old one.
                    leaflet.wait_for_function(
                        "() => window.feature_group.at(-1) !== window.__layer",
                        timeout=120_000)
                    leaflet.evaluate("() => { window.__layer = null; }")
                    page.wait_for_selector(IDLE, timeout=120_000)
                    rerun.append(time.perf_counter() - t0)
                    server_cpu.append(cpu_seconds(process.pid) - cpu0)
                    heaps.append(_heap_mb(cdp))
                fresh: list[float] = []
                fresh_cpu: list[float] = []
                box = page.get_by_role("textbox", name="Search", exact=True)
                sampler.phase = "searches"
                for term in ALL_MATCH[:new_views]:
                    box.fill(term)
                    t0, cpu0 = time.perf_counter(), cpu_seconds(process.pid)
                    box.press("Enter")
                    # The map's layer is the same (every incident still in view), so it is
                    # not redrawn: the run is over when the link holds the search (written
                    # at the end of the script) and the script is idle.
                    page.wait_for_function(
                        "t => new URLSearchParams(location.search).get('q') === t", arg=term,
                        timeout=120_000)
                    page.wait_for_selector(IDLE, timeout=120_000)
                    fresh.append(time.perf_counter() - t0)
                    fresh_cpu.append(cpu_seconds(process.pid) - cpu0)
                if fresh:
                    print(f"  {n:,}: new views (searches every record matches): "
                          + ", ".join(f"{s:.2f}" for s in fresh) + f" s; median "
                          f"{statistics.median(fresh):.2f} s; server CPU "
                          + ", ".join(f"{c:.2f}" for c in fresh_cpu)
                          + f" s; load {os.getloadavg()[0]:.1f}",
                          flush=True)
                if server_cpu:
                    print(f"  {n:,}: server CPU per change: first (new view) "
                          f"{server_cpu[0]:.2f} s, median "
                          f"{statistics.median(server_cpu):.2f} s", flush=True)
                figures["rerun_first_s"] = rerun[0] if rerun else 0
                figures["rerun_median_s"] = sorted(rerun)[len(rerun) // 2] if rerun else 0
                figures["heap_start_mb"] = heaps[0]
                figures["heap_max_mb"] = max(heaps)
                figures["heap_end_mb"] = heaps[-1]
                browser.close()
            memory = memory_mb(process.pid)
            figures["server_rss_mb"] = memory["VmRSS"]
            figures["server_peak_mb"] = memory["VmHWM"]
            sampler.report(n)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return figures


def main() -> None:
    """Print the figures for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--store", action="store_true",
                        help="import the incidents into an embedded store (GeoPackage) and run "
                        "the app on it, instead of showing the file (INCIDENT_MAP_DATA)")
    parser.add_argument("--new-views", type=int, default=0, choices=range(len(ALL_MATCH) + 1),
                        help="after the changes, this many searches every record matches "
                        "(views nobody has shown, every incident in view)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the synthetic file (and the store) to DIR and reuse them "
                        "when they are there (a store is reused as it is, edits included)")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    where = "embedded store" if args.store else "file"
    print(f"SYNTHETIC incidents, all in view; {where}; Chromium; no tile server")
    print(f"{'N':>8} {'cold s':>7} {'warm s':>7} {'rerun 1st s':>11} {'rerun med s':>11} "
          f"{'heap MB start/max/end':>22} {'server MB now/peak':>19} {'load avg':>9}")
    for n in args.sizes:
        f = run(n, args.changes, args.store, args.new_views, args.keep)
        heap = f"{f['heap_start_mb']:.0f}/{f['heap_max_mb']:.0f}/{f['heap_end_mb']:.0f}"
        server = f"{f['server_rss_mb']:.0f}/{f['server_peak_mb']:.0f}"
        load = os.getloadavg()[0]
        print(f"{n:>8} {f['cold_s']:>7.1f} {f['warm_s']:>7.1f} {f['rerun_first_s']:>11.2f} "
              f"{f['rerun_median_s']:>11.2f} {heap:>22} {server:>19} {load:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
