"""Report-level passes over the drafts of one report: merging, umbrella places, claimants.

A sentence-by-sentence reading leaves work that needs the whole report: two sentences about
one event (merge them), a province or a governorate's capital named as a summary of the
sites a report then names ("airstrikes kill 10 in Deir Ezzor" above "in al-Mayadeen" and
"al-Tibeh": fold it into them), a sentence with no site that describes a sited event ("led
to a massacre"), and a sentence whose claimant is named in the sentence next to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from geo.extract.casualties import Casualties, combine
from geo.extract.claims import Attribution
from geo.extract.dates import DateMention, DateSpan
from geo.extract.events import EventMention
from geo.extract.lookup import FOLDED_AT_HOME
from geo.extract.phrases import ACTOR_AFTER, STRONG_QUALITY
from geo.extract.places import PlaceMention, find_places
from geo.extract.references import more_specific
from geo.extract.references import particle_free_key as _particle_free_key
from geo.extract.text import Sentence
from geo.geocoding.areas import area_key
from geo.geocoding.geocoder import GeocodeResult
from geo.geocoding.names import basic_key
from geo.vocab import EVENT_TYPES

if TYPE_CHECKING:
    from pyproj import Geod

#: An umbrella place folds into sites farther than this from it (km): nearer ones are the
#: city itself (a neighbourhood of Deir ez-Zor is Deir ez-Zor).
UMBRELLA_KM = 10.0


#: A photo caption from the archive: its date and place are another event's.
_FILE_CAPTION = re.compile(r"\((?:file|file photo|archive)\)|\bfile (?:photo|picture|image)\b"
                           r"|\bAP Archive\b|\barchive (?:photo|picture|image)\b", re.I)
_HEADING_LABEL = re.compile(r"\bdate\b", re.I)


@dataclass
class Draft:
    """A candidate being built: its sentences, site, type, date, toll and claimants."""

    sentences: list[int]
    site: PlaceMention | None
    event_type: str
    events: list[EventMention]
    speaker_index: int
    attribution: Attribution
    date: DateSpan | None
    date_note: str
    casualties: Casualties
    actors: list[str]
    countries: list[str]
    hedged: bool
    claimants: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    region: bool = False


def site_key(site: PlaceMention | None) -> str:
    """The identity of a draft's site (gazetteer id, else the name)."""
    if site is None:
        return ""
    place = site.place
    return place.gazetteer_id if place else site.name.lower()


