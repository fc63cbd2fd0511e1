"""Playback of the timeline: the date ranges shown one after another.

Two modes: *cumulative* (the start stays, the end moves on one step at a time)
and *window* (a window of a few steps slides along). A step is a day, a week
or a calendar month. These functions only compute the ranges; the page decides
when to show the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

Mode = Literal["cumulative", "window"]
Step = Literal["day", "week", "month"]

MODES: dict[str, str] = {"cumulative": "cumulative", "window": "moving window"}
"""Mode -> label."""
STEPS: dict[str, str] = {"day": "day", "week": "week", "month": "month"}
"""Step -> label."""

_OFFSETS = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1),
            "month": pd.DateOffset(months=1)}


@dataclass(frozen=True)
class Playback:
    """How the timeline plays.

    Attributes
    ----------
    mode : {"cumulative", "window"}
    step : {"day", "week", "month"}
    window : int
        Width of the moving window, in steps (>= 1); unused when cumulative.
    """

    mode: Mode = "cumulative"
    step: Step = "month"
    window: int = 1

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown playback mode {self.mode!r}")
        if self.step not in STEPS:
            raise ValueError(f"unknown playback step {self.step!r}")
        if self.window < 1:
            raise ValueError(f"playback window must be at least 1 step, not {self.window}")


def shift(day: date, step: Step, n: int = 1) -> date:
    """``day`` moved ``n`` steps on (a month step keeps the day of the month when it can)."""
    return (pd.Timestamp(day) + n * _OFFSETS[step]).date()


def first_frame(span: tuple[date, date], play: Playback) -> tuple[date, date]:
    """The first range shown when playback starts over ``span``.

    Parameters
    ----------
    span : tuple of date
        First and last day the playback covers.
    play : Playback

    Returns
    -------
    tuple of date
        Inclusive range, within ``span``.
    """
    steps = 1 if play.mode == "cumulative" else play.window
    end = shift(span[0], play.step, steps) - timedelta(days=1)
    return span[0], min(end, span[1])


def next_frame(
    frame: tuple[date, date], span: tuple[date, date], play: Playback
) -> tuple[date, date] | None:
    """The range after ``frame``, or None when ``frame`` already reaches the end of ``span``.

    Parameters
    ----------
    frame : tuple of date
        The range shown now (inclusive).
    span : tuple of date
        First and last day the playback covers.
    play : Playback

    Returns
    -------
    tuple of date or None
    """
    if frame[1] >= span[1]:
        return None
    if play.mode == "cumulative":
        end = shift(frame[1] + timedelta(days=1), play.step) - timedelta(days=1)
        return span[0], min(end, span[1])
    start = max(shift(frame[0], play.step), span[0])
    end = shift(start, play.step, play.window) - timedelta(days=1)
    return start, min(end, span[1])


def frame_count(span: tuple[date, date], play: Playback) -> int:
    """How many ranges a playback over ``span`` shows, from its first to its last."""
    frame: tuple[date, date] | None = first_frame(span, play)
    count = 0
    while frame is not None:
        count += 1
        frame = next_frame(frame, span, play)
    return count
