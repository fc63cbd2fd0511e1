"""A grid of screen cells kept in PostGIS, so country and region views group cells,
not every incident.

:func:`refresh_grid` groups the drawn incidents of the store into cells of
:data:`GRID_PIXELS` screen pixels at zoom :data:`GRID_ZOOM` (one row per cell with
what :meth:`geo.store.pg_query.PostGISQuery.cells` needs: counts, sums of the
coordinates, casualty extremes, dates, counts per event type, claim status and
location precision, and the box of its points) and records the store revision it
reflects, with the count of dated records per date precision, start and end (what
the timeline of a view hiding nothing reads) and figures of every record (what
:func:`passes_every_record` checks a view against). A cell at a coarser zoom is
exactly a block of ``2**k x 2**k`` grid cells (cells halve in size per zoom level),
so :func:`grid_cells` answers any zoom up to :data:`GRID_MAX_ZOOM` by grouping a few
thousand grid rows instead of a million incidents, with the same figures.

It answers only when that is exact: the grid is current (its revision is the store's),
the view's filters let every drawn incident through (checked against the grid's own
counts: every event type, claim status and precision present selected, the dates
covering every dated incident, no area, casualty, violence or drawn-area filter), and
no grid cell straddles the edge of the view's window. Otherwise the caller groups the
rows (``None``). Places are counted per grid cell and summed: a place whose records
fall into two grid cells (points within a metre of a cell edge that round to the same
place) would count twice; the row path counts it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import psycopg
from psycopg import sql

from geo.store.pg_day_months import META_FLAG as DAY_MONTHS
from geo.store.pg_day_months import refresh_day_months
from geo.store.pg_labels import common_labels
from geo.store.pg_merge import KEYS, at_new_places, merge_rows, take_new
from geo.store.pg_project import index_sql
from geo.store.pg_query import PostGISQuery, cell_frame
from geo.store.pg_totals import figure_sums
from geo.store.query import DRAWN_SQL, QueryFilter, combine, where_clauses
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES

GRID_ZOOM = 11
"""Zoom level of the grid's cells (56 px there is about 4 km)."""
GRID_PIXELS = 56
"""Screen pixels of a grid cell at :data:`GRID_ZOOM` (the map's cell size)."""
GRID_MAX_ZOOM = 9
"""Highest zoom the grid answers (closer in, views hold few enough incidents)."""
META_KEY = "query_grid"
"""Key of the grid's metadata in ``store_meta``."""
_WORLD_METRES = 40_075_016.68557849
_N_TYPES, _N_CLAIMS = len(EVENT_TYPES) + 1, len(CLAIM_STATUSES) + 1


def grid_table(query: PostGISQuery) -> sql.Identifier:
    """The grid's table."""
    return sql.Identifier(query.store.schema, "query_grid")


def cell_metres() -> float:
    """Size of a grid cell, Web Mercator metres."""
    return _cell_metres(GRID_ZOOM, GRID_PIXELS)


def dates_table(query: PostGISQuery) -> sql.Identifier:
    """The table of dated records per date precision, start and end, kept with the grid."""
    return sql.Identifier(query.store.schema, "query_dates")


def _cell_metres(zoom: int, pixels: int) -> float:
    return pixels * _WORLD_METRES / (256 * 2**zoom)


def _version() -> str:
    """What a grid's rows depend on besides the store (a change rebuilds it)."""
    return f"14/{GRID_ZOOM}/{GRID_PIXELS}/{'|'.join(EVENT_TYPES)}/{'|'.join(CLAIM_STATUSES)}"


def grid_meta(query: PostGISQuery) -> dict | None:
    """The grid's metadata (revision, layout, figures of every record; None: no grid or
    one of another layout)."""
    rows = query.read(sql.SQL("SELECT value FROM {} WHERE key = %s").format(
        query.store.table("store_meta")), [META_KEY])
    if not rows:
        return None
    meta = json.loads(rows[0][0])
    return meta if meta.get("version") == _version() else None


def grid_revision(query: PostGISQuery) -> int | None:
    """The store revision the grid reflects (None: no grid, or one of another layout)."""
    meta = grid_meta(query)
    return None if meta is None else int(meta["revision"])


