"""Aggregates' cells joined when their centres are close: grid binning splits a dense spot
across a cell border, which would draw two overlapping aggregates."""

from __future__ import annotations

import numpy as np
import shapely


def merge_close(cell: np.ndarray, x: np.ndarray, y: np.ndarray, distance: float) -> np.ndarray:
    """Join grid cells whose centres lie within ``distance`` of a larger one.

    Grid binning can split a dense spot across a cell border, which draws two
    overlapping aggregates. Cells are visited from the fullest down; each one
    not yet taken takes the untaken cells whose centre (mean of its incidents'
    pixel coordinates) is within ``distance`` pixels of its own.

    Parameters
    ----------
    cell : numpy.ndarray of int
        Cell 0..k-1 of each incident.
    x, y : numpy.ndarray of float
        Pixel coordinates of each incident.
    distance : float
        In pixels.

    Returns
    -------
    numpy.ndarray of int
        The merged cell 0..m-1 of each incident.
    """
    k = int(cell.max(initial=-1)) + 1
    count = np.bincount(cell, minlength=k)
    cx = np.bincount(cell, x, minlength=k) / np.maximum(count, 1)
    cy = np.bincount(cell, y, minlength=k) / np.maximum(count, 1)
    return merge_centres(count, cx, cy, distance)[cell]


def merge_centres(
    count: np.ndarray, cx: np.ndarray, cy: np.ndarray, distance: float
) -> np.ndarray:
    """The merged cell of each grid cell, from cell sizes and centres (see :func:`merge_close`).

    Parameters
    ----------
    count : numpy.ndarray of int
        Incidents per cell.
    cx, cy : numpy.ndarray of float
        Centre of each cell (mean pixel coordinates of its incidents).
    distance : float
        In pixels.

    Returns
    -------
    numpy.ndarray of int
        Merged cell 0..m-1 of each cell.
    """
    k = len(count)
    centres = shapely.points(cx, cy)
    near, other = shapely.STRtree(centres).query(centres, predicate="dwithin", distance=distance)
    order = np.argsort(near, kind="stable")
    near, other = near[order], other[order]
    bounds = np.searchsorted(near, np.arange(k + 1))
    label = np.full(k, -1, dtype=np.int64)
    groups = 0
    for c in np.argsort(-count, kind="stable"):
        if label[c] >= 0:
            continue
        neighbours = other[bounds[c] : bounds[c + 1]]
        label[neighbours[label[neighbours] < 0]] = groups
        label[c] = groups
        groups += 1
    return label
