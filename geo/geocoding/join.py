"""Incidents joined to their places: one GeoDataFrame in EPSG:4326."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.geocoding.gazetteer import Gazetteer
from geo.geocoding.geocoder import GeocodeResult
from geo.geocoding.names import basic_key
from geo.geocoding.nearest import nearest_places
from geo.geocoding.protocol import PlaceResolver
from geo.schema import INCIDENT_COLUMNS
from geo.vocab import CRS

#: Why an incident is not drawn, keyed by the value of the ``off_map`` column.
OFF_MAP_REASONS: dict[str, str] = {
    "unresolved": "place not found in the gazetteer",
    "ambiguous": "place name matches several places; pick one on the review page",
    "no_place": "no place and no coordinates",
    "country": "located only to a country",
}

#: Farthest a point may be from a town to be named after it, in metres.
NEAREST_MAX_M = 50_000.0

#: ``geocode_source`` prefixes of coordinates that came from the geocoder.
GAZETTEER_SOURCES = ("geonames:", "local:", "override:")

_SEARCH_COLUMNS = (
    "place",
    "admin1",
    "event_type",
    "actors",
    "description",
    "claimed_by",
    "source_name",
)


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
        ``geocode_status`` (given, resolved, ambiguous, unresolved, no_place)
        and ``place_names`` (every spelling of the resolved place, for search).
    """
    out = incidents.reset_index(drop=True)  # positions below index status and names
    status = np.where(out["latitude"].notna(), "given", "no_place").astype(object)
    out["geocode_source"] = out["geocode_source"].where(
        out["latitude"].isna() | (out["geocode_source"] != ""), "given"
    )
    names = [""] * len(out)
    # Coordinates a geocoder gave earlier (at import) are looked up again, so that
    # analysts' corrections and a better gazetteer reach stored records too.
    geocoded = out["latitude"].notna() & out["geocode_source"].str.startswith(GAZETTEER_SOURCES)
    todo = out.index[(out["latitude"].isna() | geocoded) & (out["place"] != "")]
    cache: dict[tuple[str, str, str], GeocodeResult] = {}
    for i in todo:
        place, country, admin1 = out.at[i, "place"], out.at[i, "country"], out.at[i, "admin1"]
        key = (place, country, admin1)
        if key not in cache:
            cache[key] = geocoder.geocode(
                place, country=country or None, admin1=admin1 or None
            )
        result = cache[key]
        best = result.best
        if best is None and geocoded.iat[i]:
            status[i] = "resolved"  # keep the place found at import
            continue
        status[i] = result.status
        if best is None:
            continue
        p = best.place
        out.at[i, "latitude"] = p.latitude
        out.at[i, "longitude"] = p.longitude
        if pd.isna(out.at[i, "geo_precision"]):
            out.at[i, "geo_precision"] = p.precision
        out.at[i, "geocode_source"] = result.source or p.gazetteer_id
        if not out.at[i, "admin1"]:
            out.at[i, "admin1"] = p.admin1
        names[i] = " | ".join(p.spellings)
    out["geocode_status"] = pd.Series(status, index=out.index, dtype=str)
    out["place_names"] = pd.Series(names, index=out.index, dtype=str)
    out.index = incidents.index
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
        :data:`OFF_MAP_REASONS`, or '' for incidents drawn on the map) and
        ``search_text`` (normalised text for the search filter).
    """
    frame = incidents.copy()
    if "geocode_status" not in frame:
        frame["geocode_status"] = np.where(frame["latitude"].notna(), "given", "no_place")
        frame["place_names"] = ""
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=CRS)
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
    gdf.loc[frame["latitude"].isna(), "geometry"] = None
    off_map = pd.Series("", index=gdf.index, dtype=object)
    no_coords = frame["latitude"].isna()
    off_map[no_coords] = frame.loc[no_coords, "geocode_status"].map(
        {"ambiguous": "ambiguous", "unresolved": "unresolved"}
    ).fillna("no_place")
    off_map[~no_coords & (frame["geo_precision"].fillna(1) >= 4)] = "country"
    gdf["off_map"] = off_map.astype(str)
    gdf["search_text"] = _search_text(frame)
    return gdf


def _search_text(frame: pd.DataFrame) -> pd.Series:
    parts = [frame[c].astype(str) for c in _SEARCH_COLUMNS] + [frame["place_names"]]
    if "nearest_place" in frame:
        parts.append(frame["nearest_place"].astype(str))
    joined = parts[0].str.cat(parts[1:], sep=" | ")
    unique = pd.unique(joined)
    keys = {text: " | ".join(basic_key(p) for p in text.split(" | ")) for text in unique}
    return joined.map(keys).astype(str)


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


def build_incident_frame(incidents: pd.DataFrame, geocoder: PlaceResolver) -> gpd.GeoDataFrame:
    """Geocode, name unnamed points and join in one step (what the app does at start).

    Parameters
    ----------
    incidents : pandas.DataFrame
    geocoder : PlaceResolver

    Returns
    -------
    geopandas.GeoDataFrame
    """
    geocoded = geocode_incidents(incidents, geocoder)
    named = name_unnamed_points(geocoded, geocoder.gazetteer)
    return to_geodataframe(named)


def fingerprint(incidents: pd.DataFrame) -> str:
    """Short stable fingerprint of the incident data, for links that pin it.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incident records; only :data:`geo.schema.INCIDENT_COLUMNS` count, in id order.

    Returns
    -------
    str
        8 hexadecimal characters.
    """
    columns = [c for c in INCIDENT_COLUMNS if c in incidents.columns]
    ordered = incidents[columns].sort_values("id", kind="stable")
    hashed = pd.util.hash_pandas_object(ordered.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:8]