def _facts_sql(query: PostGISQuery) -> sql.Composed:
    """What every record of the store holds, for :func:`passes_every_record` (from the
    per-day counts, which hold every record)."""
    parts: list[sql.Composable] = [
        sql.SQL("sum(n) FILTER (WHERE ev = {})").format(sql.Literal(i)) for i in range(_N_TYPES)]
    parts += [sql.SQL("sum(n) FILTER (WHERE cl = {})").format(sql.Literal(i))
              for i in range(_N_CLAIMS)]
    parts += [sql.SQL(f"sum(n) FILTER (WHERE gp = {p})") for p in (1, 2, 3, 4)]
    parts += [sql.SQL(
        "sum(n) FILTER (WHERE gp IS NOT NULL AND gp NOT IN (1, 2, 3, 4)), sum(n) FILTER "
        "(WHERE date_start IS NULL), sum(n) FILTER (WHERE date_start IS NOT NULL AND date_end "
        "IS NULL), max(date_start - DATE '1970-01-01'), min(date_end - DATE '1970-01-01'), "
        "coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE drawn), 0)")]
    return sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(parts), dates_table(query))


def store_facts(query: PostGISQuery) -> list | None:
    """The current grid's figures of every record (as :func:`_facts_sql` reads them;
    the last five: dated without an end, latest start and earliest end as day numbers,
    records, drawn records); None when the grid is not current."""
    meta = grid_meta(query)
    if meta is None or "all" not in meta or int(meta["revision"]) != query.store.revision():
        return None
    return list(meta["all"])


def passes_every_record(query: PostGISQuery, spec: QueryFilter) -> tuple[int, int] | None:
    """``(records, drawn records)`` of the store when ``spec`` lets every record through
    (known from the current grid's figures, without reading the records); else None."""
    meta = grid_meta(query)
    if meta is None or "all" not in meta or int(meta["revision"]) != query.store.revision():
        return None
    facts = meta["all"]
    if not _passes_everything(spec, tuple(facts[:-2]), (1, 2, 3, 4)):
        return None
    return int(facts[-2]), int(facts[-1])


def walk_condition(query: PostGISQuery, spec: QueryFilter, shown: int, through: int = 0
                   ) -> tuple[sql.Composable, list[object]] | None:
    """The condition to read a table page of ``spec`` along the table order's index, or
    None when sorting the view's rows is the better plan.

    Walking the index is better when the view keeps at least a tenth of the store, or
    the page ending at row ``through`` is expected early in the walk
    (:func:`geo.store.pg_table.worth_walking`), and has no date range cutting the store
    (a walk would cross every record before the range). A date range around every
    record (the store's latest start and earliest end, from the grid's figures) is left
    out: it hides nothing.
    """
    meta = grid_meta(query)
    if meta is None or "all" not in meta or int(meta["revision"]) != query.store.revision():
        return None
    facts = meta["all"]
    open_end, ds_max, de_min, total = facts[-5], facts[-4], facts[-3], facts[-2]
    clauses = where_clauses(spec)
    if "date" in clauses and spec.date_from is not None and spec.date_to is not None:
        epoch = 719163  # date(1970, 1, 1).toordinal()
        if not int(open_end or 0) and (ds_max is None or (
                spec.date_to.toordinal() - epoch >= int(ds_max)
                and spec.date_from.toordinal() - epoch <= int(de_min))):
            del clauses["date"]
    from geo.store.pg_table import worth_walking

    if "date" in clauses or not worth_walking(shown, int(total or 0), through):
        return None
    return combine(clauses)


KEYS_OF_TABLES = KEYS
"""Columns the grid, per-day counts and cubes group by (:data:`geo.store.pg_merge.KEYS`)."""
MERGE_MAX = 200_000
"""New records above which the tables are rebuilt rather than merged with theirs."""
FULL_REBUILD_ABOVE = 5_000
"""Touched (grid cell, start day) keys above which the grid, per-day counts and cube are
rebuilt whole instead of per key (an import spread over many places and days, the first
area sync of a large store): one pass over the records is then the cheaper."""
_FEW_KEYS = 16


def new_table(query: PostGISQuery) -> sql.Identifier:
    """``fid`` of the records inserted since the last refresh (folded in then, see
    :mod:`geo.store.pg_merge`), filled by the insert trigger."""
    return sql.Identifier(query.store.schema, "query_new")


