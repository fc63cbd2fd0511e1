"""From matched rows to an answer: context, places counted once, a decision, a score.

Rows that name the same place (within :data:`SAME_PLACE_KM`, or the same admin area)
form one cluster; a cluster may join a place learned from the analyst's datasets and a
gazetteer entry, which then support each other. The decision:

* one cluster: that place;
* several, one of them learned (the others from the gazetteer): the learned one, which
  the analyst's own records place in the area given;
* several learned ones: the one with most records when it has at least three times
  the next one's (the disagreement is reported in ``notes``); else ambiguous;
* gazetteer homonyms only: the one the record's other places point to, or a city
  that outweighs every rival :data:`DOMINANCE` times (in square root of population,
  so 25 times as populous); else ambiguous (a town and a village of the same name
  are never decided by population alone).

The score is the probability of being right for the answer's evidence class
(:class:`geo.geocoding.calibration.Calibration`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding.areas import area_key
from geo.geocoding.compound import ParsedPlace
from geo.geocoding.names import name_key

if TYPE_CHECKING:
    from geo.geocoding.gazetteer import Gazetteer
    from geo.geocoding.geocoder import Candidate, Geocoder, GeocodeResult, Status

#: Entries closer than this (km) are taken to be the same place.
SAME_PLACE_KM = 4.0
#: Context places within this distance (km) lend support to a candidate.
CONTEXT_KM = 60.0
#: A city outweighing every rival this many times is the answer without context.
DOMINANCE = 5.0
#: A learned place with this many times the records of the next one is the answer.
MAJORITY = 3.0
#: A place learned at approximate precision this close to one learned exactly agrees with it.
APPROX_KM = 25.0
#: Places of one name farther apart than this are homonyms: without a governorate,
#: district or nearby place that separates them, the name is ambiguous.
HOMONYM_KM = 25.0
#: A name whose normalised key has at most this many letters is short: a match only
#: after folding its vowels ("Hadar" ~ "Al Hadir") needs context to be trusted.
SHORT_NAME = 6
#: Score of a short normalised match without context (below the resolve score: review).
UNSURE_SCORE = 0.5
_SHARPNESS = 15.0
_LOCAL_POPULATION = 20_000
_CODE_WEIGHT = {"PPLC": 3.0, "PPLA": 2.0, "PPLA2": 1.5}
_PRECISION_WEIGHT = {1: 1.0, 2: 0.6, 3: 0.5, 4: 1.0}
_CITY_CODES = ("PPLC", "PPLA", "PPLA2")
#: Size classes (:func:`size_class`) a short normalised spelling may still resolve to.
BIG_SIZES = ("city", "area", "curated", "town")
_MAX_CANDIDATES = 8
_SAME_PLACE_DEG = SAME_PLACE_KM / 100.0
_EARTH_KM = 6371.0088
_AREA_LEVELS = {"governorate": 1, "province": 1, "district": 2}


def base_weights(gaz: Gazetteer) -> np.ndarray:
    """Prior plausibility of each row: population, feature code, precision."""
    population = np.where(gaz.local, np.maximum(gaz.population, _LOCAL_POPULATION),
                          gaz.population).astype(float)
    weight = np.sqrt(population + 500.0)
    precision = np.array([_PRECISION_WEIGHT.get(int(p), 1.0) for p in range(5)])[
        np.clip(gaz.precision, 0, 4)]
    values = gaz.values["feature_code"]
    code_weight = np.array([_CODE_WEIGHT.get(v, 1.0) for v in values] or [1.0])
    codes = code_weight[gaz.codes["feature_code"]] if len(values) else 1.0
    return weight * precision * codes


@dataclass
class _Cluster:
    rows: list[int] = field(default_factory=list)
    head: int = -1
    plaus: float = 0.0
    quality: float = 0.0
    match: str = "exact"
    records: int = 0
    gazetteer: int = -1  # best gazetteer (not learned) row, -1 when none

    def evidence(self, coder: Geocoder, admin: str) -> str:
        if self.match in ("skeleton", "fuzzy"):
            close = "close" if self.match == "skeleton" and self.quality >= 0.89 else "loose"
            return f"{self.match}|{close}|{admin}"
        if self.records and self.gazetteer >= 0:
            return f"learned+gazetteer|{admin}"
        if self.records:
            approx = "approx|" if self.approximate(coder) else ""
            return f"learned|{approx}{'multi' if self.records >= 2 else 'single'}|{admin}"
        suffix = "|normalised" if self.match == "normalised" else ""
        return f"gazetteer|{size_class(coder._gaz, self.gazetteer)}|{admin}{suffix}"


    def approximate(self, coder: Geocoder) -> bool:
        """Whether every learned entry of this place was learned at a coarse precision
        (UCDP's "within 25 km", ACLED's "near"): it answers at that precision."""
        learned = [r for r in self.rows if coder._learned[r]]
        return bool(learned) and min(int(coder._gaz.precision[r]) for r in learned) >= 2


def size_class(gaz: Gazetteer, row: int) -> str:
    """``area``, ``curated``, ``city``, ``town``, ``village`` or ``unknown`` (no population)."""
    if row < 0:
        return "village"
    if gaz.precision[row] >= 3:
        return "area"
    if gaz.local[row]:
        return "curated"
    population = int(gaz.population[row])
    if population >= 50_000 or gaz.category("feature_code", row) in _CITY_CODES:
        return "city"
    if population == 0:
        return "unknown"  # GeoNames often lacks the population of real towns
    return "town" if population >= 5_000 else "village"


@dataclass
class Ranking:
    """A decision before its candidates are made into objects (see :func:`rank`).

    The bulk path (:mod:`geo.geocoding.bulk`) keeps these and builds the
    :class:`GeocodeResult` only when asked; :func:`decide` builds it at once.
    """

    name: str
    parsed: ParsedPlace
    notes: list[str]
    admin: str = "unchecked"
    kept: list[_Cluster] = field(default_factory=list)
    chosen: _Cluster | None = None
    evidence: str = ""
    probability: float = 0.0
    ambiguous: float = 0.0

    @property
    def status(self) -> Status:
        """``resolved``, ``ambiguous`` or ``unresolved``, as the result will say."""
        if not self.kept:
            return "unresolved"
        if self.chosen is None:
            return ("ambiguous" if len(self.kept) > 1 and self.kept[1].quality >= 0.95
                    else "unresolved")
        return "resolved" if self.probability >= _resolve_score() else "unresolved"

    def row(self, coder: Geocoder) -> int:
        """Gazetteer row of the resolved place (-1 when not resolved)."""
        if self.chosen is None or self.status != "resolved":
            return -1
        chosen = self.chosen
        return _learned_row(coder, chosen) if chosen.records else chosen.head

    @property
    def score(self) -> float:
        """Score of the top candidate (0 without candidates)."""
        if not self.kept:
            return 0.0
        if self.chosen is not None:
            value = self.probability
        else:
            total = sum(c.plaus for c in self.kept) or 1.0
            value = self.ambiguous * self.kept[0].plaus / total
        return round(min(1.0, max(0.0, value)), 4)

    def result(self, coder: Geocoder) -> GeocodeResult:
        """The :class:`GeocodeResult` (candidates ranked, scores, notes)."""
        from geo.geocoding.geocoder import GeocodeResult

        name, parsed, notes, kept = self.name, self.parsed, tuple(self.notes), self.kept
        if not kept:
            return GeocodeResult(name, "unresolved", kind=parsed.kind,
                                 feature_class=parsed.feature_class, notes=notes)
        status = self.status
        chosen = self.chosen
        if chosen is None:
            total = sum(c.plaus for c in kept) or 1.0
            candidates = tuple(_candidate(coder, c, parsed, self.ambiguous * c.plaus / total,
                                          c.evidence(coder, self.admin)) for c in kept)
            return GeocodeResult(name, status, candidates, "", parsed.kind,
                                 parsed.feature_class, notes)
        p = self.probability
        rest = [c for c in kept if c is not chosen]
        rest_total = sum(c.plaus for c in rest) or 1.0
        candidates = (
            _candidate(coder, chosen, parsed, p, self.evidence),
            *(_candidate(coder, c, parsed, (1.0 - p) * c.plaus / rest_total,
                         c.evidence(coder, self.admin)) for c in rest),
        )
        source = candidates[0].place.gazetteer_id if status == "resolved" else ""
        return GeocodeResult(name, status, candidates, source, parsed.kind,
                             parsed.feature_class, notes)


def decide(coder: Geocoder, name: str, parsed: ParsedPlace, cc: str,
           found: dict[int, tuple[float, str]], admin1: str | None, admin2: str | None,
           context: Sequence[str]) -> GeocodeResult:
    """The answer for one name from its matched rows (see the module docstring)."""
    return rank(coder, name, parsed, cc, found, admin1, admin2, context).result(coder)


def rank(coder: Geocoder, name: str, parsed: ParsedPlace, cc: str,
         found: dict[int, tuple[float, str]], admin1: str | None, admin2: str | None,
         context: Sequence[str]) -> Ranking:
    """The decision of :func:`decide`, without building candidates."""
    rows = list(found)
    rejected, notes, checked = outside(coder, rows, cc, admin1, admin2)
    rows = [r for r in rows if r not in rejected]
    admin = "agrees" if checked else "unchecked"
    if not rows:
        return Ranking(name, parsed, notes, admin)
    others = tuple(c for c in context if c and c != name)
    anchors = coder.anchors(others, cc) if others else []
    if len(rows) == 1:  # the common case: one place, nothing to weigh or group
        r = rows[0]
        learned = coder._learned[r]
        clusters = [_Cluster([r], r, 0.0, found[r][0], found[r][1], learned,
                             -1 if learned else r)]
    else:
        clusters = _clusters(coder, rows, found, anchors)
    chosen, evidence, more = _choose(coder, clusters, admin, anchors)
    notes.extend(more)
    calibration = coder.calibration
    kept = clusters[:_MAX_CANDIDATES]
    if chosen is None:
        return Ranking(name, parsed, notes, admin, kept,
                       ambiguous=calibration.probability("ambiguous"))
    probability = calibration.probability(evidence)
    big = chosen.gazetteer >= 0 and size_class(coder._gaz, chosen.gazetteer) in BIG_SIZES
    if not big and unsure_spelling(name, chosen.match, admin, bool(anchors)):
        probability = min(probability, UNSURE_SCORE)
        notes.append(SHORT_NOTE)
    return Ranking(name, parsed, notes, admin, kept, chosen, evidence, probability)


#: Why a short name matched only in its normalised spelling is left to review.
SHORT_NOTE = ("a short name matched only after folding its spelling, with no governorate, "
              "district or nearby place to check it: to review")


def unsure_spelling(name: str, match: str, admin: str, anchored: bool) -> bool:
    """Whether an answer is a normalised (not exact) match of a short name that nothing
    given checks: such a match ("Hadar" ~ "Al Hadir") is as likely another town.

    The caller exempts cities, admin areas and the project's curated places ("al-Raqqa"
    is Ar Raqqah) and towns of 5,000 or more: only villages and places of unknown size,
    where the gazetteer's coverage is partial, are left to review this way."""
    return (match == "normalised" and admin == "unchecked" and not anchored
            and len(name_key(name).replace(" ", "")) <= SHORT_NAME)


