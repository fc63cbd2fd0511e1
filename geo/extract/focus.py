"""What a sentence reports: one event, or a tally, commentary or an unnamed place.

Round 4 of issue 12 (the precision side), found on reports the rules had not been tuned on.
A report says more than its events:

* a running tally ("As of 7 May, 133,000 people have been displaced", "to date", "so far
  this year", "during the reporting period", "bringing the number killed since September
  to 148") counts many events at once: it is no event of its own;
* a reaction quoted with no date, no toll and no place of its own ("'The government is
  killing civilians with banned weapons,' said a researcher") comments on the events, it
  does not report one;
* an event "in a village in X" or "in a community in X" happened at a place the text does not
  name, somewhere in or near X: X is not the site at site precision;
* an event told of a region ("jets bombed a town in Deraa province") whose site the next
  sentence names without an event word of its own ("those killed were attending lessons in
  the town of Ghariya") happened at that site;
* a neighbourhood, square or school the gazetteer cannot place, named with no town, after a
  report's event in one town ("mortar shells hit various areas in the city" of Damascus,
  then "a shell landed near a school in Bab Sharqi") is a part of that town's event.

Round 9: a road named after two towns that the gazetteer cannot place ("a bomb on the
al-Kiswa-Deir Ali road", after "Attack in Kiswa") is the site of the event told of its
first town beside it: the road takes the town's point (near it, for review).
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.casualties import Casualties
from geo.extract.events import EventMention
from geo.extract.places import SUBUNITS, PlaceMention
from geo.extract.report import Draft, absorb, area_keys, compatible, overlap, site_key
from geo.extract.text import Quotation, Sentence
from geo.geocoding.areas import area_key
from geo.geocoding.names import basic_key

_TALLY = re.compile(
    r"\bas\s+of\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}|today|now|this\s+week|"
    r"the\s+(?:end|start|beginning)\s+of)\b"
    r"|\bto\s+date\b|\bso\s+far\s+(?:this|in)\s+(?:year|month|week|\d{4})\b"
    r"|\b(?:during|over|in)\s+the\s+reporting\s+period\b"
    r"|\bsince\s+the\s+(?:start|beginning|outbreak|onset)\s+of\b"
    r"|\b(?:bring(?:s|ing)?|rais(?:es|ing|ed)|brought)\s+the\s+(?:total\s+)?(?:number|total|"
    r"tally|toll|count)\b[^.;]{0,80}?\bsince\b"
    # round 8: events counted in the hundreds ("with at least 360 massacres committed",
    # "1,231 attacks on medical facilities"): a statistic over many events, not one
    r"|\b(?:[1-9]\d{2}|\d{1,3}(?:,\d{3})+)\s+(?:\w+\s+)?(?:massacres|attacks|air\s*strikes|"
    r"bombings|incidents|violations|assaults|raids)\b"
    # round 15: a war's toll ("More than 21,000 people have been killed across Syria since the
    # anti-regime revolt broke out")
    r"|\b(?:have|has)\s+been\s+(?:killed|wounded|injured|displaced)\b[^.;]{0,60}?\bsince\s+the\s+"
    r"(?:[\w-]+\s+){0,3}?(?:revolt|uprising|war|conflict|crisis|revolution)\b",
    re.I)
#: "a village in X", "a town near X", "a community in Syria's X": a place the text leaves
#: unnamed, in or near X ("a neighbourhood in X" is in the town X: X stays the site).
_UNNAMED_PLACE = re.compile(
    r"\b(?:a|one)\s+(?:small\s+|remote\s+|nearby\s+)?(?:town|village|hamlet|"
    r"community|settlement)\s+(?:in|near|outside|of|on\s+the"
    r"\s+outskirts\s+of)\s+(?:the\s+)?(?:[A-Z][\w'-]*['’]s\s+)?(?:[a-z]+\s+){0,2}$"
    # round 6: "in a southern suburb of the Syrian capital X" lies outside X proper
    r"|\b(?:a|one)\s+(?:[a-z]+ern\s+)?(?:suburb|outskirt)\s+of\s+(?:the\s+)?"
    r"(?:[A-Z][\w'-]*['’]s\s+)?(?:[A-Z][a-z]+\s+)?(?:[a-z]+\s+){0,2}$")


def is_tally(text: str) -> bool:
    """Whether a sentence gives a running tally rather than one event.

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    bool
        True for "As of 7 May, at least 130,000 people have been displaced", "to date",
        "so far this year", "during the reporting period", "bringing the number of civilians
        killed since September to 148", "with at least 360 massacres committed".
    """
    return bool(_TALLY.search(text))


#: Round 12: a trend told in the present perfect ("Turkey has increased its shelling ...
#: including near A, B and C", "strikes have intensified on X"): many events, none of them
#: told, whatever day the sentence names for what came before it.
_TREND = re.compile(r"\b(?:has|have)\s+(?:(?:also|further|significantly|sharply|since)\s+)?"
                    r"(?:increased|intensified|stepped\s+up|escalated|expanded|ramped\s+up)\b"
                    r"|\b(?:has|have)\s+(?:continued|kept)\s+(?:to\s+\w+|\w+ing)\b", re.I)


def is_trend(text: str) -> bool:
    """Whether a sentence tells a trend of attacks rather than one ("X has increased its
    shelling of ..., including near A, B and C"): no candidate of its own.

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    bool
    """
    return bool(_TREND.search(text))


#: Round 12: a siege named as the state of places ("aid to other besieged towns", "conditions
#: deteriorating due to the siege"), not as a deed ("forces besieged X", "X is under siege").
_SIEGE_STATE = re.compile(
    r"\b(?:the|other|all|a|an|its|their|of|in|to)\s+(?:\w+\s+)?besieged\s+(?:towns?|cities|city|"
    r"areas?|villages?|neighbou?rhoods?|districts?|communities|enclaves?|suburbs?|camps?|"
    r"residents|people|populations?|civilians)\b"
    r"|\b(?:due\s+to|because\s+of|owing\s+to|as\s+a\s+result\s+of)\s+the\s+(?:\w+\s+)?siege\b",
    re.I)
_DEATH_WORDS = re.compile(r"\b(?:died|dies|deaths?|dead|killed|starved|perished|malnourished|"
                          r"malnutrition)\b", re.I)


def siege_as_state(text: str, events: list[EventMention], casualties: Casualties) -> bool:
    """Whether a sentence names a siege only as the state of a place ("aid to other
    besieged towns", "conditions deteriorating due to the siege"): no deprivation event
    of its own without a death, a toll or another event word.

    Parameters
    ----------
    text : str
        The sentence.
    events : list of EventMention
        Its event mentions.
    casualties : Casualties
        Its toll.

    Returns
    -------
    bool
    """
    return bool(events) and all(e.event_type == "deprivation" and e.text.lower() in
                                ("siege", "besieged") for e in events) and \
        bool(_SIEGE_STATE.search(text)) and casualties.is_empty() and \
        not _DEATH_WORDS.search(text)


#: Round 12: "in the town", "at the camp", "there" (not "there were"): the place told before.
_LOCAL_ANAPHORA = re.compile(r"\b(?:in|at|near|into|outside)\s+the\s+(?:town|city|village|"
                             r"camp)\b(?!\s+of\b)|\bthere\b(?!\s+(?:is|are|was|were|has|have|had|"
                             r"will|would|may|might)\b)", re.I)


def local_anaphora(text: str) -> bool:
    """Whether a sentence points back to a place without naming it ("a car bomb killed 16
    at a checkpoint in the town", "a blast ripped through a market there").

    Round 12: in a report that has named one site only, such a sentence with its own date
    and toll tells another event at that site (the pipeline borrows it, however far back).

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    bool
    """
    return bool(_LOCAL_ANAPHORA.search(text))


def is_quoted(sentence: Sentence, quotations: list[Quotation]) -> bool:
    """Whether most of a sentence lies inside quotation marks (direct speech).

    Parameters
    ----------
    sentence : Sentence
    quotations : list of Quotation
        From :func:`geo.extract.text.find_quotations`.

    Returns
    -------
    bool
    """
    inside = sum(max(0, min(q.end, sentence.end) - max(q.start, sentence.start))
                 for q in quotations)
    return inside * 2 > sentence.end - sentence.start


def unnamed_place_before(before: str) -> bool:
    """Whether the words before a place name put the event at an unnamed place in or near it.

    Parameters
    ----------
    before : str
        The sentence's text before the place name.

    Returns
    -------
    bool
        True after "in a village in ", "killed in a community in Syria's ", "in a
        southern suburb of the Syrian capital ".
    """
    return bool(_UNNAMED_PLACE.search(before[-70:]))


def sites_named_after(drafts: list[Draft], sited: dict[int, list[PlaceMention]]) -> None:
    """Give a region draft the site the sentences after it name (in place).

    Parameters
    ----------
    drafts : list of Draft
        A report's drafts; a region draft (``region``) told in one sentence takes the one
        site named in the next two sentences when no draft was made of those sentences (they
        have no event of their own) and no other site is named there. The region is kept as
        context; the site's sentence joins the quote. A site the gazetteer places outside
        the region is ``unsure`` (another place of that name); one found abroad is left.
    sited : dict of int to list of PlaceMention
        The site mentions of each sentence, by sentence index.
    """
    used = {i for d in drafts for i in d.sentences}
    for draft in drafts:
        if not draft.region or draft.site is None or len(draft.sentences) != 1:
            continue
        first = draft.sentences[0]
        later = [i for i in (first + 1, first + 2) if i in sited and i not in used]
        if not later or any(i in used for i in range(first + 1, later[0])):
            continue
        names = {site_key(m): (i, m) for i in later for m in sited[i]}
        if len(names) != 1:
            continue
        index, site = next(iter(names.values()))
        place, region = site.place, draft.site.place
        if place is not None and region is not None and place.country != region.country:
            continue  # found abroad: not the region's site
        if place is not None and area_key(place.admin1) not in area_keys(draft):
            site = replace(site, unsure=True)  # the gazetteer's place of that name is elsewhere
        draft.context.append(f"region: {draft.site.text}")
        draft.site, draft.region = site, False
        draft.sentences = sorted({*draft.sentences, index})
        used.add(index)


#: Parts of a town: a neighbourhood, a square, a building.
PARTS = SUBUNITS | frozenset({"square", "school", "mosque", "market", "hospital", "bakery",
                              "garage", "street", "road", "roundabout"})


def parts_into_towns(drafts: list[Draft]) -> list[Draft]:
    """Fold the drafts of unplaced parts of a town into the town's event before them.

    Parameters
    ----------
    drafts : list of Draft
        A report's drafts in reading order. A draft whose site is a part of a town
        (descriptor in :data:`PARTS`) that the gazetteer cannot place (nor the part it is
        named in: a placed town there gives the site its point)
        folds into the nearest draft before it whose site is a town placed at site precision,
        of a compatible type at overlapping dates; its quote, claimant and toll are kept in
        the town's candidate (the toll only if the town has none), the part as context.

    Returns
    -------
    list of Draft
        The drafts left.
    """
    out: list[Draft] = []
    for draft in drafts:
        site = draft.site
        town = next((d for d in reversed(out) if _is_town(d) and
                     compatible(d.event_type, draft.event_type) and overlap(d.date, draft.date)),
                    None) if site is not None and site.place is None and \
            site.descriptor in PARTS and not draft.region else None
        if town is None or site is None:
            out.append(draft)
            continue
        absorb(town, draft)
        town.context.append(f"part: {site.text}")
    return out


def _is_town(draft: Draft) -> bool:
    site = draft.site
    place = site.place if site is not None else None
    return place is not None and site is not None and not draft.region and \
        place.precision == 1 and site.descriptor not in PARTS and not site.near


#: A road event folds into the event told of its first town this many sentences away at most.
ROAD_GAP = 2


def roads_into_towns(drafts: list[Draft]) -> list[Draft]:
    """Fold an unplaced road's draft into the draft of the town it is named from beside it.

    Parameters
    ----------
    drafts : list of Draft
        A report's drafts in reading order. A draft whose site is a road between two towns
        (descriptor ``route between``, see :func:`geo.extract.references.roads_between`)
        that no gazetteer placed folds into the draft at most :data:`ROAD_GAP` sentences
        away whose site is the road's first town, of a compatible type at overlapping dates;
        that draft's site becomes the road near the town (``unsure``: for review).

    Returns
    -------
    list of Draft
        The drafts left.
    """
    out = list(drafts)
    for draft in drafts:
        site = draft.site
        if site is None or site.place is not None or site.descriptor != "route between":
            continue
        first = _bare_key(site.container)  # the road's first town
        town = next((d for d in out if d is not draft and d.site is not None and
                     d.site.place is not None and first and
                     _bare_key(d.site.name) == first), None)
        if town is None or town.site is None or not compatible(town.event_type,
                                                               draft.event_type) or \
                not overlap(town.date, draft.date) or min(
                abs(i - j) for i in town.sentences for j in draft.sentences) > ROAD_GAP:
            continue
        absorb(town, draft)
        town.site = replace(site, result=town.site.result, candidates=town.site.candidates,
                            container=town.site.text, near=True, unsure=True)
        out.remove(draft)
    return out


def _bare_key(name: str) -> str:
    """A name's key without a leading Arabic article ("al-Kiswa" and "Kiswa" are one)."""
    return basic_key(re.sub(r"^(?:al|el|ad|as|ash|ar|at|az)[-\s]+", "", name.strip(), flags=re.I))
