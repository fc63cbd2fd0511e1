"""What a place needs before it is resolved at site precision (round 7 of issue 12).

Found on the sixth held-out set, where 13 candidates came out resolved at site precision far
from their site. Each rule reads the structure of the sentence, never a report's names:

* a dateline opens a relayed story wherever it begins, not only at the text's start: a
  name in capitals before an optional country, an optional agency and a dash ("ERBIL, Iraq
  (Reuters) -", "MOSCOW, December 4. /TASS/."), or any name at the start of a line (after
  a date stamp such as "[August 03, 2013]") before an agency and a dash ("Beirut (AP) —"),
  is where the story was filed (role ``dateline``);
* a governorate named in a list of governorates ("in the regions of X, Y and Z", three
  governorate seats coordinated: "X, Y and Z", or a seat beside a province: "the province of
  X and central Y") is the region, not its seat;
* a name before the forces, aircraft or regime of someone ("al-Assad aircraft", "Bashar
  al-Assad's forces") names an actor, not a place (role ``person``); a common English word
  in a title-case headline ("Car Bomb in Turkish-Held Part of Syria") is no place;
* a city named as a reference is not the site: "X's eastern suburbs" are near X, and an
  event told near a city ("in Eastern Ghouta near X") under a headline or sentence naming a
  town within :data:`geo.extract.links.VICINITY_KM` of it is that town's event;
* a report naming no country votes for one without the names of actors ("the Assad
  regime", "al-Assad aircraft"), so a famous town named with its region is read in its
  country (:func:`geo.extract.report.shared_country`);
* places in other roles: "just across the border from the town of X" (a reference),
  "refugees from the Syrian town of X" (an origin; for review when a relative clause tells
  what befell X), what footage shows (``depicted``), three places or more listed as the
  subject of "are" or "remain" ("X, Y, Z and W are under siege": ``overview``), the end of
  a longer capitalised name found only as a part ("Tahreer Al-Sham"); "near Syria's X" and
  "the northern entrance of X" are near X;
* names listed inside a region that no gazetteer holds ("positions in A, B and C in
  southern X") are unplaced sites, for review by name, rather than X standing in for them;
* an ambiguous name with one candidate near a site told beside it is that candidate; a
  region named again beside a town placed at that region's point folds into the town;
* a fixed rule of honesty: a name resolved at site precision that nothing in the whole
  report announces as a place (a locative preposition, with up to three words between; a
  descriptor or "capital X"; a trigger taking it as object or subject: "shelled X", "X was
  hit", "X came under fire"; a container; coordination with a cued name) goes to review
  (``unsure``; :class:`CueLedger`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from geo.extract.dating import DISTINCT
from geo.extract.links import VICINITY_KM, in_reach
from geo.extract.phrases import ACTION, ACTOR_AFTER, COORDINATION, LOCATIVE, NEAR, is_demonym
from geo.extract.places import PlaceMention
from geo.extract.report import Draft, absorb, compatible, distance_km, overlap, site_key
from geo.extract.text import Sentence
from geo.extract.wordlist import is_common_word
from geo.geocoding.areas import area_key

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
#: After a dateline's place: ", Iraq", an agency "(Reuters)" or "/TASS/", then a dash.
_DATELINE_TAIL = re.compile(
    r"^\s*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s*)?"
    rf"(?:\([^()]{{1,40}}\)\s*|/[^/\n]{{1,20}}/\.?\s*|,\s*{_MONTH}\s+\d{{1,2}}\.?\s*"
    r"(?:/[^/\n]{1,20}/\.?\s*)?)?(?:[-–—]{1,2}(?:\s|(?=[A-Z]))|:\s|$)")  # "–Seven": a pasted page
_AGENCY_TAIL = re.compile(r"^\s*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s*)?"
                          r"\([^()]{1,40}\)\s*[-–—]{1,2}\s")
#: What may stand before a dateline on its line: a date stamp, a time, a label.
_LINE_OPENING = re.compile(
    rf"^\s*(?:\[[^\]\n]{{1,40}}\]|\(?{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\)?|\d{{1,2}}\s+{_MONTH}"
    r"\s+\d{4}|date\s+[\d-]{8,10}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(?:\s*[AP]M)?|[|•·]"
    r"|\s)*$", re.I)
_CAPITALS = re.compile(r"[A-Z][A-Z'’. -]*[A-Z]")
#: Round 12: places in capitals joined by slashes open a dateline ("ERBIL/HASAKAH —").
_JOINED_CAPITALS = re.compile(r"^(?:\s*/\s*[A-Z][A-Z'’.-]*[A-Z](?:\s[A-Z][A-Z'’.-]*[A-Z])*)+")
#: Round 8: a dateline listing several places ("Aleppo, Damascus, Syria (4E) –"): the names
#: after the place, then the agency and the dash; or the names before it on its line.
_LISTED_TAIL = re.compile(r"^(?:\s*,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}){1,4}\s*"
                          r"\([^()]{1,40}\)\s*[-–—]{1,2}\s")
_NAMES_BEFORE = re.compile(r"^\s*(?:(?:[a-z]{1,3}-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2},\s*)"
                           r"{1,4}$")
#: "the regions of", "the provinces of": the names after are governorates.
_AREAS_OF = re.compile(r"\b(?:regions|provinces|governorates)\s+of\s+(?:the\s+)?$", re.I)
_LIST_LINK = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:in\s+)?(?:the\s+)?"
                        r"(?:(?:central|[a-z]+ern)\s+)?")
#: Governorates coordinated in a list from this many on are the governorates.
LISTED_GOVERNORATES = 3
#: A trigger after a name that takes it as its subject: "X was hit", "X came under fire".
_SUBJECT_OF = re.compile(
    r"^\s*(?:['’]s\s+[\w-]+\s+)?(?:,[^,]{1,60},\s*)?(?:(?:was|were|is|are|has\s+been|have\s+"
    r"been|had\s+been)\s+(?:\w+ly\s+)?(?:\w+ed|hit|struck|shot|overrun|retaken|taken|"
    r"destroyed|besieged)|came\s+under|comes\s+under|(?:was|were)\s+the\s+target|suffered|"
    r"witnessed|saw\b)", re.I)
#: Descriptor-like words after a name ("X camp", "X hospital", "X's market").
_NOUN_AFTER = re.compile(r"^(?:['’]s)?\s+(?:camp|hospital|market|mosque|school|bakery|"
                         r"neighbou?rhood|district|quarter|suburb|countryside|area|"
                         r"city|town|village|airport|prison|checkpoint)\b", re.I)
_BEFORE_WINDOW = 40
#: Sentences apart within which a resolved site settles an ambiguous name near it.
NEIGHBOUR_SENTENCES = 2
#: A preposition or trigger a few words before the name: "in the Syrian capital X", "in
#: Syria's rebel-held X", "pounded capital X".
_LOOSE_CUE = re.compile(
    r"\b(?:in|at|near|on|into|inside|outside|across|towards?|struck|hit|shelled|bombed|"
    r"pounded|targeted|attacked|raided)\s+(?:the\s+)?(?:(?:[a-z][\w-]*|[A-Z][a-z]+(?:['’]s|n|"
    r"i|ese))\s+){1,3}$|\b(?:capital|city|town|village)\s+$")
#: "Just across the border from the town of X": X bounds the place, it is no site.
_ACROSS_FROM = re.compile(r"\b(?:across|over)\s+the\s+border\s+from\s+(?:the\s+)?"
                          r"(?:[\w’'-]+\s+){0,2}?(?:(?:town|city|village)\s+of\s+)?$", re.I)
#: "Refugees from the Syrian town of X": where people came from ("from" before a descriptor,
#: whatever adjectives come between).
_FROM_TOWN = re.compile(r"\bfrom\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?(?:city|town|village|"
                        r"province|governorate|camp)\s+of\s+$")
#: "Near Syria's X", "near the northern entrance of X", "on the outskirts of X": near X.
_NEAR_LOOSE = re.compile(
    r"\b(?:(?:near|outside|around|close\s+to)\s+(?:the\s+)?[A-Z][a-z]+['’]s\s+(?:[a-z-]+\s+){0,2}"
    r"|(?:near|at|on|to)\s+the\s+(?:(?:north|south|east|west)[a-z]*\s+)?(?:entrances?|"
    r"outskirts|edges?|gates?|periphery|vicinity)\s+(?:of|to)\s+(?:the\s+)?(?:(?:city|town|"
    r"village)\s+of\s+)?)$")
#: "X's eastern suburbs", "X's outskirts": around the city, not at its point.
_OUTSKIRTS_AFTER = re.compile(r"^['’]s?\s+(?:[a-z]+ern\s+)?(?:suburbs?|outskirts|environs|"
                              r"periphery)\b")
_NAME = (r"(?:(?:al|el|Al|El)-)?[A-Z][\w'’]+(?:-[A-Za-z][\w'’]+)*"
         r"(?:\s+(?:(?:al|el|Al|El)-)?[A-Z][\w'’]+){0,2}")
#: "positions in A, B and C in southern X": places no gazetteer holds, told inside a region.
_LIST_IN_REGION = re.compile(
    r"\b(?:in|on|at|targeted|shelled|struck|hit)\s+"
    r"(?:(?:positions|areas|villages|towns)\s+in\s+)?"
    rf"(?P<names>{_NAME}(?:,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)\s+in\s+(?:the\s+)?"
    r"(?:[a-z-]+\s+){0,2}$")
#: Three places or more listed as the subject of "are" or "remain": a state, not an event.
_STATE_OF_LIST = re.compile(rf"(?:^|[.;:“\"]\s*)(?P<names>{_NAME}(?:,\s*{_NAME}){{2,}}"
                            rf"(?:,?\s+and\s+{_NAME})?)\s+(?:are|remain)\b")
#: A capitalised word just before a mention: the mention ends a longer name (not after a
#: possessive: "X's Al Hal market" is a market of X).
#: A unit named after its first word ("Air Force Intelligence", "Tiger Forces", "Hamza
#: Division"): an armed group's name, not a place, cued or not.
_UNIT_AFTER = re.compile(r"^\s+(?:Force|Forces|Brigades?|Division|Regiment|Battalions?|Corps)\b")
#: A place the text says the event was not at: "and not in the X neighbourhood", "rather
#: than in X", "instead of X".
_NEGATED = re.compile(r"\b(?:and|but)\s+not\s+(?:in|at|on)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$|"
                      r"\b(?:rather\s+than|instead\s+of)\s+(?:in\s+|at\s+)?(?:the\s+)?$", re.I)
_NAME_BEFORE = re.compile(r"\b(?!\S*['’]s\s+$)[A-Z][\w'’]*[a-z][\w'’]*\s+$")
_RELATIVE_AFTER = re.compile(r"^,\s+(?:which|where|that)\b")
#: A sentence about what footage shows depicts a scene: no event is told there.
_DEPICTION = re.compile(r"^\W*(?:the\s+|a\s+|one\s+)?(?:video\s+)?(?:footage|videos?|images|"
                        r"photos|photographs|pictures)\s+(?:also\s+)?(?:showed|shows?|"
                        r"depicted|depicts?)\b", re.I)


@dataclass
class CueLedger:
    """Which places the report announces with a cue, and which mentions lacked one.

    A name written once in a headline with no cue ("battle for X rages") and once after
    "in" is cued: the fixed rule looks at every mention of the place in the report.

    Attributes
    ----------
    cued : set of str
        Gazetteer ids of places named at least once with a cue.
    uncued : set of int
        Article offsets of site mentions resolved at site precision with no cue.
    """

    cued: set[str] = field(default_factory=set)
    uncued: set[int] = field(default_factory=set)

    def review(self, drafts: list[Draft]) -> None:
        """Mark ``unsure`` (for review) the drafts whose site was never cued in the report.

        Parameters
        ----------
        drafts : list of Draft
            The merged drafts, changed in place.
        """
        for draft in drafts:
            site = draft.site
            if site is not None and site.start in self.uncued and site.place is not None \
                    and site.place.gazetteer_id not in self.cued:
                draft.site = replace(site, unsure=True)


def vicinities_into_earlier_sites(drafts: list[Draft], sentences: list[Sentence]) -> list[Draft]:
    """Fold an event told near a city into the same event at the site named just before.

    "Air strikes kill 30 in Douma" (headline), then "... killed 30 civilians in Eastern
    Ghouta near Damascus": the city is a reference for the town, not a second site.
    :func:`geo.extract.links.vicinities_into_sites` folds a vicinity into the site named
    after it; this folds it into the one named before.

    Parameters
    ----------
    drafts : list of Draft
        Merged drafts, in reading order.
    sentences : list of Sentence
        The article's sentences ("another", "a separate" strike tells another event).

    Returns
    -------
    list of Draft
        The drafts without those folded: a draft whose site is near a place (precision 2)
        folds into the latest draft before it, at most two sentences before (or in the
        headline above the lead: :func:`geo.extract.links.in_reach`), of a compatible type,
        overlapping date,
        resolved at a site within :data:`VICINITY_KM` of the vicinity. A day told by the
        vicinity replaces a range.
    """
    folded: set[int] = set()
    for i, near in enumerate(drafts):
        site = near.site
        if site is None or site.place is None or not site.near or site.place.precision > 2 \
                or near.region or DISTINCT.search(sentences[near.sentences[0]].text):
            continue
        target = next((d for d in reversed(drafts[:i]) if id(d) not in folded and
                       d.site is not None and d.site.place is not None and not d.region and
                       not d.site.near and site_key(d.site) != site_key(site) and
                       any(in_reach(k, near.sentences[0]) for k in d.sentences)
                       and compatible(near.event_type, d.event_type) and
                       overlap(near.date, d.date)), None)
        if target is None or target.site is None or target.site.place is None:
            continue
        inner = target.site.place
        if distance_km(inner.latitude, inner.longitude, site.place.latitude,
                       site.place.longitude) > VICINITY_KM:
            continue
        day = near.date if near.date is not None and near.date.precision == "day" and (
            target.date is None or target.date.precision != "day") else None
        absorb(target, near)
        if day is not None:
            target.date, target.date_note = day, near.date_note
        target.context.append(f"reference: {site.text} (near)")
        folded.add(id(near))
    return [d for d in drafts if id(d) not in folded]


def second_reading(text: str, mentions: list[PlaceMention], offset: int = 0, *,
                   headline: bool = False, governorates: frozenset[str] = frozenset(),
                   ledger: CueLedger | None = None) -> list[PlaceMention]:
    """The mentions of one sentence, with the evidence a site at site precision needs.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : list of PlaceMention
        Its mentions after the other role readings (offsets in the article).
    offset : int
        The sentence's offset in the article.
    headline : bool
        Whether the sentence is a title-case headline.
    governorates : frozenset of str
        Area keys of the names the report uses for governorates (a listed name among them
        counts as a governorate even when its place is not the seat).
    ledger : CueLedger, optional
        Filled with the report's cued places and uncued mentions (see
        :meth:`CueLedger.review`).

    Returns
    -------
    list of PlaceMention
        The same mentions; datelines, actors and listed governorates take their roles, a
        common word of a headline is dropped.
    """
    out: list[PlaceMention] = []
    for m in mentions:
        before, after = text[:m.start - offset], text[m.end - offset:]
        if m.role in ("site", "container", "region") and _is_dateline(m, before, after):
            m = replace(m, role="dateline")
        elif m.role in ("site", "container") and _ACROSS_FROM.search(before[-60:]):
            m = replace(m, role="reference", offset="across the border from")
        elif m.role in ("site", "container") and _FROM_TOWN.search(before[-60:]):
            # "refugees from the Syrian town of X"; "..., which was captured in June": what
            # befell X is told in passing, as background (for review, not an origin)
            m = replace(m, unsure=True) if _RELATIVE_AFTER.match(after) else \
                replace(m, role="origin")
        elif m.role == "site" and not m.near and (_OUTSKIRTS_AFTER.match(after) or
                                                  _NEAR_LOOSE.search(before[-60:])):
            m = replace(m, near=True)  # "in X's eastern suburbs": near X, not at its point
        elif m.role == "site" and _DEPICTION.match(text):
            m = replace(m, role="depicted")  # "The footage showed men firing toward X"
        elif m.role in ("site", "container") and _NEGATED.search(before[-40:]):
            m = replace(m, role="negated")  # "in Dar'iya and not in the Badou neighbourhood"
        elif m.role == "site" and not m.descriptor and _UNIT_AFTER.match(after):
            m = replace(m, role="organisation")  # "the Air Force Intelligence militia"
        elif m.role == "site" and not m.descriptor and ACTOR_AFTER.match(after) and \
                not _cued(before):
            m = replace(m, role="person")  # "al-Assad aircraft launched ..."
        elif m.role == "site" and m.partial and _NAME_BEFORE.search(before) and \
                not _cued(before):
            continue  # "Tahreer Al-Sham": the end of a longer name, no place of its own
        elif headline and m.role == "site" and not m.descriptor and is_common_word(m.name):
            continue  # "... in Turkish-Held Part of Syria": a headline capitalises words
        out.append(m)
    out = _listed_governorates(text, out, offset, governorates)
    out = _unplaced_in_region(text, out, offset)
    state = _STATE_OF_LIST.search(text)
    if state:  # "X, Y, Z and W are under siege": how places are, not an event at each
        out = [replace(m, role="overview") if m.role == "site" and
               state.start("names") <= m.start - offset < state.end("names") else m
               for m in out]
    if ledger is not None:
        _record_cues(text, out, offset, ledger)
    return out


def _is_dateline(m: PlaceMention, before: str, after: str) -> bool:
    """ "ERBIL (Kurdistan 24) –" anywhere; "Beirut (AP) —" opening a line; "Aleppo,
    Damascus, Syria (4E) –", several places listed."""
    line_before = before.rsplit("\n", 1)[-1]
    if _CAPITALS.fullmatch(m.text) and len(m.text) >= 3 and _DATELINE_TAIL.match(after):
        return True
    joined = _JOINED_CAPITALS.match(after)  # round 12: "ERBIL/HASAKAH —"
    if _CAPITALS.fullmatch(m.text) and len(m.text) >= 3 and joined and \
            _DATELINE_TAIL.match(after[joined.end():]):
        return True
    if (not line_before.strip() or _NAMES_BEFORE.match(line_before)) and \
            _LISTED_TAIL.match(after):
        return True  # "Aleppo, Damascus, Syria (4E) –"
    return bool((_LINE_OPENING.match(line_before) or _NAMES_BEFORE.match(line_before)) and
                before.strip() and _AGENCY_TAIL.match(after))


