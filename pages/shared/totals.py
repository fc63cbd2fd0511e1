"""Totals and charts of the view: counts and casualty ranges by claimant and claim status,
events and deaths over time by type, a choropleth per admin area, and two periods side
by side.

The numbers come from :mod:`geo.view.totals_index` over the mask of the incidents in
view (figures of different claimants are never added together; nothing copies the
rows), cached per dataset and view by :class:`pages.shared.map_data.ViewTotals`; the
charts from :mod:`geo.render.totals_charts`. This module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from geo.geocoding.areas import AdminAreas
from geo.render.totals_charts import (
    CATEGORY_LABELS,
    area_chart,
    auto_frequency,
    best_text,
    deaths_chart,
    events_chart,
    figure_text,
    period_chart,
)
from geo.view.timeline import previous_period
from geo.view.totals import FIGURES, FREQUENCIES, OPEN_FIGURES, OPEN_WORDING, Totals, coarse_note
from pages.shared import place_tab
from pages.shared.analyst_state import COMPARE, COMPARE_ON, LEAVE_OUT_VAGUE
from pages.shared.map_data import ViewTotals
from pages.shared.view_state import choice, chosen, hold

TABS = ("Totals", "Over time", "By area", "Compare periods")
"""The tabs of totals and charts under the map."""
TAB_KEY = "totals_tab"
COARSE_KEY = LEAVE_OUT_VAGUE
"""Session key of "Leave them out of these totals" (incidents vaguer than the view; kept
in the link as ``vague=0``)."""

_KEPT_PERIOD = "_compare_period_kept"
#: Counts in the figure tables with thousands separators ("1322" read as a year, trial 21).
COUNT_COLUMNS = {"incidents": st.column_config.NumberColumn("incidents", format="localized")}
"""The other period as last picked, put back when the toggle is turned on again (the
period box is not drawn while it is off, and Streamlit then forgets its value)."""

_LEVELS = {1: "governorates", 2: "districts"}
_FIGURE_LABELS = {"killed": "Killed", "injured": "Injured", "casualties": "Dead and injured",
                  "civilian_deaths": "Civilian deaths"}


def open_tab(tabs: Sequence[Any]) -> str:
    """The tab on screen (a link with a comparison period opens on "Compare periods").

    Call right after ``st.tabs(TABS, key=TAB_KEY, on_change="rerun")``.
    """
    for label, tab in zip(TABS, tabs, strict=True):
        if tab.open:
            return label
    return TABS[0]


def _figure_rows(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """A figure table with each figure as one 'min–max' text column."""
    out = table[[key, "incidents"]].copy() if key in table else table[["incidents"]].copy()
    if "killed_best" in table and table["killed_best"].notna().any():
        out["Killed, best estimate"] = [
            best_text(b, u, n, lo, hi, o) or "n/k" for b, u, n, lo, hi, o in zip(
                table["killed_best"], table["killed_best_unknown"], table["incidents"],
                table["killed_min"], table["killed_max"], _opens(table, "killed"),
                strict=True)]
    for name, _, _ in FIGURES:
        if name == "killed_best":
            continue
        if name == "civilian_deaths":
            if "civilian_deaths" in table:
                out[_FIGURE_LABELS[name]] = [
                    figure_text(v, v, u) for v, u in
                    zip(table["civilian_deaths"], table["civilian_deaths_unknown"], strict=True)]
            continue
        out[_FIGURE_LABELS[name]] = [
            figure_text(lo, hi, u, o) for lo, hi, u, o in zip(
                table[f"{name}_min"], table[f"{name}_max"], table[f"{name}_unknown"],
                _opens(table, name), strict=True)]
    return out


def _opens(table: pd.DataFrame, name: str) -> pd.Series:
    """Per row, the incidents giving a low ``name`` figure and no high one (0 if absent)."""
    column = f"{name}_open"
    return table[column] if column in table else pd.Series(0, index=table.index)


def open_caption(*tables: pd.DataFrame) -> None:
    """Explain 'at least N' / 'or more' once, under tables where some range is open."""
    if any(int(pd.to_numeric(t[f"{name}_open"], errors="coerce").fillna(0).sum())
           for t in tables for name in OPEN_FIGURES if f"{name}_open" in t):
        st.caption(OPEN_WORDING)


def _coarse_box(shown: ViewTotals, window: tuple[date, date] | None) -> bool:
    """Say how much of the totals comes from incidents vaguer than the view, and offer to
    leave them out; whether they are left out."""
    by_date, by_place = shown.coarse_counts(window)
    if not by_date and not by_place:
        return False
    note = coarse_note(shown.totals(), shown.totals("coarse", window), by_date, by_place,
                       window)
    with st.container(border=True):
        st.caption(note + " Their figures are counted whole in any view they overlap.")
        hold(COARSE_KEY)
        leave_out = st.checkbox(
            "Leave them out of these totals", key=COARSE_KEY,
            help="Counts only incidents dated within the selected days at most and placed "
                 "at a site, town or district. The map and the list still show them; the "
                 "sidebar's 'Location precision' filter takes region- or country-level "
                 "incidents off the map too.")
    if leave_out:
        st.caption(f"Left out of the totals below: {shown.totals('coarse', window).incidents:,} "
                   "vague incidents.")
    return leave_out


def totals_panel(shown: ViewTotals, window: tuple[date, date] | None = None) -> None:
    """Incidents and deaths of the view, as ranges, by claimant and by claim status.

    ``window``: the selected dates. Incidents vaguer than the view (dated over more days
    than ``window``, or placed only at region or country level) are counted and their
    share of the figures stated; the analyst may leave them out.
    """
    leave_out = _coarse_box(shown, window)
    result = shown.totals("fine" if leave_out else "all", window)
    claimants = result.claimants
    cols = st.columns(3)
    cols[0].metric("Incidents", f"{result.incidents:,}")
    if len(claimants) == 1:
        killed = figure_text(result.figure("killed_min"), result.figure("killed_max"),
                             result.figure("killed_unknown"), result.figure("killed_open"))
        best = best_text(result.figure("killed_best"), result.figure("killed_best_unknown"),
                         result.incidents, result.figure("killed_min"),
                         result.figure("killed_max"), result.figure("killed_open"))
        if best and not result.figure("killed_best_unknown"):
            # every incident gives one: the best estimate first, the range beside it
            cols[1].metric(f"Killed, best estimate, according to {claimants[0]}",
                           f"{result.figure('killed_best'):,}")
            cols[1].caption(best[0].upper() + best[1:] + ".")
        else:
            cols[1].metric(f"Killed, according to {claimants[0]}", killed)
            if best:
                cols[1].caption(best[0].upper() + best[1:] + ".")
        civilians = result.figure("civilian_deaths")
        if civilians is not None:
            cols[2].metric("Civilian deaths", f"{civilians:,}")
    elif claimants:
        cols[1].metric("Claimants", str(len(claimants)))
        cols[2].caption("Several claimants report on these incidents: their figures are "
                        "given side by side, never added together.")
    if not result.incidents:
        return
    if window is not None:
        before, _ = shown.straddling(window, "fine" if leave_out else "all")
        if before:
            st.caption(started_before_note(before, window[0]))
    st.markdown("**By claimant**")
    st.dataframe(_figure_rows(result.by_claimant, "claimant"), hide_index=True,
                 width="stretch", column_config=COUNT_COLUMNS)
    st.markdown("**By claim status**")
    by_status = _figure_rows(result.by_claim_status, "claim_status")
    if "claimants" in result.by_claim_status:
        by_status.insert(2, "claimants", result.by_claim_status["claimants"].to_numpy())
    st.dataframe(by_status, hide_index=True, width="stretch", column_config=COUNT_COLUMNS)
    st.caption("Ranges run from the lowest to the highest figure the sources give; "
               "'n/k' counts incidents that give no figure. A claim status that mixes "
               "claimants shows no death figure (see the claimants above).")
    open_caption(result.by_claimant)
    if result.inverted:
        st.caption(flagged_caption(result.inverted))


def flagged_caption(count: int) -> str:
    """The note on totals that include records whose high figure is below their low."""
    rows = "1 flagged record" if count == 1 else f"{count:,} flagged records"
    verb = "gives" if count == 1 else "give"
    return (f"Includes {rows} that {verb} a high figure below the low one (data-quality "
            "flag): each is counted from its smaller figure to its larger.")


def time_panel(shown: ViewTotals, span: tuple[date, date] | None) -> None:
    """Stacked charts of events and deaths over time, by a category of the data."""
    present, dated = shown.categories(list(CATEGORY_LABELS))
    if not dated:
        st.caption("No incident in view has a known date.")
        return
    part = "fine" if _coarse_box(shown, span) else "all"
    categories = present or ["event_type"]
    cols = st.columns([2, 2, 3], vertical_alignment="bottom")
    # the selectors keep their values over visits to other tabs (the session's)
    by = cols[0].selectbox("Split by", categories, format_func=CATEGORY_LABELS.get,
                           key="chart-by", **choice("chart-by", categories))
    chosen("chart-by")
    default = auto_frequency(span)
    freqs = ["day", "week", "month", "year"]
    freq = cols[1].selectbox("Per", freqs, key="chart-freq",
                             **choice("chart-freq", freqs, freqs.index(default)))
    chosen("chart-freq")
    series, before = within_dates(shown.time_series(freq, by, part, span), by, freq, span)
    st.altair_chart(events_chart(series, by, freq), width="stretch")
    if before and span is not None:
        one = before == 1
        st.caption(f"Not drawn: {before:,} incident{'' if one else 's'} in view that "
                   f"began before {span[0]:%Y-%m-%d} ({'its' if one else 'their'} dates "
                   "overlap the selected ones; an incident counts in the period it starts "
                   "in). The Totals tab counts "
                   f"{'it' if one else 'them'}.")
    running = _running_past(shown, series, freq, part, span)
    if running:
        st.caption(running)
    claimants = series.groupby("claimant")["incidents"].sum().sort_values(ascending=False)
    if claimants.empty:
        return
    claimant = cols[2].selectbox("Deaths according to", list(claimants.index),
                                 key="chart-claimant",
                                 help="Deaths are stacked within one claimant's figures only.",
                                 **choice("chart-claimant", list(claimants.index)))
    chosen("chart-claimant")
    mine = series[series["claimant"] == claimant]
    st.altair_chart(deaths_chart(mine, by, freq, claimant), width="stretch")
    open_caption(mine)


#: Most periods of a chart whose incidents running past their end are counted (each
#: period is one count, one query of the store).
RUNNING_PAST_MAX_PERIODS = 60


def _period_end(start: date, freq: str) -> date:
    """The last day of the chart's period starting on ``start``."""
    if freq == "day":
        return start
    if freq == "week":
        return start + timedelta(days=6)
    stamp = pd.Timestamp(start)
    end = stamp + (pd.offsets.MonthEnd(0) if freq == "month" else pd.offsets.YearEnd(0))
    return end.date()


