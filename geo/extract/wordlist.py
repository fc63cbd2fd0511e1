"""Ordinary English words: a capitalised one is no place name without a cue (issue 12, round 5).

A single capitalised word that is common in English ("Photo: ...", "30 Women", the "Middle" of
"Middle East") names no place unless the text announces one; see
:func:`geo.extract.places.find_places`. Frequencies come from ``wordfreq``'s small English list.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

#: Zipf frequency (log10 of uses per billion words) from which an English word is common:
#: "photo" 5.0, "middle" 5.2, "women" 5.6; "Damascus" 3.6, "Aleppo" 3.6, "Idlib" 2.9.
COMMON_ZIPF = 4.0


@lru_cache(maxsize=8192)
def is_common_word(name: str) -> bool:
    """Whether a place name is one ordinary English word.

    Parameters
    ----------
    name : str
        A name as written ("Photo", "Middle", "al-Bab").

    Returns
    -------
    bool
        True for one alphabetic word of at least :data:`COMMON_ZIPF` in English ("Photo",
        "Women"); False for longer names, hyphenated or transliterated names ("al-Bab",
        "Idlib").
    """
    words = name.split()
    if len(words) != 1:
        return False
    word = words[0].strip(".,;:'’\"()“”")
    if not word.isalpha():
        return False
    return zipf_frequency(word.lower(), "en", wordlist="small") >= COMMON_ZIPF
