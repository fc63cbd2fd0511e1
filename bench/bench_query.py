"""Benchmark: the analyst filters and totals over N incidents.

Generates N SYNTHETIC incidents (random points over Syria, never written to disk,
see ``bench_map.synthetic_incidents``) and times, best of ``--repeat``:

- the admin join: governorate and district of every point (GeoPandas ``sjoin`` against
  the shipped boundaries), done once when the incident frame is built;
- building the rest of the frame (search text of every field, place keys, radii);
- one combined analyst query (governorate by name, casualty range, actor, two search
  terms AND-ed) through :func:`geo.view.filters.apply_view`;
- the totals by claimant and claim status, and the monthly series by type.

Times are CPU seconds of this process (the work is single-threaded), so that other
jobs on a shared machine do not inflate them.

    .venv/bin/python bench/bench_query.py [--sizes 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_map import SPAN, synthetic_incidents  # noqa: E402

from geo.geocoding.areas import AdminAreas, default_areas  # noqa: E402
from geo.geocoding.join import assign_areas, to_geodataframe  # noqa: E402
from geo.view.filters import FilterContext, apply_view  # noqa: E402
from geo.view.state import ViewDomain, default_view  # noqa: E402
from geo.view.totals import time_series, totals  # noqa: E402

ACTORS = ("Government of Syria; IS", "SDF; IS", "US-led coalition; IS", "Russia; Civilians",
          "Syrian insurgents; Government of Syria")
CLAIMANTS = ("UCDP GED", "ACLED", "Airwars", "SOHR")


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """Fastest of ``repeat`` runs (CPU seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        result = work()
        times.append(time.process_time() - t0)
    return min(times), result


def measure(n: int, areas: AdminAreas, repeat: int) -> str:
    """One table row of figures for N incidents."""
    rng = np.random.default_rng(1)
    raw = synthetic_incidents(n)
    raw["actors"] = rng.choice(ACTORS, n)
    raw["claimed_by"] = rng.choice(CLAIMANTS, n)
    raw["geocode_status"], raw["place_names"] = "given", ""
    join_s, joined = best(repeat, partial(assign_areas, raw, areas))
    frame_s, frame = best(repeat, partial(to_geodataframe, joined))
    domain = ViewDomain(SPAN[0], SPAN[1], (35.0, 38.5), 7, resolve_area=areas.resolve)
    state = replace(default_view(domain), admin1=(areas.resolve("Rakka", 1) or "",),
                    killed=(5, 20), actors=("IS",), query="coalition synthetic")
    query_s, result = best(repeat, partial(apply_view, frame, state, FilterContext(areas)))
    shown = frame[result.mask]  # type: ignore[index, attr-defined]
    totals_s, _ = best(repeat, lambda: (totals(shown), time_series(shown, "month")))
    return (f"| {n:,} | {join_s:.3f} | {frame_s:.3f} | {query_s:.3f} | {totals_s:.3f} |"
            f" {len(shown):,} |")


def main() -> None:
    """Print one line of figures per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    areas = default_areas()
    print("| N incidents | admin join s | rest of frame s | combined query s | totals + series s |"
          " shown |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        print(measure(n, areas, args.repeat))


if __name__ == "__main__":
    main()
