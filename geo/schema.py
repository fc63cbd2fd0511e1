"""The incident record: columns, enumerations and row-level validation.

Files are read by :mod:`geo.io` (one reader for imports, the shown file and the seed:
:func:`geo.io.load.read_incidents`); this module validates the rows they hold.

Validation never drops a row silently: every rejected row comes back as one or
more :class:`RowError` naming the file, the row and the field, and every valid
row is kept.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from geo.vocab import CLAIM_STATUSES, DATE_PRECISIONS, EVENT_TYPES

if TYPE_CHECKING:  # pandas is imported where frames are built: not on the extractor's start path
    import pandas as pd

CASUALTY_COLUMNS: tuple[str, ...] = (
    "killed_min",
    "killed_max",
    "injured_min",
    "injured_max",
    "casualties_min",
    "casualties_max",
)
"""Casualty bounds; empty means unknown, never 0. ``casualties_*`` counts dead and
injured together, for sources that do not separate them."""

SIDE_DEATH_COLUMNS: tuple[str, ...] = (
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
)
"""Deaths by side, as UCDP GED splits its best estimate (side A, side B, civilians,
unknown); other sources may give civilian deaths. Empty means not given."""

SOURCE_COLUMNS: tuple[str, ...] = (
    "type_of_violence",
    "source_event_type",
    "source_sub_event_type",
    *SIDE_DEATH_COLUMNS,
    "location_uncertainty_km",
)
"""The sources' own categories, kept beside ours: UCDP's ``type_of_violence`` (1
state-based, 2 non-state, 3 one-sided), ACLED's event and sub-event types, deaths by
side, and the radius (whole km) the source says its point may be off by."""

BEST_COLUMN = "killed_best"
"""The source's best estimate of the killed, one figure (UCDP GED ``best``); empty where
the source gives none. It stands beside the killed range, never inside it."""

INTEGER_COLUMNS: tuple[str, ...] = (
    "geo_precision",
    *CASUALTY_COLUMNS,
    "type_of_violence",
    *SIDE_DEATH_COLUMNS,
    "location_uncertainty_km",
    BEST_COLUMN,
)
"""Columns holding whole numbers (Int64, empty allowed)."""

INCIDENT_COLUMNS: tuple[str, ...] = (
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "date_note",
    "place",
    "country",
    "admin1",
    "latitude",
    "longitude",
    "geo_precision",
    "geocode_source",
    "event_type",
    "actors",
    *CASUALTY_COLUMNS,
    "description",
    "source_name",
    "source_url",
    "claimed_by",
    "claim_status",
    "quote",
    *SOURCE_COLUMNS,
    "quality",
    "admin2",
    BEST_COLUMN,
)
"""Every column of an incident record, in file order (columns added later come last, so
that rows stored before they existed read back by position). ``quality`` holds
data-quality flags (``; ``-separated): inconsistencies in a usable record that is kept
as given, e.g. ``killed_max 7 is below killed_min 8``; validation recomputes them.
``admin2`` is the district the source names (UCDP ``adm_2``, ACLED ``admin2``), as
written: the geocoder checks candidates against it. ``killed_best`` is the source's best
estimate of the killed (:data:`BEST_COLUMN`)."""

_TYPED_COLUMNS = frozenset({"date_start", "date_end", "latitude", "longitude", *INTEGER_COLUMNS})
TEXT_COLUMNS: tuple[str, ...] = tuple(c for c in INCIDENT_COLUMNS if c not in _TYPED_COLUMNS)
"""Columns kept as text (dates, coordinates and counts are parsed)."""

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "event_type", "claim_status")

#: Earliest year an incident date may have; the latest is next year.
MIN_YEAR = 1900

_REVERSED_FLAG = re.compile(r"^(killed|injured|casualties)_max \d+ is below \1_min \d+$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
_ISO_YEAR = re.compile(r"^\d{4}$")
_MAX_COUNT = 2**53  # casualty counts beyond this are typos (and overflow Int64)


@dataclass(frozen=True)
class RowError:
    """One problem found in one row of an input file.

    Attributes
    ----------
    source : str
        File name (or another label of the input).
    row : int or None
        1-based data row (the header is not counted); None for file-level errors.
    field : str
        Column at fault ('' for the whole row or file).
    message : str
        What is wrong, in words an analyst can act on.
    """

    source: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}, row {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass
class LoadResult:
    """Valid incidents and the errors of the rows that were not.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Valid rows with :data:`INCIDENT_COLUMNS`, typed.
    errors : list of RowError
        Every problem found; a row with errors is not in ``incidents``.
    rejected_rows : list of int
        1-based numbers of the rows left out.
    """

    incidents: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)


def empty_incidents() -> pd.DataFrame:
    """Return an empty, typed incident frame."""
    import pandas as pd

    return _typed(pd.DataFrame({c: [] for c in INCIDENT_COLUMNS}))


_CHUNK_ROWS = 10_000
"""Rows validated at a time (see :func:`validate_incidents`)."""


def validate_incidents(
    raw: pd.DataFrame, source: str = "input", *, first: int = 0,
    seen_ids: dict[str, int] | None = None,
) -> LoadResult:
    """Validate raw string columns into typed incident records.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per incident, values as strings (missing columns are allowed
        except :data:`REQUIRED_COLUMNS`).
    source : str
        Label used in error messages (usually the file name).
    first : int
        Rows of the file before ``raw`` (a chunk of a file): its rows are numbered from
        ``first + 1``.
    seen_ids : dict, optional
        Ids of valid rows met before (in earlier chunks) -> their row number; the ids of
        this call's valid rows are added, so that a later duplicate is named.

    Returns
    -------
    LoadResult
    """
    import pandas as pd

    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        message = f"missing required column(s): {', '.join(missing)}"
        return LoadResult(empty_incidents(), [RowError(source, None, "", message)])
    errors: list[RowError] = []
    rejected: list[int] = []
    seen_ids = {} if seen_ids is None else seen_ids
    typed: list[pd.DataFrame] = []
    # In chunks: the rows as dicts (and the records made from them) of a million-row
    # file would otherwise all be alive at once, gigabytes more than the typed frame.
    for start in range(0, max(len(raw), 1), _CHUNK_ROWS):
        records: list[dict[str, object]] = []
        chunk = raw.iloc[start:start + _CHUNK_ROWS]
        for number, row in enumerate(chunk.to_dict("records"), start=first + start + 1):
            row_errors: list[tuple[str, str]] = []
            record = _validate_row(
                {k: str(v).strip() for k, v in row.items()}, row_errors
            )
            incident_id = str(record.get("id") or "")
            if incident_id and incident_id in seen_ids:
                row_errors.append(
                    ("id", f"duplicate id {incident_id!r} "
                           f"(first used in row {seen_ids[incident_id]})")
                )
            if row_errors:
                rejected.append(number)
                errors.extend(RowError(source, number, f, m) for f, m in row_errors)
                continue
            seen_ids[incident_id] = number
            records.append(record)
        typed.append(_typed(pd.DataFrame.from_records(records, columns=list(INCIDENT_COLUMNS))))
        del records
    frame = typed[0] if len(typed) == 1 else pd.concat(typed, ignore_index=True)
    return LoadResult(frame, errors, rejected)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for column in INCIDENT_COLUMNS:
        values = frame[column] if column in frame else pd.Series(index=frame.index)
        if column in ("date_start", "date_end"):
            out[column] = pd.to_datetime(values, errors="raise").astype("datetime64[s]")
        elif column in ("latitude", "longitude"):
            out[column] = pd.to_numeric(values).astype("float64")
        elif column in INTEGER_COLUMNS:
            out[column] = pd.array(values, dtype="Int64")
        else:
            out[column] = values.fillna("").astype(str)
    return out.reset_index(drop=True)


def _validate_row(row: dict[str, str], errors: list[tuple[str, str]]) -> dict[str, object]:
    record: dict[str, object] = {c: row.get(c, "") for c in TEXT_COLUMNS}
    if row.get("_geometry_error"):  # the column is "" for the other features
        errors.append(("geometry", row["_geometry_error"]))
    for column, value in row.items():
        if "\x00" in value:
            errors.append((column, "contains a NUL byte (0x00), which no store can keep; "
                           "remove it"))
    if not record["id"]:
        errors.append(("id", "empty id"))
    _check_enum(record, "event_type", EVENT_TYPES, errors)
    _check_enum(record, "claim_status", CLAIM_STATUSES, errors)
    record["country"] = str(record["country"]).upper()
    start, end, precision = _parse_dates(row, errors)
    record.update(date_start=start, date_end=end, date_precision=precision)
    record.update(_parse_location(row, errors))
    for column in (*CASUALTY_COLUMNS, *SIDE_DEATH_COLUMNS, "location_uncertainty_km",
                   BEST_COLUMN):
        record[column] = _parse_count(row.get(column, ""), column, errors)
    violence = row.get("type_of_violence", "")
    record["type_of_violence"] = None
    if violence in ("1", "2", "3"):
        record["type_of_violence"] = int(violence)
    elif violence:
        errors.append(("type_of_violence",
                       f"{violence!r} is not 1 (state-based), 2 (non-state) or 3 (one-sided)"))
    kept = [f for f in str(record["quality"]).split("; ") if f and not _REVERSED_FLAG.match(f)]
    flags: list[str] = []
    for low, high in (("killed_min", "killed_max"), ("injured_min", "injured_max"),
                      ("casualties_min", "casualties_max")):
        lo, hi = record[low], record[high]
        if lo is not None and hi is not None and lo > hi:  # type: ignore[operator]
            # A usable record: kept as the source gives it, with a visible flag.
            flags.append(f"{high} {hi} is below {low} {lo}")
    record["quality"] = "; ".join(flags + kept)
    url = str(record["source_url"])
    if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
        errors.append(("source_url", f"not an http(s) link: {url[:80]!r}"))
    return record


def _check_enum(
    record: dict[str, object], column: str, allowed: Iterable[str], errors: list[tuple[str, str]]
) -> None:
    value = " ".join(str(record[column]).lower().replace("_", " ").split())
    allowed = tuple(allowed)
    if value not in allowed:
        shown = repr(record[column]) if record[column] else "empty"
        errors.append((column, f"{shown} is not one of: {', '.join(allowed)}"))
    record[column] = value


def _parse_dates(
    row: dict[str, str], errors: list[tuple[str, str]]
) -> tuple[date | None, date | None, str]:
    raw_start, raw_end = row.get("date_start", ""), row.get("date_end", "")
    precision = row.get("date_precision", "").lower()
    if precision and precision not in DATE_PRECISIONS:
        errors.append(
            ("date_precision", f"{precision!r} is not one of: {', '.join(DATE_PRECISIONS)}")
        )
        return None, None, precision
    if not raw_start and not raw_end:
        if precision not in ("", "unknown"):
            errors.append(("date_start", f"empty, but date_precision is {precision!r}"))
        return None, None, "unknown"
    if precision == "unknown":
        errors.append(("date_precision", "'unknown' but dates are given"))
        return None, None, precision
    start_lo, start_hi, start_kind = _parse_one_date(
        raw_start or raw_end, "date_start" if raw_start else "date_end", errors
    )
    if raw_start and raw_end:
        _, end_hi, end_kind = _parse_one_date(raw_end, "date_end", errors)
    else:  # one date given: it is both ends (and any error is reported once, for its column)
        end_hi, end_kind = start_hi, start_kind
    if start_lo is None or end_hi is None:
        return None, None, precision or "unknown"
    start, end = start_lo, end_hi
    if start > end:
        errors.append(("date_end", f"date_end {end} is before date_start {start}"))
        return None, None, precision
    implied = _implied_precision(start, end, start_kind, end_kind)
    if not precision:
        precision = implied
    elif precision == "day" and start != end:
        errors.append(("date_precision", f"'day' but the dates span {start} to {end}"))
    elif precision in ("month", "year") and implied != precision:
        errors.append(
            ("date_precision", f"{precision!r} but {start} to {end} is not one whole {precision}")
        )
    return start, end, precision


def _implied_precision(start: date, end: date, start_kind: str, end_kind: str) -> str:
    if start == end:
        return "day"
    same_month = (start.year, start.month) == (end.year, end.month)
    if same_month and start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        return "month"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "year"
    return "range"


def _parse_one_date(
    value: str, column: str, errors: list[tuple[str, str]]
) -> tuple[date | None, date | None, str]:
    """Parse an ISO day, month or year into the first and last day it covers."""
    parsed: tuple[date, date, str] | None = None
    try:
        if _ISO_DAY.match(value):
            day = date.fromisoformat(value)
            parsed = day, day, "day"
        elif _ISO_MONTH.match(value):
            year, month = int(value[:4]), int(value[5:7])
            last = calendar.monthrange(year, month)[1]
            parsed = date(year, month, 1), date(year, month, last), "month"
        elif _ISO_YEAR.match(value):
            year = int(value)
            parsed = date(year, 1, 1), date(year, 12, 31), "year"
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append((column, f"{value!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)"))
        return None, None, ""
    latest = date.today().year + 1
    if not MIN_YEAR <= parsed[0].year <= latest:
        errors.append((column, f"{value!r}: year {parsed[0].year} is outside {MIN_YEAR}–{latest}"
                       " (a typo?)"))
        return None, None, ""
    return parsed


def _parse_location(row: dict[str, str], errors: list[tuple[str, str]]) -> dict[str, object]:
    raw_lat, raw_lon = row.get("latitude", ""), row.get("longitude", "")
    raw_precision = row.get("geo_precision", "")
    out: dict[str, object] = {"latitude": None, "longitude": None, "geo_precision": None}
    if raw_precision:
        if raw_precision in ("1", "2", "3", "4"):
            out["geo_precision"] = int(raw_precision)
        else:
            errors.append(("geo_precision", f"{raw_precision!r} is not 1, 2, 3 or 4"))
    if not raw_lat and not raw_lon:
        return out
    if not raw_lat or not raw_lon:
        column = "latitude" if not raw_lat else "longitude"
        errors.append((column, "empty while the other coordinate is given"))
        return out
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        errors.append(("latitude", f"coordinates {raw_lat!r}, {raw_lon!r} are not numbers"))
        return out
    if not (-90.0 <= lat <= 90.0) or lat != lat:
        errors.append(("latitude", f"{raw_lat} is outside -90..90"))
    elif not (-180.0 <= lon <= 180.0) or lon != lon:
        errors.append(("longitude", f"{raw_lon} is outside -180..180"))
    elif lat == 0.0 and lon == 0.0:
        errors.append(("latitude", "0, 0 is a placeholder, not a location"))
    else:
        out.update(latitude=lat, longitude=lon)
        if out["geo_precision"] is None:
            out["geo_precision"] = 1
    return out


def _parse_count(value: str, column: str, errors: list[tuple[str, str]]) -> int | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        errors.append((column, f"{value!r} is not a number"))
        return None
    if not 0 <= number <= _MAX_COUNT or number != int(number):
        errors.append((column, f"{value!r} is not a whole number of people"))
        return None
    return int(number)
