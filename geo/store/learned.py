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
    CORRECTED_SOURCE,
    DECIMALS,
    LEARNED_COLUMNS,
    SOURCE_COLUMNS,
    TEACHING_SOURCES,
    rule_clauses,
)
from geo.geocoding.learned_table import (
    NUMBER_TYPES,
    TEXT_COLUMNS,
    LearnedTable,
    first_seen,
)

META_KEY = "learned_revision"
"""``store_meta`` key of the learned-places revision."""
RULE_KEY = "learned_rule"
"""``store_meta`` key of the teaching rule the learned places follow (:func:`follow_rule`)."""
RULE = "2"
"""The rule: 2, an analyst's point teaches only at a place correction's (trial 27)."""

_CHUNK = 500
#: A point is at a place correction's point within this (degrees: its 5 decimals).
_TOLERANCE = 0.6e-5
#: Learned places read per statement by :func:`learned_table` (about 10 MB of tuples).
_READ_ROWS = 20_000
#: Most rows :func:`learned_table` makes room for before its first chunk (then grown).
_SPAN_MAX = 4_000_000
#: Chunked reads tried before one single statement, when writes keep moving the revision.
_READ_TRIES = 3


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
    m = d.mark
    # an analyst's point teaches only where a place correction in force put the name
    corrected = (f"(geocode_source = {m} AND EXISTS (SELECT 1 FROM "
                 f"{sibling(d, 'place_corrections')} pc WHERE pc.active = 1 AND "
                 f"pc.name = i.place AND abs(pc.latitude - i.latitude) < {m} "
                 f"AND abs(pc.longitude - i.longitude) < {m}))")
    body = f"""SELECT trim(place), coalesce(country, ''), coalesce(admin1, ''), {lat}, {lon},
            coalesce(geo_precision, 1), origin, count(*)
        FROM {d.incidents} i
        WHERE {scope} AND place IS NOT NULL AND trim(place) <> '' AND latitude IS NOT NULL
            AND longitude IS NOT NULL AND (coalesce(geocode_source, '') IN
            ({d.marks(len(given))}) OR {corrected}) AND {where}"""
    group = f"""GROUP BY trim(place), coalesce(country, ''), coalesce(admin1, ''), {lat}, {lon},
            coalesce(geo_precision, 1), origin"""
    return body, group, [*given, CORRECTED_SOURCE, _TOLERANCE, _TOLERANCE, *params]


def sibling(d: Dialect, name: str) -> str:
    """Another store table's name as SQL in this back end (schema-qualified in PostGIS)."""
    at = d.meta.rfind("store_meta")
    return d.meta[:at] + name + d.meta[at + len("store_meta"):]


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


def follow_rule(run: Run, d: Dialect) -> bool:
    """Regroup, once, the datasets holding analysts' points of a store learned under the
    earlier rule (every analyst's point taught; now only a place correction's does:
    :data:`geo.geocoding.learned.CORRECTED_SOURCE`). Returns True when it regrouped."""
    rows = run(f"SELECT value FROM {d.meta} WHERE key = {d.mark}", [RULE_KEY])
    if rows and str(rows[0][0]) == RULE:
        return False
    origins = [str(r[0]) for r in run(
        f"SELECT DISTINCT origin FROM {d.incidents} WHERE geocode_source = {d.mark}",
        [CORRECTED_SOURCE])]
    if origins:
        relearn(run, d, origins)
    run(f"DELETE FROM {d.meta} WHERE key = {d.mark}", [RULE_KEY])
    run(f"INSERT INTO {d.meta} (key, value) VALUES ({d.marks(2)})", [RULE_KEY, RULE])
    return bool(origins)


def bump(run: Run, d: Dialect) -> None:
    """Bump the learned revision."""
    cast = "(value::bigint + 1)::text" if d.postgres else "CAST(value AS INTEGER) + 1"
    run(f"UPDATE {d.meta} SET value = {cast} WHERE key = '{META_KEY}'", [])


def learned_table(run: Run, d: Dialect, chunk_rows: int = _READ_ROWS) -> LearnedTable:
    """Every learned place with whether its source is switched on, as codes.

    Read ``chunk_rows`` places at a time (by ``fid``, after the last one read, as the
    embedded store reads its incidents) straight into arrays sized by a count of the
    rows: each chunk's text columns become int32 codes into tables of their distinct
    values, its numbers go into their slices. No column of 800,000 strings is ever
    built, and 800,000 places are never all Python tuples at once. The rows come in the
    order of ``ORDER BY source, name, fid`` (the back end's own collation ranks the
    distinct source and name pairs). A write between two chunks (the learned revision
    moved) makes it read them again.

    Parameters
    ----------
    run : Run
    d : Dialect
    chunk_rows : int, optional
        Places read per statement.
    """
    for _ in range(_READ_TRIES):
        before = revision(run, d)
        table = _read_chunked(run, d, max(1, int(chunk_rows)))
        if revision(run, d) == before:
            return table
    return _read_chunked(run, d, 1 << 62)  # one statement: one consistent read


def learned_frame(run: Run, d: Dialect, chunk_rows: int = _READ_ROWS) -> pd.DataFrame:
    """Every learned place with whether its source is switched on (LEARNED_COLUMNS):
    :func:`learned_table` as a frame.

    Parameters
    ----------
    run : Run
    d : Dialect
    chunk_rows : int, optional
        Places read per statement.
    """
    return learned_table(run, d, chunk_rows).frame()


