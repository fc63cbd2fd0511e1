"""A cube of pre-aggregated figures in PostGIS, so views that hide some incidents (an
event type, a claim status, a precision, a date range) are answered without grouping
their rows.

:func:`cube_select` groups the drawn incidents by cube cell (a block of
:data:`CUBE_DIVISOR` x :data:`CUBE_DIVISOR` grid cells of :mod:`geo.store.pg_grid`,
56 px at zoom :data:`CUBE_ZOOM`), month of the start and of the end, event type, claim
status and stored location precision, with the figures of a grid row (counts, sums of
coordinates, casualty and date extremes, the box of its points). It is kept with the
grid, and updated per touched cell and month after a write
(:func:`geo.store.pg_grid.refresh_grid`).

:func:`cube_cells` answers :meth:`geo.store.pg_query.PostGISQuery.cells` at zoom
:data:`CUBE_ZOOM` and below by summing the cube rows the filters select. A date range
is exact: a cube row whose start month holds the range's last day, or whose end month
its first day, may hold incidents on both sides of the edge; unless every record of that
month is on one side (checked on the per-day counts), those incidents are read from the
rows through the date indexes and grouped with the same SQL. Distinct places cannot be
summed across months and types: an aggregate whose incidents all share one point is one
place (exact, from the box of its points); otherwise the figure is the sum of the
places of its cube rows, an upper bound, and the frame says so
(``attrs["places_upper_bound"]``).

:func:`cube_counts` and :func:`cube_timeline` answer the counts line and the timeline of
those views from the per-day counts (records per date precision, start and end day, type,
claim, precision and whether drawn): exact, without reading the records.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from psycopg import sql

from geo.store.pg_labels import common_labels
from geo.store.pg_query import Counts, PostGISQuery, cell_frame
from geo.store.query import QueryFilter, combine, where_clauses
from geo.vocab import CLAIM_STATUSES, COORD_DECIMALS, EVENT_TYPES

CUBE_ZOOM = 6
"""Zoom whose 56-px cells the cube keeps (about 137 km); views up to it are answered."""
_GRID_ZOOM = 11  # geo.store.pg_grid.GRID_ZOOM (that module imports this one)
CUBE_DIVISOR = 2 ** (_GRID_ZOOM - CUBE_ZOOM)
"""Grid cells per cube cell along each axis."""
CUBE_FILTERS = frozenset({"date", "undated", "event type", "claim status",
                          "location precision"})
"""Filters (as :func:`geo.store.query.where_clauses` names them) the cube evaluates."""
_WORLD_METRES = 40_075_016.68557849
_N_TYPES, _N_CLAIMS = len(EVENT_TYPES) + 1, len(CLAIM_STATUSES) + 1
_EPOCH = 719163  # date(1970, 1, 1).toordinal()
MONTH_SQL = ("(extract(year FROM DATE '1970-01-01' + {0}) * 12 + extract(month FROM DATE "
             "'1970-01-01' + {0}) - 1)::int")
"""SQL of the month number (``year * 12 + month - 1``) of the day column ``{0}``, stored as
days since 1970-01-01."""
#: The cube row's columns summed into display cells (after the keys).
_FIGURES = ("n", "sx", "sy", "slat", "slon", "south", "north", "west", "east", "places",
            "klo", "khi", "kn", "ilo", "ihi", "ikn", "clo", "chi", "ckn", "ds", "de",
            "prec", "unc", "fig", "first", "kop", "iop", "cop")


CUBE_FIGURES_SQL = (
    "count(*) AS n, sum(x) AS sx, sum(y) AS sy, sum(plat) AS slat, sum(plon) AS slon, "
    "min(plat) AS south, max(plat) AS north, min(plon) AS west, max(plon) AS east, "
    "count(DISTINCT pk) AS places, min(klo) AS klo, max(khi) AS khi, count(klo) AS kn, "
    "min(ilo) AS ilo, max(ihi) AS ihi, count(ilo) AS ikn, min(clo) AS clo, "
    "max(chi) AS chi, count(clo) AS ckn, min(ds) AS ds, max(de) AS de, "
    "max(ds) AS ds_max, min(de) AS de_min, max(prec) AS prec, max(unc) AS unc, "
    "sum(fig) AS fig, min(fid) AS first, min(x) AS x_min, max(x) AS x_max, "
    "min(y) AS y_min, max(y) AS y_max, sum(kop) AS kop, sum(iop) AS iop, sum(cop) AS cop")
"""The figures of a cube row over projected rows (also the fine cube's,
:mod:`geo.store.pg_fine`)."""


def cube_table(query: PostGISQuery) -> sql.Identifier:
    """The cube's table."""
    return sql.Identifier(query.store.schema, "query_cube")


