"""Aggregates of the map from grid cells counted in the database.

:meth:`geo.store.pg_query.PostGISQuery.cells` groups the view's incidents by screen
cell in SQL; :func:`aggregates_from_cells` joins close cells as
:func:`geo.render.cell_merge.merge_close` does and gives the same
:class:`~geo.render.clusters.Aggregates` the frame path draws, so the layer code
(:mod:`geo.render.aggregate_layer`) is the same for both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.render.cell_details import (
    FIGURE_COLUMNS,
    assign_places,
    empty_figures,
    empty_top,
    rank_places,
)
from geo.render.cell_merge import merge_centres
from geo.render.clusters import (
    AGGREGATE_BELOW_ZOOM,
    CELL_PIXELS,
    MERGE_PIXELS,
    Aggregates,
)
from geo.render.place_details import empty_place_figures, store_place_figures
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES

_MIN = ("south", "west", "killed_lo", "injured_lo", "casualties_lo", "date_from")
_MAX = ("north", "east", "killed_hi", "injured_hi", "casualties_hi", "date_to")
_WORLD_METRES = 40_075_016.68557849
"""Width of the Web Mercator world in metres."""
_SUM = ("count", "px", "py", "places", "killed_known", "injured_known", "casualties_known",
        "killed_open", "injured_open", "casualties_open")


def aggregates_from_cells(cells: pd.DataFrame, zoom: int, places: pd.DataFrame | None = None,
                          cell_pixels: int = CELL_PIXELS) -> Aggregates:
    """What the map draws, from per-cell figures.

    Parameters
    ----------
    cells : pandas.DataFrame
        Output of :meth:`geo.store.pg_query.PostGISQuery.cells` at ``zoom``.
    zoom : int
    places : pandas.DataFrame, optional
        The view's killed figures per place and claimant in the same window
        (:func:`geo.store.pg_cell_details.place_claimants`): the aggregates then carry
        their figures per claimant and top places (else none).
    cell_pixels : int
        Side of the cells, screen pixels.

    Returns
    -------
    Aggregates
    """
    n_types, n_claims = len(EVENT_TYPES) + 1, len(CLAIM_STATUSES) + 1
    count = cells["count"].to_numpy(dtype=float)
    if zoom < AGGREGATE_BELOW_ZOOM and len(cells):
        cx = cells["px"].to_numpy(dtype=float) / count
        cy = cells["py"].to_numpy(dtype=float) / count
        label = merge_centres(count.astype(np.int64), cx, cy, MERGE_PIXELS)
    else:
        label = np.arange(len(cells), dtype=np.int64)
    merged = _merge(cells, label)
    multi = merged["places"] > 1
    many = merged[multi].reset_index(drop=True)
    types = many[[f"t{i}" for i in range(n_types)]].to_numpy(dtype=int)
    claims = many[[f"c{i}" for i in range(n_claims)]].to_numpy(dtype=int)
    out = pd.DataFrame({
        "lat": many["lat"], "lon": many["lon"], "south": many["south"],
        "north": many["north"], "west": many["west"], "east": many["east"],
        "count": many["count"].astype(np.int64), "places": many["places"].astype(np.int64),
    })
    for name in ("killed", "injured", "casualties"):
        out[f"{name}_lo"] = many[f"{name}_lo"]
        out[f"{name}_hi"] = many[f"{name}_hi"]
        out[f"{name}_known"] = many[f"{name}_known"].astype(np.int64)
        out[f"{name}_open"] = many[f"{name}_open"].astype(np.int64)
    out["date_from"] = many["date_from"]
    out["date_to"] = many["date_to"]
    single = merged[~multi].reset_index(drop=True)
    single_places = pd.DataFrame({
        "lat": single["south"], "lon": single["west"],
        "count": single["count"].astype(np.int64),
        "type": np.where(single["type_min"] == single["type_max"], single["type_min"],
                         len(EVENT_TYPES)).astype(np.int64),
        "precision": single["precision"].astype(np.int64),
        "uncertainty": single["uncertainty"].astype(float),
        "figure": single["figure"].astype(float),
        "label": single["label"].astype(str),
        "date_from": single["date_from"].astype(float),
        "date_to": single["date_to"].astype(float),
    })
    total = int(count.sum()) if len(cells) else 0
    figures, top, alone = empty_figures(), empty_top(), empty_place_figures()
    if places is not None and len(places):
        size = cell_pixels * _WORLD_METRES / (256 * 2**zoom)
        place_cx = np.floor(places["x"].to_numpy(dtype=float) / size)
        place_cy = np.floor(places["y"].to_numpy(dtype=float) / size)
        cell_cx, cell_cy = cells["cx"].to_numpy(dtype=float), cells["cy"].to_numpy(dtype=float)
        for is_multi, k in ((True, len(many)), (False, len(single))):
            group_of = np.full(len(merged), -1, dtype=np.int64)
            group_of[np.flatnonzero((multi == is_multi).to_numpy())] = np.arange(k)
            at = assign_places(place_cx, place_cy, cell_cx, cell_cy, group_of[label])
            if is_multi:
                figures, top = _details(places.assign(cell=at)[at >= 0])
            else:
                alone = store_place_figures(places.assign(cell=at)[at >= 0])
    return Aggregates(out, types, claims, single_places, total, zoom,
                      bool(cells.attrs.get("places_upper_bound", False)),
                      figures=figures, top=top, place_figures=alone)


def _details(places: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Killed figures per aggregate and claimant, and top places, from the rows of
    :func:`geo.store.pg_cell_details.place_claimants` with their aggregate (``cell``)."""
    if places.empty:
        return empty_figures(), empty_top()
    sums = ["incidents", "known", "low", "high", "open", "best", "best_n"]
    figures = places.groupby(["cell", "claimant"], sort=True)[sums].sum().reset_index()
    figures = figures[list(FIGURE_COLUMNS)]
    # one row per place (its claimants' incidents added), in the order of the rows
    per_place = places.groupby(["cell", "plat", "plon"], sort=False).agg(
        label=("label", "first"), count=("incidents", "sum")).reset_index()
    return figures, rank_places(per_place)


def _merge(cells: pd.DataFrame, label: np.ndarray) -> pd.DataFrame:
    """Cells joined by ``label``: sums, extremes, weighted means (in label order)."""
    frame = cells.copy()
    frame["_group"] = label
    frame["_wlat"] = frame["lat"] * frame["count"]
    frame["_wlon"] = frame["lon"] * frame["count"]
    counts = [c for c in frame.columns if c[:1] in "tc" and c[1:].isdigit()]
    spec: dict[str, str] = {c: "min" for c in _MIN}
    spec.update({c: "max" for c in _MAX})
    spec.update({c: "sum" for c in (*_SUM, *counts, "_wlat", "_wlon", "figure")})
    spec.update({"type_min": "min", "type_max": "max", "precision": "max",
                 "uncertainty": "max", "label": "first"})
    grouped = frame.groupby("_group", sort=True).agg(spec)
    grouped["lat"] = grouped["_wlat"] / grouped["count"]
    grouped["lon"] = grouped["_wlon"] / grouped["count"]
    return grouped.reset_index(drop=True)
