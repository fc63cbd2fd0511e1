"""What an aggregate's tooltip says beyond its counts: deaths per claimant and its top places.

The analyst trial of issue 14 asked the map's aggregates for a death total and the places
they hold ("Aleppo 412, Manbij 37, ..."). Totals follow the rules of the Totals tab
(:mod:`geo.view.totals`): per claimant, the sum of the incidents' lowest and highest killed
figures (each incident from its smaller figure to its larger; one giving only a lowest
figure, "at least 16", adds it to both and makes the total open at the top) and of the
best estimates; figures of different claimants are never added together, so an
aggregate holding several claimants gets one total per claimant.

Both modes give the same two tables: frame mode from the per-incident arrays
(:func:`claimant_figures`, :func:`top_places`), store mode from one grouped query over
the view's places (:mod:`geo.store.pg_cell_details`), assigned to the aggregates by
:func:`assign_places`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from geo.render.clusters import MapColumns

TOP_PLACES = 3
"""Places named per aggregate, most incidents first."""

FIGURE_COLUMNS = ("cell", "claimant", "incidents", "known", "low", "high", "open", "best",
                  "best_n")
"""Columns of the per-claimant table: aggregate (row of ``Aggregates.cells``), claimant,
incidents, incidents giving a killed figure, sums of their lowest and highest figures,
incidents giving only a lowest one, sum of the best estimates and incidents giving one."""

TOP_COLUMNS = ("cell", "label", "count", "places")
"""Columns of the top places table: aggregate, place name, its incidents, and the
aggregate's places in all (on each row)."""


def empty_figures() -> pd.DataFrame:
    """A per-claimant table with no row."""
    return pd.DataFrame({c: pd.Series(dtype=object if c == "claimant" else float)
                         for c in FIGURE_COLUMNS})


def empty_top() -> pd.DataFrame:
    """A top places table with no row."""
    return pd.DataFrame({c: pd.Series(dtype=object if c == "label" else float)
                         for c in TOP_COLUMNS})


