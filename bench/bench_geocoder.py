"""Benchmark of the geocoder on real data: accuracy, learned places, calibration, speed.

Usage::

    .venv/bin/python bench/bench_geocoder.py [--calibrate] [--skip-throughput] [--show-misses]

Figures (all printed):

1. **Index load**: a fresh process opens the configured worldwide index (with the
   project's places) and reports seconds and resident memory.
2. **Curated spellings**: ``../shared/eval/geocode_dev.csv`` with the country as context.
3. **Held-out names** (UCDP GED Syria 2016, ``../shared/data``): the distinct place strings
   of exact-precision events are split in two by a hash; places are learned from the
   events of one half, and the events of the other half are geocoded with their
   governorate and district given. Target: at most 0.5% placed more than 25 km away.
4. **Temporal**: the events of January-June are imported (places learned from them), the
   events of July-December are geocoded (name, governorate, district). Target: at least
   75% placed within 5 km of UCDP's point.
5. **Reliability**: answers of (3) and (4) binned by score, against the share that were
   right (within 5 km; 25 km for approximate answers; 50 km for regions).
5b. **Without the governorate**: (3) and (4) again with only the name and the country
   (as text extraction and files without admin columns give them): placed more than
   25 km off, and the reliability table of those answers.
6. **Throughput** of the exact path on 100,000 names drawn from the gazetteer.

``--calibrate`` measures the evidence classes on a *development* split (other months:
learned January-March, geocoded April-June; another name split; each with and without
the governorate and district, so that ``...|unchecked`` classes are measured) and writes
the table
``data/geocode_calibration.json`` (rates and counts only). The reported figures use the
test splits above. UCDP names and points are read from ``../shared`` at run time and never
written anywhere.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.geocoding.bulk import geocode_batch  # noqa: E402
from geo.geocoding.calibration import fit_calibration, write_calibration  # noqa: E402
from geo.geocoding.geocoder import Geocoder, default_geocoder  # noqa: E402
from geo.geocoding.learned import LearnedPlaces, learn_from_incidents  # noqa: E402
from geo.geocoding.names import clear_caches  # noqa: E402
from geo.ingest import prepare_import  # noqa: E402
from geo.settings import load_settings  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "geocode_dev.csv"
UCDP = ROOT.parent / "shared" / "data" / "ucdp_ged_syria_2016.csv"
RADIUS_KM = {1: 5.0, 2: 25.0, 3: 50.0, 4: 500.0}
_GEOD = Geod(ellps="WGS84")
_LOAD = """
import time, sys
sys.path.insert(0, {root!r})
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
import numpy, pandas, pyarrow, rapidfuzz, geopandas  # the app imports these anyway
from geo.geocoding.geocoder import default_geocoder
before = rss()
started = time.perf_counter()
coder = default_geocoder()
elapsed = time.perf_counter() - started
coder.geocode('Raqqa', country='SY')
print(elapsed, before, rss(), len(coder.gazetteer))
"""


def index_load() -> None:
    """Open the configured index in a fresh process; print seconds and memory."""
    out = subprocess.run([sys.executable, "-c", _LOAD.format(root=str(ROOT))],
                         capture_output=True, text=True, check=True)
    elapsed, before, after, places = out.stdout.split()
    print(f"index load: {int(places):,} places in {float(elapsed):.3f} s; resident memory "
          f"{float(after):.0f} MB after (libraries alone {float(before):.0f} MB; "
          f"index +{float(after) - float(before):.0f} MB)  [targets < 1 s, < 300 MB]")


def _km(lat1: object, lon1: object, lat2: object, lon2: object) -> float:
    _, _, metres = _GEOD.inv(float(lon1), float(lat1), float(lon2), float(lat2))  # type: ignore[arg-type]
    return metres / 1000.0


def curated(geocoder: Geocoder, show_misses: bool) -> None:
    """Accuracy on the curated spellings of the shared dev set."""
    frame = pd.read_csv(DEV, dtype={"country": str}, keep_default_na=False)
    right = wrong = 0
    errors = []
    for row in frame.itertuples(index=False):
        best = geocoder.geocode(row.name, country=row.country or None).best
        if best is None:
            continue
        km = _km(row.latitude, row.longitude, best.place.latitude, best.place.longitude)
        errors.append(km)
        if km <= 5.0:
            right += 1
        else:
            wrong += 1
            if show_misses:
                print(f"    WRONG {row.name!r} -> {best.place.name} {km:.0f} km")
    n = len(frame)
    print(f"\ncurated spellings ({DEV.name}, {n} names, country given): within 5 km "
          f"{right / n:.1%}, placed wrongly {wrong / n:.1%}, unresolved "
          f"{(n - right - wrong) / n:.1%}, median error "
          f"{statistics.median(errors) if errors else float('nan'):.2f} km")


def load_ucdp() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """UCDP's raw rows and the same rows imported (mapped and validated), aligned."""
    raw = pd.read_csv(UCDP, dtype=str, keep_default_na=False)
    report = prepare_import(UCDP, geocode=False)
    incidents = report.incidents
    rejected = set(report.rejected_rows)
    raw = raw[[n not in rejected for n in range(1, len(raw) + 1)]].reset_index(drop=True)
    if len(incidents) != len(raw):
        raise SystemExit(f"import kept {len(incidents)} of {len(raw)} rows; cannot align")
    return raw, incidents, report.origins


