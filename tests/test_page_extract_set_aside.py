"""The Extract page lists the candidates the learned scorer set aside, with their scores, and
brings one back into the grid (AppTest; the model is invented: it sets aside shelling)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from geo.extract.candidate_model import CandidateModel, LinearScore, write_model
from tests.test_page_extract import REPORT, _button, _page


@pytest.fixture
def shelling_aside(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_DB", str(tmp_path / "incidents.gpkg"))
    path = tmp_path / "candidate_model.json"
    keep = LinearScore(np.array([-10.0]), 5.0, 0.5)
    trust = LinearScore(np.array([0.0]), 5.0, 0.5)
    write_model(CandidateModel(("type=shelling",), keep, trust, ("tune",), "2026-12-02"), path)
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL_PATH", str(path))
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL", "on")


def _extracted():
    at = _page()
    at.run()
    at.text_area(key="extract_text").input(REPORT)
    at.text_input(key="extract_source").input("Test Wire")
    at.date_input(key="extract_published").set_value(date(2020, 6, 15))
    _button(at, "Extract candidates").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_set_aside_candidates_are_listed_with_their_score_and_can_come_back(shelling_aside):
    at = _extracted()
    assert list(at.session_state["extract_frame"]["place"]) == ["Raqqah"]
    assert [e.label for e in at.expander if "set aside" in e.label] == [
        "1 candidate(s) set aside by the model"]
    said = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes
    assert "al-Shaafah – shelling (keep score 0.01)" in said
    _button(at, "Bring back").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert list(at.session_state["extract_frame"]["place"]) == ["Raqqah", "al-Shaafah"]
    assert len(at.session_state["extract_aside"]) == 0
    assert not [e for e in at.expander if "set aside" in e.label]


def test_nothing_is_set_aside_with_the_scorer_off(shelling_aside, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL", "off")
    at = _extracted()
    assert set(at.session_state["extract_frame"]["place"]) == {"Raqqah", "al-Shaafah"}
    assert not [e for e in at.expander if "set aside" in e.label]
