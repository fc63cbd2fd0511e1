"""A site and the place the text puts it in: "the Qusur district of Deir ez-Zor city".

A part the gazetteer does not hold, or finds far from its container, gives way to the
container (near it, never at site precision); the stricter flags of the two are kept.
"""

from __future__ import annotations

from dataclasses import replace

from geo.extract.places import SUBUNITS, PlaceMention
from geo.extract.report import distance_km

#: Buildings that lie inside the town the text puts them in ("Al Hal market in Maaret al-Numan").
FACILITIES = frozenset({"market", "mosque", "school", "hospital", "bakery"})
#: Places farther apart than this (km) cannot be a part and the whole ("Qusur district of
#: Deir ez-Zor city"): the part was found elsewhere, the container's point stands in.
CONTAINER_KM = 15.0


def inside_container(site: PlaceMention, places: list[PlaceMention]) -> PlaceMention:
    """A part found far from (or not at all inside) the place the text puts it in gives
    way to that place, near it: "the Qusur district of Deir ez-Zor city"; a district or a
    building found only abroad too ("the al-Hilaliye district in Qamishli", found in Sudan).
    A place of another kind found abroad stays, for review (unsure)."""
    outer = next((m for m in places if m.text == site.container and m is not site), None)
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
    if inner is not None and not abroad and distance_km(
            inner.latitude, inner.longitude, outer.place.latitude,
            outer.place.longitude) <= CONTAINER_KM:
        return site
    # the stricter flags of the two: an honesty rule's doubt about the part stays
    return replace(outer, start=site.start, end=site.end, text=site.text, name=site.name,
                   role="site", near=True, descriptor=site.descriptor, container=outer.text,
                   partial=outer.partial, unsure=site.unsure or outer.unsure)


def context_label(mention: PlaceMention) -> str:
    """A context place as the candidate lists it: "reference: Raqqa (26km west of)"."""
    offset = f" ({mention.offset})" if mention.offset else ""
    return f"{mention.role}: {mention.text}{offset}"