def dirty_table(query: PostGISQuery) -> sql.Identifier:
    """Keys (zoom-11 cell, start day) of the record versions written since the last
    refresh, filled by triggers on ``incidents`` in each write's transaction."""
    return sql.Identifier(query.store.schema, "query_dirty")


def _cell_sql(column: str, table: str | None = None) -> sql.Composed:
    """A record's grid cell along one axis (the expression the cell index holds)."""
    name = sql.Identifier(column) if table is None else sql.Identifier(table, column)
    return sql.SQL("floor({} / {})::bigint").format(
        name, sql.Literal(_cell_metres(GRID_ZOOM, GRID_PIXELS)))


_FIGURE_COLUMNS = (
    "latitude", "longitude", "geo_precision", "date_start", "date_end", "date_precision",
    "event_type", "claim_status", "killed_min", "killed_max", "injured_min", "injured_max",
    "casualties_min", "casualties_max", "location_uncertainty_km", "area_radius_km",
    "deaths_civilians", "claimant", "adm1_pcode", "killed_best")
"""Columns the grid, per-day counts, cubes and facets are computed from (a change marks a
record)."""


def _track(query: PostGISQuery, conn: psycopg.Connection) -> None:
    """Create the dirty table, the cell index and the triggers that fill the table."""
    schema = query.store.schema
    dirty, table = dirty_table(query), query.store.table("incidents")
    # The claimant the totals group by (computed by the search sync, which adds the
    # same column; here so the per-day counts can be grouped by it before that sync).
    # (ALTER TABLE locks the table until the refresh commits: only when it is missing)
    if not conn.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                        "AND table_name = 'incidents' AND column_name = 'claimant'",
                        (query.store.schema,)).fetchone():
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS claimant text")
                     .format(table))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (gx bigint, gy bigint, ds date)")
                 .format(dirty))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (fid bigint)").format(new_table(query)))
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS incidents_grid_cell ON {} (({}), ({}))")
                 .format(table, _cell_sql("mx"), _cell_sql("my")))
    keys = sql.SQL("SELECT DISTINCT {}, {}, date_start FROM ").format(
        _cell_sql("mx"), _cell_sql("my"))
    function = sql.Identifier(schema, "query_mark_dirty")
    # An update marks only the records whose figures changed (not a sync of other
    # columns, such as the search text of every record): one join of the old and new
    # rows, both keys of each changed record.
    old = sql.SQL(", ").join(sql.SQL("o.{}").format(sql.Identifier(c)) for c in _FIGURE_COLUMNS)
    new = sql.SQL(", ").join(sql.SQL("n.{}").format(sql.Identifier(c)) for c in _FIGURE_COLUMNS)
    updated = sql.SQL(
        "SELECT DISTINCT k.gx, k.gy, k.ds FROM o JOIN n ON n.fid = o.fid CROSS JOIN LATERAL "
        "(VALUES ({ox}, {oy}, o.date_start), ({nx}, {ny}, n.date_start)) AS k(gx, gy, ds) "
        "WHERE ({old}) IS DISTINCT FROM ({new}) AND NOT EXISTS (SELECT 1 FROM {w} q WHERE "
        "q.fid = n.fid)").format(
        ox=_cell_sql("mx", "o"), oy=_cell_sql("my", "o"), nx=_cell_sql("mx", "n"),
        ny=_cell_sql("my", "n"), old=old, new=new, w=new_table(query))
    # An inserted record is noted by fid (folded in as it is at the next refresh); an
    # update of one still noted marks nothing. The locking read waits for a refresh
    # folding it meanwhile, and then finds it folded: its keys are marked.
    body = sql.SQL(
        "BEGIN IF TG_OP = 'DELETE' THEN INSERT INTO {d} {k} o; END IF; "
        "IF TG_OP = 'INSERT' THEN INSERT INTO {w} SELECT fid FROM n; END IF; "
        "IF TG_OP = 'UPDATE' THEN PERFORM 1 FROM {w} q JOIN n ON n.fid = q.fid "
        "FOR KEY SHARE OF q; INSERT INTO {d} {u}; END IF; "
        "RETURN NULL; END").format(d=dirty, k=keys, u=updated,
                                   w=new_table(query)).as_string(conn)
    conn.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
        function, sql.Literal(body)))
    for op, refs in (("INSERT", "NEW TABLE AS n"), ("UPDATE", "OLD TABLE AS o NEW TABLE AS n"),
                     ("DELETE", "OLD TABLE AS o")):
        name = sql.Identifier(f"incidents_dirty_{op.lower()}")
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(name, table))
        conn.execute(sql.SQL(
            "CREATE TRIGGER {} AFTER " + op + " ON {} REFERENCING " + refs
            + " FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(name, table, function))


def refresh_grid(query: PostGISQuery) -> bool:
    """Bring the grid, the per-day counts and the cube up to the store; True if changed.

    Syncs the area columns first (the uncertainty radius of a record depends on its
    area). A store seen for the first time (or a grid of another layout) is built whole,
    with the triggers that record, in each write's transaction, the cells and days a
    write touches (and the ids of new records); afterwards only those cells and days
    are computed again (one edit: a few cells and days), and new records are merged
    into the kept rows (:mod:`geo.store.pg_merge`). One transaction: sessions reading
    meanwhile see the previous figures, and an advisory lock (per schema) makes
    concurrent callers wait for one refresh.
    """
    def work() -> bool:
        revision = query.store.revision()
        if grid_revision(query) == revision:
            return False
        query.sync_areas()
        conn = query.store.connection()
        with conn.transaction():
            # per schema: stores sharing a database do not wait for each other's refresh
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                         (f"incident-map:grid:{query.store.schema}",))
            if grid_revision(query) == revision:
                return False  # another session refreshed it meanwhile
            conn.execute("SET LOCAL jit = off")
            previous = grid_meta(query)
            tracked = previous is not None
            if not tracked:
                _track(query, conn)
            touched = _take_dirty(query, conn)
            new = take_new(new_table(query), query.store.table("incidents"), conn)
            if tracked and touched <= FULL_REBUILD_ABOVE and new <= MERGE_MAX and new \
                    and not _fold_new(query, conn):
                touched += _touch_new(query, conn)  # not merged: their keys computed again
            rebuilt = not tracked or touched > FULL_REBUILD_ABOVE or new > MERGE_MAX
            if rebuilt:
                _rebuild(query, conn)
            elif touched:
                _update(query, conn)
            refresh_day_months(query, conn, rebuilt, previous)  # the per-day counts by month
            every = conn.execute(_facts_sql(query)).fetchone()
            facts = [None if v is None else int(v) for v in (every or ())]
            conn.execute(sql.SQL(
                "INSERT INTO {} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
                "excluded.value").format(query.store.table("store_meta")),
                (META_KEY, json.dumps({"revision": revision, "version": _version(),
                                        "all": facts, DAY_MONTHS: True})))
        return True

    return bool(query.guarded(work))


def _fold_new(query: PostGISQuery, conn: psycopg.Connection) -> bool:
    """Merge the records of ``_new`` into the grid, per-day counts, cube, fine cube and
    facets (:mod:`geo.store.pg_merge`), each table's rows made by its own ``SELECT``;
    False when a table cannot be merged (some may be: computing the keys again is right)."""
    from geo.store.pg_cube import cube_select, cube_table
    from geo.store.pg_facets import facets_select, facets_table
    from geo.store.pg_fine import fine_select, fine_table
    from geo.store.pg_months import months_select, months_table

    size = _cell_metres(GRID_ZOOM, GRID_PIXELS)
    incidents = query.store.table("incidents")
    new = sql.SQL("fid = ANY(ARRAY(SELECT fid FROM _new))")
    # Every record at the new records' places (but others still waiting), with and
    # without the new ones: the distinct places they add.
    here = sql.SQL("{} AND fid NOT IN (SELECT fid FROM {})").format(
        at_new_places(incidents, conn), new_table(query))

    def drawn(select: Callable[[sql.Composable, float], sql.Composable]
              ) -> Callable[[sql.Composable], sql.Composable]:
        return lambda condition: select(query.cell_source(condition, [], None)[0], size)

    builders: list[tuple[sql.Composable, Callable[[sql.Composable], sql.Composable]]] = [
        (grid_table(query), drawn(grid_select)), (cube_table(query), drawn(cube_select)),
        (fine_table(query), drawn(fine_select)), (months_table(query), drawn(months_select)),
        (facets_table(query), lambda condition: facets_select(query, condition, size))]
    for table, build in builders:
        places = sql.SQL("SELECT 'a' AS side, * FROM ({}) a UNION ALL SELECT 'b', * FROM "
                         "({}) b").format(build(here),
                                          build(sql.SQL("{} AND NOT {}").format(here, new)))
        if not merge_rows(conn, table, build(new), places):
            return False
    return merge_rows(conn, dates_table(query), _dates_sql(query, new))


def _touch_new(query: PostGISQuery, conn: psycopg.Connection) -> int:
    """Add the keys of the records of ``_new`` to ``_touched``; how many keys now."""
    conn.execute(sql.SQL(
        "INSERT INTO _touched SELECT DISTINCT {}, {}, date_start FROM {} WHERE fid IN "
        "(SELECT fid FROM _new)").format(_cell_sql("mx"), _cell_sql("my"),
                                         query.store.table("incidents")))
    conn.execute("CREATE TEMP TABLE _touched_all ON COMMIT DROP AS SELECT DISTINCT * FROM "
                 "_touched")
    conn.execute("TRUNCATE _touched")
    conn.execute("INSERT INTO _touched SELECT * FROM _touched_all")
    conn.execute("ANALYZE _touched")
    row = conn.execute("SELECT count(*) FROM _touched").fetchone()
    return int(row[0]) if row else 0


def _take_dirty(query: PostGISQuery, conn: psycopg.Connection) -> int:
    """Move the recorded keys into ``_touched`` (this transaction's); how many."""
    conn.execute("DROP TABLE IF EXISTS _touched")
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _touched ON COMMIT DROP AS WITH d AS (DELETE FROM {} RETURNING *) "
        "SELECT DISTINCT gx, gy, ds FROM d").format(dirty_table(query)))
    row = conn.execute("SELECT count(*) FROM _touched").fetchone()
    conn.execute("ANALYZE _touched")
    return int(row[0]) if row else 0


