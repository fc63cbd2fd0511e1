"""Geocoding corrections as both back ends keep them: one row per correction.

The table ``geocode_overrides`` holds every correction ever made (undone ones stay,
marked), with the key it applies to (name key, country, admin key) and a partial
unique index on that key among the corrections in force: two corrections in force for
one name and context cannot exist, whatever the writers do.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

from geo.access import Action, Identity, require
from geo.geocoding.overrides import Override, check_undo, draft_override

#: Columns of ``geocode_overrides`` after ``fid``, in order.
CORRECTION_COLUMNS: tuple[str, ...] = (
    "override_id", "name", "country", "admin1", "name_key", "admin_key", "gazetteer_id",
    "latitude", "longitude", "precision", "created_by", "created_at", "note", "active",
    "undone_by", "undone_at",
)
FLOAT_FIELDS = ("latitude", "longitude")
INT_FIELDS = ("precision", "active")
META_KEY = "corrections"
"""``store_meta`` key of the corrections revision."""


def sql_type(column: str, *, postgres: bool) -> str:
    """SQL type of a correction column in either back end."""
    if column in FLOAT_FIELDS:
        return "double precision" if postgres else "DOUBLE"
    if column in INT_FIELDS:
        return "integer" if postgres else "INTEGER"
    if column == "override_id":
        return "text UNIQUE" if postgres else "TEXT UNIQUE"
    return "text NOT NULL DEFAULT ''" if postgres else "TEXT NOT NULL DEFAULT ''"


def correction_row(o: Override) -> tuple[object, ...]:
    """A correction as a row of :data:`CORRECTION_COLUMNS`."""
    name_key, _, admin_key = o.key
    return (
        o.override_id or None, o.name, o.country, o.admin1, name_key, admin_key,
        o.gazetteer_id, o.latitude, o.longitude, o.precision, o.created_by, o.created_at,
        o.note, 1 if o.active else 0, o.undone_by, o.undone_at,
    )


def correction_from_row(row: Sequence[object]) -> Override:
    """A row of :data:`CORRECTION_COLUMNS` as a correction."""
    v = dict(zip(CORRECTION_COLUMNS, row, strict=True))

    def num(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    return Override(
        override_id=str(v["override_id"] or ""),
        name=str(v["name"] or ""),
        country=str(v["country"] or ""),
        admin1=str(v["admin1"] or ""),
        gazetteer_id=str(v["gazetteer_id"] or ""),
        latitude=num(v["latitude"]),
        longitude=num(v["longitude"]),
        precision=None if v["precision"] is None else int(v["precision"]),  # type: ignore[call-overload]
        created_by=str(v["created_by"] or ""),
        created_at=str(v["created_at"] or ""),
        note=str(v["note"] or ""),
        active=bool(v["active"]),
        undone_by=str(v["undone_by"] or ""),
        undone_at=str(v["undone_at"] or ""),
    )


def numeric_id(override_id: str) -> int | None:
    """The number of an ``o<n>`` id (its row number), or None."""
    if override_id.startswith("o") and override_id[1:].isdigit():
        return int(override_id[1:])
    return None


_COLS = ", ".join(CORRECTION_COLUMNS)


class SqliteCorrections:
    """The corrections primitives of the embedded store's write transaction."""

    conn: sqlite3.Connection

    def _bump(self, key: str) -> None:
        self.conn.execute(
            "UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?", (key,)
        )

    def correction(self, override_id: str) -> Override | None:
        row = self.conn.execute(
            f"SELECT {_COLS} FROM geocode_overrides WHERE override_id = ?",
            (override_id,),
        ).fetchone()
        return None if row is None else correction_from_row(row)

    def add_correction(self, draft: Override) -> Override:
        name_key, country, admin_key = draft.key
        self.conn.execute(
            "UPDATE geocode_overrides SET active = 0, undone_by = ?, undone_at = ? "
            "WHERE active = 1 AND name_key = ? AND country = ? AND admin_key = ?",
            (draft.created_by, draft.created_at, name_key, country, admin_key),
        )
        marks = ", ".join("?" * len(CORRECTION_COLUMNS))
        cur = self.conn.execute(
            f"INSERT INTO geocode_overrides ({_COLS}) VALUES ({marks})",
            correction_row(draft),
        )
        stored = replace(draft, override_id=f"o{cur.lastrowid}")
        self.conn.execute(
            "UPDATE geocode_overrides SET override_id = ? WHERE fid = ?",
            (stored.override_id, cur.lastrowid),
        )
        self._bump(META_KEY)
        return stored

    def undo_correction(self, undone: Override) -> None:
        self.conn.execute(
            "UPDATE geocode_overrides SET active = 0, undone_by = ?, undone_at = ? "
            "WHERE override_id = ?",
            (undone.undone_by, undone.undone_at, undone.override_id),
        )
        self._bump(META_KEY)

    def insert_corrections(self, records: Sequence[Override]) -> None:
        marks = ", ".join("?" * (len(CORRECTION_COLUMNS) + 1))
        self.conn.executemany(
            f"INSERT INTO geocode_overrides (fid, {_COLS}) VALUES ({marks})",
            ((numeric_id(o.override_id), *correction_row(o)) for o in records),
        )
        self._bump(META_KEY)


