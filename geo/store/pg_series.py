"""Events and deaths over time, and two periods side by side, asked of PostGIS.

The *Over time* and *Compare periods* tabs of the map page in store mode: one
``GROUP BY`` (:func:`geo.store.pg_totals.group_figures`) per question over the records
a :class:`~geo.store.query.QueryFilter` lets through, keyed by the period a record
starts in (day, week, month, year, as :data:`geo.view.totals.FREQUENCIES`), a category
and the claimant, or by category within each compared period. Nothing is read row by
row: the database returns one row per group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.store.pg_totals import group_figures
from geo.store.query import Clause, QueryFilter, combine, where_clauses
from geo.vocab import VIOLENCE_TYPES

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

#: Period a record starts in -> SQL giving the period's first day as text (YYYY-MM-DD).
#: Weeks are pandas' ``W-MON`` (ending on Monday: they start on Tuesday).
PERIOD_SQL: dict[str, sql.Composable] = {
    "day": sql.SQL("to_char(date_start, 'YYYY-MM-DD')"),
    "week": sql.SQL("to_char(date_start - mod(mod(date_start - DATE '1970-01-01' + 2, 7) + 7, "
                    "7), 'YYYY-MM-DD')"),
    "month": sql.SQL("to_char(date_trunc('month', date_start), 'YYYY-MM-DD')"),
    "year": sql.SQL("to_char(date_trunc('year', date_start), 'YYYY-MM-DD')"),
}


def _violence_label() -> sql.Composable:
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(code), sql.Literal(label))
        for code, label in sorted(VIOLENCE_TYPES.items()))
    return sql.SQL("CASE type_of_violence {} ELSE '' END").format(cases)


#: Categories a chart may be split by -> SQL giving the record's text for it (as the
#: frame's columns: ``violence_label`` is UCDP's type of violence in words).
CATEGORY_SQL: dict[str, sql.Composable] = {
    "event_type": sql.Identifier("event_type"),
    "violence_label": _violence_label(),
    "source_event_type": sql.Identifier("source_event_type"),
    "source_sub_event_type": sql.Identifier("source_sub_event_type"),
    "claim_status": sql.Identifier("claim_status"),
    "claimant": sql.Identifier("claimant"),
}


def series_figures(query: PostGISQuery, spec: QueryFilter, freq: str, by: str,
                   extra: Clause | None = None) -> pd.DataFrame:
    """Incidents and casualty sums per start period, category and claimant.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    freq : str
        A key of :data:`PERIOD_SQL`.
    by : str
        A key of :data:`CATEGORY_SQL`.
    extra : tuple, optional
        One more condition ``(sql, parameters)`` the records must meet.

    Returns
    -------
    pandas.DataFrame
        ``period`` (text, its first day), ``by``, ``claimant``, ``incidents``, the figure
        columns and ``inverted``; undated records are left out.
    """
    if freq not in PERIOD_SQL:
        raise ValueError(f"freq must be one of {', '.join(PERIOD_SQL)}, not {freq!r}")
    if by not in CATEGORY_SQL:
        raise ValueError(f"cannot split by {by!r}")
    dated: Clause = (sql.SQL("date_start IS NOT NULL"), [])
    if extra is not None:
        dated = (sql.SQL("(date_start IS NOT NULL AND {})").format(extra[0]), list(extra[1]))
    return group_figures(query, spec, ["period", by, "claimant"], extra=dated,
                         expressions={"period": PERIOD_SQL[freq], by: CATEGORY_SQL[by]})


def compare_figures(query: PostGISQuery, spec: QueryFilter,
                    periods: Sequence[tuple[date, date]], by: Sequence[str],
                    extras: Sequence[Clause | None] | None = None) -> list[pd.DataFrame]:
    """Incidents and casualty sums per group of ``by`` in each of ``periods``.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
        The view; its own dates are replaced by each period's (a record counts in every
        period its dates overlap; undated records in none).
    periods : sequence of (date, date)
        Inclusive ranges.
    by : sequence of str
        Keys of :data:`CATEGORY_SQL`.
    extras : sequence, optional
        One more condition per period (or None), ``(sql, parameters)``.

    Returns
    -------
    list of pandas.DataFrame
        One table per period, as :func:`geo.store.pg_totals.group_figures` gives it.
    """
    unknown = [k for k in by if k not in CATEGORY_SQL]
    if unknown:
        raise ValueError(f"cannot split by {', '.join(unknown)}")
    expressions = {k: CATEGORY_SQL[k] for k in by}
    extras = list(extras) if extras is not None else [None] * len(periods)
    return [group_figures(query, replace(spec, date_from=start, date_to=end,
                                         include_undated=False), list(by),
                          extra=extra, expressions=expressions)
            for (start, end), extra in zip(periods, extras, strict=True)]


def filled_categories(query: PostGISQuery, spec: QueryFilter, names: Sequence[str]
                      ) -> Mapping[str, bool]:
    """Whether any record ``spec`` lets through has a value for each category, and
    (under ``"dated"``) whether any has a known date; one scan.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    names : sequence of str
        Keys of :data:`CATEGORY_SQL`.

    Returns
    -------
    dict
        Name -> bool, and ``"dated"`` -> bool.
    """
    filled = sql.SQL("coalesce(bool_or(coalesce({}, '') <> ''), false)")
    tests: list[sql.Composable] = [filled.format(CATEGORY_SQL[n]) for n in names]
    tests.append(sql.SQL("coalesce(bool_or(date_start IS NOT NULL), false)"))
    condition, params = combine(where_clauses(spec))
    select = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(tests), query.store.table("incidents"), condition)
    (row,) = query.read(select, params)
    return dict(zip([*names, "dated"], (bool(v) for v in row), strict=True))
