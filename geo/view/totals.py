"""Totals of a set of incidents: counts and casualty ranges, by claimant, area, type and time.

Casualty figures are ranges: an incident reported as 3 to 8 killed adds 3 to the
minimum and 8 to the maximum; one with only a minimum ("at least 16", ACLED's
conservative estimate) adds it to both and is counted as open at the top
(``<figure>_open``: the high total is then a floor, "or more"); one with no figure
adds nothing and is counted as unknown. Figures from different claimants (see
:func:`geo.geocoding.join.claimants`) are never added together: several claimants
describe the same war, often the same strike, and their sum would count it twice. A
total over several claimants gives their figures side by side, and a single figure
only where one claimant is present.
Counts of incidents are added across claimants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

#: Casualty figures totalled: (output name, low column, high column).
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("killed", "killed_min", "killed_max"),
    ("injured", "injured_min", "injured_max"),
    ("casualties", "casualties_min", "casualties_max"),
    ("civilian_deaths", "deaths_civilians", "deaths_civilians"),
    ("killed_best", "killed_best", "killed_best"),
)
SINGLE_FIGURES: tuple[str, ...] = ("civilian_deaths", "killed_best")
"""Figures the sources give as one number, not a range."""
OPEN_FIGURES: tuple[str, ...] = tuple(n for n, _, _ in FIGURES if n not in SINGLE_FIGURES)
"""Figures given as ranges, whose top may be open (a low and no high)."""
COUNT_SUFFIXES: tuple[str, ...] = ("_unknown", "_open")
"""Figure columns that count incidents (added across claimants), not casualties."""
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    c for name, _, _ in FIGURES for c in (
        (f"{name}_min", f"{name}_max", f"{name}_unknown", f"{name}_open")
        if name not in SINGLE_FIGURES else (name, f"{name}_unknown")
    )
)
"""Columns of every figure table: ``<figure>_min``, ``<figure>_max``,
``<figure>_unknown`` (incidents that give no figure) and ``<figure>_open`` (incidents
that give a low figure and no high one, "at least 16": their high is counted as their
low, so the ``_max`` total is a floor whenever ``_open`` is not 0); civilian deaths and the best
estimate of the killed (UCDP's ``best``), single figures in the sources that give them,
are ``civilian_deaths``/``killed_best`` and ``<figure>_unknown``. A best estimate is
totalled like a range, within one claimant, and its ``_unknown`` says how many incidents
of the set lack one (a partial sum is never shown as a whole one)."""

#: Frequencies of :func:`time_series` (pandas period aliases).
FREQUENCIES: dict[str, str] = {"day": "D", "week": "W-MON", "month": "M", "year": "Y"}


def is_count(column: str) -> bool:
    """Whether a figure column counts incidents (``_unknown``, ``_open``), not casualties."""
    return column.endswith(COUNT_SUFFIXES)


def open_top(frame: pd.DataFrame, low: str, high: str) -> pd.Series:
    """Whether each incident gives a low figure and no high one ("at least 16").

    Such a range is open at the top: totals count its high as its low, and say that
    the high total is a floor (``<figure>_open``).
    """
    if low not in frame:
        return pd.Series(False, index=frame.index)
    given = pd.to_numeric(frame[low], errors="coerce").notna()
    if high not in frame:
        return given
    return given & pd.to_numeric(frame[high], errors="coerce").isna()


def _bounds(frame: pd.DataFrame, low: str, high: str) -> tuple[pd.Series, pd.Series]:
    if low not in frame:
        empty = pd.Series(np.nan, index=frame.index, dtype=float)
        return empty, empty
    lo = pd.to_numeric(frame[low], errors="coerce").astype(float)
    hi = pd.to_numeric(frame[high], errors="coerce").astype(float) if high in frame else lo
    lo, hi = lo.fillna(hi), hi.fillna(lo)
    # A record whose bounds are inverted in the source (kept, with a data-quality flag)
    # counts as the range between its two figures: a total is never an inverted range.
    return np.fmin(lo, hi), np.fmax(lo, hi)


def inverted(frame: pd.DataFrame) -> pd.Series:
    """Whether each incident gives a casualty range whose high is below its low.

    Such records are kept with a data-quality flag; the totals count each of their
    ranges from the smaller figure to the larger.
    """
    out = pd.Series(False, index=frame.index)
    for name, low, high in FIGURES:
        if name not in SINGLE_FIGURES and low in frame and high in frame:
            lo = pd.to_numeric(frame[low], errors="coerce")
            hi = pd.to_numeric(frame[high], errors="coerce")
            out |= (hi < lo).fillna(False).astype(bool)
    return out


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-incident figure columns ready to be summed (NaN: not given)."""
    out = pd.DataFrame(index=frame.index)
    for name, low, high in FIGURES:
        lo, hi = _bounds(frame, low, high)
        if name in SINGLE_FIGURES:
            out[name] = lo
            out[f"{name}_unknown"] = lo.isna().astype(int)
        else:
            out[f"{name}_min"], out[f"{name}_max"] = lo, hi
            out[f"{name}_unknown"] = lo.isna().astype(int)
            out[f"{name}_open"] = open_top(frame, low, high).astype(int)
    return out


def figure_table(incidents: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Incidents and casualty ranges per group; each group should hold one claimant.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents (with ``claimant`` when grouping by it).
    by : sequence of str
        Columns to group by (e.g. ``["claimant", "claim_status"]``).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``incidents`` and :data:`FIGURE_COLUMNS`
        (sums over the incidents that give the figure; NA where none does).
    """
    figures = _figures(incidents)
    keys = [incidents[c].astype(str).rename(c) for c in by]
    figures["incidents"] = 1
    if not len(incidents):
        return pd.DataFrame(columns=[*by, "incidents", *FIGURE_COLUMNS])
    grouped = figures.groupby(keys, sort=True, dropna=False) if keys else figures.groupby(
        np.zeros(len(figures), dtype=int))
    table = grouped.sum(min_count=1)
    table["incidents"] = grouped.size()
    for column in FIGURE_COLUMNS:
        table[column] = table[column].astype("Float64")
        if is_count(column):
            table[column] = table[column].fillna(0).astype(int)
    table = table.reset_index(drop=not by)
    for column in FIGURE_COLUMNS:
        if not is_count(column):
            table[column] = table[column].round().astype("Int64")
    return table[[*by, "incidents", *FIGURE_COLUMNS]]


@dataclass(frozen=True)
class Totals:
    """Totals of a set of incidents.

    Attributes
    ----------
    incidents : int
        How many incidents.
    by_claimant : pandas.DataFrame
        ``claimant``, ``incidents`` and :data:`FIGURE_COLUMNS`: one row per claimant.
    by_claim_status : pandas.DataFrame
        ``claim_status``, ``incidents``, ``claimants`` and the figures where the
        status holds one claimant's incidents only (NA otherwise).
    breakdown : pandas.DataFrame
        ``claimant``, ``claim_status``, ``incidents`` and the figures.
    inverted : int
        How many of the incidents give a casualty range with its high below its low
        (flagged records, counted from the smaller figure to the larger).
    """

    incidents: int
    by_claimant: pd.DataFrame
    by_claim_status: pd.DataFrame
    breakdown: pd.DataFrame
    inverted: int = 0

    @property
    def claimants(self) -> list[str]:
        """The claimants present, by name."""
        return self.by_claimant["claimant"].astype(str).tolist()

    def figure(self, column: str) -> int | None:
        """One figure of the whole set (e.g. ``killed_min``), or None.

        None when the set holds several claimants (their figures are not added
        together) or when no incident gives the figure. ``<figure>_unknown`` and
        ``<figure>_open`` count incidents, and are always given.
        """
        if is_count(column):
            return int(self.by_claimant[column].sum())
        if len(self.by_claimant) != 1:
            return None
        value = self.by_claimant[column].iloc[0]
        return None if pd.isna(value) else int(value)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: the single figures and the tables as lists of records."""
        out: dict[str, Any] = {"incidents": self.incidents}
        for column in FIGURE_COLUMNS:
            out[column] = self.figure(column)
        out["inverted"] = self.inverted
        out["claimants"] = self.claimants
        if len(self.by_claimant) > 1:
            out["note"] = (
                f"Figures come from {len(self.by_claimant)} claimants and are not added "
                "together; see by_claimant."
            )
        out["by_claimant"] = _records(self.by_claimant)
        out["by_claim_status"] = _records(self.by_claim_status)
        out["breakdown"] = _records(self.breakdown)
        return out


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in table.astype(object).to_dict("records"):
        rows.append({
            str(k): (None if v is None or v is pd.NA or (isinstance(v, float) and v != v)
                     else int(v) if isinstance(v, np.integer | int) and not isinstance(v, bool)
                     else v)
            for k, v in record.items()
        })
    return rows


def _claimant(incidents: pd.DataFrame) -> pd.DataFrame:
    if "claimant" in incidents:
        return incidents
    from geo.geocoding.join import claimants

    out = incidents.copy()
    out["claimant"] = claimants(out)
    return out


def totals(incidents: pd.DataFrame) -> Totals:
    """Count incidents and total their casualty ranges, by claimant and claim status.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The incidents (already filtered), with ``claimant`` (computed from
        ``claimed_by``/``source_name`` when absent) and ``claim_status``.

    Returns
    -------
    Totals
    """
    frame = _claimant(incidents)
    breakdown = figure_table(frame, ["claimant", "claim_status"])
    by_claimant = figure_table(frame, ["claimant"])
    by_status = figure_table(frame, ["claim_status"])
    if len(frame):
        counts = frame.groupby(frame["claim_status"].astype(str))["claimant"].nunique()
        by_status.insert(2, "claimants", by_status["claim_status"].map(counts).astype(int))
        mixed = by_status["claimants"] > 1
        for column in FIGURE_COLUMNS:
            if not is_count(column):
                by_status.loc[mixed, column] = pd.NA
    else:
        by_status.insert(2, "claimants", pd.Series(dtype=int))
    return Totals(len(frame), by_claimant, by_status, breakdown, int(inverted(frame).sum()))


def area_stats(
    incidents: pd.DataFrame, level: int = 1, claimant: str | None = None
) -> pd.DataFrame:
    """Incidents and deaths per admin area, for a choropleth.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``adm1_pcode``/``adm1_name`` (or ``adm2_...``) and ``claimant``.
    level : int
        1 governorates, 2 districts.
    claimant : str, optional
        Only this claimant's incidents. Without it, an area whose incidents come
        from several claimants has no death figures (NA), only its count.

    Returns
    -------
    pandas.DataFrame
        ``pcode``, ``name``, ``incidents``, ``claimants`` and :data:`FIGURE_COLUMNS`,
        one row per area with incidents (incidents outside every area are left out).
    """
    frame = _claimant(incidents)
    if claimant is not None:
        frame = frame[frame["claimant"] == claimant]
    code, name = f"adm{level}_pcode", f"adm{level}_name"
    if code not in frame:
        return pd.DataFrame(columns=["pcode", "name", "incidents", "claimants",
                                     *FIGURE_COLUMNS])
    frame = frame[frame[code].astype(str) != ""]
    table = figure_table(frame, [code, name]).rename(columns={code: "pcode", name: "name"})
    if len(frame):
        counts = frame.groupby(frame[code].astype(str))["claimant"].nunique()
        table.insert(3, "claimants", table["pcode"].map(counts).astype(int))
        mixed = table["claimants"] > 1
        for column in FIGURE_COLUMNS:
            if not is_count(column):
                table.loc[mixed, column] = pd.NA
    else:
        table.insert(3, "claimants", pd.Series(dtype=int))
    return table.reset_index(drop=True)


def time_series(
    incidents: pd.DataFrame, freq: str = "month", by: str = "event_type"
) -> pd.DataFrame:
    """Events and deaths per period and category, for a stacked chart over time.

    Parameters
    ----------
    incidents : pandas.DataFrame
    freq : str
        ``day``, ``week``, ``month`` or ``year`` (:data:`FREQUENCIES`).
    by : str
        Category column (``event_type``, ``violence_label``, ``source_event_type`` ...).

    Returns
    -------
    pandas.DataFrame
        ``period`` (its first day), ``by`` (the category), ``claimant``, ``incidents``
        and :data:`FIGURE_COLUMNS`, one row per period, category and claimant: events
        may be stacked across claimants, deaths only within one. An incident counts
        in the period its dates start in; undated incidents are left out.
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    frame = _claimant(incidents)
    frame = frame[frame["date_start"].notna()]
    if by not in frame:
        raise ValueError(f"no column {by!r} to split by")
    columns = ["period", by, "claimant", "incidents", *FIGURE_COLUMNS]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    frame = frame.assign(period=pd.to_datetime(frame["date_start"]).dt.to_period(
        FREQUENCIES[freq]).dt.start_time.dt.date.astype(str))
    table = figure_table(frame, ["period", by, "claimant"])
    table["period"] = pd.to_datetime(table["period"]).dt.date
    return table[columns].sort_values(["period", by, "claimant"]).reset_index(drop=True)


def compare_periods(
    incidents: pd.DataFrame,
    periods: Sequence[tuple[date, date]],
    by: Sequence[str] = ("claimant",),
) -> pd.DataFrame:
    """Totals of two (or more) periods side by side.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents filtered by everything but the dates.
    periods : sequence of (date, date)
        Inclusive ranges; an incident counts in the period its start day falls in, as
        :func:`time_series` counts it (never in two periods; undated ones in none).
    by : sequence of str
        Columns to split each period by (keep ``claimant`` among them for deaths).

    Returns
    -------
    pandas.DataFrame
        ``period`` ("YYYY-MM-DD to YYYY-MM-DD"), the ``by`` columns, ``incidents``
        and :data:`FIGURE_COLUMNS`.
    """
    frame = _claimant(incidents)
    tables = []
    for start, end in periods:
        first = pd.to_datetime(frame["date_start"])
        inside = (first >= pd.Timestamp(start)) & (first <= pd.Timestamp(end))
        table = figure_table(frame[inside], list(by))
        table.insert(0, "period", f"{start.isoformat()} to {end.isoformat()}")
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["period", *by, "incidents", *FIGURE_COLUMNS])
    return pd.concat(tables, ignore_index=True)


def window_days(window: tuple[date, date] | None) -> int | None:
    """Days in a selected date window (both ends counted), or None without a window."""
    return None if window is None else (window[1] - window[0]).days + 1


def coarse_note(whole: Totals, coarse: Totals, by_date: int, by_place: int,
                window: tuple[date, date] | None) -> str:
    """What share of a view's totals comes from incidents that are vaguer than the view.

    Such incidents are dated over a longer span than the selected window (a year, a month
    or a range: a country's annual total counts whole in any window it overlaps) or placed
    only at region or country level.

    Parameters
    ----------
    whole : Totals
        Totals of every incident in view.
    coarse : Totals
        Totals of the vague ones among them.
    by_date, by_place : int
        How many are vague by their dates, by their place (an incident may be both).
    window : tuple of date or None
        The selected dates.

    Returns
    -------
    str
        Markdown-free text; empty when no incident is vague.
    """
    if not coarse.incidents:
        return ""
    parts = []
    if by_date:
        parts.append(f"{by_date:,} dated over a longer span than the "
                     f"{window_days(window):,} days selected (a year, a month or a range)")
    if by_place:
        parts.append(f"{by_place:,} placed only at region or country level")
    share = coarse.incidents / whole.incidents if whole.incidents else 0.0
    both = by_date + by_place - coarse.incidents
    if both > 0 and len(parts) == 2 and by_place >= by_date:
        parts.reverse()  # the larger first, those vague both ways said among it
    text = (f"{coarse.incidents:,} of the {whole.incidents:,} incidents ({share:.0%}) are "
            f"vaguer than this view: {'; '.join(parts)}.")
    if both > 0 and len(parts) == 2:  # trial 26: "6 …; 345 …" read as 351 of 345
        text += (f" {both:,} {'is' if both == 1 else 'are'} both (counted once in the "
                 f"{coarse.incidents:,}).")
    rows = coarse.by_claimant.set_index("claimant")
    for claimant, row in whole.by_claimant.set_index("claimant").iterrows():
        if claimant not in rows.index or pd.isna(row["killed_max"]):
            continue
        part = rows.loc[claimant]
        lo, hi = part["killed_min"], part["killed_max"]
        if pd.isna(hi):
            continue
        lo_all, hi_all = int(row["killed_min"]), int(row["killed_max"])
        shares = [f"{int(a) / b:.0%}" if b else "0%" for a, b in ((lo, lo_all), (hi, hi_all))]
        share_text = (shares[0] if shares[0] == shares[1]  # a range of shares could read inverted
                      else f"{shares[0]} of the low figure, {shares[1]} of the high")
        part_text = range_text(int(lo), int(hi), int(part.get("killed_open", 0)))
        all_text = range_text(lo_all, hi_all, int(row.get("killed_open", 0)))
        text += (f" Killed according to {claimant}: {part_text} of {all_text} ({share_text}) "
                 "come from them.")
    return text


OPEN_WORDING = ("'at least N' and 'L–H or more': some incidents give only a lowest figure "
                "(\"at least 16 killed\"; ACLED's fatalities are its conservative estimate), "
                "so the total has no known upper bound.")
"""The caption that explains, once per page part, the wording of :func:`range_text`."""


def range_text(lo: int, hi: int, open_top: int = 0) -> str:
    """A total casualty range as words: '16', '12–20', 'at least 16', '12–20 or more'.

    Parameters
    ----------
    lo, hi : int
        The sums of the lows and of the highs.
    open_top : int
        Incidents of the total that give a low figure and no high one: the high sum is
        then a floor ("at least", "or more"), never an exact top.

    Returns
    -------
    str
    """
    if not open_top:
        return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"
    return f"at least {lo:,}" if lo == hi else f"{lo:,}–{hi:,} or more"


def mark_mixed(table: pd.DataFrame, key: str, claimants: pd.Series, at: int) -> pd.DataFrame:
    """Insert how many claimants each ``key`` holds, as column ``claimants`` at ``at``.

    Where a row holds figures from several claimants its figures become NA: figures of
    different claimants are never added together (the ``*_unknown``/``*_open`` counts stay).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per ``key`` with :data:`FIGURE_COLUMNS`.
    key : str
        The column naming the row (claim status, area P-code).
    claimants : pandas.Series
        Number of claimants per value of ``key``.
    at : int
        Position of the inserted column.

    Returns
    -------
    pandas.DataFrame
        A copy.
    """
    table = table.copy()
    table.insert(at, "claimants", table[key].map(claimants).fillna(0).astype(int))
    mixed = (table["claimants"] > 1).to_numpy()
    for column in FIGURE_COLUMNS:
        if not is_count(column):
            table.loc[mixed, column] = pd.NA
    return table
