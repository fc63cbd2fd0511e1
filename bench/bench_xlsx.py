"""What proving an Excel import costs: the sheet's XML counted beside openpyxl's parse.

Writes a synthetic workbook of N rows x 12 columns (openpyxl's write-only mode), then
prints the time of :func:`geo.io.formats.read_table` on it (openpyxl's parse, the text
table and the count), of :func:`geo.io.archive.count_sheet_rows` alone (the independent
count streamed from the zip), and the count's peak Python memory (tracemalloc).

    .venv/bin/python bench/bench_xlsx.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.io.archive import count_sheet_rows  # noqa: E402
from geo.io.formats import read_table  # noqa: E402

HEADER = ["id", "event_type", "claim_status", "date_start", "place", "country", "latitude",
          "longitude", "killed_min", "killed_max", "actors", "description"]


def workbook(rows: int) -> bytes:
    """A workbook of ``rows`` synthetic incident rows (numbers, dates as text, strings)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Events")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"x{i}", "airstrike", "alleged", f"2016-{1 + i % 12:02d}-01",
                      f"Place {i % 500}", "SY", 33.0 + (i % 400) / 100, 36.0 + (i % 300) / 100,
                      i % 7, i % 7 + 2, "Group A", f"Synthetic event number {i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = workbook(args.rows)
    print(f"{args.rows:,}-row workbook, {len(data) / 1e6:.1f} MB")
    t0 = time.perf_counter()
    table = read_table(data, name="bench.xlsx")
    whole = time.perf_counter() - t0
    assert len(table.frame) == table.file_records == args.rows
    t0 = time.perf_counter()
    counted = count_sheet_rows(data, "Events", header_row=1)
    alone = time.perf_counter() - t0
    tracemalloc.start()
    count_sheet_rows(data, "Events", header_row=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  read_table (parse + count): {whole:.1f} s")
    print(f"  count_sheet_rows alone:     {alone:.1f} s ({alone / whole:.0%} of the read), "
          f"{len(counted.rows):,} rows, {counted.cells:,} cells, "
          f"peak Python memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
