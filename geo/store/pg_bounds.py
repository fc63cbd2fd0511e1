"""Map bounds ("only what the map shows") read through a covering index.

The view's bounds are a box of longitudes and latitudes; a view whose bounds cut the
data (a map moved or zoomed in, with "Only what the map shows" on) keeps the records
drawn inside the box. Found through the points' GiST index, those records were then
read from the table: at 1,000,000 synthetic records a box holding a third of them is
330,000 heap rows in random order for each of the counts line, the timeline and the
totals (1-2.5 s each). Here the same box is also a range of the Web Mercator columns
``mx``, ``my`` (monotonic in the longitude and the clamped latitude), and one B-tree
index on ``(mx, my)`` holds, beside its keys, every column
those three questions read (:data:`BOUNDS_COLUMNS`): the database answers them with an
index-only scan of the box's strip of the index. The coordinates still decide
(``latitude``/``longitude BETWEEN``, as the frame's filter): the Mercator range is
widened by :data:`MARGIN_METRES` and only narrows the scan.
"""

from __future__ import annotations

import math

from pyproj import Transformer

from geo.vocab import CRS, WEB_MERCATOR

BOUNDS_INDEX = "incidents_bounds_cover"
"""Name of the covering index of the drawn records' Mercator coordinates."""
BOUNDS_COLUMNS = (
    "latitude", "longitude", "date_start", "date_end", "date_precision", "event_type",
    "claim_status", "geo_precision", "claimant", "killed_min", "killed_max", "injured_min",
    "injured_max", "casualties_min", "casualties_max", "deaths_civilians")
"""Columns the counts line, the timeline and the totals of a view read, included in
the index (a view with other filters, such as a search, reads the table as before)."""
BOUNDS_NEEDS = {"claimant": "text"}
"""A column the index includes that other modules fill (:mod:`geo.store.pg_search`),
added before the index is made."""
MARGIN_METRES = 1.0
"""Widening of the Mercator range (rounding of the projection; the coordinates decide)."""
LATITUDE_CLAMP = 85.0
"""Latitude the stored ``my`` clamps to (:data:`geo.store.pg_query.MERCATOR_COLUMNS`)."""
_TO_MERCATOR = Transformer.from_crs(CRS, WEB_MERCATOR, always_xy=True)


BOUNDS_DRAWN_SQL = "(mx IS NOT NULL AND coalesce(geo_precision, 1) < 4)"
"""The condition of a drawn record (:data:`geo.store.query.DRAWN_SQL`: ``mx`` is set
exactly when the point is) without naming ``geom``, which the index does not hold; never
NULL (a record without coordinates is hidden by the bounds, not unknown)."""


def bounds_index_sql() -> str:
    """The index's definition after ``ON table`` (the part of ``CREATE INDEX`` after the
    table). Not partial: a partial index on the drawn records was taken by the planner as
    a bitmap of "drawn" for other views (a whole scan of it beside the date indexes)."""
    return f"(mx, my) INCLUDE ({', '.join(BOUNDS_COLUMNS)})"


def mercator_range(west: float, south: float, east: float, north: float
                   ) -> tuple[float, float, float, float]:
    """``(x_min, x_max, y_min, y_max)`` in Web Mercator metres holding every stored point
    of the box (``west <= east``), widened by :data:`MARGIN_METRES`; a side at the
    clamped latitude or beyond is open (infinite).

    Parameters
    ----------
    west, south, east, north : float
        Degrees.

    Returns
    -------
    tuple of float
    """
    lats = [min(max(v, -LATITUDE_CLAMP), LATITUDE_CLAMP) for v in (south, north)]
    xs, ys = _TO_MERCATOR.transform([west, east], lats)
    y_min = -math.inf if south <= -LATITUDE_CLAMP else float(ys[0]) - MARGIN_METRES
    y_max = math.inf if north >= LATITUDE_CLAMP else float(ys[1]) + MARGIN_METRES
    return float(xs[0]) - MARGIN_METRES, float(xs[1]) + MARGIN_METRES, y_min, y_max
