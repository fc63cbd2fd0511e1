"""The team store: PostgreSQL with PostGIS, through psycopg 3.

The ``incidents`` table keeps a point geometry generated from the coordinate columns,
with a GiST index on it, B-tree indexes on the dates, and a GiST index on geometry and
date range together, so date-range and map-bounds queries run in the database and a
query with both is answered by one index scan. Every write is one transaction under a
transaction-level advisory lock: concurrent writers from any number of app instances
queue, and a writer that dies midway leaves nothing behind (PostgreSQL rolls its transaction back).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pandas as pd
import psycopg
from psycopg import sql

from geo.errors import StoreUnavailable
from geo.geocoding.overrides import Override
from geo.schema import INCIDENT_COLUMNS
from geo.store import learned as learned_sql
from geo.store import place_corrections as place_sql
from geo.store import revisions
from geo.store.base import (
    DUPLICATE_COLUMNS,
    HISTORY_COLUMNS,
    Bounds,
    IncidentStore,
    WriteTransaction,
    base_from_json,
    base_json,
    iso_day,
    split_bounds,
)
from geo.store.base import (
    with_flags as add_flags,
)
from geo.store.corrections import (
    CORRECTION_COLUMNS,
    META_KEY,
    correction_from_row,
    correction_row,
    numeric_id,
    sql_type,
)
from geo.store.records import (
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    DuplicateFlag,
    Row,
    rows_to_frame,
)
from geo.store.urls import safe_url, split_url

_TIME = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


def _pg_type(column: str) -> str:
    if column in DATE_COLUMNS:
        return "date"
    if column in FLOAT_COLUMNS:
        return "double precision"
    if column in INT_COLUMNS:
        return "integer"
    return "text NOT NULL DEFAULT ''" if column != "id" else "text NOT NULL UNIQUE"


class PostGISStore(IncidentStore):
    """Incidents in PostgreSQL/PostGIS.

    Parameters
    ----------
    url : str
        ``postgresql://`` URL; a ``schema=NAME`` parameter puts the tables in that schema.
    schema : str, optional
        Overrides the URL's schema.
    create : bool
        Create the tables when the schema has none; when False, a schema without them
        raises :class:`geo.errors.StoreUnavailable`.

    Raises
    ------
    geo.errors.StoreUnavailable
        The server cannot be reached, or refuses the connection.
    """

    kind = "postgis"

    def __init__(self, url: str, schema: str | None = None, *, create: bool = True) -> None:
        self._url, url_schema = split_url(url)
        self.schema = schema or url_schema
        self.location = safe_url(url)
        self._local = threading.local()
        s = sql.Identifier(self.schema)
        self._t = {
            name: sql.SQL("{}.{}").format(s, sql.Identifier(name))
            for name in ("incidents", "incident_history", "incident_duplicates", "store_meta",
                         "geocode_overrides")
        }
        self._lock_key = f"incident-map:{self.schema}"

        def quoted(name: str) -> str:
            return '"' + self.schema.replace('"', '""') + '"."' + name + '"'

        self._learned = learned_sql.Dialect(
            mark="%s", incidents=quoted("incidents"), places=quoted("learned_places"),
            sources=quoted("learned_sources"), meta=quoted("store_meta"),
            round_sql="round({0}::numeric, {1})::double precision", postgres=True,
        )
        try:
            exists = self._conn().execute(
                "SELECT to_regclass(%s) IS NOT NULL", (f'"{self.schema}".incidents',)
            ).fetchone()
            self.created = not (exists and exists[0])
            if self.created and not create:
                raise StoreUnavailable(f"there is no incident store in {self.location} "
                                       f"(schema {self.schema})")
            self._create()
        except psycopg.Error as exc:
            raise self._unavailable(exc) from None

    # -- plumbing -----------------------------------------------------------------------

    def _conn(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            try:
                conn = psycopg.connect(self._url, autocommit=True)
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
            self._local.conn = conn
        return conn

    def connection(self) -> psycopg.Connection:
        """This thread's connection (autocommit), for the read queries of
        :mod:`geo.store.pg_query`."""
        return self._conn()

    def table(self, name: str) -> sql.Composed:
        """The schema-qualified name of one of the store's tables."""
        return self._t[name]

    def _unavailable(self, exc: psycopg.Error) -> StoreUnavailable:
        """A database error as what it means for the analyst."""
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if isinstance(exc, psycopg.errors.DiskFull):
            why = "the database server's disk is full; nothing was written"
        elif isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            why = "the database is read-only (a standby?); nothing was written"
        elif isinstance(exc, psycopg.errors.InsufficientPrivilege):
            why = f"this database user may not write here ({first}); nothing was written"
        elif isinstance(exc, psycopg.OperationalError):
            why = f"cannot reach the database ({first})"
        else:
            why = first
        return StoreUnavailable(f"incident store {self.location}: {why}")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _create(self) -> None:
        t = self._t
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_pg_type(c)))
            for c in INCIDENT_COLUMNS
        )
        statements: list[sql.SQL | sql.Composed] = [
            sql.SQL("CREATE EXTENSION IF NOT EXISTS postgis"),
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, {}, "
                "origin text NOT NULL DEFAULT '', imported jsonb, updated_at timestamptz, "
                "revision bigint NOT NULL DEFAULT 0, "
                "geom geometry(Point, 4326) GENERATED ALWAYS AS (CASE WHEN latitude IS NOT NULL"
                " AND longitude IS NOT NULL THEN ST_SetSRID(ST_MakePoint(longitude, latitude),"
                " 4326) END) STORED)"
            ).format(t["incidents"], columns),
            *(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    t["incidents"], sql.Identifier(c), sql.SQL(_pg_type(c))
                )
                for c in INCIDENT_COLUMNS
                if c != "id"
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_geom_gist ON {} USING gist (geom)")
            .format(t["incidents"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_dates ON {} (date_start, date_end)")
            .format(t["incidents"]),
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS incidents_space_time ON {} USING gist "
                "(geom, daterange(date_start, date_end, '[]'))"
            ).format(t["incidents"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_date_end ON {} (date_end)")
            .format(t["incidents"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_origin ON {} (origin)")
            .format(t["incidents"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_revision ON {} (revision)")
            .format(t["incidents"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incidents_place ON {} (lower(place), date_start)")
            .format(t["incidents"]),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, incident_id text NOT "
                "NULL, at timestamptz NOT NULL, who text NOT NULL, field text NOT NULL, "
                "before text, after text, reason text)"
            ).format(t["incident_history"]),
            sql.SQL("CREATE INDEX IF NOT EXISTS incident_history_id ON {} (incident_id)")
            .format(t["incident_history"]),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, id_a text NOT NULL, "
                "id_b text NOT NULL, reason text, flagged_at timestamptz, status text NOT NULL "
                "DEFAULT 'open', UNIQUE (id_a, id_b))"
            ).format(t["incident_duplicates"]),
            sql.SQL("CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, value text)")
            .format(t["store_meta"]),
            sql.SQL("INSERT INTO {} VALUES ('revision', '0') ON CONFLICT DO NOTHING")
            .format(t["store_meta"]),
            sql.SQL("CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, {})").format(
                t["geocode_overrides"],
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(sql_type(c, postgres=True)))
                    for c in CORRECTION_COLUMNS
                ),
            ),
            sql.SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS geocode_overrides_in_force ON {} "
                "(name_key, country, admin_key) WHERE active = 1"
            ).format(t["geocode_overrides"]),
            sql.SQL("INSERT INTO {} VALUES ({}, '0') ON CONFLICT DO NOTHING")
            .format(t["store_meta"], sql.Literal(META_KEY)),
        ]
        conn = self._conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('incident-map:create'))")
            new = conn.execute(
                "SELECT to_regclass(%s) IS NULL", (self._learned.sources,)
            ).fetchone()
            for statement in statements[:3]:
                conn.execute(statement)
            revisions.add_column_if_missing(_runner(conn), self._learned, self.schema)
            for statement in statements[3:]:
                conn.execute(statement)
            for text in learned_sql.schema(self._learned):
                conn.execute(text.encode())
            place_sql.add_table(_runner(conn), self._learned)
            if new is not None and new[0]:  # a store made before learned places: learn now
                learned_sql.relearn(_runner(conn), self._learned)
            learned_sql.follow_rule(_runner(conn), self._learned)

    @contextmanager
    def _transaction(self) -> Iterator[WriteTransaction]:
        conn = self._conn()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._lock_key,))
                yield _PgTransaction(conn, self._t, self._learned)
        except (psycopg.OperationalError, psycopg.errors.DiskFull,
                psycopg.errors.ReadOnlySqlTransaction,
                psycopg.errors.InsufficientPrivilege) as exc:
            raise self._unavailable(exc) from None

    def _read(
        self, query: sql.SQL | sql.Composed, params: Sequence[object] = ()
    ) -> list[tuple]:
        try:
            return self._conn().execute(query, tuple(params)).fetchall()
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    def _run_read(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        return _runner(self._conn())(statement, params)

    def _dialect(self) -> learned_sql.Dialect:
        return self._learned

    def _fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        try:
            return _PgTransaction(self._conn(), self._t, self._learned).fetch(ids)
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    # -- reads --------------------------------------------------------------------------

    def query(
        self,
        *,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        bounds: Bounds | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """See :meth:`IncidentStore.query`."""
        where: list[sql.Composable] = []
        params: list[object] = []
        if date_from is not None or date_to is not None:
            low = None if date_from is None else iso_day(date_from)
            high = None if date_to is None else iso_day(date_to)
            # The range test lets the space-time GiST index answer bounds and dates at
            # once; the plain comparisons leave out undated incidents.
            where.append(sql.SQL(
                "daterange(date_start, date_end, '[]') && daterange(%s::date, %s::date, '[]')"
                " AND date_end >= coalesce(%s::date, date_end)"
                " AND date_start <= coalesce(%s::date, date_start)"
            ))
            params.extend([low, high, low, high])
        if bounds is not None:
            boxes = []
            for box in split_bounds(bounds):
                boxes.append(sql.SQL("ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))"))
                params.extend(box)
            where.append(sql.SQL("(") + sql.SQL(" OR ").join(boxes) + sql.SQL(")"))
        query = sql.SQL("SELECT {} FROM {}").format(record_columns(), self._t["incidents"])
        if where:
            query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
        query += sql.SQL(" ORDER BY date_start, id")
        if limit is not None:
            query += sql.SQL(" LIMIT %s")
            params.append(int(limit))
        return rows_to_frame(self._read(query, params))

    def incidents(self, *, with_flags: bool = False) -> pd.DataFrame:
        """See :meth:`IncidentStore.incidents`."""
        rows = self._read(
            sql.SQL("SELECT {}, origin FROM {} ORDER BY fid").format(
                record_columns(), self._t["incidents"]
            )
        )
        frame = rows_to_frame([r[:-1] for r in rows])
        if not with_flags:
            return frame
        return add_flags(frame, [str(r[-1]) for r in rows], self.duplicates())

    def get(self, incident_id: str) -> dict[str, object] | None:
        """See :meth:`IncidentStore.get`."""
        rows = self._read(
            sql.SQL("SELECT {} FROM {} WHERE id = %s").format(record_columns(),
                                                              self._t["incidents"]),
            [incident_id],
        )
        return dict(zip(INCIDENT_COLUMNS, rows[0], strict=True)) if rows else None

    def count(self) -> int:
        """See :meth:`IncidentStore.count`."""
        query = sql.SQL("SELECT count(*) FROM {}").format(self._t["incidents"])
        return int(self._read(query)[0][0])

    def history(self, incident_id: str | None = None) -> pd.DataFrame:
        """See :meth:`IncidentStore.history`."""
        columns = sql.SQL(", ").join(
            sql.SQL(_TIME.format("at")) if c == "at" else sql.Identifier(c)
            for c in HISTORY_COLUMNS
        )
        query = sql.SQL("SELECT {} FROM {}").format(columns, self._t["incident_history"])
        params: list[object] = []
        if incident_id is not None:
            query += sql.SQL(" WHERE incident_id = %s")
            params.append(incident_id)
        rows = self._read(query + sql.SQL(" ORDER BY fid"), params)
        return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS), dtype=object).fillna("")

    def duplicates(self) -> pd.DataFrame:
        """See :meth:`IncidentStore.duplicates`."""
        columns = sql.SQL(", ").join(
            sql.SQL(_TIME.format("flagged_at")) if c == "flagged_at" else sql.Identifier(c)
            for c in DUPLICATE_COLUMNS
        )
        rows = self._read(
            sql.SQL("SELECT {} FROM {} ORDER BY fid").format(
                columns, self._t["incident_duplicates"]
            )
        )
        return pd.DataFrame(rows, columns=list(DUPLICATE_COLUMNS), dtype=object)

    def _set_duplicate_status(self, tx: WriteTransaction, a: str, b: str, status: str) -> bool:
        cur = tx.conn.execute(  # type: ignore[attr-defined]
            sql.SQL("UPDATE {} SET status = %s WHERE id_a = %s AND id_b = %s").format(
                self._t["incident_duplicates"]
            ),
            (status, a, b),
        )
        return bool(cur.rowcount)

    def corrections(self) -> list[Override]:
        """See :meth:`IncidentStore.corrections`."""
        rows = self._read(
            sql.SQL("SELECT {} FROM {} ORDER BY fid").format(
                _correction_columns(), self._t["geocode_overrides"]
            )
        )
        return [correction_from_row(r) for r in rows]

    def corrections_revision(self) -> int:
        """See :meth:`IncidentStore.corrections_revision`."""
        rows = self._read(
            sql.SQL("SELECT value FROM {} WHERE key = %s").format(self._t["store_meta"]),
            [META_KEY],
        )
        return int(rows[0][0]) if rows else 0

    def revision(self) -> int:
        """See :meth:`IncidentStore.revision`."""
        return int(
            self._read(
                sql.SQL("SELECT value FROM {} WHERE key = 'revision'").format(self._t["store_meta"])
            )[0][0]
        )


