"""The records a view's text filters let through, copied once into a small table that
every query of the view reads instead of the store.

A text filter resolved to its records (:func:`geo.store.pg_hits.resolve_text`) is
asked by ``fid``; for more than a few thousand records that test is evaluated on every
row of the store (a bitmap of the ids), so each query of the view (counts, aggregates,
timeline, table page, totals, the tabs) read the whole 700 MB table: 3.6-7.6 s per
rerun of a common term at 1,000,000 records. Here the matching records (the
intersection of the view's text filters) are copied once per store revision into an
unlogged table of the schema (``query_hits_<digest>``, without the search columns),
and :func:`hit_rows` gives the view a :class:`PostGISQuery` over that table with the
text filters taken off: the same records, the other filters applied as before, each
query reading tens of thousands of narrow rows instead of a million wide ones.

The copies are shared by every session and app instance (a registry table,
``query_hitsets``, notes when each was last used); copies not used for
:data:`UNUSED_MINUTES` are dropped when a new one is made. No figure kept with the
grid or the cubes describes a copy: the query over it reports a store revision no grid
has (-1), so every fast path of :mod:`geo.store.pg_grid`, :mod:`~geo.store.pg_cube`,
:mod:`~geo.store.pg_fine`, :mod:`~geo.store.pg_counts` and :mod:`~geo.store.pg_table`
declines and the rows of the copy are read.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import cast

import numpy as np
import psycopg
from psycopg import sql

from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import FIDS_AS_ARRAY
from geo.store.postgis import PostGISStore
from geo.store.query import QueryFilter

HITSET_MIN = FIDS_AS_ARRAY
"""Fewest matched records copied (fewer are asked by ``fid`` from the store: primary-key
look-ups, as cheap as a copy)."""
UNUSED_MINUTES = 10
"""A copy not used for this long is dropped when another is made."""
_LEFT_OUT = frozenset({"imported", "search_text", "place_keys", "actor_key", "source_key",
                       "source_type_key"})
"""Columns not copied: the text filters' keys (never asked of a copy) and the import's
original row."""
_REGISTRY = "query_hitsets"


class _HitStore:
    """The store as the queries over a copy see it: ``incidents`` is the copy, and its
    revision is one no grid reflects (so no stored figure answers for it)."""

    def __init__(self, store: PostGISStore, table: sql.Composed) -> None:
        self._store, self._copy = store, table
        self.schema, self.location = store.schema, store.location

    def table(self, name: str) -> sql.Composed:
        return self._copy if name == "incidents" else self._store.table(name)

    def revision(self) -> int:
        return -1

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


class HitQuery(PostGISQuery):
    """:class:`PostGISQuery` over a copy of the records a view's text filters match."""

    def __init__(self, query: PostGISQuery, table: sql.Composed) -> None:  # noqa: D107
        # Not the parent's: the copy needs no migration, and shares the store's settings.
        self.store = cast(PostGISStore, _HitStore(query.store, table))
        self.areas = query.areas
        self._table = table
        self._meta = query.store.table("store_meta")
        self._areas_key = query._areas_key  # noqa: SLF001 - the same package


def text_free(spec: QueryFilter) -> QueryFilter:
    """``spec`` without its text filters (what is left to ask of a copy)."""
    return replace(spec, search=(), actors=(), sources=(), source_types=(), hits=())


def matched_ids(spec: QueryFilter) -> np.ndarray | None:
    """Sorted ``fid`` every resolved text filter of ``spec`` lets through (None: a text
    filter is not resolved, or none restricts)."""
    names = {"search": spec.search, "actor": spec.actors, "source": spec.sources,
             "source type": spec.source_types}
    active = {n for n, v in names.items() if v}
    resolved = {h.name: h for h in spec.hits}
    if not active or any(n not in resolved for n in active):
        return None
    kept = [f for f in (resolved[n].fids for n in sorted(active)) if f is not None]
    if not kept:
        return None
    fids: np.ndarray = kept[0]
    for other in kept[1:]:
        fids = np.intersect1d(fids, other, assume_unique=True)
    return fids


