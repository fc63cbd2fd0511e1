"""Round 13b of issue 12: recall. Dates that missed the right place (ranges across two dates,
"last week", the day an attack began) and incident wordings the lexicon missed (invented
sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

import pytest

from geo.extract.date_readings import attack_began, began_span, loose_last_week
from geo.extract.dates import DateSpan, find_dates
from geo.extract.events import find_events, primary_event
from geo.extract.lists import listed_after_cued
from geo.geocoding.gazetteer import Place
from tests.helpers.fake_geocoder import extract_with, invented_place

PUBLISHED = date(2012, 5, 2)  # a Wednesday
ORSA = invented_place("orsa", "Orsa", [], 35.5, 36.9, kind="town", admin1="Verdan")
KAFRA = invented_place("kafra", "Kafra", [], 35.93, 36.64, kind="town", admin1="Verdan")
TOWNS = [ORSA, KAFRA]


def _one(text: str, published: date = PUBLISHED) -> DateSpan:
    found = find_dates(text, published)
    assert len(found) == 1, found
    span = found[0].span
    assert span is not None
    return span


def _types(text: str) -> list[str]:
    return [e.event_type for e in find_events(text)]


# --- dates -------------------------------------------------------------------------------

def test_between_two_month_first_dates_is_one_range():
    span = _one("Forces attacked the towns between March 22 and April 6, 2012.")
    assert (span.start, span.end, span.precision) == (date(2012, 3, 22), date(2012, 4, 6),
                                                      "range")


def test_from_one_day_to_another_is_one_range():
    span = _one("Shelling went on from 3 March to 9 April.")
    assert (span.start, span.end) == (date(2012, 3, 3), date(2012, 4, 9))


def test_two_dates_without_between_stay_two_days():
    found = find_dates("Jets struck on March 22 and April 6.", PUBLISHED)
    assert [f.span.precision for f in found if f.span] == ["day", "day"]


def test_a_month_first_pair_of_days_is_a_range():
    span = _one("Troops attacked the town on April 3 and 4.")
    assert (span.start, span.end, span.precision) == (date(2012, 4, 3), date(2012, 4, 4),
                                                      "range")
    span = _one("Visits took place April 25 to 29, 2011 in the area.")
    assert (span.start, span.end) == (date(2011, 4, 25), date(2011, 4, 29))


def test_a_day_then_a_count_is_no_range():
    found = find_dates("On April 3 and 4 soldiers were killed.", PUBLISHED)
    assert [(f.span.start, f.span.end) for f in found if f.span] == [
        (date(2012, 4, 3), date(2012, 4, 3))]


def test_last_week_runs_up_to_the_day_before_publication():
    span = loose_last_week(date(2016, 8, 28))  # a Sunday
    assert (span.start, span.end) == (date(2016, 8, 15), date(2016, 8, 27))
    span = loose_last_week(date(2019, 1, 10))  # a Thursday
    assert (span.start, span.end) == (date(2018, 12, 31), date(2019, 1, 9))
    assert _one("The strike came last week.", date(2019, 1, 10)).end == date(2019, 1, 9)


def test_the_day_an_attack_began_is_the_event_s_own():
    assert attack_began("the prison held 3,500 inmates when the initial attack began on ")
    assert attack_began("Clashes erupted ")
    assert not attack_began("the operation that started on ")
    assert not attack_began("since the uprising began in ")
    span = began_span(DateSpan(date(2022, 1, 20), date(2022, 1, 20), "day"), date(2022, 1, 27))
    assert (span.start, span.end, span.precision) == (date(2022, 1, 20), date(2022, 1, 27),
                                                      "range")
    old = began_span(DateSpan(date(2021, 1, 20), date(2021, 1, 20), "day"), date(2022, 1, 27))
    assert (old.start, old.end) == (date(2021, 1, 20), date(2021, 1, 20))


def test_a_prison_attack_that_began_on_a_day_is_dated():
    text = ("The prison in the town of Orsa held 3,000 inmates when the initial attack began "
            "on January 20 with car bombs driven by suicide bombers.")
    found = extract_with(text, date(2022, 1, 27), TOWNS)
    dated = [c for c in found if c.record["place"] == "Orsa"]
    assert dated and (dated[0].record["date_start"], dated[0].record["date_end"]) == (
        date(2022, 1, 20), date(2022, 1, 27))  # from the day it began up to publication
    assert dated[0].record["date_precision"] == "range"


def test_an_operation_that_began_stays_background():
    text = ("Jets struck the town of Orsa, part of an operation that began on January 20, "
            "killing four civilians.")
    found = extract_with(text, date(2022, 1, 27), TOWNS)
    assert all(c.record["date_start"] != date(2022, 1, 20) for c in found)


# --- wordings ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "event_type"), [
    ("The army bombarded opposition strongholds in the town of Orsa.", "shelling"),
    ("Troops hammered rebel belts in the city on Wednesday.", "shelling"),
    ("Terrorists mortared the village twice.", "shelling"),
    ("His forces have been battering rebel-held towns for a week.", "shelling"),
    ("Government forces have completely liberated the city of Orsa.", "clashes"),
    ("Fighters seized control of Orsa a day earlier.", "clashes"),
    ("The army regained control over several districts of the city.", "clashes"),
    ("The militants attacked the civilians while they were picking truffles.", "ground attack"),
    ("The army also eliminated a group of Front-linked terrorists in the town.",
     "ground attack"),
    ("Rebel factions launched an offensive against the village of Orsa.", "ground attack"),
    ("Unknown gunmen shot a teacher to death in the city.", "ground attack"),
    ("A man was killed by unknown gunmen in the city of Orsa.", "ground attack"),
    ("The mayor was assassinated in the town.", "ground attack"),
    ("Gunmen threw a hand grenade at a house.", "bombing"),
    ("Turkish drone kills two in Orsa", "airstrike"),
    ("Israeli missiles target Orsa airport", "airstrike"),
    ("Malnutrition has killed 15 residents of the besieged town.", "siege deaths"),
    ("A baby died on Thursday in the town due to malnutrition.", "siege deaths"),
    ("An attack was launched on Orsa on Thursday afternoon.", "other"),
    ("An army unit thwarted the group's attack toward the town of Orsa.", "other"),
    ("Another attack in Orsa on 9 March struck a hospital.", "other"),
    ("The envoy was appalled by yesterday's school attacks in the city.", "other"),
    ("Militants kidnapped 25 people while they were collecting truffles.", "other"),
    ("Hostilities between government forces and armed groups continued in rural Verdan.",
     "clashes"),
    ("At least 24 civilians were killed in six separate indiscriminate attacks in May.",
     "other"),
    ("The monitor had documented the death of another member in Orsa village.", "other"),
])
def test_wordings_the_lexicon_missed(text, event_type):
    assert primary_event(find_events(text)) == event_type


@pytest.mark.parametrize("text", [
    "The deal was hammered out in Astana.",
    "Residents fled the battered neighbourhood.",
    "The village was bombarded by the press with questions.",
    "He survived an assassination attempt in 2019.",
    "A new hospital was opened in the town.",
    "Hostilities are a matter for the talks.",
])
def test_look_alikes_are_no_new_events(text):
    assert not {"shelling", "ground attack", "airstrike"} & set(_types(text))


def test_a_bombardment_with_an_active_verb_makes_each_town_a_site():
    text = ("The army bombarded opposition strongholds in the towns of Orsa and Kafra on "
            "Tuesday, activists said.")
    found = extract_with(text, PUBLISHED, TOWNS)
    assert {c.record["place"] for c in found} >= {"Orsa", "Kafra"}
    assert {c.record["event_type"] for c in found} == {"shelling"}


# --- sites in lists ----------------------------------------------------------------------

def test_a_count_after_a_listed_name_keeps_the_list_going():
    assert listed_after_cued("militants shelled Orsa (twice), ", {len("militants shelled Orsa")})
    assert listed_after_cued("shelled Orsa (four times), and ", {len("shelled Orsa")})
    assert not listed_after_cued("shelled Orsa (a town), ", {len("shelled Orsa")})


def test_the_next_group_of_a_list_after_a_semicolon():
    before = "shelled Orsa in the Verdan governorate; "
    assert listed_after_cued(before, {len(before) - 2})
    assert not listed_after_cued(before, set())


#: A hamlet as a worldwide gazetteer holds it (no population): read as a place only with a cue.
HAMLET = Place("geonames:990001", "Karnaz", (), 35.4, 36.5, "village", "SY", "Verdan", 1)


def test_a_list_of_settlements_with_counts_and_unknown_names():
    text = ("Throughout the day, militants shelled the settlements of Zumbra (twice), "
            "Qelbat (four times), Nowhereya and Karnaz in the Verdan governorate.")
    found = extract_with(text, PUBLISHED, [HAMLET])
    assert "Karnaz" in {c.record["place"] for c in found}


def test_a_common_word_passes_no_cue_down_a_list():
    text = ("Six rockets hit the streets of the Political Boulevard, Zumbra, and Karnaz "
            "in the city centre.")
    found = extract_with(text, PUBLISHED, [HAMLET])
    assert "Karnaz" not in {c.record["place"] for c in found}
