"""Time controls of the map page through AppTest: typed dates, zoom, playback steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _run(params: dict[str, list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _dates(at: AppTest) -> list[str]:
    value = at.query_params.get("d", [])
    return [value] if isinstance(value, str) else list(value)


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_typed_dates_set_the_range_and_the_link():
    at = _run()
    at.text_input(key="t_from").set_value("2017-10-01").run()
    at.text_input(key="t_to").set_value("2017-10-31").run()
    assert not at.exception
    assert _dates(at) == ["2017-10-01", "2017-10-31"]
    assert at.slider[0].value == (date(2017, 10, 1), date(2017, 10, 31))
    linked = _run({"d": ["2017-10-01", "2017-10-31"]})
    assert "filtered out by date" in _markdown(at)
    assert _markdown(at).split("·")[0] == _markdown(linked).split("·")[0]


def test_a_from_date_typed_past_the_to_date_moves_it_along():
    at = _run({"d": ["2017-01-01", "2017-06-30"]})
    at.text_input(key="t_from").set_value("2018-02-01").run()
    assert _dates(at) == ["2018-02-01", "2018-02-01"]


def test_a_month_or_a_year_typed_selects_all_of_it_and_stays_as_typed():
    """Trial of issue 14: analysts type months; the fields take a day, a month or a year."""
    at = _run()
    at.text_input(key="t_from").set_value("2017-10").run()
    at.text_input(key="t_to").set_value("2017-10").run()
    assert _dates(at) == ["2017-10-01", "2017-10-31"]
    assert at.slider[0].value == (date(2017, 10, 1), date(2017, 10, 31))
    assert (at.text_input(key="t_from").value, at.text_input(key="t_to").value) == (
        "2017-10", "2017-10")  # what was typed stays as typed
    at.text_input(key="t_to").set_value("2018").run()
    assert _dates(at) == ["2017-10-01", "2018-11-13"]  # the end of the data, said so
    assert any("2018-12-31 is after the data's last date; 2018-11-13 is used" in w.value
               for w in at.warning)


def test_a_malformed_date_is_refused_with_a_clear_message_and_nothing_moves():
    at = _run({"d": ["2017-01-01", "2017-06-30"]})
    at.text_input(key="t_from").set_value("2017-13-01").run()
    assert not at.exception, [e.message for e in at.exception]
    assert _dates(at) == ["2017-01-01", "2017-06-30"]
    assert any("'2017-13-01': there is no month 13" in w.value and "From stays 2017-01-01"
               in w.value for w in at.warning)
    assert at.text_input(key="t_from").value == "2017-01-01"  # the field shows the date
    at.text_input(key="t_to").set_value("June 2017").run()
    assert any("'June 2017' is not a date: type a day (2016-03-05), a month (2016-03) or a "
               "year (2016)." in w.value for w in at.warning)


def _zoomed(at: AppTest) -> str | None:
    return next((c.value for c in at.caption if c.value.startswith("Zoomed to")), None)


def test_zoom_narrows_the_timeline_and_zoom_out_widens_it():
    at = _run({"d": ["2017-10-01", "2017-10-31"]})
    assert _zoomed(at) is None
    at.button(key="t-zoom-in").click().run()  # zoom to the selected dates
    caption = _zoomed(at)
    assert caption is not None
    first, last = caption.split(" of ")[0].removeprefix("Zoomed to ").split(" – ")
    assert "2017-09-01" < first <= "2017-10-01" and "2017-10-31" <= last < "2017-12-01"
    assert at.slider[0].value == (date(2017, 10, 1), date(2017, 10, 31))
    clicks = 0
    while not at.button(key="t-zoom-out").disabled and clicks < 20:
        at.button(key="t-zoom-out").click().run()  # zoom out, step by step
        clicks += 1
    assert 1 < clicks < 20  # the window doubles each time, back to the whole span
    assert _zoomed(at) is None
    assert at.slider[0].value == (date(2017, 10, 1), date(2017, 10, 31))


def test_playback_start_and_steps_move_the_dates_on():
    at = _run()
    at.selectbox(key="pb_step").set_value("month").run()
    at.button(key="pb-start").click().run()
    assert _dates(at) == ["2014-09-01", "2014-09-30"]
    at.button(key="pb-step").click().run()
    assert _dates(at) == ["2014-09-01", "2014-10-31"]  # cumulative: the start stays


def test_playback_moving_window_slides():
    at = _run()
    at.segmented_control(key="pb_mode").set_value("window").run()
    at.selectbox(key="pb_step").set_value("week").run()
    at.number_input(key="pb_window").set_value(2).run()
    at.button(key="pb-start").click().run()
    assert _dates(at) == ["2014-09-01", "2014-09-14"]
    at.button(key="pb-step").click().run()
    assert _dates(at) == ["2014-09-08", "2014-09-21"]


def test_a_typed_date_survives_a_stale_slider_and_a_real_drag_still_counts():
    """Trial 26: the slider's old range, sent back by a rerun the browser asked for
    before it had the typed run's slider, must not undo a typed date; once the browser
    has the new range, moving the slider (even back) is the analyst's."""
    at = _run()
    old = at.slider[0].value
    at.text_input(key="t_from").set_value("2017-10").run()
    at.slider[0].set_value(old).run()  # stale: the typed date stays
    assert _dates(at) == ["2017-10-01", old[1].isoformat()]
    assert at.text_input(key="t_from").value == "2017-10"
    at.run()  # the browser now sends the new range back
    at.slider[0].set_value(old).run()  # a real drag back to the whole span
    assert _dates(at) == [] or _dates(at) == [old[0].isoformat(), old[1].isoformat()]
    assert at.slider[0].value == old
