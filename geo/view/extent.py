"""Map extents: the centre and zoom that show given bounds (Web Mercator, via GeoPandas)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np

from geo.vocab import CRS, WEB_MERCATOR

MAP_WIDTH_PX, MAP_HEIGHT_PX = 900, 560
"""Size of the main map, in CSS pixels."""


def fit_view(
    bounds: tuple[float, float, float, float],
    width_px: int = MAP_WIDTH_PX,
    height_px: int = MAP_HEIGHT_PX,
    max_zoom: int = 10,
) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show ``bounds`` (minx, miny, maxx, maxy) in a map.

    Parameters
    ----------
    bounds : tuple of float
        Lon/lat bounds, as ``GeoSeries.total_bounds`` gives them.
    width_px, height_px : int
        Map size in pixels.
    max_zoom : int
        Cap, so that a single place is shown with its surroundings.

    Returns
    -------
    tuple
        ``((lat, lon), zoom)``.
    """
    corners = gpd.GeoSeries.from_xy([bounds[0], bounds[2]], [bounds[1], bounds[3]],
                                    crs=CRS).to_crs(WEB_MERCATOR)
    (x0, x1), (y0, y1) = corners.x.to_numpy(), corners.y.to_numpy()
    middle = gpd.GeoSeries.from_xy([(x0 + x1) / 2], [(y0 + y1) / 2], crs=WEB_MERCATOR)
    middle = middle.to_crs(CRS)
    world = 2 * math.pi * 6378137.0
    span_x, span_y = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    fitted = math.log2(min(width_px * world / (256 * span_x), height_px * world / (256 * span_y)))
    zoom = int(max(1, min(max_zoom, math.floor(fitted - 0.25))))
    return (float(middle.y.iloc[0]), float(middle.x.iloc[0])), zoom


def rows_bounds(
    lon: np.ndarray, lat: np.ndarray, rows: np.ndarray
) -> tuple[float, float, float, float] | None:
    """Bounds ``(west, south, east, north)`` of the points at ``rows``.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Longitudes and latitudes of every incident (NaN where unknown).
    rows : numpy.ndarray
        A boolean mask over them, or row positions.

    Returns
    -------
    tuple of float or None
        None when no row has a finite point.
    """
    x, y = np.asarray(lon, dtype=float)[rows], np.asarray(lat, dtype=float)[rows]
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    x, y = x[finite], y[finite]
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


_METRES_PER_DEGREE = 111_320.0
"""Length of a degree of latitude (and of longitude at the equator), in metres."""


def circle_bounds(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """Bounds ``(west, south, east, north)`` of a circle of ``radius_m`` around a point.

    Parameters
    ----------
    lat, lon : float
        Centre.
    radius_m : float
        Radius in metres (0 or less: the point itself).

    Returns
    -------
    tuple of float
        Latitudes clipped to +-85 (Web Mercator's edge).
    """
    radius = max(float(radius_m), 0.0)
    dlat = radius / _METRES_PER_DEGREE
    dlon = radius / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return (max(lon - dlon, -180.0), max(lat - dlat, -85.0),
            min(lon + dlon, 180.0), min(lat + dlat, 85.0))
