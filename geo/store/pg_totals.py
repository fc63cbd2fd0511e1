"""Totals of a view asked of PostGIS: incidents and casualty ranges per group, in SQL.

:func:`group_figures` is :func:`geo.view.totals.figure_table` as one ``GROUP BY``
over the records a :class:`~geo.store.query.QueryFilter` lets through: per group, the
incidents, and for each casualty figure the sum of its lows, the sum of its highs (a
record's low is its minimum, else its maximum; its high the other way round; a
record kept with its high below its low counts from the smaller to the larger), how
many records give no figure and how many give a low and no high ("at least 16": open
at the top, their high counted as their low; ``<figure>_open``). Groups are meant to
hold one claimant each (the ``claimant`` column the search sync stores,
:mod:`geo.store.pg_search`): figures of different claimants are added by nobody here;
the caller combines groups only where one claimant is present (:mod:`geo.view.store_totals`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from psycopg import sql

from geo.store.query import Clause, QueryFilter, combine, where_clauses

if TYPE_CHECKING:
    from geo.store.pg_query import PostGISQuery

#: Casualty figures totalled: (name, low column, high column), as geo.view.totals.FIGURES.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("killed", "killed_min", "killed_max"),
    ("injured", "injured_min", "injured_max"),
    ("casualties", "casualties_min", "casualties_max"),
    ("civilian_deaths", "deaths_civilians", "deaths_civilians"),
    ("killed_best", "killed_best", "killed_best"),
)
#: Figures given as one number (as geo.view.totals.SINGLE_FIGURES).
SINGLE_FIGURES = ("civilian_deaths", "killed_best")
#: From this location precision on (region or country level) an incident is vague by its
#: place, as geo.view.totals_index.COARSE_PRECISION.
COARSE_PRECISION = 3
#: Columns a group may be keyed by.
GROUP_KEYS = ("claimant", "claim_status", "event_type", "adm1_pcode", "adm2_pcode")


def figure_columns() -> list[str]:
    """Names of the figure columns, as :data:`geo.view.totals.FIGURE_COLUMNS`."""
    out: list[str] = []
    for name, _, _ in FIGURES:
        out += ([f"{name}_min", f"{name}_max", f"{name}_unknown", f"{name}_open"]
                if name not in SINGLE_FIGURES else [name, f"{name}_unknown"])
    return out


def _figure_sql() -> tuple[list[sql.Composable], list[str]]:
    parts: list[sql.Composable] = []
    names: list[str] = []
    for name, low, high in FIGURES:
        lo = sql.SQL("coalesce({}, {})").format(sql.Identifier(low), sql.Identifier(high))
        hi = sql.SQL("coalesce({}, {})").format(sql.Identifier(high), sql.Identifier(low))
        if name in SINGLE_FIGURES:
            parts.append(sql.SQL("sum({})").format(lo))
            names.append(name)
        else:
            parts += [sql.SQL("sum(least({}, {}))").format(lo, hi),
                      sql.SQL("sum(greatest({}, {}))").format(lo, hi)]
            names += [f"{name}_min", f"{name}_max"]
        parts.append(sql.SQL("count(*) FILTER (WHERE {} IS NULL)").format(lo))
        names.append(f"{name}_unknown")
        if name not in SINGLE_FIGURES:  # a low and no high: open at the top
            parts.append(sql.SQL("count(*) FILTER (WHERE {} IS NOT NULL AND {} IS NULL)").format(
                sql.Identifier(low), sql.Identifier(high)))
            names.append(f"{name}_open")
    inverted = sql.SQL(" OR ").join(
        sql.SQL("coalesce({} < {}, false)").format(sql.Identifier(high), sql.Identifier(low))
        for name, low, high in FIGURES if name not in SINGLE_FIGURES)
    parts.append(sql.SQL("count(*) FILTER (WHERE {})").format(inverted))
    names.append("inverted")
    return parts, names


def coarse_clauses(days: int | None) -> tuple[Clause, Clause]:
    """Conditions of records vaguer than a view: by their dates, by their place.

    Parameters
    ----------
    days : int or None
        Days in the selected date window (None: no record is vague by its dates).

    Returns
    -------
    tuple
        ``(by_date, by_place)`` as ``(condition, parameters)``: dated over more days than
        the window holds; placed only at region or country level. Never NULL.
    """
    by_date: Clause = (sql.SQL("FALSE"), []) if days is None else (
        sql.SQL("(date_start IS NOT NULL AND "
                "coalesce(date_end, date_start) - date_start + 1 > %s)"), [int(days)])
    by_place: Clause = (sql.SQL("coalesce(geo_precision, 1) >= %s"), [COARSE_PRECISION])
    return by_date, by_place


def coarse_counts(query: PostGISQuery, spec: QueryFilter, days: int | None,
                  extra: Clause | None = None) -> tuple[int, int]:
    """How many records ``spec`` (and ``extra``, a condition ``(sql, parameters)``, if
    given) lets through are vague by their dates, by their place."""
    (by_date, date_params), (by_place, place_params) = coarse_clauses(days)
    clauses = where_clauses(spec)
    if extra is not None:
        clauses["extra"] = extra
    condition, params = combine(clauses)
    select = sql.SQL("SELECT count(*) FILTER (WHERE {}), count(*) FILTER (WHERE {}) "
                     "FROM {} WHERE {}").format(by_date, by_place,
                                                query.store.table("incidents"), condition)
    rows = query.read(select, [*date_params, *place_params, *params])
    return int(rows[0][0]), int(rows[0][1])


def group_figures(query: PostGISQuery, spec: QueryFilter, keys: Sequence[str],
                  skip: tuple[str, ...] = (), extra: Clause | None = None,
                  flags: Sequence[tuple[str, Clause]] = (),
                  expressions: Mapping[str, sql.Composable] | None = None) -> pd.DataFrame:
    """Incidents and casualty sums per group of the records ``spec`` lets through.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    keys : sequence of str
        Columns of :data:`GROUP_KEYS` to group by (none: one row for everything), or
        names of ``expressions``.
    skip : tuple of str
        Filters not applied (e.g. ``("date",)``).
    extra : tuple, optional
        One more condition ``(sql, parameters)`` the records must meet.
    flags : sequence of (name, condition), optional
        Conditions (never NULL) grouped by too, each a boolean column after the keys
        (one scan gives the figures of several parts of the view).
    expressions : mapping, optional
        Name -> SQL expression giving text (without parameters), grouped by like a
        column (e.g. the period a record starts in).

    Returns
    -------
    pandas.DataFrame
        The ``keys`` (text, '' for none), the ``flags`` (bool), ``incidents``, the
        figure columns (sums, NA where no record of the group gives the figure;
        ``<figure>_unknown`` and ``<figure>_open`` counts) and ``inverted`` (records
        with a high figure below the low one), sorted by the keys and flags.
    """
    expressions = dict(expressions or {})
    unknown = [k for k in keys if k not in GROUP_KEYS and k not in expressions]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}")
    clauses = {k: v for k, v in where_clauses(spec).items() if k not in skip}
    if extra is not None:
        clauses["extra"] = extra
    condition, params = combine(clauses)
    figures, names = _figure_sql()
    key_sql = [sql.SQL("coalesce({}, '')").format(expressions.get(k, sql.Identifier(k)))
               for k in keys]
    key_sql += [sql.SQL("({})").format(c) for _, (c, _) in flags]
    flag_params = [p for _, (_, ps) in flags for p in ps]
    select = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join([*key_sql, sql.SQL("count(*)"), *figures]),
        query.store.table("incidents"), condition)
    if key_sql:
        select = sql.SQL("{} GROUP BY {}").format(
            select, sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(key_sql))))
    rows = query.read(select, [*flag_params, *params])
    return typed_groups(rows, keys, [name for name, _ in flags])


def figure_sums() -> list[tuple[str, sql.Composable]]:
    """The figure columns of :func:`group_figures` as ``(name, aggregate)`` over records;
    each is additive (the figure of several groups is the sum of theirs), so tables of
    partial sums (the per-day counts, :mod:`geo.store.pg_grid`) are summed again."""
    figures, names = _figure_sql()
    return list(zip(names, figures, strict=True))


def typed_groups(rows: Sequence[Sequence[object]], keys: Sequence[str],
                 flag_names: Sequence[str]) -> pd.DataFrame:
    """Rows of keys, flags, incidents and :func:`figure_sums` as :func:`group_figures`
    returns them (types, order)."""
    names = [name for name, _ in figure_sums()]
    columns = [*keys, *flag_names, "incidents", *names]
    table = pd.DataFrame(list(rows), columns=columns)
    if not keys:
        table = table[table["incidents"] > 0]
    for column in names:
        if column.endswith(("_unknown", "_open")) or column == "inverted":
            table[column] = table[column].astype("int64")
        else:
            table[column] = pd.array(table[column].astype(object), dtype="Int64")
    table["incidents"] = table["incidents"].astype("int64")
    for name in flag_names:
        table[name] = table[name].astype(bool)
    if keys or flag_names:
        table = table.sort_values([*keys, *flag_names], kind="stable")
    return table.reset_index(drop=True)
