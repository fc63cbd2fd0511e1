"""The Over time and Compare periods tables of a view in store-driven mode.

The database groups the records (:mod:`geo.store.pg_series`); here the groups get the
shapes :func:`geo.view.totals_index.time_series_of` and
:func:`geo.view.totals_index.compare_periods_of` give in frame mode, so the page's
charts and tables are drawn by the same code. Each group holds one claimant: events
may be stacked across claimants, deaths only within one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pandas as pd
from psycopg import sql

from geo.store.pg_query import PostGISQuery
from geo.store.pg_series import compare_figures, filled_categories, series_figures
from geo.store.pg_series_days import KEPT_CATEGORIES, days_filled, days_groups, rows_filled
from geo.store.pg_totals import coarse_counts
from geo.store.query import Clause, QueryFilter
from geo.view.store_totals import part_clause
from geo.view.totals import FIGURE_COLUMNS, window_days


def store_time_series(query: PostGISQuery, spec: QueryFilter, freq: str = "month",
                      by: str = "event_type", part: str = "all") -> pd.DataFrame:
    """:func:`geo.view.totals.time_series` of the records ``spec`` lets through.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    freq : str
        ``day``, ``week``, ``month`` or ``year``.
    by : str
        The category (``event_type``, ``violence_label``, ``source_event_type`` ...).
    part : str
        ``all`` the records, or only those vaguer than the view's dates or than a place
        (``coarse``), or only the others (``fine``); see
        :func:`geo.view.store_totals.store_totals`.

    Returns
    -------
    pandas.DataFrame
        ``period`` (a date), ``by``, ``claimant``, ``incidents`` and the figure columns,
        by period, category and claimant; undated records left out.
    """
    out = ["period", by, "claimant", "incidents", *FIGURE_COLUMNS]
    days = window_days((spec.date_from, spec.date_to)) \
        if spec.date_from is not None and spec.date_to is not None else None
    # from the per-day counts when they hold the view and the split; else the rows
    table = days_groups(query, spec, ["period", by, "claimant"], freq=freq, part=part,
                        days=days) if by != "claimant" else None
    if table is None:
        table = series_figures(query, spec, freq, by, part_clause(part, days))
    if table.empty:
        return pd.DataFrame(columns=out)
    table["period"] = pd.to_datetime(table["period"]).dt.date
    return table[out].sort_values(["period", by, "claimant"]).reset_index(drop=True)


def store_compare(query: PostGISQuery, spec: QueryFilter,
                  periods: Sequence[tuple[date, date]], by: Sequence[str] = ("claimant",),
                  part: str = "all") -> pd.DataFrame:
    """:func:`geo.view.totals.compare_periods` of the records ``spec`` lets through
    (its own dates replaced by each period's; a record counts in the period it starts
    in). ``part``: ``all``, or only the records vaguer than each period (``coarse``:
    dated over more days than it holds, or placed at region or country level), or only
    the others (``fine``).

    Returns
    -------
    pandas.DataFrame
        ``period`` ("YYYY-MM-DD to YYYY-MM-DD"), the ``by`` columns, ``incidents`` and
        the figure columns.
    """
    columns = [*by, "incidents", *FIGURE_COLUMNS]
    tables = []
    # a record counts in the period it starts in, as on the timeline (trial 24)
    starts: list[Clause] = [(sql.SQL("date_start >= %s"), [start]) for start, _ in periods]
    extras = [_both(part_clause(part, window_days(p)), s) for p, s in zip(periods, starts,
                                                                        strict=True)]
    kept = [days_groups(query, replace(spec, date_from=start, date_to=end,
                                       include_undated=False), list(by), part=part,
                        days=window_days((start, end)), also=first)
            for (start, end), first in zip(periods, starts, strict=True)] \
        if len(set(by)) == len(by) else [None]
    figures = kept if all(t is not None for t in kept) \
        else compare_figures(query, spec, periods, by, extras)
    for (start, end), table in zip(periods, figures, strict=True):
        table = table[columns] if len(table) else pd.DataFrame(columns=columns)
        table.insert(0, "period", f"{start.isoformat()} to {end.isoformat()}")
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["period", *columns])
    return pd.concat(tables, ignore_index=True)


def store_straddling(query: PostGISQuery, spec: QueryFilter, period: tuple[date, date],
                     part: str = "all", within: tuple[date, date] | None = None
                     ) -> tuple[int, int]:
    """How many records ``spec`` lets through (its dates replaced by ``period``) start
    before the period and run into it, and start in it and run past its end (see
    :func:`geo.view.totals_index.straddling_of`).

    ``part``: ``all``, or only the records vaguer than ``within`` if given, else than
    ``period`` (``coarse``), or the others (``fine``). ``within``: only the records whose
    dates overlap these (the view's: *Over time*'s last period may run past them).
    """
    edges: list[Clause] = [(sql.SQL("date_start < %s"), [period[0]]),
                           (sql.SQL("date_start >= %s AND date_end > %s"),
                            [period[0], period[1]])]
    also = part_clause(part, window_days(within or period))
    if within is not None:
        also = _both(also, (sql.SQL("date_start <= %s AND date_end >= %s"),
                            [within[1], within[0]]))
    counts = []
    for edge in edges:
        (table,) = compare_figures(query, spec, [period], ["claimant"],
                                   [edge if also is None else _both(also, edge)])
        counts.append(int(table["incidents"].sum()) if len(table) else 0)
    return counts[0], counts[1]


def _both(first: Clause | None, second: Clause) -> Clause:
    """The conjunction of two conditions (the first may be missing)."""
    if first is None:
        return second
    return (sql.SQL("({}) AND ({})").format(first[0], second[0]), [*first[1], *second[1]])


def store_period_coarse_counts(query: PostGISQuery, spec: QueryFilter,
                               period: tuple[date, date]) -> tuple[int, int]:
    """How many records ``spec`` lets through starting in ``period`` (its own dates
    replaced; those :func:`store_compare` counts in it) are vaguer than the period by
    their dates, by their place."""
    return coarse_counts(query, replace(spec, date_from=period[0], date_to=period[1],
                                        include_undated=False), window_days(period),
                         (sql.SQL("date_start >= %s"), [period[0]]))


def store_categories(query: PostGISQuery, spec: QueryFilter, names: Sequence[str]
                     ) -> tuple[list[str], bool]:
    """Which categories the records ``spec`` lets through fill, and whether any is dated.

    Returns
    -------
    tuple
        The names of ``names`` some record has a value for (in that order), and whether
        some record has a known date.
    """
    kept = [n for n in names if n in KEPT_CATEGORIES]
    filled = days_filled(query, spec, kept)  # from the per-day counts
    if filled is None:
        filled = dict(filled_categories(query, spec, names))
    else:
        filled.update(rows_filled(query, spec, [n for n in names if n not in kept]))
    return [n for n in names if filled[n]], filled["dated"]