def _runner(conn: psycopg.Connection) -> learned_sql.Run:
    """Run statements of :mod:`geo.store.learned` on a connection."""

    def run(statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        cur = conn.execute(statement.encode(), tuple(params))
        return cur.fetchall() if cur.description is not None else []

    return run


class _PgTransaction(WriteTransaction):
    def __init__(self, conn: psycopg.Connection, tables: dict[str, sql.Composed],
                 dialect: learned_sql.Dialect) -> None:
        self.conn = conn
        self._t = tables
        self._dialect = dialect

    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        rows = self.conn.execute(
            sql.SQL("SELECT {}, imported FROM {} WHERE id = ANY(%s)").format(
                record_columns(), self._t["incidents"]
            ),
            (list(ids),),
        ).fetchall()
        return {str(r[0]): (tuple(r[:-1]), base_from_json(r[-1])) for r in rows}

    def insert(self, rows: Iterable[tuple[Row, str, Row]], at: str) -> None:
        columns = sql.SQL(", ").join(
            sql.Identifier(c)
            for c in (*INCIDENT_COLUMNS, "origin", "imported", "updated_at", "revision")
        )
        found = self.conn.execute(f"SELECT {revisions.next_revision(self.dialect)}".encode())
        next_revision = int(found.fetchone()[0])  # type: ignore[index]
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(self._t["incidents"], columns)
        with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row, origin, _ in rows:
                copy.write_row((*row, origin, None, at, next_revision))

    def update(self, rows: Sequence[tuple[Row, Row | None]], at: str) -> None:
        sets = sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(c)) for c in INCIDENT_COLUMNS[1:]
        )
        query = sql.SQL(
            "UPDATE {} SET {}, updated_at = %s, imported = %s::jsonb, revision = {} "
            "WHERE id = %s"
        ).format(self._t["incidents"], sets, sql.SQL(revisions.next_revision(self.dialect)))
        with self.conn.cursor() as cur:
            cur.executemany(
                query,
                [
                    (*row[1:], at, None if base is None else base_json(base), row[0])
                    for row, base in rows
                ],
            )

    def add_history(self, entries: Iterable[tuple[str, str, str, str, str, str, str]]) -> None:
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in HISTORY_COLUMNS)
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(self._t["incident_history"], columns)
        with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for entry in entries:
                copy.write_row(entry)

    def add_duplicates(self, flags: Sequence[DuplicateFlag], at: str) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    "INSERT INTO {} (id_a, id_b, reason, flagged_at) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (id_a, id_b) DO NOTHING"
                ).format(self._t["incident_duplicates"]),
                [(f.id_a, f.id_b, f.reason, at) for f in flags],
            )
        self.touch({i for f in flags for i in (f.id_a, f.id_b)})

    def touch(self, ids: Iterable[str]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(revisions.touch_sql(self.dialect).encode(), [(i,) for i in ids])
    def bump_revision(self) -> None:
        self._bump("revision")

    def _bump(self, key: str) -> None:
        self.conn.execute(
            sql.SQL("UPDATE {} SET value = (value::bigint + 1)::text WHERE key = %s").format(
                self._t["store_meta"]
            ),
            (key,),
        )

    def correction(self, override_id: str) -> Override | None:
        row = self.conn.execute(
            sql.SQL("SELECT {} FROM {} WHERE override_id = %s").format(
                _correction_columns(), self._t["geocode_overrides"]
            ),
            (override_id,),
        ).fetchone()
        return None if row is None else correction_from_row(row)

    def add_correction(self, draft: Override) -> Override:
        table = self._t["geocode_overrides"]
        name_key, country, admin_key = draft.key
        self.conn.execute(
            sql.SQL(
                "UPDATE {} SET active = 0, undone_by = %s, undone_at = %s "
                "WHERE active = 1 AND name_key = %s AND country = %s AND admin_key = %s"
            ).format(table),
            (draft.created_by, draft.created_at, name_key, country, admin_key),
        )
        marks = sql.SQL(", ").join(sql.Placeholder() * len(CORRECTION_COLUMNS))
        row = self.conn.execute(
            sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING fid").format(
                table, _correction_columns(), marks
            ),
            correction_row(draft),
        ).fetchone()
        assert row is not None
        stored = replace(draft, override_id=f"o{row[0]}")
        self.conn.execute(
            sql.SQL("UPDATE {} SET override_id = %s WHERE fid = %s").format(table),
            (stored.override_id, row[0]),
        )
        self._bump(META_KEY)
        return stored

    def undo_correction(self, undone: Override) -> None:
        self.conn.execute(
            sql.SQL(
                "UPDATE {} SET active = 0, undone_by = %s, undone_at = %s WHERE override_id = %s"
            ).format(self._t["geocode_overrides"]),
            (undone.undone_by, undone.undone_at, undone.override_id),
        )
        self._bump(META_KEY)

    def insert_corrections(self, records: Sequence[Override]) -> None:
        table = self._t["geocode_overrides"]
        name = table.as_string(self.conn)
        marks = sql.SQL(", ").join(sql.Placeholder() * len(CORRECTION_COLUMNS))
        with self.conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    "INSERT INTO {} (fid, {}) VALUES "
                    "(coalesce(%s::bigint, nextval(pg_get_serial_sequence(%s, 'fid'))), {})"
                ).format(table, _correction_columns(), marks),
                [(numeric_id(o.override_id), name, *correction_row(o)) for o in records],
            )
        self.conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'fid'), "
                "(SELECT coalesce(max(fid), 0) + 1 FROM {}), false)"
            ).format(table),
            (name,),
        )
        self._bump(META_KEY)


    def run(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        return _runner(self.conn)(statement, params)

    @property
    def dialect(self) -> learned_sql.Dialect:
        return self._dialect


def _correction_columns() -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(c) for c in CORRECTION_COLUMNS)


def record_columns() -> sql.Composed:
    """The incident columns as a SELECT list (dates as ISO text, as the records hold them)."""
    return sql.SQL(", ").join(
        sql.SQL("{}::text").format(sql.Identifier(c)) if c in DATE_COLUMNS else sql.Identifier(c)
        for c in INCIDENT_COLUMNS
    )
