"""Fourth round of real-report rules (issue 12), the precision side: places in other roles
than the site, background and tallies that are no event, honest uncertainty, one candidate
per event. Every sentence and place here is invented."""

from datetime import date

from geo.extract.pipeline import extract
from geo.geocoding.gazetteer import Place
from tests.helpers.fake_geocoder import PLACES, FakeGeocoder

MONDAY = date(2020, 6, 15)


def _place(pid, name, aliases, lat, lon, kind="town", admin1="Testland", precision=1,
           country="SY"):
    return Place(f"test:{pid}", name, tuple(aliases), lat, lon, kind, country, admin1,
                 precision)


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
    return extract(text, published, geocoder=FakeGeocoder([*PLACES, *EXTRA]))


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