def _same_site(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """One site: the same gazetteer entry, or the same name written twice ("Zerif", "Zerif
    village": one found inside its city, one left unresolved)."""
    if a is None or b is None:
        return a is b
    return site_key(a) == site_key(b) or basic_key(a.name) == basic_key(b.name)


def _same_region(a: Draft, b: Draft) -> bool:
    """Two region drafts of one governorate ("in Deir al-Zor" in a headline, "Deir al-Zor
    province" in the text, the city's and the governorate's entries)."""
    return a.region and b.region and bool(_umbrella_key(a)) and \
        _umbrella_key(a) == _umbrella_key(b)


#: Event types that may describe one event together (the more specific one is kept).
_COMPATIBLE = (
    frozenset({"airstrike", "bombing"}), frozenset({"shelling", "bombing"}),
    frozenset({"siege deaths", "deprivation"}), frozenset({"camp deaths", "deprivation"}),
    frozenset({"use of prohibited weapons", "airstrike"}),
    frozenset({"use of prohibited weapons", "shelling"}),
    frozenset({"use of prohibited weapons", "bombing"}),
)
#: Words for what an attack led to, not an event of its own ("led to a massacre").
_OUTCOMES = frozenset({"massacre", "other"})


def compatible(a: str, b: str) -> bool:
    """Whether two event types may describe one event ("a massacre" is what an attack did)."""
    return a == b or bool(_OUTCOMES & {a, b}) or frozenset({a, b}) in _COMPATIBLE


def overlap(a: DateSpan | None, b: DateSpan | None) -> bool:
    """Whether two periods overlap (an unknown one overlaps anything)."""
    return a is None or b is None or (a.start <= b.end and b.start <= a.end)


def absorb(twin: Draft, draft: Draft, casualties: bool = True) -> None:
    """Fold ``draft`` into ``twin``: every quote and claimant kept, gaps filled.

    The first date, casualty figure and the more specific type win. With ``casualties``
    False the draft's toll is not taken (an umbrella's toll is the sites' aggregate).
    """
    twin.sentences.extend(i for i in draft.sentences if i not in twin.sentences)
    twin.sentences.sort()
    if twin.date is None and draft.date is not None:
        twin.date, twin.date_note = draft.date, draft.date_note
    if casualties and not draft.casualties.is_empty():
        twin.casualties = combine(twin.casualties, draft.casualties)  # round 12: kinds it lacks
    if draft.event_type == "use of prohibited weapons" or twin.event_type in _OUTCOMES and \
            draft.event_type not in _OUTCOMES or (
            draft.event_type not in _OUTCOMES and twin.event_type not in _OUTCOMES and
            twin.event_type != "use of prohibited weapons" and
            EVENT_TYPES.index(draft.event_type) < EVENT_TYPES.index(twin.event_type)):
        twin.event_type = draft.event_type
    twin.actors += [a for a in draft.actors if a not in twin.actors]
    twin.events += draft.events
    twin.hedged = twin.hedged or draft.hedged
    twin.claimants += [c for c in draft.claimants if c not in twin.claimants]
    twin.context += [c for c in draft.context if c not in twin.context]


def merge(drafts: list[Draft]) -> list[Draft]:
    """One draft per event: same site, compatible type, overlapping (or unknown) dates."""
    merged: list[Draft] = []
    for draft in drafts:
        twin = next(
            (m for m in merged
             if (_same_site(m.site, draft.site) or _same_region(m, draft))
             and draft.site is not None
             and compatible(m.event_type, draft.event_type) and overlap(m.date, draft.date)),
            None,
        )
        if twin is None and draft.site is None:
            twin = next((m for m in reversed(merged) if m.site is None
                         and m.event_type == draft.event_type
                         and 0 < draft.sentences[0] - m.sentences[-1] <= 2), None)
        if twin is None:
            merged.append(draft)
        else:
            if more_specific(draft.site, twin.site):
                twin.site = draft.site  # round 9: "Syria's Qamishli", then "Shorek, east of it"
            elif twin.region and not draft.region and draft.site is not None and \
                    draft.site.descriptor in ("city", "town"):
                twin.site, twin.region = draft.site, False  # "in Aleppo", then "Aleppo City"
            absorb(twin, draft)
    return _fold_siteless(_fold_umbrellas(merged))



def _fold_siteless(drafts: list[Draft]) -> list[Draft]:
    """A siteless draft next to a sited one describes it ("led to a massacre")."""
    out: list[Draft] = []
    for draft in drafts:
        if draft.site is not None:
            out.append(draft)
            continue
        near = [d for d in drafts if d.site is not None and
                min(abs(i - j) for i in d.sentences for j in draft.sentences) <= 2 and
                (draft.event_type in _OUTCOMES or d.event_type == draft.event_type)
                and overlap(d.date, draft.date)]
        if near:
            absorb(min(near, key=lambda d: min(abs(i - j) for i in d.sentences
                                               for j in draft.sentences)), draft)
        else:
            out.append(draft)
    return out


def _fold_umbrellas(drafts: list[Draft]) -> list[Draft]:
    """A province, or a governorate's capital named bare, above the sites it contains.

    "US-led coalition airstrikes kill 10 in Deir Ezzor", then strikes on al-Mayadeen and
    al-Tibeh: "Deir Ezzor" is the governorate the sites are in, not a third site. Such a
    draft folds into the first draft whose site lies in its governorate, at least
    :data:`UMBRELLA_KM` from its point, with a compatible type and overlapping dates (the
    nearest such draft in the text; round 4); its
    quote and claimant are kept, its toll is not (it is their aggregate) unless it folds into
    one site without a toll. A region folds the same way into a site beside it that the
    gazetteer cannot place (:func:`_unplaced_beside`).
    """
    out: list[Draft] = []
    for draft in drafts:
        key = _umbrella_key(draft)
        keys = area_keys(draft) if key else frozenset()
        inner = [d for d in drafts if d is not draft and key and d.site is not None and
                 not d.region and _umbrella_key(d) not in keys and _in_area(d, keys) and
                 _far(d, draft) and compatible(d.event_type, draft.event_type) and
                 overlap(d.date, draft.date)]
        if not inner and draft.region and not any(
                d is not draft and d.region and _beside(d, draft) for d in drafts):
            inner = [d for d in drafts if _unplaced_beside(d, draft)]
        if not inner and draft.region:  # "in Latakia province" ... "Jurin in Latakia"
            inner = [d for d in drafts if _unplaced_in(d, draft, keys)]
        if inner:
            alone = len(inner) == 1 and inner[0].casualties.is_empty()
            target = min(inner, key=lambda d: (_gap(d, draft),  # the nearest in the text,
                                               d.sentences[0] < draft.sentences[0]))  # after
            absorb(target, draft, casualties=alone)
            note = f"'{draft.site.text if draft.site else ''}' read as the area around it"
            target.context.append(f"region: {note}")
        else:
            out.append(draft)
    return out


def _unplaced_beside(draft: Draft, region: Draft) -> bool:
    """A site the gazetteer cannot place, told within two sentences of a region's summary
    of a compatible event ("shelling killed 8 in Idlib province", then "targeted the village
    of Ablen"): the place the summary is about. Only a summary told first, and the only
    region beside the site (two regions beside it may each be an event of their own)."""
    return draft is not region and draft.site is not None and not draft.region and \
        _unplaced(draft.site) and compatible(draft.event_type, region.event_type) and \
        overlap(draft.date, region.date) and _beside(draft, region) and \
        region.sentences[0] <= draft.sentences[0]


def _unplaced_in(draft: Draft, region: Draft, keys: frozenset[str]) -> bool:
    """A site the gazetteer cannot place, whose own sentence puts it in the region a region
    draft names ("militants shelled the settlement of Jurin in the province of Latakia"),
    of a compatible event at overlapping dates: the region's summary is about it, however
    far apart in the report the two are told."""
    return draft is not region and draft.site is not None and not draft.region and \
        _unplaced(draft.site) and compatible(draft.event_type, region.event_type) and \
        overlap(draft.date, region.date) and any(
            area_key(label.split(": ", 1)[1]) in keys for label in draft.context
            if label.startswith("region: "))


def _unplaced(site: PlaceMention) -> bool:
    """No point, or only a folded spelling's point for review (round 12, ``FOLDED_AT_HOME``)."""
    return site.place is None or (site.result is not None and FOLDED_AT_HOME in site.result.notes)


def _gap(a: Draft, b: Draft) -> int:
    """Sentences between two drafts' nearest sentences."""
    return min(abs(i - j) for i in a.sentences for j in b.sentences)


def _beside(a: Draft, b: Draft) -> bool:
    return _gap(a, b) <= 2


def _umbrella_key(draft: Draft) -> str:
    """The governorate key of a region draft or a bare governorate capital, else ""."""
    site = draft.site
    place = site.place if site else None
    if site is None or place is None:
        return ""
    if draft.region or place.precision >= 3:
        return area_key(place.admin1 or site.name)
    if site.descriptor in ("city", "town", "village") or not place.admin1:
        return ""
    own = _bare_key(site.name)
    return area_key(place.admin1) if own and own == area_key(place.admin1) else ""


#: "Idlib province", "Hasaka province's", "Idleb, Aleppo and Lattakia governorates", "the
#: province of Hasakah": names a report uses for a governorate.
_AREA_WORD = re.compile(r"\b(?:provinces?|governorates?)\b", re.I)
_WORD = r"(?:(?:al|el|ar|as|ad|ash|at|az|ez|es|ed)[-\s])?[A-Z][\w'’-]*"
_AREA_NAMES = re.compile(rf"((?:{_WORD}\s+){{0,2}}{_WORD}"
                         rf"(?:(?:,\s*|,?\s+and\s+)(?:{_WORD}\s+){{0,2}}{_WORD})*)\s+$")
_LEADING_WORDS = re.compile(r"^(?:(?:In|On|At|Of|From|To|Near|The|And|Across)(?:\s+|$))+")
_AREA_AFTER = re.compile(rf"^\s+of\s+((?:{_WORD}\s+){{0,2}}{_WORD})")
#: A name used for a region: after a bearing ("northern", "south-western"; not "eastern" or
#: "western", which often mean halves of a city), or before "region" or "de-escalation zone"
#: (not "countryside" or "rural": "the Damascus countryside" is another governorate).
_REGION_USE = re.compile(
    rf"\b(?:north|south)(?:-?(?:east|west))?ern\s+(?P<before>{_WORD})\b"
    rf"(?!\s+(?:of|city|town|village|neighbou?rhood|district)\b)"
    rf"|(?P<after>{_WORD})\s+(?:region|de-?escalation\s+zone)\b")


def governorate_names(article: str) -> frozenset[str]:
    """Area keys of the names a report uses for a governorate or province.

    Parameters
    ----------
    article : str

    Returns
    -------
    frozenset of str
        :func:`geo.geocoding.areas.area_key` of each name written before "province" or
        "governorate" (lists included: "Idleb, Aleppo and Lattakia governorates") or after
        "province of".
    """
    keys: set[str] = set()
    for match in _AREA_WORD.finditer(article):
        before = _AREA_NAMES.search(article[max(0, match.start() - 80):match.start()])
        names = re.split(r",\s*|\s+and\s+", re.split(r"['’]s\s+", before.group(1))[-1]) \
            if before else []
        after = _AREA_AFTER.match(article[match.end():match.end() + 60])
        if after:
            names.append(after.group(1))
        names = [_LEADING_WORDS.sub("", n) for n in names]
        keys |= {_particle_free_key(n) for n in names if _particle_free_key(n)}
    for match in _REGION_USE.finditer(article):  # "northern Idlib", "the Idlib region"
        keys.add(_particle_free_key(match.group("before") or match.group("after")))
    return frozenset(keys - {""})


def within_named_governorate(site: PlaceMention, governorates: frozenset[str]) -> PlaceMention:
    """An ambiguous name with exactly one candidate in a governorate the report names is that
    place ("Al Sousa" in a report on "Deir Ezzor province": the one in Deir ez-Zor).

    Parameters
    ----------
    site : PlaceMention
    governorates : frozenset of str
        :func:`governorate_names` of the report.

    Returns
    -------
    PlaceMention
        ``site`` resolved to that candidate, or unchanged.
    """
    result = site.result
    if result is None or result.status != "ambiguous" or not governorates:
        return site
    inside = [c for c in result.candidates
              if c.place.admin1 and _particle_free_key(c.place.admin1) in governorates]
    if len({c.place.gazetteer_id for c in inside}) != 1:
        return site
    chosen = inside[0]
    others = tuple(c for c in result.candidates if c is not chosen)
    resolved = replace(result, status="resolved", candidates=(chosen, *others),
                       source=chosen.place.gazetteer_id,
                       notes=(*result.notes, "the one candidate in a governorate the report "
                                             "names"))
    return replace(site, result=resolved, candidates=resolved.candidates)


def shared_country(sentences: list[Sentence], lookup: Callable[..., GeocodeResult],
                   among: Collection[str] = ()) -> str:
    """The country a report's places share, for a report that names no country.

    Parameters
    ----------
    sentences : list of Sentence
    lookup : callable
        A worldwide lookup (:func:`geo.extract.lookup.make_lookup` without a country).
    among : collection of str, optional
        Round 13: the countries the report names (tied for its focus); when given, only
        these are counted ("the Syrian town of Madaya" beside "the Lebanese border" is not
        Madaya in Myanmar, however populous that one is).

    Returns
    -------
    str
        The ISO code among the candidates of more than half of the report's place mentions
        (at least two; the best-spelled candidates of each; a province or governorate
        counts twice; a tie goes to the country whose places are more populous; a seat
        standing for a government and a name before someone's forces or aircraft do not
        count), else "":
        "Raqqa" and "Palmyra" are both in Syria, whatever else they
        may name, and "Hasaka province" says where an unknown village beside it lies.
    """
    counts: Counter[str] = Counter()
    people: Counter[str] = Counter()  # breaks ties: "Damascus" the capital, not the hamlet
    mentions = 0
    for sentence in sentences:
        for mention in find_places(sentence.text, lookup, sentence.start, "", set()):
            if mention.role in ("country", "seat") or not mention.candidates or \
                    ACTOR_AFTER.match(sentence.text[mention.end - sentence.start:]):
                continue  # round 7: "Assad regime", "al-Assad aircraft" name no place
            best = max(c.quality for c in mention.candidates)
            strong = {c.place.country for c in mention.candidates if c.place.country and
                      c.quality >= max(best, STRONG_QUALITY) and
                      (not among or c.place.country in among)}
            weight = 2 if mention.role == "region" else 1  # a province names its country
            mentions += weight * bool(strong)
            counts.update({code: weight for code in strong})
            for code in strong:
                people[code] += max(c.place.population for c in mention.candidates
                                    if c.place.country == code)
    if not counts:
        return ""
    top = max(counts, key=lambda code: (counts[code], people[code], code))
    count = counts[top]
    return top if count >= 2 and count * 2 > mentions else ""


def governorate_named_bare(site: PlaceMention, governorates: frozenset[str]) -> bool:
    """Whether a site is a governorate's capital, named bare, in a report that uses its name
    for the governorate ("Hasaka province" above "in Hasaka"): the text may mean either,
    so the name reads as the region, never as the city at site precision.

    Parameters
    ----------
    site : PlaceMention
    governorates : frozenset of str
        :func:`governorate_names` of the report.

    Returns
    -------
    bool
        False when the text says city or town ("Idleb City", "the city of Idleb").
    """
    place = site.place
    if place is None or not place.admin1 or site.descriptor in ("city", "town", "village") \
            or re.search(r"\b(?:city|town)\b", site.text, re.I):
        return False
    own = _particle_free_key(site.name)  # a seat; round 6: or a town named bare that the
    seat = own == _particle_free_key(place.admin1)  # report names a region by ("Azaz region")
    return bool(own) and own in governorates and (seat or not site.descriptor)


def _bare_key(name: str) -> str:
    return area_key(re.sub(r"^(?:al|el|ar|as|ad|ash|at|az)[-\s]+", "", name, flags=re.I))


def area_keys(draft: Draft) -> frozenset[str]:
    """Every key of an umbrella's governorate: its own and, for a region, those of the
    region's other spellings ("Damascus Countryside" is also "Rif Dimashq").

    Parameters
    ----------
    draft : Draft

    Returns
    -------
    frozenset of str
        Area keys (:func:`geo.geocoding.areas.area_key`); empty for a draft with no place.
    """
    key = _umbrella_key(draft)
    place = draft.site.place if draft.site else None
    if place is None or not (draft.region or place.precision >= 3):
        return frozenset({key})
    return frozenset({key, *(area_key(s) for s in place.spellings)}) - {""}


def _in_area(draft: Draft, keys: frozenset[str]) -> bool:
    place = draft.site.place if draft.site else None
    return place is not None and bool(place.admin1) and area_key(place.admin1) in keys


def _far(a: Draft, b: Draft) -> bool:
    pa = a.site.place if a.site else None
    pb = b.site.place if b.site else None
    if pa is None or pb is None:
        return False
    if b.region or pb.precision >= 3:
        return True
    return distance_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude) > UMBRELLA_KM


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance between two points in kilometres (WGS84, pyproj)."""
    return float(_geod().inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


@lru_cache(maxsize=1)
def _geod() -> Geod:
    from pyproj import Geod  # imported on first use: most reports never need a distance

    return Geod(ellps="WGS84")


def is_file_caption(sentences: list[Sentence], index: int) -> bool:
    """Whether a sentence is an archive photo's caption (it, or the next line, says so)."""
    sentence = sentences[index]
    if _FILE_CAPTION.search(sentence.text):
        return True
    nxt = sentences[index + 1] if index + 1 < len(sentences) else None
    return nxt is not None and nxt.paragraph == sentence.paragraph and \
        bool(_FILE_CAPTION.match(nxt.text.lstrip()))


