"""Time controls of the map page: typed dates, a timeline zoomed by brushing, playback.

The From and To fields are text fields taking a day, a month or a year
(:mod:`geo.view.typed_dates`), applied on Enter or when the field loses focus.

The timeline sits under the map (at 1,400 x 900 it had pushed the map below the fold:
trial of issue 14); :func:`play_buttons` puts Play/Pause, Step and the selected dates
above the map, beside the count line, so playback is at hand while the map is watched.

The selected dates live in session state under :data:`view_state.DATES_KEY` (what
the slider shows and the URL keeps). The timeline shows a *zoom window* of the
data's span: brushing across the chart selects those days and zooms into them,
so the slider under it moves by the day even over a span of years. Playback
steps the selected dates along the zoom window.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from geo.render.charts import timeline_spec
from geo.view.playback import MODES, STEPS, Playback, first_frame, next_frame
from geo.view.state import ViewDomain
from geo.view.timeline import BRUSH, brushed_range
from geo.view.typed_dates import FORMS, clip_to_span, read_typed_date
from pages.shared import map_data
from pages.shared.view_state import DATES_KEY

ZOOM = "t_zoom"
CHART = "timeline_chart"
FROM, TO = "t_from", "t_to"
PLAYING = "pb_playing"
MODE, STEP, WINDOW, SPEED = "pb_mode", "pb_step", "pb_window", "pb_speed"
SPEEDS = (0.5, 1.0, 2.0, 4.0)
"""Seconds per playback step the analyst can pick."""
_BRUSH_SEEN, _PENDING = "_brush_seen", "_pending_dates"
_TYPED_NOTE = "_typed_date_note"
_ECHO, _RUN = "_dates_echo", "_dates_run"


def _span(domain: ViewDomain) -> tuple[date, date] | None:
    if domain.date_min is None or domain.date_max is None or domain.date_min == domain.date_max:
        return None
    return domain.date_min, domain.date_max


def _dates(span: tuple[date, date]) -> tuple[date, date]:
    value = st.session_state.get(DATES_KEY)
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return span


def zoom_window(domain: ViewDomain) -> tuple[date, date] | None:
    """The dates the timeline and the slider show now (always holding the selection)."""
    span = _span(domain)
    if span is None:
        return None
    ss = st.session_state
    lo, hi = ss.get(ZOOM) or span
    lo, hi = max(lo, span[0]), min(hi, span[1])
    if lo >= hi:
        lo, hi = span
    start, end = _dates(span)
    lo, hi = min(lo, start), max(hi, end)
    if lo >= hi:  # a one-day selection at the edge of a one-day window
        lo, hi = max(span[0], lo - timedelta(days=3)), min(span[1], hi + timedelta(days=3))
    ss[ZOOM] = (lo, hi)
    return lo, hi


def _zoom_around(picked: tuple[date, date], span: tuple[date, date]) -> tuple[date, date]:
    """A window a little wider than ``picked`` (at least a week either side of one day)."""
    pad = max(timedelta(days=3), (picked[1] - picked[0]) / 10)
    return max(span[0], picked[0] - pad), min(span[1], picked[1] + pad)


def read_brush(domain: ViewDomain) -> None:
    """Apply the next playback range, or a range just brushed on the timeline (select
    those days and zoom into them).

    Call before the view is read, so the new dates take effect in this run.
    """
    ss = st.session_state
    ss[_RUN] = ss.get(_RUN, 0) + 1
    _refuse_stale_echo()
    pending = ss.pop(_PENDING, None)
    if pending is not None:
        _set_dates(*pending)
    span, window = _span(domain), zoom_window(domain)
    if span is None or window is None:
        return
    event = ss.get(CHART)
    selection = event.get("selection") if isinstance(event, Mapping) else None
    picked = brushed_range(selection, window)
    if picked is None or picked == ss.get(_BRUSH_SEEN):
        return
    ss[_BRUSH_SEEN] = picked
    _set_dates(*picked)
    ss[ZOOM] = _zoom_around(picked, span)
    ss[PLAYING] = False


def _set_dates(first: date, last: date) -> None:
    """Select these dates, remembering what the slider showed before (see
    :func:`_refuse_stale_echo`)."""
    ss = st.session_state
    before = ss.get(DATES_KEY)
    if isinstance(before, list | tuple) and tuple(before) != (first, last):
        ss[_ECHO] = (tuple(before), (first, last), ss.get(_RUN, 0))
    ss[DATES_KEY] = (first, last)


def _refuse_stale_echo() -> None:
    """Keep dates the page set (typed, brushed, played) against the slider's old value
    sent back by a rerun the browser asked for before it had drawn the new one.

    Every rerun carries every widget's value as the browser holds it: the map's first
    report of its bounds (after fitting) could leave the browser while the run of a
    typed date was still drawing, carry the slider's old range, and undo the typed
    date without a word (trial 26: 2 of 8 tries). Until the browser sends the new range
    back, its old range is taken for such an echo; any other range is the analyst's."""
    ss = st.session_state
    echo = ss.get(_ECHO)
    if echo is None:
        return
    before, after, run = echo
    value = ss.get(DATES_KEY)
    value = tuple(value) if isinstance(value, list | tuple) else None
    if value == before:
        ss[DATES_KEY] = after
    elif value != after or ss[_RUN] > run + 1:
        del ss[_ECHO]  # the browser has the new range, or the analyst moved the slider


