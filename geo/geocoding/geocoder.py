"""Place names (with context) to ranked candidates; the seam every caller uses.

A name goes through these steps:

1. the string is split into names, a feature kind and a precision
   (:mod:`geo.geocoding.compound`: "Tadmur/Palmyra town", "Aleppo countryside",
   "near X", "Shair gas field"); generic words ("village", "the city") stop here;
2. analysts' corrections (:mod:`geo.geocoding.overrides`);
3. exact and normalised keys of the whole string, then of each name, in the gazetteer
   and in the places learned from the analyst's datasets (:mod:`geo.geocoding.learned`);
   consonant skeletons and a RapidFuzz fallback only when nothing matched;
4. context: a candidate outside the country, governorate or district the record gives
   is rejected (:mod:`geo.geocoding.areas`); with a default country set, nothing
   abroad is considered unless the caller has a foreign cue (``abroad=True``);
5. decision (:mod:`geo.geocoding.ranking`): one place (co-located entries counted once),
   or one place that learned data, population or the record's other places single
   out; otherwise ``ambiguous``. The score is the probability of being right for the
   answer's evidence class (:mod:`geo.geocoding.calibration`); a name is ``resolved``
   only at :data:`RESOLVE_SCORE` or above. Nothing is placed silently.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import warnings
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from rapidfuzz import fuzz, process

from geo.geocoding.areas import AdminAreas
from geo.geocoding.calibration import Calibration
from geo.geocoding.compound import ParsedPlace, parse_place
from geo.geocoding.gazetteer import Gazetteer, Place
from geo.geocoding.index_file import build_part
from geo.geocoding.names import name_keys
from geo.geocoding.overrides import Override, OverrideIndex, OverrideStore
from geo.geocoding.sources import load_gazetteer
from geo.settings import Settings, load_settings

if TYPE_CHECKING:  # learned places are read only when a store is given
    from geo.geocoding.learned import LearnedPlaceSource

Status = Literal["resolved", "ambiguous", "unresolved"]
MatchKind = Literal["override", "exact", "normalised", "skeleton", "fuzzy"]

#: A name is resolved when its answer is right with at least this probability.
RESOLVE_SCORE = 0.8
#: Below this name-match quality a candidate is not worth showing.
MIN_QUALITY = 0.78
#: Minimum RapidFuzz ratio (0-100) of the fuzzy fallback.
FUZZY_CUTOFF = 82.0
NORMALISED = 0.95  # quality of a normalised-key match (exact is 1)
_EXACT = (1.0, "exact")
_NORMALISED_MATCH = (NORMALISED, "normalised")
_CACHE_SIZE = 65_536
#: Numbers a gazetteer's caches (the admin areas' ``near``) are keyed by.
_GENERATIONS = itertools.count(1)


@dataclass(frozen=True)
class Candidate:
    """A place a name may denote, with how well it matches.

    Attributes
    ----------
    place : Place
        The gazetteer entry (its precision is the answer's: coarser when the string
        says "countryside" or "near").
    score : float
        Probability that this is the place meant, in [0, 1].
    match : str
        How the name matched: override, exact, normalised, skeleton or fuzzy.
    quality : float
        Name-match quality alone, in [0, 1].
    evidence : str
        The evidence class the score comes from (see :mod:`geo.geocoding.calibration`).
    provenance : str
        Where the place comes from: learned datasets with their record counts, the
        gazetteer id, or both.
    """

    place: Place
    score: float
    match: str = "exact"
    quality: float = 1.0
    evidence: str = ""
    provenance: str = ""

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
        ``override:<id>`` for an analyst's correction ('' when not resolved).
    kind : str
        Feature kind the name says (village, camp, airbase, gas field ...), '' if none.
    feature_class : str
        ``settlement``, ``facility``, ``terrain``, ``region`` or ''.
    notes : tuple of str
        Why candidates were set aside, and where learned sources disagree.
    """

    query: str
    status: Status
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    source: str = ""
    kind: str = ""
    feature_class: str = ""
    notes: tuple[str, ...] = ()

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


