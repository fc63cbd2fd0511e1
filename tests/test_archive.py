"""XLSX bombs are refused from the zip directory, before openpyxl opens them."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from geo.io.archive import check_archive
from geo.io.formats import read_table
from geo.io.table import FormatError


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "event_type", "claim_status"])
    sheet.append(["a", "airstrike", "alleged"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose first sheet is padded with megabytes of blank XML."""
    good = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (unpacked_mb << 20) + b"</sheetData>")
            bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def test_a_workbook_that_unpacks_hugely_is_refused_by_its_ratio_and_size(monkeypatch):
    bomb = _bomb(40)
    assert len(bomb) < 100_000  # a small file ...
    with pytest.raises(FormatError, match="compressed .* to 1"):
        check_archive(bomb, "bomb.xlsx", max_unpacked_mb=256, max_ratio=200)
    with pytest.raises(FormatError, match="would unpack to 40 MB"):
        check_archive(bomb, "bomb.xlsx", max_unpacked_mb=10, max_ratio=100_000)
    monkeypatch.setenv("INCIDENT_MAP_XLSX_MAX_RATIO", "200")
    with pytest.raises(FormatError, match="bomb.xlsx: its part xl/worksheets/sheet1.xml"):
        read_table(bomb, name="bomb.xlsx")


def test_an_ordinary_workbook_and_non_zip_data():
    check_archive(_workbook(), "ok.xlsx", max_unpacked_mb=1, max_ratio=10)
    table = read_table(_workbook(), name="ok.xlsx")
    assert table.header[:3] == ["id", "event_type", "claim_status"]
    with pytest.raises(FormatError, match="not a readable Excel workbook"):
        check_archive(b"id,event\n", "fake.xlsx", max_unpacked_mb=1, max_ratio=10)
