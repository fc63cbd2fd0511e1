"""Playback ranges over a span (geo/view/playback.py)."""

from __future__ import annotations

from datetime import date

import pytest

from geo.view.playback import Playback, first_frame, frame_count, next_frame, shift

SPAN = (date(2016, 1, 1), date(2016, 3, 15))


def test_cumulative_by_month_keeps_the_start_and_moves_the_end():
    play = Playback("cumulative", "month")
    frame = first_frame(SPAN, play)
    assert frame == (date(2016, 1, 1), date(2016, 1, 31))
    frame = next_frame(frame, SPAN, play)
    assert frame == (date(2016, 1, 1), date(2016, 2, 29))  # leap year
    frame = next_frame(frame, SPAN, play)
    assert frame == (date(2016, 1, 1), date(2016, 3, 15))  # clipped to the span
    assert next_frame(frame, SPAN, play) is None


def test_moving_window_of_two_weeks_slides_by_a_week():
    play = Playback("window", "week", window=2)
    frame = first_frame(SPAN, play)
    assert frame == (date(2016, 1, 1), date(2016, 1, 14))
    frame = next_frame(frame, SPAN, play)
    assert frame == (date(2016, 1, 8), date(2016, 1, 21))


def test_daily_steps_reach_the_last_day_once():
    span = (date(2016, 1, 1), date(2016, 1, 5))
    play = Playback("window", "day")
    frames = [first_frame(span, play)]
    while (nxt := next_frame(frames[-1], span, play)) is not None:
        frames.append(nxt)
    assert frames == [(date(2016, 1, d), date(2016, 1, d)) for d in range(1, 6)]
    assert frame_count(span, play) == 5


def test_a_frame_past_the_start_continues_from_where_it_is():
    play = Playback("window", "month")
    assert next_frame((date(2016, 2, 1), date(2016, 2, 29)), SPAN, play) == (
        date(2016, 3, 1), date(2016, 3, 15))


def test_month_steps_keep_the_day_when_they_can():
    assert shift(date(2016, 1, 31), "month") == date(2016, 2, 29)
    assert shift(date(2016, 1, 15), "month", 2) == date(2016, 3, 15)


@pytest.mark.parametrize("kwargs", [{"mode": "loop"}, {"step": "hour"}, {"window": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Playback(**kwargs)
