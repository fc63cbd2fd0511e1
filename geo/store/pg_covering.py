"""Covering indexes of the incidents: what a view's heaviest questions read, held in an
index so the database answers them from the index alone (an index-only scan), without
reading rows of the table in random order.

- :data:`BOUNDS_INDEX` on the Web Mercator coordinates ``(mx, my)``: the counts line,
  the timeline and the totals of a view whose map bounds cut the data
  (:mod:`geo.store.pg_bounds`).
- :data:`KILLED_INDEX` on a record's high killed figure (its maximum, else its minimum):
  the timeline of a view with a killed range ("10 killed or more" keeps 46% of the
  synthetic store: a scan of the whole table before), whose condition
  (:func:`geo.store.query.where_clauses`) is written so the index serves it.

Made by the first :class:`geo.store.pg_query.PostGISQuery` of a store without them (with
the other query indexes). An index-only scan still reads the table for pages written
since the last vacuum (autovacuum's work).
"""

from __future__ import annotations

BOUNDS_INDEX = "incidents_bounds_cover2"
"""Name of the covering index of the Mercator coordinates (2: with the best estimate)."""
BOUNDS_COLUMNS = (
    "latitude", "longitude", "date_start", "date_end", "date_precision", "event_type",
    "claim_status", "geo_precision", "claimant", "killed_min", "killed_max", "injured_min",
    "injured_max", "casualties_min", "casualties_max", "deaths_civilians", "killed_best")
"""Columns the counts line, the timeline and the totals of a bounds view read (a view
with other filters, such as a search, reads the table as before)."""
KILLED_INDEX = "incidents_killed_cover"
"""Name of the covering index of the killed figures."""
KILLED_COLUMNS = (
    "killed_min", "killed_max", "date_start", "date_end", "date_precision", "event_type",
    "claim_status", "geo_precision")
"""Columns the timeline of a view with a killed range reads besides the figures."""
SUPERSEDED_INDEXES = ("incidents_adm1", "incidents_bounds_cover")
"""Indexes of earlier layouts, dropped when their successors are made."""
NEEDED_COLUMNS = {"claimant": "text"}
"""A column an index includes that other modules fill (:mod:`geo.store.pg_search`),
added before the indexes are made."""

COVERING_INDEXES: dict[str, str] = {
    BOUNDS_INDEX: f"(mx, my) INCLUDE ({', '.join(BOUNDS_COLUMNS)})",
    KILLED_INDEX: f"((coalesce(killed_max, killed_min))) INCLUDE ({', '.join(KILLED_COLUMNS)})",
}
"""Index name -> definition after ``ON table``. Not partial: a partial index on the drawn
records was taken by the planner as a bitmap of "drawn" for other views (a whole scan of
it beside the date indexes)."""
