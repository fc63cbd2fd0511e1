"""Benchmark: what the places learned from a store cost the first search, in one process.

In store mode a search term's spellings come from the geocoder with the store's learned
places. The map page now answers them with ``geo.geocoding.learned_index.LearnedSearch``
(``pages/shared/common._search_geocoder``): the learned places read once per learned
revision into compact arrays (``LearnedNames``), and per term only the groups of rows it
could match indexed. This script does the same steps without a browser or Streamlit: it
reads the learned places (from an embedded store, ``--store``, or learned in memory from
a CSV of SYNTHETIC incidents, ``--csv``, by ``geo.geocoding.learned.learn_from_incidents``),
times ``LearnedNames`` and the first searches (``geo.view.spellings.search_spellings``),
printing wall and CPU times, resident memory after each step (after handing freed memory
back, as the page does at the end of a run) and the process's peak (``VmHWM``, started
again after the gazetteer's load). The store's read of the learned places
(``learned_places()``, in chunks: ``geo.store.learned.learned_frame``) is measured alone
first: its time and the peak above the resident memory before it; then the read the
names do (``read_learned_table``: a store's codes and value tables, no strings per row).

With ``--full`` it then does what the first search did before, in the same process:
``learned_gazetteer_rows`` and ``Geocoder.with_learned`` (every learned place indexed),
and checks that both give the same spellings and answers for the terms, ``--compare``
learned names drawn at random and a typo of each.

    .venv/bin/python bench/bench_learned.py --store synthetic-1000000.gpkg
    .venv/bin/python bench/bench_learned.py --store synthetic-1000000.gpkg --full
"""

from __future__ import annotations

import argparse
import random
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
from geo.geocoding.learned_index import LearnedNames, LearnedSearch  # noqa: E402
from geo.geocoding.learned_table import read_learned_table  # noqa: E402
from geo.io.worker import release_memory  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from geo.view.spellings import search_spellings  # noqa: E402

#: Terms searched after the build (one every synthetic record matches, a real place,
#: synthetic place names, one with a typo: the loose match).
TERMS = ("synthetic", "Raqqa", "Synthetic place 5", "Synthetic place 4999", "Synthetic plaec 5")


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Start ``VmHWM`` again from the resident memory now (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def _memory() -> str:
    return f"resident {_status_mb('VmRSS'):,.0f} MB, peak so far {_status_mb('VmHWM'):,.0f} MB"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _source(args: argparse.Namespace) -> LearnedPlaceSource:
    if args.store:
        from geo.store import open_store

        return open_store(str(args.store), create=False)
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return LearnedPlaces(learn_from_incidents(frame, ["synthetic"] * len(frame)))


class _Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __str__(self) -> str:
        return (f"{time.perf_counter() - self.wall:.2f} s "
                f"(CPU {time.process_time() - self.cpu:.2f} s)")


def _searches(label: str, coder: object, terms: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    spellings = search_spellings(coder, ["SY"])
    out = {}
    for term in terms:
        clock = _Clock()
        out[term] = tuple(spellings(term))
        print(f"{label} first search {term!r}: {len(out[term])} spellings, {clock}")
    return out


def _sample(names: list[str], count: int) -> tuple[str, ...]:
    rng = random.Random(14)
    drawn = rng.sample(names, min(count, len(names)))
    typos = [n[:3] + n[4:] if len(n) > 5 else n + "x" for n in drawn]
    return tuple(dict.fromkeys([*TERMS, *drawn, *typos]))


def main() -> None:
    """Print the figures of each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--csv", type=Path, help="SYNTHETIC incidents (bench_map's CSV)")
    where.add_argument("--store", type=Path, help="an embedded store (GeoPackage)")
    parser.add_argument("--full", action="store_true",
                        help="then index every learned place as before, and compare")
    parser.add_argument("--compare", type=int, default=40,
                        help="learned names drawn for the comparison (with a typo of each)")
    args = parser.parse_args()
    print(f"load average {_load()}")
    clock = _Clock()
    source = _source(args)
    print(f"source opened: {clock}; {_memory()}")
    coder = default_geocoder(load_settings())
    print(f"geocoder without learned places: {_memory()}")
    release_memory()
    _reset_peak()
    before, clock = _status_mb("VmRSS"), _Clock()
    places = source.learned_places()
    frame_mb = places.memory_usage(deep=True).sum() / 2**20
    print(f"learned_places() alone (the store's read, in chunks): {len(places):,} rows, "
          f"{clock}; resident {_status_mb('VmRSS') - before:+,.0f} MB, peak during it "
          f"{_status_mb('VmHWM') - before:+,.0f} MB (the frame {frame_mb:,.0f} MB)")
    del places
    release_memory()
    _reset_peak()
    before, clock = _status_mb("VmRSS"), _Clock()
    table = read_learned_table(source)
    arrays_mb = sum(a.nbytes for a in (*table.codes.values(), *table.numbers.values())) / 2**20
    print(f"read_learned_table (what the names read: a store's codes, in chunks): "
          f"{len(table):,} rows, {clock}; resident {_status_mb('VmRSS') - before:+,.0f} MB, "
          f"peak during it {_status_mb('VmHWM') - before:+,.0f} MB (the arrays "
          f"{arrays_mb:,.0f} MB)")
    del table
    release_memory()
    _reset_peak()
    clock = _Clock()
    names = LearnedNames.from_source(source)
    print(f"LearnedNames (the store's learned places read, compacted, keyed): {len(names):,} "
          f"rows, {names.groups:,} groups, arrays {names.nbytes / 2**20:.0f} MB; {clock}")
    release_memory()
    print(f"  after it, freed memory handed back: {_memory()}")
    search = LearnedSearch(coder, names)
    with_names = [str(n) for n in pd.unique(names.frame(range(names.groups))["name"])] \
        if args.full else []
    new = _searches("per-term index:", search, TERMS)
    release_memory()
    print(f"  after the first searches: {_memory()}")
    if not args.full:
        print(f"end: {_memory()}; load average {_load()}")
        return
    peak = _status_mb("VmHWM")
    print(f"peak of the per-term path: {peak:,.0f} MB")
    clock = _Clock()
    places = source.learned_places()
    rows = learned_gazetteer_rows(places)
    print(f"learned_gazetteer_rows: {len(rows):,} places from {len(places):,} rows; {clock}; "
          f"{_memory()}")
    del rows, places
    clock = _Clock()
    full = coder.with_learned(source)
    print(f"with_learned (reads, groups and indexes every learned place): {clock}; {_memory()}")
    old = _searches("full index:", full, TERMS)
    terms = _sample(with_names, args.compare)
    same = all(old[t] == new[t] for t in TERMS)
    old_all, new_all = search_spellings(full, ["SY"]), search_spellings(search, ["SY"])
    differ = [t for t in terms if tuple(old_all(t)) != tuple(new_all(t))
              or full.geocode(t, country="SY") != search.geocode(t, country="SY")
              or full.geocode(t) != search.geocode(t)]
    print(f"same spellings for the timed terms: {same}; {len(terms)} terms compared "
          f"(spellings, answers in SY and anywhere): {len(differ)} differ {differ[:5]}")
    print(f"end: {_memory()}; load average {_load()}")


if __name__ == "__main__":
    main()