def area_answer(coder: Geocoder, name: str, parsed: ParsedPlace,
                cc: str) -> GeocodeResult | None:
    """A string that names an admin area ("Aleppo Governorate", "Northern Hamah
    Governorate", "Manbij district") is answered by the area's polygon: its centroid
    (or that of the part a direction names), at region or approximate precision."""
    from geo.geocoding.geocoder import RESOLVE_SCORE, Candidate, GeocodeResult, Place

    level = _AREA_LEVELS.get(parsed.kind)
    if level is None or not parsed.names:
        return None
    area = coder.find_area(parsed.names[0], cc, level)
    if area is None or coder.areas is None:
        return None
    lat, lon = coder.areas.point(area, parsed.direction)
    area_name, _, pcode = coder.areas.describe(area)
    place = Place(f"area:{pcode}", area_name, (), lat, lon, parsed.kind,
                  cc or pcode[:2], area_name if level == 1 else "",
                  max(parsed.precision, 3 if level == 1 else 2))
    part = f" ({parsed.direction} part)" if parsed.direction else ""
    evidence = "area|part" if parsed.direction else "area|whole"
    candidate = Candidate(place, coder.calibration.probability(evidence), "exact", 1.0,
                          evidence, f"admin area {pcode}: centroid{part}")
    status: Status = "resolved" if candidate.score >= RESOLVE_SCORE else "unresolved"
    return GeocodeResult(name, status, (candidate,),
                         place.gazetteer_id if status == "resolved" else "",
                         parsed.kind, parsed.feature_class)



