"""Benchmark of the Import page's preview: what importing a file again would change.

Reads the real UCDP GED slice (``../shared/data/ucdp_ged_syria_2016.csv``, 6,170 events;
``--file`` for another), imports it into a fresh store of each back end (the embedded
GeoPackage in a temporary folder, PostGIS in a schema of its own, dropped afterwards),
then times, for the same file and for a copy with ``--changed`` rows altered:

- ``preview_upsert`` (the preview, a read: what the analyst sees before committing);
- ``upsert`` (the import itself), for comparison.

It prints each preview's counts and the machine's load before and after.

    .venv/bin/python bench/bench_import_preview.py [--backend gpkg|postgis|both]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from postgis_store import postgis_url  # noqa: E402

from geo.access import local_identity  # noqa: E402
from geo.ingest import prepare_import  # noqa: E402
from geo.store import open_store  # noqa: E402

UCDP = ROOT.parent / "shared" / "data" / "ucdp_ged_syria_2016.csv"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _timed(label: str, work):  # noqa: ANN001, ANN202 - a benchmark's helper
    wall = time.perf_counter()
    result = work()
    print(f"  {label:<44} {time.perf_counter() - wall:7.3f} s", flush=True)
    return result


def _run(location: str, report, changed) -> None:  # noqa: ANN001 - ImportReport
    who = local_identity()
    store = open_store(location)
    try:
        _timed("first import (upsert, empty store)", lambda: store.upsert(
            report.incidents, origin=report.origins, who=who))
        for label, frame in (("same file", report.incidents), ("changed copy", changed)):
            found = _timed(f"preview, {label}", lambda f=frame: store.preview_upsert(
                f, origin=report.origins))
            print(f"    new {found.new:,}, changed {found.changed:,}, unchanged "
                  f"{found.unchanged:,}, fields {found.fields}, nothing: "
                  f"{found.changes_nothing}")
        _timed("import of the same file (upsert)", lambda: store.upsert(
            report.incidents, origin=report.origins, who=who))
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=UCDP)
    parser.add_argument("--backend", choices=["gpkg", "postgis", "both"], default="both")
    parser.add_argument("--changed", type=int, default=100)
    args = parser.parse_args()
    print(f"load before: {_load()}")
    report = _timed("read and validate (prepare_import)", lambda: prepare_import(
        args.file, geocode=False))
    print(f"  {report.rows:,} rows, {report.valid:,} valid, "
          f"{len(report.rejected_rows):,} rejected")
    changed = report.incidents.copy()
    rows = changed.index[: args.changed]
    changed.loc[rows, "description"] = changed.loc[rows, "description"].astype(str) + " (rev.)"
    if args.backend in ("gpkg", "both"):
        with tempfile.TemporaryDirectory() as folder:
            print("GeoPackage")
            _run(str(Path(folder) / "incidents.gpkg"), report, changed)
    if args.backend in ("postgis", "both"):
        import psycopg

        url = postgis_url()
        schema = f"bench_preview_{int(time.time())}"
        print("PostGIS")
        try:
            _run(f"{url}&schema={schema}", report, changed)
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
