"""Text filters of a store-mode view resolved once to the records they let through.

A search, actor, source or source-type filter is a condition on the normalised text the
store keeps per record (:mod:`geo.store.pg_search`). Evaluated inside every query of a
view (the counts line, the aggregates, the timeline, the table, the totals), it made
each of them read every record: at 1,000,000 records, 10-18 s per rerun. Here each
text filter is asked once, in a form the indexes serve (single ``LIKE`` tests joined by
``OR``, which the trigram indexes combine with the area B-trees in one bitmap), and the
``fid`` of the matching records are kept per store revision (:func:`resolve_text`).
The view's queries then test ``fid = ANY(...)``: a primary-key look-up for a few
records, a hashed test for many. The counts line needs no pass over the records for the
text filters at all (:func:`hits_counts`): what a text filter hides is the store's
count minus its matches, the other filters' figures come as for the same view without
text, and only the records the text lets through are counted with every filter.

The matches are the frame path's by construction: the same stored text and the same
conditions, only written so an index can answer them. A filter matching more than
:data:`HITS_MAX` records (a word nearly every record holds) is left as text: the view
then reads every record, as before.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from psycopg import sql

from geo.geocoding.names import search_key
from geo.store.pg_search import Clause, Hits, SearchTerm, like_pattern
from geo.store.query import DRAWN_SQL, ORDER, QueryFilter, combine, where_clauses

if TYPE_CHECKING:
    from geo.store.pg_query import Counts, PostGISQuery

#: Most records a text filter may match to be asked by ``fid`` (above: left as text).
#: Above about a fifth of a million-record store every query reads the whole table
#: either way, and the measured reruns were slower by ``fid`` than by text
#: (``bench/bench_store_query.py --searches``).
HITS_MAX = 200_000
#: Most record ids kept for all filters together (about 8 bytes each), least recently
#: used dropped first.
KEPT_IDS = 4_000_000
#: Working memory of the query finding a filter's matches (an exact bitmap of them).
MATCH_WORK_MEM_MB = 64
#: The text filters, as :func:`geo.store.query.where_clauses` names them.
TEXT_FILTERS = ("search", "actor", "source", "source type")

_TOO_MANY = np.zeros(0, dtype=np.int64)
"""Marks a filter known to match more than :data:`HITS_MAX` records."""


class _Kept:
    """Matched ids per (store, revision, filter), least recently used dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: OrderedDict[tuple[str, str], np.ndarray | None] = OrderedDict()

    def get(self, key: tuple[str, str]) -> tuple[bool, np.ndarray | None]:
        with self._lock:
            if key not in self._ids:
                return False, None
            self._ids.move_to_end(key)
            return True, self._ids[key]

    def put(self, key: tuple[str, str], fids: np.ndarray | None) -> None:
        with self._lock:
            self._ids[key] = fids
            self._ids.move_to_end(key)
            while len(self._ids) > 1 and sum(
                    0 if v is None else len(v) for v in self._ids.values()) > KEPT_IDS:
                self._ids.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._ids.clear()


KEPT = _Kept()
"""The ids every session shares (a term searched once is not searched again)."""


def _or(parts: list[tuple[str, object]]) -> Clause:
    """``a OR b OR ...`` of single tests, each ``(sql with one %s, parameter)``."""
    return (sql.SQL("(") + sql.SQL(" OR ").join(sql.SQL(p) for p, _ in parts) + sql.SQL(")"),
            [v for _, v in parts])


def _term(term: SearchTerm) -> Clause:
    """One search term as index-friendly SQL (:func:`geo.store.pg_search.term_clause`'s
    meaning in a WHERE clause, where NULL is false)."""
    parts: list[tuple[str, object]] = []
    if term.by_text:
        parts += [("search_text LIKE %s", like_pattern(term.key))]
        parts += [("search_text LIKE %s", like_pattern(k)) for k in sorted(term.text_keys)]
    parts += [("place_keys LIKE %s", like_pattern(f"|{k}|")) for k in sorted(term.place_keys)]
    if term.areas:
        parts += [("adm1_pcode = ANY(%s)", list(term.areas)),
                  ("adm2_pcode = ANY(%s)", list(term.areas))]
    if not parts:
        return sql.SQL("false"), []
    return _or(parts)


