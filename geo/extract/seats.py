"""A governorate's seat named bare: the city, or the governorate (round 10 of issue 12).

Most Syrian governorates share their name with their capital, and reports use the bare name
for either ("strikes kill 12 in Idlib" above villages all over the province; "a car bomb in
Idlib's al-Thalathin street"). Read as the city at site precision, a round-up of the province
lands on the capital, tens of kilometres from any of its sites. The name is read as:

* the **city** when its own sentence says so: "the city of X", "X city", a part of it ("X's
  al-Shaar neighbourhood", "the Maysat district of X", "in X's old city"), "downtown X", or
  "city" said of no other name ("X, now a 'ghost city'");
* else the **governorate** (a region: precision 3, for review, never resolved) when the
  sentence puts several facilities in it ("two hospitals in X"), the report uses the name
  for the area ("X province", "northern X", "X's Bara village", "X countryside", "rural
  X") or it locates other places of that governorate more than
  :data:`geo.extract.report.UMBRELLA_KM` from the city (its sites are spread over it);
* else the city, as earlier rounds read a seat named alone ("Shelling hit X on Monday").

The candidate keeps the city's point either way; only its precision and status change.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.places import PlaceMention
from geo.extract.references import particle_free_key
from geo.extract.report import UMBRELLA_KM, Draft, distance_km
from geo.extract.text import Sentence

_NAME = r"((?:(?:al|el|ar|as|ad|ash|at|az|ez|es|ed)[-\s])?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)"
#: Words for a part of a city: "X's al-Shaar neighbourhood", "the Maysat district of X".
_PART = (r"(?:neighbou?rhoods?|distric?ts?|quarters?|suburbs?|streets?|squares?|old\s+city|"
         r"city\s+cent(?:re|er)|downtown|souk|university|citadel)")
#: The city said in the mention's own sentence.
_CITY_BEFORE = re.compile(rf"(?:\b(?:city|town)\s+of|\bdowntown|\bcentral|\b{_PART}\s+of"
                          r"(?:\s+the)?)\s+$", re.I)
_CITY_AFTER = re.compile(rf"^(?:\s+(?:city|town)\b|['’]s\s+(?:[\w'’-]+\s+){{0,3}}?{_PART}\b|"
                         rf"\s+{_PART}\b)", re.I)
#: Several facilities "in X": "two hospitals in X", "five schools in X".
_SEVERAL_IN = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|\d+)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:hospitals|clinics|schools|markets|bakeries|mosques|camps|"
    r"facilities|cent(?:re|er)s|sites|positions|points|shelters)\s+in\s+(?:the\s+)?$", re.I)
#: "city" said of the place without another name: "the city", "a 'ghost city'".
_CITY_WORD = re.compile(r"\bcity\b", re.I)
_NAMED_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
_OF_AFTER = re.compile(r"^\s+of\b", re.I)
#: The name used for the governorate: "X's Bara village", "X countryside", "rural X",
#: "the countryside of X", "the de-escalation zone in X".
_PROVINCE_USES = (
    re.compile(rf"\b{_NAME}['’]s\s+(?:[\w'’-]+\s+){{0,3}}?(?:villages?|towns?|hamlets?|"
               r"countryside|province|governorate|countryside|rural\s+areas)\b"),
    re.compile(rf"\b{_NAME}\s+(?:countryside|province|governorate|de-?escalation\s+zone)\b"),
    re.compile(rf"\b(?:[Rr]ural|[Cc]ountryside\s+of|[Pp]rovince\s+of|[Gg]overnorate\s+of|"
               rf"de-?escalation\s+zone\s+(?:in|of))\s+(?:the\s+)?{_NAME}"),
)
def province_uses(article: str) -> frozenset[str]:
    """Keys (:func:`~geo.extract.references.particle_free_key`) of the names a report uses
    for a governorate with words the city does not take ("X's Bara village", "X countryside",
    "rural X", "the de-escalation zone in X").

    Parameters
    ----------
    article : str

    Returns
    -------
    frozenset of str
    """
    return _keys(article, _PROVINCE_USES)


def _keys(article: str, patterns: tuple[re.Pattern[str], ...]) -> frozenset[str]:
    keys: set[str] = set()
    for pattern in patterns:
        for found in pattern.finditer(article):
            name = found.group(1)
            keys |= {particle_free_key(name), particle_free_key(name.split()[0])}
    return frozenset(keys - {""})


def is_bare_seat(site: PlaceMention) -> bool:
    """Whether a site is a governorate's seat written bare: found as the city (precision 1
    or 2), named as its governorate, with no descriptor ("Idlib", not "Idlib city").

    Parameters
    ----------
    site : PlaceMention

    Returns
    -------
    bool
    """
    place = site.place
    return place is not None and bool(place.admin1) and place.precision <= 2 and \
        not site.descriptor and \
        particle_free_key(site.name) == particle_free_key(place.admin1) and \
        not re.search(r"\b(?:city|town)\b", site.text, re.I)


def says_city(text: str, site: PlaceMention, offset: int = 0) -> bool:
    """Whether the sentence calls the bare seat the city ("the city of X", "X's Shaar
    neighbourhood", "the Maysat district of X", "downtown X"), or says "city" of no other
    name ("X, which has become a 'ghost city'", "in the city").

    Parameters
    ----------
    text : str
        The sentence.
    site : PlaceMention
        The mention (article offsets).
    offset : int, optional
        The sentence's offset in the article.

    Returns
    -------
    bool
    """
    before, after = text[:site.start - offset], text[site.end - offset:]
    if _CITY_BEFORE.search(before[-40:]) or _CITY_AFTER.match(after):
        return True
    return any(not _NAMED_BEFORE.search(text[:m.start()]) and not _OF_AFTER.match(
        text[m.end():]) for m in _CITY_WORD.finditer(text))  # "..., a 'ghost city'"


def seats_as_regions(drafts: list[Draft], sentences: list[Sentence], article: str,
                     located: list[PlaceMention], governorates: frozenset[str]) -> None:
    """Read each bare governorate seat a draft is sited at as the city or the region.

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts, changed in place: a seat read as the governorate (or unsure)
        becomes a region draft (precision 3, status ``region``), with a note in its context.
    sentences : list of Sentence
        The report's sentences (the mention's own sentence is read for "city" words).
    article : str
        The report.
    located : list of PlaceMention
        Every place mention the report resolved to a point, in a locating role.
    governorates : frozenset of str
        Keys of the names the report uses for a governorate
        (:func:`geo.extract.report.governorate_names`).
    """
    provinces = governorates | province_uses(article)
    for draft in drafts:
        site = draft.site
        if site is None or draft.region or site.status != "resolved" or \
                not is_bare_seat(site):
            continue
        sentence = next((s for s in sentences if s.start <= site.start < s.end), None)
        if sentence is not None and says_city(sentence.text, site, sentence.start):
            continue
        key = particle_free_key(site.name)
        several = sentence is not None and bool(_SEVERAL_IN.search(
            sentence.text[:site.start - sentence.start][-60:]))
        if not (several or key in provinces or _spread(site, located)):
            continue  # nothing says the governorate: the city, as the name says
        draft.region = True
        why = "several places in it" if several else "the report uses the name for the " \
            "governorate or names places of it away from the city"
        draft.context.append(f"region: '{site.text}' read as its governorate ({why})")


def _spread(site: PlaceMention, located: list[PlaceMention]) -> bool:
    """Whether the report locates another place of the seat's governorate away from it."""
    place = site.place
    if place is None:
        return False
    own = particle_free_key(place.admin1 or "")
    return any(
        m.place is not None and m.place.gazetteer_id != place.gazetteer_id and
        m.place.precision <= 2 and particle_free_key(m.place.admin1 or "") == own and
        distance_km(place.latitude, place.longitude, m.place.latitude, m.place.longitude)
        > UMBRELLA_KM for m in located)


