"""Facets of the store kept in PostGIS, so views with a governorate or a killed range
besides the cube's filters are answered without reading their rows.

:func:`facets_select` groups every record (drawn or not) by cube cell (zoom
:data:`~geo.store.pg_cube.CUBE_ZOOM`, ``NULL`` without coordinates), whether drawn,
governorate P-code, band of its killed low and of its killed high (:data:`KILLED_EDGES`),
whether dated, event type, claim status, stored precision and claimant, with the
figures of a cube row (for the map), the sums of the casualty figures (for the totals,
as the per-day counts keep them) and the shortest and longest span of days. It has no
months: it answers views whose date range (if any) lets every dated record through.
It is built with the grid and updated per touched cube cell in the same refresh
(:func:`facets_rebuild`, :func:`facets_update`, called by
:func:`geo.store.pg_grid.refresh_grid`; one function holds the grouping SQL).

A killed range is exact from the bands when its low is a band edge and its high is one
less than a band edge (``killed >= 10``: the records whose high is in a band from 10
up); another range is left to the rows. From the facets come the counts line
(:func:`facet_counts`), the map's aggregates to zoom
:data:`~geo.store.pg_cube.CUBE_ZOOM` (:func:`facet_cells`; places an upper bound, as
the cube's) and the totals (:func:`facet_figures`; sums add up, one claimant per row).
"""

from __future__ import annotations

from bisect import bisect_right

import pandas as pd
import psycopg
from psycopg import sql

from geo.store.pg_cube import (
    CUBE_DIVISOR,
    CUBE_FIGURES_SQL,
    CUBE_FILTERS,
    CUBE_ZOOM,
    _straddles,
    around_everything,
    counts_from,
    grouped_cells,
    vocabulary_codes,
)
from geo.store.pg_labels import common_labels
from geo.store.pg_project import PLACE_KEY_SQL, record_figures
from geo.store.pg_query import Counts, PostGISQuery
from geo.store.query import (
    DRAWN_SQL,
    Clause,
    QueryFilter,
    combine,
    where_clauses,
)
from geo.vocab import CLAIM_STATUSES

KILLED_EDGES: tuple[int, ...] = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500,
    1000, 2000, 5000, 10000)
"""Lower edges of the killed bands: band ``b`` (``width_bucket``) holds figures from
``KILLED_EDGES[b - 1]`` up to the next edge; 0 below the first, the last from the last."""
FACET_FILTERS = CUBE_FILTERS | {"governorate", "killed", "map bounds"}
"""Filters (as :func:`geo.store.query.where_clauses` names them) the facets evaluate."""
_OWN = frozenset({"governorate", "killed"})
_FIGURES = ("n", "sx", "sy", "slat", "slon", "south", "north", "west", "east", "places",
            "klo", "khi", "kn", "ilo", "ihi", "ikn", "clo", "chi", "ckn", "ds", "de",
            "prec", "unc", "fig", "first", "kop", "iop", "cop")


_FEW_KEYS = 16
"""Up to this many touched cube cells, each is read through the grid-cell index."""


def facets_table(query: PostGISQuery) -> sql.Identifier:
    """The facets' table."""
    return sql.Identifier(query.store.schema, "query_facets")


def _cell_of(column: str, size: float) -> sql.Composed:
    """A record's grid cell along one axis (the expression the cell index holds)."""
    return sql.SQL("floor({} / {})::bigint").format(sql.Identifier(column), sql.Literal(size))


def facets_select(query: PostGISQuery, condition: sql.Composable, size: float) -> sql.Composed:
    """Facet rows of the records passing ``condition`` (grid cells of ``size`` metres).

    The projected figures are :meth:`PostGISQuery.cell_source`'s
    (:func:`geo.store.pg_project.record_figures`), for every record; the map reads only
    the rows of drawn records.
    """
    from geo.store.pg_totals import figure_sums

    sums = sql.SQL(", ").join(sql.SQL("{} AS {}").format(agg, sql.Identifier("f_" + name))
                              for name, agg in figure_sums())
    edges = sql.Literal(list(KILLED_EDGES))
    inner = sql.SQL(
        "SELECT *, " + PLACE_KEY_SQL + " AS pk FROM (SELECT fid, mx AS x, my AS y, "
        "{figures}, " + DRAWN_SQL + " AS drawn, coalesce(adm1_pcode, '') AS a1, "
        "coalesce(claimant, '') AS claimant, coalesce(date_end, date_start) - date_start "
        "+ 1 AS span, killed_min, killed_max, injured_min, injured_max, casualties_min, "
        "casualties_max, deaths_civilians, killed_best FROM {table} WHERE {condition} OFFSET 0) s"
    ).format(figures=record_figures(), table=query.store.table("incidents"),
             condition=condition)
    return sql.SQL(
        "SELECT floor(floor(x / {size}) / {d})::bigint AS gx, "
        "floor(floor(y / {size}) / {d})::bigint AS gy, drawn, a1, "
        "width_bucket(klo, {edges}::int[]) AS kl, width_bucket(khi, {edges}::int[]) AS kh, "
        "ds IS NOT NULL AS dated, ev, cl, gp, claimant, " + CUBE_FIGURES_SQL
        + ", {sums}, min(span) AS smin, max(span) AS smax FROM ({inner}) v "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11"
    ).format(size=sql.Literal(size), d=sql.Literal(float(CUBE_DIVISOR)), edges=edges,
             sums=sums, inner=inner)


