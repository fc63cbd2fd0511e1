"""Place names (with context) to ranked candidates; the seam every caller uses.

Lookup runs in stages, each consulted only when the ones before it found nothing:

1. analysts' corrections (:mod:`geo.geocoding.overrides`);
2. exact keys (case, diacritics, marks) and normalised keys (article, doubled
   letters, transliteration variants), then consonant skeletons scored by how
   close the normalised spellings are;
3. a RapidFuzz fallback over the normalised spellings of the country (or of the
   world, blocked by first letter, without a country).

Candidates are ranked by name-match quality, feature kind, population and context
(country filter, governorate, other places named in the same record). A candidate's
score is its match quality times its share of the plausibility of all candidates
(co-located entries counted once), discounted for skeleton and fuzzy matches. A name is
``resolved`` only when the best score reaches :data:`RESOLVE_SCORE`; ``ambiguous`` when
several exact or normalised candidates compete; otherwise ``unresolved``, with any
skeleton or fuzzy candidates as suggestions for review. Nothing is placed silently.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.geocoding.gazetteer import Gazetteer, Place
from geo.geocoding.names import name_keys
from geo.geocoding.overrides import Override, OverrideStore, override_key
from geo.geocoding.sources import load_gazetteer
from geo.settings import Settings, load_settings

Status = Literal["resolved", "ambiguous", "unresolved"]
MatchKind = Literal["override", "exact", "normalised", "skeleton", "fuzzy"]

#: A name is resolved when its best candidate scores at least this.
RESOLVE_SCORE = 0.8
#: Below this name-match quality a candidate is not worth showing.
MIN_QUALITY = 0.78
#: Minimum RapidFuzz ratio (0-100) of the fuzzy fallback.
FUZZY_CUTOFF = 82.0
#: Entries closer than this (km) are taken to be the same place.
SAME_PLACE_KM = 4.0
#: Context places within this distance (km) lend support to a candidate.
CONTEXT_KM = 60.0

#: How far a kind of match is trusted. Two different towns often differ only in a vowel
#: or a letter (Salkhad / Salakhid), so when the right one is missing from the gazetteer a
#: loose match would place a record wrongly. A skeleton match (same consonants) resolves
#: only when its spellings are very close (quality >= 0.89) and nothing competes; fuzzy
#: matches always stay below RESOLVE_SCORE: suggestions for review, never placed alone.
_TRUST = {"skeleton": 0.9, "fuzzy": 0.75}
_NORMALISED = 0.95  # quality of a normalised-key match (exact is 1)
_EXACT = (1.0, "exact")
_NORMALISED_MATCH = (_NORMALISED, "normalised")
_FUZZY_BLOCK = 20_000  # above this many spellings, fuzzy search is blocked by first letter
_SHARPNESS = 15.0  # how strongly match quality outweighs population and kind
_LOCAL_POPULATION = 20_000  # curated local places count as a town of this size
_CODE_WEIGHT = {"PPLC": 3.0, "PPLA": 2.0, "PPLA2": 1.5}
_PRECISION_WEIGHT = {1: 1.0, 2: 0.6, 3: 0.5, 4: 1.0}
_ADMIN1_BOOST = 100.0
_CONTEXT_BOOST = 4.0
_MAX_CANDIDATES = 8
_SAME_PLACE_DEG = SAME_PLACE_KM / 100.0  # latitude gap beyond which places cannot be that close
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Candidate:
    """A place a name may denote, with how well it matches.

    Attributes
    ----------
    place : Place
        The gazetteer entry.
    score : float
        Confidence in [0, 1]: match quality times share of plausibility.
    match : str
        How the name matched: override, exact, normalised, skeleton or fuzzy.
    quality : float
        Name-match quality alone, in [0, 1].
    """

    place: Place
    score: float
    match: str = "exact"
    quality: float = 1.0

    @property
    def precision(self) -> int:
        """Location precision of this candidate (see ``PRECISION_LABELS``)."""
        return self.place.precision


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one name.

    Attributes
    ----------
    query : str
        The name as given.
    status : {"resolved", "ambiguous", "unresolved"}
        Only ``resolved`` results are placed on the map without review.
    candidates : tuple of Candidate
        Ranked best first; the alternatives passed over follow the best.
    source : str
        Where the answer came from: the gazetteer id of the best candidate, or
        ``override:<id>`` for an analyst's correction ('' when unresolved).
    """

    query: str
    status: Status
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def best(self) -> Candidate | None:
        """The chosen candidate, or None when the name is not resolved."""
        if self.status != "resolved" or not self.candidates:
            return None
        return self.candidates[0]

    @property
    def score(self) -> float:
        """Score of the top candidate (0 without candidates)."""
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def precision(self) -> int | None:
        """Precision of the resolved place, None when not resolved."""
        return self.best.place.precision if self.best else None

    @property
    def gazetteer_id(self) -> str:
        """Gazetteer id of the resolved place, '' when not resolved."""
        return self.best.place.gazetteer_id if self.best else ""

    @property
    def alternatives(self) -> tuple[Candidate, ...]:
        """The candidates passed over (all of them when not resolved)."""
        return self.candidates[1:] if self.best else self.candidates


