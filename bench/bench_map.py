"""Benchmark: server time, bytes to the browser and memory of one map-page rerun.

Generates N SYNTHETIC incidents (random points over Syria, random dates, types and
precisions; never written to disk, never shipped as data) and times what the map
page does after a filter change with every incident in view: apply the view,
aggregate what is on screen at country zoom (:mod:`geo.render.clusters`), build
the incident layer and its JavaScript, the timeline, one page of the table and the
totals of the Totals tab (the tab open by default; the others are computed only when
opened), over the mask.
The page takes only the rows it shows (no copy of the frame): the
timeline counts over a mask, the table takes its 100 rows by position.
Bytes are those of the component arguments (base map script + incident layer)
plus the table page and the chart spec. The per-dataset arrays (map columns,
table order, timeline arrays) are built once, as the app caches them for every session; their
time is printed apart. Memory is the process's peak resident set.

    .venv/bin/python bench/bench_map.py [--sizes 10000 100000 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streamlit import dataframe_util  # noqa: E402
from streamlit_folium import _get_feature_group_string, _get_map_string  # noqa: E402

from geo.geocoding.join import to_geodataframe  # noqa: E402
from geo.render.aggregate_layer import AggregateAssets, aggregate_group  # noqa: E402
from geo.render.charts import timeline_spec  # noqa: E402
from geo.render.clusters import MapColumns, aggregate, map_columns, view_window  # noqa: E402
from geo.render.layers import base_map  # noqa: E402
from geo.render.table import PAGE_SIZE, date_order, incident_table, page_rows  # noqa: E402
from geo.schema import INCIDENT_COLUMNS  # noqa: E402
from geo.settings import Settings  # noqa: E402
from geo.view.dataset import compact_frame, single_chunks  # noqa: E402
from geo.view.filters import apply_view, combine_checks, filter_checks  # noqa: E402
from geo.view.state import ViewState  # noqa: E402
from geo.view.timeline import TimelineColumns, timeline_columns, timeline_counts  # noqa: E402
from geo.view.totals_index import TotalsColumns, totals_columns, totals_of  # noqa: E402
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES  # noqa: E402

SPAN = (date(2014, 1, 1), date(2019, 12, 31))


def synthetic_incidents(n: int, seed: int = 0) -> pd.DataFrame:
    """N synthetic incident records (marked SYNTHETIC in every description)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(SPAN[0]) + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    precision = rng.choice(["day", "month", "year", "range"], n, p=[0.7, 0.15, 0.05, 0.1])
    end = start.copy()
    month = precision == "month"
    start = start.where(~month, start.to_period("M").start_time)
    end = end.where(~month, start.to_period("M").end_time.normalize())
    year = precision == "year"
    start = start.where(~year, start.to_period("Y").start_time)
    end = end.where(~year, start.to_period("Y").end_time.normalize())
    ranged = precision == "range"
    end = end.where(~ranged, start + pd.to_timedelta(rng.integers(1, 60, n), unit="D"))
    frame = pd.DataFrame({c: [""] * n for c in INCIDENT_COLUMNS})
    frame["id"] = [f"synthetic-{i}" for i in range(n)]
    frame["date_start"], frame["date_end"] = start, end
    frame["date_precision"] = precision
    frame["place"] = [f"Synthetic place {i % 5000}" for i in range(n)]
    frame["country"] = "SY"
    frame["latitude"] = rng.uniform(32.5, 37.0, n).round(5)
    frame["longitude"] = rng.uniform(35.8, 42.0, n).round(5)
    frame["geo_precision"] = pd.array(rng.choice([1, 2, 3], n, p=[0.8, 0.15, 0.05]), "Int64")
    frame["event_type"] = rng.choice(list(EVENT_TYPES), n)
    frame["claim_status"] = rng.choice(list(CLAIM_STATUSES), n)
    for col in ("killed_min", "killed_max", "injured_min", "injured_max",
                "casualties_min", "casualties_max"):
        frame[col] = pd.array([pd.NA] * n, dtype="Int64")
    frame["killed_min"] = pd.array(rng.integers(0, 30, n), dtype="Int64")
    frame["description"] = "SYNTHETIC benchmark record"
    return frame


