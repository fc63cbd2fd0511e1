"""Incidents joined to their places: one GeoDataFrame in EPSG:4326."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.geocoding.area_conflict import SOURCE_AREA_COLUMN, source_area_conflicts
from geo.geocoding.areas import AREA_FRAME_COLUMNS, AdminAreas
from geo.geocoding.bulk import resolve_many
from geo.geocoding.gazetteer import Gazetteer
from geo.geocoding.names import name_key, search_key
from geo.geocoding.nearest import nearest_places
from geo.geocoding.overrides import Override
from geo.geocoding.protocol import PlaceResolver
from geo.geocoding.spellings import with_spellings
from geo.geocoding.stored import (
    GAZETTEER_SOURCES,
    UNSURE,
    held_answers,
    stored_geocodes,
    unconfirmed,
)
from geo.schema import INCIDENT_COLUMNS, SOURCE_COLUMNS
from geo.settings import Settings
from geo.vocab import CRS, PRECISION_RADIUS_KM, VIOLENCE_TYPES

#: Why an incident is not drawn, keyed by the value of the ``off_map`` column.
OFF_MAP_REASONS: dict[str, str] = {
    "unresolved": "place not found in the gazetteer",
    "ambiguous": "place name matches several places; pick one on the review page",
    UNSURE: "place not confirmed (stored as unsure); confirm it on the review page",
    "no_place": "no place and no coordinates",
    "country": "located only to a country",
}

#: Farthest a point may be from a town to be named after it, in metres.
NEAREST_MAX_M = 50_000.0

#: Columns of the incident record that search does not look into (numbers, dates, codes).
_NOT_SEARCHED = frozenset({
    "id", "date_start", "date_end", "date_precision", "latitude", "longitude", "geo_precision",
    "geocode_source", "killed_min", "killed_max", "injured_min", "injured_max", "casualties_min",
    "casualties_max", "type_of_violence", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "location_uncertainty_km", "killed_best",
})
#: Derived columns search looks into besides the record's text fields.
_SEARCHED_EXTRA = ("place_names", "nearest_place", "adm1_name", "adm2_name", "violence_label")
#: Columns whose values are names of the incident's place (matched whole by place terms).
_PLACE_NAME_COLUMNS = ("place", "nearest_place", "adm1_name", "adm2_name")


def geocode_incidents(incidents: pd.DataFrame, geocoder: PlaceResolver) -> pd.DataFrame:
    """Fill coordinates of incidents that have a place but no coordinates.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Typed incident records (see :mod:`geo.schema`).
    geocoder : PlaceResolver
        Resolves place names.

    Coordinates that came from a geocoder before (``geocode_source`` a gazetteer
    id or an override) are looked up again and replaced when the name now resolves.

    Returns
    -------
    pandas.DataFrame
        A copy with ``latitude``, ``longitude``, ``geo_precision``,
        ``geocode_source`` filled where the place resolved, plus
        ``geocode_status`` (given, resolved, ambiguous, unresolved, no_place, and
        ``unsure`` for a place nobody confirmed, which only an analyst's correction
        places: :mod:`geo.geocoding.stored`) and ``place_names`` (every spelling of the
        resolved place, for search).
    """
    out = incidents.reset_index(drop=True)  # positions below index status and names
    out = _plain_text(out)  # written below: a map frame's categoricals take no new values
    status = np.where(out["latitude"].notna(), "given", "no_place").astype(object)
    out["geocode_source"] = out["geocode_source"].where(
        out["latitude"].isna() | (out["geocode_source"] != ""), "given"
    )
    names = [""] * len(out)
    # Coordinates a geocoder gave earlier (at import) are looked up again, so that
    # analysts' corrections and a better gazetteer reach stored records too.
    geocoded = out["latitude"].notna() & out["geocode_source"].str.startswith(GAZETTEER_SOURCES)
    doubted = unconfirmed(out)
    todo = out.index[(out["latitude"].isna() | geocoded) & (out["place"] != "")]
    if len(todo):
        # the bulk path: each distinct (place, country, admin1, admin2) answered once
        admin2 = (out.loc[todo, "admin2"].fillna("").astype(str).tolist()
                  if "admin2" in out else None)
        batch = resolve_many(geocoder, out.loc[todo, "place"].astype(str).tolist(),
                             countries=out.loc[todo, "country"].tolist(),
                             admin1s=out.loc[todo, "admin1"].tolist(), admin2s=admin2).frame()
        positions = np.asarray(todo, dtype=np.int64)
        answer = held_answers(batch["status"].to_numpy(dtype=object),
                              batch["source"].to_numpy(dtype=object), doubted[positions])
        resolved = answer == "resolved"
        # a name that no longer resolves keeps the place found at import
        status[positions] = np.where(~resolved & geocoded.to_numpy()[positions], "resolved",
                                     answer)
        placed = positions[resolved]
        found = batch[resolved]
        labels = out.index[placed]
        out.loc[labels, "latitude"] = found["latitude"].to_numpy()
        out.loc[labels, "longitude"] = found["longitude"].to_numpy()
        # the point placed carries the precision of the place found (a town learned
        # only "within 25 km" is approximate), never finer than the record states; a
        # point placed by the geocoder before, or an unconfirmed place an analyst's
        # correction now confirms, takes the new answer's
        stated = pd.to_numeric(out.loc[labels, "geo_precision"], errors="coerce")
        stated = stated.where(~(geocoded.to_numpy() | doubted)[placed])
        answer = found["precision"].to_numpy(dtype=np.int64)
        out.loc[labels, "geo_precision"] = np.maximum(
            stated.fillna(0).to_numpy(dtype=np.int64), answer)
        source = found["source"].to_numpy(dtype=object)
        out.loc[labels, "geocode_source"] = np.where(source != "", source,
                                                     found["gazetteer_id"].to_numpy(object))
        no_admin1 = (out.loc[labels, "admin1"] == "").to_numpy()
        out.loc[labels[no_admin1], "admin1"] = found["admin1"].to_numpy(dtype=object)[
            no_admin1]
        for position, spellings in zip(placed.tolist(), found["spellings"].tolist(),
                                       strict=True):
            names[position] = spellings
    out["geocode_status"] = pd.Series(status, index=out.index, dtype=str)
    out["place_names"] = pd.Series(names, index=out.index, dtype=str)
    out.index = incidents.index
    return out


def _plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns as plain text (those of a map frame)."""
    coded = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not coded:
        return frame
    out = frame.copy(deep=False)
    for column in coded:
        out[column] = out[column].astype(str)
    return out


