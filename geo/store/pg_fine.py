"""A finer cube in PostGIS for region views (zooms 7-9) with no date cut, so views that
hide an event type, a claim status or a precision there are answered without grouping
their rows.

:func:`fine_select` groups the drawn incidents by fine cell (a block of
:data:`FINE_DIVISOR` x :data:`FINE_DIVISOR` grid cells of :mod:`geo.store.pg_grid`,
56 px at zoom :data:`FINE_ZOOM`), whether dated, event type, claim status and stored
location precision, with the figures of a cube row (:mod:`geo.store.pg_cube`). It has
no months: it answers only views whose date range lets every dated record through (the
store's latest start and earliest end, from the grid's figures). It is built with the
grid and updated per touched fine cell after a write (:func:`fine_rebuild`,
:func:`fine_update`, called by :func:`geo.store.pg_grid.refresh_grid`).

:func:`fine_cells` answers :meth:`geo.store.pg_query.PostGISQuery.cells` at zoom
:data:`FINE_ZOOM` and below by summing the fine rows the filters select. A fine cell
cut by the window's edge is read from the rows (those of its grid cells that meet the
window) and grouped with the same SQL, so the answer is the rows' answer but for the
places: as in the cube, an aggregate of one point is one place (exact), otherwise the
sum of its rows' places (an upper bound, ``attrs["places_upper_bound"]``).
"""

from __future__ import annotations

import pandas as pd
import psycopg
from psycopg import sql

from geo.store.pg_cube import CUBE_FIGURES_SQL, cube_answers, grouped_cells, vocabulary_codes
from geo.store.pg_labels import common_labels
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter, combine, where_clauses

FINE_ZOOM = 9
"""Zoom whose 56-px cells the fine cube keeps (about 17 km); views up to it are answered."""
_GRID_ZOOM = 11  # geo.store.pg_grid.GRID_ZOOM (that module imports this one)
FINE_DIVISOR = 2 ** (_GRID_ZOOM - FINE_ZOOM)
"""Grid cells per fine cell along each axis."""
_EPOCH = 719163  # date(1970, 1, 1).toordinal()
#: The fine row's columns summed into display cells (after the keys).
_FIGURES = ("n", "sx", "sy", "slat", "slon", "south", "north", "west", "east", "places",
            "klo", "khi", "kn", "ilo", "ihi", "ikn", "clo", "chi", "ckn", "ds", "de",
            "prec", "unc", "fig", "first", "kop", "iop", "cop")


def fine_table(query: PostGISQuery) -> sql.Identifier:
    """The fine cube's table."""
    return sql.Identifier(query.store.schema, "query_fine")


def fine_select(inner: sql.Composable, size: float) -> sql.Composed:
    """Fine rows of the projected rows ``inner`` (:meth:`PostGISQuery.cell_source`), for
    grid cells of ``size`` metres."""
    return sql.SQL(
        "SELECT floor(floor(x / {size}) / {d})::bigint AS gx, "
        "floor(floor(y / {size}) / {d})::bigint AS gy, ds IS NOT NULL AS dated, ev, cl, gp, "
        + CUBE_FIGURES_SQL + " FROM ({inner}) v GROUP BY 1, 2, 3, 4, 5, 6"
    ).format(size=sql.Literal(size), d=sql.Literal(float(FINE_DIVISOR)), inner=inner)


def _cell_of(column: str, size: float) -> sql.Composed:
    """A record's grid cell along one axis (the expression the cell index holds)."""
    return sql.SQL("floor({} / {})::bigint").format(sql.Identifier(column), sql.Literal(size))


def fine_rebuild(query: PostGISQuery, conn: psycopg.Connection, size: float) -> None:
    """Build the fine cube from every record (grid cells of ``size`` metres)."""
    inner, _ = query.cell_source(sql.SQL("TRUE"), [], None)
    table = fine_table(query)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    conn.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, fine_select(inner, size)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (gx, gy)").format(table))


def fine_update(query: PostGISQuery, conn: psycopg.Connection, size: float) -> None:
    """Compute again the fine cells holding the grid cells of ``_touched`` (the keys of
    this refresh's transaction, see :func:`geo.store.pg_grid.refresh_grid`)."""
    table, d = fine_table(query), sql.Literal(float(FINE_DIVISOR))
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _fine_keys ON COMMIT DROP AS SELECT DISTINCT floor(gx / {d})::bigint"
        " AS fx, floor(gy / {d})::bigint AS fy FROM _touched WHERE gx IS NOT NULL").format(d=d))
    conn.execute("ANALYZE _fine_keys")
    conn.execute(sql.SQL("DELETE FROM {} f USING _fine_keys k WHERE f.gx = k.fx AND "
                         "f.gy = k.fy").format(table))
    # The grid cells of those fine cells, so the cell index finds their records.
    cells = sql.SQL(
        "({x}, {y}) IN (SELECT fx * {d} + i, fy * {d} + j FROM _fine_keys, "
        "generate_series(0, {last}) i, generate_series(0, {last}) j)").format(
        x=_cell_of("mx", size), y=_cell_of("my", size), d=sql.Literal(FINE_DIVISOR),
        last=sql.Literal(FINE_DIVISOR - 1))
    inner, _ = query.cell_source(cells, [], None)
    conn.execute(sql.SQL("INSERT INTO {} {}").format(table, fine_select(inner, size)))


