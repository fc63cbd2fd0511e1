"""Name phrases of a report and the lexicons that tell places from other words.

Capitalised phrases (with an Arabic article joined, hyphenated or apart), Arabic-script
runs, country names and demonyms; the word lists and patterns that :mod:`geo.extract.places`
uses to give each mention its role.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from geo.geocoding.names import basic_key
from geo.vocab import country_capitals, country_spellings

_PARTICLE = r"(?:al|el|an|ar|as|ash|at|ath|ad|adh|az|ez|es|ed|er|et|en|ud|ul|ur|us|bin|ibn)"
_SPACED_PARTICLE = r"(?:al|el|ash|ath|adh|ar)"
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’ʿʾ]*(?:-[\w'’ʿʾ]+)*"
_NAME = re.compile(
    rf"(?<![\w'’\-])(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+)?{_CAP}"
    rf"(?:\s+(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+)?{_CAP})*"
)
ARTICLE_START = re.compile(
    rf"^(?:{_PARTICLE}-|{_SPACED_PARTICLE}\s+|(?:Al|El|Ash|Ar|As|At|An|Ad|Az)[-\s])"
)
_ARABIC = re.compile(r"[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+)*")

_SUFFIXES = (
    "refugee camp", "idp camp", "displacement camp", "camp", "region", "area", "district",
    "province", "governorate", "countryside", "garrison", "base", "air base", "airbase",
    "border crossing", "crossing", "neighbourhood", "neighborhood", "town", "city", "village",
    "airport", "hospital", "market", "mosque", "school", "valley", "desert", "mountains",
)
SUFFIX = re.compile(r"\s+(" + "|".join(re.escape(s) for s in _SUFFIXES) + r")\b", re.I)
PREFIX = re.compile(
    r"\b(?P<descriptor>town|city|village|hamlet|camp|region|district|province|governorate|"
    r"neighbou?rhood|suburb|area|countryside|outskirts|port|settlement|towns|villages|cities|"
    r"settlements)"  # round 13b: "the settlements of A (twice), B"
    # round 6: the later names of a list ("the villages of X, Y and Z")
    r"\s+of\s+(?:(?:(?-i:[A-Z])[\w'’-]*(?:\s+(?-i:[A-Z])[\w'’-]*)?(?:,\s*|\s+))+"
    r"(?:and|or)\s+)?$",
    re.I,
)
#: Round 6: a descriptor in apposition after the name ("Ablin, a village in Idlib province").
#: Trial 26: a closing quote may stand between the name and its comma (a quotation ending on
#: the name: "... in Maarshurin,” a rebel-held town in ..."), and the adjective may be one of
#: control ("rebel-held", "opposition-controlled", "government-run").
_APPOSITIVE = re.compile(
    r"[”\"’']?,[”\"’']?\s+(?:a|an|the)\s+"
    r"(?:(?:small|large|nearby|remote|rural|[a-z]+ern|[a-z]+-(?:held|controlled|run))\s+)?"
    r"(?P<descriptor>town|village|city|hamlet|camp|neighbou?rhood|suburb|settlement)\s+"
    r"(?:in|of|near|outside|on|north|south|east|west)\b", re.I)


def appositive_descriptor(text: str, end: int) -> str:
    """The descriptor given in apposition right after a name ("X, a village in Y").

    Parameters
    ----------
    text : str
        The sentence.
    end : int
        Where the name ends in it.

    Returns
    -------
    str
        "village", "town" ... or "".
    """
    found = _APPOSITIVE.match(text, end)
    return found.group("descriptor").lower() if found else ""


#: Round 12: a name put in a governorate right after it ("at Qafer Battih, Idlib Province",
#: "in X, Hama governorate") after "at", "in" or "near": a locality, whatever the gazetteer.
_GOVERNORATE_APPOSITION = re.compile(
    r",\s+(?:(?:the|northern|southern|eastern|western|rural)\s+)?(?:(?-i:[A-Z])[\w'’-]+\s+){1,2}"
    r"(?:province|governorate)\b", re.I)
_AT_BEFORE = re.compile(r"\b(?:at|in|near)\s+$", re.I)


def governorate_apposition(text: str, start: int, end: int) -> str:
    """"locality" for a name after "at", "in" or "near" that the text puts in a province
    right after it ("at Qafer Battih, Idlib Province"), else "".

    Parameters
    ----------
    text : str
        The sentence.
    start, end : int
        Where the name starts and ends in it.

    Returns
    -------
    str
    """
    if _AT_BEFORE.search(text[max(0, start - 8):start]) and \
            _GOVERNORATE_APPOSITION.match(text, end):
        return "locality"
    return ""


#: Descriptors that widen a point to its surroundings (ACLED precision 2).
WIDE = frozenset({"region", "area", "countryside", "outskirts", "district", "valley",
                   "desert", "mountains"})
NEAR = re.compile(r"\b(?:near|outside|around|close to|north of|south of|east of|west of)\s+"
                   r"(?:the\s+)?(?:(?:[a-z]+\s+)?(?:city|town|village)\s+of\s+)?$", re.I)

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
        "takfiris", "levant", "hezbollah", "hizbollah", "nusra", "qaeda", "taliban", "hamas",
        "kurdish", "ramadan", "eid", "christmas", "easter", "god", "allah", "internet",
        "facebook", "twitter", "telegram", "youtube", "whatsapp",
        # month abbreviations ("Nov. 09"; "Mar" is also a saint's title in place names)
        "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
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
QUALIFIERS = frozenset({"eastern", "western", "northern", "southern", "north", "south",
                         "east", "west", "upper", "lower", "greater", "central", "inner",
                         "outer", "northeastern", "northwestern", "southeastern",
                         "southwestern"})
#: Generic heads of Arabic place names ("Tell" = hill, "Ain" = spring, "Deir" = monastery):
#: part of a longer name, not the place it names.
HEADS = frozenset({"tell", "tall", "tal", "ain", "ayn", "ein", "deir", "dayr", "jisr",
                    "qarat", "kafr", "khirbet", "khirbat", "jabal", "jebel", "jabel", "wadi",
                    "bir", "ras", "umm", "abu", "beit", "bayt", "bab", "marj", "maarat",
                    "ma'arat", "qasr", "khan", "sheikh", "shaykh", "nahr", "mazraat", "hayy",
                    "harat", "mount", "lake", "river"})
#: Common given names: a phrase starting with one ("Ahmed Hassan") is a person.
GIVEN_NAMES = frozenset(
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
PERSON_BEFORE = re.compile(
    r"(?:[,”\"]\s*(?:said|says|added|asked)\s+|"
    r"\b(?:told|according to|quoted|quoting|spokes(?:man|woman|person)|"
    r"activist|resident|commander|leader|official|journalist|correspondent|reporter|"
    r"analyst|researcher|envoy|ambassador|minister|president|presidents|chief|director|"
    r"head|mr|mrs|ms|dr|prof|sir|madam|sheikh|imam|father|brother|sister|son|daughter|"
    r"wife|husband|nicknamed)\.?,?\s+|\b(?:pro|anti)-|\b(?:man|woman|boy|girl|child|person|"
    r"civilian|citizen|farmer|shepherd|driver|soldier|fighter|youth)\s+(?:called|named)\s+)$",
    re.I,
)
#: Someone's forces or aircraft: the name before them is an actor's ("al-Assad aircraft",
#: "X's forces"), not a place.
ACTOR_AFTER = re.compile(
    r"^(?:['’]s?)?\s+(?:regime|forces|troops|army|aircraft|warplanes|jets|air\s+force|"
    r"loyalists|militias?|supporters|soldiers|helicopters|government\s+forces)\b", re.I)
PERSON_AFTER = re.compile(
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
POINT_DESCRIPTORS = frozenset({"camp", "refugee camp", "idp camp", "displacement camp",
                                "garrison", "base", "air base", "airbase", "airport",
                                "hospital", "market", "mosque", "school", "crossing",
                                "border crossing"})
POINT_KINDS = frozenset({"camp", "military base", "border crossing", "airport"})
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
                               r"affiliated|born|made|supported|sponsored|majority|dominated|"
                               r"populated|inhabited|speaking|owned|funded|aligned|style)$",
                               re.I)
SEAT_BEFORE = re.compile(
    r"\b(?:controlled|held|backed|run|ruled|supported|governed|recognised|recognized|"
    r"sanctioned|accused|condemned|blamed|pressured|urged) by\s+(?:the\s+)?$"
    r"|\b(?:force|forced|urge|urged|ask|asked|called on|calls on|told|tell|pressure|press)\s+$",
    re.I,
)
SEAT_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:government|regime|authorities|administration|officials|leadership|"
    r"and its allies)\b",
    re.I,
)
CAPITAL_SPEAKS = re.compile(
    # round 12: an aside before the verb ("Damascus, however, maintains ...")
    r"^(?:,\s*(?:however|for its part|in turn|meanwhile|though|too)\s*,)?"
    r"\s+(?:(?:also|repeatedly|again|on \w+ occasions)\s+)*(?:has|have|had|said|says|"
    r"announced|accused|condemned|denied|warned|claimed|insisted|rejected|responded|stated|"
    r"blamed|demanded|vowed|threatened|protested|protests|maintains|maintained|insists|argues|"
    r"argued|accuses|denies|rejects|considers|considered|views|viewed|regards|regarded|"
    r"blames|demands|warns|claims)\b",
    re.I,
)
CONTAINER_LINK = re.compile(
    # round 6: whom a camp is for may come between ("X camp for Palestine refugees near Y")
    r"^,?\s+(?:for\s+(?:the\s+)?(?:(?:[A-Z][\w-]*|displaced|internally)\s+){0,3}(?:refugees|"
    r"people|persons|families|IDPs|civilians)\s+)?"
    r"(?:in|near|outside|close to|on the outskirts of|(?:north|south|east|west)"
    r"(?:east|west)? of|(?:in|on|at)\s+(?:the|a|an)\s+(?:[a-z]+(?:ern|ral)\s+)?"
    r"(?:suburbs?|outskirts|countryside|part|parts|edge|district|area|neighbou?rhood)\s+of)"
    # round 12: "near the northeast Syrian town of Derik"
    r",?\s+(?:the\s+)?(?:(?:[a-z]+ern\s+|(?:north|south)(?:east|west)?\s+|[A-Z][a-z]+\s+){0,2}"
    r"(?:city|town)\s+of\s+)?$",
    re.I,
)
_ADJECTIVES = (r"(?:(?:[a-z]+ern|rural|nearby|central|greater|besieged|embattled|"
               r"[a-z]+-(?:held|controlled|besieged|run))\s+)?")
LOCATIVE = re.compile(r"\b(?:in|at|near|on|of|from|to|into|outside|around|towards?|across|"
                       r"inside|through|over|between|via|beyond|within|throughout|against)\s+"
                       rf"(?:the\s+)?{_ADJECTIVES}$", re.I)
#: Verbs whose object is a place in conflict reports ("shelled Tell Rifaat").
ACTION = re.compile(
    r"\b(?:struck|hit|shelled|bombed|bombarded|pounded|targeted|attacked|raided|stormed|"
    r"captured|seized|recaptured|retook|besieged|overran|liberated|entered|reached|fled|"
    r"evacuated|encircled|surrounded|shelling|bombing|targeting|hitting|attacking|"
    r"storming|capturing|besieging|entering|reaching|fleeing|liberating)\s+"
    rf"(?:the\s+)?{_ADJECTIVES}$",
    re.I,
)
#: A name joined to a cued place before it: "in Idlib and Hama", "Azaz, Marea or Tell Rifaat".
COORDINATION = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?$")
COMMA_LINK = re.compile(r"^,\s+(?:in\s+)?(?:the\s+)?$")
AREA_DESCRIPTORS = frozenset({"province", "governorate", "district", "region"})


@lru_cache(maxsize=1)
def country_keys() -> tuple[dict[str, str], frozenset[str]]:
    """Country names -> ISO code, and the national capitals, keyed by :func:`basic_key`."""
    names = {basic_key(name): code for name, code in country_spellings().items()}
    return names, frozenset(basic_key(c) for c in country_capitals())


def country_code(name: str) -> str:
    """ISO code of a country name or demonym ("Syria", "Syrian"), else ""."""
    key = basic_key(name)
    return country_keys()[0].get(key) or _DEMONYMS.get(key, "")


@lru_cache(maxsize=1)
def _derived_demonyms() -> frozenset[str]:
    """Adjectives formed on one-word country names: Syria-n, Iraq-i, Leban-ese, Turk-ish."""
    out: set[str] = set()
    for name in country_keys()[0]:
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
    return frozenset(out - set(country_keys()[0]))


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
    counts = country_counts(text, places_only=True)
    # round 14: a country named only as an actor ("Russian reconciliation center", "Russian
    # forces") is no place the report is about: the countries named as places rank first
    places = country_counts(text, places_only=True, actors=False)
    top = sorted(((places[c], counts[c], c) for c in places), reverse=True)[:2]
    if not top or (len(top) == 2 and top[0][:2] == top[1][:2]):
        return ""  # none, or a tie: the report's places decide (see the pipeline)
    return top[0][2]


#: A country word before these is an actor or a body, not where things happen ("US
#: airstrikes", "Turkish Armed Forces", "the Syrian Observatory", "Russian jets"): it weighs
#: half as much in the focus country (a government's own forces still hint at the country).
_ACTOR_NEXT = re.compile(
    r"(?:['’]s)?[\s-]+(?:(?:air|armed|special|government|state|backed|led|security)[\s-]+)?"
    r"(?:air[\s-]?strikes?|air[\s-]?raids?|air|forces?|army|troops|military|soldiers|"
    r"coalition|jets?|warplanes?|aircraft|planes|drones?|helicopters?|artillery|navy|"
    r"officials?|media|government|administration|authorities|embassy|envoy|president|"
    r"ministry|defen[cs]e|observatory|news|television|tv|agency|intelligence|"
    r"led|backed|allied|supported|sponsored|based|(?:reconciliation\s+)?cent(?:er|re)"
    # round 12: an attacker's deed ("Turkish shelling", "Turkish-made drones", "Turkey's
    # airstrike campaign", "Turkey has executed 60 drone strikes")
    r"|shelling|shells|bombardments?|strikes?|attacks?|raids?|made|occupation|incursions?|"
    r"offensives?|operations?|proxies|mercenaries|factions|militias)\b"
    r"|^\s+(?:has|have|had)\s+(?:also\s+|now\s+)?(?:executed|launched|carried\s+out|"
    r"conducted|struck|bombed|shelled|targeted|attacked|killed|fired)\b", re.I)


#: Round 12: a country's possessive before its deed ("Turkey's January 12th-15th airstrike
#: campaign"): an actor.
_POSSESSIVE_DEED = re.compile(r"^\s+(?:[\w-]+\s+){0,2}?(?:air[\s-]?strikes?|drone|missile|"
                              r"military|artillery)\s+(?:campaign|strikes?|attacks?|operations?|"
                              r"offensive)\b", re.I)


#: Round 13: a country named by its border ("near the Lebanon border", "across the border
#: into Lebanon") bounds the report's places: it is no place where things happen.
_BORDER_NEXT = re.compile(r"^(?:['’]s)?\s+(?:border|frontier)s?\b", re.I)
_BORDER_BEFORE = re.compile(r"\b(?:border|frontier)s?\s+(?:with|into|of|to)\s+(?:the\s+)?$", re.I)


def country_counts(text: str, places_only: bool = False, actors: bool = True) -> Counter[str]:
    """How often each country is named, by name or demonym ("Syria", "Syrian").

    Parameters
    ----------
    text : str
    places_only : bool
        Weigh a country word naming an actor or a body ("US airstrikes", "Turkish Armed
        Forces", "the Syrian Observatory") half as much as one naming a place: for the
        country a report is about.
    actors : bool
        With ``places_only``, False counts only the mentions naming a place (round 14).

    Returns
    -------
    collections.Counter
        ISO alpha-2 code -> count.
    """
    counts: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        for token in re.finditer(r"\S+", match.group()):
            code = country_code(token.group().replace("’s", "").replace("'s", ""))
            after = text[match.start() + token.end():match.start() + token.end() + 40]
            if code:
                deed = token.group().endswith(("'s", "’s")) and _POSSESSIVE_DEED.match(after)
                before = text[max(0, match.start() + token.start() - 30):
                              match.start() + token.start()]
                if places_only and (_BORDER_NEXT.match(after) or _BORDER_BEFORE.search(before)):
                    continue  # round 13: "the Lebanon border" bounds the report's places
                actor = places_only and bool(_ACTOR_NEXT.match(after) or deed)
                if actors or not actor:
                    counts[code] += 1 if not places_only or actor else 2
        code = country_code(match.group())
        if code and " " in match.group() and actors:
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
            if lower in QUALIFIERS:  # "Eastern Ghouta": part of a name, never one alone
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
    phrases = [p for p in phrases if any(w.lower() not in QUALIFIERS for w in p[2].split())]
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

#: What after a sentence-initial name makes it a dateline: "TEHRAN (Tasnim) –",
#: "BEIRUT —", "Aleppo, SANA –", "ERBIL, Kurdistan Region —", "Baku, Azerbaijan, Jan. 17".
DATELINE_AFTER = re.compile(
    r"^\)?\s*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s*)?(?:\([^)]{1,40}\)\s*)?"
    r"(?:[-–—−:]|,\s*(?:SANA|AFP|Reuters|AP|ST|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|"
    r"Dec)[a-z]*)\b|,\s*\w+,\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
    r"|\s*$)"
)
#: Words after a name that make it a region ("Hama Governorates", "Deir Ezzor northeastern
#: countryside", "Idlib and Hama provinces", "Idleb, Aleppo and Lattakia governorates").
REGION_AFTER = re.compile(
    r"^(?:(?:,|,?\s+and)\s+(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?)*\s+"
    r"(?:[a-z]+ern\s+|rural\s+)?"
    r"(?:provinces?|governorates?|regions?|countryside)\b", re.I)
#: A compass adjective before a bare name: "western Idleb", "eastern Deir Ezzor".
REGION_BEFORE = re.compile(
    r"\b(?:(?:north|south)(?:-?(?:east|west))?ern|eastern|western|rural|the\s+countryside\s+of|"
    r"(?:province|governorate|region)\s+of)\s+(?:the\s+)?$", re.I)
#: A distance or bearing before a name: "26km (16 miles) west of", "to the east of",
#: "south-east of", "15 miles southwest of central" -- the name is a reference point.
REFERENCE_BEFORE = re.compile(
    r"(?P<offset>(?:\b\d+(?:[.,]\d+)?\s*(?:km|kilomet(?:er|re)s?|miles?)\b\s*(?:\([^)]{0,20}\)\s*)?)?"
    r"(?:to\s+the\s+)?\b(?:north|south|east|west)(?:[- ]?(?:north|south|east|west))?(?:east|west)?"
    r"(?:ern)?\s+(?:of|from)\s+(?:the\s+)?(?:(?:[\w-]+\s+){0,4}?(?:city|town|village|capital)"
    r"\s+of\s+"
    r"|central\s+)?)$",
    re.I)
#: "from X": where people or fire came from, not where the event happened.
ORIGIN_BEFORE = re.compile(
    r"\bfrom\s+(?:the\s+|nearby\s+|neighbouring\s+|neighboring\s+)*(?:[a-z]+\s+){0,2}?"
    r"(?:(?:city|town|village|province|governorate|area|camp)\s+of\s+)?$")
#: "fled to X", "evacuated to X", "heading towards X": where people went.
DESTINATION_BEFORE = re.compile(
    r"\b(?:fled|flee|fleeing|escaped?|escaping|evacuated|transferred|taken|moved|relocated|"
    r"returned|headed|heading|sent|journey|trek|deported|went|travel\w*|repatriat\w*|"
    r"displaced|forced|returns?|returning)\b[^.;:]{0,40}?\b(?:to|towards?|into)"
    r"\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:(?:homes?|houses?|villages?|towns?|areas?|"
    r"communities|places)\s+(?:of\s+origin\s+)?(?:in|of)\s+(?:the\s+)?)?$",
    re.I)
#: After a name: a number, "is Being ...": an outlet or a group ("DeirEzzor 24",
#: "Raqqa is Being Slaughtered Silently").
ORGANISATION_AFTER = re.compile(
    r"^(?:\s+\d{1,3}\b(?!\s*(?:km|kilomet|mile|%|people|civilians|dead|killed))|"
    r"\s+is\s+Being\s+[A-Z]|\s+(?:Media|News|Net|Network|Online|Post|Times|Today|Press|Agency|TV|"
    r"Radio|FM)\b|"
    r"\s+(?:newspaper|daily|radio|television|channel)\b)")
