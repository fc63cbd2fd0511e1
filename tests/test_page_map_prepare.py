"""The map page computes a new view's costly parts before it draws anything (AppTest).

Its aggregates, the timeline chart and the Totals tab's tables are computed (once each,
cached for every session) before the page's title, so that the browser gets the page in
one burst; the elements drawn later find them in the caches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages.shared import map_data

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEADER = ("id,date_start,date_end,date_precision,place,country,latitude,longitude,geo_precision,"
          "event_type,killed_min,killed_max,source_name,claimed_by,claim_status")
ROWS = (
    "p1,2017-10-12,2017-10-12,day,Raqqa,SY,35.95,39.01,1,airstrike,10,15,Airwars,Airwars,"
    "contested",
    "p2,2017-10-14,2017-10-14,day,Tabqa,SY,35.84,38.55,1,shelling,1,2,SOHR,SOHR,reported",
    # dated to its year only: vaguer than the window (the Totals tab's note and its totals)
    "p3,2017-01-01,2017-12-31,year,Aleppo,SY,36.2,37.15,1,shelling,5,5,SOHR,SOHR,reported",
    "p4,,,unknown,Homs,SY,34.73,36.71,1,airstrike,2,2,SOHR,SOHR,reported",
)
COMPUTED = ("aggregate", "timeline", "totals", "straddling")


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    monkeypatch.setenv("INCIDENT_MAP_DATA", str(path))
    for cache in (map_data._aggregates, map_data._timeline_spec, map_data._timeline,
                  map_data._view_total, map_data._located_bounds):
        cache.clear()
    seen: list[str] = []

    def logged(name, function):
        def call(*args, **kwargs):
            seen.append(name)
            return function(*args, **kwargs)
        return call

    for name, attribute in (("aggregate", "aggregate"), ("timeline", "timeline_spec_of"),
                            ("totals", "totals_of"), ("straddling", "straddling_of")):
        monkeypatch.setattr(map_data, attribute, logged(name, getattr(map_data, attribute)))
    monkeypatch.setattr(st, "title", logged("title", st.title))
    return seen


def _before_and_after_title(seen: list[str]) -> tuple[list[str], list[str]]:
    at = seen.index("title")
    return seen[:at], seen[at + 1:]


def test_a_new_view_is_computed_before_the_first_element_and_once(log):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["d"] = ["2017-10-01", "2017-10-31"]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    before, after = _before_and_after_title(log)
    assert not [name for name in after if name in COMPUTED]
    # the map, the timeline, the totals of all and of the vague part, the straddling note
    assert before.count("aggregate") == 1
    assert before.count("timeline") == 1
    assert before.count("totals") == 2
    assert before.count("straddling") == 1
    # what was computed is what the page shows: the Totals tab counts the view's incidents
    assert {m.label: m.value for m in at.metric}["Incidents"] == "4"

    # Another view (without the undated incident): computed anew, again before the title.
    log.clear()
    at.sidebar.checkbox(key="f_undated").uncheck().run()
    assert not at.exception, [e.message for e in at.exception]
    before, after = _before_and_after_title(log)
    assert not [name for name in after if name in COMPUTED]
    assert before.count("aggregate") == 1
    assert {m.label: m.value for m in at.metric}["Incidents"] == "3"


def test_another_tab_open_computes_no_totals_before_the_title(log):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["d"] = ["2017-10-01", "2017-10-31"]
    at.session_state["totals_tab"] = "By area"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    before, _ = _before_and_after_title(log)
    assert "aggregate" in before and "totals" not in before