def _running_past(shown: ViewTotals, series: pd.DataFrame, freq: str, part: str = "all",
                  span: tuple[date, date] | None = None) -> str:
    """The caption under *Over time* when incidents run past the end of the period they
    start in (trial 26: November's bar held one running 15 Nov-12 Dec, best 459, without
    a word), as *Compare periods* says it.

    Only the incidents the bars count: in view (their dates overlap ``span``; in store
    mode the last period's query once also counted those starting after it, trial 27)
    and in ``part``."""
    if series.empty:
        return ""
    starts = sorted({pd.Timestamp(p).date() for p in series["period"]})
    if len(starts) > RUNNING_PAST_MAX_PERIODS:
        return (f"Each incident counts in the {freq} it starts in, also when its dates run "
                f"on past that {freq}'s end.")
    past = sum(shown.straddling((first, _period_end(first, freq)), part, span)[1]
               for first in starts)
    if not past:
        return ""
    one = past == 1
    return (f"{past:,} incident{'' if one else 's'} in view start{'s' if one else ''} in "
            f"one {freq} and run{'s' if one else ''} past its end: counted in the {freq} "
            f"{'it starts' if one else 'they start'} in only, whole (as on *Compare "
            "periods*).")


def within_dates(series: pd.DataFrame, by: str, freq: str,
                 window: tuple[date, date] | None) -> tuple[pd.DataFrame, int]:
    """A time series without the periods before the selected dates.

    An incident counts in the period its dates start in; one that starts before the
    selected dates but overlaps them (a range over years, e.g. a sample incident from
    2014 to 2018 beside 2016 data) drew a bar back at its start, before the dates
    chosen. Moved into the first period shown, a year-long toll would read as that
    period's; it is left out of the chart instead, and said so (the Totals tab counts
    it whole, with the incidents vaguer than the view).

    Parameters
    ----------
    series : pandas.DataFrame
        Output of :meth:`ViewTotals.time_series` (``period`` a date, per category and
        claimant).
    by, freq : str
        The category column and the period (``day`` ... ``year``).
    window : tuple of date or None
        The selected dates.

    Returns
    -------
    tuple
        The series, and how many incidents were left out.
    """
    if window is None or series.empty:
        return series, 0
    first = pd.Timestamp(window[0]).to_period(FREQUENCIES[freq]).start_time.date()
    early = (pd.to_datetime(series["period"]).dt.date < first).to_numpy()
    if not early.any():
        return series, 0
    return series[~early].reset_index(drop=True), int(series.loc[early, "incidents"].sum())


