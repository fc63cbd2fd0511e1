"""Round 11 of issue 12: a site found outside the governorate its own sentence names goes to
review (invented sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

from geo.extract.named_areas import named_governorates
from geo.extract.references import particle_free_key
from tests.helpers.fake_geocoder import extract_with, invented_place

DAY = date(2022, 8, 10)  # a Wednesday
#: The gazetteer's only "Tarnin" lies in Mirsa; the report means a village of Verdan.
VERDAN = invented_place("verdan", "Verdan", [], 33.0, 36.2, kind="city", admin1="Verdan")
MIRSA = invented_place("mirsa", "Mirsa", [], 32.7, 36.6, kind="city", admin1="Mirsa")
TARNIN = invented_place("tarnin", "Tarnin", [], 32.6, 36.7, kind="village", admin1="Mirsa")
OLVAN = invented_place("olvan", "Olvan", [], 32.9, 36.3, kind="village", admin1="Verdan")
KEYS = frozenset(particle_free_key(n) for n in ("Verdan", "Mirsa"))


def _site(found, place):
    return [c for c in found if c.record["latitude"] == place.latitude]


def test_the_governorates_a_sentence_names_are_read_in_every_wording():
    for sentence in ("Shelling hit a village in the southern province of Verdan.",
                     "A hospital in Tarnin, eastern rural Verdan, was struck.",
                     "Jets struck villages of the Verdan countryside.",
                     "Clashes in northern Verdan killed two."):
        assert named_governorates(sentence, KEYS) == {particle_free_key("Verdan")}, sentence
    # a name used for an area that is no governorate names none
    assert named_governorates("Shells fell on the Olvan countryside.", KEYS) == frozenset()


def test_a_site_outside_the_province_its_sentence_names_goes_to_review():
    text = ("Government shelling hit the village of Tarnin in the southern province of Verdan "
            "on Tuesday, killing three civilians.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN])
    tarnin = _site(found, TARNIN)
    assert tarnin, [c.record["place"] for c in found]
    assert all(c.geocode_status != "resolved" for c in tarnin)


def test_rural_x_after_the_site_sends_a_namesake_to_review():
    text = ("An air strike hit the Al-Nour Hospital in Tarnin, eastern rural Verdan, on "
            "Tuesday, killing two.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN])
    assert all(c.geocode_status != "resolved" for c in _site(found, TARNIN))


def test_a_site_inside_the_province_its_sentence_names_stays_resolved():
    text = ("Government shelling hit the village of Olvan in the southern province of Verdan "
            "on Tuesday, killing three civilians.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, OLVAN])
    olvan = _site(found, OLVAN)
    assert olvan and all(c.geocode_status == "resolved" for c in olvan)


def test_a_sentence_naming_no_governorate_leaves_the_site_alone():
    text = "Government shelling hit the village of Tarnin on Tuesday, killing three civilians."
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN])
    tarnin = _site(found, TARNIN)
    assert tarnin and all(c.geocode_status == "resolved" for c in tarnin)


def test_a_seat_written_after_the_site_names_its_governorate():
    text = ("The Al-Nour Hospital in Tarnin, Verdan, was hit by barrel bombs on Tuesday, "
            "killing a nurse.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN])
    tarnin = _site(found, TARNIN)
    assert tarnin and all(c.geocode_status != "resolved" for c in tarnin)


def test_two_villages_sharing_their_governorate_are_both_read():
    text = ("Shelling hit positions in Tarnin and Olvan villages in northern Verdan on "
            "Tuesday, wounding two.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN, OLVAN])
    assert all(c.geocode_status != "resolved" for c in _site(found, TARNIN))
    olvan = _site(found, OLVAN)
    assert olvan and all(c.geocode_status == "resolved" for c in olvan)


def test_a_list_of_towns_ends_the_words_about_a_site():
    text = ("Drones struck near Tarnin, Olvan, as well as villages in northern Verdan on "
            "Tuesday, killing one.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, TARNIN, OLVAN])
    tarnin = _site(found, TARNIN)
    assert tarnin and all(c.geocode_status == "resolved" for c in tarnin)


def test_a_seat_named_for_another_role_names_no_governorate():
    text = ("An airstrike hit the village of Olvan on Tuesday, killing five people who had "
            "fled from Mirsa, activists said.")
    found = extract_with(text, DAY, [VERDAN, MIRSA, OLVAN])
    olvan = _site(found, OLVAN)
    assert olvan and all(c.geocode_status == "resolved" for c in olvan)
