"""Files with geometries: GeoJSON, GeoPackage, and WKT columns of tables.

A row's geometry, when it has one, gives its point: it wins over latitude/longitude
columns (an analyst who moved points in QGIS edited the geometry, and the columns went
stale), with a note on each row where they disagree. A geometry that is not a point, or
not a geometry at all, rejects its row by name. Odd JSON structures (properties that are
a list, ``"features": 5``, coordinates given as an object, arrays nested too deep) are
named errors of the file or of the feature, never a traceback.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.io.delimited import decode_lines
from geo.io.table import (
    GEOMETRY_ERROR,
    GEOMETRY_LATITUDE,
    GEOMETRY_LONGITUDE,
    FormatError,
    RawTable,
    cell_text,
    oversized,
)
from geo.schema import RowError

WKT_COLUMNS: tuple[str, ...] = ("wkt", "geom_wkt", "geometry", "geom", "the_geom", "shape")
"""Column names (any case) read as WKT geometries in CSV and Excel files."""


def point_of(geometry: object) -> tuple[float, float] | str:
    """The (longitude, latitude) of a GeoJSON geometry object or WKT text, or why not.

    Parameters
    ----------
    geometry : object
        A decoded GeoJSON geometry (dict), WKT text, or a Shapely geometry.

    Returns
    -------
    tuple of float, or str
        The point, or a message saying what the geometry is instead.
    """
    if isinstance(geometry, BaseGeometry):
        return _shapely_point(geometry)
    if isinstance(geometry, str):
        parsed = shapely.from_wkt(geometry, on_invalid="ignore")
        if parsed is None:
            return f"geometry {geometry[:40]!r} is neither GeoJSON nor WKT"
        return _shapely_point(parsed)
    if not isinstance(geometry, dict):
        return f"geometry is a {_kind(geometry)}, not a GeoJSON geometry object"
    kind = geometry.get("type")
    if kind != "Point":
        return f"geometry is a {kind}, not a Point" if isinstance(kind, str) else (
            "geometry has no type")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return f"Point coordinates are a {_kind(coords)}, not [longitude, latitude]"
    if len(coords) < 2 or any(isinstance(c, list | dict) for c in coords):
        return "Point coordinates are not [longitude, latitude] (nested or too short)"
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2]):
        return f"Point coordinates {json.dumps(coords[:2])[:60]} are not numbers"
    lon, lat = float(coords[0]), float(coords[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "Point coordinates are not finite numbers"
    return lon, lat


def _shapely_point(geom: BaseGeometry) -> tuple[float, float] | str:
    if geom.is_empty:
        return "the geometry is empty"
    if geom.geom_type != "Point":
        return f"geometry is a {geom.geom_type}, not a Point"
    return float(geom.x), float(geom.y)


def _kind(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean",
             int: "number", float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def add_point_columns(
    records: list[dict[str, str]], points: list[tuple[float, float] | str | None]
) -> None:
    """Put each row's geometry into the hidden point (or error) columns."""
    for record, point in zip(records, points, strict=True):
        if point is None:
            continue
        if isinstance(point, str):
            record[GEOMETRY_ERROR] = point
        else:
            record[GEOMETRY_LONGITUDE] = cell_text(point[0])
            record[GEOMETRY_LATITUDE] = cell_text(point[1])


def add_wkt_geometry(table: RawTable) -> None:
    """Read a WKT column of a CSV or Excel table (see :data:`WKT_COLUMNS`) as geometry."""
    names = {str(c).strip().lower(): c for c in table.frame.columns}
    column = next((names[n] for n in WKT_COLUMNS if n in names), None)
    if column is None:
        return
    values = table.frame[column].astype(str).tolist()
    parsed = shapely.from_wkt(values, on_invalid="ignore")
    lon: list[str] = []
    lat: list[str] = []
    error: list[str] = []
    for text, geom in zip(values, parsed, strict=True):
        point: tuple[float, float] | str | None = None
        if text:
            point = f"{column} {text[:40]!r} is not WKT" if geom is None else _shapely_point(geom)
        lon.append(cell_text(point[0]) if isinstance(point, tuple) else "")
        lat.append(cell_text(point[1]) if isinstance(point, tuple) else "")
        error.append(point if isinstance(point, str) else "")
    table.frame[GEOMETRY_LONGITUDE], table.frame[GEOMETRY_LATITUDE] = lon, lat
    if any(error):
        table.frame[GEOMETRY_ERROR] = error


