"""Benchmark: many analysts on one app server, and edits while they work.

Fills a temporary GeoPackage store with N SYNTHETIC incidents (see bench_map.py; nothing
is written to the repository), then runs S map-page sessions of the app in one process
through Streamlit's AppTest (each session its own script run, as on a server; what
``st.cache_resource`` holds is shared between them, as on a server):

1. first page load of every session (the first reads the store, the others share it);
2. every session reruns after a filter change (search);
3. an analyst's correction is saved, then every session reruns (the shared frame is
   patched with the one changed record, not read again);

AppTest sessions cannot run at the same time in one process, so the sessions' reruns
are timed one after another (not a measure of concurrent load: see the README).
4. 100 corrections in a row, the frame patched after each and one session rerunning
   after each (in turn, the others staying open on what they last saw): time per edit,
   the process's resident memory every 10 edits, and how many incident frames are still
   alive (counted by weak reference: the current one only, if no session keeps an old one).

    .venv/bin/python bench/bench_sessions.py [--incidents 100000] [--sessions 10]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_map import synthetic_incidents  # noqa: E402

from geo.access import system_identity  # noqa: E402

BENCH = system_identity("bench")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _fill(path: Path, n: int) -> None:
    from geo.schema import validate_incidents
    from geo.store import open_store

    store = open_store(path)
    frame = synthetic_incidents(n)
    batch = 50_000
    for start in range(0, n, batch):
        part = frame.iloc[start:start + batch]
        raw = part.astype(str).fillna("").replace({"<NA>": "", "NaT": ""})
        typed = validate_incidents(raw)
        if typed.errors:
            raise SystemExit(f"synthetic rows did not validate: {typed.errors[:3]}")
        store.upsert(typed.incidents, origin="synthetic", who=BENCH)
    store.close()


def _each(sessions: list, action) -> list[float]:  # noqa: ANN001
    """Seconds of ``action`` per session, one session after another.

    Streamlit's AppTest keeps state that its instances share, so they cannot run at
    the same time in one process: the sessions queue, as reruns queue on a 2-core
    server, and the figure is each session's own rerun.
    """
    times = []
    for at in sessions:
        t0 = time.perf_counter()
        action(at)
        times.append(time.perf_counter() - t0)
    return times


def _summary(label: str, times: list[float]) -> None:
    print(f"{label}: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
          f"({len(times)} sessions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
    path = tmp / "incidents.gpkg"
    print(f"filling a store with {args.incidents:,} synthetic incidents ...")
    _fill(path, args.incidents)
    os.environ.update({"INCIDENT_DB": str(path), "INCIDENT_MAP_TILES": "none"})

    from streamlit.testing.v1 import AppTest

    from pages.shared import common

    def open_session() -> AppTest:
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)

    rss0 = _rss_mb()
    sessions = [open_session() for _ in range(args.sessions)]
    t0 = time.perf_counter()
    sessions[0].run()
    first = time.perf_counter() - t0
    rest = _each(sessions[1:], lambda at: at.run())
    for at in sessions:
        if at.exception:
            raise SystemExit([e.message for e in at.exception])
    print(f"first page load (reads the store): {first:.2f} s; server memory "
          f"{rss0:.0f} -> {_rss_mb():.0f} MB")
    _summary("other sessions' first load, each session", rest)

    def search(at: AppTest) -> None:
        at.text_input[0].set_value("place 12").run()

    _summary("rerun after a filter change, each session", _each(sessions, search))
    store = common.store()
    live = common.live()
    assert store is not None and live is not None
    store.edit("synthetic-5", {"claim_status": "confirmed"}, who=BENCH)
    _summary("rerun after a colleague's correction, each session",
             _each(sessions, lambda at: at.run()))
    print(f"full reads of the store so far: {live.full_loads}, patches: {live.patches}")

    rss = [_rss_mb()]
    edit_times, rerun_times = [], []
    frames = [weakref.ref(live.current().incidents)]
    for i in range(args.edits):
        t0 = time.perf_counter()
        store.edit(f"synthetic-{i}", {"killed_min": str(1000 + i)}, who=BENCH)
        live.current().domain()
        edit_times.append(time.perf_counter() - t0)
        frames.append(weakref.ref(live.current().incidents))
        t0 = time.perf_counter()
        sessions[i % len(sessions)].run()
        rerun_times.append(time.perf_counter() - t0)
        if (i + 1) % 10 == 0:
            rss.append(_rss_mb())
    gc.collect()
    alive = sum(ref() is not None for ref in frames)
    print(f"{args.edits} corrections: median {statistics.median(edit_times):.3f} s each "
          f"(write + patch); a session's rerun after each: median "
          f"{statistics.median(rerun_times):.2f} s; full reads {live.full_loads}")
    print("server memory every 10 edits, MB: " + " ".join(f"{r:.0f}" for r in rss))
    print(f"incident frames still alive after {args.edits} edits: {alive} "
          f"(of {len(frames)} made)")


if __name__ == "__main__":
    main()
