"""Excel sheets and rejected-rows files (geo/io/formats.py): formulas without saved
values, spreadsheet errors, blank rows, every row read whatever the sheet declares (and
proved against the sheet's XML), and formula prefixes neutralised on the way out."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from geo.ingest import prepare_import
from geo.io.formats import read_table, rejected_bytes
from geo.io.load import read_incidents
from geo.io.mappings import MappingMemory
from tests.helpers.fake_geocoder import FakeGeocoder
from tests.helpers.workbooks import declare, edit_member, workbook

HEADER = ["id", "event_type", "claim_status", "killed_min", "place"]


def _workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl saves formulas without cached values
    return buffer.getvalue()


def test_formula_without_a_saved_value_rejects_its_row_by_name(tmp_path):
    data = _workbook(["a", "airstrike", "alleged", 3, "Raqqa"],
                     ["b", "airstrike", "alleged", "=D2*2", "Tabqa"],
                     ["c", "airstrike", "alleged", "#DIV/0!", "Homs"])
    loaded = read_incidents(data, name="team.xlsx", memory=MappingMemory(tmp_path / "m.json"))
    assert loaded.incidents["id"].tolist() == ["a"]
    [formula] = [e for e in loaded.errors if e.row == 2]
    assert formula.field == "killed_min" and "=D2*2 has no saved value" in formula.message
    assert any("spreadsheet error #DIV/0!" in e.message for e in loaded.errors if e.row == 3)


def test_empty_sheet_rows_are_no_records_and_rows_keep_their_sheet_row(tmp_path):
    data = _workbook(["a", "airstrike", "alleged", 3, "Raqqa"], [], [],
                     ["b", "airstrike", "alleged", "", "Tabqa"], [" ", None, ""])
    table = read_table(data, name="team.xlsx")
    assert table.frame["id"].tolist() == ["a", "b"]
    # The two rows without cells are no records; the one of blanks only is a blank record.
    assert table.blank == 1 and table.file_records == 3 and table.lines == [2, 5]
    assert table.where(2) == "row 2 (sheet row 5)"


def test_rejected_rows_file_neutralises_formulas_for_every_source():
    text = "id;event_type;claim_status;description\n=1+1;x;y;@SUM(1)\nok;-;+;-3.5\n"
    table = read_table(text.encode(), name="in.csv")
    rows = list(csv.reader(io.StringIO(rejected_bytes(table, [1, 2]).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1] == ["'=1+1", "x", "y", "'@SUM(1)"]
    assert rows[2] == ["ok", "'-", "'+", "-3.5"]
    sheet = read_table(_workbook(["=HYPERLINK(\"x\")", "a", "b", "", ""]), name="t.xlsx")
    out = rejected_bytes(sheet, [1]).decode("utf-8-sig")
    assert "'=HYPERLINK" in out and "_geometry" not in out


# -- every sheet row read, whatever the sheet declares ---------------------------------

SHORT = (["id", "event_type", "claim_status", "date_start", "place", "latitude", "longitude"],
         ["a", "airstrike", "alleged", "2016-03-01", "Raqqa", 35.95, 39.01],
         ["b", "shelling", "reported", "2016-03-02", "Tabqa", 35.83, 38.55])


def test_a_sheet_that_under_declares_its_rows_is_read_whole_and_balances(tmp_path):
    data = edit_member(workbook(*SHORT), declare("A1:G2"))  # row 3 lies beyond it
    loaded = read_incidents(data, name="short.xlsx", memory=MappingMemory(tmp_path / "m.json"))
    assert loaded.incidents["id"].tolist() == ["a", "b"]
    assert loaded.table is not None and loaded.table.file_records == 2
    report = prepare_import(data, name="short.xlsx", memory=MappingMemory(tmp_path / "m.json"),
                            geocoder=FakeGeocoder())
    assert report.rows == 2 and report.balanced, report.accounting()


def test_cells_beyond_the_declared_columns_are_read():
    rows = (["id", "event_type", "claim_status"], ["a", "airstrike", "alleged"],
            ["b", "shelling", "reported", "stray"])
    # It declares neither the first row nor column C: the rows keep their real sheet rows.
    table = read_table(edit_member(workbook(*rows), declare("B2:B3")), name="narrow.xlsx")
    assert table.header == ["id", "event_type", "claim_status"] and table.lines == [2, 3]
    assert table.frame["claim_status"].tolist() == ["alleged", "reported"]
    [stray] = table.row_errors
    assert stray.row == 2 and "values beyond the header's 3 columns" in stray.message


def test_rows_of_formatting_only_are_no_records(tmp_path):
    formatted = ('<row r="3" ht="30" customHeight="1"/>'
                 '<row r="4"><c r="A4" s="0"/><c r="B4" t="n"><v></v></c></row>')
    data = edit_member(workbook(*SHORT[:2], [], [], SHORT[2]),
                       lambda xml: xml.replace('<row r="5">', formatted + '<row r="5">'))
    table = read_table(data, name="styled.xlsx")
    assert table.frame["id"].tolist() == ["a", "b"] and table.lines == [2, 5]
    assert table.file_records == 2 and table.blank == 0
    report = prepare_import(data, name="styled.xlsx", memory=MappingMemory(tmp_path / "m.json"),
                            geocoder=FakeGeocoder())
    assert report.balanced, report.accounting()


@pytest.mark.parametrize(("edit", "fragment"), [
    # A repeated row number: openpyxl keeps the first and drops the second.
    (lambda xml: xml.replace('<row r="3">', '<row r="2">'),
     "holds 2 rows with values after the header (14 cells) in its XML, but 1 rows (7 cells) "
     "were read; they first differ at sheet row 2"),
    # An inline string in a cell not typed as one: openpyxl reads no value.
    (lambda xml: xml.replace('<c r="E3" t="inlineStr">', '<c r="E3">'),
     "but 2 rows (13 cells) were read; they first differ at sheet row 3"),
])
def test_a_parse_that_disagrees_with_the_sheet_xml_is_a_named_error(tmp_path, edit, fragment):
    data = edit_member(workbook(*SHORT, title="Events"), edit)
    loaded = read_incidents(data, name="odd.xlsx", memory=MappingMemory(tmp_path / "m.json"))
    [error] = loaded.errors
    assert error.row is None and not loaded.readable
    # The report gives the file's name beside the message (error.source), once.
    assert error.source == "odd.xlsx"
    assert error.message.startswith("sheet 'Events' holds ")
    assert fragment in error.message


def test_a_row_of_formulas_without_values_is_rejected_not_dropped(tmp_path):
    data = _workbook(["a", "airstrike", "alleged", 3, "Raqqa"], [None, None, None, "=D2*2"])
    table = read_table(data, name="team.xlsx")
    assert table.file_records == 2 and table.blank == 0 and len(table.frame) == 2
    [error] = table.row_errors
    assert error.row == 2 and "=D2*2 has no saved value" in error.message
