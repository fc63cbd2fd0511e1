"""Round 10 of issue 12: a governorate's seat named bare over a province is the region, the
places the displaced return to are destinations, one incident told in several sentences is one
candidate (invented sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

from geo.extract.references import particle_free_key
from geo.extract.seats import is_bare_seat, province_uses, says_city
from tests.helpers.fake_geocoder import (
    extract_with,
    invented_place,
    resolved_at_site,
    resolved_mention,
)

DAY = date(2022, 8, 10)  # a Wednesday
VERDAN = invented_place("verdan", "Verdan", [], 35.9, 36.6, kind="city", admin1="Verdan")
ORSA = invented_place("orsa", "Orsa", [], 35.5, 36.9, kind="town", admin1="Verdan")
KALO = invented_place("kalo", "Kalo", [], 36.2, 37.1, kind="city", admin1="Kalo")
KAFRA = invented_place("kafra", "Kafra", [], 35.93, 36.64, kind="town", admin1="Verdan")
MIRSA = invented_place("mirsa", "Mirsa", [], 34.7, 36.7, kind="city", admin1="Mirsa")


# --- (a) a governorate's seat named bare --------------------------------------------------

def test_a_bare_seat_over_a_round_up_of_its_province_is_the_region():
    text = ("Air strikes kill 12 civilians in Verdan\n\n"
            "Jets struck the town of Orsa on Tuesday, killing nine, while two other civilians "
            "were killed in Verdan's Tamra village.")
    found = extract_with(text, DAY, [VERDAN, ORSA])
    assert not resolved_at_site(found, VERDAN)
    verdan = [c for c in found if c.record["place"] == "Verdan"]
    assert all(c.geocode_status == "region" and c.record["geo_precision"] == 3
               for c in verdan)
    assert resolved_at_site(found, ORSA)  # the town itself stays a site


def test_a_seat_with_sites_of_its_governorate_far_from_it_is_the_region():
    text = ("Shelling hit Verdan on Tuesday, killing two. "
            "Separately, jets struck the town of Orsa on Tuesday, killing five.")
    found = extract_with(text, DAY, [VERDAN, ORSA])
    assert not resolved_at_site(found, VERDAN)
    assert resolved_at_site(found, ORSA)


def test_several_facilities_in_a_seat_are_the_region():
    text = ("Attacks hit five hospitals on Tuesday, including three hospitals in rural Kalo "
            "and two hospitals in Verdan, killing two people.")
    found = extract_with(text, DAY, [VERDAN, KALO])
    assert found and not resolved_at_site(found, VERDAN)


def test_the_city_said_in_the_sentence_keeps_the_seat_a_city():
    for text in ("Jets struck Verdan's Qusur neighbourhood on Tuesday, killing two.",
                 "Jets struck the Qusur district of Verdan on Tuesday, killing two.",
                 "Shelling hit Verdan, now a ghost city, on Tuesday, killing two."):
        verdan = resolved_mention("Verdan", VERDAN, start=text.index("Verdan"))
        assert says_city(text, verdan), text
    text = "Jets struck Verdan on Tuesday, while Orsa city was calm."
    assert not says_city(text, resolved_mention("Verdan", VERDAN, start=text.index("Verdan")))


def test_a_seat_named_alone_stays_the_city():
    found = extract_with("Shelling hit Verdan on Tuesday, killing two civilians.", DAY,
                         [VERDAN, ORSA])
    assert resolved_at_site(found, VERDAN)  # nothing says the governorate


def test_names_used_for_a_governorate():
    text = ("Two were killed in Verdan's Tamra village and in the countryside of Kalo; "
            "the Mirsa city council met.")
    keys = province_uses(text)
    assert {particle_free_key("Verdan"), particle_free_key("Kalo")} <= keys
    assert particle_free_key("Mirsa") not in keys


def test_only_a_seat_written_bare_is_read_again():
    assert is_bare_seat(resolved_mention("Verdan", VERDAN))
    assert not is_bare_seat(resolved_mention("Orsa", ORSA))  # no governorate's seat
    assert not is_bare_seat(resolved_mention("Verdan city", VERDAN))


# --- (b) places the displaced return to ------------------------------------------------------

def test_places_the_displaced_returned_to_are_no_sites():
    text = ("Amid continued fighting during the first six months of the year, 750,000 "
            "displaced people are estimated to have returned to their homes in Kalo, Verdan "
            "and Mirsa.")
    found = extract_with(text, DAY, [VERDAN, KALO, MIRSA])
    assert not found


def test_a_return_to_a_town_is_a_destination_beside_an_attack():
    text = ("Families returning to their villages in Orsa on Tuesday were hit by shelling "
            "on Kalo, which killed three.")
    found = extract_with(text, DAY, [ORSA, KALO])
    assert [c.record["place"] for c in found] == ["Kalo"]
    assert any(label.startswith("destination: Orsa") for label in found[0].place_context)


# --- (c) one incident told in several sentences -----------------------------------------

def test_a_seat_after_a_site_of_its_governorate_is_its_container():
    for text in ("Jets struck a field hospital in Kafra, Verdan on Tuesday, killing two.",
                 "Jets struck the Kafra field hospital in Verdan on Tuesday, killing two."):
        found = extract_with(text, DAY, [VERDAN, KAFRA])
        assert [c.record["place"] for c in found] == ["Kafra"], text


def test_a_seat_after_a_named_area_of_it_is_its_container():
    text = ("Deaths go on in the Eastern Ghouta of Verdan, where jets struck the town of "
            "Kafra on Tuesday, killing two.")
    found = extract_with(text, DAY, [VERDAN, KAFRA])
    assert [c.record["place"] for c in found] == ["Kafra"]


def test_a_massacre_and_the_strike_that_made_it_are_one_candidate():
    text = ("Jets struck the town of Orsa on Tuesday, killing six civilians, a monitor said. "
            "The massacre in Orsa on Tuesday was the worst this month, the monitor added.")
    found = extract_with(text, DAY, [ORSA])
    assert len(found) == 1 and found[0].record["place"] == "Orsa"
    assert len(found[0].quote_spans) == 2  # every quote kept


def test_a_part_of_the_city_lies_in_the_city_named_before():
    text = ("Militants have attacked a Verdan neighborhood, killing at least 19 civilians, "
            "reports say. On Sunday, the militants fired rockets on the neighborhood of Qusur "
            "of Verdan, killing 13 civilians, the agency said. The terrorists also fired "
            "mortar shells into the city’s Tamra neighborhood, killing six people, the "
            "sources added.")
    found = extract_with(text, DAY, [VERDAN])
    assert all(c.record["latitude"] == VERDAN.latitude for c in found)  # none unplaced
    assert any("Tamra" in c.record["quote"] for c in found)


def test_an_interval_from_an_undated_event_does_not_move_the_date():
    text = ("A car bomb struck the town of Orsa on Saturday, killing 15 people. "
            "The blast in Orsa came three days after rebels left the town under a truce.")
    found = extract_with(text, date(2022, 8, 14), [ORSA])  # a Sunday
    assert len(found) == 1
    assert found[0].record["date_start"] == date(2022, 8, 13)


# --- (d) organisations and datelines -----------------------------------------------------

def test_an_acronym_the_report_defines_is_no_place():
    kams = invented_place("kams", "KAMS", [], 35.0, 36.0, kind="village", admin1="Verdan")
    text = ("The Kalo American Medical Society (KAMS) said jets struck one of KAMS' clinics in "
            "Orsa on Tuesday.")
    found = extract_with(text, DAY, [ORSA, kams])
    assert [c.record["place"] for c in found] == ["Orsa"]


def test_a_dateline_is_nobodys_claim():
    for line in ("KALO/MIRSA, Aug 9, (Agencies): Rebels said shells hit the town of Orsa on "
                 "Tuesday.",
                 "Kalo/Mirsa, Agency – Three people were killed in a rocket attack on the town "
                 "of Orsa, the reporter said on Tuesday."):
        found = extract_with(line, DAY, [ORSA])
        assert found and all("Kalo" not in c.record["claimed_by"] and
                             "KALO" not in c.record["claimed_by"] for c in found), line
