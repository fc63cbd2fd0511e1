"""Reading the files analysts bring: CSV, Excel, GeoJSON and GeoPackage, as text tables.

Every reader returns a :class:`RawTable`: the file's own columns with every value as a
string, exactly as written (numbers and dates that the format types are rendered as
plain text: ``3``, ``36.2``, ``2017-10-15``), the rows the reader found malformed, and an
independent count of the file's records (see :mod:`geo.io.table`). Mapping to incident
fields and validation come after (see :mod:`geo.io.mappings` and :mod:`geo.io.load`).
Problems that make a whole file unreadable raise :class:`FormatError` with a message an
analyst can act on. Delimited text is read by :mod:`geo.io.delimited`, files with
geometries by :mod:`geo.io.spatial`; Excel is read here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from geo.io.archive import SheetCount, check_archive, count_sheet_rows
from geo.io.cells import neutralise_row, restore
from geo.io.csv_rows import CsvRows, read_csv
from geo.io.delimited import detect_encoding, sniff_delimiter
from geo.io.files import atomic_write
from geo.io.spatial import add_wkt_geometry, read_geojson, read_gpkg
from geo.io.table import (
    GEOMETRY_ERROR,
    GEOMETRY_LATITUDE,
    GEOMETRY_LONGITUDE,
    HIDDEN_COLUMNS,
    FormatError,
    Progress,
    RawTable,
    cell_text,
    check_header,
    oversized,
)
from geo.schema import RowError
from geo.settings import load_settings

__all__ = [
    "GEOMETRY_ERROR", "GEOMETRY_LATITUDE", "GEOMETRY_LONGITUDE", "HIDDEN_COLUMNS", "KINDS",
    "FormatError", "RawTable", "atomic_write", "cell_text", "detect_encoding", "detect_kind",
    "read_table", "read_table_chunks", "rejected_bytes", "sniff_delimiter", "write_rejected",
]

KINDS: tuple[str, ...] = ("csv", "xlsx", "geojson", "gpkg")
"""File kinds that can be read."""

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
def detect_kind(name: str) -> str:
    """File kind from a file name's extension (CSV when unknown)."""
    return _EXTENSIONS.get(Path(name).suffix.lower(), "csv")


def read_table(
    source: str | Path | bytes, name: str | None = None, kind: str | None = None,
    *, layer: str | None = None, progress: Progress | None = None,
) -> RawTable:
    """Read a CSV, Excel, GeoJSON or GeoPackage file as text.

    Parameters
    ----------
    source : str, Path or bytes
        A path, or the file's bytes (an upload).
    name : str, optional
        File name for reports and kind detection (required with bytes).
    kind : str, optional
        One of :data:`KINDS`; detected from the name when omitted.
    layer : str, optional
        Sheet (Excel) or layer (GeoPackage) to read; the first (the ``incidents``
        layer of a GeoPackage when present) by default.

    Returns
    -------
    RawTable

    Raises
    ------
    FormatError
    """
    data, label, kind = _file_bytes(source, name, kind)
    if kind == "csv":
        table = read_csv(data, label, progress)
    elif kind == "xlsx":
        table = _read_excel(data, label, layer)
    elif kind == "geojson":
        table = read_geojson(data, label)
    else:
        table = read_gpkg(data, label, layer)
    if kind in ("csv", "xlsx"):
        add_wkt_geometry(table)
    return table


def read_table_chunks(
    source: str | Path | bytes, rows: int, name: str | None = None, kind: str | None = None,
    *, layer: str | None = None,
) -> Iterator[tuple[int, RawTable]]:
    """Read a file as :func:`read_table` does, ``rows`` rows at a time.

    A CSV is parsed chunk by chunk (:class:`geo.io.csv_rows.CsvRows`): its rows never
    all exist as text at once. Other kinds are read whole and handed out in slices.
    Each piece holds its rows' frame (a ``RangeIndex`` from 0), header, row errors and
    notes (numbered in the whole file); ``originals`` and the counts are left empty.

    Parameters
    ----------
    source, name, kind, layer
        As :func:`read_table` takes them.
    rows : int
        Rows per piece (at least one piece comes, empty for a file without rows).

    Yields
    ------
    tuple of (int, RawTable)
        Rows of the file before the piece, and the piece.

    Raises
    ------
    FormatError
        As :func:`read_table` raises it, possibly after some pieces.
    """
    data, label, kind = _file_bytes(source, name, kind)
    if kind != "csv":
        table = read_table(data, label, kind, layer=layer)
        del data
        for first in range(0, max(len(table.frame), 1), rows):
            span = range(first + 1, first + rows + 1)
            yield first, RawTable(
                table.frame.iloc[first:first + rows].reset_index(drop=True), label, kind,
                table.encoding, table.delimiter, header=table.header,
                row_errors=[e for e in table.row_errors if e.row in span],
                notes=[e for e in table.notes if e.row in span])
        return
    csv_rows = CsvRows(data, label)
    del data  # the decoded lines are all the reader needs
    for chunk in csv_rows.chunks(rows):
        piece = RawTable(chunk.frame, label, "csv", csv_rows.encoding, csv_rows.delimiter,
                         row_errors=chunk.row_errors, notes=chunk.notes,
                         header=csv_rows.header_fields, lines=chunk.starts)
        add_wkt_geometry(piece)
        yield chunk.first, piece


