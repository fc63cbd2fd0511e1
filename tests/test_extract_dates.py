"""Dates resolved against the publication date (geo.extract.dates)."""

from datetime import date

from geo.extract.dates import find_dates, latest_not_after

PUBLISHED = date(2021, 3, 10)


def _spans(text, published=PUBLISHED):
    return [(m.text, m.span) for m in find_dates(text, published)]


def test_month_and_year_is_the_whole_month():
    [(_, span)] = _spans("The siege ended in February 2020 after weeks.")
    assert (span.start, span.end, span.precision) == (date(2020, 2, 1), date(2020, 2, 29), "month")


def test_day_without_year_is_latest_not_after_publication():
    [(_, span)] = _spans("On April 2, gunmen opened fire.")
    assert (span.start, span.precision) == (date(2020, 4, 2), "day")
    assert "2020" in span.note
    [(_, span)] = _spans("On 9 March, gunmen opened fire.")
    assert span.start == date(2021, 3, 9)
    assert latest_not_after(2, 29, date(2021, 1, 1)) == date(2020, 2, 29)


def test_day_with_year_and_iso():
    spans = _spans("On 4 May 2019 gunmen fired; on 2019-06-01 the camp was emptied.")
    assert [s.start for _, s in spans] == [date(2019, 5, 4), date(2019, 6, 1)]
    assert all(s.precision == "day" for _, s in spans)
    # round 13b: "between" the two, they are the ends of one range
    [(_, span)] = _spans("Between 4 May 2019 and 2019-06-01 the camp was emptied.")
    assert (span.start, span.end, span.precision) == (date(2019, 5, 4), date(2019, 6, 1),
                                                      "range")


def test_earlier_that_month_inherits_the_month_before_the_anchor():
    mentions = find_dates("On February 20 the governor denounced a raid earlier that month.",
                          PUBLISHED)
    relative = [m for m in mentions if m.relative][0]
    assert relative.span.start == date(2021, 2, 1)
    assert relative.span.end == date(2021, 2, 19)
    assert relative.span.precision == "range"
    assert "2021-02-20" in relative.span.note


def test_relative_uses_anchor_from_an_earlier_sentence():
    from geo.extract.dates import DateSpan

    anchor = DateSpan(date(2020, 7, 1), date(2020, 7, 31), "month")
    [mention] = find_dates("Later that month the convoy returned.", PUBLISHED, anchor)
    assert (mention.span.start, mention.span.end) == (date(2020, 7, 1), date(2020, 7, 31))


def test_relative_without_anchor_stays_unresolved():
    [mention] = find_dates("Earlier that month a market was hit.", PUBLISHED)
    assert mention.span is None


def test_since_is_an_open_range_to_publication():
    [(_, span)] = _spans("Shelling has continued since March 2015 in the valley.")
    assert (span.start, span.end, span.precision) == (date(2015, 3, 1), PUBLISHED, "range")
    assert "open range" in span.note


def test_weekday_yesterday_last_month():
    assert _spans("On Tuesday a drone struck.")[0][1].start == date(2021, 3, 9)
    assert _spans("Yesterday a drone struck.")[0][1].start == date(2021, 3, 9)
    span = _spans("Last month a drone struck.")[0][1]
    assert (span.start, span.end, span.precision) == (date(2021, 2, 1), date(2021, 2, 28), "month")


def test_no_publication_date_means_no_guess_for_partial_dates():
    assert _spans("On April 2, gunmen opened fire.", None) == [("April 2", None)]
    assert _spans("in 2016 the town fell", None)[0][1].precision == "year"


def test_may_the_verb_is_not_a_month():
    assert _spans("They may return in 12 days.") == []
