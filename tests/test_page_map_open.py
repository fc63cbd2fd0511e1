"""Where the map goes when a link selects an incident or a place is shown (analyst trial
of issue 14), in both modes of the map page: a ``?sel=ID`` link without a position opens
on that incident and its uncertainty circle (it opened at country zoom), and the link
carries the position of a place shown from the ranking at once (it kept the old position
until the map reported the new one, 3-6 s later)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.render.fit import SELECTED_MAX_ZOOM
from geo.view.extent import circle_bounds
from pages.shared import place_tab
from tests.helpers.store_data import app_on_postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MODES = ["frame", "store"]
pytestmark = pytest.mark.postgis


def _rows() -> list[dict[str, str]]:
    """40 incidents at 20 places over Syria; ``u07`` placed within 25 km."""
    rows = [{"id": f"u{i:02d}", "place": f"Place {i % 20}", "country": "SY",
             "latitude": f"{33.1 + (i % 20) * 0.2:.4f}",
             "longitude": f"{36.3 + (i % 20) * 0.2:.4f}",
             "event_type": "airstrike", "claim_status": "reported",
             "killed_min": "1", "killed_max": "3", "source_name": "UCDP GED",
             "date_start": f"2016-{1 + i % 12:02d}-10"} for i in range(40)]
    rows[7].update({"geo_precision": "2", "location_uncertainty_km": "25"})
    return rows


@pytest.fixture
def store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as opened:
        yield opened


def _open(mode: str, monkeypatch, params: dict[str, list[str]]) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in params.items():
        at.query_params[name] = values
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _fit(at: AppTest) -> dict | None:
    """What the map is asked to fit in the browser (None: no fit)."""
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    if "fitBounds" not in script:
        return None
    start = script.index('{"b": ')
    return json.JSONDecoder().raw_decode(script[start:])[0]


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _map_reports(at: AppTest, lat: float, lon: float, zoom: int) -> AppTest:
    at.session_state["incident_map"] = {
        "center": {"lat": lat, "lng": lon}, "zoom": zoom,
        "bounds": {"_southWest": {"lat": lat - 1, "lng": lon - 2},
                   "_northEast": {"lat": lat + 1, "lng": lon + 2}}}
    return _run(at)


@pytest.mark.parametrize("mode", MODES)
def test_a_selection_link_without_a_position_opens_on_the_incident(store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"sel": ["u07"]})
    lat, lon = 33.1 + 7 * 0.2, 36.3 + 7 * 0.2
    fit = _fit(at)
    assert fit is not None
    # the incident and its 25 km circle, closer than a fit on the data goes
    assert fit["b"] == pytest.approx(list(circle_bounds(lat, lon, 25_000)), abs=1e-4)
    assert fit["max"] == SELECTED_MAX_ZOOM
    (center_lat, center_lon), zoom = at.session_state["map_request"]
    assert abs(center_lat - lat) < 0.05 and abs(center_lon - lon) < 0.05 and zoom >= 8
    # its details are shown
    assert any("Place 7" in m.value for m in at.markdown)
    assert not any("Click an incident on the map" in i.value for i in at.info)
    # the map reports where it fitted itself: the link carries that position and the
    # selection, and reopens exactly there
    _map_reports(at, 34.52, 37.71, 11)
    assert (_param(at, "lat"), _param(at, "lon"), _param(at, "z"), _param(at, "sel")) == (
        ["34.52000"], ["37.71000"], ["11"], ["u07"])
    again = _open(mode, monkeypatch, {k: _param(at, k) for k in at.query_params})
    assert _fit(again) is None
    assert again.session_state["map_request"] == ((34.52, 37.71), 11)


@pytest.mark.parametrize("mode", MODES)
def test_a_selected_incident_shows_its_details_above_the_others_at_its_place(
        store, monkeypatch, mode):
    # re-trial 23: a link to one of Manbij's 129 incidents showed the 20-row list of them
    # first and the selected incident's details below it, off screen
    at = _open(mode, monkeypatch, {"sel": ["u07"]})
    texts = [m.value for m in at.markdown]
    details = next(i for i, t in enumerate(texts) if "u07" in t)
    listed = next(i for i, t in enumerate(texts) if "pick one to see it" in t)
    assert details < listed
    # with nothing selected, a place's list comes alone
    assert not any("pick one to see it" in t for t in [m.value for m in _open(
        mode, monkeypatch, {}).markdown])


@pytest.mark.parametrize("mode", MODES)
def test_a_selection_link_with_a_position_keeps_it(store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"sel": ["u07"], "lat": ["35"], "lon": ["38"], "z": ["7"]})
    assert _fit(at) is None
    assert at.session_state["map_request"] == ((35.0, 38.0), 7)


@pytest.mark.parametrize("mode", MODES)
def test_a_place_shown_from_the_ranking_is_in_the_link_at_once(store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"lat": ["34.5"], "lon": ["38.0"], "z": ["7"]})
    _map_reports(at, 34.5, 38.0, 7)  # the map drawn there reported its position
    at.session_state["totals_tab"] = "By area"  # what clicking the tab does
    _run(at)
    at.selectbox(key="area-level").set_value(place_tab.PLACES)
    _run(at)
    pick = at.selectbox(key=place_tab.PICK_KEY)
    label = next(o for o in pick.options if "Place 3 " in o)
    pick.set_value(label)
    _run(at)  # the map's value still holds its old report in this run
    place = (round(33.1 + 3 * 0.2, 5), round(36.3 + 3 * 0.2, 5))
    assert at.session_state["map_view"] == (place, place_tab.PLACE_ZOOM)
    assert (_param(at, "lat"), _param(at, "lon"), _param(at, "z")) == (
        [f"{place[0]:.5f}"], [f"{place[1]:.5f}"], [str(place_tab.PLACE_ZOOM)])
    share = next(c.value for c in at.code if "lat=" in c.value)
    assert f"lat={place[0]:.5f}" in share and f"z={place_tab.PLACE_ZOOM}" in share
    # the map, moved there, reports it; then a move of the analyst's own is followed
    _map_reports(at, place[0], place[1], place_tab.PLACE_ZOOM)
    assert _param(at, "z") == [str(place_tab.PLACE_ZOOM)]
    _map_reports(at, 35.0, 37.0, 9)
    assert (_param(at, "lat"), _param(at, "z")) == (["35.00000"], ["9"])


def _payload(at: AppTest) -> dict:
    """The incident layer's data the map is sent."""
    (component,) = at.get("component_instance")
    text = json.loads(component.proto.json_args)["feature_group"]
    start = text.index('{"agg":')
    return json.JSONDecoder().raw_decode(text[start:])[0]


@pytest.mark.parametrize("mode", MODES)
def test_aggregates_carry_deaths_per_claimant_and_top_places(store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"lat": ["34.5"], "lon": ["38.0"], "z": ["6"]})
    agg = _payload(at)["agg"]
    assert agg["n"] and agg["cn"] == ["UCDP GED"]
    for i, n in enumerate(agg["n"]):
        # one claimant: one total of the aggregate's incidents (each 1-3 killed)
        (claimant, incidents, known, low, high, *_) = agg["kc"][i]
        assert (claimant, incidents, known, low, high) == (0, n, n, n, 3 * n)
        names = agg["tp"][i][0::2]
        assert names and all(name.startswith("Place ") for name in names)
        assert sum(agg["tp"][i][1::2]) <= n


def test_store_mode_names_the_bound_past_which_details_are_left_out(store, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_MAP_DETAILS_MAX", "5")
    at = _open("store", monkeypatch, {"lat": ["34.5"], "lon": ["38.0"], "z": ["6"]})
    agg = _payload(at)["agg"]
    assert agg["dlo"] == 5 and agg["n"]
    assert all(not entries for entries in agg["kc"])
