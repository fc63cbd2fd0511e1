"""Many names at once: the geocoder's bulk path, identical in its answers to one name.

Datasets geocode thousands of names, most of them repeated, most of them a bare name
with one place in the gazetteer. :func:`geocode_batch` does for all of them at once
what :meth:`geo.geocoding.geocoder.Geocoder.geocode` does for one:

1. the (name, country, admin1, admin2) combinations are deduplicated: each distinct
   one is answered once, and every repeat gets that answer;
2. bare names (:func:`geo.geocoding.compound.plain_mask`, one vectorised pass; other
   strings go through the parser) get their keys (:func:`geo.geocoding.names.name_keys`),
   and the exact and normalised keys of all of them are looked up together
   (:meth:`geo.geocoding.gazetteer.Gazetteer.lookup_many`: hashes, then one
   ``numpy.searchsorted`` per index part);
3. a name that matches exactly one place, and passes the admin-area check, is
   answered from columns (evidence class, calibrated score, status) without a
   :class:`Place` object being made;
4. everything else (several candidates, no exact match, analysts' corrections,
   compound strings, admin areas, a candidate the context rejects) goes through
   ``Geocoder.geocode``, the one-name path itself.

The answers are a :class:`BatchGeocode`: columns for joins (``frame()``) and the full
:class:`GeocodeResult` of any row on demand (``result(i)``), equal to what
``Geocoder.geocode`` returns for that row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from geo.geocoding.compound import ParsedPlace, plain_mask
from geo.geocoding.names import name_keys_many
from geo.geocoding.ranking import (
    BIG_SIZES,
    Ranking,
    outside,
    rank,
    size_class,
    unsure_spelling,
)

if TYPE_CHECKING:
    from geo.geocoding.geocoder import Geocoder, GeocodeResult
    from geo.geocoding.protocol import PlaceResolver

#: Columns of :meth:`BatchGeocode.frame`.
BATCH_COLUMNS: tuple[str, ...] = (
    "status", "latitude", "longitude", "precision", "source", "gazetteer_id", "score",
    "admin1", "spellings",
)
_CITY_CODES = ("PPLC", "PPLA", "PPLA2")
_SIZES = np.array(["area", "curated", "city", "unknown", "town", "village"], dtype=object)


class BatchAnswers(Protocol):
    """Answers of many names as columns (:class:`BatchGeocode` and the learned
    places' :class:`geo.geocoding.learned_context.LearnedBatch`)."""

    def frame(self) -> pd.DataFrame:
        """:data:`BATCH_COLUMNS`, one row per name."""
        ...


@dataclass
class BatchGeocode:
    """Answers of a batch, one per name given, columns first.

    Attributes
    ----------
    names : list of str
        The names as given.
    codes : numpy.ndarray
        Per name: the distinct (name, country, admin1, admin2) it is (index of the
        per-key arrays below).
    status : numpy.ndarray of object
        Per distinct key: resolved, ambiguous or unresolved.
    score : numpy.ndarray of float
        Per distinct key: the top candidate's score (0 without candidates).
    rows : numpy.ndarray
        Per distinct key: the gazetteer row of the resolved place, or of the one
        candidate of a one-candidate answer; -1 otherwise.
    evidence, match : numpy.ndarray of object
        Per distinct key answered from columns: the evidence class and match kind.
    probability, quality : numpy.ndarray of float
        Per distinct key answered from columns: the calibrated probability
        (unrounded) and the match quality.
    detail : list
        Per distinct key: None (answered from columns), a
        :class:`geo.geocoding.ranking.Ranking` (several candidates, ranked; its
        result is built on demand) or the :class:`GeocodeResult` of
        ``Geocoder.geocode``.
    """

    names: list[str]
    codes: np.ndarray
    status: np.ndarray
    score: np.ndarray
    rows: np.ndarray
    evidence: np.ndarray
    match: np.ndarray
    probability: np.ndarray
    quality: np.ndarray
    detail: list[Ranking | GeocodeResult | None]
    coder: Geocoder | None = None

    def __len__(self) -> int:
        return len(self.names)

    @property
    def distinct(self) -> int:
        """How many distinct (name, country, admin1, admin2) were answered."""
        return len(self.rows)

    def result(self, i: int) -> GeocodeResult:
        """The full answer of name ``i``, equal to ``Geocoder.geocode``'s."""
        k = int(self.codes[i])
        detail = self.detail[k]
        if detail is None:
            return self._fast_result(k, self.names[i])
        if not isinstance(detail, Ranking):
            return detail
        assert self.coder is not None
        return detail.result(self.coder)

    def results(self) -> list[GeocodeResult]:
        """Every answer, in the order of the names (each distinct one made once)."""
        made: dict[int, GeocodeResult] = {}
        out = []
        for i, k in enumerate(self.codes.tolist()):
            result = made.get(k)
            if result is None:
                result = made[k] = self.result(i)
            out.append(result)
        return out

    def _fast_result(self, k: int, name: str) -> GeocodeResult:
        from geo.geocoding.geocoder import Candidate, GeocodeResult

        assert self.coder is not None
        gaz = self.coder._gaz
        row = int(self.rows[k])
        place = gaz.place(row)
        if place.precision < 1:  # a bare name says precision 1 (decide() does the same)
            place = replace(place, precision=1)
        learned = int(gaz.records[row]) > 0
        provenance = ("learned from " + gaz.text("sources", row) if learned
                      else gaz.text("gazetteer_id", row))
        candidate = Candidate(place, float(self.score[k]), str(self.match[k]),
                              float(self.quality[k]), str(self.evidence[k]), provenance)
        resolved = self.status[k] == "resolved"
        return GeocodeResult(name, "resolved" if resolved else "unresolved", (candidate,),
                             place.gazetteer_id if resolved else "")

    def frame(self) -> pd.DataFrame:
        """The answers as columns (:data:`BATCH_COLUMNS`), one row per name.

        ``latitude``, ``longitude``, ``precision``, ``gazetteer_id``, ``admin1`` and
        ``spellings`` (every spelling of the place, ``" | "``-joined) are those of the
        resolved place (NaN, 0 or '' when not resolved); ``source`` is the result's
        source ('' when not resolved); ``score`` the top candidate's (0 without
        candidates).
        """
        n = self.distinct
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        precision = np.zeros(n, dtype=np.int64)
        gid = np.full(n, "", dtype=object)
        admin1 = np.full(n, "", dtype=object)
        spellings = np.full(n, "", dtype=object)
        source = np.full(n, "", dtype=object)
        placed = np.flatnonzero((self.rows >= 0) & (self.status == "resolved"))
        if len(placed) and self.coder is not None:
            gaz = self.coder._gaz
            rows = self.rows[placed]
            lat[placed] = gaz.latitude[rows]
            lon[placed] = gaz.longitude[rows]
            precision[placed] = np.maximum(gaz.precision[rows], 1)
            gid[placed] = source[placed] = gaz.take("gazetteer_id", rows)
            admin1[placed] = gaz.take("admin1", rows)
            names = gaz.take("name", rows)
            aliases = gaz.take("aliases", rows)
            spellings[placed] = [f"{a} | {b.replace('|', ' | ')}" if b else a
                                 for a, b in zip(names, aliases, strict=True)]
        for k, detail in enumerate(self.detail):
            if detail is None or isinstance(detail, Ranking):
                continue
            source[k] = detail.source
            best = detail.best
            if best is None:
                continue
            p = best.place
            lat[k], lon[k], precision[k] = p.latitude, p.longitude, p.precision
            gid[k], admin1[k], spellings[k] = p.gazetteer_id, p.admin1, " | ".join(p.spellings)
        codes = self.codes
        return pd.DataFrame({
            "status": self.status[codes], "latitude": lat[codes], "longitude": lon[codes],
            "precision": precision[codes], "source": source[codes],
            "gazetteer_id": gid[codes], "score": self.score[codes], "admin1": admin1[codes],
            "spellings": spellings[codes],
        })


def geocode_batch(
    coder: Geocoder,
    names: Sequence[str],
    *,
    countries: Sequence[str | None] | None = None,
    admin1s: Sequence[str | None] | None = None,
    admin2s: Sequence[str | None] | None = None,
) -> BatchGeocode:
    """Geocode many names; the answers equal ``coder.geocode(name, country=..., ...)``.

    Parameters
    ----------
    coder : Geocoder
    names : sequence of str
    countries, admin1s, admin2s : sequence of str or None, optional
        Per-name context, aligned with ``names`` (None or '' for none).

    Returns
    -------
    BatchGeocode
    """
    names = [str(n) for n in names]
    n = len(names)

    columns = [names, *(context_column(v, n) for v in (countries, admin1s, admin2s))]
    codes = np.zeros(n, dtype=np.int64)
    for values in columns:  # combine the columns' codes pairwise: never overflows
        own, uniques = pd.factorize(np.asarray(values, dtype=object))
        codes, _ = pd.factorize(codes * max(len(uniques), 1) + own)
    codes = np.asarray(codes, dtype=np.int64)
    first = np.full(int(codes.max()) + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n, dtype=np.int64))
    keys = [(columns[0][i], columns[1][i], columns[2][i], columns[3][i])
            for i in first.tolist()]
    return BatchGeocode(names, codes, *_answer(coder, keys), coder=coder)


