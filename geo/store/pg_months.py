"""Month cells in PostGIS for region views (zooms 7-9) with a date cut, so such a view
is answered from whole months instead of grouping every incident of the range.

:func:`months_select` groups the drawn incidents by month cell: a fine cell (a block of
:data:`MONTHS_DIVISOR` x :data:`MONTHS_DIVISOR` grid cells of :mod:`geo.store.pg_grid`,
56 px at zoom :data:`MONTHS_ZOOM`), month of the start and month of the end, with the
figures of a grid row (counts per event type, claim status and precision as columns,
not as keys: keyed by them as the cube is, the table would hold about as many rows as
the store). It is kept with the grid: built whole, updated per touched fine cell and
start month after a correction, merged with an import's new records
(:func:`geo.store.pg_grid.refresh_grid`).

:func:`months_cells` answers :meth:`geo.store.pg_query.PostGISQuery.cells` at zoom
:data:`MONTHS_ZOOM` and below for views whose only cut is the date range (every event
type, claim status and precision present selected, no area or figure filter, checked
on the grid's figures of every record). As in the cube (:mod:`geo.store.pg_cube`), a
row whose start month holds the range's last day, or whose end month its first day, may
hold incidents on both sides of the edge; unless every record of that month is on one
side (the per-day counts say), those incidents are read from the rows through the date
indexes. As in the fine cube (:mod:`geo.store.pg_fine`), a fine cell cut by the
window's edge is read from the rows (its grid cells meeting the window). Both are
grouped with the same SQL as the kept rows, so the answer is the rows' answer but for
the places of an aggregate of more than one point: the sum of its rows' places, an
upper bound (``attrs["places_upper_bound"]``).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import psycopg
from psycopg import sql

from geo.store.pg_cube import (
    MONTH_SQL,
    epoch_day,
    grouped_cells,
    month_of,
    undecided_months,
)
from geo.store.pg_fine import edge_cells
from geo.store.pg_grid import (
    GRID_PIXELS,
    _passes_everything,
    cell_metres,
    grid_select,
    store_facts,
)
from geo.store.pg_labels import common_labels
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter, combine, where_clauses

MONTHS_ZOOM = 9
"""Zoom whose 56-px cells the month cells keep (about 17 km); views up to it are answered."""
_GRID_ZOOM = 11  # geo.store.pg_grid.GRID_ZOOM
MONTHS_DIVISOR = 2 ** (_GRID_ZOOM - MONTHS_ZOOM)
"""Grid cells per month cell along each axis."""
MIN_MONTHS = 2
"""Months from the range's first to its last month below which the rows are read instead
(a range inside one month or two adjacent ones: the edge months, read from the rows, hold
every record of the range and more; at 1,000,000 records a cut of 11 days at zoom 9 took
0.7-1.0 s from the rows and 1.9-2.3 s this way)."""


def months_table(query: PostGISQuery) -> sql.Identifier:
    """The month cells' table."""
    return sql.Identifier(query.store.schema, "query_months")


def months_select(inner: sql.Composable, size: float) -> sql.Composed:
    """Month-cell rows of the projected rows ``inner`` (:meth:`PostGISQuery.cell_source`),
    for grid cells of ``size`` metres: keys ``gx``, ``gy`` (the fine cell), ``ms``,
    ``me`` (months of the start and end), then a grid row's figures."""
    return grid_select(inner, size, MONTHS_DIVISOR, (
        sql.SQL(MONTH_SQL.format("ds") + " AS ms"), sql.SQL(MONTH_SQL.format("de") + " AS me")))


def months_rebuild(query: PostGISQuery, conn: psycopg.Connection, size: float) -> None:
    """Build the month cells from every record (grid cells of ``size`` metres)."""
    inner, _ = query.cell_source(sql.SQL("TRUE"), [], None)
    table = months_table(query)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    conn.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, months_select(inner, size)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (gx, gy, ms)").format(table))


