"""The timeline's data: incidents over time, imprecise dates drawn over their interval.

Time is cut into bins (days, weeks or months, after the span of the data). Each
row of the chart is a date precision; a cell counts the incidents of that
precision whose interval overlaps the bin, so an incident dated only to a month
fills every bin of that month rather than standing on its first day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

#: Label of each date precision in the chart, top to bottom.
PRECISION_ROWS = {"day": "known day", "month": "month", "year": "year", "range": "range"}

#: Most bins the chart draws per row.
MAX_BINS = 160

BRUSH = "brush"
"""Name of the chart's interval selection (drag across the chart to pick dates)."""


def bin_edges(span: tuple[date, date]) -> pd.DatetimeIndex:
    """Bin edges covering ``span``: days, weeks or months, whichever gives <= MAX_BINS.

    Parameters
    ----------
    span : tuple of date
        First and last day (inclusive).

    Returns
    -------
    pandas.DatetimeIndex
        Sorted edges; the last is after the end of ``span``.
    """
    start, stop = pd.Timestamp(span[0]), pd.Timestamp(span[1]) + pd.Timedelta(days=1)
    edges = pd.DatetimeIndex([start, stop])
    days = (stop - start).days
    for freq, bin_days in (("D", 1), ("W-MON", 7), ("MS", 31), ("QS", 92), ("YS", 366)):
        if days > MAX_BINS * bin_days * 2 and freq != "YS":
            continue  # far too fine: skip without building millions of edges
        offset = pd.tseries.frequencies.to_offset(freq)
        edges = pd.date_range(offset.rollback(start), stop + offset, freq=freq)
        edges = edges[: int(np.searchsorted(edges, stop, side="left")) + 1]
        if len(edges) - 1 <= MAX_BINS:
            break
    else:  # centuries (a mistyped year): several years per bin
        step = -(-(len(edges) - 1) // MAX_BINS)
        edges = edges[::step]
        if edges[-1] < stop:
            edges = edges.append(pd.DatetimeIndex([stop]))
    return edges


@dataclass(frozen=True)
class TimelineColumns:
    """Per-incident arrays the timeline counts, aligned with the incident frame.

    Built once per dataset by :func:`timeline_columns`.

    Attributes
    ----------
    start, end : numpy.ndarray of datetime64[ns]
        First and last day (NaT when undated).
    row : numpy.ndarray of int64
        Index of the date precision in :data:`PRECISION_ROWS` (anything else: the last).
    """

    start: np.ndarray
    end: np.ndarray
    row: np.ndarray


def timeline_columns(incidents: pd.DataFrame) -> TimelineColumns:
    """The arrays :func:`timeline_counts` needs, from an incident frame.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``date_start``, ``date_end`` (inclusive days) and ``date_precision``.

    Returns
    -------
    TimelineColumns
    """
    rows = incidents["date_precision"].map(
        {k: i for i, k in enumerate(PRECISION_ROWS)}
    ).fillna(len(PRECISION_ROWS) - 1).to_numpy(dtype=np.int64)
    return TimelineColumns(
        start=pd.to_datetime(incidents["date_start"]).to_numpy(dtype="datetime64[ns]"),
        end=pd.to_datetime(incidents["date_end"]).to_numpy(dtype="datetime64[ns]"),
        row=rows,
    )


def timeline_counts(
    columns: TimelineColumns, mask: np.ndarray | None, span: tuple[date, date]
) -> pd.DataFrame:
    """Count, per bin and date precision, the incidents whose interval overlaps the bin.

    Vectorised: each incident adds one at its first bin and takes one away after
    its last in a per-row difference array (``numpy.bincount``); a cumulative sum
    gives the counts. No incident row is copied.

    Parameters
    ----------
    columns : TimelineColumns
        Arrays of the whole frame.
    mask : numpy.ndarray of bool or None
        Incidents counted (None: all); undated ones are ignored.
    span : tuple of date
        The chart's x range.

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end`` (exclusive), ``precision`` (a label of
        :data:`PRECISION_ROWS`), ``count``; only non-empty cells.
    """
    edges = bin_edges(span).to_numpy().astype("datetime64[ns]")
    n_bins = len(edges) - 1
    # Searching integers is several times faster than searching datetime64 values.
    start, end = columns.start.view(np.int64), columns.end.view(np.int64)
    at = edges.view(np.int64)
    keep = ~np.isnat(columns.start) & ~np.isnat(columns.end) & (end >= at[0]) & (start < at[-1])
    if mask is not None:
        keep &= mask
    picked = np.flatnonzero(keep)
    first, last = _bin_of(at, start[picked]), _bin_of(at, end[picked])
    rows = columns.row[picked]
    width = n_bins + 1
    size = len(PRECISION_ROWS) * width
    diff = np.bincount(rows * width + first, minlength=size) - np.bincount(
        rows * width + last + 1, minlength=size
    )
    counts = diff.reshape(len(PRECISION_ROWS), width).cumsum(axis=1)[:, :n_bins]
    row_idx, bin_idx = np.nonzero(counts)
    labels = np.array(list(PRECISION_ROWS.values()), dtype=object)
    return pd.DataFrame(
        {
            "start": edges[bin_idx],
            "end": edges[bin_idx + 1],
            "precision": labels[row_idx],
            "count": counts[row_idx, bin_idx].astype(np.int64),
        }
    )


_DAY_NS = 86_400 * 10**9


def _bin_of(edges: np.ndarray, instants: np.ndarray) -> np.ndarray:
    """The bin (``0 .. len(edges) - 2``, clipped) of each instant, in nanoseconds.

    The edges are midnights, so an instant falls in the bin of its day: the bins of the
    span's days are looked up in a table built from the few edges (a million instants:
    a few milliseconds, where a binary search of each took 25 ms). A span of more days
    than instants (centuries) searches them instead.
    """
    n_bins = len(edges) - 1
    n_days = int((edges[-1] - edges[0]) // _DAY_NS)
    if edges[0] % _DAY_NS or np.any((edges - edges[0]) % _DAY_NS) or n_days > len(instants):
        return np.clip(np.searchsorted(edges, instants, side="right") - 1, 0, n_bins - 1)
    table = np.searchsorted(edges, edges[0] + np.arange(n_days, dtype=np.int64) * _DAY_NS,
                            side="right") - 1
    day = np.clip((np.clip(instants, edges[0], edges[-1]) - edges[0]) // _DAY_NS, 0, n_days - 1)
    return np.clip(table[day], 0, n_bins - 1)


def timeline_data(incidents: pd.DataFrame, span: tuple[date, date]) -> pd.DataFrame:
    """Count, per bin and date precision, the incidents of a frame (see :func:`timeline_counts`).

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``date_start``, ``date_end`` (inclusive days) and ``date_precision``;
        undated rows are ignored.
    span : tuple of date
        The chart's x range.

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end`` (exclusive), ``precision``, ``count``.
    """
    return timeline_counts(timeline_columns(incidents), None, span)


def brushed_range(
    selection: Mapping[str, object] | None, span: tuple[date, date]
) -> tuple[date, date] | None:
    """The days an interval brushed across the chart covers, within ``span``.

    Parameters
    ----------
    selection : mapping or None
        ``event.selection`` of ``st.altair_chart(on_select="rerun")``: the brush
        is ``{BRUSH: {"start": [t0, t1]}}`` with times in epoch milliseconds
        (or ISO text).
    span : tuple of date
        The chart's dates; the result is clipped to it.

    Returns
    -------
    tuple of date or None
        First and last day (inclusive) touched by the brush; None when nothing
        (or nothing valid) is brushed.
    """
    if not isinstance(selection, Mapping):
        return None
    brush = selection.get(BRUSH)
    if not isinstance(brush, Mapping):
        return None
    ends = brush.get("start")
    if not isinstance(ends, list | tuple) or len(ends) != 2:
        return None
    a, b = _instant(ends[0]), _instant(ends[1])
    if a is None or b is None:
        return None
    lo, hi = min(a, b), max(a, b)
    first = lo.date()
    # The brush's end is an instant: midnight belongs to the day before.
    last = (hi - timedelta(microseconds=1)).date() if hi > lo else hi.date()
    first, last = max(first, span[0]), min(last, span[1])
    return (first, last) if first <= last else None


def _instant(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not np.isfinite(value):
            return None
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
    return None


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period just before ``first``-``last``, to compare it with.

    A whole calendar year, quarter or month gives the one before (May gives April, not
    the 31 days from 31 March); any other span gives as many days just before it.

    Parameters
    ----------
    first, last : datetime.date
        The period, both days included.

    Returns
    -------
    tuple of datetime.date
        The first and last day of the period before.
    """
    whole_month = first.day == 1 and (last + timedelta(days=1)).day == 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if whole_month and (months in (1, 3) and (months == 1 or first.month % 3 == 1)
                        or months == 12 and first.month == 1):
        end = first - timedelta(days=1)
        year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
        return date(year, month + 1, 1), end
    end = first - timedelta(days=1)
    return end - (last - first), end