def area_panel(shown: ViewTotals, areas: AdminAreas | None,
               window: tuple[date, date] | None = None) -> None:
    """Incidents or deaths per governorate or district, as a choropleth and a table.

    ``window``: the selected dates (incidents vaguer than them, or than a place, may be
    left out, as on the Totals tab).
    """
    if not areas:
        st.caption("No admin boundaries are configured (INCIDENT_MAP_ADMIN).")
        return
    part = "fine" if _coarse_box(shown, window) else "all"
    cols = st.columns(3, vertical_alignment="bottom")
    levels = [lvl for lvl in (1, 2) if lvl in areas.levels] + [place_tab.PLACES]
    level = cols[0].selectbox("Areas", levels, key="area-level",
                              format_func=lambda lvl: _LEVELS.get(lvl, "places"),
                              **choice("area-level", levels))
    chosen("area-level")
    if level == place_tab.PLACES:  # the places ranked (trial of issue 14)
        place_tab.place_panel(shown, areas, part, window, cols)  # type: ignore[arg-type]
        return
    claimant_list = shown.present("claimant")
    claimant = None
    if claimant_list:
        claimant = cols[2].selectbox(
            "Deaths according to", claimant_list, key="area-claimant",
            help="Death figures of one claimant; the counts of incidents cover all.",
            **choice("area-claimant", claimant_list),
        ) if len(claimant_list) > 1 else claimant_list[0]
        chosen("area-claimant")
    measures = ["incidents", "killed_best", "killed_min", "killed_max", "civilian_deaths"]
    measure = cols[1].selectbox("Colour by", measures, key="area-measure",
                                format_func=lambda m: {"incidents": "incidents",
                                                       "killed_best": "killed (best estimate)",
                                                       "killed_min": "killed (low)",
                                                       "killed_max": "killed (high)",
                                                       "civilian_deaths": "civilian deaths"}[m],
                                **choice("area-measure", measures))
    chosen("area-measure")
    counts = shown.areas(level, None, part, window)
    deaths = shown.areas(level, claimant, part, window) if claimant else counts
    stats = counts[["pcode", "name", "incidents"]].merge(
        deaths.drop(columns=["name", "incidents", "claimants"], errors="ignore"),
        on="pcode", how="left")
    st.altair_chart(area_chart(areas.levels[level], stats, measure), width="stretch")
    counted = shown.count if part == "all" else shown.totals(part, window).incidents
    outside = counted - int(counts["incidents"].sum())
    if outside:
        st.caption(f"{outside:,} incident{'s' if outside != 1 else ''} in view "
                   f"{'lie' if outside != 1 else 'lies'} in no area of this level (located "
                   "only to a country, or outside the boundaries).")
    st.dataframe(_figure_rows(stats.rename(columns={"name": "area"}), "area"),
                 hide_index=True, width="stretch", column_config=COUNT_COLUMNS)
    open_caption(stats)
    st.caption("Each incident counts in the area its point falls in, on these boundaries; a "
               "source's own area names (UCDP's adm_1 and adm_2, ACLED's admin1 and admin2) "
               "may put some incidents in a neighbouring area, so its own counts can differ.")


