"""Free-text search: several terms AND-ed, quoted phrases, any case, diacritics or script.

A query is split into terms: a quoted phrase is one term; runs of unquoted words that
name a place or an admin area ("Dayr az Zawr") are one term too; every other word is a
term of its own. An incident matches a term when the term's text occurs in any of its
fields (compared by :func:`geo.geocoding.names.search_key`), or when the term names a
place the incident's place is a spelling of (the same gazetteer entry), or an admin
area the incident lies in. It matches the query when it matches every term.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas
from geo.geocoding.join import search_columns
from geo.geocoding.names import name_key, search_key

PlaceSpellings = Callable[[str], Sequence[str]]
"""A term -> every spelling of the gazetteer place it resolves to (empty: not a place)."""

#: Longest run of words tried as one place name.
MAX_PLACE_WORDS = 4
#: Shortest spelling of a place looked for in free text (shorter ones match too much).
MIN_SPELLING = 4

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    """One term of a query.

    Attributes
    ----------
    text : str
        As typed (a phrase without its quotes).
    key : str
        :func:`search_key` of the text, matched inside the incidents' fields.
    place_keys : frozenset of str
        :func:`name_key` of every spelling of the place the term names (empty: none).
    areas : tuple of str
        P-codes of the admin areas the term names.
    text_keys : frozenset of str
        :func:`search_key` of the other spellings of that place or area, also looked
        for in the incidents' text, so that every spelling of a place finds the same
        incidents (spellings shorter than :data:`MIN_SPELLING` letters are left out).
    names_place : bool
        Whether the term names a place a geocoder resolves, or an admin area.
    by_text : bool
        False: only incidents at the place (or in the area) match, not those whose
        text mentions it (see :func:`by_place_only`).
    """

    text: str
    key: str
    place_keys: frozenset[str] = frozenset()
    areas: tuple[str, ...] = ()
    text_keys: frozenset[str] = frozenset()
    names_place: bool = False
    by_text: bool = True


def by_place_only(terms: Sequence[Term]) -> list[Term]:
    """The terms, those that name a place or area matching by place only.

    "Manbij" then finds the incidents placed at Manbij (or in the district of that
    name), not those elsewhere whose text mentions "Manbij countryside". Terms that
    name no place still match text.
    """
    return [replace(t, by_text=False) if t.names_place else t for t in terms]


def split_query(query: str) -> list[tuple[str, bool]]:
    """Words and quoted phrases of a query, each with whether it was quoted.

    An unbalanced quote counts as if closed at the end of the query.
    """
    text = query.strip()
    if text.count('"') % 2:
        text += '"'
    out: list[tuple[str, bool]] = []
    for phrase, word in _TOKEN.findall(text):
        if phrase.strip():
            out.append((" ".join(phrase.split()), True))
        elif word and word != '""':
            out.append((word, False))
    return out


def unsearched(query: str) -> list[str]:
    """The words and phrases of a query with nothing to look for (no letter or digit,
    such as ``%_';--``): the search leaves them out.

    Parameters
    ----------
    query : str

    Returns
    -------
    list of str
        As typed, in order.
    """
    return [text for text, _ in split_query(query) if not search_key(text)]


def parse_query(
    query: str,
    areas: AdminAreas | None = None,
    place_spellings: PlaceSpellings | None = None,
) -> list[Term]:
    """Split a query into :class:`Term`, grouping words that name a place or area.

    Parameters
    ----------
    query : str
    areas : AdminAreas, optional
        Admin areas whose names terms may be.
    place_spellings : callable, optional
        See :data:`PlaceSpellings` (usually the geocoder's best candidate).

    Returns
    -------
    list of Term
        Terms with an empty key (punctuation only) are dropped.
    """
    tokens = split_query(query)
    terms: list[Term] = []
    i = 0
    while i < len(tokens):
        text, quoted = tokens[i]
        step = 1
        found: Term | None = None
        if not quoted:
            # Longest run of unquoted words first, down to the single word.
            last = i
            while last + 1 < len(tokens) and not tokens[last + 1][1] and last - i + 2 <= (
                MAX_PLACE_WORDS
            ):
                last += 1
            for end in range(last + 1, i + 1, -1):
                run = " ".join(t for t, _ in tokens[i:end])
                found = _place_term(run, areas, place_spellings, require=True)
                if found is not None:
                    step = end - i
                    break
        if found is None:
            found = _place_term(text, areas, place_spellings, require=False)
        if found is not None and found.key:
            terms.append(found)
        i += step
    return terms


def _place_term(
    text: str,
    areas: AdminAreas | None,
    place_spellings: PlaceSpellings | None,
    require: bool,
) -> Term | None:
    area = areas.resolve(text) if areas else None
    spellings = tuple(place_spellings(text)) if place_spellings is not None else ()
    if require and area is None and not spellings:
        return None
    names = (*spellings, *(areas.names(area) if areas and area else ()))
    keys = frozenset(k for k in (name_key(s) for s in (*names, text)) if k)
    own = search_key(text)
    texts = frozenset(k for k in (search_key(n) for n in names)
                      if len(k) >= MIN_SPELLING and k != own)
    return Term(text, own, keys, (area,) if area else (), texts, bool(spellings) or bool(area))


class TermHits:
    """Which incidents each recent search term matched, for one incident frame.

    Analysts type a query word by word and share words ("raqqa", then "raqqa
    airstrike"): a term met again is not searched again. Each answer is kept packed
    (a bit per incident), at most ``max_terms`` of them, least recently used dropped.
    Answers belong to the frame they were computed on (held weakly): another frame
    starts afresh. Safe to share between threads.

    Parameters
    ----------
    max_terms : int
    """

    def __init__(self, max_terms: int = 64) -> None:
        self.max_terms = max_terms
        self._hits: OrderedDict[Term, np.ndarray] = OrderedDict()
        self._owner: weakref.ref[object] | None = None
        self._lock = threading.Lock()

    def get(self, incidents: pd.DataFrame, term: Term,
            compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The incidents ``term`` matches: kept, else ``compute()`` (then kept)."""
        owner = incidents
        with self._lock:
            if self._owner is None or self._owner() is not owner:
                self._hits.clear()
                self._owner = weakref.ref(owner)
            packed = self._hits.get(term)
            if packed is not None:
                self._hits.move_to_end(term)
                return np.unpackbits(packed, count=len(incidents)).view(bool)
        hit = compute()
        with self._lock:
            if self._owner() is owner:
                self._hits[term] = np.packbits(hit)
                while len(self._hits) > self.max_terms:
                    self._hits.popitem(last=False)
        return hit


def match_terms(
    incidents: pd.DataFrame, terms: Sequence[Term], hits: TermHits | None = None
) -> np.ndarray:
    """True for incidents that match every term.

    A term's text is looked for in the search key of each column of
    :func:`geo.geocoding.join.search_columns` (a key is computed once per distinct
    value of a column, see :class:`SearchIndex`), never in one text per incident.

    Parameters
    ----------
    incidents : pandas.DataFrame
        An incident frame (see :func:`geo.geocoding.join.to_geodataframe`), with,
        when present, ``place_keys``, ``adm1_pcode`` and ``adm2_pcode``. It must not
        be changed in place after a search (its keys are kept while it lives).
    terms : sequence of Term
    hits : TermHits, optional
        Answers of terms met before on this frame (each term's answer is kept there).

    Returns
    -------
    numpy.ndarray of bool
    """
    mask = np.ones(len(incidents), dtype=bool)
    for term in terms:
        if hits is None:
            mask &= _term_hits(incidents, term)
        else:
            mask &= hits.get(incidents, term, partial(_term_hits, incidents, term))
    return mask


def _term_hits(incidents: pd.DataFrame, term: Term) -> np.ndarray:
    """True for incidents that match ``term``."""
    hit = (SearchIndex.of(incidents).contains((term.key, *sorted(term.text_keys)))
           if term.by_text else np.zeros(len(incidents), dtype=bool))
    if term.place_keys and "place_keys" in incidents:
        # One pass over the column: any of the place's keys between separators.
        pattern = "|".join(re.escape(f"|{key}|") for key in sorted(term.place_keys))
        hit |= contains(incidents["place_keys"], pattern, regex=True)
    for pcode in term.areas:
        for column in ("adm1_pcode", "adm2_pcode"):
            if column in incidents:
                hit |= (incidents[column] == pcode).to_numpy(dtype=bool)
    return hit


def contains(values: pd.Series, pattern: str, regex: bool = False) -> np.ndarray:
    """True where a text column contains ``pattern`` (missing values: False).

    A categorical column is searched once per distinct value (its categories), and the
    answer spread to the rows through their codes: a column of a million rows with a
    few thousand distinct texts costs a few thousand comparisons.

    Parameters
    ----------
    values : pandas.Series of str (plain or categorical)
    pattern : str
        Text, or a regular expression when ``regex``.
    regex : bool

    Returns
    -------
    numpy.ndarray of bool
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pd.Series(values.cat.categories.astype(str))
        found = categories.str.contains(pattern, regex=regex).to_numpy(dtype=bool)
        codes = values.cat.codes.to_numpy()
        return np.append(found, False)[codes]  # code -1 (missing) takes the last: False
    hit = values.str.contains(pattern, regex=regex)
    return hit.to_numpy(dtype=bool, na_value=False, copy=True)


class SearchIndex:
    """The search keys of an incident frame's searched columns, per distinct value.

    For each column of :func:`geo.geocoding.join.search_columns`: one code per
    incident (a categorical column's own codes, else codes made once) and the
    :func:`geo.geocoding.names.search_key` of each distinct value, kept as Arrow
    text. A term is looked for among the distinct keys, and the incidents whose code
    has a hit are found by position. Built on the first search of a frame and kept
    while the frame lives (see :meth:`of`).

    Parameters
    ----------
    incidents : pandas.DataFrame
    """

    _lock = threading.Lock()
    _built: dict[int, tuple[weakref.ref, SearchIndex]] = {}

    def __init__(self, incidents: pd.DataFrame) -> None:
        self.size = len(incidents)
        self.fields: list[tuple[np.ndarray, pd.Series]] = []
        for column in search_columns(incidents):
            values = incidents[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                codes = values.cat.codes.to_numpy()
                names = pd.Index(values.cat.categories).astype(str)
                if (codes < 0).any():  # a missing value: the empty text
                    codes = np.where(codes < 0, len(names), codes)
                    names = names.append(pd.Index([""]))
            else:
                codes, names = pd.factorize(values.fillna("").astype(str), sort=False)
                codes = codes.astype(np.int32 if len(names) < 2**31 else np.int64)
            keys = pd.Series([search_key(str(n)) for n in names], dtype="str")
            self.fields.append((codes, keys))

    @classmethod
    def of(cls, incidents: pd.DataFrame) -> SearchIndex:
        """The index of this frame: built once, dropped when the frame is freed."""
        key = id(incidents)
        with cls._lock:
            found = cls._built.get(key)
        if found is not None and found[0]() is incidents:
            return found[1]
        index = cls(incidents)
        with cls._lock:
            cls._built[key] = (weakref.ref(incidents), index)
        weakref.finalize(incidents, cls._forget, key)
        return index

    @classmethod
    def _forget(cls, key: int) -> None:
        with cls._lock:
            cls._built.pop(key, None)

    def contains(self, texts: Sequence[str]) -> np.ndarray:
        """True for incidents with any of ``texts`` inside the key of any searched column."""
        hit = np.zeros(self.size, dtype=bool)
        for codes, keys in self.fields:
            found = np.zeros(len(keys), dtype=bool)
            for text in texts:
                found |= keys.str.contains(text, regex=False).to_numpy(dtype=bool)
            if found.all():
                return np.ones(self.size, dtype=bool)
            if found.any():
                hit |= found[codes]
        return hit


def text_matches(values: pd.Series, wanted: Sequence[str]) -> np.ndarray:
    """True where a text field contains any of the wanted texts (search keys compared).

    Parameters
    ----------
    values : pandas.Series of str
    wanted : sequence of str

    Returns
    -------
    numpy.ndarray of bool
    """
    keys = [k for k in (search_key(w) for w in wanted) if k]
    if not keys:
        return np.ones(len(values), dtype=bool)
    # Each distinct text is folded and compared once; rows take their text's answer.
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        unique = [*values.cat.categories, "nan"]  # code -1 (missing) takes the last
    else:
        codes, unique = pd.factorize(values.astype(str), use_na_sentinel=False)
    hits = np.fromiter((any(k in search_key(str(v)) for k in keys) for v in unique),
                       dtype=bool, count=len(unique))
    return hits[codes]
