"""Bounded uploads: the server's memory across uploads, and an XLSX bomb in the worker.

1. Starts the app (a fresh store in a temporary folder, no tiles, single-user mode on
   127.0.0.1) and, in Chromium, uploads a synthetic CSV of N rows to the Import page
   three times ("Choose another file" between them), waiting each time for the
   validation report; prints the resident memory (RSS) of the Streamlit process before,
   after each upload and after the tab is closed (and its session dropped:
   ``server.disconnectedSessionTTL`` is set to a few seconds here).
2. Builds an XLSX bomb (a real workbook whose sheet XML is a row and then hundreds of MB
   of blank XML, deflated to about 446 KB) and parses it in the worker with the default
   limits: prints the worker's CPU seconds and peak memory until it is refused.
   ``--unchecked`` also runs it with the archive check off (limits raised), so that only
   the worker's own limits (``--cpu`` seconds) stop it.

    .venv/bin/python bench/bench_uploads.py [--rows 100000] [--unchecked --cpu 60]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.io.worker import ParseJob, ParseLimits  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from app_server import CHROMIUM_ARGS, IDLE, memory_mb, start_app  # noqa: E402

SESSION_TTL_S = 3


def _rss_mb(pid: int) -> float:
    return memory_mb(pid).get("VmRSS", float("nan"))


def _csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("id,date_start,event_type,claim_status,place,country,latitude,longitude,"
                "killed_min,description\n")
        for i in range(rows):
            f.write(f"bench-{i},2017-{i % 12 + 1:02d}-{i % 28 + 1:02d},airstrike,reported,"
                    f"Place {i % 500},SY,{33 + (i % 400) / 100:.2f},{36 + (i % 500) / 100:.2f},"
                    f"{i % 7},synthetic event number {i} for the upload benchmark\n")


def _start(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "INCIDENT_MAP_TILES": "none", "INCIDENT_DB": str(tmp / "store.gpkg"),
           "INCIDENT_MAP_SEED": "no", "INCIDENT_MAP_MAPPINGS": str(tmp / "mappings.json"),
           "INCIDENT_MAP_OVERRIDES": str(tmp / "overrides.csv"),
           "INCIDENT_MAP_ROLES": str(tmp / "roles.toml"), "TMPDIR": str(tmp)}
    return start_app(env, tmp, [f"--server.disconnectedSessionTTL={SESSION_TTL_S}"])


def server_memory(rows: int, uploads: int = 3) -> None:
    """Part 1: RSS of the Streamlit process across uploads and after the tab closes."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        tmp = Path(name)
        csv = tmp / "large.csv"
        _csv(csv, rows)
        size_mb = csv.stat().st_size / (1 << 20)
        process, url = _start(tmp)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(f"{url}/import")
                page.wait_for_selector("input[type=file]", state="attached", timeout=120_000)
                page.wait_for_selector(IDLE, timeout=120_000)
                print(f"{rows:,}-row CSV, {size_mb:.1f} MB, uploaded {uploads} times")
                print(f"server RSS, Import page open: {_rss_mb(process.pid):,.0f} MB")
                small = tmp / "small.csv"
                _csv(small, 10)
                for k in range(0, uploads + 1):  # 0: a 10-row file loads the libraries
                    t0 = time.perf_counter()
                    page.locator("input[type=file]").set_input_files(str(csv if k else small))
                    page.get_by_text("Valid", exact=True).wait_for(timeout=600_000)
                    page.wait_for_selector(IDLE, timeout=600_000)
                    seconds = time.perf_counter() - t0
                    what = f"upload {k}" if k else "a 10-row upload"
                    print(f"after {what}: {_rss_mb(process.pid):,.0f} MB "
                          f"(report shown after {seconds:.1f} s)")
                    page.get_by_role("button", name="Choose another file").click()
                    page.wait_for_selector("input[type=file]", state="attached")
                    page.wait_for_selector(IDLE)
                    print(f"  after choosing another file: {_rss_mb(process.pid):,.0f} MB")
                page.close()
                context.close()
                browser.close()
            time.sleep(SESSION_TTL_S + 5)
            print(f"after closing the tab ({SESSION_TTL_S} s session TTL + 5 s): "
                  f"{_rss_mb(process.pid):,.0f} MB")
            left = [p.name for p in tmp.iterdir() if p.name.startswith("incident-")]
            print(f"temporary upload/parse files left: {len(left)}")
        finally:
            process.terminate()
            process.wait(30)


