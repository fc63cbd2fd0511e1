"""The table of incidents in view: one readable row per incident, sorted by date."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.join import OFF_MAP_REASONS
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

#: Most rows the table shows; a larger view is better exported than scrolled.
TABLE_LIMIT = 1_000


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
    records = ordered.to_dict("records")
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
