"""Towns named to bound or to find another place, never the site (issue 12, round 12).

From the far-resolved candidates of heldout10, read as classes of language:

* an area named by the towns at its ends ("the area between Tal Abyad and Ras al-Ain", "the
  strip between X and Y") is no settlement: the towns are references, and no site of their
  own (:func:`areas_between`);
* a lede that names a town as the site ("a drone attacked a vehicle in the border town of
  X on Thursday") and a sentence beside it that gives a place no gazetteer holds out of that
  town ("near the village of K, 14 km east of X") tell one event: the town is the place's
  reference, the named place the site, for review (:func:`towns_into_referenced_sites`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.places import PlaceMention
from geo.extract.report import Draft, absorb, compatible, overlap
from geo.geocoding.areas import area_key

#: "the area between", "a buffer zone between", "the strip of land between".
_AREA_BETWEEN = re.compile(
    r"\b(?:area|areas|region|zone|strip|territory|stretch|belt|land|lands|border\s+strip|"
    r"swathe|swath|corridor|frontier)\s+(?:of\s+land\s+)?(?:stretching\s+|lying\s+|running\s+)?"
    r"between\s+(?:the\s+(?:towns?|cities|city|villages?)\s+of\s+)?$", re.I)
_JOIN = re.compile(r"^\s+(?:and|&)\s+(?:the\s+(?:town|city|village)\s+of\s+)?$", re.I)
_TOWN_ROLES = ("site", "container", "region")
#: Drafts this many sentences apart or fewer may tell one event (a lede and its detail).
BESIDE = 2


def areas_between(text: str, places: list[PlaceMention], offset: int = 0
                  ) -> list[PlaceMention]:
    """The towns at the ends of an area ("the area between X and Y") are references.

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
        The same mentions, the two towns as ``reference`` ("between").
    """
    out = list(places)
    for i, mention in enumerate(out):
        if mention.role not in _TOWN_ROLES or not _AREA_BETWEEN.search(
                text[max(0, mention.start - offset - 80):mention.start - offset]):
            continue
        out[i] = replace(mention, role="reference", offset="between")
        after = out[i + 1] if i + 1 < len(out) else None
        if after is not None and after.role in _TOWN_ROLES and _JOIN.fullmatch(
                text[mention.end - offset:after.start - offset]):
            out[i + 1] = replace(after, role="reference", offset="between")
    return out


def towns_into_referenced_sites(drafts: list[Draft]) -> list[Draft]:
    """A draft at a town folds into a draft beside it whose site the text gives out of
    that town ("in the town of X", then "near K, 14 km east of X"): one event, at K.

    Only into a site the gazetteer cannot place (or places only for review), of a
    compatible type at overlapping dates, at most :data:`BESIDE` sentences apart; every
    quote, claimant and the first toll are kept, and the town stays as context.

    Parameters
    ----------
    drafts : list of Draft
        Merged drafts, in reading order.

    Returns
    -------
    list of Draft
    """
    out: list[Draft] = []
    for draft in drafts:
        target = _referencing(draft, drafts)
        if target is None:
            out.append(draft)
            continue
        absorb(target, draft)
        town = draft.site.text if draft.site else ""
        target.context.append(f"reference: {town} (named first as the site)")
    return out


def _referencing(town: Draft, drafts: list[Draft]) -> Draft | None:
    site = town.site
    if site is None or site.place is None or town.region:
        return None
    keys = {area_key(site.name), area_key(site.text)} - {""}
    for other in drafts:
        if other is town or other.site is None or other.region or not _unplaced(other) or \
                area_key(other.site.name) in keys or \
                min(abs(i - j) for i in other.sentences for j in town.sentences) > BESIDE or \
                not compatible(other.event_type, town.event_type) or \
                not overlap(other.date, town.date):
            continue
        references = {area_key(_label_name(label)) for label in other.context
                      if label.startswith("reference: ")}
        if keys & references:
            return other
    return None


def _unplaced(draft: Draft) -> bool:
    """A site the gazetteer cannot place, or places only for review: the town stood for it."""
    site = draft.site
    return site is not None and (site.place is None or site.unsure or site.partial)


def _label_name(label: str) -> str:
    """The place of a context label ("reference: Darbasiya district (14 km east of)")."""
    return re.sub(r"\s*\(.*\)\s*$", "", label.split(": ", 1)[1])
