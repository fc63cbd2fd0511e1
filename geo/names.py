"""Normalising place names as reports write them into comparable keys."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'`\u2018\u2019\u02bf\u02be\u02bb\u02bc\u00b4\u2032"
_ARTICLE = re.compile(
    r"^(?:a|e)(?:l|r|s|sh|t|th|d|dh|z|n)(?:[\s\-]+|(?=[^aeiou]))", re.IGNORECASE
)
_ARABIC_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0629": "\u0647",  # taa marbuta -> haa
        "\u0649": "\u064a",  # alef maqsura -> yaa
        "\u0640": None,  # tatweel
    }
)
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")


def is_arabic(text: str) -> bool:
    """Return True when ``text`` contains Arabic-script letters."""
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


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
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())
