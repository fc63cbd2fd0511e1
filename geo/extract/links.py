"""Sentences that complete each other: an event told without its site, the site named next.

Wire copy often tells an attack first and names its place a sentence later: "A car bomb
killed several civilians in a town south of the capital on Wednesday. The car was parked
near a mosque in X." The first sentence promises a site ("a town", "a hospital"); the next
sentence that names exactly one site and tells no event of its own keeps that promise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from geo.extract.places import PlaceMention
from geo.extract.report import Draft, site_key
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
