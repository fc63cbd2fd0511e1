"""Training material for the learned candidate scorer (issue 12, round 13).

Runs the rules (the scorer's hook off) on the training splits of ``bench/reports`` and keeps,
for every candidate, its features (:mod:`geo.extract.candidate_features`) and two labels from
``bench/bench_extract_real.py``'s matching:

* ``true``: the candidate matches an annotated incident of its report (what precision counts);
* ``near``: it has a point within 10 km of an annotated site (or a site's approximate point).

Also: fitting the two logistic regressions with scikit-learn (a development dependency), and
applying thresholds to a report's candidates so ``score_report`` scores them exactly as the
benchmark does. Only ``TRAIN_SPLITS`` are ever loaded; the blind set (heldout14, being
collected) is never read into the material: :func:`load_blocks` refuses it. heldout11, blind
when the scorer was first trained, became tuning material in round 13 and is a block;
heldout12, blind in round 13, became tuning material in round 14, and heldout13 in round 15:
blocks too (the shipped model was last trained in round 14, before heldout13 was a block).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_extract_real import (  # noqa: E402
    Report,
    Scores,
    _dates_overlap,
    _km,
    _named,
    _near,
    load_reports,
    score_report,
)
from geo.extract.candidate_model import UNJUDGED  # noqa: E402
from geo.extract.pipeline import extract  # noqa: E402
from geo.extract.scoring import using_model  # noqa: E402
from geo.geocoding.geocoder import default_geocoder  # noqa: E402

#: The blocks of leave-one-split-out: the four oldest splits together ("all"), then each
#: later held-out set that has become tuning material.
BLOCKS: dict[str, tuple[str, ...]] = {
    "all": ("tune", "heldout", "heldout2", "heldout3"),
    **{f"heldout{n}": (f"heldout{n}",) for n in range(4, 14)},  # 11-13: rounds 13-15
}
TRAIN_SPLITS = tuple(s for splits in BLOCKS.values() for s in splits)
#: Never loaded, listed, scored or trained on (scored blind by the lead).
BLIND = ("heldout14",)
#: L2 penalty of both regressions (scikit-learn's C: smaller is stronger), fixed before any
#: left-out split was scored.
C = 0.5
#: A feature seen in fewer training candidates than this gets no weight.
MIN_COUNT = 3
#: Keep thresholds tried, and place-trust thresholds tried.
KEEP_GRID = tuple(round(x, 3) for x in np.arange(0.0, 0.525, 0.025))
TRUST_GRID = tuple(round(x, 2) for x in np.arange(0.0, 0.75, 0.05))
#: How the keep threshold is chosen on the training folds: ``f1`` (the best F1 of strict
#: recall and precision) or ``recall`` (the highest threshold that loses no strict recall).
CRITERIA = ("f1", "recall")
#: What a correct point sent to review costs, against one far point kept from the map.
REVIEW_COST = 0.5


@dataclass
class Item:
    """One report's candidates, with features and labels."""

    report: Report
    block: str
    candidates: list[dict]
    features: list[dict[str, float]]
    true: list[bool]
    near: list[bool]


def load_blocks() -> dict[str, list[Report]]:
    """The training reports by block (the blind sets are never read)."""
    assert not set(TRAIN_SPLITS) & set(BLIND)
    out: dict[str, list[Report]] = {}
    for block, splits in BLOCKS.items():
        out[block] = [r for split in splits for r in load_reports(split)]
        assert all(r.split in splits for r in out[block])
    return out


def labels(report: Report, candidates: Sequence[dict]) -> tuple[list[bool], list[bool]]:
    """Each candidate's ``true`` and ``near`` labels (the benchmark's matching)."""
    true = [False] * len(candidates)
    for incident in report.incidents:
        reviewable = "lat" not in incident and incident.get("site_precision") != 3
        for j, cand in enumerate(candidates):
            place_ok = _named(incident, cand) if reviewable else _near(incident, cand)
            if place_ok and _dates_overlap(incident, cand):
                true[j] = True
    sites = [(i["lat"], i["lon"]) for i in report.incidents if "lat" in i]
    sites += [(i["approx_lat"], i["approx_lon"]) for i in report.incidents if "approx_lat" in i]
    near = [cand.get("latitude") is not None and any(
        _km(lat, lon, float(cand["latitude"]), float(cand["longitude"])) <= 10.0
        for lat, lon in sites) for cand in candidates]
    return true, near


def collect() -> list[Item]:
    """Run the rules on every training report (hook off) and label the candidates."""
    geocoder = default_geocoder()
    items = []
    for block, reports in load_blocks().items():
        for report in reports:
            with using_model(None, "off"):
                found = extract(report.text, report.published, source_name=report.outlet,
                                source_url=report.url, geocoder=geocoder)
            cands = [c.to_json() for c in found]
            true, near = labels(report, cands)
            items.append(Item(report, block, cands,
                              [dict(c.verdict.features) if c.verdict else {} for c in found],
                              true, near))
    return items


def site_resolved(cand: dict) -> bool:
    """Resolved at site precision with a point (what the trust score acts on)."""
    return cand.get("geocode_status") == "resolved" and cand.get("geo_precision") == 1 and \
        cand.get("latitude") is not None


def vocabulary(items: Sequence[Item]) -> list[str]:
    """Feature names seen at least ``MIN_COUNT`` times in these items."""
    counts: dict[str, int] = {}
    for item in items:
        for row in item.features:
            for name in row:
                counts[name] = counts.get(name, 0) + 1
    return sorted(n for n, c in counts.items() if c >= MIN_COUNT)


