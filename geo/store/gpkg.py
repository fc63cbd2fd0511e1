"""The embedded store: one GeoPackage file that QGIS and GDAL open as it is.

The feature table ``incidents`` holds point geometries (GeoPackage binary, EPSG:4326)
beside the incident columns, with the GeoPackage R-tree spatial index kept by triggers
on the coordinate columns and B-tree indexes on the dates. History and duplicate flags
are GeoPackage attribute tables. Writes are SQLite transactions (a killed writer leaves
a journal that the next opener rolls back) under an ``fcntl`` lock on a side file, so
concurrent writers from several processes queue instead of failing.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd

from geo.errors import StoreUnavailable
from geo.geocoding.overrides import Override
from geo.io.files import locked
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
    now,
    split_bounds,
)
from geo.store.base import (
    with_flags as add_flags,
)
from geo.store.corrections import (
    CORRECTION_COLUMNS,
    META_KEY,
    SqliteCorrections,
    add_sqlite_table,
    correction_from_row,
    sqlite_schema,
)
from geo.store.gpkg_checks import check_existing, unavailable
from geo.store.records import (
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    DuplicateFlag,
    Row,
    rows_to_frame,
)

TABLE = "incidents"
RTREE = "rtree_incidents_geom"
SRS_ID = 4326
_APPLICATION_ID = 0x47504B47  # "GPKG"
_USER_VERSION = 10300  # GeoPackage 1.3
_BUSY_MS = 120_000
_COLS = ", ".join(INCIDENT_COLUMNS)
_POINT = struct.Struct("<2sBBiBIdd")
_WGS84 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)


def _sql_type(column: str) -> str:
    if column in DATE_COLUMNS:
        return "DATE"
    if column in FLOAT_COLUMNS:
        return "DOUBLE"
    if column in INT_COLUMNS:
        return "INTEGER"
    return "TEXT"


def point_blob(lon: float | None, lat: float | None) -> bytes | None:
    """GeoPackage binary of a point (little-endian WKB, no envelope), or None."""
    if lon is None or lat is None:
        return None
    return _POINT.pack(b"GP", 0, 1, SRS_ID, 1, 1, lon, lat)


_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_point_insert AFTER INSERT ON {TABLE}
    WHEN NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL BEGIN
    INSERT OR REPLACE INTO {RTREE} VALUES
        (NEW.fid, NEW.longitude, NEW.longitude, NEW.latitude, NEW.latitude); END"""
