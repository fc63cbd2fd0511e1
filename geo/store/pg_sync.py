"""Columns and tables derived from the stored incidents, kept up to the store's revision.

The area columns (:meth:`geo.store.pg_query.PostGISQuery.sync_areas`) and the search
text (:func:`geo.store.pg_search.sync_search`) are computed from the records and brought
up to date after writes: each remembers in ``store_meta`` the revision it reflects and
the settings it was computed with (:func:`synced_revision`, :func:`mark_synced`), and
reads only the records written since, in batches ordered by ``fid``
(:func:`written_since`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import psycopg
from psycopg import sql


def synced_revision(conn: psycopg.Connection, meta: sql.Composable, key: str,
                    wanted: str) -> int:
    """The revision the derived data ``key`` reflects, or -1.

    Parameters
    ----------
    conn : psycopg.Connection
    meta : psycopg.sql.Composable
        The store's ``store_meta`` table.
    key : str
        The derived data's entry in it.
    wanted : str
        The settings the data must have been computed with; other settings give -1.

    Returns
    -------
    int
    """
    row = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = %s").format(meta),
                       (key,)).fetchone()
    done, settings = (row[0].split("|", 1) if row else ("-1", ""))
    return int(done) if settings == wanted else -1


def mark_synced(conn: psycopg.Connection, meta: sql.Composable, key: str, revision: int,
                wanted: str) -> None:
    """Record that the derived data ``key`` reflects ``revision`` under ``wanted``."""
    with conn.transaction():
        conn.execute(sql.SQL(
            "INSERT INTO {} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value").format(meta), (key, f"{revision}|{wanted}"))


def written_since(conn: psycopg.Connection, table: sql.Composable, columns: Sequence[str],
                  since: int, batch: int, after: int = 0) -> Iterator[list[tuple]]:
    """The ``columns`` of the records written after revision ``since``, a batch at a time.

    Parameters
    ----------
    conn : psycopg.Connection
    table : psycopg.sql.Composable
        The incidents table.
    columns : sequence of str
    since : int
        A store revision (-1: every record).
    batch : int
        Most rows per batch (read by ``fid`` order, so memory stays bounded).
    after : int
        Start after this ``fid`` (a sync resumed where it stopped).

    Yields
    ------
    list of tuple
        One tuple of ``columns`` per record.
    """
    select = sql.SQL("SELECT fid, {} FROM {} WHERE revision > %s AND fid > %s "
                     "ORDER BY fid LIMIT %s").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns), table)
    last = after
    while True:
        rows = conn.execute(select, (since, last, batch)).fetchall()
        if not rows:
            return
        last = int(rows[-1][0])
        batch_rows = [[r[1:] for r in rows]]
        del rows
        # Handed over whole: this frame keeps no reference, so the caller's ``del`` frees it.
        yield batch_rows.pop()