def _rebuild(query: PostGISQuery, conn: psycopg.Connection) -> None:
    from geo.store.pg_cube import cube_select, cube_table
    from geo.store.pg_facets import facets_rebuild
    from geo.store.pg_fine import fine_rebuild
    from geo.store.pg_months import months_rebuild

    size = _cell_metres(GRID_ZOOM, GRID_PIXELS)
    inner, _ = query.cell_source(sql.SQL("TRUE"), [], None)
    built = [(grid_table(query), grid_select(inner, size)),
             (dates_table(query), _dates_sql(query, sql.SQL("TRUE"))),
             (cube_table(query), cube_select(inner, size))]
    for table, select in built:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, select))
    conn.execute(sql.SQL("CREATE INDEX ON {} (gx, gy)").format(grid_table(query)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (date_start)").format(dates_table(query)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (date_end)").format(dates_table(query)))
    conn.execute(sql.SQL("CREATE INDEX ON {} (gx, gy, ms)").format(cube_table(query)))
    fine_rebuild(query, conn, size)
    months_rebuild(query, conn, size)
    facets_rebuild(query, conn, size)


def _update(query: PostGISQuery, conn: psycopg.Connection) -> None:
    """Compute again the grid cells, days, cube and month cells of ``_touched`` only."""
    from geo.store.pg_cube import CUBE_DIVISOR, cube_select, cube_table
    from geo.store.pg_facets import facets_update
    from geo.store.pg_fine import fine_update
    from geo.store.pg_months import MONTHS_DIVISOR, months_select, months_table

    size = _cell_metres(GRID_ZOOM, GRID_PIXELS)
    grid = grid_table(query)
    conn.execute(sql.SQL("DELETE FROM {} g USING (SELECT DISTINCT gx, gy FROM _touched) t "
                         "WHERE g.gx = t.gx AND g.gy = t.gy").format(grid))
    cells = sql.SQL("({}, {}) IN (SELECT DISTINCT gx, gy FROM _touched)").format(
        _cell_sql("mx"), _cell_sql("my"))
    inner, _ = query.cell_source(cells, [], None)
    conn.execute(sql.SQL("INSERT INTO {} {}").format(grid, grid_select(inner, size)))
    dates = dates_table(query)
    conn.execute(sql.SQL(
        "DELETE FROM {} WHERE date_start IN (SELECT ds FROM _touched) OR (date_start IS NULL "
        "AND EXISTS (SELECT 1 FROM _touched WHERE ds IS NULL))").format(dates))
    conn.execute(sql.SQL("INSERT INTO {} {}").format(dates, _dates_sql(query, sql.SQL(
        "date_start IN (SELECT ds FROM _touched)"))))
    conn.execute(sql.SQL("INSERT INTO {} {}").format(dates, _dates_sql(query, sql.SQL(
        "date_start IS NULL AND EXISTS (SELECT 1 FROM _touched WHERE ds IS NULL)"))))
    # The cube and the month cells: their cells (2**k grid cells a side) and start
    # months the keys touch.
    _update_months(query, conn, cube_table(query), CUBE_DIVISOR, cube_select)
    _update_months(query, conn, months_table(query), MONTHS_DIVISOR, months_select)
    fine_update(query, conn, size)
    facets_update(query, conn, size)