def hit_rows(query: PostGISQuery, spec: QueryFilter) -> tuple[PostGISQuery, QueryFilter]:
    """The query and filters that answer ``spec``'s view: over a copy of the records its
    text filters match when they are resolved and match at least :data:`HITSET_MIN`
    records (made once per store revision), else ``query`` and ``spec`` themselves.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
        Text filters resolved (:func:`geo.store.pg_hits.resolve_text`).

    Returns
    -------
    tuple
        ``(query, filters)``: every answer asked of them is the view's.
    """
    if isinstance(query, HitQuery):
        return query, spec
    fids = matched_ids(spec)
    if fids is None or len(fids) < HITSET_MIN:
        return query, spec
    keys = sorted(h.key for h in spec.hits)
    name = "query_hits_" + hashlib.blake2b("|".join(keys).encode(), digest_size=8).hexdigest()
    table = sql.Composed([sql.Identifier(query.store.schema, name)])
    query.guarded(_ensure, query, name, table, fids)
    return HitQuery(query, table), text_free(spec)


def _ensure(query: PostGISQuery, name: str, table: sql.Composed, fids: np.ndarray) -> None:
    """Make the copy ``name`` of the records ``fids`` unless it exists; note its use."""
    conn = query.store.connection()
    registry = sql.Composed([sql.Identifier(query.store.schema, _REGISTRY)])
    with conn.transaction():
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, "
                             "records bigint, used timestamptz)").format(registry))
        # One maker per copy: the others wait for it, then find it made.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                     (f"incident-map:hits:{query.store.schema}:{name}",))
        found = conn.execute(sql.SQL(
            "UPDATE {} SET used = now() WHERE name = %s RETURNING 1").format(registry),
            (name,)).fetchone()
        exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                              (table.as_string(conn),)).fetchone()
        if found and exists and exists[0]:
            return
        conn.execute("SET LOCAL jit = off")
        columns = [str(r[0]) for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
            "table_name = 'incidents' ORDER BY ordinal_position", (query.store.schema,))
            if r[0] not in _LEFT_OUT]
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.execute(sql.SQL(
            "CREATE UNLOGGED TABLE {} AS SELECT {} FROM {} WHERE fid = ANY(%s::bigint[])"
        ).format(table, sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                 query.store.table("incidents")), (fids.tolist(),))
        conn.execute(sql.SQL("ANALYZE {}").format(table))
        conn.execute(sql.SQL(
            "INSERT INTO {} VALUES (%s, %s, now()) ON CONFLICT (name) DO UPDATE SET "
            "records = excluded.records, used = excluded.used").format(registry),
            (name, len(fids)))
        _drop_unused(conn, query, registry)


def _drop_unused(conn: psycopg.Connection, query: PostGISQuery, registry: sql.Composed
                 ) -> None:
    """Drop the copies no view has used for :data:`UNUSED_MINUTES`."""
    stale = conn.execute(sql.SQL(
        "DELETE FROM {} WHERE used < now() - make_interval(mins => %s) RETURNING name"
    ).format(registry), (UNUSED_MINUTES,)).fetchall()
    for (old,) in stale:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(
            sql.Identifier(query.store.schema, str(old))))


def forget_copies(query: PostGISQuery) -> int:
    """Drop every copy of the store's schema (a benchmark's "first time"); how many."""
    def work() -> int:
        conn = query.store.connection()
        registry = sql.Identifier(query.store.schema, _REGISTRY)
        with conn.transaction():
            exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                                  (registry.as_string(conn),)).fetchone()
            if not exists or not exists[0]:
                return 0
            names = conn.execute(sql.SQL("DELETE FROM {} RETURNING name").format(registry)
                                 ).fetchall()
            for (name,) in names:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(
                    sql.Identifier(query.store.schema, str(name))))
        return len(names)

    return int(query.guarded(work))
