"""The compact gazetteer index: columns in Arrow IPC files, memory-mapped.

One *part* of a gazetteer is a folder of four Arrow IPC files (uncompressed, one record
batch each, so that every column maps straight onto the file) and a small JSON file:

``places.arrow``
    one row per place: ``gazetteer_id``, ``name``, ``aliases``, ``sources`` (strings),
    ``latitude``, ``longitude``, ``population``, ``precision``, ``records``, ``local``,
    and integer codes of the categorical columns (``country``, ``admin1`` ...).
``names.arrow``
    one row per distinct (place, spelling key): ``place``, ``exact``, ``norm``,
    ``skel``, and the first letter and length of ``norm`` (for the fuzzy stage).
``keys.arrow``
    for each key kind (exact, normalised, each also prefixed by the country, skeleton):
    the 64-bit hashes of the keys of ``names.arrow`` sorted, and the row each belongs
    to. A lookup hashes the key (BLAKE2b) and binary-searches (``numpy.searchsorted``).
``ids.arrow``
    sorted hashes of the gazetteer ids, to find a place by id.
``meta.json``
    the format version and the values behind the categorical codes.

Opening a part maps the files (``pyarrow.memory_map``) and wraps the columns as
NumPy arrays without copying, so a worldwide index opens in milliseconds and costs
memory only for the pages lookups touch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from geo.geocoding.names import name_keys

if TYPE_CHECKING:  # pandas only to build a part: opening one needs NumPy and Arrow alone
    import pandas as pd

FORMAT = "incident-map-gazetteer/2"
#: Categorical columns, stored as integer codes with their values in ``meta.json``.
CATEGORIES = ("kind", "feature_code", "country", "admin1", "admin1_code")
#: Key kinds with a sorted hash array (names rows); ``id`` indexes place rows.
INDEX_KINDS = ("exact", "norm", "exact_cc", "norm_cc", "skel")
_STRINGS = ("gazetteer_id", "name", "aliases", "sources")
_NUMBERS = {
    "latitude": np.float64, "longitude": np.float64, "population": np.int64,
    "precision": np.int8, "records": np.int64, "local": np.uint8,
}
_EMPTY = np.iinfo(np.int64).min  # hash of an empty key: never looked up


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a key (BLAKE2b), as a signed integer."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def key_hashes(keys: Sequence[str]) -> np.ndarray:
    """:func:`key_hash` of many keys, as int64 (0 for '')."""
    blake = hashlib.blake2b
    empty = bytes(8)
    digests = b"".join(blake(k.encode("utf-8"), digest_size=8).digest() if k else empty
                       for k in keys)
    return np.frombuffer(digests, dtype="<i8").astype(np.int64)


def _hashes(keys: list[str]) -> np.ndarray:
    return np.fromiter((key_hash(k) if k else _EMPTY for k in keys), dtype=np.int64,
                       count=len(keys))


@dataclass
class Part:
    """One part of a gazetteer: its columns, name keys and sorted key hashes.

    Attributes
    ----------
    n : int
        Number of places.
    columns : dict
        Numeric columns and category codes, one value per place.
    values : dict
        Category -> the values its codes stand for.
    strings : dict
        Text columns (Arrow string arrays), one value per place.
    names_place, names_first, names_length : numpy.ndarray
        Per name key row: its place, the first letter (code point) and length of ``norm``.
    names_strings : dict
        ``exact``, ``norm``, ``skel`` Arrow string arrays, per name key row.
    index : dict
        Key kind -> (sorted hashes, rows); rows of ``names`` (``id``: of places).
    """

    n: int
    columns: dict[str, np.ndarray]
    values: dict[str, list[str]]
    strings: dict[str, pa.Array]
    names_place: np.ndarray
    names_first: np.ndarray
    names_length: np.ndarray
    names_strings: dict[str, pa.Array]
    index: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def lookup(self, kind: str, h: int) -> np.ndarray:
        """Rows whose key of ``kind`` hashes to ``h``."""
        hashes, rows = self.index[kind]
        lo = hashes.searchsorted(h)
        if lo == len(hashes) or hashes[lo] != h:
            return rows[0:0]
        return rows[lo:hashes.searchsorted(h, "right")]

    def lookup_many(self, kind: str, hashes: np.ndarray,
                    valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`lookup` of many hashes at once (one ``searchsorted`` each side).

        Returns
        -------
        tuple of numpy.ndarray
            ``(position in hashes, row)`` pairs, by position, rows in lookup order;
            positions where ``valid`` is False find nothing.
        """
        sorted_hashes, rows = self.index[kind]
        lo = sorted_hashes.searchsorted(hashes, "left")
        count = np.where(valid, sorted_hashes.searchsorted(hashes, "right") - lo, 0)
        position = np.repeat(np.arange(len(hashes), dtype=np.int64), count)
        starts = np.cumsum(count) - count
        within = np.arange(len(position), dtype=np.int64) - np.repeat(starts, count)
        return position, rows[np.repeat(lo, count) + within]


