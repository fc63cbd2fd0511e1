"""The incidents of the current view, out to CSV, GeoJSON and GeoPackage.

An export holds every incident the view shows (every filter and the date range
applied, see :func:`geo.view.filters.apply_view`) in the project's own layout, so that
importing it again (``python -m geo.ingest``) gives the same records. Its metadata
(the view's permalink, the export time, the counts, the data fingerprint) travels in
the file where the format has room for it (a GeoJSON foreign member ``metadata``, the
GeoPackage layer's metadata) and always in a side file ``NAME.meta.json``.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.io.cells import neutralise
from geo.io.files import atomic_write
from geo.schema import INCIDENT_COLUMNS, empty_incidents
from geo.view.filters import FilterContext, apply_view
from geo.view.state import ViewDomain, ViewState, encode_view
from geo.vocab import CRS

EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
}
"""Format -> (file extension, MIME type)."""

_DATE_COLUMNS = ("date_start", "date_end")


@dataclass(frozen=True)
class ExportFile:
    """One exported file and its metadata.

    Attributes
    ----------
    data : bytes
        The file's content.
    filename : str
        Suggested name, e.g. ``incidents-20250101T120000Z.geojson``.
    mime : str
    metadata : dict
        ``permalink``, ``exported_at``, ``incidents``, ``hidden``, ``fingerprint``,
        ``format``, ``view`` (the view's URL parameters).
    """

    data: bytes
    filename: str
    mime: str
    metadata: dict[str, object]

    @property
    def metadata_filename(self) -> str:
        """Name of the side file."""
        return self.filename + ".meta.json"

    def metadata_json(self) -> bytes:
        """The side file's content."""
        return json.dumps(self.metadata, ensure_ascii=False, indent=1).encode("utf-8")


def permalink(state: ViewState, domain: ViewDomain, base_url: str = "") -> str:
    """The link that reopens this view (``base_url`` is the app page's address)."""
    query = urlencode(encode_view(state, domain), doseq=True)
    return f"{base_url}?{query}" if query else base_url or "?"


def view_incidents(
    incidents: pd.DataFrame, state: ViewState, context: FilterContext | None = None
) -> pd.DataFrame:
    """The records the view shows, in the project's layout, sorted by date then id.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geo.geocoding.join.to_geodataframe` (coordinates include geocoded ones).
    state : ViewState
    context : FilterContext, optional
        As the page filters with (areas and places for search terms).

    Returns
    -------
    pandas.DataFrame
        :data:`geo.schema.INCIDENT_COLUMNS` only.
    """
    shown = incidents.loc[apply_view(incidents, state, context).mask, list(INCIDENT_COLUMNS)]
    ordered = shown.sort_values(["date_start", "id"], kind="stable", na_position="last")
    return pd.DataFrame(ordered).reset_index(drop=True)


def export_view(
    incidents: pd.DataFrame,
    state: ViewState,
    domain: ViewDomain,
    fmt: str,
    *,
    base_url: str = "",
    at: datetime | None = None,
    context: FilterContext | None = None,
) -> ExportFile:
    """Export the incidents of a view.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geo.geocoding.join.to_geodataframe`.
    state : ViewState
        The view (filters, dates, map position, selection).
    domain : ViewDomain
        The data's view domain (for the permalink and the fingerprint).
    fmt : {"csv", "geojson", "gpkg"}
    base_url : str
        Address of the app's map page, to make the permalink absolute.
    at : datetime, optional
        Export time (UTC now by default).
    context : FilterContext, optional
        As the page filters with (areas and places for search terms).

    Returns
    -------
    ExportFile
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected {', '.join(EXPORT_FORMATS)}")
    at = (at or datetime.now(UTC)).astimezone(UTC)
    records = view_incidents(incidents, state, context)
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    extension, mime = EXPORT_FORMATS[fmt]
    metadata: dict[str, object] = {
        "title": "Incident Map export",
        "permalink": permalink(state, domain, base_url),
        "exported_at": at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "incidents": len(records),
        "hidden": len(incidents) - len(records),
        "fingerprint": domain.fingerprint,
        "format": fmt,
        "view": encode_view(state, domain),
    }
    writer = {"csv": _csv_bytes, "geojson": _geojson_bytes, "gpkg": _gpkg_bytes}[fmt]
    return ExportFile(writer(records, metadata), f"incidents-{stamp}{extension}", mime, metadata)


def export_batches(
    batches: Iterable[pd.DataFrame],
    fmt: str,
    state: ViewState,
    domain: ViewDomain,
    *,
    shown: int,
    total: int,
    base_url: str = "",
    at: datetime | None = None,
) -> ExportFile:
    """An export of a view whose records come in batches (a store read a page at a time):
    the file :func:`export_view` writes, one batch converted at a time.

    Parameters
    ----------
    batches : iterable of pandas.DataFrame
        The view's records in the export's order (start date, undated last, then id),
        :data:`geo.schema.INCIDENT_COLUMNS`, typed as :mod:`geo.schema` types them.
    fmt : {"csv", "geojson", "gpkg"}
    state, domain, base_url, at
        As :func:`export_view`.
    shown, total : int
        Incidents in the view, and in the data (for the metadata).

    Returns
    -------
    ExportFile
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected {', '.join(EXPORT_FORMATS)}")
    at = (at or datetime.now(UTC)).astimezone(UTC)
    extension, mime = EXPORT_FORMATS[fmt]

    def metadata(written: int) -> dict[str, object]:
        out: dict[str, object] = {
            "title": "Incident Map export",
            "permalink": permalink(state, domain, base_url),
            "exported_at": at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "incidents": written,
            "hidden": total - written,
            "fingerprint": domain.fingerprint,
            "format": fmt,
            "view": encode_view(state, domain),
        }
        if written != shown:  # the store changed between the count and the read
            out["note"] = f"the view counted {shown} incidents when the export began"
        return out

    writer = {"csv": _csv_batches, "geojson": _geojson_batches, "gpkg": _gpkg_batches}[fmt]
    data, written = writer((b[list(INCIDENT_COLUMNS)] for b in batches), metadata)
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    return ExportFile(data, f"incidents-{stamp}{extension}", mime, metadata(written))


_Metadata = Callable[[int], dict[str, object]]
"""The export's metadata for a number of records written."""


def _csv_batches(batches: Iterable[pd.DataFrame], _metadata: _Metadata) -> tuple[bytes, int]:
    buffer = io.StringIO()
    written = 0
    for batch in batches:
        cells = _text_columns(batch.reset_index(drop=True)).map(neutralise)
        cells.to_csv(buffer, index=False, header=written == 0, lineterminator="\r\n")
        written += len(batch)
    if written == 0:
        _text_columns(pd.DataFrame(columns=list(INCIDENT_COLUMNS))).to_csv(
            buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), written


def _geojson_batches(batches: Iterable[pd.DataFrame], metadata: _Metadata
                     ) -> tuple[bytes, int]:
    # The features are written a batch at a time; the metadata (which counts them) goes
    # in front once they are all written, as json.dumps lays out the whole document.
    body = io.StringIO()
    written = 0
    for batch in batches:
        for feature in _features(batch):
            if written:
                body.write(", ")
            body.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
            written += 1
    head = ('{"type": "FeatureCollection", "metadata": '
            + json.dumps(metadata(written), ensure_ascii=False, allow_nan=False)
            + ', "features": [')
    return (head + body.getvalue() + "]}").encode("utf-8"), written


def _gpkg_batches(batches: Iterable[pd.DataFrame], metadata: _Metadata
                  ) -> tuple[bytes, int]:
    import pyogrio

    written = 0
    last = empty_incidents()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.gpkg")
        for batch in batches:
            if not len(batch):
                continue
            pyogrio.write_dataframe(_points(batch), path, layer="incidents", driver="GPKG",
                                    geometry_type="Point", append=written > 0)
            written += len(batch)
            last = batch.iloc[:0]
        # The metadata counts the records: an empty append sets it once they are written.
        pyogrio.write_dataframe(_points(last), path, layer="incidents", driver="GPKG",
                                geometry_type="Point", append=written > 0,
                                layer_metadata=_layer_metadata(metadata(written)))
        return Path(path).read_bytes(), written


def write_export(export: ExportFile, folder: str | Path) -> list[Path]:
    """Write an export and its side file into ``folder`` atomically.

    Returns
    -------
    list of Path
        The file, then its ``.meta.json`` side file.
    """
    folder = Path(folder)
    target, side = folder / export.filename, folder / export.metadata_filename
    atomic_write(target, export.data)
    atomic_write(side, export.metadata_json())
    return [target, side]


def _text_columns(records: pd.DataFrame) -> pd.DataFrame:
    """Every value as the text the importer reads back to the same record."""
    out = pd.DataFrame(index=records.index)
    for column in INCIDENT_COLUMNS:
        values = records[column]
        if column in _DATE_COLUMNS:
            out[column] = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
        elif column in ("latitude", "longitude"):
            out[column] = [
                "" if v is None or v != v else repr(float(v)) for v in values.tolist()
            ]
        else:
            out[column] = values.astype(object).where(values.notna(), "").astype(str)
    return out


def _csv_bytes(records: pd.DataFrame, metadata: dict[str, object]) -> bytes:
    # A cell a spreadsheet would run as a formula gets an apostrophe (OWASP CSV
    # injection); importing the file again removes it (geo.io.cells.restore).
    cells = _text_columns(records).map(neutralise)
    text = cells.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _json_value(column: str, value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if column in _DATE_COLUMNS:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    return value


def _features(records: pd.DataFrame) -> Iterator[dict[str, object]]:
    for row in records.itertuples(index=False, name=None):
        props = {c: _json_value(c, v) for c, v in zip(INCIDENT_COLUMNS, row, strict=True)}
        lat, lon = props["latitude"], props["longitude"]
        geometry = None if lat is None or lon is None else {
            "type": "Point", "coordinates": [lon, lat]
        }
        yield {"type": "Feature", "id": props["id"], "geometry": geometry,
               "properties": props}


def _geojson_bytes(records: pd.DataFrame, metadata: dict[str, object]) -> bytes:
    doc = {"type": "FeatureCollection", "metadata": metadata,
           "features": list(_features(records))}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _points(records: pd.DataFrame) -> gpd.GeoDataFrame:
    frame = records.reset_index(drop=True).copy()
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=CRS)
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
    gdf.loc[frame["latitude"].isna() | frame["longitude"].isna(), "geometry"] = None
    return gdf


def _layer_metadata(metadata: dict[str, object]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in metadata.items()}


def _gpkg_bytes(records: pd.DataFrame, metadata: dict[str, object]) -> bytes:
    import pyogrio

    gdf = _points(records)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.gpkg")
        pyogrio.write_dataframe(
            gdf, path, layer="incidents", driver="GPKG",
            layer_metadata=_layer_metadata(metadata), geometry_type="Point",
        )
        return Path(path).read_bytes()
