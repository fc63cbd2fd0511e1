"""The *Over time* and *Compare periods* figures of views the per-day counts hold.

:func:`geo.store.pg_series.series_figures` and :func:`~geo.store.pg_series.compare_figures`
group the records a view lets through (0.5-1 s of database CPU at 1,000,000 records per
question). The per-day counts kept with the grid (``query_dates``,
:mod:`geo.store.pg_grid`: records per date precision, start day, end day, event type,
claim status, stored precision, whether drawn and claimant, with the sums of their
casualty figures) hold everything those tables need when the chart is split by event
type, claim status or claimant and the view's filters are the cube's (dates, undated,
types, claims, precisions): the period a record starts in is a function of its start
day, a record overlaps a period by its start and end days, it is vaguer than the view by
its days or its stored precision, and the figures are sums. :func:`days_groups` sums
those rows instead (a few hundred thousand at 1,000,000 synthetic records, tens of
thousands on real data): the same table as the rows give, or None when it cannot.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.store.pg_cube import cube_answers, day_clauses
from geo.store.pg_grid import dates_table
from geo.store.pg_series import PERIOD_SQL
from geo.store.pg_totals import COARSE_PRECISION, figure_sums, typed_groups
from geo.store.query import QueryFilter, combine, where_clauses
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

#: Categories the per-day counts keep: name -> (column, vocabulary or None for text).
KEPT_CATEGORIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "event_type": ("ev", EVENT_TYPES),
    "claim_status": ("cl", CLAIM_STATUSES),
    "claimant": ("claimant", None),
}


def _part(part: str, days: int | None) -> tuple[sql.Composable, list[object]] | None:
    """:func:`geo.view.store_totals.part_clause` over the per-day counts' columns."""
    if part == "all":
        return None
    by_date = sql.SQL("FALSE") if days is None else sql.SQL(
        "(date_start IS NOT NULL AND coalesce(date_end, date_start) - date_start + 1 > %s)")
    params: list[object] = [] if days is None else [int(days)]
    vague = sql.SQL("({} OR coalesce(gp, 1) >= %s)").format(by_date)
    params.append(COARSE_PRECISION)
    return (sql.SQL("NOT ") + vague if part == "fine" else vague), params


def days_groups(query: PostGISQuery, spec: QueryFilter, keys: Sequence[str], *,
                freq: str | None = None, part: str = "all", days: int | None = None,
                also: tuple[sql.Composable, list[object]] | None = None
                ) -> pd.DataFrame | None:
    """:func:`geo.store.pg_totals.group_figures` of dated records by ``keys``, summed
    from the per-day counts; None when they cannot give it (a filter or a category they
    do not hold, a value outside the vocabularies, counts older than the store).

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    keys : sequence of str
        ``period`` (with ``freq``) and keys of :data:`KEPT_CATEGORIES`.
    freq : str, optional
        A key of :data:`geo.store.pg_series.PERIOD_SQL` (the ``period`` key's).
    part : str
        ``all``, ``coarse`` or ``fine`` (see :func:`geo.view.store_totals.part_clause`).
    days : int or None
        Days in the window ``part`` is judged against.
    also : tuple, optional
        One more condition over the counts' columns, ``(sql, parameters)``.

    Returns
    -------
    pandas.DataFrame or None
        As :func:`~geo.store.pg_totals.group_figures` returns it (undated records left
        out).
    """
    wanted = [k for k in keys if k != "period"]
    if any(k not in KEPT_CATEGORIES for k in wanted) or ("period" in keys) != (freq is not None):
        return None
    if freq is not None and freq not in PERIOD_SQL:
        raise ValueError(f"freq must be one of {', '.join(PERIOD_SQL)}, not {freq!r}")
    if not cube_answers(query, spec):
        return None
    key_sql: list[sql.Composable] = [
        PERIOD_SQL[str(freq)] if k == "period" else sql.Identifier(KEPT_CATEGORIES[k][0])
        for k in keys]
    clauses = dict(day_clauses(spec))
    clauses["dated"] = (sql.SQL("date_start IS NOT NULL"), [])
    extra = _part(part, days)
    if extra is not None:
        clauses["part"] = extra
    if also is not None:
        clauses["also"] = also
    condition, params = combine(clauses)
    sums = [sql.SQL("sum({})::bigint").format(sql.Identifier("f_" + name))
            for name, _ in figure_sums()]
    select = sql.SQL("SELECT {}, sum(n)::bigint, {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(key_sql), sql.SQL(", ").join(sums), dates_table(query), condition)
    if key_sql:
        select = sql.SQL("{} GROUP BY {}").format(
            select, sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(key_sql))))
    rows = query.read(select, params)
    named = []
    for row in rows:
        values = list(row)
        for i, key in enumerate(keys):
            vocabulary = KEPT_CATEGORIES[key][1] if key != "period" else None
            if vocabulary is not None:
                code = int(values[i])
                if code >= len(vocabulary):
                    return None  # kept only as "another value": the rows name it
                values[i] = vocabulary[code]
            elif values[i] is None:
                values[i] = ""
        named.append(values)
    return typed_groups(named, list(keys), [])


