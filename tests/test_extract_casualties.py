"""Casualty figures and hedges (geo.extract.casualties)."""

import pytest

from geo.extract.casualties import bounds, find_casualties, number_value


def _cols(text):
    return {k: v for k, v in find_casualties(text).as_columns().items() if v is not None}


def test_dead_and_injured_together_is_a_combined_lower_bound():
    assert _cols("The raid left more than 40 people dead and wounded.") == {"casualties_min": 41}


def test_at_least_and_up_to():
    assert _cols("At least 5 civilians were killed and up to 12 injured.") == {
        "killed_min": 5, "injured_max": 12}


def test_exact_figure_and_verb_before_number():
    assert _cols("The blast killed 9 and wounded 14 others.") == {
        "killed_min": 9, "killed_max": 9, "injured_min": 14, "injured_max": 14}


def test_range_and_words():
    assert _cols("Between 20 and 30 people died.") == {"killed_min": 20, "killed_max": 30}
    assert _cols("Thirty-one people were hurt.") == {"injured_min": 31, "injured_max": 31}


def test_vague_and_near_figures():
    assert _cols("Dozens of people were killed.") == {"killed_min": 24}
    assert _cols("Nearly 50 casualties were counted.") == {"casualties_max": 49}


def test_subcounts_dates_years_and_other_numbers_are_not_totals():
    assert _cols("It killed 8 people, including 3 children.") == {"killed_min": 8, "killed_max": 8}
    assert _cols("On March 12, 2019 two letters were sent.") == {}
    assert _cols("Since 2015 killed nobody.") == {}


def test_death_toll():
    assert _cols("The death toll rose to 17 on Friday.") == {"killed_min": 17, "killed_max": 17}


@pytest.mark.parametrize(("hedge", "value", "expected"), [
    ("more than", 60, (61, None)), ("at least", 5, (5, None)), ("up to", 10, (None, 10)),
    ("almost", 10, (None, 9)), ("about", 7, (7, 7)), ("", 3, (3, 3)),
])
def test_bounds(hedge, value, expected):
    assert bounds(hedge, value)[:2] == expected


def test_number_value():
    assert number_value("1,200") == 1200
    assert number_value("sixty-two") == 62
    assert number_value("a dozen") == 12
    assert number_value("several") is None
