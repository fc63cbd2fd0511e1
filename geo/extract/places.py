"""Place mentions of a report, resolved through the geocoder seam.

Capitalised name phrases (with an Arabic article joined, hyphenated or apart:
"al-Shaafah", "Ash Sha'fah"), Arabic-script names, and names a descriptor
announces ("the eastern town of X", "the X refugee camp", "the X region") are
looked up with :meth:`geo.geocoding.geocoder.Geocoder.geocode`. Each mention gets a role:
``site`` (a place where something happened), ``country`` (context),
``seat`` (a city standing for its government: "controlled by Damascus"),
``container`` (the larger place of another mention: "the camp in al-Tanf"),
``region`` (a province, governorate or countryside: "Idlib province", "western Idleb"),
``reference`` (a point a distance or bearing is given from: "26km west of Raqqa"),
``origin`` and ``destination`` (where people or fire came from or went: "fled from
Palmyra", "evacuated to Turkey"), ``dateline`` ("TEHRAN (Tasnim) –") or ``organisation``
(an outlet or group named after a place: "DeirEzzor 24"). Only sites become incidents;
regions stand in when a sentence names no site, and never at site precision.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace

from geo.extract.lists import listed_after_cued
from geo.extract.lookup import FOLDED_AT_HOME, Lookup
from geo.extract.phrases import (
    ACTION,
    AREA_DESCRIPTORS,
    ARTICLE_START,
    CAPITAL_SPEAKS,
    COMMA_LINK,
    CONTAINER_LINK,
    COORDINATION,
    DATELINE_AFTER,
    DESTINATION_BEFORE,
    GIVEN_NAMES,
    HEADS,
    LOCATIVE,
    NEAR,
    ORGANISATION_AFTER,
    ORIGIN_BEFORE,
    PERSON_AFTER,
    PERSON_BEFORE,
    POINT_DESCRIPTORS,
    POINT_KINDS,
    PREFIX,
    QUALIFIERS,
    REFERENCE_BEFORE,
    REGION_AFTER,
    REGION_BEFORE,
    SEAT_AFTER,
    SEAT_BEFORE,
    STRONG_POPULATION,
    STRONG_QUALITY,
    SUFFIX,
    WIDE,
    appositive_descriptor,
    country_code,
    country_counts,
    country_keys,
    governorate_apposition,
    name_phrases,
)
from geo.extract.wordlist import is_common_word
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.names import basic_key


@dataclass(frozen=True)
class PlaceMention:
    """One place named in the text.

    Attributes
    ----------
    start, end : int
        Offsets of the mention in the article (descriptor words included).
    text : str
        The mention as written ("Rukban refugee camp", "al-Shaafah").
    name : str
        The name given to the geocoder.
    descriptor : str
        "town", "camp", "region" ... when the text says so, else "".
    result : GeocodeResult or None
        The geocoder's answer (None for countries known only by name).
    role : str
        ``site``, ``country``, ``seat`` or ``container``.
    container : str
        Text of the mention this one lies in or near, if any.
    near : bool
        True when the text places the event near the place, or in its region.
    country : str
        ISO code, when known.
    candidates : tuple of Candidate
        The geocoder's candidates.
    offset : str
        For a reference point, the distance or bearing the text gives ("26km (16 miles) west
        of").
    partial : bool
        True when only a part of the written name was found ("Orum" of "Orum al-Kubra"):
        another place may bear the whole name, so the point is unsure.
    unsure : bool
        True when the text contradicts the point found ("al-Qayrawan village" of a Syrian
        province found only in Tunisia): for review, never resolved.
    """

    start: int
    end: int
    text: str
    name: str
    descriptor: str = ""
    result: GeocodeResult | None = None
    role: str = "site"
    container: str = ""
    near: bool = False
    country: str = ""
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    offset: str = ""
    partial: bool = False
    unsure: bool = False

    @property
    def place(self) -> Place | None:
        """The resolved gazetteer entry, if the geocoder resolved the name."""
        best = self.result.best if self.result else None
        return best.place if best else None

    @property
    def status(self) -> str:
        """The geocoder's status (``unresolved`` without a result)."""
        return self.result.status if self.result else "unresolved"


def find_places(
    text: str,
    lookup: Lookup,
    offset: int = 0,
    country: str = "",
    named: Collection[str] | None = None,
    headline: bool = False,
    people: Collection[str] = (),
) -> list[PlaceMention]:
    """Find the place mentions of one sentence and resolve them.

    With a full gazetteer many capitalised words name some village somewhere, so a
    name counts as a place only with evidence:

    * a descriptor ("the town of X", "X refugee camp", "the X region"): any
      resolution, or none (kept unresolved for review);
    * a cue before it: a locative preposition ("in", "near", "around", "from", "to" ...,
      optionally with "the" and an adjective: "in rural Idlib"), a verb taking a place
      ("shelled", "struck", "captured" ...), or coordination with a cued place ("in
      Idlib and Hama"): an exact or normalised spelling, or any resolution in the
      focus country; abroad, a normalised spelling only ("Ghouta" for Gotha) needs
      the place's country named in the report (``named``);
    * no cue: a resolved exact or normalised spelling in the focus country of a
      curated place (not from the bulk GeoNames import), a multi-word name, or a
      populated place (population known); as a sentence's first word, or without a
      focus country, a town of at least :data:`STRONG_POPULATION`.

    People are not places: names after "said", a title or a role word ("Mr",
    "spokesman"), before an appositive role (", a resident") or a speech verb, and
    multi-word names starting with a common given name ("Ahmed Hassan").

    Parameters
    ----------
    text : str
        One sentence.
    lookup : callable
        ``(name, cued) -> GeocodeResult`` (see :func:`make_lookup`).
    offset : int
        Offset of ``text`` in the article, added to the mentions' offsets.
    country : str
        The report's focus country ("" for none).
    named : collection of str, optional
        Countries the report names (:func:`country_counts`); defaults to the
        sentence's own.
    headline : bool
        A title-case line ("Newborn Dies in the Camp Due to Lack of Medical Care"): every
        word is capitalised, so an uncued name needs the evidence of a sentence's first
        word (a town of :data:`STRONG_POPULATION`).
    people : collection of str
        Name keys of the surnames of people the report introduces (:func:`surnames`): such a
        name alone, with nothing before it that announces a place ("in", "hit"), is that
        person (round 14).

    Returns
    -------
    list of PlaceMention
        In text order, with their roles.
    """
    _, capitals = country_keys()
    named = set(country_counts(text)) if named is None else set(named)
    if country:
        named.add(country)
    mentions: list[PlaceMention] = []
    cued_ends: set[int] = set()
    lead = len(text) - len(text.lstrip(" \t\n“\"'‘([—-"))
    for start, end, phrase in name_phrases(text):
        before = text[max(0, start - 40):start]
        after = text[end:end + 60]
        cue = _cue(before, text[:start], cued_ends)
        if _is_person(phrase, before, after, capitals) or (
                not cue and " " not in phrase.strip() and basic_key(phrase) in people):
            continue  # round 14: "Hasakeh told AFP", after "said Birusk Hasakeh, a spokesman"
        for mention in _phrase_mentions(text, start, end, phrase, lookup, bool(cue)):
            own_cue = cue
            if mention.role != "country":
                if mention.start != start:  # a shorter part of the phrase: its own cue
                    own_cue = _cue(text[max(0, mention.start - 40):mention.start],
                                   text[:mention.start], cued_ends)
                seat = _is_seat(mention, text[:mention.start], text[mention.end:], capitals)
                initial = (headline or mention.start <= lead) and " " not in mention.name.strip()
                if mention.end - mention.start < end - start:
                    if mention.result is None or not mention.result.candidates or \
                            mention.result.candidates[0].quality < STRONG_QUALITY:
                        continue  # a part of the phrase: its own spelling, not a loose match
                    mention = _city_written_after(mention, text, end) or replace(
                        mention, partial=_drops_name_words(phrase,
                                                           text[mention.start:mention.end]))
                    if headline and mention.partial:
                        continue  # a title-case line glues words: "Medical Care" is no place
                if not _has_evidence(mention, own_cue or ("seat" if seat else ""), country,
                                     initial, named):
                    continue
                if not mention.descriptor and is_common_word(mention.name):
                    if own_cue != "locative":
                        continue  # "Photo: ...", "30 Women": an English word, no place
                    mention = replace(mention, unsure=True)
            if mention.result is not None and FOLDED_AT_HOME in mention.result.notes:
                mention = replace(mention, unsure=True)  # round 12: a folded spelling
            if own_cue or mention.descriptor or mention.role == "country":
                cued_ends.add(mention.end)
            mentions.append(mention)
            break
        else:
            if cue and not any(is_common_word(w) for w in phrase.split()):
                cued_ends.add(end)  # round 13b: an unknown name passes its cue down a list
    mentions = _assign_roles(text, mentions)
    return [replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]


def _city_written_after(mention: PlaceMention, text: str, end: int) -> PlaceMention | None:
    """"Aleppo City" read as one name: the city of Aleppo (descriptor ``city``), whole."""
    if mention.descriptor or not re.fullmatch(r"\s+(?:City|Town)", text[mention.end:end]):
        return None
    return replace(mention, end=end, text=text[mention.start:end],
                   descriptor=text[mention.end:end].strip().lower())


def _drops_name_words(phrase: str, part: str) -> bool:
    """Whether ``part`` leaves out words of ``phrase`` that belong to a name ("al-Kubra")."""
    left = phrase.replace(part, " ", 1).split()
    return any(w.lower().strip(".,;:'’") not in QUALIFIERS for w in left)


def is_headline(text: str) -> bool:
    """Whether a line is a title-case headline: most of its longer words capitalised.

    Parameters
    ----------
    text : str
        One sentence or line.

    Returns
    -------
    bool
        True for "Newborn Dies in the Rukban Camp Due to Lack of Medical Care" (at least
        three words of four letters or more, 70% of them capitalised, no full stop at the
        end); False for sentence-case headlines and ordinary sentences.
    """
    if text.rstrip().endswith((".", "!", "?", "”", '"')):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) >= 4]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _cue(before: str, whole_before: str, cued_ends: set[int]) -> str:
    """What before a name announces a place: "locative", "action", "coordinated" or ""."""
    if LOCATIVE.search(before) or NEAR.search(before):
        return "locative"
    if ACTION.search(before):
        return "action"
    link = COORDINATION.search(whole_before[-16:])
    if link and len(whole_before) - len(link.group()) in cued_ends:
        return "coordinated"
    if listed_after_cued(whole_before, cued_ends):  # round 13b: "A (twice), B"
        return "coordinated"
    return ""