def _update_months(query: PostGISQuery, conn: psycopg.Connection, table: sql.Composable,
                   divisor: int, select: Callable[[sql.Composable, float], sql.Composable]
                   ) -> None:
    """Compute again the rows of a table keyed by blocks of ``divisor`` grid cells and
    start month ``ms`` (the cube, the month cells) for the keys of ``_touched``;
    ``select`` makes its rows from projected rows."""
    size = _cell_metres(GRID_ZOOM, GRID_PIXELS)
    d = sql.Literal(float(divisor))
    conn.execute("DROP TABLE IF EXISTS _cube_keys")
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _cube_keys ON COMMIT DROP AS SELECT DISTINCT floor(gx / {d})::bigint"
        " AS cx, floor(gy / {d})::bigint AS cy, date_trunc('month', ds)::date AS m0 FROM "
        "_touched WHERE gx IS NOT NULL").format(d=d))
    conn.execute("ANALYZE _cube_keys")
    conn.execute(sql.SQL(
        "DELETE FROM {} c USING _cube_keys k WHERE c.gx = k.cx AND c.gy = k.cy AND "
        "c.ms IS NOT DISTINCT FROM (extract(year FROM k.m0) * 12 + extract(month FROM k.m0)"
        " - 1)::int").format(table))
    x = sql.SQL("floor({} / {})::bigint").format(_cell_sql("mx"), d)
    y = sql.SQL("floor({} / {})::bigint").format(_cell_sql("my"), d)
    keys = conn.execute("SELECT count(*) FROM _cube_keys").fetchone()
    if keys is not None and int(keys[0]) <= _FEW_KEYS:
        # A few keys (an edit): each month's records through the date index.
        dated = sql.SQL(
            "EXISTS (SELECT 1 FROM _cube_keys k WHERE k.m0 IS NOT NULL AND date_start >= k.m0 "
            "AND date_start < k.m0 + interval '1 month' AND {x} = k.cx AND {y} = k.cy)"
        ).format(x=x, y=y)
    else:  # many (an import): one pass over the records, keys looked up in a hash
        dated = sql.SQL(
            "({x}, {y}, date_trunc('month', date_start)::date) IN (SELECT cx, cy, m0 FROM "
            "_cube_keys WHERE m0 IS NOT NULL)").format(x=x, y=y)
    undated = sql.SQL(
        "date_start IS NULL AND ({x}, {y}) IN (SELECT cx, cy FROM _cube_keys WHERE m0 IS NULL)"
    ).format(x=x, y=y)
    for condition in (dated, undated):
        inner, _ = query.cell_source(condition, [], None)
        conn.execute(sql.SQL("INSERT INTO {} {}").format(table, select(inner, size)))


