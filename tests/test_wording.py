"""Counts, sizes and refused corrections in an analyst's words (geo/render/details.py,
pages/shared/records.py)."""

from __future__ import annotations

from geo.render.details import counted, file_size
from pages.shared.records import change_words, labelled


def test_a_count_takes_the_singular_for_one_and_thousands_separators():
    assert counted(1, "valid row") == "1 valid row"
    assert counted(0, "incident") == "0 incidents"
    assert counted(6170, "row") == "6,170 rows"
    assert counted(2, "casualty", "casualties") == "2 casualties"


def test_a_small_file_is_sized_in_bytes_or_kilobytes_never_as_zero_megabytes():
    assert file_size(512) == "512 bytes"
    assert file_size(1) == "1 byte"
    assert file_size(3 * 1024 + 400) == "3.4 KB"
    assert file_size(12 * (1 << 20) + (1 << 19)) == "12.5 MB"


def test_a_refused_correction_uses_the_forms_labels_not_field_names():
    assert labelled("killed_max", "killed_max 5 is below killed_min 8") == (
        "Killed, at most 5 is below Killed, at least 8")
    assert labelled("date_start", "not a date: '2017-13-01'") == (
        "First day (YYYY-MM-DD): not a date: '2017-13-01'")


def test_a_best_estimate_outside_the_range_is_refused_in_the_forms_words():
    assert labelled("killed_best", "killed_best 3 is outside the killed range 4–6: correct "
                    "the best estimate too, or empty it").startswith(
        "Killed, best estimate 3 is outside the killed range 4–6")


def test_a_change_is_said_in_words():
    # trial 22: "Last change: geocode_source" after the analyst moved the point
    assert change_words(["latitude", "longitude", "geocode_source"]) == (
        "the point (latitude and longitude)")
    assert change_words(["geocode_source"]) == "point set by"
    assert change_words(["killed_min", "killed_best"]) == (
        "Killed, at least, Killed, best estimate")
