"""Set-aside candidates as a frame with their scores, and bringing one back (invented text)."""

from datetime import date

import numpy as np

from geo.extract.candidate_model import CandidateModel, LinearScore
from geo.extract.pipeline import extract
from geo.extract.review import REVIEW_COLUMNS, candidates_frame
from geo.extract.scoring import using_model
from geo.extract.set_aside import SCORE_COLUMN, aside_label, bring_back, set_aside_frame
from tests.helpers.fake_geocoder import FakeGeocoder

TEXT = ("Air strikes killed 12 people in al-Qasra on Monday, the monitor said. "
        "Shelling hit Kafr Zeit on Tuesday, residents said.")


def _split():
    model = CandidateModel(("type=shelling",), LinearScore(np.array([-10.0]), 5.0, 0.5),
                           LinearScore(np.array([0.0]), 5.0, 0.0), ("tune",), "2026-12-02")
    aside: list = []
    with using_model(model, "on"):
        kept = extract(TEXT, date(2020, 6, 17), geocoder=FakeGeocoder(), set_aside=aside)
    return candidates_frame(kept), set_aside_frame(aside)


def test_a_set_aside_frame_carries_the_keep_score():
    frame, aside = _split()
    assert list(frame["place"]) == ["al-Qasra"] and list(aside["place"]) == ["Kafr Zeit"]
    assert list(aside[SCORE_COLUMN]) == ["0.01"]
    assert aside_label(aside.iloc[0].to_dict(), 1) == "1. Kafr Zeit – shelling (keep score 0.01)"


def test_bringing_back_moves_the_row_into_the_grid_without_its_score():
    frame, aside = _split()
    frame, aside = bring_back(frame, aside, 0)
    assert list(frame["place"]) == ["al-Qasra", "Kafr Zeit"] and len(aside) == 0
    assert list(frame.columns) == list(REVIEW_COLUMNS)


def test_bringing_back_into_an_empty_grid():
    frame, aside = _split()
    back, rest = bring_back(frame.iloc[0:0], aside, 0)
    assert list(back["place"]) == ["Kafr Zeit"] and back.index.tolist() == [0] and rest.empty
