"""Dates as an analyst types them in the timeline's From and To fields.

A day (``2016-03-05``), a month (``2016-03``: its first day as a start, its last as an
end) or a year (``2016``); ``/`` or ``.`` may stand for ``-`` and the month and day may
have one digit. Anything else is refused with a message in the analyst's words.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_TYPED = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
#: What the fields take, as their messages say it.
FORMS = "a day (2016-03-05), a month (2016-03) or a year (2016)"


def read_typed_date(text: str, *, end: bool = False) -> date:
    """The date an analyst typed, a month or a year read as its first day (its last
    with ``end``).

    Examples
    --------
    >>> read_typed_date("2016-03")
    datetime.date(2016, 3, 1)
    >>> read_typed_date("2016-02", end=True)
    datetime.date(2016, 2, 29)
    >>> read_typed_date(" 2016/3/5 ")
    datetime.date(2016, 3, 5)

    Raises
    ------
    ValueError
        Not a date in one of :data:`FORMS`, or a month or day that does not exist; the
        message says which.
    """
    typed = text.strip()
    found = _TYPED.fullmatch(typed)
    if found is None:
        raise ValueError(f"'{typed}' is not a date: type {FORMS}.")
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None  # the pattern requires it
    if year < 1:
        raise ValueError(f"'{typed}': there is no year 0.")
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    if not 1 <= month <= 12:
        raise ValueError(f"'{typed}': there is no month {month}; type {FORMS}.")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return date(year, month, last) if end else date(year, month, 1)
    if not 1 <= day <= last:
        raise ValueError(f"'{typed}': {calendar.month_name[month]} {year} has {last} days.")
    return date(year, month, day)


def clip_to_span(day: date, span: tuple[date, date]) -> tuple[date, str]:
    """A typed date moved into the data's dates, and what was done ('' when nothing).

    Examples
    --------
    >>> clip_to_span(date(2010, 1, 1), (date(2016, 1, 1), date(2016, 12, 31)))[0]
    datetime.date(2016, 1, 1)
    """
    if day < span[0]:
        return span[0], (f"{day.isoformat()} is before the data's first date; "
                         f"{span[0].isoformat()} is used.")
    if day > span[1]:
        return span[1], (f"{day.isoformat()} is after the data's last date; "
                         f"{span[1].isoformat()} is used.")
    return day, ""
