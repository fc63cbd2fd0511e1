"""Benchmark of store mode's places ranked (By area, Areas: places) on PostGIS.

Runs on a PostGIS store of SYNTHETIC incidents kept by ``bench/bench_store_query.py
--keep`` (``--location URL&schema=NAME``; default: fill a fresh schema with ``--rows``
incidents, as that benchmark does, and drop it afterwards). For each view, prints the
median wall time of ``--repeat`` runs of one page of places
(:func:`geo.view.place_rank.store_rank_places`: one statement), the CPU time of this
process and of the database backend that answered (``/proc``; parallel workers' CPU is
not in it), how many places the view holds, and this process's peak resident memory
(the store is never read into it). ``--explain`` prints the plan of the opening view.

Usage::

    .venv/bin/python bench/bench_place_rank.py --location 'postgresql://...&schema=w1m'
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store_query import _fill  # noqa: E402
from bench_store_tabs import _rss_mb, _time  # noqa: E402
from postgis_store import bench_location  # noqa: E402

from geo.geocoding.areas import default_areas  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_places import place_statement  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402
from geo.store.pg_search import sync_search  # noqa: E402
from geo.view.place_rank import store_rank_places  # noqa: E402
from geo.view.state import default_view  # noqa: E402
from geo.view.store_totals import part_clause  # noqa: E402
from geo.view.store_view import query_filter, store_domain  # noqa: E402


def main() -> None:
    """Time one page of places ranked for a few views of the store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--location", help="a store kept by bench_store_query.py --keep")
    parser.add_argument("--explain", action="store_true", help="print the opening plan")
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
        backend = int(query.read("SELECT pg_backend_pid()")[0][0])
        state = default_view(store_domain(query, query.summary()))
        spec = query_filter(state)
        table = query.store.table("incidents")
        (claimant, _), = query.read(sql.SQL(
            "SELECT claimant, count(*) FROM {} GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).format(table))
        (governorate, _), = query.read(sql.SQL(
            "SELECT adm1_pcode, count(*) FROM {} WHERE adm1_pcode <> '' GROUP BY 1 "
            "ORDER BY 2 DESC LIMIT 1").format(table))
        total = query.counts(spec).total
        print(f"store: {total:,} incidents; claimant {claimant!r}, governorate "
              f"{governorate}; database backend pid {backend}")

        def run(label: str, work: Callable[[], object]) -> None:
            wall, cpu, db, result = _time(work, args.repeat, backend)
            places = getattr(result, "places", 0)
            print(f"{label:<62} {wall:8.0f} ms wall {cpu:6.0f} ms app CPU {db:7.0f} ms db "
                  f"CPU  {places:,} places", flush=True)

        month = replace(state, admin1=(governorate,), date_from=date(2017, 6, 1),
                        date_to=date(2017, 6, 30))
        views = {
            "every incident, by incidents, page 1": (spec, "incidents", 0, None),
            "every incident, by incidents, page 40": (spec, "incidents", 39 * 25, None),
            "every incident, by killed (high) of one claimant": (spec, "killed_max", 0, None),
            "one governorate, one month (the trial's question)": (
                query_filter(month), "incidents", 0, None),
            "map bounds around Aleppo (only what the map shows)": (
                query_filter(replace(state, bbox=(36.8, 35.9, 37.6, 36.5))), "incidents", 0,
                None),
            "one type off, vague incidents left out": (
                query_filter(replace(state, event_types=state.event_types[1:])), "incidents",
                0, "fine"),
        }
        for label, (view, by, offset, part) in views.items():
            extra = part_clause(part, None) if part else None
            run(label, lambda v=view, b=by, o=offset, e=extra: store_rank_places(
                query, v, b, claimant, 25, o, extra=e))
        if args.explain:
            select, params = place_statement(query, spec, "incidents", claimant, 25, 0)
            print("plan of the opening view:")
            for (line,) in query.read(sql.SQL("EXPLAIN (ANALYZE, BUFFERS) ") + select, params):
                print("  " + line)
        print(f"process peak RSS {_rss_mb('VmHWM'):.0f} MB")
        print(f"load average at end: {Path('/proc/loadavg').read_text().strip()}")
    finally:
        store.close()


if __name__ == "__main__":
    main()