class Geocoder:
    """Resolve place names against a gazetteer and the places learned from imports.

    Parameters
    ----------
    places : Gazetteer or sequence of Place
        The gazetteer.
    overrides : OverrideIndex, optional
        Analysts' corrections (a snapshot), consulted before the gazetteer.
    areas : AdminAreas, optional
        Admin-area polygons, to reject candidates outside the area a record gives.
    default_country : str
        ISO code assumed when a name comes without a country; places abroad are then
        considered only with ``abroad=True`` (a foreign cue) or their country given.
    calibration : Calibration, optional
        Evidence class -> probability (defaults when not given).
    """

    def __init__(
        self,
        places: Gazetteer | Sequence[Place],
        overrides: OverrideIndex | None = None,
        *,
        areas: AdminAreas | None = None,
        default_country: str = "",
        calibration: Calibration | None = None,
    ) -> None:
        gaz = places if isinstance(places, Gazetteer) else Gazetteer.from_places(places)
        self.base = gaz
        self.overrides = overrides if overrides is not None else OverrideIndex()
        self.areas = areas
        self.default_country = default_country.strip().upper()
        self.calibration = calibration or Calibration()
        self.learned_revision: int | None = None
        self.learned_sources: tuple[str, ...] = ()
        self._use(gaz)

    def _use(self, gaz: Gazetteer) -> None:
        """Point at a gazetteer: per-row tuples for the ranking, fresh caches."""
        from geo.geocoding.ranking import base_weights

        self.gazetteer: Gazetteer | None = gaz
        self._gaz = gaz
        # Per-row values read one at a time by the ranking (an item is a Python float or
        # int, as from a tuple): packed arrays, 8 bytes a row where a tuple of Python
        # floats held 32 (about 22 MB less for the 234,931 rows of GeoNames' Syria).
        self._lat = array("d", gaz.latitude.astype(np.float64).tobytes())
        self._lon = array("d", gaz.longitude.astype(np.float64).tobytes())
        self._weight = array("d", np.asarray(base_weights(gaz), dtype=np.float64).tobytes())
        self._learned = array("q", gaz.records.astype(np.int64).tobytes())
        self._generation = next(_GENERATIONS)  # never reused (an id may be, once freed)
        self._fuzzy_cache: dict[str, list[str]] = {}
        self._anchor_cache: dict[tuple[tuple[str, ...], str], list[tuple[float, float]]] = {}
        self._match_cache: dict[tuple[str, str], dict[int, tuple[float, str]]] = {}
        self._parse_cache: dict[str, ParsedPlace] = {}

    # ------------------------------------------------------------------ derived geocoders
    def with_overrides(self, overrides: OverrideIndex) -> Geocoder:
        """A geocoder with other corrections, sharing this one's gazetteer and indexes.

        Neither geocoder is changed: a geocoder cached for every session stays as it
        was, and the new one costs no index build.

        Parameters
        ----------
        overrides : OverrideIndex

        Returns
        -------
        Geocoder
        """
        other = copy.copy(self)
        other.overrides = overrides
        return other

    def with_learned(self, source: LearnedPlaceSource | None) -> Geocoder:
        """A geocoder that also knows the places learned from imports (this one unchanged).

        Parameters
        ----------
        source : LearnedPlaceSource or None
            The store (or :class:`geo.geocoding.learned.LearnedPlaces`); its enabled
            sources count. None gives the gazetteer alone.

        Returns
        -------
        Geocoder
            Shares the gazetteer's index; only the learned places are indexed anew.
        """
        other = copy.copy(self)
        if source is None:
            other.learned_revision, other.learned_sources = None, ()
            other._use(self.base)
            return other
        frame = source.learned_places()
        other.learned_revision = source.learned_revision()
        enabled = frame[frame["enabled"].astype(bool)] if len(frame) else frame
        other.learned_sources = tuple(sorted(set(enabled["source"]))) if len(frame) else ()
        from geo.geocoding.learned import learned_gazetteer_rows
        rows = learned_gazetteer_rows(frame)
        if rows.empty:
            other._use(self.base)
        else:
            other._use(Gazetteer([*self.base.parts, build_part(rows)]))
        return other

    # ------------------------------------------------------------------ public
    def place(self, gazetteer_id: str) -> Place | None:
        """Return the gazetteer entry with this id (or an override pin), if any."""
        if gazetteer_id.startswith("override:"):
            for o in self.overrides.all():
                if f"override:{o.override_id}" == gazetteer_id and o.is_pin:
                    return _pin_place(o)
            return None
        row = self._gaz.row(gazetteer_id)
        return None if row is None else self._gaz.place(row)

    def knows(self, name: str, country: str | None = None) -> bool:
        """Whether the gazetteer, a learned place or a correction has this exact or
        normalised spelling (a cheap test, no ranking)."""
        exact_key, norm_key, _ = name_keys(name)
        if not exact_key:
            return False
        cc = (country or "").strip().upper()
        kinds = ("exact_cc", "norm_cc") if cc else ("exact", "norm")
        prefix = f"{cc}|" if cc else ""
        if self._gaz.lookup(kinds[0], prefix + exact_key):
            return True
        if norm_key and self._gaz.lookup(kinds[1], prefix + norm_key):
            return True
        return len(self.overrides) > 0 and self.overrides.find(name, cc or None) is not None

    def parse(self, name: str) -> ParsedPlace:
        """What a place string says (cached :func:`geo.geocoding.compound.parse_place`)."""
        parsed = self._parse_cache.get(name)
        if parsed is None:
            if len(self._parse_cache) >= _CACHE_SIZE:
                self._parse_cache.clear()
            parsed = self._parse_cache[name] = parse_place(name)
        return parsed

    def geocode(
        self,
        name: str,
        *,
        country: str | None = None,
        admin1: str | None = None,
        context: Sequence[str] = (),
        admin2: str | None = None,
        abroad: bool = False,
    ) -> GeocodeResult:
        """Rank the places ``name`` may denote.

        Parameters
        ----------
        name : str
            Place name as written in the source ("Teir Maaleh village", "near Raqqa").
        country : str, optional
            ISO alpha-2 code of the country; only places of that country are considered.
            Without it, the default country (when set) unless ``abroad``.
        admin1, admin2 : str, optional
            Governorate and district the record gives (names, any spelling, with or
            without "Governorate"); candidates outside them are rejected.
        context : sequence of str
            Other place names of the same record or text; candidates near the
            places they name rank higher.
        abroad : bool
            The caller has a foreign cue: search every country even with a default one.

        Returns
        -------
        GeocodeResult
        """
        from geo.geocoding.ranking import area_answer, decide

        parsed = self.parse(name)
        if parsed.generic:
            return GeocodeResult(name, "unresolved", notes=("not a place name",))
        cc = (country or "").strip().upper() or ("" if abroad else self.default_country)
        if len(self.overrides):
            for probe in (name, *parsed.names):
                override = self._override(probe, name, cc, admin1)
                if override is not None:
                    return override
        area = area_answer(self, name, parsed, cc)
        if area is not None:
            return area
        found = self._lookup(name, parsed, cc)
        if not found:
            return GeocodeResult(name, "unresolved", kind=parsed.kind,
                                 feature_class=parsed.feature_class)
        if parsed.precision > 1 and self._match(name, cc, loose=False):
            # the whole string is a known spelling ("al-Tanf region"): its place says
            parsed = dataclasses.replace(parsed, precision=1)
        return decide(self, name, parsed, cc, found, admin1, admin2, context)

    def geocode_many(
        self,
        names: Iterable[str],
        *,
        countries: Iterable[str | None] | None = None,
        admin1s: Iterable[str | None] | None = None,
        admin2s: Iterable[str | None] | None = None,
    ) -> list[GeocodeResult]:
        """Geocode a batch of names through the bulk path (:mod:`geo.geocoding.bulk`).

        Repeated (name, country, admin1, admin2) are answered once; each answer equals
        :meth:`geocode`'s. For columns without result objects, use
        :func:`geo.geocoding.bulk.geocode_batch`.

        Parameters
        ----------
        names : iterable of str
        countries, admin1s, admin2s : iterable of str or None, optional
            Per-name context, aligned with ``names``.

        Returns
        -------
        list of GeocodeResult
            In the order of ``names``.
        """
        from geo.geocoding.bulk import batch_from_iterables

        return batch_from_iterables(self, names, countries, admin1s, admin2s).results()

    # ----------------------------------------------------------------- matching
    def _override(self, probe: str, name: str, cc: str,
                  admin1: str | None) -> GeocodeResult | None:
        found = self.overrides.find(probe, cc, admin1)
        if found is None:
            return None
        source = f"override:{found.override_id}"
        place = _pin_place(found) if found.is_pin else self.place(found.gazetteer_id)
        if place is None:
            warnings.warn(f"override {found.override_id}: unknown gazetteer id "
                          f"{found.gazetteer_id}", stacklevel=3)
            return None
        who = found.created_by or "an analyst"
        candidate = Candidate(place, 1.0, "override", 1.0, "override",
                              f"correction {found.override_id} by {who}")
        return GeocodeResult(name, "resolved", (candidate,), source)

    def _lookup(self, name: str, parsed: ParsedPlace, cc: str) -> dict[int, tuple[float, str]]:
        """Rows the string may denote: the whole string first, then the names it offers."""
        found = self._match(name, cc, loose=False)
        if found:
            return found
        if parsed.facility or parsed.feature_class == "terrain":
            probes = [parsed.canonical]  # never a village that shares the facility's name
        else:
            probes = [n for n in parsed.names if n != name]
        for probe in probes:
            for row, hit in self._match(probe, cc, loose=False).items():
                if row not in found or found[row][0] < hit[0]:
                    found[row] = hit
        if found or parsed.facility or parsed.feature_class == "terrain":
            return found
        for probe in parsed.names[:1]:
            found.update(self._match(probe, cc, loose=True))
        return found

    def match(self, name: str, cc: str) -> dict[int, tuple[float, str]]:
        """Rows whose exact or normalised spelling is ``name`` -> (quality, kind)."""
        return self._match(name, cc, loose=False)

    def _match(self, name: str, cc: str, loose: bool) -> dict[int, tuple[float, str]]:
        """Rows that ``name`` may denote -> (match quality, match kind)."""
        cache_key = (name, cc) if not loose else (name, cc + "~")
        cached = self._match_cache.get(cache_key)
        if cached is not None:
            return dict(cached)
        exact_key, norm_key, skel_key = name_keys(name)
        found: dict[int, tuple[float, str]] = {}
        gaz = self._gaz
        if exact_key and not loose:
            if cc:
                kinds, prefix = ("exact_cc", "norm_cc"), cc + "|"
            else:
                kinds, prefix = ("exact", "norm"), ""
            for r in gaz.lookup(kinds[0], prefix + exact_key):
                found[r] = _EXACT
            if norm_key:
                for r in gaz.lookup(kinds[1], prefix + norm_key):
                    if r not in found:
                        found[r] = _NORMALISED_MATCH
        elif exact_key and norm_key:
            found = self._loose(norm_key, skel_key, cc)
        if len(self._match_cache) >= _CACHE_SIZE:
            self._match_cache.clear()
        self._match_cache[cache_key] = found
        return dict(found)

    def _loose(self, norm_key: str, skel_key: str, cc: str) -> dict[int, tuple[float, str]]:
        """Skeleton and fuzzy matches (only asked when nothing matched exactly)."""
        gaz = self._gaz
        found: dict[int, tuple[float, str]] = {}
        kind, prefix = ("norm_cc", cc + "|") if cc else ("norm", "")

        def add(rows: Sequence[int], quality: float, how: str) -> None:
            for r in rows:
                if r not in found or found[r][0] < quality:
                    found[r] = (quality, how)

        if skel_key:
            for other in gaz.norms_of_skeleton(skel_key):
                quality = _skeleton_quality(norm_key, other, skel_key)
                if quality >= MIN_QUALITY:
                    add(gaz.lookup(kind, prefix + other), quality, "skeleton")
        for other, ratio in self._fuzzy(norm_key, cc):
            quality = 0.3 + 0.6 * ratio / 100.0
            if quality >= MIN_QUALITY:
                add(gaz.lookup(kind, prefix + other), quality, "fuzzy")
        return found

    def _fuzzy(self, norm_key: str, cc: str) -> list[tuple[str, float]]:
        block = f"{cc}:{norm_key[0]}"
        choices = self._fuzzy_cache.get(block)
        if choices is None:
            choices = self._gaz.norm_keys(cc, "" if cc else norm_key[0])
            self._fuzzy_cache[block] = choices
        if not choices:
            return []
        hits = process.extract(norm_key, choices, scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF, limit=10)
        return [(choice, score) for choice, score, _ in hits]

    # ------------------------------------------------------------------ context
    def outside(self, rows: list[int], cc: str, admin1: str | None,
                admin2: str | None) -> tuple[set[int], list[str], bool]:
        """Rows that contradict the admin areas given (see :func:`ranking.outside`)."""
        from geo.geocoding.ranking import outside

        return outside(self, rows, cc, admin1, admin2)

    def find_area(self, given: str, cc: str, level: int) -> str | None:
        """The admin area of this level ``given`` names, if the areas know it."""
        if self.areas is None:
            return None
        try:
            return self.areas.find(given, cc, level)
        except Exception as exc:  # an unreadable boundary file must not stop geocoding
            warnings.warn(f"admin areas not used: {exc}", stacklevel=3)
            self.areas = None
            return None

    def anchors(self, others: tuple[str, ...], cc: str) -> list[tuple[float, float]]:
        """Where the other names of a record point (their most plausible good match)."""
        cached = self._anchor_cache.get((others, cc))
        if cached is not None:
            return cached
        if len(self._anchor_cache) >= 4096:
            self._anchor_cache.clear()
        out: list[tuple[float, float]] = []
        self._anchor_cache[(others, cc)] = out
        for other in others:
            parsed = self.parse(other)
            if parsed.generic:
                continue
            found = self._lookup(other, parsed, cc)
            good = [r for r, (q, _) in found.items() if q >= NORMALISED]
            if good:
                r = max(good, key=lambda r: self._weight[r])
                out.append((self._lat[r], self._lon[r]))
        return out


