"""Incident rows as the stores keep them, and the logic both back ends share.

A stored row is a tuple of plain Python values in :data:`geo.schema.INCIDENT_COLUMNS`
order: dates as ``'YYYY-MM-DD'`` strings or None, coordinates as float or None,
counts as int or None, text as str ('' when empty). Comparing two rows is then exact
and the same in SQLite, PostgreSQL and JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocoding.names import basic_key
from geo.schema import (
    INCIDENT_COLUMNS,
    INTEGER_COLUMNS,
    RowError,
    empty_incidents,
    validate_incidents,
)

Row = tuple[object, ...]

DATE_COLUMNS: tuple[str, ...] = ("date_start", "date_end")
FLOAT_COLUMNS: tuple[str, ...] = ("latitude", "longitude")
INT_COLUMNS: tuple[str, ...] = INTEGER_COLUMNS
COLUMN_INDEX: dict[str, int] = {c: i for i, c in enumerate(INCIDENT_COLUMNS)}
_BOUNDS = (("killed_min", "killed_max"), ("injured_min", "injured_max"),
           ("casualties_min", "casualties_max"))

#: Two incidents of different origins are likely duplicates when they have the same
#: event type, overlapping dates, and lie within this distance (or share a place name).
DUPLICATE_DISTANCE_KM = 5.0
#: Most likely-duplicate flags one imported record gets (nearest in time first).
DUPLICATE_FLAGS_PER_RECORD = 10
#: Most candidates examined per imported record in one spatial bucket.
DUPLICATE_SCAN = 200
_CELL_DEGREES = 0.1
_EARTH_RADIUS_KM = 6371.0088


class InvalidEdit(ValueError):
    """An edit would make the record invalid; ``errors`` says why."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


class EditConflict(RuntimeError):
    """The record changed since the analyst read it (see ``expected`` in edits)."""


@dataclass(frozen=True)
class Change:
    """One field of one record changed: the stuff of a history row."""

    incident_id: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Conflict:
    """An updated source changed a field that an analyst had corrected; the correction stays."""

    incident_id: str
    field: str
    kept: str
    incoming: str


@dataclass(frozen=True)
class DuplicateFlag:
    """Two records from different origins that probably describe one event."""

    id_a: str
    id_b: str
    reason: str


def text(value: object) -> str:
    """Render a stored value as the text a history row keeps ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _column_values(frame: pd.DataFrame, column: str) -> list[object]:
    if column not in frame:
        return [None] * len(frame) if column not in _TEXT_SET else [""] * len(frame)
    values = frame[column]
    if column in DATE_COLUMNS:
        stamps = pd.to_datetime(values)
        out = stamps.dt.strftime("%Y-%m-%d").astype(object)
        return out.where(stamps.notna(), None).tolist()
    if column in FLOAT_COLUMNS:
        numbers = pd.to_numeric(values).astype("float64")
        return [None if math.isnan(v) else float(v) for v in numbers.tolist()]
    if column in INT_COLUMNS:
        numbers = pd.array(values, dtype="Int64").astype("float64")
        return [None if v != v else int(v) for v in numbers.tolist()]
    return values.fillna("").astype(object).tolist()


_TEXT_SET = set(INCIDENT_COLUMNS) - set(DATE_COLUMNS) - set(FLOAT_COLUMNS) - set(INT_COLUMNS)


def frame_to_rows(frame: pd.DataFrame) -> list[Row]:
    """Turn a typed incident frame (see :mod:`geo.schema`) into stored rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        Valid incidents with :data:`geo.schema.INCIDENT_COLUMNS`.

    Returns
    -------
    list of tuple
    """
    columns = [_column_values(frame, c) for c in INCIDENT_COLUMNS]
    return list(zip(*columns, strict=True)) if len(frame) else []


def rows_to_frame(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Turn stored rows back into the typed frame :mod:`geo.schema` produces.

    Parameters
    ----------
    rows : sequence of sequences
        Values in :data:`geo.schema.INCIDENT_COLUMNS` order (dates may be ISO strings
        or ``datetime.date``).

    Returns
    -------
    pandas.DataFrame
    """
    if not rows:
        return empty_incidents()
    raw = pd.DataFrame.from_records(list(rows), columns=list(INCIDENT_COLUMNS))
    template = empty_incidents().dtypes
    out = pd.DataFrame(index=raw.index)
    for column in INCIDENT_COLUMNS:
        values = raw[column]
        if column in DATE_COLUMNS:
            out[column] = pd.to_datetime(values.astype(object), format="ISO8601").astype(
                template[column]
            )
        elif column in FLOAT_COLUMNS:
            out[column] = pd.to_numeric(values).astype("float64")
        elif column in INT_COLUMNS:
            out[column] = pd.array(values.astype(object), dtype="Int64")
        else:
            out[column] = values.fillna("").astype(str)
    return out


