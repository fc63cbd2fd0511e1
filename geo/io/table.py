"""The table every reader returns: a file's rows as text, with what the reader noticed.

Readers (:mod:`geo.io.delimited`, :mod:`geo.io.spatial`, :mod:`geo.io.formats`) return a
:class:`RawTable`; problems that make a whole file unreadable raise :class:`FormatError`.
A row the reader finds malformed stays in the table, with a :class:`geo.schema.RowError`
in ``row_errors``, so that validation rejects it by name and the rejected-rows file keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd

from geo.errors import Invalid
from geo.schema import RowError

GEOMETRY_ERROR = "_geometry_error"
"""Hidden column: why a row's geometry cannot be a point (rejects the row)."""
GEOMETRY_LONGITUDE = "_geometry_longitude"
GEOMETRY_LATITUDE = "_geometry_latitude"
"""Hidden columns: the point a row's geometry gives (it wins over coordinate columns)."""
HIDDEN_COLUMNS: tuple[str, ...] = (GEOMETRY_ERROR, GEOMETRY_LONGITUDE, GEOMETRY_LATITUDE)

MAX_FIELD_BYTES = 128 * 1024
"""A field longer than this (in characters) rejects its row: no analyst types 128 KiB
into one cell; a quote left open does."""


Progress = Callable[[float, str], None]
"""Called by a reader with the share of its work done (0 to 1) and a short note, e.g.
``(0.4, "40,000 rows read")``; see :mod:`geo.io.worker`."""

PROGRESS_EVERY = 5000
"""Rows between two progress reports of a reader."""


class FormatError(Invalid):
    """A file that cannot be read as a table at all."""


@dataclass
class RawTable:
    """A file's rows as text, before mapping.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row, the file's columns (plus :data:`HIDDEN_COLUMNS` when the
        file has geometries), every value a str stripped of surrounding blanks ('' when
        empty), object dtype.
    source : str
        File name, used in reports.
    kind : str
        ``csv``, ``xlsx``, ``geojson`` or ``gpkg``.
    encoding, delimiter : str
        What was detected for a CSV ('' otherwise).
    row_errors : list of RowError
        Rows malformed as rows (too few or too many fields, an unbalanced quote, a
        formula without a value, an odd feature): they stay in ``frame`` and are rejected.
    notes : list of RowError
        Warnings about rows that are imported (an encoding repaired, stale coordinates).
    originals : sequence
        The untouched source rows: field lists for CSV, features for GeoJSON.
    header : list of str
        The header exactly as in the file.
    lines : list of int
        Where each row starts in the file: its line (CSV), sheet row (Excel) or feature
        number (GeoJSON, GeoPackage); reports name it beside the row number.
    file_records : int
        The file's records counted independently of the parse that made ``frame``
        (physical lines, features in the JSON array, features GDAL counts).
    blank : int
        Records left out because every field is empty.
    count_note : str
        How ``file_records`` was counted, in words.
    """

    frame: pd.DataFrame
    source: str
    kind: str
    encoding: str = ""
    delimiter: str = ""
    row_errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    originals: Sequence[object] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    file_records: int = -1
    blank: int = 0
    count_note: str = ""

    def where(self, row: int) -> str:
        """A 1-based data row as an analyst finds it: ``row 3 (line 4)``."""
        unit = {"csv": "line", "xlsx": "sheet row"}.get(self.kind, "feature")
        if 0 < row <= len(self.lines) and self.lines[row - 1] != row:
            return f"row {row} ({unit} {self.lines[row - 1]})"
        return f"row {row}"


def cell_text(value: object) -> str:
    """A spreadsheet or GIS value as the text an analyst would type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def check_header(header: Sequence[str], label: str) -> None:
    """Refuse a header with a repeated column or no column name at all."""
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            raise FormatError(f"{label}: column {name!r} appears twice in the header")
        if name in HIDDEN_COLUMNS:
            raise FormatError(f"{label}: {name!r} is a reserved column name")
        seen.add(name)
    if not seen:
        raise FormatError(f"{label}: the header row is empty")


def oversized(values: Sequence[str], header: Sequence[str]) -> tuple[str, int] | None:
    """The first field over :data:`MAX_FIELD_BYTES`: (column, size in KiB), or None."""
    for i, value in enumerate(values):
        if len(value) > MAX_FIELD_BYTES:
            column = header[i] if i < len(header) and header[i] else f"field {i + 1}"
            return column, len(value) // 1024
    return None
