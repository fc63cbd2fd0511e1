"""The town of each governorate that the basemap always names at country zoom.

At zoom 7 the incidents' aggregates cover Syria's towns, and a town label finds no free
spot beside them; Hama, among Homs', Idlib's and Salamiyah's aggregates, went unnamed on
the real UCDP 2016 slice (trial of issue 14). The basemap names these towns first and
searches further around them for a free spot (``geo/render/basemap.py``). The gazetteer
index carries no feature codes (GeoNames' PPLA), so the seat is taken to be the
governorate's most populous town: Syria's seats in 13 of 14 governorates (Rural
Damascus, whose seat is Damascus, gets Douma).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

#: A town this close (metres) to a governorate it is not inside belongs to it: a coastal
#: town outside the simplified polygon (Tartus).
COAST_TOLERANCE_M = 5_000.0


def governorate_seats(towns: pd.DataFrame, admin1: Path | None) -> np.ndarray:
    """Which towns are the most populous of their first-level admin area.

    Parameters
    ----------
    towns : pandas.DataFrame
        ``lat``, ``lon``, ``pop`` (as :func:`geo.render.basemap.town_labels` gives).
    admin1 : Path or None
        The first-level admin boundary file (any polygon file GeoPandas reads).

    Returns
    -------
    numpy.ndarray of bool
        One per town; all False without a readable boundary file or towns.
    """
    seat = np.zeros(len(towns), dtype=bool)
    if admin1 is None or not admin1.exists() or towns.empty:
        return seat
    areas = gpd.read_file(admin1)
    if areas.empty:
        return seat
    areas = areas[["geometry"]].to_crs(3857).reset_index(drop=True)
    points = gpd.GeoDataFrame(
        {"pop": towns["pop"].to_numpy(), "row": np.arange(len(towns))},
        geometry=gpd.points_from_xy(towns["lon"], towns["lat"]), crs=4326).to_crs(3857)
    inside = gpd.sjoin(points, areas, predicate="within", how="inner")
    rest = points[~points["row"].isin(inside["row"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        near = gpd.sjoin_nearest(rest, areas, max_distance=COAST_TOLERANCE_M, how="inner")
    joined = pd.concat([inside, near])[["row", "pop", "index_right"]]
    joined = joined.drop_duplicates("row")  # on a border: the first area found
    top = joined.sort_values(["pop", "row"], ascending=[False, True], kind="stable")
    seat[top.drop_duplicates("index_right")["row"].to_numpy(dtype=int)] = True
    return seat
