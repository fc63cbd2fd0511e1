"""Per-dataset arrays the map page computes once and every session shares.

Also what a view costs (the incidents it lets through, the aggregates on screen), cached
per dataset and view key for every session: analysts looking at the same view share one
computation, and a rerun that changed nothing of it recomputes nothing. Every entry is
keyed on the frame's key (:attr:`geo.view.dataset.Dataset.frame_key`: its records in row
order and where each is drawn; the record fingerprint ignores both, and arrays of row
positions must not outlive a reordered or re-placed frame) and the caches are bounded, so
an edit leaves at most ``max_entries`` small arrays of older versions behind, never a
frame: the frame itself is passed unhashed (``_incidents``) and not kept. The parameters
below named ``fingerprint`` take that key.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from geo.render.charts import timeline_spec as timeline_spec_of
from geo.render.clusters import Aggregates, MapColumns, aggregate, map_columns, view_window
from geo.render.table import date_order
from geo.view.dataset import find_position
from geo.view.extent import rows_bounds
from geo.view.filters import (
    FILTER_NAMES,
    FilterContext,
    FilterResult,
    combine_checks,
    filter_checks,
)
from geo.view.place_rank import PlaceRanking
from geo.view.state import ViewState
from geo.view.timeline import TimelineColumns, timeline_columns, timeline_counts
from geo.view.totals import Totals
from geo.view.totals_index import (
    TotalsColumns,
    area_stats_of,
    compare_periods_of,
    straddling_of,
    time_series_of,
    totals_columns,
    totals_of,
)
from pages.shared import place_tab


@st.cache_resource(show_spinner=False, max_entries=2)
def _columns(fingerprint: str, _incidents: pd.DataFrame) -> MapColumns:
    return map_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=2)
def _timeline_columns(fingerprint: str, _incidents: pd.DataFrame) -> TimelineColumns:
    return timeline_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline(
    fingerprint: str, mask_key: str, window: tuple[date, date], _columns: TimelineColumns,
    _mask: np.ndarray,
) -> pd.DataFrame:
    return timeline_counts(_columns, _mask, window)


class _Checks:
    """The answers of a view's filters but its dates, packed 8 to a byte (a million
    incidents: 125 KB per filter that hides something; one that hides nothing is not kept)."""

    def __init__(self, checks: dict[str, np.ndarray], n: int) -> None:
        self.n = n
        self.packed = {name: np.packbits(passed) for name, passed in checks.items()
                       if not passed.all()}

    def unpacked(self) -> dict[str, np.ndarray]:
        return {name: np.unpackbits(bits, count=self.n).view(bool)
                for name, bits in self.packed.items()}


@st.cache_resource(show_spinner=False, max_entries=32)
def _undated_checks(
    fingerprint: str, key: str, _incidents: pd.DataFrame, _state: ViewState,
    _context: FilterContext | None,
) -> _Checks:
    return _Checks(filter_checks(_incidents, _state, _context, skip={"date"}),
                   len(_incidents))


def _checks(
    incidents: pd.DataFrame, fingerprint: str, state: ViewState,
    context: FilterContext | None,
) -> dict[str, np.ndarray]:
    """Each filter's answer (:func:`geo.view.filters.filter_checks`) for this view.

    Every filter but the dates is evaluated once per dataset and filters for every
    session, whatever is then left out of it (the dates for the timeline, the map's
    bounds for the map) or added (the dates, two comparisons).
    """
    key = filter_key(replace(state, date_from=None, date_to=None))
    found = _undated_checks(fingerprint, key, incidents, state, context).unpacked()
    dates = filter_checks(incidents, state, context, skip=set(FILTER_NAMES) - {"date"})
    return {**dates, **found}  # in FILTER_NAMES order: the dates first


@st.cache_resource(show_spinner=False, max_entries=16)
def _undated_mask(
    fingerprint: str, key: str, _incidents: pd.DataFrame, _state: ViewState,
    _context: FilterContext | None,
) -> np.ndarray:
    found = _undated_checks(fingerprint, key, _incidents, _state, _context).unpacked()
    mask = combine_checks(found, len(_incidents)).mask
    mask.setflags(write=False)
    return mask


@st.cache_resource(show_spinner=False, max_entries=2)
def _totals_columns(fingerprint: str, _incidents: pd.DataFrame) -> TotalsColumns:
    return totals_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=64)
def _view_total(
    fingerprint: str, mask_key: str, what: str, args: tuple, _columns: TotalsColumns,
    _mask: np.ndarray,
) -> Totals | pd.DataFrame | tuple[int, int]:
    if what == "totals":
        part, window = args
        if part == "all":
            return totals_of(_columns, _mask)
        by_date, by_place = _columns.coarse(window)
        vague = by_date | by_place
        return totals_of(_columns, _mask & (vague if part == "coarse" else ~vague))
    if what == "coarse":
        by_date, by_place = _columns.coarse(*args)
        return int(np.count_nonzero(_mask & by_date)), int(np.count_nonzero(_mask & by_place))
    if what == "areas":
        level, claimant, part, window = args
        return area_stats_of(_columns, _part_mask(_columns, _mask, part, window), level,
                             claimant)
    if what == "time":
        freq, by, part, window = args
        return time_series_of(_columns, _part_mask(_columns, _mask, part, window), freq, by)
    if what == "period coarse":
        (first, last), = args
        lo, hi = (np.datetime64(d, "D").astype(np.int64) for d in (first, last))
        # counted in the period they start in, as the comparison counts them (trial 27)
        inside = _mask & (_columns.start <= hi) & (_columns.start >= lo) & \
            (_columns.start != np.iinfo(np.int64).min)
        by_date, by_place = _columns.coarse((first, last))
        return int(np.count_nonzero(inside & by_date)), int(np.count_nonzero(inside & by_place))
    if what == "straddling":
        period, part, within = args
        mask = _part_mask(_columns, _mask, part, within or period)
        if within is not None:  # only those whose dates overlap the view's (trial 27)
            lo, hi = (np.datetime64(d, "D").astype(np.int64) for d in within)
            mask = mask & (_columns.start <= hi) & (_columns.end >= lo)
        return tuple(len(p) for p in straddling_of(_columns, mask, period))
    periods, by, part = args
    if part == "all":
        return compare_periods_of(_columns, _mask, periods, by)
    # each period has its own length: vaguer than one may not be vaguer than the other
    return pd.concat([compare_periods_of(_columns, _part_mask(_columns, _mask, part, p), [p], by)
                      for p in periods], ignore_index=True)


def _part_mask(columns: TotalsColumns, mask: np.ndarray, part: str,
               window: tuple[date, date] | None) -> np.ndarray:
    """The incidents of ``mask`` in one part: all, those vaguer than ``window`` or than a
    place (``coarse``), or the others (``fine``)."""
    if part == "all":
        return mask
    by_date, by_place = columns.coarse(window)
    vague = by_date | by_place
    return mask & (vague if part == "coarse" else ~vague)


@st.cache_resource(show_spinner=False, max_entries=2)
def _order(fingerprint: str, _incidents: pd.DataFrame) -> np.ndarray:
    return date_order(_incidents)


def columns(incidents: pd.DataFrame, fingerprint: str) -> MapColumns:
    """The aggregation arrays of the dataset with this fingerprint (built once)."""
    return _columns(fingerprint, incidents)


def order(incidents: pd.DataFrame, fingerprint: str) -> np.ndarray:
    """The table order of the dataset with this fingerprint (sorted once)."""
    return _order(fingerprint, incidents)


@st.cache_resource(show_spinner=False, max_entries=32)
def _located_bounds(fingerprint: str, mask_key: str, _incidents: pd.DataFrame,
                    _located: np.ndarray) -> tuple[float, float, float, float] | None:
    return rows_bounds(_incidents["longitude"].to_numpy(dtype=float),
                       _incidents["latitude"].to_numpy(dtype=float), _located)


def located_bounds(incidents: pd.DataFrame, fingerprint: str, located: np.ndarray
                   ) -> tuple[float, float, float, float] | None:
    """Bounds ``(west, south, east, north)`` of the incidents ``located`` marks
    (:func:`geo.view.extent.rows_bounds`), None when it marks none with a point.

    Cached per dataset and set of incidents for every session: a rerun that changed
    nothing of the view costs a digest of the mask, not a pass over the coordinates.
    """
    return _located_bounds(fingerprint, _digest(located), incidents, located)


def position(incidents: pd.DataFrame, fingerprint: str, incident_id: str | None) -> int | None:
    """Row position of the incident ``incident_id`` (the first, if ids repeat); None if absent."""
    if not incident_id:
        return None
    return find_position(incidents["id"], incident_id)


def _digest(mask: np.ndarray) -> str:
    return hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).hexdigest()


class ViewTotals:
    """Totals and charts' tables of the incidents in one mask, computed over per-dataset
    arrays (never a copy of the rows) and cached per dataset, mask and question for
    every session: an unchanged view recomputes nothing.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The dataset's incident frame.
    fingerprint : str
        The dataset's fingerprint.
    mask : numpy.ndarray of bool
        The incidents to total.
    """

    def __init__(self, incidents: pd.DataFrame, fingerprint: str, mask: np.ndarray) -> None:
        self.columns = _totals_columns(fingerprint, incidents)
        if not self.columns.built_from(incidents):
            # The cached arrays hold their frame weakly (an old frame must not stay alive
            # for them): the same data loaded again is another frame. Build them again.
            _totals_columns.clear(fingerprint, incidents)
            self.columns = _totals_columns(fingerprint, incidents)
        self.mask = mask
        self.count = int(np.count_nonzero(mask))
        self._fingerprint = fingerprint
        self._incidents = incidents  # this run's frame (the object lives for one run)
        self._key = _digest(mask)

    def _get(self, what: str, *args: object) -> Totals | pd.DataFrame | tuple[int, int]:
        return _view_total(self._fingerprint, self._key, what, args, self.columns, self.mask)

    def totals(self, part: str = "all", window: tuple[date, date] | None = None) -> Totals:
        """See :func:`geo.view.totals_index.totals_of`.

        ``part``: ``all`` the incidents, or only those vaguer than the view (``coarse``:
        dated over more days than ``window``, or placed at region or country level, see
        :meth:`geo.view.totals_index.TotalsColumns.coarse`), or only the others (``fine``).
        """
        if part not in ("all", "coarse", "fine"):
            raise ValueError(f"unknown part {part!r}")
        # every incident whatever the window: one cache entry (was computed twice a run)
        out = self._get("totals", part, None if part == "all" else window)
        assert isinstance(out, Totals)
        return out

    def coarse_counts(self, window: tuple[date, date] | None) -> tuple[int, int]:
        """How many incidents are vaguer than ``window`` by their dates, by their place."""
        out = self._get("coarse", window)
        assert isinstance(out, tuple)
        return out

    def areas(self, level: int, claimant: str | None = None, part: str = "all",
              window: tuple[date, date] | None = None) -> pd.DataFrame:
        """See :func:`geo.view.totals_index.area_stats_of` (``part`` as :meth:`totals`)."""
        return pd.DataFrame(self._get("areas", level, claimant, part, window))

    def places(self, by: str, claimant: str | None, part: str,
               window: tuple[date, date] | None, limit: int, offset: int) -> PlaceRanking:
        """One page of the view's places, ranked (:mod:`pages.shared.place_tab`)."""
        mask = _part_mask(self.columns, self.mask, part, window)
        key = self._key if part == "all" else _digest(mask)
        return place_tab.frame_places(self._incidents, self.columns, self._fingerprint, key,
                                      mask, by, claimant, limit, offset)

    def time_series(self, freq: str, by: str, part: str = "all",
                    window: tuple[date, date] | None = None) -> pd.DataFrame:
        """See :func:`geo.view.totals_index.time_series_of` (``part`` as :meth:`totals`)."""
        return pd.DataFrame(self._get("time", freq, by, part, window))

    def compare(self, periods: tuple[tuple[date, date], ...], by: tuple[str, ...],
                part: str = "all") -> pd.DataFrame:
        """See :func:`geo.view.totals_index.compare_periods_of`; ``part`` as
        :meth:`totals`, each period being the window its incidents are vaguer than."""
        return pd.DataFrame(self._get("compare", periods, by, part))

    def straddling(self, period: tuple[date, date], part: str = "all",
                   within: tuple[date, date] | None = None) -> tuple[int, int]:
        """How many incidents start before ``period`` and run into it, start in it and
        run past it (:func:`geo.view.totals_index.straddling_of`).

        ``part`` as :meth:`totals`, vaguer than ``within`` if given, else than
        ``period``; ``within``: only incidents whose dates overlap these (the view's).
        """
        out = self._get("straddling", period, part, within)
        assert isinstance(out, tuple)
        return out[0], out[1]

    def period_coarse_counts(self, period: tuple[date, date]) -> tuple[int, int]:
        """How many incidents starting in ``period`` (those :meth:`compare` counts in it)
        are vaguer than it by their dates, by their place."""
        out = self._get("period coarse", period)
        assert isinstance(out, tuple)
        return out

    def categories(self, names: list[str]) -> tuple[list[str], bool]:
        """Which of the columns ``names`` the incidents fill, and whether any is dated."""
        return [n for n in names if self.present(n)], self.columns.dated(self.mask)

    def present(self, column: str) -> list[str]:
        """The non-empty values of ``column`` among the incidents, sorted."""
        if not self.columns.has(column):
            return []
        coded = self.columns.codes(column)
        seen = np.bincount(coded.codes[self.mask], minlength=len(coded.names)) > 0
        return [str(n) for n, s in zip(coded.names, seen, strict=True) if s and n != ""]


