"""Round 13 of issue 12: honest doubt about places the text does not make a site.

Every candidate that came out resolved at site precision more than 10 km from its site on
heldout11 (the eleventh held-out set, scored blind and then looked at per report) was traced
to a general cause. Each rule below states that cause in terms of language or of the report
as a whole, so that it holds on a report nobody has seen; each is tested on an invented
sentence in ``tests/test_extract_round13.py``.

Mention rules (:func:`doubtful_mentions`, one sentence at a time):

* "in the vicinity of X", "in the suburbs of X", "in the environs of X": the event is around
  X, not at its point (``near``, precision 2), as "near X" and "X's suburbs" already were;
* "fighters loyal to X", "militias allied with X", "groups backed by X": X names a
  government or a side, not a place where something happened (role ``person``, an actor);
  "a village administratively affiliated to X", "belonging to X": X contains the site
  (role ``container``);
* "forces who had aimed to capture X", "tried to take over X": X is the goal of an
  intention, which the text does not say was reached; the site goes to review (``unsure``)
  rather than out resolved (the attempt may be the event, so it is kept);
* "fled towards areas under the regime's control - the villages of X and Y": names in
  apposition after a dash to a destination ("fled to", "heading towards") are that
  destination too, and so is any name coordinated with them.

Sentence rule (:func:`is_fieldwork`): a sentence telling what researchers did ("Human Rights
Watch visited the towns of A, B and C between April 25 and 29 and interviewed 65 victims")
names no event of its own when it has no event word: its places are where the research was
done and its figure counts the people interviewed, not casualties.

Report rules (on the drafts, after merging):

* one name, two points: when two of a report's sites bear the same name and are placed
  more than :data:`NAMESAKE_KM` apart (the report puts "the Kanaker area west of As-Suwayda",
  the gazetteer's only Kanaker lies 60 km away in another governorate), the name is
  ambiguous in this very report: neither is resolved at site precision;
* commentary: a candidate with neither a site, a date nor a country, in a report whose other
  candidates have sites ("called for those responsible for the brutal massacre to be held
  accountable", "their bodies were burned"), speaks of the events already placed: it is
  dropped (:func:`without_commentary`);
* background: a site dated only to a month or a year, more than :data:`BACKGROUND_DAYS`
  before the report was published, with no casualties ("X was overrun by the militants in
  March 2013" in a report of 2017) is history cited in passing: for review, not resolved.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from geo.extract.events import EventMention
from geo.extract.phrases import country_counts
from geo.extract.places import PlaceMention
from geo.extract.report import Draft, distance_km
from geo.extract.text import Sentence
from geo.geocoding.names import basic_key

#: Two sites of one name placed farther apart than this (km) are two readings of the name.
NAMESAKE_KM = 10.0
#: A month or a year ending this many days or more before publication is background.
BACKGROUND_DAYS = 365

_THE_PLACE = r"(?:the\s+)?(?:(?:city|town|village|capital)\s+of\s+)?"
#: "in the vicinity of X", "in the eastern suburbs of X": around X, not at its point.
_AROUND = re.compile(
    r"\b(?:in|into|within|around|across)\s+(?:the\s+)?(?:(?:immediate|general|wider|"
    r"[a-z]+ern)\s+)?(?:vicinity|suburbs?|environs|surroundings|outskirts)\s+of\s+"
    + _THE_PLACE + r"$", re.I)
#: "loyal to X", "allied with X", "backed by X": X stands for a government or a side.
_ALLEGIANCE = re.compile(
    r"\b(?:(?:loyal|allied|aligned|answerable)\s+(?:to|with)|"
    r"(?:backed|supported|funded|armed|sponsored|commanded)\s+by)\s+(?:the\s+)?$", re.I)
_INTENT_VERB = (r"(?:aim(?:ed|s|ing)?|s(?:ought|eeks?|eeking)|tr(?:y|ied|ies|ying)|"
                r"attempt(?:ed|s|ing)?|plan(?:ned|s|ning)?|want(?:ed|s|ing)?|"
                r"intend(?:ed|s|ing)?|hop(?:ed|es|ing)|vow(?:ed|s|ing)?|threaten(?:ed|s|ing)?|"
                r"prepar(?:ed|es|ing)|fail(?:ed|s|ing)|bid|efforts?|attempts?|bids?)")
_TAKE_VERB = (r"(?:capture|seize|take(?:\s+over|\s+control\s+of)?|enter|storm|reach|retake|"
              r"recapture|encircle|besiege|control|overrun|invade|occupy)")
#: "had aimed to capture X", "an attempt to storm X": X is a goal the text does not reach.
_INTENT = re.compile(r"\b" + _INTENT_VERB + r"\s+to\s+" + _TAKE_VERB + r"\s+" + _THE_PLACE + r"$",
                     re.I)
#: A destination phrase, then a dash and an apposition: "fled towards areas under the
#: regime's control - the villages of".
_DESTINATION_DASH = re.compile(
    r"\b(?:fled|flee|fleeing|escaped?|escaping|evacuated|transferred|moved|relocated|"
    r"headed|heading|displaced|deported|went|returned|returning)\b[^.;:–—]{0,80}?"
    r"\b(?:to|towards?|into)\b[^.;:–—]{0,60}\s[–—-]+\s+(?:the\s+)?(?:(?:[a-z]+\s+)?"
    r"(?:villages?|towns?|cities|city|areas?|camps?|neighbou?rhoods?|districts?)\s+of\s+)?$",
    re.I)
#: "administratively affiliated to X", "belonging to X": X contains the site.
_ADMINISTERED = re.compile(r"\b(?:affiliated|belongs?|belonging|subordinate)\s+to\s+"
                           + _THE_PLACE + r"$", re.I)
#: What researchers do: visit places, interview people.
_FIELDWORK = re.compile(r"(?<!\bwho\s)(?<!\bthat\s)(?<!\bwhich\s)\b(?:visited|interviewed|"
                        r"spoke\s+(?:to|with)|met\s+with|talked\s+(?:to|with)|surveyed)\b", re.I)
_COORDINATED = re.compile(r"^(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?$")
#: Words a name is written with that do not tell one place from another.
_NOT_NAME = frozenset({"al", "el", "as", "ar", "ash", "at", "ad", "az", "an", "the", "area",
                       "village", "town", "city", "camp", "district", "neighbourhood",
                       "neighborhood", "quarter", "suburb", "hamlet", "farm", "farms"})


def doubtful_mentions(text: str, mentions: list[PlaceMention], offset: int = 0
                      ) -> list[PlaceMention]:
    """Apply the mention rules of this module to one sentence's places.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : list of PlaceMention
        Its place mentions, in order (offsets in the article).
    offset : int
        The sentence's offset in the article.

    Returns
    -------
    list of PlaceMention
        The same mentions: sites around a place made ``near``, allegiances made actors
        (role ``person``), administrative parents containers, goals of an intention
        ``unsure``, names in apposition to a destination made destinations.
    """
    out: list[PlaceMention] = []
    for m in mentions:
        before = text[:m.start - offset]
        previous = out[-1] if out else None
        if m.role == "site" and _ADMINISTERED.search(before[-40:]):
            m = replace(m, role="container")  # "administratively affiliated to X city"
        elif m.role in ("site", "container") and _ALLEGIANCE.search(before[-40:]):
            m = replace(m, role="person")  # "fighters loyal to Damascus"
        elif m.role in ("site", "container") and (
                _DESTINATION_DASH.search(before[-200:]) or (
                    previous is not None and previous.role == "destination" and
                    _COORDINATED.match(text[previous.end - offset:m.start - offset]))):
            m = replace(m, role="destination")  # "fled towards ... - the villages of X and Y"
        elif m.role == "site" and not m.near and _AROUND.search(before[-80:]):
            m = replace(m, near=True)  # "in the vicinity of X": around X
        elif m.role == "site" and _INTENT.search(before[-80:]):
            m = replace(m, unsure=True)  # "who had aimed to capture X": a goal
        out.append(m)
    return out


def is_fieldwork(text: str, events: list[EventMention]) -> bool:
    """Whether a sentence tells of researchers' visits or interviews and of no event.

    Parameters
    ----------
    text : str
        The sentence.
    events : list of EventMention
        Its event triggers (:func:`geo.extract.events.find_events`).

    Returns
    -------
    bool
        True when it has no event trigger and a verb of field research.
    """
    return not events and bool(_FIELDWORK.search(text))


def namesakes_apart(drafts: list[Draft]) -> None:
    """Send to review each site at site precision whose name another site of the report bears
    at a point more than :data:`NAMESAKE_KM` away.

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts after merging; their sites are changed in place.
    """
    points: dict[str, list[tuple[float, float]]] = {}
    for draft in drafts:
        site = draft.site
        place = site.place if site is not None else None
        if site is not None and place is not None and not draft.region and place.precision < 3:
            points.setdefault(_name_key(site.name), []).append((place.latitude, place.longitude))
    for draft in drafts:
        site = draft.site
        place = site.place if site is not None else None
        if site is None or place is None or site.unsure or draft.region or \
                place.precision != 1:
            continue
        others = set(points.get(_name_key(site.name), [])) - {(place.latitude, place.longitude)}
        if any(distance_km(place.latitude, place.longitude, lat, lon) > NAMESAKE_KM
               for lat, lon in others):  # pyproj is loaded only when a name has two points
            draft.site = replace(site, unsure=True)


def _name_key(name: str) -> str:
    """A name without its articles and descriptors ("the Kanaker area" -> "kanaker")."""
    words = basic_key(name.replace("-", " ")).split()
    return " ".join(w for w in words if w not in _NOT_NAME)


def background_sites(drafts: list[Draft], published: date | None) -> None:
    """Send to review each site dated only to a month or a year long before publication,
    with no casualties: history cited in passing.

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts; their sites are changed in place.
    published : date or None
        The report's publication date (nothing is done without it).
    """
    if published is None:
        return
    for draft in drafts:
        site, when = draft.site, draft.date
        if site is None or site.place is None or when is None or site.unsure or \
                when.precision not in ("month", "year") or not draft.casualties.is_empty():
            continue
        if (published - when.end).days >= BACKGROUND_DAYS:
            draft.site = replace(site, unsure=True)


def without_commentary(drafts: list[Draft], sentences: list[Sentence]) -> list[Draft]:
    """The drafts without those that have neither a site, a date nor a country, when another
    has a site.

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts after dating.
    sentences : list of Sentence
        The report's sentences (a draft naming a country, "using chemical weapons in Syria",
        is a country-level allegation: kept).

    Returns
    -------
    list of Draft
        The same drafts, in order, less the undated siteless asides of a report with sites.
    """
    if not any(d.site is not None for d in drafts):
        return drafts  # a report of country-level allegations only: keep them
    return [d for d in drafts if d.site is not None or d.date is not None or any(
        country_counts(sentences[i].text) for i in d.sentences)]