# -- GeoJSON --------------------------------------------------------------------------


def read_geojson(data: bytes, label: str) -> RawTable:
    """Read a GeoJSON FeatureCollection (or one Feature): one row per feature.

    Raises
    ------
    FormatError
        Not JSON, nested deeper than the JSON reader allows, not a FeatureCollection, or
        ``features`` not a list.
    """
    try:
        lines, _, _, bad = decode_lines(data)
    except FormatError as exc:
        raise FormatError(f"{label}: {exc}") from None
    if bad:
        line = min(bad)
        raise FormatError(f"{label}, line {line}: {bad[line]}")
    try:
        doc = json.loads("".join(lines))
    except RecursionError:
        raise FormatError(f"{label}: arrays or objects are nested too deeply to read") from None
    except ValueError as exc:
        raise FormatError(f"{label} is not valid JSON ({exc})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise FormatError(f"{label} is not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise FormatError(
            f"{label}: 'features' is a {_kind(features)}, not a list of features")
    records: list[dict[str, str]] = []
    points: list[tuple[float, float] | str | None] = []
    errors: list[RowError] = []
    try:
        for number, feature in enumerate(features, start=1):
            record, point, problem = _feature_row(feature)
            records.append(record)
            points.append(point)
            if problem:
                errors.append(RowError(label, number, "", problem))
    except RecursionError:
        raise FormatError(f"{label}: a feature is nested too deeply to read") from None
    header = list(dict.fromkeys(k for r in records for k in r))
    for number, record in enumerate(records, start=1):
        big = oversized(list(record.values()), list(record))
        if big is not None:
            errors.append(RowError(label, number, big[0],
                                   f"{big[1]} KiB, over the 128 KiB a field may hold"))
    add_point_columns(records, points)
    columns = [*header, *sorted({k for r in records for k in r} - set(header))]
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("")
    table = RawTable(frame, label, "geojson", originals=list(features), header=header,
                     lines=list(range(1, len(records) + 1)), file_records=len(features),
                     count_note=f"{len(features)} features in the file")
    table.row_errors = errors
    return table


def _feature_row(feature: object) -> tuple[dict[str, str], tuple[float, float] | str | None, str]:
    if not isinstance(feature, dict):
        return {}, None, f"the feature is a {_kind(feature)}, not a GeoJSON Feature object"
    props = feature.get("properties")
    problem = ""
    if props is None:
        props = {}
    elif not isinstance(props, dict):
        problem = f"properties is a {_kind(props)}, not an object of named values"
        props = {}
    record = {str(k): _json_text(v) for k, v in props.items()}
    geometry = feature.get("geometry")
    point = None if geometry is None else point_of(geometry)
    return record, point, problem


def _json_text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


# -- GeoPackage -----------------------------------------------------------------------


def read_gpkg(data: bytes, label: str, layer: str | None) -> RawTable:
    """Read one layer of a GeoPackage (the ``incidents`` layer by default, else the first)."""
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
            counted = int(pyogrio.read_info(path, layer=layer)["features"])
            frame = pyogrio.read_dataframe(path, layer=layer, datetime_as_string=True)
        except FormatError:
            raise
        except Exception as exc:  # pyogrio raises DataSourceError and others
            reason = str(exc).replace(path, label).replace(folder, "")
            raise FormatError(f"{label} is not a readable GeoPackage ({reason})") from None
    geometry = frame.geometry if "geometry" in frame else None
    columns = [c for c in frame.columns if c != "geometry"]
    records: list[dict[str, str]] = []
    points: list[tuple[float, float] | str | None] = []
    for i, row in enumerate(frame[columns].itertuples(index=False, name=None)):
        records.append({c: cell_text(_gis_value(v)) for c, v in zip(columns, row, strict=True)})
        geom = geometry.iloc[i] if geometry is not None else None
        points.append(None if geom is None or geom.is_empty else _shapely_point(geom))
    add_point_columns(records, points)
    header = list(columns)
    names = list(dict.fromkeys([*columns, *(k for r in records for k in r)]))
    out = pd.DataFrame(records, columns=names, dtype=object).fillna("")
    if counted >= 0 and counted != len(out):
        raise FormatError(f"{label}: GDAL counts {counted} features in layer {layer!r} but "
                          f"{len(out)} were read")
    return RawTable(out, label, "gpkg", header=header, lines=list(range(1, len(out) + 1)),
                    file_records=counted if counted >= 0 else len(out),
                    count_note=f"{counted} features in layer {layer!r}")


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