def _seat_key(m: PlaceMention) -> str:
    """The area key of a governorate a mention names (its seat, or one of an ambiguous
    name's candidates is), else ""."""
    places = [m.place] if m.place is not None else [c.place for c in m.candidates]
    own = area_key(m.name)
    if not own or (m.descriptor and m.role != "region" and
                   m.descriptor not in ("province", "governorate", "region")):
        return ""
    return own if any(p.admin1 and area_key(p.admin1) == own for p in places) else ""


def _listed_governorates(text: str, mentions: list[PlaceMention], offset: int,
                         extra: frozenset[str]) -> list[PlaceMention]:
    """A governorate named in a list of governorates is the region, not its seat ("the
    regions of X, Y and Z"; three seats coordinated; a seat coordinated with a province:
    "in the coastal province of X and in central Y")."""
    runs: list[list[int]] = []
    for i, m in enumerate(mentions):
        if runs and _LIST_LINK.fullmatch(text[mentions[runs[-1][-1]].end - offset:
                                              m.start - offset]):
            runs[-1].append(i)
        else:
            runs.append([i])
    out = list(mentions)
    for run in runs:
        first = mentions[run[0]]
        keyed = [i for i in run if _seat_key(mentions[i]) or
                 (extra and area_key(mentions[i].name) in extra)]
        introduced = bool(_AREAS_OF.search(text[:first.start - offset][-40:]))
        provinces = [i for i in run if mentions[i].role == "region" and
                     mentions[i].descriptor in ("province", "governorate")]
        if introduced or (len(keyed) == len(run) and len(run) >= LISTED_GOVERNORATES) or (
                provinces and len(run) >= 2 and all(i in keyed for i in run
                                                    if i not in provinces)):
            for i in keyed if not introduced else run:
                if out[i].role in ("site", "container"):
                    out[i] = _as_governorate(out[i])
    return out