def _read_chunked(run: Run, d: Dialect, chunk_rows: int) -> LearnedTable:
    """:func:`learned_table`'s read, ``chunk_rows`` places per statement."""
    sql = f"""SELECT p.fid, p.name, p.country, p.admin1, p.latitude, p.longitude,
            p."precision", p.source, p.records, coalesce(s.enabled, 1)
        FROM {d.places} p LEFT JOIN {d.sources} s ON s.source = p.source
        WHERE p.fid > {d.mark} ORDER BY p.fid LIMIT {d.mark}"""
    texts = {c: _Codes() for c in TEXT_COLUMNS}
    into = _Arrays({**{c: np.int32 for c in TEXT_COLUMNS}, **NUMBER_TYPES},
                   _fid_span(run, d))
    last = -(1 << 62)
    while batch := run(sql, [last, chunk_rows]):
        columns = dict(zip(("fid", *LEARNED_COLUMNS), zip(*batch, strict=True), strict=True))
        del batch
        last = int(str(columns["fid"][-1]))
        chunk = into.grow(len(columns["fid"]))
        for name, codes in texts.items():
            chunk[name][:] = codes.add(columns.pop(name))
        for name, kind in NUMBER_TYPES.items():
            chunk[name][:] = np.fromiter(columns.pop(name), dtype=kind)
        if len(columns["fid"]) < chunk_rows:
            break
    arrays = into.done()  # handed over: each column's buffer goes once sorted
    del into
    # the rows were read by fid: a stable sort by (source, name) rank keeps fid order
    # within a pair (no array of fids is kept)
    order = np.argsort(_pair_rank(run, d, texts, arrays), kind="stable")
    for name in arrays:  # one column's sorted copy at a time
        arrays[name] = arrays[name][order]
    return LearnedTable.of(
        {name: (list(texts[name].values), arrays.pop(name)) for name in TEXT_COLUMNS},
        arrays)


def _fid_span(run: Run, d: Dialect) -> int:
    """How many fids the learned places span: room for every row. Two look-ups of the
    primary key (a count, or ``min`` and ``max`` in one select, reads the whole table:
    in SQLite, 64 MB of page cache filled for nothing)."""
    low, high = run(f"SELECT (SELECT min(fid) FROM {d.places}), "
                    f"(SELECT max(fid) FROM {d.places})", [])[0]
    if low is None or high is None:
        return 0
    return min(int(str(high)) - int(str(low)) + 1, _SPAN_MAX)


class _Arrays:
    """Columns filled chunk by chunk into arrays with room for the rows (grown when a
    write added rows meanwhile: the read is then done again anyway). Room never
    written to is never resident: arrays spanning the fids of a table with gaps (rows
    deleted and learned again) cost no memory for the gaps."""

    def __init__(self, kinds: dict[str, type], rows: int) -> None:
        self._arrays: dict[str, np.ndarray] = {name: np.empty(max(0, rows), dtype=kind)
                                             for name, kind in kinds.items()}
        self._rows = 0

    def grow(self, rows: int) -> dict[str, np.ndarray]:
        """The slices of the next ``rows`` rows, to fill."""
        start, self._rows = self._rows, self._rows + rows
        for name, array in self._arrays.items():
            if len(array) < self._rows:
                bigger = np.empty(max(self._rows, 2 * len(array)), dtype=array.dtype)
                bigger[:start] = array[:start]
                self._arrays[name] = bigger
        return {name: array[start:self._rows] for name, array in self._arrays.items()}

    def done(self) -> dict[str, np.ndarray]:
        """The filled columns (handed over: this object keeps none)."""
        arrays, self._arrays = self._arrays, {}
        return {name: array[:self._rows] if len(array) > self._rows else array
                for name, array in arrays.items()}


class _Codes:
    """A text column read in chunks: its distinct values, in the order first read."""

    def __init__(self) -> None:
        self.values: dict[object, int] = {}

    def add(self, chunk: Sequence[object]) -> np.ndarray:
        """The int32 codes of a chunk's values (new values added)."""
        local, uniques = pd.factorize(np.array(chunk, dtype=object), use_na_sentinel=False)
        table = np.fromiter((self.values.setdefault(v, len(self.values)) for v in uniques),
                            dtype=np.int32, count=len(uniques))
        return table[local]


def _pair_rank(run: Run, d: Dialect, texts: dict[str, _Codes],
               arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Each row's rank by (source, name) in the back end's ``ORDER BY source, name``."""
    width = max(1, len(texts["name"].values))
    pair = arrays["source"].astype(np.int64) * width + arrays["name"]
    codes, uniques = first_seen(pair)
    del pair
    source_of, name_of = list(texts["source"].values), list(texts["name"].values)
    pairs = [(source_of[p // width], name_of[p % width]) for p in uniques.tolist()]
    if d.postgres:  # the server's collation, sorted in the server's memory
        ranked = run(f"SELECT DISTINCT source, name FROM {d.places} ORDER BY source, name",
                     [])
    else:
        # SQLite compares these columns BINARY (UTF-8 bytes: code point order, as
        # Python compares str); its DISTINCT would read the whole key index through
        # this process's page cache (64 MB at 800,000 places) for a few thousand pairs
        ranked = sorted(pairs)
    rank_of = {(source, name): i for i, (source, name) in enumerate(ranked)}
    ranks = np.fromiter((rank_of.get(pair, len(rank_of)) for pair in pairs),
                        dtype=np.int64, count=len(pairs))
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
    "learned_table",
    "relearn",
    "relearn_records",
    "revision",
    "schema",
    "set_enabled",
    "sources_frame",
    "taught",
]
