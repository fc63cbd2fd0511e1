"""The map image in store mode (geo/store/pg_image.py): the markers the database groups
draw frame mode's image, byte for byte; a large view is grouped on a grid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.render.layers import casualty_figure
from geo.render.map_image import MapSheet, map_image
from geo.store import pg_image
from geo.store.pg_image import image_marks
from geo.view.filters import FilterContext, apply_view
from geo.view.state import default_view
from geo.view.store_view import query_filter
from tests.test_store_search import _spellings, both  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgis

SHEET = MapSheet("Incident map", ["a view"], "http://x/map?v=1", ["Boundaries: test"])
BOUNDS = (36.0, 34.0, 38.0, 36.5)  # Aleppo and Homs, not Raqqa or Damascus


def _views(data):
    base = default_view(data.domain())
    return {"all": base, "dates": replace(base, date_from=date(2016, 3, 1),
                                          date_to=date(2016, 8, 31)),
            "search": replace(base, query="strike"), "nothing": replace(base, query="zzzz")}


def _expanded(marks: pd.DataFrame) -> list[tuple]:
    rows = marks.loc[marks.index.repeat(marks["count"])]
    return sorted(zip(rows["longitude"], rows["latitude"], rows["event_type"],
                      rows["geo_precision"].astype(int), rows["figure"].astype(float),
                      strict=True))


def test_marks_are_the_frames_incidents_and_draw_its_image(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    for name, state in _views(data).items():
        shown = data.incidents[apply_view(data.incidents, state, context).mask]
        drawable = shown[shown["off_map"] == ""]
        spec = query_filter(state, context=context)
        drawn = query.counts(spec).on_map
        assert drawn == len(drawable), name
        marks = image_marks(query, spec, None, drawn)
        want = sorted(zip(drawable["longitude"], drawable["latitude"],
                          drawable["event_type"], drawable["geo_precision"].fillna(1).astype(int),
                          casualty_figure(drawable).fillna(0).astype(float), strict=True))
        assert _expanded(marks) == want, name
        assert len(marks) < max(len(drawable), 1) or not len(drawable)  # grouped
        for bounds in (None, BOUNDS):
            inside = image_marks(query, spec, bounds, drawn)
            assert map_image(inside, SHEET, bounds=bounds, located=drawn) == \
                map_image(shown, SHEET, bounds=bounds), (name, bounds)


def test_marks_inside_the_bounds_only(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    spec = query_filter(default_view(data.domain()))
    drawn = query.counts(spec).on_map
    inside = image_marks(query, spec, BOUNDS, drawn)
    west, south, east, north = BOUNDS
    frame = data.incidents[(data.incidents["off_map"] == "")
                           & data.incidents["longitude"].between(west, east)
                           & data.incidents["latitude"].between(south, north)]
    assert 0 < inside["count"].sum() == len(frame) < drawn


def test_a_large_view_is_grouped_on_a_grid(both, monkeypatch):  # noqa: F811
    _, live, query = both
    spec = query_filter(default_view(live.current().domain()))
    drawn = query.counts(spec).on_map
    exact = image_marks(query, spec, None, drawn)
    monkeypatch.setattr(pg_image, "EXACT_MARKS", 10)
    grid = image_marks(query, spec, None, drawn)
    assert grid["count"].sum() == exact["count"].sum() == drawn
    # one mark per place (the fixture's places are far apart): its most frequent type,
    # the largest figure, solid when any of its incidents is precisely placed
    places = exact.groupby(["longitude", "latitude"])
    assert len(grid) == places.ngroups < len(exact)
    assert set(grid["event_type"]) <= set(exact["event_type"])
    assert grid["figure"].max() == exact["figure"].max()
    assert sorted(grid["geo_precision"]) == sorted(places["geo_precision"].min())
    png = map_image(grid, SHEET, located=drawn)
    assert png.startswith(b"\x89PNG")
