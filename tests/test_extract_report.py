"""Second round of real-report rules (issue 12): report-level passes, headlines, captions,
claim dates, claimants, tolls. Every sentence here is invented."""

from datetime import date

from geo.extract.casualties import find_casualties
from geo.extract.claims import attribute
from geo.extract.dates import find_dates
from geo.extract.events import find_events, primary_event
from geo.extract.places import is_headline
from geo.extract.text import split_sentences
from tests.helpers.fake_geocoder import extract_with
from tests.helpers.fake_geocoder import invented_place as _place

MONDAY = date(2020, 6, 15)


EXTRA = [
    # a governorate capital and its governorate share a name; two towns inside, far away
    _place("hamra", "Hamra", [], 36.0, 40.0, "city", "Hamra"),
    _place("zor", "Zorava", [], 36.4, 40.6, "town", "Hamra"),
    _place("sufa", "Sufa", [], 36.6, 40.9, "town", "Hamra"),
    # a district name found 200 km away from the city the text puts it in
    _place("qusra", "Qusra", [], 34.5, 36.5, "town", "Otherland"),
    # a region (governorate-level entry)
    _place("nawa", "Nawa", ["Nawa province", "Nawa Governorate"], 33.0, 36.0, "region",
           "Nawa", 3),
    _place("lakri", "Lakri", ["Lakri province", "Lakri Governorates"], 34.0, 37.0, "region",
           "Lakri", 3),
    _place("orum", "Orum", [], 36.2, 37.0, "town", "Testland"),
    _place("care", "Care", [], 10.0, 10.0, "town", "Elsewhere", country="SY"),
]


def _run(text, published=MONDAY):
    return extract_with(text, published, EXTRA)


def _places(text, published=MONDAY):
    return {c.record["place"]: c for c in _run(text, published)}


# --- places --------------------------------------------------------------------------


def test_title_case_lines_are_headlines_sentence_case_lines_are_not():
    assert is_headline("Newborn Dies in the Nahr Camp Due to Lack of Medical Care")
    assert not is_headline("Market in rebel-held town hit by air strike; at least 10 killed")
    assert not is_headline("Jets Struck The Town On Monday.")


def test_a_word_of_a_headline_phrase_is_no_place():
    found = _places("Child Dies in the Nahr Camp Due to Lack of Medical Care\n"
                    "A child died in the Nahr camp on Sunday, a doctor said.")
    assert "Care" not in found and "Medical Care" not in found


def test_part_of_a_written_name_found_alone_is_unsure_never_resolved():
    [orum] = _run("Air strikes hit Orum al-Kubra on Sunday, killing 14 people.")
    assert orum.record["place"] == "Orum" and orum.geocode_status == "unsure"


def test_an_article_alone_is_never_a_place():
    found = _places("Air strikes on Al Nowhere killed 7 people on Sunday.")
    assert "Al" not in found


def test_distance_from_a_city_with_adjectives_makes_it_a_reference():
    [candidate] = _run("An air strike hit al-Qasra, a village west of the rebel-held eastern "
                       "city of Kafr Zeit, on Sunday.")
    assert candidate.record["place"] == "al-Qasra"
    assert any(c.startswith("reference: Kafr Zeit") for c in candidate.place_context)


def test_a_district_found_far_from_its_city_gives_way_to_the_city():
    [candidate] = _run("Jets raided the Qusra district of Damascus city on Sunday, killing 4.")
    record = candidate.record
    assert record["place"] == "Qusra district"
    assert (record["latitude"], record["longitude"]) == (33.51, 36.29)
    assert record["geo_precision"] == 2


def test_every_region_of_a_sentence_is_a_candidate():
    found = _places("Shelling hit western Nawa and northern Lakri Governorates on Sunday.")
    assert {"Nawa", "Lakri Governorates"} <= set(found)
    assert all(found[p].geocode_status == "region" for p in ("Nawa", "Lakri Governorates"))


def test_plural_descriptor_announces_each_name():
    found = _places("Artillery pounded the two towns of Hamidiyah and Kafr Zeit on Sunday.")
    assert {"Hamidiyah", "Kafr Zeit"} <= set(found)


def test_archive_photo_captions_are_not_events():
    text = ("Smoke rises after air strikes hit Hamidiyah on April 2, 2018. (File) / Archive\n"
            "Air strikes hit al-Qasra on Sunday, killing 5 people.")
    assert set(_places(text)) == {"al-Qasra"}


def test_a_capital_speaking_is_a_seat_not_a_site():
    found = _places("Air strikes hit al-Qasra on Sunday. Damascus on several occasions "
                    "protested the coalition strikes.")
    assert "Damascus" not in found


# --- report-level passes -------------------------------------------------------------


def test_a_governorate_named_bare_folds_into_the_sites_it_contains():
    text = ("Coalition air strikes kill 10 civilians in Hamra.\n"
            "Warplanes raided Zorava on Sunday, killing 7 people. The jets also struck "
            "Sufa on Sunday, killing 3.")
    found = _places(text)
    assert set(found) == {"Zorava", "Sufa"}
    zorava = found["Zorava"]
    assert zorava.record["killed_min"] == 7  # the umbrella's 10 is the sites' aggregate
    assert len(zorava.quote_spans) == 2


def test_a_site_toll_given_without_the_site_goes_to_the_one_event_beside_it():
    text = ("At least 22 civilians were killed in air strikes on a town on Sunday, a monitor "
            "said. Dozens were wounded in the strikes on Kafr Zeit, near the border.")
    [candidate] = _run(text)
    assert candidate.record["killed_min"] == 22
    shared = _run("At least 40 civilians were killed in air strikes on Sunday. The attacks "
                  "hit Kafr Zeit and al-Qasra.")
    assert all(c.record["killed_min"] is None for c in shared)


