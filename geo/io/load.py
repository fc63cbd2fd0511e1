"""The one way a file becomes incidents: read, map, validate, with every row accounted for.

Every path that takes a file goes through :func:`read_incidents`: imports (command line
and page, see :mod:`geo.ingest`), the file the app may show instead of the store
(``INCIDENT_MAP_DATA``) and the seed incidents (see :func:`load_incidents`). It reads any
kind :func:`geo.io.formats.read_table` reads, picks the layout (this project's, ACLED, UCDP
GED, an analyst's mapping), validates every row, and merges the problems the reader, the
mapping and the validation found into one list naming the row (and its line).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.io.formats import FormatError, RawTable, read_table, read_table_chunks
from geo.io.mappings import (
    MAPPING_KINDS,
    ColumnMapping,
    Mapped,
    MappingError,
    MappingMemory,
    apply_mapping,
    detect_mapping,
)
from geo.io.table import Progress
from geo.schema import REQUIRED_COLUMNS, LoadResult, RowError, empty_incidents, validate_incidents


@dataclass
class Loaded:
    """A file read, mapped and validated.

    Attributes
    ----------
    source : str
        File name.
    table : RawTable or None
        The file as read (None when it could not be read).
    mapping : str
        The layout applied (``own``, ``acled``, ``ucdp``, ``custom``).
    incidents : pandas.DataFrame
        The valid rows as typed incidents.
    origins : list of str
        Dataset of each valid row (for duplicate flags).
    errors : list of RowError
        Every problem; one with ``row`` None makes the file unusable.
    warnings : list of RowError
        Notes on rows that are kept (an encoding repaired, a geometry that disagrees with
        stale coordinate columns).
    rejected_rows : list of int
        1-based numbers of the rows left out.
    """

    source: str
    table: RawTable | None = None
    mapping: str = ""
    incidents: pd.DataFrame = field(default_factory=empty_incidents)
    origins: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """False when the file (or its mapping) could not be used at all."""
        return not any(e.row is None for e in self.errors)

    @property
    def rows(self) -> int:
        """Data rows read (blank ones left out)."""
        return 0 if self.table is None else len(self.table.frame)


def unnamed(message: str, label: str) -> str:
    """A file-level message without the file's name it starts with.

    Readers name the file in their messages; a report gives the name beside the
    message (``five.geojson: 'features' is a number ...``), so it is taken off here
    rather than said twice.
    """
    if message.startswith(f"{label}: "):
        return message[len(label) + 2:]
    if message.startswith(f"{label}, ") or message.startswith(f"{label} "):
        return "the file" + message[len(label):]
    return message


def read_incidents(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    file_kind: str | None = None,
    mapping_kind: str | None = None,
    mapping: ColumnMapping | None = None,
    memory: MappingMemory | None = None,
    layer: str | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """Read, map and validate a file; nothing is written.

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its bytes (an upload; then give ``name``).
    name : str, optional
        File name for reports and kind detection.
    file_kind : str, optional
        ``csv``, ``xlsx``, ``geojson`` or ``gpkg``; from the extension by default.
    mapping_kind : str, optional
        ``own``, ``acled`` or ``ucdp``; detected from the header by default.
    mapping : ColumnMapping, optional
        An analyst's mapping; remembered in ``memory`` for the next file with this header.
    memory : MappingMemory, optional
        Where mappings are remembered (``INCIDENT_MAP_MAPPINGS`` by default).
    layer : str, optional
        Excel sheet or GeoPackage layer.
    progress : Progress, optional
        Told how far it is: reading takes the first 80%, mapping and validation the rest.

    Returns
    -------
    Loaded
        Check ``readable``; when False, ``errors`` says why.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    loaded = Loaded(label)
    try:
        table = read_table(source, name=label, kind=file_kind, layer=layer,
                           progress=_scaled(progress, 0.0, 0.8))
    except FormatError as exc:
        loaded.errors.append(RowError(label, None, "", unnamed(str(exc), label)))
        return loaded
    loaded.table = table
    if progress is not None:
        progress(0.8, f"{len(table.frame):,} rows read; mapping the columns")
    memory = memory or MappingMemory()
    try:
        kind, chosen = _choose_mapping(table, mapping_kind, mapping, memory)
        loaded.mapping = kind
        mapped = apply_mapping(table.frame, kind, chosen, source=label)
    except MappingError as exc:
        loaded.errors.append(RowError(label, None, "", unnamed(str(exc), label)))
        return loaded
    if mapping is not None:
        memory.remember(table.header, mapping)
    if progress is not None:
        progress(0.9, f"validating {len(table.frame):,} rows")
    _validate(loaded, table, mapped)
    return loaded


