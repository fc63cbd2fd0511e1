"""The timeline heat strip (geo/render/charts.py)."""

from __future__ import annotations

import json
from datetime import date

import altair as alt
import pytest

from geo.render.charts import timeline_chart
from geo.view.timeline import BRUSH, PRECISION_ROWS, timeline_data
from tests.helpers.incidents import incidents, row

SPAN = (date(2017, 1, 1), date(2017, 3, 31))


def test_timeline_chart_has_the_selected_range_layer():
    frame = incidents(row(id="feb", date_start="2017-02"), row(id="d", date_start="2017-03-01"))
    chart = timeline_chart(timeline_data(frame, SPAN), SPAN,
                           (date(2017, 2, 1), date(2017, 2, 14)))
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 2
    cells, band = spec["layer"]
    assert cells["mark"]["type"] == "rect" and band["mark"]["type"] == "rect"
    assert cells["encoding"]["y"]["scale"]["domain"] == list(PRECISION_ROWS.values())
    band_rows = spec["datasets"][band["data"]["name"]]
    assert len(band_rows) == 1
    assert band_rows[0]["start"].startswith("2017-02-01")
    assert band_rows[0]["end"].startswith("2017-02-15")  # inclusive end: the day after
    cell_rows = spec["datasets"][cells["data"]["name"]]
    assert sum(r["count"] for r in cell_rows) == 28 + 1
    domain = cells["encoding"]["x"]["scale"]["domain"]
    assert domain[0] == {"year": 2017, "month": 1, "date": 1}
    assert domain[1] == {"year": 2017, "month": 4, "date": 1}


def test_timeline_chart_of_no_incidents():
    data = timeline_data(incidents(row(id="u")), SPAN)
    spec = timeline_chart(data, SPAN, SPAN).to_dict()
    assert len(spec["layer"]) == 2


def test_timeline_chart_with_a_brush_declares_the_selection():

    spec = timeline_chart(timeline_data(incidents(row(id="a")), SPAN), SPAN, SPAN,
                          brush=True).to_dict()
    # Altair lifts a layer's selection to the top level, bound to that layer's view.
    assert [(p["name"], p["select"]["encodings"]) for p in spec["params"]] == [(BRUSH, ["x"])]


@pytest.mark.parametrize("selected", [SPAN, (date(2017, 2, 3), date(2017, 2, 9))])
def test_the_reused_spec_is_the_one_altair_makes_for_any_counts(selected):
    from geo.render.charts import timeline_spec, vega_lite_spec

    frame = incidents(row(id="a", date_start="2017-02-02"),
                      row(id="b", date_start="2017-02", date_precision="month"),
                      row(id="c", date_start="2017-03-01", date_end="2017-03-10"))
    for rows in (frame, frame.iloc[:1], frame.iloc[:0]):
        data = timeline_data(rows, SPAN)
        for brush in (False, True):
            expected = vega_lite_spec(timeline_chart(data, SPAN, selected, brush=brush))
            spec = timeline_spec(data, SPAN, selected, brush=brush)
            assert json.dumps(spec) == json.dumps(expected)
            spec["datasets"].clear()  # each call gets its own dict
            assert timeline_spec(data, SPAN, selected, brush=brush) == expected