CENTER, ZOOM = (34.8, 38.9), 7


def write_synthetic_csv(n: int, path: Path) -> None:
    """N synthetic incidents as a CSV file, every tenth undated (so that the "undated"
    checkbox changes what is drawn): what the browser and load benchmarks read."""
    frame = synthetic_incidents(n)
    frame["date_start"] = frame["date_start"].dt.strftime("%Y-%m-%d")
    frame["date_end"] = frame["date_end"].dt.strftime("%Y-%m-%d")
    undated = frame.index % 10 == 0
    frame.loc[undated, ["date_start", "date_end"]] = ""
    frame.loc[undated, "date_precision"] = "unknown"
    frame[list(INCIDENT_COLUMNS)].to_csv(path, index=False)


def one_rerun(
    frame: pd.DataFrame, state: ViewState, settings: Settings, columns: MapColumns,
    order: np.ndarray, times: TimelineColumns, sums: TotalsColumns,
) -> tuple[float, int, float]:
    """Seconds, bytes and CPU seconds of one rerun after a filter change (nothing cached
    per view)."""
    t0, cpu0 = time.perf_counter(), time.process_time()
    # One pass of the filters, combined into the view and the timeline's mask (every
    # filter but the dates), as the page does (pages/shared/map_data.py).
    checks = filter_checks(frame, state)
    result = combine_checks(checks, len(frame))
    others = combine_checks(checks, len(frame), skip=("date",))
    fmap = base_map(settings, CENTER, ZOOM, tuple(EVENT_TYPES))
    fmap.add_child(AggregateAssets(settings))
    aggregates = aggregate(columns, result.mask, ZOOM, view_window(CENTER, ZOOM))
    layer = aggregate_group(aggregates, None)
    map_js = _get_map_string(fmap)
    layer_js = _get_feature_group_string(layer, map=fmap, idx=0)
    spec = timeline_spec(timeline_counts(times, others.mask, SPAN), SPAN, SPAN, brush=True)
    chart_json = json.dumps(spec)
    rows = frame.iloc[page_rows(order, result.mask, 1, PAGE_SIZE)]
    table = dataframe_util.convert_anything_to_arrow_bytes(incident_table(rows, PAGE_SIZE))
    totals = totals_of(sums, result.mask)  # the Totals tab (the one open by default)
    by_claimant = dataframe_util.convert_anything_to_arrow_bytes(totals.by_claimant)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    size = (len(map_js.encode()) + len(layer_js.encode()) + len(chart_json.encode())
            + len(table) + len(by_claimant))
    return seconds, size, cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Print seconds and bytes per rerun for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    print("SYNTHETIC incidents; one map-page rerun after a filter change (best of repeats)")
    print(f"{'N':>8} {'in view':>8} {'cached once s':>13} {'rerun s':>8} {'CPU s':>6} "
          f"{'MB to browser':>14} {'peak RSS MB':>12}")
    for n in args.sizes:
        # Compact as the app's Dataset makes it (categoricals, Arrow text in one chunk).
        frame = single_chunks(compact_frame(to_geodataframe(synthetic_incidents(n))))
        t0 = time.perf_counter()
        columns, order, times = map_columns(frame), date_order(frame), timeline_columns(frame)
        sums = totals_columns(frame)
        once = time.perf_counter() - t0
        # A filter change that keeps every incident in view (the worst case).
        state = ViewState(
            date_from=SPAN[0], date_to=SPAN[1], event_types=tuple(EVENT_TYPES),
            claim_statuses=tuple(CLAIM_STATUSES), precisions=(1, 2, 3, 4),
            center=CENTER, zoom=ZOOM, include_undated=True,
        )
        runs = [one_rerun(frame, state, settings, columns, order, times, sums)
                for _ in range(args.repeat)]
        seconds = min(r[0] for r in runs)
        cpu = min(r[2] for r in runs)
        size = runs[0][1]
        shown = int(apply_view(frame, state).mask.sum())
        print(f"{n:>8} {shown:>8} {once:>13.2f} {seconds:>8.3f} {cpu:>6.3f} {size / 1e6:>14.3f} "
              f"{_peak_mb():>12.0f}", flush=True)
        del frame, columns, order, times, sums


if __name__ == "__main__":
    main()
