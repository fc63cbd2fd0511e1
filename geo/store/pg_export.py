"""The records of a view read from PostGIS a batch at a time, in the export's order.

:func:`view_batches` reads the records a :class:`~geo.store.query.QueryFilter` lets
through with a server-side cursor, :data:`BATCH` rows per fetch, ordered as the frame
export orders them (start date, undated last, then id), so the app never holds more
than one batch of rows while a file is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.schema import INCIDENT_COLUMNS
from geo.store.query import QueryFilter, combine, where_clauses
from geo.store.records import rows_to_frame

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

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
