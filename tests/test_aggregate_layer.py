"""The aggregated incident layer sent to the browser (geo/render/aggregate_layer.py)."""

from __future__ import annotations

import json
import re
from datetime import date

import numpy as np

from geo.render.aggregate_layer import (
    SCRIPT,
    STYLES,
    AggregateAssets,
    aggregate_group,
    payload,
    selected_marker,
)
from geo.render.clusters import CLOSE_ZOOM, aggregate, map_columns, view_window
from geo.render.layers import base_map
from geo.settings import Settings
from geo.vocab import EVENT_TYPES
from tests.helpers.incidents import joined, row

XSS = "</script><img src=x onerror=alert(1)>"

FRAME = joined(
    row(id="a1", latitude="36.20", longitude="37.15", event_type="airstrike",
        claim_status="alleged", killed_min="3", killed_max="9"),
    row(id="a2", latitude="36.20", longitude="37.15", event_type="airstrike",
        claim_status="alleged", killed_min="12"),
    row(id="a3", latitude="36.21", longitude="37.17", event_type="shelling",
        claim_status="reported"),
    row(id="x", place=XSS, latitude="35.33", longitude="40.14", geo_precision="3",
        event_type="bombing"),
)
ALL = np.ones(len(FRAME), dtype=bool)


def _aggregates(zoom: int, center=(35.8, 38.5)):
    return aggregate(map_columns(FRAME), ALL, zoom, view_window(center, zoom))


def test_payload_describes_aggregates_and_places():
    data = payload(_aggregates(6))
    agg = data["agg"]
    assert agg["n"] == [3] and agg["np"] == [2]
    assert agg["b"] == [36.2, 37.15, 36.21, 37.17]
    # [type, count] pairs, largest first
    assert agg["t"] == [[EVENT_TYPES.index("airstrike"), 2, EVENT_TYPES.index("shelling"), 1]]
    # lowest low, highest high, how many give one, how many of them only a low ("at least")
    assert agg["killed"] == [3, 12, 2, 1]
    assert agg["injured"] == [None, None, 0, 0]
    assert data["places"]["n"] == [1]
    assert data["places"]["lb"] == [XSS]
    assert data["close"] is False and data["sel"] is None
    assert data["typeNames"][-1] == "other"
    json.dumps(data, allow_nan=False)  # strict JSON: no NaN reaches the browser


def _day(text: str) -> int:
    return (date.fromisoformat(text) - date(1970, 1, 1)).days


def test_an_aggregates_dates_are_given_within_the_dates_chosen():
    # trial of issue 14: a month-long and a year-long incident overlap March 2016; the
    # tooltip gave their whole span (February to December) without saying why
    frame = joined(
        row(id="d1", latitude="36.20", longitude="37.15", date_start="2016-03-10"),
        row(id="d2", latitude="36.21", longitude="37.17", date_start="2016-02-01",
            date_end="2016-12-31", date_precision="range"),
        row(id="d3", latitude="36.22", longitude="37.18", date_start="2016-03-20"),
    )
    drawn = aggregate(map_columns(frame), np.ones(3, dtype=bool), 6,
                      view_window((35.8, 38.5), 6))
    whole = payload(drawn)["agg"]
    assert (whole["df"], whole["dt"]) == ([_day("2016-02-01")], [_day("2016-12-31")])
    assert "dr" not in whole  # no dates chosen: the incidents' own span
    march = payload(drawn, dates=(date(2016, 3, 1), date(2016, 3, 31)))["agg"]
    assert (march["df"], march["dt"]) == ([_day("2016-03-01")], [_day("2016-03-31")])
    assert march["dr"] == [_day("2016-03-01"), _day("2016-03-31")]
    assert march["eb"] == [_day("2016-02-01")] and march["la"] == [_day("2016-12-31")]
    year = payload(drawn, dates=(date(2016, 1, 1), date(2016, 12, 31)))["agg"]
    assert (year["df"], year["dt"]) == ([_day("2016-02-01")], [_day("2016-12-31")])
    assert year["eb"] == [None] and year["la"] == [None]  # nothing runs over them
    json.dumps(march, allow_nan=False)


def test_close_zoom_draws_uncertainty_and_places():
    data = payload(_aggregates(CLOSE_ZOOM + 2, (36.205, 37.16)))
    assert data["close"] is True
    # Circles wider than a few marker widths are left to a hover or the selection.
    assert 0 < data["uncPx"] <= 4 * max(data["places"]["r"]) * 2
    assert data["agg"]["n"] == []
    assert sorted(data["places"]["n"]) == [1, 2]


def test_each_place_gets_the_radius_its_source_states():
    frame = joined(
        row(id="ucdp", latitude="36.0", longitude="38.0", geo_precision="2",
            location_uncertainty_km="25"),
        row(id="near", latitude="36.5", longitude="38.5", geo_precision="2"),
        row(id="exact", latitude="35.5", longitude="37.5"),
    )
    columns = map_columns(frame)
    mask = np.ones(len(frame), dtype=bool)
    data = payload(aggregate(columns, mask, CLOSE_ZOOM + 2, view_window((36.0, 38.0), 6)))
    radius = dict(zip(zip(data["places"]["lat"], data["places"]["lon"], strict=True),
                      data["places"]["u"], strict=True))
    assert radius == {(36.0, 38.0): 25_000, (36.5, 38.5): 10_000, (35.5, 37.5): 0}
    marker = selected_marker(frame.set_index("id", drop=False).loc["ucdp"])
    assert marker is not None and marker["u"] == 25_000


def test_selected_incident_is_drawn_with_its_precision():
    incident = FRAME.set_index("id", drop=False).loc["x"]
    marker = selected_marker(incident)
    assert marker is not None
    assert (marker["lat"], marker["lon"], marker["p"]) == (35.33, 40.14, 3)
    assert marker["t"] == EVENT_TYPES.index("bombing")
    off = joined(row(id="n", place="Atlantis")).iloc[0]
    assert selected_marker(off) is None


def test_rendered_layer_escapes_text_and_loads_the_local_script():
    fmap = base_map(Settings(), (35.0, 38.0), 6)
    fmap.add_child(AggregateAssets(Settings()))
    fmap.add_child(aggregate_group(_aggregates(6)))
    html = fmap.get_root().render()
    assert f'src="/app/static/{SCRIPT}"' in html
    assert f'href="/app/static/{STYLES}"' in html
    assert "<img src=x" not in html and "\\u003cimg src=x" in html
    assert re.search(r"window\.IncidentMap\.draw\(feature_group_\w+, map_\w+,\s+\{", html)
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources and all(src.startswith("/app/static/") for src in sources), sources