"""Keeps the spatial index current for rows other programs insert."""

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    f"""INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
        ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian'),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic'),
        ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{_WGS84}',
         'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
        identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (
        table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
        definition TEXT NOT NULL, scope TEXT NOT NULL,
        CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT,
        {", ".join(
            f"{c} {_sql_type(c)}" + (" NOT NULL UNIQUE" if c == "id" else "")
            for c in INCIDENT_COLUMNS
        )},
        origin TEXT NOT NULL DEFAULT '', imported TEXT, updated_at DATETIME,
        revision INTEGER NOT NULL DEFAULT 0)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_dates ON {TABLE} (date_start, date_end)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_revision ON {TABLE} (revision)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_place ON {TABLE} (lower(place), date_start)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {RTREE} USING rtree(id, minx, maxx, miny, maxy)",
    _INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_point_update
        AFTER UPDATE OF latitude, longitude ON {TABLE} BEGIN
        DELETE FROM {RTREE} WHERE id = OLD.fid;
        INSERT INTO {RTREE} SELECT NEW.fid, NEW.longitude, NEW.longitude, NEW.latitude,
            NEW.latitude WHERE NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_point_delete AFTER DELETE ON {TABLE} BEGIN
        DELETE FROM {RTREE} WHERE id = OLD.fid; END""",
    """CREATE TABLE IF NOT EXISTS incident_history (
        fid INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL, at DATETIME NOT NULL,
        who TEXT NOT NULL, field TEXT NOT NULL, before TEXT, after TEXT, reason TEXT)""",
    "CREATE INDEX IF NOT EXISTS incident_history_id ON incident_history (incident_id)",
    """CREATE TABLE IF NOT EXISTS incident_duplicates (
        fid INTEGER PRIMARY KEY AUTOINCREMENT, id_a TEXT NOT NULL, id_b TEXT NOT NULL,
        reason TEXT, flagged_at DATETIME, status TEXT NOT NULL DEFAULT 'open',
        UNIQUE (id_a, id_b))""",
    """CREATE TABLE IF NOT EXISTS store_meta (
        fid INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT)""",
    "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('revision', '0')",
    f"""INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description,
        srs_id) VALUES ('{TABLE}', 'features', '{TABLE}', 'Incident records', {SRS_ID})""",
    f"""INSERT OR IGNORE INTO gpkg_geometry_columns VALUES
        ('{TABLE}', 'geom', 'POINT', {SRS_ID}, 0, 0)""",
    f"""INSERT OR IGNORE INTO gpkg_extensions VALUES ('{TABLE}', 'geom', 'gpkg_rtree_index',
        'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')""",
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('incident_history', 'attributes', 'incident_history',
                'Who changed which field of which incident, when, before and after')""",
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('incident_duplicates', 'attributes', 'incident_duplicates',
                'Likely duplicates across sources, flagged for review')""",
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('store_meta', 'attributes', 'store_meta', 'Incident Map store state')""",
]

_CORRECTION_COLS = ", ".join(CORRECTION_COLUMNS)


DIALECT = learned_sql.Dialect(
    mark="?", incidents=TABLE, places="learned_places", sources="learned_sources",
    meta="store_meta", round_sql="round({0}, {1})",
)
_NEXT = revisions.next_revision(DIALECT)
_LEARNED_CONTENTS = [
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('learned_places', 'attributes', 'learned_places',
                'Place names and points learned from the stored records, per source')""",
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
        VALUES ('learned_sources', 'attributes', 'learned_sources',
                'Datasets that taught places, and whether the geocoder uses them')""",
]


_PLACE_CONTENTS = """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier,
    description) VALUES ('place_corrections', 'attributes', 'place_corrections',
    'Places moved whole on the Review page (undone ones kept, marked)')"""


class GeoPackageStore(IncidentStore):
    """Incidents in one GeoPackage file (the embedded default).

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file.
    create : bool
        Create the file (and its folder) when it does not exist; when False, a missing
        file raises :class:`geo.errors.StoreUnavailable`.

    Raises
    ------
    geo.errors.StoreUnavailable
        The path is a folder, an empty (0-byte) file, not a SQLite file, a GeoPackage
        that is not an incident store, or cannot be read. An existing file is never
        overwritten, and tables are never added to a file that is not a store.
    """

    kind = "geopackage"

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        if not self.path.exists() and not create:
            raise StoreUnavailable(f"there is no incident store at {self.path}")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                if self.path.exists() or self.path.is_symlink():
                    check_existing(self.path, TABLE)
                    self.created = False
                    with self._connect() as conn:
                        _add_new_columns(conn)
                        _add_place_corrections(conn)  # before: learning reads it
                        _add_learned(conn)
                        _follow_learned_rule(conn)
                        add_sqlite_table(conn)
                        revisions.add_column_if_missing(conn.execute, DIALECT)
                else:
                    with self._connect() as conn:
                        _create(conn)
                    self.created = True
        except OSError as exc:
            if isinstance(exc, StoreUnavailable):
                raise
            raise StoreUnavailable(
                f"cannot open the incident store {self.path}: {exc.strerror or exc}"
            ) from None
        except sqlite3.Error as exc:
            raise unavailable(self.path, exc) from None

    # -- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with locked(self.path):
            yield

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            conn.execute("PRAGMA cache_size = -65536")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[WriteTransaction]:
        try:
            with self._locked(), self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield _GpkgTransaction(conn)
                    conn.execute(
                        "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
                        (now(), TABLE),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    # SQLite rolls back by itself on some errors (a full disk): a second
                    # ROLLBACK would fail and hide the real cause.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:
            raise unavailable(self.path, exc) from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                raise
            raise unavailable(self.path, exc) from None
        except PermissionError as exc:
            raise StoreUnavailable(
                f"cannot write to the incident store {self.path}: {exc.strerror or exc}"
            ) from None

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        try:
            with self._connect() as conn:
                return conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise unavailable(self.path, exc) from None

    def _run_read(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        return self._read(statement, params)

    def _dialect(self) -> learned_sql.Dialect:
        return DIALECT

    def _fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        try:  # a read transaction, ended as the connection closes; no write lock
            with self._connect() as conn:
                conn.execute("BEGIN")
                return _GpkgTransaction(conn).fetch(ids)
        except sqlite3.DatabaseError as exc:
            raise unavailable(self.path, exc) from None

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
        where: list[str] = []
        params: list[object] = []
        if date_from is not None:
            where.append("i.date_end >= ?")
            params.append(iso_day(date_from))
        if date_to is not None:
            where.append("i.date_start <= ?")
            params.append(iso_day(date_to))
        if bounds is not None:
            boxes = []
            for west, south, east, north in split_bounds(bounds):
                boxes.append(
                    f"(i.fid IN (SELECT id FROM {RTREE} WHERE minx <= ? AND maxx >= ? "
                    "AND miny <= ? AND maxy >= ?) AND i.longitude BETWEEN ? AND ? "
                    "AND i.latitude BETWEEN ? AND ?)"
                )
                params.extend([east, west, north, south, west, east, south, north])
            where.append("(" + " OR ".join(boxes) + ")")
        sql = f"SELECT {_select('i')} FROM {TABLE} i"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY i.date_start, i.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return rows_to_frame(self._read(sql, params))

    def incidents(self, *, with_flags: bool = False) -> pd.DataFrame:
        """See :meth:`IncidentStore.incidents`."""
        rows = self._read(f"SELECT {_select('i')}, i.origin FROM {TABLE} i ORDER BY i.fid")
        frame = rows_to_frame([r[:-1] for r in rows])
        if not with_flags:
            return frame
        return add_flags(frame, [str(r[-1]) for r in rows], self.duplicates())

    def incident_chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        """``incidents(with_flags=True)``, ``rows`` records at a time (at least one frame).

        One short read per chunk (by ``fid``, after the last one read): a million rows
        are never all Python tuples at once, and no read lock is held between chunks.
        """
        flags, last, read = self.duplicates(), 0, 0
        sql = (f"SELECT {_select('i')}, i.origin, i.fid FROM {TABLE} i WHERE i.fid > ? "
               "ORDER BY i.fid LIMIT ?")
        while batch := self._read(sql, [last, rows]):
            read, last = read + len(batch), int(batch[-1][-1])  # type: ignore[call-overload]
            yield add_flags(rows_to_frame([r[:-2] for r in batch]),
                            [str(r[-2]) for r in batch], flags)
            if len(batch) < rows:
                break
        if not read:  # an empty store: its empty frame
            yield self.incidents(with_flags=True)

    def get(self, incident_id: str) -> dict[str, object] | None:
        """See :meth:`IncidentStore.get`."""
        rows = self._read(f"SELECT {_COLS} FROM {TABLE} WHERE id = ?", [incident_id])
        return dict(zip(INCIDENT_COLUMNS, rows[0], strict=True)) if rows else None

    def count(self) -> int:
        """See :meth:`IncidentStore.count`."""
        return int(self._read(f"SELECT count(*) FROM {TABLE}")[0][0])  # type: ignore[call-overload]

    def history(self, incident_id: str | None = None) -> pd.DataFrame:
        """See :meth:`IncidentStore.history`."""
        sql = f"SELECT {', '.join(HISTORY_COLUMNS)} FROM incident_history"
        params: list[object] = []
        if incident_id is not None:
            sql += " WHERE incident_id = ?"
            params.append(incident_id)
        rows = self._read(sql + " ORDER BY fid", params)
        return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS), dtype=object).fillna("")

    def duplicates(self) -> pd.DataFrame:
        """See :meth:`IncidentStore.duplicates`."""
        rows = self._read(
            f"SELECT {', '.join(DUPLICATE_COLUMNS)} FROM incident_duplicates ORDER BY fid"
        )
        return pd.DataFrame(rows, columns=list(DUPLICATE_COLUMNS), dtype=object)

    def _set_duplicate_status(self, tx: WriteTransaction, a: str, b: str, status: str) -> bool:
        cur = tx.conn.execute(  # type: ignore[attr-defined]
            "UPDATE incident_duplicates SET status = ? WHERE id_a = ? AND id_b = ?",
            (status, a, b),
        )
        return bool(cur.rowcount)

    def corrections(self) -> list[Override]:
        """See :meth:`IncidentStore.corrections`."""
        rows = self._read(f"SELECT {_CORRECTION_COLS} FROM geocode_overrides ORDER BY fid")
        return [correction_from_row(r) for r in rows]

    def corrections_revision(self) -> int:
        """See :meth:`IncidentStore.corrections_revision`."""
        rows = self._read("SELECT value FROM store_meta WHERE key = ?", [META_KEY])
        return int(rows[0][0]) if rows else 0  # type: ignore[call-overload]

    def revision(self) -> int:
        """See :meth:`IncidentStore.revision`."""
        return int(self._read("SELECT value FROM store_meta WHERE key = 'revision'")[0][0])  # type: ignore[call-overload]


class _GpkgTransaction(SqliteCorrections, WriteTransaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _ids (id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM _ids")
        self.conn.executemany("INSERT OR IGNORE INTO _ids VALUES (?)", ((i,) for i in ids))
        rows = self.conn.execute(
            f"SELECT {_select('t')}, t.imported FROM {TABLE} t JOIN _ids USING (id)"
        ).fetchall()
        self.conn.execute("DELETE FROM _ids")
        return {str(r[0]): (tuple(r[:-1]), base_from_json(r[-1])) for r in rows}

    def insert(self, rows: Iterable[tuple[Row, str, Row]], at: str) -> None:
        # A batch fills the R-tree in one statement, ~3x faster than its row trigger; the
        # trigger is dropped and re-created inside this transaction, so no other
        # connection ever sees the table without it.
        lat, lon = INCIDENT_COLUMNS.index("latitude"), INCIDENT_COLUMNS.index("longitude")
        marks = ", ".join("?" * (len(INCIDENT_COLUMNS) + 4))
        last = self.conn.execute(f"SELECT coalesce(max(fid), 0) FROM {TABLE}").fetchone()[0]
        self.conn.execute(f"DROP TRIGGER IF EXISTS {TABLE}_point_insert")
        self.conn.executemany(
            f"INSERT INTO {TABLE} (geom, {_COLS}, origin, imported, updated_at, revision) "
            f"VALUES ({marks}, {_NEXT})",
            (
                (point_blob(row[lon], row[lat]), *row, origin, None, at)  # type: ignore[arg-type]
                for row, origin, _ in rows
            ),
        )
        self.conn.execute(
            f"INSERT INTO {RTREE} SELECT fid, longitude, longitude, latitude, latitude "
            f"FROM {TABLE} WHERE fid > ? AND latitude IS NOT NULL AND longitude IS NOT NULL",
            (last,),
        )
        self.conn.execute(_INSERT_TRIGGER)

    def update(self, rows: Sequence[tuple[Row, Row | None]], at: str) -> None:
        lat, lon = INCIDENT_COLUMNS.index("latitude"), INCIDENT_COLUMNS.index("longitude")
        sets = ", ".join(f"{c} = ?" for c in INCIDENT_COLUMNS[1:])
        self.conn.executemany(
            f"UPDATE {TABLE} SET geom = ?, {sets}, updated_at = ?, "
            f"imported = ?, revision = {_NEXT} WHERE id = ?",
            (
                (
                    point_blob(row[lon], row[lat]),  # type: ignore[arg-type]
                    *row[1:],
                    at,
                    None if base is None else base_json(base),
                    row[0],
                )
                for row, base in rows
            ),
        )

    def add_history(self, entries: Iterable[tuple[str, str, str, str, str, str, str]]) -> None:
        self.conn.executemany(
            f"INSERT INTO incident_history ({', '.join(HISTORY_COLUMNS)}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            entries,
        )

    def add_duplicates(self, flags: Sequence[DuplicateFlag], at: str) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO incident_duplicates (id_a, id_b, reason, flagged_at) "
            "VALUES (?, ?, ?, ?)",
            ((f.id_a, f.id_b, f.reason, at) for f in flags),
        )
        self.touch({i for f in flags for i in (f.id_a, f.id_b)})

    def touch(self, ids: Iterable[str]) -> None:
        self.conn.executemany(revisions.touch_sql(DIALECT), ((i,) for i in ids))
    def bump_revision(self) -> None:
        self._bump("revision")

    def run(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        return self.conn.execute(statement, tuple(params)).fetchall()

    @property
    def dialect(self) -> learned_sql.Dialect:
        return DIALECT


def _create(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {_USER_VERSION}")
        for statement in [*_SCHEMA, *learned_sql.schema(DIALECT), *_LEARNED_CONTENTS,
                          *sqlite_schema(), *place_sql.schema(DIALECT), _PLACE_CONTENTS]:
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _add_place_corrections(conn: sqlite3.Connection) -> None:
    """Give a store made before place corrections were kept their table, with the moves
    its history holds adopted (:func:`geo.store.place_corrections.adopt_moves`)."""
    present = {str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE name IN (?, ?)",
        (place_sql.TABLE, place_sql.HISTORY_INDEX))}
    if len(present) == 2:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in place_sql.schema(DIALECT):  # the index too, on a store without
            conn.execute(statement)
        if place_sql.TABLE not in present:
            conn.execute(_PLACE_CONTENTS)
            place_sql.adopt_moves(lambda q, p: conn.execute(q, tuple(p)).fetchall(), DIALECT)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _add_learned(conn: sqlite3.Connection) -> None:
    """Give a store made before learned places existed their tables, learned from its records."""
    present = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'learned_sources'"
    ).fetchone()
    if present:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in [*learned_sql.schema(DIALECT), *_LEARNED_CONTENTS]:
            conn.execute(statement)
        learned_sql.relearn(lambda q, p: conn.execute(q, tuple(p)).fetchall(), DIALECT)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _follow_learned_rule(conn: sqlite3.Connection) -> None:
    """Regroup, once, what a store learned under the earlier rule
    (:func:`geo.store.learned.follow_rule`)."""
    found = conn.execute("SELECT value FROM store_meta WHERE key = ?",
                         (learned_sql.RULE_KEY,)).fetchone()
    if found and str(found[0]) == learned_sql.RULE:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        learned_sql.follow_rule(lambda q, p: conn.execute(q, tuple(p)).fetchall(), DIALECT)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _add_new_columns(conn: sqlite3.Connection) -> None:
    """Give a store made before some incident columns existed those columns (empty)."""
    present = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({TABLE})")}
    missing = [c for c in INCIDENT_COLUMNS if c not in present]
    if not missing:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        present = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({TABLE})")}
        for column in (c for c in missing if c not in present):
            default = " NOT NULL DEFAULT ''" if _sql_type(column) == "TEXT" else ""
            conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {column} {_sql_type(column)}{default}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _select(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in INCIDENT_COLUMNS)
