"""The totals of a view in store-driven mode, with the frame path's rules and shapes.

The database groups the records by claimant and claim status (or by admin area and
claimant) and sums each group's casualty ranges (:func:`geo.store.pg_totals.group_figures`);
here the groups are combined into :class:`geo.view.totals.Totals` and area tables as
:func:`geo.view.totals.totals` and :func:`geo.view.totals.area_stats` build them:
counts of incidents add up across claimants, figures only within one claimant, and a
claim status or an area that mixes claimants gets no figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from psycopg import sql

from geo.store.pg_cube import cube_figures
from geo.store.pg_facets import facet_figures
from geo.store.pg_query import PostGISQuery
from geo.store.pg_totals import coarse_clauses, coarse_counts, group_figures
from geo.store.query import Clause, QueryFilter
from geo.view.totals import FIGURE_COLUMNS, Totals, is_count, mark_mixed


def _combine(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Groups of ``table`` summed per ``key`` (a figure stays NA where no group gives it)."""
    columns = [key, "incidents", *FIGURE_COLUMNS]
    if table.empty:
        return pd.DataFrame(columns=columns)
    grouped = table.groupby(key, sort=True)
    out = grouped[["incidents", *FIGURE_COLUMNS]].sum(min_count=1).reset_index()
    for column in FIGURE_COLUMNS:
        if is_count(column):
            out[column] = out[column].fillna(0).astype(int)
        else:
            out[column] = pd.array(out[column], dtype="Int64")
    out["incidents"] = out["incidents"].astype(int)
    return out[columns]


PARTS = ("all", "coarse", "fine")
"""Parts of a view's records a total covers: all of them, those vaguer than the view
(dated over a longer span than its dates, or placed only at region or country level),
the others."""


def _days(spec: QueryFilter) -> int | None:
    if spec.date_from is None or spec.date_to is None:
        return None
    return (spec.date_to - spec.date_from).days + 1


