"""Dates read from their context: background dates, sibling events and the publication window.

Three readings that need more than the date expression itself:

* a date in a clause about something else is not the event's: the date of a document
  ("the April 2019 report"), of a change of control told in a relative clause ("the town,
  which was captured on 13 October"), or of something still to come ("ahead of the elections
  on 14 May");
* an event told as one more of the same occasion ("Elsewhere, ...", "Militants also shelled
  ...") with no date of its own takes the date of the event told just before it;
* an event whose text gives no date at all, in a report whose dated events are all recent,
  lies in the :data:`WINDOW_DAYS` days up to publication: a range, noted as inferred, never a
  day.

Used by :mod:`geo.extract.pipeline`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from geo.extract.dates import DateMention, DateSpan, find_dates
from geo.extract.places import PlaceMention
from geo.extract.report import Draft
from geo.extract.text import Sentence

#: An event with no date in its text, in a report whose dated events all lie this close to
#: publication, is taken as lying in the this many days up to publication (the day itself
#: included).
WINDOW_DAYS = 7
#: The event told before a sibling ("Elsewhere, ...") lends its date only this many
#: sentences away.
SIBLING_SENTENCES = 6

#: The date of a document, not of an event ("the joint April 2019 report", "a March 2018
#: study").
_DOCUMENT_AFTER = re.compile(
    r"^\s*(?:(?:annual|joint|final|interim|monthly|weekly|special|latest|new|full|"
    r"preliminary|initial|published)\s+)?(?:report|study|investigation|statement|briefing|update|"
    r"publication|article|paper|survey|assessment|analysis|review|documentary|book)s?\b",
    re.I)
#: A change of control or a founding told in a relative clause: background to the event
#: ("Suluk, which was liberated on 13 October from ...").
_RELATIVE_BEFORE = re.compile(
    r"\b(?:which|that|who)\s+(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:\w+\s+)?"
    r"(?:liberated|captured|recaptured|seized|retaken|taken|freed|founded|established|"
    r"built|opened|declared|besieged|encircled|occupied|controlled|annexed|cleared|"
    r"evacuated)\b[^,;.]{0,40}?\b(?:on|in|since)\s+$", re.I)
#: Something still to come ("ahead of the elections on May 14", "talks scheduled for").
_FUTURE_BEFORE = re.compile(
    r"\b(?:ahead\s+of|in\s+the\s+run-up\s+to|scheduled|upcoming|due\s+to|set\s+to|"
    r"planned\s+for|expected\s+(?:on|to))\b[^,;.]{0,60}$", re.I)
#: A sentence telling one more event of the same occasion.
_SIBLING = re.compile(
    r"^\W*(?:elsewhere|meanwhile|in\s+parallel|in\s+addition|also|additionally|"
    r"at\s+the\s+same\s+time)\b|^[^,;.]{0,60}?\b(?:also|likewise)\s+(?:\w+ed|hit|shot|"
    r"struck|fired|fought|took)\b", re.I)
#: An explicitly different occasion: no date carried.
_OTHER_OCCASION = re.compile(r"\b(?:a|an)\s+(?:similar|separate|different|earlier|later)\b|"
                             r"\b(?:last|previous|next)\s+(?:week|month|year)\b", re.I)


#: What a date line may hold besides its date: a weekday, punctuation.
_DATE_LINE_REST = re.compile(r"(?:\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)"
                             r"(?:day)?\b|[\s,.:;()\-–—])*", re.I)
#: A wire dispatch's own dateline ("MOSCOW, October 10. /TASS/.", "BEIRUT, March 9 (AFP) -").
_DISPATCH_PLACE = re.compile(r"^\s*[A-Z][A-Z .'’-]{2,30},\s*$")
_DISPATCH_AFTER = re.compile(r"^\s*(?:\.\s*(?:/|$)|\(|[-–—])")
#: A dispatch dated this many days before publication is read against its own date.
DISPATCH_DAYS = 3


def listing_dates(sentences: Sequence[Sentence], published: date | None) -> dict[int, DateSpan]:
    """The date lines of a listing: lines holding only a date, each heading the entries below.

    Only when the report has at least two such lines with different dates (a log of days);
    one date alone on a line is usually the page's publication stamp.

    Returns
    -------
    dict
        Sentence index -> the date its line gives.
    """
    lines: dict[int, DateSpan] = {}
    for sentence in sentences:
        found = find_dates(sentence.text, published)
        if len(found) != 1 or found[0].span is None or found[0].relative:
            continue
        rest = sentence.text[:found[0].start] + " " + sentence.text[found[0].end:]
        if _DATE_LINE_REST.fullmatch(rest):
            lines[sentence.index] = found[0].span
    return lines if len({(s.start, s.end) for s in lines.values()}) >= 2 else {}


def dispatch_date(sentences: Sequence[Sentence], published: date | None) -> date | None:
    """The day a wire dispatch was written, from its dateline, when before publication.

    "MOSCOW, October 10. /TASS/." published on 11 October: weekdays, "today" and
    "yesterday" in it are read against 10 October (the dispatch cannot tell of the 11th).
    Only a dateline at most :data:`DISPATCH_DAYS` days before publication counts.
    """
    if published is None:
        return None
    for sentence in sentences[:12]:
        for mention in find_dates(sentence.text, published)[:1]:
            span = mention.span
            if span is None or span.precision != "day" or mention.relative:
                continue
            if _DISPATCH_PLACE.match(sentence.text[:mention.start]) and \
                    _DISPATCH_AFTER.match(sentence.text[mention.end:]) and \
                    timedelta(0) < published - span.start <= timedelta(days=DISPATCH_DAYS):
                return span.start
    return None


#: Round 12: a day given in parentheses with a clock time in another zone ("at 12:30 am
#: (2230 GMT Tuesday)") converts the time; it is not the event's local day.
_CLOCK_BEFORE = re.compile(r"\(\s*\d{1,2}:?\d{2}\s*(?:GMT|UTC|Z)\s*(?:on\s+)?$", re.I)


def background_reason(before: str, after: str) -> str:
    """Why a date is not the event's, from the text around it ("" when it may be).

    Parameters
    ----------
    before, after : str
        The sentence's text before and after the date expression.

    Returns
    -------
    str
        "document", "relative clause", "future" or "clock" (a time zone's conversion);
        "" for none of them.
    """
    if _DOCUMENT_AFTER.match(after):
        return "document"
    if _CLOCK_BEFORE.search(before[-20:]):
        return "clock"  # round 12: "at 12:30 am (2230 GMT Tuesday)"
    if _RELATIVE_BEFORE.search(before):
        return "relative clause"
    if _FUTURE_BEFORE.search(before):
        return "future"
    return ""


def drop_background(dates: list[DateMention], sentence: Sentence) -> list[DateMention]:
    """A sentence's dates without those :func:`background_reason` finds about something else,
    nor an interval measured from another, undated event (round 10: "The blast came three
    days after rebels left Waer": the blast is not three days after its own date; round 12:
    "beheaded six last Friday, four days after the X massacre", when the sentence has a
    date of its own)."""
    own = any(not d.relative and d.span is not None for d in dates)
    return [d for d in dates if not background_reason(
        sentence.text[max(0, d.start - sentence.start - 80):d.start - sentence.start],
        sentence.text[d.end - sentence.start:]) and not (
        d.relative and _INTERVAL.search(d.text) and (_CAME_BEFORE.search(
            sentence.text[max(0, d.start - sentence.start - 40):d.start - sentence.start]) or (
            own and _COMMA_BEFORE.search(  # round 12: "on Friday, four days after the X"
                sentence.text[max(0, d.start - sentence.start - 4):d.start - sentence.start]))))]


#: "came / happened / took place / was" right before "N days after": the sentence's event
#: measured from another one.
_CAME_BEFORE = re.compile(r"\b(?:came|comes|happened|occurred|took\s+place|followed|was|were)"
                          r"\s+(?:just\s+|only\s+|about\s+|some\s+|barely\s+)?$", re.I)
_INTERVAL = re.compile(r"\b(?:after|later)\b", re.I)
_COMMA_BEFORE = re.compile(r",\s*$")


#: A speech verb just before a date: the claim's date, never a site's.
_SAID_JUST_BEFORE = re.compile(r"\b(?:said|says|announced|reported|released|published|issued|"
                               r"stated|told\s+\w+|statement|added|confirmed|claimed)\s+"
                               r"(?:(?:on|late|early|earlier|later|last)\s+){0,2}$", re.I)


#: A day introduced as an event's own ("on 28 May", "on the date of 28/5/2020").
_ON_BEFORE = re.compile(r"\bon\s+(?:the\s+date\s+of\s+)?(?:\w+day,?\s+)?$", re.I)


def site_date(dates: Sequence[DateMention], site: PlaceMention | None, sentence: Sentence,
              when: DateSpan | None, note: str) -> tuple[DateSpan | None, str]:
    """The date of one site in a sentence that tells several days.

    "On 27 May a man was shot in X; on 28 May four strikes hit Y": Y takes 28 May, the
    last day told before it, not the sentence's first date; "on X town on 22 January and on
    Y town on 23 January": each site takes the day told right after it (round 8). Only when
    the sentence's
    event date is one of two or more different days it states, and never a claim's date
    ("said on").

    Returns
    -------
    (DateSpan or None, str)
        The site's date and note (the sentence's, unchanged, in every other case).
    """
    days = [d for d in dates if d.span is not None and not d.relative
            and d.span.precision == "day" and not _SAID_JUST_BEFORE.search(
                sentence.text[max(0, d.start - sentence.start - 40):d.start - sentence.start])]
    starts = {d.span.start for d in days if d.span is not None}
    if site is None or when is None or when.precision != "day" or len(starts) < 2 or \
            when.start not in starts or any(d.relative for d in dates):
        return when, note  # "two days after the incident" chose the sentence's date
    base = sentence.start
    own = next((d for d in days if d.start >= site.end and d.span is not None and
                sentence.text[site.end - base:d.start - base].strip() in ("", "on")), None)
    if own is not None and own.span is not None:  # round 8: "on X town on 23 January"
        return own.span, "; ".join(n for n in ("the day told right after the site",
                                               own.span.note) if n)
    before = [d for d in days if d.end <= site.start]
    if not before or before[-1].span is None or before[-1].span.start == when.start or \
            not _ON_BEFORE.search(sentence.text[:before[-1].start - sentence.start]):
        return when, note
    span = before[-1].span
    return span, "; ".join(n for n in (
        "the last of the sentence's days told before the site", span.note) if n)


def is_sibling(text: str) -> bool:
    """Whether a sentence tells one more event of the occasion told before it."""
    return bool(_SIBLING.search(text)) and not _OTHER_OCCASION.search(text)


def carry_to_siblings(drafts: Sequence[Draft], sentences: Sequence[Sentence],
                      published: date | None) -> None:
    """Date an undated draft told as a sibling ("Elsewhere, ...") from the draft before it.

    Only when its sentences hold no date expression at all, and the draft before it (in
    reading order, at most :data:`SIBLING_SENTENCES` sentences earlier) is dated.
    """
    ordered = sorted(drafts, key=lambda d: d.sentences[0])
    for before, draft in zip(ordered, ordered[1:], strict=False):
        first = draft.sentences[0]
        if draft.date is not None or before.date is None or \
                not 0 < first - before.sentences[0] <= SIBLING_SENTENCES or \
                not is_sibling(sentences[first].text) or \
                _has_dates(draft, sentences, published):
            continue
        draft.date = before.date
        draft.date_note = "; ".join(n for n in (
            "no date in the sentence; told as one more event of the occasion before it, "
            "whose date it takes", before.date_note) if n)


def publication_window(drafts: Sequence[Draft], sentences: Sequence[Sentence],
                       published: date | None) -> None:
    """Give an undated draft the :data:`WINDOW_DAYS` days up to publication, when honest.

    Only when the publication date is known, the draft's sentences hold no date
    expression at all, and every dated draft of the report lies within the window (a
    report about recent events); the range is noted as inferred.
    """
    if published is None:
        return
    first = published - timedelta(days=WINDOW_DAYS - 1)
    dated = [d.date for d in drafts if d.date is not None]
    if any(span.end < first or span.start > published for span in dated):
        return
    for draft in drafts:
        if draft.date is not None or _has_dates(draft, sentences, published):
            continue
        why = ("the report's dated events are all that recent" if dated else
               "the report dates none of its events")
        draft.date = DateSpan(first, published, "range")
        draft.date_note = (f"inferred: no date in the text; taken as the {WINDOW_DAYS} days "
                           f"up to publication ({published.isoformat()}), as {why}; check the "
                           f"date")


def _has_dates(draft: Draft, sentences: Sequence[Sentence], published: date | None) -> bool:
    """Whether the draft's sentences hold a date expression about the event (any, resolved
    or not, but the background dates :func:`background_reason` finds)."""
    return any(not _is_dateline_date(m, sentences[i])
               for i in draft.sentences
               for m in drop_background(find_dates(sentences[i].text, published, None,
                                                   sentences[i].start), sentences[i]))


def _is_dateline_date(mention: DateMention, sentence: Sentence) -> bool:
    """A dispatch's own day in its dateline ("AMMAN, 2 December 2019 –"): when it was
    written, not when the event told after it happened (round 8)."""
    start, end = mention.start - sentence.start, mention.end - sentence.start
    return bool(_DISPATCH_PLACE.match(sentence.text[:start]) and
                _DISPATCH_AFTER.match(sentence.text[end:]))