def cube_select(inner: sql.Composable, size: float) -> sql.Composed:
    """Cube rows of the projected rows ``inner`` (:meth:`PostGISQuery.cell_source`),
    for grid cells of ``size`` metres."""
    return sql.SQL(
        "SELECT floor(floor(x / {size}) / {d})::bigint AS gx, "
        "floor(floor(y / {size}) / {d})::bigint AS gy, " + MONTH_SQL.format("ds") + " AS ms, "
        + MONTH_SQL.format("de") + " AS me, ev, cl, gp, " + CUBE_FIGURES_SQL
        + " FROM ({inner}) v GROUP BY 1, 2, 3, 4, 5, 6, 7"
    ).format(size=sql.Literal(size), d=sql.Literal(float(CUBE_DIVISOR)), inner=inner)


def vocabulary_codes(spec: QueryFilter) -> tuple[list[int], list[int]] | None:
    """Vocabulary indexes of the selected types and claims (None: a value outside)."""
    if any(t not in EVENT_TYPES for t in spec.event_types) or any(
            c not in CLAIM_STATUSES for c in spec.claim_statuses):
        return None
    return ([EVENT_TYPES.index(t) for t in spec.event_types],
            [CLAIM_STATUSES.index(c) for c in spec.claim_statuses])


def cube_answers(query: PostGISQuery, spec: QueryFilter) -> bool:
    """Whether the cube holds ``spec``'s filters and reflects the store. Map bounds
    around every drawn incident (the map fitted to the data) are the same filter as
    "drawn", which the cube holds."""
    from geo.store.pg_grid import grid_revision

    names = set(where_clauses(spec))
    if not names - {"map bounds"} <= CUBE_FILTERS or vocabulary_codes(spec) is None \
            or grid_revision(query) != query.store.revision():
        return False
    return "map bounds" not in names or around_everything(query, spec)


def around_everything(query: PostGISQuery, spec: QueryFilter) -> bool:
    """Whether the map bounds of ``spec`` hold every drawn incident (from the grid's
    boxes of rounded points, widened by the rounding)."""
    from geo.store.pg_grid import grid_table

    assert spec.bbox is not None
    west, south, east, north = spec.bbox
    if west > east:
        return False
    box = query.read(sql.SQL("SELECT min(south), max(north), min(west), max(east) FROM {}")
                     .format(grid_table(query)))[0]
    if box[0] is None:
        return True
    pad = 10.0 ** -COORD_DECIMALS
    return south <= float(box[0]) - pad and north >= float(box[1]) + pad \
        and west <= float(box[2]) - pad and east >= float(box[3]) + pad


def epoch_day(value: date) -> int:
    """``value`` as the cube stores days: days since 1970-01-01."""
    return value.toordinal() - _EPOCH


def month_of(value: date) -> tuple[int, date, date]:
    """The month number of ``value`` (as :data:`MONTH_SQL`), its first day and the next
    month's first day."""
    first = value.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first.year * 12 + first.month - 1, first, following


def cube_counts(query: PostGISQuery, spec: QueryFilter) -> Counts | None:
    """:meth:`PostGISQuery.counts` from the per-day counts, when the cube's filters are
    the only ones set (else None)."""
    from geo.store.pg_day_months import day_source
    from geo.store.pg_grid import dates_table

    if not cube_answers(query, spec):
        return None
    source = day_source(query, spec.date_from, spec.date_to)  # summed by month
    return counts_from(query, source or dates_table(query), day_clauses(spec))