def timeline(
    incidents: pd.DataFrame, fingerprint: str, mask: np.ndarray, window: tuple[date, date]
) -> pd.DataFrame:
    """The timeline counts of the incidents in ``mask`` over ``window``.

    Cached per dataset, set of incidents (a digest of the mask) and window, for
    every session: a rerun whose filters did not change costs a digest.
    """
    return _timeline(fingerprint, _digest(mask), window,
                     _timeline_columns(fingerprint, incidents), mask)


@st.cache_resource(show_spinner=False, max_entries=32)
def _timeline_spec(
    fingerprint: str, mask_key: str, window: tuple[date, date], selected: tuple[date, date],
    _columns: TimelineColumns, _mask: np.ndarray,
) -> dict:
    counts = _timeline(fingerprint, mask_key, window, _columns, _mask)
    return timeline_spec_of(counts, window, selected, brush=True)


def timeline_spec(
    incidents: pd.DataFrame, fingerprint: str, mask: np.ndarray, window: tuple[date, date],
    selected: tuple[date, date],
) -> dict:
    """The Vega-Lite spec of the timeline (with its brush) of the incidents in ``mask``.

    Built and converted once per dataset, set of incidents, window and selected dates for
    every session (Streamlit converts an Altair chart under a lock all sessions share);
    each caller gets its own copy, which Streamlit may change.
    """
    return copy.deepcopy(_timeline_spec(fingerprint, _digest(mask), window, selected,
                                        _timeline_columns(fingerprint, incidents), mask))