def heading_date(
    sentences: list[Sentence], sentence: Sentence, dates: list[DateMention],
    heading: tuple[DateSpan, str] | None,
) -> tuple[DateSpan, str] | None:
    """A line holding only a date under a line naming a date ("Incident date") heads the
    entries below it, until the next such line."""
    if len(dates) != 1 or dates[0].span is None or sentence.index == 0:
        return heading
    rest = sentence.text.replace(dates[0].text, "")
    label = sentences[sentence.index - 1].text
    if rest.strip(" ,.:") or not _HEADING_LABEL.search(label) or len(label) > 40 or \
            re.search(r"updated|published", label, re.I):
        return heading
    return dates[0].span, sentence.text


def report_date(
    event_dates: list[tuple[DateSpan, str]], heading: tuple[DateSpan, str] | None
) -> tuple[DateSpan | None, str]:
    """The date a sentence without one takes from the report: the entry's date line, or
    the date most of the report's earlier events have (more than half of them)."""
    if heading is not None:
        return heading[0], "date from the date line above the entry"
    counts: dict[tuple[object, object], int] = {}
    for d, _ in event_dates:
        counts[(d.start, d.end)] = counts.get((d.start, d.end), 0) + 1
    top = max(counts, key=lambda k: counts[k]) if counts else None
    if top is not None and counts[top] * 2 > len(event_dates):
        span, said = next(e for e in event_dates if (e[0].start, e[0].end) == top)
        note = "no date in the sentence; the date of the report's other events"
        return span, f"{note}; {said}" if said else note
    return None, "no date in the supporting text"


