"""Points to places: the nearest gazetteer place and the admin area of each point.

For records that carry coordinates but no place name. Nearest-neighbour search runs
through GeoPandas ``sjoin_nearest`` in a metric CRS (the UTM zone of the points), and
the distances reported are geodesic metres on the WGS84 ellipsoid.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from geo.geocoding.gazetteer import Gazetteer
from geo.vocab import CRS

#: Columns :func:`nearest_places` adds.
NEAREST_COLUMNS = (
    "nearest_place_id",
    "nearest_place",
    "nearest_admin1",
    "nearest_precision",
    "nearest_distance_m",
)
_GEOD = Geod(ellps="WGS84")
_MARGIN_DEG = 1.0


def nearest_places(
    points: pd.DataFrame,
    gazetteer: Gazetteer,
    *,
    latitude: str = "latitude",
    longitude: str = "longitude",
    max_precision: int = 1,
    max_distance_m: float | None = None,
) -> pd.DataFrame:
    """Find the nearest gazetteer place of every point.

    Parameters
    ----------
    points : pandas.DataFrame
        Rows with ``latitude``/``longitude`` columns (WGS84); rows without both are
        left without a place.
    gazetteer : Gazetteer
        Places to choose from.
    latitude, longitude : str
        Column names.
    max_precision : int
        Consider only places of at most this precision (1: towns and sites).
    max_distance_m : float, optional
        Leave points farther than this from every place without a place.

    Returns
    -------
    pandas.DataFrame
        Same index as ``points``, columns :data:`NEAREST_COLUMNS` (empty strings and
        NaN where no place was found).
    """
    out = pd.DataFrame(index=points.index)
    out["nearest_place_id"] = ""
    out["nearest_place"] = ""
    out["nearest_admin1"] = ""
    out["nearest_precision"] = pd.array([pd.NA] * len(points), dtype="Int64")
    out["nearest_distance_m"] = np.nan
    lat = pd.to_numeric(points[latitude], errors="coerce")
    lon = pd.to_numeric(points[longitude], errors="coerce")
    has = lat.notna() & lon.notna()
    if not has.any() or not len(gazetteer):
        return out
    pts = gpd.GeoDataFrame(
        {"_row": np.flatnonzero(has.to_numpy())},
        geometry=gpd.points_from_xy(lon[has], lat[has]),
        crs=CRS,
    )
    metric = pts.estimate_utm_crs()
    pts_metric = pts.to_crs(metric)
    margin = _MARGIN_DEG
    while True:
        places = _places_near(gazetteer, lat[has], lon[has], max_precision, margin)
        if places.empty:
            if margin >= 180:
                return out
            margin *= 4
            continue
        joined = gpd.sjoin_nearest(
            pts_metric, places.to_crs(metric), how="inner", max_distance=max_distance_m,
            distance_col="_distance",
        )
        joined = joined[~joined.index.duplicated(keep="first")]
        # A place outside the searched box could be nearer than one found beyond the
        # box's margin: widen the box until every answer lies within the margin.
        safe_m = margin * 111_000 * np.cos(np.radians(min(abs(lat).max(), 89.0)))
        if joined.empty or joined["_distance"].max() <= safe_m or margin >= 180:
            break
        margin *= 4
    if joined.empty:
        return out
    rows = joined["_row"].to_numpy()
    place_rows = joined["_place"].to_numpy(dtype=np.int64)
    _, _, metres = _GEOD.inv(
        lon[has].to_numpy()[joined.index.to_numpy()],
        lat[has].to_numpy()[joined.index.to_numpy()],
        gazetteer.longitude[place_rows],
        gazetteer.latitude[place_rows],
    )
    target = points.index[rows]
    out.loc[target, "nearest_place_id"] = gazetteer.take("gazetteer_id", place_rows)
    out.loc[target, "nearest_place"] = gazetteer.take("name", place_rows)
    out.loc[target, "nearest_admin1"] = gazetteer.take("admin1", place_rows)
    out.loc[target, "nearest_precision"] = gazetteer.precision[place_rows]
    out.loc[target, "nearest_distance_m"] = np.round(metres, 1)
    return out


def admin_areas(
    points: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    latitude: str = "latitude",
    longitude: str = "longitude",
    max_distance_m: float = 0.0,
) -> pd.DataFrame:
    """Name the admin area (any polygon layer) each point falls in.

    Parameters
    ----------
    points : pandas.DataFrame
        Rows with ``latitude``/``longitude`` (WGS84).
    areas : geopandas.GeoDataFrame
        Polygons (any CRS), e.g. OCHA governorates or districts.
    columns : sequence of str
        Columns of ``areas`` to copy (e.g. ``["NAME_EN", "PCODE"]``).
    max_distance_m : float
        Points outside every polygon but within this distance of one (a border
        drawn a little inside the coast or the frontier) get the nearest polygon.

    Returns
    -------
    pandas.DataFrame
        Same index as ``points``, the requested columns ('' where none) and
        ``area_distance_m`` (0 inside a polygon).
    """
    missing = [c for c in columns if c not in areas.columns]
    if missing:
        raise ValueError(f"area layer has no column {', '.join(missing)}")
    out = pd.DataFrame("", index=points.index, columns=list(columns), dtype=object)
    out["area_distance_m"] = np.nan
    lat = pd.to_numeric(points[latitude], errors="coerce")
    lon = pd.to_numeric(points[longitude], errors="coerce")
    has = lat.notna() & lon.notna()
    if not has.any():
        return out
    pts = gpd.GeoDataFrame(
        {"_row": np.flatnonzero(has.to_numpy())},
        geometry=gpd.points_from_xy(lon[has], lat[has]),
        crs=CRS,
    )
    polys = areas[list(columns) + [areas.geometry.name]].to_crs(CRS)
    inside = gpd.sjoin(pts, polys, how="inner", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    target = points.index[inside["_row"].to_numpy()]
    out.loc[target, list(columns)] = inside[list(columns)].astype(str).to_numpy()
    out.loc[target, "area_distance_m"] = 0.0
    outside = pts[~pts.index.isin(inside.index)]
    if max_distance_m > 0 and len(outside):
        metric = pts.estimate_utm_crs()
        near = gpd.sjoin_nearest(
            outside.to_crs(metric), polys.to_crs(metric), how="inner",
            max_distance=max_distance_m, distance_col="_distance",
        )
        near = near[~near.index.duplicated(keep="first")]
        target = points.index[near["_row"].to_numpy()]
        out.loc[target, list(columns)] = near[list(columns)].astype(str).to_numpy()
        out.loc[target, "area_distance_m"] = near["_distance"].round(1).to_numpy()
    return out


def _places_near(
    gazetteer: Gazetteer, lat: pd.Series, lon: pd.Series, max_precision: int, margin: float
) -> gpd.GeoDataFrame:
    """Places of precision <= max_precision within ``margin`` degrees of the points' box."""
    box = (
        gazetteer.alive
        & (gazetteer.precision <= max_precision)
        & (gazetteer.latitude >= lat.min() - margin)
        & (gazetteer.latitude <= lat.max() + margin)
        & (gazetteer.longitude >= lon.min() - margin)
        & (gazetteer.longitude <= lon.max() + margin)
    )
    rows = np.flatnonzero(box)
    return gpd.GeoDataFrame(
        {"_place": rows},
        geometry=gpd.points_from_xy(gazetteer.longitude[rows], gazetteer.latitude[rows]),
        crs=CRS,
    )