def build_part(places: pd.DataFrame) -> Part:
    """Compute name keys and key hashes of a places table.

    Parameters
    ----------
    places : pandas.DataFrame
        ``gazetteer_id``, ``name``, ``aliases`` (``|``-separated), ``latitude``,
        ``longitude``, the categorical columns, ``precision``, ``population``;
        optionally ``records`` and ``sources``. Later rows win on the same id.

    Returns
    -------
    Part
    """
    import pandas as pd

    places = places.drop_duplicates("gazetteer_id", keep="last").reset_index(drop=True)
    n = len(places)
    columns: dict[str, np.ndarray] = {}
    values: dict[str, list[str]] = {}
    for column in CATEGORIES:
        codes, uniques = pd.factorize(places[column].fillna("").astype(str))
        columns[column] = codes.astype(np.int32)
        values[column] = [str(v) for v in uniques]
    for column, dtype in _NUMBERS.items():
        if column == "local":
            columns[column] = (~places["gazetteer_id"].astype(str).str.startswith(
                "geonames:")).to_numpy(dtype=np.uint8)
        elif column in places:
            columns[column] = pd.to_numeric(places[column]).fillna(0).to_numpy(dtype=dtype)
        else:
            columns[column] = np.zeros(n, dtype=dtype)
    strings = {
        c: pa.array((places[c].fillna("").astype(str) if c in places else pd.Series(
            [""] * n, dtype=object)).tolist(), type=pa.large_string())
        for c in _STRINGS
    }
    spellings = (places["name"].fillna("").astype(str) + "|"
                 + places["aliases"].fillna("").astype(str)).str.split("|")
    exploded = spellings.explode()
    exploded = exploded[exploded.fillna("") != ""]
    unique = pd.unique(exploded.to_numpy(dtype=object))
    keys = pd.DataFrame([name_keys(s) for s in unique], columns=["exact", "norm", "skel"],
                        index=unique)
    names = keys.reindex(exploded.to_numpy(dtype=object))
    names.insert(0, "place", exploded.index.to_numpy(dtype=np.int64))
    names = names[names["exact"] != ""].drop_duplicates().reset_index(drop=True)
    return _indexed(n, columns, values, strings, names)


def _indexed(n: int, columns: dict[str, np.ndarray], values: dict[str, list[str]],
             strings: dict[str, pa.Array], names: pd.DataFrame) -> Part:
    place = names["place"].to_numpy(dtype=np.int32)
    norm = names["norm"].astype(str)
    country_values = np.asarray(values["country"], dtype=object)
    country = (country_values[columns["country"][place]] if len(country_values)
               else np.array([""] * len(place), dtype=object))
    keyed = {
        "exact": names["exact"].tolist(),
        "norm": norm.tolist(),
        "exact_cc": [f"{c}|{k}" for c, k in zip(country, names["exact"], strict=True)],
        "norm_cc": [f"{c}|{k}" if k else "" for c, k in zip(country, norm, strict=True)],
        "skel": names["skel"].astype(str).tolist(),
    }
    index = {}
    for kind, keys in keyed.items():
        hashes = _hashes(keys)
        order = np.argsort(hashes, kind="stable").astype(np.int32)
        index[kind] = (hashes[order], order)
    id_hashes = _hashes(strings["gazetteer_id"].to_pylist())
    id_order = np.argsort(id_hashes, kind="stable").astype(np.int32)
    index["id"] = (id_hashes[id_order], id_order)
    first = np.fromiter((ord(k[0]) if k else 0 for k in keyed["norm"]), dtype=np.int32,
                        count=len(place))
    length = norm.str.len().to_numpy(dtype=np.int32)
    names_strings = {c: pa.array(names[c].astype(str).tolist(), type=pa.large_string())
                     for c in ("exact", "norm", "skel")}
    return Part(n, columns, values, strings, place, first, length, names_strings, index)


