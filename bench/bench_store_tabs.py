"""Benchmark of store mode's Over time and Compare periods tabs, exports and map image.

Runs on a PostGIS store of SYNTHETIC incidents kept by ``bench/bench_store_query.py
--keep`` (``--location URL&schema=NAME``; default: fill a fresh schema with ``--rows``
incidents, as that benchmark does, and drop it afterwards). For each question the map
page asks when the tab is open or the button clicked, prints the median wall time of
``--repeat`` runs, the CPU time of this process (the app's side) and of the database
backend that answered (read from ``/proc``; the server runs on this machine; the CPU of
parallel workers is not in it: ``--serial`` turns them off, so that the figure is the
whole work), and for
the downloads the file's size and this process's peak resident memory.

Usage::

    .venv/bin/python bench/bench_store_tabs.py --location 'postgresql://...&schema=bench_x'
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store_query import _fill  # noqa: E402
from postgis_store import bench_location  # noqa: E402

from geo.geocoding.areas import default_areas  # noqa: E402
from geo.render.export import export_batches  # noqa: E402
from geo.render.map_image import MapSheet, map_image  # noqa: E402
from geo.render.totals_charts import CATEGORY_LABELS  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_export import view_batches  # noqa: E402
from geo.store.pg_grid import refresh_grid  # noqa: E402
from geo.store.pg_image import image_marks  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402
from geo.store.pg_search import sync_search  # noqa: E402
from geo.view.state import default_view  # noqa: E402
from geo.view.store_series import store_categories, store_compare, store_time_series  # noqa: E402
from geo.view.store_totals import store_totals  # noqa: E402
from geo.view.store_view import query_filter, store_domain, store_rows  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the database backend serving this process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _time(work: Callable[[], object], repeat: int, backend: int
          ) -> tuple[float, float, float, object]:
    """Median wall ms, median app CPU ms, median database CPU ms, last result."""
    walls, cpus, dbs, result = [], [], [], None
    for _ in range(repeat):
        db0, cpu0, t0 = _backend_cpu(backend), time.process_time(), time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - cpu0)
        dbs.append(_backend_cpu(backend) - db0)
    return (statistics.median(walls) * 1000, statistics.median(cpus) * 1000,
            statistics.median(dbs) * 1000, result)


@contextmanager
def _rows_only(on: bool) -> Iterator[None]:
    """The tabs answered from the records only (the per-day counts not asked)."""
    import geo.view.store_series as store_series

    saved = store_series.days_groups, store_series.days_filled
    if on:
        store_series.days_groups = lambda *a, **k: None  # type: ignore[assignment]
        store_series.days_filled = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        store_series.days_groups, store_series.days_filled = saved


def _tabs(run, query, spec, tag: str) -> None:  # type: ignore[no-untyped-def]
    """Time the Over time and Compare periods questions of ``spec``'s view."""
    run("Over time: which categories, any dated" + tag, lambda: store_categories(
        query, spec, list(CATEGORY_LABELS)))
    for freq, by in (("month", "event_type"), ("week", "event_type"),
                     ("day", "claim_status")):
        run(f"Over time: per {freq}, by {by}{tag}",
            lambda f=freq, b=by: store_time_series(query, spec, f, b))
    periods = ((date(2017, 1, 1), date(2017, 6, 30)), (date(2016, 7, 1), date(2016, 12, 31)))
    run("Compare periods: by claimant (2 x 6 months)" + tag,
        lambda: store_compare(query, spec, periods, ("claimant",)))
    run("Compare periods: by event type" + tag, lambda: store_compare(
        query, spec, periods, ("event_type",)))
    one_type = replace(spec, event_types=spec.event_types[1:])
    run("Over time, one type off: per month, by event type" + tag,
        lambda: store_time_series(query, one_type, "month", "event_type"))
    dates = replace(spec, date_from=date(2017, 3, 17), date_to=date(2018, 5, 9))
    run("Over time, dates splitting months: per week, fine part" + tag,
        lambda: store_time_series(query, dates, "week", "event_type", "fine"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--location", help="a store kept by bench_store_query.py --keep")
    parser.add_argument("--tabs-only", action="store_true",
                        help="time the tabs only (no exports, no map image)")
    parser.add_argument("--serial", action="store_true",
                        help="no parallel workers (their CPU is not in the backend's figure)")
    args = parser.parse_args()
    print(f"load average at start: {Path('/proc/loadavg').read_text().strip()}")
    location, fresh = bench_location(args.location)
    store = open_store(location)
    try:
        if fresh:
            _fill(store, args.rows)
        query = PostGISQuery(store, default_areas())
        query.sync_areas()
        sync_search(query, load_settings())
        refresh_grid(query)
        backend = int(query.read("SELECT pg_backend_pid()")[0][0])
        if args.serial:
            store.connection().execute("SET max_parallel_workers_per_gather = 0")
        settings = load_settings()
        domain = store_domain(query, query.summary())
        state = default_view(domain)
        spec = query_filter(state)
        total = query.counts(spec).total
        print(f"store: {total:,} incidents; database backend pid {backend}")
        rows: list[tuple[str, float, float, float, str]] = []

        def run(label: str, work: Callable[[], object], note: str = "",
                repeat: int = args.repeat) -> object:
            wall, cpu, db, result = _time(work, repeat, backend)
            rows.append((label, wall, cpu, db, note))
            print(f"{label:<58} {wall:9.0f} ms wall {cpu:8.0f} ms app CPU "
                  f"{db:8.0f} ms db CPU  {note}", flush=True)
            return result

        run("Totals (reference: the existing tab)", lambda: store_totals(query, spec))
        for how in ("rows", "per-day counts"):
            # rows: the records grouped (as before the per-day counts answered the tabs)
            with _rows_only(how == "rows"):
                _tabs(run, query, spec, f" [{how}]")
        if args.tabs_only:
            return
        # Exports: a view under the export limit (about 100,000 incidents).
        window = replace(state, date_from=date(2016, 1, 1), date_to=date(2016, 5, 15))
        wspec = query_filter(window)
        counts = query.counts(wspec)
        print(f"export view: {counts.shown:,} incidents (2016-01-01 to 2016-05-15)")
        for fmt in ("csv", "geojson", "gpkg"):
            def export(f: str = fmt) -> bytes:
                batches = (store_rows(b, query.areas, settings)
                           for b in view_batches(query, wspec))
                return export_batches(batches, f, window, domain, shown=counts.shown,
                                      total=counts.total).data

            before = _rss_mb()
            data = run(f"Export {fmt.upper()} of {counts.shown:,}", export, repeat=1)
            rows[-1] = (*rows[-1][:4], f"{len(data) / 2**20:.0f} MB, RSS {before:.0f}->"  # type: ignore[arg-type]
                        f"{_rss_mb():.0f} MB, peak {_rss_mb('VmHWM'):.0f} MB")
            print(f"  {rows[-1][4]}")
            del data
        # The map image: every incident (grid groups), a view under the exact limit.
        sheet = MapSheet("Incident map", ["bench"], "http://x/map", ["Boundaries: OCHA"])
        levels = list(query.areas.levels.values()) if query.areas else []
        drawn = query.counts(spec).on_map
        for label, ispec, n, bounds in (
                ("every incident", spec, drawn, None),
                ("map bounds around Homs", spec, drawn, (36.0, 34.2, 37.6, 35.2)),
                ("one week", query_filter(replace(state, date_from=date(2017, 3, 1),
                                                  date_to=date(2017, 3, 7))), None, None)):
            n = query.counts(ispec).on_map if n is None else n
            marks = run(f"Map image marks, {label} ({n:,} drawn)",
                        lambda s=ispec, c=n, b=bounds: image_marks(query, s, b, c))
            rows[-1] = (*rows[-1][:4], f"{len(marks):,} markers")  # type: ignore[arg-type]
            for fmt in ("png", "pdf"):
                png = run(f"  drawn as {fmt.upper()}", lambda f=fmt, m=marks, b=bounds, c=n:
                          map_image(m, sheet, areas=levels, bounds=b, fmt=f, located=c),
                          repeat=1)
                rows[-1] = (*rows[-1][:4], f"{len(png) / 2**10:.0f} KB")  # type: ignore[arg-type]
        print("notes:")
        for label, _, _, _, note in rows:
            if note:
                print(f"  {label.strip()}: {note}")
        print(f"process peak RSS {_rss_mb('VmHWM'):.0f} MB")
        print(f"load average at end: {Path('/proc/loadavg').read_text().strip()}")
    finally:
        store.close()
        if not args.location:
            import psycopg

            url, _, schema = location.rpartition("&schema=")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