def _as_governorate(m: PlaceMention) -> PlaceMention:
    """A mention read as its governorate; an ambiguous name takes the one candidate lying
    in the governorate it names (the seat), so the region has a point."""
    own = area_key(m.name)
    inside = [c for c in m.candidates if c.place.admin1 and area_key(c.place.admin1) == own]
    if m.result is not None and m.status == "ambiguous" and \
            len({c.place.gazetteer_id for c in inside}) == 1:
        chosen = inside[0]
        result = replace(m.result, status="resolved",
                         candidates=(chosen, *(c for c in m.result.candidates
                                               if c is not chosen)),
                         source=chosen.place.gazetteer_id)
        return replace(m, role="region", result=result, candidates=result.candidates)
    return replace(m, role="region")


def _cued(before: str) -> bool:
    window = before[-_BEFORE_WINDOW:]
    return bool(LOCATIVE.search(window) or NEAR.search(window) or ACTION.search(window) or
                _LOOSE_CUE.search(window))


def _record_cues(text: str, mentions: list[PlaceMention], offset: int,
                 ledger: CueLedger) -> None:
    """Note each mention's cue, or its lack, in the ledger."""
    cued_ends: set[int] = set()
    for m in mentions:
        before, after = text[:m.start - offset], text[m.end - offset:]
        link = COORDINATION.search(before[-16:])
        cued = bool(m.descriptor or m.container or m.near or _cued(before) or
                    _SUBJECT_OF.match(after) or _NOUN_AFTER.match(after) or
                    (link and m.start - len(link.group()) in cued_ends))
        if cued or m.role != "site":
            cued_ends.add(m.end)
        place = m.place
        if place is None or m.role != "site":
            continue
        if cued:
            ledger.cued.add(place.gazetteer_id)
        elif place.precision == 1 and m.status in ("resolved", "ambiguous"):
            ledger.uncued.add(m.start)


