"""Incident rows as the stores keep them, and the logic both back ends share.

A stored row is a tuple of plain Python values in :data:`geo.schema.INCIDENT_COLUMNS`
order: dates as ``'YYYY-MM-DD'`` strings or None, coordinates as float or None,
counts as int or None, text as str ('' when empty). Comparing two rows is then exact
and the same in SQLite, PostgreSQL and JSON.
"""

from __future__ import annotations

import math
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
    result = validate_incidents(pd.DataFrame([strings], dtype=str), source=label)
    if result.errors:
        raise InvalidEdit(result.errors)
    row = frame_to_rows(result.incidents)[0]
    # A source's reversed casualty bounds are kept with a quality flag; an analyst who
    # types them is told instead.
    for low, high in _BOUNDS:
        lo, hi = row[COLUMN_INDEX[low]], row[COLUMN_INDEX[high]]
        typed = low in changes or high in changes
        if typed and lo is not None and hi is not None and lo > hi:  # type: ignore[operator]
            errors.append(RowError(label, None, high, f"{high} {hi} is below {low} {lo}"))
    if errors:
        raise InvalidEdit(errors)
    return row


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


def find_duplicates(candidates: pd.DataFrame, batch_ids: Iterable[str]) -> list[DuplicateFlag]:
    """Flag likely duplicates that involve at least one record of ``batch_ids``.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Columns ``id``, ``origin``, ``latitude``, ``longitude``, ``date_start``,
        ``date_end`` (ISO strings or None), ``event_type``, ``place``, ``country``:
        the new records and the stored ones they may duplicate.
    batch_ids : iterable of str
        Ids just imported or changed.

    Returns
    -------
    list of DuplicateFlag
        Pairs with different origins, the same event type, overlapping dates, and
        either within :data:`DUPLICATE_DISTANCE_KM` of each other or the same place name.
    """
    frame = candidates.dropna(subset=["date_start", "date_end"]).reset_index(drop=True)
    if len(frame) < 2:
        return []
    batch = set(batch_ids)
    frame["in_batch"] = frame["id"].isin(batch)
    frame["start"] = pd.to_datetime(frame["date_start"])
    frame["end"] = pd.to_datetime(frame["date_end"])
    frame["pkey"] = [place_key(p, c) for p, c in zip(frame["place"], frame["country"], strict=True)]
    pairs: dict[tuple[str, str], str] = {}
    left = frame[frame["in_batch"]]
    for kind, matched in (("place", _pairs_by_place(left, frame)),
                          ("near", _pairs_by_distance(left, frame))):
        for a, b, km in matched:
            key = (a, b) if a < b else (b, a)
            if key in pairs:
                continue
            if kind == "place":
                pairs[key] = "same event type, same place name, overlapping dates"
            else:
                pairs[key] = f"same event type, {km:.1f} km apart, overlapping dates"
    return [DuplicateFlag(a, b, reason) for (a, b), reason in sorted(pairs.items())]


def _keep(joined: pd.DataFrame) -> pd.DataFrame:
    keep = (
        (joined["id_l"] != joined["id_r"])
        & (joined["origin_l"] != joined["origin_r"])
        & (joined["start_l"] <= joined["end_r"])
        & (joined["start_r"] <= joined["end_l"])
    )
    return joined[keep]


def _pairs_by_place(left: pd.DataFrame, frame: pd.DataFrame) -> list[tuple[str, str, float]]:
    cols = ["id", "origin", "start", "end", "event_type", "pkey"]
    a = left.loc[left["pkey"] != "", cols]
    b = frame.loc[frame["pkey"] != "", cols]
    joined = _keep(a.merge(b, on=["event_type", "pkey"], suffixes=("_l", "_r")))
    return [(x, y, 0.0) for x, y in zip(joined["id_l"], joined["id_r"], strict=True)]


def _pairs_by_distance(left: pd.DataFrame, frame: pd.DataFrame) -> list[tuple[str, str, float]]:
    cols = ["id", "origin", "start", "end", "event_type", "latitude", "longitude"]
    a = left.loc[left["latitude"].notna(), cols].copy()
    b = frame.loc[frame["latitude"].notna(), cols].copy()
    if a.empty or b.empty:
        return []
    for part in (a, b):
        part["cy"] = np.floor(part["latitude"].astype(float) / _CELL_DEGREES).astype(int)
        part["cx"] = np.floor(part["longitude"].astype(float) / _CELL_DEGREES).astype(int)
    found: list[tuple[str, str, float]] = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            shifted = a.assign(cy=a["cy"] + dy, cx=a["cx"] + dx)
            joined = _keep(shifted.merge(b, on=["event_type", "cy", "cx"], suffixes=("_l", "_r")))
            if joined.empty:
                continue
            km = _haversine_km(
                joined["latitude_l"].to_numpy(float), joined["longitude_l"].to_numpy(float),
                joined["latitude_r"].to_numpy(float), joined["longitude_r"].to_numpy(float),
            )
            near = km <= DUPLICATE_DISTANCE_KM
            found.extend(
                zip(joined["id_l"][near], joined["id_r"][near], km[near].tolist(), strict=True)
            )
    return found


def _haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
