"""Administration of a PostGIS store from the command line.

``python -m geo.store sync [--location URL]`` computes the derived columns store-driven
pages read (area columns, search text: :mod:`geo.store.derived`) for every record
waiting, with a line of progress per batch, then the cell grid, per-day counts and cube
(:func:`geo.store.pg_grid.refresh_grid`). Run it once on a store filled by other means
(a bulk load, an older release, new admin boundaries); interrupted, it resumes where it
stopped. ``python -m geo.store status`` says how many records wait.

``python -m geo.store migrate [--location PATH_OR_URL] [--dry-run]`` (either back end)
gives records imported by an earlier release today's mapping: UCDP one-sided violence and
ACLED violence against civilians the type "attack on civilians", UCDP records their best
estimate from the description (:mod:`geo.store.migrate`); re-importing the files does the
same.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from geo.errors import StoreUnavailable
from geo.geocoding.areas import default_areas
from geo.settings import load_settings
from geo.store import is_database_url
from geo.store.derived import SYNC_BATCH, backlog, sync_derived
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.postgis import PostGISStore


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status (0: done, 2: bad arguments or no such store)."""
    parser = argparse.ArgumentParser(prog="python -m geo.store", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("command", choices=("sync", "status", "migrate"))
    parser.add_argument("--location", help="the store's postgresql:// URL, or a file for "
                        "migrate (default: INCIDENT_DB)")
    parser.add_argument("--dry-run", action="store_true",
                        help="migrate: count the records to change, change nothing")
    parser.add_argument("--batch", type=int, default=SYNC_BATCH,
                        help=f"records per batch (default {SYNC_BATCH:,})")
    args = parser.parse_args(argv)
    settings = load_settings()
    location = args.location or settings.database
    if args.command == "migrate":
        return _migrate(str(location), args.dry_run)
    if not is_database_url(location):
        print(f"{location} is not a postgresql:// URL: only a PostGIS store has derived "
              "columns to sync", file=sys.stderr)
        return 2
    if args.batch < 1:
        print("--batch must be at least 1", file=sys.stderr)
        return 2
    try:
        store = PostGISStore(location, create=False)
    except StoreUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        query = PostGISQuery(store, default_areas())
        waiting = backlog(query, settings)
        if args.command == "status":
            print(f"{store.location}: {waiting.waiting:,} records wait for their area "
                  f"columns and search text (store revision {waiting.revision})")
            return 0
        started = time.perf_counter()

        def say(line: str) -> None:
            print(f"[{time.perf_counter() - started:7.1f} s] {line}", flush=True)

        done = sync_derived(query, settings, batch=args.batch, report=say)
        say(f"derived columns current ({done:,} records computed)")
        refresh_grid(query)
        say("cell grid, per-day counts and cube current")
        return 0
    except StoreUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        store.close()


def _migrate(location: str, dry_run: bool) -> int:
    """Run :func:`geo.store.migrate.migrate_records` on the store at ``location``."""
    from geo.access import system_identity
    from geo.store import open_store
    from geo.store.migrate import migrate_records

    try:
        store = open_store(location, create=False)
    except (StoreUnavailable, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        done = migrate_records(store, system_identity("geo.store migrate"), dry_run=dry_run)
    finally:
        store.close()
    verb = "would change" if dry_run else "changed"
    print(f"{location}: {verb} the type of {done.retyped:,} records to 'attack on civilians' "
          f"and gave {done.best:,} records their UCDP best estimate")
    return 0


if __name__ == "__main__":
    sys.exit(main())

