"""The map view asked of PostGIS: counts, screen-cell aggregates, a table page, the
timeline and single incidents, each one SQL query over indexed columns.

:class:`PostGISQuery` answers what the map page needs without reading the store into
memory: the app holds only what it shows (a few hundred cells, one page of rows).
Filters come as a :class:`geo.store.query.QueryFilter`; every answer has the meaning
the frame path gives it (:mod:`geo.view.filters`, :mod:`geo.render.clusters`,
:mod:`geo.view.timeline`, :func:`geo.render.table.date_order`), which the tests check
on a fixture.

The governorate and district of each record are kept as columns of the ``incidents``
table (``adm1_pcode``, ``adm2_pcode``, ``area_radius_km``; and ``mx``, ``my``, the Web
Mercator metres of the point, generated columns the screen grid divides), computed by the same join
as the frame's (:func:`geo.geocoding.join.assign_areas`) for the records written
since the last sync (:meth:`PostGISQuery.sync_areas`, run before each view's queries:
one indexed query when nothing changed).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import psycopg
from psycopg import sql

from geo.errors import StoreUnavailable
from geo.geocoding.areas import AdminAreas
from geo.geocoding.join import assign_areas
from geo.store.pg_covering import COVERING_INDEXES, NEEDED_COLUMNS, SUPERSEDED_INDEXES
from geo.store.pg_project import PLACE_KEY_SQL, record_figures
from geo.store.pg_sync import mark_synced, synced_revision, written_since
from geo.store.postgis import PostGISStore, record_columns
from geo.store.query import (
    DRAWN_SQL,
    PLACE_LAT_SQL,
    PLACE_LON_SQL,
    QueryFilter,
    combine,
    where_clauses,
)
from geo.store.records import rows_to_frame
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES

#: Columns added to ``incidents`` for store-driven queries, with their SQL types.
AREA_COLUMNS: dict[str, str] = {
    "adm1_pcode": "text", "adm2_pcode": "text", "area_radius_km": "double precision",
}
_MERCATOR = ("CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL THEN {}(ST_Transform("
             "ST_SetSRID(ST_MakePoint(longitude, greatest(-85, least(85, latitude))), 4326), "
             "3857)) END")
#: Web Mercator metres of each point, generated from its coordinates (grid cells by zoom).
MERCATOR_COLUMNS: dict[str, str] = {
    "mx": f"double precision GENERATED ALWAYS AS ({_MERCATOR.format('ST_X')}) STORED",
    "my": f"double precision GENERATED ALWAYS AS ({_MERCATOR.format('ST_Y')}) STORED",
}
#: Indexes store-driven queries use (besides the store's GiST and date indexes).
QUERY_INDEXES: dict[str, str] = {
    "incidents_adm1_cover": "(adm1_pcode) INCLUDE (date_start, date_end, date_precision, "
                            "event_type, claim_status, geo_precision)",
    "incidents_adm2": "(adm2_pcode)",
    "incidents_table_order": '(date_start, date_end, id COLLATE "C")',
    # (not "incidents_place": the store's own index of names has that name)
    "incidents_place_point": f"(({PLACE_LAT_SQL}), ({PLACE_LON_SQL}))",
    **COVERING_INDEXES}
#: Memory a view's query may use per sort or hash before spilling to disk.
WORK_MEM = "32MB"
#: Records whose areas are computed per batch.
SYNC_BATCH = 100_000
_META_KEY = "query_areas"
_WORLD_METRES = 40_075_016.68557849
"""Width of the Web Mercator world (EPSG:3857), metres."""

CELL_COLUMNS: tuple[str, ...] = (
    "cx", "cy", "count", "px", "py", "lat", "lon", "south", "north", "west", "east", "places",
    "killed_lo", "killed_hi", "killed_known", "injured_lo", "injured_hi", "injured_known",
    "casualties_lo", "casualties_hi", "casualties_known", "date_from", "date_to",
    "type_min", "type_max", "precision", "uncertainty", "figure", "killed_open",
    "injured_open", "casualties_open", "label",
)
"""Columns of :meth:`PostGISQuery.cells` (then one ``t<i>`` per event type + other and
one ``c<i>`` per claim status + other)."""


@dataclass(frozen=True)
class Counts:
    """How many incidents a view shows.

    Attributes
    ----------
    total : int
        Incidents in the store.
    shown : int
        Incidents passing every filter.
    on_map : int
        Of those, the ones drawn on the map.
    hidden_by : dict
        Per filter, how many incidents it hides.
    """

    total: int
    shown: int
    on_map: int
    hidden_by: dict[str, int]


@dataclass(frozen=True)
class Summary:
    """What a view of the store may hold (for :class:`geo.view.state.ViewDomain`).

    Attributes
    ----------
    count : int
    date_min, date_max : date or None
    bounds : tuple of float or None
        ``(west, south, east, north)`` of the drawn incidents.
    event_types : tuple of str
        Event types present.
    revision : int
        The store revision these figures reflect.
    """

    count: int
    date_min: date | None
    date_max: date | None
    bounds: tuple[float, float, float, float] | None
    event_types: tuple[str, ...]
    revision: int


class PostGISQuery:
    """Store-driven queries of a map view over a :class:`geo.store.postgis.PostGISStore`.

    Parameters
    ----------
    store : PostGISStore
    areas : AdminAreas
        Admin areas records are joined to (the frame path's, so that answers agree).

    Raises
    ------
    geo.errors.StoreUnavailable
        The database cannot be reached.
    """

    def __init__(self, store: PostGISStore, areas: AdminAreas) -> None:
        self.store = store
        self.areas = areas
        self._table = store.table("incidents")
        self._meta = store.table("store_meta")
        self._areas_key = _areas_key(areas)
        self._run(self._migrate)
        from geo.store.pg_day_months import ensure_day_months  # it imports this module

        self._run(ensure_day_months, self)  # a grid made before the per-day counts by month

    # -- plumbing -----------------------------------------------------------------------

    def _run(self, work, *args):  # type: ignore[no-untyped-def]
        try:
            return work(*args)
        except psycopg.OperationalError as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StoreUnavailable(
                f"incident store {self.store.location}: cannot reach the database ({first})"
            ) from None

    def _rows(self, query: sql.SQL | sql.Composed, params: Sequence[object] = ()) -> list[tuple]:
        def read() -> list[tuple]:
            conn = self.store.connection()
            # PostGIS functions' cost estimates make the planner JIT-compile these short
            # queries (seconds of compilation for milliseconds of work): off for them.
            # The cube's sums group tens of thousands of wide rows: with the default
            # 4 MB the planner sorts them on disk instead of hashing them in memory.
            # A plan for the parameters given: psycopg prepares a statement run 5 times,
            # and the server's generic plan for the month cells' query (unknown dates
            # and edges) read a 1M store for minutes where the custom one takes 2 s.
            conn.execute("SELECT set_config('jit', 'off', false), set_config('work_mem', %s, "
                         "false), set_config('plan_cache_mode', 'force_custom_plan', false)",
                         (WORK_MEM,))
            return conn.execute(query, tuple(params)).fetchall()

        return self._run(read)

    def read(self, query: sql.SQL | sql.Composed, params: Sequence[object] = ()
             ) -> list[tuple]:
        """Rows of one read query (JIT off; an unreachable database raises
        :class:`~geo.errors.StoreUnavailable`)."""
        return self._rows(query, params)

    def guarded(self, work, *args):  # type: ignore[no-untyped-def]
        """``work(*args)``, an unreachable database raising StoreUnavailable."""
        return self._run(work, *args)

    def _migrate(self) -> None:
        conn = self.store.connection()
        found = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'incidents'", (self.store.schema,)).fetchall()
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = "
            "'incidents'", (self.store.schema,)).fetchall()
        wanted = {**AREA_COLUMNS, **MERCATOR_COLUMNS, **NEEDED_COLUMNS}  # before the indexes
        missing = [c for c in wanted if c not in {r[0] for r in found}]
        absent = [i for i in QUERY_INDEXES if i not in {r[0] for r in indexes}]
        if not missing and not absent:
            return
        with conn.transaction():  # once per store: ALTER TABLE locks writers out meanwhile
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('incident-map:create'))")
            for column in missing:
                conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    self._table, sql.Identifier(column), sql.SQL(wanted[column])))
            for name in absent:
                conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} {}").format(
                    sql.Identifier(name), self._table, sql.SQL(QUERY_INDEXES[name])))
            for old in SUPERSEDED_INDEXES:
                conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(
                    sql.Identifier(self.store.schema, old)))

    # -- the area columns ---------------------------------------------------------------

    def sync_areas(self) -> int:
        """Compute the area columns of the records written since the last sync.

        Returns
        -------
        int
            Records updated (0 when the columns were current: one query).
        """
        return int(self._run(self._sync))

    def _sync(self) -> int:
        conn = self.store.connection()
        revision = self.store.revision()  # before reading: later writes are synced next time
        since = synced_revision(conn, self._meta, _META_KEY, self._areas_key)
        if since >= revision:
            return 0
        columns = ["id", "latitude", "longitude", "geo_precision", "admin1"]
        updated = 0
        for rows in written_since(conn, self._table, columns, since, SYNC_BATCH):
            frame = pd.DataFrame(rows, columns=columns)
            frame["latitude"] = pd.to_numeric(frame["latitude"]).astype("float64")
            frame["longitude"] = pd.to_numeric(frame["longitude"]).astype("float64")
            frame["geo_precision"] = pd.array(frame["geo_precision"], dtype="Int64")
            frame["admin1"] = frame["admin1"].fillna("").astype(str)
            joined = assign_areas(frame, self.areas)
            self._write_areas(conn, joined)
            updated += len(rows)
        mark_synced(conn, self._meta, _META_KEY, revision, self._areas_key)
        return updated

    def _write_areas(self, conn: psycopg.Connection, joined: pd.DataFrame) -> None:
        buffer = io.StringIO()
        radius = joined["area_radius_km"].astype("float64")
        pd.DataFrame({"id": joined["id"], "a1": joined["adm1_pcode"],
                      "a2": joined["adm2_pcode"], "r": radius}).to_csv(
            buffer, index=False, header=False)
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _areas (id text, a1 text, a2 text, "
                         "r double precision) ON COMMIT DELETE ROWS")
            with conn.cursor() as cur, cur.copy(
                    "COPY _areas FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
            conn.execute(sql.SQL(
                "UPDATE {} AS i SET adm1_pcode = coalesce(a.a1, ''), adm2_pcode = "
                "coalesce(a.a2, ''), area_radius_km = a.r FROM _areas a WHERE i.id = a.id"
            ).format(self._table))

    # -- reads --------------------------------------------------------------------------

    def summary(self) -> Summary:
        """Span of dates, extent of the drawn incidents and event types present."""
        revision = self.store.revision()
        row = self._rows(sql.SQL(
            "SELECT count(*), min(date_start)::text, max(date_end)::text FROM {}"
        ).format(self._table))[0]
        box = self._rows(sql.SQL(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            "ST_Extent(geom) AS e FROM {} WHERE " + DRAWN_SQL + ") s").format(self._table))[0]
        types = self._rows(sql.SQL(
            "SELECT DISTINCT event_type FROM {}").format(self._table))
        present = {r[0] for r in types}
        return Summary(
            count=int(row[0]),
            date_min=None if row[1] is None else date.fromisoformat(row[1]),
            date_max=None if row[2] is None else date.fromisoformat(row[2]),
            bounds=None if box[0] is None else tuple(float(v) for v in box),  # type: ignore[arg-type]
            event_types=tuple(t for t in EVENT_TYPES if t in present),
            revision=revision,
        )

    def counts(self, spec: QueryFilter, skip: tuple[str, ...] = ()) -> Counts:
        """Incidents shown, on the map, and hidden by each filter (one scan).

        Parameters
        ----------
        spec : QueryFilter
        skip : tuple of str
            Filters not applied (e.g. ``("map bounds",)``).
        """
        if not skip and spec.hits:
            from geo.store.pg_hits import hits_counts  # it reads this module

            found = hits_counts(self, spec)  # only the records the text lets through
            if found is not None:
                return found
        if not skip:
            from geo.store.pg_grid import passes_every_record  # the grid reads this module

            every = passes_every_record(self, spec)
            if every is not None:  # nothing hidden: known without reading the records
                return Counts(every[0], every[0], every[1], {})
            from geo.store.pg_cube import cube_counts

            summed = cube_counts(self, spec)  # types, claims, precisions, dates: summed
            if summed is not None:
                return summed
            from geo.store.pg_counts import area_counts

            summed = area_counts(self, spec)  # and areas: counted through their indexes
            if summed is not None:
                return summed
        clauses = {k: v for k, v in where_clauses(spec).items() if k not in skip}
        shown, params = combine(clauses)
        parts: list[sql.Composable] = [
            sql.SQL("count(*)"), sql.SQL("count(*) FILTER (WHERE {})").format(shown),
            sql.SQL("count(*) FILTER (WHERE {} AND " + DRAWN_SQL + ")").format(shown),
        ]
        all_params = [*params, *params]
        for condition, p in clauses.values():
            parts.append(sql.SQL("count(*) FILTER (WHERE NOT ({}))").format(condition))
            all_params.extend(p)
        row = self._rows(sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(parts), self._table), all_params)[0]
        hidden = {name: int(n) for name, n in zip(clauses, row[3:], strict=True) if n}
        return Counts(int(row[0]), int(row[1]), int(row[2]), hidden)

    def cell_source(self, condition: sql.Composable, params: list[object],
                    window: tuple[float, float, float, float] | None
                    ) -> tuple[sql.Composed, list[object]]:
        """The projected rows the cell aggregates group (``FROM (...) s``), and parameters.

        One row per drawn incident passing ``condition`` (inside ``window`` when given):
        ``fid``, Web Mercator ``x``, ``y``, place ``plat``, ``plon``, ``pk``, event type
        and claim codes ``ev``, ``cl``, casualty bounds, day numbers ``ds``, ``de``,
        ``prec``, ``gp`` (the stored precision), ``unc`` (m) and ``fig``.
        """
        inner = sql.SQL(
            "SELECT fid, mx AS x, my AS y, plat, plon, " + PLACE_KEY_SQL + " AS pk, ev, cl, "
            "klo, khi, ilo, ihi, clo, chi, ds, de, prec, gp, unc, fig, kop, iop, cop FROM (SELECT "
            "fid, mx, my, "
            "{figures} FROM {table} WHERE " + DRAWN_SQL + " AND {condition}"
        ).format(table=self._table, condition=condition, figures=record_figures())
        args = list(params)
        if window is not None:
            inner += sql.SQL(" AND geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 3857),"
                             " 4326)")
            args.extend(window)
        inner += sql.SQL(" OFFSET 0) s")  # a fence: each row is projected once
        if window is not None:
            inner += sql.SQL(" WHERE mx BETWEEN %s AND %s AND my BETWEEN %s AND %s")
            args.extend([window[0], window[2], window[1], window[3]])
        return inner, args

    def cells(
        self,
        spec: QueryFilter,
        zoom: int,
        window: tuple[float, float, float, float] | None,
        cell_pixels: int,
        by_place: bool = False,
        use_grid: bool = True,
    ) -> pd.DataFrame:
        """Per grid cell of ``cell_pixels`` screen pixels at ``zoom``, what its incidents hold.

        Parameters
        ----------
        spec : QueryFilter
        zoom : int
        window : tuple of float or None
            Web Mercator box (see :func:`geo.render.clusters.view_window`); None: everywhere.
        cell_pixels : int
        by_place : bool
            One cell per place (close in: nothing aggregated).
        use_grid : bool
            Answer from the cell grid (:mod:`geo.store.pg_grid`) or the cubes
            (:mod:`~geo.store.pg_cube`, :mod:`~geo.store.pg_fine`) when current and
            giving the same answer (False: always group the rows).

        Returns
        -------
        pandas.DataFrame
            :data:`CELL_COLUMNS` (``px``, ``py``: sums of the incidents' pixel
            coordinates; ``label``: for cells of one place, the name most of its
            records give, :mod:`geo.store.pg_labels`), then ``t0..`` and ``c0..``:
            counts per event type and claim status; in store order of each cell's first record.
        """
        from geo.store.pg_labels import common_labels

        if use_grid and not by_place:
            from geo.store.pg_fine import stored_cells  # it reads this module

            found = stored_cells(self, spec, zoom, window, cell_pixels)
            if found is not None:
                return found  # named as below
        pixel = _WORLD_METRES / (256 * 2**zoom)
        size = cell_pixels * pixel
        condition, params = combine(where_clauses(spec))
        inner, args = self.cell_source(condition, list(params), window)
        if by_place:
            key = sql.SQL("plat AS cx, plon AS cy")
        else:
            key = sql.SQL("floor(x / %s)::bigint AS cx, floor(y / %s)::bigint AS cy")
        types = [sql.SQL("count(*) FILTER (WHERE ev = {})").format(sql.Literal(i))
                 for i in range(len(EVENT_TYPES) + 1)]
        claims = [sql.SQL("count(*) FILTER (WHERE cl = {})").format(sql.Literal(i))
                  for i in range(len(CLAIM_STATUSES) + 1)]
        grouped = sql.SQL(
            "WITH v AS MATERIALIZED ({inner}), g AS (SELECT {key}, count(*) AS n, "
            "sum(x / %s) AS px, sum(y / %s) AS py, avg(plat) AS lat, avg(plon) AS lon, "
            "min(plat) AS south, max(plat) AS north, min(plon) AS west, max(plon) AS east, "
            "count(DISTINCT pk) AS places, min(klo), max(khi), count(klo), "
            "min(ilo), max(ihi), count(ilo), min(clo), max(chi), count(clo), min(ds), "
            "max(de), min(ev), max(ev), max(prec), max(unc), sum(fig), sum(kop), sum(iop), "
            "sum(cop), min(fid) AS first, "
            "{types}, {claims} FROM v GROUP BY 1, 2) "
            "SELECT g.*, CASE WHEN g.places = 1 THEN i.place END FROM g "
            "LEFT JOIN {table} i ON i.fid = g.first"
        ).format(inner=inner, key=key, types=sql.SQL(", ").join(types),
                 claims=sql.SQL(", ").join(claims), table=self._table)
        head: list[object] = [] if by_place else [size, size]
        return common_labels(self, spec, cell_frame(self._rows(grouped, [*args, *head, pixel,
                                                                        pixel])), window)

    def _records(self, where: sql.Composable, params: Sequence[object], tail: sql.Composable
                 ) -> pd.DataFrame:
        rows = self._rows(sql.SQL("SELECT {} FROM {} WHERE {} {}").format(
            record_columns(), self._table, where, tail), params)
        return rows_to_frame(rows)

    def at_place(self, spec: QueryFilter, lat: float, lon: float, limit: int = 5000
                 ) -> pd.DataFrame:
        """The drawn incidents of the view at one place (rounded coordinates), by date, id."""
        condition, params = combine(where_clauses(spec))
        where = sql.SQL(DRAWN_SQL + " AND (" + PLACE_LAT_SQL + ") = %s AND (" + PLACE_LON_SQL
                        + ") = %s AND {}").format(condition)
        return self._records(where, [lat, lon, *params], sql.SQL(
            f'ORDER BY date_start, date_end, id COLLATE "C" LIMIT {int(limit)}'))

    def off_map(self, spec: QueryFilter, limit: int = 1000) -> pd.DataFrame:
        """Incidents of the view that are not drawn (no place, or a country only)."""
        condition, params = combine(where_clauses(spec))
        where = sql.SQL("NOT " + DRAWN_SQL + " AND {}").format(condition)
        return self._records(where, params, sql.SQL(
            f'ORDER BY date_start, date_end, id COLLATE "C" LIMIT {int(limit)}'))

    def table_page(self, spec: QueryFilter, page: int, size: int, shown: int) -> pd.DataFrame:
        """One page of the view's incidents in the table's order (date, end, id).

        Parameters
        ----------
        spec : QueryFilter
        page : int
            1-based; clamped to the pages ``shown`` incidents fill.
        size : int
            Rows per page.
        shown : int
            Incidents the view shows (:attr:`Counts.shown`).
        """
        from geo.store.pg_grid import passes_every_record, walk_condition

        condition, params = combine(where_clauses(spec))
        # Ordered by the output columns (dates as text: the same order): the filtered
        # rows are sorted. A view hiding nothing, or keeping a large share of the store
        # without a date range cutting it, is read along the table order's index (the
        # stored columns) instead.
        order = 'ORDER BY date_start, date_end, id COLLATE "C"'
        walk = (sql.SQL("TRUE"), []) if passes_every_record(self, spec) is not None \
            else walk_condition(self, spec, shown, int(page) * int(size))
        if walk is not None:
            condition, params = walk
            order = 'ORDER BY incidents.date_start, incidents.date_end, incidents.id COLLATE "C"'
        page = min(max(int(page), 1), max(1, -(-int(shown) // int(size))))
        if walk is None:  # a date range cutting the store: walked from its earliest start
            from geo.store.pg_table import range_page, range_walk

            lo = range_walk(self, spec, shown, page * int(size))
            if lo is not None:
                return range_page(self, spec, lo, page, size)
        offset = (page - 1) * int(size)
        return self._records(condition, params, sql.SQL(
            f"{order} LIMIT {int(size)} OFFSET {offset}"))

    def get(self, incident_id: str) -> pd.DataFrame:
        """The record ``incident_id`` (no row when absent)."""
        return self._records(sql.SQL("id = %s"), [incident_id], sql.SQL("LIMIT 1"))

    def has(self, incident_id: str) -> bool:
        """Whether the store holds ``incident_id``."""
        return bool(self._rows(sql.SQL("SELECT 1 FROM {} WHERE id = %s LIMIT 1").format(
            self._table), [incident_id]))

    def extent(self, spec: QueryFilter) -> tuple[float, float, float, float] | None:
        """``(west, south, east, north)`` of the view's drawn incidents; None when none."""
        condition, params = combine(where_clauses(spec))
        box = self._rows(sql.SQL(
            "SELECT min(longitude), min(latitude), max(longitude), max(latitude) FROM {} "
            "WHERE " + DRAWN_SQL + " AND {}").format(self._table, condition), params)[0]
        return None if box[0] is None else tuple(float(v) for v in box)  # type: ignore[return-value]

    def violence_codes(self) -> tuple[int, ...]:
        """UCDP type-of-violence codes present in the store."""
        rows = self._rows(sql.SQL(
            "SELECT DISTINCT type_of_violence FROM {} WHERE type_of_violence IS NOT NULL"
        ).format(self._table))
        return tuple(sorted(int(r[0]) for r in rows))

    def timeline(self, spec: QueryFilter, edges: Sequence[date],
                 skip: tuple[str, ...] = ("date",)) -> pd.DataFrame:
        """Dated incidents of the view per date precision, first and last bin.

        Parameters
        ----------
        spec : QueryFilter
        edges : sequence of date
            Sorted bin edges (see :func:`geo.view.timeline.bin_edges`).
        skip : tuple of str
            Filters not applied (the timeline shows every date).

        Returns
        -------
        pandas.DataFrame
            ``precision`` (``date_precision`` as stored), ``first``, ``last`` (bins,
            0-based, clipped to the edges), ``count``.
        """
        from geo.store.pg_cube import cube_timeline
        from geo.store.pg_day_months import day_source, months_edges
        from geo.store.pg_grid import dates_table, passes_every_record

        condition, params = combine(where_clauses(spec), skip)
        source: sql.Composable = self._table
        count = sql.SQL("count(*)")
        undated = replace(spec, date_from=None, date_to=None)
        if set(skip) >= {"date"} and passes_every_record(self, undated) is not None:
            # Every record counts: the per-day figures kept with the grid (a few
            # thousand rows) instead of the records.
            source, count, condition, params = dates_table(self), sql.SQL("sum(n)"), \
                sql.SQL("TRUE"), []
        else:
            summed = cube_timeline(self, spec, skip)  # the per-day figures, filtered
            if summed is not None:
                source, count, (condition, params) = dates_table(self), sql.SQL("sum(n)"), \
                    summed
        if source is not self._table and months_edges(edges):  # monthly bins: summed by month
            dates = (None, None) if "date" in skip else (spec.date_from, spec.date_to)
            source = day_source(self, *dates) or source
        bins = len(edges) - 1
        query = sql.SQL(
            "SELECT date_precision, least(greatest(width_bucket(date_start, %s::date[]) - 1, 0),"
            " %s), least(greatest(width_bucket(date_end, %s::date[]) - 1, 0), %s), {} "
            "FROM {} WHERE date_start IS NOT NULL AND date_end IS NOT NULL AND date_end >= %s "
            "AND date_start < %s AND {} GROUP BY 1, 2, 3").format(count, source, condition)
        days = list(edges)
        rows = self._rows(query, [days, bins - 1, days, bins - 1, days[0], days[-1], *params])
        return pd.DataFrame(rows, columns=["precision", "first", "last", "count"]).astype(
            {"first": "int64", "last": "int64", "count": "int64"})


def cell_frame(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Rows of cell figures (:data:`CELL_COLUMNS` but the label, ``first``, the type and
    claim counts, the label) as :meth:`PostGISQuery.cells` returns them."""
    names = [*CELL_COLUMNS[:-1], "first",
             *(f"t{i}" for i in range(len(EVENT_TYPES) + 1)),
             *(f"c{i}" for i in range(len(CLAIM_STATUSES) + 1)), "label"]
    frame = pd.DataFrame(list(rows), columns=names, dtype=object)
    for column in frame.columns:
        if column != "label":
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["label"] = frame["label"].fillna("").astype(str)
    # In store order of each cell's first record, as the frame path meets them.
    frame = frame.sort_values("first", kind="stable").drop(columns="first")
    return frame.reset_index(drop=True)


def _areas_key(areas: AdminAreas) -> str:
    """A digest of the admin areas (a change of boundaries syncs every record again)."""
    codes = sorted(c for level in (1, 2) for c, _ in areas.options(level)) if areas else []
    return hashlib.blake2b("|".join(codes).encode(), digest_size=8).hexdigest()