#: "the Eastern Ghouta of X", "the Old City of X": a named area the place X contains.
_AREA_OF = re.compile(r"\bthe\s+(?:Eastern|Western|Northern|Southern|Old|Greater|Upper|Lower)"
                      r"\s+[A-Z][\w'’-]+\s+of\s+$")


#: What joins a site to the seat it lies in: "Sarmin, Idlib", "the Sarmin field hospital in
#: Idlib".
_SEAT_LINK = re.compile(r",\s*|\s+(?:[a-z-]+\s+){0,3}in\s+(?:the\s+)?")


def seats_as_containers(text: str, places: list[PlaceMention], offset: int = 0
                        ) -> list[PlaceMention]:
    """A seat that only says where another place lies is its container, not a site.

    "a field hospital in Sarmin, Idlib", "the Sarmin field hospital in Idlib": a bare seat
    after a comma or "in", right after a site of its governorate, is the governorate that
    site lies in; "the Eastern Ghouta of Damascus":
    a seat after a named area of it ("the Eastern/Old/Greater ... of") contains that area.

    Parameters
    ----------
    text : str
        The sentence.
    places : list of PlaceMention
        Its mentions, in order (article offsets).
    offset : int, optional
        The sentence's offset in the article.

    Returns
    -------
    list of PlaceMention
        The same mentions; such a seat has the role ``container`` (and the site before a
        comma takes it as its container).
    """
    out = list(places)
    for i, m in enumerate(out):
        if m.role != "site" or not is_bare_seat(m):
            continue
        before = text[:m.start - offset]
        if _AREA_OF.search(before[-60:]):
            out[i] = replace(m, role="container")
            continue
        prev = out[i - 1] if i else None
        if prev is None or prev.role != "site" or prev.place is None or m.place is None or \
                not _SEAT_LINK.fullmatch(text[prev.end - offset:m.start - offset]) or \
                particle_free_key(prev.place.admin1 or "") != particle_free_key(m.name):
            continue
        out[i] = replace(m, role="container")
        if not prev.container:
            out[i - 1] = replace(prev, container=m.text)
    return out