def _typed(which: str, span: tuple[date, date]) -> None:
    """Apply a date typed in From or To (its callback: Enter or leaving the field).

    Streamlit's date field applies a typed date only when the focus leaves the whole
    widget; Enter does nothing (checked in Chromium, issue 14). A text field applies on
    Enter too, and takes a month or a year as well as a day."""
    ss = st.session_state
    ss.pop(_TYPED_NOTE, None)
    current = _dates(span)
    try:
        typed = read_typed_date(str(ss.get(which) or ""), end=which == TO)
    except ValueError as exc:  # the field shows the current date again; the note says why
        ss[_TYPED_NOTE] = (f"{exc} {'From' if which == FROM else 'To'} stays "
                           f"{current[0 if which == FROM else 1].isoformat()}.", current)
        return
    typed, note = clip_to_span(typed, span)
    first, last = (typed, current[1]) if which == FROM else (current[0], typed)
    if first > last:  # one end typed past the other: move the other along
        first, last = (first, first) if which == FROM else (last, last)
    _set_dates(first, last)
    ss[PLAYING] = False
    if note:
        ss[_TYPED_NOTE] = (note, (first, last))


def _shows(text: object, day: date, end: bool) -> bool:
    """Whether a field's text reads as ``day`` (a month typed as To shows its last day)."""
    try:
        return read_typed_date(str(text or ""), end=end) == day
    except ValueError:
        return False


def _zoom(window: tuple[date, date] | None) -> None:
    st.session_state[ZOOM] = window


def _zoom_out(span: tuple[date, date], window: tuple[date, date]) -> None:
    half = max(timedelta(days=7), window[1] - window[0])
    _zoom((max(span[0], window[0] - half / 2), min(span[1], window[1] + half / 2)))


def time_controls(domain: ViewDomain, incidents: pd.DataFrame | None,
                  chart_mask: np.ndarray | None,
                  counts: Callable[[tuple[date, date]], pd.DataFrame] | None = None,
                  playback_off: str | None = None) -> None:
    """Typed dates, zoom buttons, the date slider and the timeline chart, then playback.

    Parameters
    ----------
    domain : ViewDomain
    incidents : pandas.DataFrame
        The whole dataset (never copied).
    chart_mask : numpy.ndarray of bool
        The incidents every filter but the dates lets through (the chart counts them).
    counts : callable, optional
        ``window -> timeline counts`` instead of ``incidents`` and ``chart_mask`` (a
        view answered by the store).
    playback_off : str, optional
        Why playback is not offered (then only this is said in its place).
    """
    ss = st.session_state
    span, window = _span(domain), zoom_window(domain)
    if span is None or window is None:
        if domain.date_min is not None:
            st.caption(f"Every dated incident falls on {domain.date_min.isoformat()}.")
        return
    first, last = _dates(span)
    # Set before the widgets exist: a slider whose bounds changed (zoom) would
    # otherwise start again from its default. A typed field is set only when it no
    # longer reads as the selected date (what was typed, "2016-03", stays as typed).
    ss[DATES_KEY] = (first, last)
    for key, day, end in ((FROM, first, False), (TO, last, True)):
        if not _shows(ss.get(key), day, end):
            ss[key] = day.isoformat()
    cols = st.columns([2, 2, 3, 3], vertical_alignment="bottom")
    for col, key, label in ((cols[0], FROM, "From"), (cols[1], TO, "To")):
        col.text_input(label, key=key, on_change=_typed, args=(key, span),
                       placeholder="YYYY-MM-DD", help=f"Type {FORMS}, then Enter.")
    zoomed = window != span
    cols[2].button("Zoom to the selected dates", on_click=_zoom,
                   args=(_zoom_around((first, last), span),), icon=":material/zoom_in:",
                   width="stretch", key="t-zoom-in")
    cols[3].button("Zoom out", on_click=_zoom_out, args=(span, window), disabled=not zoomed,
                   icon=":material/zoom_out:", width="stretch", key="t-zoom-out")
    note = ss.get(_TYPED_NOTE)
    if note is not None and note[1] == (first, last):  # said until the dates move on
        st.warning(note[0], icon=":material/event_busy:")
    st.slider(
        "Dates", min_value=window[0], max_value=window[1], key=DATES_KEY, format="YYYY-MM-DD",
        help="An incident dated only to a month, a year or a range is shown when any part "
        "of it falls in the selected range. Drag across the chart below to pick dates and "
        "zoom into them.",
    )
    if counts is None:
        assert incidents is not None and chart_mask is not None
        key = domain.frame_key or domain.fingerprint
        spec = map_data.timeline_spec(incidents, key, chart_mask, window,
                                      (first, last))
    else:  # a view answered by the store (its counts are cached there)
        spec = timeline_spec(counts(window), window, (first, last), brush=True)
    st.vega_lite_chart(
        spec=spec,
        width="stretch", key=CHART, on_select="rerun", selection_mode=BRUSH,
    )
    caption = "Drag across the chart to select dates and zoom in."
    if zoomed:
        caption = (f"Zoomed to {window[0].isoformat()} – {window[1].isoformat()} of "
                   f"{span[0].isoformat()} – {span[1].isoformat()}. " + caption)
    st.caption(caption)
    if playback_off is not None:
        st.caption(f"Playback: {playback_off}")
        return
    playback_settings(window)


