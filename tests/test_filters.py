"""Which incidents a view shows, and why the others are hidden (geo/filters.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.view.filters import apply_view, date_overlap
from geo.view.state import ViewDomain, default_view
from tests.helpers.incidents import joined, row

FRAME = joined(
    row(id="month", date_start="2017-10", place="Raqqah", event_type="bombing",
        claim_status="alleged"),
    row(id="day", date_start="2017-09-15", place="Ash Sha'fah", event_type="airstrike",
        claim_status="reported", actors="US-led coalition"),
    row(id="year", date_start="2018", latitude="33.5", longitude="38.6", geo_precision="3",
        event_type="shelling", claim_status="confirmed"),
    row(id="undated", place="Tanf", event_type="armed movement", claim_status="alleged"),
    row(id="range", date_start="2018-11-01", date_end="2018-11-13", latitude="34.1",
        longitude="40.2", geo_precision="2", event_type="airstrike", claim_status="contested",
        description="Strike on a MARKET in al-Susah"),
)
DOMAIN = ViewDomain(date(2017, 9, 15), date(2018, 12, 31), (34.0, 39.0), 6)
ALL = default_view(DOMAIN)


def shown(state, frame=FRAME):
    result = apply_view(frame, state)
    assert result.mask.dtype == bool and len(result.mask) == len(frame)
    return sorted(frame.loc[result.mask, "id"])


def in_range(date_from, date_to):
    return shown(replace(ALL, date_from=date_from, date_to=date_to))


def test_default_view_shows_everything():
    result = apply_view(FRAME, ALL)
    assert result.shown == len(FRAME) and result.hidden == 0 and result.hidden_by == {}


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(date(2017, 10, 31), date(2017, 11, 5)), (date(2017, 10, 1), date(2017, 10, 1)),
     (date(2017, 10, 15), date(2017, 10, 16)), (date(2017, 9, 20), date(2017, 10, 1))],
)
def test_month_dated_incident_matches_any_day_of_its_month(date_from, date_to):
    assert "month" in in_range(date_from, date_to)


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(date(2017, 9, 1), date(2017, 9, 30)), (date(2017, 11, 1), date(2018, 1, 1))],
)
def test_month_dated_incident_outside_the_range_is_hidden(date_from, date_to):
    assert "month" not in in_range(date_from, date_to)


def test_day_dated_incident_matches_only_its_day():
    assert "day" in in_range(date(2017, 9, 15), date(2017, 9, 15))
    assert "day" not in in_range(date(2017, 9, 16), date(2017, 10, 31))
    assert "day" not in in_range(date(2017, 1, 1), date(2017, 9, 14))


def test_year_and_range_incidents_overlap_by_interval():
    assert in_range(date(2018, 12, 31), date(2018, 12, 31)) == ["undated", "year"]
    assert in_range(date(2018, 11, 13), date(2018, 11, 20)) == ["range", "undated", "year"]
    assert "range" not in in_range(date(2018, 11, 14), date(2018, 12, 31))


def test_undated_incidents_pass_the_date_filter_and_have_their_own_toggle():
    state = replace(ALL, date_from=date(2017, 10, 1), date_to=date(2017, 10, 31))
    assert shown(state) == ["month", "undated"]
    result = apply_view(FRAME, replace(state, include_undated=False))
    assert sorted(FRAME.loc[result.mask, "id"]) == ["month"]
    assert result.hidden_by == {"date": 3, "undated": 1}


def test_date_overlap_directly():
    starts = pd.Series(pd.to_datetime(["2017-10-01", "2017-09-15", None]))
    ends = pd.Series(pd.to_datetime(["2017-10-31", "2017-09-15", None]))
    got = date_overlap(starts, ends, date(2017, 10, 31), date(2017, 12, 1))
    assert got.tolist() == [True, False, False]
    assert got.dtype == bool


def test_event_type_claim_and_precision_filters():
    assert shown(replace(ALL, event_types=("airstrike",))) == ["day", "range"]
    assert shown(replace(ALL, event_types=())) == []
    assert shown(replace(ALL, claim_statuses=("alleged",))) == ["month", "undated"]
    # precision: unlocated incidents (no precision) are not hidden by this filter
    assert shown(replace(ALL, precisions=(1,))) == ["day", "month", "undated"]
    assert shown(replace(ALL, precisions=(2, 3))) == ["range", "undated", "year"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Shaafah", ["day"]),  # the place file's spelling, not the record's
        ("al-Shaafah", ["day"]),
        ("ash sha\u2019fah", ["day"]),
        ("الشعفة", ["day"]),
        ("SHA'FAH", ["day"]),
        ("ar-Raqqah", ["month"]),
        ("الرقة", ["month"]),
        ("tanf", ["undated"]),  # unresolved place: still found by its written name
        ("coalition", ["day"]),
        ("market", ["range"]),
        ("airstrike", ["day", "range"]),
        ("Damascus", []),
        ("   ", ["day", "month", "range", "undated", "year"]),
        ("!!", ["day", "month", "range", "undated", "year"]),
    ],
)
def test_search_finds_a_place_under_any_spelling(query, expected):
    assert shown(replace(ALL, query=query)) == expected


def test_search_does_not_treat_the_query_as_a_pattern():
    assert shown(replace(ALL, query="raqq?ah")) == []  # 'raqq ah', not a regex
    assert shown(replace(ALL, query="([")) == shown(ALL)


def test_hidden_by_counts_each_filter():
    state = replace(ALL, event_types=("airstrike", "bombing"), claim_statuses=("alleged",
                    "reported", "contested"), query="raqqah")
    result = apply_view(FRAME, state)
    assert sorted(FRAME.loc[result.mask, "id"]) == ["month"]
    # event type hides year (shelling) and undated (armed movement); claim hides year;
    # search hides everything but month. An incident hidden twice counts twice.
    assert result.hidden_by == {"event type": 2, "claim status": 1, "search": 4}
    assert result.shown == 1 and result.hidden == 4


def test_empty_frame():
    result = apply_view(FRAME.iloc[:0], replace(ALL, query="x", include_undated=False))
    assert result.shown == 0 and result.hidden_by == {}
    assert isinstance(result.mask, np.ndarray)
