"""Server memory with each page open on a large PostGIS store in store-driven mode.

Takes a store kept by ``bench_store_query.py --keep`` (``--location``, the URL it prints
with ``&schema=``; SYNTHETIC incidents), makes ``--unplaced`` of its records wait for
review (their coordinates removed and their place renamed to one of 2,000 made-up
village names, as an import of names the gazetteer does not know leaves them; this
changes the kept store), brings its derived columns up to date (areas, search text,
cell grid: timed, once per store), then starts the app on it with
``INCIDENT_MAP_QUERY_MODE=store`` and, in Debian's Chromium, opens in turn the review
page (its queue), the import page, the extract page and the map, reading the Streamlit
server's resident memory after each (``VmRSS``, and the peak ``VmHWM``). With
``--import FILE`` the import page also imports FILE (its duplicate checks ask the
database for the records near each new one).

    .venv/bin/python bench/bench_store_pages.py --location 'postgresql://...&schema=bench_x' \\
        [--unplaced 10000] [--import ../shared/data/ucdp_ged_syria_2016.csv]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app_server import CHROMIUM_ARGS, DRAWN, IDLE, MAP_FRAME, memory_mb, start_app  # noqa: E402
from postgis_store import postgis_url  # noqa: E402

from geo.geocoding.areas import default_areas  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_grid import refresh_grid  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402
from geo.store.pg_search import sync_search  # noqa: E402

_NAMES = 2000


def _unplace(location: str, every: int) -> int:
    """Remove the coordinates of every ``every``-th record and rename its place (one
    transaction, a new store revision); how many records now wait for review."""
    store = open_store(location)
    try:
        conn = store.connection()
        table = store.table("incidents").as_string(conn)
        meta = store.table("store_meta").as_string(conn)
        with conn.transaction():
            revision = int(conn.execute(
                f"SELECT value FROM {meta} WHERE key = 'revision'").fetchone()[0]) + 1
            conn.execute(f"UPDATE {meta} SET value = %s WHERE key = 'revision'",
                         (str(revision),))
            conn.execute(
                f"UPDATE {table} SET latitude = NULL, longitude = NULL, geo_precision = NULL, "
                f"place = 'Unplaced village ' || ((fid / {every}) %% {_NAMES}), revision = %s "
                f"WHERE fid %% {every} = 0 AND latitude IS NOT NULL", (revision,))
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE latitude IS NULL"
                                ).fetchone()[0])
    finally:
        store.close()


def _prepare(location: str) -> None:
    store = open_store(location)
    try:
        query = PostGISQuery(store, default_areas())
        for label, work in (("area columns", query.sync_areas),
                            ("search text and claimant", lambda: sync_search(
                                query, load_settings())),
                            ("cell grid", lambda: refresh_grid(query))):
            t0 = time.perf_counter()
            done = work()
            count = f" of {done:,} records" if isinstance(done, int) and not isinstance(
                done, bool) else ""
            print(f"{label}{count}: {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        store.close()


def _wait(page, text: str, timeout: int = 900_000) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    page.get_by_text(text).first.wait_for(timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    return time.perf_counter() - t0


def run(location: str, upload: Path | None) -> None:
    """Open each page on the store at ``location`` and print the server's memory."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        env = {**os.environ, "INCIDENT_DB": location, "INCIDENT_MAP_QUERY_MODE": "store",
               "INCIDENT_MAP_TILES": "none", "INCIDENT_MAP_SEED": "no"}
        env.pop("INCIDENT_MAP_DATA", None)
        process, url = start_app(env, Path(name))
        try:
            def rss(label: str, seconds: float) -> None:
                memory = memory_mb(process.pid)
                print(f"{label:<44} {seconds:6.1f} s   server RSS {memory['VmRSS']:6.0f} MB"
                      f"  (peak {memory['VmHWM']:.0f} MB)", flush=True)

            rss("server started", 0.0)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/review")
                rss("review page (queue)", _wait(page, "Accept many names at once"))
                page.goto(f"{url}/import")
                rss("import page", _wait(page, "Import incidents"))
                if upload is not None:
                    page.locator("input[type=file]").set_input_files(str(upload))
                    seconds = _wait(page, "Import the")
                    rss(f"import page, {upload.name} validated", seconds)
                    page.get_by_role("button", name="Import the").click()
                    rss(f"import page, {upload.name} imported", _wait(page, "Imported "))
                page.goto(f"{url}/extract")
                rss("extract page", _wait(page, "Extract incidents from a report"))
                page.goto(url)
                t0 = time.perf_counter()
                page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=900_000)
                page.wait_for_selector(IDLE, timeout=900_000)
                rss("map page", time.perf_counter() - t0)
                page.get_by_role("textbox", name="Search").fill("village 17")
                page.get_by_role("textbox", name="Search").press("Enter")
                rss("map page, search 'village 17'", _wait(page, "filtered out by"))
                page.get_by_role("tab", name="By area").click()
                rss("map page, By area tab", _wait(page, "Colour by"))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--location", required=True,
                        help="a store URL kept by bench_store_query.py --keep")
    parser.add_argument("--unplaced", type=int, default=10_000,
                        help="records made to wait for review (0: none)")
    parser.add_argument("--import", dest="upload", type=Path, help="a file to import")
    args = parser.parse_args()
    postgis_url()
    if args.unplaced:
        store = open_store(args.location)
        total = store.count()
        store.close()
        waiting = _unplace(args.location, max(1, total // args.unplaced))
        print(f"{waiting:,} of {total:,} records wait for review", flush=True)
    _prepare(args.location)
    run(args.location, args.upload)


if __name__ == "__main__":
    main()