def _cut_only_by_dates(query: PostGISQuery, spec: QueryFilter) -> bool:
    """Whether ``spec`` has a date range and lets every record through but for it (and
    for the undated records), from the current grid's figures of every record."""
    if spec.date_from is None or spec.date_to is None or "date" not in where_clauses(spec):
        return False
    facts = store_facts(query)
    if facts is None:
        return False
    undated = replace(spec, date_from=None, date_to=None, include_undated=True)
    return _passes_everything(undated, tuple(facts[:-2]), (1, 2, 3, 4))


def months_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
                 window: tuple[float, float, float, float] | None, cell_pixels: int
                 ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from the month cells, or None when they cannot answer
    (a zoom above :data:`MONTHS_ZOOM`, another cell size, no date range, a filter
    other than the dates hiding a record, month cells older than the store) or would
    read more rows than the rows' path (a range of fewer than :data:`MIN_MONTHS` months)."""
    if zoom > MONTHS_ZOOM or cell_pixels != GRID_PIXELS or not _cut_only_by_dates(query, spec):
        return None
    assert spec.date_from is not None and spec.date_to is not None
    month_t, t0, t1 = month_of(spec.date_to)
    month_f, f0, f1 = month_of(spec.date_from)
    if month_t - month_f < MIN_MONTHS:
        return None  # its edge months would be read whole: more rows than the range's
    late, early = undecided_months(query, spec)
    keep: sql.Composable = sql.SQL(
        "((ms IS NULL AND %s) OR (ms IS NOT NULL AND me IS NOT NULL AND NOT (%s AND ms = %s) "
        "AND NOT (%s AND me = %s) AND ds_max <= %s AND de_min >= %s))")
    args: list[object] = [spec.include_undated, late, month_t, early, month_f,
                          epoch_day(spec.date_to), epoch_day(spec.date_from)]
    # The records read from the rows: each part's own condition (a range of one date
    # index, or the edge cells) and not the earlier parts', read once each.
    read: list[tuple[sql.Composable, list[object]]] = []
    if late:
        read.append((sql.SQL("date_start >= %s AND date_start < %s"), [t0, t1]))
    if early:
        read.append((sql.SQL("date_end >= %s AND date_end < %s"), [f0, f1]))
    head: sql.Composable = sql.SQL("")
    head_args: list[object] = []
    size = cell_metres()
    if window is not None:
        w0, w1, w2, w3 = window
        head, head_args = edge_cells(query, window, MONTHS_DIVISOR)
        # (the cells' range, one cell wider, only lets the index narrow the read)
        fine = size * MONTHS_DIVISOR
        keep = sql.SQL(
            "{} AND gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s AND x_min >= %s AND "
            "x_max <= %s AND y_min >= %s AND y_max <= %s AND (gx, gy) NOT IN (SELECT fx, fy "
            "FROM edge)").format(keep)
        args += [math.floor(w0 / fine) - 1, math.floor(w2 / fine) + 1,
                 math.floor(w1 / fine) - 1, math.floor(w3 / fine) + 1, w0, w2, w1, w3]
        read.append((sql.SQL("({}, {}) IN (SELECT gx, gy FROM edge)").format(
            _cell_of("mx", size), _cell_of("my", size)), []))
    source: sql.Composable = sql.SQL("SELECT * FROM {} WHERE {}").format(
        months_table(query), keep)
    if read:
        condition, params = combine(where_clauses(spec))
        parts: list[sql.Composable] = []
        for k, (part, part_args) in enumerate(read):
            earlier = [sql.SQL("NOT coalesce({}, false)").format(c) for c, _ in read[:k]]
            inner, inner_args = query.cell_source(
                sql.SQL(" AND ").join([part, *earlier, condition]),
                [*part_args, *(a for _, e in read[:k] for a in e), *params], window)
            parts.append(inner)
            args += inner_args
        source = sql.SQL("{} UNION ALL {}").format(
            source, months_select(sql.SQL(" UNION ALL ").join(parts), size))
    cells = grouped_cells(query, source, [*head_args, *args], MONTHS_ZOOM, zoom, head,
                          wide=True)
    return common_labels(query, spec, cells, window)


def _cell_of(column: str, size: float) -> sql.Composed:
    """A record's grid cell along one axis (the expression the cell index holds)."""
    return sql.SQL("floor({} / {})::bigint").format(sql.Identifier(column), sql.Literal(size))