def days_filled(query: PostGISQuery, spec: QueryFilter, names: Sequence[str]
                ) -> dict[str, bool] | None:
    """Whether any dated or undated record ``spec`` lets through has a value for each of
    ``names`` (keys of :data:`KEPT_CATEGORIES`) and whether any is dated, from the
    per-day counts; None when they cannot say."""
    if any(n not in KEPT_CATEGORIES for n in names) or not cube_answers(query, spec):
        return None
    tests: list[sql.Composable] = []
    for name in names:
        column, vocabulary = KEPT_CATEGORIES[name]
        tests.append(sql.SQL("coalesce(bool_or(claimant <> ''), false)") if vocabulary is None
                     else sql.SQL("coalesce(bool_or({} < {}), false), coalesce(bool_or({} >= {}),"
                                  " false)").format(sql.Identifier(column),
                                                    sql.Literal(len(vocabulary)),
                                                    sql.Identifier(column),
                                                    sql.Literal(len(vocabulary))))
    tests.append(sql.SQL("coalesce(bool_or(date_start IS NOT NULL), false)"))
    condition, params = combine(day_clauses(spec))
    (row,) = query.read(sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(tests), dates_table(query), condition), params)
    out: dict[str, bool] = {}
    values = list(row)
    for name in names:
        if KEPT_CATEGORIES[name][1] is None:
            out[name] = bool(values.pop(0))
            continue
        named, other = bool(values.pop(0)), bool(values.pop(0))
        if other:
            return None  # another value, or none: only the rows can tell
        out[name] = named
    out["dated"] = bool(values.pop(0))
    return out


_STORE_FILLED: dict[tuple[str, int], dict[str, bool]] = {}
"""Per store location and revision, which categories any record of the store fills."""
_FILLED_LOCK = threading.Lock()


def rows_filled(query: PostGISQuery, spec: QueryFilter, names: Sequence[str]
                ) -> dict[str, bool]:
    """Whether any record ``spec`` lets through has a value for each of ``names`` (keys
    of :data:`geo.store.pg_series.CATEGORY_SQL`), read from the rows.

    A category no record of the store fills (known once per store revision, one scan
    shared by every view) is not asked of the view; the others are asked one by one,
    each reading only until a record with a value turns up.
    """
    from geo.store.pg_series import CATEGORY_SQL, filled_categories

    names = list(names)
    if not names:
        return {}
    key = (query.store.location, query.store.revision())
    if key[1] < 0:  # a copy of a search's matches: one scan of it is cheap
        found = filled_categories(query, spec, names)
        return {n: found[n] for n in names}
    store_wide = _STORE_FILLED.get(key)
    if store_wide is None or any(n not in store_wide for n in names):
        tests = [sql.SQL("coalesce(bool_or(coalesce({}, '') <> ''), false)").format(
            CATEGORY_SQL[n]) for n in names]
        (row,) = query.read(sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(tests), query.store.table("incidents")))
        store_wide = dict(zip(names, (bool(v) for v in row), strict=True))
        with _FILLED_LOCK:  # sessions' threads share it
            while len(_STORE_FILLED) >= 16:
                _STORE_FILLED.pop(next(iter(_STORE_FILLED)))
            _STORE_FILLED[key] = store_wide
    condition, params = combine(where_clauses(spec))
    out: dict[str, bool] = {}
    for name in names:
        if not store_wide[name]:
            out[name] = False
            continue
        (row,) = query.read(sql.SQL(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE coalesce({}, '') <> '' AND {})").format(
            query.store.table("incidents"), CATEGORY_SQL[name], condition), params)
        out[name] = bool(row[0])
    return out