def counts_from(query: PostGISQuery, table: sql.Composable,
                clauses: dict[str, tuple[sql.Composable, list[object]]]) -> Counts:
    """:class:`Counts` summed from a table of counted groups (``n``, ``drawn``): all, shown,
    shown on the map, and how many each filter's ``clauses`` hides."""
    shown, params = combine(clauses)
    parts: list[sql.Composable] = [
        sql.SQL("coalesce(sum(n), 0)"),
        sql.SQL("coalesce(sum(n) FILTER (WHERE {}), 0)").format(shown),
        sql.SQL("coalesce(sum(n) FILTER (WHERE {} AND drawn), 0)").format(shown)]
    args: list[object] = [*params, *params]
    for condition, p in clauses.values():
        parts.append(sql.SQL("coalesce(sum(n) FILTER (WHERE NOT ({})), 0)").format(condition))
        args.extend(p)
    row = query.read(sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(parts), table), args)[0]
    hidden = {name: int(n) for name, n in zip(clauses, row[3:], strict=True) if n}
    return Counts(int(row[0]), int(row[1]), int(row[2]), hidden)


def day_clauses(spec: QueryFilter, skip: tuple[str, ...] = ()
             ) -> dict[str, tuple[sql.Composable, list[object]]]:
    """The cube's filters over the per-day counts' columns, named as
    :func:`~geo.store.query.where_clauses` names them (the same meaning)."""
    codes = vocabulary_codes(spec)
    assert codes is not None
    out: dict[str, tuple[sql.Composable, list[object]]] = {}
    for name, clause in where_clauses(spec).items():
        if name == "event type":
            clause = (sql.SQL("ev = ANY(%s)"), [codes[0]])
        elif name == "claim status":
            clause = (sql.SQL("cl = ANY(%s)"), [codes[1]])
        elif name == "location precision":
            clause = (sql.SQL("(gp IS NULL OR gp = ANY(%s))"), clause[1])
        elif name == "map bounds":  # around every drawn incident (see cube_answers)
            clause = (sql.SQL("drawn"), [])
        if name not in skip:
            out[name] = clause  # dates: the same columns, date_start and date_end
    return out


def cube_timeline(query: PostGISQuery, spec: QueryFilter, skip: tuple[str, ...]
                  ) -> tuple[sql.Composable, list[object]] | None:
    """The condition over the per-day counts that selects ``spec``'s records but the
    filters in ``skip`` (for :meth:`PostGISQuery.timeline`); None when the cube's
    filters are not the only ones set."""
    if not cube_answers(query, spec):
        return None
    return combine(day_clauses(spec, skip))


def undecided_months(query: PostGISQuery, spec: QueryFilter) -> tuple[bool, bool]:
    """Whether the month of the range's last day holds starts on both sides of it, and
    the month of its first day ends on both sides of it (those are read from the rows)."""
    from geo.store.pg_grid import dates_table

    assert spec.date_from is not None and spec.date_to is not None
    _, t0, t1 = month_of(spec.date_to)
    _, f0, f1 = month_of(spec.date_from)
    row = query.read(sql.SQL(
        "SELECT (SELECT bool_and(date_start <= %s) OR bool_and(date_start > %s) FROM {d} "
        "WHERE date_start >= %s AND date_start < %s), (SELECT bool_and(date_end >= %s) OR "
        "bool_and(date_end < %s) FROM {d} WHERE date_end >= %s AND date_end < %s)").format(
        d=dates_table(query)),
        [spec.date_to, spec.date_to, t0, t1, spec.date_from, spec.date_from, f0, f1])[0]
    return row[0] is False, row[1] is False


def _straddles(query: PostGISQuery, window: tuple[float, float, float, float]) -> bool:
    """Whether a cube cell holds drawn incidents on both sides of the window's edge."""
    from geo.store.pg_grid import grid_table

    w0, w1, w2, w3 = window
    row = query.read(sql.SQL(
        "SELECT count(*) FROM (SELECT min(x_min) AS a, max(x_max) AS b, min(y_min) AS c, "
        "max(y_max) AS d FROM {} GROUP BY floor(gx / {k}), floor(gy / {k})) s WHERE NOT "
        "(a >= %s AND b <= %s AND c >= %s AND d <= %s) AND NOT (b < %s OR a > %s OR "
        "d < %s OR c > %s)").format(grid_table(query), k=sql.Literal(float(CUBE_DIVISOR))),
        [w0, w2, w1, w3, w0, w2, w1, w3])[0]
    return bool(row[0])


