"""The timeline chart: incidents over time, imprecise dates drawn over their interval.

Time is cut into bins (days, weeks or months, after the span of the data). Each
row of the chart is a date precision; a cell counts the incidents of that
precision whose interval overlaps the bin, so an incident dated only to a month
fills every bin of that month rather than standing on its first day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import altair as alt
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


def timeline_data(incidents: pd.DataFrame, span: tuple[date, date]) -> pd.DataFrame:
    """Count, per bin and date precision, the incidents whose interval overlaps the bin.

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
        Columns ``start``, ``end`` (exclusive), ``precision`` (a label of
        :data:`PRECISION_ROWS`), ``count``; only non-empty cells.
    """
    edges = bin_edges(span)
    dated = incidents[incidents["date_start"].notna()]
    dated = dated[(dated["date_end"] >= edges[0]) & (dated["date_start"] < edges[-1])]
    rows = dated["date_precision"].map(
        {k: i for i, k in enumerate(PRECISION_ROWS)}
    ).fillna(len(PRECISION_ROWS) - 1).to_numpy(dtype=int)
    n_bins = len(edges) - 1
    values = edges.to_numpy()
    first = np.searchsorted(values, dated["date_start"].to_numpy(), side="right") - 1
    last = np.searchsorted(values, dated["date_end"].to_numpy(), side="right") - 1
    first, last = np.clip(first, 0, n_bins - 1), np.clip(last, 0, n_bins - 1)
    diff = np.zeros((len(PRECISION_ROWS), n_bins + 1), dtype=np.int64)
    np.add.at(diff, (rows, first), 1)
    np.add.at(diff, (rows, last + 1), -1)
    counts = diff.cumsum(axis=1)[:, :n_bins]
    row_idx, bin_idx = np.nonzero(counts)
    labels = np.array(list(PRECISION_ROWS.values()), dtype=object)
    return pd.DataFrame(
        {
            "start": values[bin_idx],
            "end": values[bin_idx + 1],
            "precision": labels[row_idx],
            "count": counts[row_idx, bin_idx],
        }
    )


def timeline_chart(
    data: pd.DataFrame,
    span: tuple[date, date],
    selected: tuple[date, date],
    brush: bool = False,
) -> alt.LayerChart:
    """Heat strip of incidents over time, with the selected range outlined.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`timeline_data`.
    span : tuple of date
        Dates the x axis shows: the data's span, or the part zoomed into.
    selected : tuple of date
        Selected date range (inclusive).
    brush : bool
        Add the interval selection :data:`BRUSH` (read it with :func:`brushed_range`).

    Returns
    -------
    altair.LayerChart
    """
    end = pd.Timestamp(span[1]) + pd.Timedelta(days=1)
    x_scale = alt.Scale(
        domain=[_parts(pd.Timestamp(span[0])), _parts(end)]
    )
    rows = list(PRECISION_ROWS.values())
    shade = pd.DataFrame(
        {
            "start": [pd.Timestamp(selected[0])],
            "end": [pd.Timestamp(selected[1]) + pd.Timedelta(days=1)],
        }
    )
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.3)
        .encode(
            x=alt.X("start:T", scale=x_scale, title=None),
            x2="end:T",
            y=alt.Y(
                "precision:N", title=None, sort=rows, scale=alt.Scale(domain=rows),
                axis=alt.Axis(labelOverlap=False),
            ),
            color=alt.Color(
                "count:Q", title="incidents", scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
            tooltip=[
                alt.Tooltip("start:T", title="from"),
                alt.Tooltip("end:T", title="until (exclusive)"),
                alt.Tooltip("precision:N", title="dated to"),
                alt.Tooltip("count:Q", title="incidents"),
            ],
        )
    )
    band = (
        alt.Chart(shade)
        .mark_rect(fill="#1f77b4", fillOpacity=0.08, stroke="#1f77b4", strokeWidth=2)
        .encode(x=alt.X("start:T", title=None), x2="end:T")
    )
    if brush:
        cells = cells.add_params(alt.selection_interval(name=BRUSH, encodings=["x"]))
    return alt.LayerChart(layer=[cells, band]).properties(height=150)


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


def _parts(stamp: pd.Timestamp) -> dict[str, int]:
    return {"year": stamp.year, "month": stamp.month, "date": stamp.day}
