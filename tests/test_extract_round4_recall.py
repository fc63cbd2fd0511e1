"""Fourth round of real-report rules (issue 12), the recall side: how wires, monitors and
state media phrase attacks and tolls, claimants and dates. Every sentence here is invented."""

from datetime import date

import pytest

from geo.extract.casualties import find_casualties
from geo.extract.events import find_events, primary_event
from geo.extract.pipeline import extract
from tests.helpers.fake_geocoder import PLACES, FakeGeocoder

MONDAY = date(2020, 6, 15)


def _run(text, published=MONDAY):
    return extract(text, published, geocoder=FakeGeocoder(PLACES))


def _places(text, published=MONDAY):
    return {c.record["place"]: c for c in _run(text, published)}


def _type(sentence):
    return primary_event(find_events(sentence))


# --- triggers: the attack as written -------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "A clinic was destroyed on Sunday by aircraft, presumably foreign, near the river.",
    "The bakery was struck early on Friday by three missiles.",
    "Government planes dropped barrels packed with explosives on the village.",
    "The warplanes of the alliance launched an aggression against the farms.",
    "Fixed-wing warplanes fired missiles on the market.",
    "Air force strikes kill nine in the south.",
    "At least five people died when missiles hit a school.",
    "Helicopter attacks left the hamlet in ruins.",
])
def test_strikes_from_the_air_in_passive_and_idiom(sentence):
    assert _type(sentence) == "airstrike"


def test_one_strike_named_alone_is_an_attack_and_by_aircraft_an_air_strike():
    assert _type("Eleven were killed in a strike on the farm.") == "other"
    assert _type("A coalition strike on the farm killed two.") == "airstrike"
    assert _type("The villagers went on a hunger strike.") != "other"
    assert _type("A strike force was sent.") == ""


@pytest.mark.parametrize("sentence, kind", [
    ("An explosive device planted on the road went off as a bus passed.", "bombing"),
    ("A landmine killed two shepherds.", "bombing"),
    ("A booby-trapped motorcycle exploded.", "bombing"),
    ("Gunmen ransacked the offices.", "ground attack"),
    ("Two men were shot dead at a checkpoint.", "ground attack"),
    ("Militants fired a rocket shell on the square.", "shelling"),
    ("Insurgents lobbed home-made rockets at the suburb.", "shelling"),
    ("Projectiles fell on a residential neighbourhood.", "shelling"),
    ("Hostilities continued to be reported in the town.", "clashes"),
    ("Heavy fighting raged overnight.", "clashes"),
    ("The town was taken over by armed groups on Friday.", "clashes"),
    ("Rebels captured the village after a day of combat.", "clashes"),
])
def test_wider_lexicon_of_attack_wordings(sentence, kind):
    assert _type(sentence) == kind


def test_an_attack_in_quotation_marks_is_still_an_attack():
    assert _type("Four guards were killed in a “terrorist attack” on the station.") == "other"
    assert _type("‘Terrorist attack’ on a radio station kills four") == "other"


def test_a_passive_hit_by_shrapnel_or_a_car_is_no_attack():
    assert _type("She was hit by a car on the way home.") == ""
    assert _type("The hospital was struck on Monday, the charity said.") == "other"


# --- tolls ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, killed", [
    ("At least 30 people - including children - killed in a strike", (30, None)),
    ("At least 12 people, including 9 younger than 15, were killed when jets struck", (12, None)),
    ("Five civilians (three children and a woman) were killed", (5, 5)),
    ("Two foreign contract soldiers have been killed in the shelling", (2, 2)),
    ("A citizen was martyred by a mortar shell", (1, 1)),
    ("claiming the life of a civilian and injuring 3 others", (1, 1)),
    ("Rocket attack claims lives of 6 citizens in the suburb", (6, 6)),
    ("One citizen and three children were killed on Thursday", (4, 4)),
    ("claiming lives of one woman and two children", (3, 3)),
])
def test_tolls_as_state_media_and_wires_give_them(sentence, killed):
    toll = find_casualties(sentence)
    assert (toll.killed_min, toll.killed_max) == killed


def test_a_figure_with_its_own_verb_is_not_summed_with_the_next():
    toll = find_casualties("The shells killed 3 people and 5 were wounded.")
    assert (toll.killed_min, toll.injured_min) == (3, 5)
    toll = find_casualties("including 2 women and 3 children were killed")
    assert toll.killed_min == 3
    toll = find_casualties("A citizen was martyred and four others got injured.")
    assert (toll.killed_min, toll.injured_min) == (1, 4)


# --- whole reports -------------------------------------------------------------------


def test_a_passive_strike_by_aircraft_near_a_town_is_found():
    found = _places("A clinic was destroyed on Monday by aircraft near Kafr Zeit, killing "
                    "nine people, a monitor said.")
    assert found["Kafr Zeit"].record["event_type"] == "airstrike"
    assert found["Kafr Zeit"].record["killed_min"] == 9


