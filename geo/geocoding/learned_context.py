"""Geocoding records with their whole context and the learned places, without indexing
them all.

:meth:`geo.geocoding.geocoder.Geocoder.with_learned` indexes every learned place: with a
million synthetic records (800,000 learned rows) that is 36 s of CPU and a 1.7 GB peak,
which the review page paid once per learned revision. :class:`LearnedGeocoder` answers
as ``with_learned`` does, for a record's whole context (country, governorate, district,
the other names of the record, a foreign cue), from the compact learned rows the map's
search reads (:class:`geo.geocoding.learned_index.LearnedNames`): each answer is given
by a geocoder that holds only the groups of learned rows the name could read.

Why the answer is the same (see :mod:`geo.geocoding.learned_index` for the groups). The
geocoder reads a learned row only when a look-up returns it: of the name (exact and
normalised keys of the whole string, its names and canonical name; the skeleton and
fuzzy keys of its first name), of the record's other names (the anchors of its ranking,
looked up the same way), or of the gazetteer id a correction of the name points at. The
admin areas and the governorate and district checks read no learned row (a district's
seat is looked for among gazetteer rows only). So the groups of all these look-ups,
taken whole, give the same candidates, ranked the same.

Many names (:meth:`LearnedGeocoder.geocode_batch`, :meth:`LearnedGeocoder.geocode_many`)
are answered in batches whose groups together hold at most
:data:`BATCH_LEARNED_ROWS` learned rows, one geocoder per batch, built and dropped in
turn: memory stays that of one batch whatever the number of names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.geocoding.bulk import context_column
from geo.geocoding.learned_index import LearnedNames, LearnedSearch

if TYPE_CHECKING:
    from geo.geocoding.areas import AdminAreas
    from geo.geocoding.compound import ParsedPlace
    from geo.geocoding.gazetteer import Gazetteer
    from geo.geocoding.geocoder import Geocoder, GeocodeResult
    from geo.geocoding.learned_keys import LearnedKeys
    from geo.geocoding.overrides import OverrideIndex

#: Most learned rows one batch's geocoder indexes (a name's groups may exceed it alone).
BATCH_LEARNED_ROWS = 50_000

_Key = tuple[str, str, str, str]  # name, country, admin1, admin2 as given


class LearnedBatch:
    """Answers of many names, as columns (what :func:`geo.geocoding.bulk.resolve_many`
    returns for a :class:`LearnedGeocoder`).

    Parameters
    ----------
    frame : pandas.DataFrame
        :data:`geo.geocoding.bulk.BATCH_COLUMNS`, one row per name.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def __len__(self) -> int:
        return len(self._frame)

    def frame(self) -> pd.DataFrame:
        """The answers as columns, one row per name (as ``BatchGeocode.frame``)."""
        return self._frame


