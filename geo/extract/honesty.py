"""Honest site precision: names the rules are unsure of never come out resolved at a site.

Round 5 of issue 12, found on reports the rules had not been tuned on:

* an ordinary English word is no place unless the text announces one (see
  :mod:`geo.extract.wordlist`); with a cue only it goes to review (``unsure``);
* a part of a town (a neighbourhood, district or quarter) found in another governorate
  than the sentence's other places is a homonym of the gazetteer's place, not that place
  ("the Shaar neighbourhood of the city of X" found as a village far from X): it goes to
  review;
* a place named through its country ("the villages of X and Y near Syria's northwestern city
  of Z") is the container of the sites before it, as "near Z" would be, not a site of its own.

Round 6:

* a part of a town named in a sentence with no other place is checked against the
  governorates of the whole report's places (a "Mazraa neighbourhood" in a report on one
  city, found as a village of another governorate, goes to review);
* a village, hamlet or farm found as a city of many people ("the village of X" matched to a
  city through one of its many alternate names) is another place of that name: review.

Round 9:

* in a report that names a governorate, a site found more than
  :data:`geo.settings.HOMONYM_KM` from every other place the report locates, in a
  governorate where the report locates nothing else and that it does not name, is a
  namesake of the place meant ("the Al Hal market" of a report on Idlib, found at al-Hawl
  400 km away): review, never resolved. A governorate's seat and a city of
  :data:`CITY_POPULATION` people or more are exempt;
* in a sentence that names another country than the report's and no place in the report's
  country, a site not found in the report's country ("a drone attack in the Kurdistan region"
  after "air strikes in Iraq"; "Hamas in the Gaza Strip") is told of that other country:
  context (role ``abroad``), not an incident of the report.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.phrases import CONTAINER_LINK
from geo.extract.places import SUBUNITS, PlaceMention
from geo.extract.references import particle_free_key
from geo.extract.report import Draft, distance_km
from geo.geocoding.areas import area_key
from geo.settings import HOMONYM_KM

#: Names coordinated with a site that the gazetteer lacks ("X and Kefraya near ...").
_COORDINATED = re.compile(r"^(?:(?:,\s*|,?\s+(?:and|or)\s+)[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)+")
_THROUGH_COUNTRY = re.compile(r"^['’]s\s+(?:[a-z-]+\s+)?(?:city|town|capital)(?:\s+of)?\s+$")


#: A place this populous is a city: the text's "village" is another place of that name.
CITY_POPULATION = 100_000
_SMALL = frozenset({"village", "hamlet", "farm", "farms"})
#: Parts of a city proper (an "area" or a "suburb" may lie in the governorate around it).
_QUARTERS = frozenset({"neighbourhood", "neighborhood", "quarter"})


def homonym_parts(mentions: list[PlaceMention],
                  report_areas: frozenset[str] = frozenset()) -> list[PlaceMention]:
    """Mark unsure the parts of towns found in another governorate than the sentence's town.

    Parameters
    ----------
    mentions : list of PlaceMention
        One sentence's mentions, with their roles.
    report_areas : frozenset of str
        Area keys of the governorates of the report's places, for a sentence naming no
        other place.

    Returns
    -------
    list of PlaceMention
        The same mentions; a site described as a neighbourhood, district or quarter whose
        gazetteer place lies in a governorate none of the sentence's other resolved places
        lies in (else none of the report's places lies in) is ``unsure`` (for review); so
        is a village found as a city of :data:`CITY_POPULATION` people or more.
    """
    out: list[PlaceMention] = []
    for m in mentions:
        place = m.place
        if m.role == "site" and m.descriptor in SUBUNITS and place is not None and \
                place.admin1:
            others = {area_key(o.place.admin1) for o in mentions if o is not m and
                      o.place is not None and o.place.admin1 and o.role not in ("country",)}
            if not others and m.descriptor in _QUARTERS:  # alone: the report's areas
                others = set(report_areas)
            if others and area_key(place.admin1) not in others:
                m = replace(m, unsure=True)
        if m.role == "site" and m.descriptor in _SMALL and place is not None and \
                place.population >= CITY_POPULATION:
            m = replace(m, unsure=True)  # "the village of X" is no city of a million
        out.append(m)
    return out


def containers_through_country(text: str, mentions: list[PlaceMention],
                               offset: int = 0) -> list[PlaceMention]:
    """Make "Z" of "X near Syria's city of Z" the container of X, not a site.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : list of PlaceMention
        Its mentions (offsets in the article).
    offset : int
        The sentence's offset in the article.

    Returns
    -------
    list of PlaceMention
        The same mentions; X takes Z as its container and Z the role ``container``.
    """
    out = list(mentions)
    for i in range(len(out) - 2):
        inner, country, outer = out[i], out[i + 1], out[i + 2]
        if inner.role == "site" and country.role == "country" and \
                outer.role == "site" and \
                CONTAINER_LINK.match(_COORDINATED.sub("", text[inner.end - offset:
                                                              country.start - offset])) and \
                _THROUGH_COUNTRY.match(text[country.end - offset:outer.start - offset]):
            out[i] = replace(inner, container=outer.text)
            out[i + 2] = replace(outer, role="container")
    return out


def far_homonyms(drafts: list[Draft], located: list[PlaceMention],
                 governorates: frozenset[str]) -> None:
    """Send to review (``unsure``) each site that lies far from everything else the report
    locates, in a governorate it neither names nor locates anything else in (only in a
    report that names a governorate; seats and cities exempt).

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts; their sites are changed in place.
    located : list of PlaceMention
        Every place mention the report resolved to a point (any role but country).
    governorates : frozenset of str
        Area keys of the governorates the report names
        (:func:`geo.extract.report.governorate_names`).
    """
    for draft in drafts:
        site = draft.site
        place = site.place if site is not None else None
        if site is None or place is None or draft.region or site.unsure or not governorates \
                or place.precision >= 3 or not place.admin1 or \
                place.population >= CITY_POPULATION:
            continue  # the report names no governorate: nothing to check the site against
        own = particle_free_key(place.admin1)
        if particle_free_key(site.name) == own or own in governorates:
            continue  # a governorate's seat, or a governorate the report names
        others = [m.place for m in located if m.place is not None and
                  m.place.gazetteer_id != place.gazetteer_id and
                  m.place.country == place.country]
        if not others or any(particle_free_key(o.admin1 or "") == own for o in others):
            continue
        if all(distance_km(place.latitude, place.longitude, o.latitude, o.longitude) >
               HOMONYM_KM for o in others):
            draft.site = replace(site, unsure=True)


#: A sentence about a border names the neighbour's places beside the report's own.
_BORDER = re.compile(r"\bborders?\b|\bfrontier\b", re.I)
#: A settlement the text announces ("the village of X") is a place of the report's own.
_SETTLED = frozenset({"village", "town", "city", "hamlet", "camp", "neighbourhood",
                      "neighborhood"})


def abroad_sites(text: str, mentions: list[PlaceMention], country: str
                 ) -> list[PlaceMention]:
    """A sentence's sites told of another country than the report's: context (``abroad``).

    Parameters
    ----------
    text : str
        The sentence (a sentence about a border is left alone).
    mentions : list of PlaceMention
        One sentence's mentions.
    country : str
        The report's country (ISO code; nothing changes without it).

    Returns
    -------
    list of PlaceMention
    """
    if not country or _BORDER.search(text):
        return mentions  # "the village of X, across the border from Turkey's Kilis"
    others = [m for m in mentions if m.role == "country" and m.country and
              m.country != country]
    home = [m for m in mentions if m.place is not None and m.place.country == country and
            m.role != "country"]
    if not others or home or any(m.role == "country" and m.country == country
                                 for m in mentions):
        return mentions
    return [replace(m, role="abroad") if m.role == "site" and m.descriptor not in _SETTLED
            else m for m in mentions]
