"""Round 15 of issue 12: trial 27's findings (a report on "Orum al-Kubra" placed in Utah, a
hedge lost, a toll left untied, the doubt between two air forces lost, a town's holders read as
its attackers) and heldout13's largest classes (event types, false positives), each as a
general reading tested on invented sentences and an invented gazetteer."""

from __future__ import annotations

from datetime import date

from geo.extract.casualties import Casualties, combine, find_casualties
from geo.extract.event_kinds import site_event_type
from geo.extract.events import find_actors, find_events
from geo.extract.focus import is_tally
from geo.extract.home_country import allowed_countries, written_name
from tests.helpers.fake_geocoder import extract_with, invented_place, resolved_mention

SATURDAY = date(2018, 8, 11)
#: "Belmora" is a town of the United States only: the report's "Belmora al-Kubra" is not in
#: the invented gazetteer under that spelling.
BELMORA_US = invented_place("belmora", "Belmora", [], 40.3, -111.7, country="US",
                            admin1="Utah", population=90_000)
VERDAN = invented_place("verdan", "Verdan", [], 35.90, 36.60, kind="city", admin1="Verdan",
                        population=150_000)
KAFRA = invented_place("kafra", "Kafra", [], 35.55, 36.95, admin1="Verdan")
ORSA = invented_place("orsa", "Orsa", [], 35.50, 36.90, admin1="Verdan")
KILISAR = invented_place("kilisar", "Kilisar", [], 36.7, 37.1, country="TR", admin1="Kilis")
TOWNS = [BELMORA_US, VERDAN, KAFRA, ORSA, KILISAR]

#: Trial 27's report, in invented names: the lead's toll without a site, the site with the
#: doubt between two air forces, a neighbouring province held by two groups, and a toll that
#: names its event back ("in that shelling").
WIRE = ("Air strikes kill 14 civilians in Syria\n\n"
        "BEIRUT: Air strikes killed at least 14 civilians and wounded dozens more on Friday in a "
        "rebel-held town in northern Syria, a war monitor said.\n\n"
        "The monitor could not say whether the raids on Belmora al-Kubra in Verdan province "
        "were carried out by regime or allied Russian aircraft. \"A series of air strikes on "
        "the town killed 14 civilians,\" said the monitor's head, Omar Haddad.\n\n"
        "The strikes came as heavy bombardment slammed into the nearby town of Kafra, held by "
        "jihadists and rebels.\n\n"
        "At least nine civilians were killed Friday in that shelling, said Haddad.\n")


def _by_place(found):
    return {c.record["place"]: c for c in found}


def test_a_site_found_only_abroad_is_named_without_a_point():
    found = _by_place(extract_with(WIRE, SATURDAY, TOWNS))
    site = found["Belmora al-Kubra"]  # named in full: only "Belmora" was found
    assert site.geocode_status == "unresolved"
    assert site.record["latitude"] is None and site.record["longitude"] is None
    assert site.record["geo_precision"] is None and site.record["country"] == "SY"
    assert site.place_alternatives[0].startswith("test:belmora: Belmora (Utah, US)")
    assert any(c.startswith("abroad:") for c in site.place_context)
    assert "Not placed" in site.record["description"]


def test_a_neighbour_the_report_names_keeps_its_point():
    text = ("Shells fired from Syria hit the Turkish town of Kilisar on Friday, killing two "
            "people, Turkey said.\nThe same day air strikes hit Kafra in northern Syria.\n")
    found = _by_place(extract_with(text, SATURDAY, TOWNS))
    assert found["Kilisar"].record["latitude"] == KILISAR.latitude
    assert allowed_countries("SY", {"TR", "US"}) == {"SY", "TR"}
    assert allowed_countries("XX", {"TR", "US"}) == {"XX", "TR", "US"}  # no neighbours known


def test_a_country_named_only_as_an_actor_does_not_make_points_foreign():
    text = ("Russian forces kill civilians in Kafra\n\n"
            "Russian warplanes struck the town of Kafra on Friday, killing 12, near Orsa.\n")
    found = _by_place(extract_with(text, SATURDAY, TOWNS))
    assert found["Kafra"].record["latitude"] == KAFRA.latitude


def test_the_full_written_name_after_the_part_found():
    text = "raids on Belmora al-Kubra in Verdan"
    start = text.index("Belmora")
    assert written_name(text, start, start + 7) == "Belmora al-Kubra"
    assert written_name("on Belmora’s market", 3, 10) == "Belmora"


def test_the_hedge_of_the_same_figure_is_kept():
    bare = find_casualties("Air strikes kill 14 civilians in Syria")
    hedged = find_casualties("Air strikes killed at least 14 civilians on Friday")
    assert (bare.killed_min, bare.killed_max) == (14, 14)
    for first, second in ((bare, hedged), (hedged, bare)):
        both = combine(first, second)
        assert (both.killed_min, both.killed_max) == (14, None)
    other = combine(Casualties(killed_min=14, killed_max=14, spans=[(0, 1)]),
                    Casualties(killed_min=16, killed_max=None, spans=[(2, 3)]))
    assert (other.killed_min, other.killed_max) == (14, 14)  # another figure: first wins