class LearnedGeocoder:
    """``coder.with_learned(source)``'s answers, each from the learned groups it may read.

    Parameters
    ----------
    search : LearnedSearch
        The corrected geocoder and the source's learned places (the map's search holds
        the same object: the learned rows are read once for both).
    batch_rows : int
        See :data:`BATCH_LEARNED_ROWS`.
    """

    def __init__(self, search: LearnedSearch, batch_rows: int = BATCH_LEARNED_ROWS) -> None:
        self.search = search
        self.batch_rows = batch_rows
        self.learned_revision = search.learned_revision

    @classmethod
    def from_source(cls, coder: Geocoder, source: object) -> LearnedGeocoder:
        """Read ``source``'s learned places once (a :class:`LearnedPlaceSource`)."""
        return cls(LearnedSearch.from_source(coder, source))  # type: ignore[arg-type]

    # ------------------------------------------------------------ what pages read
    @property
    def coder(self) -> Geocoder:
        """The geocoder without the learned places (its corrections count)."""
        return self.search.coder

    @property
    def names(self) -> LearnedNames | LearnedKeys:
        """The learned places, compact."""
        return self.search.names

    @property
    def overrides(self) -> OverrideIndex:
        """Analysts' corrections (those of :attr:`coder`)."""
        return self.coder.overrides

    @property
    def gazetteer(self) -> Gazetteer | None:
        """The gazetteer without the learned places (for naming points after towns)."""
        return self.coder.gazetteer

    @property
    def areas(self) -> AdminAreas | None:
        """The admin areas the governorate and district checks use."""
        return self.coder.areas

    def find_area(self, given: str, cc: str, level: int) -> str | None:
        """See :meth:`Geocoder.find_area` (learned places play no part)."""
        return self.coder.find_area(given, cc, level)

    def parse(self, name: str) -> ParsedPlace:
        """See :meth:`Geocoder.parse`."""
        return self.coder.parse(name)

    # ------------------------------------------------------------ one name
    def geocode(self, name: str, *, country: str | None = None, admin1: str | None = None,
                context: Sequence[str] = (), admin2: str | None = None,
                abroad: bool = False) -> GeocodeResult:
        """:meth:`Geocoder.geocode` with the learned places (same answer as
        ``with_learned``'s, from the groups this name and context may read)."""
        key = self.groups_of(name, country=country, admin1=admin1, context=context,
                             abroad=abroad)
        return self.search.geocoder_of(key).geocode(
            name, country=country, admin1=admin1, context=context, admin2=admin2,
            abroad=abroad)

    def groups_of(self, name: str, *, country: str | None = None,
                  admin1: str | None = None, context: Sequence[str] = (),
                  abroad: bool = False) -> tuple[int, ...]:
        """The learned groups a geocode of ``name`` in this context may read, sorted."""
        coder = self.coder
        parsed = coder.parse(name)
        if parsed.generic:
            return ()
        groups = set(self.names.groups_for(name, parsed))
        for other in context:
            other_parsed = coder.parse(other)
            if not other_parsed.generic:
                groups.update(self.names.groups_for(other, other_parsed))
        if len(coder.overrides):
            cc = (country or "").strip().upper() or ("" if abroad else coder.default_country)
            named = [coder.overrides.find(p, cc, admin1) for p in (name, *parsed.names)]
            groups.update(self.names.groups_of_ids(
                o.gazetteer_id for o in named if o is not None and not o.is_pin))
        return tuple(sorted(groups))

    # ------------------------------------------------------------ many names
    def geocode_batch(self, names: Sequence[str], *,
                      countries: Sequence[str | None] | None = None,
                      admin1s: Sequence[str | None] | None = None,
                      admin2s: Sequence[str | None] | None = None) -> LearnedBatch:
        """Many names at once (:func:`geo.geocoding.bulk.geocode_batch`'s columns), in
        batches of at most :attr:`batch_rows` learned rows.

        Returns
        -------
        LearnedBatch
            One row per name, equal to the full geocoder's ``geocode_batch(...).frame()``.
        """
        from geo.geocoding.bulk import BATCH_COLUMNS, geocode_batch

        keys, codes = _distinct(names, countries, admin1s, admin2s)
        parts: list[pd.DataFrame] = []
        order: list[np.ndarray] = []
        for coder, chosen in self._batches(keys):
            picked = [keys[k] for k in chosen]
            part = geocode_batch(coder, [k[0] for k in picked],
                                 countries=[k[1] for k in picked],
                                 admin1s=[k[2] for k in picked],
                                 admin2s=[k[3] for k in picked]).frame()
            parts.append(part)
            order.append(np.asarray(chosen, dtype=np.int64))
            del coder
        if not parts:
            return LearnedBatch(pd.DataFrame({c: [] for c in BATCH_COLUMNS}))
        per_key = pd.concat(parts, ignore_index=True)
        position = np.empty(len(keys), dtype=np.int64)
        position[np.concatenate(order)] = np.arange(len(per_key))
        frame = per_key.iloc[position[codes]].reset_index(drop=True)
        return LearnedBatch(frame[list(BATCH_COLUMNS)])

    def geocode_many(self, names: Iterable[str], *,
                     countries: Iterable[str | None] | None = None,
                     admin1s: Iterable[str | None] | None = None,
                     admin2s: Iterable[str | None] | None = None) -> list[GeocodeResult]:
        """:meth:`Geocoder.geocode_many` with the learned places, in batches (each
        answer equal to :meth:`geocode`'s)."""
        from geo.geocoding.bulk import geocode_batch

        listed = [str(n) for n in names]
        keys, codes = _distinct(listed, _listed(countries), _listed(admin1s),
                                _listed(admin2s))
        made: list[GeocodeResult | None] = [None] * len(keys)
        for coder, chosen in self._batches(keys):
            picked = [keys[k] for k in chosen]
            results = geocode_batch(coder, [k[0] for k in picked],
                                    countries=[k[1] for k in picked],
                                    admin1s=[k[2] for k in picked],
                                    admin2s=[k[3] for k in picked]).results()
            for k, result in zip(chosen, results, strict=True):
                made[k] = result
            del coder
        return [made[k] for k in codes.tolist()]

    def _batches(self, keys: Sequence[_Key]) -> Iterable[tuple[Geocoder, list[int]]]:
        """(geocoder, keys it answers): keys packed while their groups' rows fit."""
        rows_of = self.names.group_rows
        wanted = [self.groups_of(k[0], country=k[1] or None, admin1=k[2] or None)
                  for k in keys]
        plain = [k for k, g in enumerate(wanted) if not g]
        if plain:
            yield self.coder, plain
        pending = sorted((k for k, g in enumerate(wanted) if g), key=lambda k: wanted[k])
        chosen: list[int] = []
        union: set[int] = set()
        rows = 0
        for k in pending:
            new = [g for g in wanted[k] if g not in union]
            more = int(rows_of[new].sum()) if new else 0
            if chosen and rows + more > self.batch_rows:
                yield self._built(union), chosen
                chosen, union, rows = [], set(), 0
                new, more = list(wanted[k]), int(rows_of[list(wanted[k])].sum())
            chosen.append(k)
            union.update(new)
            rows += more
        if chosen:
            yield self._built(union), chosen

    def _built(self, groups: set[int]) -> Geocoder:
        """A geocoder with these groups (not kept: one batch's at a time)."""
        from geo.geocoding.learned_index import _Rows

        frame = self.names.frame(tuple(sorted(groups)))
        return self.coder.with_learned(_Rows(frame, self.learned_revision))


def _listed(values: Iterable[str | None] | None) -> list[str | None] | None:
    return None if values is None else list(values)


def _distinct(names: Sequence[str], countries: Sequence[str | None] | None,
              admin1s: Sequence[str | None] | None,
              admin2s: Sequence[str | None] | None) -> tuple[list[_Key], np.ndarray]:
    """The distinct (name, country, admin1, admin2) and, per name, its index."""
    n = len(names)

    columns = [[str(x) for x in names],
               *(context_column(v, n) for v in (countries, admin1s, admin2s))]
    index: dict[_Key, int] = {}
    codes = np.empty(n, dtype=np.int64)
    for i, key in enumerate(zip(*columns, strict=True)):
        codes[i] = index.setdefault(key, len(index))
    return list(index), codes
