"""Places learned from the analyst's own datasets.

A record that carries both a place name and coordinates given by its source (an ACLED
``location``, a UCDP ``where_coordinates`` with ``where_prec`` 1, a row of this
project's layout at exact precision) says where that name is. The store keeps one row
per (name, country, admin1, point, precision, source dataset) with the number of
records behind it (:data:`LEARNED_COLUMNS`); the geocoder reads them through a
:class:`LearnedPlaceSource` (the store, or :class:`LearnedPlaces` in memory) and ranks
them with the gazetteer, showing where each came from. An analyst can switch a source
dataset off (``enabled`` False): its places are then ignored.

Coordinates the geocoder itself produced are never learned from (that would only
repeat its own answers): a record is learned from only when ``geocode_source`` is
``given`` (:data:`TEACHING_SOURCES`), or ``analyst`` at the point a place correction in
force put its name (:data:`CORRECTED_SOURCE`): a place moved whole on the Review page
teaches where the place is, while one incident's marker moved on the map page says
where that incident was (a strike on the outskirts), not where the place is, and
teaches nothing (trial 27). Which precisions teach depends on the source dataset
(:data:`LEARN_RULES`): exact points everywhere; ACLED's "near" points (its precision 2);
UCDP's points within 25 km (``where_prec`` 2, precision 2 with a stated radius), which teach an
*approximate* place ("Eastern Ghouta" at the point UCDP gives it), never an exact one.
The store applies the same rule in SQL (:func:`rule_clauses`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from geo.geocoding.compound import ParsedPlace, parse_place
from geo.geocoding.names import name_key

#: Columns of the learned-places table.
LEARNED_COLUMNS: tuple[str, ...] = (
    "name", "country", "admin1", "latitude", "longitude", "precision", "source", "records",
    "enabled",
)
#: What teaches, per source dataset: (geo_precision, needs a stated radius) pairs. A
#: precision listed with True teaches only when the record states its radius
#: (``location_uncertainty_km``): UCDP's ``where_prec`` 2 ("within 25 km") does, its
#: district answers (``where_prec`` 3, also precision 2) do not.
LEARN_RULES: dict[str, tuple[tuple[int, bool], ...]] = {
    "acled": ((1, False), (2, False)),
    "ucdp": ((1, False), (2, True)),
}
#: What teaches in every other dataset: exact points only.
DEFAULT_RULE: tuple[tuple[int, bool], ...] = ((1, False),)
#: ``geocode_source`` values of coordinates that came from the record's source.
GIVEN_SOURCES: tuple[str, ...] = ("given", "")
#: ``geocode_source`` values of coordinates that teach wherever they are: the source's.
TEACHING_SOURCES: tuple[str, ...] = GIVEN_SOURCES
#: ``geocode_source`` of an analyst's point: it teaches only where a place correction in
#: force put the record's name (the place moved whole), never where one record was moved.
CORRECTED_SOURCE = "analyst"
#: Incident fields whose change may change what a record teaches.
LEARN_FIELDS: frozenset[str] = frozenset({
    "place", "country", "admin1", "latitude", "longitude", "geo_precision", "geocode_source",
    "location_uncertainty_km",
})
#: Columns of the learned sources table (:meth:`LearnedPlaceSource` of the store).
SOURCE_COLUMNS: tuple[str, ...] = ("source", "enabled", "places", "records", "changed_by",
                                   "changed_at")
#: Learned points of one name closer than this are one place.
SAME_PLACE_KM = 3.0
#: Decimals learned points are rounded to (about 1 m).
DECIMALS = 5
#: Distances this close to SAME_PLACE_KM (km) are computed again one by one.
_BORDER_KM = 1e-9
#: Suffix kinds that name an area beside or around a place (see :func:`is_region_string`).
_REGION_KINDS = frozenset({"district", "outskirts", "area", "border", "countryside",
                           "province", "governorate", "region"})


class LearnedPlaceSource(Protocol):
    """Where the geocoder reads learned places from (the store implements it)."""

    def learned_places(self) -> pd.DataFrame:
        """Every learned place, :data:`LEARNED_COLUMNS`."""
        ...

    def learned_revision(self) -> int:
        """A number that changes whenever the learned places may have changed."""
        ...


class LearnedPlaces:
    """Learned places held in memory (tests, benchmarks, files).

    Parameters
    ----------
    frame : pandas.DataFrame
        :data:`LEARNED_COLUMNS` (``enabled`` defaults to True).
    """

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self._frame = _typed(frame if frame is not None else empty_learned())
        self._revision = 0

    def learned_places(self) -> pd.DataFrame:
        """See :meth:`LearnedPlaceSource.learned_places`."""
        return self._frame.copy()

    def learned_revision(self) -> int:
        """See :meth:`LearnedPlaceSource.learned_revision`."""
        return self._revision

    def add(self, frame: pd.DataFrame) -> None:
        """Add learned rows (records of equal rows add up)."""
        self._frame = merge_learned(self._frame, frame)
        self._revision += 1

    def set_enabled(self, source: str, enabled: bool) -> None:
        """Switch a source dataset on or off."""
        self._frame.loc[self._frame["source"] == source, "enabled"] = enabled
        self._revision += 1


def empty_learned() -> pd.DataFrame:
    """An empty learned-places table."""
    return _typed(pd.DataFrame(columns=list(LEARNED_COLUMNS)))


def typed_learned(frame: pd.DataFrame) -> pd.DataFrame:
    """A learned-places table with the column types the geocoder reads (a copy)."""
    return _typed(frame)


#: Columns :func:`typed_learned` fills when a table lacks them.
_MAY_LACK = ("name", "country", "admin1", "source", "enabled")


def typed_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """One column of a learned-places table typed as :func:`typed_learned` types it.

    Only this column is converted (no copy of the whole table): a reader of a few
    columns of a large table holds one converted column at a time.

    Parameters
    ----------
    frame : pandas.DataFrame
        A learned-places table (as a source gives it, not yet typed).
    column : str
        One of :data:`LEARNED_COLUMNS`.

    Returns
    -------
    pandas.Series
        Its values (strings, float64, int64 or bool), indexed from 0.
    """
    if column not in LEARNED_COLUMNS:
        raise KeyError(column)
    if column not in frame and column in _MAY_LACK:  # as _typed fills them
        values = pd.Series([column == "enabled" or ""] * len(frame), dtype=object,
                           name=column)
    else:
        values = frame[column].reset_index(drop=True)
    if column in ("name", "country", "admin1", "source"):
        return values.fillna("").astype(str)
    if column in ("latitude", "longitude"):
        return pd.to_numeric(values, errors="coerce").astype(float)
    if column in ("precision", "records"):
        return pd.to_numeric(values, errors="coerce").fillna(1).astype(np.int64)
    if values.dtype == bool:  # _truthy of a bool is itself
        return values
    return values.map(_truthy).astype(bool)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("name", "country", "admin1", "source"):
        out[column] = out[column].fillna("").astype(str) if column in out else ""
    for column in ("latitude", "longitude"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in ("precision", "records"):
        out[column] = pd.to_numeric(out[column], errors="coerce").fillna(1).astype(np.int64)
    if "enabled" not in out:
        out["enabled"] = True
    out["enabled"] = out["enabled"].map(_truthy).astype(bool)
    return out[list(LEARNED_COLUMNS)].reset_index(drop=True)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value) if value is not None and value == value else True


def rule_clauses() -> list[tuple[str | None, int, bool]]:
    """:data:`LEARN_RULES` as ``(origin, precision, needs radius)`` clauses for SQL.

    ``origin`` None is the rule of every dataset not named (:data:`DEFAULT_RULE`).
    A record teaches when one clause of its origin holds (its precision, read as 1
    when empty, equals the clause's, and a radius is stated where one is needed).
    """
    out: list[tuple[str | None, int, bool]] = [
        (origin, precision, radius)
        for origin, rules in LEARN_RULES.items() for precision, radius in rules
    ]
    out += [(None, precision, radius) for precision, radius in DEFAULT_RULE]
    return out


def learnable(incidents: pd.DataFrame, origins: Sequence[str],
              corrected: Collection[tuple[str, int, int]] = ()) -> np.ndarray:
    """Which records teach a place: a name, coordinates from the source (or from a place
    correction in force), fine precision.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Typed incidents (``place``, ``latitude``, ``geo_precision``, ``geocode_source``,
        optionally ``location_uncertainty_km``).
    origins : sequence of str
        Source dataset of each record.
    corrected : collection of tuple
        ``(name, latitude, longitude)`` (the point in 1e-5 degrees) of each place
        correction in force: a record an analyst placed teaches only there.

    Returns
    -------
    numpy.ndarray of bool
    """
    origins = list(origins)
    precision = pd.to_numeric(incidents["geo_precision"], errors="coerce").fillna(1)
    radius = (pd.to_numeric(incidents["location_uncertainty_km"], errors="coerce").notna()
              if "location_uncertainty_km" in incidents
              else pd.Series(False, index=incidents.index))
    allowed = np.array([
        any(p == want and (has or not needs)
            for want, needs in LEARN_RULES.get(o, DEFAULT_RULE))
        for p, has, o in zip(precision.astype(int), radius, origins, strict=True)
    ], dtype=bool)
    source = incidents["geocode_source"].fillna("").astype(str)
    teaches = source.isin(list(TEACHING_SOURCES)).to_numpy().copy()
    analyst = np.flatnonzero((source == CORRECTED_SOURCE).to_numpy())
    if corrected and analyst.size:
        keys = set(corrected)
        scale = 10 ** DECIMALS
        rows = incidents.iloc[analyst]
        lat = pd.to_numeric(rows["latitude"], errors="coerce").to_numpy(float)
        lon = pd.to_numeric(rows["longitude"], errors="coerce").to_numpy(float)
        for at, name, y, x in zip(analyst, rows["place"].astype(object), lat, lon,
                                  strict=True):
            if name is not None and not (math.isnan(y) or math.isnan(x)):
                teaches[at] = (str(name), int(round(y * scale)),
                               int(round(x * scale))) in keys
    return (
        (incidents["place"].fillna("").astype(str).str.strip() != "").to_numpy()
        & incidents["latitude"].notna().to_numpy()
        & incidents["longitude"].notna().to_numpy()
        & teaches
        & allowed
    )


def learn_from_incidents(incidents: pd.DataFrame, origins: Sequence[str],
                         corrected: Collection[tuple[str, int, int]] = ()) -> pd.DataFrame:
    """The learned places a set of records teaches (records counted per place).

    Parameters
    ----------
    incidents : pandas.DataFrame
    origins : sequence of str
        Source dataset of each record (``acled``, ``ucdp``, a file or source name).
    corrected : collection of tuple
        The place corrections in force, as :func:`learnable` takes them (a file has
        none: its analysts' points teach nothing).

    Returns
    -------
    pandas.DataFrame
        :data:`LEARNED_COLUMNS`.
    """
    keep = learnable(incidents, origins, corrected)
    if not keep.any():
        return empty_learned()
    rows = incidents[keep]
    frame = pd.DataFrame({
        "name": rows["place"].astype(str).str.strip().to_numpy(),
        "country": rows["country"].fillna("").astype(str).to_numpy(),
        "admin1": rows["admin1"].fillna("").astype(str).to_numpy(),
        "latitude": rows["latitude"].astype(float).round(DECIMALS).to_numpy(),
        "longitude": rows["longitude"].astype(float).round(DECIMALS).to_numpy(),
        "precision": pd.to_numeric(rows["geo_precision"], errors="coerce").fillna(1)
        .astype(np.int64).to_numpy(),
        "source": np.asarray(list(origins), dtype=object)[keep],
    })
    keys = ["name", "country", "admin1", "latitude", "longitude", "precision", "source"]
    grouped = frame.groupby(keys, sort=False).size().rename("records").reset_index()
    grouped["enabled"] = True
    return _typed(grouped)


def merge_learned(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two learned tables as one (records of equal places add up)."""
    both = pd.concat([_typed(a), _typed(b)], ignore_index=True)
    keys = ["name", "country", "admin1", "latitude", "longitude", "precision", "source"]
    out = both.groupby(keys, sort=False).agg(records=("records", "sum"),
                                             enabled=("enabled", "all")).reset_index()
    return _typed(out)


def learned_gazetteer_rows(learned: pd.DataFrame) -> pd.DataFrame:
    """Enabled learned places as gazetteer rows, one per (name, country, place).

    Names are split as :func:`geo.geocoding.compound.parse_place` does: "Tadmur/Palmyra
    town" becomes the place "Tadmur" with the alias "Palmyra"; a facility keeps its kind
    in its name ("Shair gas field"), so that it never answers for a village; a region or
    direction string ("Eastern Hamah Governorate", "Aleppo countryside", "X/Y border")
    keeps only its whole spelling (:func:`is_region_string`). Rows of the
    same name within :data:`SAME_PLACE_KM` of each other are one place, with their
    records added up and their sources listed. Plain Python over the rows (a store's
    learned table is indexed again whenever it changes).

    Parameters
    ----------
    learned : pandas.DataFrame
        :data:`LEARNED_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Gazetteer columns (see :data:`geo.geocoding.gazetteer.TABLE_COLUMNS`) plus
        ``records`` and ``sources``.
    """
    frame = _typed(learned)
    frame = frame[frame["enabled"] & frame["latitude"].notna() & frame["longitude"].notna()]
    out: list[dict[str, object]] = []
    if frame.empty:
        return pd.DataFrame(out)
    parsed = {n: parse_place(n) for n in frame["name"].unique()}
    groups: dict[tuple[str, str], list[_Member]] = {}
    columns = [frame[c].tolist() for c in ("name", "country", "admin1", "latitude",
                                           "longitude", "precision", "source", "records")]
    for name, country, admin1, lat, lon, precision, source, records in zip(*columns,
                                                                           strict=True):
        place = parsed[name]
        if place.generic:
            continue
        key = learned_key(name, place)
        groups.setdefault((key, country), []).append(
            _Member(int(records), float(lat), float(lon), name, admin1, int(precision), source))
    for (key, country), members in groups.items():
        members.sort(key=lambda m: -m.records)
        for cluster in _clusters(members):
            out.append(_learned_row(cluster, parsed, key, country))
    return pd.DataFrame(out)


def learned_key(name: str, place: ParsedPlace) -> str:
    """The key learned rows of ``name`` are grouped under (with their country): the
    whole string's for a region string, else its canonical name's.

    Parameters
    ----------
    name : str
        The name as learned.
    place : ParsedPlace
        ``parse_place(name)``.

    Returns
    -------
    str
    """
    whole = is_region_string(place)
    return (name_key(name) if whole else name_key(place.canonical)) or name.lower()


def learned_spellings(name: str, place: ParsedPlace) -> list[str]:
    """The spellings a learned row of ``name`` gives the place it joins: the names the
    string offers (only the canonical one for a facility or terrain, none for a region
    string), then the whole string.

    Parameters
    ----------
    name : str
        The name as learned.
    place : ParsedPlace
        ``parse_place(name)``.

    Returns
    -------
    list of str
        In order, each once, no empty one.
    """
    if is_region_string(place):
        names: list[str] = []  # only the whole string: never the bare name of the place
    elif place.facility or place.feature_class == "terrain":
        names = [place.canonical]
    else:
        names = list(place.names)
    return list(dict.fromkeys(s for s in [*names, name] if s))


def learned_id(key: str, country: str, latitude: float, longitude: float) -> str:
    """Gazetteer id of the learned place of this group key and country whose
    best-supported point is (``latitude``, ``longitude``)."""
    ident = hashlib.sha1(f"{key}|{country}|{latitude:.3f}|{longitude:.3f}"
                         .encode()).hexdigest()[:12]
    return f"learned:{ident}"


def is_region_string(place: ParsedPlace) -> bool:
    """Whether a place string names an area around or beside a place rather than the
    place itself ("Eastern Hamah Governorate", "Aleppo countryside", "Manbij district",
    "near Raqqa", "Turkey/Syria border").

    Such a string is learned under its whole spelling only: the point a source gives
    for "Eastern Hamah Governorate" must never answer for the town "Hamah".
    """
    return bool(place.feature_class == "region" or place.kind in _REGION_KINDS
                or place.direction or place.relation)


@dataclass(frozen=True)
class _Member:
    records: int
    latitude: float
    longitude: float
    name: str
    admin1: str
    precision: int
    source: str


def _clusters(members: list[_Member]) -> list[list[_Member]]:
    """Rows of one name split into places (points within SAME_PLACE_KM of the first
    remaining one, in turn), in order.

    The distances of each turn are one array operation; a distance within
    :data:`_BORDER_KM` of the threshold is taken again with :func:`math.hypot`, so that
    every row falls on the side it always did (NumPy's ``hypot`` may differ from it in
    the last bit).
    """
    if len(members) == 1:
        return [members]
    lat = np.fromiter((m.latitude for m in members), dtype=np.float64, count=len(members))
    lon = np.fromiter((m.longitude for m in members), dtype=np.float64, count=len(members))
    remaining = np.arange(len(members))
    clusters = []
    while len(remaining):
        head = members[int(remaining[0])]
        scale = math.cos(math.radians(head.latitude))
        north = (lat[remaining] - head.latitude) * 111.0
        east = (lon[remaining] - head.longitude) * 111.0 * scale
        km = np.hypot(north, east)
        near = km <= SAME_PLACE_KM
        for i in np.flatnonzero(np.abs(km - SAME_PLACE_KM) <= _BORDER_KM).tolist():
            near[i] = math.hypot(float(north[i]), float(east[i])) <= SAME_PLACE_KM
        clusters.append([members[i] for i in remaining[near].tolist()])
        remaining = remaining[~near]
    return clusters


def _learned_row(members: list[_Member], parsed: dict[str, ParsedPlace], key: str,
                 country: str) -> dict[str, object]:
    best = members[0]  # most records (members are sorted)
    by_source: dict[str, int] = {}
    by_admin: dict[str, int] = {}
    for m in members:
        by_source[m.source] = by_source.get(m.source, 0) + m.records
        by_admin[m.admin1] = by_admin.get(m.admin1, 0) + m.records
    ranked = sorted(by_source.items(), key=lambda item: -item[1])
    sources = "; ".join(f"{s}: {n}" for s, n in ranked)
    spellings: list[str] = []
    kind = ""
    precision = min(m.precision for m in members)
    for m in members:
        p = parsed[m.name]
        kind = kind or p.kind
        precision = max(precision, p.precision)
        for s in learned_spellings(m.name, p):
            if s not in spellings:
                spellings.append(s)
    admin1 = min(by_admin.items(), key=lambda item: (-item[1], item[0]))[0]
    return {
        "gazetteer_id": learned_id(key, country, best.latitude, best.longitude),
        "name": spellings[0],
        "aliases": "|".join(s.replace("|", " ") for s in spellings[1:]),
        "latitude": best.latitude,
        "longitude": best.longitude,
        "kind": f"learned {kind}" if kind else "learned place",
        "feature_code": "",
        "country": country,
        "admin1": admin1,
        "admin1_code": "",
        "precision": precision,
        "population": 0,
        "records": sum(m.records for m in members),
        "sources": sources,
    }