def test_tolls_of_the_lead_and_of_that_shelling():
    found = _by_place(extract_with(WIRE, SATURDAY, TOWNS))
    site = found["Belmora al-Kubra"].record
    assert (site["killed_min"], site["killed_max"]) == (14, None)  # "at least 14" kept
    kafra = found["Kafra"].record
    assert (kafra["killed_min"], kafra["killed_max"]) == (9, None)  # "in that shelling"


def test_two_air_forces_given_as_alternatives_keep_the_doubt():
    text = "the raids were carried out by regime or allied Russian aircraft."
    assert find_actors(text) == ["regime aircraft (uncertain)", "Russian aircraft (uncertain)"]
    assert find_actors("Syrian and Russian warplanes pounded the town.") == [
        "Syrian warplanes", "Russian warplanes"]
    found = _by_place(extract_with(WIRE, SATURDAY, TOWNS))
    assert found["Belmora al-Kubra"].record["actors"] == \
        "regime aircraft (uncertain); Russian aircraft (uncertain)"


def test_who_holds_a_place_did_not_strike_it():
    assert find_actors("bombardment slammed into the town of Kafra, held by jihadists and "
                       "rebels.") == []
    assert find_actors("the town, held by government forces and allied militias, was hit by "
                       "rebels") == ["rebels"]
    found = _by_place(extract_with(WIRE, SATURDAY, TOWNS))
    assert found["Kafra"].record["actors"] == ""


def _types(text, names):
    events = find_events(text)
    sites = [resolved_mention(n, None, text.index(n)) for n in names]
    return [site_event_type(events, s, sites, _primary(events), len(text)) for s in sites]


def _primary(events):
    from geo.extract.events import primary_event

    return primary_event(events)


def test_each_site_of_a_sentence_has_the_type_of_its_own_clause():
    text = ("Warplanes carried out several raids on areas in the city of Kafra, while the regime "
            "forces shelled the town of Orsa, also fell a cylinder on Verdan.")
    assert _types(text, ["Kafra", "Orsa", "Verdan"]) == ["airstrike", "shelling", "shelling"]
    text = "Airstrikes on 11 November hit camps in Kafra and shelling on 19 November hit Orsa."
    assert _types(text, ["Kafra", "Orsa"]) == ["airstrike", "shelling"]


def test_the_weapon_names_the_event_not_a_generic_verb():
    text = "The regime forces bombed the town of Kafra with artillery shells on Saturday."
    assert _types(text, ["Kafra"]) == ["shelling"]
    assert _types("A car bomb exploded in Kafra.", ["Kafra"]) == ["bombing"]


def test_a_landmine_going_off_is_no_bombing():
    text = "A landmine exploded under a shepherd in the village of Kafra on Friday, killing him.\n"
    [mine] = extract_with(text, SATURDAY, TOWNS)
    assert mine.record["event_type"] == "other"
    text = "A car bomb exploded in the village of Kafra on Friday, killing five.\n"
    [bomb] = extract_with(text, SATURDAY, TOWNS)
    assert bomb.record["event_type"] == "bombing"


def test_a_province_as_adjective_before_its_city_is_no_site():
    text = "An airstrike Thursday on the Verdan city of Kafra killed five people.\n"
    found = _by_place(extract_with(text, SATURDAY, TOWNS))
    assert set(found) == {"Kafra"}
    text = "An airstrike hit Verdan city on Thursday, killing five.\n"
    assert set(_by_place(extract_with(text, SATURDAY, TOWNS))) == {"Verdan city"}


def test_a_person_called_by_a_place_name_is_no_place():
    text = "A landmine in the town of Kafra killed a young man called Orsa al-Zamel on Friday.\n"
    assert set(_by_place(extract_with(text, SATURDAY, TOWNS))) == {"Kafra"}


def test_a_wars_running_toll_is_a_tally():
    assert is_tally("More than 21,000 people have been killed across Syria since the "
                    "anti-regime revolt broke out 17 months ago, according to the watchdog.")
    assert not is_tally("The strike killed 50 people in Kafra, the deadliest since the war "
                        "began.")


def test_a_dateline_with_a_minus_sign_is_no_site():
    text = ("Verdan, Syria− Five civilians were killed as warplanes bombed the town of Kafra on "
            "Monday.\n")
    [found] = extract_with(text, SATURDAY, TOWNS)
    assert found.record["place"] == "Kafra"
    assert "dateline: Verdan" in found.place_context


def test_a_capitals_ally_is_a_side_not_a_site():
    text = ("It was not clear whether the strikes on the town of Kafra on Friday were carried "
            "out by Syrian warplanes, or those of Damascus's ally Russia.\n")
    places = set(_by_place(extract_with(text, SATURDAY, TOWNS)))
    assert places == {"Kafra"}


def test_a_place_outside_a_city_is_near_it_not_at_its_point():
    text = "A car bomb exploded outside of Verdan on Friday, killing five.\n"
    [found] = extract_with(text, SATURDAY, TOWNS)
    assert found.record["place"] == "Verdan" and found.record["geo_precision"] == 2
    text = "A car bomb exploded in Verdan on Friday, killing five.\n"
    [found] = extract_with(text, SATURDAY, TOWNS)
    assert found.record["geo_precision"] == 1