def sqlite_schema() -> list[str]:
    """Statements that add the corrections table to an embedded store (idempotent)."""
    columns = ", ".join(f"{c} {sql_type(c, postgres=False)}" for c in CORRECTION_COLUMNS)
    return [
        "CREATE TABLE IF NOT EXISTS geocode_overrides "
        f"(fid INTEGER PRIMARY KEY AUTOINCREMENT, {columns})",
        """CREATE UNIQUE INDEX IF NOT EXISTS geocode_overrides_in_force
            ON geocode_overrides (name_key, country, admin_key) WHERE active = 1""",
        f"INSERT OR IGNORE INTO store_meta (key, value) VALUES ('{META_KEY}', '0')",
        """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
            VALUES ('geocode_overrides', 'attributes', 'geocode_overrides',
                    'Corrections of place names (undone ones kept, marked)')""",
    ]


def add_sqlite_table(conn: sqlite3.Connection) -> None:
    """Give an embedded store made before corrections lived in it their table."""
    if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'geocode_overrides'"
    ).fetchone():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in sqlite_schema():
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class CorrectionTransaction(ABC):
    """The corrections primitives a back end offers inside its write transaction."""

    @abstractmethod
    def bump_revision(self) -> None:
        """Mark the store as changed (the incidents shown depend on corrections)."""

    @abstractmethod
    def correction(self, override_id: str) -> Override | None:
        """One geocoding correction by id, or None."""

    @abstractmethod
    def add_correction(self, draft: Override) -> Override:
        """Mark the correction in force for the draft's key undone by its author, store
        the draft with a new id (``o<n>``), bump the corrections revision; return it."""

    @abstractmethod
    def undo_correction(self, undone: Override) -> None:
        """Store a correction's undone state and bump the corrections revision."""

    @abstractmethod
    def insert_corrections(self, records: Sequence[Override]) -> None:
        """Insert corrections as they are, ids included (moving a file into the store)."""


class StoreCorrections(ABC):
    """The incident store's side of :class:`geo.geocoding.overrides.CorrectionStore`:
    corrections shared by every app instance, each change one transaction, checked."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[CorrectionTransaction]:
        """Take the store's write lock and open a transaction; commit on success."""

    def add_correction(
        self,
        name: str,
        *,
        who: Identity,
        country: str = "",
        admin1: str = "",
        gazetteer_id: str = "",
        latitude: float | None = None,
        longitude: float | None = None,
        precision: int | None = None,
        note: str = "",
    ) -> Override:
        """Record a geocoding correction shared by every app instance, in one transaction.

        It supersedes the correction in force for the same name and context (marked
        undone by ``who``). See :func:`geo.geocoding.overrides.draft_override` for the
        checks.

        Returns
        -------
        Override
            As stored, with its id.
        """
        draft = draft_override(
            name, who=who, country=country, admin1=admin1, gazetteer_id=gazetteer_id,
            latitude=latitude, longitude=longitude, precision=precision, note=note,
        )
        with self._transaction() as tx:
            stored = tx.add_correction(draft)
            tx.bump_revision()
        return stored

    def undo_correction(self, override_id: str, *, who: Identity) -> Override:
        """Undo a correction (kept, marked undone by ``who``).

        An analyst may undo their own corrections; undoing someone else's needs an
        admin. See :func:`geo.geocoding.overrides.check_undo` for the errors.
        """
        with self._transaction() as tx:
            undone = check_undo(tx.correction(override_id), override_id, who)
            tx.undo_correction(undone)
            tx.bump_revision()
        return undone

    def import_corrections(self, records: Sequence[Override], *, who: Identity) -> int:
        """Move corrections kept elsewhere (a CSV file) into an empty corrections table.

        Returns
        -------
        int
            How many were stored (0 when the store already had corrections).
        """
        require(who, Action.CORRECT_PLACE)
        with self._transaction() as tx:
            if not records or self.corrections():
                return 0
            tx.insert_corrections(records)
            tx.bump_revision()
        return len(records)

    @abstractmethod
    def corrections(self) -> list[Override]:
        """Every geocoding correction, undone ones included, oldest first."""

    @abstractmethod
    def corrections_revision(self) -> int:
        """A number that grows whenever a correction is added or undone."""
