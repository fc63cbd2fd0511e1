"""Where likely duplicates of an import are looked for: through the store's indexes.

The records an import may duplicate are read in windows, never as every record of the
import's dates. The imported records are grouped in buckets of
:data:`WINDOW_DEGREES` by :data:`WINDOW_DEGREES` degrees and :data:`WINDOW_DAYS` days of
their first day; each bucket gives one window, its points' bounding box widened by
:data:`geo.store.records.DUPLICATE_DISTANCE_KM` and its dates, read through the spatial
index (the GeoPackage R-tree ``rtree_incidents_geom``, or PostGIS's GiST index on
``geom``) and the date condition. Records matched by place name (those without
coordinates, or far apart under one name) are read through an index on ``lower(place)``
and the dates. :func:`geo.store.records.find_duplicates` then pairs them, bounded per
record. All of it runs after the import's transaction, outside the write lock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.store.learned import Dialect
from geo.store.records import COLUMN_INDEX, DUPLICATE_DISTANCE_KM, Row

WINDOW_DEGREES = 1.0
"""Side of a spatial bucket of the imported records, in degrees."""
WINDOW_DAYS = 30
"""Length of a temporal bucket of the imported records (by first day), in days."""
_WINDOWS_PER_STATEMENT = 20
_NAMES_PER_STATEMENT = 400
_KM_PER_DEGREE_LATITUDE = 110.574
_KM_PER_DEGREE_LONGITUDE = 111.320  # at the equator


@dataclass(frozen=True)
class Window:
    """A box and a date range to read candidate duplicates from."""

    west: float
    south: float
    east: float
    north: float
    date_from: str
    date_to: str


@dataclass(frozen=True)
class Lookups:
    """What to read for one import: windows in space and time, and place names.

    Attributes
    ----------
    windows : list of Window
    names : dict
        Place name, lower-cased as the back end's ``lower()`` does -> (first day, last day).
    """

    windows: list[Window]
    names: dict[str, tuple[str, str]]

    def __bool__(self) -> bool:
        return bool(self.windows or self.names)


def lookups(rows: Iterable[Row], *, postgres: bool,
            distance_km: float = DUPLICATE_DISTANCE_KM) -> Lookups:
    """The windows and names to read for the dated records of an import.

    Parameters
    ----------
    rows : iterable of Row
        Records in :data:`geo.schema.INCIDENT_COLUMNS` order.
    postgres : bool
        Whether names are lower-cased as PostgreSQL does (all letters) or as SQLite
        does (ASCII letters only).
    distance_km : float
        How far apart two records may be and still be flagged.
    """
    boxes: dict[tuple[int, int, int], list[float | str]] = {}
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        start, end = row[COLUMN_INDEX["date_start"]], row[COLUMN_INDEX["date_end"]]
        if not start or not end:
            continue
        first, last = str(start)[:10], str(end)[:10]
        place = str(row[COLUMN_INDEX["place"]] or "").strip()
        if place:
            key = place.lower() if postgres else _ascii_lower(place)
            known = names.get(key, (first, last))
            names[key] = (min(known[0], first), max(known[1], last))
        lat, lon = row[COLUMN_INDEX["latitude"]], row[COLUMN_INDEX["longitude"]]
        if lat is None or lon is None or _nan(lat) or _nan(lon):
            continue
        y, x = float(lat), float(lon)  # type: ignore[arg-type]
        bucket = (math.floor(y / WINDOW_DEGREES), math.floor(x / WINDOW_DEGREES),
                  date.fromisoformat(first).toordinal() // WINDOW_DAYS)
        box = boxes.setdefault(bucket, [x, y, x, y, first, last])
        box[:4] = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
        box[4], box[5] = min(str(box[4]), first), max(str(box[5]), last)
    return Lookups([_widened(box, distance_km) for box in boxes.values()], names)


def read_candidates(
    read: Callable[[str, Sequence[object]], list[tuple[object, ...]]],
    dialect: Dialect,
    wanted: Lookups,
    columns: Sequence[str],
    exclude_origin: str | None,
) -> pd.DataFrame:
    """Read the stored records in the windows and under the names, once each.

    Parameters
    ----------
    read : callable
        Runs a read-only statement with parameters (the store's ``_run_read``).
    dialect : Dialect
        The back end's spelling (placeholders, table names).
    wanted : Lookups
    columns : sequence of str
        Columns to read, ``id`` first.
    exclude_origin : str, optional
        Leave out records of this origin (an import compares only with other sources).

    Returns
    -------
    pandas.DataFrame
    """
    m = dialect.mark
    if dialect.postgres:
        select = ", ".join(f"{c}::text" if c.startswith("date_") else c for c in columns)
        space = f"geom && ST_MakeEnvelope({m}, {m}, {m}, {m}, 4326)"
        dates = f"date_start <= {m}::date AND date_end >= {m}::date"
        # box and days through the one GiST index on both (incidents_space_time): the
        # date B-tree alone would read every record of the window's days across the store
        window = (f"{space} AND daterange(date_start, date_end, '[]') && "
                  f"daterange({m}::date, {m}::date, '[]') AND {dates}")
    else:
        select = ", ".join(columns)
        space = (f"fid IN (SELECT id FROM rtree_{dialect.incidents}_geom WHERE maxx >= {m} "
                 f"AND maxy >= {m} AND minx <= {m} AND miny <= {m})")
        dates = f"date_start <= {m} AND date_end >= {m}"
        window = f"{space} AND {dates}"
    other = f" AND origin <> {m}" if exclude_origin is not None else ""
    tail: list[object] = [exclude_origin] if exclude_origin is not None else []
    found: dict[object, tuple[object, ...]] = {}
    windows = wanted.windows
    for i in range(0, len(windows), _WINDOWS_PER_STATEMENT):
        chunk = windows[i:i + _WINDOWS_PER_STATEMENT]
        where = " OR ".join([f"({window})"] * len(chunk))
        params: list[object] = [v for w in chunk for v in (w.west, w.south, w.east, w.north,
                                                           *_days(w, dialect.postgres))]
        statement = f"SELECT {select} FROM {dialect.incidents} WHERE ({where}){other}"
        found.update((r[0], r) for r in read(statement, params + tail))
    names = sorted(wanted.names.items())
    for i in range(0, len(names), _NAMES_PER_STATEMENT):
        named = names[i:i + _NAMES_PER_STATEMENT]
        first = min(span[0] for _, span in named)
        last = max(span[1] for _, span in named)
        statement = (f"SELECT {select} FROM {dialect.incidents} WHERE lower(place) IN "
                     f"({dialect.marks(len(named))}) AND {dates}{other}")
        found.update((r[0], r) for r in read(statement, [n for n, _ in named] + [last, first]
                                             + tail))
    return pd.DataFrame(list(found.values()), columns=list(columns))


def _days(window: Window, postgres: bool) -> tuple[str, ...]:
    """The date parameters of one window's condition (see :func:`read_candidates`)."""
    plain = (window.date_to, window.date_from)
    return (window.date_from, window.date_to, *plain) if postgres else plain


def _widened(box: list[float | str], km: float) -> Window:
    west, south, east, north = (float(v) for v in box[:4])
    dy = km / _KM_PER_DEGREE_LATITUDE
    widest = min(max(abs(south), abs(north)) + dy, 89.9)
    dx = km / (_KM_PER_DEGREE_LONGITUDE * math.cos(math.radians(widest)))
    return Window(max(west - dx, -180.0), max(south - dy, -90.0), min(east + dx, 180.0),
                  min(north + dy, 90.0), str(box[4]), str(box[5]))


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
