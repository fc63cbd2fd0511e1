"""Helpers of the store tests that read query plans: a query ready for index-only scans,
and the statements it sends."""

from __future__ import annotations

from typing import Any

from geo.geocoding.areas import default_areas
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery


def ready_query(store: Any) -> PostGISQuery:
    """A query of the PostGIS ``store`` with its area columns and grid current, and its
    table vacuumed (so the visibility map lets an index-only scan skip the heap)."""
    import psycopg

    query = PostGISQuery(store, default_areas())
    query.sync_areas()
    refresh_grid(query)
    with psycopg.connect(store.location.rpartition("&schema=")[0], autocommit=True) as conn:
        conn.execute(f'VACUUM ANALYZE "{store.schema}".incidents')
    return query


def record_statements(query: PostGISQuery) -> tuple[list[tuple[Any, tuple]], Any]:
    """Note every statement ``query`` reads rows with, from now on.

    Returns
    -------
    tuple
        The list the (statement, parameters) pairs go to, and the original reader (assign
        it back to ``query._rows`` to stop noting).
    """
    asked: list[tuple[Any, tuple]] = []
    read = query._rows

    def noted(sql_query, params=()):  # type: ignore[no-untyped-def]
        asked.append((sql_query, tuple(params)))
        return read(sql_query, params)

    query._rows = noted  # type: ignore[method-assign]
    return asked, read
