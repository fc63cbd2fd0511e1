"""The map's opening view in both modes of the map page (trial 21 of issue 14): a link
without a map position opens fitted to the incidents its filters show, fitted in the
browser (the server does not know the map's width); a link with a position opens
exactly there; the link written after the fit carries the fitted position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from pages.shared import map_fit
from tests.helpers.store_data import app_on_postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
POLY = "37.9,33.5;39.5,33.5;39.5,35.0;37.9,35.0"
"""A drawn area holding a part of the rows' places (a filter, not a position)."""


def _rows() -> list[dict[str, str]]:
    """60 incidents at 20 places over central Syria, and one off the map."""
    rows = [{"id": f"f{i:02d}", "place": f"Place {i % 20}", "country": "SY",
             "latitude": f"{33.1 + (i % 20) * 0.15:.4f}",
             "longitude": f"{36.3 + (i % 20) * 0.17:.4f}",
             "event_type": "airstrike", "claim_status": "reported",
             "date_start": f"2016-{1 + i % 12:02d}-10"} for i in range(60)]
    rows.append({"id": "nowhere", "place": "Atlantis", "date_start": "2016-05-05",
                 "event_type": "airstrike"})
    return rows


def _bounds(rows: list[dict[str, str]], area: str | None = None) -> list[float]:
    ring = shapely.Polygon([tuple(map(float, v.split(","))) for v in area.split(";")]) \
        if area else None
    points = [(float(r["longitude"]), float(r["latitude"])) for r in rows if "latitude" in r]
    points = [p for p in points if ring is None or ring.covers(shapely.Point(p))]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [min(lons), min(lats), max(lons), max(lats)]


@pytest.fixture
def store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as opened:
        yield opened


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _open(mode: str, monkeypatch, params: dict[str, list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    return _run(at)


def _map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def _fit(at: AppTest) -> list[float] | None:
    """The bounds the map is asked to fit in the browser (None: no fit)."""
    script = _map_args(at)["script"]
    if "fitBounds" not in script:
        return None
    start = script.index('{"b": ')
    return json.JSONDecoder().raw_decode(script[start:])[0]["b"]


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _position(at: AppTest) -> tuple[float, float, int]:
    """The map position the page's link holds."""
    return (float(_param(at, "lat")[0]), float(_param(at, "lon")[0]), int(_param(at, "z")[0]))


def _map_reports(at: AppTest, lat: float, lon: float, zoom: int) -> AppTest:
    at.session_state["incident_map"] = {
        "center": {"lat": lat, "lng": lon}, "zoom": zoom,
        "bounds": {"_southWest": {"lat": lat - 1, "lng": lon - 2},
                   "_northEast": {"lat": lat + 1, "lng": lon + 2}}}
    return _run(at)


pytestmark = pytest.mark.postgis
MODES = ["frame", "store"]


@pytest.mark.parametrize("mode", MODES)
def test_a_link_without_a_position_opens_fitted_to_its_filtered_incidents(
        store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"poly": [POLY]})
    wanted = _bounds(_rows(), POLY)
    assert wanted != _bounds(_rows())  # the filter leaves out some places
    assert _fit(at) == pytest.approx(wanted)
    # st_folium gets no centre or zoom: it would move the map back to the server's guess
    assert _map_args(at)["center"] is None and _map_args(at)["zoom"] is None
    (lat, lon), _ = at.session_state["map_request"]
    assert shapely.box(*wanted).covers(shapely.Point(lon, lat))  # the first guess


@pytest.mark.parametrize("mode", MODES)
def test_a_link_with_no_parameter_opens_fitted_to_every_incident(store, monkeypatch, mode):
    at = _open(mode, monkeypatch)
    assert _fit(at) == pytest.approx(_bounds(_rows()))


@pytest.mark.parametrize("mode", MODES)
def test_a_link_with_a_position_opens_exactly_there_and_is_never_refitted(
        store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"poly": [POLY], "lat": ["34.1"], "lon": ["38.2"],
                                   "z": ["9"]})
    assert _fit(at) is None
    args = _map_args(at)
    assert args["center"] == [34.1, 38.2] and args["zoom"] == 9
    assert at.session_state["map_request"] == ((34.1, 38.2), 9)
    _map_reports(at, 34.1, 38.2, 9)
    assert _fit(at) is None
    assert _position(at) == (34.1, 38.2, 9)


@pytest.mark.parametrize("mode", MODES)
def test_the_link_after_the_fit_carries_the_fitted_position_without_a_loop(
        store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"poly": [POLY]})
    script = _map_args(at)["script"]
    # the map fitted itself in the browser and reports where it is
    _map_reports(at, 34.25, 38.7, 8)
    assert _position(at) == (34.25, 38.7, 8)
    assert _param(at, "poly")  # the filter stays
    # the same base map (streamlit-folium keeps it: no refit, no move back)
    assert _map_args(at)["script"] == script and _map_args(at)["center"] is None
    _map_reports(at, 34.25, 38.7, 8)
    assert _map_args(at)["script"] == script
    # the link reopens exactly there
    again = _open(mode, monkeypatch, {name: _param(at, name) for name in at.query_params})
    assert _fit(again) is None
    assert again.session_state["map_request"] == ((34.25, 38.7), 8)


@pytest.mark.parametrize("mode", MODES)
def test_fit_button_and_reset_fit_again_in_the_browser(store, monkeypatch, mode):
    at = _open(mode, monkeypatch, {"poly": [POLY], "lat": ["36"], "lon": ["40"], "z": ["9"]})
    assert _fit(at) is None
    at.button(key="fit-map").click()
    _run(at)
    assert _fit(at) == pytest.approx(_bounds(_rows(), POLY))
    first = map_fit.requested()
    # asked again after a move: a new request, so the map is made again and refits
    _map_reports(at, 36.0, 40.0, 9)
    at.button(key="fit-map").click()
    _run(at)
    assert _fit(at) == pytest.approx(_bounds(_rows(), POLY))
    assert at.session_state[map_fit.FIT][2] > (first[1] if first else 0)
    next(b for b in at.button if b.label == "Reset view").click()
    _run(at)
    assert _fit(at) == pytest.approx(_bounds(_rows()))
    assert not _param(at, "poly")
