"""Benchmark of place corrections in a large embedded store: the move, an import preview
with the correction in force, the import, and the undo.

Works on a COPY of a store (``--store``; never the shared 1M store itself, which it
refuses). It imports ``--records`` records of one place at one point given by the
source ("Bench town" and the run's ``--tag``, as UCDP's 53 records of Tadmur), moves the place
(``correct_place``), then previews a file of those records again, ``--new`` more of
that place and ``--rows`` rows of ``--csv`` (a file the store was filled from: unchanged
records), imports it, and undoes the correction. Prints each step's wall and CPU time, the
preview's counts (new, changed, unchanged, placed, held) and the machine's load.

    flock /tmp/lead/bench1m.lock nice -n 10 .venv/bin/python bench/bench_place_corrections.py \\
        --store .bench1m/store.gpkg --csv /work/bench1m/synthetic-1000000.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.access import local_identity  # noqa: E402
from geo.ingest import prepare_import  # noqa: E402
from geo.schema import validate_incidents  # noqa: E402
from geo.store import open_store  # noqa: E402

SHARED = Path("/work/bench1m")
POINT = (34.55, 38.27)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _timed(label: str, work):  # noqa: ANN001, ANN202 - a benchmark's helper
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(f"  {label:<52} {time.perf_counter() - wall:7.3f} s, CPU {time.process_time() - cpu:6.3f}"
          f" s  (load {_load()})", flush=True)
    return result


def _place_rows(start: int, count: int, tag: str) -> pd.DataFrame:
    raw = pd.DataFrame([{
        "id": f"bench-{tag}-{i}", "date": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "place": f"Bench town {tag}", "country": "SY", "admin1": "Homs",
        "latitude": str(POINT[0]), "longitude": str(POINT[1]), "fatalities": "1",
        "geo_precision": str(1 + i % 3), "geocode_source": "given",
        "event_type": "airstrike", "claim_status": "reported"}
        for i in range(start, start + count)])
    result = validate_incidents(raw.astype(str))
    if result.errors:
        raise ValueError(result.errors)
    return result.incidents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--records", type=int, default=53)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--rows", type=int, default=6_117)
    parser.add_argument("--tag", default=time.strftime("%H%M%S"),
                        help="names this run's place and ids (runs on one copy differ)")
    args = parser.parse_args()
    if SHARED in args.store.resolve().parents:
        sys.exit(f"refusing to write {args.store}: copy it first")
    who = local_identity()
    print(f"load before: {_load()}")
    store = _timed("open the store", lambda: open_store(args.store, create=False))
    print(f"  {store.count():,} records")
    place = _place_rows(0, args.records, args.tag)
    name = f"Bench town {args.tag}"
    _timed(f"import {args.records} records of {name} (upsert)",
           lambda: store.upsert(place, origin="ucdp", who=who))
    ids = sorted(place["id"].astype(str))
    made = _timed("move the place (correct_place)", lambda: store.correct_place(
        name, POINT, (34.5623, 38.2836, 1), who=who, drawn=ids))
    with args.csv.open("rb") as handle:
        head = b"".join(line for _, line in zip(range(args.rows + 1), handle, strict=False))
    report = _timed(f"read {args.rows:,} rows of the CSV (prepare_import)",
                    lambda: prepare_import(head, name=args.csv.name, geocode=False))
    frame = pd.concat([place, _place_rows(args.records, args.new, args.tag),
                       report.incidents.head(args.rows)], ignore_index=True)
    origins = ["ucdp"] * (args.records + args.new) + list(report.origins)[:args.rows]
    found = _timed(f"preview of {len(frame):,} rows (preview_upsert)",
                   lambda: store.preview_upsert(frame, origin=origins))
    print(f"    new {found.new:,}, changed {found.changed:,}, unchanged {found.unchanged:,}, "
          f"placed {found.placed}, held {[(c.correction_id, n) for c, n in found.held]}")
    result = _timed("import it (upsert)", lambda: store.upsert(frame, origin=origins, who=who))
    print(f"    placed {len(result.placed):,}")
    undone = _timed("undo the correction (undo_place_correction)",
                    lambda: store.undo_place_correction(made.correction.correction_id,
                                                        who=who))
    print(f"    back {len(undone.moved_back):,}, left {len(undone.left):,}")
    store.close()
    print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