def _period_totals(table: pd.DataFrame, label: str) -> Totals:
    """The totals :func:`geo.view.totals.coarse_note` reads, from one period's rows of a
    comparison by claimant."""
    part = table[table["period"] == label].drop(columns="period").reset_index(drop=True)
    return Totals(int(part["incidents"].sum()), part, pd.DataFrame(), pd.DataFrame())


def _period_boxes(others: ViewTotals, periods: tuple[tuple[date, date], ...]) -> bool:
    """Say, per period, how much comes from incidents vaguer than it (dated over more of
    its days, or placed at region or country level), and offer to leave them out."""
    notes = []
    whole = others.compare(periods, ("claimant",))
    coarse = others.compare(periods, ("claimant",), "coarse")
    for first, last in periods:
        by_date, by_place = others.period_coarse_counts((first, last))
        label = f"{first.isoformat()} to {last.isoformat()}"
        note = coarse_note(_period_totals(whole, label), _period_totals(coarse, label),
                           by_date, by_place, (first, last))
        if note:  # the note's words are the view's: here the window is the period
            note = note.replace("vaguer than this view", "vaguer than this period").replace(
                "days selected", "days of the period")
            notes.append(f"{label}: {note}")
    if not notes:
        return False
    with st.container(border=True):
        for note in notes:
            st.caption(note)
        hold(COARSE_KEY)
        return bool(st.checkbox(
            "Leave them out of these totals", key=COARSE_KEY,
            help="Counts only incidents dated within each period's days at most and placed "
                 "at a site, town or district."))


