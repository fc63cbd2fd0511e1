"""Trial 26 (issue 12): general readings behind what a cold analyst trial found on two real
reports, an AFP wire relayed by Arab News and an SOHR province bulletin (invented sentences and
an invented gazetteer)."""

from __future__ import annotations

from datetime import date

from geo.extract.casualties import find_casualties
from geo.extract.claims import attribute
from geo.extract.events import find_actors
from geo.extract.phrases import appositive_descriptor
from geo.extract.resolve_policy import DOUBT_REASONS
from geo.extract.review import status_label
from geo.extract.text import split_sentences
from tests.helpers.fake_geocoder import extract_with, invented_place
from tests.test_extract_resolve_policy import _doubts, _mention

WEDNESDAY = date(2023, 6, 21)
ORSA = invented_place("orsa", "Orsa", [], 35.50, 36.90, admin1="Northland")
KAFRA = invented_place("kafra", "Kafra", [], 35.55, 36.95, admin1="Northland")
VERDAN = invented_place("verdan", "Verdan", [], 35.90, 36.60, admin1="Verdan")
TOWNS = [ORSA, KAFRA, VERDAN]

#: The AFP report's shape: a quoted claim ending on an unknown town, the town described in
#: apposition after the closing quote, the speaker after that, and the wounded further on.
WIRE = ("Overnight air strikes killed 12 civilians in a residential district of a town in the "
        "north, a monitor said on Wednesday.\n"
        "“Suspected Norland air strikes targeted several houses in Belvashi,” a rebel-held town "
        "in Verdan province, said Omar Haddad, head of the Northern Rights Monitor.\n"
        "Residents of Belvashi were still clearing rubble on Wednesday morning.\n"
        "“These are all civilian homes,” said one resident.\n"
        "The monitor said more than 20 people were wounded in the strikes.\n")


def test_a_town_described_after_a_closing_quote_is_a_site_for_review():
    text = "“Jets hit houses in Belvashi,” a rebel-held town in Verdan province, said a monitor."
    end = text.index("Belvashi") + len("Belvashi")
    assert appositive_descriptor(text, end) == "town"
    assert appositive_descriptor("in Belvashi, an opposition-controlled village in Y", 11) \
        == "village"
    assert appositive_descriptor("in Belvashi, said a resident of the town", 11) == ""


def test_the_unknown_town_is_offered_not_replaced_by_its_province():
    found = extract_with(WIRE, WEDNESDAY, TOWNS)
    places = [c.record["place"] for c in found]
    assert "Belvashi" in places
    assert not any("Verdan" in p for p in places)
    [town] = [c for c in found if c.record["place"] == "Belvashi"]
    assert town.geocode_status == "unresolved" and town.record["latitude"] is None


def test_the_speaker_after_an_aside_on_the_quote_claims_it():
    sentences = split_sentences(WIRE)
    speakers = attribute(WIRE, sentences)
    who = speakers[1].speaker
    assert who is not None and who.claimed_by.startswith("Omar Haddad")
    assert "Northern Rights Monitor" in who.claimed_by
    found = extract_with(WIRE, WEDNESDAY, TOWNS)
    [town] = [c for c in found if c.record["place"] == "Belvashi"]
    assert "Omar Haddad" in town.record["claimed_by"]


def test_the_wounded_of_the_strikes_further_on_join_the_one_event():
    found = extract_with(WIRE, WEDNESDAY, TOWNS)
    [town] = [c for c in found if c.record["place"] == "Belvashi"]
    assert town.record["killed_min"] == 12
    assert town.record["injured_min"] == 21 and town.record["injured_max"] is None  # "more than"


def test_the_wounded_stay_untied_with_two_sited_events():
    text = ("Jets struck Orsa on Wednesday, killing three. Jets also struck Verdan on "
            "Wednesday, killing two. Residents said 40 people were wounded in the strikes.")
    found = extract_with(text, WEDNESDAY, TOWNS)
    assert found and all(c.record["injured_min"] is None for c in found)