def context_column(values: Sequence[str | None] | None, n: int) -> list[str]:
    """Per-name context as text, "" for none (None, NaN or absent), checked to hold ``n`` values.

    Parameters
    ----------
    values : sequence of str or None, or None
        Countries, governorates or districts aligned with the names; None for no column.
    n : int
        How many names there are.

    Returns
    -------
    list of str
    """
    if values is None:
        return [""] * n
    out = ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]
    if len(out) != n:
        raise ValueError(f"{len(out)} context values for {n} names")
    return out


def resolve_many(
    resolver: PlaceResolver,
    names: Sequence[str],
    *,
    countries: Sequence[str | None] | None = None,
    admin1s: Sequence[str | None] | None = None,
    admin2s: Sequence[str | None] | None = None,
) -> BatchAnswers:
    """:func:`geocode_batch` for any :class:`PlaceResolver` (its own ``geocode_batch``
    when it has one; else one ``geocode`` per distinct name and context when it is not a
    :class:`Geocoder`; a resolver that takes no district is not given one)."""
    from geo.geocoding.geocoder import Geocoder

    if isinstance(resolver, Geocoder):
        return geocode_batch(resolver, names, countries=countries, admin1s=admin1s,
                             admin2s=admin2s)
    batched = getattr(resolver, "geocode_batch", None)
    if callable(batched):  # a resolver with a bulk path of its own (the learned places')
        answers: BatchAnswers = batched(names, countries=countries, admin1s=admin1s,
                                        admin2s=admin2s)
        return answers
    n = len(names)
    ccs = [c or "" for c in countries] if countries is not None else [""] * n
    adm = [a or "" for a in admin1s] if admin1s is not None else [""] * n
    index: dict[tuple[str, str, str], int] = {}
    codes = np.empty(n, dtype=np.int64)
    slow: list[Ranking | GeocodeResult | None] = []
    for i, key in enumerate(zip(names, ccs, adm, strict=True)):
        k = index.get(key)
        if k is None:
            k = index[key] = len(slow)
            slow.append(resolver.geocode(key[0], country=key[1] or None,
                                         admin1=key[2] or None))
        codes[i] = k
    m = len(slow)
    status = np.array([r.status for r in slow if r is not None], dtype=object)
    score = np.array([r.score for r in slow if r is not None], dtype=float)
    return BatchGeocode(list(names), codes, status, score, np.full(m, -1, dtype=np.int64),
                        np.full(m, "", dtype=object), np.full(m, "", dtype=object),
                        np.zeros(m), np.zeros(m), slow)