def test_a_sentence_without_claimant_takes_the_attribution_beside_it():
    text = ("At least 12 civilians were killed in air strikes on Sunday, a monitoring group "
            "said. The attacks hit al-Qasra.")
    [candidate] = _run(text)
    assert candidate.record["claimed_by"] == "A monitoring group"


def test_an_outcome_sentence_without_site_folds_into_the_event_beside_it():
    text = ("An air strike hit the market in al-Qasra on Sunday, killing 9. \"It led to a "
            "massacre,\" rescuers said.")
    [candidate] = _run(text)
    assert candidate.record["event_type"] == "airstrike" and len(candidate.quote_spans) == 2


# --- dates -----------------------------------------------------------------------------


def test_a_date_after_a_speech_verb_dates_the_claim_not_the_event():
    [candidate] = _run("Children died in the Nahr camp, reads a statement released late "
                       "Wednesday. The deaths occurred between 6-10 June.")
    record = candidate.record
    assert (record["date_start"], record["date_end"]) == (date(2020, 6, 6), date(2020, 6, 10))


def test_since_a_day_is_an_open_range_and_background_dates_are_ignored():
    [madaya] = _run("At least 16 people have died of starvation in the Nahr camp since aid "
                    "entered it on June 1.")
    assert (madaya.record["date_start"], madaya.record["date_end"]) == (date(2020, 6, 1),
                                                                          MONDAY)
    [qasra] = _run("Air strikes hit al-Qasra on Sunday. The strikes came as fighters pushed "
                   "into al-Qasra, a town held by militants since its capture in 2014.")
    assert qasra.record["date_start"] == date(2020, 6, 14)


def test_n_days_after_an_action_is_not_a_date():
    assert not [m for m in find_dates("It came two days after finally entering.", MONDAY)
                if m.relative]
    [after] = [m for m in find_dates("On June 2 it began; two days after, it ended.", MONDAY)
               if m.relative]
    assert after.span.start == date(2020, 6, 4)


def test_recent_weeks_are_a_range_up_to_publication():
    [weeks] = find_dates("It was shelled in recent weeks.", MONDAY)
    assert (weeks.span.start, weeks.span.end) == (date(2020, 5, 18), MONDAY)
    [two] = find_dates("Strikes killed 100 in the past two weeks.", MONDAY)
    assert two.span.start == date(2020, 6, 1)


def test_an_entry_under_a_date_line_takes_that_date():
    text = "Incident date\n\nMay 10, 2017\n\nAir strikes on al-Qasra killed 7 civilians."
    [candidate] = _run(text, date(2022, 1, 18))
    assert candidate.record["date_start"] == date(2017, 5, 10)


def test_an_undated_event_takes_the_date_most_events_of_the_report_have():
    text = ("An air strike hit al-Qasra on Monday, killing 10. Shelling hit Hamidiyah on "
            "Monday. Clashes killed dozens over the weekend.\n"
            "Rescuers reported another air strike on the nearby town of Kafr Zeit.")
    assert _places(text)["Kafr Zeit"].record["date_start"] == MONDAY


def test_a_date_is_not_carried_to_another_site():
    text = ("Air strikes hit Kafr Zeit on Tuesday, killing 20. Shelling hit Hamidiyah on "
            "Sunday. The strikes on al-Qasra killed 3.")
    record = _places(text)["al-Qasra"].record
    # neither Tuesday nor Sunday: at most the inferred window up to publication (round 6)
    assert record["date_precision"] != "day"
    assert record["date_start"] is None or record["date_note"].startswith("Inferred")


# --- claims, casualties, events ---------------------------------------------------------


def _speakers(text):
    return [a.speaker.claimed_by if a.speaker else None
            for a in attribute(text, split_sentences(text))]


def test_speakers_named_with_is_or_after_a_participle_or_without_comma():
    assert _speakers("The anti-IS group also reported that 20 people died.") == [
        "The anti-IS group"]
    assert _speakers("Raqqa is Being Slaughtered Silently said 50 families were missing.") == [
        "Raqqa is Being Slaughtered Silently"]
    assert _speakers("Dozens were wounded in al-Qasra, the Syrian Observatory for Human "
                     "Rights said, updating an earlier toll.") == [
        "Syrian Observatory for Human Rights"]
    assert _speakers("Jets pounded positions in al-Qasra military sources said.") == [
        "Military sources"]
    assert _speakers("The Syrian air force jets, in raids on Monday, pounded al-Qasra, "
                     "officials said.") == ["Officials"]


def test_a_later_role_noun_refers_back_to_the_named_group():
    said = _speakers("The activist group Free Voices said the school was hit. Others spoke. "
                     "The group also reported that 20 people died in Kafr Zeit.")
    assert said[0] == said[2]


def test_tolls_with_family_another_and_ages():
    family = find_casualties("Fourteen civilians from the same family were reported killed.")
    assert family.killed_min == 14
    assert find_casualties("Raids killed another seven civilians.").killed_min == 7
    assert find_casualties("Eight children under the age of five died.").killed_min is None


def test_event_words_of_the_second_round():
    assert primary_event(find_events("Heavy bombardment slammed into the province.")) == \
        "shelling"
    assert primary_event(find_events("The raid was carried out by coalition jets.")) == \
        "airstrike"
    assert primary_event(find_events("The coalition bombed army positions.")) == "airstrike"
    assert find_events("It was a continuation of the recent massacres in the area.") == []
    assert primary_event(find_events("A sarin air strike killed 80.")) == \
        "use of prohibited weapons"
    assert primary_event(find_events("Strikes in the province killed 16.")) == "other"