# --- claimants -----------------------------------------------------------------------


def _speakers(text):
    from geo.extract.claims import attribute
    from geo.extract.text import split_sentences

    sentences = split_sentences(text)
    return [a.speaker.claimed_by if a.speaker else None
            for a in attribute(text, sentences)]


@pytest.mark.parametrize("sentence", [
    "New reports of attacks were received from the field.",
    "Consistent reports indicate that many people could not leave.",
    "The alleged strike was a follow-up to an earlier attack.",
    "In the last of three reported incidents, a team died in the fire.",
    "Responding to reports that jets struck the town, officials stayed silent.",
    "• One of several fires caused by alleged strikes on the town.",
])
def test_a_noun_or_adjective_is_never_read_as_a_speech_verb(sentence):
    assert _speakers(sentence) == [None]


def test_reports_said_is_a_whole_phrase_never_an_adjective_alone():
    assert _speakers("Separate reports said the attack took place on Monday.") == [
        "Separate reports"]


def test_a_speaker_after_a_time_phrase_is_the_speaker():
    assert _speakers("Last month, the coalition confirmed that strikes had killed "
                     "civilians.") == ["The coalition"]


def test_a_named_speaker_in_apposition_before_said_with_a_colon():
    [who] = _speakers("Responding to reports of a strike on the town, Jane Doe, the "
                      "group's regional director, said:")
    assert who.startswith("Jane Doe")


def test_a_surname_refers_back_to_the_full_name():
    said = _speakers("Head of the monitoring centre John Smith said that three people "
                     "were killed. Three civilians were killed in the shelling, Smith said.")
    assert said == ["Head of the monitoring centre John Smith"] * 2


def test_a_pronoun_with_no_speaker_before_it_is_no_speaker():
    assert _speakers("He said the hospital was hit twice.") == [None]


def test_the_end_of_a_quotation_said_by_a_pronoun_nobody_introduced_has_no_speaker():
    said = _speakers("“We ran to the shelter. My brother lying on the floor, children "
                     "screaming,” he said.")
    assert said[-1] is None
    assert _speakers("Based on witness statements and other information, the group "
                     "documented the attack.") == [None]


def test_the_channel_is_the_television_that_spoke_before():
    said = _speakers("A bomb killed two people, state television said. The car was "
                     "parked near a mosque, the channel reported.")
    assert said[0] == said[1] == "State television"


# --- sites and dates told in the next sentence ---------------------------------------


def test_a_promised_site_is_the_one_named_in_the_next_sentence():
    found = _places("A car bomb killed seven civilians in a town south of Damascus on "
                    "Sunday, state television said. The car was parked near a mosque in "
                    "Kafr Zeit, the channel reported.")
    assert list(found) == ["Kafr Zeit"]
    record = found["Kafr Zeit"].record
    assert (record["event_type"], record["killed_min"]) == ("bombing", 7)
    assert record["date_start"] == date(2020, 6, 14)


def test_a_site_is_not_taken_from_a_sentence_with_an_event_of_its_own_or_too_far():
    found = _places("A car bomb killed seven civilians in a town on Sunday. Shelling hit "
                    "al-Qasra on Monday. Residents of Kafr Zeit were asleep.")
    assert "Kafr Zeit" not in found
    found = _places("A car bomb killed seven civilians in a town on Sunday. Talks went on. "
                    "Nothing changed. Residents of Kafr Zeit were asleep.")
    assert "Kafr Zeit" not in found


def test_no_site_promised_no_site_taken():
    found = _places("A car bomb killed seven civilians on Sunday. Kafr Zeit lies on a "
                    "hill.")
    assert "Kafr Zeit" not in found


def test_a_site_borrowed_by_the_town_takes_the_date_of_the_sentence_naming_it():
    found = _places("On Saturday, people of Kafr Zeit were leaving the mosque. Gunmen at "
                    "the town checkpoint opened fire, killing 16.")
    record = found["Kafr Zeit"].record
    assert record["date_start"] == date(2020, 6, 13)
    assert record["killed_min"] == 16


def test_a_date_in_a_despite_clause_is_what_the_event_went_on_after():
    [candidate] = _run("Despite a truce announced on the evening of 12 June, fighting "
                       "continued in Kafr Zeit, local sources said.")
    record = candidate.record
    assert (record["date_start"], record["date_end"]) == (date(2020, 6, 13), MONDAY)
    assert record["date_precision"] == "range"


def test_days_after_the_incident_counts_back_from_the_date_beside_it():
    from geo.extract.dates import find_dates

    [first, second] = find_dates("On June 12, two days after the alleged incident, a "
                                 "spokesman confirmed the strike.", MONDAY)
    assert second.span is not None and second.span.start == date(2020, 6, 10)
    [first, second] = find_dates("On June 12, two days after the talks ended.", MONDAY)
    assert second.span is not None and second.span.start == date(2020, 6, 14)
