"""Benchmark of the extraction engine on generated reports (one core).

Usage::

    .venv/bin/python bench/bench_extract.py [--articles 200] [--seed 7]

Reports are clearly synthetic (invented towns such as "Qarat Zeno", real ones
from the project's place file) of about 4,000 characters, built from varied
templates: strikes, shelling, clashes, displacement, sieges, claims relayed by
outlets, quotes over several sentences, relative and open dates, hedged figures,
and distractors a full gazetteer could take for places (organisations, armies,
demonyms, titles, people: "the Syrian Arab Army said", "Arab tribes", "President
Assad", "said Ahmed Hassan"). Prints articles per second through
:func:`geo.extract.pipeline.extract` with the default geocoder (the target is at least 20),
and the candidates whose place is none of the planted sites (should be 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.extract.pipeline import extract  # noqa: E402
from geo.geocoding.geocoder import default_geocoder  # noqa: E402

_REAL = ["Raqqah", "al-Shaafah", "Ash Sha'fah", "the Rukban refugee camp", "the al-Tanf region"]
_INVENTED = ["Qarat Zeno", "Tell Umbrix", "Kafr Velo", "Ain Saphir", "Jisr Moldo", "Deir Quanta"]
#: Place texts a candidate may carry (the planted sites, as the extractor delimits them).
_PLANTED = frozenset([s.removeprefix("the ") for s in _REAL] + _INVENTED)
_ACTORS = ["the US-led coalition", "government forces", "Daesh militants", "rebels",
           "Turkish forces", "the Saudi-led coalition", "unidentified gunmen"]
_SPEAKERS = [("A local monitoring group", "group"), ("The regional health directorate",
             "directorate"), ("A military source", "source"), ("The Synthetic Observatory",
             "observatory")]
_OUTLETS = ["Sample Wire", "Example Daily", "the Placeholder news agency"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_HEDGES = ["at least", "more than", "up to", "nearly", "about", ""]


def _site(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_REAL)
    kind = rng.choice(["town", "village", "city"])
    return f"the {rng.choice(['eastern', 'northern', 'southern', ''])} {kind} of " \
           f"{rng.choice(_INVENTED)}".replace("  ", " ")


def _sentence(rng: random.Random) -> str:
    site, actor = _site(rng), rng.choice(_ACTORS)
    who, head = rng.choice(_SPEAKERS)
    month = rng.choice(_MONTHS)
    n = rng.randint(2, 90)
    hedge = rng.choice(_HEDGES)
    figure = f"{hedge} {n}".strip()
    templates = [
        f"{who} says an airstrike by {actor} hit {site} on {month} {rng.randint(1, 28)}, "
        f"killing {figure} civilians.",
        f"On {month} {rng.randint(10, 28)}, the {head} condemned shelling earlier that month by "
        f"{actor} on {site}, which left {figure} people dead and injured.",
        f"Clashes between {actor} and {rng.choice(_ACTORS)} erupted in {site} in {month} "
        f"{rng.randint(2012, 2020)}.",
        f"Thousands of families were displaced from {site} since {month} "
        f"{rng.randint(2012, 2019)}, the {head} said.",
        f"“The town has been under siege for weeks. Food is gone,” {rng.choice(_OUTLETS)} "
        f"quoted the {head} as saying.",
        f"The {head} added that {actor} were using cluster munitions near {site}.",
        f"A car bomb exploded near the market in {site} on Friday, wounding {figure} people.",
        "The delegation met officials to discuss the humanitarian situation in the area.",
        f"It also asked the world body to investigate the events of {month}.",
        "Talks on a ceasefire are expected to resume in the coming weeks, diplomats said.",
        f"The Syrian Arab Army said Arab tribes and the Kurdish-led SDF had clashed, and "
        f"Human Rights Watch said {actor} shelled {site}.",
        f"President Assad told the Red Crescent that Russian and Iranian advisers stayed; "
        f"“We lost everything,” said Ahmed Hassan, a resident of {site}.",
        "Free Syrian Army and Islamic State fighters were seen by United Nations monitors, "
        "Western officials said.",
    ]
    return rng.choice(templates)


def make_corpus(count: int, seed: int = 7, size: int = 4000) -> list[str]:
    """Generate ``count`` synthetic reports of about ``size`` characters.

    Parameters
    ----------
    count : int
    seed : int
    size : int

    Returns
    -------
    list of str
    """
    rng = random.Random(seed)
    corpus = []
    for _ in range(count):
        paragraphs: list[str] = ["SYNTHETIC TEST REPORT - invented events, not news."]
        length = len(paragraphs[0])
        while length < size:
            paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
            paragraphs.append(paragraph)
            length += len(paragraph) + 1
        corpus.append("\n".join(paragraphs))
    return corpus


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = make_corpus(args.articles, args.seed)
    geocoder = default_geocoder()
    extract(corpus[0], date(2020, 12, 31), geocoder=geocoder)  # warm-up (imports, caches)
    started = time.perf_counter()
    found = 0
    spurious: list[str] = []
    for article in corpus:
        candidates = extract(article, date(2020, 12, 31), geocoder=geocoder)
        found += len(candidates)
        spurious += [c.record["place"] for c in candidates
                     if c.record["place"] and c.record["place"] not in _PLANTED]
    elapsed = time.perf_counter() - started
    chars = sum(len(a) for a in corpus) / len(corpus)
    print(f"{len(corpus)} articles of {chars:,.0f} characters on average, "
          f"{found} candidates, {elapsed:.2f} s")
    print(f"{len(corpus) / elapsed:.1f} articles/s (target >= 20)")
    print(f"{len(spurious)} candidates at a place that was not planted (target 0)"
          + (f": {sorted(set(spurious))[:10]}" if spurious else ""))


if __name__ == "__main__":
    main()