def _default_period(first: date, last: date, span: tuple[date, date]) -> tuple[date, date]:
    """The period before the selected one, clipped to the span: the calendar month,
    quarter or year before one selected whole (April for May, not 31 March-30 April,
    trial of issue 14), else the same number of days just before ``first``."""
    start, end = previous_period(first, last)
    return max(span[0], start), max(span[0], end)


def _clipped_note(other: object, selected: tuple[date, date], span: tuple[date, date]) -> None:
    """Say so when the proposed period is shorter than the selection, cut at the data's
    start (trial 21: 1 Jan-29 Feb, 60 days against 92, without a word)."""
    proposal = _default_period(*selected, span)
    if not isinstance(other, list | tuple) or tuple(other) != proposal:
        return
    days, wanted = (proposal[1] - proposal[0]).days + 1, (selected[1] - selected[0]).days + 1
    if previous_period(*selected)[0] < span[0] and days < wanted:
        st.caption(f"The proposed period is clipped at the data's first date "
                   f"({span[0].isoformat()}): {days:,} days against the {wanted:,} selected.")


def started_before_note(before: int, first: date) -> str:
    """The caption under the totals of the selected dates when some of their incidents
    started earlier: the totals count every incident the dates overlap (as the map and the
    table show them), *Compare periods* and *Over time* count each in the period it starts
    in, so adding up months there counts it once (trial 24)."""
    return (f"{before:,} of these incidents started before "
            f"{first.isoformat()} and run{'s' if before == 1 else ''} into these dates: "
            "counted here, as the map shows them, and on *Compare periods* and *Over time* "
            "in the period they start in.")


