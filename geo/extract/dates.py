"""Dates in a report, resolved against its publication date with honest precision.

"October 2017" is that month; "on November 13" is the latest 13 November not
after publication; "earlier that month" keeps the month of the date before it;
"since September 2014" is an open range up to publication. What cannot be
resolved is not returned, so the caller keeps the date unknown.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_MONTHS = "|".join(sorted(MONTHS, key=len, reverse=True))
#: Round 13: "on May 2 - 3 people died": the figure after a day counts people, not a day.
_NOT_A_COUNT = (r"(?!\s*(?:[:.]\d|am\b|pm\b|a\.m|p\.m|%)|\s+(?:people|persons|civilians|"
                r"children|women|men|soldiers|fighters|were|was|are|killed|dead|died|injured|"
                r"wounded|more|others|of|percent)\b)")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("since", rf"\bsince\s+(?:(?:early|mid|late)[-\s])?{_MONTH}(?:\s+{_YEAR})?\b"),
        ("since_year", rf"\bsince\s+{_YEAR}\b"),
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
        # "25/7/2017": day first unless the first figure cannot be a month's day order
        ("numeric", r"(?<![\d/])(?P<first>[0-3]?\d)[/.](?P<second>[0-3]?\d)[/.]"
                    r"(?P<year>(?:19|20)\d\d)\b"),
        ("day_range", rf"\b(?:between\s+)?(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*"
                      rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"),
        ("between", rf"\bbetween\s+(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?"
                    rf"(?P<first_month>{'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?"
                    rf"(?:,?\s+(?P<first_year>(?:19|20)\d\d))?\s+and\s+{_DAY}\s+(?:of\s+)?"
                    rf"{_MONTH}(?:,?\s+{_YEAR})?\b"),
        # round 13: month first ("between March 22 and April 6, 2012", "April 25 to 29")
        ("between", rf"\b(?:between|from)\s+(?P<first_month>{_MONTHS})\.?\s+"
                    rf"(?P<first>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<first_year>(?:19|20)\d\d))?"
                    rf"\s+(?:and|to|until|through)\s+{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
        ("day_range", rf"\b{_MONTH}\s+(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|and|until|"
                      rf"through)\s*{_DAY}(?:,?\s+{_YEAR})?\b{_NOT_A_COUNT}"),
        ("mdy", rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
        ("dmy", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"),
        ("month_year", rf"\b{_MONTH}\s*,?\s+{_YEAR}\b"),
        ("in_month", rf"\b(?:in|during|since|early|late|mid|of)[-\s]+{_MONTH}"
                     r"(?![A-Za-z])(?!\s*\d)"),  # not "in Marea": a month word ends there
        ("year", rf"\b(?:in|during|of|early|late|mid)[-\s]+{_YEAR}\b(?!-)"),
        ("relative", r"\b(?P<rel>(?:earlier|later)\s+(?:that|this|the same)\s+"
                     r"(?P<unit>month|week|year|day))\b"),
        ("same", r"\b(?:on\s+)?(?P<rel>(?:the\s+same|that)\s+(?P<unit>day|month))\b"),
        ("days_after", r"\b(?P<rel>(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|"
                       r"nine|ten)\s+(?P<unit>day|week)s?\s+(?:after|later))\b"
                       r"(?!\s+(?:\w+ly\s+)?\w+ing\b)"),
        # "On May 22, two days after the incident": the event is two days before that date
        # "Two days earlier, ..." opening a sentence: before the date told before it (inside
        # a sentence, "while one day earlier" is another clause's event)
        ("days_earlier", r"^\W*(?P<rel>(?P<count>\d{1,2}|one|two|three|four|five|six|seven|"
                         r"eight|nine|ten)\s+(?P<unit>day|week)s?\s+earlier)\b"),
        ("days_before", r"\b(?P<rel>(?P<count>\d{1,2}|one|two|three|four|five|six|seven|"
                        r"eight|nine|ten)\s+(?P<unit>day|week)s?\s+after\s+the\s+(?:\w+\s+)?"
                        r"(?:incident|attack|strike|air\s?strike|raid|bombing|massacre|shelling|"
                        r"explosion|blast|event))\b"),
        ("yesterday", r"\b(?P<rel>yesterday|today|last\s+night)\b"),
        ("last", r"\b(?P<rel>last\s+(?P<unit>week|month|year))\b"),
        ("weekday", r"\b(?P<last>last\s+)?(?:(?:on|late|early|late\s+on|early\s+on)\s+)?"
                    r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")(?:['’]s)?"
                    r"(?:\s+(?P<part>morning|afternoon|evening|night|midnight))?\b"),
        ("overnight", r"\b(?P<rel>overnight|since\s+midnight|(?:in\s+)?the\s+(?:past|last)\s+"
                      r"(?P<hours>24|48|72)\s+hours|earlier\s+(?:on\s+)?(?:the|that)\s+day|"
                      r"(?:this|that|earlier\s+this)\s+(?:morning|evening|afternoon)|(?:in|over|during)\s+"
                      r"(?:the\s+)?(?:recent|past|last)\s+(?P<days>few|two|three|several)?\s*(?:days|weeks)|"
                      r"over\s+the\s+weekend|in\s+recent\s+(?:days|weeks)|for\s+(?:a|the)\s+"
                      r"(?:second|third|fourth|fifth)\s+(?:successive|consecutive|straight)\s+day)\b"),
        ("months", r"\b(?P<rel>(?:in|over|during)\s+the\s+(?:past|last)\s+(?P<count>two|three|four|"
                   r"five|six|\d)\s+months)\b"),
        ("ago", r"\b(?P<rel>(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|"
                r"several|a\s+few|few)\s+(?P<unit>day|week|month|year)s?\s+ago)\b"),
    )
)
_ANCHORED = ("relative", "same", "days_after", "days_before", "days_earlier")
_COUNTS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])}


@dataclass(frozen=True)
class DateSpan:
    """A resolved period.

    Attributes
    ----------
    start, end : date
        First and last day it may be (equal for a known day).
    precision : str
        One of :data:`geo.schema.DATE_PRECISIONS` (never ``unknown`` here).
    note : str
        How it was read, for ``date_note``.
    """

    start: date
    end: date
    precision: str
    note: str = ""


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text.

    Attributes
    ----------
    start, end : int
        Character offsets of the expression in the searched text.
    text : str
        The expression as written.
    span : DateSpan or None
        The period; None when it needs an anchor that was not available.
    relative : bool
        True for expressions read against another date ("earlier that month").
    """

    start: int
    end: int
    text: str
    span: DateSpan | None
    relative: bool = False