def to_geodataframe(incidents: pd.DataFrame) -> gpd.GeoDataFrame:
    """Turn geocoded incidents into a GeoDataFrame of points.

    Incidents without coordinates keep an empty geometry and stay in the frame.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geocode_incidents`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, with the extra columns ``off_map`` (a key of
        :data:`OFF_MAP_REASONS`, or '' for incidents drawn on the map),
        ``place_keys`` (``|key|key|``: name keys of the place's names),
        ``claimant`` (who the figures are from: ``claimed_by``, else the outlet of
        ``source_name``), ``violence_label`` (UCDP's type of violence in words),
        ``uncertainty_km`` (radius the point may be off by: the source's own,
        else the size of the district or governorate a precision 2 or 3 point
        stands for, else the default of its precision) and
        :data:`geo.geocoding.areas.AREA_FRAME_COLUMNS` ('' unless :func:`assign_areas`
        filled them).
    """
    frame = incidents.copy()
    if "geocode_status" not in frame:
        frame["geocode_status"] = np.where(frame["latitude"].notna(), "given", "no_place")
        frame["place_names"] = ""
    for column in AREA_FRAME_COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame["claimant"] = claimants(frame)
    frame["violence_label"] = _violence_labels(frame)
    frame["uncertainty_km"] = uncertainty_km(frame)
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=CRS)
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
    gdf.loc[frame["latitude"].isna(), "geometry"] = None
    off_map = pd.Series("", index=gdf.index, dtype=object)
    no_coords = frame["latitude"].isna()
    off_map[no_coords] = frame.loc[no_coords, "geocode_status"].map(
        {"ambiguous": "ambiguous", "unresolved": "unresolved", UNSURE: UNSURE}
    ).fillna("no_place")
    off_map[~no_coords & (frame["geo_precision"].fillna(1) >= 4)] = "country"
    gdf["off_map"] = off_map.astype(str)
    gdf["place_keys"] = _place_keys(frame)
    return gdf


