"""Places ranked by their incidents in a view, asked of PostGIS in one grouped query.

A place is the rounded point of a drawn record (:data:`geo.store.query.PLACE_LAT_SQL`,
the key of the rounded-place index), whatever it is written as there. One statement
groups the view's drawn records by point, name and claimant, then by point; ranks the
points; and returns one page of them with every name written at each (so that the
caller names a place as most of its records write it, :mod:`geo.view.place_rank`).
Nothing but that page leaves the database: the store is never read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from psycopg import sql

from geo.store.query import (
    DRAWN_SQL,
    PLACE_LAT_SQL,
    PLACE_LON_SQL,
    Clause,
    QueryFilter,
    combine,
    where_clauses,
)

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

RANKED_BY: tuple[str, ...] = ("incidents", "killed_min", "killed_max", "killed_best")
"""What places are ranked by: their incidents, or one claimant's killed low or high, or
its best estimate (UCDP ``best``)."""

_LOW = "least(coalesce(killed_min, killed_max), coalesce(killed_max, killed_min))"
_HIGH = "greatest(coalesce(killed_min, killed_max), coalesce(killed_max, killed_min))"

_DETAIL = (
    "coalesce(place, '') AS name, coalesce(claimant, '') AS c, count(*) AS k, min(fid) AS first, "
    "min(date_start) AS d0, max(coalesce(date_end, date_start)) AS d1, "
    "min(nullif(adm1_pcode, '')) AS a1, min(nullif(adm2_pcode, '')) AS a2, "
    "min(nullif(admin1, '') COLLATE \"C\") AS s1, min(nullif(admin2, '') COLLATE \"C\") AS s2, "
    "count(*) FILTER (WHERE coalesce(killed_min, killed_max) IS NULL) AS unknown, "
    "count(*) FILTER (WHERE killed_best IS NULL) AS nobest, "
    "count(*) FILTER (WHERE killed_min IS NOT NULL AND killed_max IS NULL) AS open"
)
# The places (one grouped pass, kept narrow), one page of them ranked, and their number;
# then, for that page's points only, the records there grouped by name and claimant.
_SELECT = (
    "WITH p AS MATERIALIZED (SELECT " + PLACE_LAT_SQL + " AS a, " + PLACE_LON_SQL + " AS b, "
    "count(*) AS incidents, (sum(" + _LOW + ") FILTER (WHERE {mine}))::bigint AS lo, "
    "(sum(" + _HIGH + ") FILTER (WHERE {mine}))::bigint AS hi, "
    "(sum(killed_best) FILTER (WHERE {mine}))::bigint AS best FROM {table} "
    "WHERE " + DRAWN_SQL + " AND {condition} GROUP BY 1, 2), "
    "top AS (SELECT * FROM p ORDER BY {key} DESC NULLS LAST, incidents DESC, a, b "
    "LIMIT %s OFFSET %s), "
    "n AS (SELECT count(*) AS places, coalesce(sum(incidents), 0) AS placed FROM p) "
    "SELECT n.places, n.placed, top.a, top.b, top.incidents, top.lo, top.hi, top.best, r.* "
    "FROM n LEFT JOIN top ON TRUE LEFT JOIN {detail} "
    "ORDER BY top.{key} DESC NULLS LAST, top.incidents DESC, top.a, top.b"
)
# A store's table: one look-up per point through the rounded-place index.
_LOOKUP = (
    "LATERAL (SELECT " + _DETAIL + " FROM {table} WHERE " + PLACE_LAT_SQL + " = top.a AND "
    + PLACE_LON_SQL + " = top.b AND " + DRAWN_SQL + " AND {condition} GROUP BY 1, 2) r ON TRUE"
)
# A copy of a search's matches (small, no place index): one pass joined to the page.
_JOINED = (
    "(SELECT " + PLACE_LAT_SQL + " AS ra, " + PLACE_LON_SQL + " AS rb, " + _DETAIL + " FROM "
    "{table} WHERE (" + PLACE_LAT_SQL + ", " + PLACE_LON_SQL + ") IN (SELECT a, b FROM top) "
    "AND " + DRAWN_SQL + " AND {condition} GROUP BY 1, 2, 3, 4) r ON r.ra = top.a AND "
    "r.rb = top.b"
)
_OUT = ["lat", "lon", "adm1_pcode", "adm2_pcode", "source_admin1", "source_admin2",
        "incidents", "first", "last", "claimants", "killed_min", "killed_max", "killed_unknown",
        "killed_best", "killed_best_unknown", "killed_open"]


@dataclass(frozen=True)
class PlaceRows:
    """One page of ranked places as the store gives them.

    Attributes
    ----------
    rows : pandas.DataFrame
        ``lat``, ``lon``, ``adm1_pcode``, ``adm2_pcode``, ``source_admin1``,
        ``source_admin2`` (the source's own names; '' for none), ``incidents``,
        ``first``, ``last`` (dates or None), ``claimants``, ``killed_min``,
        ``killed_max`` (Int64, NA where the claimant's incidents there give none),
        ``killed_unknown``, ``killed_best`` (Int64, the best estimates added up),
        ``killed_best_unknown`` and ``killed_open`` (its incidents there with a low and no
        high figure), best ranked first.
    names : list of tuple
        ``(lat, lon, name, incidents, first fid)`` of every name written at those places.
    places, placed : int
        How many places the view holds, and how many of its incidents are at one.
    """

    rows: pd.DataFrame
    names: list[tuple[float, float, str, int, int]]
    places: int
    placed: int


def place_statement(query: PostGISQuery, spec: QueryFilter, by: str = "incidents",
                    claimant: str | None = None, limit: int = 20, offset: int = 0,
                    extra: Clause | None = None) -> tuple[sql.Composed, list[object]]:
    """The statement :func:`place_rows` sends, and its parameters (for ``EXPLAIN``).

    Parameters are those of :func:`place_rows`.

    Returns
    -------
    tuple
    """
    if by not in RANKED_BY:
        raise ValueError(f"places are ranked by {', '.join(RANKED_BY)}, not {by!r}")
    clauses = dict(where_clauses(spec))
    if extra is not None:
        clauses["extra"] = extra
    condition, params = combine(clauses)
    mine: sql.Composable = sql.SQL("TRUE") if claimant is None \
        else sql.SQL("coalesce(claimant, '') = %s")
    key = {"incidents": "incidents", "killed_min": "lo", "killed_max": "hi",
           "killed_best": "best"}[by]
    table = query.store.table("incidents")
    detail = sql.SQL(_LOOKUP if query.store.revision() >= 0 else _JOINED).format(
        table=table, condition=condition)
    select = sql.SQL(_SELECT).format(table=table, condition=condition, mine=mine,
                                     key=sql.Identifier(key), detail=detail)
    mine_params = [] if claimant is None else [claimant] * 3
    return select, [*mine_params, *params, int(limit), int(offset), *params]


def place_rows(query: PostGISQuery, spec: QueryFilter, by: str = "incidents",
               claimant: str | None = None, limit: int = 20, offset: int = 0,
               extra: Clause | None = None) -> PlaceRows:
    """One page of the places of the records ``spec`` lets through, ranked.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
        The view's filters (:func:`geo.store.query.where_clauses`).
    by : str
        One of :data:`RANKED_BY` (the killed figures are ``claimant``'s; places
        without one come last); ties by incidents, then south to north, west to east.
    claimant : str, optional
        Whose killed figures (None: every record's).
    limit, offset : int
        The page.
    extra : tuple, optional
        One more condition the records must meet.

    Returns
    -------
    PlaceRows
    """
    select, params = place_statement(query, spec, by, claimant, limit, offset, extra)
    rows = query.read(select, params)
    places, placed = (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)
    pages: dict[tuple[float, float], dict[str, Any]] = {}
    names: list[tuple[float, float, str, int, int]] = []
    for (_, _, a, b, incidents, lo, hi, best, *detail) in rows:
        if a is None:  # no place on this page
            continue
        if len(detail) == 15:  # the copy's join repeats the point
            detail = detail[2:]
        name, c, k, first, d0, d1, a1, a2, s1, s2, unknown, nobest, tops = detail
        point = (float(a), float(b))
        place = pages.setdefault(point, {
            "lat": point[0], "lon": point[1], "adm1_pcode": "", "adm2_pcode": "",
            "source_admin1": "", "source_admin2": "",
            "incidents": int(incidents), "first": None, "last": None, "claimants": set(),
            "killed_min": lo, "killed_max": hi, "killed_unknown": 0,
            "killed_best": best, "killed_best_unknown": 0, "killed_open": 0})
        names.append((point[0], point[1], str(name), int(k), int(first)))
        place["claimants"].add(c)
        place["first"] = _least(place["first"], d0)
        place["last"] = _most(place["last"], d1)
        for column, code in (("adm1_pcode", a1), ("adm2_pcode", a2), ("source_admin1", s1),
                             ("source_admin2", s2)):
            if code and (not place[column] or code < place[column]):
                place[column] = code
        if claimant is None or c == claimant:
            place["killed_unknown"] += int(unknown)
            place["killed_best_unknown"] += int(nobest)
            place["killed_open"] += int(tops)
    table = pd.DataFrame(list(pages.values()), columns=_OUT)
    table["claimants"] = [len(c) for c in table["claimants"]]
    for column in ("lat", "lon"):
        table[column] = table[column].astype(float)
    for column in ("incidents", "claimants", "killed_unknown", "killed_best_unknown",
                   "killed_open"):
        table[column] = table[column].astype("int64")
    for column in ("killed_min", "killed_max", "killed_best"):
        table[column] = pd.array(table[column].astype(object), dtype="Int64")
    return PlaceRows(table, _merged(names), places, placed)


def _least(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)


def _most(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else max(a, b)


def _merged(names: list[tuple[float, float, str, int, int]]
            ) -> list[tuple[float, float, str, int, int]]:
    """Each name at each point once (the rows are per name and claimant)."""
    out: dict[tuple[float, float, str], list[int]] = {}
    for lat, lon, name, k, first in names:
        seen = out.setdefault((lat, lon, name), [0, first])
        seen[0] += k
        seen[1] = min(seen[1], first)
    return [(lat, lon, name, k, first) for (lat, lon, name), (k, first) in out.items()]
