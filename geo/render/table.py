"""The table of incidents in view: one readable row per incident, sorted by date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.geocoding.join import OFF_MAP_REASONS, id_order
from geo.render.details import format_casualties, short_date
from geo.vocab import PRECISION_LABELS

#: Columns of the table, in display order (``id`` is kept for selection).
TABLE_COLUMNS = [
    "date",
    "place",
    "event_type",
    "actors",
    "casualties",
    "claim_status",
    "claimed_by",
    "location",
    "source",
    "id",
]

#: Most rows :func:`incident_table` formats at once (one page of the table).
TABLE_LIMIT = 1_000

#: Rows per page of the table of incidents in view.
PAGE_SIZE = 100


#: The fields :func:`short_date`, :func:`format_casualties`, the place and location
#: columns of :func:`incident_table` read.
_RECORD_FIELDS = ("date_start", "date_end", "date_precision", "place", "nearest_place",
                  "killed_min", "killed_max", "injured_min", "injured_max", "casualties_min",
                  "casualties_max", "off_map", "geo_precision")


def incident_table(incidents: pd.DataFrame, limit: int = TABLE_LIMIT) -> pd.DataFrame:
    """Incidents as display rows, earliest first, undated last.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Rows of the incident frame (see :func:`geo.geocoding.join.to_geodataframe`).
    limit : int
        Keep only the first ``limit`` rows in date order.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`, plain text, a fresh 0..n-1 index.
    """
    ordered = incidents.sort_values(
        ["date_start", "date_end", "id"], na_position="last", kind="stable"
    ).head(limit)
    # Only the fields the formatters read (a record of every column, the geometry and
    # the search text included, cost about 0.4 ms a row).
    records = ordered[[c for c in _RECORD_FIELDS if c in ordered.columns]].to_dict("records")
    table = pd.DataFrame(
        {
            "date": [short_date(r) for r in records],
            "place": [r["place"] or _near(r) for r in records],
            "event_type": ordered["event_type"].to_numpy(dtype=object),
            "actors": ordered["actors"].to_numpy(dtype=object),
            "casualties": [format_casualties(r) for r in records],
            "claim_status": ordered["claim_status"].to_numpy(dtype=object),
            "claimed_by": ordered["claimed_by"].to_numpy(dtype=object),
            "location": [_location(r) for r in records],
            "source": ordered["source_name"].to_numpy(dtype=object),
            "id": ordered["id"].to_numpy(dtype=object),
        },
        columns=TABLE_COLUMNS,
    )
    return table.reset_index(drop=True)


def date_order(incidents: pd.DataFrame) -> np.ndarray:
    """Row positions of ``incidents`` in the table's order (date, end, id; undated last).

    Computed once per dataset: a view's rows in order are then
    ``order[mask[order]]``, without sorting on every rerun.

    Parameters
    ----------
    incidents : pandas.DataFrame

    Returns
    -------
    numpy.ndarray of int64
    """
    start = incidents["date_start"].to_numpy()
    end = incidents["date_end"].to_numpy()
    # The ids' ranks, not the ids as a million Python strings (about 70 MB at a million
    # incidents): equal ids keep their row order, as a stable sort on the ids does.
    return np.lexsort((_id_ranks(incidents["id"]), end, start)).astype(np.int64)


def _id_ranks(ids: pd.Series) -> np.ndarray:
    """Each id's rank in the ids sorted by code point, ties in row order."""
    order = id_order(ids)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Number of pages of ``size`` rows for ``total`` rows (at least 1)."""
    return max(1, -(-total // size))


def page_rows(order: np.ndarray, mask: np.ndarray, page: int, size: int = PAGE_SIZE) -> np.ndarray:
    """Row positions of one page of the shown incidents, in the table's order.

    Parameters
    ----------
    order : numpy.ndarray
        From :func:`date_order` over the whole frame.
    mask : numpy.ndarray of bool
        Incidents shown (aligned with the frame).
    page : int
        1-based page number; clamped to the existing pages.
    size : int
        Rows per page.

    Returns
    -------
    numpy.ndarray of int64
    """
    shown = order[mask[order]]
    page = min(max(page, 1), page_count(len(shown), size))
    return shown[(page - 1) * size : page * size]


def _near(record: dict) -> str:
    name = record.get("nearest_place")
    return f"near {name}" if isinstance(name, str) and name else ""


def _location(record: dict) -> str:
    reason = record.get("off_map") or ""
    if reason:
        return f"not on the map: {OFF_MAP_REASONS.get(reason, reason)}"
    precision = record.get("geo_precision")
    if precision is None or pd.isna(precision):
        return PRECISION_LABELS[1]
    return PRECISION_LABELS.get(int(precision), str(precision))
