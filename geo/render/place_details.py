"""What a single place's tooltip says beyond its count: deaths per claimant, civilian
deaths and its dates (trial 24: "Aleppo town — 452 incidents", nothing else).

Deaths follow the aggregates' rules (:mod:`geo.render.cell_details`): per claimant, the
sums of the incidents' lowest and highest killed figures and of the best estimates, never
added across claimants. Civilian deaths (UCDP ``deaths_civilians``) are summed per
claimant too, over the incidents giving them. Frame mode builds the table from the
per-incident arrays (:func:`place_figures`), store mode from the rows of
:func:`geo.store.pg_cell_details.place_claimants` (:func:`store_place_figures`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.render.cell_details import FIGURE_COLUMNS, claimant_figures

if TYPE_CHECKING:
    from geo.render.clusters import MapColumns

PLACE_FIGURE_COLUMNS = (*FIGURE_COLUMNS, "civ", "civ_n")
"""Columns of the per-place table: :data:`~geo.render.cell_details.FIGURE_COLUMNS`
(``cell`` the row of ``Aggregates.places``), then the sum of the civilian deaths and the
incidents giving them."""


def empty_place_figures() -> pd.DataFrame:
    """A per-place table with no row."""
    return pd.DataFrame({c: pd.Series(dtype=object if c == "claimant" else float)
                         for c in PLACE_FIGURE_COLUMNS})


def place_figures(columns: MapColumns, rows: np.ndarray, codes: np.ndarray, k: int
                  ) -> pd.DataFrame:
    """Killed and civilian figures per single place and claimant (frame mode).

    Parameters
    ----------
    columns : MapColumns
        Arrays of the whole dataset.
    rows : numpy.ndarray of int
        Row positions of the single places' incidents.
    codes : numpy.ndarray of int
        Place 0..k-1 (row of ``Aggregates.places``) of each of them.
    k : int
        Number of places.

    Returns
    -------
    pandas.DataFrame
        :data:`PLACE_FIGURE_COLUMNS`, by place then claimant name.
    """
    if not len(rows):
        return empty_place_figures()
    low, high = (values[rows] for values in columns.killed)
    claimant = columns.claimant[rows]
    figures = claimant_figures(codes, claimant, columns.claimants, low, high,
                               columns.open_top["killed"][rows], columns.best[rows], k)
    n_names = max(len(columns.claimants), 1)
    key = codes.astype(np.int64) * n_names + claimant.astype(np.int64)
    civ = (columns.civilians[rows] if columns.civilians is not None
           else np.full(len(rows), np.nan, dtype=np.float32))
    has = ~np.isnan(civ)
    size = k * n_names
    civ_sum = np.bincount(key, np.where(has, civ, 0.0), minlength=size)
    civ_n = np.bincount(key, has, minlength=size)
    names = {name: i for i, name in enumerate(columns.claimants.tolist())} if len(
        columns.claimants) else {"unattributed": 0}
    at = (figures["cell"].to_numpy(dtype=np.int64) * n_names
          + np.array([names[c] for c in figures["claimant"]], dtype=np.int64))
    return figures.assign(civ=civ_sum[at], civ_n=civ_n[at].astype(np.int64))


def store_place_figures(places: pd.DataFrame) -> pd.DataFrame:
    """Killed and civilian figures per single place and claimant (store mode).

    Parameters
    ----------
    places : pandas.DataFrame
        Rows of :func:`geo.store.pg_cell_details.place_claimants` with ``cell``, the row
        of ``Aggregates.places`` of their place.

    Returns
    -------
    pandas.DataFrame
        :data:`PLACE_FIGURE_COLUMNS`, by place then claimant name.
    """
    if places.empty:
        return empty_place_figures()
    sums = [c for c in PLACE_FIGURE_COLUMNS if c not in ("cell", "claimant")]
    out = places.groupby(["cell", "claimant"], sort=True)[sums].sum().reset_index()
    return out[list(PLACE_FIGURE_COLUMNS)]


def place_days(columns: MapColumns, rows: np.ndarray, codes: np.ndarray, k: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (days since 1970-01-01, NaN when undated) of each single place.

    Parameters
    ----------
    columns : MapColumns
    rows, codes : numpy.ndarray of int
        As for :func:`place_figures`.
    k : int

    Returns
    -------
    tuple of numpy.ndarray of float
    """
    first = np.full(k, np.nan, dtype=np.float32)
    last = np.full(k, np.nan, dtype=np.float32)
    if len(rows):
        np.fmin.at(first, codes, columns.day_start[rows])
        np.fmax.at(last, codes, columns.day_end[rows])
    return first.astype(np.float64), last.astype(np.float64)
