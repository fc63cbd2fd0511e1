"""The table page of a view whose date range cuts the store, read along the table
order's index instead of sorting the view's rows.

A record passes a date range ``[from, to]`` when it starts on or before ``to`` and
ends on or after ``from`` (or is undated). The earliest start such a record may have is
known from the per-day counts kept with the grid (:func:`geo.store.pg_grid.dates_table`:
every record's start and end day): ``lo = min(date_start) where date_end >= from and
date_start <= to``. So the dated records of the view all lie between ``lo`` and ``to``
on the index ``(date_start, date_end, id)``: walking that stretch in order meets them in
the table's order, and the undated ones (last in the table's order) are walked
separately. Adding ``date_start BETWEEN lo AND to`` changes no answer (every passing
record meets it); it only lets the walk start at ``lo`` instead of the first record.

The walk is chosen when the view's records are at least a tenth of that stretch (the
first pages are met early), or when the page asked is expected within the first
:data:`WALK_ROWS` records of the walk (a governorate keeping 7% of the store: its first
page is met after about 1,400 records); otherwise the rows are sorted, as before.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from psycopg import sql

from geo.schema import INCIDENT_COLUMNS
from geo.store.pg_query import PostGISQuery
from geo.store.postgis import record_columns
from geo.store.query import QueryFilter, combine, where_clauses
from geo.store.records import rows_to_frame

DENSITY = 10
"""The walk is taken when the view keeps at least 1/DENSITY of the records it crosses."""
WALK_ROWS = 20_000
"""Or when the page's last row is expected within this many records of the walk."""


def worth_walking(shown: int, crossed: int, through: int) -> bool:
    """Whether walking the table order's index is the better plan for a page ending at
    row ``through`` of a view of ``shown`` records met among ``crossed`` (uniformly)."""
    return int(shown) * DENSITY >= int(crossed) or (
        int(shown) > 0 and int(through) * int(crossed) <= WALK_ROWS * int(shown))


def range_walk(query: PostGISQuery, spec: QueryFilter, shown: int, through: int = 0
               ) -> date | None:
    """The earliest start of a record ``spec``'s date range lets through, when walking
    from it is the better plan; None otherwise (no date range, the grid's per-day counts
    older than the store, no dated record in the range, too few of the crossed records
    in the view for a page ending at row ``through``: :func:`worth_walking`)."""
    from geo.store.pg_grid import dates_table, grid_revision

    if spec.date_from is None or spec.date_to is None \
            or grid_revision(query) != query.store.revision():
        return None
    dates = dates_table(query)
    row = query.read(sql.SQL(
        "WITH b AS (SELECT min(date_start) AS lo FROM {d} WHERE date_end >= %s AND "
        "date_start <= %s) SELECT b.lo, (SELECT coalesce(sum(n), 0) FROM {d} WHERE "
        "date_start >= b.lo AND date_start <= %s) FROM b").format(d=dates),
        [spec.date_from, spec.date_to, spec.date_to])[0]
    if row[0] is None or not worth_walking(shown, int(row[1]), through):
        return None
    return row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))


def range_page(query: PostGISQuery, spec: QueryFilter, lo: date, page: int, size: int
               ) -> pd.DataFrame:
    """Page ``page`` (1-based, ``size`` rows) of ``spec``'s records in the table's order
    (date, end, id), walking the index from ``lo`` (:func:`range_walk`)."""
    assert spec.date_to is not None
    condition, params = combine(where_clauses(spec))
    offset = (max(int(page), 1) - 1) * int(size)
    first = offset + int(size)
    # the stored columns, not the output's text dates: the index's order
    order = sql.SQL('ORDER BY r.date_start, r.date_end, r.id COLLATE "C"')
    hidden = sql.SQL("r.date_start AS _s, r.date_end AS _e, r.id AS _i")
    table = query.store.table("incidents")
    dated = sql.SQL(
        "(SELECT {cols}, {hidden} FROM {t} AS r WHERE r.date_start >= %s AND r.date_start <= %s "
        "AND ({c}) {order} LIMIT {n})").format(cols=record_columns(), hidden=hidden, t=table,
                                              c=condition, order=order, n=sql.Literal(first))
    undated = sql.SQL(
        "(SELECT {cols}, {hidden} FROM {t} AS r WHERE r.date_start IS NULL AND ({c}) {order} "
        "LIMIT {n})").format(cols=record_columns(), hidden=hidden, t=table, c=condition,
                             order=order, n=sql.Literal(first))
    outer = sql.SQL(
        'SELECT {cols} FROM ({dated} UNION ALL {undated}) u ORDER BY _s, _e, _i COLLATE "C" '
        "LIMIT {size} OFFSET {offset}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in INCIDENT_COLUMNS), dated=dated,
        undated=undated, size=sql.Literal(int(size)), offset=sql.Literal(offset))
    rows = query.read(outer, [lo, spec.date_to, *params, *params])
    return rows_to_frame(rows)