def search_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of an incident frame free-text search looks into, in order.

    The record's text fields (not its numbers, dates and codes), then the names of
    its place and areas derived by the join (``place_names``, ``nearest_place``,
    ``adm1_name``, ``adm2_name``) and ``violence_label``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`to_geodataframe`.

    Returns
    -------
    list of str
    """
    record = [c for c in INCIDENT_COLUMNS if c in frame and c not in _NOT_SEARCHED]
    return record + [c for c in _SEARCHED_EXTRA if c in frame]


def search_text(frame: pd.DataFrame) -> pd.Series:
    """What free-text search reads of each incident, as one text (made on demand).

    The :func:`geo.geocoding.names.search_key` of every column of
    :func:`search_columns`, joined by `` | ``. Search itself matches column by column
    (see :func:`geo.view.search.match_terms`), which finds the same incidents: a
    search key never holds ``|``, so no term matches across two fields. Not kept in
    the frame: at a million incidents it would hold about 150 MB.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`to_geodataframe`.

    Returns
    -------
    pandas.Series of str
        Aligned with ``frame``.
    """
    columns = search_columns(frame)
    if not len(frame):
        return pd.Series([], index=frame.index, dtype=str)
    parts = []
    for column in columns:
        values = frame[column].fillna("").astype(str)
        keys = {text: search_key(text) for text in pd.unique(values)}
        parts.append(values.map(keys).astype(str))
    return parts[0].str.cat(parts[1:], sep=" | ").astype(str)


def _place_keys(frame: pd.DataFrame) -> pd.Series:
    """``|key|key|`` of the names of each incident's place (as written, resolved, areas)."""
    columns = [c for c in _PLACE_NAME_COLUMNS if c in frame]
    names = [frame[c].fillna("").astype(str) for c in columns]
    names.append(frame["place_names"].fillna("").astype(str).str.replace(" | ", "\x1f"))
    joined = names[0].str.cat(names[1:], sep="\x1f")
    cache: dict[str, str] = {}
    for text in pd.unique(joined):
        keys = {name_key(n) for n in text.split("\x1f") if n}
        keys.discard("")
        cache[text] = "|" + "|".join(sorted(keys)) + "|" if keys else ""
    return joined.map(cache).astype(str)


def claimants(frame: pd.DataFrame) -> pd.Series:
    """Who each incident's figures are from: ``claimed_by``, else the outlet of ``source_name``.

    The outlet is ``source_name`` before a colon or a parenthesis ("UCDP GED: <article>"
    and "Sputnik (as relayed ...)" give "UCDP GED" and "Sputnik").

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.Series of str
        "unattributed" where neither is given.
    """
    claimed = frame["claimed_by"].fillna("").astype(str).str.strip()
    source = frame["source_name"].fillna("").astype(str)
    outlet = source.str.split(r":|\s\(", n=1, regex=True).str[0].str.strip()
    outlet = outlet.where(outlet != "", source.str.strip())
    out = claimed.where(claimed != "", outlet)
    return out.where(out != "", "unattributed").astype(str)