def pad_row(row: Sequence[object]) -> Row:
    """A stored row of an older, shorter layout, with the columns added since left empty."""
    missing = INCIDENT_COLUMNS[len(row):]
    return (*row, *(("" if c in _TEXT_SET else None) for c in missing))


def row_strings(row: Row) -> dict[str, str]:
    """The raw strings of a stored row, as :func:`geo.schema.validate_incidents` reads them."""
    return {c: text(v) for c, v in zip(INCIDENT_COLUMNS, row, strict=True)}


def apply_edit(incident_id: str, current: Row, changes: Mapping[str, object]) -> Row:
    """Validate ``current`` with ``changes`` applied, and return the new row.

    Parameters
    ----------
    incident_id : str
    current : tuple
        The stored row.
    changes : mapping
        Field to new value (a string as an analyst types it, a number, a date, or None).

    Returns
    -------
    tuple

    Raises
    ------
    InvalidEdit
        When a field is unknown or read-only, or the record would not validate.
    """
    label = f"edit of {incident_id}"
    strings = _edited(incident_id, current, changes)
    result = validate_incidents(pd.DataFrame([strings], dtype=str), source=label)
    if result.errors:
        raise InvalidEdit(result.errors)
    return _checked(label, frame_to_rows(result.incidents)[0], changes)


def apply_edits(edits: Sequence[tuple[str, Row, Mapping[str, object]]]) -> list[Row]:
    """:func:`apply_edit` of many records, validated together (one frame, not one per
    record: a place of 73 records took 4 s to undo at 1M, most of it in 73 one-row
    validations); a record that fails is validated alone, so the error is its own.

    Parameters
    ----------
    edits : sequence of tuple
        ``(incident_id, current, changes)`` as :func:`apply_edit` takes them.

    Returns
    -------
    list of tuple
        The new rows, in order.

    Raises
    ------
    InvalidEdit
        As :func:`apply_edit`, for the first record that fails.
    """
    if len(edits) < 2:
        return [apply_edit(*edit) for edit in edits]
    strings = [_edited(*edit) for edit in edits]
    result = validate_incidents(pd.DataFrame(strings, dtype=str), source="edits")
    if result.errors:
        bad = result.errors[0].row
        apply_edit(*edits[(bad or 1) - 1])  # raises that record's own error
        raise InvalidEdit(result.errors)
    rows = frame_to_rows(result.incidents)
    return [_checked(f"edit of {incident_id}", row, changes)
            for (incident_id, _, changes), row in zip(edits, rows, strict=True)]


def _edited(incident_id: str, current: Row, changes: Mapping[str, object]) -> dict[str, str]:
    """The raw strings of ``current`` with ``changes`` applied (a field unknown or
    read-only raises :class:`InvalidEdit`)."""
    errors: list[RowError] = []
    strings = row_strings(current)
    label = f"edit of {incident_id}"
    for field_name, value in changes.items():
        if field_name not in COLUMN_INDEX:
            errors.append(RowError(label, None, field_name, "not a field of an incident"))
        elif field_name == "id":
            errors.append(RowError(label, None, "id", "the id of a record cannot change"))
        else:
            strings[field_name] = _edit_text(value)
    if errors:
        raise InvalidEdit(errors)
    return strings


def _checked(label: str, row: Row, changes: Mapping[str, object]) -> Row:
    """An edited row past the checks of what an analyst typed (casualty bounds and
    the best estimate)."""
    errors: list[RowError] = []
    # A source's reversed casualty bounds are kept with a quality flag; an analyst who
    # types them is told instead.
    for low, high in _BOUNDS:
        lo, hi = row[COLUMN_INDEX[low]], row[COLUMN_INDEX[high]]
        typed = low in changes or high in changes
        if typed and lo is not None and hi is not None and lo > hi:  # type: ignore[operator]
            errors.append(RowError(label, None, high, f"{high} {hi} is below {low} {lo}"))
    if low_high_or_best_typed(changes):
        errors.extend(_best_outside(label, row))
        row = _without_stale_best_flag(row)
    if errors:
        raise InvalidEdit(errors)
    return row


