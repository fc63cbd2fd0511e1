"""Benchmark of store-driven map queries on PostGIS with N synthetic incidents.

Fills a fresh schema of the local PostGIS (``scripts/postgis.sh``) with ``--rows``
SYNTHETIC incidents (default 1,000,000; ids ``SYNTH...``; points drawn around random
centres in a box over Syria, dates over four years) with one ``COPY``, syncs the area
columns (the one-time cost of a store made before them), then times the queries one
map view makes (:class:`geo.store.pg_query.PostGISQuery`), median of ``--repeat`` runs:

- the counts line (shown, on the map, hidden by each filter);
- aggregates at country zoom (6) and at city zoom (11), built into the layer's payload;
- the first and the 50th page of the table (100 rows, in the table's order);
- the timeline (every filter but the dates, over the whole span);
- the place list at one place and one incident's details;

and prints the process's resident memory after building a view through these
functions (what a Streamlit server in store mode holds besides its libraries).

Before them, the whole rerun of each of :data:`RERUN_VIEWS` (every query the map page
asks for a new view: counts line and table page, map aggregates, timeline, totals), once
one after another and once at the same time on 4 threads as the page runs them
(``pages/shared/store_parallel.py``), with this process's CPU time and each query's own
time (``--reruns-only`` stops after them).

Usage::

    .venv/bin/python bench/bench_store_query.py [--rows N] [--repeat R] [--keep]
    .venv/bin/python bench/bench_store_query.py --location URL --reruns-only
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postgis_store import new_schema, postgis_url  # noqa: E402

from geo.access import local_identity  # noqa: E402
from geo.geocoding.areas import default_areas  # noqa: E402
from geo.render.aggregate_layer import payload  # noqa: E402
from geo.render.clusters import CELL_PIXELS, view_window  # noqa: E402
from geo.render.store_clusters import aggregates_from_cells  # noqa: E402
from geo.schema import INCIDENT_COLUMNS, TEXT_COLUMNS, validate_incidents  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from geo.store.pg_grid import GRID_ZOOM, refresh_grid  # noqa: E402
from geo.store.pg_query import PostGISQuery  # noqa: E402
from geo.store.pg_search import SearchTerm, sync_search  # noqa: E402
from geo.view.state import default_view  # noqa: E402
from geo.view.store_totals import store_totals_parts  # noqa: E402
from geo.view.store_view import query_filter, store_domain, timeline_from_store  # noqa: E402
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES  # noqa: E402
from pages.shared.store_parallel import run_together  # noqa: E402

_FIRST_DAY = np.datetime64("2016-01-01")


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: Made-up actors and outlets of the synthetic records (a few each, as in real exports).
_ACTORS = ("Government forces", "Armed opposition", "Coalition aircraft", "Militia group",
           "Unidentified gunmen", "Border guards", "Local police")
_OUTLETS = ("Local monitor", "Wire agency", "Field team", "Regional daily")
_KINDS = ("Shelling reported", "Airstrike reported", "Clashes reported", "Explosion heard",
          "Raid reported", "Drone strike reported")


#: Columns written as NULL unless the row sets them (every column that is not text).
_TYPED = tuple(c for c in INCIDENT_COLUMNS if c not in TEXT_COLUMNS)


def _fill(store, n: int, seed: int = 0) -> None:  # type: ignore[no-untyped-def]
    """COPY ``n`` synthetic incidents into the store's table (one transaction).

    Each record names a made-up actor and outlet, and its description names a district
    and a governorate of the configured admin areas (drawn at random, not where the
    point is) and a report number of its own, so that descriptions are as distinct as
    in real exports and a governorate's name is a common search term.
    """
    from geo.geocoding.areas import default_areas

    rng = np.random.default_rng(seed)
    areas = default_areas()
    governorates = [name for _, name in areas.options(1)] or ["Somewhere"]
    districts = [name for _, name in areas.options(2)] or ["Somewhere"]
    centres = np.column_stack([rng.uniform(32.5, 37.2, 600), rng.uniform(35.8, 41.8, 600)])
    which = rng.integers(0, len(centres), n)
    lat = np.round(centres[which, 0] + rng.normal(0, 0.05, n), 4)
    lon = np.round(centres[which, 1] + rng.normal(0, 0.05, n), 4)
    start = _FIRST_DAY + rng.integers(0, 4 * 365, n).astype("timedelta64[D]")
    month = rng.random(n) < 0.1
    end = np.where(month, start + np.timedelta64(29, "D"), start)
    types = rng.choice(EVENT_TYPES[:8], n)
    claims = rng.choice(CLAIM_STATUSES, n)
    killed = rng.integers(0, 30, n)
    known = rng.random(n) < 0.6
    precision = rng.choice([1, 1, 1, 2, 3], n)
    index = {c: i for i, c in enumerate(INCIDENT_COLUMNS)}
    conn = store.connection()
    columns = ", ".join(f'"{c}"' for c in INCIDENT_COLUMNS)
    table = store.table("incidents").as_string(conn)
    with conn.transaction():
        with conn.cursor() as cur, cur.copy(
                f"COPY {table} ({columns}, origin, revision) FROM STDIN") as copy:
            for i in range(n):
                row: list[object] = [""] * len(INCIDENT_COLUMNS)
                for c in _TYPED:  # no figure, date or point: NULL, not an empty string
                    row[index[c]] = None
                row[index["id"]] = f"SYNTH{i:08d}"
                row[index["date_start"]] = str(start[i])
                row[index["date_end"]] = str(end[i])
                row[index["date_precision"]] = "month" if month[i] else "day"
                row[index["place"]] = f"Synthetic place {which[i]}"
                row[index["country"]] = "SY"
                row[index["latitude"]] = float(lat[i])
                row[index["longitude"]] = float(lon[i])
                row[index["geo_precision"]] = int(precision[i])
                row[index["event_type"]] = str(types[i])
                row[index["claim_status"]] = str(claims[i])
                if known[i]:
                    row[index["killed_min"]] = int(killed[i])
                    row[index["killed_max"]] = int(killed[i]) + 3
                row[index["description"]] = (
                    f"{_KINDS[i % len(_KINDS)]} in {districts[(i * 7) % len(districts)]}, "
                    f"{governorates[(i * 11) % len(governorates)]}: report {i}")
                row[index["actors"]] = "; ".join(
                    _ACTORS[(i + k) % len(_ACTORS)] for k in range(1 + i % 2))
                row[index["source_name"]] = _OUTLETS[(i // 3) % len(_OUTLETS)]
                copy.write_row((*row, "bench", 1))
        conn.execute(f"UPDATE {store.table('store_meta').as_string(conn)} SET value = '1' "
                     "WHERE key = 'revision'")
    conn.execute(f"ANALYZE {table}")


def _without_places(data: object) -> dict:
    """A payload without the place counts of aggregates (the cube's are upper bounds)."""
    out = dict(data)  # type: ignore[call-overload]
    out["agg"] = {k: v for k, v in out["agg"].items() if k not in ("np", "npu")}
    return out


def _import(store, n: int, who) -> None:  # type: ignore[no-untyped-def]
    """Import ``n`` new synthetic incidents through the store's upsert."""
    rng = np.random.default_rng(99)
    rows = [{"id": f"NEW{uuid.uuid4().hex[:8]}{i}", "place": f"Imported place {i % 40}",
             "country": "SY", "latitude": f"{rng.uniform(32.5, 37.2):.4f}",
             "longitude": f"{rng.uniform(35.8, 41.8):.4f}", "geo_precision": "1",
             "event_type": str(rng.choice(EVENT_TYPES[:8])),
             "claim_status": str(rng.choice(CLAIM_STATUSES)),
             "date_start": str(_FIRST_DAY + np.timedelta64(int(rng.integers(0, 1400)), "D"))}
            for i in range(n)]
    checked = validate_incidents(pd.DataFrame(rows, dtype=str))
    store.upsert(checked.incidents, origin="bench-import", who=who)


def _rerun_calls(query: PostGISQuery, state, zoom: int, centre: tuple[float, float],  # type: ignore[no-untyped-def]
                 span: tuple[date, date], took: dict[str, float]) -> list[Callable[[], object]]:
    """What the store-mode map page asks for one new view (pages/shared/map_store.py,
    ``_View.prefetch``): the counts line then the table page, the map's aggregates, the
    timeline and the totals; each call's own time goes to ``took``."""
    spec, mspec = query_filter(state), query_filter(state, bounds=False)
    window = view_window(centre, zoom)

    def timed(name: str, work: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            t0 = time.perf_counter()
            out = work()
            took[name] = took.get(name, 0.0) + time.perf_counter() - t0
            return out

        return run

    def counts_table() -> object:
        shown = timed("counts", lambda: query.counts(spec))().shown  # type: ignore[attr-defined]
        return timed("table", lambda: query.table_page(spec, 1, 100, shown))()

    return [counts_table,
            timed("map", lambda: payload(aggregates_from_cells(
                query.cells(mspec, zoom, window, CELL_PIXELS), zoom))),
            timed("timeline", lambda: timeline_from_store(query, spec, span)),
            timed("totals", lambda: store_totals_parts(query, spec))]


RERUN_VIEWS = (
    "opening view", "only what the map shows", "one type off", "dates splitting months",
    "one governorate", "killed 10 or more", "drawn area", "bounds cutting the data",
    "one type off, zoom 8", "dates splitting months, zoom 8", "dates inside one month")
"""The views whose whole rerun (every query of the page) the benchmark times."""


def _rerun_states(state):  # type: ignore[no-untyped-def]
    """:data:`RERUN_VIEWS` as view states (and the map's zoom and centre)."""
    def with_(**changes: object):  # type: ignore[no-untyped-def]
        return replace(state, **changes)

    polygon = ((37.0, 36.0), (37.4, 36.0), (37.4, 36.4), (37.0, 36.4), (37.0, 36.0))
    return {
        "opening view": (state, 6, (35.0, 38.5)),
        "only what the map shows": (with_(bbox=(34.0, 31.0, 44.0, 38.5)), 6, (35.0, 38.5)),
        "one type off": (with_(event_types=state.event_types[1:]), 6, (35.0, 38.5)),
        "dates splitting months": (with_(date_from=date(2017, 3, 17),
                                         date_to=date(2018, 5, 9)), 6, (35.0, 38.5)),
        "one governorate": (with_(admin1=("SY02",)), 6, (35.0, 38.5)),
        "killed 10 or more": (with_(killed=(10, None)), 6, (35.0, 38.5)),
        "drawn area": (with_(polygon=polygon), 6, (35.0, 38.5)),
        "bounds cutting the data": (with_(bbox=(36.0, 34.0, 38.5, 36.5)), 6, (35.0, 38.5)),
        "one type off, zoom 8": (with_(event_types=state.event_types[1:]), 8, (35.2, 37.2)),
        "dates splitting months, zoom 8": (with_(date_from=date(2017, 3, 17),
                                                 date_to=date(2018, 5, 9)), 8, (35.2, 37.2)),
        "dates inside one month": (with_(date_from=date(2017, 3, 10),
                                         date_to=date(2017, 3, 20)), 6, (35.0, 38.5)),
    }


def _reruns(query: PostGISQuery, state, span: tuple[date, date], repeat: int,  # type: ignore[no-untyped-def]
            only: tuple[str, ...] = ()) -> None:
    """Time each view's whole rerun: its queries one after another, then at the same
    time (4 threads, as the page does); the client's CPU; each query's own time."""
    print(f"{'view rerun (every query of the page)':<34} {'serial':>8} {'together':>9} "
          f"{'client CPU':>10}  per query (serial run, ms)")
    for name, (vstate, zoom, centre) in _rerun_states(state).items():
        if only and name not in only:
            continue
        serial, together, cpu = [], [], []
        took: dict[str, float] = {}
        for _ in range(repeat):
            t0 = time.perf_counter()
            for call in _rerun_calls(query, vstate, zoom, centre, span, took):
                call()
            serial.append(time.perf_counter() - t0)
            calls = _rerun_calls(query, vstate, zoom, centre, span, {})
            t0, c0 = time.perf_counter(), time.process_time()
            run_together(calls, 4)
            together.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        parts = ", ".join(f"{k} {v / repeat * 1000:.0f}" for k, v in took.items())
        print(f"{name:<34} {statistics.median(serial) * 1000:6.0f}ms "
              f"{statistics.median(together) * 1000:7.0f}ms "
              f"{statistics.median(cpu) * 1000:8.0f}ms  {parts}", flush=True)


def _time(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def _backend_cpu(query) -> Callable[[], float]:  # type: ignore[no-untyped-def]
    """CPU seconds (user + system) of this thread's database backend and of the server's
    parallel workers so far, read from ``/proc`` (the server runs on this machine): the
    DB time of the queries, whatever else the machine runs."""
    pid = int(query.read("SELECT pg_backend_pid()")[0][0])
    tick = float(__import__("os").sysconf("SC_CLK_TCK"))

    def fields(process: int) -> list[str]:
        return Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()

    server = int(fields(pid)[1])  # the postmaster: its reaped children are the parallel
    # workers of the queries (those of other clients of this server too, if any)

    def read() -> float:
        mine, reaped = fields(pid), fields(server)
        return (int(mine[11]) + int(mine[12]) + int(reaped[13]) + int(reaped[14])) / tick

    return read


#: Searches timed: (label, query text, actors).
SEARCHES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("a governorate's name (common)", "Aleppo", ()),
    ("a district's name", "Tell Abiad", ()),
    ("a rare phrase (one record)", '"report 123457"', ()),
    ("two words, one in every record", "report 424242", ()),
    ("a word of 1 in 6 records", "shelling", ()),
    ("an actor", "", ("Border guards",)),
    ("a search and an actor", "Homs", ("Militia group",)),
    ("nothing matches", "zzqx", ()),
)


def _search_reruns(query, state, repeat: int,  # type: ignore[no-untyped-def]
                   with_text: bool = True) -> None:
    """Time what a map rerun asks of the store for each search of :data:`SEARCHES`:
    the text filters resolved (:func:`geo.store.pg_hits.resolve_text`; the first time
    for the term, nothing kept), the counts line, the aggregates at country zoom, the
    timeline, the first table page and the totals; before (the text conditions in
    every query) and after (asked by the matched records' ids)."""
    from geo.store.pg_hitrows import forget_copies, hit_rows
    from geo.store.pg_hits import KEPT, resolve_text
    from geo.view.filters import FilterContext
    from geo.view.store_totals import store_totals

    context = FilterContext(query.areas, None)
    span = (date(2016, 1, 1), date(2019, 12, 31))
    window = view_window((35.0, 38.5), 6)
    cpu = _backend_cpu(query)
    revision = query.store.revision()

    def rerun(spec) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        counts = query.counts(spec)
        rows, rows_spec = hit_rows(query, spec)  # as the page: a copy of many matches
        payload(aggregates_from_cells(rows.cells(rows_spec, 6, window, CELL_PIXELS), 6))
        timeline_from_store(rows, rows_spec, span)
        rows.table_page(rows_spec, 1, 100, counts.shown)
        store_totals(rows, rows_spec)
        return counts.shown, len(spec.hits)

    print(f"{'search rerun (1,000,000 in PostGIS)':<34} {'shown':>9} {'before s':>9} "
          f"{'(DB cpu)':>8} {'new s':>7} {'(DB cpu)':>8} {'again s':>8} {'(DB cpu)':>8}")
    for label, text, actors in SEARCHES:
        plain = query_filter(replace(state, query=text, actors=actors), context=context)
        figures = []
        for how in ("before", "new", "again"):
            if how == "before" and not with_text:
                figures += [float("nan"), float("nan")]
                continue
            if how == "new":
                KEPT.clear()
            times, cpus = [], []
            for _ in range(1 if how == "before" else repeat):
                if how == "new":
                    KEPT.clear()
                    forget_copies(query)
                c0, t0 = cpu(), time.perf_counter()
                spec = plain if how == "before" else resolve_text(query, plain, revision)
                shown, resolved = rerun(spec)
                times.append(time.perf_counter() - t0)
                cpus.append(cpu() - c0)
            figures += [statistics.median(times), statistics.median(cpus)]
        print(f"{label:<34} {shown:>9,} " + " ".join(
            f"{v:>{9 if i == 0 else 8 if i % 2 else 7}.2f}" for i, v in enumerate(figures))
              + ("" if resolved else "  (left as text: too many matches)"))
    print(f"process RSS after the searches: {_rss_mb():.0f} MB (peak "
          f"{_rss_mb('VmHWM'):.0f} MB); matched ids kept: "
          f"{sum(len(v) for v in KEPT._ids.values() if v is not None):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--location", help="a store kept by --keep (URL with &schema=)")
    parser.add_argument("--reruns-only", action="store_true",
                        help="time only the views' whole reruns (and the domain)")
    parser.add_argument("--searches", action="store_true",
                        help="time map reruns of the searches in SEARCHES, before and after")
    parser.add_argument("--skip-text", action="store_true",
                        help="with --only-searches: do not time the text conditions")
    parser.add_argument("--views", default="",
                        help="with --location: time only these reruns (semicolon-separated "
                             "names of RERUN_VIEWS), nothing else")
    parser.add_argument("--only-searches", action="store_true",
                        help="with --location: time the searches only")
    args = parser.parse_args()
    url = postgis_url()
    schema = new_schema()
    if args.location:  # a store filled by an earlier run (--keep): kept as it is
        args.keep = True
        url, _, schema = args.location.rpartition("&schema=")
    store = open_store(f"{url}&schema={schema}")
    try:
        t0 = time.perf_counter()
        if not args.location:
            _fill(store, args.rows)
            print(f"filled {args.rows:,} synthetic incidents with COPY in "
                  f"{time.perf_counter() - t0:.1f} s")
        gc.collect()
        base = _rss_mb()
        areas = default_areas()
        query = PostGISQuery(store, areas)
        t0 = time.perf_counter()
        synced = query.sync_areas()
        print(f"area columns of {synced:,} records computed and stored in "
              f"{time.perf_counter() - t0:.1f} s (once; then per write)")
        t0 = time.perf_counter()
        searched = sync_search(query, load_settings())
        print(f"search text of {searched:,} records computed and stored in "
              f"{time.perf_counter() - t0:.1f} s (once; then per write)")
        t0 = time.perf_counter()
        refresh_grid(query)
        print(f"cell grid (zoom {GRID_ZOOM}), per-day counts and cubes made current in "
              f"{time.perf_counter() - t0:.1f} s (whole on a store seen for the first time; "
              "then per touched cell and day)")
        for table in ("query_grid", "query_dates", "query_cube", "query_fine", "query_months",
                      "query_facets"):
            rows_, size_ = query.read(
                f'SELECT count(*), pg_total_relation_size(\'"{store.schema}".{table}\') '
                f'FROM "{store.schema}".{table}')[0]
            print(f"  {table}: {rows_:,} rows, {size_ / 2**20:.0f} MB")
        gc.collect()
        start_rss = _rss_mb()
        ms, summary = _time(query.summary, args.repeat)
        print(f"{'domain (dates, extent, types)':<42} {ms:9.1f} ms")
        domain = store_domain(query, summary)  # type: ignore[arg-type]
        state = default_view(domain)
        spec = query_filter(state)
        if args.only_searches:
            _search_reruns(query, state, args.repeat, not args.skip_text)
            return
        if args.views:
            span = (summary.date_min or date(2016, 1, 1), summary.date_max or date(2019, 12, 31))  # type: ignore[attr-defined]
            print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
            _reruns(query, state, span, args.repeat, tuple(args.views.split(";")))
            return
        figures: dict[str, float] = {}
        figures["counts line"], counts = _time(lambda: query.counts(spec), args.repeat)
        for label, zoom, centre in (("aggregates, country zoom 6", 6, (35.0, 38.5)),
                                    ("aggregates, city zoom 11", 11, (34.8, 38.8))):
            window = view_window(centre, zoom)

            def view(zoom: int = zoom, window: tuple = window, grid: bool = True) -> object:
                cells = query.cells(spec, zoom, window, CELL_PIXELS, use_grid=grid)
                return payload(aggregates_from_cells(cells, zoom))

            figures[label], data = _time(view, args.repeat)
            figures[label + ", rows (no grid)"], rows_data = _time(
                lambda zoom=zoom, window=window: view(zoom, window, False), args.repeat)
            same = "the same payload" if rows_data == data else "A DIFFERENT PAYLOAD"
            print(f"  {label}: grid and rows give {same}")
            agg = data["agg"]  # type: ignore[index]
            print(f"  {label}: {len(agg['n'])} aggregates, "
                  f"{len(data['places']['n'])} places, "  # type: ignore[index]
                  f"{sum(agg['n']):,} incidents in aggregates")
        shown = counts.shown  # type: ignore[attr-defined]
        span = (summary.date_min or date(2016, 1, 1), summary.date_max or date(2019, 12, 31))  # type: ignore[attr-defined]
        print(f"load average before the reruns: {Path('/proc/loadavg').read_text().strip()}")
        _reruns(query, state, span, args.repeat)
        if args.reruns_only:
            return
        figures["table page 1 (100 rows)"], _ = _time(
            lambda: query.table_page(spec, 1, 100, shown), args.repeat)
        figures["table page 50"], _ = _time(
            lambda: query.table_page(spec, 50, 100, shown), args.repeat)
        figures["timeline (whole span)"], _ = _time(
            lambda: timeline_from_store(query, spec, span), args.repeat)
        one = query.table_page(spec, 1, 1, shown).iloc[0]
        figures["place list at one place"], _ = _time(
            lambda: query.at_place(spec, float(one["latitude"]), float(one["longitude"])),
            args.repeat)
        figures["one incident's details"], _ = _time(lambda: query.get(str(one["id"])),
                                                      args.repeat)
        narrow = query_filter(
            state.__class__(**{**state.__dict__, "date_from": date(2017, 3, 1),
                               "date_to": date(2017, 3, 31), "admin1": ("SY02",)}))
        figures["counts, one month in one governorate"], narrow_counts = _time(
            lambda: query.counts(narrow), args.repeat)
        figures["table page 1, one month in one governorate"], _ = _time(
            lambda: query.table_page(narrow, 1, 100, narrow_counts.shown),  # type: ignore[attr-defined]
            args.repeat)
        figures["timeline, one governorate"], _ = _time(
            lambda: timeline_from_store(query, narrow, span), args.repeat)
        # text filters (a word of one place's name; an actor no record names)
        word = replace(spec, search=(SearchTerm("place 17"),))
        figures["counts, search 'place 17'"], found = _time(lambda: query.counts(word),
                                                             args.repeat)
        figures["table page 1, search 'place 17'"], _ = _time(
            lambda: query.table_page(word, 1, 100, found.shown), args.repeat)  # type: ignore[attr-defined]
        figures["aggregates, country zoom 6, search 'place 17'"], _ = _time(
            lambda: query.cells(word, 6, view_window((35.0, 38.5), 6), CELL_PIXELS),
            args.repeat)
        actor = replace(spec, actors=("nobody named",))
        figures["counts, actor filter"], _ = _time(lambda: query.counts(actor), args.repeat)
        country = view_window((35.0, 38.5), 6)
        filtered = {
            "one type off": state.__class__(**{**state.__dict__,
                                               "event_types": state.event_types[1:]}),
            "dates 2017-03-17..2018-05-09": state.__class__(**{
                **state.__dict__, "date_from": date(2017, 3, 17),
                "date_to": date(2018, 5, 9)}),
            "only what the map shows": state.__class__(**{
                **state.__dict__, "bbox": (34.0, 31.0, 44.0, 38.5)}),
        }
        for name, view_state in filtered.items():
            fspec = query_filter(view_state)
            figures[f"counts, {name}"], fcounts = _time(lambda s=fspec: query.counts(s),
                                                        args.repeat)
            figures[f"timeline, {name}"], _ = _time(
                lambda s=fspec: timeline_from_store(query, s, span), args.repeat)
            figures[f"table page 1, {name}"], _ = _time(
                lambda s=fspec, c=fcounts: query.table_page(s, 1, 100, c.shown),  # type: ignore[attr-defined]
                args.repeat)
            mspec = query_filter(view_state, bounds=False)
            figures[f"aggregates z6, {name}"], cube = _time(
                lambda s=mspec: payload(aggregates_from_cells(
                    query.cells(s, 6, country, CELL_PIXELS), 6)), args.repeat)
            if name != "only what the map shows":
                figures[f"aggregates z6, {name}, rows"], rows = _time(
                    lambda s=mspec: payload(aggregates_from_cells(
                        query.cells(s, 6, country, CELL_PIXELS, use_grid=False), 6)), 1)
                same = all(_without_places(cube)[k] == _without_places(rows)[k]
                           for k in ("agg", "places"))
                print(f"  {name}: cube and rows give {'the same' if same else 'A DIFFERENT'}"
                      " payload (but the places per aggregate: an upper bound from the cube)")
        if args.searches:
            _search_reruns(query, state, args.repeat)
        # One analyst's correction, then the next view: the grid, per-day counts and
        # cube are updated for the touched cells and days only.
        who = local_identity()
        for label, write in (
                ("one correction (a record moved)", lambda: store.edit(
                    str(one["id"]), {"latitude": "35.5" if float(one["latitude"]) != 35.5
                                     else "35.6", "longitude": "38.1"}, who=who)),
                ("import of 1,000 new incidents", lambda: _import(store, 1000, who))):
            t0 = time.perf_counter()
            write()
            written = time.perf_counter() - t0
            t0 = time.perf_counter()
            refresh_grid(query)
            figures[f"refresh after {label}"] = (time.perf_counter() - t0) * 1000
            print(f"  {label}: written in {written * 1000:.0f} ms")
        fspec = query_filter(filtered["one type off"])
        figures["aggregates z6, one type off, after the writes"], _ = _time(
            lambda: query.cells(fspec, 6, country, CELL_PIXELS), 1)
        for label, ms in figures.items():
            print(f"{label:<42} {ms:9.1f} ms")
        gc.collect()
        print(f"shown {shown:,} of {counts.total:,}")  # type: ignore[attr-defined]
        print(f"process RSS: {base:.0f} MB after filling, {start_rss:.0f} MB after the area "
              f"sync, {_rss_mb():.0f} MB after building the view (peak {_rss_mb('VmHWM'):.0f}"
              " MB, including the one-time sync)")
    finally:
        store.close()
        if args.keep:
            print(f"kept: {url}&schema={schema}")
        else:
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
