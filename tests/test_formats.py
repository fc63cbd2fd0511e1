"""Excel sheets and rejected-rows files (geo/io/formats.py): formulas without saved
values, spreadsheet errors, blank rows, and formula prefixes neutralised on the way out."""

from __future__ import annotations

import csv
import io

import openpyxl

from geo.io.formats import read_table, rejected_bytes
from geo.io.load import read_incidents
from geo.io.mappings import MappingMemory

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


def test_blank_sheet_rows_are_counted_and_rows_keep_their_sheet_row(tmp_path):
    data = _workbook(["a", "airstrike", "alleged", 3, "Raqqa"], [], [],
                     ["b", "airstrike", "alleged", "", "Tabqa"])
    table = read_table(data, name="team.xlsx")
    assert table.frame["id"].tolist() == ["a", "b"]
    assert table.blank == 2 and table.file_records == 4 and table.lines == [2, 5]
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