class _KeyIndex:
    """Map a key to the values stored under it (values grouped by key, in a list)."""

    def __init__(self, keys: np.ndarray, values: np.ndarray, shared: Sequence = ()) -> None:
        codes, uniques = pd.factorize(keys)
        order = np.argsort(codes, kind="stable")
        values = values[order]
        # A tuple (of plain values, which the cycle collector stops visiting) whose items
        # are the ``shared`` objects when given: row numbers exist once, not per index.
        if len(shared):
            self._values = tuple(map(shared.__getitem__, values.tolist()))
        else:
            self._values = tuple(values.tolist())
        counts = np.bincount(codes, minlength=len(uniques))
        bounds = np.concatenate([[0], np.cumsum(counts)])
        # key -> start * 2**32 + end: a dict of str -> int is never tracked by the collector.
        spans = (bounds[:-1].astype(np.int64) << 32) | bounds[1:].astype(np.int64)
        self._code = dict(zip(uniques.tolist(), spans.tolist(), strict=True))

    def get(self, key: str) -> tuple:
        span = self._code.get(key)
        if span is None:
            return ()
        return self._values[span >> 32:span & 0xFFFFFFFF]


class Geocoder:
    """Resolve place names against a gazetteer.

    Parameters
    ----------
    places : Gazetteer or sequence of Place
        The gazetteer.
    overrides : OverrideStore, optional
        Analysts' corrections, consulted before the gazetteer.
    """

    def __init__(
        self, places: Gazetteer | Sequence[Place], overrides: OverrideStore | None = None
    ) -> None:
        gaz = places if isinstance(places, Gazetteer) else Gazetteer.from_places(places)
        self.gazetteer = gaz
        self.overrides = overrides if overrides is not None else OverrideStore(None)
        names = gaz.names
        exact = names[["exact", "place"]].drop_duplicates()
        norm = names.loc[names["norm"] != "", ["norm", "place"]].drop_duplicates()
        # Each key is indexed twice: alone, and prefixed by the country ("SY|raka").
        rows = tuple(range(len(gaz)))
        self._exact = _KeyIndex(exact["exact"].to_numpy(object), exact["place"].to_numpy(), rows)
        self._norm = _KeyIndex(norm["norm"].to_numpy(object), norm["place"].to_numpy(), rows)
        self._exact_cc = _KeyIndex(_with_country(gaz, exact, "exact"),
                                   exact["place"].to_numpy(), rows)
        self._norm_cc = _KeyIndex(_with_country(gaz, norm, "norm"), norm["place"].to_numpy(),
                                  rows)
        skel = names.loc[names["skel"] != "", ["skel", "norm"]].drop_duplicates()
        self._skel = _KeyIndex(skel["skel"].to_numpy(object), skel["norm"].to_numpy(object))
        self._norm_rows = norm
        self._fuzzy_cache: dict[str, list[str]] = {}
        # Tuples of plain values: the cycle collector stops visiting them after one pass.
        self._country = tuple(gaz.country.tolist())
        self._lat = tuple(gaz.latitude.tolist())
        self._lon = tuple(gaz.longitude.tolist())
        self._weight = tuple(self._base_weights().tolist())
        self._admin1_norm: tuple[str, ...] | None = None
        self._anchor_cache: dict[tuple[tuple[str, ...], str], list[tuple[float, float]]] = {}
        if len(gaz):
            gaz.place(0)  # materialise the column lists once, not on the first query

    # ------------------------------------------------------------------ public
    def with_overrides(self, overrides: OverrideStore) -> Geocoder:
        """A geocoder with other corrections, sharing this one's gazetteer and indexes.

        Neither geocoder is changed (a geocoder every session shares stays as it was).

        Parameters
        ----------
        overrides : OverrideStore

        Returns
        -------
        Geocoder
        """
        other = copy.copy(self)
        other.overrides = overrides
        return other

    def place(self, gazetteer_id: str) -> Place | None:
        """Return the gazetteer entry with this id (or an override pin), if any."""
        if gazetteer_id.startswith("override:"):
            for o in self.overrides.all():
                if f"override:{o.override_id}" == gazetteer_id and o.is_pin:
                    return _pin_place(o)
            return None
        row = self.gazetteer.row(gazetteer_id)
        return None if row is None else self.gazetteer.place(row)

    def geocode(
        self,
        name: str,
        *,
        country: str | None = None,
        admin1: str | None = None,
        context: Sequence[str] = (),
    ) -> GeocodeResult:
        """Rank the places ``name`` may denote.

        Parameters
        ----------
        name : str
            Place name as written in the source.
        country : str, optional
            ISO alpha-2 code of the country the source is about; only places of
            that country are considered.
        admin1 : str, optional
            First-level administrative area (name or GeoNames code), when the record
            gives it; places inside it rank higher.
        context : sequence of str
            Other place names of the same record or text; candidates near the
            places they name rank higher.

        Returns
        -------
        GeocodeResult
        """
        cc = (country or "").strip().upper()
        if len(self.overrides):
            override = self._override(name, cc, admin1)
            if override is not None:
                return override
        found = self._match(name, cc)
        if not found:
            return GeocodeResult(name, "unresolved")
        rows = list(found)
        weight = [self._weight[r] for r in rows]
        if len(rows) > 1:
            if admin1:
                inside = self._in_admin1(rows, admin1, cc)
                weight = [w * _ADMIN1_BOOST if i else w for w, i in zip(weight, inside,
                                                                          strict=True)]
            others = tuple(c for c in context if c and c != name)
            if others:
                boost = self._context_boost(rows, others, cc)
                weight = [w * b for w, b in zip(weight, boost, strict=True)]
        return self._rank(name, rows, found, weight)

    def geocode_many(
        self,
        names: Iterable[str],
        *,
        countries: Iterable[str | None] | None = None,
        admin1s: Iterable[str | None] | None = None,
    ) -> list[GeocodeResult]:
        """Geocode a batch of names; repeated (name, country, admin1) are looked up once.

        Parameters
        ----------
        names : iterable of str
        countries, admin1s : iterable of str or None, optional
            Per-name context, aligned with ``names``.

        Returns
        -------
        list of GeocodeResult
            In the order of ``names``.
        """
        names = list(names)
        ccs = list(countries) if countries is not None else [None] * len(names)
        adms = list(admin1s) if admin1s is not None else [None] * len(names)
        cache: dict[tuple[str, str | None, str | None], GeocodeResult] = {}
        out = []
        for name, cc, adm in zip(names, ccs, adms, strict=True):
            key = (name, cc or None, adm or None)
            result = cache.get(key)
            if result is None:
                result = self.geocode(name, country=key[1], admin1=key[2])
                cache[key] = result
            out.append(result)
        return out

    # ----------------------------------------------------------------- matching
    def _override(self, name: str, cc: str, admin1: str | None) -> GeocodeResult | None:
        found = self.overrides.find(name, cc, admin1)
        if found is None:
            return None
        source = f"override:{found.override_id}"
        place = _pin_place(found) if found.is_pin else self.place(found.gazetteer_id)
        if place is None:
            warnings.warn(f"override {found.override_id}: unknown gazetteer id "
                          f"{found.gazetteer_id}", stacklevel=3)
            return None
        return GeocodeResult(name, "resolved", (Candidate(place, 1.0, "override", 1.0),), source)

    def _match(self, name: str, cc: str) -> dict[int, tuple[float, str]]:
        """Rows that ``name`` may denote -> (match quality, match kind)."""
        exact_key, norm_key, skel_key = name_keys(name)
        found: dict[int, tuple[float, str]] = {}
        if not exact_key:
            return found
        if cc:
            exact_index, norm_index, prefix = self._exact_cc, self._norm_cc, cc + "|"
        else:
            exact_index, norm_index, prefix = self._exact, self._norm, ""

        for r in exact_index.get(prefix + exact_key):
            found[r] = _EXACT
        if norm_key:
            for r in norm_index.get(prefix + norm_key):
                if r not in found:
                    found[r] = _NORMALISED_MATCH
        if found or not norm_key:
            return found

        def add(rows: Sequence[int], quality: float, kind: str) -> None:
            for r in rows:
                if r not in found or found[r][0] < quality:
                    found[r] = (quality, kind)

        if skel_key:
            for other in self._skel.get(skel_key):
                quality = _skeleton_quality(norm_key, other, skel_key)
                if quality >= MIN_QUALITY:
                    add(norm_index.get(prefix + other), quality, "skeleton")
        for other, ratio in self._fuzzy(norm_key, cc):
            quality = _fuzzy_quality(ratio)
            if quality >= MIN_QUALITY:
                add(norm_index.get(prefix + other), quality, "fuzzy")
        return found

    def _fuzzy(self, norm_key: str, cc: str) -> list[tuple[str, float]]:
        choices = self._fuzzy_choices(cc, norm_key[0])
        if not choices:
            return []
        hits = process.extract(
            norm_key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=10
        )
        return [(choice, score) for choice, score, _ in hits]

    def _fuzzy_choices(self, cc: str, first: str) -> list[str]:
        """Normalised spellings to search: the country's, by first letter when many."""
        block = f"{cc}:{first}"
        cached = self._fuzzy_cache.get(block) or self._fuzzy_cache.get(f"{cc}:*")
        if cached is not None:
            return cached
        norm = self._norm_rows
        keys = norm["norm"]
        if cc:
            keys = keys[self.gazetteer.country[norm["place"].to_numpy()] == cc]
        keys = keys[keys.str.len() > 2].drop_duplicates()
        if len(keys) <= _FUZZY_BLOCK:
            self._fuzzy_cache[f"{cc}:*"] = keys.tolist()
            return self._fuzzy_cache[f"{cc}:*"]
        for letter, group in keys.groupby(keys.str[0]):
            self._fuzzy_cache[f"{cc}:{letter}"] = group.tolist()
        return self._fuzzy_cache.setdefault(block, [])

    # ------------------------------------------------------------------ ranking
    def _base_weights(self) -> np.ndarray:
        gaz = self.gazetteer
        population = np.where(gaz.local, np.maximum(gaz.population, _LOCAL_POPULATION),
                              gaz.population).astype(float)
        weight = np.sqrt(population + 500.0)
        precision = pd.Series(gaz.precision).map(_PRECISION_WEIGHT).fillna(1.0).to_numpy()
        codes = gaz.places["feature_code"].map(_CODE_WEIGHT).fillna(1.0).to_numpy()
        return weight * precision * codes

    def _in_admin1(self, rows: list[int], admin1: str, cc: str) -> list[bool]:
        gaz = self.gazetteer
        wanted = override_key("x", cc, admin1)[2]
        if self._admin1_norm is None:
            self._admin1_norm = tuple(override_key("x", "", a)[2] for a in gaz.admin1.tolist())
        codes = self._admin1_codes(admin1, cc)
        code = admin1.strip()
        out = []
        for r in rows:
            pair = (self._country[r], gaz.admin1_code[r])
            out.append(bool(wanted) and self._admin1_norm[r] == wanted
                       or gaz.admin1_code[r] == code or pair in codes)
        return out

    def _admin1_codes(self, admin1: str, cc: str) -> set[tuple[str, str]]:
        """(country, admin1 code) of the area ``admin1`` names, through its places."""
        found = self._match(admin1, cc)
        rows = [r for r, (q, _) in found.items() if q >= _NORMALISED]
        if not rows:
            return set()
        gaz = self.gazetteer
        areas = [r for r in rows if gaz.precision[r] == 3]
        chosen = areas or [max(rows, key=lambda r: gaz.population[r])]
        return {(self._country[r], gaz.admin1_code[r]) for r in chosen if gaz.admin1_code[r]}

    def _context_boost(self, rows: list[int], others: tuple[str, ...], cc: str) -> list[float]:
        anchors = self._anchors(others, cc)
        boost = []
        for r in rows:
            near = any(_km(self._lat[r], self._lon[r], lat, lon) <= CONTEXT_KM
                       for lat, lon in anchors)
            boost.append(_CONTEXT_BOOST if near else 1.0)
        return boost

    def _anchors(self, others: tuple[str, ...], cc: str) -> list[tuple[float, float]]:
        """Where the other names of a record point (their most plausible good match)."""
        cached = self._anchor_cache.get((others, cc))
        if cached is not None:
            return cached
        if len(self._anchor_cache) >= 4096:
            self._anchor_cache.clear()
        out: list[tuple[float, float]] = []
        self._anchor_cache[(others, cc)] = out
        for other in others:
            found = self._match(other, cc)
            good = [r for r, (q, _) in found.items() if q >= _NORMALISED]
            if good:
                r = max(good, key=lambda r: self._weight[r])
                out.append((self._lat[r], self._lon[r]))
        return out

    def _area_key(self, row: int) -> tuple[str, str, str] | None:
        """Identity of an admin area (entries of one area from several sources match)."""
        gaz = self.gazetteer
        precision = gaz.precision[row]
        if precision == 4:
            return ("country", self._country[row], "")
        if precision == 3 and gaz.admin1_code[row]:
            return ("admin1", self._country[row], gaz.admin1_code[row])
        return None

    def _rank(
        self,
        name: str,
        rows: list[int],
        found: dict[int, tuple[float, str]],
        weight: list[float],
    ) -> GeocodeResult:
        gaz = self.gazetteer
        if len(rows) == 1:
            only = _candidate(gaz.place(rows[0]), *found[rows[0]], 1.0)
            if only.score >= RESOLVE_SCORE:
                return GeocodeResult(name, "resolved", (only,), only.place.gazetteer_id)
            return GeocodeResult(name, "unresolved", (only,))
        plaus = [w * math.exp(_SHARPNESS * (found[r][0] - 1.0))
                 for r, w in zip(rows, weight, strict=True)]
        order = sorted(range(len(rows)), key=plaus.__getitem__, reverse=True)
        kept: list[int] = []
        kept_at: list[tuple[float, float]] = []
        kept_areas: set[tuple[str, str, str]] = set()
        lat, lon = self._lat, self._lon
        total = 0.0
        for i in order:
            r = rows[i]
            la, lo = lat[r], lon[r]
            area = self._area_key(r)
            if len(kept) < _MAX_CANDIDATES and (area in kept_areas or any(
                abs(la - kla) < _SAME_PLACE_DEG and _km(la, lo, kla, klo) <= SAME_PLACE_KM
                for kla, klo in kept_at
            )):
                continue  # the same place again: counted once
            total += plaus[i]
            kept.append(i)
            kept_at.append((la, lo))
            if area is not None:
                kept_areas.add(area)
        candidates = tuple(
            _candidate(gaz.place(rows[i]), *found[rows[i]], plaus[i] / total)
            for i in kept[:_MAX_CANDIDATES]
        )
        top = candidates[0]
        if top.score >= RESOLVE_SCORE:
            return GeocodeResult(name, "resolved", candidates, top.place.gazetteer_id)
        if len(candidates) > 1 and candidates[1].quality >= _NORMALISED:
            return GeocodeResult(name, "ambiguous", candidates)
        return GeocodeResult(name, "unresolved", candidates)


