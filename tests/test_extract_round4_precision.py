"""Fourth round of real-report rules (issue 12), the precision side: places in other roles
than the site, background and tallies that are no event, honest uncertainty, one candidate
per event. Every sentence and place here is invented."""

from datetime import date

from geo.extract.pipeline import extract
from tests.helpers.fake_geocoder import PLACES, FakeGeocoder, extract_with
from tests.helpers.fake_geocoder import invented_place as _place

MONDAY = date(2020, 6, 15)


EXTRA = [
    _place("sufa", "Sufa", [], 35.2, 37.1, "town", "Hamra"),
    _place("bayda", "Bayda", [], 35.9, 38.4, "town", "Hamra"),
    _place("marj", "Marj", [], 36.4, 37.3, "town", "Hamra"),
    _place("tarfa", "Tarfa", [], 33.9, 36.6, "city", "Nawa"),
    _place("zawra", "al-Zawra", [], 34.8, 36.0, "village", "Lakri"),  # far from Tarfa
    _place("kelbin", "Kelbin", [], 41.3, 69.2, "city", "Abroad", country="UZ"),
    _place("hamra-gov", "Hamra Governorate", ["Hamra province", "Hamra"], 36.2, 40.3,
           "region", "Hamra", 3),
]


def _run(text, published=MONDAY):
    return extract_with(text, published, EXTRA)


def _places(text, published=MONDAY):
    return {c.record["place"]: c for c in _run(text, published)}


# --- place roles ----------------------------------------------------------------------


def test_a_street_named_after_a_city_is_no_site_in_that_city():
    found = _places("Two people were killed on Sunday when shells landed in Baghdad Street "
                    "in Damascus.")
    assert list(found) == ["Damascus"]
    assert any("street: Baghdad" in c for c in found["Damascus"].place_context)


def test_the_venue_of_talks_is_no_site():
    found = _places("Jets bombed Sufa on Sunday, killing four. The town lies in a zone "
                    "agreed at peace talks in Kelbin last year, and the attack broke it.")
    assert list(found) == ["Sufa"]
    assert not _places("The strikes violate the Kelbin agreement, the opposition said on "
                       "Sunday after the attack.")


def test_a_zone_named_after_a_place_is_a_region_and_a_base_is_where_fire_came_from():
    [candidate] = _run("Militants operating in the Sufa de-escalation zone shelled Bayda "
                       "on Sunday.")
    assert candidate.record["place"] == "Bayda"
    assert any(c.startswith("origin: Sufa") for c in candidate.place_context)
    [candidate] = _run("Shells fired from the Marj pocket hit Bayda on Sunday.")
    assert candidate.record["place"] == "Bayda"
    # where the actors are is the site when the sentence names no other place
    [candidate] = _run("Militants based in Bayda shelled army posts on Sunday.")
    assert candidate.record["place"] == "Bayda"


def test_a_distance_from_a_capital_named_in_apposition_makes_it_a_reference():
    [candidate] = _run("Warplanes bombed the town of Bayda, 200 kilometers northeast of the "
                       "capital Damascus, on Sunday, killing six.")
    assert candidate.record["place"] == "Bayda"
    assert "reference: Damascus (200 kilometers northeast of the capital)" in \
        candidate.place_context


def test_from_one_place_to_another_makes_the_second_a_destination_and_its_town_too():
    assert not _run("On Sunday, medics evacuated 12 wounded people and three bodies from "
                    "Sufa to the Marj Hospital in Bayda and to Tarfa.")


def test_a_neighbourhood_in_a_sentence_naming_one_town_is_a_part_of_that_town():
    found = _places("Shells hit al-Zawra neighbourhood and the main square in the city of "
                    "Tarfa on Sunday, killing one.")
    assert list(found) == ["Tarfa"]
    assert found["Tarfa"].record["killed_min"] == 1


# --- what a sentence reports ------------------------------------------------------------


def test_a_running_tally_is_no_event():
    assert not _run("As of 7 May, at least 9,000 people have been displaced by the fighting "
                    "in Hamra province, the cluster said.")
    assert not _run("During the reporting period 40 people were reported killed in Sufa.")
    assert not _run("Their deaths bring the number of civilians killed in air strikes on "
                    "Sufa since September to 148, the monitor said on Monday.")
    # one event's toll told with its date stays an event
    [candidate] = _run("An air strike on Sufa on Sunday killed 12 people, the monitor said.")
    assert candidate.record["killed_min"] == 12


def test_a_quoted_reaction_with_no_date_toll_or_place_is_commentary():
    assert not _run("“The government keeps killing children with banned chemical weapons,” "
                    "said Jane Roe, a researcher at a rights group.")
    # the same allegation with a toll is kept, without a site
    [candidate] = _run("The rights group said on Monday that a chemical attack killed 12 "
                       "people.")
    assert candidate.record["event_type"] == "use of prohibited weapons"


def test_repeated_attacks_are_a_campaign_not_one_event():
    assert not _run("The group has documented repeated air strikes on schools in Sufa.")


