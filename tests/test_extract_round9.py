"""Round 9 of issue 12: a town named as the reference of another place is never the site,
a governorate named for its area is never its capital, a far namesake is never resolved
(invented sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

from geo.extract.containers import given_as_reference, inside_container
from geo.extract.references import governorate_as_area, more_specific, roads_between
from tests.helpers.fake_geocoder import (
    extract_with,
    invented_place,
    resolved_at_site,
    resolved_mention,
)

DAY = date(2022, 8, 10)  # a Wednesday
ZORAVA = invented_place("zorava", "Zorava", [], 36.0, 41.0, kind="city", admin1="Hasra")
BELMIRA = invented_place("belmira", "Belmira", [], 35.0, 40.0, kind="city", admin1="Belmira")
VERDAN = invented_place("verdan", "Verdan", [], 35.9, 36.6, kind="city", admin1="Verdan")
ORSA = invented_place("orsa", "Orsa", [], 35.7, 36.7, kind="town", admin1="Verdan")


# --- (a) reference points ----------------------------------------------------------------

def test_a_town_named_east_of_is_a_reference_not_the_site():
    text = ("Drone strike kills three in Syria's Zorava\n\n"
            "ZORAVA, Syria (Agency) – Three people were killed on Wednesday when a drone "
            "struck a car in the village of Qetrin, east of Zorava, northeastern Syria.")
    found = extract_with(text, DAY, [ZORAVA])
    assert not resolved_at_site(found, ZORAVA)  # the headline's town is not the site
    qetrin = [c for c in found if c.record["place"] == "Qetrin"]
    assert len(qetrin) == 1 and qetrin[0].geocode_status == "unsure"
    assert qetrin[0].record["geo_precision"] == 2  # near the reference, approximate
    assert "reference: Zorava (east of)" in qetrin[0].place_context


def test_a_village_in_the_countryside_of_a_city_goes_to_review():
    text = ("A drone targeted a position in the village of Qetrin in the western countryside "
            "of the city of Zorava on Wednesday, killing two soldiers.")
    found = extract_with(text, DAY, [ZORAVA])
    assert [c.record["place"] for c in found] == ["Qetrin"]
    assert found[0].geocode_status == "unsure" and found[0].record["geo_precision"] == 2


def test_a_district_inside_its_city_still_takes_the_city_point():
    town = resolved_mention("Zorava", ZORAVA, start=30, role="container")
    part = resolved_mention("Qusara district", None, descriptor="district", container="Zorava")
    text = "Qusara district of the city of Zorava"
    moved = inside_container(part, [part, town], text)
    assert moved.place == ZORAVA and not moved.unsure
    assert not given_as_reference(part, town, text)


def test_only_a_site_given_out_of_a_town_replaces_it_in_one_event():
    town = resolved_mention("Zorava", ZORAVA)
    out_of = resolved_mention("Qetrin", ZORAVA, container="Zorava", near=True, unsure=True)
    inside = resolved_mention("Maysa neighbourhood", ZORAVA, container="Zorava", near=True)
    assert more_specific(out_of, town)
    assert not more_specific(inside, town)  # a part inside the town does not replace it
    assert not more_specific(town, out_of)


def test_the_towns_of_a_road_between_them_are_references():
    text = "Shells hit a bus on the Zorava – Belmira road on Wednesday, killing three soldiers."
    found = extract_with(text, DAY, [ZORAVA, BELMIRA])
    assert [c.record["place"] for c in found] == ["Zorava – Belmira road"]
    assert found[0].geocode_status == "unsure"  # for review, near its first town
    assert found[0].record["geo_precision"] == 2
    assert found[0].record["latitude"] == ZORAVA.latitude
    assert {"reference: Zorava (road from)", "reference: Belmira (road to)"} <= \
        set(found[0].place_context)


def test_a_road_written_as_one_hyphenated_name_is_the_site():
    text = "A bus came under fire on the Zorava-Belmira road on Wednesday, killing three soldiers."
    found = extract_with(text, DAY, [ZORAVA, BELMIRA])
    assert [(c.record["place"], c.geocode_status) for c in found] == \
        [("Zorava-Belmira road", "unresolved")]


def test_a_highway_between_two_towns_is_the_site():
    text = "Shells hit the highway between Zorava and the town of Belmira."
    zorava = resolved_mention("Zorava", ZORAVA, start=text.index("Zorava"))
    belmira = resolved_mention("Belmira", BELMIRA, start=text.index("Belmira"))
    out = roads_between(text, [zorava, belmira])
    assert [m.role for m in out] == ["site", "reference", "reference"]
    assert out[0].text == "highway between Zorava and the town of Belmira"
    assert out[0].place == ZORAVA and out[0].near and out[0].unsure


def test_a_road_beside_its_first_towns_event_is_that_events_site():
    text = ("Terrorist attack claims life of citizen in Zorava\n\n"
            "Terrorists detonated an explosive device on al-Zorava-Deir Nur road, claiming the "
            "life of a citizen on Wednesday.")
    found = extract_with(text, DAY, [ZORAVA])
    assert [(c.record["place"], c.geocode_status, c.record["geo_precision"]) for c in found] \
        == [("al-Zorava-Deir Nur road", "unsure", 2)]


def test_a_headline_road_whose_second_town_reads_as_a_street():
    text = "Terrorists attack bus on Zorava- Belmira Road"
    zorava = resolved_mention("Zorava", ZORAVA, start=text.index("Zorava"))
    out = roads_between(text, [zorava])
    assert [(m.role, m.text) for m in out] == [("reference", "Zorava"),
                                              ("site", "Zorava- Belmira Road")]


# --- (b) a governorate named for its area ------------------------------------------------

def test_localities_in_a_governorate_are_the_region_not_its_capital():
    text = "The army shelled six different localities in Verdan, causing casualties."
    found = extract_with(text, DAY, [VERDAN, ORSA])
    assert found and not resolved_at_site(found, VERDAN)
    assert found[0].geocode_status == "region" and found[0].record["geo_precision"] == 3


def test_across_a_governorate_is_the_region():
    text = "Air strikes were reported across Verdan"
    verdan = resolved_mention("Verdan", VERDAN, start=text.index("Verdan"))
    assert governorate_as_area(text, verdan)


def test_the_city_of_a_governorate_is_the_city():
    for text in ("Shells hit six localities in the city of Verdan",
                 "Shells hit six localities in Verdan city"):
        verdan = resolved_mention("Verdan", VERDAN, start=text.index("Verdan"))
        assert not governorate_as_area(text, verdan)
    text = "Shells hit six localities in Orsa"  # a town that is no governorate's seat
    assert not governorate_as_area(text, resolved_mention("Orsa", ORSA, start=text.index("Orsa")))


def test_a_town_in_a_governorate_seat_sentence_stays_a_site():
    text = "Shells hit Verdan on Wednesday, killing two civilians."
    found = extract_with(text, DAY, [VERDAN])
    assert resolved_at_site(found, VERDAN)


# --- (c) homonyms far from everything the report locates ---------------------------------

def test_a_market_found_far_from_the_report_is_a_namesake():
    halbo = invented_place("halbo", "Halbo", [], 36.4, 41.1, kind="village", admin1="Hasra")
    text = ("Warplanes struck Orsa in Verdan province on Wednesday, killing five. "
            "Medics said the strikes also hit the Halbo market on Wednesday, killing two.")
    found = extract_with(text, DAY, [VERDAN, ORSA, halbo])
    market = [c for c in found if c.record["place"].startswith("Halbo")]
    assert market and market[0].geocode_status == "unsure"
    assert [c.geocode_status for c in found if c.record["place"] == "Orsa"] == ["resolved"]


def test_a_far_site_in_a_named_governorate_stays_resolved():
    halbo = invented_place("halbo", "Halbo", [], 36.4, 41.1, kind="village", admin1="Hasra")
    text = ("Warplanes struck Orsa in Verdan province on Wednesday, killing five. "
            "In Hasra province, shells hit Halbo on Wednesday, killing two.")
    found = extract_with(text, DAY, [VERDAN, ORSA, halbo])
    assert [c.geocode_status for c in found if c.record["place"] == "Halbo"] == ["resolved"]


def test_a_far_city_is_no_namesake():
    big = invented_place("big", "Halbopolis", [], 36.4, 41.1, kind="city", admin1="Hasra",
                         population=500_000)
    text = ("Warplanes struck Orsa in Verdan province on Wednesday, killing five. "
            "Shells hit Halbopolis on Wednesday, killing two.")
    found = extract_with(text, DAY, [VERDAN, ORSA, big])
    assert [c.geocode_status for c in found if c.record["place"] == "Halbopolis"] == \
        ["resolved"]


def test_an_airport_found_as_its_town_goes_to_review():
    text = "Air strikes on Wednesday left Zorava airport out of service."
    found = extract_with(text, DAY, [ZORAVA])
    assert [c.geocode_status for c in found] == ["unsure"]


# --- false positives and context places as sites (heldout8 classes) -----------------------

def test_a_city_written_with_capital_city_is_the_city_not_a_part():
    text = ("Shells hit Verdan on Wednesday. Medics in Verdan governorate said three civilians "
            "were killed when shells hit a house in Verdan City on Wednesday.")
    found = extract_with(text, DAY, [VERDAN])
    assert [(c.record["place"], c.record["geo_precision"]) for c in found] == \
        [("Verdan City", 1)]


def test_a_headline_region_gives_way_to_the_city_the_text_names():
    text = ("Two killed in attacks in Verdan\n\n"
            "Medics in Verdan province said rocket shells killed two civilians in Verdan "
            "City on Wednesday.")
    found = extract_with(text, DAY, [VERDAN])
    assert [c.record["place"] for c in found] == ["Verdan City"]
    assert found[0].geocode_status != "region"


def test_a_dateline_glued_to_the_first_word_is_a_dateline():
    text = ("ZORAVA (Agency) –Seven soldiers were killed by a drone strike in Belmira on "
            "Wednesday.")
    found = extract_with(text, DAY, [ZORAVA, BELMIRA])
    assert [c.record["place"] for c in found] == ["Belmira"]
    assert "dateline: ZORAVA" in found[0].place_context


def test_a_site_in_a_sentence_about_another_country_is_context():
    text = ("Air strikes killed five in Belmira, Syria, on Wednesday, Syria's state media said. "
            "The US launched strikes in Iraq this week after a drone attack near Zakhora "
            "wounded three soldiers.")
    found = extract_with(text, DAY, [BELMIRA])
    assert [c.record["place"] for c in found] == ["Belmira"]


def test_a_village_across_the_border_stays_a_site():
    text = ("Air strikes killed five in Belmira, Syria, on Wednesday. A car bomb killed two in "
            "the village of Siccano, across the border from Iraq, on Wednesday.")
    found = extract_with(text, DAY, [BELMIRA])
    assert "Siccano" in [c.record["place"] for c in found]