def covers_every_date(query: PostGISQuery, spec: QueryFilter) -> bool:
    """Whether ``spec``'s date range (if any) lets every dated record through (no record
    open-ended, the range around the store's latest start and earliest end)."""
    from geo.store.pg_grid import store_facts

    if "date" not in where_clauses(spec):
        return True
    facts = store_facts(query)
    if facts is None:
        return False
    open_end, ds_max, de_min = facts[-5], facts[-4], facts[-3]
    if ds_max is None:
        return True  # nothing dated
    assert spec.date_from is not None and spec.date_to is not None
    return not int(open_end or 0) and spec.date_to.toordinal() - _EPOCH >= int(ds_max) \
        and spec.date_from.toordinal() - _EPOCH <= int(de_min)


def fine_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
               window: tuple[float, float, float, float] | None, cell_pixels: int
               ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from the fine cube, or None when it cannot answer (a
    zoom above :data:`FINE_ZOOM`, another cell size, a filter it does not hold, a date
    range cutting the store, a fine cube older than the store)."""
    from geo.store.pg_grid import GRID_PIXELS, cell_metres

    if zoom > FINE_ZOOM or cell_pixels != GRID_PIXELS or not cube_answers(query, spec) \
            or not covers_every_date(query, spec):
        return None
    found = vocabulary_codes(spec)
    assert found is not None
    keep: list[sql.Composable] = [sql.SQL("ev = ANY(%s) AND cl = ANY(%s) AND (gp IS NULL OR "
                                          "gp = ANY(%s))")]
    args: list[object] = [found[0], found[1], [int(p) for p in spec.precisions]]
    if not spec.include_undated:
        keep.append(sql.SQL("dated"))
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in ("gx", "gy", "ev", "cl",
                                                             *_FIGURES))
    head: sql.Composable = sql.SQL("")
    head_args: list[object] = []
    source: sql.Composable = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        columns, fine_table(query), sql.SQL(" AND ").join(keep))
    if window is not None:
        w0, w1, w2, w3 = window
        head, head_args = edge_cells(query, window, FINE_DIVISOR)
        source = sql.SQL(
            "{} AND x_min >= %s AND x_max <= %s AND y_min >= %s AND y_max <= %s AND "
            "(gx, gy) NOT IN (SELECT fx, fy FROM edge)").format(source)
        args += [w0, w2, w1, w3]
        size = cell_metres()
        condition, params = combine(where_clauses(spec))
        condition = sql.SQL("{} AND ({}, {}) IN (SELECT gx, gy FROM edge)").format(
            condition, _cell_of("mx", size), _cell_of("my", size))
        inner, inner_args = query.cell_source(condition, list(params), window)
        source = sql.SQL("{} UNION ALL SELECT {} FROM ({}) e").format(
            source, columns, fine_select(inner, size))
        args += inner_args
    return common_labels(query, spec, grouped_cells(
        query, source, [*head_args, *args], FINE_ZOOM, zoom, head), window)


def stored_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
                 window: tuple[float, float, float, float] | None, cell_pixels: int
                 ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from what the store keeps: the grid (views hiding
    nothing), the cube (by month, to zoom 6), the fine cube (no date cut, to zoom
    :data:`FINE_ZOOM`), the month cells (a date cut only, to zoom 9:
    :mod:`geo.store.pg_months`), the facets (a governorate or killed range, no date cut, to
    zoom 6: :mod:`geo.store.pg_facets`); None when none of them gives the rows' answer."""
    from geo.store.pg_cube import cube_cells
    from geo.store.pg_facets import facet_cells
    from geo.store.pg_grid import grid_cells
    from geo.store.pg_months import months_cells

    for cells in (grid_cells, cube_cells, fine_cells, months_cells, facet_cells):
        found = cells(query, spec, zoom, window, cell_pixels)
        if found is not None:
            return found
    return None


def edge_cells(query: PostGISQuery, window: tuple[float, float, float, float],
               divisor: int) -> tuple[sql.Composable, list[object]]:
    """The ``edge`` common table expression of a window cutting coarse cells.

    Coarse cells (``divisor`` x ``divisor`` grid cells) with drawn incidents on both
    sides of the window's edge, and the grid cells of theirs that meet the window:
    those are read from the rows.

    Parameters
    ----------
    query : PostGISQuery
    window : tuple of float
        Web Mercator bounds (x0, y0, x1, y1).
    divisor : int
        Grid cells per coarse cell along each axis.

    Returns
    -------
    tuple
        The expression (``edge AS MATERIALIZED (...), ``: gx, gy, fx, fy) and its
        parameters.
    """
    from geo.store.pg_grid import grid_table  # (that module imports this one)

    w0, w1, w2, w3 = window
    head = sql.SQL(
        "edge AS MATERIALIZED (SELECT gx, gy, floor(gx / {d})::bigint AS fx, "
        "floor(gy / {d})::bigint AS fy FROM {grid} WHERE NOT (x_max < %s OR x_min > %s "
        "OR y_max < %s OR y_min > %s) AND (floor(gx / {d}), floor(gy / {d})) IN (SELECT "
        "fx, fy FROM (SELECT floor(gx / {d}) AS fx, floor(gy / {d}) AS fy, "
        "min(x_min) AS a, max(x_max) AS b, min(y_min) AS c, max(y_max) AS e FROM {grid} "
        "GROUP BY 1, 2) s WHERE NOT (a >= %s AND b <= %s AND c >= %s AND e <= %s) AND "
        "NOT (b < %s OR a > %s OR e < %s OR c > %s))), ").format(
        d=sql.Literal(float(divisor)), grid=grid_table(query))
    return head, [w0, w2, w1, w3, w0, w2, w1, w3, w0, w2, w1, w3]