def _answer(coder: Geocoder, keys: list[tuple[str, str, str, str]]) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
        list[Ranking | GeocodeResult | None]]:
    """Per distinct key: status, score, row, evidence, match, probability, quality, detail."""
    from geo.geocoding.geocoder import RESOLVE_SCORE

    m = len(keys)
    names = [k[0] for k in keys]
    default = coder.default_country
    cc = [k[1].strip().upper() or default for k in keys]
    bare = plain_mask(pa.array(names, type=pa.large_string()))
    for k in np.flatnonzero(~bare).tolist():  # strings the vectorised test cannot vouch for
        bare[k] = coder.parse(names[k]) == ParsedPlace(names[k], (names[k],))
    if len(coder.overrides):
        for k in np.flatnonzero(bare).tolist():
            bare[k] = coder.overrides.find(names[k], cc[k], keys[k][2] or None) is None
    exact = [""] * m
    norm = [""] * m
    todo = np.flatnonzero(bare).tolist()
    for k, exact_key, norm_key in zip(todo, *name_keys_many([names[k] for k in todo]),
                                      strict=True):
        prefix = f"{cc[k]}|" if cc[k] else ""
        if exact_key:
            exact[k] = prefix + exact_key
            norm[k] = prefix + norm_key if norm_key else ""
        else:
            bare[k] = False
    rows = np.full(m, -1, dtype=np.int64)
    is_exact = np.zeros(m, dtype=bool)
    found: dict[int, dict[int, tuple[float, str]]] = {}
    with_cc = np.array([bool(c) for c in cc], dtype=bool)
    for scoped in (True, False):
        chosen = np.flatnonzero(bare & (with_cc == scoped))
        if len(chosen):
            _lookup(coder, chosen, exact, norm, scoped, rows, is_exact, found)
    single = rows >= 0
    # the admin areas a record gives: one check per one-candidate key that gives them
    admin = np.full(m, "unchecked", dtype=object)
    for k in np.flatnonzero(single).tolist():
        a1, a2 = keys[k][2] or None, keys[k][3] or None
        if (a1 and a1.strip()) or (a2 and a2.strip()):
            rejected, notes, checked = outside(coder, [int(rows[k])], cc[k], a1, a2)
            if rejected or notes:  # answered with its notes, as geocode() does
                single[k] = False
            elif checked:
                admin[k] = "agrees"
    for k in np.flatnonzero(single & ~is_exact & (admin == "unchecked")).tolist():
        r = int(rows[k])
        big = coder._gaz.records[r] == 0 and size_class(coder._gaz, r) in BIG_SIZES
        if not big and unsure_spelling(names[k], "normalised", "unchecked", False):
            single[k] = False  # answered (capped, with its note) as geocode() does
    rows[~single] = -1
    evidence, probability = _evidence(coder, rows, is_exact, admin)
    status = np.where(probability >= RESOLVE_SCORE, "resolved", "unresolved").astype(object)
    score = np.round(np.clip(probability, 0.0, 1.0), 4)
    detail: list[Ranking | GeocodeResult | None] = [None] * m
    for k in np.flatnonzero(~single).tolist():
        name, country, a1, a2 = keys[k]
        if k in found:  # a bare name with several places: ranked, built on demand
            ranking = rank(coder, name, ParsedPlace(name, (name,)), cc[k],
                           found[k], a1 or None, a2 or None, ())
            detail[k] = ranking
            status[k], score[k] = ranking.status, ranking.score
            rows[k] = ranking.row(coder)
        else:
            result = coder.geocode(name, country=country or None, admin1=a1 or None,
                                   admin2=a2 or None)
            detail[k] = result
            status[k], score[k] = result.status, result.score
    quality = np.where(is_exact, 1.0, 0.95)
    match = np.where(is_exact, "exact", "normalised").astype(object)
    return status, score, rows, evidence, match, probability, quality, detail


