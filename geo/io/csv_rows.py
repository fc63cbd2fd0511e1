"""A delimited text file's rows, whole or a chunk at a time, with every line accounted for.

:func:`read_csv` reads a file whole into a :class:`geo.io.table.RawTable`;
:class:`CsvRows` gives the same rows a chunk at a time (:meth:`CsvRows.chunks`), so that
a loader can map and validate each chunk and let its text go before the next one is
read: a million rows never all exist as Python strings at once. Both are one code path:
the file's records are parsed as they are needed, a quote left open is undone record by
record (a record whose continuation lines are rows of their own is split back into its
lines), the last record is checked for a quote that never closes, and at the end every
physical line is accounted for (a row, part of one, or blank). Decoding and the
delimiter are :mod:`geo.io.delimited`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import pandas as pd

from geo.io.cells import restore
from geo.io.delimited import decode_lines, sniff_delimiter
from geo.io.table import PROGRESS_EVERY, FormatError, Progress, RawTable, check_header, oversized
from geo.schema import RowError

Record = tuple[int, int, list[str], str]
"""(first line, last line, fields, error) of one parsed record; lines are 1-based."""


@dataclass
class CsvChunk:
    """Consecutive rows of a CSV file (see :meth:`CsvRows.chunks`).

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows' values (the file's columns, object dtype), a ``RangeIndex`` from 0.
    first : int
        Rows of the file before this chunk (its first row is number ``first + 1``).
    row_errors, notes : list of RowError
        As :class:`geo.io.table.RawTable` has them, rows numbered in the whole file.
    starts : list of int
        The line each row starts on.
    changed : dict
        Position in the chunk -> the row's fields as the file has them, for the rows whose
        values differ from them (see ``RawTable.originals``).
    """

    frame: pd.DataFrame
    first: int
    row_errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    changed: dict[int, list[str]] = field(default_factory=dict)


class CsvRows:
    """A delimited text file: its header, then its rows a chunk at a time.

    Parameters
    ----------
    data : bytes
        The file.
    label : str
        File name for messages.

    Raises
    ------
    FormatError
        The file cannot be decoded, or has no header row.
    """

    def __init__(self, data: bytes, label: str) -> None:
        try:
            self._lines, self.encoding, self._line_notes, self._line_errors = decode_lines(data)
        except FormatError as exc:
            raise FormatError(f"{label}: {exc}") from None
        self.label = label
        self.delimiter = sniff_delimiter("".join(self._lines[:50]))
        self._records = _parsed(self._lines, self.delimiter, label)
        for _, end, fields, _ in self._records:
            if any(v.strip() for v in fields):
                self._header_line, self.header_fields = end, fields
                break
        else:
            raise FormatError(f"{label} has no header row")
        self.header = [h.strip() for h in self.header_fields]
        check_header(self.header, label)
        self.data_lines = len(self._lines) - self._header_line
        self.blank = self.inside = self.rows = 0

    def chunks(self, rows: int | None = None, progress: Progress | None = None
               ) -> Iterator[CsvChunk]:
        """The file's rows, ``rows`` at a time (all in one chunk by default).

        At least one chunk comes (an empty one for a file with no data rows). Call once.
        After the last chunk, every line of the file has been accounted for.

        Raises
        ------
        FormatError
            A parse error, or lines the parse does not account for (raised when met,
            possibly after some chunks).
        """
        width = len(self.header)
        records = _unclosed_checked(
            _split_swallowed(self._records, self._lines, self.delimiter, width),
            self._lines, self.delimiter)
        total_lines = max(len(self._lines), 1)
        chunk = _Builder(width, 0, rows)
        released = 0
        for start, end, fields, error in records:
            self.inside += end - start
            if not any(v.strip() for v in fields):
                self.blank += 1
                continue
            if progress is not None and self.rows % PROGRESS_EVERY == 0:
                progress(start / total_lines, f"{self.rows:,} rows read")
            chunk.add(self, self.rows + 1, start, end, fields, error)
            self.rows += 1
            if rows is not None and chunk.count == rows:
                yield chunk.done(self.header, self.label)
                chunk = _Builder(width, self.rows, rows)
                released = self._release(released, end)
        accounted = self.rows + self.blank + self.inside
        if accounted != self.data_lines:  # every line is a row, part of one, or blank
            raise FormatError(
                f"{self.label}: {self.data_lines} lines after the header but the parser "
                f"accounts for {accounted}; the file's line structure is broken near line "
                f"{self._header_line + 1}"
            )
        self._lines = []  # the file's text is not needed any more
        if chunk.count or self.rows == 0:
            yield chunk.done(self.header, self.label)

    def _release(self, released: int, end: int) -> int:
        """Let the text of lines ``released + 1`` to ``end`` go (those of rows read): the
        parse and the checks ahead only look at later lines. Returns ``end``."""
        lines = self._lines
        for index in range(released, end):
            lines[index] = ""
        return end

    @property
    def count_note(self) -> str:
        """How the file's records were counted, in words (after :meth:`chunks`)."""
        return _count_note(self.data_lines, self.blank, self.inside)


