"""A search term's answer with the learned places, without indexing them all.

:meth:`geo.geocoding.geocoder.Geocoder.with_learned` indexes every learned place as a
gazetteer part: with a million synthetic records (800,000 learned rows, 5,000 names)
that is about a minute and a gigabyte, paid by the map page's first search although a
term can only ever match a few names. Here the learned rows are kept compact
(:class:`LearnedNames`: codes and arrays, built once per learned revision), with the
keys of the spellings each group of rows gives; :class:`LearnedSearch` answers a term
with the geocoder plus only the groups of rows the term could match.

Why the answer is the same. The geocoder reads a learned row only when one of its
look-ups returns it; each look-up is by a key of the term or of a name it offers
(exact and normalised keys of the whole string, its names and its canonical name; the
skeleton and fuzzy keys of its first name), or by the gazetteer id a correction of
those names points at. The learned rows are grouped as
:func:`geo.geocoding.learned.learned_gazetteer_rows` groups them (one group per key of
a name and country: its places are made from its rows alone), so a group taken whole
yields the same places, in the same order, as in the full index. A group is taken
when one of its spellings has one of the term's keys (whatever the country: more is
harmless), or a normalised key within the fuzzy cutoff of the first name's among the
ten best of its block (the fuzzy fallback keeps ten, so a key below the tenth best
learned key of the block can never be one of them), or a place a correction names.
Key look-ups go through 64-bit hashes in the gazetteer and through the keys here: a
hash collision between two different keys (odds about 1e-8 at a million keys) would
be the one difference.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.geocoding.compound import ParsedPlace, parse_place
from geo.geocoding.learned import (
    LEARNED_COLUMNS,
    LearnedPlaceSource,
    learned_id,
    learned_key,
    learned_spellings,
)
from geo.geocoding.learned_table import LearnedTable, first_seen, read_learned_table
from geo.geocoding.names import name_keys

if TYPE_CHECKING:
    from geo.geocoding.geocoder import Geocoder, GeocodeResult
    from geo.geocoding.learned_keys import LearnedKeys

#: Geocoders restricted to a term's groups kept (each holds its own copy of the
#: gazetteer's per-row arrays and tuples: about 80 MB with the GeoNames index).
_KEEP = 2
#: Match kinds of the geocoder's skeleton and fuzzy fallback.
_LOOSE = ("skeleton", "fuzzy")
#: How many fuzzy matches the geocoder keeps (``Geocoder._fuzzy``'s ``limit``).
_FUZZY_LIMIT = 10


class LearnedNames:
    """The enabled learned places, compact, grouped as the geocoder groups them.

    Parameters
    ----------
    learned : pandas.DataFrame or LearnedTable
        :data:`geo.geocoding.learned.LEARNED_COLUMNS` (a source's ``learned_places()``),
        or a store's codes and value tables (``learned_table()``).
    revision : int
        The source's learned revision.
    """

    def __init__(self, learned: pd.DataFrame | LearnedTable, revision: int = 0, *,
                 typed: bool = False) -> None:
        self.revision = revision
        # a store hands its codes and value tables (no column of strings is built); a
        # frame is coded a column at a time (no typed copy of the whole table)
        table = learned if isinstance(learned, LearnedTable) else \
            LearnedTable.from_frame(learned, typed=typed)
        numbers = table.numbers
        # the names in the order of their first row, as factorising the column numbers them
        name_values, name_codes = table.text("name")
        names, first = first_seen(name_codes)
        uniques = name_values[first]
        parsed = [parse_place(str(n)) for n in uniques]
        generic = np.array([p.generic for p in parsed] + [True], dtype=bool)
        keep = ~(np.isnan(numbers["latitude"]) | np.isnan(numbers["longitude"])) \
            & ~generic[names]
        every = bool(keep.all())

        def kept(values: np.ndarray) -> np.ndarray:
            # every row kept (the usual case): the table's own array, no copy
            return values if every else values[keep]

        names = kept(names)
        # rows of switched-off sources are kept for the review's disagreements
        # (main_points) but belong to no group: the geocoder never reads them
        self._enabled = kept(numbers["enabled"])
        self._names = np.asarray(uniques, dtype=object)
        self._countries, country = _codes(*table.text("country"), kept)
        self._admin1s, admin1 = _codes(*table.text("admin1"), kept)
        self._sources, source = _codes(*table.text("source"), kept)
        self._columns = {
            "name": names.astype(np.int32), "country": country, "admin1": admin1,
            "source": source,
            "latitude": kept(numbers["latitude"]), "longitude": kept(numbers["longitude"]),
            "precision": kept(numbers["precision"]), "records": kept(numbers["records"]),
        }
        keys = [learned_key(str(n), p) for n, p in zip(uniques, parsed, strict=True)]
        key_of_name, self._keys = pd.factorize(pd.Series(keys, dtype=object))
        self._key_of_name = key_of_name.astype(np.int64)
        on = np.flatnonzero(self._enabled)
        row_key = self._key_of_name[self._columns["name"][on]] if len(on) else \
            np.zeros(0, dtype=np.int64)
        pair = row_key * max(1, len(self._countries)) + country[on]
        group, pairs = first_seen(pair)
        del pair
        self._group_key = (np.asarray(pairs, dtype=np.int64) // max(1, len(self._countries)))
        self._group_country = np.asarray(pairs, dtype=np.int64) % max(1, len(self._countries))
        by_group = np.argsort(group, kind="stable")
        self._order = on[by_group].astype(np.int64)
        self._bounds = np.searchsorted(group[by_group], np.arange(len(pairs) + 1))
        self._groups_of_key: dict[int, list[int]] = {}
        for g, k in enumerate(self._group_key.tolist()):
            self._groups_of_key.setdefault(k, []).append(g)
        names = names[self._enabled]
        self._index_spellings(uniques, parsed, names)
        self._ids: np.ndarray | None = None
        self._lock = threading.Lock()

    def _index_spellings(self, uniques: Sequence[object], parsed: Sequence[ParsedPlace],
                         used: np.ndarray) -> None:
        """Spelling keys -> group keys (as ``build_part`` keys each spelling)."""
        self._by_exact: dict[str, set[int]] = {}
        self._by_norm: dict[str, set[int]] = {}
        self._norms_of_skel: dict[str, set[str]] = {}
        countries_of_key: dict[int, set[str]] = {}
        for k, c in zip(self._group_key.tolist(), self._group_country.tolist(), strict=True):
            countries_of_key.setdefault(k, set()).add(str(self._countries[c]))
        self._norm_countries: dict[str, set[str]] = {}
        for n in np.unique(used).tolist():
            k = int(self._key_of_name[n])
            for spelling in _as_indexed(learned_spellings(str(uniques[n]), parsed[n])):
                exact, norm, skel = name_keys(spelling)
                if not exact:
                    continue  # build_part keeps no spelling without an exact key
                self._by_exact.setdefault(exact, set()).add(k)
                if norm:
                    self._by_norm.setdefault(norm, set()).add(k)
                    self._norm_countries.setdefault(norm, set()).update(countries_of_key[k])
                    if skel:
                        self._norms_of_skel.setdefault(skel, set()).add(norm)
        self._fuzzy_keys = sorted(k for k in self._norm_countries if len(k) > 2)

    @classmethod
    def from_source(cls, source: LearnedPlaceSource) -> LearnedNames:
        """Read a source's learned places (the table is dropped once compacted)."""
        revision = source.learned_revision()
        # a store's codes and value tables as read (see geo.geocoding.learned_table)
        return cls(read_learned_table(source), revision)

    def __len__(self) -> int:
        """Number of learned rows kept (enabled, with a point, not a generic word)."""
        return len(self._order)

    @property
    def groups(self) -> int:
        """Number of groups (a name's key and a country)."""
        return len(self._group_key)

    @property
    def group_rows(self) -> np.ndarray:
        """Number of learned rows of each group."""
        return np.diff(self._bounds)

    def group_sums(self, column: str) -> np.ndarray:
        """A number column (``records``, ...) summed over each group's rows."""
        if not self.groups:
            return np.zeros(0, dtype=self._columns[column].dtype)
        return np.add.reduceat(self._columns[column][self._order], self._bounds[:-1])

    def identities(self, groups: Iterable[int]) -> list[tuple[str, str]]:
        """Each group's name key and country (what names it whatever the numbering)."""
        return [(str(self._keys[self._group_key[g]]),
                 str(self._countries[self._group_country[g]])) for g in groups]

    def groups_named(self, identities: Iterable[tuple[str, str]]) -> tuple[int, ...]:
        """The groups of these (name key, country) (see :meth:`identities`), sorted."""
        wanted = set(identities)
        if not wanted:
            return ()
        return tuple(g for g, ident in enumerate(self.identities(range(self.groups)))
                     if ident in wanted)

    @property
    def nbytes(self) -> int:
        """Bytes held by the row arrays (the name and key tables aside)."""
        return int(sum(a.nbytes for a in self._columns.values()) + self._order.nbytes)

    # ------------------------------------------------------------------ selection
    def groups_for(self, name: str, parsed: ParsedPlace, loose: bool = True
                   ) -> tuple[int, ...]:
        """The groups a geocode of ``name`` (parsed as ``parsed``, in any country, no
        other context) may read, sorted; with ``loose`` False, only those its exact and
        normalised look-ups may (enough when one of them finds a place: the skeleton
        and fuzzy fallback then never runs)."""
        keys: set[int] = set()
        for probe in dict.fromkeys((name, *parsed.names, parsed.canonical)):
            if not probe:
                continue
            exact, norm, _ = name_keys(probe)
            keys.update(self._by_exact.get(exact, ()))
            keys.update(self._by_norm.get(norm, ()))
        for probe in parsed.names[:1] if loose else ():
            exact, norm, skel = name_keys(probe)
            if not (exact and norm):
                continue
            for other in self._norms_of_skel.get(skel, ()) if skel else ():
                keys.update(self._by_norm[other])
            for other in self._fuzzy(norm):
                keys.update(self._by_norm[other])
        return tuple(sorted(g for k in keys for g in self._groups_of_key.get(k, ())))

    def _fuzzy(self, norm: str) -> set[str]:
        """Learned keys that may be among the geocoder's fuzzy matches of ``norm``, in
        any of its blocks: a country's keys (for each learned country), or the keys of
        ``norm``'s first letter (no country)."""
        hits = process.extract(norm, self._fuzzy_keys, scorer=fuzz.ratio,
                               score_cutoff=_cutoff(), limit=None)
        blocks = [[h for h in hits if h[0][0] == norm[0]]]
        blocks += [[h for h in hits if cc in self._norm_countries[h[0]]]
                   for cc in self._countries.tolist()]
        out: set[str] = set()
        for block in blocks:
            if len(block) > _FUZZY_LIMIT:
                tenth = sorted((score for _, score, _ in block), reverse=True)[
                    _FUZZY_LIMIT - 1]
                block = [h for h in block if h[1] >= tenth]
            out.update(choice for choice, _, _ in block)
        return out

    def groups_of_ids(self, ids: Iterable[str]) -> tuple[int, ...]:
        """The groups whose rows may make the learned places of these gazetteer ids."""
        wanted = {int(i.removeprefix("learned:"), 16) for i in ids
                  if i.startswith("learned:") and _hex(i.removeprefix("learned:"))}
        if not wanted:
            return ()
        with self._lock:
            if self._ids is None:
                self._ids = self._row_ids()
        rows = np.flatnonzero(np.isin(self._ids, np.fromiter(wanted, dtype=np.int64)))
        group_of_row = np.full(len(self._enabled), -1, dtype=np.int64)
        group_of_row[self._order] = np.repeat(np.arange(self.groups), np.diff(self._bounds))
        return tuple(sorted(g for g in set(group_of_row[rows].tolist()) if g >= 0))

    def main_points(self) -> pd.DataFrame:
        """Each learned name's main point per country and source, switched-off sources
        included: :func:`geo.geocoding.disagreements.main_points` of the learned places
        (the review page's disagreements, without reading them again)."""
        from geo.geocoding.disagreements import main_points_of

        c = self._columns
        return main_points_of(self._names, c["name"], {
            "country": (self._countries, c["country"]), "source": (self._sources, c["source"]),
            "admin1": (self._admin1s, c["admin1"])}, c["records"], c["latitude"],
            c["longitude"], c["precision"])

    def _row_ids(self) -> np.ndarray:
        """The learned id each row would give as its place's best point (48-bit ints)."""
        c = self._columns
        key = self._keys[self._key_of_name[c["name"]]]
        country = self._countries[c["country"]]
        ids = (learned_id(str(k), str(cc), lat, lon) for k, cc, lat, lon in zip(
            key, country, c["latitude"].tolist(), c["longitude"].tolist(), strict=True))
        return np.fromiter((int(i.removeprefix("learned:"), 16) for i in ids),
                           dtype=np.int64, count=len(key))

    def frame(self, groups: Sequence[int]) -> pd.DataFrame:
        """The learned rows of these groups, in the source's order, as
        :data:`geo.geocoding.learned.LEARNED_COLUMNS` (all enabled)."""
        parts = [self._order[self._bounds[g]:self._bounds[g + 1]] for g in groups]
        rows = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        c = self._columns
        out = pd.DataFrame({
            "name": self._names[c["name"][rows]],
            "country": self._countries[c["country"][rows]],
            "admin1": self._admin1s[c["admin1"][rows]],
            "latitude": c["latitude"][rows],
            "longitude": c["longitude"][rows],
            "precision": c["precision"][rows],
            "source": self._sources[c["source"][rows]],
            "records": c["records"][rows],
            "enabled": np.ones(len(rows), dtype=bool),
        })
        return out[list(LEARNED_COLUMNS)]


class _Rows:
    """A :class:`LearnedPlaceSource` of given rows and revision."""

    def __init__(self, frame: pd.DataFrame, revision: int) -> None:
        self._frame, self._revision = frame, revision

    def learned_places(self) -> pd.DataFrame:
        return self._frame

    def learned_revision(self) -> int:
        return self._revision


class LearnedSearch:
    """``geocode`` with a source's learned places, each term indexing only the groups
    of learned rows it could match (same answers as ``coder.with_learned(source)``).

    Parameters
    ----------
    coder : Geocoder
        The geocoder to add the learned places to (its corrections count).
    names : LearnedNames or LearnedKeys
        The source's learned places (all their rows, or their distinct names and a
        reader of rows: the same answers).
    """

    def __init__(self, coder: Geocoder, names: LearnedNames | LearnedKeys) -> None:
        self.coder = coder
        self.names = names
        self.learned_revision = names.revision
        self._built: OrderedDict[tuple[int, ...], Geocoder] = OrderedDict()
        self._plain: Geocoder | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_source(cls, coder: Geocoder, source: LearnedPlaceSource) -> LearnedSearch:
        """Read ``source``'s learned places once (see :class:`LearnedNames`)."""
        return cls(coder, LearnedNames.from_source(source))

    def geocode(self, name: str, *, country: str | None = None,
                abroad: bool = False) -> GeocodeResult:
        """:meth:`Geocoder.geocode` of ``name`` with the learned places (country and
        foreign cue only: the search's context).

        First with the groups its exact and normalised keys may read: an answer whose
        candidates all matched that way (or came from a correction or an admin area)
        is the full geocoder's, since its skeleton and fuzzy fallback runs only when
        those look-ups find nothing. Otherwise again with the fallback's groups too.
        """
        strict = self.geocoder_for(name, country=country, abroad=abroad, loose=False)
        result = strict.geocode(name, country=country, abroad=abroad)
        if result.candidates and not any(c.match in _LOOSE for c in result.candidates):
            return result
        return self.geocoder_for(name, country=country, abroad=abroad).geocode(
            name, country=country, abroad=abroad)

    def curated_geocode(self, name: str, **context: object) -> GeocodeResult:
        """``geocode`` without the learned places (for the search's spelling rule)."""
        return self.coder.geocode(name, **context)  # type: ignore[arg-type]

    def gazetteer_geocode(self, name: str, **context: object) -> GeocodeResult:
        """``geocode`` without the learned places or the corrections (built on first
        use when there are corrections)."""
        coder = self.coder
        if len(coder.overrides):
            with self._lock:
                if self._plain is None:
                    from geo.geocoding.overrides import OverrideIndex

                    self._plain = coder.with_overrides(OverrideIndex())
            coder = self._plain
        return coder.geocode(name, **context)  # type: ignore[arg-type]

    def geocoder_for(self, name: str, *, country: str | None = None,
                     abroad: bool = False, loose: bool = True) -> Geocoder:
        """The geocoder with the learned groups ``name`` may read (the plain one when
        none): equal to the full one for this name and context (with ``loose`` False,
        only until its exact and normalised look-ups, see :meth:`geocode`)."""
        coder = self.coder
        parsed = coder.parse(name)
        if parsed.generic:
            return coder
        cc = (country or "").strip().upper() or ("" if abroad else coder.default_country)
        groups = set(self.names.groups_for(name, parsed, loose))
        if len(coder.overrides):
            named = [coder.overrides.find(p, cc, None) for p in (name, *parsed.names)]
            groups.update(self.names.groups_of_ids(
                o.gazetteer_id for o in named if o is not None and not o.is_pin))
        return self.geocoder_of(tuple(sorted(groups)))

    def geocoder_of(self, key: tuple[int, ...]) -> Geocoder:
        """The geocoder with these groups of learned rows (sorted; the plain one when
        none); the last few are kept."""
        coder = self.coder
        if not key:
            return coder
        with self._lock:
            built = self._built.get(key)
            if built is not None:
                self._built.move_to_end(key)
                return built
        built = coder.with_learned(_Rows(self.names.frame(key), self.learned_revision))
        with self._lock:
            self._built[key] = built
            while len(self._built) > _KEEP:
                self._built.popitem(last=False)
        return built


def _as_indexed(spellings: list[str]) -> list[str]:
    """The strings ``build_part`` keys for these spellings: a place's first spelling is
    split at "|", the others have it replaced by a space (both kept here: more is
    harmless)."""
    out = dict.fromkeys(spellings)
    for s in spellings:
        if "|" in s:
            out.update(dict.fromkeys([s.replace("|", " "), *s.split("|")]))
    return [s for s in out if s]


def _codes(values: np.ndarray, codes: np.ndarray,
           kept: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(values, int32 codes) of a text column's kept rows, its values numbered in the
    order of their first kept row (as factorising the kept strings numbers them)."""
    local, first = first_seen(kept(codes))
    return np.asarray(values[first], dtype=object), local.astype(np.int32)


def _hex(text: str) -> bool:
    return bool(text) and all(ch in "0123456789abcdef" for ch in text)


def _cutoff() -> float:
    from geo.geocoding.geocoder import FUZZY_CUTOFF

    return FUZZY_CUTOFF
