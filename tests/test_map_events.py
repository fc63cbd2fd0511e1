"""Reading what the analyst did on the map from st_folium's value (geo/map_events.py)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, Polygon

from geo.view.map_events import (
    RETURNED_OBJECTS,
    MapEvents,
    read_bounds,
    read_drawn_area,
    read_map_events,
    same_position,
)
from geo.view.params import MAX_VERTICES


def returned(count=3, lat=34.56778, lon=40.93417, **overrides):
    value = {
        "center": {"lat": 34.2, "lng": 39.5},
        "zoom": 7,
        "last_active_drawing": {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {},
        },
        "last_object_clicked_count": count,
    }
    value.update(overrides)
    return value


def test_nothing_reported_yet():
    assert read_map_events(None, 0) == MapEvents(None, None, None, 0)
    assert read_map_events(None, 5) == MapEvents(None, None, None, 5)


@pytest.mark.parametrize("garbage", ["map", 42, ["center"], b"\x00", object()])
def test_garbage_is_ignored(garbage):
    assert read_map_events(garbage, 2) == MapEvents(None, None, None, 2)


def test_a_real_value():
    events = read_map_events(returned(), 0)
    assert events.center == (34.2, 39.5)
    assert events.zoom == 7.0
    assert events.clicked == (34.56778, 40.93417)
    assert events.clicks == 3


def test_a_click_is_reported_once():
    first = read_map_events(returned(count=3), 0)
    assert first.clicked is not None
    again = read_map_events(returned(count=3), first.clicks)
    assert again.clicked is None
    assert again.center == (34.2, 39.5) and again.clicks == 3
    nxt = read_map_events(returned(count=4, lat=33.5, lon=38.6), again.clicks)
    assert nxt.clicked == (33.5, 38.6)


def test_a_remounted_map_counts_from_zero_again():
    events = read_map_events(returned(count=1), 7)
    assert events.clicked == (34.56778, 40.93417) and events.clicks == 1


def test_no_click_yet():
    events = read_map_events(returned(count=0), 0)
    assert events.clicked is None and events.clicks == 0
    assert read_map_events(returned(last_object_clicked_count=None), 0).clicked is None


@pytest.mark.parametrize(
    "drawing",
    [
        None,
        "Point",
        {"type": "Feature", "geometry": None},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 2]]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.9]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": "40.9,34.5"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["40.9", "34.5"]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.9, 95.0]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.9, float("nan")]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [True, 34.5]}},
    ],
)
def test_malformed_clicked_features_are_ignored(drawing):
    events = read_map_events(returned(last_active_drawing=drawing), 0)
    assert events.clicked is None
    assert events.center == (34.2, 39.5)


@pytest.mark.parametrize(
    ("center", "zoom"),
    [
        ({"lat": "34", "lng": 39.5}, "7"),
        ({"lat": 91.0, "lng": 39.5}, float("inf")),
        ({"lat": float("nan"), "lng": 39.5}, float("nan")),
        ({"lng": 39.5}, None),
        ([34.2, 39.5], True),
        ("34.2,39.5", [7]),
    ],
)
def test_malformed_center_and_zoom_are_ignored(center, zoom):
    events = read_map_events(returned(center=center, zoom=zoom), 0)
    assert events.center is None and events.zoom is None
    assert events.clicked == (34.56778, 40.93417)


def test_non_numeric_click_count_is_no_click():
    for count in ("3", float("nan"), float("inf"), None):
        events = read_map_events(returned(last_object_clicked_count=count), 0)
        assert events.clicked is None and events.clicks == 0


def test_the_page_asks_for_the_events_it_reads():
    assert set(RETURNED_OBJECTS) == {"center", "zoom", "bounds", "last_active_drawing",
                                     "last_object_clicked_count", "all_drawings"}


def test_same_position_tolerance_shrinks_with_zoom():
    a = (34.0, 39.0)
    near = (34.0 + 0.002, 39.0 - 0.002)
    assert same_position(a, a, 1)
    assert same_position(a, near, 6)  # ~0.022 degrees per 2 pixels
    assert not same_position(a, near, 12)  # ~0.00034 degrees per 2 pixels
    assert same_position(a, (34.0003, 39.0003), 12)
    assert not same_position(a, (34.0003, 39.0), 15)
    assert not same_position(a, (34.0, 39.5), 6)
    assert same_position(a, (34.0, 39.5), 6, pixels=100)


@pytest.mark.parametrize("zoom", range(1, 19))
def test_same_position_is_about_two_pixels(zoom):
    pixel = 360.0 / (256 * 2**zoom)
    a = (10.0, 20.0)
    assert same_position(a, (10.0 + 1.5 * pixel, 20.0 - 1.5 * pixel), zoom)
    assert not same_position(a, (10.0, 20.0 + 3 * pixel), zoom)
    assert not same_position(a, (10.0 - 3 * pixel, 20.0), zoom)


def _rectangle(west, south, east, north):
    ring = [[west, south], [west, north], [east, north], [east, south], [west, south]]
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_bounds_are_read_as_west_south_east_north():
    value = {"bounds": {"_southWest": {"lat": 35.1, "lng": 38.2},
                        "_northEast": {"lat": 36.9, "lng": 40.4}}}
    assert read_bounds(value) == (38.2, 35.1, 40.4, 36.9)


def test_bounds_past_the_whole_world_are_clipped():
    value = {"bounds": {"_southWest": {"lat": -80, "lng": -400},
                        "_northEast": {"lat": 80, "lng": 500}}}
    assert read_bounds(value) == (-180.0, -80.0, 180.0, 80.0)


@pytest.mark.parametrize("value", [
    None, {}, {"bounds": None}, {"bounds": {"_southWest": {"lat": 1, "lng": 2}}},
    {"bounds": {"_southWest": {"lat": 36, "lng": 38}, "_northEast": {"lat": 35, "lng": 40}}},
    {"bounds": {"_southWest": {"lat": "x", "lng": 38}, "_northEast": {"lat": 35, "lng": 40}}},
])
def test_malformed_bounds_are_ignored(value):
    assert read_bounds(value) is None


def test_a_drawn_rectangle_is_read_once():
    value = {"all_drawings": [_rectangle(38.5, 35.5, 39.5, 36.3)]}
    polygon, seen = read_drawn_area(value, None)
    assert polygon == ((38.5, 35.5), (38.5, 36.3), (39.5, 36.3), (39.5, 35.5))
    assert read_drawn_area(value, seen) == (None, seen)  # nothing new


def test_deleting_the_drawing_clears_the_area_and_no_report_keeps_it():
    polygon, seen = read_drawn_area({"all_drawings": [_rectangle(1, 1, 2, 2)]}, None)
    assert read_drawn_area({"all_drawings": None}, seen) == (None, seen)  # map remounted
    cleared, _ = read_drawn_area({"all_drawings": []}, seen)
    assert cleared == ()


def test_the_last_polygon_drawn_wins_and_points_are_not_areas():
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}}
    value = {"all_drawings": [_rectangle(1, 1, 2, 2), point, _rectangle(3, 3, 4, 4)]}
    polygon, _ = read_drawn_area(value, None)
    assert polygon == ((3, 3), (3, 4), (4, 4), (4, 3))
    assert read_drawn_area({"all_drawings": [point]}, None)[0] == ()


def test_a_polygon_with_too_many_vertices_is_simplified():
    circle = Point(39.0, 35.0).buffer(1.0, quad_segs=200)
    feature = {"geometry": {"type": "Polygon",
                            "coordinates": [[list(c) for c in circle.exterior.coords]]}}
    polygon, _ = read_drawn_area({"all_drawings": [feature]}, None)
    assert 3 <= len(polygon) <= MAX_VERTICES
    assert Polygon(polygon).area == pytest.approx(circle.area, rel=0.01)


@pytest.mark.parametrize("coords", [
    [[[0, 0], [1, 1], [0, 0]]],                 # fewer than 3 distinct corners
    [[[0, 0], [500, 1], [1, 0], [0, 0]]],       # out of range
    [[["a", 0], [1, 1], [1, 0], [0, 0]]],       # not numbers
    [],
])
def test_unusable_shapes_are_not_areas(coords):
    feature = {"geometry": {"type": "Polygon", "coordinates": coords}}
    assert read_drawn_area({"all_drawings": [feature]}, None)[0] == ()