#: The import's flag of a UCDP best estimate outside its low-high range
#: (:func:`geo.io.mappings` writes it; an analyst's correction settles it).
_BEST_FLAG = re.compile(r"^UCDP best estimate \S+ outside low–high \S*–\S*$")


def low_high_or_best_typed(changes: Mapping[str, object]) -> bool:
    """Whether an edit sets the killed range or the best estimate."""
    return bool({"killed_min", "killed_max", "killed_best"} & set(changes))


def _best_outside(label: str, row: Row) -> list[RowError]:
    """An analyst's killed figures in which the best estimate lies outside the range
    (trial 22: Killed corrected to 4-6, best estimate left at 3 and still counted)."""
    best = row[COLUMN_INDEX["killed_best"]]
    bounds = [b for b in (row[COLUMN_INDEX["killed_min"]], row[COLUMN_INDEX["killed_max"]])
              if b is not None]
    if best is None or not bounds:
        return []
    low, high = min(bounds), max(bounds)  # type: ignore[type-var]
    if low <= best <= high:  # type: ignore[operator]
        return []
    span = f"{low}" if low == high else f"{low}–{high}"
    return [RowError(label, None, "killed_best",
                     f"killed_best {best} is outside the killed range {span}: correct the "
                     "best estimate too, or empty it")]


def _without_stale_best_flag(row: Row) -> Row:
    """``row`` without the import's best-estimate flag (its figures now agree)."""
    at = COLUMN_INDEX["quality"]
    flags = [f for f in str(row[at] or "").split("; ") if f and not _BEST_FLAG.match(f)]
    return (*row[:at], "; ".join(flags), *row[at + 1:])


def _edit_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def diff(incident_id: str, before: Row, after: Row) -> list[Change]:
    """Field-level changes from ``before`` to ``after``."""
    return [
        Change(incident_id, c, text(b), text(a))
        for c, b, a in zip(INCIDENT_COLUMNS, before, after, strict=True)
        if b != a
    ]


def merge_import(
    incident_id: str, incoming: Row, current: Row, base: Row | None
) -> tuple[Row, list[Change], list[Conflict]]:
    """Three-way merge of a re-imported record into the stored one.

    ``base`` is the record as last imported. A field the source did not change keeps
    its stored value (an analyst's correction survives re-import); a field the source
    changed takes the new value, unless an analyst changed it too, which is a conflict
    and keeps the analyst's value.

    Returns
    -------
    tuple
        The merged row, its changes, and the conflicts.
    """
    if base is None:
        base = current
    merged = list(current)
    conflicts: list[Conflict] = []
    for i, column in enumerate(INCIDENT_COLUMNS):
        new, old, mine = incoming[i], base[i], current[i]
        if new in (old, mine):
            continue
        if mine == old:
            merged[i] = new
        else:
            conflicts.append(Conflict(incident_id, column, text(mine), text(new)))
    row = tuple(merged)
    return row, diff(incident_id, current, row), conflicts


def place_key(place: str, country: str) -> str:
    """Key under which two place names count as the same place."""
    key = basic_key(place) if place else ""
    return f"{country.upper()}|{key}" if key else ""


