"""The geocoding review queue: names the geocoder could not place with confidence."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.geocoder import GeocodeResult
from geo.vocab import PRECISION_LABELS

#: Statuses that send a name to review.
REVIEW_STATUSES = ("ambiguous", "unresolved")

QUEUE_COLUMNS = ["name", "country", "admin1", "status", "incidents", "ids"]


def review_queue(incidents: pd.DataFrame, include_resolved: bool = False) -> pd.DataFrame:
    """Names that need an analyst, with how many incidents use each.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The incident frame (see :func:`geo.geocoding.join.geocode_incidents`), with
        ``place``, ``country``, ``admin1`` and ``geocode_status``.
    include_resolved : bool
        Also list the names the geocoder resolved (to correct a wrong placement);
        they come after the ones that need review.

    Returns
    -------
    pandas.DataFrame
        :data:`QUEUE_COLUMNS`, one row per (name, country, admin1), most used first.
    """
    statuses = (*REVIEW_STATUSES, "resolved") if include_resolved else REVIEW_STATUSES
    todo = incidents[incidents["geocode_status"].isin(statuses)]
    if todo.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    grouped = todo.groupby(["place", "country", "admin1", "geocode_status"], sort=False)
    queue = grouped["id"].agg(incidents="size", ids=list).reset_index()
    queue = queue.rename(columns={"place": "name", "geocode_status": "status"})
    queue["resolved"] = queue["status"] == "resolved"
    ordered = queue.sort_values(
        ["resolved", "incidents", "name"], ascending=[True, False, True], kind="stable"
    )
    return ordered[QUEUE_COLUMNS].reset_index(drop=True)


def candidate_table(result: GeocodeResult) -> pd.DataFrame:
    """The candidates of one geocode as display rows, best first.

    Parameters
    ----------
    result : GeocodeResult

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``name``, ``kind``, ``admin1``, ``country``, ``precision``,
        ``score``, ``match``, ``latitude``, ``longitude``, ``population``,
        ``gazetteer_id``.
    """
    rows = [
        {
            "rank": i + 1,
            "name": c.place.name,
            "kind": c.place.kind,
            "admin1": c.place.admin1,
            "country": c.place.country,
            "precision": PRECISION_LABELS.get(c.place.precision, str(c.place.precision)),
            "score": round(c.score, 3),
            "match": c.match,
            "latitude": c.place.latitude,
            "longitude": c.place.longitude,
            "population": c.place.population,
            "gazetteer_id": c.place.gazetteer_id,
        }
        for i, c in enumerate(result.candidates)
    ]
    return pd.DataFrame(
        rows,
        columns=["rank", "name", "kind", "admin1", "country", "precision", "score", "match",
                 "latitude", "longitude", "population", "gazetteer_id"],
    )
