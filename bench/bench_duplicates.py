"""Likely-duplicate detection at its worst: N records of one place and day from one
source, then N more from another, into a fresh embedded store.

Prints the seconds of the second import (its write transaction, then the bucketed,
bounded flagging outside the write lock), the flags written, and how long the store's
write lock was held by that import's main transaction.

    .venv/bin/python bench/bench_duplicates.py [--n 3000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000)
    n = parser.parse_args().n
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
