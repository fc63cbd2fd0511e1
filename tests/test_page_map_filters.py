"""The analyst filters of the map page through AppTest: areas in any spelling, casualty
ranges, a drawn area and the map bounds from a link, and what a printout says."""

from __future__ import annotations

from pathlib import Path

import shapely
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RING = "38.5,35.5;38.5,36.4;39.5,36.4;39.5,35.5"  # around the seed's Raqqah


def _run(params: dict[str, list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _shown(at: AppTest) -> str:
    line = next(m.value for m in at.markdown if m.value.startswith("**Showing"))
    return line.split("**")[1]


def test_an_area_named_in_a_link_in_any_spelling_becomes_its_p_code():
    at = _run({"admin1": ["Rakka"]})
    assert _param(at, "admin1") == ["SY11"]
    assert at.multiselect(key="f_admin1").value == ["SY11"]
    assert _shown(at) == "Showing 1 of 5 incidents"


def test_an_area_typed_in_the_sidebar_is_resolved():
    at = _run()
    at.multiselect(key="f_admin1").set_value(["الرقة"]).run()
    assert not at.exception
    assert at.multiselect(key="f_admin1").value == ["SY11"]
    assert _param(at, "admin1") == ["SY11"]
    at.multiselect(key="f_admin1").set_value(["Atlantis"]).run()
    assert any("No single area is called 'Atlantis'" in w.value for w in at.warning)
    assert _param(at, "admin1") == []


def test_a_casualty_range_filters_and_goes_into_the_link():
    at = _run()
    at.number_input(key="f_killed_min").set_value(1).run()
    assert _param(at, "min_killed") == ["1"]
    assert "filtered out by killed" in next(m.value for m in at.markdown
                                            if m.value.startswith("**Showing"))


def test_a_drawn_area_from_a_link_filters_and_can_be_cleared():
    at = _run({"poly": [RING]})
    assert _shown(at) == "Showing 1 of 5 incidents"
    assert _param(at, "poly") == [RING]
    at.button(key="clear-area").click().run()
    assert _shown(at) == "Showing 5 of 5 incidents"
    assert _param(at, "poly") == []


def test_map_bounds_from_a_link_turn_following_on_and_off():
    at = _run({"bbox": ["38.5,35.5,39.5,36.4"]})
    assert at.toggle(key="f_follow").value is True
    assert _shown(at) == "Showing 1 of 5 incidents"
    at.toggle(key="f_follow").set_value(False).run()
    assert _shown(at) == "Showing 5 of 5 incidents"
    assert _param(at, "bbox") == []


def test_links_made_before_the_analyst_filters_still_open():
    at = _run({"d": ["2017-10-01", "2018-11-13"], "type": ["bombing"], "undated": ["0"]})
    assert not at.warning
    assert _param(at, "d") == ["2017-10-01", "2018-11-13"]
    assert _param(at, "type") == ["bombing"]


def _map_reports(at: AppTest, center: tuple[float, float], zoom: int,
                 bounds: tuple[float, float, float, float]) -> AppTest:
    """What the map sends back once drawn or moved (its whole screen's bounds)."""
    west, south, east, north = bounds
    at.session_state["incident_map"] = {
        "center": {"lat": center[0], "lng": center[1]}, "zoom": zoom,
        "bounds": {"_southWest": {"lat": south, "lng": west},
                   "_northEast": {"lat": north, "lng": east}},
    }
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_links_bounds_are_the_view_until_the_map_moves():
    bbox = (38.5, 35.5, 39.5, 36.4)
    at = _run({"bbox": [",".join(map(str, bbox))]})
    (lat, lon), zoom = at.session_state["map_request"]
    assert shapely.box(*bbox).contains(shapely.Point(lon, lat)) and zoom >= 7  # fitted
    assert float(_param(at, "lat")[0]) == lat and _param(at, "z") == [str(zoom)]
    assert not at.warning
    # The map, drawn where the link put it, reports its whole screen: the link's bounds
    # still count (the whole screen holds the 5 seed incidents).
    _map_reports(at, (lat, lon), zoom, (30.0, 30.0, 45.0, 40.0))
    assert _shown(at) == "Showing 1 of 5 incidents"
    assert _param(at, "bbox") == ["38.5,35.5,39.5,36.4"]
    # Once the analyst moves the map, the counts follow it.
    _map_reports(at, (lat + 1.0, lon), zoom, (30.0, 30.0, 45.0, 40.0))
    assert _shown(at) != "Showing 1 of 5 incidents"
    assert _param(at, "bbox") == ["30,30,45,40"]


def test_a_link_whose_position_does_not_show_its_bounds_says_the_bounds_are_used():
    at = _run({"bbox": ["38.5,35.5,39.5,36.4"], "lat": ["10"], "lon": ["10"], "z": ["5"]})
    (lat, lon), _ = at.session_state["map_request"]
    assert 35.5 < lat < 36.4 and 38.5 < lon < 39.5
    assert any("does not show its bounds" in w.value and "fitted to the bounds" in w.value
               for w in at.warning)
    assert _shown(at) == "Showing 1 of 5 incidents"


def test_a_link_whose_position_shows_its_bounds_opens_there():
    at = _run({"bbox": ["38.5,35.5,39.5,36.4"], "lat": ["36"], "lon": ["39"], "z": ["8"]})
    assert at.session_state["map_request"] == ((36.0, 39.0), 8)
    assert not at.warning


def test_a_type_the_data_lacks_is_named_with_where_to_look():
    # trial of issue 14: UCDP data codes only clashes / other; "airstrike" gave 0
    # with no hint. The sample data has no massacre.
    at = _run({"type": ["massacre"]})
    note = next(w.value for w in at.warning if "could not be used" in w.value)
    assert "No incident in this data has the event type 'massacre' \\(its types\\: " in note
    assert "Type of violence \\(UCDP\\) and Actor may say more" in note
    assert "massacre" not in at.multiselect(key="f_types").options
    assert _shown(at) == "Showing 5 of 5 incidents"  # the type was left out, not 0 shown
    caption = next(c.value for c in at.caption if c.value.startswith("No record here has"))
    assert "(shelling, ground attack, clashes, …)" in caption
    assert "Type of violence (UCDP) and Actor below may say more" in caption
