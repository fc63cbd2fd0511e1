"""Benchmark: what the places learned from a store cost the first search, in one process.

In store mode a search term's spellings come from the geocoder with the store's learned
places (``pages/shared/common.geocoder`` -> ``Geocoder.with_learned``), built on the
first search that names a place. This script does the same steps without a browser or
Streamlit: it reads the learned places (from an embedded store, ``--store``, or learned
in memory from a CSV of SYNTHETIC incidents, ``--csv``, by
``geo.geocoding.learned.learn_from_incidents``), then times ``learned_gazetteer_rows``,
``with_learned`` and three first searches (``geo.view.spellings.search_spellings``),
printing the number of learned places, the resident memory after each step and the
process's peak (``VmHWM``).

    .venv/bin/python bench/bench_learned.py --csv synthetic-1000000.csv
    .venv/bin/python bench/bench_learned.py --store synthetic-1000000.gpkg
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.geocoding.geocoder import default_geocoder  # noqa: E402
from geo.geocoding.learned import (  # noqa: E402
    LearnedPlaces,
    LearnedPlaceSource,
    learn_from_incidents,
    learned_gazetteer_rows,
)
from geo.settings import load_settings  # noqa: E402
from geo.view.spellings import search_spellings  # noqa: E402

#: Terms searched after the build (one every synthetic record matches, a real place,
#: one synthetic place name).
TERMS = ("synthetic", "Raqqa", "Synthetic place 5")


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _memory() -> str:
    return f"resident {_status_mb('VmRSS'):,.0f} MB, peak so far {_status_mb('VmHWM'):,.0f} MB"


def _source(args: argparse.Namespace) -> LearnedPlaceSource:
    if args.store:
        from geo.store import open_store

        return open_store(str(args.store), create=False)
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return LearnedPlaces(learn_from_incidents(frame, ["synthetic"] * len(frame)))


def main() -> None:
    """Print the figures of each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--csv", type=Path, help="SYNTHETIC incidents (bench_map's CSV)")
    where.add_argument("--store", type=Path, help="an embedded store (GeoPackage)")
    args = parser.parse_args()
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    t0 = time.perf_counter()
    source = _source(args)
    print(f"source opened: {time.perf_counter() - t0:.1f} s; {_memory()}")
    coder = default_geocoder(load_settings())
    print(f"geocoder without learned places: {_memory()}")
    t0, c0 = time.perf_counter(), time.process_time()
    places = source.learned_places()
    print(f"learned_places(): {len(places):,} rows, {places['name'].nunique():,} names; "
          f"{time.perf_counter() - t0:.1f} s (CPU {time.process_time() - c0:.1f} s); {_memory()}")
    t0, c0 = time.perf_counter(), time.process_time()
    rows = learned_gazetteer_rows(places)
    print(f"learned_gazetteer_rows: {len(rows):,} places; {time.perf_counter() - t0:.1f} s "
          f"(CPU {time.process_time() - c0:.1f} s); {_memory()}")
    del rows, places
    t0, c0 = time.perf_counter(), time.process_time()
    learned = coder.with_learned(source)
    print(f"with_learned (reads, groups and indexes again): {time.perf_counter() - t0:.1f} s "
          f"(CPU {time.process_time() - c0:.1f} s); {_memory()}")
    spellings = search_spellings(learned, ["SY"])
    for term in TERMS:
        t0 = time.perf_counter()
        found = spellings(term)
        print(f"first search {term!r}: {len(found)} spellings, {time.perf_counter() - t0:.2f} s")
    print(f"end: {_memory()}; load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