def _skeleton_quality(norm_key: str, other: str, skel_key: str) -> float:
    similarity = fuzz.ratio(norm_key, other) / 100.0
    short = 0.05 if len(skel_key) <= 2 else 0.0
    return 0.5 + 0.45 * similarity - short


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


def default_geocoder(settings: Settings | None = None,
                     learned: LearnedPlaceSource | None = None) -> Geocoder:
    """Build the geocoder the app and the command lines use.

    The compact GeoNames index (``settings.gazetteer_index_path``, built by
    ``python -m geo.geocoding.sources build``) with the project's place file, the
    analysts' corrections, the admin areas (``INCIDENT_MAP_ADMIN``), the default
    country (``INCIDENT_MAP_COUNTRY``), the calibration table, and the places learned
    from the store's imports when ``learned`` (the store) is given. Without the index
    only the project's places are known.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``load_settings()``.
    learned : LearnedPlaceSource, optional
        Usually the store ``INCIDENT_DB`` names.

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
    coder = Geocoder(
        gazetteer,
        OverrideStore(settings.overrides_path),
        areas=_admin_areas(settings.admin_paths, gazetteer),
        default_country=settings.default_country,
        calibration=Calibration.from_file(settings.calibration_path),
    )
    return coder.with_learned(learned) if learned is not None else coder


def _admin_areas(paths: Sequence[Path], gazetteer: Gazetteer) -> AdminAreas:
    """Admin areas from files (read on first use), their names completed by the project's
    governorate spellings."""
    areas = np.flatnonzero(gazetteer.local & (gazetteer.precision == 3) & gazetteer.alive)
    return AdminAreas.deferred(paths, [gazetteer.place(int(r)) for r in areas.tolist()])