class IncidentChunks:
    """A file's valid incidents read, mapped and validated a chunk at a time.

    What :func:`read_incidents` gives, for a loader that keeps only the typed rows: the
    file's text is parsed chunk by chunk (see :func:`geo.io.formats.read_table_chunks`),
    and each chunk's text is let go once its rows are typed. The valid rows, the errors
    (by row and column, in row order), the warnings and the rejected rows are those of
    :func:`read_incidents` (``tests/test_load_chunks.py`` compares them).

    Iterate once; then check :attr:`readable`. A file that turns out unusable part way
    (a parse error, lines not accounted for) ends with its one file-level error, and
    the chunks already given must be dropped.

    Parameters
    ----------
    source : str or Path
        The file.
    rows : int
        Rows per chunk.

    Attributes
    ----------
    source : str
        File name.
    errors, warnings : list of RowError
    rejected_rows : list of int
    """

    def __init__(self, source: str | Path, rows: int) -> None:
        self._path = Path(source)
        self._rows = rows
        self.source = self._path.name
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.rejected_rows: list[int] = []

    @property
    def readable(self) -> bool:
        """False when the file (or its layout) could not be used at all."""
        return not any(e.row is None for e in self.errors)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        label = self.source
        seen_ids: dict[str, int] = {}
        memory, chosen, kind = MappingMemory(), None, ""
        try:
            for first, table in read_table_chunks(self._path, self._rows):
                if not kind:
                    kind, chosen = _choose_mapping(table, None, None, memory)
                mapped = apply_mapping(table.frame, kind, chosen, source=label)
                part = _checked(label, mapped, table, first, seen_ids)
                del mapped, table
                if part.unusable:
                    self._unusable(part.errors)
                    return
                self.errors.extend(part.errors)
                self.warnings.extend(part.warnings)
                self.rejected_rows.extend(part.rejected)
                yield part.incidents
        except (FormatError, MappingError) as exc:
            self._unusable([RowError(label, None, "", unnamed(str(exc), label))])

    def _unusable(self, errors: list[RowError]) -> None:
        self.errors, self.warnings, self.rejected_rows = errors, [], []


def _scaled(progress: Progress | None, low: float, high: float) -> Progress | None:
    """A progress report of one step, mapped onto its share ``[low, high]`` of the whole."""
    if progress is None:
        return None
    report = progress
    return lambda share, note: report(low + (high - low) * share, note)


def load_incidents(path: str | Path) -> LoadResult:
    """Load and validate the incidents of a file the app shows (or the seed file).

    Same reader, layouts and checks as an import (see :func:`read_incidents`); a file
    that cannot be read at all yields no rows and one file-level error.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    LoadResult
    """
    loaded = read_incidents(path)
    return LoadResult(loaded.incidents, loaded.errors, loaded.rejected_rows)