def matrix(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    """Rows of named features as a matrix (columns in ``names`` order)."""
    index = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for name, value in row.items():
            if name in index:
                out[r, index[name]] = value
    return out


@dataclass
class Fitted:
    """Two fitted regressions over one vocabulary."""

    names: list[str]
    keep: object
    trust: object

    def scores(self, item: Item) -> tuple[np.ndarray, np.ndarray]:
        """Keep and trust probabilities of an item's candidates."""
        if not item.features:
            return np.zeros(0), np.zeros(0)
        x = matrix(item.features, self.names)
        return (self.keep.predict_proba(x)[:, 1],  # type: ignore[attr-defined]
                self.trust.predict_proba(x)[:, 1])  # type: ignore[attr-defined]


def fit(items: Sequence[Item]) -> Fitted:
    """Fit the keep model on every candidate with a site (round 14: a siteless one has no
    label the annotations could give), the trust model on those with a point."""
    from sklearn.linear_model import LogisticRegression  # development dependency only

    names = vocabulary(items)
    rows = [r for item in items for r in item.features]
    x = matrix(rows, names)
    y_keep = np.array([t for item in items for t in item.true])
    pointed = np.array([c.get("latitude") is not None for item in items
                        for c in item.candidates])
    y_near = np.array([n for item in items for n in item.near])
    judged = x[:, names.index(UNJUDGED)] == 0 if UNJUDGED in names else np.ones(len(x), bool)
    keep = LogisticRegression(C=C, max_iter=5000).fit(x[judged], y_keep[judged])
    trust = LogisticRegression(C=C, max_iter=5000).fit(x[pointed], y_near[pointed])
    return Fitted(names, keep, trust)


def decide(item: Item, keep: np.ndarray, trust: np.ndarray, keep_below: float,
           trust_below: float) -> tuple[list[dict], list[int], list[int]]:
    """The candidates as the hook on would leave them.

    Returns
    -------
    (list of dict, list of int, list of int)
        The emitted candidates (doubted points set to ``unsure``), the indices set aside and
        the indices sent to review.
    """
    out, aside, doubted = [], [], []
    for j, cand in enumerate(item.candidates):
        if keep[j] < keep_below and not item.features[j].get(UNJUDGED):
            aside.append(j)
            continue
        if site_resolved(cand) and trust[j] < trust_below:
            doubted.append(j)
            cand = {**cand, "geocode_status": "unsure"}
        out.append(cand)
    return out, aside, doubted


def score(items: Sequence[Item], probs: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
          keep_below: float = 0.0, trust_below: float = 0.0) -> tuple[Scores, int, int]:
    """The benchmark's scores after the decisions, and the correct candidates set aside
    (``true``) and the correct points sent to review (``near`` or ``true``)."""
    scores = Scores()
    lost_aside = lost_review = 0
    for n, item in enumerate(items):
        if probs is None:
            kept: list[dict] = item.candidates
            aside: list[int] = []
            doubted: list[int] = []
        else:
            kept, aside, doubted = decide(item, *probs[n], keep_below, trust_below)
        score_report(item.report, kept, scores)
        lost_aside += sum(item.true[j] for j in aside)
        lost_review += sum(item.near[j] or item.true[j] for j in doubted)
    return scores, lost_aside, lost_review


def figures(scores: Scores) -> tuple[float, float, int]:
    """Strict recall, precision and far-resolved count."""
    recall = scores.strict_hit / scores.strict_total if scores.strict_total else 0.0
    precision = scores.true_candidates / scores.candidates if scores.candidates else 0.0
    return recall, precision, scores.far_resolved


def out_of_fold(items: Sequence[Item]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Probabilities of each item from a fit on the other blocks of ``items``."""
    probs: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for block in dict.fromkeys(i.block for i in items):
        fitted = fit([i for i in items if i.block != block])
        for n, item in enumerate(items):
            if item.block == block:
                probs[n] = fitted.scores(item)
    return probs


def choose_thresholds(items: Sequence[Item], probs: dict[int, tuple[np.ndarray, np.ndarray]],
                      criterion: str = "f1") -> tuple[float, float]:
    """Thresholds chosen on out-of-fold probabilities of these (training) items only.

    Keep, ``f1``: the threshold of ``KEEP_GRID`` with the best F1 of strict recall and
    precision (ties: the lowest); ``recall``: the highest threshold whose strict recall is the
    rules' own. Trust, after it: the threshold of ``TRUST_GRID`` with the fewest far points
    plus ``REVIEW_COST`` per correct point sent to review (ties: the lowest).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    best_keep, best_f1 = 0.0, -1.0
    floor = figures(score(items)[0])[0]
    for t in KEEP_GRID:
        r, p, _ = figures(score(items, probs, t, 0.0)[0])
        if criterion == "recall":
            if r < floor - 1e-9:
                break
            best_keep = t
            continue
        f1 = 2 * r * p / (r + p) if r + p else 0.0
        if f1 > best_f1 + 1e-9:
            best_keep, best_f1 = t, f1
    best_trust, best_cost = 0.0, float("inf")
    for t in TRUST_GRID:
        scores, _, review = score(items, probs, best_keep, t)
        cost = scores.far_resolved + REVIEW_COST * review
        if cost < best_cost - 1e-9:
            best_trust, best_cost = t, cost
    return best_keep, best_trust