def _lookup(coder: Geocoder, chosen: np.ndarray, exact: list[str], norm: list[str],
            scoped: bool, rows: np.ndarray, is_exact: np.ndarray,
            found: dict[int, dict[int, tuple[float, str]]]) -> None:
    """Look the keys of ``chosen`` up at once; one place -> ``rows``, several -> ``found``.

    ``found`` gets, for a key with several places, what ``Geocoder.match`` returns (exact
    hits first, in lookup order, then normalised ones).
    """
    gaz = coder._gaz
    kinds = ("exact_cc", "norm_cc") if scoped else ("exact", "norm")
    e_pos, e_rows = gaz.lookup_many(kinds[0], [exact[k] for k in chosen.tolist()])
    n_pos, n_rows = gaz.lookup_many(kinds[1], [norm[k] for k in chosen.tolist()])
    position = np.concatenate([e_pos, n_pos])
    hits = np.concatenate([e_rows, n_rows])
    count = np.bincount(position, minlength=len(chosen))
    lowest = np.full(len(chosen), np.iinfo(np.int64).max)
    highest = np.full(len(chosen), -1)
    np.minimum.at(lowest, position, hits)
    np.maximum.at(highest, position, hits)
    one = (count > 0) & (lowest == highest)  # one place, however many of its spellings
    rows[chosen[one]] = lowest[one]
    hit_exact = np.zeros(len(chosen), dtype=bool)
    hit_exact[e_pos] = True
    is_exact[chosen] = hit_exact
    several = (count > 0) & ~one
    if not several.any():
        return
    for source_pos, source_rows, hit in ((e_pos, e_rows, (1.0, "exact")),
                                         (n_pos, n_rows, (0.95, "normalised"))):
        keep = several[source_pos]
        for p, r in zip(source_pos[keep].tolist(), source_rows[keep].tolist(), strict=True):
            k = int(chosen[p])
            rows_of = found.setdefault(k, {})
            if r not in rows_of:
                rows_of[r] = hit