def _choose_mapping(
    table: RawTable,
    mapping_kind: str | None,
    mapping: ColumnMapping | None,
    memory: MappingMemory,
) -> tuple[str, ColumnMapping | None]:
    if mapping is not None:
        return "custom", mapping
    if mapping_kind is not None:
        if mapping_kind not in MAPPING_KINDS or mapping_kind == "custom":
            raise MappingError(f"unknown layout {mapping_kind!r}; expected own, acled or ucdp")
        return mapping_kind, None
    remembered = memory.recall(table.header)
    if remembered is not None:
        return "custom", remembered
    detected = detect_mapping(table.header)
    if detected is None:
        shown = ", ".join(table.header[:12]) + (" ..." if len(table.header) > 12 else "")
        names = {h.strip().lower() for h in table.header}
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        lacks = (f" (for this project's layout it lacks {', '.join(missing)})"
                 if len(missing) < len(REQUIRED_COLUMNS) else "")
        raise MappingError(
            f"the columns match no known layout (Incident Map, ACLED, UCDP GED){lacks} and no "
            f"remembered mapping; give a column mapping. Columns: {shown}"
        )
    return detected, None


def _validate(loaded: Loaded, table: RawTable, mapped: Mapped) -> None:
    part = _checked(loaded.source, mapped, table, 0, {})
    loaded.errors.extend(part.errors)
    if part.unusable:
        return
    loaded.warnings, loaded.rejected_rows = part.warnings, part.rejected
    loaded.incidents, loaded.origins = part.incidents, part.origins


@dataclass
class _Part:
    """Rows of a file (all, or one chunk) validated, with their problems."""

    incidents: pd.DataFrame
    origins: list[str]
    errors: list[RowError]
    warnings: list[RowError]
    rejected: list[int]
    unusable: bool = False


def _checked(label: str, mapped: Mapped, table: RawTable, first: int,
             seen_ids: dict[str, int]) -> _Part:
    """Validate mapped rows (the file's rows ``first + 1`` on) and merge the problems the
    reader, the mapping and the validation found into one list by row."""
    frame = mapped.frame.astype(object)
    empty = [c for c in frame.columns if c not in REQUIRED_COLUMNS and not (frame[c] != "").any()]
    result = validate_incidents(frame.drop(columns=empty), source=label, first=first,
                                seen_ids=seen_ids)
    del frame
    if any(e.row is None for e in result.errors):
        return _Part(result.incidents, [], list(result.errors), [], [], unusable=True)
    extra: dict[int, list[tuple[str, str]]] = {
        k + first: list(v) for k, v in mapped.errors.items()}
    for e in table.row_errors:
        extra.setdefault(int(e.row or 0), []).append((e.field, e.message))
    by_row: dict[int, list[RowError]] = {}
    for e in result.errors:
        by_row.setdefault(int(e.row or 0), []).append(e)
    for row, problems in extra.items():
        blamed = {f for f, _ in problems}
        # A row malformed as a whole (fields shifted by a quote, truncated) has no field
        # worth validating: its structural problem is the one to fix.
        kept = [] if "" in blamed else [
            e for e in by_row.get(row, []) if mapped.sources.get(e.field, e.field) not in blamed
        ]
        by_row[row] = [RowError(label, row, f, m) for f, m in problems] + kept
    errors = [RowError(label, row, _shown(mapped, e.field), e.message)
              for row in sorted(by_row) for e in by_row[row]]
    rejected = set(by_row)
    notes: dict[int, list[tuple[str, str]]] = {
        k + first: list(v) for k, v in mapped.warnings.items()}
    for e in table.notes:
        notes.setdefault(int(e.row or 0), []).append((e.field, e.message))
    warnings = [RowError(label, row, f, m)
                for row in sorted(notes) if row not in rejected for f, m in notes[row]]
    if not rejected:  # every row valid (validation rejects only rows it names): no copy
        return _Part(result.incidents, list(mapped.origins), errors, warnings, [])
    valid_numbers = [n for n in range(first + 1, first + len(mapped.frame) + 1)
                     if n not in result.rejected_rows]
    keep = [i for i, n in enumerate(valid_numbers) if n not in rejected]
    return _Part(result.incidents.iloc[keep].reset_index(drop=True),
                 [mapped.origins[n - 1 - first] for n in valid_numbers if n not in rejected],
                 errors, warnings, sorted(rejected))


def _shown(mapped: Mapped, name: str) -> str:
    source_field = mapped.sources.get(name, name)
    return name if source_field == name else f"{source_field} ({name})"
