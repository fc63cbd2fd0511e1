"""Rules that real reports need (issue 12): roles of places, dates, tolls per site, merging."""

from datetime import date

from geo.extract.dates import find_dates
from geo.extract.pipeline import extract
from tests.test_extract_fakes import FakeGeocoder

MONDAY = date(2020, 6, 15)


def _run(text, published=MONDAY):
    return extract(text, published, geocoder=FakeGeocoder())


def test_weekday_in_a_report_of_that_weekday_is_that_day():
    [found] = find_dates("Jets struck the town on Monday.", MONDAY)
    assert (found.span.start, found.span.precision) == (MONDAY, "day")
    [last] = find_dates("It happened last Monday.", MONDAY)
    assert last.span.start == date(2020, 6, 8)
    [bare] = find_dates("A Friday morning strike killed two.", MONDAY)
    assert bare.span.start == date(2020, 6, 12)


def test_recent_time_words_resolve_against_publication():
    spans = {m.text: m.span for m in find_dates(
        "Shelling overnight and in the past 48 hours hit it.", MONDAY)}
    assert spans["overnight"].start == date(2020, 6, 14)
    assert spans["in the past 48 hours"].start == date(2020, 6, 13)
    [after] = [m for m in find_dates("On June 2 it began; four days after, it ended.", MONDAY)
               if m.relative]
    assert after.span.start == date(2020, 6, 6)


def test_each_site_keeps_its_own_toll_and_aggregates_stay_aggregates():
    found = {c.record["place"]: c.record for c in _run(
        "A car bomb killed 73 people in al-Qasra on Sunday and another 48 died in Kafr Zeit.")}
    assert found["al-Qasra"]["killed_min"] == 73 and found["Kafr Zeit"]["killed_min"] == 48
    shared = {c.record["place"]: c.record for c in _run(
        "Air strikes on al-Qasra and Kafr Zeit killed at least 40 people on Sunday.")}
    assert all(r["killed_min"] is None for r in shared.values())
    assert "aggregate" in shared["al-Qasra"]["description"]


def test_origins_references_and_datelines_are_context_not_sites():
    text = ("DAMASCUS (Test) – Air strikes hit al-Qasra, 26km west of Kafr Zeit, on Sunday, "
            "killing 5 people who had fled from Hamidiyah.")
    [candidate] = _run(text)
    assert candidate.record["place"] == "al-Qasra"
    assert "reference: Kafr Zeit (26km west of)" in candidate.place_context
    assert "origin: Hamidiyah" in candidate.place_context


def test_one_candidate_per_event_across_sentences_keeps_every_quote():
    text = ("Jets struck al-Qasra on Sunday. Rescuers said the strikes on al-Qasra killed 9. "
            "Residents said the strikes on al-Qasra destroyed the market.")
    [candidate] = _run(text)
    assert candidate.record["date_start"] == date(2020, 6, 14)
    assert candidate.record["killed_min"] == 9
    assert len(candidate.quote_spans) == 3


def test_a_date_in_an_earlier_sentence_carries_to_the_site():
    text = ("At least 22 people were killed in air strikes on Friday, a monitor said. "
            "The strikes on al-Qasra also wounded dozens.")
    [candidate] = _run(text)
    assert candidate.record["date_start"] == date(2020, 6, 12)
    assert "carried" in candidate.record["date_note"].lower()


def test_camp_and_siege_deaths_are_their_own_types():
    [camp] = _run("Two children died of the cold in the Nahr refugee camp on Sunday.")
    assert camp.record["event_type"] == "camp deaths"
    [siege] = _run("Residents of besieged Kafr Zeit died of starvation on Sunday.")
    assert siege.record["event_type"] == "siege deaths"


def test_passive_and_state_media_wordings_are_air_strikes():
    for text in ("US aircraft attacked al-Qasra on Sunday.",
                 "The Air Force targeted gatherings in al-Qasra on Sunday.",
                 "A new aggression by warplanes hit al-Qasra on Sunday."):
        [candidate] = _run(text)
        assert candidate.record["event_type"] == "airstrike", text


def test_a_province_is_never_placed_at_site_precision():
    [candidate] = _run("Shelling killed 3 people in the province of Kafr Zeit on Sunday.")
    assert candidate.geocode_status == "region" and candidate.record["geo_precision"] == 3
