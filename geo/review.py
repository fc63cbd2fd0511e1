"""The geocoding review queue: names the geocoder could not place with confidence."""

from __future__ import annotations

import html

import folium
import pandas as pd

from geo.gazetteer import PRECISION_LABELS
from geo.geocoder import GeocodeResult
from geo.layers import fit_view

#: Statuses that send a name to review.
REVIEW_STATUSES = ("ambiguous", "unresolved")

QUEUE_COLUMNS = ["name", "country", "admin1", "status", "incidents", "ids"]


def review_queue(incidents: pd.DataFrame, include_resolved: bool = False) -> pd.DataFrame:
    """Names that need an analyst, with how many incidents use each.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The incident frame (see :func:`geo.join.geocode_incidents`), with
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


def candidate_layer(
    candidates: pd.DataFrame, pin: tuple[float, float] | None = None
) -> folium.FeatureGroup:
    """Numbered candidate markers (and the analyst's pin) for the review map.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Output of :func:`candidate_table`.
    pin : tuple of float, optional
        A hand-placed location (lat, lon).

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name="candidates")
    for row in candidates.itertuples(index=False):
        folium.CircleMarker(
            (row.latitude, row.longitude), radius=9, weight=2, color="#1f3b73",
            fill=True, fill_color="#6baed6", fill_opacity=0.8,
            tooltip=folium.Tooltip(html.escape(f"{row.rank}. {row.name}")),
        ).add_to(group)
    if pin is not None:
        folium.CircleMarker(
            pin, radius=7, weight=3, color="#b30000", fill=True, fill_color="#ff4d4d",
            fill_opacity=0.9, tooltip=folium.Tooltip("your pin"),
        ).add_to(group)
    return group


def candidate_view(
    candidates: pd.DataFrame, pin: tuple[float, float] | None = None
) -> tuple[tuple[float, float], int]:
    """Map centre and zoom showing every candidate (and the pin).

    Parameters
    ----------
    candidates : pandas.DataFrame
    pin : tuple of float, optional

    Returns
    -------
    tuple
        ``((lat, lon), zoom)``; the Levant at zoom 5 when there is nothing to show.
    """
    lats = list(candidates["latitude"]) + ([pin[0]] if pin else [])
    lons = list(candidates["longitude"]) + ([pin[1]] if pin else [])
    if not lats:
        return (34.8, 38.9), 5
    center, zoom = fit_view((min(lons), min(lats), max(lons), max(lats)))
    return center, min(zoom, 11)