def _split(name: str, seed: str) -> bool:
    return hashlib.sha1(f"{seed}|{name}".encode()).digest()[0] % 2 == 0


def evaluate(geocoder: Geocoder, raw: pd.DataFrame, show: bool = False,
             governorate: bool = True) -> dict:
    """Geocode UCDP rows with their governorate and district (or with neither: the name
    and the country only); tally the outcomes."""
    n = len(raw)
    results = geocoder.geocode_many(
        raw["where_coordinates"], countries=["SY"] * n,
        admin1s=raw["adm_1"] if governorate else [None] * n,
        admin2s=raw["adm_2"] if governorate else [None] * n)
    tally: dict = {"n": len(raw), "within5": 0, "placed": 0, "far": 0, "outcomes": [],
                   "classes": defaultdict(lambda: [0, 0]), "statuses": Counter()}
    for row, result in zip(raw.itertuples(index=False), results, strict=True):
        tally["statuses"][result.status] += 1
        best = result.best
        if best is None:
            continue
        km = _km(row.latitude, row.longitude, best.place.latitude, best.place.longitude)
        tally["placed"] += 1
        tally["within5"] += km <= 5.0
        tally["far"] += km > 25.0
        right = km <= RADIUS_KM.get(best.place.precision, 5.0)
        tally["outcomes"].append((best.score, right))
        tally["classes"][best.evidence][0] += right
        tally["classes"][best.evidence][1] += 1
        if show and km > 25.0:
            print(f"    FAR {row.where_coordinates!r} ({row.adm_1}) -> {best.place.name} "
                  f"{km:.0f} km [{best.evidence} {best.score:.2f}; {best.provenance}]")
    # answers that were not placed also count, for calibration of ambiguous/unresolved
    for result in results:
        if result.best is None and result.candidates:
            tally["classes"]["(not placed) " + result.status][1] += 1
    return tally


def held_out(base: Geocoder, raw: pd.DataFrame, incidents: pd.DataFrame, origins: list[str],
             seed: str, show: bool, governorate: bool = True) -> dict:
    """Learn from one half of the names; geocode the events of the other half."""
    exact = raw["where_prec"] == "1"
    learn_half = raw["where_coordinates"].map(lambda n: _split(n, seed))
    learned = learn_from_incidents(incidents[(learn_half & exact).to_numpy()],
                                   [o for o, k in zip(origins, learn_half & exact, strict=True)
                                    if k])
    coder = base.with_learned(LearnedPlaces(learned))
    tested = raw[~learn_half & exact]
    tally = evaluate(coder, tested, show, governorate)
    tally["learned"] = len(learned)
    return tally