def surnames(article: str) -> frozenset[str]:
    """Name keys of the last words of the people a report names in full ("said Birusk
    Hasakeh, a spokesman" gives "hasakeh"), so that the surname alone reads as the person.

    Parameters
    ----------
    article : str

    Returns
    -------
    frozenset of str
    """
    _, capitals = country_keys()
    out = set()
    for start, end, phrase in name_phrases(article):
        tokens = phrase.split()
        if len(tokens) >= 2 and _is_person(phrase, article[max(0, start - 40):start],
                                           article[end:end + 60], capitals):
            out.add(basic_key(tokens[-1]))
    return frozenset(out)


def _is_person(phrase: str, before: str, after: str, capitals: frozenset[str]) -> bool:

    if country_code(phrase) or basic_key(phrase) in capitals:
        return False
    if PREFIX.search(before) or SUFFIX.match(after):
        return False
    tokens = phrase.split()
    if len(tokens) >= 2 and tokens[0].lower() in GIVEN_NAMES:
        return True
    return bool(PERSON_BEFORE.search(before) or PERSON_AFTER.match(after))


def _has_evidence(
    mention: PlaceMention, cue: str, country: str, initial: bool, named: set[str]
) -> bool:
    """Whether a resolved name is a place mention (see :func:`find_places`)."""
    result = mention.result
    top = result.candidates[0] if result is not None and result.candidates else None
    status = result.status if result is not None else "unresolved"
    foreign = bool(country and top is not None and top.place.country != country)
    if mention.descriptor:
        return top is None or status == "unresolved" or not foreign or \
            top.quality >= STRONG_QUALITY
    if top is None or status == "unresolved":
        return False
    if cue:
        if foreign:
            return top.quality >= 1.0 or (top.quality >= STRONG_QUALITY and
                                          top.place.country in named)
        return top.quality >= STRONG_QUALITY or status == "resolved"
    if status != "resolved" or foreign or top.quality < STRONG_QUALITY:
        return False
    place = top.place
    if not place.gazetteer_id.startswith("geonames:"):
        return True  # curated: the project's place file, an analyst's pin, a test gazetteer
    if initial or not country:
        return place.population >= STRONG_POPULATION
    return place.population > 0 or len(mention.name.split()) >= 2 or \
        bool(ARTICLE_START.match(mention.name))