def write_part(part: Part, path: Path) -> None:
    """Write a part as an index folder (atomically: built beside it, then moved in).

    Parameters
    ----------
    part : Part
    path : Path
        The folder to create or replace.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent))
    try:
        places = {**{c: pa.array(np.asarray(v)) for c, v in part.columns.items()},
                  **part.strings}
        _write(tmp / "places.arrow", places)
        _write(tmp / "names.arrow", {
            "place": pa.array(part.names_place), "first": pa.array(part.names_first),
            "length": pa.array(part.names_length), **part.names_strings,
        })
        keys = {}
        for kind in INDEX_KINDS:
            hashes, rows = part.index[kind]
            keys[f"{kind}_hash"], keys[f"{kind}_row"] = pa.array(hashes), pa.array(rows)
        _write(tmp / "keys.arrow", keys)
        hashes, rows = part.index["id"]
        _write(tmp / "ids.arrow", {"hash": pa.array(hashes), "row": pa.array(rows)})
        meta = {"format": FORMAT, "places": part.n, "names": len(part.names_place),
                "values": part.values}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if path.exists():
            old = path.with_name(path.name + ".old")
            if old.exists():
                shutil.rmtree(old) if old.is_dir() else old.unlink()
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _write(path: Path, columns: dict[str, pa.Array]) -> None:
    table = pa.table(columns)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(1, table.num_rows))
    os.chmod(path, 0o644)


def read_part(path: Path) -> Part:
    """Open an index folder written by :func:`write_part`, memory-mapped.

    Parameters
    ----------
    path : Path

    Returns
    -------
    Part

    Raises
    ------
    ValueError
        When the folder is not an index of this format (rebuild it).
    """
    meta_path = path / "meta.json"
    if not meta_path.exists():
        raise ValueError(f"{path}: not a gazetteer index folder (no meta.json); rebuild it "
                         "with 'python -m geo.geocoding.sources build'")
    meta = json.loads(meta_path.read_text("utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: index format {meta.get('format')!r}, expected {FORMAT!r}; "
                         "rebuild it with 'python -m geo.geocoding.sources build'")
    places = _read(path / "places.arrow")
    names = _read(path / "names.arrow")
    keys = _read(path / "keys.arrow")
    ids = _read(path / "ids.arrow")
    columns = {c: _numpy(places, c) for c in (*_NUMBERS, *CATEGORIES)}
    strings = {c: _array(places, c) for c in _STRINGS}
    index = {kind: (_numpy(keys, f"{kind}_hash"), _numpy(keys, f"{kind}_row"))
             for kind in INDEX_KINDS}
    index["id"] = (_numpy(ids, "hash"), _numpy(ids, "row"))
    return Part(
        int(meta["places"]), columns, {k: list(v) for k, v in meta["values"].items()},
        strings, _numpy(names, "place"), _numpy(names, "first"), _numpy(names, "length"),
        {c: _array(names, c) for c in ("exact", "norm", "skel")}, index,
    )


def _read(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _array(table: pa.Table, column: str) -> pa.Array:
    chunks = table.column(column).chunks
    if len(chunks) == 1:
        return chunks[0]
    return pa.concat_arrays(chunks) if chunks else pa.array([], type=pa.large_string())


def take_strings(array: pa.Array, rows: np.ndarray) -> list[str]:
    """The values of a string column at ``rows``, as Python strings.

    Parameters
    ----------
    array : pyarrow.Array
    rows : numpy.ndarray
        Row numbers.

    Returns
    -------
    list of str

    Notes
    -----
    Read straight from the column's offsets and bytes: ``pyarrow.Array.take`` loads
    ``pyarrow.compute`` and, given a NumPy index, pandas, which the extractor's start path
    does without.
    """
    rows = np.asarray(rows, dtype=np.int64)
    width: np.dtype[np.signedinteger[Any]]
    if pa.types.is_large_string(array.type):
        width = np.dtype(np.int64)
    elif pa.types.is_string(array.type):
        width = np.dtype(np.int32)
    else:
        raise TypeError(f"take_strings: a string column expected, not {array.type}")
    if array.null_count:
        return [array[int(r)].as_py() or "" for r in rows]
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width, count=len(array) + 1,
                            offset=array.offset * width.itemsize)
    data = memoryview(buffers[2]) if buffers[2] is not None else memoryview(b"")
    return [str(data[offsets[r]:offsets[r + 1]], "utf-8") for r in rows.tolist()]


def _numpy(table: pa.Table, column: str) -> np.ndarray:
    """A numeric column as a NumPy array over the mapped file, without a copy.

    Read from the column's data buffer: ``pyarrow.Array.to_numpy`` imports pandas, which
    the extractor's start path does without.
    """
    array = _array(table, column)
    dtype = np.dtype(array.type.to_pandas_dtype())
    numeric = pa.types.is_integer(array.type) or pa.types.is_floating(array.type)
    if array.null_count or not numeric:
        return array.to_numpy(zero_copy_only=False)
    if len(array) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array),
                         offset=array.offset * dtype.itemsize)
