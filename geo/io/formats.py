"""Reading the files analysts bring: CSV, Excel, GeoJSON and GeoPackage, as text tables.

Every reader returns a :class:`RawTable`: the file's own columns with every value as a
string, exactly as written (numbers and dates that the format types are rendered as
plain text: ``3``, ``36.2``, ``2017-10-15``). Mapping to incident fields and validation
come after (see :mod:`geo.io.mappings` and :mod:`geo.ingest`). Problems that make a whole
file unreadable raise :class:`FormatError` with a message an analyst can act on.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from geo.schema import RowError

KINDS: tuple[str, ...] = ("csv", "xlsx", "geojson", "gpkg")
"""File kinds that can be read."""

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
_DELIMITERS = (",", ";", "\t", "|")
GEOMETRY_ERROR = "_geometry_error"
"""Column :func:`geo.schema.validate_incidents` reads to reject a non-point geometry."""


class FormatError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass
class RawTable:
    """A file's rows as text, before mapping.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row, the file's columns, every value a str stripped of
        surrounding blanks ('' when empty), object dtype.
    source : str
        File name, used in reports.
    kind : str
        One of :data:`KINDS`.
    encoding, delimiter : str
        What was detected for a CSV ('' otherwise).
    row_errors : list of RowError
        Rows that are malformed as rows (e.g. more fields than the header); they stay
        in ``frame`` and are rejected at validation.
    originals : list
        The untouched source rows: field lists for CSV, features for GeoJSON.
    header : list of str
        The header exactly as in the file.
    """

    frame: pd.DataFrame
    source: str
    kind: str
    encoding: str = ""
    delimiter: str = ""
    row_errors: list[RowError] = field(default_factory=list)
    originals: Sequence[object] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


def detect_kind(name: str) -> str:
    """File kind from a file name's extension (CSV when unknown)."""
    return _EXTENSIONS.get(Path(name).suffix.lower(), "csv")


def read_table(
    source: str | Path | bytes, name: str | None = None, kind: str | None = None,
    *, layer: str | None = None,
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
    readers = {"csv": _read_csv, "xlsx": _read_excel, "geojson": _read_geojson,
               "gpkg": _read_gpkg}
    table = readers[kind](data, label, layer)
    table.kind = kind
    return table


# -- CSV ------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """Guess the encoding of a text file an analyst may bring.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly. Otherwise
    the bytes are Windows-1256 when their non-ASCII bytes form Arabic words (runs of
    letters), else Windows-1252 (Latin-1 with typographic quotes), else Latin-1.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    str
        A Python codec name.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_arabic(data):
        return "cp1256"
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_arabic(data: bytes) -> bool:
    """Whether high bytes come in runs (words of a single-byte script) and decode to
    Arabic letters in Windows-1256, as opposed to isolated Latin accented letters."""
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return False
    in_runs = sum(
        1 for i in high
        if (i > 0 and data[i - 1] >= 0x80) or (i + 1 < len(data) and data[i + 1] >= 0x80)
    )
    text = data.decode("cp1256", errors="replace")
    letters = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    return in_runs / len(high) >= 0.6 and letters / len(high) >= 0.6


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, label: str, layer: str | None) -> RawTable:
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [r for r in rows if any(v.strip() for v in r)]
    if not rows:
        raise FormatError(f"{label} has no header row")
    header = [h.strip() for h in rows[0]]
    _check_header(header, label)
    width = len(header)
    errors: list[RowError] = []
    values: list[list[str]] = []
    for number, row in enumerate(rows[1:], start=1):
        if len(row) > width and any(v.strip() for v in row[width:]):
            errors.append(RowError(
                label, number, "", f"{len(row)} fields but the header has {width}"
            ))
        values.append([v.strip() for v in row[:width]] + [""] * (width - len(row)))
    frame = pd.DataFrame(values, columns=header, dtype=object)
    return RawTable(frame, label, "csv", encoding, delimiter, errors, rows[1:], rows[0])


def _check_header(header: Sequence[str], label: str) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            raise FormatError(f"{label}: column {name!r} appears twice in the header")
        seen.add(name)
    if not seen:
        raise FormatError(f"{label}: the header row is empty")