def _phrase_mentions(
    text: str, start: int, end: int, phrase: str, lookup: Lookup, cued: bool = True
) -> Iterator[PlaceMention]:
    """Readings of a phrase, longest first: with its descriptor, whole, its parts."""
    suffix = SUFFIX.match(text, end)
    prefix = PREFIX.search(text[max(0, start - 40):start])
    descriptor = prefix.group("descriptor").lower() if prefix else \
        appositive_descriptor(text, end) or governorate_apposition(text, start, end)
    descriptor = {"towns": "town", "villages": "village", "cities": "city",
                  "settlements": "settlement"}.get(descriptor,
                                                                                descriptor)
    code = country_code(phrase)
    if code and not suffix:
        result = lookup(phrase, True)
        yield PlaceMention(start, end, phrase, phrase, "", result, "country", country=code)
        return
    cued = cued or bool(descriptor or suffix)
    attempts: list[tuple[int, int, str, str]] = []
    if suffix:
        attempts.append((start, suffix.end(), f"{phrase} {suffix.group(1)}",
                         suffix.group(1).lower()))
    tokens = phrase.split()
    for size in range(len(tokens), 0, -1):
        for first in range(0, len(tokens) - size + 1):
            sub = " ".join(tokens[first:first + size])
            if size < len(tokens) and all(t.lower() in QUALIFIERS or t.lower() in HEADS
                                          or t.lower() in _ARTICLES
                                          for t in tokens[first:first + size]):
                continue  # "Tell", "Deir", "Eastern", "Al": the head of a longer name
            dropped = tokens[:first] + tokens[first + size:]
            if (descriptor or suffix) and any(t.lower() not in QUALIFIERS for t in dropped):
                continue  # "the town of Ain Saphir" names the whole phrase, not "Saphir"
            sub_start = start + _token_offset(phrase, tokens, first)
            attempts.append((sub_start, sub_start + len(sub), sub, ""))
    bare = ARTICLE_START.sub("", phrase)
    if bare != phrase and bare[:1].isalpha():
        attempts.append((start, end, bare, ""))
    for a_start, a_end, name, suffix_word in attempts:
        result = lookup(name, cued and a_start == start)
        if result.status == "unresolved":
            continue
        end_at = a_end
        word = suffix_word
        if not word and suffix and a_end == end:
            end_at, word = suffix.end(), suffix.group(1).lower()
        yield PlaceMention(a_start, end_at, text[a_start:end_at], name,
                           word or (descriptor if a_start == start else ""),
                           result, candidates=result.candidates)
    if descriptor or suffix:
        end_at = suffix.end() if suffix else end
        word = suffix.group(1).lower() if suffix else descriptor
        if len(tokens) <= 4:
            yield PlaceMention(start, end_at, text[start:end_at], phrase, word,
                               lookup(phrase, True))


