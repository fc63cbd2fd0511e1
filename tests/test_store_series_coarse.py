"""Incidents vaguer than the view on the Over time, By area and Compare periods tabs:
the store leaves out (or keeps only) the same incidents as the frame path, and the page
says so and offers to leave them out alike in both modes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.view.filters import apply_view
from geo.view.state import default_view
from geo.view.store_series import store_compare, store_period_coarse_counts, store_time_series
from geo.view.store_totals import store_area_stats
from geo.view.store_view import query_filter
from geo.view.totals_index import (
    area_stats_of,
    compare_periods_of,
    time_series_of,
    totals_columns,
)
from pages.shared.totals import COARSE_KEY
from tests.helpers.store_data import app_on_postgis
from tests.test_store_totals import _same
from tests.test_totals_coarse import MARCH_TO_MAY, _rows, store_and_frame  # noqa: F401

pytestmark = pytest.mark.postgis

APRIL = (date(2016, 4, 1), date(2016, 4, 30))
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_series_areas_and_periods_of_a_part_are_the_frames(store_and_frame):  # noqa: F811
    live, query = store_and_frame
    data = live.current()
    columns = totals_columns(data.incidents)
    names = dict(live.areas.options(1))
    state = replace(default_view(data.domain()), date_from=MARCH_TO_MAY[0],
                    date_to=MARCH_TO_MAY[1])
    mask = apply_view(data.incidents, state).mask
    spec = query_filter(state)
    by_date, by_place = columns.coarse(MARCH_TO_MAY)
    vague = by_date | by_place
    for part, part_mask in (("coarse", mask & vague), ("fine", mask & ~vague)):
        assert part_mask.any()
        for freq in ("month", "week"):
            _same(store_time_series(query, spec, freq, "event_type", part),
                  time_series_of(columns, part_mask, freq, "event_type"), f"{part} {freq}")
        _same(store_area_stats(query, spec, 1, names, None, part),
              area_stats_of(columns, part_mask, 1), part)
    # each compared period is the window its incidents are vaguer than
    undated = apply_view(data.incidents, replace(state, date_from=None, date_to=None)).mask
    periods = (MARCH_TO_MAY, APRIL)
    for part in ("coarse", "fine"):
        want = []
        for period in periods:
            d, p = columns.coarse(period)
            keep = (d | p) if part == "coarse" else ~(d | p)
            want.append(compare_periods_of(columns, undated & keep, [period], ("claimant",)))
        got = store_compare(query, spec, periods, ("claimant",), part)
        _same(got, pd.concat(want, ignore_index=True), part)
    # Counted among the incidents each period counts, those starting in it (trial 27: the
    # overlapping ones were counted). April: only the week starts in it, not vaguer than
    # 30 days (the range and the year overlap April but start before it). March to May:
    # the four-month range by its dates, the region by its place (the year starts in
    # January).
    for period, want in ((APRIL, (0, 0)), (MARCH_TO_MAY, (1, 1))):
        assert store_period_coarse_counts(query, spec, period) == want
        start = np.datetime64(period[0], "D").astype(np.int64)
        end = np.datetime64(period[1], "D").astype(np.int64)
        inside = undated & (columns.start <= end) & (columns.start >= start)
        d, p = columns.coarse(period)
        assert (int((inside & d).sum()), int((inside & p).sum())) == want


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        yield store


def _open(mode: str, monkeypatch, tab: str, params: dict) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in params.items():
        at.query_params[name] = values
    at.session_state["totals_tab"] = tab
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _seen(at: AppTest) -> tuple:
    charts = []
    for chart in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec.pop("datasets", None)
        charts.append(json.dumps(spec, sort_keys=True))
    from streamlit import dataframe_util

    data = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data).astype(str)
            .to_dict("records") for c in at.get("arrow_vega_lite_chart")
            + at.get("vega_lite_chart") for d in c.proto.datasets]
    return ([c.value for c in at.caption if "vaguer than this" in c.value],
            [(m.label, m.value) for m in at.metric],
            [d.value.astype(str).to_dict("records") for d in at.dataframe], charts, data)


@pytest.mark.parametrize("tab, params", [
    ("Over time", {"d": ["2016-03-01", "2016-05-31"]}),
    ("By area", {"d": ["2016-03-01", "2016-05-31"]}),
    ("Compare periods", {"d": ["2016-03-01", "2016-05-31"],
                         "compare": ["2016-04-01", "2016-04-30"]}),
])
def test_each_tab_states_the_vague_share_and_leaves_it_out_alike(pg_store, monkeypatch, tab,
                                                                  params):
    seen = {}
    for mode in ("frame", "store"):
        at = _open(mode, monkeypatch, tab, params)
        before = _seen(at)
        wanted = "vaguer than this period" if tab == "Compare periods" else \
            "vaguer than this view"
        assert before[0] and wanted in before[0][0], (mode, before[0])
        at.checkbox(key=COARSE_KEY).check().run()
        assert not at.exception, [e.message for e in at.exception]
        after = _seen(at)
        assert after[1:] != before[1:], mode  # the figures shown changed
        seen[mode] = (before, after)
    assert seen["frame"] == seen["store"]