def _dates_sql(query: PostGISQuery, condition: sql.Composable) -> sql.Composed:
    """Records per date precision, start, end, event type, claim, precision, whether
    drawn and claimant (the timeline, the counts line and the totals of views the cube
    answers), with the sums of their casualty figures (:func:`figure_sums`, ``f_<name>``)."""
    sums = sql.SQL(", ").join(sql.SQL("{} AS {}").format(agg, sql.Identifier("f_" + name))
                              for name, agg in figure_sums())
    return sql.SQL(
        "SELECT date_precision, date_start, date_end, {ev} AS ev, {cl} AS cl, geo_precision "
        "AS gp, " + DRAWN_SQL + " AS drawn, coalesce(claimant, '') AS claimant, "
        "count(*) AS n, {sums} FROM {table} WHERE {condition} "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8").format(
        ev=index_sql("event_type", EVENT_TYPES), cl=index_sql("claim_status", CLAIM_STATUSES),
        sums=sums, table=query.store.table("incidents"), condition=condition)


def grid_select(inner: sql.Composable, size: float, divisor: int = 1,
                keys: tuple[sql.Composable, ...] = ()) -> sql.Composed:
    """Grid rows of the projected rows ``inner`` (:meth:`PostGISQuery.cell_source`) for
    grid cells of ``size`` metres, grouped by blocks of ``divisor`` x ``divisor`` grid
    cells (``gx``, ``gy``) and the further ``keys`` (expressions named with ``AS``)."""
    types = [sql.SQL("count(*) FILTER (WHERE ev = {}) AS t{}").format(
        sql.Literal(i), sql.SQL(str(i))) for i in range(_N_TYPES)]
    claims = [sql.SQL("count(*) FILTER (WHERE cl = {}) AS c{}").format(
        sql.Literal(i), sql.SQL(str(i))) for i in range(_N_CLAIMS)]
    if divisor == 1:
        cells = sql.SQL("floor(x / {size})::bigint AS gx, floor(y / {size})::bigint AS gy")
    else:
        cells = sql.SQL("floor(floor(x / {size}) / {d})::bigint AS gx, "
                        "floor(floor(y / {size}) / {d})::bigint AS gy")
    head = sql.SQL(", ").join([cells.format(size=sql.Literal(size),
                                            d=sql.Literal(float(divisor))), *keys])
    grouped = ", ".join(str(i) for i in range(1, 3 + len(keys)))
    return sql.SQL(
        "SELECT {head}, count(*) AS n, "
        "sum(x) AS sx, sum(y) AS sy, sum(plat) AS slat, sum(plon) AS slon, "
        "min(plat) AS south, max(plat) AS north, min(plon) AS west, max(plon) AS east, "
        "count(DISTINCT pk) AS places, min(klo) AS klo, max(khi) AS khi, count(klo) AS kn, "
        "min(ilo) AS ilo, max(ihi) AS ihi, count(ilo) AS ikn, min(clo) AS clo, "
        "max(chi) AS chi, count(clo) AS ckn, min(ds) AS ds, max(de) AS de, "
        "max(ds) AS ds_max, min(de) AS de_min, count(*) FILTER (WHERE ds IS NULL) AS undated, "
        "count(*) FILTER (WHERE ds IS NOT NULL AND de IS NULL) AS open_end, "
        "min(ev) AS ev_min, max(ev) AS ev_max, max(prec) AS prec, max(unc) AS unc, "
        "sum(fig) AS fig, min(fid) AS first, min(x) AS x_min, max(x) AS x_max, "
        "min(y) AS y_min, max(y) AS y_max, sum(kop) AS kop, sum(iop) AS iop, sum(cop) AS cop, "
        "count(*) FILTER (WHERE gp = 1) AS p1, count(*) FILTER (WHERE gp = 2) AS p2, "
        "count(*) FILTER (WHERE gp = 3) AS p3, "
        "count(*) FILTER (WHERE gp IS NOT NULL AND gp NOT IN (1, 2, 3)) AS p_other, "
        "{types}, {claims} FROM ({inner}) v GROUP BY " + grouped
    ).format(head=head, types=sql.SQL(", ").join(types), claims=sql.SQL(", ").join(claims),
             inner=inner)


