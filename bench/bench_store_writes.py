"""Benchmark of the write side of a large PostGIS store in store-driven mode.

Takes a store kept by ``bench_store_query.py --keep`` (``--location``, the URL it prints
with ``&schema=``), or fills a fresh schema with ``--rows`` SYNTHETIC incidents (one
``COPY``, as that benchmark does), then prints:

- the derived-columns sync (``python -m geo.store sync``: area columns and search text
  of every record written since the last sync; on a freshly filled store, every record),
  wall and CPU time of this process (the database server's CPU is not in it);
- one correction (a record moved: ``store.edit``) and the grid refresh after it;
- an import of ``--import-rows`` new incidents (``store.upsert``) and the refresh after it;
- the process's resident memory over ``--edits`` corrections, each followed by the
  derived-columns sync and the grid refresh (what the first view after an edit runs).

``--profile`` prints the cProfile of the correction and of the import (top 25 by
cumulative time). The load of the machine (``/proc/loadavg``) is printed before and after.

    .venv/bin/python bench/bench_store_writes.py --location 'postgresql://...&schema=x'
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store_query import _fill, _import  # noqa: E402
from postgis_store import bench_location  # noqa: E402

from geo.access import local_identity  # noqa: E402
from geo.geocoding.areas import default_areas  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_grid import refresh_grid  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def _timed(label: str, work: Callable[[], object], profile: bool = False) -> object:
    """Run ``work``, print its wall and CPU time (and its profile when asked)."""
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    result = work()
    if profiler is not None:
        profiler.disable()
    print(f"{label:<58} {time.perf_counter() - wall:8.2f} s wall "
          f"{time.process_time() - cpu:7.2f} s CPU", flush=True)
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--location", help="a kept store (URL with &schema=)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep a filled schema")
    args = parser.parse_args()
    print(f"load average before: {_load()}")
    location, fresh = bench_location(args.location)
    keep = args.keep or not fresh
    store = open_store(location)
    try:
        if fresh:
            _timed(f"fill {args.rows:,} synthetic incidents (COPY)",
                   lambda: _fill(store, args.rows))
        from geo.store.derived import sync_derived

        query = PostGISQuery(store, default_areas())
        settings = load_settings()
        _timed("sync of the derived columns (python -m geo.store sync)",
               lambda: sync_derived(query, settings, report=print))
        _timed("grid, per-day counts and cube made current", lambda: refresh_grid(query))
        who = local_identity()
        one = store.query(limit=1).iloc[0]
        moved = {"latitude": "35.5" if float(one["latitude"]) != 35.5 else "35.6",
                 "longitude": "38.1"}
        _timed("one correction (a record moved), written", lambda: store.edit(
            str(one["id"]), moved, who=who), args.profile)
        _timed("  its derived columns synced", lambda: sync_derived(query, settings))
        _timed("  grid refreshed", lambda: refresh_grid(query))
        _timed(f"import of {args.import_rows:,} new incidents, written",
               lambda: _import(store, args.import_rows, who), args.profile)
        _timed("  their derived columns synced", lambda: sync_derived(query, settings))
        _timed("  grid refreshed", lambda: refresh_grid(query))
        gc.collect()
        rss = [_rss_mb()]
        wall = time.perf_counter()
        for i in range(args.edits):
            store.edit(str(one["id"]), {"killed_min": str(i % 7), "killed_max": "9"},
                       who=who, reason="bench")
            sync_derived(query, settings)
            refresh_grid(query)
            if (i + 1) % max(1, args.edits // 5) == 0:
                gc.collect()
                rss.append(_rss_mb())
        print(f"{args.edits} corrections, each synced and refreshed: "
              f"{(time.perf_counter() - wall) / max(1, args.edits) * 1000:.0f} ms each")
        print("process RSS over them (MB): " + " -> ".join(f"{r:.0f}" for r in rss)
              + f" (peak {_rss_mb('VmHWM'):.0f})")
        print(f"records: {store.count():,}; load average after: {_load()}")
    finally:
        store.close()
        if not keep:
            import psycopg

            base, _, schema = location.rpartition("&schema=")
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        else:
            print(f"kept: {location}")


if __name__ == "__main__":
    main()
