"""Picking a table row brings its incident into view (trial 24: after a search the
selected row's incident was off the map)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _pick_script() -> None:
    import streamlit as st

    from pages.shared import incident_list

    points = {"near": (36.2, 37.16), "far": (34.56, 38.27)}
    incident_list._picked("table", ["near", "far"], (), points)
    st.write("picked")


def _run(row: int, bounds: tuple[float, float, float, float] | None) -> AppTest:
    at = AppTest.from_function(_pick_script)
    at.session_state["table"] = {"selection": {"rows": [row], "columns": []}}
    at.session_state["map_bounds"] = bounds
    at.session_state["map_view"] = ((36.2, 37.15), 11)
    at.session_state["map_request"] = ((36.2, 37.15), 11)
    return at.run(timeout=30)


ALEPPO = (37.0, 36.1, 37.3, 36.3)


def test_a_picked_incident_off_the_map_is_panned_to_at_the_same_zoom():
    at = _run(1, ALEPPO)
    assert at.session_state["selected"] == "far"
    assert at.session_state["map_view"] == ((34.56, 38.27), 11)
    assert at.session_state["map_request"] == at.session_state["map_view"]


def test_a_picked_incident_in_view_leaves_the_map_where_it_is():
    at = _run(0, ALEPPO)
    assert at.session_state["selected"] == "near"
    assert at.session_state["map_view"] == ((36.2, 37.15), 11)


def _country_pick_script() -> None:
    import pandas as pd

    from pages.shared import incident_list

    rows = pd.DataFrame({"id": ["town", "syria"], "latitude": [36.2, 35.0],
                         "longitude": [37.16, 38.0], "off_map": ["", "country"],
                         "country": ["SY", "SY"]})
    incident_list._picked("table", ["town", "syria"], (), incident_list._points(rows))
    incident_list.placement_note(rows.iloc[1])
    incident_list.placement_note(rows.iloc[0])


def test_a_country_level_incident_picked_leaves_the_map_and_says_why():
    """Trial 26: picking "Syria" (placed only at country level) sent the map to the
    country's coordinates, 35.0, 38.0, where nothing is drawn."""
    at = AppTest.from_function(_country_pick_script)
    at.session_state["table"] = {"selection": {"rows": [1], "columns": []}}
    at.session_state["map_bounds"] = ALEPPO
    at.session_state["map_view"] = ((36.2, 37.15), 11)
    at.session_state["map_request"] = ((36.2, 37.15), 11)
    at.run(timeout=30)
    assert at.session_state["selected"] == "syria"
    assert at.session_state["map_request"] == ((36.2, 37.15), 11)
    assert at.session_state["map_view"] == ((36.2, 37.15), 11)
    (note,) = at.info  # said once: for the country-level incident, not the town's
    assert "placed only at country level (Syria)" in note.value


def test_a_store_row_without_off_map_is_judged_by_its_precision():
    import pandas as pd

    from pages.shared.incident_list import _points

    rows = pd.DataFrame({"id": ["a", "b"], "latitude": [36.2, 35.0],
                         "longitude": [37.1, 38.0], "geo_precision": [2, 4]})
    assert _points(rows) == {"a": (36.2, 37.1)}