def _violence_labels(frame: pd.DataFrame) -> pd.Series:
    if "type_of_violence" not in frame:
        return pd.Series("", index=frame.index, dtype=str)
    codes = pd.to_numeric(frame["type_of_violence"], errors="coerce").astype("Float64")
    labels = {float(k): v for k, v in VIOLENCE_TYPES.items()}
    return codes.map(labels).astype(object).where(codes.notna(), "").fillna("").astype(str)


def uncertainty_km(frame: pd.DataFrame) -> pd.Series:
    """Radius (km) each point may be off by.

    The source's own radius (``location_uncertainty_km``, e.g. UCDP's "within 25 km"),
    else the equal-area radius of the district (precision 2) or governorate
    (precision 3) the point stands for (``area_radius_km``, from :func:`assign_areas`),
    else :data:`geo.vocab.PRECISION_RADIUS_KM`.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``geo_precision``, ``latitude`` and optionally the two radius columns.

    Returns
    -------
    pandas.Series of float
        0 for exact points; NaN for incidents without coordinates.
    """
    precision = pd.to_numeric(frame["geo_precision"], errors="coerce").fillna(1)
    default = precision.map(lambda p: PRECISION_RADIUS_KM.get(int(p), 0.0)).astype(float)
    if "area_radius_km" in frame:
        area = pd.to_numeric(frame["area_radius_km"], errors="coerce").astype(float)
        default = area.where(area.notna(), default)
    if "location_uncertainty_km" in frame:
        given = pd.to_numeric(frame["location_uncertainty_km"], errors="coerce")
        default = given.astype(float).where(given.notna(), default)
    return default.where(frame["latitude"].notna()).astype(float)


def assign_areas(incidents: pd.DataFrame, areas: AdminAreas | None) -> pd.DataFrame:
    """Add each incident's governorate and district (see :meth:`AdminAreas.assign`).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Geocoded incidents.
    areas : AdminAreas or None
        None or empty: the area columns stay empty.

    Returns
    -------
    pandas.DataFrame
        A copy with :data:`geo.geocoding.areas.AREA_FRAME_COLUMNS` and ``source_area``
        (see :func:`geo.geocoding.area_conflict.source_area_conflicts`).
    """
    out = incidents.copy()
    out["area_radius_km"] = np.nan
    if not areas:
        for column in AREA_FRAME_COLUMNS:
            out[column] = ""
        out[SOURCE_AREA_COLUMN] = ""
        return out
    assigned = areas.assign(out)
    for column in AREA_FRAME_COLUMNS:
        out[column] = assigned[column].astype(str)
    out[SOURCE_AREA_COLUMN] = source_area_conflicts(out, out["adm1_pcode"], areas)
    precision = pd.to_numeric(out["geo_precision"], errors="coerce")
    for level, code in ((2, 2), (1, 3)):
        rows = (precision == code).fillna(False).to_numpy(dtype=bool) & (
            out[f"adm{level}_pcode"] != "").to_numpy(dtype=bool)
        if rows.any():
            radius = out.loc[rows, f"adm{level}_pcode"].map(areas.radius_km).astype(float)
            out.loc[rows, "area_radius_km"] = radius
    return out


def name_unnamed_points(incidents: pd.DataFrame, gazetteer: Gazetteer | None) -> pd.DataFrame:
    """Give records with coordinates but no place their nearest gazetteer place.

    Uses a GeoPandas nearest join in a metric CRS
    (see :func:`geo.geocoding.nearest.nearest_places`);
    the place as written stays empty, ``admin1`` is filled where missing.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geocode_incidents`.
    gazetteer : Gazetteer or None
        Towns and sites to name points after (None: nothing to do).

    Returns
    -------
    pandas.DataFrame
        A copy with ``nearest_place`` (name) and ``nearest_distance_m`` (metres)
        for those records ('' and NaN elsewhere).
    """
    out = incidents.copy()
    out["nearest_place"] = ""
    out["nearest_distance_m"] = np.nan
    unnamed = out["latitude"].notna() & (out["place"] == "")
    if gazetteer is None or not unnamed.any():
        return out
    found = nearest_places(out[unnamed], gazetteer, max_distance_m=NEAREST_MAX_M)
    out.loc[unnamed, "nearest_place"] = found["nearest_place"]
    out.loc[unnamed, "nearest_distance_m"] = found["nearest_distance_m"]
    fill = unnamed & (out["admin1"] == "")
    out.loc[fill, "admin1"] = found["nearest_admin1"].reindex(out.index[fill])
    return out