def straddle_note(before: int, after: int) -> str:
    """The caption under a compared period: its incidents are counted by their start day,
    as on *Over time*, so one whose dates cross an edge counts in one period only."""
    if not before and not after:
        return "Each incident counts in the period it starts in (as on *Over time*)."
    parts = []
    if before:
        one = before == 1
        starts = "it starts" if one else "they start"
        parts.append(f"{before:,} incident{'' if one else 's'} starting before it and "
                     f"running into it (counted in the period {starts} in)")
    if after:
        parts.append(f"{after:,} starting in it and running past its end (counted here "
                     "only)")
    return ("Each incident counts in the period it starts in (as on *Over time*), never "
            f"in two: {' and '.join(parts)}. Set these dates on the timeline to see them "
            "on the map and in the table.")


def compare_panel(
    others: ViewTotals, selected: tuple[date, date] | None, span: tuple[date, date] | None,
) -> None:
    """Two periods side by side: the selected dates and another one the analyst picks.

    Parameters
    ----------
    others : ViewTotals
        The incidents every filter but the dates lets through.
    selected : tuple of date or None
        The dates selected on the timeline.
    span : tuple of date or None
        The data's dates.
    """
    if selected is None or span is None:
        st.caption("The data has no dated incidents to compare.")
        return
    ss = st.session_state
    if not isinstance(ss.get(COMPARE), list | tuple) or len(ss[COMPARE]) != 2:
        # the period picked before the toggle was last turned off, else a proposal
        kept = ss.get(_KEPT_PERIOD)
        ss[COMPARE] = kept if kept is not None else _default_period(*selected, span)
    cols = st.columns([1, 2], vertical_alignment="bottom")
    hold(COMPARE_ON)  # drawn only on this tab: its value is the page's, not the browser's
    hold(COMPARE)
    cols[0].toggle("Compare with another period", key=COMPARE_ON)
    if not ss.get(COMPARE_ON):
        # No period box until the toggle is on: a greyed, filled-in period read as one
        # already set (trial of issue 14).
        st.caption("Turn on *Compare with another period* to pick a second period and see "
                   "it beside the selected dates (it starts as the month, quarter or year "
                   "before them, or as many days just before them).")
        return
    cols[1].date_input("Other period", key=COMPARE, min_value=span[0], max_value=span[1],
                       format="YYYY-MM-DD")
    other = ss.get(COMPARE)
    _clipped_note(other, selected, span)
    if isinstance(other, list | tuple) and len(other) == 2:
        ss[_KEPT_PERIOD] = tuple(other)
    if not isinstance(other, list | tuple) or len(other) != 2:
        st.caption("Pick a second period to see it beside the selected dates.")
        return
    periods = (selected, (min(other), max(other)))
    which = "fine" if _period_boxes(others, periods) else "all"
    table = others.compare(periods, ("claimant",), which)
    columns = st.columns(2)
    for column, (first, last) in zip(columns, periods, strict=True):
        label = f"{first.isoformat()} to {last.isoformat()}"
        part = table[table["period"] == label]
        with column:
            st.markdown(f"**{label}**")
            st.metric("Incidents", f"{int(part['incidents'].sum()):,}")
            st.caption(straddle_note(*others.straddling((first, last), which)))
    # One table across the page: two half-width tables clipped the killed column and
    # their scroll bar ran over the chart's title (trial 22).
    rows = _figure_rows(table, "claimant")
    rows.insert(0, "period", table["period"].to_numpy())
    st.dataframe(rows, hide_index=True, width="stretch", column_config=COUNT_COLUMNS)
    open_caption(table)
    by_type = others.compare(periods, ("event_type",), which)
    st.altair_chart(period_chart(by_type, "event_type"), width="stretch")