def outside(coder: Geocoder, rows: list[int], cc: str, admin1: str | None,
            admin2: str | None) -> tuple[set[int], list[str], bool]:
    """Rows that contradict the admin areas given, why, and whether one was checked.

    Returns
    -------
    tuple
        (rejected rows, notes, True when an area given was found and tested)
    """
    rejected: set[int] = set()
    notes: list[str] = []
    checked = False
    for level, given in ((1, admin1), (2, admin2)):
        if not given or not given.strip():
            continue
        area = coder.find_area(given, cc, level)
        if area is None and level == 2:
            area = seat_area(coder, given, cc)
        if area is None and level == 2 and coder.areas is not None:
            notes.append(f"district {given!r} not recognised: candidates not checked "
                         "against it")
        if area is not None and coder.areas is not None:
            near = coder.areas.near(area, coder._gaz.latitude, coder._gaz.longitude,
                                   coder._generation)
            out = {r for r in rows if r not in near}
            checked = True
        elif level == 1:
            out = _admin1_mismatch(coder, rows, given)
            checked = checked or len(out) < len(rows)
        else:
            continue
        if out - rejected:
            notes.append(f"{len(out - rejected)} candidate(s) outside {given} set aside")
        rejected |= out
    return rejected, notes, checked



def seat_area(coder: Geocoder, given: str, cc: str) -> str | None:
    """The district named for its seat town ("Maarat al-Numaan district" is OCHA's "Al
    Ma'ra"): the district polygon that holds the one gazetteer town of that name."""
    if coder.areas is None:
        return None
    from geo.geocoding.areas import area_name_key

    words = given.split()
    if words and words[-1].lower() in ("district", "subdistrict", "mantiqa", "mintaqa"):
        given = " ".join(words[:-1])
    if not area_name_key(given):
        return None
    rows = [r for r, (q, _) in coder.match(given, cc).items()
            if q >= 0.95 and not coder._learned[r] and coder._gaz.precision[r] <= 1]
    if len(rows) != 1:
        return None
    try:
        return coder.areas.containing(float(coder._lat[rows[0]]), float(coder._lon[rows[0]]), 2)
    except Exception:  # an unreadable boundary file: no seat either
        return None


