"""Benchmark of the incident stores: imports and a bounds-and-dates query.

Generates SYNTHETIC ACLED-format rows (ids ``SYNTH...``, notes saying so; written to a
temporary folder and deleted afterwards, never shipped as data), then

1. imports ``--rows`` of them (default 100,000) from the CSV file into each back end
   through the whole import path (read, map, validate, write) and prints rows/s
   (target: over 20,000 rows/s into the embedded store);
2. fills the store to ``--stored`` incidents (default 1,000,000) and times a
   bounds-and-dates query that returns about 1,000 of them (target: under 50 ms on
   PostGIS), printing the median of repeated runs and the query plan's index use.

Usage::

    .venv/bin/python bench/bench_store.py [--rows N] [--stored N] [--skip-postgis]
        [--embedded-million]

PostGIS is started with ``scripts/postgis.sh``; the benchmark uses its own schema and
drops it at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postgis_store import postgis_url  # noqa: E402

from geo.access import system_identity  # noqa: E402
from geo.ingest import import_file  # noqa: E402
from geo.io.mappings import MappingMemory  # noqa: E402
from geo.store import IncidentStore, open_store  # noqa: E402

BOUNDS = (38.0, 35.0, 39.0, 36.0)
DATES = ("2016-01-01", "2016-04-30")
_TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Violence against civilians", "Attack"),
    ("Strategic developments", "Looting/property destruction"),
]


def synthetic_acled(n: int, seed: int = 0, offset: int = 0) -> pd.DataFrame:
    """``n`` SYNTHETIC ACLED-format rows spread over Syria and 2012-2021."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 3653, n), unit="D")
    kinds = rng.integers(0, len(_TYPES), n)
    fatalities = rng.poisson(1.5, n).astype(object)
    fatalities[rng.random(n) < 0.1] = ""
    return pd.DataFrame({
        "event_id_cnty": [f"SYNTH{offset + i}" for i in range(n)],
        "event_date": days.strftime("%Y-%m-%d"),
        "year": days.year,
        "time_precision": rng.choice(["1", "1", "1", "2", "3"], n),
        "event_type": [_TYPES[k][0] for k in kinds],
        "sub_event_type": [_TYPES[k][1] for k in kinds],
        "actor1": rng.choice(["Military Forces of Syria", "SDF", "IS", "HTS"], n),
        "actor2": rng.choice(["", "Civilians (Syria)", "IS"], n),
        "country": "Syria",
        "admin1": rng.choice(["Aleppo", "Ar-Raqqa", "Deir ez Zor", "Idlib", "Homs"], n),
        "admin2": "",
        "admin3": "",
        "location": rng.choice(["Synthetic town A", "Synthetic town B", "Synthetic village"], n),
        "latitude": np.round(rng.uniform(32.3, 37.3, n), 4),
        "longitude": np.round(rng.uniform(35.7, 42.4, n), 4),
        "geo_precision": rng.choice(["1", "1", "2", "3"], n),
        "source": "Synthetic",
        "notes": "SYNTHETIC benchmark row, not a real event.",
        "fatalities": fatalities,
    })


def _import(label: str, store: IncidentStore, csv_path: Path, rows: int) -> None:
    start = time.perf_counter()
    report = import_file(csv_path, store, memory=MappingMemory(csv_path.with_suffix(".json")),
                         geocode=False, who=system_identity("benchmark"))
    seconds = time.perf_counter() - start
    assert report.result is not None and len(report.result.inserted) == rows, report.lines()[:5]
    print(f"{label}: imported {rows:,} ACLED rows in {seconds:.2f} s = "
          f"{rows / seconds:,.0f} rows/s (read, map, validate, write)")


def _fill(store: IncidentStore, target: int, have: int, batch: int) -> None:
    from geo.io.mappings import apply_mapping
    from geo.schema import validate_incidents

    start = time.perf_counter()
    offset = have
    while offset < target:
        n = min(batch, target - offset)
        raw = synthetic_acled(n, seed=offset, offset=offset).astype(str)
        valid = validate_incidents(apply_mapping(raw, "acled").frame).incidents
        store.upsert(valid, origin="acled", who=system_identity("benchmark"))
        offset += n
    print(f"  filled to {store.count():,} incidents in {time.perf_counter() - start:.1f} s")


def _time_query(label: str, store: IncidentStore, runs: int = 15) -> None:
    times, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = len(store.query(date_from=DATES[0], date_to=DATES[1], bounds=BOUNDS))
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label}: bounds {BOUNDS} and dates {DATES[0]}..{DATES[1]} -> {found:,} incidents; "
          f"median {statistics.median(times):.1f} ms, best {min(times):.1f} ms "
          f"(of {runs} runs, including conversion to a typed DataFrame)")


def _explain(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        plan = [r[0] for r in conn.execute(
            f"EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM {schema}.incidents WHERE "
            f"ST_Intersects(geom, ST_MakeEnvelope({', '.join(map(str, BOUNDS))}, 4326)) "
            f"AND daterange(date_start, date_end, '[]') && daterange('{DATES[0]}', "
            f"'{DATES[1]}', '[]') AND date_start <= '{DATES[1]}' AND date_end >= '{DATES[0]}'"
        )]
    used = [line.strip() for line in plan if "Index" in line or "Bitmap" in line]
    print("  plan: " + " | ".join(used[:3]) + f" | {plan[-1].strip()}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--skip-postgis", action="store_true")
    parser.add_argument("--embedded-million", action="store_true",
                        help="also fill the embedded store to --stored and time the query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "synthetic_acled.csv"
        synthetic_acled(args.rows).to_csv(csv_path, index=False)
        print(f"SYNTHETIC data: {args.rows:,} ACLED-format rows "
              f"({csv_path.stat().st_size / 1e6:.1f} MB CSV), deleted afterwards")

        embedded = open_store(Path(folder) / "bench.gpkg")
        _import("embedded GeoPackage", embedded, csv_path, args.rows)
        if args.embedded_million:
            _fill(embedded, args.stored, args.rows, args.batch)
            _time_query("embedded GeoPackage query", embedded)

        if not args.skip_postgis:
            url = postgis_url()
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            store = open_store(f"{url}&schema={schema}")
            try:
                _import("PostGIS", store, csv_path, args.rows)
                _fill(store, args.stored, args.rows, args.batch)
                with store._conn().cursor() as cur:  # noqa: SLF001 - fresh statistics
                    cur.execute(f"ANALYZE {schema}.incidents")
                _time_query("PostGIS query", store)
                _explain(url, schema)
            finally:
                store.close()
                import psycopg

                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
