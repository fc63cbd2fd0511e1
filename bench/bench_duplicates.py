"""Likely-duplicate detection at its worst, and in a large store.

1. N records of one place and day from one source, then N more from another, into a
   fresh embedded store: prints the seconds of the second import (its write
   transaction, then the bounded flagging outside the write lock), the flags written,
   and how long the store's write lock was held by that import's main transaction.
2. ``--spread S``: S records spread over Syria and a year, then an import of 1,000 from
   another source in one area and one week: prints the candidate records read for the
   flagging (through the spatial index and place names) against the records of the
   import's dates (what the date index alone returned before), and the seconds.

    .venv/bin/python bench/bench_duplicates.py [--n 3000] [--spread 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.access import system_identity  # noqa: E402
from geo.schema import validate_incidents  # noqa: E402
from geo.store import open_store  # noqa: E402


def _batch(prefix: str, n: int) -> pd.DataFrame:
    rows = pd.DataFrame({
        "id": [f"{prefix}{i}" for i in range(n)], "event_type": "airstrike",
        "claim_status": "reported", "date_start": "2017-10-05", "place": "Raqqa",
        "country": "SY", "latitude": "35.95", "longitude": "39.01",
    })
    return validate_incidents(rows).incidents


def _spread(prefix: str, n: int, seed: int, *, days: int, south: float, west: float,
            size: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    rows = pd.DataFrame({
        "id": [f"{prefix}{i}" for i in range(n)], "event_type": "airstrike",
        "claim_status": "reported", "date_start": day.strftime("%Y-%m-%d"),
        "place": [f"Village {k}" for k in rng.integers(0, 5000, n)], "country": "SY",
        "latitude": (south + rng.random(n) * size).round(4).astype(str),
        "longitude": (west + rng.random(n) * size * 1.5).round(4).astype(str),
    })
    return validate_incidents(rows).incidents


def spread(n: int) -> None:
    """Part 2: candidates read for an import into a large store."""
    who = system_identity("benchmark")
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "spread.gpkg")
        for k in range(0, n, 50_000):
            batch = _spread(f"acled-{k}-", min(50_000, n - k), k, days=365, south=32.5,
                            west=36.0, size=4.5)
            store.upsert(batch, origin="acled", who=who)
        new = _spread("ucdp-", 1000, 7, days=7, south=35.8, west=38.8, size=0.3)
        new["date_start"] = new["date_start"] + pd.Timedelta(days=180)
        new["date_end"] = new["date_start"]
        read: list[int] = []
        real = store._run_read

        def counted(statement: str, params: object = ()) -> list[tuple[object, ...]]:
            rows = real(statement, params)  # type: ignore[arg-type]
            read.append(len(rows))
            return rows

        store._run_read = counted  # type: ignore[method-assign]
        start = time.perf_counter()
        result = store.upsert(new, origin="ucdp", who=who)
        seconds = time.perf_counter() - start
        dated = len(store.query(date_from=str(new["date_start"].min().date()),
                                date_to=str(new["date_end"].max().date())))
        print(f"{n:,} stored records over a year, 1,000 imported in one area and week")
        print(f"import: {seconds:.2f} s, {len(result.duplicates):,} flags; candidates read: "
              f"{sum(read):,} in {len(read)} statements (the import's dates hold {dated:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--spread", type=int, default=0)
    args = parser.parse_args()
    if args.spread:
        spread(args.spread)
    n = args.n
    who = system_identity("benchmark")
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "dups.gpkg")
        store.upsert(_batch("acled-", n), origin="acled", who=who)
        held: list[float] = []
        real = store._transaction

        @contextmanager
        def timed():  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            with real() as tx:
                yield tx
            held.append(time.perf_counter() - start)

        store._transaction = timed  # type: ignore[method-assign]
        start = time.perf_counter()
        result = store.upsert(_batch("ucdp-", n), origin="ucdp", who=who)
        seconds = time.perf_counter() - start
        print(f"{n} x {n} records of one place and day")
        print(f"second import: {seconds:.2f} s, {len(result.duplicates)} flags written "
              f"({len(store.duplicates())} in the store)")
        print(f"write lock held: {held[0]:.2f} s (import), {sum(held[1:]):.2f} s (flags)")


if __name__ == "__main__":
    main()
