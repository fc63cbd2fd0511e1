"""Trial 24's wire report: an inverted attribution and a later figure of "others"."""

from __future__ import annotations

from datetime import date

from tests.helpers.fake_geocoder import extract_with, invented_place

TOWNS = [invented_place("orsa", "Orsa", (), 35.6, 36.7)]
TEXT = ("Nineteen civilians, including seven children, were killed in overnight airstrikes on "
        "the town of Orsa, said the Northern Rights Monitor on Wednesday. The monitor said 25 "
        "others had been injured.")


def test_the_speaker_after_its_verb_is_the_claimant_not_the_toll():
    [found] = extract_with(TEXT, date(2017, 11, 29), TOWNS)
    claimed = found.record["claimed_by"]
    assert "Northern Rights Monitor" in claimed
    assert "civilians" not in claimed.lower()


def test_a_figure_of_others_adds_the_kind_the_event_lacks():
    [found] = extract_with(TEXT, date(2017, 11, 29), TOWNS)
    assert (found.record["killed_min"], found.record["killed_max"]) == (19, 19)
    assert (found.record["injured_min"], found.record["injured_max"]) == (25, 25)


def test_a_later_figure_without_others_does_not_join_a_toll():
    text = ("Jets struck the town of Orsa on Monday, killing four civilians. "
            "Twelve were wounded in a separate raid on the road north.")
    found = extract_with(text, date(2017, 11, 29), TOWNS)
    orsa = [c for c in found if c.record["place"] == "Orsa"]
    assert orsa and orsa[0].record["injured_min"] is None
