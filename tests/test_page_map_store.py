"""The map page in store-driven mode (INCIDENT_MAP_QUERY_MODE=store) against the real
PostGIS, through AppTest: it never reads the store whole, and what it shows (counts,
the map's aggregates, the table page, a link's filters) is what frame mode shows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.view.timeline import BRUSH
from pages.shared import timebar
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import app_on_postgis, incidents, refuse_full_read

pytestmark = pytest.mark.postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
_TYPES = ["airstrike", "shelling", "clashes", "bombing"]
_CLAIMS = ["alleged", "reported", "confirmed", "contested"]


def _search(at: AppTest):  # noqa: ANN202 - an AppTest TextInput
    """The sidebar's search field (the timeline's From and To are text fields too)."""
    return next(t for t in at.text_input if t.label == "Search")


def _rows() -> list[dict[str, str]]:
    """250 incidents at 40 places in Syria (some close together), plus one off the map."""
    rows = []
    for i in range(250):
        k = i % 40
        rows.append({
            "id": f"s{i:03d}", "place": f"Place {k}", "country": "SY",
            "latitude": f"{33.0 + (k % 8) * 0.45 + (k // 8) * 0.01:.4f}",
            "longitude": f"{36.2 + (k // 8) * 0.8 + (k % 3) * 0.01:.4f}",
            "geo_precision": str(1 + i % 3), "event_type": _TYPES[i % 4],
            "claim_status": _CLAIMS[(i // 3) % 4],
            "date_start": f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}",
            "actors": "Group A" if i % 2 else "Group B",
            **({"killed_min": str(i % 7), "killed_max": str(i % 7 + 2)} if i % 5 == 0 else {}),
        })
    rows.append({"id": "nowhere", "place": "Atlantis", "date_start": "2016-05-05",
                 "event_type": "airstrike"})
    return rows


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        yield store


@pytest.fixture
def no_full_read(monkeypatch):
    """Fail if anything builds the shared frame of the whole store."""
    refuse_full_read(monkeypatch)


def _run(mode: str, monkeypatch, params: dict[str, list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _layer(at: AppTest) -> dict:
    """The incident layer's payload sent to the map (aggregates and places)."""
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    text = args["feature_group"]
    start = text.index('{"agg":')
    return json.JSONDecoder().raw_decode(text[start:])[0]


def _table_ids(at: AppTest) -> list[str]:
    return at.dataframe[-1].value["id"].tolist() if "id" in at.dataframe[-1].value \
        else at.dataframe[-1].value.index.tolist()


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [w.value for w in at.warning])


