"""The derived columns of a PostGIS store brought up to date in one pass, a batch at a time.

Store-driven queries read, beside each record, columns computed from it by the frame's
own code: its governorate, district and area radius (:meth:`PostGISQuery.sync_areas`)
and its normalised search text and claimant (:func:`geo.store.pg_search.sync_search`).
After ordinary writes only a few records wait, and the first view brings them up to date.
A store filled by other means (a bulk load, a store made before these columns, a change
of the admin boundaries) has every record waiting: :func:`sync_derived` is what
``python -m geo.store sync`` runs for it, once.

One pass computes both: each batch of :data:`SYNC_BATCH` records (by ``fid``) is read
once, built into the frame's columns once (:func:`geo.geocoding.join.build_incident_frame`,
whose area join the two syncs used to run twice), copied into a temporary table and
written with one ``UPDATE ... FROM`` bounded to the batch's ``fid`` range (so the
primary key finds the rows). Each batch commits with a progress mark in ``store_meta``
(:data:`PROGRESS_KEY`): an interrupted sync resumes after the last batch written. At the
end both syncs' marks are set, so :meth:`PostGISQuery.sync_areas` and
:func:`~geo.store.pg_search.sync_search` find nothing to do.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql

from geo.geocoding.join import build_incident_frame
from geo.schema import INCIDENT_COLUMNS
from geo.settings import Settings
from geo.store import pg_query, pg_search
from geo.store.pg_query import PostGISQuery
from geo.store.pg_sync import mark_synced, synced_revision, written_since
from geo.store.records import rows_to_frame

#: Records computed and written per batch (and per transaction).
SYNC_BATCH = 50_000
#: ``store_meta`` entry of a sync under way: ``since|target|last fid|settings``.
PROGRESS_KEY = "derived_progress"
_AREA_COLUMNS = ("adm1_pcode", "adm2_pcode", "area_radius_km")

Report = Callable[[str], None]


@dataclass(frozen=True)
class Backlog:
    """What waits for its derived columns.

    Attributes
    ----------
    waiting : int
        Records to compute (counted up to the limit asked for).
    since : int
        The store revision both derived columns reflect (-1: never synced).
    revision : int
        The store's revision.
    resume_after : int
        ``fid`` an interrupted sync stopped after (0: none).
    """

    waiting: int
    since: int
    revision: int
    resume_after: int = 0


def backlog(query: PostGISQuery, settings: Settings, limit: int | None = None) -> Backlog:
    """How many records wait for their area columns or search text.

    Parameters
    ----------
    query : PostGISQuery
    settings : Settings
        What the search text depends on (see :func:`geo.store.pg_search.sync_search`).
    limit : int, optional
        Count no further than this (a page only needs to know whether it is more).

    Returns
    -------
    Backlog
        One indexed count (the ``revision`` index); nothing read when nothing waits.
    """
    return query.guarded(_backlog, query, settings, limit)


def _backlog(query: PostGISQuery, settings: Settings, limit: int | None) -> Backlog:
    store = query.store
    conn = store.connection()
    revision = store.revision()
    since, wanted = _since(query, settings)
    if since >= revision:
        return Backlog(0, since, revision)
    after = _resume_after(conn, store.table("store_meta"), since, wanted)
    cap = sql.SQL("") if limit is None else sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    row = conn.execute(sql.SQL(
        "SELECT count(*) FROM (SELECT 1 FROM {} WHERE revision > %s AND fid > %s{}) s"
    ).format(store.table("incidents"), cap), (since, after)).fetchone()
    return Backlog(int(row[0]) if row else 0, since, revision, after)


def sync_derived(query: PostGISQuery, settings: Settings, *, batch: int = SYNC_BATCH,
                 report: Report | None = None) -> int:
    """Compute the area columns and search text of every record written since the last
    sync, in one pass (resuming an interrupted one).

    Parameters
    ----------
    query : PostGISQuery
    settings : Settings
    batch : int
        Records per batch (each one transaction).
    report : callable, optional
        Called with a line of progress after each batch.

    Returns
    -------
    int
        Records computed (0 when every column was current).
    """
    return int(query.guarded(_sync, query, settings, batch, report))


def _since(query: PostGISQuery, settings: Settings) -> tuple[int, str]:
    """The revision both derived columns reflect, and the settings they must match."""
    conn = query.store.connection()
    meta = query.store.table("store_meta")
    (area_key, areas), (search_key, search) = (_areas_sync_key(query),
                                               pg_search.sync_key(query, settings))
    since = min(synced_revision(conn, meta, area_key, areas),
                synced_revision(conn, meta, search_key, search))
    return since, f"{areas}/{search}"


def _areas_sync_key(query: PostGISQuery) -> tuple[str, str]:
    """``store_meta`` entry and settings key of the area columns (see :mod:`pg_query`)."""
    return pg_query._META_KEY, query._areas_key  # noqa: SLF001 - the same package


def _resume_after(conn: psycopg.Connection, meta: sql.Composable, since: int,
                  wanted: str) -> int:
    """``fid`` an interrupted sync from ``since`` with these settings stopped after."""
    row = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = %s").format(meta),
                       (PROGRESS_KEY,)).fetchone()
    parts = str(row[0]).split("|") if row else []
    if len(parts) == 4 and parts[0] == str(since) and parts[3] == wanted:
        return int(parts[2])
    return 0


def _target(conn: psycopg.Connection, meta: sql.Composable, revision: int) -> int:
    """The revision an interrupted sync was bringing the columns to (else ``revision``)."""
    row = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = %s").format(meta),
                       (PROGRESS_KEY,)).fetchone()
    parts = str(row[0]).split("|") if row else []
    return int(parts[1]) if len(parts) == 4 else revision


def _sync(query: PostGISQuery, settings: Settings, batch: int, report: Report | None) -> int:
    pg_search.migrate(query)  # the search columns, where missing
    store = query.store
    conn = store.connection()
    meta = store.table("store_meta")
    todo = _backlog(query, settings, None)
    if todo.since >= todo.revision:
        return 0
    _, wanted = _since(query, settings)
    # resumed: records up to its fid are current up to the revision it was aiming at
    target = _target(conn, meta, todo.revision) if todo.resume_after else todo.revision
    if report is not None:
        resumed = f", resuming after fid {todo.resume_after}" if todo.resume_after else ""
        report(f"{todo.waiting:,} records to compute (store revision {todo.revision}, "
               f"columns at {todo.since}{resumed})")
    corrections = store.corrections()
    done = 0
    for rows in written_since(conn, store.table("incidents"), ["fid", *INCIDENT_COLUMNS],
                              todo.since, batch, todo.resume_after):
        fids = [int(r[0]) for r in rows]
        records = rows_to_frame([r[1:] for r in rows])
        del rows
        frame = build_incident_frame(records, None, query.areas, settings, corrections)
        values = pg_search.search_columns(frame).drop(columns="id")
        for column in _AREA_COLUMNS:
            values[column] = frame[column].to_numpy()
        values.insert(0, "fid", fids)
        progress = f"{todo.since}|{target}|{fids[-1]}|{wanted}"
        _write(conn, store.table("incidents"), meta, values, progress)
        done += len(values)
        if report is not None:
            report(f"{done:,} of {todo.waiting:,} records computed and written "
                   f"(up to fid {fids[-1]})")
    for key, value in (_areas_sync_key(query), pg_search.sync_key(query, settings)):
        mark_synced(conn, meta, key, target, value)
    conn.execute(sql.SQL("DELETE FROM {} WHERE key = %s").format(meta), (PROGRESS_KEY,))
    return done


def _write(conn: psycopg.Connection, table: sql.Composed, meta: sql.Composed,
           values: pd.DataFrame, progress: str) -> None:
    """One batch's columns, by ``fid``, and the progress mark, in one transaction."""
    buffer = io.StringIO()
    values["area_radius_km"] = pd.to_numeric(values["area_radius_km"]).astype("float64")
    values.to_csv(buffer, index=False, header=False)
    text = [c for c in values.columns if c not in ("fid", "area_radius_km")]
    with conn.transaction():
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _derived (fid bigint, "
            + ", ".join(f"{c} text" for c in text)
            + ", area_radius_km double precision) ON COMMIT DELETE ROWS")
        names = sql.SQL(", ").join(sql.Identifier(c) for c in values.columns)
        with conn.cursor() as cur, cur.copy(sql.SQL(
                "COPY _derived ({}) FROM STDIN WITH (FORMAT csv)").format(names)) as copy:
            copy.write(buffer.getvalue())
        sets = sql.SQL(", ").join(
            [sql.SQL("{c} = coalesce(d.{c}, '')").format(c=sql.Identifier(c)) for c in text]
            + [sql.SQL("area_radius_km = d.area_radius_km")])
        conn.execute(sql.SQL(
            "UPDATE {} AS i SET {} FROM _derived d WHERE i.fid = d.fid "
            "AND i.fid BETWEEN %s AND %s").format(table, sets),
            (int(values["fid"].iloc[0]), int(values["fid"].iloc[-1])))
        conn.execute(sql.SQL(
            "INSERT INTO {} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value").format(meta), (PROGRESS_KEY, progress))
