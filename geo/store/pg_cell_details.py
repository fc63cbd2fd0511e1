"""Deaths per claimant and names of the places in store mode's map aggregates.

The aggregates' counts come from the grid, the cubes or the rows
(:meth:`geo.store.pg_query.PostGISQuery.cells`); what their tooltips add (killed figures
per claimant, never added across claimants, and the places holding most incidents,
:mod:`geo.render.cell_details`) is not additive over those tables' rows. One grouped
query over the view's drawn records in the map's window (:func:`place_claimants`) gives
it per place and claimant; :func:`geo.render.store_clusters.aggregates_from_cells` then
sums the places of each aggregate. It reads the view's rows, so the page asks it only for
windows of at most :attr:`geo.settings.Settings.map_details_max` incidents.
"""

from __future__ import annotations

import pandas as pd
from psycopg import sql

from geo.store.pg_project import record_figures
from geo.store.pg_query import PostGISQuery
from geo.store.query import DRAWN_SQL, QueryFilter, combine, where_clauses

PLACE_COLUMNS = ("plat", "plon", "x", "y", "claimant", "incidents", "known", "low", "high",
                 "open", "best", "best_n", "label", "civ", "civ_n")
"""Columns of :func:`place_claimants`: rounded place, mean Web Mercator position, claimant,
incidents, incidents giving a killed figure, sums of their lowest and highest figures
(each from its smaller figure to its larger), incidents giving only a lowest one, sum of
the best estimates, incidents giving one, the place's name (the one most of the view's
records there give, the first stored among equals, as the map labels a place); places in
the order of their first record in the view (the store's order; frame mode, which ranks
equals in the order the data first holds them, differs only where a place's first record
is filtered out and its count ties with another's), and the sum of the civilian deaths
(``deaths_civilians``) and the incidents giving them."""


def place_claimants(query: PostGISQuery, spec: QueryFilter,
                    window: tuple[float, float, float, float] | None) -> pd.DataFrame:
    """Killed figures per place and claimant of the view's drawn records in ``window``.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
        The view's filters.
    window : tuple of float or None
        Web Mercator box (:func:`geo.render.clusters.view_window`); None: everywhere.

    Returns
    -------
    pandas.DataFrame
        :data:`PLACE_COLUMNS`, one row per place and claimant.
    """
    condition, params = combine(where_clauses(spec))
    args = list(params)
    inner = sql.SQL(
        "SELECT fid, mx, my, coalesce(nullif(claimant, ''), 'unattributed') AS who, "
        "killed_best AS kb, deaths_civilians AS dc, coalesce(place, '') AS name, {figures} "
        "FROM {table} WHERE "
        + DRAWN_SQL + " AND {condition}").format(
        figures=record_figures(), table=query.store.table("incidents"), condition=condition)
    if window is not None:
        inner += sql.SQL(" AND geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 3857), "
                         "4326) AND mx BETWEEN %s AND %s AND my BETWEEN %s AND %s")
        args += [*window, window[0], window[2], window[1], window[3]]
    grouped = sql.SQL(
        "WITH v AS MATERIALIZED ({inner}), "
        "f AS (SELECT plat, plon, avg(mx) AS x, avg(my) AS y, who, count(*) AS n, "
        "count(klo) AS known, sum(least(klo, khi)) AS low, sum(greatest(klo, khi)) AS high, "
        "sum(kop) FILTER (WHERE klo IS NOT NULL) AS open, sum(kb) AS best, count(kb) AS bn, "
        "sum(dc) AS civ, count(dc) AS civ_n "
        "FROM v GROUP BY plat, plon, who), "
        "r AS (SELECT plat, plon, name, count(*) AS n, min(fid) AS first FROM v "
        "GROUP BY 1, 2, 3), "
        "l AS (SELECT DISTINCT ON (plat, plon) plat, plon, name, min(first) OVER "
        "(PARTITION BY plat, plon) AS first FROM r ORDER BY plat, plon, n DESC, first) "
        "SELECT f.plat, f.plon, f.x, f.y, f.who, f.n, f.known, f.low, f.high, "
        "coalesce(f.open, 0), coalesce(f.best, 0), f.bn, l.name, coalesce(f.civ, 0), f.civ_n "
        "FROM f JOIN l "
        "ON l.plat = f.plat AND l.plon = f.plon ORDER BY l.first, f.who"
    ).format(inner=inner)
    rows = query.read(grouped, args)
    frame = pd.DataFrame(list(rows), columns=list(PLACE_COLUMNS), dtype=object)
    for column in PLACE_COLUMNS:
        if column not in ("claimant", "label"):
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["claimant"] = frame["claimant"].astype(str)
    frame["label"] = frame["label"].fillna("").astype(str)
    return frame
