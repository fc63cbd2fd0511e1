"""Every figure of *Compare periods* and *Over time* counts an incident in the period it
starts in, in frame and store mode (trial 27: the vagueness note counted the incidents
overlapping a period, 210 / 6 / 12 where the comparison counts 204 / 0 / 0; store mode's
*Over time* caption counted incidents starting after the view's last day)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages.shared.totals import COARSE_KEY
from tests.helpers.store_data import app_on_postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
_SITE = {"country": "SY", "latitude": "36.2", "longitude": "37.15", "place": "Aleppo",
         "source_name": "UCDP GED", "event_type": "clashes", "claim_status": "reported",
         "geo_precision": "1",
         "killed_min": "1", "killed_max": "1"}


def _rows() -> list[dict[str, str]]:
    """November against October: two incidents overlap November but start in October."""
    return [
        # start in October, run into November: October's, not November's
        {**_SITE, "id": "prior", "date_start": "2016-10-20", "date_end": "2016-11-05",
         "geo_precision": "3"},
        {**_SITE, "id": "long", "date_start": "2016-10-01", "date_end": "2016-12-31"},
        {**_SITE, "id": "region", "date_start": "2016-11-10", "geo_precision": "3"},
        {**_SITE, "id": "site", "date_start": "2016-11-12"},
        # starts on the view's last day's morrow and runs past November
        {**_SITE, "id": "late", "date_start": "2016-11-25", "date_end": "2016-12-03"},
        {**_SITE, "id": "march", "date_start": "2016-03-02", "date_end": "2016-04-03"},
        {**_SITE, "id": "may", "date_start": "2016-05-05"},
    ]


@pytest.fixture(params=["frame", "store"])
def mode(request, monkeypatch, tmp_path):
    if request.param == "frame":
        path = tmp_path / "incidents.csv"
        pd.DataFrame(_rows()).to_csv(path, index=False)
        monkeypatch.setenv("INCIDENT_MAP_DATA", str(path))
        monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "frame")
        yield "frame"
        return
    request.applymarker(pytest.mark.postgis)
    url = request.getfixturevalue("postgis_url")
    with app_on_postgis(url, monkeypatch, _rows()):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
        yield "store"


def _open(params: dict[str, list[str]], tab: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in params.items():
        at.query_params[name] = values
    at.session_state["totals_tab"] = tab
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_vagueness_note_of_a_period_counts_the_incidents_it_counts(mode):
    at = _open({"d": ["2016-11-01", "2016-11-30"], "compare": ["2016-10-01", "2016-10-31"]},
               "Compare periods")
    assert [m.value for m in at.metric if m.label == "Incidents"] == ["3", "2"]
    notes = [c.value for c in at.caption if "vaguer than this period" in c.value]
    # November: region (by place) of region, site, late; prior and long are October's
    assert notes[0].startswith("2016-11-01 to 2016-11-30: 1 of the 3 incidents (33%) are "
                               "vaguer than this period: 1 placed only at region or country "
                               "level."), notes
    assert "dated over" not in notes[0] and "both" not in notes[0]
    assert notes[1].startswith("2016-10-01 to 2016-10-31: 2 of the 2 incidents (100%) are "
                               "vaguer than this period: 1 dated over a longer span than the "
                               "31 days of the period"), notes
    assert "both" not in notes[1]


def test_leaving_the_vague_out_of_a_comparison_leaves_them_out_of_its_edges(mode):
    at = _open({"d": ["2016-11-01", "2016-11-30"], "compare": ["2016-10-01", "2016-10-31"]},
               "Compare periods")
    edges = [c.value for c in at.caption if c.value.startswith("Each incident counts")]
    assert "2 incidents starting before it and running into it" in edges[0]
    assert "1 starting in it and running past its end" in edges[0]  # late
    assert "2 starting in it and running past its end" in edges[1]  # prior, long
    at.checkbox(key=COARSE_KEY).check().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [m.value for m in at.metric if m.label == "Incidents"] == ["2", "0"]
    edges = [c.value for c in at.caption if c.value.startswith("Each incident counts")]
    # prior and long are vague (region; 92 days): left out, and not said to cross an edge
    assert "running into it" not in edges[0] and "1 starting in it and running past" \
        in edges[0]
    assert edges[1] == "Each incident counts in the period it starts in (as on *Over time*)."


def test_over_time_says_only_what_runs_past_among_the_incidents_in_view(mode):
    # 3 March-24 November: "late" starts after the view's last day, "march" runs into April
    at = _open({"d": ["2016-03-03", "2016-11-24"]}, "Over time")
    at.selectbox(key="chart-freq").set_value("month").run()
    assert not at.exception, [e.message for e in at.exception]
    said = [c.value for c in at.caption if "past its end" in c.value]
    # in view and in one month past its end: march (into April), prior (into November),
    # long (into November); not late (25 November)
    assert said and said[0].startswith("3 incidents in view start in one month and run past "
                                       "its end"), said