def _evidence(coder: Geocoder, rows: np.ndarray, is_exact: np.ndarray,
              admin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Evidence class and calibrated probability of one-candidate answers (columns).

    The classes of :meth:`geo.geocoding.ranking._Cluster.evidence` for a cluster of one
    row, computed for all rows at once.
    """
    m = len(rows)
    evidence = np.full(m, "", dtype=object)
    probability = np.zeros(m)
    fast = np.flatnonzero(rows >= 0)
    if not len(fast):
        return evidence, probability
    gaz = coder._gaz
    r = rows[fast]
    records = gaz.records[r]
    precision = gaz.precision[r]
    population = gaz.population[r]
    city_codes = [i for i, v in enumerate(gaz.values["feature_code"]) if v in _CITY_CODES]
    city = (population >= 50_000) | np.isin(gaz.codes["feature_code"][r], city_codes)
    size = np.select(
        [precision >= 3, gaz.local[r], city, population == 0, population >= 5_000],
        [0, 1, 2, 3, 4], 5)
    learned = records > 0
    agrees = admin[fast] == "agrees"
    # one small integer per class: learned (approx, multi) or gazetteer (size, normalised)
    code = np.where(learned, 100 + 2 * (precision >= 2) + (records >= 2),
                    2 * size + ~is_exact[fast]) * 2 + agrees
    classes, inverse = np.unique(code, return_inverse=True)
    names = []
    for c in classes.tolist():
        where = "agrees" if c % 2 else "unchecked"
        c //= 2
        if c >= 100:
            approx = "approx|" if (c - 100) // 2 else ""
            names.append(f"learned|{approx}{'multi' if c % 2 else 'single'}|{where}")
        else:
            normalised = "|normalised" if c % 2 else ""
            names.append(f"gazetteer|{_SIZES[c // 2]}|{where}{normalised}")
    table = np.array(names, dtype=object)
    evidence[fast] = table[inverse]
    probability[fast] = np.array([coder.calibration.probability(e) for e in names])[inverse]
    return evidence, probability


def batch_from_iterables(coder: Geocoder, names: Iterable[str],
                         countries: Iterable[str | None] | None,
                         admin1s: Iterable[str | None] | None,
                         admin2s: Iterable[str | None] | None) -> BatchGeocode:
    """:func:`geocode_batch` of iterables (lists are made once)."""
    return geocode_batch(coder, list(names),
                         countries=None if countries is None else list(countries),
                         admin1s=None if admin1s is None else list(admin1s),
                         admin2s=None if admin2s is None else list(admin2s))
