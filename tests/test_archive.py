"""XLSX bombs are refused from the zip directory, before openpyxl opens them; a sheet's
rows with values are counted from its XML, independently of openpyxl."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from geo.io.archive import check_archive, count_sheet_rows
from geo.io.formats import read_table
from geo.io.table import FormatError
from tests.helpers.workbooks import edit_member, workbook


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


def test_a_sheets_rows_with_values_are_counted_from_its_xml_whatever_it_declares():
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>'
            '<row r="3" ht="30" customHeight="1"/>'  # formatting only
            '<row r="4"><c r="A4" s="1"/><c r="B4"><v></v></c></row>'  # cells without values
            '<row><c t="inlineStr"><is><t/></is></c></row>'  # no r: row 5
            '<row r="9"><c r="C9"><f>A2*2</f></c></row>')
    data = edit_member(
        workbook(["x"], more=["Events"]),
        lambda xml: re.sub(r"<sheetData\s*/>|<sheetData>.*</sheetData>",
                           f"<sheetData>{rows}</sheetData>", xml),  # it declares A1:A1
        member="xl/worksheets/sheet2.xml")
    counted = count_sheet_rows(data, "Events", header_row=1)
    assert counted.part == "xl/worksheets/sheet2.xml"
    assert counted.rows == [(2, 2), (5, 1), (9, 1)] and counted.cells == 4
    assert count_sheet_rows(data, "Events", header_row=2).rows == [(5, 1), (9, 1)]
    with pytest.raises(FormatError, match="sheet 'Nope': its XML part cannot be found"):
        count_sheet_rows(data, "Nope", header_row=1)
    broken = edit_member(data, lambda xml: xml.replace("</sheetData>", "</sheet>"),
                         member="xl/worksheets/sheet2.xml")
    with pytest.raises(FormatError, match="sheet 'Events': its XML cannot be read"):
        count_sheet_rows(broken, "Events", header_row=1)
