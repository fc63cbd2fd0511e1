"""Refusing archive bombs before a parser opens them (an XLSX file is a zip archive).

A 446 KB workbook can unpack to gigabytes of XML; openpyxl would then spend minutes of
CPU and hundreds of MB on it. The zip directory says how large each member unpacks (and
Python's zip reader never yields more than that), so it is checked first: the total
unpacked size, each member's compression ratio and the number of members.
"""

from __future__ import annotations

import io
import zipfile

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