def match_clauses(spec: QueryFilter) -> dict[str, Clause | None]:
    """Per active text filter, its condition written for the indexes (None: the filter
    lets every record through, as when no wanted text has a search key).

    Parameters
    ----------
    spec : QueryFilter

    Returns
    -------
    dict
        Filter name (:data:`TEXT_FILTERS`) -> ``(condition, parameters)`` or None.
    """
    out: dict[str, Clause | None] = {}
    if spec.search:
        each = [_term(t) for t in spec.search]
        out["search"] = (sql.SQL(" AND ").join(c for c, _ in each),
                         [p for _, params in each for p in params])
    for name, column, wanted in (("actor", "actor_key", spec.actors),
                                 ("source", "source_key", spec.sources),
                                 ("source type", "source_type_key", spec.source_types)):
        if wanted:
            keys = sorted({k for k in (search_key(w) for w in wanted) if k})
            out[name] = _or([(f"{column} LIKE %s", like_pattern(k)) for k in keys]) \
                if keys else None
    return out


def resolve_text(query: PostGISQuery, spec: QueryFilter, revision: int | None = None
                 ) -> QueryFilter:
    """``spec`` with its text filters resolved to the records they match (its ``hits``).

    Each filter is asked once per store revision (kept for every session in
    :data:`KEPT`); when one matches more than :data:`HITS_MAX` records, every text
    filter of the view stays text.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    revision : int, optional
        The store revision the view reflects (asked of the store when not given). The
        search text must be synced to it (:func:`geo.store.pg_search.sync_search`).

    Returns
    -------
    QueryFilter
        The same filters, with ``hits`` for the text filters that could be resolved.
    """
    if not spec.matches_text:
        return spec
    if revision is None:
        revision = query.store.revision()
    found: list[Hits] = []
    for name, clause in match_clauses(spec).items():
        if clause is None:
            found.append(Hits(name, f"{revision}:{name}:every", None))
            continue
        condition, params = clause
        digest = hashlib.blake2b(repr((condition, params)).encode(),
                                 digest_size=10).hexdigest()
        key = f"{revision}:{name}:{digest}"
        known, fids = KEPT.get((query.store.location, key))
        if not known:
            fids = _match(query, condition, params)
            KEPT.put((query.store.location, key), fids)
        if fids is _TOO_MANY:
            # All or none: with one filter left as text, the counts line reads every
            # record anyway, and the others by id only made that slower (measured).
            return spec
        found.append(Hits(name, key, fids))
    return replace(spec, hits=tuple(found)) if found else spec


def _match(query: PostGISQuery, condition: sql.Composable, params: list[object]
           ) -> np.ndarray:
    """Sorted ``fid`` of the records ``condition`` holds for (:data:`_TOO_MANY` above
    :data:`HITS_MAX`)."""
    statement = sql.SQL("SELECT fid FROM {} WHERE {} LIMIT %s").format(
        query.store.table("incidents"), condition)

    def read() -> list[tuple]:
        conn = query.store.connection()
        with conn.transaction():
            # Room for an exact bitmap of the matching rows: with the default 4 MB a
            # common term's bitmap turns lossy and the planner reads every record.
            conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(
                sql.Literal(f"{MATCH_WORK_MEM_MB}MB")))
            conn.execute("SET LOCAL jit = off")
            return conn.execute(statement, [*params, HITS_MAX + 1]).fetchall()

    rows = query.guarded(read)
    if len(rows) > HITS_MAX:
        return _TOO_MANY
    fids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    fids.sort()
    return fids


def hits_counts(query: PostGISQuery, spec: QueryFilter) -> Counts | None:
    """The counts line of a view whose text filters are all resolved, reading only the
    records they let through (None when one is not resolved).

    What a text filter hides is every record but its matches; what the other filters
    hide is what they hide in the same view without text (often known from the cube
    or the per-day counts); shown and on-map count the matched records passing every
    filter.
    """
    from geo.store.pg_query import Counts

    clauses = where_clauses(spec)
    resolved = {h.name: h for h in spec.hits}
    text = [name for name in clauses if name in TEXT_FILTERS]
    if not text or any(name not in resolved for name in text):
        return None
    base = query.counts(replace(spec, search=(), actors=(), sources=(), source_types=(),
                                hits=()))
    hidden = dict(base.hidden_by)
    for name in text:
        size = resolved[name].size
        if size is not None and base.total - size:
            hidden[name] = base.total - size
    from geo.store.pg_hitrows import hit_rows  # it reads pg_query, which reads this

    rows, rows_spec = hit_rows(query, spec)  # a copy of the matches, when many
    condition, params = combine(where_clauses(rows_spec))
    row = rows.read(sql.SQL(
        "SELECT count(*), count(*) FILTER (WHERE " + DRAWN_SQL + ") FROM {} WHERE {}"
    ).format(rows.store.table("incidents"), condition), params)[0]
    ordered = {name: hidden[name] for name in sorted(hidden, key=ORDER.index)}
    return Counts(base.total, int(row[0]), int(row[1]), ordered)
