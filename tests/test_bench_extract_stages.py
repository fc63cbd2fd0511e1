"""The per-stage counts of the real-report benchmark (``bench/extract_stages.py``)."""

from __future__ import annotations

from bench.extract_stages import (
    StageScores,
    record_candidates,
    record_facts,
    record_incident,
    stage_lines,
)


def test_an_incident_at_its_place_with_only_undated_candidates_counts_as_placed_not_dated():
    stages = StageScores()
    undated = {"date_start": None}
    record_incident(stages, by_name=False, at_place=[undated], dated_hits=0)
    record_incident(stages, by_name=False, at_place=[], dated_hits=0)
    assert (stages.located, stages.located_place, stages.located_dated) == (2, 1, 0)
    assert stages.located_undated_only == 1
    assert stages.located_wrong_dates == 0


def test_dated_candidates_that_miss_the_dates_are_counted_apart_from_undated_ones():
    stages = StageScores()
    record_incident(stages, by_name=False, at_place=[{"date_start": "2020-01-01"}],
                    dated_hits=0)
    record_incident(stages, by_name=True, at_place=[{"date_start": "2020-01-01"}],
                    dated_hits=1)
    assert stages.located_wrong_dates == 1 and stages.located_undated_only == 0
    assert (stages.by_name, stages.by_name_place, stages.by_name_dated) == (1, 1, 1)


def test_candidates_facts_and_totals_add_up_across_splits():
    first, second = StageScores(), StageScores()
    record_candidates(first, [{"date_start": None}, {"date_start": "2019-05-01"}])
    record_facts(first, type_ok=True, casualties_ok=False, claimant_ok=True)
    record_facts(second, type_ok=False, casualties_ok=True, claimant_ok=True)
    first.add(second)
    assert (first.candidates, first.undated_candidates) == (2, 1)
    assert (first.matched, first.type_ok, first.casualties_ok, first.claimant_ok) == (2, 1, 1, 2)
    assert any("undated candidates: 1/2 = 50.0%" in line for line in stage_lines(first))