def neighbours_settle_names(drafts: list[Draft]) -> None:
    """An ambiguous site with one candidate near a site told beside it is that candidate.

    "A strike in the town of X killed 13. Ten more died in another attack in nearby Y": of
    the places named X, the one within :data:`geo.extract.links.VICINITY_KM` of Y.

    Parameters
    ----------
    drafts : list of Draft
        Merged drafts, changed in place: an ambiguous site whose candidates include exactly
        one (by gazetteer id) within the distance of a site resolved at precision 1 or 2 in
        a draft at most :data:`NEIGHBOUR_SENTENCES` sentences away, and no other within
        that distance of any of them, takes that candidate (with a note in its result).
    """
    changed = True
    while changed:  # a name settled beside a site settles the same name beside it
        changed = False
        for draft in drafts:
            changed = _settle(draft, drafts) or changed


def _settle(draft: Draft, drafts: list[Draft]) -> bool:
    """Settle one ambiguous site by the resolved sites beside it; True when it changed."""
    site = draft.site
    if site is None or site.result is None or site.status != "ambiguous":
        return False
    anchors = [d.site.place for d in drafts if d is not draft and d.site is not None and
               d.site.status == "resolved" and d.site.place is not None and
               d.site.place.precision <= 2 and not d.region and
               min(abs(i - j) for i in d.sentences for j in draft.sentences)
               <= NEIGHBOUR_SENTENCES]
    close = {c.place.gazetteer_id: c for c in site.result.candidates for a in anchors
             if distance_km(c.place.latitude, c.place.longitude, a.latitude, a.longitude)
             <= VICINITY_KM}
    if len(close) != 1:
        return False
    chosen = next(iter(close.values()))
    others = tuple(c for c in site.result.candidates if c is not chosen)
    result = replace(site.result, status="resolved", candidates=(chosen, *others),
                     source=chosen.place.gazetteer_id,
                     notes=(*site.result.notes, "the one candidate near a place the report "
                                                "names beside it"))
    draft.site = replace(site, result=result, candidates=result.candidates)
    return True


