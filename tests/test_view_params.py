"""The analyst filters' URL parameters (geo/view/params.py through geo/view/state.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo.view.state import ViewDomain, decode_view, default_view, encode_view

AREAS = {"raqqa": "SY11", "ar-raqqa": "SY11", "sy11": "SY11",
         "tell abiad": "SY1102", "sy1102": "SY1102"}


def _resolve(name: str, level: int) -> str | None:
    code = AREAS.get(name.lower())
    return code if code is not None and len(code) == 2 + 2 * level else None


DOMAIN = ViewDomain(date(2016, 1, 1), date(2017, 12, 31), (35.0, 38.0), 7,
                    fingerprint="0a1b2c3d", resolve_area=_resolve)
DEFAULT = default_view(DOMAIN)


def as_lists(params):
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_every_new_filter_survives_the_round_trip():
    state = replace(
        DEFAULT, admin1=("SY11",), admin2=("SY1102",), actors=("IS", "SDF"),
        sources=("Airwars",), killed=(1, None), injured=(None, 10), civilian_deaths=(1, 50),
        violence=(1, 3), source_types=("Air/drone strike",),
        polygon=((38.9, 35.9), (39.1, 35.9), (39.1, 36.1)), bbox=(38.5, 35.5, 39.5, 36.5),
        center=(36.0, 39.0), zoom=8,  # a map showing those bounds
        compare=(date(2016, 1, 1), date(2016, 3, 31)), vague_in_totals=False,
    )
    params = encode_view(state, DOMAIN)
    assert params["vague"] == "0"
    assert params["min_killed"] == "1" and "max_killed" not in params
    assert params["poly"] == "38.9,35.9;39.1,35.9;39.1,36.1"
    assert (params["lat"], params["lon"], params["z"]) == ("36.00000", "39.00000", "8")
    back = decode_view(as_lists(params), DOMAIN)
    assert back == state and back.notes == ()


def test_an_old_link_decodes_to_no_new_filter():
    old = {"d": ["2016-02-01", "2016-03-01"], "type": ["airstrike"], "q": ["raqqa"],
           "lat": ["35.0"], "lon": ["38.0"], "z": ["8"], "v": ["0a1b2c3d"]}
    state = decode_view(old, replace(DOMAIN, event_types=("airstrike", "clashes")))
    assert state.notes == ()
    assert (state.admin1, state.actors, state.killed, state.polygon, state.bbox) == (
        (), (), (None, None), (), None)
    assert state.query == "raqqa" and state.event_types == ("airstrike",)


def test_an_area_in_any_spelling_is_kept_as_its_pcode():
    state = decode_view({"admin1": ["Ar-Raqqa", "raqqa"]}, DOMAIN)
    assert state.admin1 == ("SY11",) and state.notes == ()
    assert encode_view(state, DOMAIN)["admin1"] == ["SY11"]


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"admin1": ["Atlantis"]}, "unknown governorate 'Atlantis'"),
        ({"min_killed": ["lots"]}, "'min_killed=lots'"),
        ({"min_killed": ["-3"]}, "out of range"),
        ({"min_killed": ["9"], "max_killed": ["2"]}, "minimum is above the maximum"),
        ({"violence": ["7"]}, "unknown type of violence '7'"),
        ({"poly": ["1,2;3"]}, "drawn area"),
        ({"poly": ["1,2;1,2;3,4"]}, "3 distinct vertices"),
        ({"poly": ["500,2;3,4;5,6"]}, "out of range"),
        ({"bbox": ["1,2,3"]}, "west,south,east,north"),
        ({"bbox": ["1,50,3,40"]}, "(south 50 is north of north 40)"),
        ({"bbox": ["39.5,35.5,38.5,36.5"]}, "(west 39.5 is east of east 38.5)"),
        ({"bbox": ["39.5,36.5,38.5,35.5"]},
         "(west 39.5 is east of east 38.5; south 36.5 is north of north 35.5)"),
        ({"bbox": ["38,35,38,36"]}, "(west and east are both 38: the box is empty)"),
        ({"bbox": ["200,35,39,95"]}, "(out of range: west 200, north 95;"),
        ({"compare": ["2016-01-01"]}, "needs two dates"),
        ({"vague": ["no"]}, "Ignored 'vague=no' in the link (expected 0 or 1)"),
        ({"compare": ["2010-01-01", "2010-02-01"]}, "outside the data"),
    ],
)
def test_a_malformed_filter_falls_back_with_a_named_note(params, note):
    state = decode_view(params, DOMAIN)
    assert any(note in n for n in state.notes), state.notes
    base = replace(state, notes=())
    assert base == replace(DEFAULT, admin1=state.admin1)  # everything else at its default


def test_unknown_range_parameter_is_still_reported():
    state = decode_view({"killed": ["3"]}, DOMAIN)
    assert any("unknown link parameter 'killed'" in n for n in state.notes)


def test_a_link_with_bounds_and_no_position_opens_on_the_bounds():
    state = decode_view({"bbox": ["38.5,35.5,39.5,36.5"]}, DOMAIN)
    (lat, lon), zoom = state.center, state.zoom
    assert 35.5 < lat < 36.5 and 38.5 < lon < 39.5 and zoom > DOMAIN.zoom
    assert state.bbox == (38.5, 35.5, 39.5, 36.5) and state.notes == ()


def test_a_link_whose_position_is_elsewhere_than_its_bounds_is_fitted_with_a_note():
    params = {"bbox": ["38.5,35.5,39.5,36.5"], "lat": ["33.5"], "lon": ["36.3"], "z": ["9"]}
    state = decode_view(params, DOMAIN)
    assert 35.5 < state.center[0] < 36.5 and 38.5 < state.center[1] < 39.5
    (note,) = state.notes
    assert "does not show its bounds" in note and "fitted to the bounds" in note
    far_out = decode_view({**params, "lat": ["36"], "lon": ["39"], "z": ["2"]}, DOMAIN)
    assert far_out.zoom != 2 and len(far_out.notes) == 1  # zoomed out to a continent
    shown = decode_view({**params, "lat": ["36"], "lon": ["39"], "z": ["8"]}, DOMAIN)
    assert (shown.center, shown.zoom, shown.notes) == ((36.0, 39.0), 8, ())


def test_vague_incidents_left_out_of_the_totals_travel_in_the_link():
    assert "vague" not in encode_view(DEFAULT, DOMAIN)  # the default: counted
    assert decode_view({"vague": ["0"]}, DOMAIN).vague_in_totals is False
    assert decode_view({"vague": ["1"]}, DOMAIN) == DEFAULT


@pytest.mark.parametrize("raw, note", [
    ("35.95;39.01", "expected latitude,longitude"), ("95,39", "expected latitude,longitude"),
    ("35.9,nan", "expected latitude,longitude"), ("35.9", "expected latitude,longitude")])
def test_the_listed_place_survives_the_round_trip_and_a_bad_one_is_named(raw, note):
    state = replace(DEFAULT, listed=(35.952829, 39.007879))  # rounded as the map keys it
    params = encode_view(state, DOMAIN)
    assert params["at"] == "35.95283,39.00788"
    assert decode_view(as_lists(params), DOMAIN).listed == (35.95283, 39.00788)
    bad = decode_view({"at": [raw]}, DOMAIN)
    assert bad.listed is None and any(note in n and raw in n for n in bad.notes)