def _passes_everything(spec: QueryFilter, facts: tuple,
                       precisions: tuple[int, ...] = (1, 2, 3)) -> bool:
    """Whether ``spec`` lets every incident ``facts`` describe through (counts per event
    type and claim status, per precision in ``precisions`` and other, undated, dated
    without an end, latest start and earliest end, as day numbers)."""
    if (spec.admin1 or spec.admin2 or spec.violence or spec.polygon or spec.bbox is not None
            or spec.matches_text
            or any(r != (None, None) for r in (spec.killed, spec.injured,
                                                spec.civilian_deaths))):
        return False
    types = facts[:_N_TYPES]
    claims = facts[_N_TYPES:_N_TYPES + _N_CLAIMS]
    rest = facts[_N_TYPES + _N_CLAIMS:]
    per_precision = rest[:len(precisions)]
    p_other, undated, open_end, ds_max, de_min = rest[len(precisions):]
    if int(types[-1] or 0) or int(claims[-1] or 0) or int(p_other or 0):
        return False  # values outside the vocabularies: leave them to the row path
    if any(int(n or 0) and t not in spec.event_types for t, n in zip(EVENT_TYPES, types,
                                                                   strict=False)):
        return False
    if any(int(n or 0) and c not in spec.claim_statuses for c, n in zip(CLAIM_STATUSES,
                                                                      claims, strict=False)):
        return False
    if any(int(n or 0) and p not in spec.precisions
           for p, n in zip(precisions, per_precision, strict=True)):
        return False
    if not spec.include_undated and int(undated or 0):
        return False
    if spec.date_from is None or spec.date_to is None or ds_max is None:
        return True
    if int(open_end or 0):
        return False
    epoch = 719163  # date(1970, 1, 1).toordinal()
    return spec.date_to.toordinal() - epoch >= int(ds_max) \
        and spec.date_from.toordinal() - epoch <= int(de_min)


