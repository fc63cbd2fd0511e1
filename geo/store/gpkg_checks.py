"""Opening a GeoPackage incident store: what an existing file must be, and SQLite's errors
said as what they mean for the analyst."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from geo.errors import StoreUnavailable

_SQLITE_MAGIC = b"SQLite format 3\x00"


def unavailable(path: Path, exc: sqlite3.Error) -> StoreUnavailable:
    """A SQLite error as what it means for the analyst."""
    text = str(exc)
    if "disk is full" in text or "disk I/O error" in text:
        why = "the disk is full (or failed); nothing was written"
    elif "readonly" in text:
        why = "the file (or its folder) is read-only; nothing was written"
    elif "not a database" in text or "malformed" in text:
        why = "the file is not a readable GeoPackage (damaged, or another kind of file)"
    elif "locked" in text or "busy" in text:
        why = "another program holds the store; try again"
    elif "unable to open" in text:
        why = "the file cannot be opened (missing folder or permissions)"
    else:
        why = text
    return StoreUnavailable(f"incident store {path}: {why}")


def check_existing(path: Path, table: str) -> None:
    """Refuse a path that is not an incident store (with ``table``), without changing it."""
    if path.is_dir():
        raise StoreUnavailable(f"{path} is a folder, not an incident store file")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreUnavailable(f"cannot read the incident store {path}: "
                               f"{exc.strerror or exc}") from None
    if not head:
        raise StoreUnavailable(
            f"{path} is an empty file (0 bytes), not an incident store; it was left as it "
            "is. Remove it to start a new store, or set INCIDENT_DB to the store's file."
        )
    if head != _SQLITE_MAGIC:
        raise StoreUnavailable(
            f"{path} is not a GeoPackage (SQLite) file; it was left as it is. Set "
            "INCIDENT_DB to the incident store's .gpkg file."
        )
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {str(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    if not {table, "store_meta", "incident_history"} <= tables:
        raise StoreUnavailable(
            f"{path} is a GeoPackage but not an incident store (no {table}, store_meta and "
            "incident_history tables); it was left as it is."
        )