def _admin1_mismatch(coder: Geocoder, rows: list[int], given: str) -> set[int]:
    """Rows whose own admin1 (name or code) is known and differs from ``given``."""
    wanted = area_key(given)
    out = set()
    for r in rows:
        own = coder._gaz.category("admin1", r)
        code = coder._gaz.category("admin1_code", r)
        if not own or own == code or not wanted:
            continue  # the place's admin1 is unknown (only a code): no contradiction
        if area_key(own) != wanted and code != given.strip():
            out.add(r)
    return out



def _resolve_score() -> float:
    from geo.geocoding.geocoder import RESOLVE_SCORE

    return RESOLVE_SCORE


def _clusters(coder: Geocoder, rows: list[int], found: dict[int, tuple[float, str]],
              anchors: list[tuple[float, float]]) -> list[_Cluster]:
    gaz = coder._gaz
    lat, lon, weight, learned = coder._lat, coder._lon, coder._weight, coder._learned
    precision = gaz.precision
    plaus = {}
    factors: dict[float, float] = {}
    for r in rows:
        quality = found[r][0]
        factor = factors.get(quality)
        if factor is None:
            factor = factors[quality] = math.exp(_SHARPNESS * (quality - 1.0))
        value = weight[r] * factor
        if anchors and any(_km(lat[r], lon[r], a, b) <= CONTEXT_KM for a, b in anchors):
            value *= 4.0
        plaus[r] = value
    order = sorted(rows, key=lambda r: (learned[r] > 0, plaus[r]), reverse=True)
    clusters: list[_Cluster] = []
    areas: dict[tuple[str, str], _Cluster] = {}
    for r in order:
        # only regions (3) and countries (4) have an area identity (see _area_key)
        area = _area_key(gaz, r) if precision[r] >= 3 else None
        home = areas.get(area) if area is not None else None
        if home is None:
            lat_r, lon_r = lat[r], lon[r]
            for c in clusters:
                head = c.head
                if abs(lat_r - lat[head]) < _SAME_PLACE_DEG and \
                        _km(lat_r, lon_r, lat[head], lon[head]) <= SAME_PLACE_KM:
                    home = c
                    break
        if home is None:
            home = _Cluster(head=r, quality=found[r][0], match=found[r][1])
            clusters.append(home)
        home.rows.append(r)
        if plaus[r] > home.plaus:
            home.plaus = plaus[r]
        home.records += learned[r]
        if not learned[r] and home.gazetteer < 0:
            home.gazetteer = r
        if area is not None:
            areas[area] = home
    clusters.sort(key=lambda c: (c.records > 0, c.plaus), reverse=True)
    return clusters