def month_span(year: int, month: int) -> DateSpan:
    """The whole of one month, precision ``month``."""
    last = calendar.monthrange(year, month)[1]
    return DateSpan(date(year, month, 1), date(year, month, last), "month")


def latest_not_after(month: int, day: int, published: date) -> date | None:
    """The latest ``day month`` on or before ``published`` (None if never valid).

    Parameters
    ----------
    month, day : int
    published : date

    Returns
    -------
    date or None
    """
    for year in range(published.year, published.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def find_dates(
    text: str, published: date | None, anchor: DateSpan | None = None, offset: int = 0
) -> list[DateMention]:
    """Find and resolve the date expressions of a text.

    Parameters
    ----------
    text : str
        Usually one sentence.
    published : date or None
        Publication date; without it, dates lacking a year stay unresolved.
    anchor : DateSpan, optional
        The latest explicit date before ``text`` (for "earlier that month").
    offset : int
        Added to the returned offsets (the sentence's offset in the article).

    Returns
    -------
    list of DateMention
        In text order, without overlaps (the longest expression wins).
    """
    chosen: list[tuple[int, int, str, re.Match[str]]] = []
    candidates = [
        (match, kind) for kind, pattern in _PATTERNS for match in pattern.finditer(text)
        if _month_is_capitalised(match)
    ]
    for match, kind in sorted(candidates, key=lambda c: (c[0].start() - c[0].end(),
                                                         c[0].start())):
        start, end = match.start(), match.end()
        if all(end <= s or e <= start for s, e, _, _ in chosen):
            chosen.append((start, end, kind, match))
    chosen.sort(key=lambda c: c[0])
    chosen = [c for i, c in enumerate(chosen) if not (
        c[2] == "weekday" and i + 1 < len(chosen) and chosen[i + 1][2] in ("mdy", "dmy", "iso")
        and re.fullmatch(r"[\s,]*", text[c[1]:chosen[i + 1][0]]))]  # "Monday, December 2, 2019"
    found: list[DateMention] = []
    for start, end, kind, match in chosen:
        if kind not in _ANCHORED:
            span = _resolve(kind, match, published, None)
            found.append(DateMention(start + offset, end + offset, match.group(), span))
    for start, end, kind, match in chosen:
        if kind in _ANCHORED:
            local = _latest_explicit(found, start + offset) or anchor
            span = _resolve(kind, match, published, local)
            found.append(DateMention(start + offset, end + offset, match.group(), span, True))
    found.sort(key=lambda m: m.start)
    from geo.extract.date_readings import join_ranges  # round 13b (imports this module)

    return join_ranges(text, found, offset)


def _month_is_capitalised(match: re.Match[str]) -> bool:
    month = match.groupdict().get("month")
    return not month or month.isdigit() or month[0].isupper()


def _latest_explicit(found: list[DateMention], before: int) -> DateSpan | None:
    earlier = [m for m in found if not m.relative and m.span and m.start < before]
    return max(earlier, key=lambda m: m.start).span if earlier else None


def _resolve(
    kind: str, match: re.Match[str], published: date | None, anchor: DateSpan | None
) -> DateSpan | None:
    groups = match.groupdict()
    if kind == "weekday" and not groups["weekday"][0].isupper():
        return None
    try:
        if kind in ("iso", "mdy", "dmy"):
            return _day(groups, published)
        if kind == "day_range":
            return _day_range(groups, published)
        if kind == "between":
            return _between(groups, published)
        if kind == "month_year":
            return month_span(int(groups["year"]), MONTHS[groups["month"].lower()])
        if kind == "in_month":
            return _bare_month(MONTHS[groups["month"].lower()], published)
        if kind == "year":
            year = int(groups["year"])
            return DateSpan(date(year, 1, 1), date(year, 12, 31), "year")
        if kind in ("since", "since_year"):
            return _since(groups, published)
        if kind == "numeric":
            return numeric_day(int(groups["first"] or 0), int(groups["second"] or 0),
                               int(groups["year"] or 0), published)
        if kind in ("days_after", "days_before", "days_earlier"):
            return _after(groups["count"], groups["unit"], groups["rel"], anchor,
                          before=kind != "days_after")
        if kind in _ANCHORED:
            return _relative(groups["unit"], groups["rel"], anchor)
        if kind == "yesterday" and published:
            return _deictic(groups["rel"].lower(), published)
        if kind == "last" and published:
            return _last(groups["unit"].lower(), published)
        if kind == "weekday" and published:
            return _weekday(groups["weekday"].lower(), published, bool(groups.get("last")),
                            (groups.get("part") or "").lower())
        if kind in ("months", "ago") and published:
            return _ago(kind, groups, published)
        if kind == "overnight" and published:
            return _recent(" ".join(groups["rel"].lower().split()), groups.get("hours"),
                           published)
    except ValueError:
        return None
    return None


def _day(groups: dict[str, str | None], published: date | None) -> DateSpan | None:
    month_text = groups["month"] or ""
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
    day = int(groups["day"] or 0)
    if groups.get("year"):
        when = date(int(groups["year"] or 0), month, day)
        return DateSpan(when, when, "day")
    if published is None:
        return None
    latest = latest_not_after(month, day, published)
    if latest is None:
        return None
    note = f"year {latest.year} taken as the latest {latest:%-d %B} not after publication"
    return DateSpan(latest, latest, "day", note)


def _day_range(groups: dict[str, str | None], published: date | None) -> DateSpan | None:
    last = _day(groups, published)
    if last is None:
        return None
    first = last.start.replace(day=int(groups["first"] or 0))
    if first > last.start:
        return None
    return DateSpan(first, last.end, "range", last.note)


def _between(groups: dict[str, str | None], published: date | None) -> DateSpan | None:
    """"between 17 November and 18 December": a range across months (the first date's year
    is the last one's, or the year before when its month comes later)."""
    last = _day(groups, published)
    if last is None:
        return None
    month = MONTHS[(groups["first_month"] or "").lower()]
    year = int(groups["first_year"] or 0) or (
        last.start.year if month <= last.start.month else last.start.year - 1)
    first = date(year, month, int(groups["first"] or 0))
    if first > last.start:
        return None
    return DateSpan(first, last.end, "range", last.note)


def numeric_day(first: int, second: int, year: int,
                published: date | None) -> DateSpan | None:
    """A day written in figures ("25/7/2017"), with honest doubt about its order.

    The first figure is the day when it cannot be a month (25/7), the month when the
    second cannot be (7/25); when both readings are dates, the one within
    :data:`NUMERIC_RECENT_DAYS` up to publication is taken if the other is not, and
    otherwise nothing (the order is unknown).
    """
    readings: dict[date, str] = {}
    for day, month, order in ((first, second, "day/month"), (second, first, "month/day")):
        try:
            readings.setdefault(date(year, month, day), order)
        except ValueError:
            continue
    if len(readings) == 1:
        (when, order), = readings.items()
        return DateSpan(when, when, "day", "" if order == "day/month" else
                        f"{first}/{second}/{year} read as {order}")
    if published is None:
        return None
    recent = [d for d in readings
              if timedelta(0) <= published - d <= timedelta(days=NUMERIC_RECENT_DAYS)]
    if len(recent) != 1:
        return None
    when = recent[0]
    return DateSpan(when, when, "day",
                    f"{first}/{second}/{year} read as {readings[when]}: the only reading "
                    f"within {NUMERIC_RECENT_DAYS} days up to publication")


#: A date in figures that reads both ways (3/4/2017) is taken only when one reading lies in
#: this many days up to publication and the other does not.
NUMERIC_RECENT_DAYS = 31


def _bare_month(month: int, published: date | None) -> DateSpan | None:
    if published is None:
        return None
    year = published.year if month <= published.month else published.year - 1
    span = month_span(year, month)
    note = f"year {year} taken as the latest {calendar.month_name[month]} not after publication"
    return DateSpan(span.start, span.end, "month", note)


def _since(groups: dict[str, str | None], published: date | None) -> DateSpan | None:
    if published is None:
        return None
    if groups.get("month"):
        month = MONTHS[(groups["month"] or "").lower()]
        year = groups.get("year")
        if year:
            start = month_span(int(year), month).start
        else:
            bare = _bare_month(month, published)
            if bare is None:
                return None
            start = bare.start
    else:
        start = date(int(groups["year"] or 0), 1, 1)
    if start > published:
        return None
    note = f"open range: since {start:%B %Y}, up to publication ({published.isoformat()})"
    return DateSpan(start, published, "range", note)


def _relative(unit: str, text: str, anchor: DateSpan | None) -> DateSpan | None:
    if anchor is None:
        return None
    unit, text = unit.lower(), " ".join(text.lower().split())
    ref = anchor.start
    label = f"'{text}' read against {anchor.start.isoformat()}"
    if unit == "day":
        if anchor.precision != "day":
            return None
        if text.startswith("later"):
            return None
        return DateSpan(ref, ref, "day", label)
    if unit == "month":
        whole = month_span(ref.year, ref.month)
        if text.startswith("earlier") and anchor.precision == "day":
            end = max(whole.start, ref - timedelta(days=1))
            return DateSpan(whole.start, end, "range" if end != whole.start else "day", label)
        if text.startswith("later") and anchor.precision == "day":
            start = min(whole.end, ref + timedelta(days=1))
            return DateSpan(start, whole.end, "range" if start != whole.end else "day", label)
        return DateSpan(whole.start, whole.end, "month", label)
    if unit == "week" and anchor.precision == "day":
        if text.startswith("earlier"):
            start = ref - timedelta(days=ref.weekday())
            return DateSpan(start, max(start, ref - timedelta(days=1)), "range", label)
        end = ref + timedelta(days=6 - ref.weekday())
        return DateSpan(min(end, ref + timedelta(days=1)), end, "range", label)
    if unit == "year":
        start, end = date(ref.year, 1, 1), date(ref.year, 12, 31)
        if text.startswith("earlier"):
            end = max(start, ref - timedelta(days=1)) if anchor.precision == "day" else end
            return DateSpan(start, end, "range" if end != date(ref.year, 12, 31) else "year",
                            label)
        return DateSpan(start, end, "year", label)
    return None


def _after(count: str, unit: str, text: str, anchor: DateSpan | None,
           before: bool = False) -> DateSpan | None:
    if anchor is None:
        return None
    n = int(count) if count.isdigit() else _COUNTS[count.lower()]
    days = n * (7 if unit.lower() == "week" else 1) * (-1 if before else 1)
    start, end = anchor.start + timedelta(days=days), anchor.end + timedelta(days=days)
    label = f"'{' '.join(text.split())}' read against {anchor.start.isoformat()}"
    return DateSpan(start, end, "day" if start == end else "range", label)


def _ago(kind: str, groups: dict[str, str | None], published: date) -> DateSpan:
    """"the past two months" (up to publication), "three days ago", "several days ago" (a
    range: "several" is 3 to 9, "a few" 2 to 5)."""
    word = (groups.get("count") or "").lower()
    text = " ".join((groups.get("rel") or "").split())
    if kind == "months":
        months = int(word) if word.isdigit() else _COUNTS[word]
        start = published - timedelta(days=31 * months)
        return DateSpan(start, published, "range",
                        f"'{text}': the {months} months up to publication")
    low, high = {"several": (3, 9), "a few": (2, 5), "few": (2, 5)}.get(
        " ".join(word.split()), (0, 0))
    if not high:
        low = high = int(word) if word.isdigit() else _COUNTS[word]
    unit_name = (groups.get("unit") or "").lower()
    if unit_name in ("month", "year"):  # round 14: "about seven years ago" is history
        return _months_ago(low, high, 12 if unit_name == "year" else 1, text, published)
    unit = 7 if unit_name == "week" else 1
    start, end = published - timedelta(days=high * unit), published - timedelta(days=low * unit)
    if unit == 7 and low == high:  # "two weeks ago": that week, give or take
        start, end = start - timedelta(days=3), end + timedelta(days=3)
    return DateSpan(start, min(end, published), "day" if start == end else "range",
                    f"'{text}': read against publication ({published.isoformat()})")


def _months_ago(low: int, high: int, months: int, text: str, published: date) -> DateSpan:
    """"seven years ago", "two months ago": the year (or month) that many before publication
    ("several years ago" spans the years it may be)."""
    def back(count: int) -> tuple[int, int]:
        total = published.year * 12 + published.month - 1 - count * months
        return total // 12, total % 12 + 1

    (y0, m0), (y1, m1) = back(high), back(low)
    if months == 12:
        start, end = date(y0, 1, 1), min(date(y1, 12, 31), published)
        precision = "year" if y0 == y1 else "range"
    else:
        start, end = month_span(y0, m0).start, min(month_span(y1, m1).end, published)
        precision = "month" if (y0, m0) == (y1, m1) else "range"
    return DateSpan(start, end, precision, f"'{text}': read against publication "
                                           f"({published.isoformat()})")


def _deictic(text: str, published: date) -> DateSpan:
    if text == "today":
        return DateSpan(published, published, "day", "'today': the publication date")
    day = published - timedelta(days=1)
    if text == "yesterday":
        return DateSpan(day, day, "day", "'yesterday': the day before publication")
    return DateSpan(day, published, "range", "'last night': the night before publication")


def _last(unit: str, published: date) -> DateSpan:
    if unit == "week":  # round 13b: the calendar week before, or the days just before
        from geo.extract.date_readings import loose_last_week

        return loose_last_week(published)
    if unit == "month":
        previous = published.replace(day=1) - timedelta(days=1)
        span = month_span(previous.year, previous.month)
        return DateSpan(span.start, span.end, "month", "'last month': before publication")
    year = published.year - 1
    return DateSpan(date(year, 1, 1), date(year, 12, 31), "year", "'last year'")


def _weekday(name: str, published: date, last: bool = False, part: str = "") -> DateSpan:
    """The latest such weekday on or before publication.

    "On Monday" in a report published on a Monday is that day; "last Monday" is the one
    before the publication day; a night may run into the next day.
    """
    back = (published.weekday() - _WEEKDAYS[name]) % 7
    if last and back == 0:
        back = 7
    day = published - timedelta(days=back)
    label = name.title()
    if back == 0:
        note = f"'{label}' taken as the publication day ({published.isoformat()})"
    else:
        note = f"'{label}' taken as the latest {label} before publication"
    if part in ("night", "midnight") and day < published:
        return DateSpan(day, day + timedelta(days=1), "range", note + ", night into the next day")
    return DateSpan(day, day, "day", note)


def _recent(text: str, hours: str | None, published: date) -> DateSpan:
    """Recent-time words read against publication.

    ("overnight", "since midnight", "the past 48 hours", "earlier on the day", "this morning").
    """
    if hours:
        days = int(hours) // 24
        start = published - timedelta(days=days)
        return DateSpan(start, published, "range",
                        f"'{text}': the {hours} hours up to publication ({published.isoformat()})")
    ordinal = next((n for n, w in enumerate(("second", "third", "fourth", "fifth"), start=2)
                    if w in text.split()), 0)
    if ordinal:  # "for a third successive day": that many days, the last up to publication
        return DateSpan(published - timedelta(days=ordinal - 1), published, "range",
                        f"'{text}': the {ordinal} days up to publication "
                        f"({published.isoformat()})")
    if "weekend" in text:
        saturday = published - timedelta(days=(published.weekday() - 5) % 7 or 7)
        end = min(saturday + timedelta(days=1), published)
        return DateSpan(saturday, end, "range", f"'{text}': the weekend before publication")
    if "weeks" in text:
        weeks = next((n for w, n in (("two", 2), ("three", 3)) if w in text.split()), 4)
        return DateSpan(published - timedelta(days=7 * weeks), published, "range",
                        f"'{text}': the {weeks} weeks up to publication "
                        f"({published.isoformat()})")
    count = next((n for w, n in (("two", 2), ("three", 3)) if w in text.split()), 0)
    if "days" in text and count:  # "during the past two days"
        return DateSpan(published - timedelta(days=count), published, "range",
                        f"'{text}': the {count} days up to publication ({published.isoformat()})")
    if "days" in text:
        return DateSpan(published - timedelta(days=7), published, "range",
                        f"'{text}': the week up to publication ({published.isoformat()})")
    if text == "overnight":
        return DateSpan(published - timedelta(days=1), published, "range",
                        "'overnight': the night before publication")
    return DateSpan(published, published, "day", f"'{text}': the publication day")
