"""The Totals tab says how much of its figures comes from incidents vaguer than the view
and offers to leave them out, alike in frame mode and in store-driven mode (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.shared.totals import COARSE_KEY
from tests.helpers.store_data import app_on_postgis
from tests.test_totals_coarse import _rows

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WINDOW = {"d": ["2016-03-01", "2016-05-31"]}
KILLED = "Killed, according to UCDP GED"


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        yield store


def _open(mode: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in WINDOW.items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown(at: AppTest) -> tuple[dict[str, str], str]:
    metrics = {m.label: m.value for m in at.metric}
    note = next(c.value for c in at.caption if "vaguer than this view" in c.value)
    return metrics, note


@pytest.mark.postgis
def test_both_modes_state_the_vague_share_and_leave_it_out_alike(pg_store, monkeypatch):
    seen = {}
    for mode in ("frame", "store"):
        at = _open(mode, monkeypatch)
        metrics, note = _shown(at)
        # in the window: day, week, year (country level), region, range, and the undated one
        assert metrics["Incidents"] == "6", mode
        # the undated incident gives "at least 1" (no high): the top is open
        assert metrics[KILLED] == "884–1,016 or more", mode
        assert note.startswith("3 of the 6 incidents (50%) are vaguer than this view"), note
        assert "2 dated over a longer span than the 92 days selected" in note
        assert "2 placed only at region or country level" in note
        assert "870–1,000 of 884–1,016 or more (98%)" in note
        at.checkbox(key=COARSE_KEY).check().run()
        assert not at.exception, [e.message for e in at.exception]
        left = {m.label: m.value for m in at.metric}
        assert left["Incidents"] == "3" and left[KILLED] == "14–16 or more", mode
        assert any("Left out of the totals below: 3" in c.value for c in at.caption)
        seen[mode] = (metrics, note, left)
    assert seen["frame"] == seen["store"]


@pytest.mark.postgis
def test_leaving_the_vague_incidents_out_is_kept_in_the_link(pg_store, monkeypatch):
    for mode in ("frame", "store"):
        at = _open(mode, monkeypatch)
        assert "vague" not in at.query_params, mode
        at.checkbox(key=COARSE_KEY).check().run()
        assert at.query_params["vague"] in ("0", ["0"]), mode
        link = dict(at.query_params)
        # a colleague opens the link: the totals without the vague incidents, box ticked
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        other = AppTest.from_file(APP, default_timeout=120)
        for name, value in link.items():
            other.query_params[name] = value
        other.run()
        assert not other.exception, [e.message for e in other.exception]
        metrics = {m.label: m.value for m in other.metric}
        assert metrics["Incidents"] == "3" and metrics[KILLED] == "14–16 or more", mode
        assert other.checkbox(key=COARSE_KEY).value is True, mode
        assert not any("could not be used" in w.value for w in other.warning), mode
        # unticked again: the link loses it
        other.checkbox(key=COARSE_KEY).uncheck().run()
        assert "vague" not in other.query_params, mode
        assert {m.label: m.value for m in other.metric}["Incidents"] == "6", mode


@pytest.mark.postgis
def test_a_malformed_vague_parameter_gets_a_named_note(pg_store, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "frame")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["d"] = WINDOW["d"]
    at.query_params["vague"] = ["maybe"]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("vague=maybe" in w.value and "expected 0 or 1" in w.value
               for w in at.warning), [w.value for w in at.warning]
    assert {m.label: m.value for m in at.metric}["Incidents"] == "6"
