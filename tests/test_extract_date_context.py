"""Dates read from their context (issue 12, round 6): numeric days, "N days earlier", dates
about something else, date lines over a log, a dispatch's own day, weekdays, siblings and the
inferred publication window. Every sentence and place here is invented."""

from datetime import date

from geo.extract.date_context import (
    WINDOW_DAYS,
    background_reason,
    dispatch_date,
    is_sibling,
    listing_dates,
)
from geo.extract.dates import DateSpan, find_dates
from geo.extract.text import split_sentences
from tests.helpers.fake_geocoder import extract_with, invented_place

MONDAY = date(2020, 6, 15)
EXTRA = [
    invented_place("sufa", "Sufa", [], 35.2, 37.1),
    invented_place("bayda", "Bayda", [], 35.9, 38.4),
    invented_place("tarfa", "Tarfa", [], 33.9, 36.6, kind="city"),
]


def _dated(text, published=MONDAY):
    found = [c.to_json() for c in extract_with(text, published, EXTRA)]
    return {c["place"]: (c["date_start"], c["date_end"], c["date_precision"], c["date_note"])
            for c in found}


def _spans(text, published=MONDAY, anchor=None):
    return [m.span for m in find_dates(text, published, anchor)]


def test_a_day_in_figures_reads_day_first_unless_that_cannot_be_a_date():
    day = _spans("On the date of 25/5/2020 jets struck the town.")[0]
    assert (day.start, day.precision) == (date(2020, 5, 25), "day")
    us = _spans("On 5/25/2020 jets struck the town.")[0]
    assert us.start == date(2020, 5, 25) and "month/day" in us.note


def test_a_day_in_figures_that_reads_both_ways_is_taken_only_when_one_reading_is_recent():
    recent = _spans("On 3/6/2020 jets struck the town.")[0]  # 3 June, not 6 March
    assert recent.start == date(2020, 6, 3) and "only reading" in recent.note
    assert _spans("On 3/4/2020 jets struck the town.") == [None]  # both long before


def test_n_days_earlier_opening_a_sentence_counts_back_from_the_date_before():
    saturday = DateSpan(date(2020, 6, 13), date(2020, 6, 13), "day")
    span = _spans("Two days earlier, shelling hit the market.", anchor=saturday)[0]
    assert (span.start, span.end) == (date(2020, 6, 11), date(2020, 6, 11))
    # inside a sentence it is another clause's event: the sentence keeps its own date
    found = _dated("On 10 June, jets struck Sufa, while one day earlier a depot was hit.")
    assert found["Sufa"][:2] == ("2020-06-10", "2020-06-10")


def test_dates_about_something_else_are_not_the_events():
    assert background_reason("Amnesty's joint ", " report said the house was hit") == \
        "document"
    assert background_reason("in Sufa, which was captured on ", " by the army") == \
        "relative clause"
    assert background_reason("ahead of the elections on ", ", officials said") == "future"
    assert background_reason("jets struck Sufa on ", ", killing four") == ""
    assert background_reason("On ", " we received reports of an attack") == ""


def test_a_background_date_leaves_the_event_its_own_date():
    found = _dated("According to the March 2018 report by a monitor, jets killed four people "
                   "in Sufa.")
    assert found["Sufa"][2] == "range" and found["Sufa"][3].startswith("Inferred")
    found = _dated("A car bomb killed six people in Bayda, which was captured on 2 May, "
                   "the ministry said on Monday.")
    assert found["Bayda"][:2] == ("2020-06-14", "2020-06-15")  # up to the claim, not 2 May


def test_a_date_line_in_a_log_of_days_dates_the_entries_under_it():
    text = ("Daily log of incidents\n\n3 June 2020\n\nJets struck Sufa, killing four.\n\n"
            "Wednesday, 10 June 2020\n\nShelling hit Bayda, killing two.")
    found = _dated(text)
    assert found["Sufa"][:2] == ("2020-06-03", "2020-06-03")
    assert found["Bayda"][:2] == ("2020-06-10", "2020-06-10")
    # one date alone on a line is the page's stamp, not a log
    one = split_sentences("Jun 12, 2020\n\nJets struck Sufa, killing four.")
    assert listing_dates(one, MONDAY) == {}


def test_a_dispatch_reads_weekdays_against_its_own_dateline():
    text = ("TARFA, June 14 (Wire) - Jets killed four people in Sufa on Monday, a monitor "
            "said.")
    assert dispatch_date(split_sentences(text), MONDAY) == date(2020, 6, 14)
    # written on Sunday 14 June, published on Monday: "Monday" is the week before
    assert _dated(text)["Sufa"][:2] == ("2020-06-08", "2020-06-08")


def test_a_weekday_is_the_latest_such_day_on_or_before_publication():
    found = _dated("Jets killed four people in Sufa on Sunday, a monitor said.")
    assert found["Sufa"][:2] == ("2020-06-14", "2020-06-14")  # the day before, not a week on
    found = _dated("Jets killed four people in Sufa on Monday, a monitor said.")
    assert found["Sufa"][:2] == ("2020-06-15", "2020-06-15")  # the publication day


def test_one_more_event_of_the_same_occasion_takes_the_date_before_it():
    assert is_sibling("Elsewhere, shelling hit the market.")
    assert is_sibling("Militants also shelled districts of the city.")
    assert not is_sibling("Shelling hit the market.")
    assert not is_sibling("Elsewhere, a separate attack hit the market.")
    found = _dated("Shelling killed two people in Tarfa on 28 April. Jets killed four people "
                   "in Sufa on 1 May, a monitor said. Militants also shelled districts of "
                   "Bayda.")
    assert found["Bayda"][:2] == ("2020-05-01", "2020-05-01")
    assert "one more event" in found["Bayda"][3]


def test_an_undated_event_in_a_report_of_recent_events_lies_in_the_window_before_publication():
    found = _dated("Jets killed four people in Sufa, a monitor said.")
    start, end, precision, note = found["Sufa"]
    assert (start, end, precision) == ("2020-06-09", "2020-06-15", "range")
    assert (date.fromisoformat(end) - date.fromisoformat(start)).days == WINDOW_DAYS - 1
    assert note.startswith("Inferred") and "dates none of its events" in note
    found = _dated("Shelling killed two people in Bayda on Sunday. Jets killed three people "
                   "in Tarfa on Saturday. A bomb killed one person in Sufa, a monitor said.")
    assert found["Sufa"][:3] == ("2020-06-09", "2020-06-15", "range")
    assert "dated events are all that recent" in found["Sufa"][3]


def test_no_window_when_the_report_tells_of_older_events():
    found = _dated("Jets killed four people in Sufa on 2 March. Shelling killed two people "
                   "in Tarfa on 9 March. A bomb killed one person in Bayda, a monitor said.")
    assert found["Bayda"][:3] == (None, None, "unknown")


def test_a_site_takes_the_day_told_before_it_when_a_sentence_tells_several_days():
    found = _dated("On 8 June a man was shot dead in Sufa, and on the date of 10/6/2020 four "
                   "airstrikes targeted Bayda, killing two.")
    assert found["Bayda"][:2] == ("2020-06-10", "2020-06-10")
    assert "days told before the site" in found["Bayda"][3]
    # a day counted from another ("two days after the incident") keeps the sentence's date
    found = _dated("On 12 June, two days after the incident, the army confirmed strikes on "
                   "Sufa on 10 June.")
    assert found["Sufa"][:2] == ("2020-06-10", "2020-06-10")