def xlsx_bomb(target_kb: int = 446) -> bytes:
    """A real workbook whose sheet is identical rows, deflated to about ``target_kb``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "event_type", "claim_status"])
    plain = io.BytesIO()
    book.save(plain)
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    block = b" " * (1 << 20)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as good, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=9) as bomb:
        for item in good.infolist():
            data = good.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, data)
                continue
            head, _, tail = data.partition(b"</sheetData>")
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head.replace(b"<sheetData/>", b"<sheetData>") + row)
                while out.tell() < target_kb * 1024 - 2_000:
                    sheet.write(block)
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()


def bomb_in_worker(unchecked: bool, cpu: int) -> None:
    """Part 2: CPU seconds and memory of the worker until the bomb is refused."""
    data = xlsx_bomb()
    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        path = Path(name) / "bomb.xlsx"
        path.write_bytes(data)
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(m.file_size for m in archive.infolist())
        print(f"XLSX bomb: {len(data) / 1024:,.0f} KB, unpacks to {unpacked / (1 << 20):,.0f} MB")
        runs = [("archive check on, default limits", {}, ParseLimits.from_settings())]
        if unchecked:
            runs.append(("archive check off, worker limits only",
                         {"INCIDENT_MAP_XLSX_MAX_UNPACKED_MB": "100000",
                          "INCIDENT_MAP_XLSX_MAX_RATIO": "100000000"},
                         ParseLimits(ParseLimits.from_settings().memory_mb, cpu)))
        for label, env, limits in runs:
            saved = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
            try:
                t0 = time.perf_counter()
                job = ParseJob(path, name="bomb.xlsx", limits=limits)
                job.wait()
                seconds = time.perf_counter() - t0
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            if job.state == "done":
                loaded = job.result()
                message = "; ".join(e.message for e in loaded.errors if e.row is None)
                print(f"  {label}: refused after {seconds:.1f} s wall, {job.cpu_seconds:.2f} "
                      f"CPU s in the worker, worker peak RSS {job.peak_mb:,.0f} MB")
                print(f"    {message or f'read {loaded.rows} rows'}")
            else:
                print(f"  {label}: stopped after {seconds:.1f} s wall: {job.error}")


def csv_in_worker(rows: int) -> None:
    """The worker's own figures for the large CSV."""
    with tempfile.TemporaryDirectory(prefix="incident-map-bench-") as name:
        path = Path(name) / "large.csv"
        _csv(path, rows)
        t0 = time.perf_counter()
        job = ParseJob(path, name="large.csv", limits=ParseLimits.from_settings())
        job.wait()
        seconds = time.perf_counter() - t0
        loaded = job.result()
        print(f"{rows:,}-row CSV in the worker: {len(loaded.incidents):,} valid rows, "
              f"{seconds:.1f} s wall, {job.cpu_seconds:.1f} CPU s, worker peak RSS "
              f"{job.peak_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--unchecked", action="store_true",
                        help="also parse the bomb with the archive check off")
    parser.add_argument("--cpu", type=int, default=60,
                        help="worker CPU limit for --unchecked, seconds")
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()
    bomb_in_worker(args.unchecked, args.cpu)
    csv_in_worker(args.rows)
    if not args.skip_server:
        server_memory(args.rows, args.uploads)


if __name__ == "__main__":
    main()
