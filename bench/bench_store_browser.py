"""Benchmark in Chromium of the map page in store-driven mode on a large PostGIS store.

Fills a fresh schema of the local PostGIS with ``--rows`` SYNTHETIC incidents
(``bench_store_query._fill``; or reuses ``--location``, a store URL kept by
``bench_store_query.py --keep``), computes its area columns and cell grid once, then
starts the app on it with ``INCIDENT_MAP_QUERY_MODE=store`` (no tile server) and in
Debian's Chromium:

- opens the map (cold: the server's first view of the store) and again in a new page
  (warm), timing until the incidents are drawn;
- toggles "Only what the map shows" ``--changes`` times (the counts, timeline and
  table then cover the map's bounds; around every drawn incident they are answered from
  the per-day counts, see geo/store/pg_cube.py),
  timing each rerun until the page is idle with the new link: the first change asks the
  database (counts, timeline, table page), later ones are answered from the shared
  cache;
- opens views hiding some incidents from a link (one event type off; a date range whose
  ends split months; one governorate; 10 killed or more; a drawn area; map bounds cutting
  the data; a search for a governorate's name, for a phrase one record
  holds, an actor filter), nothing cached for them, timing until the incidents are drawn;
- reads the Streamlit server's resident memory (``VmRSS``/``VmHWM``).

    .venv/bin/python bench/bench_store_browser.py [--rows 1000000] [--changes 6]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app_server import CHROMIUM_ARGS, IDLE, memory_mb, start_app  # noqa: E402
from bench_map_browser import _open  # noqa: E402
from bench_store_query import _fill  # noqa: E402
from postgis_store import new_schema, postgis_url  # noqa: E402

from geo.geocoding.areas import default_areas  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_grid import refresh_grid  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402
from geo.view.state import PARAMS  # noqa: E402


def _start(location: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "INCIDENT_DB": location, "INCIDENT_MAP_QUERY_MODE": "store",
           "INCIDENT_MAP_TILES": "none", "INCIDENT_MAP_SEED": "no"}
    env.pop("INCIDENT_MAP_DATA", None)
    return start_app(env, tmp)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (every thread)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prepare(location: str) -> None:
    store = open_store(location)
    try:
        query = PostGISQuery(store, default_areas())
        t0 = time.perf_counter()
        synced = query.sync_areas()
        print(f"area columns of {synced:,} records in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        refresh_grid(query)
        print(f"cell grid in {time.perf_counter() - t0:.1f} s")
    finally:
        store.close()


def _filtered_links(location: str) -> dict[str, str]:
    """Query strings of views that hide some incidents (the store's event types but the
    first; a date range whose ends split months)."""
    store = open_store(location)
    try:
        types = PostGISQuery(store, default_areas()).summary().event_types
    finally:
        store.close()
    return {
        "link_one_type_off_s": urlencode([(PARAMS["event_types"], t) for t in types[1:]]),
        "link_dates_s": urlencode([(PARAMS["dates"], "2017-03-17"),
                                   (PARAMS["dates"], "2018-05-09")]),
        "link_governorate_s": urlencode([(PARAMS["admin1"], "SY02")]),
        "link_killed_s": urlencode([("min_killed", "10")]),
        "link_drawn_area_s": urlencode([(PARAMS["polygon"],
                                         "37,36;37.4,36;37.4,36.4;37,36.4;37,36")]),
        "link_bounds_cut_s": urlencode([(PARAMS["bbox"], "36,34,38.5,36.5")]),
        # searches (the synthetic descriptions name a governorate; bench_store_query._fill)
        "link_search_common_s": urlencode([(PARAMS["query"], "Aleppo")]),
        "link_search_rare_s": urlencode([(PARAMS["query"], '"report 123457"')]),
        "link_search_actor_s": urlencode([(PARAMS["actors"], "Border guards")]),
    }


def run(location: str, changes: int) -> dict[str, float]:
    """Measure the app on the store at ``location``; returns the figures."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        tmp = Path(name)
        process, url = _start(location, tmp)
        try:
            figures["server_idle_mb"] = memory_mb(process.pid)["VmRSS"]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                figures["cold_s"] = _open(context.new_page(), url, 900_000)
                page = context.new_page()
                figures["warm_s"] = _open(page, url, 300_000)
                figures["server_open_mb"] = memory_mb(process.pid)["VmRSS"]
                toggle = page.get_by_text("Only what the map shows")
                reruns = []
                for i in range(changes):
                    following = i % 2 == 0
                    c0 = _cpu_seconds(process.pid)
                    t0 = time.perf_counter()
                    toggle.click()
                    page.wait_for_function(
                        "(on) => window.location.search.includes('bbox=') === on",
                        arg=following, timeout=300_000)
                    page.wait_for_selector(IDLE, timeout=300_000)
                    reruns.append(time.perf_counter() - t0)
                    print(f"  change {i + 1}: {reruns[-1]:.2f} s (server CPU "
                          f"{_cpu_seconds(process.pid) - c0:.2f} s)", flush=True)
                figures["rerun_first_s"] = reruns[0] if reruns else 0.0
                later = sorted(reruns[2:]) or [0.0]
                figures["rerun_cached_s"] = later[len(later) // 2]
                # Filtered views opened from a link (nothing cached for them): every
                # part of the page asked of the database.
                for key, link in _filtered_links(location).items():
                    c0 = _cpu_seconds(process.pid)
                    figures[key] = _open(context.new_page(), url + "?" + link, 300_000)
                    print(f"  {key}: {figures[key]:.2f} s (server CPU "
                          f"{_cpu_seconds(process.pid) - c0:.2f} s)", flush=True)
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "store_mode_1m.png"))
                browser.close()
            memory = memory_mb(process.pid)
            figures["server_cpu_s"] = _cpu_seconds(process.pid)
            figures["server_rss_mb"] = memory["VmRSS"]
            figures["server_peak_mb"] = memory["VmHWM"]
        finally:
            process.terminate()
            process.wait(timeout=30)
    return figures


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument("--location", help="an existing store URL (not dropped)")
    args = parser.parse_args()
    schema = None
    location = args.location
    url = postgis_url()
    if location is None:
        schema = new_schema()
        location = f"{url}&schema={schema}"
        store = open_store(location)
        t0 = time.perf_counter()
        _fill(store, args.rows)
        store.close()
        print(f"filled {args.rows:,} synthetic incidents in {time.perf_counter() - t0:.1f} s")
    try:
        _prepare(location)
        f = run(location, args.changes)
        print(f"first paint: cold {f['cold_s']:.1f} s, warm {f['warm_s']:.1f} s")
        print(f"rerun after a filter change: {f['rerun_first_s']:.2f} s asked of the "
              f"database, {f['rerun_cached_s']:.2f} s answered from the cache (median)")
        print("filtered views opened from a link (a new page, nothing cached): " + ", ".join(
            f"{k[5:-2].replace('_', ' ')} {v:.2f} s" for k, v in f.items()
            if k.startswith("link_")))
        print(f"Streamlit server CPU over the whole run: {f['server_cpu_s']:.1f} s")
        print(f"server RSS: {f['server_idle_mb']:.0f} MB started, {f['server_open_mb']:.0f} MB "
              f"with the map open, {f['server_rss_mb']:.0f} MB at the end "
              f"(peak {f['server_peak_mb']:.0f} MB)")
    finally:
        if schema is not None:
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
