"""The date of an event as one sentence gives it: the event's own date, not the claim's.

A date after a speech verb dates the claim ("a statement released late Wednesday"), a date
in a "since ..." or "started ..." clause is background, a dateline's date ("Beirut, January
11, 2019 –") is the issue's; an event dated only by its claim lies in a range up to the
claim. Used by :mod:`geo.extract.pipeline`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from geo.extract.claims import Attribution
from geo.extract.date_readings import attack_began, began_span
from geo.extract.dates import DateMention, DateSpan
from geo.extract.text import Sentence

#: A speech or publication verb just before a date: the date of the claim, not of the event
#: ("a statement ... released late Wednesday", "MSF said on Saturday").
_SAID_BEFORE = re.compile(r"\b(?:said|says|announced|reported|released|published|issued|"
                          r"stated|told\s+\w+|statement|added|confirmed|claimed)\s+"
                          r"(?:(?:on|late|early|earlier|later|last)\s+){0,2}$", re.I)
#: A sentence about another event than the one before it: its date is its own, never
#: carried to or from its neighbours ("On Tuesday, three were killed in a similar attack").
DISTINCT = re.compile(r"\b(?:a|an)\s+(?:similar|separate|different|second|third|earlier|"
                       r"later|further)\s+(?:\w+\s+)?(?:attacks?|strikes?|raids?|incidents?|"
                       r"bombings?|shelling|explosions?|blasts?|massacres?)\b|\banother\s+"
                       r"(?:\w+\s+)?(?:attack|strike|raid|incident|bombing|explosion|blast)\b",
                       re.I)
_SINCE_BEFORE = re.compile(r"\bsince\b[^.;:]{0,80}$", re.I)
#: The date of something that began earlier ("the operation that started last week").
_BEGAN_BEFORE = re.compile(r"\b(?:started|began|begun|launched|erupted)\s+(?:on\s+|in\s+)?$",
                           re.I)
#: Round 12: what was launched is the event itself when it is a strike ("launched on
#: Sunday several airstrikes on X"), not an operation that began earlier.
_STRIKES_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:air\s*strikes?|air\s*raids?|raids?|"
                            r"strikes?|attacks?|missiles?|rockets?|shells?|drones?|bombs?)\b",
                            re.I)
#: A date in a concessive clause ("Despite the pause announced on 18 October, fighting
#: continued"): what the event went on after, not the event's own date.
_DESPITE_BEFORE = re.compile(r"\b(?:despite|in spite of|notwithstanding)\b[^,;.]{0,120}$", re.I)
_DATELINE_BEFORE = re.compile(r"\s*[A-Z][\w.'’ -]{1,30},\s*")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{1,30}\)\s*)?[-–—]")
#: Round 12: a page's own date, labelled, at the start of the text ("date 2020-01-07",
#: "Published: 7 January 2020"): when the sentence also dates its event, the label is not it.
_PAGE_DATE = re.compile(r"\s*(?:date|published|posted|updated|publication\s+date)\s*:?\s*",
                        re.I)
#: An event dated only by its claim lies in this many days up to the claim (the claim's day
#: included): a week for a reaction ("condemned", "denounced"), two days for news said or
#: reported that day ("state television said on Thursday that ...").
CLAIM_DAYS = 7
NEWS_DAYS = 2
_NEWS_VERB = re.compile(r"\b(?:said|says|reported|reports|announced|told|stated|quoted|"
                        r"added)\b", re.I)


def event_date(
    dates: list[DateMention], attribution: Attribution, sentence: Sentence,
    published: date | None = None,
) -> tuple[DateSpan | None, str]:
    """The date of the event a sentence tells, with a note on how it was read.

    Parameters
    ----------
    dates : list of DateMention
        The sentence's dates (:func:`geo.extract.dates.find_dates`).
    attribution : Attribution
        Who speaks in the sentence (a date in the speaker's clause dates the claim).
    sentence : Sentence
    published : date, optional
        Publication date ("since June 1" runs up to it).

    Returns
    -------
    (DateSpan or None, str)
        The event's period (None when the sentence gives none) and the note.
    """
    start, end = attribution.clause

    def claimed(d: DateMention) -> bool:
        before = sentence.text[max(0, d.start - sentence.start - 40):d.start - sentence.start]
        return start <= d.start < end or bool(_SAID_BEFORE.search(before))

    def background(d: DateMention) -> bool:  # "since its capture ... in 2014"
        before = sentence.text[max(0, d.start - sentence.start - 80):d.start - sentence.start]
        began = _BEGAN_BEFORE.search(before[-30:])
        if began and _STRIKES_AFTER.match(sentence.text[d.end - sentence.start:]):
            began = None  # round 12: "launched on Sunday night several airstrikes": the event
        if began and attack_began(before):
            began = None  # round 13b: "the attack began on January 20": the event's first day
        return bool(began) or (
            d.span is not None and d.span.precision != "day" and
            bool(_SINCE_BEFORE.search(before)))

    def dateline(d: DateMention) -> bool:  # "Beirut, January 11, 2019 –": the date
        before = sentence.text[:d.start - sentence.start]
        after = sentence.text[d.end - sentence.start:]
        return bool(_DATELINE_BEFORE.fullmatch(before) and _DATELINE_AFTER.match(after))

    despite = [d for d in dates if d.span is not None and _DESPITE_BEFORE.search(
        sentence.text[:d.start - sentence.start])]
    dates = [d for d in dates if not background(d) and not dateline(d) and d not in despite]
    labelled = [d for d in dates if _PAGE_DATE.fullmatch(sentence.text[:d.start - sentence.start])]
    if labelled and len(labelled) < len(dates):  # round 12: "date 2020-01-07 BEIRUT - ... on
        dates = [d for d in dates if d not in labelled]  # Monday": the page's day, not the event's

    relative = [d for d in dates if d.relative]
    if relative:
        if relative[0].span:
            return relative[0].span, relative[0].span.note
        return None, f"'{relative[0].text}' has no date to be read against"
    in_clause = [d for d in dates if claimed(d) and d.span]
    outside = [d for d in dates if not claimed(d) and d.span]
    if outside:
        chosen = outside[0].span
        assert chosen is not None
        before = sentence.text[:outside[0].start - sentence.start]
        if attack_began(before):
            chosen = began_span(chosen, published)
            return chosen, chosen.note
        if chosen.precision == "day" and published is not None and \
                chosen.start <= published and _SINCE_BEFORE.search(before):
            return DateSpan(chosen.start, published, "range",
                            join_notes(f"open range: since {chosen.start.isoformat()}, up to "
                                        f"publication ({published.isoformat()})",
                                        chosen.note)), ""
        return chosen, chosen.note
    after = despite[0].span if despite else None
    if after is not None and published is not None and after.end < published:
        return DateSpan(after.end + timedelta(days=1), published, "range",
                        f"after {_describe(after)} (what it went on despite), up to "
                        f"publication ({published.isoformat()})"), ""
    if in_clause and in_clause[0].span:
        said = in_clause[0].span
        return None, (f"no date for the event; the claim was made "
                      f"{_describe(said)}, so the event is not later")
    unresolved = [d for d in dates if d.span is None]
    if unresolved:
        return None, f"'{unresolved[0].text}' cannot be resolved"
    return None, "no date in the supporting text"


def claim_range(
    dates: list[DateMention], attribution: Attribution, sentence: Sentence
) -> DateSpan | None:
    """An event with no date of its own, claimed on a known day ("state television said on
    Thursday that the coalition has bombed ..."): the :data:`NEWS_DAYS` or
    :data:`CLAIM_DAYS` days up to the claim, as a range (the event is not later, and reports
    are of recent events), never the claim's day alone."""
    said = event_date(dates, attribution, sentence)
    claims = [d.span for d in dates if d.span is not None and d.span.precision == "day"]
    if said[0] is not None or not claims or "the claim was made" not in said[1]:
        return None
    day = claims[0].start
    clause = sentence.text[attribution.clause[0] - sentence.start:
                           attribution.clause[1] - sentence.start]
    days = NEWS_DAYS if _NEWS_VERB.search(clause or sentence.text) else CLAIM_DAYS
    return DateSpan(day - timedelta(days=days - 1), day, "range",
                    join_notes(f"no date for the event; claimed on {day.isoformat()}: taken "
                                f"as the {days} days up to the claim", claims[0].note))


def _describe(span: DateSpan) -> str:
    if span.precision == "day":
        return f"on {span.start.isoformat()}"
    return f"between {span.start.isoformat()} and {span.end.isoformat()}"


def join_notes(*notes: str) -> str:
    """The non-empty notes joined with "; "."""
    return "; ".join(n for n in notes if n)
