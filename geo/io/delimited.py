"""Delimited text files (CSV, TSV, ...): encodings per line, delimiters, and line accounting.

Three things a generic CSV reader gets wrong on analysts' files are handled here and in
:mod:`geo.io.csv_rows` (which reads the rows, whole or a chunk at a time):

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
import re
import sys

from geo.io.table import FormatError

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


_LINE = re.compile(r"[^\r\n]*(?:\r\n|[\r\n])|[^\r\n]+\Z")


def _split(text: str) -> list[str]:
    """Lines as the CSV parser sees them (ends at CR, LF or CRLF only): the lines of
    ``io.StringIO(text, newline="")``, without its buffer of four bytes a character
    (about 640 MB for a 160 MB file)."""
    return _LINE.findall(text)


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