def grid_cells(query: PostGISQuery, spec: QueryFilter, zoom: int,
               window: tuple[float, float, float, float] | None, cell_pixels: int
               ) -> pd.DataFrame | None:
    """:meth:`PostGISQuery.cells` from the grid, or None when the grid cannot give the
    same answer (see the module's description)."""
    if zoom > GRID_MAX_ZOOM or cell_pixels != GRID_PIXELS:
        return None
    if grid_revision(query) != query.store.revision():
        return None
    table = grid_table(query)
    sums = [*(f"t{i}" for i in range(_N_TYPES)), *(f"c{i}" for i in range(_N_CLAIMS)),
            "p1", "p2", "p3", "p_other", "undated", "open_end"]
    if window is None:
        inside, straddle, wargs = sql.SQL("TRUE"), sql.SQL("FALSE"), []
    else:
        inside = sql.SQL("x_min >= %s AND x_max <= %s AND y_min >= %s AND y_max <= %s")
        straddle = sql.SQL("NOT (x_min >= %s AND x_max <= %s AND y_min >= %s AND y_max <= %s)"
                           " AND NOT (x_max < %s OR x_min > %s OR y_max < %s OR y_min > %s)")
        wargs = [window[0], window[2], window[1], window[3]]
    facts = query.read(sql.SQL(
        "SELECT {}, max(ds_max), min(de_min), count(*) FILTER (WHERE {}) FROM {}").format(
        sql.SQL(", ").join(sql.SQL("sum({})").format(sql.Identifier(c)) for c in sums),
        straddle, table), [*wargs, *wargs])[0]
    if int(facts[-1] or 0) or not _passes_everything(spec, tuple(facts[:-1])):
        return None
    factor = float(2 ** (GRID_ZOOM - zoom))
    pixel = _WORLD_METRES / (256 * 2**zoom)
    types = [sql.SQL("sum(t{})").format(sql.SQL(str(i))) for i in range(_N_TYPES)]
    claims = [sql.SQL("sum(c{})").format(sql.SQL(str(i))) for i in range(_N_CLAIMS)]
    grouped = sql.SQL(
        "WITH g AS (SELECT floor(gx / %s)::bigint AS cx, floor(gy / %s)::bigint AS cy, "
        "sum(n) AS n, sum(sx) / %s AS px, sum(sy) / %s AS py, sum(slat) / sum(n) AS lat, "
        "sum(slon) / sum(n) AS lon, min(south), max(north), min(west), max(east), "
        "sum(places) AS places, min(klo), max(khi), sum(kn), min(ilo), max(ihi), sum(ikn), "
        "min(clo), max(chi), sum(ckn), min(ds), max(de), min(ev_min), max(ev_max), "
        "max(prec), max(unc), sum(fig), sum(kop), sum(iop), sum(cop), min(first) AS first, "
        "{types}, {claims} "
        "FROM {grid} WHERE {inside} GROUP BY 1, 2) "
        "SELECT g.*, CASE WHEN g.places = 1 THEN i.place END FROM g "
        "LEFT JOIN {table} i ON i.fid = g.first"
    ).format(types=sql.SQL(", ").join(types), claims=sql.SQL(", ").join(claims), grid=table,
             inside=inside, table=query.store.table("incidents"))
    rows = query.read(grouped, [factor, factor, pixel, pixel, *wargs])
    return common_labels(query, spec, cell_frame(rows), window)
