"""Values as the stores keep them: dates, bounds, imported rows, flags, storable text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pandas as pd

from geo.errors import Invalid
from geo.schema import INCIDENT_COLUMNS
from geo.store.records import FLOAT_COLUMNS, INT_COLUMNS, Row, pad_row

Bounds = tuple[float, float, float, float]
"""Map bounds as (west, south, east, north) in degrees (EPSG:4326)."""


def check_storable(rows: Sequence[Row]) -> None:
    """Refuse text a store cannot keep (a NUL byte: PostgreSQL refuses the whole write
    without saying where), naming the record and the field.

    Raises
    ------
    geo.errors.Invalid
    """
    for row in rows:
        for column, value in zip(INCIDENT_COLUMNS, row, strict=True):
            if isinstance(value, str) and "\x00" in value:
                raise Invalid(
                    f"incident {row[0]!s}, {column}: contains a NUL byte (0x00), which the "
                    "store cannot keep; nothing was written"
                )


def iso_day(value: date | str) -> str:
    """A date (or ISO string) as ``YYYY-MM-DD``."""
    return value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]


def split_bounds(bounds: Bounds) -> list[Bounds]:
    """Map bounds as one or two boxes that do not cross the antimeridian."""
    west, south, east, north = (float(v) for v in bounds)
    if west <= east:
        return [(west, south, east, north)]
    return [(west, south, 180.0, north), (-180.0, south, east, north)]


def same_as_seen(name: str, stored: object, seen: object) -> bool:
    """Whether the value an analyst saw is the stored one (compared as its field's type)."""
    if seen is None or seen == "" or (isinstance(seen, float) and seen != seen):
        return stored is None or stored == ""
    if stored is None:
        return False
    try:
        if name in FLOAT_COLUMNS:
            return float(seen) == float(stored)  # type: ignore[arg-type]
        if name in INT_COLUMNS:
            return float(seen) == float(stored)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    if hasattr(seen, "isoformat"):
        seen = str(seen.isoformat())[:10]
    return str(seen).strip() == str(stored)


def base_json(row: Row) -> str:
    """The imported row as JSON text."""
    return json.dumps(list(row), ensure_ascii=False)


def base_from_json(value: object) -> Row | None:
    """Parse an imported row kept as JSON (text or already decoded)."""
    if value is None or value == "":
        return None
    data = json.loads(value) if isinstance(value, str | bytes) else value
    return pad_row(tuple(data))  # type: ignore[arg-type]


def with_flags(frame: pd.DataFrame, origins: list[str], flags: pd.DataFrame) -> pd.DataFrame:
    """Add ``origin`` and ``possible_duplicates`` columns to a typed incident frame."""
    out = frame.copy()
    out["origin"] = pd.Series(origins, index=out.index, dtype=str)
    partners: dict[str, list[str]] = {}
    if not flags.empty:
        open_flags = flags[flags["status"] != "dismissed"]
        for a, b in zip(open_flags["id_a"], open_flags["id_b"], strict=True):
            partners.setdefault(a, []).append(b)
            partners.setdefault(b, []).append(a)
    out["possible_duplicates"] = [", ".join(sorted(partners.get(i, []))) for i in out["id"]]
    out["possible_duplicates"] = out["possible_duplicates"].astype(str)
    return out