def settle_sites(drafts: list[Draft], sentences: list[Sentence],
                 ledger: CueLedger) -> list[Draft]:
    """The merged drafts after this module's report-wide readings.

    Parameters
    ----------
    drafts : list of Draft
        Merged drafts, in reading order.
    sentences : list of Sentence
    ledger : CueLedger
        Filled by :func:`second_reading` over the report.

    Returns
    -------
    list of Draft
        Vicinities folded into the site named before them
        (:func:`vicinities_into_earlier_sites`), a region into a site beside it that was
        placed at that region's point ("the town of X, in Y governorate" ... "Y"),
        ambiguous names settled by their neighbours (:func:`neighbours_settle_names`),
        sites never cued for review
        (:meth:`CueLedger.review`).
    """
    drafts = _regions_into_contained(vicinities_into_earlier_sites(drafts, sentences))
    neighbours_settle_names(drafts)
    ledger.review(drafts)
    return drafts


def _regions_into_contained(drafts: list[Draft]) -> list[Draft]:
    """A region told within two sentences of a site placed at that region's point (a town
    no gazetteer holds, "in Y governorate") is the site's container named again."""
    folded: set[int] = set()
    for region in drafts:
        if not region.region or region.site is None or region.site.place is None:
            continue
        key = area_key(region.site.place.admin1)
        target = next((d for d in drafts if d is not region and id(d) not in folded and
                       not d.region and d.site is not None and d.site.container and
                       d.site.near and d.site.place is not None and
                       d.site.place.precision >= 3 and key and
                       area_key(d.site.place.admin1) == key and
                       min(abs(i - j) for i in d.sentences for j in region.sentences)
                       <= NEIGHBOUR_SENTENCES and compatible(d.event_type, region.event_type)
                       and overlap(d.date, region.date)), None)
        if target is not None:
            absorb(target, region, casualties=False)
            folded.add(id(region))
    return [d for d in drafts if id(d) not in folded]