def test_store_mode_shows_what_frame_mode_shows_without_reading_the_store(
        pg_store, monkeypatch, no_full_read):
    country = {"lat": ["34.5"], "lon": ["38.0"], "z": ["6"]}
    store_at = _run("store", monkeypatch, country)
    text = _texts(store_at)
    assert "**Showing 251 of 251 incidents** · 1 of them not on the map" in text
    assert [s.value for s in store_at.subheader][-1] == "Incidents in view (251)"
    assert "Rows 1–100 of 251, by date" in text
    layer = _layer(store_at)
    assert sum(layer["agg"]["n"]) + sum(layer["places"]["n"]) == 250
    assert len(layer["agg"]["n"]) >= 1  # the opening view aggregates
    table = store_at.dataframe[-1].value
    assert len(table) == 100

    monkeypatch.undo()  # frame mode may read the store: compare with what it shows
    monkeypatch.setenv("INCIDENT_DB", pg_store.location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    frame_at = _run("frame", monkeypatch, country)
    assert "**Showing 251 of 251 incidents** · 1 of them not on the map" in _texts(frame_at)
    assert _layer(frame_at)["agg"] == layer["agg"]
    assert _layer(frame_at)["places"] == layer["places"]
    assert frame_at.dataframe[-1].value.equals(table)


def test_store_mode_applies_a_links_filters_as_frame_mode_does(
        pg_store, monkeypatch, no_full_read):
    params = {"type": ["airstrike", "clashes"], "d": ["2016-03-01", "2016-06-30"],
              "actor": ["group b"], "q": "Place"}
    at = _run("store", monkeypatch, params)
    text = _texts(at)
    # Types, dates, actor and search are applied by the database (even i: Group B).
    expected = sum(1 for i in range(250) if i % 4 in (0, 2) and 3 <= 1 + i % 12 <= 6)
    line = f"**Showing {expected} of 251 incidents**"
    assert line in text and "not applied" not in text
    assert not _search(at).disabled and _search(at).value == "Place"
    actor = next(m for m in at.multiselect if m.label == "Actor (either side)")
    assert not actor.disabled and actor.value == ["group b"]
    assert "Group A" in actor.options and "Group B" in actor.options  # from the database
    # Every part of frame mode's page is offered: no line says a part is missing.
    assert "Not in this mode" not in text
    assert "Playback: Not available" not in text  # playback works in this mode
    assert at.query_params["q"] in ("Place", ["Place"])
    assert sorted(at.query_params["type"]) == ["airstrike", "clashes"]
    store_line = next(m.value for m in at.markdown if m.value.startswith("**Showing"))

    monkeypatch.undo()  # frame mode may read the store: the same counts line
    monkeypatch.setenv("INCIDENT_DB", pg_store.location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    frame_at = _run("frame", monkeypatch, params)
    assert next(m.value for m in frame_at.markdown
                if m.value.startswith("**Showing")) == store_line


def test_store_mode_table_pages_and_selection(pg_store, monkeypatch, no_full_read):
    at = _run("store", monkeypatch, {"sel": ["s007"]})
    assert "s007" in "\n".join(m.value for m in at.markdown)  # its details
    page = next(n for n in at.number_input if n.label.startswith("Page (of 3)"))
    page.set_value(3).run()
    assert not at.exception
    assert len(at.dataframe[-1].value) == 51
    assert "Rows 201–251 of 251, by date" in _texts(at)


def test_frame_mode_stays_the_default_for_a_small_store(pg_store, monkeypatch):
    at = _run("auto", monkeypatch)
    assert "not loaded into the app" not in _texts(at)
    assert len(at.tabs) >= 1  # the totals tabs of frame mode


def test_store_mode_totals_are_frame_mode_totals(pg_store, monkeypatch, no_full_read):
    params = {"type": ["airstrike", "clashes"], "actor": ["group b"]}
    at = _run("store", monkeypatch, params)
    metrics = [(m.label, m.value) for m in at.metric]
    assert ("Incidents", "125") in metrics  # even i: Group B, airstrike or clashes
    tables = [d.value for d in at.dataframe[:2]]  # by claimant, by claim status
    assert "Killed" in tables[0].columns and len(tables[1]) == 4
    at.session_state["totals_tab"] = "By area"  # governorate figures: one grouped query
    at.run()
    assert not at.exception, [e.message for e in at.exception]

    monkeypatch.undo()
    monkeypatch.setenv("INCIDENT_DB", pg_store.location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    frame_at = _run("frame", monkeypatch, params)
    assert [(m.label, m.value) for m in frame_at.metric] == metrics
    for got, want in zip(tables, (d.value for d in frame_at.dataframe[:2]), strict=True):
        assert got.equals(want)


def test_store_mode_playback_steps_the_dates_asked_of_the_store(pg_store, monkeypatch,
                                                                no_full_read):
    at = _run("store", monkeypatch)
    at.selectbox(key="pb_step").set_value("month").run()
    at.button(key="pb-start").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["d"] == ["2016-01-01", "2016-01-31"]
    january = sum(1 for i in range(250) if i % 12 == 0)
    assert f"**Showing {january} of 251 incidents**" in _texts(at)
    at.button(key="pb-step").click().run()
    assert at.query_params["d"] == ["2016-01-01", "2016-02-29"]  # cumulative
    assert f"**Showing {january + sum(1 for i in range(250) if i % 12 == 1)} of 251" \
        in _texts(at)


def _brush(at: AppTest, first: str, last: str) -> AppTest:
    """Drag across the timeline over the days ``first`` to ``last`` (what the chart sends
    back: epoch milliseconds, the end at midnight after the last day)."""
    ends = (pd.Timestamp(first, tz="UTC"), pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1))
    ms = [int(t.timestamp() * 1000) for t in ends]
    at.session_state[timebar.CHART] = {"selection": {BRUSH: {"start": ms}}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_brushing_the_timeline_selects_those_dates_in_both_modes(pg_store, monkeypatch, mode):
    at = _brush(_run(mode, monkeypatch), "2016-03-01", "2016-04-30")
    assert at.query_params["d"] == ["2016-03-01", "2016-04-30"]
    spring = sum(1 for i in range(250) if 1 + i % 12 in (3, 4))
    assert f"**Showing {spring} of 251 incidents**" in _texts(at)
    assert (at.text_input(key=timebar.FROM).value, at.text_input(key=timebar.TO).value) \
        == ("2016-03-01", "2016-04-30")


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_a_links_bounds_are_what_the_counts_cover_in_both_modes(pg_store, monkeypatch, mode):
    at = _run(mode, monkeypatch, {"bbox": ["36.0,33.0,37.0,34.0"]})
    inside = sum(1 for r in _rows() if "latitude" in r and 33.0 <= float(r["latitude"]) <= 34.0
                 and 36.0 <= float(r["longitude"]) <= 37.0)
    assert f"**Showing {inside} of 251 incidents**" in _texts(at)
    (lat, lon), zoom = at.session_state["map_request"]
    assert 33.0 < lat < 34.0 and 36.0 < lon < 37.0
    # The map drawn there reports its whole (wider) screen: the link's bounds still count.
    at.session_state["incident_map"] = {
        "center": {"lat": lat, "lng": lon}, "zoom": zoom,
        "bounds": {"_southWest": {"lat": 30.0, "lng": 30.0},
                   "_northEast": {"lat": 40.0, "lng": 45.0}}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert f"**Showing {inside} of 251 incidents**" in _texts(at)
    assert at.query_params["bbox"] in ("36,33,37,34", ["36,33,37,34"])


def _fingerprint(mode: str, monkeypatch, location: str,
                 params: dict[str, list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("INCIDENT_DB", location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    return _run(mode, monkeypatch, params)


def test_both_modes_give_the_same_data_the_same_fingerprint(pg_store, monkeypatch):
    store_at = _fingerprint("store", monkeypatch, pg_store.location)
    frame_at = _fingerprint("frame", monkeypatch, pg_store.location)
    assert store_at.query_params["v"] == frame_at.query_params["v"]
    first = frame_at.query_params["v"]
    # A frame-mode link opens in store mode without saying the data changed.
    link = {"v": [first], "type": ["airstrike"]}
    opened = _fingerprint("store", monkeypatch, pg_store.location, link)
    assert not any("data has changed" in w.value for w in opened.warning)
    # Records filling a source's own columns (UCDP's type of violence) count in both.
    pg_store.upsert(incidents([{
        "id": "ucdp1", "place": "Place 1", "country": "SY", "latitude": "35.1",
        "longitude": "38.2", "date_start": "2016-06-01", "event_type": "airstrike",
        "type_of_violence": "3", "deaths_civilians": "2"}]), origin="test", who=ANALYST)
    store_v = _fingerprint("store", monkeypatch, pg_store.location).query_params["v"]
    frame_v = _fingerprint("frame", monkeypatch, pg_store.location).query_params["v"]
    assert store_v == frame_v != first
    changed = _fingerprint("store", monkeypatch, pg_store.location, link)
    assert any("data has changed" in w.value for w in changed.warning)


def _compare_chart(at: AppTest) -> tuple[dict, pd.DataFrame]:
    """The spec and the data of the comparison's chart as sent to the browser."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    charts = [e.proto for e in at.get("vega_lite_chart")]
    chart = next(c for c in charts if "Incidents by" in json.dumps(json.loads(c.spec)
                                                                 .get("title", "")))
    spec = json.loads(chart.spec)
    data = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.datasets] or \
        [convert_arrow_bytes_to_pandas_df(chart.data.data)]
    return spec, data[0]


@pytest.mark.parametrize("mode", ["frame", "store"])
def test_the_comparison_chart_sends_numbers_and_room_for_its_bars(pg_store, monkeypatch, mode):
    # trial 22: the page fits the whole chart into its height; upright labels left the
    # plot 8 pixels (frame mode) or none (store mode): no bar, no tick
    at = _run(mode, monkeypatch, {"d": ["2016-01-01", "2016-06-30"],
                                  "compare": ["2016-07-01", "2016-12-31"]})
    spec, data = _compare_chart(at)
    assert spec["encoding"]["x"]["field"] == "incidents"
    assert spec["encoding"]["y"]["field"] == "event_type"
    assert spec["height"] >= 56 * 4
    assert data["incidents"].dtype == float
    counts = data.set_index(["period", "event_type"])["incidents"]
    assert counts.sum() == 251  # every incident (all dated) in one period or the other
    assert (counts > 0).all()


def test_store_mode_saves_a_correction_whose_run_does_not_draw_the_form(
        pg_store, monkeypatch, no_full_read):
    """Trial 21: in store mode under load one save of three was lost without a word.
    Another interaction arriving with the submit makes its run skip the form (here
    "Clear selection"): the correction is saved all the same, and the page says so."""
    at = _run("store", monkeypatch, {"sel": ["s007"]})
    inputs = {t.label: t for t in at.text_input}
    inputs["Actors"].set_value("Group C")
    inputs["Why (source, reasoning)"].set_value("the second report names them")
    next(b for b in at.button if b.label == "Save the correction").click()
    next(b for b in at.button if b.label == "Clear selection").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not any(b.label == "Save the correction" for b in at.button)
    assert pg_store.get("s007")["actors"] == "Group C"
    past = pg_store.history("s007")
    assert list(past.loc[past["field"] == "actors", "reason"]) == [
        "the second report names them"]
    assert any("Saved 1 change to s007" in t.value for t in at.toast)


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_typed_dates_win_over_the_sliders_old_range_sent_back(pg_store, monkeypatch, mode):
    """Trial 26: a rerun the browser asked for (the map reporting its bounds) before it
    had drawn the typed run's slider carried the slider's old range, and the typed dates
    went back without a word."""
    at = _run(mode, monkeypatch)
    old = at.slider[0].value
    at.text_input(key=timebar.FROM).set_value("2016-11").run()
    at.slider[0].set_value(old).run()  # the stale range, as a rerun from the map sends it
    assert at.query_params["d"] == ["2016-11-01", old[1].isoformat()]
    at.text_input(key=timebar.TO).set_value("2016-12-15").run()
    at.slider[0].set_value((date(2016, 11, 1), old[1])).run()  # stale again
    assert at.query_params["d"] == ["2016-11-01", "2016-12-15"]
    assert (at.text_input(key=timebar.FROM).value, at.text_input(key=timebar.TO).value) \
        == ("2016-11", "2016-12-15")
