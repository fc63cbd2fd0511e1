"""Delimited text files (CSV, TSV, ...): encodings per line, delimiters, and line accounting.

Three things a generic CSV reader gets wrong on analysts' files are handled here:

- **Encodings per line.** A UTF-8 file with one line pasted from a Windows-1252 or
  Windows-1256 file is read as UTF-8, and only that line as the other encoding (a note
  names it); a line that mixes UTF-8 with bytes of another script is rejected by name
  rather than garbled. A file with no UTF-8 at all is read in its one legacy encoding.
- **Line accounting.** Every physical line of the file is accounted for: the header,
  a row (or the continuation of a quoted multi-line field), or a blank line. A quote left
  open swallows the lines after it into one field; when a swallowed line is itself a
  complete row, the record is split back into its lines and the line with the stray
  quote is rejected by name.
- **Limits.** A field over :data:`geo.io.table.MAX_FIELD_BYTES` rejects its row; a row
  with fewer or more fields than the header is rejected (a truncated row is not a record).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Sequence
from typing import overload

import numpy as np
import pandas as pd

from geo.io.cells import restore
from geo.io.table import (
    PROGRESS_EVERY,
    FormatError,
    Progress,
    RawTable,
    check_header,
    oversized,
)
from geo.schema import RowError

_DELIMITERS = (",", ";", "\t", "|")
_LEGACY_NAMES = {"cp1256": "Windows-1256", "cp1252": "Windows-1252", "latin-1": "Latin-1"}

# The parser's own limit (128 KiB) raises in the middle of a file; fields are measured
# here instead, against MAX_FIELD_BYTES, so that only the row at fault is rejected.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def detect_encoding(data: bytes) -> str:
    """Guess the one encoding of a text file an analyst may bring.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly. Otherwise
    the bytes are Windows-1256 when their non-ASCII bytes form Arabic words (runs of
    letters), else Windows-1252 (Latin-1 with typographic quotes), else Latin-1. Files
    that mix encodings line by line are read by :func:`decode_lines`.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    str
        A Python codec name.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy_encoding(data)


def _legacy_encoding(data: bytes) -> str:
    if _looks_arabic(data):
        return "cp1256"
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_arabic(data: bytes) -> bool:
    """Whether high bytes come in runs (words of a single-byte script) and decode to
    Arabic letters in Windows-1256, as opposed to isolated Latin accented letters."""
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return False
    in_runs = sum(
        1 for i in high
        if (i > 0 and data[i - 1] >= 0x80) or (i + 1 < len(data) and data[i + 1] >= 0x80)
    )
    text = data.decode("cp1256", errors="replace")
    letters = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    return in_runs / len(high) >= 0.6 and letters / len(high) >= 0.6


