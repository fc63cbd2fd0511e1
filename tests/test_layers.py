"""Folium layers: grouping, marker sizes, rendering with local assets (geo/layers.py)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geo.render import layers
from geo.render.layers import (
    SEVERAL_COLOR,
    UNCERTAINTY_METRES,
    IncidentPoints,
    base_map,
    casualty_figure,
    group_by_place,
    ids_at,
    incident_group,
    marker_radius,
)
from geo.settings import DEFAULT_TILES, Settings, load_settings
from geo.view.extent import fit_view
from geo.vocab import EVENT_COLORS, EVENT_TYPES
from tests.helpers.incidents import RAQQAH, joined, row

XSS = "</script><img src=x onerror=alert(1)>"

FRAME = joined(
    # three incidents at one site, of two types, dated out of order
    row(id="c", date_start="2017-10-05", latitude="34.5", longitude="40.9",
        event_type="airstrike", killed_max="4"),
    row(id="a", date_start="2017-10-01", latitude="34.500001", longitude="40.899999",
        event_type="shelling", injured_min="5"),
    row(id="b", latitude="34.5", longitude="40.9", event_type="airstrike"),
    row(id="d", date_start="2017-10-01", latitude="34.5", longitude="40.9",
        event_type="airstrike"),
    # one incident at a resolved place
    row(id="r", place="Raqqah", event_type="bombing", date_start="2017-10"),
    # approximate locations
    row(id="near", latitude="33.0", longitude="38.0", geo_precision="2", event_type="other"),
    row(id="region", latitude="35.0", longitude="40.5", geo_precision="3",
        event_type="other"),
    # not drawn
    row(id="country", latitude="35.0", longitude="38.5", geo_precision="4"),
    row(id="nowhere", place="Atlantis"),
)


def places_by_id(groups):
    """Place rows keyed by the sorted ids drawn there."""
    out = {}
    for key, ids in groups.member_ids.items():
        match = groups.places[(groups.places["lat"] == key[0]) &
                              (groups.places["lon"] == key[1])]
        assert len(match) == 1
        out[tuple(sorted(ids))] = match.iloc[0]
    return out


def payload(groups, selected=None):
    return json.loads(IncidentPoints(groups, selected).payload)


def render(fmap, groups=None, selected=None):
    if groups is not None:
        fmap.add_child(incident_group(groups, selected))
    return fmap.get_root().render()


# --- grouping ------------------------------------------------------------------------


def test_incidents_at_one_point_become_one_place_with_a_count():
    groups = group_by_place(FRAME)
    assert len(groups.places) == 4  # site, Raqqah, near, region
    site = places_by_id(groups)[("a", "b", "c", "d")]
    assert site["count"] == 4
    assert (site["lat"], site["lon"]) == (34.5, 40.9)
    assert places_by_id(groups)[("r",)]["count"] == 1


def test_several_types_at_one_place_get_the_several_colour():
    groups = group_by_place(FRAME)
    by_ids = places_by_id(groups)
    colors = payload(groups)["colors"]
    assert colors[int(by_ids[("a", "b", "c", "d")]["color"])] == SEVERAL_COLOR
    raqqah = by_ids[("r",)]
    assert colors[int(raqqah["color"])] == EVENT_COLORS["bombing"]
    assert int(raqqah["color"]) == EVENT_TYPES.index("bombing")


def test_one_type_at_one_place_keeps_its_colour():
    groups = group_by_place(FRAME[FRAME["id"].isin(["b", "c", "d"])])
    [color] = groups.places["color"].tolist()
    assert payload(groups)["colors"][color] == EVENT_COLORS["airstrike"]


def test_off_map_incidents_are_not_drawn():
    groups = group_by_place(FRAME)
    drawn = {i for ids in groups.member_ids.values() for i in ids}
    assert drawn == {"a", "b", "c", "d", "r", "near", "region"}


def test_members_are_ordered_by_date_undated_last():
    groups = group_by_place(FRAME)
    assert groups.member_ids[(34.5, 40.9)] == ["a", "d", "c", "b"]


def test_ids_at_returns_all_incidents_at_a_clicked_point_by_date():
    assert ids_at(FRAME, 34.5, 40.9) == ["a", "d", "c", "b"]
    assert ids_at(FRAME, 34.5000004, 40.8999996) == ["a", "d", "c", "b"]
    assert ids_at(FRAME, RAQQAH.latitude, RAQQAH.longitude) == ["r"]
    assert ids_at(FRAME, 35.0, 38.5) == []  # country-level incident is not drawn
    assert ids_at(FRAME, 0.0, 0.0) == []


def test_empty_frame_groups_to_nothing_and_renders():
    groups = group_by_place(FRAME.iloc[:0])
    assert len(groups.places) == 0 and groups.member_ids == {}
    assert payload(groups)["lat"] == []
    render(base_map(Settings(tiles="none"), (34.0, 39.0), 6), groups)


# --- casualties and marker size -----------------------------------------------------


def _casualties(**columns):
    frame = pd.DataFrame({c: pd.array(columns.get(c, [None]), dtype="Int64") for c in (
        "killed_min", "killed_max", "injured_min", "injured_max", "casualties_min",
        "casualties_max")})
    return casualty_figure(frame).tolist()


def test_casualty_figure_adds_dead_and_injured_at_their_upper_bound():
    assert _casualties(killed_min=[2], killed_max=[5], injured_min=[3]) == [8]
    assert _casualties(killed_min=[2]) == [2]
    assert _casualties(injured_max=[7]) == [7]


def test_casualty_figure_uses_a_larger_combined_figure():
    assert _casualties(killed_max=[5], casualties_min=[61]) == [61]
    assert _casualties(killed_max=[70], casualties_min=[61]) == [70]


def test_unknown_casualties_stay_unknown():
    assert pd.isna(_casualties()[0])
    assert _casualties(killed_min=[0]) == [0]


def test_marker_radius_grows_with_casualties():
    radius = marker_radius(pd.Series([None, 0, 1, 10, 100, 10_000], dtype="Float64"))
    assert radius[0] == radius[1] == 6
    assert list(radius[1:5]) == sorted(radius[1:5]) and radius[2] < radius[3] < radius[4]
    assert radius.max() <= 30


def test_place_radius_reflects_the_casualties_of_its_incidents():
    by_ids = places_by_id(group_by_place(FRAME))
    assert by_ids[("a", "b", "c", "d")]["radius"] > by_ids[("r",)]["radius"] == 6


# --- rendering -----------------------------------------------------------------------


def test_map_uses_only_local_scripts_and_stylesheets():
    html = render(base_map(Settings(), (34.0, 39.0), 6), group_by_place(FRAME))
    scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    styles = re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html)
    assert "/app/static/vendor/leaflet/leaflet.js" in scripts
    assert "/app/static/vendor/leaflet/leaflet.css" in styles
    for url in scripts + styles:
        assert url.startswith("/") and not url.startswith("//"), url
    assert "cdn" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {DEFAULT_TILES}


def test_static_prefix_comes_from_settings():
    html = render(base_map(Settings(static_url="/srv/assets/"), (34.0, 39.0), 6))
    assert '<script src="/srv/assets/vendor/leaflet/leaflet.js">' in html


def test_tile_url_comes_only_from_settings():
    tiles = "https://tiles.example.internal/osm/{z}/{x}/{y}.png"
    html = render(base_map(Settings(tiles=tiles, attribution="Internal tiles"), (34, 39), 6))
    assert tiles in html and "Internal tiles" in html
    assert "openstreetmap" not in html
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {tiles}


def test_no_tile_layer_when_tiles_are_none(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_TILES", "none")
    html = render(base_map(load_settings(), (34.0, 39.0), 6), group_by_place(FRAME))
    assert "tileLayer" not in html
    assert not re.findall(r"https?://", html)


def test_data_text_cannot_break_out_of_the_script():
    frame = joined(row(id=XSS, place=XSS, latitude="34", longitude="40", actors=XSS))
    html = render(base_map(Settings(tiles="none"), (34.0, 40.0), 6), group_by_place(frame),
                  (34.0, 40.0))
    assert "</script><img" not in html
    assert "onerror=alert(1)>" not in html
    assert html.count("<script") == html.count("</script>")
    # the label is still there, escaped for JavaScript
    assert "\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e" in html


def test_tooltips_are_built_from_text_not_html():
    groups = group_by_place(FRAME)
    data = payload(groups)
    assert "Raqqah — 1 incident" in data["tip"]
    assert any(t.endswith("— 4 incidents") for t in data["tip"])
    script = render(base_map(Settings(tiles="none"), (34, 39), 6), groups)
    assert "tip.textContent = d.tip[i]" in script and "innerHTML = d.tip" not in script


def test_uncertainty_circles_for_approximate_locations():
    groups = group_by_place(FRAME)
    data = payload(groups)
    assert data["detail"] is True
    by_ids = places_by_id(groups)
    assert by_ids[("near",)]["precision"] == 2
    assert by_ids[("region",)]["precision"] == 3
    assert by_ids[("r",)]["precision"] == 1
    radii = {p: u for p, u in zip(data["p"], data["u"], strict=True)}
    assert radii == {1: 0, 2: UNCERTAINTY_METRES[2], 3: UNCERTAINTY_METRES[3]}
    assert UNCERTAINTY_METRES[2] < UNCERTAINTY_METRES[3]
    html = render(base_map(Settings(tiles="none"), (34, 39), 6), groups)
    assert "L.circle(ll, {radius: d.u[i]" in html


def test_a_radius_the_source_states_is_drawn_as_stated():
    frame = joined(row(id="ucdp", latitude="35.5", longitude="39.5", geo_precision="2",
                       location_uncertainty_km="25"))
    data = payload(group_by_place(frame))
    assert data["p"] == [2] and data["u"] == [25_000]  # UCDP "within 25 km", not ±10 km


def test_large_views_drop_the_detail(monkeypatch):
    monkeypatch.setattr(layers, "DETAIL_LIMIT", 2)
    data = payload(group_by_place(FRAME))
    assert data["detail"] is False and "tip" not in data
    assert len(data["lat"]) == 4


def test_selected_place_is_marked():
    groups = group_by_place(FRAME)
    data = payload(groups, (RAQQAH.latitude, RAQQAH.longitude))
    assert data["lat"][data["sel"]] == RAQQAH.latitude
    assert data["lon"][data["sel"]] == RAQQAH.longitude
    assert payload(groups, (1.0, 1.0))["sel"] == -1
    assert payload(groups)["sel"] == -1


def test_legend_lists_the_given_types_and_several():
    html = render(base_map(Settings(tiles="none"), (34, 39), 6, ("airstrike", "shelling")))
    assert "airstrike" in html and "shelling" in html and "several types" in html
    assert "massacre" not in html


# --- fitting the view ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "zooms"),
    [
        ((35.7, 32.3, 42.4, 37.3), range(5, 8)),  # Syria
        ((38.0, 33.0, 38.5, 33.5), range(8, 11)),  # a few tens of km
        ((-170.0, -60.0, 170.0, 75.0), range(1, 3)),  # the world
        ((40.9, 34.5, 40.9, 34.5), range(10, 11)),  # one place: capped
    ],
)
def test_fit_view_centres_inside_the_bounds_at_a_sensible_zoom(bounds, zooms):
    (lat, lon), zoom = fit_view(bounds)
    assert bounds[1] - 1e-9 <= lat <= bounds[3] + 1e-9
    assert bounds[0] - 1e-9 <= lon <= bounds[2] + 1e-9
    assert zoom in zooms


def test_fit_view_zooms_in_on_smaller_bounds():
    zooms = [fit_view((40 - d, 34 - d, 40 + d, 34 + d), max_zoom=18)[1]
             for d in (20, 5, 1, 0.2, 0.05)]
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]
    assert fit_view((40, 34, 40, 34), max_zoom=6)[1] == 6
