"""Benchmark: where the map page's memory and time go, step by step, in one process.

Writes N SYNTHETIC incidents to a CSV (``bench_map.write_synthetic_csv``, as the browser
benchmark does; ``--store`` imports them into an embedded store first), then runs the
app's map page in Streamlit's ``AppTest`` in this process, on the file
(``INCIDENT_MAP_DATA``) or the store: the first run (the load and the per-dataset
arrays), a second session's first run, a change of the "undated" checkbox (a view
nobody has shown), a search every record matches, another (as the browser benchmark's
two new searches), the checkbox again (a new view) and
the search cleared (a view computed before). Then, in the same process (as one server
serves both pages), a third session opens the review page and lists the resolved names
too (``--no-review`` skips it); with ``--store`` the review page's geocoder is built
(the learned places), and with ``--waiting N`` (a copy of the store kept beside it) N
records wait for review: their coordinates removed, their place one of the store's own
names (learned places: each read only through its groups) or, for one in five, a name
no gazetteer knows. ``--location URL`` runs the same steps on a PostGIS store in store
mode (``INCIDENT_MAP_QUERY_MODE=store``; the map's steps then ask the database).

The page's steps are wrapped (the load, the fingerprint, the frame key, the domain, the
map, timeline, totals and table-order arrays, the filters, the aggregation, the
timeline's spec, the layer, the memory release): for each, the process's resident
memory before and after it and its exact peak while it ran (``VmHWM``, reset at every
step boundary through ``/proc/self/clear_refs``), and its wall and CPU seconds. A step
inside another counts in both. ``--profile`` prints a cProfile of the checkbox rerun's
script thread (top functions by cumulative time).

    .venv/bin/python bench/bench_page_memory.py [--size 100000] [--store] [--profile]
        [--data DIR] [--no-review] [--waiting N] [--review-only] [--location URL]
        [--trace]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import status_mb as _status_mb  # noqa: E402


class Steps:
    """Resident memory, exact peak and time of wrapped calls (innermost step on top)."""

    def __init__(self) -> None:
        self.stack: list[list[Any]] = []  # [name, rss0, peak, wall0, cpu0]
        self.rows: list[tuple[str, int, float, float, float, float, float]] = []
        self.lock = threading.Lock()
        self.profile: cProfile.Profile | None = None
        self.top = 0.0  # the highest peak since ``take_top``

    def take_top(self) -> float:
        """The highest resident memory since the last call (and reset the count)."""
        with self.lock:
            top, self.top = max(self.top, _status_mb("VmHWM")), 0.0
            Path("/proc/self/clear_refs").write_text("5")
        return top

    def _boundary(self) -> None:
        """Give the peak since the last boundary to every open step, then reset it."""
        peak = _status_mb("VmHWM")
        self.top = max(self.top, peak)
        for step in self.stack:
            step[2] = max(step[2], peak)
        Path("/proc/self/clear_refs").write_text("5")

    def wrap(self, owner: Any, name: str, label: str | None = None) -> None:
        """Replace ``owner.name`` (a function or property) by a measured one."""
        label = label or name
        original = (owner.__dict__.get(name) if isinstance(owner, type)
                    else getattr(owner, name, None))
        if original is None:  # not in this version of the code
            return
        steps = self

        def measured(call: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(call)
            def inner(*args: Any, **kwargs: Any) -> Any:
                with steps.lock:
                    steps._boundary()
                    rss = _status_mb("VmRSS")
                    steps.stack.append([label, rss, rss, time.perf_counter(),
                                        time.thread_time()])
                try:
                    return call(*args, **kwargs)
                finally:
                    with steps.lock:
                        steps._boundary()
                        step = steps.stack.pop()
                        steps.rows.append((step[0], len(steps.stack), step[1],
                                           _status_mb("VmRSS"), step[2],
                                           time.perf_counter() - step[3],
                                           time.thread_time() - step[4]))
            return inner

        if isinstance(original, property):
            setattr(owner, name, property(measured(original.fget)))  # type: ignore[arg-type]
        elif isinstance(original, classmethod):
            setattr(owner, name, classmethod(measured(original.__func__)))
        else:
            setattr(owner, name, measured(original))

    def report(self, title: str) -> None:
        """Print the steps measured since the last report."""
        print(f"\n{title}: resident {_status_mb('VmRSS'):.0f} MB")
        print(f"  {'step':<34} {'RSS before':>10} {'after':>7} {'peak':>7} {'wall s':>7} "
              f"{'CPU s':>6}")
        for name, depth, before, after, peak, wall, cpu in self.rows:
            if wall < 0.005 and abs(after - before) < 1 and peak - before < 1:
                continue
            print(f"  {'  ' * depth + name:<34} {before:>10.0f} {after:>7.0f} {peak:>7.0f} "
                  f"{wall:>7.2f} {cpu:>6.2f}")
        self.rows.clear()


def _instrument(steps: Steps) -> None:
    from geo.render import aggregate_layer
    from geo.view import dataset, live, search
    from pages.shared import common, map_data, samples

    steps.wrap(common, "load_dataset", "load (file)")
    steps.wrap(live.LiveDataset, "current", "load (store) / current")
    steps.wrap(dataset.Dataset, "fingerprint")
    steps.wrap(dataset.Dataset, "frame_key")
    steps.wrap(dataset.Dataset, "domain")
    steps.wrap(dataset.Dataset, "filter_context")
    steps.wrap(samples, "frame_data_dates")
    for name in ("map_columns", "timeline_columns", "totals_columns", "date_order",
                 "filter_checks", "combine_checks", "aggregate", "timeline_counts",
                 "timeline_spec_of"):
        steps.wrap(map_data, name)
    steps.wrap(search.SearchIndex, "__init__", "search index")
    steps.wrap(aggregate_layer, "aggregate_group")
    steps.wrap(common, "release_memory")
    import importlib

    from geo.geocoding import learned_index, review

    steps.wrap(learned_index.LearnedNames, "from_source", "learned names read")
    steps.wrap(common, "review_name_groups", "review: name groups")
    steps.wrap(common, "queue_from_groups", "review: queue geocoded")
    try:  # not in earlier versions of the code
        context = importlib.import_module("geo.geocoding.learned_context").LearnedGeocoder
        steps.wrap(context, "_built", "review: batch geocoder")
        steps.wrap(context, "geocode", "review: one name geocoded")
    except ImportError:
        pass
    steps.wrap(review, "propose", "review: rule proposals")
    try:  # not in earlier versions of the code
        places = importlib.import_module("geo.geocoding.place_points")
        steps.wrap(places, "place_points", "review: places of the records")
    except ImportError:
        pass
    from pages.shared import learned_sources

    steps.wrap(learned_sources, "source_disagreements", "review: sources' disagreements")
    from geo.geocoding import geocoder, join

    steps.wrap(geocoder.Geocoder, "with_learned", "with_learned (rows given indexed)")
    steps.wrap(join, "geocode_incidents")


def _waiting_copy(gpkg: Path, waiting: int) -> Path:
    """A copy of the store where ``waiting`` records wait for review (made once)."""
    import shutil

    import numpy as np

    copy = gpkg.with_name(f"{gpkg.stem}-waiting-{waiting}.gpkg")
    if copy.exists():
        return copy
    shutil.copyfile(gpkg, copy.with_suffix(".tmp"))
    from geo.access import local_identity
    from geo.store import open_store

    store = open_store(str(copy.with_suffix(".tmp")))
    try:
        rng = np.random.default_rng(1)
        size = store.count()
        picked = rng.choice(size, waiting, replace=False)
        changes: dict[str, dict[str, object]] = {}
        for k, i in enumerate(picked.tolist()):
            place = (f"Made-up village {k % 500}" if k % 5 == 0
                     else f"Synthetic place {int(rng.integers(0, 5000))}")
            changes[f"synthetic-{i}"] = {"latitude": None, "longitude": None,
                                         "geo_precision": None, "place": place}
        t0 = time.perf_counter()
        store.edit_many(changes, who=local_identity(), reason="benchmark: waits for review")
        print(f"{waiting:,} records made to wait for review in "
              f"{time.perf_counter() - t0:.1f} s")
    finally:
        store.close()
    copy.with_suffix(".tmp").rename(copy)
    return copy


def _profiled(steps: Steps, run: Callable[[], Any]) -> None:
    """Run with cProfile on in the script's thread (switched on by the load's wrapper)."""
    from pages.shared import common

    original = common.dataset

    def dataset() -> Any:
        if steps.profile is None and threading.current_thread() is not threading.main_thread():
            steps.profile = cProfile.Profile()
            steps.profile.enable()
        return original()

    common.dataset = dataset  # type: ignore[assignment]
    try:
        run()
    finally:
        common.dataset = original  # type: ignore[assignment]
    if steps.profile is not None:
        steps.profile.disable()
        out = io.StringIO()
        pstats.Stats(steps.profile, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
        steps.profile = None


def main() -> None:
    """Print the steps' figures for each run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--store", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the checkbox rerun's script thread")
    parser.add_argument("--data", type=Path, default=None, help="keep and reuse files here")
    parser.add_argument("--no-review", action="store_true", help="skip the review page")
    parser.add_argument("--trace", action="store_true",
                        help="tracemalloc from the checkbox change on: what the searches "
                             "leave allocated at the end (top lines and tracebacks)")
    parser.add_argument("--review-only", action="store_true",
                        help="open the review page only (no map page before it)")
    parser.add_argument("--location", default=None,
                        help="a PostGIS store URL (kept by bench_store_query.py --keep): "
                             "the pages in store mode (INCIDENT_MAP_QUERY_MODE=store)")
    parser.add_argument("--waiting", type=int, default=0,
                        help="with --store: records made to wait for review (on a copy)")
    args = parser.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="incident-map-page-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"synthetic-{args.size}.csv"
    if not csv.exists() and not args.location:
        from bench_map import write_synthetic_csv

        write_synthetic_csv(args.size, csv)
    env = {"INCIDENT_MAP_TILES": "none", "INCIDENT_DB": str(folder / "unused.gpkg")}
    if args.location:
        env.update(INCIDENT_DB=args.location, INCIDENT_MAP_QUERY_MODE="store",
                   INCIDENT_MAP_SEED="no")
    elif args.store:
        gpkg = folder / f"synthetic-{args.size}.gpkg"
        if not gpkg.exists():
            subprocess.run([sys.executable, "-m", "geo.ingest", "--no-geocode", str(csv)],
                           cwd=ROOT, env={**os.environ, "INCIDENT_DB": str(gpkg),
                                          "INCIDENT_MAP_SEED": "no"},
                           check=True, stdout=subprocess.DEVNULL)
        if args.waiting:
            gpkg = _waiting_copy(gpkg, args.waiting)
        env.update(INCIDENT_DB=str(gpkg), INCIDENT_MAP_SEED="no")
    else:
        env["INCIDENT_MAP_DATA"] = str(csv)
    os.environ.update(env)

    from streamlit.testing.v1 import AppTest

    steps = Steps()
    _instrument(steps)
    where = ("PostGIS store mode" if args.location else "embedded store" if args.store
             else "file")
    print(f"SYNTHETIC {'' if args.location else f'{args.size:,} '}incidents, {where}; "
          f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"baseline resident {_status_mb('VmRSS'):.0f} MB")

    def session() -> AppTest:
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)

    def timed(label: str, run: Callable[[], Any]) -> None:
        steps.take_top()
        t0 = time.perf_counter()
        run()
        print(f"\n== {label}: {time.perf_counter() - t0:.2f} s, peak during it "
              f"{steps.take_top():.0f} MB")
        steps.report(label)

    if args.review_only:
        _review(steps, session, timed)
        return
    first = session()
    timed("first run (cold)", first.run)
    if first.exception:
        raise SystemExit([e.message for e in first.exception])
    second = session()
    timed("a second session's first run", second.run)
    box = second.checkbox(key="f_undated")

    def change() -> None:
        box.set_value(not box.value).run()

    timed("undated checkbox (a new view)",
          (lambda: _profiled(steps, change)) if args.profile else change)
    if args.trace:
        import tracemalloc

        tracemalloc.start(12)
        before_searches = tracemalloc.take_snapshot()
    timed("search every record matches",
          lambda: second.text_input(key="f_query").set_value("synthetic").run())
    timed("a second search every record matches ('benchmark')",
          lambda: second.text_input(key="f_query").set_value("benchmark").run())
    timed("undated checkbox again, the search kept (a new view)", change)
    timed("search cleared (a view computed before)",
          lambda: second.text_input(key="f_query").set_value("").run())
    if args.trace:
        _traced(before_searches)
    if not args.no_review:
        _review(steps, session, timed)
    print(f"\nresident at the end {_status_mb('VmRSS'):.0f} MB; load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


def _traced(before: Any) -> None:
    """Print what is still allocated (Python and NumPy; not Arrow) since ``before``."""
    import gc
    import tracemalloc

    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    stats = after.compare_to(before, "traceback")
    grown = sum(s.size_diff for s in stats)
    print(f"\ntracemalloc: {grown / 2**20:+.0f} MB still allocated since the checkbox "
          "change (Python and NumPy); the largest:")
    for stat in stats[:12]:
        if stat.size_diff < 2**20:
            break
        frames = [f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in stat.traceback
                  if "site-packages/streamlit" not in f.filename][:6]
        print(f"  {stat.size_diff / 2**20:+7.1f} MB {stat.count_diff:+8d} blocks  "
              + " <- ".join(frames))


def _review(steps: Steps, session: Callable[[], Any],
            timed: Callable[[str, Callable[[], Any]], None]) -> None:
    """A session opens the review page, then lists the resolved names too."""
    review = session()
    review.switch_page("pages/review.py")
    timed("review page opened", review.run)
    if review.exception:
        raise SystemExit([e.message for e in review.exception])
    print("  " + " / ".join(c.value for c in review.caption[:3] if "name" in str(c.value)))
    timed("review page, resolved names listed too",
          lambda: review.toggle(key="include-resolved").set_value(True).run())
    print(f"\nresident after the review page {_status_mb('VmRSS'):.0f} MB; load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
