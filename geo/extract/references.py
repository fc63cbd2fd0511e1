"""Places the text gives as references for another place, never as the site (round 9).

Issue 12, round 9, from the far-resolved candidates of a blind set: a town is often named
beside the place it helps to find, and the town is in the gazetteer while the place is not.
The town then stood in for the site at site precision, kilometres off. These rules keep
the named place as the site (for review) and the town as context:

* a candidate for one event keeps the place the text puts near or in a town rather than the
  bare town ("attack on Syria's Qamishli" in a headline, then "a car in the village of
  Shorek, east of Qamishli");
* a road between two towns ("the Deir Ezzor-Palmyra road", "the highway between X and Y")
  is the site, for review, near the first town; the two towns are references;
* a governorate's name used for an area ("six localities in Idlib", "across Idlib",
  "villages of Idlib") is the region, never its capital at site precision, unless the
  text says the city.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.places import PlaceMention
from geo.geocoding.areas import area_key
from geo.geocoding.names import basic_key

#: What a road between two named towns is called.
_ROAD = r"(?:road|highway|motorway|route|international\s+road)"
_NAME = r"(?:(?:[Aa]l|[Ee]l)-)?[A-Z][\w'’]{2,}(?:\s+(?:(?:[Aa]l|[Ee]l)-)?[A-Z][\w'’]+){0,2}"
#: "the Deir Ezzor-Palmyra road", "Deir Ezzor- Palmyra Road", "the X – Y highway".
_DASHED_ROAD = re.compile(rf"(?P<a>{_NAME})\s*[-–—]\s*(?P<b>{_NAME})\s+(?i:{_ROAD})\b")
#: Roles of a town a road may be named after.
_TOWN_ROLES = ("site", "container", "region", "reference")
#: "the road between X and", "the highway linking X with", "the road from X to".
_ROAD_BEFORE = re.compile(rf"\b{_ROAD}\s+(?:between|linking|connecting|from)\s+(?:the\s+)?"
                          r"(?:(?:city|town|village)\s+of\s+)?$", re.I)
_ROAD_JOIN = re.compile(r"^\s+(?:and|with|to)\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$",
                        re.I)
#: Words for many places inside an area: "six localities in Idlib", "across Idlib".
_AREA_USE_BEFORE = re.compile(
    r"(?:\b(?:localities|villages|towns|areas|parts|zones|regions|places|sites|positions|"
    r"hamlets|communities|settlements|cities)\s+(?:[\w-]+\s+){0,2}?(?:in|of|across|"
    r"throughout)\s+(?:the\s+)?|\b(?:across|throughout|all\s+over)\s+(?:the\s+)?)$", re.I)
#: Round 12: a plural of settlements before one name ("the villages of X"), and a list after.
_PLURAL_OF = re.compile(r"\b(?:villages|towns|localities|hamlets|communities|settlements)\s+"
                        r"of\s+(?:the\s+)?$", re.I)
_LIST_AFTER = re.compile(r"^\s*(?:,|and\b|&)")
#: The text says the city: "the city of Idlib", "Idlib city".
_CITY_BEFORE = re.compile(r"\b(?:city|town)\s+of\s+$", re.I)
_CITY_AFTER = re.compile(r"^\s+(?:city|town)\b", re.I)


def more_specific(site: PlaceMention | None, other: PlaceMention | None) -> bool:
    """Whether ``site`` is a place the text gives out of ``other`` and that stands at its
    point, for review ("a car in the village of Shorek, east of Qamishli" after a headline's
    "Qamishli"): the named place is the event's site, the town its reference. A part the
    text puts inside the town ("the Maysat neighbourhood of Damascus") does not replace it.

    Parameters
    ----------
    site, other : PlaceMention or None
        The sites of two drafts of one event.

    Returns
    -------
    bool
    """
    if site is None or other is None or not site.container or not site.unsure or \
            not site.near or basic_key(site.name) == basic_key(other.name):
        return False
    return basic_key(site.container) in (basic_key(other.name), basic_key(other.text))


def roads_between(text: str, places: list[PlaceMention], offset: int = 0
                  ) -> list[PlaceMention]:
    """A road between two towns is the site, for review; the towns are references.

    "on the Deir Ezzor-Palmyra road", "the highway between Masyaf and Wadi al-Uyun": the
    two towns become ``reference`` mentions (offset "road from", "road to") and a new site
    mention names the road, for review (``unsure``; no gazetteer holds a road), near the
    first town found (its point, at precision 2), unresolved when neither is found.

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
    """
    out = list(places)
    roads: list[tuple[int, int, str, str]] = []  # sentence offsets, name, first town
    for found in _DASHED_ROAD.finditer(text):
        roads.append((found.start(), found.end(),
                      f"{found.group('a')}-{found.group('b')} road", found.group("a")))
    for a, b in zip(places, places[1:], strict=False):
        if a.role not in _TOWN_ROLES or b.role not in _TOWN_ROLES:
            continue
        named = _ROAD_BEFORE.search(text[:a.start - offset])
        if named and _ROAD_JOIN.fullmatch(text[a.end - offset:b.start - offset]):
            roads.append((named.start(), b.end - offset, f"{a.name}-{b.name} road", a.text))
    for start, end, name, town in roads:
        inside = [i for i, m in enumerate(out) if start <= m.start - offset and
                  m.end - offset <= end and m.role in _TOWN_ROLES + ("street",)]
        first = next((out[i] for i in inside if _point(out[i])), None)  # stands in, near
        for k, i in enumerate(inside):
            out[i] = replace(out[i], role="reference",
                             offset="road from" if k == 0 else "road to")
        out.append(PlaceMention(start + offset, end + offset, text[start:end], name,
                                descriptor="route between",
                                result=first.result if first else None, role="site",
                                near=True, container=first.text if first else town,
                                unsure=True, candidates=first.candidates if first else ()))
    return sorted(out, key=lambda m: (m.start, m.end))


def governorate_as_area(text: str, mention: PlaceMention, offset: int = 0) -> bool:
    """Whether a governorate's name, written bare, names the area ("six localities in
    Idlib", "across Idlib", "the villages of Idlib"), not the capital that shares it.

    Parameters
    ----------
    text : str
        The sentence.
    mention : PlaceMention
        A site whose place is a governorate's seat (its name is the governorate's).
    offset : int, optional
        The sentence's offset in the article.

    Returns
    -------
    bool
        False when the text says the city ("the city of Idlib", "Idlib city").
    """
    place = mention.place
    if place is None or not place.admin1 or \
            particle_free_key(mention.name) != particle_free_key(place.admin1):
        return False
    before, after = text[:mention.start - offset], text[mention.end - offset:]
    if mention.descriptor:  # round 12: "in the villages of X" (one name, no list) is X's area
        return bool(_PLURAL_OF.search(before[-40:])) and not _LIST_AFTER.match(after)
    if _CITY_BEFORE.search(before[-20:]) or _CITY_AFTER.match(after):
        return False
    return bool(_AREA_USE_BEFORE.search(before[-60:]))



def particle_free_key(name: str) -> str:
    """An area key without Arabic articles anywhere ("Deir al-Zor", "Deir-ez-Zor").

    Parameters
    ----------
    name : str

    Returns
    -------
    str
        :func:`geo.geocoding.areas.area_key` of the name with its articles removed.
    """
    return area_key(re.sub(r"(?:^|(?<=[\s-]))(?:al|el|ar|as|ad|ash|at|az|ez|es|ed)(?:[-\s]+)",
                           " ", name, flags=re.I))


def _point(mention: PlaceMention) -> bool:
    """Whether the mention was found at a point (a town, not a region)."""
    place = mention.place
    return place is not None and place.precision <= 2