def _playback() -> Playback:
    ss = st.session_state
    # A deselected segmented control gives None: the default mode.
    return Playback(mode=ss.get(MODE) or "cumulative", step=ss.get(STEP) or "month",
                    window=int(ss.get(WINDOW) or 1))


def step_once(window: tuple[date, date]) -> bool:
    """Show the next playback range over ``window``; False (and stop) at the end."""
    ss = st.session_state
    span = window
    frame = next_frame(_dates(span), span, _playback())
    if frame is None:
        ss[PLAYING] = False
        return False
    _set_dates(*frame)
    return True


def _restart(window: tuple[date, date]) -> None:
    _set_dates(*first_frame(window, _playback()))


def _toggle_play(window: tuple[date, date]) -> None:
    ss = st.session_state
    if ss.get(PLAYING):
        ss[PLAYING] = False
        return
    if _dates(window)[1] >= window[1]:  # at the end: play again from the start
        _restart(window)
    ss[PLAYING] = True


def play_buttons(domain: ViewDomain, play_col: Any, step_col: Any) -> None:
    """Play/Pause and Step of the playback, in the two given columns (above the map; the
    playback's settings are under the timeline). Nothing when the data has no date span."""
    span, window = _span(domain), zoom_window(domain)
    if span is None or window is None:
        return
    playing = bool(st.session_state.get(PLAYING))
    play_col.button("Pause" if playing else "Play", on_click=_toggle_play, args=(window,),
                    type="primary", key="pb-play", width="content",
                    icon=":material/pause:" if playing else ":material/play_arrow:",
                    help="Play the selected dates along the timeline under the map.")
    step_col.button("Step", on_click=step_once, args=(window,), key="pb-step",
                    width="content", icon=":material/skip_next:",
                    help="Show the next step of the playback.")


def dates_caption(domain: ViewDomain) -> None:
    """The selected dates in a line (above the map, where the timeline is not in sight)."""
    span = _span(domain)
    if span is None:
        return
    first, last = _dates(span)
    st.caption(f"{first.isoformat()} – {last.isoformat()} · timeline under the map")


def playback_settings(window: tuple[date, date]) -> None:
    """How playback steps the selected dates over the timeline's window, and Start."""
    ss = st.session_state
    playing = bool(ss.get(PLAYING))
    cols = st.columns([3.4, 2, 2, 2, 1.4], vertical_alignment="bottom")
    cols[0].segmented_control("Playback", list(MODES), key=MODE, format_func=MODES.get,
                              default="cumulative", disabled=playing,
                              help="Plays over the dates the timeline shows (zoom in to play "
                              "a shorter period): cumulative keeps the start, a moving "
                              "window slides along. Play, Pause and Step are above the map.")
    cols[1].selectbox("Step", list(STEPS), key=STEP, format_func=STEPS.get, index=2,
                      disabled=playing)
    cols[2].number_input("Window (steps)", min_value=1, max_value=120, value=1, key=WINDOW,
                         disabled=playing or ss.get(MODE, "cumulative") == "cumulative")
    cols[3].selectbox("Seconds per step", SPEEDS, index=1, key=SPEED)
    cols[4].button("Start", on_click=_restart, args=(window,), key="pb-start",
                   width="stretch")


def continue_playback() -> None:
    """While playing, wait the set time, then show the next range (call last on the page).

    The page is complete while this waits; a click meanwhile (Pause, a filter) stops
    this run before it steps, and is handled by the next run as usual.
    """
    ss = st.session_state
    window = ss.get(ZOOM)
    if not ss.get(PLAYING) or not isinstance(window, tuple):
        return
    time.sleep(float(ss.get(SPEED) or 1.0))
    st.empty()  # a Streamlit call: a run asked to stop (by a click) stops here
    frame = next_frame(_dates(window), window, _playback())
    if frame is None:
        ss[PLAYING] = False
    else:
        ss[_PENDING] = frame  # the date widgets exist in this run: set them in the next
    st.rerun()
