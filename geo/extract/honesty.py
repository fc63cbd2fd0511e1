"""Honest site precision: names the rules are unsure of never come out resolved at a site.

Round 5 of issue 12, found on reports the rules had not been tuned on:

* an ordinary English word is no place unless the text announces one (see
  :mod:`geo.extract.wordlist`); with a cue only it goes to review (``unsure``);
* a part of a town (a neighbourhood, district or quarter) found in another governorate
  than the sentence's other places is a homonym of the gazetteer's place, not that place
  ("the Shaar neighbourhood of the city of X" found as a village far from X): it goes to
  review.
"""

from __future__ import annotations

from dataclasses import replace

from geo.extract.places import SUBUNITS, PlaceMention


def homonym_parts(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Mark unsure the parts of towns found in another governorate than the sentence's town.

    Parameters
    ----------
    mentions : list of PlaceMention
        One sentence's mentions, with their roles.

    Returns
    -------
    list of PlaceMention
        The same mentions; a site described as a neighbourhood, district or quarter whose
        gazetteer place lies in a governorate none of the sentence's other resolved places
        lies in is ``unsure`` (for review).
    """
    out: list[PlaceMention] = []
    for m in mentions:
        place = m.place
        if m.role == "site" and m.descriptor in SUBUNITS and place is not None and \
                place.admin1:
            others = {o.place.admin1 for o in mentions if o is not m and o.place is not None
                      and o.place.admin1 and o.role not in ("country",)}
            if others and place.admin1 not in others:
                m = replace(m, unsure=True)
        out.append(m)
    return out
