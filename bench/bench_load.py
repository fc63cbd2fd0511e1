"""Benchmark: the peak memory, time and resident memory of the app's load of N incidents.

For each size, writes N SYNTHETIC incidents (see ``bench_map.synthetic_incidents``; a
tenth undated, as ``bench_map_browser`` writes them) to a CSV and, with ``--store``,
imports it into an embedded store (``python -m geo.ingest --no-geocode``); then, in a
fresh process each time, loads it as the app's server does: the file through
:func:`geo.view.dataset.load_dataset` (``INCIDENT_MAP_DATA``), the store through
:class:`geo.view.live.LiveDataset`. Printed: wall and CPU seconds of the load, the
process's resident memory before the load (Python, pandas, GeoPandas and the admin
areas), after it (the frame kept, after ``malloc_trim`` as the page does) and its peak
(``VmHWM``), and the machine's load average (2 cores shared: time figures move with it,
memory figures do not).

    .venv/bin/python bench/bench_load.py [--sizes 100000 1000000] [--store]
        [--chunk-rows 50000] [--data DIR]

``--data DIR`` keeps the generated files there and reuses them on the next run (the
import of 1,000,000 rows into a store takes minutes). ``--chunk-rows`` sets
``INCIDENT_MAP_LOAD_CHUNK_ROWS`` for the loads.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def status_mb(key: str) -> float:
    """A figure of this process's ``/proc/self/status`` (``VmRSS``, ``VmHWM``...) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0]) / 1024
    return 0.0


def write_csv(n: int, path: Path) -> None:
    """N synthetic incidents as the browser benchmark writes them (a tenth undated)."""
    from bench_map import write_synthetic_csv

    write_synthetic_csv(n, path)


def _ingest(csv: Path, store: Path) -> None:
    env = {**os.environ, "INCIDENT_DB": str(store), "INCIDENT_MAP_SEED": "no"}
    subprocess.run([sys.executable, "-m", "geo.ingest", "--no-geocode", str(csv)], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)


def child(kind: str, location: str) -> None:
    """Load once as the app does and print the figures as JSON (run in a fresh process)."""
    from geo.geocoding.areas import default_areas
    from geo.io.worker import use_system_allocator
    from geo.settings import load_settings
    from geo.view.dataset import load_dataset

    use_system_allocator()  # as the server does (pages/shared/common.py)
    areas = default_areas()
    settings = load_settings()
    before = status_mb("VmRSS")
    t0, cpu0 = time.perf_counter(), time.process_time()
    if kind == "store":
        from geo.store import open_store
        from geo.view.live import LiveDataset

        dataset = LiveDataset(open_store(location), [], settings, areas).current()
    else:
        dataset = load_dataset(Path(location), None, areas)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    print(json.dumps({
        "rows": len(dataset.incidents), "errors": len(dataset.errors), "wall": wall,
        "cpu": cpu, "before": before, "after": status_mb("VmRSS"), "peak": status_mb("VmHWM"),
    }))


def main() -> None:
    """Print the load's figures for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--store", action="store_true", help="load from an embedded store")
    parser.add_argument("--chunk-rows", type=int, default=None)
    parser.add_argument("--data", type=Path, default=None, help="keep and reuse files here")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "LOCATION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    env = dict(os.environ)
    if args.chunk_rows:
        env["INCIDENT_MAP_LOAD_CHUNK_ROWS"] = str(args.chunk_rows)
    kind = "store" if args.store else "csv"
    print(f"SYNTHETIC incidents loaded from {'an embedded store' if args.store else 'a CSV'} "
          f"(chunk rows {env.get('INCIDENT_MAP_LOAD_CHUNK_ROWS', 'default')})")
    print(f"{'N':>9} {'wall s':>7} {'CPU s':>6} {'RSS before':>11} {'RSS after':>10} "
          f"{'peak MB':>8} {'load avg':>15}")
    with tempfile.TemporaryDirectory(prefix="incident-map-load-") as name:
        folder = args.data or Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            csv = folder / f"synthetic-{n}.csv"
            if not csv.exists():
                write_csv(n, csv)
            location = csv
            if args.store:
                location = folder / f"synthetic-{n}.gpkg"
                if not location.exists():
                    _ingest(csv, location)
            done = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(location)], cwd=ROOT, env=env,
                check=True, capture_output=True, text=True)
            f = json.loads(done.stdout.strip().splitlines()[-1])
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"{f['rows']:>9,} {f['wall']:>7.1f} {f['cpu']:>6.1f} {f['before']:>11.0f} "
                  f"{f['after']:>10.0f} {f['peak']:>8.0f} {load:>15}", flush=True)


if __name__ == "__main__":
    main()
