"""The totals and charts tabs of the map page in store-driven mode.

The four tabs of frame mode (Totals, Over time, By area, Compare periods), laid out by
:mod:`pages.shared.totals` with the same code; each question the panels ask is one
grouped query of the store (:mod:`geo.view.store_totals`, :mod:`geo.view.store_series`),
cached per store location, revision and filters for every session. Only the tab on
screen is asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Protocol

import pandas as pd
import streamlit as st

from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.view.place_rank import PlaceRanking
from geo.view.state import ViewDomain, ViewState
from geo.view.store_series import (
    store_categories,
    store_compare,
    store_period_coarse_counts,
    store_straddling,
    store_time_series,
)
from geo.view.store_view import spec_key
from geo.view.totals import Totals
from pages.shared import place_tab, totals

_ENTRIES = 64
"""Answers kept per kind of question (views of every session together)."""


class StoreView(Protocol):
    """What the tabs need of a store-mode view (``pages.shared.map_store._View``)."""

    query: PostGISQuery
    location: str
    revision: int
    key: str
    spec: QueryFilter
    rows: PostGISQuery  # what answers the view's questions (a copy of a search's matches)
    rows_spec: QueryFilter

    def totals(self, part: str = "all") -> Totals: ...

    def coarse_counts(self) -> tuple[int, int]: ...

    def areas(self, level: int, claimant: str | None = None, part: str = "all"
              ) -> pd.DataFrame: ...


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _series(location: str, revision: int, key: str, freq: str, by: str, part: str,
            _query: PostGISQuery, _spec: QueryFilter) -> pd.DataFrame:
    return store_time_series(_query, _spec, freq, by, part)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _compare(location: str, revision: int, key: str,
             periods: tuple[tuple[date, date], ...], by: tuple[str, ...], part: str,
             _query: PostGISQuery, _spec: QueryFilter) -> pd.DataFrame:
    return store_compare(_query, _spec, periods, by, part)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _straddling(location: str, revision: int, key: str, period: tuple[date, date],
                part: str, within: tuple[date, date] | None, _query: PostGISQuery,
                _spec: QueryFilter) -> tuple[int, int]:
    return store_straddling(_query, _spec, period, part, within)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _period_coarse(location: str, revision: int, key: str, period: tuple[date, date],
                   _query: PostGISQuery, _spec: QueryFilter) -> tuple[int, int]:
    return store_period_coarse_counts(_query, _spec, period)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _categories(location: str, revision: int, key: str, names: tuple[str, ...],
                _query: PostGISQuery, _spec: QueryFilter) -> tuple[list[str], bool]:
    return store_categories(_query, _spec, names)


class StoreShown:
    """The incidents of a store-mode view as the totals panels ask about them
    (:class:`pages.shared.map_data.ViewTotals`' questions), each answer one grouped
    query, cached.

    Parameters
    ----------
    view : StoreView
    count : int
        Incidents in view.
    """

    def __init__(self, view: StoreView, count: int) -> None:
        self.view, self.count = view, count
        # The comparison replaces the view's dates: it is keyed without them.
        self._undated_key = spec_key(replace(view.spec, date_from=None, date_to=None))

    def totals(self, part: str = "all", window: tuple[date, date] | None = None) -> Totals:
        """Totals of the view (``window`` is the view's dates, which its filter holds)."""
        return self.view.totals(part)

    def coarse_counts(self, window: tuple[date, date] | None) -> tuple[int, int]:
        """How many incidents in view are vaguer than its dates, than a place."""
        return self.view.coarse_counts()

    def areas(self, level: int, claimant: str | None = None, part: str = "all",
              window: tuple[date, date] | None = None) -> pd.DataFrame:
        """Figures per admin area (see :func:`geo.view.store_totals.store_area_stats`)."""
        return self.view.areas(level, claimant, part)

    def places(self, by: str, claimant: str | None, part: str,
               window: tuple[date, date] | None, limit: int, offset: int) -> PlaceRanking:
        """One page of the view's places, ranked (one grouped query, cached)."""
        v = self.view
        return place_tab.store_places(v.location, v.revision, v.key, v.rows, v.rows_spec,
                                      by, claimant, part, limit, offset)

    def present(self, column: str) -> list[str]:
        """The claimants of the view (the only column the area panel lists)."""
        return sorted(self.view.totals().claimants) if column == "claimant" else []

    def categories(self, names: list[str]) -> tuple[list[str], bool]:
        """Which categories the view's incidents fill, and whether any is dated."""
        v = self.view
        return _categories(v.location, v.revision, v.key, tuple(names), v.rows, v.rows_spec)

    def time_series(self, freq: str, by: str, part: str = "all",
                    window: tuple[date, date] | None = None) -> pd.DataFrame:
        """See :func:`geo.view.store_series.store_time_series` (the window is the view's
        dates, which its filter holds)."""
        v = self.view
        return _series(v.location, v.revision, v.key, freq, by, part, v.rows, v.rows_spec)

    def compare(self, periods: tuple[tuple[date, date], ...], by: tuple[str, ...],
                part: str = "all") -> pd.DataFrame:
        """See :func:`geo.view.store_series.store_compare`."""
        v = self.view
        return _compare(v.location, v.revision, self._undated_key, tuple(periods), tuple(by),
                        part, v.rows, v.rows_spec)

    def straddling(self, period: tuple[date, date], part: str = "all",
                   within: tuple[date, date] | None = None) -> tuple[int, int]:
        """See :func:`geo.view.store_series.store_straddling`."""
        v = self.view
        return _straddling(v.location, v.revision, self._undated_key, period, part, within,
                           v.rows, v.rows_spec)

    def period_coarse_counts(self, period: tuple[date, date]) -> tuple[int, int]:
        """How many incidents starting in ``period`` are vaguer than it by their dates,
        by their place."""
        v = self.view
        return _period_coarse(v.location, v.revision, self._undated_key, period, v.rows,
                              v.rows_spec)


def totals_tabs(view: StoreView, count: int, state: ViewState, domain: ViewDomain) -> None:
    """The totals and charts tabs of a store-mode view (only the open one is asked)."""
    if state.compare is not None and totals.TAB_KEY not in st.session_state:
        st.session_state[totals.TAB_KEY] = totals.TABS[3]  # a link with a comparison
    tabs = st.tabs(list(totals.TABS), key=totals.TAB_KEY, on_change="rerun")
    opened = totals.open_tab(tabs)
    shown = StoreShown(view, count)
    spec = view.spec
    dates = (spec.date_from, spec.date_to) \
        if spec.date_from is not None and spec.date_to is not None else None
    index = totals.TABS.index(opened)
    with tabs[index]:
        if opened == "Totals":
            totals.totals_panel(shown, dates)  # type: ignore[arg-type]
        elif opened == "Over time":
            totals.time_panel(shown, dates)  # type: ignore[arg-type]
        elif opened == "By area":
            totals.area_panel(shown, view.query.areas, dates)  # type: ignore[arg-type]
        else:
            span = (domain.date_min, domain.date_max) if domain.date_min is not None \
                and domain.date_max is not None else None
            totals.compare_panel(shown, dates, span)  # type: ignore[arg-type]
