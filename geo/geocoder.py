"""Place names (with context) to ranked candidates; the seam every caller uses.

Lookup runs in stages, each consulted only when the ones before it found nothing:

1. analysts' corrections (:mod:`geo.overrides`);
2. exact keys (case, diacritics, marks) and normalised keys (article, doubled
   letters, transliteration variants), then consonant skeletons scored by how
   close the normalised spellings are;
3. a RapidFuzz fallback over the normalised spellings of the country (or of the
   world, blocked by first letter, without a country).

Candidates are ranked by name-match quality, feature kind, population and context
(country filter, governorate, other places named in the same record). A candidate's
score is its match quality times its share of the plausibility of all candidates,
co-located entries counted once. A name is ``resolved`` only when the best score
reaches :data:`RESOLVE_SCORE`; ``ambiguous`` when good candidates compete;
otherwise ``unresolved`` (for review), never silently placed.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from pyproj import Geod
from rapidfuzz import fuzz, process

from geo.gazetteer import Gazetteer, Place, load_gazetteer
from geo.names import name_keys
from geo.overrides import OverrideStore, override_key
from geo.settings import Settings, load_settings

Status = Literal["resolved", "ambiguous", "unresolved"]
MatchKind = Literal["override", "exact", "normalised", "skeleton", "fuzzy"]

#: A name is resolved when its best candidate scores at least this.
RESOLVE_SCORE = 0.75
#: Below this name-match quality a candidate is not worth showing.
MIN_QUALITY = 0.78
#: Minimum RapidFuzz ratio (0-100) of the fuzzy fallback.
FUZZY_CUTOFF = 82.0
#: Entries closer than this (km) are taken to be the same place.
SAME_PLACE_KM = 4.0
#: Context places within this distance (km) lend support to a candidate.
CONTEXT_KM = 60.0

_QUALITY: dict[str, float] = {"exact": 1.0, "normalised": 0.95}
_SHARPNESS = 30.0  # how strongly match quality outweighs population and kind
_LOCAL_POPULATION = 20_000  # curated local places count as a town of this size
_CODE_WEIGHT = {"PPLC": 3.0, "PPLA": 2.0, "PPLA2": 1.5}
_PRECISION_WEIGHT = {1: 1.0, 2: 0.6, 3: 0.5, 4: 1.0}
_ADMIN1_BOOST = 5.0
_CONTEXT_BOOST = 4.0
_MAX_CANDIDATES = 8
_GEOD = Geod(ellps="WGS84")


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
    """Map a key to the values stored under it (a grouped, sorted array)."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        codes, uniques = pd.factorize(keys)
        order = np.argsort(codes, kind="stable")
        self._values = values[order]
        counts = np.bincount(codes, minlength=len(uniques))
        self._starts = np.concatenate([[0], np.cumsum(counts)])
        self._code = dict(zip(uniques.tolist(), range(len(uniques)), strict=True))

    def get(self, key: str) -> np.ndarray:
        code = self._code.get(key)
        if code is None:
            return self._values[:0]
        return self._values[self._starts[code]:self._starts[code + 1]]


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
        place_rows = names["place"].to_numpy(dtype=np.int64)
        exact = names[["exact", "place"]].drop_duplicates()
        self._exact = _KeyIndex(exact["exact"].to_numpy(object), exact["place"].to_numpy())
        norm = names.loc[names["norm"] != "", ["norm", "place"]].drop_duplicates()
        self._norm = _KeyIndex(norm["norm"].to_numpy(object), norm["place"].to_numpy())
        skel = names.loc[names["skel"] != "", ["skel", "norm"]].drop_duplicates()
        self._skel = _KeyIndex(skel["skel"].to_numpy(object), skel["norm"].to_numpy(object))
        self._name_country = gaz.country[place_rows] if len(place_rows) else np.array([])
        self._fuzzy_cache: dict[str, tuple[list[str], dict[str, np.ndarray]]] = {}
        self._weight = self._base_weights()
        self._admin1_norm: np.ndarray | None = None

    # ------------------------------------------------------------------ public
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
        override = self._override(name, cc, admin1)
        if override is not None:
            return override
        rows, quality, kinds = self._match(name, cc)
        if not len(rows):
            return GeocodeResult(name, "unresolved")
        weight = self._weight[rows].copy()
        if admin1:
            weight *= np.where(self._in_admin1(rows, admin1, cc), _ADMIN1_BOOST, 1.0)
        others = [c for c in context if c and c != name]
        if others and len(rows) > 1:
            weight *= self._context_boost(rows, tuple(others), cc)
        return self._rank(name, rows, quality, kinds, weight)

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
        if found.is_pin:
            place = _pin_place(found)
        else:
            place = self.place(found.gazetteer_id)
            if place is None:
                warnings.warn(f"override {found.override_id}: unknown gazetteer id "
                              f"{found.gazetteer_id}", stacklevel=3)
                return None
        return GeocodeResult(name, "resolved", (Candidate(place, 1.0, "override", 1.0),), source)

    def _match(self, name: str, cc: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        exact_key, norm_key, skel_key = name_keys(name)
        if not exact_key:
            return np.empty(0, dtype=np.int64), np.empty(0), []
        found: dict[int, tuple[float, str]] = {}
        country = self.gazetteer.country

        def add(rows: np.ndarray, quality: float, kind: str) -> None:
            for r in rows.tolist():
                if cc and country[r] != cc:
                    continue
                if r not in found or found[r][0] < quality:
                    found[r] = (quality, kind)

        add(self._exact.get(exact_key), _QUALITY["exact"], "exact")
        if norm_key:
            add(self._norm.get(norm_key), _QUALITY["normalised"], "normalised")
        if not found and skel_key:
            for other in self._skel.get(skel_key).tolist():
                quality = _skeleton_quality(norm_key, other, skel_key)
                if quality >= MIN_QUALITY:
                    add(self._norm.get(other), quality, "skeleton")
        if not any(kind in ("exact", "normalised") for _, kind in found.values()) and norm_key:
            for other, ratio in self._fuzzy(norm_key, cc):
                quality = _fuzzy_quality(ratio)
                if quality >= MIN_QUALITY:
                    add(self._norm.get(other), quality, "fuzzy")
        rows = np.fromiter(found, dtype=np.int64, count=len(found))
        quality = np.array([found[r][0] for r in found], dtype=float)
        kinds = [found[r][1] for r in found]
        return rows, quality, kinds

    def _fuzzy(self, norm_key: str, cc: str) -> list[tuple[str, float]]:
        block = cc or f"*{norm_key[0]}"
        choices = self._fuzzy_choices(block)
        if not choices:
            return []
        hits = process.extract(
            norm_key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=10
        )
        return [(choice, score) for choice, score, _ in hits]

    def _fuzzy_choices(self, block: str) -> list[str]:
        cached = self._fuzzy_cache.get(block)
        if cached is None:
            norms = self.gazetteer.names["norm"].to_numpy(object)
            if block.startswith("*"):
                mask = self.gazetteer.names["norm"].str.startswith(block[1:]).to_numpy()
            else:
                mask = self._name_country == block
            choices = sorted({n for n in norms[mask].tolist() if len(n) > 2})
            cached = (choices, {})
            self._fuzzy_cache[block] = cached
        return cached[0]

    # ------------------------------------------------------------------ ranking
    def _base_weights(self) -> np.ndarray:
        gaz = self.gazetteer
        population = np.where(gaz.local, np.maximum(gaz.population, _LOCAL_POPULATION),
                              gaz.population).astype(float)
        weight = np.sqrt(population + 500.0)
        precision = pd.Series(gaz.precision).map(_PRECISION_WEIGHT).fillna(1.0).to_numpy()
        codes = gaz.places["feature_code"].map(_CODE_WEIGHT).fillna(1.0).to_numpy()
        return weight * precision * codes

    def _in_admin1(self, rows: np.ndarray, admin1: str, cc: str) -> np.ndarray:
        gaz = self.gazetteer
        wanted = override_key("x", cc, admin1)[2]
        if self._admin1_norm is None:
            self._admin1_norm = np.array(
                [override_key("x", "", a)[2] for a in gaz.admin1.tolist()], dtype=object
            )
        codes = self._admin1_codes(admin1, cc)
        hit = self._admin1_norm[rows] == wanted
        hit |= gaz.admin1_code[rows] == admin1.strip()
        if codes:
            pairs = zip(gaz.country[rows].tolist(), gaz.admin1_code[rows].tolist(), strict=True)
            hit |= np.array([p in codes for p in pairs], dtype=bool)
        return hit

    def _admin1_codes(self, admin1: str, cc: str) -> set[tuple[str, str]]:
        """(country, admin1 code) of the area ``admin1`` names, through its places."""
        rows, quality, _ = self._match(admin1, cc)
        rows = rows[quality >= _QUALITY["normalised"]]
        if not len(rows):
            return set()
        gaz = self.gazetteer
        areas = rows[gaz.precision[rows] == 3]
        chosen = areas if len(areas) else rows[[int(np.argmax(gaz.population[rows]))]]
        return {(gaz.country[r], gaz.admin1_code[r]) for r in chosen.tolist()
                if gaz.admin1_code[r]}

    def _context_boost(self, rows: np.ndarray, others: tuple[str, ...], cc: str) -> np.ndarray:
        anchors = self._anchors(others, cc)
        if not anchors:
            return np.ones(len(rows))
        gaz = self.gazetteer
        boost = np.ones(len(rows))
        for lat, lon in anchors:
            km = _distance_km(gaz.latitude[rows], gaz.longitude[rows], lat, lon)
            boost = np.maximum(boost, np.where(km <= CONTEXT_KM, _CONTEXT_BOOST, 1.0))
        return boost

    @lru_cache(maxsize=4096)  # noqa: B019 - the cache lives as long as the geocoder
    def _anchors(self, others: tuple[str, ...], cc: str) -> list[tuple[float, float]]:
        out = []
        for other in others:
            rows, quality, _ = self._match(other, cc)
            good = rows[quality >= _QUALITY["normalised"]]
            if len(good):
                r = good[int(np.argmax(self._weight[good]))]
                out.append((float(self.gazetteer.latitude[r]),
                            float(self.gazetteer.longitude[r])))
        return out

    def _rank(
        self,
        name: str,
        rows: np.ndarray,
        quality: np.ndarray,
        kinds: list[str],
        weight: np.ndarray,
    ) -> GeocodeResult:
        plaus = weight * np.exp(_SHARPNESS * (quality - 1.0))
        order = np.argsort(-plaus, kind="stable")
        gaz = self.gazetteer
        kept: list[int] = []
        if len(order) > 1:
            lat, lon = gaz.latitude[rows], gaz.longitude[rows]
            for i in order.tolist():
                if kept:
                    km = _distance_km(lat[kept], lon[kept], lat[i], lon[i])
                    if np.any(km <= SAME_PLACE_KM):
                        continue
                kept.append(i)
        else:
            kept = order.tolist()
        total = float(plaus[kept].sum())
        candidates = tuple(
            Candidate(gaz.place(int(rows[i])), round(float(quality[i] * plaus[i] / total), 4),
                      kinds[i], round(float(quality[i]), 4))
            for i in kept[:_MAX_CANDIDATES]
        )
        top = candidates[0]
        if top.score >= RESOLVE_SCORE:
            return GeocodeResult(name, "resolved", candidates, top.place.gazetteer_id)
        if len(candidates) > 1 and top.quality >= _QUALITY["normalised"]:
            return GeocodeResult(name, "ambiguous", candidates)
        if len(candidates) > 1 and top.score + candidates[1].score >= RESOLVE_SCORE:
            return GeocodeResult(name, "ambiguous", candidates)
        return GeocodeResult(name, "unresolved", candidates)


def _skeleton_quality(norm_key: str, other: str, skel_key: str) -> float:
    similarity = fuzz.ratio(norm_key, other) / 100.0
    short = 0.04 if len(skel_key) <= 2 else 0.0
    return 0.5 + 0.45 * similarity - short


def _fuzzy_quality(ratio: float) -> float:
    return 0.4 + 0.5 * ratio / 100.0


def _distance_km(lats: np.ndarray, lons: np.ndarray, lat: float, lon: float) -> np.ndarray:
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    _, _, metres = _GEOD.inv(lons, lats, np.full_like(lons, lon), np.full_like(lats, lat))
    return np.asarray(metres) / 1000.0


def _pin_place(o) -> Place:  # noqa: ANN001 - an Override
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
    ``python -m geo.gazetteer build``) merged with the project's place file, and the
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
            f"no gazetteer index at {index}; run 'python -m geo.gazetteer build'. "
            "Only the project's own places are known.",
            stacklevel=2,
        )
    gazetteer = load_gazetteer(index, settings.places_path)
    return Geocoder(gazetteer, OverrideStore(settings.overrides_path))


__all__ = [
    "Candidate",
    "GeocodeResult",
    "Geocoder",
    "MatchKind",
    "Status",
    "default_geocoder",
    "RESOLVE_SCORE",
]

