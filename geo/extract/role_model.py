"""A learned place-role labeller: how likely a place mention is an incident site (issue 12).

The rules of :mod:`geo.extract.places` and :mod:`geo.extract.roles` give each place mention a
role. On reports they were not tuned on, non-sites (datelines, governorates in lists,
reference cities, person names) still come out as sites. This module weighs each mention the
rules call a site with a logistic regression over the features of
:mod:`geo.extract.role_features`, trained on the annotated dev set (``bench/reports``) by
``scripts/train_place_roles.py`` and stored as a small JSON file (``data/place_roles.json``,
feature name -> weight; read once, lazily). The pipeline's hook (:func:`weigh_sites`) then:

* ``review`` mode: a site whose probability is below the model's ``review_below`` keeps its
  place but goes to review (``unsure``), never resolved at site precision;
* ``veto`` mode: in addition, a site below ``drop_below`` is no site at all (role
  ``context``: kept in the candidate's place context);
* ``off``: nothing changes.

The mode is ``INCIDENT_MAP_ROLE_MODEL`` (:mod:`geo.settings`). Training is plain NumPy
(L2-penalised log loss, Newton's method): no model library at run time, inference is a dot product
over a few dozen features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from geo.extract.places import PlaceMention
from geo.extract.role_features import MentionContext, mention_features
from geo.settings import load_settings

#: The modes of the hook (``INCIDENT_MAP_ROLE_MODEL``).
MODES = ("off", "review", "veto")
#: The role a vetoed site takes (context of the candidate, like a reference point).
VETOED_ROLE = "context"


@dataclass(frozen=True)
class RoleModel:
    """A trained place-role model.

    Attributes
    ----------
    weights : mapping of str to float
        Feature name -> weight (``bias`` included); unknown features weigh 0.
    review_below : float
        A site whose probability is below this goes to review.
    drop_below : float
        A site whose probability is below this is no site (``veto`` mode only).
    trained_on : tuple of str
        The dev-set splits the weights were fitted on.
    examples : int
        How many mentions it was fitted on.
    """

    weights: Mapping[str, float]
    review_below: float = 0.0
    drop_below: float = 0.0
    trained_on: tuple[str, ...] = ()
    examples: int = 0
    notes: dict[str, object] = field(default_factory=dict)

    def probability(self, features: Mapping[str, float]) -> float:
        """Probability that a mention with these features is an incident site."""
        score = sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)

    def to_json(self) -> dict[str, object]:
        """JSON-ready form (weights rounded, sorted by name)."""
        return {
            "kind": "place-role logistic regression",
            "review_below": round(self.review_below, 4),
            "drop_below": round(self.drop_below, 4),
            "trained_on": list(self.trained_on),
            "examples": self.examples,
            "notes": self.notes,
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if v != 0.0},
        }


def read_model(path: Path) -> RoleModel:
    """Read a model written by :func:`write_model`.

    Parameters
    ----------
    path : Path

    Returns
    -------
    RoleModel

    Raises
    ------
    ValueError
        When the file is not a place-role model (names the file and what is wrong).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        return RoleModel(weights, float(data.get("review_below", 0.0)),
                         float(data.get("drop_below", 0.0)),
                         tuple(str(s) for s in data.get("trained_on", ())),
                         int(data.get("examples", 0)), dict(data.get("notes", {})))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not a place-role model ({exc})") from exc


def write_model(model: RoleModel, path: Path) -> None:
    """Write a model as JSON (feature names and weights only: no text of any report)."""
    path.write_text(json.dumps(model.to_json(), indent=1, sort_keys=False) + "\n",
                    encoding="utf-8")


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> RoleModel:
    return read_model(Path(path))


_UNSET = object()
_OVERRIDE: ContextVar[object] = ContextVar("role_model_override", default=_UNSET)
_RECORDER: ContextVar[list[Observation] | None] = ContextVar("role_model_recorder", default=None)


@dataclass(frozen=True)
class Observation:
    """One mention seen by the hook (for training and evaluation).

    Attributes
    ----------
    mention : PlaceMention
        As the rules left it.
    features : dict of str to float
    probability : float or None
        The active model's probability, None without a model.
    """

    mention: PlaceMention
    features: dict[str, float]
    probability: float | None


@contextmanager
def using_model(model: RoleModel | None, mode: str = "veto") -> Iterator[None]:
    """Use this model (None: none) and mode in the hook, whatever the settings say."""
    if mode not in MODES:
        raise ValueError(f"role model mode must be one of {', '.join(MODES)}, not {mode!r}")
    token = _OVERRIDE.set((model, mode))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


