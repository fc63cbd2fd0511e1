"""Spreadsheet cells that run nothing: the OWASP CSV-injection rule (geo/io/cells.py)."""

from __future__ import annotations

import pytest

from geo.io.cells import neutralise, neutralise_row, restore


@pytest.mark.parametrize("value", [
    "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)", "\t=1+1", "\r=1+1", "-", "+",
])
def test_formula_prefixes_get_an_apostrophe_and_come_back(value):
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["-3.25", "+12", "-1e-5", "", "Raqqa", "a=b", "'quoted",
                                   "الرقة"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralise(value) == value
    assert restore(value) == value


def test_rows():
    assert neutralise_row(["=1", None, 3, "-4"]) == ["'=1", "", "3", "-4"]
