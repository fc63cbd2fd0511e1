"""The incidents at one point and the correction form's notes (pages/shared)."""

from __future__ import annotations

import pandas as pd

from pages.shared.incident_list import place_name, point_heading
from pages.shared.records import ANALYST_SOURCE, kept_point_reason


def test_the_place_list_is_named_as_most_of_its_incidents_are():
    places = pd.Series(["Tabqa", "Ar Raqqah town", "Ar Raqqah town", None, ""])
    assert place_name(places) == "Ar Raqqah town"
    assert place_name(pd.Series(["Manbij", "Menbij"])) == "Manbij"  # a tie: the first
    assert place_name(pd.Series([None, ""])) == "this place"


def test_the_heading_of_a_point_names_every_way_its_incidents_are_written():
    assert point_heading(pd.Series(["Manbij", "Manbij"])) == "2 incidents at Manbij"
    # one record renamed: the heading neither renames its neighbour nor hides it
    assert point_heading(pd.Series(["Tall al Hawa village", "Dabiq"])) == (
        "2 incidents at one point, written as Tall al Hawa village (1) and Dabiq (1)")
    many = pd.Series(["a", "b", "b", "c", "d", "e", None])
    assert point_heading(many) == (
        "7 incidents at one point, written as b (2), a (1), c (1), 2 other names and "
        "no name (1)")
    assert point_heading(pd.Series([None, ""])) == "2 incidents at this place"


def test_a_point_kept_after_a_place_correction_says_why():
    assert "from its source" in kept_point_reason(pd.Series({"geocode_source": "given"}))
    assert "analyst" in kept_point_reason(pd.Series({"geocode_source": ANALYST_SOURCE}))
    assert "same point" in kept_point_reason(pd.Series({"geocode_source": "geonames:1"}))


def test_the_heading_of_a_point_counts_only_its_own_names_of_a_categorical_column():
    # the frame stores places as a categorical of every name in the data: names of
    # other points (count 0) are neither listed nor counted as "other names"
    places = pd.Series(["Aleppo town"] * 3 + ["Haritan"],
                       dtype=pd.CategoricalDtype(["", "Aleppo town", "Haritan", "Manbij"]))
    assert point_heading(places) == (
        "4 incidents at one point, written as Aleppo town (3) and Haritan (1)")
    assert place_name(places) == "Aleppo town"
    tie = pd.Series(["Manbij", "Haritan"], dtype=places.dtype)
    assert place_name(tie) == "Manbij"  # the first written, not the first category
    same = pd.Series(["Manbij", "Manbij"], dtype=places.dtype)
    assert point_heading(same) == "2 incidents at Manbij"


def test_an_arabic_name_keeps_its_direction_inside_the_heading():
    # trial 22: an Arabic name pulled the figures after it into its own run
    heading = point_heading(pd.Series(["تدمر", "تدمر", "Tadmur"]))
    assert "\u2068تدمر\u2069 (2)" in heading
    assert point_heading(pd.Series(["تدمر"] * 2)) == "2 incidents at \u2068تدمر\u2069"