@contextmanager
def recording() -> Iterator[list[Observation]]:
    """Collect an :class:`Observation` for every place mention the hook sees."""
    seen: list[Observation] = []
    token = _RECORDER.set(seen)
    try:
        yield seen
    finally:
        _RECORDER.reset(token)


def active_model() -> tuple[RoleModel | None, str]:
    """The model and mode the hook uses (an override, else the settings).

    Returns
    -------
    (RoleModel or None, str)
        No model when the mode is ``off`` or the model file is absent.
    """
    override = _OVERRIDE.get()
    if override is not _UNSET:
        return override  # type: ignore[return-value]
    settings = load_settings()
    if settings.role_model_mode == "off":
        return None, "off"
    path = settings.role_model_path
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None, "off"
    return _cached(str(path), mtime), settings.role_model_mode


def weigh_sites(places: Sequence[PlaceMention], context: MentionContext) -> list[PlaceMention]:
    """The pipeline's hook: the sentence's mentions, sites the model doubts sent on.

    Parameters
    ----------
    places : sequence of PlaceMention
        The sentence's mentions with the rules' roles.
    context : MentionContext

    Returns
    -------
    list of PlaceMention
        The same mentions; a ``site`` below the model's ``review_below`` is ``unsure`` (to
        review), below ``drop_below`` in ``veto`` mode it takes the role ``context``.
    """
    model, mode = active_model()
    recorder = _RECORDER.get()
    if (model is None or mode == "off") and recorder is None:
        return list(places)
    out: list[PlaceMention] = []
    for mention in places:
        wanted = recorder is not None or mention.role == "site"
        features = mention_features(mention, places, context) if wanted else {}
        p = model.probability(features) if model is not None and wanted else None
        if recorder is not None:
            recorder.append(Observation(mention, features, p))
        if p is None or mention.role != "site" or mode == "off":
            out.append(mention)
        elif mode == "veto" and p < model.drop_below:  # type: ignore[union-attr]
            out.append(replace(mention, role=VETOED_ROLE))
        elif p < model.review_below:  # type: ignore[union-attr]
            out.append(replace(mention, unsure=True))
        else:
            out.append(mention)
    return out


def fit(
    examples: Sequence[Mapping[str, float]], labels: Sequence[int], l2: float = 1.0,
    min_count: int = 2,
) -> dict[str, float]:
    """Fit logistic-regression weights (L2 penalty, bias unpenalised).

    Parameters
    ----------
    examples : sequence of mapping
        Features of each mention.
    labels : sequence of int
        1 for an incident site, 0 otherwise.
    l2 : float
        Strength of the penalty on the weights.
    min_count : int
        Features seen in fewer examples get no weight.

    Returns
    -------
    dict of str to float
        Feature name -> weight.
    """
    import numpy as np

    if len(examples) != len(labels) or not examples:
        raise ValueError("fit needs as many labels as examples, and at least one")
    counts: dict[str, int] = {}
    for ex in examples:
        for name in ex:
            counts[name] = counts.get(name, 0) + 1
    names = sorted(n for n, c in counts.items() if c >= min_count or n == "bias")
    column = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(examples), len(names)))
    for r, ex in enumerate(examples):
        for name, value in ex.items():
            if name in column:
                x[r, column[name]] = value
    y = np.asarray(labels, dtype=float)
    penalty = np.full(len(names), l2)
    if "bias" in column:
        penalty[column["bias"]] = 1e-6  # all but unpenalised, keeps the system solvable
    w = np.zeros(len(names))
    for _ in range(50):  # Newton's method on the penalised log loss (convex)
        p = 0.5 * (1.0 + np.tanh(0.5 * (x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x.T * (p * (1.0 - p))) @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return {n: float(v) for n, v in zip(names, w, strict=True)}


def choose_threshold(
    probabilities: Sequence[float], labels: Sequence[int], site_cost: float = 1.0
) -> float:
    """The cut that best separates non-sites (below) from sites (above).

    Parameters
    ----------
    probabilities : sequence of float
        Out-of-sample probabilities of mentions the rules call sites.
    labels : sequence of int
        1 for a real incident site.
    site_cost : float
        How many non-sites caught below the cut one real site below it costs.

    Returns
    -------
    float
        The cut maximising ``non-sites below - site_cost * sites below`` (0.0 when no cut
        gains: nothing is sent on).
    """
    pairs = sorted(zip(probabilities, labels, strict=True))
    best, best_gain, gain = 0.0, 0.0, 0.0
    for i, (p, label) in enumerate(pairs):
        gain += -site_cost if label else 1.0
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else 1.0
        if gain > best_gain and nxt > p:
            best, best_gain = (p + nxt) / 2.0, gain
    return best
