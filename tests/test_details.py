"""Incident details as safe Markdown, dates and casualties in words (geo/details.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.render.details import (
    escape_markdown,
    format_casualties,
    format_dates,
    incident_label,
    incident_markdown,
    short_date,
)
from tests.helpers.incidents import incidents, row

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def record(**values):
    """One typed incident record (a row of the incident frame) as a Series."""
    return incidents(row(**values)).iloc[0]


def links(markdown):
    """Targets of the Markdown inline links ``[label](target)`` (not escaped brackets)."""
    return re.findall(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(([^)\s]*)\)", markdown)


def unescaped(markdown, chars):
    """Characters of ``chars`` in ``markdown`` that no backslash escapes."""
    found, escaped = [], False
    for ch in markdown:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in chars:
            found.append(ch)
    return found


# --- escaping ------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["place", "description", "actors", "quote", "claimed_by",
                                    "source_name", "date_note", "id"])
def test_html_from_data_is_escaped(column):
    text = incident_markdown(record(**{column: f"{SCRIPT} and {IMG}"}))
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text and "&lt;img src=x onerror=alert\\(1\\)&gt;" in text


def test_markdown_syntax_from_data_is_literal():
    text = incident_markdown(record(
        place="**bold** _em_ `code`",
        description="[click me](https://evil.example) ![img](https://evil.example/x.png)",
        actors="# heading\n- item\n> quote",
    ))
    assert links(text) == []
    assert "\\*\\*bold\\*\\*" in text and "\\_em\\_" in text and "\\`code\\`" in text
    assert "\\[click me\\]\\(https\\://evil\\.example\\)" in text
    assert "\\!\\[img\\]" in text
    # newlines in data cannot start a heading, list or quote: one line per field
    actors_line = next(line for line in text.splitlines() if line.startswith("- **Actors:**"))
    assert "\\# heading \\- item &gt; quote" in actors_line


def test_escape_markdown_values():
    assert escape_markdown(None) == ""
    assert escape_markdown(pd.NA) == ""
    assert escape_markdown(float("nan")) == ""
    assert escape_markdown(61) == "61"
    assert escape_markdown("a & b") == "a &amp; b"
    assert escape_markdown("  two \n lines\t") == "two lines"
    assert escape_markdown("x|y~z$w") == "x\\|y\\~z\\$w"
    assert unescaped("a*b\\*c", "*") == ["*"]  # the helper sees unescaped marks
    assert unescaped(escape_markdown("*_`[]()#+-.!|>~:$\\{}"), "*_`[]()#+-.!|~:$\\{}") == []


@pytest.mark.parametrize(
    "url", ["https://example.org/report", "http://example.org/a?b=1&c=2#d"]
)
def test_http_source_becomes_a_link(url):
    text = incident_markdown(record(source_name="Sputnik", source_url=url))
    assert links(text) == [url]
    assert "[Sputnik](" in text and "(no link)" not in text


def test_link_target_cannot_break_out_of_the_link():
    url = "https://example.org/a b)(c)[d]<e>\"f"
    text = incident_markdown(
        {"source_name": "S", "source_url": url, "event_type": "airstrike", "id": "x"}
    )
    [target] = links(text)
    assert target.startswith("https://example.org/a")
    assert not set(target) & set(" ()[]<>\"")


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>",
     "vbscript:msgbox", "//evil.example/x", "https:no-host", "ftp://example.org/x"],
)
def test_other_urls_are_not_links(url):
    # not through the schema (which rejects these): details must hold on their own
    text = incident_markdown(
        {"source_name": "", "source_url": url, "event_type": "airstrike", "id": "x"}
    )
    assert links(text) == []
    assert "](" not in text
    assert "<b>" not in text


def test_source_without_link_says_so():
    text = incident_markdown(record(source_name="Syrian Ministry"))
    assert "- **Source:** Syrian Ministry (no link)" in text
    assert "- **Source:** not stated (no link)" in incident_markdown(record())


def test_markdown_lists_the_record():
    text = incident_markdown(record(
        place="Raqqah", event_type="bombing", date_start="2017-10", geo_precision="2",
        latitude="35.9", longitude="39.0", actors="US-led coalition", casualties_min="61",
        claim_status="alleged", date_note="Month as the article gives it",
        description="Carpet bombing.", quote="A ghost city.",
    ))
    lines = text.splitlines()
    assert lines[0] == "**bombing** at **Raqqah**"
    assert "- **When:** October 2017 \\(month\\)" in lines
    assert "- **Date note:** Month as the article gives it" in lines
    assert "- **Location precision:** near / district" in lines
    assert "- **Actors:** US\\-led coalition" in lines
    assert "- **Casualties:** dead and injured\\: at least 61" in lines
    assert "- **Claim status:** alleged" in lines
    assert "- **Claimed by:** not stated" in lines
    assert "- **Id:** inc\\-1" in lines
    assert "Carpet bombing\\." in lines and "> A ghost city\\." in lines


def test_data_quality_flag_is_shown():
    text = incident_markdown(record(killed_min="8", killed_max="7"))
    assert ("- **Data quality:** killed\\_max 7 is below killed\\_min 8 (kept as the source "
            "gives it)") in text.splitlines(), text
    assert "Data quality" not in incident_markdown(record(killed_min="7", killed_max="8"))


def test_unlocated_incident():
    assert "- **Location precision:** not located" in incident_markdown(record(place="x"))


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "words", "short"),
    [
        ("2017-10-05", "", "05 October 2017 (day)", "2017-10-05"),
        ("2017-10", "", "October 2017 (month)", "2017-10"),
        ("2018", "", "2018 (year)", "2018"),
        ("2018-11-01", "2018-11-13", "between 01 November 2018 and 13 November 2018 (range)",
         "2018-11-01/2018-11-13"),
        ("2014-09", "2018", "between 01 September 2014 and 31 December 2018 (range)",
         "2014-09-01/2018-12-31"),
        ("", "", "date unknown", "undated"),
    ],
)
def test_dates_at_their_precision(start, end, words, short):
    incident = record(date_start=start, date_end=end)
    assert format_dates(incident) == words
    assert short_date(incident) == short


def test_format_dates_of_a_plain_mapping():
    assert format_dates({}) == "date unknown"
    assert format_dates({"date_start": None}) == "date unknown"
    assert short_date({"date_start": pd.NaT}) == "undated"


# --- casualties ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "not stated"),
        ({"killed_min": "3", "killed_max": "3"}, "killed: 3"),
        ({"killed_min": "3", "killed_max": "7"}, "killed: 3–7"),
        ({"killed_min": "0", "killed_max": "0"}, "killed: 0"),
        ({"injured_min": "10"}, "injured: at least 10"),
        ({"injured_max": "10"}, "injured: at most 10"),
        ({"casualties_min": "61"}, "dead and injured: at least 61"),
        ({"killed_min": "2", "injured_min": "4", "injured_max": "9"},
         "killed: at least 2; injured: 4–9"),
        ({"killed_max": "5", "casualties_min": "61", "casualties_max": "80"},
         "killed: at most 5; dead and injured: 61–80"),
    ],
)
def test_format_casualties_ranges(values, expected):
    assert format_casualties(record(**values)) == expected


# --- labels --------------------------------------------------------------------------


def test_incident_label():
    assert incident_label(record(date_start="2017-10", event_type="bombing", place="Raqqah")
                          ) == "2017-10 · bombing · Raqqah"
    assert incident_label(record(event_type="shelling")) == "undated · shelling"
    assert incident_label({"event_type": "other", "place": None}) == "undated · other"


def test_an_unnamed_point_shows_its_nearest_town():
    from geo.render.details import incident_label, incident_markdown

    record = {"id": "p", "event_type": "shelling", "place": "", "nearest_place": "Kafr Nabl",
              "nearest_distance_m": 2345.0, "date_start": None, "claim_status": "alleged"}
    text = incident_markdown(record)
    assert "an unnamed point" in text
    assert "Nearest town:** Kafr Nabl, 2\\.3 km" in text
    assert incident_label(record) == "undated · shelling · near Kafr Nabl"


def test_details_give_the_civilian_deaths_the_record_carries():
    # trial 21: ucdp-216903 carries 8 civilian deaths of 10; its details left them out
    with_civilians = incident_markdown(record(killed_min="10", killed_max="10",
                                              deaths_civilians="8"))
    assert "- **Casualties:** killed\\: 10\n- **Civilian deaths:** 8" in with_civilians
    assert "Civilian deaths" not in incident_markdown(record(killed_min="10"))


def test_isolate_sets_only_right_to_left_text_apart():
    from geo.render.details import isolate

    assert isolate("تدمر") == "\u2068تدمر\u2069"
    assert isolate("Tadmur") == "Tadmur"
    assert isolate("") == "" and isolate(None) == "" and isolate(pd.NA) == ""


@pytest.mark.parametrize(("precision", "source", "corrected"), [
    (2, "given", False), (1, "given", True), (2, "analyst", True)])
def test_the_sources_location_note_says_when_the_point_was_corrected(precision, source,
                                                                     corrected):
    # trial 22: "within about 25 km ... (where_prec 2)" read as the record's own after the
    # point was corrected to a site
    text = incident_markdown({"id": "u", "event_type": "clashes", "geo_precision": precision,
                              "geocode_source": source,
                              "description": "Location: within about 25 km of Tadmur "
                                             "(where_prec 2). Type of violence: x."})
    assert ("the source's; the point was corrected since" in text) is corrected
    assert "where\\_prec 2" in text