def cube_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
               window: tuple[float, float, float, float] | None, cell_pixels: int
               ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from the cube, or None when it cannot answer (a zoom
    above :data:`CUBE_ZOOM`, another cell size, a filter the cube does not hold, a cube
    cell cut by the window's edge, a cube older than the store)."""
    from geo.store.pg_grid import GRID_PIXELS, cell_metres

    if zoom > CUBE_ZOOM or cell_pixels != GRID_PIXELS or not cube_answers(query, spec):
        return None
    if window is not None and _straddles(query, window):
        return None
    codes = vocabulary_codes(spec)
    assert codes is not None
    keep: list[sql.Composable] = [sql.SQL("ev = ANY(%s) AND cl = ANY(%s) AND (gp IS NULL OR "
                                          "gp = ANY(%s))")]
    args: list[object] = [codes[0], codes[1], [int(p) for p in spec.precisions]]
    edges: list[sql.Composable] = []
    edge_args: list[object] = []
    if spec.date_from is not None and spec.date_to is not None:
        late, early = undecided_months(query, spec)
        month_t, t0, t1 = month_of(spec.date_to)
        month_f, f0, f1 = month_of(spec.date_from)
        keep.append(sql.SQL(
            "((ms IS NULL AND %s) OR (ms IS NOT NULL AND me IS NOT NULL AND NOT (%s AND "
            "ms = %s) AND NOT (%s AND me = %s) AND ds_max <= %s AND de_min >= %s))"))
        args += [spec.include_undated, late, month_t, early, month_f, epoch_day(spec.date_to),
                 epoch_day(spec.date_from)]
        if late:
            edges.append(sql.SQL("(date_start >= %s AND date_start < %s)"))
            edge_args += [t0, t1]
        if early:
            edges.append(sql.SQL("(date_end >= %s AND date_end < %s)"))
            edge_args += [f0, f1]
    elif not spec.include_undated:
        keep.append(sql.SQL("ms IS NOT NULL"))
    if window is not None:
        keep.append(sql.SQL("x_min >= %s AND x_max <= %s AND y_min >= %s AND y_max <= %s"))
        args += [window[0], window[2], window[1], window[3]]
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in ("gx", "gy", "ev", "cl",
                                                             *_FIGURES))
    source = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        columns, cube_table(query), sql.SQL(" AND ").join(keep))
    if edges:
        condition, params = combine(where_clauses(spec))
        condition = sql.SQL("{} AND ({})").format(condition, sql.SQL(" OR ").join(edges))
        inner, inner_args = query.cell_source(condition, [*params, *edge_args], window)
        source = sql.SQL("{} UNION ALL SELECT {} FROM ({}) e").format(
            source, columns, cube_select(inner, cell_metres()))
        args += inner_args
    return common_labels(query, spec, grouped_cells(query, source, args, CUBE_ZOOM, zoom),
                         window)


def cube_figures(query: PostGISQuery, spec: QueryFilter, days: int | None
                 ) -> pd.DataFrame | None:
    """:func:`geo.store.pg_totals.group_figures` by claimant and claim status with the
    vague flags (``vague_date``: dated over more than ``days`` days; ``vague_place``:
    placed at region level or vaguer), summed from the per-day counts' figure sums when
    the cube's filters are the only ones set (else None, as for a claim status outside
    the vocabulary, which the per-day counts keep only as a code)."""
    from geo.store.pg_day_months import day_source
    from geo.store.pg_grid import dates_table
    from geo.store.pg_totals import COARSE_PRECISION, coarse_clauses, figure_sums, typed_groups

    if not cube_answers(query, spec):
        return None
    (by_date, date_params), _ = coarse_clauses(days)
    source: sql.Composable | None = day_source(query, spec.date_from, spec.date_to)
    if source is None:
        source = dates_table(query)
    elif days is not None:  # month rows keep each record's span in days
        by_date, date_params = sql.SQL("(date_start IS NOT NULL AND span > %s)"), [int(days)]
    condition, params = combine(day_clauses(spec))
    sums = [sql.SQL("sum({})::bigint").format(sql.Identifier("f_" + name))
            for name, _ in figure_sums()]
    rows = query.read(sql.SQL(
        "SELECT claimant, cl, ({}), coalesce(gp, 1) >= %s, sum(n)::bigint, {} FROM {} "
        "WHERE {} GROUP BY 1, 2, 3, 4").format(by_date, sql.SQL(", ").join(sums),
                                               source, condition),
        [*date_params, COARSE_PRECISION, *params])
    if any(int(r[1]) >= len(CLAIM_STATUSES) for r in rows):
        return None
    named = [(r[0], CLAIM_STATUSES[int(r[1])], *r[2:]) for r in rows]
    return typed_groups(named, ["claimant", "claim_status"], ["vague_date", "vague_place"])