def find_duplicates(
    candidates: pd.DataFrame,
    batch_ids: Iterable[str],
    *,
    per_record: int | None = None,
    scan: int | None = None,
) -> list[DuplicateFlag]:
    """Flag likely duplicates that involve at least one record of ``batch_ids``.

    Records are put in spatial buckets (the same event type and either the same place
    name, or the same 0.1-degree cell and its neighbours) and, within a bucket, sorted
    by first day: each new record looks back from the last candidate that starts before
    it ends; of the candidates found, the nearest in time (then in space) are flagged.
    The work and the flags are bounded: at most ``scan`` candidates looked at per record
    and bucket and ``per_record`` flags per record, so a thousand reports of one place
    and week cost no more than a few.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Columns ``id``, ``origin``, ``latitude``, ``longitude``, ``date_start``,
        ``date_end`` (ISO strings or None), ``event_type``, ``place``, ``country``:
        the new records and the stored ones they may duplicate.
    batch_ids : iterable of str
        Ids just imported or changed.
    per_record : int, optional
        Most flags per new record (:data:`DUPLICATE_FLAGS_PER_RECORD`).
    scan : int, optional
        Most candidates examined per new record and bucket (:data:`DUPLICATE_SCAN`).

    Returns
    -------
    list of DuplicateFlag
        Pairs with different origins, the same event type, overlapping dates, and
        either within :data:`DUPLICATE_DISTANCE_KM` of each other or the same place name.
    """
    per_record = DUPLICATE_FLAGS_PER_RECORD if per_record is None else per_record
    scan = DUPLICATE_SCAN if scan is None else scan
    frame = candidates.dropna(subset=["date_start", "date_end"])
    frame = frame.drop_duplicates(subset=["id"]).reset_index(drop=True)
    if len(frame) < 2:
        return []
    batch = set(batch_ids)
    ids = frame["id"].astype(str).to_numpy(object)
    origins = frame["origin"].astype(str).to_numpy(object)
    start = pd.to_datetime(frame["date_start"]).to_numpy("datetime64[D]").astype(np.int64)
    end = pd.to_datetime(frame["date_end"]).to_numpy("datetime64[D]").astype(np.int64)
    lat = pd.to_numeric(frame["latitude"]).to_numpy(float)
    lon = pd.to_numeric(frame["longitude"]).to_numpy(float)
    kinds = frame["event_type"].astype(str).to_numpy(object)
    pkeys = [place_key(p, c) for p, c in zip(frame["place"], frame["country"], strict=True)]
    placed = ~(np.isnan(lat) | np.isnan(lon))
    cy = np.where(placed, np.floor(np.nan_to_num(lat) / _CELL_DEGREES), 0).astype(int)
    cx = np.where(placed, np.floor(np.nan_to_num(lon) / _CELL_DEGREES), 0).astype(int)

    # Bucket -> origin -> rows sorted by first day (only other origins are candidates).
    buckets: dict[tuple[object, ...], list[int]] = {}
    for i in range(len(frame)):
        if pkeys[i]:
            buckets.setdefault(("p", kinds[i], pkeys[i], origins[i]), []).append(i)
        if placed[i]:
            buckets.setdefault(("c", kinds[i], cy[i], cx[i], origins[i]), []).append(i)
    order = {
        key: (np.array(sorted(rows, key=lambda r: (start[r], ids[r])), dtype=int))
        for key, rows in buckets.items()
    }
    sorted_starts = {key: start[rows] for key, rows in order.items()}
    origins_of: dict[tuple[object, ...], list[str]] = {}
    for key in order:
        origins_of.setdefault(key[:-1], []).append(str(key[-1]))

    pairs: dict[tuple[str, str], str] = {}
    for i in [k for k, one in enumerate(ids) if one in batch]:  # np.isin on str: slow
        places: list[tuple[object, ...]] = []
        if pkeys[i]:
            places.append(("p", kinds[i], pkeys[i]))
        if placed[i]:
            places.extend(("c", kinds[i], cy[i] + dy, cx[i] + dx)
                          for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        keys = [(*place, other) for place in places
                for other in origins_of.get(place, []) if other != origins[i]]
        # Up to ``scan`` candidates per bucket, then the nearest in time (then in space).
        found: dict[int, tuple[int, float, str]] = {}
        for key in keys:
            rows = order[key]
            top = int(np.searchsorted(sorted_starts[key], end[i], side="right"))
            for j in rows[max(0, top - scan):top].tolist():
                if ids[j] == ids[i] or origins[j] == origins[i] or end[j] < start[i]:
                    continue
                if key[0] == "p":
                    km, reason = 0.0, "same event type, same place name, overlapping dates"
                else:
                    km = _km(lat[i], lon[i], lat[j], lon[j])
                    if km > DUPLICATE_DISTANCE_KM:
                        continue
                    reason = f"same event type, {km:.1f} km apart, overlapping dates"
                days = abs(int(start[j]) - int(start[i]))
                if j not in found or (days, km) < found[j][:2]:
                    found[j] = (days, km, reason)
        nearest = sorted(found.items(), key=lambda kv: (kv[1][:2], ids[kv[0]]))
        for j, (_, _, reason) in nearest[:per_record]:
            pair = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
            pairs.setdefault(pair, reason)
    return [DuplicateFlag(a, b, reason) for (a, b), reason in sorted(pairs.items())]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


IMPORTED = "(import)"
"""``field`` of the history row of a whole import (no incident_id; the counts, the file)."""


def import_counts(new: Sequence[str], updated: Sequence[str], unchanged: Sequence[str],
                  rejected: int) -> str:
    """The counts of an import as its history row keeps them."""
    return (f"{len(new):,} new, {len(updated):,} updated, {len(unchanged):,} unchanged, "
            f"{rejected:,} rejected")