def temporal(base: Geocoder, raw: pd.DataFrame, incidents: pd.DataFrame, origins: list[str],
             learn_months: tuple[str, str], test_months: tuple[str, str], show: bool,
             governorate: bool = True) -> dict:
    """Import the first months, geocode the later ones."""
    month = raw["date_start"].str[:7]
    earlier = ((month >= learn_months[0]) & (month <= learn_months[1])).to_numpy()
    later = ((month >= test_months[0]) & (month <= test_months[1])).to_numpy()
    learned = learn_from_incidents(incidents[earlier],
                                   [o for o, k in zip(origins, earlier, strict=True) if k])
    coder = base.with_learned(LearnedPlaces(learned))
    tally = evaluate(coder, raw[later], show, governorate)
    tally["learned"] = len(learned)
    return tally


def report(title: str, tally: dict) -> None:
    """Print one evaluation."""
    n = tally["n"]
    s = tally["statuses"]
    print(f"\n{title}: {n:,} events, {tally['learned']:,} learned place rows")
    print(f"  placed within 5 km        : {tally['within5'] / n:7.1%}")
    print(f"  placed more than 25 km off: {tally['far'] / n:7.2%}  ({tally['far']})")
    print(f"  placed                    : {tally['placed'] / n:7.1%}; ambiguous "
          f"{s['ambiguous'] / n:.1%}, unresolved {s['unresolved'] / n:.1%}")


def reliability(tallies: list[dict], title: str = "placed answers") -> None:
    """Answers binned by score against the share that were right."""
    outcomes = [o for t in tallies for o in t["outcomes"]]
    bins = [(0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 0.98), (0.98, 1.0001)]
    print(f"\nreliability of {title} (score vs share right):")
    print("  | score | answers | mean score | right |")
    print("  |---|---:|---:|---:|")
    for lo, hi in bins:
        inside = [(s, r) for s, r in outcomes if lo <= s < hi]
        if not inside:
            continue
        mean = sum(s for s, _ in inside) / len(inside)
        right = sum(r for _, r in inside) / len(inside)
        print(f"  | {lo:.2f}-{min(hi, 1.0):.2f} | {len(inside):,} | {mean:.3f} | {right:.3f} |")


def calibrate(base: Geocoder, raw: pd.DataFrame, incidents: pd.DataFrame,
              origins: list[str]) -> None:
    """Measure evidence classes on development splits and write the table."""
    dev = [temporal(base, raw, incidents, origins, ("2016-01", "2016-03"),
                    ("2016-04", "2016-06"), False, governorate)
           for governorate in (True, False)]
    dev += [held_out(base, raw, incidents, origins, "dev", False, governorate)
            for governorate in (True, False)]
    counts: dict[str, tuple[int, int]] = {}
    for tally in dev:
        for evidence, (right, total) in tally["classes"].items():
            if evidence.startswith("(not placed)"):
                continue
            r, t = counts.get(evidence, (0, 0))
            counts[evidence] = (r + right, t + total)
    fitted = fit_calibration(counts)
    path = load_settings().calibration_path
    write_calibration(path, fitted, "UCDP GED Syria 2016: learned Jan-Mar, geocoded Apr-Jun; "
                      "names split by hash 'dev'; each with and without the governorate "
                      "and district given. Right = within 5 km (25 km approximate, "
                      "50 km region). Written by bench/bench_geocoder.py --calibrate.")
    print(f"\ncalibration written to {path.relative_to(ROOT)}:")
    for evidence, row in fitted.items():
        print(f"  {evidence:<40} {row['right']:>5}/{row['answers']:<5} -> {row['probability']}")