def build_incident_frame(
    incidents: pd.DataFrame,
    geocoder: PlaceResolver | None = None,
    areas: AdminAreas | None = None,
    settings: Settings | None = None,
    corrections: Sequence[Override] | None = None,
) -> gpd.GeoDataFrame:
    """Geocode, name unnamed points, find admin areas and join.

    Parameters
    ----------
    incidents : pandas.DataFrame
    geocoder : PlaceResolver, optional
        Without one (what display pages do: they never load the gazetteer), the
        stored coordinates are used as they are, see
        :func:`geo.geocoding.stored.stored_geocodes`.
    areas : AdminAreas, optional
        Admin boundaries for the area columns (none: they stay empty).
    settings : Settings, optional
        Without a geocoder: read the spellings of the places records were placed at
        (for search) from the files these settings name
        (see :func:`geo.geocoding.spellings.place_spellings`).
    corrections : sequence of Override, optional
        The analysts' corrections records may point at (default: the corrections file).

    Returns
    -------
    geopandas.GeoDataFrame
    """
    if geocoder is None:
        stored = stored_geocodes(incidents)
        if settings is not None:
            with_spellings(stored, settings, corrections)
        return to_geodataframe(assign_areas(name_unnamed_points(stored, None), areas))
    geocoded = geocode_incidents(incidents, geocoder)
    named = name_unnamed_points(geocoded, geocoder.gazetteer)
    return to_geodataframe(assign_areas(named, areas))


#: Fields :func:`relocations` may change.
LOCATION_FIELDS = ("latitude", "longitude", "geo_precision", "geocode_source", "admin1")


def relocations(incidents: pd.DataFrame, geocoder: PlaceResolver) -> dict[str, dict[str, object]]:
    """Location changes that geocoding the records now would make.

    Records whose coordinates came from the source are left alone; the others (no
    coordinates, or coordinates the geocoder gave) are geocoded again, so that an
    analyst's correction or a better gazetteer reaches the stored records.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Typed incident records (with ``id``).
    geocoder : PlaceResolver

    Returns
    -------
    dict
        Incident id -> {field: new value} for the :data:`LOCATION_FIELDS` that change
        (None empties a field); records that would not change are absent.
    """
    own = incidents["geocode_source"].astype(str).str.startswith(GAZETTEER_SOURCES)
    todo = incidents[(incidents["place"] != "") & (incidents["latitude"].isna() | own)]
    if todo.empty:
        return {}
    before = todo.reset_index(drop=True)
    # A precision the geocoder set before is the old place's: let the new place set it.
    cleared = before.copy()
    cleared.loc[before["geocode_source"].str.startswith(GAZETTEER_SOURCES),
                "geo_precision"] = pd.NA
    after = geocode_incidents(cleared, geocoder)
    same = after["geocode_source"] == before["geocode_source"]
    active = {f"override:{o.override_id}" for o in geocoder.overrides.active()}
    # A point from a correction since undone, whose name now resolves to nothing, is lost;
    # a place found at import that the gazetteer no longer resolves is kept as it was.
    lost = same & before["geocode_source"].str.startswith("override:") & ~before[
        "geocode_source"].isin(active)
    after.loc[same & ~lost, list(LOCATION_FIELDS)] = before.loc[same & ~lost,
                                                                list(LOCATION_FIELDS)]
    for column in ("latitude", "longitude", "geo_precision"):
        after.loc[lost, column] = pd.NA
    after.loc[lost, "geocode_source"] = ""
    changes: dict[str, dict[str, object]] = {}
    for i in range(len(before)):
        fields: dict[str, object] = {}
        for column in LOCATION_FIELDS:
            old, new = before.at[i, column], after.at[i, column]
            if _same_value(old, new):
                continue
            fields[column] = None if _missing(new) else new
        if fields:
            changes[str(before.at[i, "id"])] = fields
    return changes


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _same_value(old: object, new: object) -> bool:
    if _missing(old) or _missing(new):
        return _missing(old) and _missing(new)
    if isinstance(old, int | float | np.number) and isinstance(new, int | float | np.number):
        return float(old) == float(new)
    return str(old) == str(new)


