"""Cold start of ``python -m geo.extract``: fresh-process wall and CPU time, and batch mode.

Usage::

    .venv/bin/python bench/bench_extract_start.py               # best of 3, batch of 20
    .venv/bin/python bench/bench_extract_start.py --repeats 5 --batch 50 --imports

Prints:

* the machine's load averages (as ``uptime`` shows them): on a shared machine the wall time
  mostly measures waiting for a core, the CPU time (user + system of the child) is steadier;
* one article in a fresh process (``python -m geo.extract ARTICLE --published ...``): best
  wall and best CPU seconds over the repeats;
* batch mode (``python -m geo.extract a.txt b.txt ...``, one process, one geocoder): wall
  and CPU seconds for the whole batch and per article;
* with ``--imports``: the modules that take longest to import (``python -X importtime``),
  so that a heavy import creeping back into the start path shows.

The article is the seed article (``../shared/seed/article.txt``) unless ``--article`` names
another text file.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "article.txt"


def _run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and stderr of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"python {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stderr


def cold_start(article: Path, published: str, repeats: int) -> tuple[float, float]:
    """Best wall and best CPU seconds of one article in a fresh process."""
    runs = [_run(["-m", "geo.extract", str(article), "--published", published])
            for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def batch(article: Path, published: str, count: int) -> tuple[float, float]:
    """Wall and CPU seconds of one batch-mode run over ``count`` copies of the article."""
    text = article.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(count):
            path = Path(tmp) / f"article-{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        wall, cpu, _ = _run(["-m", "geo.extract", *files, "--published", published])
    return wall, cpu


def slowest_imports(article: Path, published: str, top: int = 10) -> list[tuple[float, str]]:
    """The ``top`` modules with the largest cumulative import time (seconds, name)."""
    _, _, err = _run(["-X", "importtime", "-m", "geo.extract", str(article),
                      "--published", published])
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        rows.append((int(cumulative) / 1e6, name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=SEED)
    parser.add_argument("--published", default="2018-12-27")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20, help="articles in the batch run")
    parser.add_argument("--imports", action="store_true", help="list the slowest imports")
    args = parser.parse_args(argv)
    if not args.article.exists():
        print(f"error: no article at {args.article} (give one with --article)", file=sys.stderr)
        return 2
    print(f"article: {args.article}")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f} on {} cores".format(
        *os.getloadavg(), os.cpu_count()))
    wall, cpu = cold_start(args.article, args.published, args.repeats)
    print(f"cold start, one article, best of {args.repeats}: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU")
    if args.batch:
        wall, cpu = batch(args.article, args.published, args.batch)
        print(f"batch mode, {args.batch} articles in one process: {wall:.2f} s wall "
              f"({wall / args.batch:.3f} s per article), {cpu:.2f} s CPU "
              f"({cpu / args.batch:.3f} s per article)")
    if args.imports:
        print("slowest imports (cumulative seconds):")
        for seconds, name in slowest_imports(args.article, args.published):
            print(f"  {seconds:6.3f}  {name}")
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
