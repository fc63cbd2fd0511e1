"""The Over time and Compare periods tabs of the map page in store-driven mode, through
AppTest against the real PostGIS: the same charts and tables as frame mode on the same
store, without reading the store whole."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.store_data import app_on_postgis, refuse_full_read
from tests.test_page_map_store import _rows, _run

pytestmark = pytest.mark.postgis

PARAMS = {"type": ["airstrike", "clashes", "shelling"], "actor": ["group b"],
          "d": ["2016-02-01", "2016-09-30"]}


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        yield store


def _frame_mode(monkeypatch, store) -> None:
    monkeypatch.undo()  # frame mode may read the store: compare with what it shows
    monkeypatch.setenv("INCIDENT_DB", store.location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")


def _open(at: AppTest, label: str) -> AppTest:
    at.session_state["totals_tab"] = label  # what clicking the tab does
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _chart_data(at: AppTest) -> list[tuple[str, list]]:
    """Each chart on the page: its spec (without dataset names) and the rows it draws."""
    from streamlit import dataframe_util

    out = []
    for chart in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec.pop("datasets", None)
        spec.get("data", {}).pop("name", None)
        rows = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data).astype(str)
                .to_dict("records") for d in chart.proto.datasets]
        out.append((json.dumps(spec, sort_keys=True), rows))
    return out


def test_over_time_is_frame_modes_chart(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    at = _open(_run("store", monkeypatch, PARAMS), "Over time")
    store_charts = _chart_data(at)
    assert len(store_charts) == 3  # the timeline; incidents by type, deaths of one claimant
    at.selectbox(key="chart-freq").set_value("month").run()
    assert not at.exception
    store_weeks = _chart_data(at)
    assert store_weeks != store_charts
    at.selectbox(key="chart-by").set_value("claim_status").run()
    store_claims = _chart_data(at)

    _frame_mode(monkeypatch, pg_store)
    frame_at = _open(_run("frame", monkeypatch, PARAMS), "Over time")
    assert _chart_data(frame_at) == store_charts
    frame_at.selectbox(key="chart-freq").set_value("month").run()
    assert _chart_data(frame_at) == store_weeks
    frame_at.selectbox(key="chart-by").set_value("claim_status").run()
    assert _chart_data(frame_at) == store_claims


def test_compare_periods_is_frame_modes_comparison(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    params = {**PARAMS, "compare": ["2016-10-01", "2016-12-31"]}
    at = _run("store", monkeypatch, params)  # a link with a comparison opens on its tab
    assert not at.exception
    metrics = [(m.label, m.value) for m in at.metric]
    assert len(metrics) == 2 and all(label == "Incidents" for label, _ in metrics)
    # even i (Group B), not bombing, Feb-Sep and Oct-Dec
    expected = [sum(1 for i in range(0, 250, 2) if i % 4 != 3 and months[0] <= 1 + i % 12
                    <= months[1]) for months in ((2, 9), (10, 12))]
    assert [v for _, v in metrics] == [f"{n:,}" for n in expected]
    tables = [d.value for d in at.dataframe[:2]]
    charts = _chart_data(at)
    assert len(charts) == 2  # the timeline, incidents by type in each period

    _frame_mode(monkeypatch, pg_store)
    frame_at = _run("frame", monkeypatch, params)
    assert [(m.label, m.value) for m in frame_at.metric] == metrics
    for got, want in zip(tables, (d.value for d in frame_at.dataframe[:2]), strict=True):
        assert got.equals(want)
    assert _chart_data(frame_at) == charts


def test_the_page_no_longer_says_the_tabs_are_missing(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    at = _run("store", monkeypatch)
    assert [t.label for t in at.tabs][:4] == ["Totals", "Over time", "By area",
                                             "Compare periods"]
    text = "\n".join(c.value for c in at.caption)
    assert "Over time" not in text and "Compare periods" not in text


def _in_browser(widget) -> object:
    """What a browser shows for a widget drawn again after a run without it (another tab,
    a one-page list): the value the server sets in this run, else the widget's default."""
    return widget.proto.value if widget.proto.set_value else widget.proto.default


def test_the_comparison_its_toggle_and_the_link_agree_after_other_tabs(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    at = _run("store", monkeypatch, {**PARAMS, "compare": ["2016-10-01", "2016-12-31"]})
    shown = [m.value for m in at.metric if m.label == "Incidents"]
    link = at.query_params.get("compare")  # clipped to the data's dates
    assert len(shown) == 2 and link[0] == "2016-10-01"
    for tab in ("Totals", "By area", "Compare periods", "Over time", "Compare periods"):
        _open(at, tab)
        assert at.query_params.get("compare") == link, tab
        if tab == "Compare periods":
            toggle = at.toggle(key="f_compare_on")
            assert _in_browser(toggle) is True
            assert [m.value for m in at.metric if m.label == "Incidents"] == shown
    toggle.set_value(_in_browser(toggle)).run()  # the browser sends back what it shows
    assert at.query_params.get("compare") == link


def test_the_table_page_box_is_told_its_page_on_every_run(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    at = _run("store", monkeypatch)
    next(n for n in at.number_input if n.label.startswith("Page (of")).set_value(2).run()
    _open(at, "By area")  # a rerun that leaves the table as it is
    box = next(n for n in at.number_input if n.label.startswith("Page (of"))
    # it has no minimum: left to its default the browser would show 0 and send it back
    assert _in_browser(box) == 2
    assert not any(c.value.startswith("Page ") for c in at.caption)