def facets_rebuild(query: PostGISQuery, conn: psycopg.Connection, size: float) -> None:
    """Build the facets from every record (grid cells of ``size`` metres), and the index
    that finds the records without coordinates (their facets are updated through it)."""
    table = facets_table(query)
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS incidents_no_point ON {} (fid) "
                         "WHERE mx IS NULL").format(query.store.table("incidents")))
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    conn.execute(sql.SQL("CREATE TABLE {} AS {}").format(
        table, facets_select(query, sql.SQL("TRUE"), size)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (gx, gy)").format(table))


def facets_update(query: PostGISQuery, conn: psycopg.Connection, size: float) -> None:
    """Compute again the facets of the cube cells holding the grid cells of ``_touched``
    (the keys of this refresh's transaction, see :func:`geo.store.pg_grid.refresh_grid`;
    a key without a cell stands for the records without coordinates)."""
    table, d = facets_table(query), sql.Literal(float(CUBE_DIVISOR))
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _facet_keys ON COMMIT DROP AS SELECT DISTINCT "
        "floor(gx / {d})::bigint AS fx, floor(gy / {d})::bigint AS fy FROM _touched").format(d=d))
    conn.execute("ANALYZE _facet_keys")
    conn.execute(sql.SQL("DELETE FROM {} f USING _facet_keys k WHERE f.gx IS NOT DISTINCT "
                         "FROM k.fx AND f.gy IS NOT DISTINCT FROM k.fy").format(table))
    keys = conn.execute("SELECT fx, fy FROM _facet_keys WHERE fx IS NOT NULL").fetchall()
    params: list[object] = []
    if len(keys) <= _FEW_KEYS:  # an edit: each cube cell's records through the cell index
        cells, params = _cell_ranges([(int(x), int(y)) for x, y in keys], size)
    else:  # an import over many cells: one pass over the records
        cells = sql.SQL(
            "({x}, {y}) IN (SELECT fx * {n} + i, fy * {n} + j FROM _facet_keys, "
            "generate_series(0, {last}) i, generate_series(0, {last}) j WHERE fx IS NOT NULL)"
        ).format(x=_cell_of("mx", size), y=_cell_of("my", size), n=sql.Literal(CUBE_DIVISOR),
                 last=sql.Literal(CUBE_DIVISOR - 1))
    nowhere = sql.SQL("mx IS NULL AND EXISTS (SELECT 1 FROM _facet_keys WHERE fx IS NULL)")
    # The grouping of a busy cell's records sorts in memory (the default spilled to disk),
    # for this refresh's transaction only.
    conn.execute("SET LOCAL work_mem = '64MB'")
    for condition, args in ((cells, params), (nowhere, None)):
        conn.execute(sql.SQL("INSERT INTO {} {}").format(
            table, facets_select(query, condition, size)), args)


def _cell_ranges(keys: list[tuple[int, int]], size: float
                 ) -> tuple[sql.Composable, list[object]]:
    """The records of the cube cells ``keys`` as ranges of the grid-cell index's
    expressions (the index answers them; a list of every grid cell did not use it), and
    their parameters (so that edits ask the same statement, not one text per cell)."""
    if not keys:
        return sql.SQL("FALSE"), []
    x, y, n = _cell_of("mx", size), _cell_of("my", size), CUBE_DIVISOR
    one = sql.SQL("({x} BETWEEN %s AND %s AND {y} BETWEEN %s AND %s)").format(x=x, y=y)
    params: list[object] = []
    for fx, fy in keys:
        params += [fx * n, fx * n + n - 1, fy * n, fy * n + n - 1]
    return sql.SQL(" OR ").join([one] * len(keys)), params


def covers_every_date(query: PostGISQuery, spec: QueryFilter) -> bool:
    from geo.store.pg_fine import covers_every_date as covers

    return covers(query, spec)


def _killed_clause(spec: QueryFilter) -> Clause | None:
    """The killed range over the bands (None: an edge of it inside a band)."""
    low, high = spec.killed
    parts: list[sql.Composable] = [sql.SQL("kl IS NOT NULL")]
    params: list[object] = []
    if low is not None:
        if int(low) not in KILLED_EDGES:
            return None
        parts.append(sql.SQL("kh >= %s"))  # high >= low: a band from low's up
        params.append(bisect_right(KILLED_EDGES, int(low)))
    if high is not None:
        if int(high) + 1 not in KILLED_EDGES:
            return None
        parts.append(sql.SQL("kl < %s"))  # low <= high: a band below high + 1's
        params.append(bisect_right(KILLED_EDGES, int(high) + 1))
    return sql.SQL(" AND ").join(parts), params


