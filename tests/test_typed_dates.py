"""Dates as analysts type them in the timeline's From and To fields."""

from __future__ import annotations

from datetime import date

import pytest

from geo.view.typed_dates import clip_to_span, read_typed_date


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("2016-03-05", False, date(2016, 3, 5)),
    ("2016-3-5", True, date(2016, 3, 5)),
    ("2016/03/05", False, date(2016, 3, 5)),
    ("2016.03", False, date(2016, 3, 1)),
    ("2016-03", True, date(2016, 3, 31)),
    ("2015-02", True, date(2015, 2, 28)),
    ("2016", False, date(2016, 1, 1)),
    (" 2016 ", True, date(2016, 12, 31)),
])
def test_a_day_a_month_or_a_year(text, end, expected):
    assert read_typed_date(text, end=end) == expected


@pytest.mark.parametrize(("text", "said"), [
    ("2016-13", "'2016-13': there is no month 13"),
    ("2016-02-30", "'2016-02-30': February 2016 has 29 days."),
    ("2016-00-10", "there is no month 0"),
    ("0000", "there is no year 0"),
    ("", "'' is not a date: type a day (2016-03-05), a month (2016-03) or a year (2016)."),
    ("05/03/2016", "'05/03/2016' is not a date"),
    ("2016-03-05x", "is not a date"),
])
def test_anything_else_is_refused_saying_why(text, said):
    with pytest.raises(ValueError) as refused:
        read_typed_date(text)
    assert said in str(refused.value)


def test_a_date_outside_the_data_is_moved_in_and_said():
    span = (date(2016, 1, 1), date(2016, 12, 31))
    assert clip_to_span(date(2016, 5, 1), span) == (date(2016, 5, 1), "")
    assert clip_to_span(date(2017, 1, 1), span) == (
        date(2016, 12, 31), "2017-01-01 is after the data's last date; 2016-12-31 is used.")
    assert clip_to_span(date(2015, 6, 1), span)[0] == date(2016, 1, 1)