def _unplaced_in_region(text: str, mentions: list[PlaceMention],
                        offset: int) -> list[PlaceMention]:
    """Names listed inside a region that no gazetteer holds are sites, for review.

    "Regime forces shelled positions in A, B and C in southern X": A, B and C are villages
    of X even when the gazetteer knows none of them; each becomes an unplaced site, for
    review by name, X its context (X, a region, had stood in for them).
    """
    out = list(mentions)
    taken = [(m.start - offset, m.end - offset) for m in mentions]
    for region in mentions:
        if region.role != "region":
            continue
        found = _LIST_IN_REGION.search(text[:region.start - offset])
        if found is None:
            continue
        for name in re.finditer(_NAME, found.group("names")):
            start = found.start("names") + name.start()
            end = start + len(name.group())
            if any(a < end and start < b for a, b in taken) or _no_name(name.group()):
                continue
            out.append(PlaceMention(start + offset, end + offset, name.group(), name.group()))
    return sorted(out, key=lambda m: m.start)


def _no_name(text: str) -> bool:
    """Words that name no place: every word ordinary English or a people ("Syrian Forces",
    "Saturday")."""
    words = [w for w in re.split(r"[\s-]+", text) if w.lower() not in ("al", "el")]
    return all(is_common_word(w) or is_demonym(w) for w in words)