def _token_offset(phrase: str, tokens: list[str], index: int) -> int:
    pos = 0
    for token in tokens[:index]:
        pos = phrase.index(token, pos) + len(token)
    return phrase.index(tokens[index], pos)


def _assign_roles(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    _, capitals = country_keys()
    out: list[PlaceMention] = []
    for i, m in enumerate(mentions):
        place = m.place
        before, after = text[:m.start], text[m.end:]
        role, country = m.role, m.country or (place.country if place else "")
        if role != "country" and place is not None and (place.kind == "country"
                                                        or place.precision >= 4):
            role = "country"
        if role == "site" and _is_seat(m, before, after, capitals):
            role = "seat"
        near = m.descriptor in WIDE or _near(m, before[-40:])
        container, descriptor = "", m.descriptor
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        building = _BUILDING.match(after)  # "Al Hal Market in Maaret al-Numan"
        if building and not descriptor:
            descriptor = building.group(1).lower()
        if nxt is not None:
            link = text[m.end:nxt.start]
            if building:
                link = link[building.end():]
            wider = nxt.descriptor in AREA_DESCRIPTORS or nxt.role == "country" or (
                nxt.place is not None and nxt.place.precision >= 3)
            if CONTAINER_LINK.match(link) or (wider and COMMA_LINK.match(link)) or (
                    m.descriptor in SUBUNITS and re.fullmatch(r"\s+of\s+(?:the\s+)?", link)):
                container = nxt.text
        previous = mentions[i - 1] if i else None
        if previous is not None and not container and re.fullmatch(
                r"\s*['’]s\s+", text[previous.end:m.start]) and (
                previous.descriptor in AREA_DESCRIPTORS or building or (
                previous.place is not None and previous.place.precision >= 3)):
            container = previous.text  # "Hasaka province's al-Qayrawan", "Ariha's X market"
        out.append(PlaceMention(m.start, m.end, m.text, m.name, descriptor, m.result, role,
                                container, near, country, m.candidates, partial=m.partial,
                                unsure=m.unsure))
    contained = {o.container for o in out if o.container}
    out = [replace(o, role="container") if o.role == "site" and o.text in contained else o
           for o in out]
    return _context_roles(text, out)


_CONTEXT_ROLES = ("origin", "destination", "reference")
_BUILDING = re.compile(r"\s+(market|mosque|school|hospital|bakery)\b", re.I)
_ARTICLES = frozenset({"al", "el", "as", "an", "ar", "ash", "at", "ad", "az", "ad-", "al-"})
#: Descriptors of a part of a city: "the Qusur district of Deir ez-Zor city" lies in the city.
SUBUNITS = frozenset({"district", "neighbourhood", "neighborhood", "suburb", "quarter",
                       "area"})


def _context_roles(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Give places in other roles than the incident's site their role (see the module)."""
    lead = len(text) - len(text.lstrip(" \t\n“\"'‘([—-"))
    out: list[PlaceMention] = []
    for m in mentions:
        if m.role not in ("site", "container"):
            out.append(m)
            continue
        before, after = text[:m.start], text[m.end:]
        role, offset = m.role, ""
        reference = REFERENCE_BEFORE.search(before[-60:])
        previous = out[-1] if out else None
        if m.start <= lead and DATELINE_AFTER.match(after):
            role = "dateline"
        elif ORGANISATION_AFTER.match(after):
            role = "organisation"
        elif reference:
            role, offset = "reference", " ".join(reference.group("offset").split())
        elif ORIGIN_BEFORE.search(before[-50:]):
            role = "origin"
        elif DESTINATION_BEFORE.search(before[-70:]):
            role = "destination"
        elif previous is not None and previous.role in _CONTEXT_ROLES + ("region",) and \
                re.fullmatch(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?", text[previous.end:m.start]):
            role = previous.role  # "from Raqqa, Homs and Aleppo provinces"
        if role in ("site", "container") and _is_region(m, before, after):
            role = "region"
        out.append(replace(m, role=role, offset=offset) if role != m.role else m)
    return out


def _is_region(mention: PlaceMention, before: str, after: str) -> bool:
    """A province, governorate or countryside, not a point."""
    if mention.descriptor in ("province", "governorate", "countryside"):
        return True
    if mention.descriptor == "locality":
        return False  # round 12: "at X, Idlib Province": X lies in the province
    place = mention.place
    if place is not None and place.precision >= 3:
        return True
    return bool(REGION_AFTER.match(after) or REGION_BEFORE.search(before[-40:]))


def _near(mention: PlaceMention, before: str) -> bool:
    """True when the text puts the event near the place, not at it.

    "around" a point-like site (a camp, a garrison, a crossing) is at that site.
    """
    found = NEAR.search(before)
    if not found:
        return False
    if found.group().lower().startswith("around"):
        place = mention.place
        point = mention.descriptor in POINT_DESCRIPTORS or (
            place is not None and place.kind in POINT_KINDS)
        return not point
    return True


#: Who speaks for a government from its capital: "Defense Ministry officials in Moscow".
_OFFICIALS_IN = re.compile(r"\b(?:officials?|ministry|ministers?|diplomats?|government|"
                           r"embassy|spokes(?:man|woman|person)|"
                           # round 12: "a military source in Damascus" speaks from it
                           r"(?:military|security|government(?:al)?|official|diplomatic|"
                           r"intelligence)\s+sources?)\s+in\s+$", re.I)


#: Round 14: a capital's possessive before a deed is its government ("Damascus' ferocious
#: assault on rebel areas", "Moscow's air campaign"), not a place where it happens.
_CAPITAL_DEED = re.compile(r"^(?:['’]s?)\s+(?:[\w-]+\s+){0,2}?(?:assault|offensive|onslaught|"
                           r"bombardment|bombing|crackdown|campaign|war|siege|attacks?|"
                           r"strikes|air\s*strikes|raids|operations?|intervention|"
                           r"ally|allies|backers|forces|troops)\b", re.I)  # round 15: ally


def _is_seat(mention: PlaceMention, before: str, after: str, capitals: frozenset[str]) -> bool:

    if mention.descriptor:
        return False
    if SEAT_AFTER.match(after) or SEAT_BEFORE.search(before[-40:]):
        return True
    names = {basic_key(mention.name)}
    if mention.place is not None:
        names |= {basic_key(s) for s in mention.place.spellings}
    if not names & capitals:
        return False
    return bool(CAPITAL_SPEAKS.match(after) or _CAPITAL_DEED.match(after) or
                re.search(r"\bby\s+$", before[-10:]) or
                _OFFICIALS_IN.search(before[-40:]))  # round 8: "Defense Ministry officials in X"
