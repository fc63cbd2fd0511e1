"""Free-text search, actor, source and source-type filters asked of PostGIS.

The frame path matches normalised text (:func:`geo.geocoding.names.search_key`, with
case, diacritics and script folded) of every text field of a record, and the name keys
of its place's spellings (:mod:`geo.view.search`). The database cannot fold text that
way, so the same normalised text is stored beside each record: the columns of
:data:`SEARCH_COLUMNS`, computed by the frame's own code
(:func:`geo.geocoding.join.build_incident_frame` over the records, a batch at a time)
for the records written since the last sync (:func:`sync_search`, before each view:
one query when nothing changed). A term then is a ``LIKE '%key%'`` over those columns,
with a trigram index (``pg_trgm``) where the database offers it, so the matches are
the frame's by construction.

:class:`SearchTerm` is one parsed term of a query (made by the view layer from
:class:`geo.view.search.Term`); :func:`text_clauses` gives one SQL condition per text
filter, named as the frame path names them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

from geo.geocoding.join import build_incident_frame, claimants, search_text
from geo.geocoding.names import search_key
from geo.schema import INCIDENT_COLUMNS
from geo.settings import Settings
from geo.store.pg_sync import mark_synced, synced_revision, written_since
from geo.store.records import rows_to_frame

if TYPE_CHECKING:
    from geo.geocoding.areas import AdminAreas
    from geo.store.pg_query import PostGISQuery

#: Normalised text kept per record for the text filters, and who its figures are from
#: (``claimant``, for the totals), with their SQL types.
SEARCH_COLUMNS: dict[str, str] = {
    "search_text": "text", "place_keys": "text", "actor_key": "text", "source_key": "text",
    "source_type_key": "text", "claimant": "text",
}
#: Trigram indexes of the columns searched inside (``pg_trgm``; skipped without it).
TRIGRAM_INDEXES: dict[str, str] = {
    "incidents_search_trgm": "search_text", "incidents_actor_trgm": "actor_key",
    "incidents_source_trgm": "source_key", "incidents_source_type_trgm": "source_type_key",
    "incidents_place_keys_trgm": "place_keys",
}
#: Records whose search text is computed per batch.
SYNC_BATCH = 50_000
_META_KEY = "query_search"
#: Most matched records a resolved text filter names by an array of ids (more: a bitmap).
FIDS_AS_ARRAY = 5_000

Clause = tuple[sql.Composable, list[object]]


@dataclass(frozen=True)
class SearchTerm:
    """One term of a search query, as the store matches it.

    Attributes
    ----------
    key : str
        Normalised text looked for inside ``search_text``.
    text_keys : tuple of str
        Other spellings of the place or area the term names, also looked for in it.
    place_keys : tuple of str
        Name keys of the place's spellings (``|key|`` inside ``place_keys``).
    areas : tuple of str
        P-codes of the admin area the term names.
    by_text : bool
        False: the term matches by place or area only, not in the text.
    """

    key: str
    text_keys: tuple[str, ...] = ()
    place_keys: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    by_text: bool = True


@dataclass(frozen=True, eq=False)
class Hits:
    """The records one text filter lets through, found once (see
    :func:`geo.store.pg_hits.resolve_text`) and then named by their ``fid``.

    Attributes
    ----------
    name : str
        The filter (``search``, ``actor``, ``source``, ``source type``).
    key : str
        What was matched and at which store revision (equality and ``repr`` use it,
        never the ids: a view's cache key stays short).
    fids : numpy.ndarray or None
        Sorted ``fid`` of the matching records; None: every record matches.
    """

    name: str
    key: str
    fids: np.ndarray | None

    @property
    def size(self) -> int | None:
        """Records matched (None: every record)."""
        return None if self.fids is None else len(self.fids)

    def clause(self) -> Clause:
        """The SQL condition: ``fid`` among the matched ones.

        Up to :data:`FIDS_AS_ARRAY` records, ``fid = ANY(array)`` (primary-key look-ups);
        more, a bit per ``fid`` sent as one ``bytea`` and read by ``get_bit`` (an array
        of a hundred thousand ids costs the planner an estimate per element and the
        driver a conversion per element, about a second a query).
        """
        if self.fids is None:
            return sql.SQL("TRUE"), []
        if len(self.fids) <= FIDS_AS_ARRAY:
            return sql.SQL("fid = ANY(%s::bigint[])"), [self.fids.tolist()]
        bits = self._bits()
        return (sql.SQL("(CASE WHEN fid >= 0 AND fid < %s THEN get_bit(%s::bytea, fid) = 1 "
                        "ELSE false END)"), [len(bits) * 8, bits])

    def _bits(self) -> bytes:
        """Bit ``fid`` set for each matched record (``get_bit``'s order: lowest bit first)."""
        kept = self.__dict__.get("_packed")
        if kept is None:
            assert self.fids is not None
            size = int(self.fids[-1]) + 1 if len(self.fids) else 1
            flags = np.zeros(size, dtype=bool)
            flags[self.fids] = True
            kept = np.packbits(flags, bitorder="little").tobytes()
            object.__setattr__(self, "_packed", kept)
        return kept

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hits) and (self.name, self.key) == (other.name, other.key)

    def __hash__(self) -> int:
        return hash((self.name, self.key))

    def __repr__(self) -> str:
        return f"Hits({self.name!r}, {self.key!r}, {self.size})"


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def term_clause(term: SearchTerm) -> Clause:
    """The SQL condition one term sets (see :func:`geo.view.search.match_terms`)."""
    parts: list[sql.Composable] = [sql.SQL("search_text LIKE %s")] if term.by_text else []
    params: list[object] = [like_pattern(term.key)] if term.by_text else []
    if term.text_keys and term.by_text:
        parts.append(sql.SQL("search_text LIKE ANY(%s)"))
        params.append([like_pattern(k) for k in sorted(term.text_keys)])
    if term.place_keys:
        parts.append(sql.SQL("place_keys LIKE ANY(%s)"))
        params.append([like_pattern(f"|{k}|") for k in sorted(term.place_keys)])
    if term.areas:
        parts.append(sql.SQL("adm1_pcode = ANY(%s) OR adm2_pcode = ANY(%s)"))
        params.extend([list(term.areas), list(term.areas)])
    if not parts:
        return sql.SQL("false"), []
    condition = sql.SQL("coalesce(") + sql.SQL(" OR ").join(parts) + sql.SQL(", false)")
    return condition, params


def _any_of(column: str, wanted: Sequence[str]) -> Clause | None:
    """``column`` contains any of the wanted texts (search keys compared); None when no
    wanted text has a key (the frame's filter then lets everything through)."""
    keys = sorted({k for k in (search_key(w) for w in wanted) if k})
    if not keys:
        return None
    return (sql.SQL("coalesce({} LIKE ANY(%s), false)").format(sql.Identifier(column)),
            [[like_pattern(k) for k in keys]])


def text_clauses(terms: Sequence[SearchTerm], actors: Sequence[str],
                 sources: Sequence[str], source_types: Sequence[str],
                 hits: Sequence[Hits] = ()) -> dict[str, Clause]:
    """One SQL condition per active text filter, named as the frame path names them.

    Parameters
    ----------
    terms : sequence of SearchTerm
        The parsed search (all must match).
    actors, sources, source_types : sequence of str
        As :class:`geo.view.state.ViewState` holds them.
    hits : sequence of Hits
        Filters already resolved to the records they let through: their condition is
        the records' ``fid`` (an index look-up or a hashed test) instead of the text.

    Returns
    -------
    dict
        Filter name (``search``, ``actor``, ``source``, ``source type``) ->
        ``(condition, parameters)``.
    """
    out: dict[str, Clause] = {}
    if terms:
        each = [term_clause(t) for t in terms]
        out["search"] = (sql.SQL(" AND ").join(sql.SQL("(") + c + sql.SQL(")")
                                               for c, _ in each),
                         [p for _, params in each for p in params])
    for name, column, wanted in (("actor", "actor_key", actors),
                                 ("source", "source_key", sources),
                                 ("source type", "source_type_key", source_types)):
        if wanted:
            clause = _any_of(column, wanted)
            out[name] = clause if clause is not None else (sql.SQL("TRUE"), [])
    for found in hits:
        if found.name in out:
            out[found.name] = found.clause()
    return out


def top_countries(query: PostGISQuery, n: int = 3) -> tuple[str, ...]:
    """The ``n`` countries most records name, most first (where search terms are looked
    up as places first, as the frame path does)."""
    rows = query.read(sql.SQL(
        "SELECT country FROM {} WHERE country <> '' GROUP BY country "
        "ORDER BY count(*) DESC, min(fid) LIMIT %s").format(query.store.table("incidents")),
        [n])
    return tuple(str(r[0]) for r in rows)


def text_choices(query: PostGISQuery, limit: int = 300) -> dict[str, list[str]]:
    """The actors, claimants and source categories most records name, most first (the
    options of the actor, source and source-type filters), from grouped counts.

    Parameters
    ----------
    query : PostGISQuery
    limit : int
        Options per filter.

    Returns
    -------
    dict
        ``actors``, ``sources`` (claimants, as :func:`geo.geocoding.join.claimants`
        names them) and ``source_types``.
    """
    table = query.store.table("incidents")
    actors = query.read(sql.SQL(
        "SELECT btrim(a), count(*) FROM {}, regexp_split_to_table(actors, '[;,]') a "
        "WHERE btrim(a) <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %s").format(table), [limit])
    pairs = query.read(sql.SQL(
        "SELECT coalesce(claimed_by, ''), coalesce(source_name, ''), count(*) FROM {} "
        "GROUP BY 1, 2 ORDER BY 3 DESC LIMIT %s").format(table), [limit * 20])
    named = pd.DataFrame(pairs, columns=["claimed_by", "source_name", "n"])
    by_claimant = (named.assign(claimant=claimants(named)).groupby("claimant")["n"].sum()
                   .sort_values(ascending=False, kind="stable"))
    kinds: list[str] = []
    for column in ("source_event_type", "source_sub_event_type"):
        rows = query.read(sql.SQL(
            "SELECT {c}, count(*) FROM {t} WHERE coalesce({c}, '') <> '' GROUP BY 1 "
            "ORDER BY 2 DESC, 1 LIMIT %s").format(c=sql.Identifier(column), t=table), [limit])
        kinds += [str(r[0]) for r in rows if str(r[0]) not in kinds]
    return {"actors": [str(r[0]) for r in actors],
            "sources": [str(c) for c in by_claimant.index[:limit] if c],
            "source_types": kinds}


def search_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The :data:`SEARCH_COLUMNS` of records, from their incident frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`geo.geocoding.join.build_incident_frame`.

    Returns
    -------
    pandas.DataFrame
        ``id`` and the search columns, as the frame path matches them.
    """
    def keyed(text: pd.Series) -> pd.Series:
        keys = {t: search_key(t) for t in pd.unique(text)}
        return text.map(keys).astype(str)

    def column(name: str) -> pd.Series:
        return frame[name].fillna("").astype(str) if name in frame else pd.Series(
            "", index=frame.index, dtype=str)

    return pd.DataFrame({
        "id": frame["id"].astype(str),
        "search_text": search_text(frame),
        "place_keys": frame["place_keys"].astype(str),
        "actor_key": keyed(column("actors")),
        "source_key": keyed(column("source_name") + " | " + column("claimed_by")),
        "source_type_key": keyed(column("source_event_type") + " | "
                                 + column("source_sub_event_type")),
        "claimant": frame["claimant"].astype(str),
    })


def migrate(query: PostGISQuery) -> None:
    """Add the search columns and their indexes where missing (once per store)."""
    store = query.store
    conn = store.connection()
    table = store.table("incidents")
    found = {r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
        "AND table_name = 'incidents'", (store.schema,)).fetchall()}
    indexes = {r[0] for r in conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = "
        "'incidents'", (store.schema,)).fetchall()}
    missing = [c for c in SEARCH_COLUMNS if c not in found]
    absent = [i for i in TRIGRAM_INDEXES if i not in indexes]
    if not missing and not absent:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('incident-map:create'))")
        for name in missing:
            conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                table, sql.Identifier(name), sql.SQL(SEARCH_COLUMNS[name])))
    if absent and _trigrams(conn):
        with conn.transaction():
            for name in absent:
                conn.execute(sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {} ON {} USING gin ({} public.gin_trgm_ops)"
                ).format(sql.Identifier(name), table, sql.Identifier(TRIGRAM_INDEXES[name])))


def _trigrams(conn: psycopg.Connection) -> bool:
    """Whether ``pg_trgm`` is installed (created here when the role may)."""
    installed = conn.execute(
        "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    if installed:
        return True
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except psycopg.Error:  # not offered, or the role may not: search scans instead
        return False
    return True


def _file_identity(path: Path) -> str:
    """What a place file or gazetteer index holds, whatever folder it sits in: a hash
    of the file's bytes, or of an index folder's ``meta.json`` and its files' names and
    sizes (the columns weigh about 140 MB: they are not read); "none" when absent."""
    try:
        if path.is_dir():
            meta = path / "meta.json"
            parts = [meta.read_bytes() if meta.exists() else b""]
            parts += [f"{f.name}:{f.stat().st_size}".encode()
                      for f in sorted(path.iterdir()) if f.is_file() and f.name != "meta.json"]
            return hashlib.blake2b(b"|".join(parts), digest_size=8).hexdigest()
        return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return "none"


def search_settings_key(areas: AdminAreas | None, settings: Settings) -> str:
    """What the search text depends on besides the records: the admin areas (their
    names are searched) and the contents of the files place spellings are read from.

    Content, not paths: the same store opened from a checkout at another path (or a
    gazetteer moved) is not taken for one waiting for a sync.

    Parameters
    ----------
    areas : AdminAreas or None
    settings : Settings

    Returns
    -------
    str
    """
    codes = sorted(c for level in (1, 2) for c, _ in areas.options(level)) if areas else []
    parts = [*codes, _file_identity(settings.places_path),
             _file_identity(settings.gazetteer_index_path), *SEARCH_COLUMNS]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def _path_key(query: PostGISQuery, settings: Settings) -> str:
    """The key older releases wrote: it held the files' absolute paths."""
    areas = query.areas
    codes = sorted(c for level in (1, 2) for c, _ in areas.options(level)) if areas else []
    parts = [*codes, str(settings.places_path), str(settings.gazetteer_index_path),
             *SEARCH_COLUMNS]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def _settings_key(query: PostGISQuery, settings: Settings) -> str:
    """:func:`search_settings_key` of the store's areas; a store synced under the older
    path key of these very files is taken over (its ``store_meta`` entry rewritten), so
    an upgrade does not compute every record's search text again."""
    wanted = search_settings_key(query.areas, settings)
    store = query.store
    conn, meta = store.connection(), store.table("store_meta")
    row = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = %s").format(meta),
                       (_META_KEY,)).fetchone()
    if row is not None:
        done, _, written = str(row[0]).partition("|")
        if written != wanted and written == _path_key(query, settings):
            mark_synced(conn, meta, _META_KEY, int(done), wanted)
    return wanted


