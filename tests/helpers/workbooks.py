"""Tiny Excel workbooks for tests: written with openpyxl, then edited as zip members."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence

from openpyxl import Workbook

SHEET1 = "xl/worksheets/sheet1.xml"


def workbook(*rows: Sequence[object], title: str = "Sheet", more: Sequence[str] = ()) -> bytes:
    """An .xlsx whose sheet ``title`` holds ``rows`` (and empty sheets named ``more``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for name in more:
        book.create_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edit_member(data: bytes, edit: Callable[[str], str], member: str = SHEET1) -> bytes:
    """The workbook with one zip member's XML rewritten by ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == member:
                changed = edit(content.decode("utf-8"))
                assert changed != content.decode("utf-8"), "the edit changed nothing"
                content = changed.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def declare(ref: str) -> Callable[[str], str]:
    """An edit that makes the sheet declare ``<dimension ref=ref/>``."""
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
