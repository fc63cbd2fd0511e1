"""Leave-one-split-out evaluation of the learned candidate scorer (issue 12, round 13).

For each block S of the training material (``all`` = tune, heldout, heldout2, heldout3 as one
block; then heldout4 ... heldout13, heldout11 from round 13 on, heldout12 from round 14,
heldout13 from round 15), the
two regressions are fitted on the other blocks, their thresholds chosen on those blocks' own
out-of-fold probabilities (an inner leave-one-block-out, never looking at S), and S is scored with
``bench/bench_extract_real.py``'s scorer, rules alone and rules + models. Prints strict
recall / precision / far per block and the mean, and how many correct candidates the models
set aside or send to review. The blind set (``candidate_data.BLIND``) is never read.

    PYTHONPATH=<scikit-learn> .venv/bin/python bench/bench_candidate_model.py [--cache FILE]

Needs scikit-learn (``requirements-dev.txt``).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.candidate_data import (  # noqa: E402
    BLOCKS,
    CRITERIA,
    Item,
    choose_thresholds,
    collect,
    figures,
    fit,
    out_of_fold,
    score,
)


def material(cache: Path | None) -> list[Item]:
    """The labelled candidates (read from ``cache`` when given and present)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - a file this script wrote
    items = collect()
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(items, f)
    return items


def _cell(recall: float, precision: float, far: int) -> str:
    return f"{recall:.1%} / {precision:.1%} / {far}"


def _auc(items: list[Item], probs: dict[int, tuple[np.ndarray, np.ndarray]]) -> str:
    """Area under the ROC curve of the keep score on these items ("-" with one class)."""
    from sklearn.metrics import roc_auc_score

    y = [t for item in items for t in item.true]
    p = np.concatenate([probs[n][0] for n in range(len(items))])
    return f"{roc_auc_score(y, p):.2f}" if 0 < sum(y) < len(y) else "-"


def main(argv: list[str] | None = None) -> int:
    """Print the leave-one-split-out table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="pickle of the labelled candidates")
    parser.add_argument("--criterion", choices=CRITERIA, default="f1",
                        help="how the keep threshold is chosen on the training folds")
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    items = material(args.cache)
    print(f"keep threshold criterion: {args.criterion}")
    print(f"material: {len(items)} reports, {sum(len(i.candidates) for i in items)} "
          f"candidates, {sum(sum(i.true) for i in items)} true; "
          f"{time.perf_counter() - start:.0f} s")
    print("| left-out block | reports | rules: recall / precision / far | rules + models | "
          "thresholds keep, trust | correct set aside | correct points to review | keep AUC |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    sums = [0.0] * 6
    totals = [0, 0]
    for block in BLOCKS:
        test = [i for i in items if i.block == block]
        train = [i for i in items if i.block != block]
        keep_below, trust_below = choose_thresholds(train, out_of_fold(train),
                                                    args.criterion)
        fitted = fit(train)
        probs = {n: fitted.scores(item) for n, item in enumerate(test)}
        before = figures(score(test)[0])
        after_scores, aside, review = score(test, probs, keep_below, trust_below)
        after = figures(after_scores)
        print(f"| {block} | {len(test)} | {_cell(*before)} | {_cell(*after)} | "
              f"{keep_below:.2f}, {trust_below:.2f} | {aside} | {review} | "
              f"{_auc(test, probs)} |", flush=True)
        for k, v in enumerate((*before, *after)):
            sums[k] += v
        totals[0] += aside
        totals[1] += review
    n = len(BLOCKS)
    print(f"| mean of {n} | | {sums[0] / n:.1%} / {sums[1] / n:.1%} / {sums[2] / n:.1f} | "
          f"{sums[3] / n:.1%} / {sums[4] / n:.1%} / {sums[5] / n:.1f} | | "
          f"{totals[0]} | {totals[1]} | |")
    print(f"took {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s "
          f"CPU; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
