"""Round 13 of issue 12: honest doubt about places the text does not make a site, and the
false positives of heldout11 (invented sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

from tests.helpers.fake_geocoder import PLACES, extract_with, invented_place, resolved_at_site

FRIDAY = date(2022, 2, 4)
DAMASCUS = next(p for p in PLACES if p.gazetteer_id == "test:damascus")
VERDAN = invented_place("verdan", "Verdan", [], 35.9, 36.6, kind="city", admin1="Verdan")
ORSA = invented_place("orsa", "Orsa", [], 35.5, 36.9, kind="town", admin1="Verdan")
KAFRA = invented_place("kafra", "Kafra", [], 35.93, 36.64, kind="town", admin1="Verdan")
# the gazetteer's only Zimla lies in another governorate, far from the report's Zimla
ZIMLA = invented_place("zimla", "Zimla", [], 33.3, 36.1, kind="village", admin1="Rif")
TOWNS = [VERDAN, ORSA, KAFRA, ZIMLA]


def _named(found, name):
    return [c for c in found if c.record["place"] == name]


# --- far-resolved classes of heldout11 ----------------------------------------------------

def test_the_vicinity_of_a_town_is_near_it():
    text = ("A drone struck a convoy heading to the dam located in the vicinity of Orsa on "
            "Monday, killing three civilians.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, ORSA)
    assert [c.record["geo_precision"] for c in _named(found, "Orsa")] == [2]


def test_the_suburbs_of_a_city_are_near_it():
    text = "Heavy fighting was reported on Monday in the suburbs of Damascus."
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, DAMASCUS)


def test_fighters_loyal_to_a_capital_fight_elsewhere():
    text = ("Jets struck a column of fighters loyal to Damascus on Monday near the town of "
            "Orsa, killing four.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not _named(found, "Damascus")
    assert _named(found, "Orsa")


def test_a_town_a_force_aimed_to_capture_goes_to_review():
    text = ("Jets struck troops on Monday who had aimed to capture Verdan city, the provincial "
            "capital.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, VERDAN)


def test_names_after_a_dash_to_a_destination_are_destinations():
    text = ("Overnight more than 2,000 civilians fled towards areas under government control "
            "– the villages of Kafra and Orsa north of Verdan.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not _named(found, "Kafra") and not _named(found, "Orsa")


def test_a_village_administratively_affiliated_to_a_town_lies_in_it():
    text = ("Warplanes struck the village of Zalfa on Monday, which is administratively "
            "affiliated to Orsa city, killing two.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, ORSA)


def test_one_name_placed_at_two_points_is_not_resolved():
    text = ("A drone killed four people on Friday at a farm in the Zimla area west of Verdan. "
            "A witness said the farm that was hit belongs to a man guarding the village of Zimla.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, ZIMLA)


def test_one_name_at_one_point_stays_resolved():
    text = ("Shelling hit the town of Orsa on Monday, killing two. On Tuesday a car bomb "
            "exploded in Orsa, killing five.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert resolved_at_site(found, ORSA)


def test_a_takeover_years_before_the_report_is_background():
    text = ("Jets struck the village of Kafra on Friday, killing nine. Orsa was overrun by "
            "the militants in March 2013, and became their stronghold.")
    found = extract_with(text, FRIDAY, TOWNS)
    assert not resolved_at_site(found, ORSA)
    assert resolved_at_site(found, KAFRA)


def test_a_recent_month_is_no_background():
    text = "Orsa was shelled by the army in January, the monitor said."
    found = extract_with(text, FRIDAY, TOWNS)
    assert resolved_at_site(found, ORSA)


# --- the report's country: borders, and a tie between named countries ----------------------

def test_a_country_named_by_its_border_is_not_the_reports():
    from geo.extract.phrases import focus_country

    text = ("Syrian forces shelled the town of Orsa near the Lebanon border on Monday. "
            "Hundreds crossed the border into Lebanon.")
    # not Lebanon; "Syrian forces" names Syria only as an actor, so (round 14) the report's
    # places decide its country
    assert focus_country(text) == ""
    assert focus_country("Shelling hit Lebanon on Monday, Lebanese officials said.") == "LB"


def test_a_tie_is_broken_among_the_countries_the_report_names():
    from geo.extract.lookup import make_lookup
    from geo.extract.report import shared_country
    from geo.extract.text import split_sentences
    from tests.helpers.fake_geocoder import FakeGeocoder

    twins = [invented_place("dumar-sy", "Dumar", (), 33.5, 36.2),
             invented_place("dumar-mm", "Dumar", (), 22.2, 96.1, admin1="Mandalay",
                            country="MM", population=24_000)]
    lookup = make_lookup(FakeGeocoder(twins).geocode, "", ())
    text = "Shells hit Dumar on Sunday. Later they hit the town of Dumar."
    assert shared_country(split_sentences(text), lookup) == "MM"  # the more populous
    assert shared_country(split_sentences(text), lookup, {"SY", "LB"}) == "SY"


# --- dates written month first ------------------------------------------------------------

def test_a_range_written_month_first_is_a_range():
    from geo.extract.dates import find_dates

    def spans(text):
        return [(d.span.start, d.span.end) for d in find_dates(text, FRIDAY, None, 0) if d.span]

    assert spans("attacks between March 22 and April 6, 2012") == [
        (date(2012, 3, 22), date(2012, 4, 6))]
    assert spans("they visited the towns from April 25 to 29, 2012") == [
        (date(2012, 4, 25), date(2012, 4, 29))]
    assert spans("the town was attacked on April 3 and 4, 2012.") == [
        (date(2012, 4, 3), date(2012, 4, 4))]
    assert spans("on January 2 - 3 people died") == [(date(2022, 1, 2), date(2022, 1, 2))]


# --- false positives of heldout11 -----------------------------------------------------------

def test_researchers_visiting_towns_is_no_event():
    text = ("Government forces attacked the town of Orsa between March 22 and April 6, 2012, "
            "killing 40 civilians. Researchers visited the towns of Orsa and Kafra between "
            "April 25 and 29 and interviewed 65 victims and witnesses.")
    found = extract_with(text, date(2012, 5, 2), TOWNS)
    assert [c.record["place"] for c in found] == ["Orsa"]
    assert found[0].record["date_end"] == date(2012, 4, 6)


def test_an_undated_siteless_aside_beside_a_placed_event_is_dropped():
    text = ("A drone struck a motorcycle in the village of Orsa on 19 September 2019. Activists "
            "said it was not possible to identify the victims because their bodies were burned.")
    found = extract_with(text, date(2019, 12, 5), TOWNS)
    assert [c.record["place"] for c in found] == ["Orsa"]


def test_a_report_of_allegations_only_keeps_them():
    from geo.extract.doubt import without_commentary

    assert without_commentary([], []) == []
    text = "The ministry accused the rebels of a massacre."
    found = extract_with(text, date(2025, 4, 3), TOWNS)
    assert all(c.record["place"] == "" for c in found)


# --- missed incidents of heldout11: control changing hands ---------------------------------

def test_control_changing_hands_is_an_event():
    from geo.extract.events import find_events, primary_event

    for text in ("Government forces have completely liberated the city of Orsa.",
                 "The army announced that it has fully retaken control of the city of Orsa.",
                 "Rebels seize Golan crossing", "Fighters had taken the Orsa crossing."):
        assert primary_event(find_events(text)) == "clashes", text
    assert primary_event(find_events("The talks took place in the city of Orsa.")) == ""


def test_a_city_liberated_on_a_day_is_a_candidate():
    text = "On Thursday, the army regained control over several districts of the city of Orsa."
    found = extract_with(text, FRIDAY, TOWNS)
    assert [c.record["event_type"] for c in resolved_at_site(found, ORSA)] == ["clashes"]


def test_a_caption_credited_photo_by_an_agency_is_not_read():
    text = ("Soldiers stand near destruction in the Kafra district of the city of Orsa on "
            "December 23, 2016, after troops retook control of the city. (Photo by AFP)\n\n"
            "Jets struck the town of Verdan on Friday, killing two.")
    found = extract_with(text, date(2017, 1, 7), TOWNS)
    assert [c.record["place"] for c in found] == ["Verdan"]
