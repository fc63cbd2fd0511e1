"""Place strings as datasets write them: a name, a feature kind and an honest precision.

Real datasets seldom write a bare name. UCDP writes "Teir Maaleh village",
"Tadmur/Palmyra town", "Izz ad-Din (Ezzeddin) village", "Aleppo countryside",
"Shair gas field"; reports write "near Raqqa" or "10 km west of Tabqa". This module
splits such a string into

* the names it offers for lookup (both sides of "A/B" and "A (B)", in order),
* the feature kind a suffix word says (village, town, camp, suburb ...), and whether
  it is a facility (airbase, brigade, oil or gas field, dam, crossing, checkpoint ...),
  a terrain feature or a region, and
* the precision a point for it can honestly carry: "countryside" and "province" mean
  a region (3); "district", "outskirts", "near X" and "N km west of X" mean
  approximate (2).

Generic words alone ("village", "the city") are no name at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding.names import basic_key

if TYPE_CHECKING:  # Arrow compute kernels are loaded by plain_mask only
    import pyarrow as pa

#: Suffix words that say what kind of populated place or area a name is, and the
#: precision a point for it carries.
SETTLEMENT_WORDS: dict[str, tuple[str, int]] = {
    "village": ("village", 1), "villages": ("village", 1), "villge": ("village", 1),
    "villae": ("village", 1), "hamlet": ("village", 1), "farm": ("farm", 1),
    "farms": ("farm", 1), "town": ("town", 1), "city": ("city", 1), "camp": ("camp", 1),
    "suburb": ("suburb", 1), "neighbourhood": ("neighbourhood", 1),
    "neighborhood": ("neighbourhood", 1), "quarter": ("neighbourhood", 1),
    "district": ("district", 2), "subdistrict": ("district", 2),
    "sub-district": ("district", 2), "outskirts": ("outskirts", 2), "area": ("area", 2),
    "countryside": ("countryside", 3), "province": ("province", 3),
    "governorate": ("governorate", 3), "region": ("region", 3),
}
#: Words that make a name a facility, with the kind they name.
FACILITY_WORDS: dict[str, str] = {
    "airbase": "airbase", "air base": "airbase", "airport": "airbase", "airfield": "airbase",
    "heliport": "airbase", "base": "military base", "brigade": "brigade",
    "regiment": "brigade", "battalion": "brigade", "division": "brigade",
    "oil field": "oil field", "oil fields": "oil field", "gas field": "gas field",
    "gas fields": "gas field", "field": "oil or gas field", "fields": "oil or gas field",
    "dam": "dam", "reservoir": "dam", "crossing": "crossing", "border crossing": "crossing",
    "checkpoint": "checkpoint", "prison": "prison", "factory": "factory",
    "plant": "plant", "power plant": "plant", "station": "station", "academy": "academy",
    "college": "academy", "complex": "complex", "silos": "silos", "mills": "mills",
}
#: Words that make a name a terrain feature or a line (not a settlement).
TERRAIN_WORDS: dict[str, str] = {
    "mountain": "mountain", "mountains": "mountain", "hill": "hill", "hills": "hill",
    "plain": "plain", "river": "river", "valley": "valley", "range": "mountain",
    "highway": "road", "road": "road", "border": "border", "desert": "desert",
}
_GENERIC = frozenset({
    "village", "villages", "town", "city", "the city", "the town", "the village", "area",
    "the area", "region", "the region", "camp", "the camp", "countryside", "district",
    "province", "governorate", "suburb", "neighbourhood", "neighborhood", "outskirts",
    "base", "airport", "border", "checkpoint", "the border", "downtown", "centre",
    "center", "city centre", "city center", "here", "there", "nearby", "the countryside",
    "the north", "the south", "the east", "the west", "north", "south", "east", "west",
})
_DIRECTIONS = ("north", "south", "east", "west", "northeast", "northwest", "southeast",
               "southwest", "north-east", "north-west", "south-east", "south-west")
_DISTANCE = re.compile(
    r"^(?:about\s+|some\s+|around\s+)?(\d+(?:[.,]\d+)?)\s*(?:km|kms|kilometers|kilometres|mi"
    r"|miles)\s+(?:to\s+the\s+)?(" + "|".join(_DIRECTIONS) + r")(?:ern)?\s+of\s+(.+)$",
    re.IGNORECASE,
)
_NEAR = re.compile(r"^(?:near|around|close to|outside|on the outskirts of|outskirts of|"
                   r"vicinity of|in the vicinity of|the outskirts of)\s+(.+)$", re.IGNORECASE)
_OF_REGION = re.compile(r"^(?:the\s+)?(countryside|outskirts|province|suburbs?|"
                        r"governorate|district)\s+of\s+(.+)$", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
_DIRECTION_PREFIX = re.compile(r"^(?:the\s+)?(?:north|south)?-?(?:east|west)?(?:ern)?\s+",
                               re.IGNORECASE)


@dataclass(frozen=True)
class ParsedPlace:
    """What a place string says.

    Attributes
    ----------
    text : str
        The string as given.
    names : tuple of str
        Names to look up, most specific first (both sides of "A/B" and "A (B)").
    kind : str
        Feature kind the string says ('' when it says none): village, town, camp,
        countryside, airbase, gas field ...
    feature_class : str
        ``settlement``, ``facility``, ``terrain``, ``region`` or ``''``.
    precision : int
        The finest precision a point for it may carry (1 exact, 2 approximate, 3 region).
    relation : str
        ``near`` or ``distance`` when the string places something relative to the
        name, else ''.
    direction : str
        The part of the place a direction word names ("Northern Aleppo Governorate":
        ``north``), else ''.
    """

    text: str
    names: tuple[str, ...]
    kind: str = ""
    feature_class: str = ""
    precision: int = 1
    relation: str = ""
    direction: str = ""

    @property
    def generic(self) -> bool:
        """True when nothing in the string names a place."""
        return not self.names

    @property
    def facility(self) -> bool:
        """True for airbases, brigades, oil and gas fields, dams, crossings ..."""
        return self.feature_class == "facility"

    @property
    def canonical(self) -> str:
        """``"<first name> <kind>"`` for a facility (its lookup form), else the first name."""
        if not self.names:
            return ""
        return f"{self.names[0]} {self.kind}" if self.facility else self.names[0]


def is_generic(text: str) -> bool:
    """True for words that describe a place without naming one ("village", "the city")."""
    key = basic_key(text)
    return not key or key in _GENERIC or key.removeprefix("the ") in _GENERIC


#: Words that may make a string more than a plain name (anything the parser reads).
_MARKER_WORDS = frozenset(
    {w for phrase in (*SETTLEMENT_WORDS, *FACILITY_WORDS, *TERRAIN_WORDS, *_GENERIC)
     for w in phrase.split()}
    | set(_DIRECTIONS) | {d + "ern" for d in _DIRECTIONS}
    | {"near", "around", "close", "outside", "outskirts", "vicinity", "of", "the", "about",
       "some", "km", "kms", "kilometers", "kilometres", "mi", "miles", "suburbs", "brigade",
       "regiment", "battalion", "division"}
)
_NOT_PLAIN = re.compile(r"[/()\d\u2013]")


def _plain(raw: str) -> bool:
    """True when the parser would read ``raw`` as one bare name (a fast test)."""
    if _NOT_PLAIN.search(raw) or raw != raw.strip(" -,") or not raw:
        return False
    return not any(w.lower().strip(".,;:") in _MARKER_WORDS for w in raw.split())


# Anything the parser reads beyond one bare name: str.split() whitespace other than single
# spaces, edge spaces, hyphens or commas, "/", parentheses, "–", digits of any script,
# and the four letters Python's case-insensitive matching equates with ASCII ones.
_NOT_BARE = (r"[\x09-\x0d\x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
             r"\x{202f}\x{205f}\x{3000}]|  |^[ ,-]|[ ,-]$|[/()\x{2013}]|\p{Nd}"
             r"|[\x{130}\x{131}\x{17f}\x{212a}]")


def _marker_pattern() -> str:
    words = "|".join(re.escape(w) for w in sorted(_MARKER_WORDS, key=len, reverse=True))
    return rf"(?i)(?:^| )[.,;:]*(?:{words})[.,;:]*(?: |$)"


_MARKERS_RE2 = _marker_pattern()


def plain_mask(texts: pa.Array) -> np.ndarray:
    """Which strings :func:`parse_place` reads as one bare name, unchanged (vectorised).

    True only when ``parse_place(t) == ParsedPlace(t, (t,))``: single spaces, no edge
    space, hyphen or comma, none of ``/ ( ) –`` nor digits, no word the parser reads
    (Arrow's RE2 kernels over all strings at once); a string beyond ASCII must also
    not be a generic word ("vïllage"). False says nothing (parse the string).

    Parameters
    ----------
    texts : pyarrow.Array
        Strings (nulls allowed: False).

    Returns
    -------
    numpy.ndarray of bool
    """
    import pyarrow.compute as pc

    if len(texts) == 0:
        return np.zeros(0, dtype=bool)
    ok = pc.and_(pc.greater(pc.utf8_length(texts), 0),
                 pc.invert(pc.match_substring_regex(texts, _NOT_BARE)))
    ok = pc.and_(ok, pc.invert(pc.match_substring_regex(texts, _MARKERS_RE2)))
    mask = np.asarray(ok.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    ascii_ = np.asarray(pc.string_is_ascii(texts).fill_null(False).to_numpy(
        zero_copy_only=False), dtype=bool)
    for i in np.flatnonzero(mask & ~ascii_).tolist():
        mask[i] = not is_generic(texts[i].as_py())
    return mask


def parse_place(text: str) -> ParsedPlace:
    """Split a place string into names, a feature kind and a precision.

    Parameters
    ----------
    text : str
        A place as a dataset or report writes it.

    Returns
    -------
    ParsedPlace

    Examples
    --------
    >>> parse_place("Tadmur/Palmyra town").names
    ('Tadmur', 'Palmyra')
    >>> parse_place("Aleppo countryside").precision
    3
    """
    raw = " ".join(str(text).split())
    if raw.isascii() and _plain(raw):
        return ParsedPlace(text, (raw,))  # a bare name: nothing for the parser to split
    raw = raw.replace("\u2013", "-")
    if is_generic(raw):
        return ParsedPlace(text, ())
    relation, precision, body = "", 1, raw
    match = _DISTANCE.match(body)
    if match:
        relation, precision, body = "distance", 2, match.group(3)
    else:
        near = _NEAR.match(body)
        if near:
            relation, precision, body = "near", 2, near.group(1)
    kind, feature_class = "", ""
    region = _OF_REGION.match(body)
    if region:
        word = region.group(1).lower().rstrip("s")
        kind, word_precision = SETTLEMENT_WORDS.get(word, (word, 2))
        precision = max(precision, word_precision)
        feature_class = "region" if word_precision == 3 else "settlement"
        body = region.group(2)
    direction = ""
    prefix = _DIRECTION_PREFIX.match(body)
    last = body.split()[-1].lower() if body.split() else ""
    if prefix and prefix.group(0).strip() and len(body.split()) > 2 and \
            SETTLEMENT_WORDS.get(last, ("", 1))[1] >= 2:
        word = prefix.group(0).lower().replace("the ", "").strip()
        direction = word.removesuffix("ern").replace("-", "")
        body = body[prefix.end():]
    inner = [m.strip() for m in _PAREN.findall(body)]
    body = _PAREN.sub(" ", body)
    pieces = [p.strip() for p in re.split(r"\s*/\s*", body) if p.strip()]
    names: list[str] = []
    for piece in [*pieces, *inner]:
        core, piece_kind, piece_class, piece_precision = _strip_kind(piece)
        if piece_kind and not kind:
            kind, feature_class = piece_kind, piece_class
        if piece_kind:
            precision = max(precision, piece_precision)
        if core and not is_generic(core) and core not in names:
            names.append(core)
    return ParsedPlace(text, tuple(names), kind, feature_class, precision, relation,
                       direction)


def _strip_kind(piece: str) -> tuple[str, str, str, int]:
    """``(core name, kind, feature class, precision)`` of one name with its suffix word."""
    words = piece.split()
    lower = [w.lower().strip(".,;:") for w in words]
    for size in (2, 1):
        if len(words) <= size - 1:
            continue
        tail = " ".join(lower[-size:])
        head = " ".join(words[:-size]).strip(" -,")
        if tail in FACILITY_WORDS:
            return _facility_core(head, words), FACILITY_WORDS[tail], "facility", 1
        if size == 1 and tail in SETTLEMENT_WORDS and head:
            kind, precision = SETTLEMENT_WORDS[tail]
            feature_class = "region" if precision == 3 else "settlement"
            return head, kind, feature_class, precision
        if size == 1 and tail in TERRAIN_WORDS and head:
            return head, TERRAIN_WORDS[tail], "terrain", 2
    for i, word in enumerate(lower):
        if word in ("brigade", "regiment", "battalion", "division") and i < len(words) - 1:
            return " ".join(words), FACILITY_WORDS[word], "facility", 1
    if lower and lower[0] in ("brigade", "regiment", "battalion"):
        return " ".join(words), "brigade", "facility", 1
    return piece.strip(" -,"), "", "", 1


def _facility_core(head: str, words: list[str]) -> str:
    """The name of a facility without its qualifiers ("Tiyas Military" -> "Tiyas")."""
    core = re.sub(r"\b(?:military|army|air defen[cs]e|international|thermal|army armored "
                  r"vehicle)\b", " ", head, flags=re.IGNORECASE)
    core = " ".join(core.split())
    return core or " ".join(words)