def _clauses(query: PostGISQuery, spec: QueryFilter) -> dict[str, Clause] | None:
    """``spec``'s filters over the facets' columns, named and ordered as
    :func:`geo.store.query.where_clauses` names them; None when the facets cannot give
    the rows' answer (a filter they do not hold, a date cut, a killed range between band
    edges, facets older than the store) or the cube already does (no governorate and no
    killed range)."""
    from geo.store.pg_grid import grid_revision

    named = where_clauses(spec)
    if not set(named) <= FACET_FILTERS or not set(named) & _OWN:
        return None
    codes = vocabulary_codes(spec)
    if codes is None or grid_revision(query) != query.store.revision():
        return None
    if "map bounds" in named and not around_everything(query, spec):
        return None
    if not covers_every_date(query, spec):
        return None
    out: dict[str, Clause] = {}
    for name, clause in named.items():
        if name == "date":
            out[name] = (sql.SQL("TRUE"), [])  # around every dated record
        elif name == "undated":
            out[name] = (sql.SQL("dated"), [])
        elif name == "event type":
            out[name] = (sql.SQL("ev = ANY(%s)"), [codes[0]])
        elif name == "claim status":
            out[name] = (sql.SQL("cl = ANY(%s)"), [codes[1]])
        elif name == "location precision":
            out[name] = (sql.SQL("(gp IS NULL OR gp = ANY(%s))"), clause[1])
        elif name == "governorate":
            out[name] = (sql.SQL("a1 = ANY(%s)"), [list(spec.admin1)])
        elif name == "map bounds":  # around every drawn incident (checked above)
            out[name] = (sql.SQL("drawn"), [])
        else:
            killed = _killed_clause(spec)
            if killed is None:
                return None
            out[name] = killed
    return out


def facet_counts(query: PostGISQuery, spec: QueryFilter) -> Counts | None:
    """:meth:`PostGISQuery.counts` from the facets (None when they cannot answer)."""
    clauses = _clauses(query, spec)
    if clauses is None:
        return None
    return counts_from(query, facets_table(query), clauses)


def facet_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
                window: tuple[float, float, float, float] | None, cell_pixels: int
                ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from the facets, or None when they cannot answer (a
    zoom above :data:`~geo.store.pg_cube.CUBE_ZOOM`, another cell size, a cube cell cut
    by the window's edge, a view :func:`_clauses` refuses)."""
    from geo.store.pg_grid import GRID_PIXELS

    if zoom > CUBE_ZOOM or cell_pixels != GRID_PIXELS:
        return None
    clauses = _clauses(query, spec)
    if clauses is None or (window is not None and _straddles(query, window)):
        return None
    condition, args = combine(clauses)
    keep = sql.SQL("drawn AND {}").format(condition)
    if window is not None:
        keep = sql.SQL("{} AND x_min >= %s AND x_max <= %s AND y_min >= %s AND "
                       "y_max <= %s").format(keep)
        args = [*args, window[0], window[2], window[1], window[3]]
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in ("gx", "gy", "ev", "cl",
                                                             *_FIGURES))
    source = sql.SQL("SELECT {} FROM {} WHERE {}").format(columns, facets_table(query), keep)
    return common_labels(query, spec, grouped_cells(query, source, list(args), CUBE_ZOOM,
                                                    zoom), window)


def facet_figures(query: PostGISQuery, spec: QueryFilter, days: int | None
                  ) -> pd.DataFrame | None:
    """:func:`geo.store.pg_cube.cube_figures` from the facets' figure sums (None when
    they cannot answer, or a facet row holds records on both sides of ``days``, the
    span that makes a record vague by its dates)."""
    from geo.store.pg_totals import COARSE_PRECISION, figure_sums, typed_groups

    clauses = _clauses(query, spec)
    if clauses is None:
        return None
    condition, params = combine(clauses)
    sums = [sql.SQL("sum({})::bigint").format(sql.Identifier("f_" + name))
            for name, _ in figure_sums()]
    vague: sql.Composable = sql.SQL("FALSE")
    vague_args: list[object] = []
    if days is not None:
        vague, vague_args = sql.SQL("coalesce(smin > %s, false)"), [int(days)]
    rows = query.read(sql.SQL(
        "SELECT claimant, cl, {}, coalesce(gp, 1) >= %s, sum(n)::bigint, {}, "
        "bool_or(smin <= %s AND smax > %s) FROM {} WHERE {} GROUP BY 1, 2, 3, 4").format(
        vague, sql.SQL(", ").join(sums), facets_table(query), condition),
        [*vague_args, COARSE_PRECISION, days if days is not None else 0,
         days if days is not None else 2**31 - 1, *params])
    if any(r[-1] for r in rows) or any(int(r[1]) >= len(CLAIM_STATUSES) for r in rows):
        return None
    named = [(r[0], CLAIM_STATUSES[int(r[1])], *r[2:-1]) for r in rows]
    return typed_groups(named, ["claimant", "claim_status"], ["vague_date", "vague_place"])