def grouped_cells(query: PostGISQuery, source: sql.Composable, args: list[object],
                  from_zoom: int, zoom: int, head: sql.Composable | None = None,
                  wide: bool = False) -> pd.DataFrame:
    """Aggregates at ``zoom`` grouped from cube-shaped rows of cells at ``from_zoom``.

    Parameters
    ----------
    query : PostGISQuery
    source : psycopg.sql.Composable
        A SELECT of rows with the cube's columns (cells, type and claim codes, figures).
    args : list
        Parameters of ``head`` then ``source``, in order.
    from_zoom, zoom : int
        Zoom of the source's cells, and of the aggregates wanted (not closer).
    head : psycopg.sql.Composable, optional
        Common table expressions ``source`` refers to, each followed by a comma.
    wide : bool
        The rows count each type and claim status in columns of their own (``t0``...,
        ``c0``..., ``ev_min``, ``ev_max``: :mod:`geo.store.pg_months`), not by code.

    Returns
    -------
    pandas.DataFrame
        As :func:`geo.store.pg_query.cell_frame`; places are an upper bound.
    """
    factor = float(2 ** (from_zoom - zoom))
    pixel = _WORLD_METRES / (256 * 2**zoom)
    if wide:
        types = [sql.SQL("sum({})").format(sql.Identifier(f"t{i}")) for i in range(_N_TYPES)]
        claims = [sql.SQL("sum({})").format(sql.Identifier(f"c{i}"))
                  for i in range(_N_CLAIMS)]
        events = sql.SQL("min(ev_min), max(ev_max)")
    else:
        types = [sql.SQL("coalesce(sum(n) FILTER (WHERE ev = {}), 0)").format(sql.Literal(i))
                 for i in range(_N_TYPES)]
        claims = [sql.SQL("coalesce(sum(n) FILTER (WHERE cl = {}), 0)").format(
            sql.Literal(i)) for i in range(_N_CLAIMS)]
        events = sql.SQL("min(ev), max(ev)")
    grouped = sql.SQL(
        "WITH {head}r AS ({source}), g AS (SELECT floor(gx / %s)::bigint AS cx, "
        "floor(gy / %s)::bigint AS cy, sum(n) AS n, sum(sx) / %s AS px, sum(sy) / %s AS py, "
        "sum(slat) / sum(n) AS lat, sum(slon) / sum(n) AS lon, min(south) AS south, "
        "max(north) AS north, min(west) AS west, max(east) AS east, CASE WHEN min(south) = "
        "max(north) AND min(west) = max(east) THEN 1 ELSE least(sum(places), sum(n)) END "
        "AS places, min(klo), max(khi), sum(kn), min(ilo), max(ihi), sum(ikn), min(clo), "
        "max(chi), sum(ckn), min(ds), max(de), {events}, max(prec), max(unc), "
        "sum(fig), sum(kop), sum(iop), sum(cop), min(first) AS first, {types}, {claims} "
        "FROM r GROUP BY 1, 2) "
        "SELECT g.*, CASE WHEN g.places = 1 THEN i.place END FROM g "
        "LEFT JOIN {table} i ON i.fid = g.first"
    ).format(head=head or sql.SQL(""), source=source, types=sql.SQL(", ").join(types),
             claims=sql.SQL(", ").join(claims), events=events,
             table=query.store.table("incidents"))
    frame = cell_frame(query.read(grouped, [*args, factor, factor, pixel, pixel]))
    frame.attrs["places_upper_bound"] = True
    return frame
