"""Scores that mean the probability of being right.

Every answer the geocoder gives falls in an *evidence class*: where the candidate comes
from (a place learned from the analyst's datasets, the gazetteer, both), how big it is,
whether the record's admin area was checked against it, how the name matched, whether
rivals were set aside. The score of the answer is the share of answers of that class
that were right (within 5 km, or within the radius of a coarser precision) on a
development set: the UCDP GED Syria 2016 events, learned from the first months and
geocoded in the later ones (``bench/bench_geocoder.py --calibrate`` measures it and
writes the table; see the reliability table in the README).

A class is written ``source|detail|...``; a class the table lacks falls back to its
longest known prefix, then to :data:`DEFAULT_PROBABILITY`; an ``...|unchecked`` class
(no admin area given or found) the table lacks is capped at :data:`UNCHECKED_CAP` when it
falls back to a measured prefix, since that prefix pools answers checked against the
governorate (below the resolve score: such answers go to review); any class that falls
back to a measured prefix is never scored above its uncalibrated prior. The development set measures
answers with and without the governorate given (``bench/bench_geocoder.py
--calibrate``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

#: Probabilities before calibration (and for classes the development set lacks).
DEFAULT_PROBABILITY: dict[str, float] = {
    "override": 1.0,
    "area|whole": 0.95,
    "area|part": 0.85,
    "learned+gazetteer": 0.98,
    "learned|multi|agrees": 0.97,
    "learned|multi|unchecked": 0.93,
    "learned|single|agrees": 0.94,
    "learned|single|unchecked": 0.85,
    "learned|approx": 0.85,
    "learned|majority": 0.85,
    "learned|rivals": 0.85,
    "learned": 0.85,
    "gazetteer|area": 0.97,
    "gazetteer|curated": 0.95,
    "gazetteer|city|agrees": 0.98,
    "gazetteer|city|unchecked": 0.95,
    "gazetteer|town|agrees": 0.92,
    "gazetteer|town|unchecked": 0.85,
    "gazetteer|village|agrees": 0.85,
    "gazetteer|village|unchecked": 0.6,
    "gazetteer|unknown|agrees": 0.9,
    "gazetteer|unknown|unchecked": 0.85,
    "gazetteer|dominant": 0.9,
    "gazetteer|context": 0.85,
    "gazetteer": 0.8,
    "skeleton|close": 0.82,
    "skeleton": 0.7,
    "fuzzy": 0.4,
    "ambiguous": 0.4,
}
_FALLBACK = 0.5
#: Highest probability of an answer whose admin area was not checked (``...|unchecked``)
#: when the table has not measured its class: a prefix pools answers measured with the
#: governorate given and says nothing of those without it.
UNCHECKED_CAP = 0.75
_NORMALISED_FACTOR = 0.98  # a normalised match of a class the table lacks
#: A class needs this many development answers before its measured rate replaces the default.
MIN_SAMPLES = 25


class Calibration:
    """Evidence class -> probability of being right.

    Parameters
    ----------
    table : mapping, optional
        Measured probabilities that replace the defaults.
    """

    def __init__(self, table: Mapping[str, float] | None = None) -> None:
        self.table = {**DEFAULT_PROBABILITY, **dict(table or {})}
        self._measured = frozenset(table or {})
        self._cache: dict[str, float] = {}

    @classmethod
    def from_file(cls, path: Path | None) -> Calibration:
        """Read a table written by :func:`write_calibration` (defaults when absent)."""
        if path is None or not path.exists():
            return cls()
        data = json.loads(path.read_text("utf-8"))
        return cls({k: float(v["probability"]) for k, v in data.get("classes", {}).items()
                    if int(v.get("answers", 0)) >= MIN_SAMPLES})

    def probability(self, evidence: str) -> float:
        """Probability that an answer of class ``evidence`` is right."""
        cached = self._cache.get(evidence)
        if cached is not None:
            return cached
        parts = evidence.split("|")
        value = _FALLBACK
        if parts[-1] == "normalised" and evidence not in self.table:
            value = self.probability("|".join(parts[:-1])) * _NORMALISED_FACTOR
            self._cache[evidence] = value
            return value
        for n in range(len(parts), 0, -1):
            prefix = "|".join(parts[:n])
            found = self.table.get(prefix)
            if found is not None:
                value = found
                if n < len(parts) and prefix in self._measured:
                    # a measured prefix pools only the classes the development set had:
                    # never more than the prior of the class's own family
                    value = min(value, _prior(parts))
                    if "unchecked" in parts:
                        value = min(value, UNCHECKED_CAP)
                break
        self._cache[evidence] = value
        return value


def _prior(parts: list[str]) -> float:
    """The uncalibrated probability of a class (its longest prefix in the defaults)."""
    for n in range(len(parts), 0, -1):
        found = DEFAULT_PROBABILITY.get("|".join(parts[:n]))
        if found is not None:
            return found
    return _FALLBACK


def fit_calibration(outcomes: Mapping[str, tuple[int, int]]) -> dict[str, dict[str, float]]:
    """Probabilities from (right, answers) per evidence class, with Laplace smoothing.

    Parameters
    ----------
    outcomes : mapping
        Evidence class -> (answers that were right, answers).

    Returns
    -------
    dict
        Class -> ``{"probability", "right", "answers"}``; prefixes of each class get the
        pooled counts of their members too.
    """
    pooled: dict[str, list[int]] = {}
    for evidence, (right, total) in outcomes.items():
        parts = evidence.split("|")
        for n in range(1, len(parts) + 1):
            acc = pooled.setdefault("|".join(parts[:n]), [0, 0])
            acc[0] += right
            acc[1] += total
    return {k: {"probability": round((r + 1) / (t + 2), 4), "right": r, "answers": t}
            for k, (r, t) in sorted(pooled.items())}


def write_calibration(path: Path, fitted: Mapping[str, Mapping[str, float]],
                      about: str) -> None:
    """Write a calibration table (rates and counts only: no names, no points)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"about": about, "classes": fitted}, indent=1) + "\n", "utf-8")