def _file_bytes(source: str | Path | bytes, name: str | None, kind: str | None
                ) -> tuple[bytes, str, str]:
    """A file's bytes, its label and its kind, or the FormatError that stops it."""
    if isinstance(source, bytes):
        data, label = source, name or "upload"
    else:
        path = Path(source)
        label = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    kind = kind or detect_kind(label)
    if kind not in KINDS:
        raise FormatError(f"unknown file kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not data.strip():
        raise FormatError(f"{label} is empty")
    return data, label, kind


# -- Excel ----------------------------------------------------------------------------

_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"})
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _read_excel(data: bytes, label: str, layer: str | None) -> RawTable:
    from openpyxl import load_workbook

    limits = load_settings()
    check_archive(data, label, max_unpacked_mb=limits.xlsx_max_unpacked_mb,
                  max_ratio=limits.xlsx_max_ratio)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FormatError(f"{label} is not a readable Excel workbook ({exc})") from None
    formulas = None
    title = layer or ""
    try:
        if layer is not None and layer not in book.sheetnames:
            raise FormatError(f"{label} has no sheet {layer!r} (sheets: {book.sheetnames})")
        sheet = book[layer] if layer is not None else book.worksheets[0]
        title = sheet.title
        raw = _sheet_values(sheet)
        if _has_formulas(data):
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            cells = _sheet_values(formulas[title])
        else:
            cells = []
    except FormatError:
        raise
    except Exception as exc:  # a malformed cell or row stops openpyxl with any kind
        raise FormatError(f"{label}: sheet {title!r} cannot be read ({exc})") from None
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    rows = [[cell_text(v) for v in row] for row in raw]
    header_at = next((i for i, r in enumerate(rows) if any(r)), None)
    if header_at is None:
        raise FormatError(f"{label}: the sheet is empty")
    header = rows[header_at]
    while header and not header[-1]:
        header.pop()
    check_header(header, label)
    width = len(header)
    values: list[list[str]] = []
    originals: list[object] = []
    starts: list[int] = []
    errors: list[RowError] = []
    blank = 0
    read: list[tuple[int, int]] = []  # (sheet row, value cells) of rows with values
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        formula_row = cells[i] if i < len(cells) else []
        filled = sum(1 for k, v in enumerate(raw[i]) if v is not None or (
            k < len(formula_row) and formula_row[k] is not None))
        filled += sum(1 for v in formula_row[len(raw[i]):] if v is not None)
        if not filled:  # no cell with a value: a row of formatting, or none at all
            continue
        read.append((i + 1, filled))
        if not any(row) and not any(isinstance(v, str) and v.startswith("=")
                                    for v in formula_row):
            blank += 1  # cells with empty text
            continue
        number = len(values) + 1
        problems = _cell_problems(row, formula_row, header)
        big = oversized(row, header)
        if big is not None:
            problems.append((big[0], f"{big[1]} KiB, over the 128 KiB a cell may hold"))
        if len(row) > width and any(row[width:]):
            problems.append(("", f"values beyond the header's {width} columns"))
        errors.extend(RowError(label, number, f, m) for f, m in problems)
        values.append([restore(v) for v in (row + [""] * width)[:width]])
        originals.append([  # what the analyst typed: a formula without a value stays one
            str(formula_row[k]) if not v and k < len(formula_row)
            and isinstance(formula_row[k], str) and str(formula_row[k]).startswith("=") else v
            for k, v in enumerate(row)
        ])
        starts.append(i + 1)
    counted = count_sheet_rows(data, title, header_at + 1)
    _check_count(label, title, counted, read)
    frame = pd.DataFrame(values, columns=header, dtype=object)
    records = len(counted.rows)
    table = RawTable(frame, label, "xlsx", originals=originals, header=list(header),
                     lines=starts, file_records=records, blank=blank,
                     count_note=f"{records} rows with values after the header in sheet "
                     f"{title!r}, counted in its XML"
                     + (f" ({blank} with empty text only)" if blank else ""))
    table.row_errors = errors
    return table


def _sheet_values(sheet: object) -> list[list[object]]:
    """Every row of a read-only sheet, whatever ``<dimension>`` it declares."""
    sheet.reset_dimensions()  # type: ignore[attr-defined]  # the declared size may be short
    return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def _check_count(label: str, title: str, counted: SheetCount,
                 read: list[tuple[int, int]]) -> None:
    """Refuse a sheet whose parse disagrees with the rows and cells its XML holds."""
    if counted.rows == read:
        return
    first = next((min(a[0], b[0]) for a, b in zip(counted.rows, read, strict=False) if a != b),
                 None)
    if first is None:  # one list goes on where the other ends
        longer = counted.rows if len(counted.rows) > len(read) else read
        first = longer[min(len(counted.rows), len(read))][0]
    cells = sum(n for _, n in read)
    raise FormatError(
        f"{label}: sheet {title!r} holds {len(counted.rows)} rows with values after the "
        f"header ({counted.cells} cells) in its XML, but {len(read)} rows ({cells} cells) "
        f"were read; they first differ at sheet row {first}. The workbook is malformed (rows or "
        "cells out of order, repeated or of an unknown kind): open and save it in a "
        "spreadsheet program, or save it as CSV"
    )


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of an .xlsx holds a formula (``<f>`` element)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as handle:
                        tail = b""
                        while chunk := handle.read(1 << 20):
                            if _FORMULA.search(tail + chunk):
                                return True
                            tail = chunk[-8:]
    except (zipfile.BadZipFile, OSError):
        return False
    return False


def _cell_problems(
    row: Sequence[str], formulas: Sequence[object], header: Sequence[str]
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, value in enumerate(row):
        column = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        formula = formulas[i] if i < len(formulas) else None
        if not value and formula is not None and (
            not isinstance(formula, str) or formula.startswith("=")
        ):
            shown = formula if isinstance(formula, str) else "an array formula"
            out.append((column, f"formula {str(shown)[:60]} has no saved value (the file was "
                        "not recalculated when saved); open and save it in a spreadsheet "
                        "program, or type the value"))
        elif value in _EXCEL_ERRORS:
            out.append((column, f"the cell holds the spreadsheet error {value}"))
    return out


# -- rejected rows --------------------------------------------------------------------


def rejected_bytes(table: RawTable, rows: Sequence[int], geojson: bool = False) -> bytes:
    """Rejected rows, untouched, as the bytes of a file to fix and import again.

    A CSV source keeps its header, delimiter and every field as written (as UTF-8 with
    BOM, which spreadsheet programs read with Arabic intact), except that a field a
    spreadsheet would run as a formula gets an apostrophe in front (see
    :func:`geo.io.cells.neutralise`; importing the file again removes it). A GeoJSON
    source keeps its features whole when ``geojson`` is True. Anything else becomes a
    CSV of the source's columns as text.

    Parameters
    ----------
    table : RawTable
    rows : sequence of int
        1-based data row numbers.
    geojson : bool
        For a GeoJSON source: a FeatureCollection rather than a CSV.

    Returns
    -------
    bytes
    """
    wanted = sorted(set(rows))
    if table.kind == "geojson" and geojson:
        features = [table.originals[n - 1] for n in wanted]
        payload = json.dumps({"type": "FeatureCollection", "features": features},
                             ensure_ascii=False, indent=1)
        return payload.encode("utf-8")
    buffer = io.StringIO(newline="")
    if table.kind in ("csv", "xlsx"):
        writer = csv.writer(buffer, delimiter=table.delimiter or ",", lineterminator="\r\n")
        writer.writerow(neutralise_row(table.header))
        writer.writerows(
            neutralise_row(table.originals[n - 1]) for n in wanted  # type: ignore[arg-type]
        )
    else:
        columns = [c for c in table.frame.columns if c not in HIDDEN_COLUMNS]
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(neutralise_row(columns))
        writer.writerows(neutralise_row(row) for row in table.frame.iloc[
            [n - 1 for n in wanted]][columns].itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8-sig")


def write_rejected(table: RawTable, rows: Sequence[int], out: str | Path) -> Path:
    """Save rejected rows untouched (see :func:`rejected_bytes`), atomically.

    A ``.geojson``/``.json`` name keeps a GeoJSON source's features whole.

    Returns
    -------
    Path
    """
    out = Path(out)
    geojson = out.suffix.lower() in (".geojson", ".json")
    atomic_write(out, rejected_bytes(table, rows, geojson=geojson))
    return out
