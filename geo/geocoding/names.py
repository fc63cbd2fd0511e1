"""Normalising place names as reports write them into comparable keys.

Three levels, each looser than the one before:

``basic_key``
    case, diacritics, Unicode forms, ʿayn/hamza marks and punctuation removed
    ("Ash Sha'fah" -> "ash shafah").
``name_key``
    also the Arabic article (joined, hyphenated or apart, assimilated or not),
    generic words ("city", "town"), spaces, doubled letters and the common
    transliteration variants (ou/u/oo, ee/i, ei/ay/ey, q/k, dh/z, j/dj/g,
    -ah/-a/-eh) folded ("Deir ez-Zor", "Dayr az Zawr" -> "dayrzur", "dayrzawr").
``skeleton_key``
    the consonants of ``name_key`` only, with an initial vowel kept as "a"
    ("Dayr az Zawr", "Deir Ezzor" -> "drzr"). Many places share a skeleton, so a
    skeleton match is only a candidate, to be scored by the geocoder.

Arabic script goes through the same levels with its own folding (alef forms,
taa marbuta, yaa/alef maqsura, hamza carriers, tatweel, harakat, the article).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # Arrow compute kernels are loaded by the bulk functions only
    import pyarrow as pa

_APOSTROPHES = "'`\u2018\u2019\u02bf\u02be\u02bb\u02bc\u00b4\u2032\u02b9\u02c8"
_MARKS = str.maketrans("", "", _APOSTROPHES)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0629": "\u0647",  # taa marbuta -> haa
        "\u0649": "\u064a",  # alef maqsura -> yaa
        "\u06cc": "\u064a",  # Farsi yeh -> yaa
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0640": None,  # tatweel
    }
)
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")
_ARABIC_CHAR = re.compile("[\u0600-\u06ff]")
_ARABIC_HAMZA = str.maketrans({"\u0624": "\u0648", "\u0626": "\u064a", "\u0621": None})
_ARABIC_WEAK = str.maketrans({"\u0627": None, "\u0648": None, "\u064a": None})
_ARABIC_ARTICLE = re.compile(r"(?:^|(?<=\s))\u0627\u0644(?=\S{2})")
_ARABIC_GENERIC = frozenset({"مدينه", "بلده", "قريه"})  # city, town, village

#: Arabic article forms, written apart or hyphenated ("al Raqqa", "ad-Dir").
_ARTICLE_WORDS = frozenset({"al", "el", "il", "ul"})
#: Assimilated article forms and the consonant the next word must start with.
_SUN_ARTICLES: dict[str, str] = {
    f"{vowel}{cons}": cons
    for vowel in "aeiu"
    for cons in ("t", "th", "d", "dh", "r", "z", "s", "sh", "n", "l")
}
# A joined article: "alRaqqa", "adDir" (camel case), "Arraqqa", "Ezzor" (doubled
# sun letter), "al" glued to a consonant ("Albukamal").
_CAMEL_ARTICLE = re.compile(r"\b([AaEe](?:l|[tdrzsn]h?))(?=[A-Z][a-z])")
_JOINED_SUN = re.compile(r"^[ae](sh|th|dh|[tdrzsn])(?=\1[a-z]{2})")
_JOINED_AL = re.compile(r"^[ae]l(?=[bcdfghjklmnpqrstvwxz][a-z]*[aeiouy][a-z]*$)")
#: English words that describe a place rather than name it.
_GENERIC_WORDS = frozenset({"city", "town", "village", "the"})

# Transliteration variants folded by name_key, in one left-to-right pass (the
# alternatives are tried in this order at each position).
_FOLD_MAP: dict[str, str] = {
    "dsch": "j", "tch": "j", "dj": "j", "ch": "sh", "gh": "gh", "dh": "z", "ph": "f",
    "ck": "k", "ee": "i", "ie": "i", "ei": "ay", "ey": "ay", "ai": "ay", "ay": "ay",
    "ou": "u", "oo": "u", "g": "j", "q": "k", "c": "k", "o": "u", "w": "u", "e": "a",
}
_FOLD = re.compile(
    r"dsch|tch|dj|ch|gh|dh|ph|ck|ee|ie|ei|ey|ai|ay|ou|oo|g|q|c(?=[aou])|o|w(?=[^aeiouy]|$)|e"
)
_DOUBLE = re.compile(r"(.)\1+")
# Plain dicts rather than functools.lru_cache: lru_cache keeps a linked-list node per entry
# that the cycle collector must visit; these are emptied whenever they fill up instead.
_CACHE_SIZE = 131_072
_KEY_CACHE: dict[str, tuple[str, str, str]] = {}
_WORD_CACHE: dict[str, str] = {}
# The -iyya ending as Levantine French and English spellings write it: -ieh, -iah, -ie.
_NISBA = re.compile(r"(?<=[a-z]{2})i(?:eh|ah|e)$")
_ENDING = re.compile(r"(?<=[a-z]{2})ah?$")
_VOWELS = re.compile(r"[aeiouyw]+")


def is_arabic(text: str) -> bool:
    """Return True when ``text`` contains Arabic-script letters."""
    return _ARABIC_CHAR.search(text) is not None


def fold_arabic(text: str) -> str:
    """Fold Arabic-script spelling variants (alef forms, taa marbuta, harakat).

    Parameters
    ----------
    text : str
        A name in Arabic script.

    Returns
    -------
    str
        The name without harakat and tatweel, its letter variants folded, and a
        leading definite article ``ال`` removed.
    """
    out = _HARAKAT.sub("", unicodedata.normalize("NFKC", text)).translate(_ARABIC_FOLD)
    out = re.sub(r"\s+", " ", out).strip()
    return re.sub(r"^\u0627\u0644", "", out)


def basic_key(name: str) -> str:
    """Return a case-, diacritic- and punctuation-insensitive key for ``name``.

    Parameters
    ----------
    name : str
        A place name as written.

    Returns
    -------
    str
        Lower-case ASCII letters and single spaces (Arabic script is folded instead).
    """
    if is_arabic(name):
        return fold_arabic(name)
    return _latin_words(name.lower())


_SEARCH_SPLIT = re.compile(r"[^a-z0-9\u0621-\u064a\u0660-\u0669]+")


def search_key(text: str) -> str:
    """Return a key of free text for substring search, whatever its mix of scripts.

    Latin letters lose case and diacritics, Arabic script is folded as in
    :func:`fold_arabic` (without removing the article), punctuation becomes single
    spaces: "AirWars", "airwars" and "Airwars (ايروورز)" all contain "airwars".

    Parameters
    ----------
    text : str
        Any text (a field of an incident, or a search term).

    Returns
    -------
    str
    """
    if text.isascii():
        return " ".join(_SEARCH_SPLIT.sub(" ", text.lower().translate(_MARKS)).split())
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", folded)
    if is_arabic(folded):
        folded = _HARAKAT.sub("", folded).translate(_ARABIC_FOLD)
    folded = folded.replace("ı", "i").replace("ß", "ss").replace("ø", "o").replace("đ", "d")
    return " ".join(_SEARCH_SPLIT.sub(" ", folded.translate(_MARKS)).split())


def name_key(name: str) -> str:
    """Return the normalised key of ``name``: equal for transliteration variants.

    Parameters
    ----------
    name : str
        A place name as written, in Latin or Arabic script.

    Returns
    -------
    str
        Letters only, no spaces; "" when nothing is left.

    Examples
    --------
    >>> name_key("Ar-Raqqah") == name_key("al Raqqa") == name_key("Raqqa")
    True
    """
    return _keys(name)[1]


def skeleton_key(name: str) -> str:
    """Return the consonant skeleton of ``name``: a loose, collision-prone key.

    Parameters
    ----------
    name : str
        A place name as written, in Latin or Arabic script.

    Returns
    -------
    str
        Consonants of :func:`name_key`, an initial vowel written as "a".
    """
    return _keys(name)[2]


def clear_caches() -> None:
    """Forget the keys computed so far (they are cached per name and per word)."""
    _KEY_CACHE.clear()
    _WORD_CACHE.clear()


def name_keys(name: str) -> tuple[str, str, str]:
    """Return ``(basic_key, name_key, skeleton_key)`` of ``name`` in one pass.

    Parameters
    ----------
    name : str
        A place name as written.

    Returns
    -------
    tuple of str
    """
    return _keys(name)


# _CAMEL_ARTICLE without its lookahead, for Arrow's RE2 (same strings match).
_CAMEL_RE2 = r"\b[AaEe](?:l|[tdrzsn]h?)[A-Z][a-z]"


def name_keys_many(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(basic_key, name_key)`` of many names at once, equal to :func:`name_keys`'.

    ASCII names (the bulk of any dataset) are keyed in Arrow compute kernels: the
    words of all names are split, their articles and generic words dropped, each
    distinct word folded once, the folded words joined and doubled letters collapsed
    over one byte buffer. Other names (other scripts, diacritics, camel-case
    articles) go through :func:`name_keys`.

    Parameters
    ----------
    names : sequence of str

    Returns
    -------
    tuple of list of str
        Basic keys and normalised keys, aligned with ``names``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(names)
    basic_out = [""] * n
    norm_out = [""] * n
    if not n:
        return basic_out, norm_out
    array = pa.array(names, type=pa.large_string())
    vector = pc.and_(pc.string_is_ascii(array),
                     pc.invert(pc.match_substring_regex(array, _CAMEL_RE2)))
    vector_mask = np.asarray(vector.to_numpy(zero_copy_only=False), dtype=bool)
    for i in np.flatnonzero(~vector_mask).tolist():
        basic_out[i], norm_out[i], _ = _keys(names[i])
    chosen = np.flatnonzero(vector_mask)
    if not len(chosen):
        return basic_out, norm_out
    basic = pc.ascii_lower(array.take(pa.array(chosen)))
    basic = pc.replace_substring_regex(basic, "['`]", "")
    basic = pc.utf8_trim(pc.replace_substring_regex(basic, "[^a-z0-9]+", " "), " ")
    norm = _norm_keys_ascii(basic)
    for i, b, k in zip(chosen.tolist(), basic.to_pylist(), norm, strict=True):
        basic_out[i], norm_out[i] = b, k
    return basic_out, norm_out


def _norm_keys_ascii(basic: pa.Array) -> list[str]:
    """:func:`name_key` of basic keys of ASCII names without camel-case articles."""
    import pyarrow as pa
    import pyarrow.compute as pc

    words = pc.split_pattern(basic, " ")
    flat = pc.list_flatten(words)
    parent = np.asarray(pc.list_parent_indices(words).to_numpy(), dtype=np.int64)
    length = np.asarray(pc.list_value_length(words).to_numpy(), dtype=np.int64)
    encoded = pc.dictionary_encode(flat).combine_chunks() if isinstance(
        flat, pa.ChunkedArray) else pc.dictionary_encode(flat)
    code = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)
    vocabulary = encoded.dictionary.to_pylist()
    starts = np.cumsum(length) - length
    position = np.arange(len(flat), dtype=np.int64) - starts[parent]
    has_next = position < length[parent] - 1
    nxt = np.where(has_next, np.roll(code, -1), 0)
    prefixes: dict[str, int] = {}

    def prefix_code(text: str) -> int:
        return prefixes.setdefault(text, len(prefixes))

    first1 = np.array([prefix_code(w[:1]) for w in vocabulary], dtype=np.int64)
    first2 = np.array([prefix_code(w[:2]) for w in vocabulary], dtype=np.int64)
    sun = np.array([prefix_code(_SUN_ARTICLES[w]) if w in _SUN_ARTICLES else -1
                    for w in vocabulary], dtype=np.int64)
    sun_len = np.array([len(_SUN_ARTICLES.get(w, "")) for w in vocabulary], dtype=np.int64)
    article = np.array([w in _ARTICLE_WORDS for w in vocabulary], dtype=bool)
    generic = np.array([w in _GENERIC_WORDS for w in vocabulary], dtype=bool)
    sun_hit = ((sun_len[code] == 1) & (first1[nxt] == sun[code])) | (
        (sun_len[code] == 2) & (first2[nxt] == sun[code]))
    drop = (has_next & (article[code] | sun_hit)) | (generic[code] & (length[parent] > 1))
    kept = np.flatnonzero(~drop)
    folded = pa.array([_fold_word(w) for w in vocabulary], type=pa.large_string())
    counts = np.bincount(parent[kept], minlength=len(length))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(
        pa.array(offsets), folded.take(pa.array(code[kept]))), pa.scalar("", pa.large_string()))
    return _collapse_doubles(joined)


def _collapse_doubles(keys: pa.Array) -> list[str]:
    """Runs of one character become one (``_DOUBLE``), over the ASCII bytes of all keys."""
    import pyarrow as pa

    keys = keys.cast(pa.large_string())
    offsets = np.frombuffer(keys.buffers()[1], dtype=np.int64)[
        keys.offset:keys.offset + len(keys) + 1]
    data = np.frombuffer(keys.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]] \
        if keys.buffers()[2] is not None else np.zeros(0, dtype=np.uint8)
    offsets = offsets - offsets[0]
    keep = np.ones(len(data), dtype=bool)
    if len(data) > 1:
        keep[1:] = data[1:] != data[:-1]
    keep[offsets[:-1][offsets[:-1] < len(data)]] = True  # each key's first byte stays
    kept_before = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
    new_offsets = kept_before[offsets]
    collapsed = pa.LargeStringArray.from_buffers(
        len(keys), pa.py_buffer(new_offsets), pa.py_buffer(data[keep].tobytes()))
    return collapsed.to_pylist()


def _keys(name: str) -> tuple[str, str, str]:
    cached = _KEY_CACHE.get(name)
    if cached is None:
        if len(_KEY_CACHE) >= _CACHE_SIZE:
            _KEY_CACHE.clear()
        cached = _KEY_CACHE[name] = _compute_keys(name)
    return cached


def _compute_keys(name: str) -> tuple[str, str, str]:
    if is_arabic(name):
        return (fold_arabic(name), *_arabic_keys(name))
    basic = _latin_words(name.lower())
    if _CAMEL_ARTICLE.search(name):
        words = _latin_words(_CAMEL_ARTICLE.sub(r"\1 ", name).lower()).split()
    else:
        words = basic.split()
    kept: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt and _is_article(word, nxt):
            continue
        if word in _GENERIC_WORDS and len(words) > 1:
            continue
        kept.append(_fold_word(word))
    key = "".join(kept)
    key = _DOUBLE.sub(_first, key)
    return basic, key, _skeleton(key)


def _is_article(word: str, nxt: str) -> bool:
    if word in _ARTICLE_WORDS:
        return True
    cons = _SUN_ARTICLES.get(word)
    return cons is not None and nxt.startswith(cons)


def _fold_word(word: str) -> str:
    cached = _WORD_CACHE.get(word)
    if cached is None:
        if len(_WORD_CACHE) >= _CACHE_SIZE:
            _WORD_CACHE.clear()
        cached = _WORD_CACHE[word] = _compute_fold_word(word)
    return cached


def _compute_fold_word(word: str) -> str:
    word = _NISBA.sub("iya", _JOINED_SUN.sub("", word))
    if len(word) > 3:
        word = _JOINED_AL.sub("", word)
    word = _FOLD.sub(_fold_match, word)
    return _ENDING.sub("a", _DOUBLE.sub(_first, word))


def _first(match: re.Match[str]) -> str:
    return match.group(1)


def _fold_match(match: re.Match[str]) -> str:
    return _FOLD_MAP[match.group()]


def _skeleton(key: str) -> str:
    if not key:
        return ""
    head = "a" if key[0] in "aeiou" else ""
    return head + _VOWELS.sub("", key)


def _latin_words(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.replace("ı", "i").replace("ß", "ss").replace("ø", "o").replace("đ", "d")
    text = text.translate(_MARKS)
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def _arabic_keys(name: str) -> tuple[str, str]:
    text = _HARAKAT.sub("", unicodedata.normalize("NFKC", name)).translate(_ARABIC_FOLD)
    text = _ARABIC_ARTICLE.sub("", text).translate(_ARABIC_HAMZA)
    words = [w for w in re.split(r"[^\u0621-\u064a\u0660-\u0669]+", text) if w]
    if len(words) > 1:
        words = [w for w in words if w not in _ARABIC_GENERIC] or words
    key = _DOUBLE.sub(_first, "".join(words))
    core = re.sub("\u0647$", "", key) if len(key) > 2 else key
    return key, core.translate(_ARABIC_WEAK) or key
