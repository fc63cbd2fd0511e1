"""A site and the place the text puts it in: "the Qusur district of Deir ez-Zor city".

A part the gazetteer does not hold, or finds far from its container, gives way to the
container (near it, never at site precision); the stricter flags of the two are kept.

Round 9: a place given as a point of reference for another ("a car in the village of X,
east of Y", "X in the western countryside of Y", "X on the outskirts of Y") lies some way
out of it: a part that gives way to such a place keeps the other name and goes to review
(unsure, near the reference's point), never resolved at the reference's point.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.places import SUBUNITS, PlaceMention
from geo.extract.report import distance_km

#: Buildings that lie inside the town the text puts them in ("Al Hal market in Maaret al-Numan").
FACILITIES = frozenset({"market", "mosque", "school", "hospital", "bakery"})
#: Places farther apart than this (km) cannot be a part and the whole ("Qusur district of
#: Deir ez-Zor city"): the part was found elsewhere, the container's point stands in.
CONTAINER_KM = 15.0
#: Words between a place and the one it is given way out of ("east of", "the countryside of").
_OUTSIDE_LINK = re.compile(r"\b(?:near|outside|close\s+to|outskirts|countryside|suburbs?|"
                           r"environs|vicinity|(?:north|south|east|west)\w*\s+of)\b", re.I)


def inside_container(site: PlaceMention, places: list[PlaceMention], text: str = "",
                     offset: int = 0) -> PlaceMention:
    """A part found far from (or not at all inside) the place the text puts it in gives
    way to that place, near it: "the Qusur district of Deir ez-Zor city"; a district or a
    building found only abroad too ("the al-Hilaliye district in Qamishli", found in Sudan).
    A place of another kind found abroad stays, for review (unsure).

    Parameters
    ----------
    site : PlaceMention
    places : list of PlaceMention
        The sentence's mentions (the container among them).
    text : str, optional
        The sentence, to read how the site is tied to its container.
    offset : int, optional
        The sentence's offset in the article (mentions carry article offsets).

    Returns
    -------
    PlaceMention
        The site, or the container standing in for it (near; unsure when the text gives the
        container only as a reference: "X, east of Y", "X in the countryside of Y").
    """
    named = [m for m in places if m.text == site.container and m is not site]
    outer = named[0] if named else None
    if not site.container or outer is None or outer.place is None or \
            outer.role == "country" or outer.place.precision >= 4:
        return site  # "the village of X, Syria": a country is no point for X
    inner = site.place
    abroad = inner is not None and bool(inner.country and outer.place.country and
                                        inner.country != outer.place.country)
    if abroad and site.descriptor not in SUBUNITS | FACILITIES:
        return replace(site, unsure=True)  # "Hasaka province's al-Qayrawan", found in Tunisia
    if inner is not None and not abroad and site.descriptor not in SUBUNITS | FACILITIES:
        return site  # "the camp in al-Tanf": a camp may lie a way out of the place it is named by
    # trial 26: "Kafr X area in the northwestern countryside of Idlib" (a sentence naming Idlib
    # several times, the site's own mention after it): Idlib city is only a bearing, the site
    # lies out of it by what the text says, and its own point is in Idlib's province
    given = next((m for m in named if m.start >= site.end and m.place is not None), None)
    if inner is not None and not abroad and given is not None and given.place is not None and \
            inner.admin1 and inner.admin1 == given.place.admin1 and \
            given_as_reference(site, given, text, offset):
        return site
    if inner is not None and not abroad and distance_km(
            inner.latitude, inner.longitude, outer.place.latitude,
            outer.place.longitude) <= CONTAINER_KM:
        return site
    # the stricter flags of the two: an honesty rule's doubt about the part stays
    return replace(outer, start=site.start, end=site.end, text=site.text, name=site.name,
                   role="site", near=True, descriptor=site.descriptor, container=outer.text,
                   partial=outer.partial, unsure=site.unsure or outer.unsure or
                   given_as_reference(site, outer, text, offset))


def given_as_reference(site: PlaceMention, outer: PlaceMention, text: str = "",
                       offset: int = 0) -> bool:
    """Whether the text gives ``outer`` only as a reference point for ``site`` ("X, east of
    Y", "X in the western countryside of Y", "X near Y"): the site lies some way out of it.

    Parameters
    ----------
    site, outer : PlaceMention
    text : str, optional
        The sentence (without it only the container's role is read).
    offset : int, optional
        The sentence's offset in the article.

    Returns
    -------
    bool
    """
    if outer.role == "reference" or outer.offset:
        return True
    if not text or outer.start < site.end:
        return False
    return bool(_OUTSIDE_LINK.search(text[site.end - offset:outer.start - offset]))


def context_label(mention: PlaceMention) -> str:
    """A context place as the candidate lists it: "reference: Raqqa (26km west of)"."""
    offset = f" ({mention.offset})" if mention.offset else ""
    return f"{mention.role}: {mention.text}{offset}"
