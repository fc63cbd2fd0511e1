"""Fit the learned candidate scorer on every training split and write ``data/candidate_model.json``.

The two logistic regressions of ``bench/candidate_data.py`` are fitted on all of the training
material (tune, heldout, heldout2, heldout3 and heldout4 ... heldout13, heldout11 from round
13 on, heldout12 from round 14, heldout13 from round 15; never the blind set), their
thresholds chosen on out-of-fold probabilities (leave one block out), and written as
coefficients with the training splits, the date and how they were chosen.
Inference is :mod:`geo.extract.candidate_model` (NumPy); scikit-learn is needed here only.

    PYTHONPATH=<scikit-learn> .venv/bin/python bench/train_candidate_model.py [--cache FILE]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_candidate_model import material  # noqa: E402
from bench.candidate_data import (  # noqa: E402
    BLOCKS,
    CRITERIA,
    MIN_COUNT,
    REVIEW_COST,
    TRAIN_SPLITS,
    C,
    choose_thresholds,
    fit,
    out_of_fold,
)
from geo.extract.candidate_model import CandidateModel, LinearScore, write_model  # noqa: E402

OUT = ROOT / "data" / "candidate_model.json"


def linear(model: object, threshold: float) -> LinearScore:
    """A fitted scikit-learn logistic regression as the NumPy scorer's weights."""
    coef = np.asarray(model.coef_, dtype=float)[0]  # type: ignore[attr-defined]
    intercept = float(np.asarray(model.intercept_)[0])  # type: ignore[attr-defined]
    return LinearScore(coef, intercept, threshold)


def main(argv: list[str] | None = None) -> int:
    """Fit, choose the thresholds, write the JSON."""
    import sklearn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="pickle of the labelled candidates")
    parser.add_argument("--criterion", choices=CRITERIA, default="recall",
                        help="how the keep threshold is chosen (default: lose no recall)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    items = material(args.cache)
    keep_below, trust_below = choose_thresholds(items, out_of_fold(items), args.criterion)
    fitted = fit(items)
    rows = sum(len(i.candidates) for i in items)
    model = CandidateModel(
        tuple(fitted.names), linear(fitted.keep, keep_below), linear(fitted.trust, trust_below),
        TRAIN_SPLITS, datetime.now(UTC).date().isoformat(),
        {"reports": len(items), "candidates": rows,
         "true_candidates": sum(sum(i.true) for i in items),
         "candidates_with_point": sum(c.get("latitude") is not None
                                      for i in items for c in i.candidates),
         "near_points": sum(sum(i.near) for i in items),
         "penalty_C": C, "min_feature_count": MIN_COUNT, "keep_criterion": args.criterion,
         "trust_criterion": f"fewest far points + {REVIEW_COST} per correct point to review",
         "thresholds_from": "out-of-fold probabilities, leave one block out: "
                            + ", ".join(BLOCKS),
         "library": f"scikit-learn {sklearn.__version__} LogisticRegression (lbfgs, L2)"})
    write_model(model, args.out)
    print(f"wrote {args.out}: {len(fitted.names)} features, {rows} candidates of "
          f"{len(items)} reports; keep below {keep_below:.3f}, trust below {trust_below:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
