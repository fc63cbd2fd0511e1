"""Round 13b: date readings that lost incidents at the right place (issue 12).

Three readings, each general and each with its honest precision:

* ranges written across two dates ("between March 22 and April 6, 2012", "from 3 May to
  9 June") and month-first day ranges ("April 3 and 4", "April 25 to 29", "June 8-10"):
  one range, not two days (:func:`join_ranges`, applied by
  :func:`geo.extract.dates.find_dates`);
* "last week", which wires use both for the calendar week before publication and for the
  days just before it: the range from the previous calendar week's Monday up to the day
  before publication (:func:`loose_last_week`);
* the day an attack, an assault or fighting "began" or "erupted" is the event's own first
  day ("when the initial attack began on January 20"), not background as the start of an
  operation or an uprising is (:func:`attack_began`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.extract.dates import DateMention, DateSpan

#: Between two dates, the words that make them the ends of one range ("between A and B",
#: "from A to B", "A until B", "A - B").
_BETWEEN_BEFORE = re.compile(r"\b(?:between|from)\s+$", re.I)
_JOIN = re.compile(r"\s*(?:and|to|until|till|through|thru|-|–|—)\s*$", re.I)
_FROM_JOIN = re.compile(r"\s*(?:to|until|till|through|thru|-|–|—)\s*$", re.I)
#: After a month-first day ("April 3"), a second day of the same month ("and 4", "to 29",
#: "-10"), and an optional year.
_SECOND_DAY = re.compile(r"(?P<join>\s*(?:and|to|until|through|-|–)\s*)(?P<day>[0-3]?\d)"
                         r"(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?"
                         r"(?=\s*(?:[,.;:)”\"]|$)|\s+(?:in|at|on|when|while|as|during|that|after|"
                         r"before|amid|but|and|with|by|near|local)\b)", re.I)
_MONTH_FIRST = re.compile(r"[A-Z][a-z]+\.?\s+[0-3]?\d(?:st|nd|rd|th)?")
#: What began, when its beginning is the event's own first day.
_ATTACK_BEGAN = re.compile(
    r"\b(?:attacks?|assaults?|raids?|shelling|bombardment|bombing|strikes?|airstrikes?|"
    r"clashes|fighting|battles?|gunfight|firefight|ambush|siege|jailbreak|riot)\s+"
    r"(?:\w+\s+)?(?:began|begun|started|erupted|broke\s+out)\s+(?:on\s+|in\s+)?$", re.I)
#: An event that began this many days before publication at most is taken as lasting up to
#: publication (a range); an older beginning stays a day.
BEGAN_RANGE_DAYS = 31


def join_ranges(text: str, found: list[DateMention], offset: int = 0) -> list[DateMention]:
    """Join dates that the text gives as the ends of one range.

    Parameters
    ----------
    text : str
        The searched text (offsets of ``found`` minus ``offset`` index it).
    found : list of DateMention
        The dates found in it, in text order.
    offset : int

    Returns
    -------
    list of DateMention
        ``found`` with "between A and B", "from A to B", "A until B" joined into one range
        mention (when A is not after B) and "April 3 and 4" extended to a range.
    """
    out: list[DateMention] = []
    i = 0
    while i < len(found):
        here = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        joined = _pair(text, here, nxt, offset) if nxt is not None else None
        if joined is not None:
            out.append(joined)
            i += 2
            continue
        out.append(_month_first_range(text, here, offset))
        i += 1
    return out


def _pair(text: str, first: DateMention, last: DateMention | None,
          offset: int) -> DateMention | None:
    from geo.extract.dates import DateMention, DateSpan

    if last is None or first.relative or last.relative or first.span is None or \
            last.span is None or first.span.precision != "day" or \
            last.span.precision not in ("day", "range"):
        return None
    between = text[first.end - offset:last.start - offset]
    before = text[max(0, first.start - offset - 12):first.start - offset]
    lead = _BETWEEN_BEFORE.search(before)
    joins = _JOIN if lead and lead.group().lower().startswith("between") else _FROM_JOIN
    if not lead or not joins.fullmatch(between):
        return None
    start = first.span.start
    if last.span.note == "" and first.span.note:  # "March 22 and April 6, 2012": B's year
        start = _year_before(start, last.span.start)
    if start > last.span.start or (last.span.end - start).days > 400:
        return None
    note = "; ".join(n for n in (f"range from {start.isoformat()} to "
                                 f"{last.span.end.isoformat()}", last.span.note) if n)
    return DateMention(first.start, last.end, text[first.start - offset:last.end - offset],
                       DateSpan(start, last.span.end, "range", note))


def _year_before(start: date, end: date) -> date:
    """The first end's day put in the year of the last end, or the year before."""
    try:
        moved = start.replace(year=end.year)
    except ValueError:
        return start
    return moved if moved <= end else moved.replace(year=end.year - 1)


def _month_first_range(text: str, mention: DateMention, offset: int) -> DateMention:
    from geo.extract.dates import DateSpan

    span = mention.span
    if span is None or span.precision != "day" or mention.relative or \
            not _MONTH_FIRST.fullmatch(mention.text.strip()):
        return mention
    after = _SECOND_DAY.match(text, mention.end - offset)
    if after is None:
        return mention
    day = int(after.group("day"))
    if day <= span.start.day:
        return mention
    try:
        end = span.start.replace(day=day)
        if after.group("year"):
            end = end.replace(year=int(after.group("year")))
            start = span.start.replace(year=end.year)
        else:
            start = span.start
    except ValueError:
        return mention
    stop = after.end() + offset
    return replace(mention, end=stop, text=text[mention.start - offset:after.end()],
                   span=DateSpan(start, end, "range", "" if after.group("year") else span.note))


def loose_last_week(published: date) -> DateSpan:
    """"Last week": from the previous calendar week's Monday to the day before publication.

    Parameters
    ----------
    published : date

    Returns
    -------
    DateSpan
        A range (wires say "last week" of the calendar week before and of the past days).
    """
    from geo.extract.dates import DateSpan

    this_monday = published - timedelta(days=published.weekday())
    start = this_monday - timedelta(days=7)
    end = max(start + timedelta(days=6), published - timedelta(days=1))
    return DateSpan(start, end, "range",
                    "'last week': from the calendar week before publication up to the day "
                    "before it")


def attack_began(before: str) -> bool:
    """Whether a date follows "the attack began (on)", "clashes erupted (on)".

    Parameters
    ----------
    before : str
        The sentence's text before the date.

    Returns
    -------
    bool
        True when what began is an attack, fighting or a siege (its first day is the
        event's), False for an operation, an uprising or anything else (background).
    """
    return bool(_ATTACK_BEGAN.search(before[-80:]))


def began_span(span: DateSpan, published: date | None) -> DateSpan:
    """The period of an event that began on ``span``: up to publication when recent.

    Parameters
    ----------
    span : DateSpan
        The day it began.
    published : date or None

    Returns
    -------
    DateSpan
    """
    from geo.extract.dates import DateSpan

    if published is None or span.precision != "day" or span.start > published or \
            (published - span.start).days > BEGAN_RANGE_DAYS or span.start == published:
        return replace(span, note="; ".join(n for n in ("the day the attack began", span.note)
                                            if n))
    return DateSpan(span.start, published, "range",
                    "; ".join(n for n in (f"began on {span.start.isoformat()}: a range up to "
                                          f"publication ({published.isoformat()})", span.note)
                              if n))