def _choose(coder: Geocoder, clusters: list[_Cluster], admin: str,
            anchors: list[tuple[float, float]]) -> tuple[_Cluster | None, str, list[str]]:
    if len(clusters) == 1:
        return clusters[0], clusters[0].evidence(coder, admin), []
    notes: list[str] = []
    if admin == "unchecked":
        homonyms = _homonyms(coder, clusters)
        if homonyms:
            near = _near_anchors(coder, homonyms, anchors)
            if len(near) == 1:
                return near[0], f"gazetteer|context|{admin}", notes
            top = max(homonyms, key=lambda c: c.plaus)
            dominant = (not top.records
                        and size_class(coder._gaz, top.gazetteer) in ("city", "area", "curated")
                        and all(top.plaus >= DOMINANCE * c.plaus
                                for c in homonyms if c is not top))
            if dominant:
                return top, f"gazetteer|dominant|{admin}", notes
            learned = sorted((c for c in homonyms if c.records), key=lambda c: c.records,
                             reverse=True)
            if len(learned) > 1:
                notes.append(_disagreement(coder, learned))
            notes.append(f"{len(homonyms)} places of this name more than {HOMONYM_KM:.0f} km "
                         "apart and no governorate, district or nearby place to tell them "
                         "apart")
            return None, "", notes
    learned = sorted((c for c in clusters if c.records), key=lambda c: c.records, reverse=True)
    exact = [c for c in learned if not c.approximate(coder)]
    if exact and len(learned) > len(exact):
        # a place learned only roughly (within 25 km) near one learned exactly is that
        # place, not a rival; farther away it is a disagreement
        lat, lon = coder._lat, coder._lon
        learned = [c for c in learned if c in exact or not any(
            _km(lat[c.head], lon[c.head], lat[e.head], lon[e.head]) <= APPROX_KM
            for e in exact)]
    if len(learned) > 1:
        notes.append(_disagreement(coder, learned))
        if learned[0].records >= MAJORITY * learned[1].records and learned[0].quality >= 0.95:
            return learned[0], f"learned|majority|{admin}", notes
        return None, "", notes
    if len(learned) == 1 and learned[0].quality >= 0.95:
        return learned[0], f"learned|rivals|{admin}", notes
    exact = [c for c in clusters if c.quality >= 0.95]
    if len(exact) == 1:
        return exact[0], exact[0].evidence(coder, admin), notes
    if not exact:
        return None, "", notes  # loose matches only suggest
    pool = exact
    if anchors:
        lat, lon = coder._lat, coder._lon
        near = [c for c in pool if any(_km(lat[c.head], lon[c.head], a, b) <= CONTEXT_KM
                                       for a, b in anchors)]
        if len(near) == 1:
            return near[0], f"gazetteer|context|{admin}", notes
    ranked = sorted(pool, key=lambda c: c.plaus, reverse=True)
    top = ranked[0]
    if (size_class(coder._gaz, top.gazetteer) in ("city", "area", "curated")
            and top.plaus >= DOMINANCE * ranked[1].plaus):
        return top, f"gazetteer|dominant|{admin}", notes
    return None, "", notes