def nearest_claimants(drafts: list[Draft], attributions: list[Attribution],
                      paragraphs: list[int]) -> None:
    """A draft nobody in its sentences claims takes the nearest attributed speaker.

    The sentence before, then after, then two before and two after, in the same
    paragraph or the next (wire copy puts the attribution in the sentence beside the
    fact: "..., a monitoring group said. The attacks hit Saraqeb on Sunday.").
    """
    for draft in drafts:
        if draft.claimants:
            continue
        first, last = draft.sentences[0], draft.sentences[-1]
        for i in (*draft.sentences, first - 1, last + 1, first - 2, last + 2):
            if not 0 <= i < len(attributions):
                continue
            speaker = attributions[i].speaker
            if speaker is not None and abs(paragraphs[i] - paragraphs[first]) <= 1:
                draft.claimants.append(speaker.claimed_by)
                break


_DATELINE_WHO = re.compile(r"^[A-Z]{3,}(?:\s+[A-Z]{3,})*,\s+")
_STATEMENT_TAIL = re.compile(r"\s+(?:in\s+(?:a|its|their|an?\s+\w+)\s+(?:statement|report|"
                             r"tweet|post)|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                             r"Saturday|Sunday))\b.*$")
_ACRONYM = re.compile(r"^(?:the\s+)?([A-Z]{2,6})\b")
_MONITOR = re.compile(r"^(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?(?:war\s+)?(?:monitor|monitoring\s+"
                      r"(?:group|body|organi[sz]ation)|observatory)\b", re.I)
