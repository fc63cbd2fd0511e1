"""The learned candidate scorer: keep and place-trust scores (issue 12, round 13).

Two logistic regressions over the features of :mod:`geo.extract.candidate_features`, fitted
on the annotated dev set by ``bench/train_candidate_model.py`` (scikit-learn, a development
dependency only) and shipped as a small JSON file (``data/candidate_model.json``: feature
names, coefficients, intercepts, thresholds, the training splits and date). Inference here is
a NumPy dot product; nothing imports scikit-learn at run time.

* **keep score**: how likely the candidate matches a real incident. Below the keep threshold
  a candidate is *set aside*: not emitted, but kept for the Extract page (with its score) so
  an analyst can bring it back.
* **place-trust score**: for a candidate resolved at site precision, how likely its point is
  within 10 km of the incident's site. Below the trust threshold it goes to review
  (``unsure``), its point kept as a suggestion.

The hook acts only when ``INCIDENT_MAP_CANDIDATE_MODEL`` is ``on`` (:mod:`geo.settings`);
with ``off`` the scores are still computed (for the page and for training) but nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The hook's modes (``INCIDENT_MAP_CANDIDATE_MODEL``).
MODES = ("off", "on")
#: Status a doubted point takes (for review; the point stays as a suggestion).
DOUBTED_STATUS = "unsure"
_KIND = "candidate scorer (logistic regressions)"
#: Round 14: the feature of a candidate with no site (a country-level allegation, "no site").
#: The dev set's annotations match candidates by place, so none can ever confirm one: every
#: such candidate is a "false" example whatever it says, and the keep score learned nothing
#: about them but that. They are never set aside (and are left out of the keep fit).
UNJUDGED = "no_site"


@dataclass(frozen=True)
class LinearScore:
    """One fitted logistic regression.

    Attributes
    ----------
    coef : numpy.ndarray
        One weight per feature of :attr:`CandidateModel.features`.
    intercept : float
    threshold : float
        Scores below it are acted on (set aside, or sent to review).
    """

    coef: np.ndarray
    intercept: float
    threshold: float

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Probabilities for rows of features (columns in the model's order)."""
        z = matrix @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


@dataclass(frozen=True)
class CandidateModel:
    """The two scores and what they were fitted on.

    Attributes
    ----------
    features : tuple of str
        Feature names, in column order.
    keep, trust : LinearScore
    trained_on : tuple of str
        The dev-set splits fitted on.
    trained : str
        When (ISO date).
    notes : dict
        Examples, penalty, how the thresholds were chosen.
    """

    features: tuple[str, ...]
    keep: LinearScore
    trust: LinearScore
    trained_on: tuple[str, ...] = ()
    trained: str = ""
    notes: dict[str, object] = field(default_factory=dict)

    def matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Rows of named features as a matrix in the model's column order."""
        index = {name: i for i, name in enumerate(self.features)}
        out = np.zeros((len(rows), len(self.features)), dtype=float)
        for r, row in enumerate(rows):
            for name, value in row.items():
                col = index.get(name)
                if col is not None:
                    out[r, col] = value
        return out

    def to_json(self) -> dict[str, object]:
        """JSON-ready form (no text of any report: feature names and numbers only)."""
        return {
            "kind": _KIND,
            "trained_on": list(self.trained_on),
            "trained": self.trained,
            "features": list(self.features),
            "keep": _score_json(self.keep),
            "trust": _score_json(self.trust),
            "notes": self.notes,
        }


def _score_json(score: LinearScore) -> dict[str, object]:
    return {"intercept": round(float(score.intercept), 6),
            "threshold": round(float(score.threshold), 4),
            "coef": [round(float(c), 6) for c in score.coef]}


def model_from_json(data: Mapping[str, object]) -> CandidateModel:
    """A model from its JSON form.

    Raises
    ------
    ValueError
        When the data is not a candidate scorer (says what is wrong).
    """
    if data.get("kind") != _KIND:
        raise ValueError(f"not a candidate scorer (kind {data.get('kind')!r})")
    features = tuple(str(f) for f in _list(data["features"]))
    scores = []
    for name in ("keep", "trust"):
        part = data[name]
        if not isinstance(part, Mapping):
            raise ValueError(f"{name}: not an object")
        coef = np.asarray([_number(c) for c in _list(part["coef"])], dtype=np.float64)
        if coef.shape != (len(features),):
            raise ValueError(f"{name}: {coef.size} weights for {len(features)} features")
        scores.append(LinearScore(coef, _number(part["intercept"]), _number(part["threshold"])))
    notes = data.get("notes", {})
    return CandidateModel(features, scores[0], scores[1],
                          tuple(str(s) for s in _list(data.get("trained_on", []))),
                          str(data.get("trained", "")),
                          dict(notes) if isinstance(notes, Mapping) else {})


def _number(value: object) -> float:
    if not isinstance(value, int | float):
        raise ValueError(f"expected a number, not {value!r}")
    return float(value)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, not {type(value).__name__}")
    return value


def read_model(path: Path) -> CandidateModel:
    """Read a model written by :func:`write_model`.

    Raises
    ------
    ValueError
        When the file is missing or not a candidate scorer (names the file).
    """
    try:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not a candidate scorer ({exc})") from exc


def write_model(model: CandidateModel, path: Path) -> None:
    """Write a model as JSON."""
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> CandidateModel:
    return read_model(Path(path))


def load_model(path: Path) -> CandidateModel | None:
    """The model at ``path`` (read once per file version), None when there is no file."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _cached(str(path), mtime)


@dataclass
class Verdict:
    """What the scorer made of one candidate.

    Attributes
    ----------
    features : dict of str to float
    keep : float or None
        Keep score (None without a model).
    trust : float or None
        Place-trust score (None unless resolved at site precision and a model is loaded).
    set_aside : bool
        Below the keep threshold, with the hook on: not emitted.
    doubted : bool
        Below the trust threshold, with the hook on: sent to review.
    """

    features: dict[str, float]
    keep: float | None = None
    trust: float | None = None
    set_aside: bool = False
    doubted: bool = False


def judge(rows: Sequence[Mapping[str, float]], site_resolved: Sequence[bool],
          model: CandidateModel | None, act: bool) -> list[Verdict]:
    """Score candidates and decide which are set aside or sent to review.

    Parameters
    ----------
    rows : sequence of mapping
        Each candidate's features.
    site_resolved : sequence of bool
        Whether each is resolved at site precision (only those get a trust score).
    model : CandidateModel or None
    act : bool
        Whether the thresholds act (the hook is on); scores are given either way.

    Returns
    -------
    list of Verdict
    """
    verdicts = [Verdict(dict(r)) for r in rows]
    if model is None or not rows:
        return verdicts
    matrix = model.matrix(rows)
    keep = model.keep.probabilities(matrix)
    trust = model.trust.probabilities(matrix)
    for i, verdict in enumerate(verdicts):
        verdict.keep = float(keep[i])
        if site_resolved[i]:
            verdict.trust = float(trust[i])
        verdict.set_aside = act and verdict.keep < model.keep.threshold and \
            not rows[i].get(UNJUDGED)
        verdict.doubted = act and verdict.trust is not None and \
            verdict.trust < model.trust.threshold
    return verdicts