def _homonyms(coder: Geocoder, clusters: list[_Cluster]) -> list[_Cluster]:
    """Places matched by the name itself (exact or normalised key), learned or from the
    gazetteer, when two of them lie more than :data:`HOMONYM_KM` apart; else []."""
    strong = [c for c in clusters if c.quality >= 0.95]
    lat, lon = coder._lat, coder._lon
    for i, a in enumerate(strong):
        for b in strong[i + 1:]:
            if _km(lat[a.head], lon[a.head], lat[b.head], lon[b.head]) > HOMONYM_KM:
                return strong
    return []


def _near_anchors(coder: Geocoder, clusters: list[_Cluster],
                  anchors: list[tuple[float, float]]) -> list[_Cluster]:
    """The clusters within :data:`CONTEXT_KM` of a place the record also names."""
    lat, lon = coder._lat, coder._lon
    return [c for c in clusters if any(_km(lat[c.head], lon[c.head], a, b) <= CONTEXT_KM
                                       for a, b in anchors)]


def _disagreement(coder: Geocoder, learned: list[_Cluster]) -> str:
    gaz = coder._gaz
    first = learned[0]
    parts = [f"{gaz.text('sources', _learned_row(coder, first))} at "
             f"{coder._lat[first.head]:.4f}, {coder._lon[first.head]:.4f}"]
    for c in learned[1:4]:
        km = _km(coder._lat[first.head], coder._lon[first.head], coder._lat[c.head],
                 coder._lon[c.head])
        parts.append(f"{gaz.text('sources', _learned_row(coder, c))} {km:.0f} km away")
    return "learned places disagree: " + "; ".join(parts)


def _learned_row(coder: Geocoder, cluster: _Cluster) -> int:
    return next((r for r in cluster.rows if coder._learned[r]), cluster.head)


def _candidate(coder: Geocoder, cluster: _Cluster, parsed: ParsedPlace, score: float,
               evidence: str) -> Candidate:
    from geo.geocoding.geocoder import Candidate

    gaz = coder._gaz
    row = _learned_row(coder, cluster) if cluster.records else cluster.head
    place = gaz.place(row)
    if parsed.precision > place.precision:
        place = replace(place, precision=parsed.precision)
    provenance = []
    if cluster.records:
        sources = {gaz.text("sources", r) for r in cluster.rows if coder._learned[r]}
        provenance.append("learned from " + "; ".join(sorted(sources)))
    if cluster.gazetteer >= 0:
        provenance.append(gaz.text("gazetteer_id", cluster.gazetteer))
    quality, match = cluster.quality, cluster.match
    return Candidate(place, round(min(1.0, max(0.0, score)), 4), match, quality, evidence,
                     ", ".join(provenance))


def _area_key(gaz: Gazetteer, row: int) -> tuple[str, str] | None:
    """Identity of an admin area (entries of one area from several sources match)."""
    precision = gaz.precision[row]
    if precision == 4:
        return ("country", gaz.category("country", row))
    code = gaz.category("admin1_code", row)
    if precision == 3 and code:
        return (gaz.category("country", row), code)
    return None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km on a local equirectangular approximation.

    Within a fraction of a percent at the few tens of km the thresholds use; reported
    distances (``geo.geocoding.nearest``, the benchmark) are geodesic.
    """
    dlon = (lon1 - lon2 + 180.0) % 360.0 - 180.0
    x = math.radians(dlon) * math.cos(math.radians((lat1 + lat2) / 2.0))
    return _EARTH_KM * math.hypot(x, math.radians(lat1 - lat2))
