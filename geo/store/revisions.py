"""Per-record revisions: which records each write touched, for caches that follow a store.

Every write transaction bumps the store's revision once, at its end, under the store-wide
lock; the records it writes (inserted, corrected, re-flagged) get that same number in their
``revision`` column. A reader that kept revision R reads back only ``revision > R``.
"""

from __future__ import annotations

from collections.abc import Callable

from geo.schema import INCIDENT_COLUMNS
from geo.store import learned as learned_sql
from geo.store.records import DATE_COLUMNS


def next_revision(d: learned_sql.Dialect) -> str:
    """SQL for the revision the running write transaction ends with."""
    return f"(SELECT CAST(value AS BIGINT) + 1 FROM {d.meta} WHERE key = 'revision')"


def touch_sql(d: learned_sql.Dialect) -> str:
    """SQL that marks one record (by id) as written in the running transaction."""
    return f"UPDATE {d.incidents} SET revision = {next_revision(d)} WHERE id = {d.mark}"


def changed_sql(d: learned_sql.Dialect) -> str:
    """SQL for the incident columns and origin of the records written after a revision."""
    columns = ", ".join(
        f"{c}::text" if d.postgres and c in DATE_COLUMNS else c for c in INCIDENT_COLUMNS
    )
    return (f"SELECT {columns}, origin FROM {d.incidents} WHERE revision > {d.mark} "
            "ORDER BY fid")


def add_column_if_missing(
    run: Callable[..., object], d: learned_sql.Dialect, schema: str = ""
) -> None:
    """Give a store made before per-record revisions the column (0: as old as the store).

    Only when it is missing: ``ALTER TABLE`` locks the table against concurrent writers.
    Run under the lock that guards creating the store.

    Parameters
    ----------
    run : callable
        ``run(sql, params)`` on the store's connection, returning rows (a list or cursor).
    d : Dialect
    schema : str
        The PostgreSQL schema (unused for SQLite).
    """
    if d.postgres:
        found = run("SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND "
                    "table_name = 'incidents' AND column_name = 'revision'", (schema,))
        missing = not list(found)  # type: ignore[call-overload]
    else:
        columns = run(f"PRAGMA table_info({d.incidents})", ())
        missing = "revision" not in {r[1] for r in columns}  # type: ignore[attr-defined]
    if missing:
        run(f"ALTER TABLE {d.incidents} ADD COLUMN revision BIGINT NOT NULL DEFAULT 0", ())
        run(f"CREATE INDEX IF NOT EXISTS incidents_revision ON {d.incidents} (revision)", ())