def test_an_event_in_an_unnamed_village_in_a_town_is_near_the_town_not_at_it():
    [candidate] = _run("Air strikes killed 40 civilians in a village in Syria's Bayda on "
                       "Sunday, state media said.")
    assert candidate.record["place"] == "Bayda"
    assert candidate.record["geo_precision"] == 2
    # a neighbourhood in a town is in the town: the town is the site
    [candidate] = _run("Shells hit a residential neighbourhood in Bayda on Sunday.")
    assert candidate.record["geo_precision"] == 1


def test_a_country_is_no_container_point_for_a_village_it_holds():
    [candidate] = _run("Jets bombed the village of Umm Faris, Syria, on Sunday, killing four.")
    assert candidate.record["place"] == "Umm Faris"
    assert candidate.geocode_status == "unresolved"
    assert candidate.record["latitude"] is None


def test_a_province_named_in_a_report_with_no_country_says_where_its_villages_lie():
    places = [*PLACES, *EXTRA, _place("qarn-tn", "Qarnaya", [], 35.7, 10.1, "village", "Kef",
                                      country="TN")]
    [candidate] = extract("Warplanes bombed Qarnaya on Monday, killing five civilians in "
                          "Hamra province.", MONDAY, geocoder=FakeGeocoder(places))
    assert candidate.record["place"] == "Qarnaya"
    assert candidate.geocode_status != "resolved"


# --- one candidate per event ------------------------------------------------------------


GOVERNORATES = [
    _place("outer-gov", "Outer Sufa Governorate", ["Sufa Countryside", "Rif Sufa"], 35.0, 37.0,
           "region", "Rif Sufa", 3),
    _place("kanat", "Kanat", [], 35.3, 37.4, "town", "Rif Sufa"),
    _place("dulab", "Dulab", [], 35.6, 37.9, "town", "Rif Sufa"),
]


def test_a_region_folds_into_the_nearest_site_inside_it_under_any_of_its_spellings():
    found = extract("Shells hit Dulab on Sunday, killing two. Terrorists detonated a bomb on "
                    "a road in Sufa Countryside on Sunday. The bomb exploded on the main road "
                    "of Kanat.", MONDAY, geocoder=FakeGeocoder([*PLACES, *GOVERNORATES]))
    places = [c.record["place"] for c in found]
    assert places == ["Dulab", "Kanat"]
    assert any("Sufa Countryside" in c for c in found[1].place_context)


def test_a_region_summary_folds_into_an_unplaced_site_its_sentence_puts_in_that_region():
    found = _run("Militants shell a village in Hamra province\n"
                 "The Russian centre said three civilians were killed.\n"
                 "MOSCOW, June 15.\n"
                 "/TASS/.\n"
                 "Militants have shelled the village of Umm Faris in the province of Hamra, "
                 "killing three civilians, the centre said on Monday.")
    [candidate] = found
    assert candidate.record["place"] == "Umm Faris"
    assert candidate.quote_spans[0][0] == 0  # the headline's summary is its quote too


def test_a_region_event_takes_the_site_the_next_sentence_names():
    [candidate] = _run("Jets bombed a town in the southern province of Hamra on Sunday, "
                       "killing 16, a monitor said. Those killed were attending lessons in the "
                       "town of Umm Faris.")
    assert candidate.record["place"] == "Umm Faris"
    assert candidate.geocode_status == "unresolved"
    assert len(candidate.quote_spans) == 2
    # a site the gazetteer finds in another governorate is unsure
    [candidate] = _run("Jets bombed a town in the southern province of Hamra on Sunday, "
                       "killing 16. Those killed were attending lessons in the town of Tarfa.")
    assert candidate.record["place"] == "Tarfa" and candidate.geocode_status == "unsure"


def test_parts_of_a_town_the_gazetteer_cannot_place_fold_into_the_town_event():
    [candidate] = _run("Mortar shells hit various areas of Tarfa on Sunday, killing eight. "
                       "A shell landed near the Nour school in Bab Qibli neighbourhood, "
                       "killing three. Another fell in the Sahat al-Nasr neighbourhood, "
                       "wounding two.")
    assert candidate.record["place"] == "Tarfa"
    assert candidate.record["killed_min"] == 8
    assert len(candidate.quote_spans) == 3
    assert any(c.startswith("part: ") for c in candidate.place_context)


def test_a_place_naming_where_a_person_is_from_is_no_site():
    found = _places("Jets bombed the town of Bayda on Sunday, killing 14. An Sufa activist "
                    "said the army often shells the town.")
    assert list(found) == ["Bayda"]


def test_the_place_of_a_wire_credit_line_is_no_site():
    # the credit line names no event: its place must not become the site the lead promised
    found = _places("Bombs killed 12 people in a town in Hamra province on Sunday, a monitor "
                    "said.\nReporting by John Doe and Richard Roe in Kelbin")
    assert "Kelbin" not in found and len(found) == 1


def test_attacks_intensified_since_a_month_are_a_campaign():
    assert not _run("The army has intensified attacks on southern Bayda since June, the "
                    "monitor said.")