# -- Excel ----------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet or GIS value as the text an analyst would type."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _read_excel(data: bytes, label: str, layer: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FormatError(f"{label} is not a readable Excel workbook ({exc})") from None
    try:
        if layer is not None and layer not in book.sheetnames:
            raise FormatError(f"{label} has no sheet {layer!r} (sheets: {book.sheetnames})")
        sheet = book[layer] if layer is not None else book.worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise FormatError(f"{label}: the sheet is empty")
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    _check_header(header, label)
    width = len(header)
    values = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(values, columns=header, dtype=object)
    return RawTable(frame, label, "xlsx", originals=list(rows[1:]), header=list(header))


# -- GeoJSON --------------------------------------------------------------------------


def _read_geojson(data: bytes, label: str, layer: str | None) -> RawTable:
    try:
        doc = json.loads(data.decode(detect_encoding(data)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{label} is not valid JSON ({exc})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise FormatError(f"{label} is not a GeoJSON FeatureCollection")
    features = [f for f in doc.get("features") or [] if isinstance(f, dict)]
    records: list[dict[str, str]] = []
    for feature in features:
        props = feature.get("properties") or {}
        record = {str(k): _json_text(v) for k, v in props.items()}
        record.update(_point_columns(feature.get("geometry"), record))
        records.append(record)
    header = list(dict.fromkeys(k for r in records for k in r))
    frame = pd.DataFrame(records, columns=header, dtype=object).fillna("")
    return RawTable(frame, label, "geojson", originals=list(features), header=header)


def _json_text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def _point_columns(geometry: object, record: dict[str, str]) -> dict[str, str]:
    if not isinstance(geometry, dict):
        return {}
    if geometry.get("type") != "Point":
        return {GEOMETRY_ERROR: f"geometry is a {geometry.get('type')}, not a Point"}
    coords = geometry.get("coordinates") or []
    if len(coords) < 2:
        return {GEOMETRY_ERROR: "point without coordinates"}
    out = {}
    if not record.get("longitude"):
        out["longitude"] = cell_text(coords[0])
    if not record.get("latitude"):
        out["latitude"] = cell_text(coords[1])
    return out


# -- GeoPackage -----------------------------------------------------------------------


def _read_gpkg(data: bytes, label: str, layer: str | None) -> RawTable:
    import pyogrio

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "upload.gpkg")
        Path(path).write_bytes(data)
        try:
            layers = [str(n) for n, _ in pyogrio.list_layers(path)]
            if layer is None:
                layer = "incidents" if "incidents" in layers else (layers[0] if layers else None)
            if layer is None or layer not in layers:
                raise FormatError(f"{label} has no layer {layer!r} (layers: {layers})")
            frame = pyogrio.read_dataframe(path, layer=layer, datetime_as_string=True)
        except FormatError:
            raise
        except Exception as exc:  # pyogrio raises DataSourceError and others
            raise FormatError(f"{label} is not a readable GeoPackage ({exc})") from None
    geometry = frame.geometry if "geometry" in frame else None
    records: list[dict[str, str]] = []
    columns = [c for c in frame.columns if c != "geometry"]
    for i, row in enumerate(frame[columns].itertuples(index=False, name=None)):
        record = {c: cell_text(_gis_value(v)) for c, v in zip(columns, row, strict=True)}
        if geometry is not None:
            geom = geometry.iloc[i]
            if geom is not None and not geom.is_empty:
                record.update(_point_columns(geom.__geo_interface__, record))
        records.append(record)
    header = list(dict.fromkeys([*columns, *(k for r in records for k in r)]))
    out = pd.DataFrame(records, columns=header, dtype=object).fillna("")
    return RawTable(out, label, "gpkg", header=header)


def _gis_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value.endswith(
        ("T00:00:00", "T00:00:00.000", "T00:00:00+00:00")
    ):
        return value[:10]
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value


# -- rejected rows --------------------------------------------------------------------


def rejected_bytes(table: RawTable, rows: Sequence[int], geojson: bool = False) -> bytes:
    """Rejected rows, untouched, as the bytes of a file to fix and import again.

    A CSV source keeps its header, delimiter and every field as written (as UTF-8 with
    BOM, which spreadsheet programs read with Arabic intact). A GeoJSON source keeps its
    features whole when ``geojson`` is True. Anything else becomes a CSV of the source's
    columns as text.

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
    if table.kind == "csv":
        writer = csv.writer(buffer, delimiter=table.delimiter or ",", lineterminator="\r\n")
        writer.writerow(table.header)
        writer.writerows(table.originals[n - 1] for n in wanted)  # type: ignore[misc]
    else:
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(list(table.frame.columns))
        writer.writerows(table.frame.iloc[[n - 1 for n in wanted]].itertuples(
            index=False, name=None))
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


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
