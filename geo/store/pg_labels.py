"""The name a map aggregate of one place carries in store mode: the place name most of
the view's incidents there give, as frame mode names it.

Frame mode labels a place with its most frequent name among the view's records there,
the first seen among equals (:func:`geo.render.clusters._common_labels`: one record's
corrected name does not rename its neighbours). :meth:`geo.store.pg_query.PostGISQuery.cells`
took the name of the cell's first record. :func:`common_labels` asks, for the cells of
one place only (the others carry no name), the view's drawn records at those places
(the rounded-place index, whichever path gave the figures: grid, cubes or rows) grouped
by name, and keeps per place the most frequent, the lowest ``fid`` among equals (the
store's order, the frame's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.store.query import (
    DRAWN_SQL,
    PLACE_LAT_SQL,
    PLACE_LON_SQL,
    QueryFilter,
    combine,
    where_clauses,
)

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery


def common_labels(query: PostGISQuery, spec: QueryFilter, cells: pd.DataFrame,
                  window: tuple[float, float, float, float] | None) -> pd.DataFrame:
    """``cells`` with the ``label`` of each cell of one place set to its most common
    name among the view's drawn records there.

    Parameters
    ----------
    query : PostGISQuery
        The query the cells came from (its ``read`` and ``store.table``).
    spec : QueryFilter
        The view's filters.
    cells : pandas.DataFrame
        :meth:`geo.store.pg_query.PostGISQuery.cells` rows (``places``, ``south``,
        ``west``, ``label``).
    window : tuple of float or None
        The Web Mercator box the cells were asked in.

    Returns
    -------
    pandas.DataFrame
        The same frame (changed in place), labels of several places left empty.
    """
    one = cells.index[(cells["places"] == 1) & cells["south"].notna()]
    if not len(one):
        return cells
    lats = cells.loc[one, "south"].astype(float).tolist()
    lons = cells.loc[one, "west"].astype(float).tolist()
    condition, params = combine(where_clauses(spec))
    inside: sql.Composable = sql.SQL("TRUE")
    args: list[object] = []
    if window is not None:
        inside = sql.SQL("mx BETWEEN %s AND %s AND my BETWEEN %s AND %s")
        args = [window[0], window[2], window[1], window[3]]
    table = query.store.table("incidents")
    if query.store.revision() < 0:  # a copy of a search's matches: small, no place index
        select = sql.SQL(
            "WITH r AS (SELECT " + PLACE_LAT_SQL + " AS a, " + PLACE_LON_SQL + " AS b, "
            "coalesce(place, '') AS label, count(*) AS n, min(fid) AS first FROM {table} "
            "WHERE (" + PLACE_LAT_SQL + ", " + PLACE_LON_SQL + ") IN (SELECT a, b FROM "
            "unnest(%s::float8[], %s::float8[]) AS u(a, b)) AND " + DRAWN_SQL + " AND {inside} "
            "AND {condition} GROUP BY 1, 2, 3) SELECT DISTINCT ON (a, b) a, b, label FROM r "
            "ORDER BY a, b, n DESC, first")
    else:  # one look-up per place through the rounded-place index
        select = sql.SQL(
            "SELECT DISTINCT ON (u.a, u.b) u.a, u.b, r.label FROM unnest(%s::float8[], "
            "%s::float8[]) AS u(a, b) CROSS JOIN LATERAL (SELECT coalesce(place, '') AS label, "
            "count(*) AS n, min(fid) AS first FROM {table} WHERE " + PLACE_LAT_SQL + " = u.a "
            "AND " + PLACE_LON_SQL + " = u.b AND " + DRAWN_SQL + " AND {inside} AND "
            "{condition} GROUP BY 1) r ORDER BY u.a, u.b, r.n DESC, r.first")
    rows = query.read(select.format(table=table, inside=inside, condition=condition),
                      [lats, lons, *args, *params])
    named = {(float(lat), float(lon)): str(label) for lat, lon, label in rows}
    cells.loc[one, "label"] = [named.get((lat, lon), "") for lat, lon in zip(lats, lons,
                                                                             strict=True)]
    return cells
