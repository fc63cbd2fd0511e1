"""The records of a view read from PostGIS a batch at a time, in the export's order.

:func:`view_batches` reads the records a :class:`~geo.store.query.QueryFilter` lets
through with a server-side cursor, :data:`BATCH` rows per fetch, ordered as the frame
export orders them (start date, undated last, then id), so the app never holds more
than one batch of rows while a file is written. :func:`record_batches` reads every
record by id the same way (the data fingerprint of store mode).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.schema import INCIDENT_COLUMNS
from geo.store.query import QueryFilter, combine, where_clauses
from geo.store.records import rows_to_frame

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery
    from geo.store.postgis import PostGISStore

#: Rows fetched from the server at a time.
BATCH = 10_000


def view_batches(query: PostGISQuery, spec: QueryFilter, batch: int = BATCH
                 ) -> Iterator[pd.DataFrame]:
    """The records ``spec`` lets through, as typed frames of at most ``batch`` rows.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    batch : int

    Yields
    ------
    pandas.DataFrame
        :data:`geo.schema.INCIDENT_COLUMNS`, by start date (undated last), then id.
    """
    condition, params = combine(where_clauses(spec))
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in INCIDENT_COLUMNS)
    select = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY date_start NULLS LAST, "
                     "id COLLATE \"C\"").format(columns, query.store.table("incidents"),
                                                condition)
    conn = query.store.connection()
    with conn.transaction(), conn.cursor(name=f"export_{uuid.uuid4().hex[:8]}") as cursor:
        cursor.itersize = batch
        cursor.execute(select, tuple(params))
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield rows_to_frame(rows)


def record_batches(store: PostGISStore, batch: int = BATCH) -> Iterator[pd.DataFrame]:
    """Every record of the store, as typed frames of at most ``batch`` rows, by id.

    Ids are ordered by their characters' code points (``COLLATE "C"``), as
    :func:`geo.geocoding.join.fingerprint_of` orders them.

    Yields
    ------
    pandas.DataFrame
        :data:`geo.schema.INCIDENT_COLUMNS`.
    """
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in INCIDENT_COLUMNS)
    select = sql.SQL('SELECT {} FROM {} ORDER BY id COLLATE "C"').format(
        columns, store.table("incidents"))
    conn = store.connection()
    with conn.transaction(), conn.cursor(name=f"records_{uuid.uuid4().hex[:8]}") as cursor:
        cursor.itersize = batch
        cursor.execute(select)
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield rows_to_frame(rows)


def filled_columns(store: PostGISStore, names: Sequence[str]) -> set[str]:
    """Which of the columns ``names`` some record of the store fills (not null, not empty)."""
    if not names:
        return set()
    tests = sql.SQL(", ").join(
        sql.SQL("coalesce(bool_or({c} IS NOT NULL AND {c}::text <> ''), false)").format(
            c=sql.Identifier(name)) for name in names)
    (row,) = store.connection().execute(
        sql.SQL("SELECT {} FROM {}").format(tests, store.table("incidents"))).fetchall()
    return {name for name, filled in zip(names, row, strict=True) if filled}
