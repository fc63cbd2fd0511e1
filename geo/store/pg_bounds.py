"""Map bounds ("only what the map shows") read through a covering index.

The view's bounds are a box of longitudes and latitudes; a view whose bounds cut the
data (a map moved or zoomed in, with "Only what the map shows" on) keeps the records
drawn inside the box. Found through the points' GiST index, those records were then
read from the table: at 1,000,000 synthetic records a box holding a third of them is
330,000 heap rows in random order for each of the counts line, the timeline and the
totals (1-2.5 s each). Here the same box is also a range of the Web Mercator columns
``mx``, ``my`` (monotonic in the longitude and the clamped latitude), and one B-tree
index on ``(mx, my)`` holds, beside its keys, every column those three questions read
(:mod:`geo.store.pg_covering`): the database answers them with an index-only scan of
the box's strip of the index. The coordinates still decide (``latitude``/``longitude
BETWEEN``, as the frame's filter): the Mercator range is widened by
:data:`MARGIN_METRES` and only narrows the scan.
"""

from __future__ import annotations

import math

from pyproj import Transformer

from geo.vocab import CRS, WEB_MERCATOR

MARGIN_METRES = 1.0
"""Widening of the Mercator range (rounding of the projection; the coordinates decide)."""
LATITUDE_CLAMP = 85.0
"""Latitude the stored ``my`` clamps to (:data:`geo.store.pg_query.MERCATOR_COLUMNS`)."""
_TO_MERCATOR = Transformer.from_crs(CRS, WEB_MERCATOR, always_xy=True)


BOUNDS_DRAWN_SQL = "(mx IS NOT NULL AND coalesce(geo_precision, 1) < 4)"
"""The condition of a drawn record (:data:`geo.store.query.DRAWN_SQL`: ``mx`` is set
exactly when the point is) without naming ``geom``, which the covering index
(:data:`geo.store.pg_covering.BOUNDS_INDEX`) does not hold; never NULL (a record
without coordinates is hidden by the bounds, not unknown)."""


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