def claimant_figures(local: np.ndarray, claimant: np.ndarray, names: np.ndarray,
                     low: np.ndarray, high: np.ndarray, open_top: np.ndarray,
                     best: np.ndarray, k: int) -> pd.DataFrame:
    """Killed figures per aggregate and claimant, from per-incident arrays.

    Parameters
    ----------
    local : numpy.ndarray of int
        Aggregate 0..k-1 of each incident.
    claimant : numpy.ndarray of int
        Code of each incident's claimant (an index into ``names``).
    names : numpy.ndarray of object
        Claimant names.
    low, high : numpy.ndarray of float
        Each incident's killed range (NaN when it gives none; a bound given alone is both).
    open_top : numpy.ndarray of bool
        The incident gives a lowest figure and no highest ("at least").
    best : numpy.ndarray of float
        Best estimates (NaN when none).
    k : int
        Number of aggregates.

    Returns
    -------
    pandas.DataFrame
        :data:`FIGURE_COLUMNS`, by aggregate then claimant name.
    """
    if not len(local):
        return empty_figures()
    n_names = max(len(names), 1)
    size = k * n_names  # bincounts over (aggregate, claimant): no sort of the incidents
    key = local.astype(np.int64) * n_names + claimant.astype(np.int64)
    lo, hi = np.fmin(low, high), np.fmax(low, high)
    known = ~np.isnan(lo)
    has_best = ~np.isnan(best)
    incidents = np.bincount(key, minlength=size)
    groups = np.flatnonzero(incidents)

    def total(weights: np.ndarray) -> np.ndarray:
        if weights.dtype == bool and not weights.any():  # nothing to add: no pass
            return np.zeros(len(groups))
        return np.bincount(key, weights, minlength=size)[groups]

    frame = pd.DataFrame({
        "cell": (groups // n_names).astype(np.int64),
        "claimant": np.asarray(names, dtype=object)[groups % n_names] if len(names)
        else np.full(len(groups), "unattributed", dtype=object),
        "incidents": incidents[groups],
        "known": total(known).astype(np.int64),
        "low": total(np.where(known, lo, 0.0)),
        "high": total(np.where(known, hi, 0.0)),
        "open": total(open_top & known).astype(np.int64),
        "best": total(np.where(has_best, best, 0.0)) if has_best.any()
        else np.zeros(len(groups)),
        "best_n": total(has_best).astype(np.int64),
    })
    return frame.sort_values(["cell", "claimant"], kind="stable").reset_index(drop=True)


def top_places(local: np.ndarray, place: np.ndarray, labels: np.ndarray,
               k: int, top: int = TOP_PLACES) -> pd.DataFrame:
    """The places holding most incidents of each aggregate.

    Parameters
    ----------
    local : numpy.ndarray of int
        Aggregate 0..k-1 of each incident.
    place : numpy.ndarray of int
        Place code of each incident: one per rounded point, numbered in the order the
        data first holds them (:attr:`geo.render.clusters.MapColumns.place`); a place
        lies in one aggregate.
    labels : numpy.ndarray
        Per incident, the name of its place (or a code of it).
    k : int
        Number of aggregates.
    top : int
        Places kept per aggregate.

    Returns
    -------
    pandas.DataFrame
        :data:`TOP_COLUMNS`: per aggregate its ``top`` places by incidents (among equals,
        the one the data holds first), with the aggregate's number of places, named as
        one of their incidents names them; and ``place``, the place's code.
    """
    if not len(local):
        return empty_top()
    # bincounts over the place codes: no sort of the incidents
    # (each per-place array is let go once used: at a million places each is 8 MB)
    size = int(place.max()) + 1
    counts = np.bincount(place, minlength=size)
    present = np.flatnonzero(counts)
    count = counts[present]
    del counts
    cell_of = np.empty(size, dtype=np.int64)
    cell_of[place] = local
    cell = cell_of[present]
    del cell_of
    kept, places = _rank(cell, count, top)
    chosen = present[kept]
    del present
    row_of = np.empty(size, dtype=np.int64)
    row_of[place] = np.arange(len(place))
    # only the chosen rows' labels become objects (not a Python object per incident)
    return pd.DataFrame({
        "cell": cell[kept], "label": np.asarray(labels)[row_of[chosen]].astype(object),
        "count": count[kept], "places": places[cell[kept]], "place": chosen})


def _rank(cell: np.ndarray, count: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ``top`` largest ``count`` of each ``cell`` (the first among equals),
    by cell then count; and the rows per cell (indexed by cell).

    Each row gets one key, its count then its position reversed (larger is better); each
    of the ``top`` rounds takes every cell's largest remaining key by an unbuffered
    reduction into the cells (``numpy.maximum.at``), in the rows' own order: a million
    places cost about ten milliseconds, without sorting them by cell (a quarter of a
    second sorted by cell and count; 20 ms sorted by cell and reduced over each run).
    """
    n_cells = int(cell.max(initial=-1)) + 1
    per_cell = np.bincount(cell, minlength=n_cells)
    n = len(cell)
    if not n:
        return np.zeros(0, dtype=np.int64), per_cell
    key = count.astype(np.int64) * n + np.arange(n - 1, -1, -1, dtype=np.int64)
    rounds: list[np.ndarray] = []
    for _ in range(top):
        best = np.full(n_cells, -1, dtype=np.int64)
        np.maximum.at(best, cell, key)
        first = n - 1 - best[best >= 0] % n  # by cell
        rounds.append(first)
        key[first] = -1  # taken
    taken = np.concatenate(rounds)
    round_of = np.repeat(np.arange(len(rounds)), [len(r) for r in rounds])
    return taken[np.lexsort((round_of, cell[taken]))], per_cell


def rank_places(places: pd.DataFrame, top: int = TOP_PLACES) -> pd.DataFrame:
    """Per aggregate, its ``top`` places by incidents from one row per place.

    Parameters
    ----------
    places : pandas.DataFrame
        ``cell``, ``label``, ``count``: one row per place of an aggregate, in the order
        to keep among equals.
    top : int

    Returns
    -------
    pandas.DataFrame
        :data:`TOP_COLUMNS`.
    """
    if places.empty:
        return empty_top()
    cell = places["cell"].to_numpy(dtype=np.int64)
    count = places["count"].to_numpy(dtype=np.int64)
    kept, per_cell = _rank(cell, count, top)
    return pd.DataFrame({"cell": cell[kept],
                         "label": places["label"].to_numpy(dtype=object)[kept],
                         "count": count[kept], "places": per_cell[cell[kept]]})


def frame_details(columns: MapColumns, rows: np.ndarray, local: np.ndarray, k: int
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Killed figures per claimant and top places of frame mode's aggregates.

    Parameters
    ----------
    columns : MapColumns
        Arrays of the whole dataset (:func:`geo.render.clusters.map_columns`).
    rows : numpy.ndarray of int
        Row positions of the incidents in the aggregates.
    local : numpy.ndarray of int
        Aggregate 0..k-1 of each of them.
    k : int
        Number of aggregates.

    Returns
    -------
    tuple of pandas.DataFrame
        :data:`FIGURE_COLUMNS` and :data:`TOP_COLUMNS` tables; each place is named as
        most of its incidents write it (only the places named are looked at).
    """
    from geo.render.clusters import _common_labels  # (that module imports this one)

    low, high = (values[rows] for values in columns.killed)
    figures = claimant_figures(local, columns.claimant[rows], columns.claimants, low, high,
                               columns.open_top["killed"][rows], columns.best[rows], k)
    del low, high  # per-row copies: let go before the places' arrays come
    place, label_code = columns.place[rows], columns.label_code[rows]
    top = top_places(local, place, label_code, k)
    if top.empty:
        return figures, top
    chosen = np.isin(place, top["place"].to_numpy())
    codes, uniques = pd.factorize(place[chosen])
    common = dict(zip(uniques.tolist(), _common_labels(codes, label_code[chosen],
                                                       len(uniques)).tolist(), strict=True))
    top["label"] = columns.labels[[common[p] for p in top["place"].tolist()]]
    return figures, top.drop(columns="place")


def assign_places(place_cx: np.ndarray, place_cy: np.ndarray, cell_cx: np.ndarray,
                  cell_cy: np.ndarray, cell_group: np.ndarray) -> np.ndarray:
    """The aggregate each place falls in, from the screen cells the aggregates joined.

    Parameters
    ----------
    place_cx, place_cy : numpy.ndarray of int
        Screen cell of each place.
    cell_cx, cell_cy : numpy.ndarray of int
        Screen cells of the view.
    cell_group : numpy.ndarray of int
        Aggregate of each screen cell (-1: drawn as a single place, not an aggregate).

    Returns
    -------
    numpy.ndarray of int
        Aggregate of each place, -1 where none.
    """
    lookup = {(int(x), int(y)): int(g) for x, y, g in zip(cell_cx, cell_cy, cell_group,
                                                          strict=True)}
    return np.array([lookup.get((int(x), int(y)), -1) for x, y in zip(place_cx, place_cy,
                                                                       strict=True)],
                    dtype=np.int64)