def undated_mask(
    incidents: pd.DataFrame, fingerprint: str, state: ViewState,
    context: FilterContext | None = None,
) -> np.ndarray:
    """The incidents every filter but the dates lets through (what the timeline counts).

    Cached per dataset and filters (the view without its dates and selection), for
    every session: a change of dates alone (typed, brushed, playback) filters nothing
    again. The array is read-only.
    """
    key = filter_key(replace(state, date_from=None, date_to=None))
    return _undated_mask(fingerprint, key, incidents, state, context)


def filter_key(state: ViewState) -> str:
    """The part of a view the filters read (not the map position, selection or notes)."""
    return repr(replace(state, center=(0.0, 0.0), zoom=0, selected=None, listed=None,
                        notes=(), compare=None, vague_in_totals=True))


@st.cache_resource(show_spinner=False, max_entries=32)
def _view(
    fingerprint: str, key: str, skip: tuple[str, ...], _incidents: pd.DataFrame,
    _state: ViewState, _context: FilterContext | None,
) -> FilterResult:
    checks = _checks(_incidents, fingerprint, _state, _context)
    result = combine_checks(checks, len(_incidents), skip)
    result.mask.setflags(write=False)
    return result


def view(
    incidents: pd.DataFrame, fingerprint: str, state: ViewState,
    context: FilterContext | None = None, skip: tuple[str, ...] = (),
) -> FilterResult:
    """:func:`geo.view.filters.apply_view`, cached per dataset and filters for every session.

    The result is shared: its mask is read-only and its ``hidden_by`` must not be changed.
    """
    return _view(fingerprint, filter_key(state), tuple(sorted(skip)), incidents, state,
                 context)


@st.cache_resource(show_spinner=False, max_entries=32)
def _aggregates(
    fingerprint: str, key: tuple, zoom: int, window: tuple[float, float, float, float],
    _columns: MapColumns, _mask: np.ndarray,
) -> Aggregates:
    return aggregate(_columns, _mask, zoom, window)


def aggregates(
    incidents: pd.DataFrame, fingerprint: str, state: ViewState, mask_key: tuple,
    mask: np.ndarray,
) -> Aggregates:
    """What the map draws of the incidents in ``mask`` around the view's centre at its zoom.

    Cached per dataset, ``mask_key`` (what identifies ``mask``, e.g. the filters that
    made it), zoom and window, for every session.
    """
    window = view_window(state.center, state.zoom)
    return _aggregates(fingerprint, mask_key, state.zoom, window,
                       columns(incidents, fingerprint), mask)
