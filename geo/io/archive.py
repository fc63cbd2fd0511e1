"""The zip archive of an XLSX workbook: archive bombs refused before a parser opens it,
and a sheet's rows counted from its XML, independently of the parser.

A 446 KB workbook can unpack to gigabytes of XML; openpyxl would then spend minutes of
CPU and hundreds of MB on it. The zip directory says how large each member unpacks (and
Python's zip reader never yields more than that), so it is checked first: the total
unpacked size, each member's compression ratio and the number of members.

openpyxl's read-only mode trusts the ``<dimension>`` a sheet declares; a sheet that
under-declares it would lose rows silently. :func:`count_sheet_rows` counts the rows with
values by streaming the sheet's XML, so that the reader can prove it read every one.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

from geo.io.table import FormatError

#: Members smaller than this are never refused for their ratio (tiny XML parts compress well).
RATIO_FLOOR_BYTES = 1 << 20
MAX_MEMBERS = 10_000


def check_archive(data: bytes, label: str, *, max_unpacked_mb: int, max_ratio: int) -> None:
    """Refuse a zip archive that would unpack too large, too compressed or into too many parts.

    Parameters
    ----------
    data : bytes
        The archive (an XLSX workbook).
    label : str
        The file's name, for messages.
    max_unpacked_mb : int
        Largest total uncompressed size.
    max_ratio : int
        Largest uncompressed / compressed ratio of a member over 1 MB.

    Raises
    ------
    FormatError
        Naming the limit the archive breaks (or that it is no zip archive at all).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"{label} is not a readable Excel workbook ({exc})") from None
    if len(members) > MAX_MEMBERS:
        raise FormatError(f"{label} holds {len(members):,} parts (at most {MAX_MEMBERS:,}); "
                          "it is not an ordinary workbook and was not opened")
    total = sum(m.file_size for m in members)
    if total > max_unpacked_mb * (1 << 20):
        raise FormatError(
            f"{label} would unpack to {total / (1 << 20):,.0f} MB (at most {max_unpacked_mb} MB, "
            "INCIDENT_MAP_XLSX_MAX_UNPACKED_MB); it was not opened. Save it as CSV, or split it."
        )
    for member in members:
        if member.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise FormatError(
                f"{label}: its part {member.filename} is compressed {ratio:,.0f} to 1 (at most "
                f"{max_ratio} to 1, INCIDENT_MAP_XLSX_MAX_RATIO), as archive bombs are; it was "
                "not opened"
            )


# -- an independent count of a sheet's rows ----------------------------------------------

_REL_OFFICE = "/officeDocument"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The zip member holding the sheet called ``title``, from the workbook's own parts."""
    def rels(part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        where = posixpath.join(folder, "_rels", name + ".rels")
        if where not in archive.namelist():
            return {}
        root = ElementTree.fromstring(archive.read(where))
        out = {}
        for rel in root:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[rel.get("Id", "")] = path
            out["type:" + rel.get("Type", "")] = path
        return out

    package = rels("")
    book = next((p for k, p in package.items() if k.endswith(_REL_OFFICE)), "xl/workbook.xml")
    if book not in archive.namelist():
        return None
    targets = rels(book)
    for element in ElementTree.fromstring(archive.read(book)).iter():
        if _local(element.tag) == "sheet" and element.get("name") == title:
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            return targets.get(rid)
    return None


@dataclass
class SheetCount:
    """Rows and value cells of a sheet as its XML holds them, after its header row.

    Attributes
    ----------
    part : str
        The zip member read.
    rows : list of tuple of int
        ``(sheet row, value cells)`` of every ``<row>`` after the header that has at least
        one value cell (a ``<c>`` with a non-empty ``<v>``, an inline string ``<is>`` or a
        formula ``<f>``), in the order of the file.
    """

    part: str
    rows: list[tuple[int, int]] = field(default_factory=list)

    @property
    def cells(self) -> int:
        """Value cells in those rows."""
        return sum(n for _, n in self.rows)


def count_sheet_rows(data: bytes, title: str, header_row: int) -> SheetCount:
    """Count a sheet's rows with values straight from its XML, independently of openpyxl.

    The XML is streamed through expat (no tree is built), so memory stays small
    whatever the sheet's size; the archive was checked by :func:`check_archive` first.
    A ``<row>`` without an ``r`` attribute is the one after the previous row. Rows are
    counted from the first ``<row>`` numbered ``header_row`` on (that row excluded);
    what the sheet's ``<dimension>`` declares plays no part.

    Parameters
    ----------
    data : bytes
        The workbook.
    title : str
        The sheet's name.
    header_row : int
        Sheet row of the header (1-based).

    Returns
    -------
    SheetCount

    Raises
    ------
    FormatError
        When the sheet cannot be found or its XML is malformed.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, title)
            if part is None or part not in archive.namelist():
                raise FormatError(f"sheet {title!r}: its XML part cannot be found in the workbook")
            out = SheetCount(part)
            with archive.open(part) as handle:
                _stream_rows(handle, header_row, out.rows)
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError, expat.ExpatError,
            ValueError) as exc:
        raise FormatError(f"sheet {title!r}: its XML cannot be read ({exc})") from None
    return out


class _RowCounter:
    """Expat handlers counting a sheet's value cells per ``<row>`` (no tree is built)."""

    def __init__(self, header_row: int, rows: list[tuple[int, int]]) -> None:
        self.header_row, self.rows = header_row, rows
        self.in_data = self.in_value = self.has_value = self.seen_header = False
        self.number = self.cells = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "row":
            r = attrs.get("r")
            self.number = int(float(r)) if r else self.number + 1
            self.cells = 0
        elif local == "c":
            self.has_value = False
        elif local in ("is", "f"):
            self.has_value = True
        elif local == "v":
            self.in_value = True

    def text(self, data: str) -> None:
        if self.in_value and data:
            self.has_value = True

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "v":
            self.in_value = False
        elif local == "c" and self.in_data:
            self.cells += self.has_value
        elif local == "row" and self.in_data:
            if self.seen_header and self.cells:
                self.rows.append((self.number, self.cells))
            self.seen_header = self.seen_header or self.number == self.header_row
        elif local == "sheetData":
            self.in_data = False


def _stream_rows(handle: IO[bytes], header_row: int, rows: list[tuple[int, int]]) -> None:
    counter = _RowCounter(header_row, rows)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.CharacterDataHandler = counter.text
    parser.ParseFile(handle)