_MONITOR_NAME = re.compile(r"\b((?:[A-Z][\w’'-]*\s+)+(?:Observatory|Monitor|Network)"
                           r"(?:\s+for\s+(?:[A-Z][\w’'-]*\s*)+)?)")


def tidy_claimant(claimant: str, article: str) -> str:
    """A claimant as a whole name the report gives it.

    Parameters
    ----------
    claimant : str
        As found beside the claim ("SDF in a statement", "BAGHDAD, The Syrian News Agency",
        "A war monitor").
    article : str
        The report, for the names it defines ("Syrian Democratic Forces (SDF)", "the Syrian
        Observatory for Human Rights").

    Returns
    -------
    str
        Without a dateline before it or "in a statement" after it; an acronym the report
        spells out, spelled out; a monitoring group described ("a UK-based war monitor") as
        the one the report names, when it names exactly one.
    """
    who = _DATELINE_WHO.sub("", claimant)
    who = _STATEMENT_TAIL.sub("", who).strip(" ,") or claimant
    acronym = _ACRONYM.match(who)
    if acronym:
        defined = re.search(rf"((?:[A-Z][\w’'-]*\s+){{1,6}})\(\s*{acronym.group(1)}\s*\)",
                            article)
        if defined:
            return f"{_bare_name(defined.group(1))} ({acronym.group(1)})"
    if _MONITOR.match(who):
        names = {_bare_name(m.group(1)) for m in _MONITOR_NAME.finditer(article)}
        if len(names) == 1:
            return names.pop()
    return who


def _bare_name(phrase: str) -> str:
    """A name without "The" or a compound adjective before it ("The Kurdish-led ...")."""
    words = phrase.split()
    while words and (words[0] in ("The", "A", "An") or re.search(r"-(?:led|backed|based)$",
                                                                  words[0])):
        words = words[1:]
    return " ".join(words)
