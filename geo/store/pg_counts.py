"""The counts line of a view with an area (governorate, district, drawn area, map bounds)
besides the cube's filters, without scanning the store.

The counts line says how many incidents the view shows and, per filter, how many of the
store's incidents that filter alone hides. One scan with a ``FILTER`` clause per filter
(:meth:`geo.store.pg_query.PostGISQuery.counts`) reads every record. Here the same figures
come from parts an index or the per-day counts answer:

- the store's total and what each of the cube's filters hides (dates, undated, types,
  claims, precisions): the per-day counts (:func:`geo.store.pg_cube.cube_counts` of the
  view without its areas);
- what an area hides: the total less the records in it, counted through the area's
  B-tree (``adm1_pcode``, ``adm2_pcode``) or the GiST index of the points (drawn area,
  map bounds);
- shown and on the map: the records passing every filter, found through those indexes.

The figures are the scan's by definition (the same conditions, counted apart).
"""

from __future__ import annotations

from dataclasses import replace

from psycopg import sql

from geo.store.pg_query import Counts, PostGISQuery
from geo.store.query import DRAWN_SQL, QueryFilter, combine, where_clauses

AREA_FILTERS = frozenset({"governorate", "district", "drawn area", "map bounds"})
"""Filters counted through their own index."""
DRAWN_AREAS = frozenset({"drawn area", "map bounds"})
"""Area filters that let only drawn records through."""


def area_counts(query: PostGISQuery, spec: QueryFilter) -> Counts | None:
    """:meth:`PostGISQuery.counts` of a view whose filters are the cube's and at least
    one area (else None); a governorate or killed range with no date cut is summed from
    the facets (:func:`geo.store.pg_facets.facet_counts`)."""
    from geo.store.pg_cube import CUBE_FILTERS, cube_counts
    from geo.store.pg_facets import facet_counts

    summed = facet_counts(query, spec)
    if summed is not None:
        return summed

    clauses = where_clauses(spec)
    areas = [name for name in clauses if name in AREA_FILTERS]
    if not areas or any(n not in CUBE_FILTERS | AREA_FILTERS for n in clauses):
        return None
    base = cube_counts(query, replace(spec, admin1=(), admin2=(), polygon=(), bbox=None))
    if base is None:  # the per-day counts are not current, or hold no such view
        return None
    table = query.store.table("incidents")
    if len(areas) == 1:  # one read of the area's records: in it, and shown among them
        area, area_params = clauses[areas[0]]
        rest, rest_params = combine(clauses, skip=(areas[0],))
        # Bounds and a drawn area keep only drawn records (and the bounds' covering
        # index holds no geometry): on the map is shown.
        drawn = sql.SQL("" if areas[0] in DRAWN_AREAS else " AND " + DRAWN_SQL)
        row = query.read(sql.SQL(
            "SELECT count(*), count(*) FILTER (WHERE {rest}), count(*) FILTER (WHERE {rest}"
            "{drawn}) FROM {table} WHERE {area}").format(
            rest=rest, drawn=drawn, table=table, area=area),
            [*rest_params, *rest_params, *area_params])[0]
    else:
        parts: list[sql.Composable] = [sql.SQL("(SELECT count(*) FROM {} WHERE {})").format(
            table, clauses[name][0]) for name in areas]
        params: list[object] = [p for name in areas for p in clauses[name][1]]
        shown, shown_params = combine(clauses)
        row = query.read(sql.SQL(
            "SELECT {}, count(*), count(*) FILTER (WHERE " + DRAWN_SQL + ") FROM {} WHERE {}"
        ).format(sql.SQL(", ").join(parts), table, shown), [*params, *shown_params])[0]
    inside = dict(zip(areas, row[:len(areas)], strict=True))
    hidden: dict[str, int] = {}
    for name in clauses:  # in the counts line's order
        n = base.total - int(inside[name]) if name in inside else base.hidden_by.get(name, 0)
        if n:
            hidden[name] = n
    return Counts(base.total, int(row[-2]), int(row[-1]), hidden)