def fingerprint(incidents: pd.DataFrame) -> str:
    """Short stable fingerprint of the incident data, for links that pin it.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incident records; only :data:`geo.schema.INCIDENT_COLUMNS` count, in id order
        (the sources' own columns only when some record fills them, so that data made
        before they existed keeps its fingerprint and its links).

    Returns
    -------
    str
        8 hexadecimal characters.
    """
    return fingerprint_of(row_hashes(incidents), incidents["id"])


def fingerprint_columns(incidents: pd.DataFrame) -> list[str]:
    """The columns a fingerprint covers: the record's, but source columns only when some
    record fills them (so that links made before a source column existed stay valid)."""
    return [
        c for c in INCIDENT_COLUMNS
        if c in incidents.columns and (c not in SOURCE_COLUMNS or _filled(incidents[c]))
    ]


def _filled(values: pd.Series) -> bool:
    """Whether any value of a column is given (not NA, not empty text)."""
    present = values.notna()
    if (values.dtype == object or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)):
        present &= values.astype(str) != ""
    return bool(present.any())


def row_hashes(incidents: pd.DataFrame, columns: list[str] | None = None) -> np.ndarray:
    """One 64-bit hash per record, of ``columns`` (default :func:`fingerprint_columns`).

    A record's hash depends on that record alone, so a cache that follows the store
    rehashes only the records that changed (while the columns covered stay the same).
    """
    columns = fingerprint_columns(incidents) if columns is None else columns
    # In slices: the columns as text are a transient copy of the frame (about 1 GB at a
    # million incidents in one piece).
    parts = [
        pd.util.hash_pandas_object(_as_text(incidents.iloc[first:first + _HASH_ROWS][columns]),
                                   index=False).to_numpy()
        for first in range(0, max(len(incidents), 1), _HASH_ROWS)
    ]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _as_text(part: pd.DataFrame) -> pd.DataFrame:
    """Every column as text, but categoricals of text as they are: pandas hashes a
    categorical as the texts it stands for (each category once, spread by the codes),
    so the hashes are those of the text, without a string per row."""
    return pd.DataFrame({
        name: values if isinstance(values.dtype, pd.CategoricalDtype)
        and pd.api.types.is_string_dtype(values.cat.categories) else values.astype(str)
        for name, values in part.items()
    }, copy=False)


_HASH_ROWS = 50_000
"""Records hashed at a time by :func:`row_hashes`."""


def fingerprint_of(hashes: np.ndarray, ids: pd.Series) -> str:
    """The fingerprint (see :func:`fingerprint`) from per-record hashes and ids."""
    return hashlib.sha256(np.asarray(hashes)[id_order(ids)].tobytes()).hexdigest()[:8]


def id_order(ids: pd.Series) -> np.ndarray:
    """Row positions of the text ``ids`` sorted by code point, equal ids in row order (an
    int64 array). Arrow sorts Arrow-backed text where it is (UTF-8 bytes sort as code
    points): no fixed-width NumPy copy (64 MB for a million ids of 16 characters)."""
    values = ids.array
    if hasattr(values, "__arrow_array__") and not isinstance(ids.dtype, pd.CategoricalDtype):
        import pyarrow.compute as pc

        return pc.sort_indices(values.__arrow_array__()).to_numpy().astype(np.int64)
    return np.argsort(ids.to_numpy(dtype=str), kind="stable")