def test_a_nationality_before_the_strikes_names_the_actor():
    assert find_actors("Suspected Norland air strikes hit the town.") == []  # not a known side
    assert find_actors("Suspected Russian air strikes targeted several houses.") == [
        "Suspected Russian air strikes"]
    assert find_actors("Israeli strikes hit the airport.") == ["Israeli strikes"]
    assert find_actors("The Russian-held base was calm.") == []


def test_a_postposed_hedge_and_members_of_a_named_group_are_counted():
    toll = find_casualties("also 4 persons at least were killed and others were injured")
    assert (toll.killed_min, toll.killed_max) == (4, None)
    toll = find_casualties("also 2 members of Liwa al-Haqq Brigade were killed in a car")
    assert (toll.killed_min, toll.killed_max) == (2, 2)


def test_a_toll_that_rose_to_a_figure_the_number_of_people_killed():
    toll = find_casualties("also it rose to 9, including a girl and 4 women, the number of "
                           "people who were killed in the bombing of Kafra town")
    assert (toll.killed_min, toll.killed_max) == (9, 9)
    assert find_casualties("the price rose to 9 dollars, the number of goods").is_empty()


#: The SOHR bulletin's shape: one comma-spliced sentence, each town with its own clause.
BULLETIN = ("Northland Province, the monitor: warplanes bombed areas in the city of Verdan, no "
            "information on casualties yet, also 4 persons at least were killed and others were "
            "injured by bombing by warplane over areas in the town of Orsa in the northern "
            "countryside, also it rose to 9, including a girl, the number of people who were "
            "killed in warplanes' bombing over areas in Kafra town at the eastern countryside, "
            "also 2 members of Liwa al-Haqq Brigade were killed when warplanes bombed a car.")


def test_each_town_of_a_comma_spliced_bulletin_keeps_its_own_toll():
    found = {c.record["place"]: c for c in extract_with(BULLETIN, WEDNESDAY, TOWNS)}
    assert found["Orsa"].record["killed_min"] == 4
    assert found["Kafra town"].record["killed_min"] == 9


def test_towns_with_clauses_of_their_own_are_not_a_list():
    text = ("Jets bombed the city of Verdan, with no word on casualties, also four were killed "
            "by bombing over the town of Orsa in the north, and nine were killed in bombing "
            "over Kafra at the eastern edge.")
    orsa = _mention(text, "Orsa", ORSA)
    sites = [_mention(text, "Verdan", VERDAN), orsa, _mention(text, "Kafra", KAFRA)]
    doubts = _doubts(text, orsa, sited={0: sites}, trigger="killed")
    assert doubts is not None and not doubts.listed
    text = "Jets shelled Verdan, Orsa and Kafra on Wednesday."
    orsa = _mention(text, "Orsa", ORSA)
    sites = [_mention(text, "Verdan", VERDAN), orsa, _mention(text, "Kafra", KAFRA)]
    doubts = _doubts(text, orsa, sited={0: sites})
    assert doubts is not None and doubts.listed


def test_a_candidate_sent_to_review_says_why():
    assert "foreign or partial" not in status_label("unsure")
    assert set(DOUBT_REASONS) >= {"listed", "namesakes", "loose", "partial", "roundup"}
    text = "Jets shelled Verdan, Orsa and Kafra on Wednesday, killing two."
    found = extract_with(text, WEDNESDAY, TOWNS)
    unsure = [c for c in found if c.geocode_status == "unsure" and c.doubts is not None
              and c.doubts.listed]
    assert unsure
    assert all("Sent to review: named once, in a list of places" in c.record["description"]
               for c in unsure)


def test_a_town_in_the_countryside_of_a_city_named_twice_keeps_its_own_point():
    far = invented_place("kafrtal", "Kafr Tal", [], 36.12, 36.52, admin1="Verdan")
    text = ("Verdan Province: jets bombed the city of Verdan, also 2 fighters were killed when "
            "jets bombed a car at Kafr Tal area in the northwestern countryside of Verdan.")
    found = {c.record["place"]: c for c in extract_with(text, WEDNESDAY, [*TOWNS, far])}
    town = found["Kafr Tal area"]
    assert (town.record["latitude"], town.record["longitude"]) == (36.12, 36.52)
    assert town.record["killed_min"] == 2
