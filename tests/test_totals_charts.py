"""Charts of a view's totals (geo/render/totals_charts.py)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.render.layers import SEVERAL_COLOR
from geo.render.totals_charts import (
    area_chart,
    auto_frequency,
    deaths_chart,
    events_chart,
    figure_text,
    period_chart,
)
from geo.vocab import EVENT_COLORS


@pytest.mark.parametrize(("low", "high", "unknown", "text"), [
    (12, 12, 0, "12"), (12, 30, 0, "12–30"), (pd.NA, pd.NA, 3, "n/k"),
    (1200, 3000, 4, "1,200–3,000 · 4 n/k"), (5, pd.NA, 0, "5"), (None, 7, 0, "7"),
])
def test_figure_text(low, high, unknown, text):
    assert figure_text(low, high, unknown) == text


@pytest.mark.parametrize(("days", "freq"), [(30, "day"), (92, "day"), (366, "week"),
                                             (3 * 365, "month"), (50 * 365, "year")])
def test_auto_frequency_keeps_bars_readable(days, freq):
    start = date(2000, 1, 1)
    assert auto_frequency((start, start + pd.Timedelta(days=days - 1))) == freq
    assert auto_frequency(None) == "month"


SERIES = pd.DataFrame({
    "period": [date(2016, 1, 1), date(2016, 1, 1), date(2016, 2, 1)],
    "event_type": ["airstrike", "shelling", "airstrike"],
    "claimant": ["A", "A", "A"],
    "incidents": [2, 1, 4],
    "killed_min": pd.array([3, pd.NA, 10], dtype="Int64"),
    "killed_max": pd.array([5, pd.NA, 12], dtype="Int64"),
    "killed_unknown": [0, 1, 0],
    "civilian_deaths": pd.array([1, pd.NA, pd.NA], dtype="Int64"),
})


def test_events_are_stacked_by_category_per_period():
    spec = events_chart(SERIES, "event_type", "month").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["field"] == "event_type"
    assert spec["encoding"]["x"]["timeUnit"] == "yearmonth"
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r["incidents"] for r in rows) == [1, 2, 4]


def test_deaths_name_their_claimant_and_keep_the_range_in_the_tooltip():
    spec = deaths_chart(SERIES, "event_type", "month", "A").to_dict()
    assert "according to A" in spec["title"]
    fields = {t["field"] for t in spec["encoding"]["tooltip"]}
    assert {"killed_min", "killed_max", "killed_unknown"} <= fields


def test_periods_side_by_side():
    table = pd.DataFrame({"period": ["p1", "p2"], "event_type": ["a", "a"],
                          "incidents": [3, 5]})
    spec = period_chart(table, "event_type").to_dict()
    assert spec["encoding"]["yOffset"]["field"] == "period"


def test_choropleth_sends_clockwise_features_inline():
    areas = gpd.GeoDataFrame({"pcode": ["A1", "A2"], "name_en": ["One", "Two"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    stats = pd.DataFrame({"pcode": ["A1"], "incidents": [4],
                          "killed_min": pd.array([2], dtype="Int64")})
    spec = area_chart(areas, stats, "incidents").to_dict()
    features = spec["data"]["values"]
    assert [f["properties"]["pcode"] for f in features] == ["A1", "A2"]
    assert features[0]["properties"]["incidents"] == 4
    assert features[1]["properties"]["incidents"] is None  # nothing there: grey
    ring = shapely.geometry.shape(features[0]["geometry"]).exterior
    assert not ring.is_ccw  # d3-geo draws counter-clockwise rings as the whole world


@pytest.mark.parametrize("chart", ["events", "deaths"])
def test_event_types_take_the_maps_colours(chart):
    # trial 22: "attack on civilians" yellow on the map, dark blue in the charts
    series = pd.DataFrame({"period": ["2016-01-01"] * 3,
                           "event_type": ["clashes", "attack on civilians", "new kind"],
                           "incidents": [3, 2, 1], "killed_min": [1, 2, 0],
                           "killed_max": [2, 3, 0], "killed_unknown": [0, 0, 1],
                           "civilian_deaths": [0, 2, 0]})
    made = events_chart(series, "event_type", "month") if chart == "events" \
        else deaths_chart(series, "event_type", "month", "A")
    scale = made.to_dict()["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["attack on civilians"] == EVENT_COLORS["attack on civilians"]
    assert colours["clashes"] == EVENT_COLORS["clashes"]
    assert colours["new kind"] == SEVERAL_COLOR


def test_other_categories_keep_vegas_palette():
    series = pd.DataFrame({"period": ["2016-01-01"], "claim_status": ["reported"],
                           "incidents": [1]})
    assert "scale" not in events_chart(series, "claim_status", "month").to_dict()[
        "encoding"]["color"]
