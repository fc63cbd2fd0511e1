"""Sentences that complete each other: an event told without its site, the site named next.

Wire copy often tells an attack first and names its place a sentence later: "A car bomb
killed several civilians in a town south of the capital on Wednesday. The car was parked
near a mosque in X." The first sentence promises a site ("a town", "a hospital"); the next
sentence that names exactly one site and tells no event of its own keeps that promise.

Round 6: a lead often gives only the vicinity ("killed 19 civilians outside the city of X",
"exploded in a southern suburb of the capital X") and the next sentence names the village
where it happened, telling the same event again ("strikes targeted the village of Y", "the
blast occurred in the area of Y"). The event near X folds into the one at Y
(:func:`vicinities_into_sites`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from geo.extract.dating import DISTINCT
from geo.extract.places import PlaceMention
from geo.extract.report import Draft, absorb, compatible, distance_km, overlap, site_key
from geo.extract.text import Sentence
from geo.geocoding.areas import area_key

#: How far ahead (in sentences) the promised site may be named.
LINK_SENTENCES = 2
#: A place promised but not named: "in a town", "a hospital supported by", "one village".
_PROMISED = re.compile(
    r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}?(?:town|village|city|hamlet|hospital|clinic|"
    r"school|market(?:place)?|mosque|bakery|camp|neighbou?rhood|suburb|building|house|home|"
    r"settlement|community|facility)\b", re.I)


@dataclass
class Promise:
    """An event sentence that names no site but promises one.

    Attributes
    ----------
    index : int
        The sentence.
    event_type : str
    drafts : list of int
        Drafts made from it with a region standing in for the site (indexes into the
        pipeline's drafts).
    """

    index: int
    event_type: str
    drafts: list[int] = field(default_factory=list)


def promises_site(text: str) -> bool:
    """Whether an event sentence promises a site it does not name ("in a town south of X").

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
    """
    return bool(_PROMISED.search(text))


def keeps_promise(promise: Promise | None, index: int, sites: list[PlaceMention]) -> bool:
    """Whether a sentence with no event of its own names the promised site.

    Parameters
    ----------
    promise : Promise or None
        The last promise still open.
    index : int
        The sentence.
    sites : list of PlaceMention
        Its sites.

    Returns
    -------
    bool
        True when it comes at most :data:`LINK_SENTENCES` after the promise and names
        exactly one site.
    """
    return promise is not None and 0 < index - promise.index <= LINK_SENTENCES and \
        len({site_key(m) for m in sites}) == 1


def fill_region(promise: Promise, drafts: list[Draft], index: int, site: PlaceMention) -> bool:
    """Put the named site in place of the region that stood in for it.

    Parameters
    ----------
    promise : Promise
    drafts : list of Draft
        Changed in place.
    index : int
        The sentence naming the site.
    site : PlaceMention

    Returns
    -------
    bool
        True when a region draft of the promise took the site (no new draft is needed);
        a site the gazetteer places outside that region is taken as ``unsure`` (for
        review), never resolved.
    """
    filled = False
    for number in promise.drafts:
        draft = drafts[number]
        if not draft.region:
            continue
        outer = draft.site.place if draft.site is not None else None
        inner = site.place
        if outer is not None and inner is not None and outer.admin1 and inner.admin1 and \
                area_key(outer.admin1) != area_key(inner.admin1):
            site = replace(site, unsure=True)  # found outside the region the report names
        draft.site, draft.region = site, False
        draft.sentences = sorted({*draft.sentences, index})
        filled = True
    return filled


#: A named site farther than this (km) from the vicinity a lead gave is another event.
VICINITY_KM = 25.0
#: Round 7: the first sentences that may be a headline, and the lead below it, within which
#: a headline's vicinity and the lead's site are one event however many lines come between.
HEADLINE_LINES = 3
LEAD_SENTENCES = 6


def in_reach(earlier: int, later: int) -> bool:
    """Whether two sentences may tell one event: at most :data:`LINK_SENTENCES` apart, or a
    headline line (the first :data:`HEADLINE_LINES`) over its lead (up to sentence
    :data:`LEAD_SENTENCES`).

    Parameters
    ----------
    earlier, later : int
        Sentence indices.

    Returns
    -------
    bool
    """
    return 0 < later - earlier <= LINK_SENTENCES or (
        earlier < HEADLINE_LINES and earlier < later <= LEAD_SENTENCES)


def vicinities_into_sites(drafts: list[Draft], sentences: list[Sentence]) -> list[Draft]:
    """Fold an event told near a place into the same event at the site named next.

    Parameters
    ----------
    drafts : list of Draft
        Merged drafts, in reading order.
    sentences : list of Sentence
        The article's sentences (a sentence saying "another" or "a separate" strike tells
        another event).

    Returns
    -------
    list of Draft
        The drafts without those folded. A draft folds when its site is "near" a place
        (precision 2 or finer), or is a region standing in for a site, and a draft whose
        first sentence comes at most
        :data:`LINK_SENTENCES` after one of its sentences (or in the lead under the
        headline it was named in: :func:`in_reach`) has a compatible type, an
        overlapping date and a site of another name that the gazetteer either cannot place
        (it is then put near the vicinity, for review by name) or, after a vicinity that is
        no region, places within :data:`VICINITY_KM` of it.
    """
    folded: set[int] = set()
    for i, near in enumerate(drafts):
        site = near.site
        if site is None or site.place is None or not (
                near.region or (site.near and site.place.precision <= 2)):
            continue
        target = next((d for d in drafts[i + 1:] if d.site is not None and not d.region and
                       site_key(d.site) != site_key(site) and
                       any(in_reach(k, d.sentences[0]) for k in near.sentences)
                       and compatible(near.event_type, d.event_type) and
                       overlap(near.date, d.date) and
                       not DISTINCT.search(sentences[d.sentences[0]].text)), None)
        if target is None or target.site is None:
            continue
        if near.region and any(d is not near and set(d.sentences) & set(near.sentences)
                               for d in drafts):
            continue  # two regions told together may each be an event

        inner = target.site.place
        if near.region and inner is not None:
            continue  # a region folds into the sites the gazetteer places inside it elsewhere
        if inner is not None and distance_km(inner.latitude, inner.longitude,
                                             site.place.latitude, site.place.longitude) \
                > VICINITY_KM:
            continue
        if inner is None:  # "the village of Y" outside X: Y for review, near X
            target.site = replace(site, start=target.site.start, end=target.site.end,
                                  text=target.site.text, name=target.site.name,
                                  descriptor=target.site.descriptor, container=site.text,
                                  near=True, partial=False, unsure=True)
        absorb(target, near, casualties=target.casualties.is_empty())
        folded.add(id(near))
    return [d for d in drafts if id(d) not in folded]