def decode_lines(data: bytes) -> tuple[list[str], str, dict[int, str], dict[int, str]]:
    """Decode a text file line by line.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    tuple
        The lines (with their line ends), the encoding in words, notes and errors by
        1-based line number: a note for a line read in another encoding than the file's,
        an error for a line that mixes UTF-8 with another encoding (its text then holds
        U+FFFD where the foreign bytes were).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _split(data.decode("utf-16").removeprefix("\ufeff")), "utf-16", {}, {}
        except UnicodeDecodeError as exc:
            raise FormatError(f"not valid UTF-16 at byte {exc.start}") from None
    bom = data.startswith(codecs.BOM_UTF8)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return _split(data.decode("utf-8")), "utf-8-sig" if bom else "utf-8", {}, {}
    except UnicodeDecodeError:
        pass
    encoding = _legacy_encoding(data)
    raw_lines = data.splitlines(keepends=True)
    has_utf8 = any(_utf8_multibyte(line) for line in raw_lines)
    if not has_utf8 and not bom:  # a legacy file through and through: one encoding
        return _split(data.decode(encoding)), encoding, {}, {}
    lines: list[str] = []
    notes: dict[int, str] = {}
    errors: dict[int, str] = {}
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        text, note, error = _decode_foreign_line(raw)
        lines.append(text)
        if note:
            notes[number] = note
        if error:
            errors[number] = error
    foreign = len(notes) + len(errors)
    return lines, f"utf-8 ({foreign} line{'s' * (foreign != 1)} not UTF-8)", notes, errors


def _split(text: str) -> list[str]:
    """Lines as the CSV parser sees them (ends at CR, LF or CRLF only)."""
    return list(io.StringIO(text, newline=""))


def _utf8_multibyte(raw: bytes) -> bool:
    """Whether a line holds at least one valid multi-byte UTF-8 character."""
    text = raw.decode("utf-8", errors="surrogateescape")
    return any(ord(ch) >= 0x80 and not 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def _decode_foreign_line(raw: bytes) -> tuple[str, str, str]:
    """A line of a UTF-8 file that is not UTF-8: (text, note, error)."""
    if not _utf8_multibyte(raw):
        encoding = _legacy_encoding(raw)
        text = raw.decode(encoding)
        return text, f"not UTF-8: read as {_LEGACY_NAMES[encoding]}", ""
    # UTF-8 and foreign bytes on one line: isolated Windows-1252 punctuation or letters
    # (a typographic quote, an é) are repaired; anything else is not guessed at.
    text = raw.decode("utf-8", errors="surrogateescape")
    bad = [i for i, ch in enumerate(text) if 0xDC80 <= ord(ch) <= 0xDCFF]
    repaired: dict[int, str] = {}
    for i in bad:
        byte = bytes([ord(text[i]) - 0xDC00])
        isolated = all(j not in bad for j in (i - 1, i + 1))
        try:
            char = byte.decode("cp1252")
        except UnicodeDecodeError:
            char = ""
        if not isolated or not char:
            shown = " ".join(f"0x{ord(text[j]) - 0xDC00:02X}" for j in bad[:6])
            garbled = raw.decode("utf-8", errors="replace")
            return garbled, "", (
                f"mixes UTF-8 with another encoding (bytes {shown}); save the file as "
                "UTF-8 and import it again"
            )
        repaired[i] = char
    fixed = "".join(repaired.get(i, ch) for i, ch in enumerate(text))
    shown = ", ".join(f"0x{ord(text[i]) - 0xDC00:02X} as {c!r}" for i, c in repaired.items())
    return fixed, f"not UTF-8: byte {shown} (Windows-1252)", ""


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, label: str, progress: Progress | None = None) -> RawTable:
    """Read a delimited text file (see the module docstring).

    Parameters
    ----------
    data : bytes
    label : str
        File name for messages.
    progress : Progress, optional
        Told the share of the records turned into rows, every few thousand rows.

    Returns
    -------
    RawTable

    Raises
    ------
    FormatError
    """
    try:
        lines, encoding, line_notes, line_errors = decode_lines(data)
    except FormatError as exc:
        raise FormatError(f"{label}: {exc}") from None
    delimiter = sniff_delimiter("".join(lines[:50]))
    records = _parse(lines, delimiter, label)
    while records and not any(v.strip() for v in records[0][2]):
        records.pop(0)
    if not records:
        raise FormatError(f"{label} has no header row")
    _, header_line, header_fields, _ = records.pop(0)
    header = [h.strip() for h in header_fields]
    check_header(header, label)
    width = len(header)
    records = _split_swallowed(records, lines, delimiter, width)
    _check_unclosed(records, lines, delimiter)

    data_lines = len(lines)
    del lines  # the file's text is not needed any more (a few hundred MB at a million rows)
    # The rows' values go straight into one array (not a list per row, then a frame);
    # each record is let go once read, and a row's fields are kept apart as its original
    # only when they differ from its values (see _Originals).
    grid = np.empty((len(records), width), dtype=object)
    changed: dict[int, list[str]] = {}
    starts: list[int] = []
    problems: list[tuple[int, str, str]] = []
    notes: list[tuple[int, str]] = []
    blank = inside = count = 0
    total = len(records)
    for done in range(total):
        start, end, fields, error = records[done]
        records[done] = _READ
        inside += end - start
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done / total, f"{done:,} of {total:,} rows read")
        if not any(v.strip() for v in fields):
            blank += 1
            continue
        number = count + 1
        span = range(start, end + 1)
        problems.extend((number, "", line_errors[n]) for n in span if n in line_errors)
        notes.extend((number, line_notes[n]) for n in span if n in line_notes)
        if error:
            problems.append((number, "", error))
        if len(fields) > width and any(v.strip() for v in fields[width:]):
            problems.append((number, "", f"{len(fields)} fields but the header has {width}"))
        elif len(fields) < width and not error:
            problems.append((number, "", f"{len(fields)} field{'s' * (len(fields) != 1)} but "
                             f"the header has {width} (a truncated row?)"))
        big = oversized(fields, header)
        if big is not None:
            problems.append((number, big[0], f"{big[1]} KiB, over the 128 KiB a field may "
                             "hold (a quote left open?)"))
        values = [restore(v.strip()) for v in fields[:width]] + [""] * (width - len(fields))
        if values != fields:
            changed[count] = fields
        grid[count, :] = values
        starts.append(start)
        count += 1
    del records
    rows = grid[:count]
    frame = pd.DataFrame(rows, columns=header, dtype=object, copy=False)
    originals = _Originals(rows, changed)
    table = RawTable(frame, label, "csv", encoding, delimiter, originals=originals,
                     header=header_fields, lines=starts, blank=blank)
    table.row_errors = [RowError(label, n, f, m) for n, f, m in problems]
    table.notes = [RowError(label, n, "", m) for n, m in notes]
    data_lines -= header_line
    table.file_records = data_lines
    table.count_note = _count_note(data_lines, blank, inside)
    accounted = count + blank + inside
    if accounted != data_lines:  # every line is a row, part of one, or blank
        raise FormatError(
            f"{label}: {data_lines} lines after the header but the parser accounts for "
            f"{accounted}; the file's line structure is broken near line {header_line + 1}"
        )
    return table


_READ: Record = (0, 0, [], "")
"""Put in place of a record once read (its fields are then held by the table alone)."""


class _Originals(Sequence[object]):
    """The fields of each row of a CSV as the file has them (see ``RawTable.originals``).

    Most rows hold in the table's frame exactly what the file has: those are read back
    from it; only the others (blanks around a value, a neutralised formula, a row of the
    wrong width) keep their own list. A list per row of a million-row file would weigh
    several hundred MB.
    """

    def __init__(self, rows: np.ndarray, changed: dict[int, list[str]]) -> None:
        self._rows = rows  # the values as read, shared with the table's frame
        self._changed = changed

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> object: ...

    @overload
    def __getitem__(self, index: slice) -> list[object]: ...

    def __getitem__(self, index: int | slice) -> object:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("row out of range")
        found = self._changed.get(index)
        return self._rows[index].tolist() if found is None else found


def _count_note(data_lines: int, blank: int, inside: int) -> str:
    parts = []
    if blank:
        parts.append(f"{blank} blank")
    if inside:
        parts.append(f"{inside} inside quoted multi-line fields")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{data_lines} line{'s' * (data_lines != 1)} after the header{detail}"


Record = tuple[int, int, list[str], str]
"""(first line, last line, fields, error) of one parsed record; lines are 1-based."""


def _parse(lines: list[str], delimiter: str, label: str) -> list[Record]:
    # The lines as they are: the same lines as the file's text read with newline="".
    reader = csv.reader(lines, delimiter=delimiter)
    out: list[Record] = []
    previous = 0
    try:
        for fields in reader:
            out.append((previous + 1, reader.line_num, fields, ""))
            previous = reader.line_num
    except csv.Error as exc:
        raise FormatError(f"{label}, line {reader.line_num + 1}: {exc}") from None
    if previous < len(lines):  # lines the parser did not report (a trailing blank line)
        out.extend((n, n, [], "") for n in range(previous + 1, len(lines) + 1))
    return out


def _split_swallowed(
    records: list[Record], lines: list[str], delimiter: str, width: int
) -> list[Record]:
    """Undo a quote left open: a record whose continuation lines are rows of their own
    becomes one record per line, and the lines with a stray quote are rejected."""
    out: list[Record] = []
    for start, end, fields, error in records:
        if end == start or not _swallowed(lines[start:end], delimiter, width):
            out.append((start, end, fields, error))
            continue
        for number in range(start, end + 1):
            line = lines[number - 1]
            alone = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
            stray = ""
            if line.count('"') % 2:
                lines_after = f"line {end}" if end == start + 1 else f"lines {start + 1}–{end}"
                stray = (f"an unbalanced quote on line {number} would have swallowed "
                         f"{lines_after} into one field; fix the quote")
            out.append((number, number, alone, stray))
    return out


def _check_unclosed(records: list[Record], lines: list[str], delimiter: str) -> None:
    """Name a quote that opens in the last row and never closes (to the end of the file)."""
    for k in range(len(records) - 1, -1, -1):
        start, end, fields, error = records[k]
        if not any(v.strip() for v in fields):
            continue
        try:
            list(csv.reader(io.StringIO("".join(lines[start - 1:end]), newline=""),
                            delimiter=delimiter, strict=True))
        except csv.Error as exc:
            if "end of data" in str(exc) and not error:
                records[k] = (start, end, fields, f"a quote opened on line {start} is never "
                              "closed: the rest of the file was read as one field")
        return


def _swallowed(continuation: list[str], delimiter: str, width: int) -> bool:
    for line in continuation:
        text = line.rstrip("\r\n")
        if text.count('"') % 2:
            continue
        alone = next(csv.reader([text], delimiter=delimiter), [])
        if len(alone) == width and width > 1:
            return True
    return False
