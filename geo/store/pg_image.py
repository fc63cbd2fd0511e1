"""The marks of a printable map image, asked of PostGIS (store mode's map image).

:func:`geo.render.map_image.map_image` draws one marker per incident: coloured by
event type, sized by its casualty figure, dashed when approximate. Incidents at the
same point with the same type, precision and figure draw the same marker, so the
database returns one row per such group, with how many incidents it holds
(:func:`image_marks`). A view of more than :data:`EXACT_MARKS` drawn incidents is
grouped on a grid of about four pixels of the printed map instead: one marker per
cell, at the mean position of its incidents, coloured by their most frequent event
type, solid if any is precisely placed, sized by the largest figure. The image of a
million incidents costs one grouped scan and some tens of thousands of markers, not a
million rows (which the image would draw over each other at that scale).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.store.query import DRAWN_SQL, QueryFilter, combine, where_clauses

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

EXACT_MARKS = 20_000
"""Up to this many drawn incidents in the image, each keeps its own position."""
GRID_CELLS = 300
"""Above :data:`EXACT_MARKS`: grid cells across the image's extent (about 4 px each on
the printed map, whose markers are at least 6 px wide)."""

# The figure geo.render.layers.casualty_figure gives, 0 where unknown (as the image
# draws it): dead plus injured at their upper bounds, or a larger combined figure.
_FIGURE = ("greatest(coalesce(killed_max, killed_min, 0) + coalesce(injured_max, injured_min, 0),"
           " coalesce(casualties_max, casualties_min, 0))")


def image_marks(query: PostGISQuery, spec: QueryFilter,
                bounds: tuple[float, float, float, float] | None, drawn: int
                ) -> pd.DataFrame:
    """The markers of the view's drawn incidents inside ``bounds``.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    bounds : tuple of float or None
        ``(west, south, east, north)`` of the image; None: every drawn incident.
    drawn : int
        How many incidents of the view are drawn (above :data:`EXACT_MARKS`, positions
        are grouped on a grid).

    Returns
    -------
    pandas.DataFrame
        ``longitude``, ``latitude``, ``event_type``, ``geo_precision``, ``figure``,
        ``count`` (incidents the marker stands for) and ``off_map`` (``''``).
    """
    if bounds is not None:
        west, south, east, north = bounds
        if not (east > west and north > south):
            bounds = None
        else:
            spec = replace(spec, bbox=bounds)
    condition, params = combine(where_clauses(spec))
    table = query.store.table("incidents")
    if drawn <= EXACT_MARKS:
        select = sql.SQL(
            "SELECT longitude, latitude, event_type, coalesce(geo_precision, 1), "
            + _FIGURE + " AS figure, count(*) FROM {} WHERE " + DRAWN_SQL + " AND {} "
            "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5").format(table, condition)
        rows = query.read(select, params)
    else:
        box = bounds or query.extent(spec)
        if box is None:
            rows = []
        else:
            cell = max(box[2] - box[0], box[3] - box[1], 1e-6) / GRID_CELLS
            select = sql.SQL(
                "SELECT avg(longitude), avg(latitude), "
                "mode() WITHIN GROUP (ORDER BY event_type), "
                "min(coalesce(geo_precision, 1)), max(" + _FIGURE + "), count(*) FROM {} "
                "WHERE " + DRAWN_SQL + " AND {} "
                "GROUP BY floor(longitude / %s), floor(latitude / %s) ORDER BY 1, 2"
            ).format(table, condition)
            rows = query.read(select, [*params, cell, cell])
    marks = pd.DataFrame(rows, columns=["longitude", "latitude", "event_type",
                                        "geo_precision", "figure", "count"])
    marks = marks.astype({"longitude": float, "latitude": float, "event_type": str,
                          "geo_precision": int, "figure": float, "count": int})
    marks["off_map"] = ""
    return marks