def _candidate(place: Place, quality: float, kind: str, share: float) -> Candidate:
    """A candidate scored by match quality, its share of plausibility and its kind of match."""
    return Candidate(place, quality * share * _TRUST.get(kind, 1.0), kind, quality)


def _with_country(gaz: Gazetteer, frame: pd.DataFrame, column: str) -> np.ndarray:
    countries = gaz.country[frame["place"].to_numpy()].tolist()
    keys = frame[column].tolist()
    return np.array([f"{c}|{k}" for c, k in zip(countries, keys, strict=True)], dtype=object)


def _skeleton_quality(norm_key: str, other: str, skel_key: str) -> float:
    similarity = fuzz.ratio(norm_key, other) / 100.0
    short = 0.05 if len(skel_key) <= 2 else 0.0
    return 0.5 + 0.45 * similarity - short


def _fuzzy_quality(ratio: float) -> float:
    return 0.3 + 0.6 * ratio / 100.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km on a local equirectangular approximation.

    Within a fraction of a percent at the few tens of km the ranking thresholds use;
    reported distances (``geo.geocoding.nearest``, the benchmark) are geodesic.
    """
    dlon = (lon1 - lon2 + 180.0) % 360.0 - 180.0
    x = math.radians(dlon) * math.cos(math.radians((lat1 + lat2) / 2.0))
    return _EARTH_KM * math.hypot(x, math.radians(lat1 - lat2))


def _pin_place(o: Override) -> Place:
    if o.latitude is None or o.longitude is None:
        raise ValueError(f"override {o.override_id} is not a pin")
    return Place(
        gazetteer_id=f"override:{o.override_id}",
        name=o.name,
        aliases=(),
        latitude=float(o.latitude),
        longitude=float(o.longitude),
        kind="analyst pin",
        country=o.country,
        admin1=o.admin1,
        precision=int(o.precision or 1),
    )


def default_geocoder(settings: Settings | None = None) -> Geocoder:
    """Build the geocoder the app uses by default.

    The GeoNames index (``settings.gazetteer_index_path``, built by
    ``python -m geo.geocoding.sources build``) merged with the project's place file, and the
    analysts' corrections. Without the index only the project's places are known.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``load_settings()``.

    Returns
    -------
    Geocoder
    """
    settings = settings or load_settings()
    index = settings.gazetteer_index_path
    if not index.exists():
        warnings.warn(
            f"no gazetteer index at {index}; run 'python -m geo.geocoding.sources build'. "
            "Only the project's own places are known.",
            stacklevel=2,
        )
    gazetteer = load_gazetteer(index, settings.places_path)
    return Geocoder(gazetteer, OverrideStore(settings.overrides_path))
