"""Timeline bins and counts over date intervals (geo/view/timeline.py)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.view.timeline import (
    BRUSH,
    MAX_BINS,
    PRECISION_ROWS,
    bin_edges,
    brushed_range,
    timeline_columns,
    timeline_counts,
    timeline_data,
)
from tests.helpers.incidents import incidents, row


def _check_edges(span):
    edges = bin_edges(span)
    assert isinstance(edges, pd.DatetimeIndex)
    assert edges.is_monotonic_increasing and edges.is_unique
    assert 1 <= len(edges) - 1 <= MAX_BINS
    assert edges[0] <= pd.Timestamp(span[0])
    assert edges[-1] > pd.Timestamp(span[1])  # the last day is inside the last bin
    return edges


@pytest.mark.parametrize(
    ("span", "step"),
    [
        ((date(2017, 10, 5), date(2017, 10, 5)), timedelta(days=1)),
        ((date(2017, 1, 1), date(2017, 3, 31)), timedelta(days=1)),
        ((date(2017, 1, 1), date(2017, 12, 31)), timedelta(days=7)),
    ],
)
def test_bin_edges_use_days_then_weeks(span, step):
    edges = _check_edges(span)
    assert set(edges[1:] - edges[:-1]) == {pd.Timedelta(step)}


def test_bin_edges_use_months_for_years():
    edges = _check_edges((date(2014, 9, 1), date(2018, 11, 13)))
    assert all(e.day == 1 for e in edges)
    assert edges[0] == pd.Timestamp("2014-09-01") and edges[-1] == pd.Timestamp("2018-12-01")


@pytest.mark.parametrize(
    "span",
    [(date(1859, 1, 1), date(2019, 12, 31)), (date(1017, 3, 1), date(2018, 11, 13))],
)
def test_bin_edges_stay_within_max_bins_over_centuries(span):
    _check_edges(span)


@settings(max_examples=80, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.integers(0, 40_000))
def test_bin_edges_cover_any_span(first, days):
    last = min(first + timedelta(days=days), date(2100, 12, 31))
    _check_edges((first, last))


SPAN = (date(2017, 1, 1), date(2017, 3, 31))  # daily bins


def counts(data, precision):
    cells = data[data["precision"] == PRECISION_ROWS[precision]]
    return {s.date(): int(c) for s, c in zip(cells["start"], cells["count"], strict=True)}


def test_a_month_dated_incident_fills_every_bin_of_its_month():
    data = timeline_data(incidents(row(id="feb", date_start="2017-02")), SPAN)
    month = counts(data, "month")
    assert sorted(month) == [date(2017, 2, 1) + timedelta(days=i) for i in range(28)]
    assert set(month.values()) == {1}
    assert counts(data, "day") == {}


def test_day_year_and_range_incidents_in_their_rows():
    frame = incidents(
        row(id="d1", date_start="2017-02-10"),
        row(id="d2", date_start="2017-02-10"),
        row(id="d3", date_start="2017-03-31"),
        row(id="r", date_start="2017-01-30", date_end="2017-02-02"),
        row(id="y", date_start="2017"),
        row(id="u"),
    )
    data = timeline_data(frame, SPAN)
    assert list(data.columns) == ["start", "end", "precision", "count"]
    assert (data["count"] > 0).all()
    assert (data["end"] > data["start"]).all()
    assert counts(data, "day") == {date(2017, 2, 10): 2, date(2017, 3, 31): 1}
    assert sorted(counts(data, "range")) == [date(2017, 1, 30), date(2017, 1, 31),
                                             date(2017, 2, 1), date(2017, 2, 2)]
    assert len(counts(data, "year")) == 90  # the whole span: every bin of the year in it
    assert set(data["precision"]) == {"known day", "range", "year"}


def test_undated_incidents_are_ignored():
    data = timeline_data(incidents(row(id="u1"), row(id="u2", date_precision="unknown")), SPAN)
    assert len(data) == 0


def test_incidents_outside_the_span_are_not_counted():
    frame = incidents(row(id="before", date_start="2016-12-31"),
                      row(id="after", date_start="2017-04"),
                      row(id="across", date_start="2016-12", date_end="2017-01-02"))
    data = timeline_data(frame, SPAN)
    assert counts(data, "day") == {}
    assert counts(data, "month") == {}
    assert counts(data, "range") == {date(2017, 1, 1): 1, date(2017, 1, 2): 1}


def test_monthly_bins_count_a_month_once():
    span = (date(2014, 9, 1), date(2018, 11, 13))
    data = timeline_data(incidents(row(id="m", date_start="2017-10"),
                                   row(id="d", date_start="2017-10-15")), span)
    assert counts(data, "month") == {date(2017, 10, 1): 1}
    assert counts(data, "day") == {date(2017, 10, 1): 1}


def test_brushed_range_reads_epoch_milliseconds_as_inclusive_days():

    t0 = pd.Timestamp("2017-03-10T12:00").value // 10**6
    t1 = pd.Timestamp("2017-03-20T00:00").value // 10**6  # midnight: the 19th is the last day
    assert brushed_range({BRUSH: {"start": [t1, t0]}}, SPAN) == (date(2017, 3, 10),
                                                                 date(2017, 3, 19))


def test_brushed_range_is_clipped_to_the_span_and_ignores_garbage():

    wide = {BRUSH: {"start": ["1990-01-01T00:00:00Z", "2030-01-01T00:00:00Z"]}}
    assert brushed_range(wide, SPAN) == SPAN
    for bad in (None, {}, {BRUSH: {}}, {BRUSH: {"start": [1]}},
                {BRUSH: {"start": ["x", "y"]}}, {BRUSH: {"start": [True, 5]}}):
        assert brushed_range(bad, SPAN) is None


def test_counts_take_only_the_masked_incidents_without_copying_the_frame():
    frame = incidents(row(id="a", date_start="2017-02-03"), row(id="b", date_start="2017-02"),
                      row(id="c", date_start="2017-02-10"), row(id="u"))
    columns = timeline_columns(frame)
    mask = frame["id"].isin(["b", "c", "u"]).to_numpy()
    masked = timeline_counts(columns, mask, SPAN)
    expected = timeline_data(frame[mask], SPAN)
    pd.testing.assert_frame_equal(masked.reset_index(drop=True), expected)
    assert masked["count"].sum() == 28 + 1  # "b" fills February's days, "c" one day
    assert timeline_counts(columns, np.zeros(len(frame), dtype=bool), SPAN).empty


@settings(max_examples=60, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.integers(0, 4000),
       st.lists(st.tuples(st.integers(-3000, 7000), st.integers(0, 86_399)), min_size=1,
                max_size=40))
def test_bins_of_instants_are_those_a_binary_search_gives(first, days, offsets):
    # the day table (_bin_of) answers as searching the edges would, for instants before,
    # inside and after the span, at any time of day
    from geo.view.timeline import _bin_of

    edges = bin_edges((first, first + timedelta(days=days))).to_numpy().astype(
        "datetime64[ns]").view(np.int64)
    base = pd.Timestamp(first).value
    instants = np.array([base + (d * 86_400 + s) * 10**9 for d, s in offsets], dtype=np.int64)
    expected = np.clip(np.searchsorted(edges, instants, side="right") - 1, 0, len(edges) - 2)
    np.testing.assert_array_equal(_bin_of(edges, np.repeat(instants, 5000)),
                                  np.repeat(expected, 5000))  # more instants than days
    np.testing.assert_array_equal(_bin_of(edges, instants), expected)  # maybe searched