def part_clause(part: str, days: int | None) -> Clause | None:
    """The condition of one of :data:`PARTS` for a view of ``days`` days (None: all).

    Parameters
    ----------
    part : str
        ``all``, ``coarse`` (vaguer than the view) or ``fine`` (the others).
    days : int or None
        Days in the view's date window (None: no record is vague by its dates).

    Returns
    -------
    tuple or None
        ``(condition, parameters)``; None for ``all``.
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    if part == "all":
        return None
    (by_date, date_params), (by_place, place_params) = coarse_clauses(days)
    vague = sql.SQL("({} OR {})").format(by_date, by_place)
    if part == "fine":
        vague = sql.SQL("NOT ") + vague
    return vague, [*date_params, *place_params]


def store_coarse_counts(query: PostGISQuery, spec: QueryFilter) -> tuple[int, int]:
    """How many records ``spec`` lets through are vaguer than its dates, than a place.

    See :meth:`geo.view.totals_index.TotalsColumns.coarse` (the same rule).
    """
    return coarse_counts(query, spec, _days(spec))


def store_totals(query: PostGISQuery, spec: QueryFilter, part: str = "all") -> Totals:
    """:func:`geo.view.totals.totals` of the records ``spec`` lets through (one query).

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    part : str
        One of :data:`PARTS`: every record, or only those vaguer than the view (dated
        over more days than ``spec``'s dates, or placed at region or country level), or
        only the others.

    Returns
    -------
    Totals
    """
    groups = group_figures(query, spec, ["claimant", "claim_status"],
                           extra=part_clause(part, _days(spec)))
    return _totals_of(groups)


def _totals_of(groups: pd.DataFrame) -> Totals:
    """Totals of claimant and claim-status groups (each holding one claimant)."""
    breakdown = groups[["claimant", "claim_status", "incidents", *FIGURE_COLUMNS]]
    by_claimant = _combine(groups, "claimant")
    by_status = _combine(groups, "claim_status")
    per_status = groups.groupby("claim_status")["claimant"].nunique()
    by_status = mark_mixed(by_status, "claim_status", per_status, 2) if len(groups) else \
        by_status.assign(claimants=pd.Series(dtype=int))[
            ["claim_status", "incidents", "claimants", *FIGURE_COLUMNS]]
    return Totals(int(groups["incidents"].sum()), by_claimant, by_status,
                  breakdown.reset_index(drop=True), int(groups["inverted"].sum()))


@dataclass(frozen=True)
class TotalsParts:
    """Everything the Totals tab asks of a view, from one grouped query.

    Attributes
    ----------
    parts : dict
        :data:`PARTS` -> :class:`~geo.view.totals.Totals` (as :func:`store_totals`).
    coarse_counts : tuple of int
        As :func:`store_coarse_counts`.
    """

    parts: dict[str, Totals]
    coarse_counts: tuple[int, int]


def _regroup(groups: pd.DataFrame) -> pd.DataFrame:
    """Groups split by the vague flags, summed back per claimant and claim status (a
    figure stays NA where no part gives it), in :func:`group_figures`' order."""
    keys = ["claimant", "claim_status"]
    sums = ["incidents", *FIGURE_COLUMNS, "inverted"]
    if groups.empty:
        return groups[[*keys, *sums]]
    out = groups.groupby(keys, sort=True)[sums].sum(min_count=1).reset_index()
    for column in sums:
        if column in FIGURE_COLUMNS and not is_count(column):
            out[column] = pd.array(out[column], dtype="Int64")
        else:
            out[column] = out[column].fillna(0).astype("int64")
    return out


def store_totals_parts(query: PostGISQuery, spec: QueryFilter) -> TotalsParts:
    """:func:`store_totals` of every part and :func:`store_coarse_counts`, in one scan
    of the view's records (grouped by claimant, claim status and both vague flags), or,
    for a view the cube holds (dates, types, claims, precisions), of the per-day counts'
    figure sums (:func:`geo.store.pg_cube.cube_figures`; exact: the sums add up)."""
    groups = cube_figures(query, spec, _days(spec))  # from the per-day counts' sums
    if groups is None:  # a governorate or killed range: the facets' sums
        groups = facet_figures(query, spec, _days(spec))
    if groups is None:
        by_date, by_place = coarse_clauses(_days(spec))
        groups = group_figures(query, spec, ["claimant", "claim_status"],
                               flags=(("vague_date", by_date), ("vague_place", by_place)))
    vague = groups["vague_date"] | groups["vague_place"]
    counts = (int(groups.loc[groups["vague_date"], "incidents"].sum()),
              int(groups.loc[groups["vague_place"], "incidents"].sum()))
    parts = {"all": _totals_of(_regroup(groups)),
             "coarse": _totals_of(_regroup(groups[vague])),
             "fine": _totals_of(_regroup(groups[~vague]))}
    return TotalsParts(parts, counts)


def store_area_stats(query: PostGISQuery, spec: QueryFilter, level: int,
                     names: Mapping[str, str], claimant: str | None = None,
                     part: str = "all") -> pd.DataFrame:
    """:func:`geo.view.totals.area_stats` of the records ``spec`` lets through.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    level : int
        1 governorates, 2 districts.
    names : mapping
        P-code -> area name (the admin areas' own names).
    claimant : str, optional
        Only this claimant's incidents.
    part : str
        One of :data:`PARTS` (see :func:`store_totals`).

    Returns
    -------
    pandas.DataFrame
        ``pcode``, ``name``, ``incidents``, ``claimants`` and the figure columns, one
        row per area with incidents.
    """
    code = f"adm{level}_pcode"
    out = ["pcode", "name", "incidents", "claimants", *FIGURE_COLUMNS]
    groups = group_figures(query, spec, [code, "claimant"],
                           extra=part_clause(part, _days(spec)))
    groups = groups[groups[code] != ""]
    if claimant is not None:
        groups = groups[groups["claimant"] == claimant]
    if groups.empty:
        return pd.DataFrame(columns=out)
    table = _combine(groups, code).rename(columns={code: "pcode"})
    table.insert(1, "name", table["pcode"].map(dict(names)).fillna(""))
    per_area = groups.groupby(code)["claimant"].nunique()
    return mark_mixed(table, "pcode", per_area, 3)[out].reset_index(drop=True)
