"""Places learned from the stored records, kept in the store beside them.

Two tables, the same in both back ends:

``learned_places``
    One row per (name, country, admin1, point, precision, source dataset) with the
    number of records behind it (:data:`geo.geocoding.learned.LEARNED_COLUMNS` without
    ``enabled``). It is derived data: inside every write transaction that adds or
    changes records, the rows of the datasets those records come from are recomputed
    with one ``GROUP BY`` over the incidents, by the rule of
    :mod:`geo.geocoding.learned` (:func:`geo.geocoding.learned.rule_clauses`).
``learned_sources``
    One row per dataset that taught places, with whether the geocoder may use it
    (an analyst can switch a source off), who changed that and when.

``store_meta`` keeps ``learned_revision``, bumped whenever either table changes, so that
a geocoder built on the learned places knows when it is stale.

Both back ends hand their connection to the functions here with a :class:`Dialect`
that says how to name tables and parameters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocoding.learned import (
    DECIMALS,
    LEARNED_COLUMNS,
    SOURCE_COLUMNS,
    TEACHING_SOURCES,
    empty_learned,
    rule_clauses,
)

META_KEY = "learned_revision"
"""``store_meta`` key of the learned-places revision."""

_CHUNK = 500
#: Learned places read per statement by :func:`learned_frame` (about 25 MB of tuples).
_READ_ROWS = 50_000
#: Chunked reads tried before one single statement, when writes keep moving the revision.
_READ_TRIES = 3
_TEXT = ("name", "country", "admin1", "source")
_NUMBERS: dict[str, type] = {"latitude": np.float64, "longitude": np.float64,
                             "precision": np.int64, "records": np.int64,
                             "enabled": np.int64}


Run = Callable[[str, Sequence[object]], list[tuple[object, ...]]]
"""Run one SQL statement with parameters and return its rows (empty for writes)."""


@dataclass(frozen=True)
class Dialect:
    """How one back end spells what the statements need.

    Attributes
    ----------
    mark : str
        Parameter placeholder (``?`` or ``%s``).
    incidents, places, sources, meta : str
        Table names as SQL (schema-qualified and quoted where needed).
    places_name : str
        The learned places table's own name, unqualified (for ``ON CONFLICT`` updates).
    round_sql : str
        Rounding: ``{0}`` the column, ``{1}`` the decimals.
    postgres : bool
    """

    mark: str
    incidents: str
    places: str
    sources: str
    meta: str
    round_sql: str
    places_name: str = "learned_places"
    postgres: bool = False

    def marks(self, n: int) -> str:
        """``n`` placeholders separated by commas."""
        return ", ".join([self.mark] * n)


def schema(d: Dialect) -> list[str]:
    """Statements creating the tables and the revision key (idempotent)."""
    serial = "bigserial PRIMARY KEY" if d.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
    real = "double precision" if d.postgres else "DOUBLE"
    conflict = "ON CONFLICT DO NOTHING" if d.postgres else ""
    ignore = "" if d.postgres else "OR IGNORE"
    return [
        f"""CREATE TABLE IF NOT EXISTS {d.places} (fid {serial}, name TEXT NOT NULL,
            country TEXT NOT NULL DEFAULT '', admin1 TEXT NOT NULL DEFAULT '',
            latitude {real} NOT NULL, longitude {real} NOT NULL,
            "precision" INTEGER NOT NULL, source TEXT NOT NULL, records INTEGER NOT NULL)""",
        f"""CREATE UNIQUE INDEX IF NOT EXISTS learned_places_key ON {d.places}
            (source, name, country, admin1, latitude, longitude, "precision")""",
        f"""CREATE TABLE IF NOT EXISTS {d.sources} (fid {serial}, source TEXT NOT NULL UNIQUE,
            enabled INTEGER NOT NULL DEFAULT 1, changed_by TEXT NOT NULL DEFAULT '',
            changed_at TEXT NOT NULL DEFAULT '')""",
        f"INSERT {ignore} INTO {d.meta} (key, value) VALUES ('{META_KEY}', '0') {conflict}",
    ]


def _rule_sql(d: Dialect) -> tuple[str, list[object]]:
    """The WHERE condition of :func:`geo.geocoding.learned.rule_clauses`, with parameters."""
    named = sorted({o for o, _, _ in rule_clauses() if o is not None})
    parts: list[str] = []
    params: list[object] = []
    for origin, precision, radius in rule_clauses():
        test = f"coalesce(geo_precision, 1) = {d.mark}"
        clause_params: list[object] = [precision]
        if radius:
            test += " AND location_uncertainty_km IS NOT NULL"
        if origin is not None:
            test = f"origin = {d.mark} AND " + test
            clause_params.insert(0, origin)
        elif named:
            test = f"origin NOT IN ({d.marks(len(named))}) AND " + test
            clause_params[:0] = named
        parts.append(f"({test})")
        params.extend(clause_params)
    return "(" + " OR ".join(parts) + ")", params


def relearn(run: Run, d: Dialect, origins: Collection[str] | None = None) -> None:
    """Recompute the learned places of some source datasets (all when None).

    Runs inside the caller's write transaction: the rows of these datasets are
    replaced by a ``GROUP BY`` over their records, new datasets get a row in
    ``learned_sources`` (switched on), and the learned revision is bumped.

    Parameters
    ----------
    run : Run
    d : Dialect
    origins : collection of str, optional
        Datasets (the incidents' ``origin``) whose records changed.
    """
    if origins is not None and not origins:
        return
    if origins is not None:
        listed = sorted(set(origins))
        run(f"DELETE FROM {d.places} WHERE source IN ({d.marks(len(listed))})", listed)
        _learn(run, d, f"origin IN ({d.marks(len(listed))})", listed, add=False)
    else:
        run(f"DELETE FROM {d.places}", [])
        _learn(run, d, "1 = 1", [], add=False)
    _add_sources(run, d, origins)
    bump(run, d)


def learn_new(run: Run, d: Dialect, after_fid: int, origins: Collection[str]) -> None:
    """Add what the records inserted after ``after_fid`` teach to the learned places.

    An import that only adds records groups only those (not every record of their
    datasets again): their counts are added to equal places already learned.

    Parameters
    ----------
    run : Run
    d : Dialect
    after_fid : int
        The largest ``fid`` before the insert.
    origins : collection of str
        Datasets of the inserted records.
    """
    wanted = sorted(set(origins))
    if not wanted:
        return
    _learn(run, d, f"fid > {d.mark} AND origin IN ({d.marks(len(wanted))})",
           [int(after_fid), *wanted], add=True)
    _add_sources(run, d, wanted)
    bump(run, d)


def last_fid(run: Run, d: Dialect) -> int:
    """The largest ``fid`` of the incidents table (0 when empty)."""
    rows = run(f"SELECT coalesce(max(fid), 0) FROM {d.incidents}", [])
    return int(str(rows[0][0]))


def _teach_select(d: Dialect, scope: str) -> tuple[str, str, list[object]]:
    """``SELECT`` of the learned-place key and record count of the records in ``scope``.

    Returns the select list with ``FROM``/``WHERE`` (the scope's parameters come first),
    the ``GROUP BY`` clause, and the parameters following the scope's.
    """
    where, params = _rule_sql(d)
    given = list(TEACHING_SOURCES)
    lat = d.round_sql.format("latitude", DECIMALS)
    lon = d.round_sql.format("longitude", DECIMALS)
    body = f"""SELECT trim(place), coalesce(country, ''), coalesce(admin1, ''), {lat}, {lon},
            coalesce(geo_precision, 1), origin, count(*)
        FROM {d.incidents}
        WHERE {scope} AND place IS NOT NULL AND trim(place) <> '' AND latitude IS NOT NULL
            AND longitude IS NOT NULL AND coalesce(geocode_source, '') IN ({d.marks(len(given))})
            AND {where}"""
    group = f"""GROUP BY trim(place), coalesce(country, ''), coalesce(admin1, ''), {lat}, {lon},
            coalesce(geo_precision, 1), origin"""
    return body, group, [*given, *params]


def _learn(run: Run, d: Dialect, scope: str, scope_params: Sequence[object], add: bool) -> None:
    """Insert the grouped places of the records in ``scope`` (adding to equal ones)."""
    body, group, params = _teach_select(d, scope)
    upsert = (f' ON CONFLICT (source, name, country, admin1, latitude, longitude, "precision")'
              f" DO UPDATE SET records = {d.places_name}.records + excluded.records"
              if add else "")
    run(
        f"""INSERT INTO {d.places} (name, country, admin1, latitude, longitude, "precision",
            source, records)
        {body}
        {group}{upsert}""",
        [*scope_params, *params],
    )


PlaceKey = tuple[object, ...]
"""A learned place's key: name, country, admin1, latitude, longitude, precision, source."""


def taught(run: Run, d: Dialect, ids: Sequence[str]) -> Counter[PlaceKey]:
    """The learned places the stored records with these ids teach, with their counts.

    Read through the id index, so its cost follows the records named, not the store.

    Parameters
    ----------
    run : Run
    d : Dialect
    ids : sequence of str

    Returns
    -------
    collections.Counter
        :data:`PlaceKey` -> records.
    """
    out: Counter[PlaceKey] = Counter()
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start:start + _CHUNK]
        body, group, params = _teach_select(d, f"id IN ({d.marks(len(chunk))})")
        for row in run(f"{body} {group}", [*chunk, *params]):
            out[tuple(row[:7])] += int(str(row[7]))
    return out


def relearn_records(run: Run, d: Dialect, before: Counter[PlaceKey],
                    ids: Sequence[str]) -> None:
    """Bring the learned places up to date after records were rewritten.

    ``before`` is what the records taught before the write (:func:`taught`, read in the
    same transaction); what they teach now is read again and only the difference is
    written: counts added to or taken from the places concerned, places left with no
    record removed. The other records of their datasets are not read again, so a
    correction costs the same in a store of a thousand records or of a million.

    Parameters
    ----------
    run : Run
    d : Dialect
    before : collections.Counter
    ids : sequence of str
        The records rewritten (those of ``before``).
    """
    after = taught(run, d, ids)
    delta = {k: after[k] - before[k] for k in set(before) | set(after) if after[k] != before[k]}
    if not delta:
        return
    key_test = (f'source = {d.mark} AND name = {d.mark} AND country = {d.mark} AND '
                f'admin1 = {d.mark} AND latitude = {d.mark} AND longitude = {d.mark} AND '
                f'"precision" = {d.mark}')
    for key, change in sorted(delta.items(), key=lambda kv: tuple(str(v) for v in kv[0])):
        name, country, admin1, lat, lon, precision, source = key
        where = [source, name, country, admin1, lat, lon, precision]
        if change > 0:
            run(f"""INSERT INTO {d.places} (name, country, admin1, latitude, longitude,
                    "precision", source, records) VALUES ({d.marks(8)})
                ON CONFLICT (source, name, country, admin1, latitude, longitude, "precision")
                DO UPDATE SET records = {d.places_name}.records + excluded.records""",
                [*key, change])
        else:
            run(f"UPDATE {d.places} SET records = records + {d.mark} WHERE {key_test}",
                [change, *where])
            run(f"DELETE FROM {d.places} WHERE records <= 0 AND {key_test}", where)
    _add_sources(run, d, {str(k[6]) for k, change in delta.items() if change > 0})
    bump(run, d)


def _add_sources(run: Run, d: Dialect, origins: Collection[str] | None) -> None:
    """Give datasets that taught places a row in the sources table (switched on)."""
    ignore = "" if d.postgres else "OR IGNORE"
    conflict = " ON CONFLICT (source) DO NOTHING" if d.postgres else ""
    if origins is None:
        run(f"INSERT {ignore} INTO {d.sources} (source) SELECT DISTINCT source "
            f"FROM {d.places}{conflict}", [])
        return
    for origin in sorted(set(origins)):
        run(f"INSERT {ignore} INTO {d.sources} (source) SELECT {d.mark} WHERE EXISTS "
            f"(SELECT 1 FROM {d.places} WHERE source = {d.mark}){conflict}", [origin, origin])


def bump(run: Run, d: Dialect) -> None:
    """Bump the learned revision."""
    cast = "(value::bigint + 1)::text" if d.postgres else "CAST(value AS INTEGER) + 1"
    run(f"UPDATE {d.meta} SET value = {cast} WHERE key = '{META_KEY}'", [])


def learned_frame(run: Run, d: Dialect, chunk_rows: int = _READ_ROWS) -> pd.DataFrame:
    """Every learned place with whether its source is switched on (LEARNED_COLUMNS).

    Read ``chunk_rows`` places at a time (by ``fid``, after the last one read, as the
    embedded store reads its incidents), each chunk's text columns factorised into
    codes of shared strings and its numbers into arrays: 800,000 places are never all
    Python tuples at once. The rows come in the order of ``ORDER BY source, name, fid``
    (the back end's own collation ranks the distinct source and name pairs). A write
    between two chunks (the learned revision moved) makes it read them again.

    Parameters
    ----------
    run : Run
    d : Dialect
    chunk_rows : int, optional
        Places read per statement.
    """
    for _ in range(_READ_TRIES):
        before = revision(run, d)
        frame = _read_chunked(run, d, max(1, int(chunk_rows)))
        if revision(run, d) == before:
            return frame
    return _read_chunked(run, d, 1 << 62)  # one statement: one consistent read


def _read_chunked(run: Run, d: Dialect, chunk_rows: int) -> pd.DataFrame:
    """:func:`learned_frame`'s read, ``chunk_rows`` places per statement."""
    sql = f"""SELECT p.fid, p.name, p.country, p.admin1, p.latitude, p.longitude,
            p."precision", p.source, p.records, coalesce(s.enabled, 1)
        FROM {d.places} p LEFT JOIN {d.sources} s ON s.source = p.source
        WHERE p.fid > {d.mark} ORDER BY p.fid LIMIT {d.mark}"""
    texts: dict[str, _Codes] = {c: _Codes() for c in _TEXT}
    numbers: dict[str, list[np.ndarray]] = {c: [] for c in _NUMBERS}
    last = -(1 << 62)
    while batch := run(sql, [last, chunk_rows]):
        columns = dict(zip(("fid", *LEARNED_COLUMNS), zip(*batch, strict=True), strict=True))
        del batch
        last = int(str(columns["fid"][-1]))
        for name, codes in texts.items():
            codes.add(columns[name])
        for name, parts in numbers.items():
            parts.append(np.array(columns[name], dtype=_NUMBERS.get(name, np.int64)))
        if len(columns["fid"]) < chunk_rows:
            break
    if not numbers["latitude"]:
        return empty_learned()
    # the rows were read by fid: a stable sort by (source, name) rank keeps fid order
    # within a pair (no array of fids is kept)
    order = np.argsort(_pair_rank(run, d, texts), kind="stable")
    built: dict[str, object] = {}
    for name in LEARNED_COLUMNS:  # one column's transient copies at a time
        if name in texts:
            built[name] = texts.pop(name).take(order)
        else:
            built[name] = np.concatenate(numbers.pop(name))[order]
    # the columns are this read's own: taken as they are (no consolidated copy)
    out = pd.DataFrame(built, copy=False)
    out["enabled"] = out["enabled"] != 0
    return out


class _Codes:
    """A text column read in chunks: int32 codes of its distinct values."""

    def __init__(self) -> None:
        self.values: dict[object, int] = {}
        self.codes: list[np.ndarray] = []

    def add(self, chunk: Sequence[object]) -> None:
        local, uniques = pd.factorize(np.array(chunk, dtype=object), use_na_sentinel=False)
        table = np.fromiter((self.values.setdefault(v, len(self.values)) for v in uniques),
                            dtype=np.int32, count=len(uniques))
        self.codes.append(table[local])

    def all_codes(self) -> np.ndarray:
        return np.concatenate(self.codes)

    def take(self, order: np.ndarray) -> pd.Series:
        """The column's values in this order (as the one-shot frame types them)."""
        values = pd.Series(list(self.values))
        return pd.Series(values.array.take(self.all_codes()[order]))


def _pair_rank(run: Run, d: Dialect, texts: dict[str, _Codes]) -> np.ndarray:
    """Each row's rank by (source, name) in the back end's ``ORDER BY source, name``."""
    ranked = run(f"SELECT DISTINCT source, name FROM {d.places} ORDER BY source, name", [])
    rank_of = {(source, name): i for i, (source, name) in enumerate(ranked)}
    sources, names = texts["source"], texts["name"]
    pair = sources.all_codes().astype(np.int64) * max(1, len(names.values)) \
        + names.all_codes()
    codes, uniques = pd.factorize(pair)
    source_of, name_of = list(sources.values), list(names.values)
    width = max(1, len(names.values))
    ranks = np.fromiter(
        (rank_of.get((source_of[p // width], name_of[p % width]), len(rank_of))
         for p in uniques.tolist()), dtype=np.int64, count=len(uniques))
    return ranks[codes]


def sources_frame(run: Run, d: Dialect) -> pd.DataFrame:
    """The learned sources (:data:`geo.geocoding.learned.SOURCE_COLUMNS`), by name."""
    rows = run(
        f"""SELECT s.source, s.enabled, count(p.fid), coalesce(sum(p.records), 0),
            s.changed_by, s.changed_at
        FROM {d.sources} s LEFT JOIN {d.places} p ON p.source = s.source
        GROUP BY s.source, s.enabled, s.changed_by, s.changed_at ORDER BY s.source""",
        [],
    )
    frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
    frame["enabled"] = frame["enabled"].astype(int) != 0
    for column in ("places", "records"):
        frame[column] = frame[column].astype("int64")
    return frame


def set_enabled(run: Run, d: Dialect, source: str, enabled: bool, who: str, at: str) -> bool:
    """Switch a source on or off; False when no such source taught anything."""
    found = run(f"SELECT enabled FROM {d.sources} WHERE source = {d.mark}", [source])
    if not found:
        return False
    run(f"UPDATE {d.sources} SET enabled = {d.mark}, changed_by = {d.mark}, "
        f"changed_at = {d.mark} WHERE source = {d.mark}", [int(enabled), who, at, source])
    bump(run, d)
    return True


def revision(run: Run, d: Dialect) -> int:
    """The learned revision (0 in a store that never learned anything)."""
    rows = run(f"SELECT value FROM {d.meta} WHERE key = '{META_KEY}'", [])
    return int(str(rows[0][0])) if rows else 0


__all__ = [
    "META_KEY",
    "Dialect",
    "PlaceKey",
    "bump",
    "last_fid",
    "learn_new",
    "learned_frame",
    "relearn",
    "relearn_records",
    "revision",
    "schema",
    "set_enabled",
    "sources_frame",
    "taught",
]
