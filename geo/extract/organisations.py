"""Organisations written as acronyms are no places (round 10 of issue 12).

"one of SAMS' clinics in Sarmin", "near SNA's checkpoint": an acronym the gazetteer happens
to hold (or half holds) is the group that runs the place, not a place. An acronym in capitals
that the report spells out in parentheses ("the Syrian American Medical Society (SAMS)") or
writes with a possessive ("SNA's checkpoint") is an organisation.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.places import PlaceMention

_ACRONYM = re.compile(r"[A-Z]{2,6}")
#: "(SAMS)", "(SAMS')", "( SDF )".
_DEFINED = re.compile(r"\(\s*([A-Z]{2,6})['’]?\s*\)")
_POSSESSIVE = re.compile(r"^(?:['’]s?)(?=\s)")


def defined_acronyms(article: str) -> frozenset[str]:
    """The acronyms a report spells out in parentheses ("... Society (SAMS)").

    Parameters
    ----------
    article : str

    Returns
    -------
    frozenset of str
    """
    return frozenset(m.group(1) for m in _DEFINED.finditer(article))


def acronyms_as_organisations(text: str, places: list[PlaceMention], offset: int,
                              acronyms: frozenset[str]) -> list[PlaceMention]:
    """Give the role ``organisation`` to acronyms the report defines or writes possessive.

    Parameters
    ----------
    text : str
        The sentence.
    places : list of PlaceMention
        Its mentions (article offsets).
    offset : int
        The sentence's offset in the article.
    acronyms : frozenset of str
        :func:`defined_acronyms` of the report.

    Returns
    -------
    list of PlaceMention
    """
    out = []
    for m in places:
        written = m.text.strip()
        if m.role in ("site", "container", "region") and _ACRONYM.fullmatch(written) and (
                written in acronyms or _POSSESSIVE.match(text[m.end - offset:])):
            m = replace(m, role="organisation")
        out.append(m)
    return out