class _Builder:
    """The rows of one chunk as they are read: values straight into one array."""

    def __init__(self, width: int, first: int, rows: int | None) -> None:
        self.grid = np.empty((rows or 1024, width), dtype=object)
        self.width, self.first, self.count = width, first, 0
        self.changed: dict[int, list[str]] = {}
        self.starts: list[int] = []
        self.problems: list[tuple[int, str, str]] = []
        self.notes: list[tuple[int, str]] = []

    def add(self, rows: CsvRows, number: int, start: int, end: int, fields: list[str],
            error: str) -> None:
        width, header = self.width, rows.header
        span = range(start, end + 1)
        self.problems.extend((number, "", rows._line_errors[n]) for n in span
                             if n in rows._line_errors)
        self.notes.extend((number, rows._line_notes[n]) for n in span if n in rows._line_notes)
        if error:
            self.problems.append((number, "", error))
        if len(fields) > width and any(v.strip() for v in fields[width:]):
            self.problems.append((number, "", f"{len(fields)} fields but the header has {width}"))
        elif len(fields) < width and not error:
            self.problems.append((number, "", f"{len(fields)} field{'s' * (len(fields) != 1)} "
                                  f"but the header has {width} (a truncated row?)"))
        big = oversized(fields, header)
        if big is not None:
            self.problems.append((number, big[0], f"{big[1]} KiB, over the 128 KiB a field "
                                  "may hold (a quote left open?)"))
        values = [restore(v.strip()) for v in fields[:width]] + [""] * (width - len(fields))
        if values != fields:
            self.changed[self.count] = fields
        if self.count == len(self.grid):  # one chunk of every row: grow as a list would
            self.grid = np.concatenate([self.grid, np.empty_like(self.grid)])
        self.grid[self.count, :] = values
        self.starts.append(start)
        self.count += 1

    def done(self, header: list[str], label: str) -> CsvChunk:
        grid = self.grid[:self.count]
        if self.count < len(self.grid):
            grid = grid.copy()  # not the unused rows' memory
        frame = pd.DataFrame(grid, columns=header, dtype=object, copy=False)
        return CsvChunk(
            frame, self.first,
            [RowError(label, n, f, m) for n, f, m in self.problems],
            [RowError(label, n, "", m) for n, m in self.notes],
            self.starts, self.changed,
        )


def read_csv(data: bytes, label: str, progress: Progress | None = None) -> RawTable:
    """Read a delimited text file whole (see the module docstring).

    Parameters
    ----------
    data : bytes
    label : str
        File name for messages.
    progress : Progress, optional
        Told the share of the file's lines turned into rows, every few thousand rows.

    Returns
    -------
    RawTable

    Raises
    ------
    FormatError
    """
    rows = CsvRows(data, label)
    (chunk,) = rows.chunks(None, progress)
    table = RawTable(chunk.frame, label, "csv", rows.encoding, rows.delimiter,
                     originals=_Originals(chunk.frame.to_numpy(dtype=object, copy=False),
                                          chunk.changed),
                     header=rows.header_fields, lines=chunk.starts, blank=rows.blank)
    table.row_errors, table.notes = chunk.row_errors, chunk.notes
    table.file_records = rows.data_lines
    table.count_note = rows.count_note
    return table


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
        parts.append(f"{blank:,} blank")
    if inside:
        parts.append(f"{inside:,} inside quoted multi-line fields")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{data_lines:,} line{'s' * (data_lines != 1)} after the header{detail}"


def _parsed(lines: list[str], delimiter: str, label: str) -> Iterator[Record]:
    """The file's records, parsed as they are asked for."""
    # The lines as they are: the same lines as the file's text read with newline="".
    reader = csv.reader(lines, delimiter=delimiter)
    previous = 0
    try:
        for fields in reader:
            yield previous + 1, reader.line_num, fields, ""
            previous = reader.line_num
    except csv.Error as exc:
        raise FormatError(f"{label}, line {reader.line_num + 1}: {exc}") from None
    # lines the parser did not report (a trailing blank line)
    yield from ((n, n, [], "") for n in range(previous + 1, len(lines) + 1))


def _split_swallowed(
    records: Iterable[Record], lines: list[str], delimiter: str, width: int
) -> Iterator[Record]:
    """Undo a quote left open: a record whose continuation lines are rows of their own
    becomes one record per line, and the lines with a stray quote are rejected."""
    for start, end, fields, error in records:
        if end == start or not _swallowed(lines[start:end], delimiter, width):
            yield start, end, fields, error
            continue
        for number in range(start, end + 1):
            line = lines[number - 1]
            alone = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
            stray = ""
            if line.count('"') % 2:
                lines_after = f"line {end}" if end == start + 1 else f"lines {start + 1}–{end}"
                stray = (f"an unbalanced quote on line {number} would have swallowed "
                         f"{lines_after} into one field; fix the quote")
            yield number, number, alone, stray


def _unclosed_checked(records: Iterable[Record], lines: list[str], delimiter: str
                      ) -> Iterator[Record]:
    """The records, the last non-blank one checked for a quote that opens and never closes
    (to the end of the file). That record and the blank ones after it are held back
    until a later record is not blank, or the file ends."""
    held: list[Record] = []
    for record in records:
        if any(v.strip() for v in record[2]):
            yield from held
            held = []
        held.append(record)
    if held and any(v.strip() for v in held[0][2]):
        start, end, fields, error = held[0]
        try:
            list(csv.reader(io.StringIO("".join(lines[start - 1:end]), newline=""),
                            delimiter=delimiter, strict=True))
        except csv.Error as exc:
            if "end of data" in str(exc) and not error:
                held[0] = (start, end, fields, f"a quote opened on line {start} is never "
                           "closed: the rest of the file was read as one field")
    yield from held


def _swallowed(continuation: list[str], delimiter: str, width: int) -> bool:
    for line in continuation:
        text = line.rstrip("\r\n")
        if text.count('"') % 2:
            continue
        alone = next(csv.reader([text], delimiter=delimiter), [])
        if len(alone) == width and width > 1:
            return True
    return False
