"""Train (and validate by split) the learned place-role model of the extraction (issue 12).

    .venv/bin/python scripts/train_place_roles.py           # writes data/place_roles.json
    .venv/bin/python scripts/train_place_roles.py --evaluate heldout4 heldout5 heldout6

Every place mention the rules find in the annotated dev set (``bench/reports/*.toml``) is an
example: its features (:mod:`geo.extract.role_features`, read by the pipeline's hook with the
model off) and its label, 1 when the mention resolves within 10 km of an annotated incident
site of its report (or its approximate point) or names one, else 0. A logistic regression
(:func:`geo.extract.role_model.fit`) is fitted on the chosen splits; its two cuts come from
out-of-fold probabilities on those splits only (leave one training split out at a time), so
no figure reported for a left-out split was tuned on it.

``--evaluate S ...`` runs leave-one-split-out: for each S, a model fitted on every other split
(S and the excluded splits never seen) is run in the pipeline on S's reports in ``review`` and
``veto`` modes and scored with ``bench/bench_extract_real.py``'s scorer, beside the rules alone.

Only the splits in ``SPLITS`` are read: a report of any other split (``heldout7``, being
collected blind, and any later one) is skipped on its ``split`` field before anything else of
it is used, and is never trained on, scored or listed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_extract_real import Report, Scores, score_report  # noqa: E402
from bench.extract_stages import StageScores, stage_lines  # noqa: E402
from geo.extract.pipeline import extract  # noqa: E402
from geo.extract.places import PlaceMention  # noqa: E402
from geo.extract.role_model import (  # noqa: E402
    RoleModel,
    choose_threshold,
    fit,
    recording,
    using_model,
    write_model,
)
from geo.geocoding.geocoder import default_geocoder  # noqa: E402
from geo.geocoding.protocol import PlaceResolver  # noqa: E402
from geo.settings import load_settings  # noqa: E402

REPORTS = ROOT / "bench" / "reports"
#: The splits the model may see. Anything else (heldout7 and later) is skipped unread.
SPLITS = ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
SITE_KM = 10.0
#: One real site sent to review costs this many non-sites caught; one dropped, this many.
REVIEW_COST = 1.0
DROP_COST = 4.0
#: Penalty and training population, chosen on out-of-fold ranking (AUC) of the rule sites of
#: the four oldest splits (tune, heldout, heldout2, heldout3) only: 3.0 over 0.3, 1 and 10;
#: the rule sites alone over every mention.
L2 = 3.0
_GEOD = Geod(ellps="WGS84")


@dataclass
class Example:
    """One place mention of the dev set."""

    split: str
    report: str
    role: str
    features: dict[str, float]
    label: int


@dataclass
class Run:
    """Scores of one pass over some reports."""

    scores: Scores = field(default_factory=Scores)
    stages: StageScores = field(default_factory=StageScores)
    cpu: float = 0.0
    wall: float = 0.0


def load_dev_set(splits: tuple[str, ...] = SPLITS) -> list[Report]:
    """The annotated reports of the allowed splits (others are skipped on their split field)."""
    out = []
    for path in sorted(REPORTS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("split") not in splits or data.get("split") not in SPLITS:
            continue
        out.append(Report(path.stem, data["url"], data["outlet"],
                          date.fromisoformat(data["published"]), data["split"], data["text"],
                          data.get("incident", []), data.get("context", [])))
    return out


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def is_site(mention: PlaceMention, report: Report) -> int:
    """The label: 1 when the mention is at (or names) an annotated incident site."""
    place = mention.place
    for incident in report.incidents:
        for lat_key, lon_key in (("lat", "lon"), ("approx_lat", "approx_lon")):
            if place is not None and lat_key in incident and _km(
                    incident[lat_key], incident[lon_key], place.latitude,
                    place.longitude) <= SITE_KM:
                return 1
        words = [w for w in re.findall(r"[A-Za-z']+", incident.get("site", ""))
                 if len(w) > 3 and w.lower() not in (
                     "village", "town", "city", "countryside", "camp", "near", "outside",
                     "around", "province", "governorate")]
        if words and _key(words[0]) in _key(mention.text):
            return 1
    return 0


def _run(reports: list[Report], geocoder: PlaceResolver, model: RoleModel | None, mode: str,
         examples: list[Example] | None = None) -> dict[str, Run]:
    runs: dict[str, Run] = {}
    for report in reports:
        run = runs.setdefault(report.split, Run())
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        with using_model(model, mode), recording() as seen:
            found = extract(report.text, report.published, source_name=report.outlet,
                            source_url=report.url, geocoder=geocoder)
        run.wall += time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        run.cpu += cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
        score_report(report, [c.to_json() for c in found], run.scores, False, run.stages)
        if examples is not None:
            examples.extend(Example(report.split, report.name, o.mention.role, o.features,
                                    is_site(o.mention, report)) for o in seen)
    return runs


def train(examples: list[Example], splits: set[str]) -> RoleModel:
    """A model fitted on the rule sites of ``splits``, its cuts from out-of-fold probabilities.

    The model decides only about mentions the rules call sites, so it is fitted on those.
    """
    chosen = [e for e in examples if e.split in splits and e.role == "site"]
    weights = fit([e.features for e in chosen], [e.label for e in chosen], l2=L2)
    probs: list[float] = []
    labels: list[int] = []
    for held in sorted(splits):
        inner = [e for e in chosen if e.split != held]
        if not inner:
            continue
        part = RoleModel(fit([e.features for e in inner], [e.label for e in inner], l2=L2))
        for e in chosen:
            if e.split == held:
                probs.append(part.probability(e.features))
                labels.append(e.label)
    review = choose_threshold(probs, labels, REVIEW_COST) if probs else 0.0
    drop = min(review, choose_threshold(probs, labels, DROP_COST)) if probs else 0.0
    positives = sum(e.label for e in chosen)
    return RoleModel(weights, review, drop, tuple(sorted(splits)), len(chosen),
                     {"positives": positives, "l2": L2, "review_cost": REVIEW_COST,
                      "drop_cost": DROP_COST,
                      "cuts": "out-of-fold on the training splits (leave one split out)"})


def _summary(run: Run) -> str:
    s = run.scores
    recall = s.strict_hit / s.strict_total if s.strict_total else 0.0
    precision = s.true_candidates / s.candidates if s.candidates else 0.0
    return (f"recall {s.strict_hit}/{s.strict_total} = {recall:.1%}; precision "
            f"{s.true_candidates}/{s.candidates} = {precision:.1%}; far-resolved "
            f"{s.far_resolved}; for review named {s.review_found}/{s.review_total}")


def _errors(run: Run) -> str:
    return ", ".join(f"{k.split(' (')[0]} {v}" for k, v in
                     sorted(run.scores.errors.items(), key=lambda kv: -kv[1]))


def _mention_figures(model: RoleModel, examples: list[Example], split: str) -> str:
    sites = [e for e in examples if e.split == split and e.role == "site"]
    counts: Counter[str] = Counter()
    for e in sites:
        p = model.probability(e.features)
        band = "drop" if p < model.drop_below else ("review" if p < model.review_below else "keep")
        counts[f"{band}-{'site' if e.label else 'non-site'}"] += 1
    ranked = [(model.probability(e.features), e.label) for e in sites]
    pos = [p for p, label in ranked if label]
    neg = [p for p, label in ranked if not label]
    auc = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / max(1, len(pos) * len(neg))
    return (f"rule sites {len(sites)} ({len(pos)} real; AUC {auc:.3f}): " + ", ".join(
        f"{k} {counts[k]}" for k in ("keep-site", "keep-non-site", "review-site",
                                     "review-non-site", "drop-site", "drop-non-site")))


def evaluate(held: list[str], reports: list[Report], geocoder: PlaceResolver,
             examples: list[Example], rules: dict[str, Run]) -> None:
    """Leave each split of ``held`` out: fit on the others, score it per mode."""
    for split in held:
        model = train(examples, set(SPLITS) - {split})
        print(f"\n=== {split} left out (model fitted on {', '.join(model.trained_on)}; "
              f"{model.examples} mentions; cuts review < {model.review_below:.3f}, "
              f"drop < {model.drop_below:.3f}, chosen out-of-fold on the training splits)")
        print("  mentions: " + _mention_figures(model, examples, split))
        part = [r for r in reports if r.split == split]
        runs = {"rules only": rules[split]}
        for mode in ("review", "veto"):
            runs[f"rules + model ({mode})"] = _run(part, geocoder, model, mode)[split]
        for name, run in runs.items():
            print(f"  {name}: {_summary(run)}  [CPU {run.cpu:.1f} s, wall {run.wall:.1f} s]")
            print(f"    errors: {_errors(run)}")
            print("\n".join("    " + line for line in stage_lines(run.stages)))


def main(argv: list[str] | None = None) -> int:
    """Train the shipped model, or validate by split with ``--evaluate``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate", nargs="*", default=None, choices=SPLITS,
                        help="splits to leave out one at a time (no model is written)")
    parser.add_argument("--out", type=Path, default=load_settings().role_model_path)
    args = parser.parse_args(argv)
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    reports = load_dev_set()
    geocoder = default_geocoder()
    examples: list[Example] = []
    rules = _run(reports, geocoder, None, "off", examples)
    print(f"{len(reports)} reports, {len(examples)} mentions "
          f"({sum(e.label for e in examples)} at an incident site), "
          f"{sum(e.role == 'site' for e in examples)} called sites by the rules")
    if args.evaluate is not None:
        evaluate(args.evaluate or ["heldout4", "heldout5", "heldout6"], reports, geocoder,
                 examples, rules)
        return 0
    model = train(examples, set(SPLITS))
    write_model(model, args.out)
    print(f"wrote {args.out}: {len(model.weights)} weights, review < {model.review_below:.3f}, "
          f"drop < {model.drop_below:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