def throughput(geocoder: Geocoder, batch: int, repeat: int) -> None:
    """Names per second through the exact path (names drawn from the gazetteer)."""
    rng = random.Random(7)
    gaz = geocoder.base
    parts = gaz.parts
    sample = []
    part = parts[0]
    rows = rng.choices(range(len(part.names_place)), k=batch)
    exact = part.names_strings["exact"]
    for r in rows:
        place = int(part.names_place[r])
        spellings = [gaz.text("name", place), *gaz.text("aliases", place).split("|")]
        wanted = exact[r].as_py()
        from geo.geocoding.names import basic_key

        spelling = next((s for s in spellings if basic_key(s) == wanted), spellings[0])
        sample.append((spelling, gaz.category("country", place)))
    names, countries = [s for s, _ in sample], [c for _, c in sample]

    def cold() -> Geocoder:
        fresh = geocoder.with_learned(None)  # a fresh geocoder: no cached matches or places
        clear_caches()  # no cached name keys
        gaz.clear_cache()
        return fresh

    best = wall = objects = float("inf")
    for _ in range(repeat):
        fresh = cold()
        started, cpu = time.perf_counter(), time.process_time()
        frame = geocode_batch(fresh, names, countries=countries).frame()
        best = min(best, time.process_time() - cpu)
        wall = min(wall, time.perf_counter() - started)
        fresh = cold()
        cpu = time.process_time()
        results = fresh.geocode_many(names, countries=countries)
        objects = min(objects, time.process_time() - cpu)
    statuses = Counter(frame["status"])
    assert statuses == Counter(r.status for r in results)
    fresh = cold()
    one_name = names[:10_000]
    cpu = time.process_time()
    for name, country in zip(one_name, countries[:10_000], strict=True):
        fresh.geocode(name, country=country)
    single = time.process_time() - cpu
    print(f"\nthroughput, exact path: {len(names):,} names drawn from the gazetteer's spellings "
          f"({len(set(sample)):,} distinct (name, country); each distinct one is answered "
          f"once, repeats get its answer), with their country, cold caches, best of {repeat}, "
          f"CPU of one core:\n"
          f"  bulk path, columns (geocode_batch(...).frame()): {len(names) / best:,.0f} "
          f"names/s ({wall:.2f} s wall)  [target 50,000/s]\n"
          f"  bulk path, GeocodeResult objects (geocode_many): {len(names) / objects:,.0f} "
          f"names/s\n"
          f"  one name at a time (geocode, first 10,000): {len(one_name) / single:,.0f} "
          f"names/s\n"
          f"  resolved {statuses['resolved'] / len(names):.1%}, ambiguous "
          f"{statuses['ambiguous'] / len(names):.1%}")


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    np.random.seed(0)
    index_load()
    geocoder = default_geocoder()
    if DEV.exists():
        curated(geocoder, args.show_misses)
    if UCDP.exists():
        raw, incidents, origins = load_ucdp()
        if args.calibrate:
            calibrate(geocoder, raw, incidents, origins)
            geocoder = default_geocoder()
        held = held_out(geocoder, raw, incidents, origins, "test", args.show_misses)
        report("held-out names (learned from the other half of the names; governorate and "
               "district given) [target: at most 0.5% more than 25 km off]", held)
        later = temporal(geocoder, raw, incidents, origins, ("2016-01", "2016-06"),
                         ("2016-07", "2016-12"), args.show_misses)
        report("temporal (January-June imported, July-December geocoded) [target: at least "
               "75% within 5 km]", later)
        reliability([held, later])
        bare = [held_out(geocoder, raw, incidents, origins, "test", False, governorate=False),
                temporal(geocoder, raw, incidents, origins, ("2016-01", "2016-06"),
                         ("2016-07", "2016-12"), False, governorate=False)]
        report("held-out names WITHOUT the governorate or district (name and country only)",
               bare[0])
        report("temporal WITHOUT the governorate or district (name and country only)",
               bare[1])
        reliability(bare, "answers placed without the governorate or district")
    else:
        print(f"no UCDP data at {UCDP}: held-out, temporal and reliability figures skipped")
    if not args.skip_throughput:
        throughput(geocoder, args.batch, max(1, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