def sync_key(query: PostGISQuery, settings: Settings) -> tuple[str, str]:
    """``store_meta`` entry and settings key of the search columns (:mod:`pg_sync`)."""
    return _META_KEY, _settings_key(query, settings)


def sync_search(query: PostGISQuery, settings: Settings) -> int:
    """Compute the search columns of the records written since the last sync.

    Parameters
    ----------
    query : PostGISQuery
    settings : Settings
        Where the spellings of the places records were placed at are read from.

    Returns
    -------
    int
        Records updated (0 when the columns were current: one query).
    """
    return int(query.guarded(_sync, query, settings))


def _sync(query: PostGISQuery, settings: Settings) -> int:
    migrate(query)
    store = query.store
    conn = store.connection()
    meta = store.table("store_meta")
    revision = store.revision()  # before reading: later writes are synced next time
    wanted = _settings_key(query, settings)
    since = synced_revision(conn, meta, _META_KEY, wanted)
    if since >= revision:
        return 0
    corrections = store.corrections()
    updated = 0
    for rows in written_since(conn, store.table("incidents"), INCIDENT_COLUMNS, since,
                              SYNC_BATCH):
        records = rows_to_frame(rows)
        del rows
        frame = build_incident_frame(records, None, query.areas, settings, corrections)
        _write(conn, store.table("incidents"), search_columns(frame))
        updated += len(frame)
    mark_synced(conn, meta, _META_KEY, revision, wanted)
    return updated


def _write(conn: psycopg.Connection, table: sql.Composed, values: pd.DataFrame) -> None:
    buffer = io.StringIO()
    values.to_csv(buffer, index=False, header=False)
    names = list(SEARCH_COLUMNS)
    with conn.transaction():
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _search (id text, "
                     + ", ".join(f"{n} text" for n in names) + ") ON COMMIT DELETE ROWS")
        with conn.cursor() as cur, cur.copy("COPY _search FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        conn.execute(sql.SQL("UPDATE {} AS i SET {} FROM _search s WHERE i.id = s.id").format(
            table, sql.SQL(", ").join(
                sql.SQL("{} = coalesce(s.{}, '')").format(sql.Identifier(n), sql.Identifier(n))
                for n in names)))
