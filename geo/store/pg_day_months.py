"""The per-day counts summed by month, so a new view's counts line, timeline and totals
read a few thousand rows instead of every (start day, end day) group.

The per-day counts (``query_dates``, :mod:`geo.store.pg_grid`) hold the records per date
precision, start day, end day, event type, claim status, stored precision, whether drawn
and claimant, with their figure sums. At 1,000,000 synthetic records they are 552,188
rows: the three questions of a new view (counts, timeline, totals) each scanned them.
``query_dates_month`` groups them again with the start day replaced by the first day of
its month and the end day by the last day of its month, keeping the span in days
(``coalesce(date_end, date_start) - date_start + 1``, what a record's vagueness by its
dates reads): 27,000 rows for the same store.

Where the month decides, a month row answers as its records would:

- a date range's condition ``date_start <= to AND date_end >= from``: a month's first day
  is at most ``to`` exactly when the month is not after ``to``'s, and its last day at
  least ``from`` exactly when the month is not before ``from``'s. Only the month of
  ``to`` (when ``to`` is not its last day) and the month of ``from`` (when ``from`` is
  not its first) hold records on both sides: :func:`day_source` reads the per-day rows
  of those (through the start and end day indexes) and the month rows of the others;
- the timeline's bins, when every bin edge is the first day of a month (monthly,
  quarterly and yearly bins: the timeline of several years);
- the figures, which are sums.

Kept in the grid's refresh transaction (:func:`geo.store.pg_grid.refresh_grid`): built
again from the per-day counts with them, else computed again for the start months of
the keys a write touched and of the new records. A store of the previous layout gets it
when opened (:func:`ensure_day_months`, from :class:`~geo.store.pg_query.PostGISQuery`).
The grid's metadata says the table is current (``day_months``); a refresh by code that
does not know it leaves that out, and the per-day counts answer until it is built again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta

import psycopg
from psycopg import sql

from geo.store.pg_query import PostGISQuery
from geo.store.pg_totals import figure_sums

META_FLAG = "day_months"
"""Key of the grid's metadata set when the table reflects the per-day counts."""
_FEW_MONTHS = 24
"""Start months above which the table is built again whole after a write (one pass over
the per-day counts) instead of per month."""
_KEYS = ("date_precision", "date_start", "date_end", "span", "ev", "cl", "gp", "drawn",
         "claimant")


def day_months_table(query: PostGISQuery) -> sql.Identifier:
    """The table of per-day counts summed by month."""
    return sql.Identifier(query.store.schema, "query_dates_month")


def _columns() -> sql.Composable:
    """The table's columns, in order (keys, ``n``, the figure sums)."""
    return sql.SQL(", ").join(sql.Identifier(c) for c in (
        *_KEYS, "n", *("f_" + name for name, _ in figure_sums())))


def _select(query: PostGISQuery, condition: sql.Composable) -> sql.Composed:
    """Month rows of the per-day rows meeting ``condition``."""
    from geo.store.pg_grid import dates_table

    sums = sql.SQL(", ").join(sql.SQL("sum({0})::bigint AS {0}").format(
        sql.Identifier("f_" + name)) for name, _ in figure_sums())
    return sql.SQL(
        "SELECT date_precision, date_trunc('month', date_start)::date AS date_start, "
        "(date_trunc('month', date_end) + interval '1 month' - interval '1 day')::date "
        "AS date_end, coalesce(date_end, date_start) - date_start + 1 AS span, ev, cl, gp, "
        "drawn, claimant, sum(n)::bigint AS n, {sums} FROM {dates} WHERE {condition} "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9").format(
        sums=sums, dates=dates_table(query), condition=condition)


def rebuild_day_months(query: PostGISQuery, conn: psycopg.Connection) -> None:
    """Build the table again from the per-day counts (in the caller's transaction)."""
    table = day_months_table(query)
    conn.execute("SET LOCAL work_mem = '64MB'")  # the grouping in memory, not on disk
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    conn.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, _select(query, sql.SQL("TRUE"))))
    conn.execute(sql.SQL("CREATE INDEX ON {} (date_start)").format(table))
    conn.execute(sql.SQL("ANALYZE {}").format(table))


def update_day_months(query: PostGISQuery, conn: psycopg.Connection,
                      months: Sequence[date | None]) -> None:
    """Compute again the rows of the start ``months`` (first days; None: the undated
    records) from the per-day counts, in the caller's transaction."""
    if not months:
        return
    if len(months) > _FEW_MONTHS:
        rebuild_day_months(query, conn)
        return
    table = day_months_table(query)
    ranges: list[sql.Composable] = []
    args: list[object] = []
    for first in sorted(m for m in months if m is not None):
        ranges.append(sql.SQL("(date_start >= %s AND date_start < %s)"))
        args += [first, (first + timedelta(days=32)).replace(day=1)]
    if None in months:
        ranges.append(sql.SQL("date_start IS NULL"))
    condition = sql.SQL(" OR ").join(ranges)
    conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(table, condition), args)
    conn.execute(sql.SQL("INSERT INTO {} {}").format(table, _select(query, condition)), args)


def touched_months(query: PostGISQuery, conn: psycopg.Connection) -> list[date | None]:
    """Start months (first days; None: undated) of the keys a refresh computes again
    (``_touched``) and of the new records it merges (``_new``)."""
    rows = conn.execute(sql.SQL(
        "SELECT date_trunc('month', ds)::date FROM _touched UNION SELECT date_trunc('month', "
        "date_start)::date FROM {} WHERE fid IN (SELECT fid FROM _new)").format(
        query.store.table("incidents"))).fetchall()
    return [r[0] for r in rows]


def refresh_day_months(query: PostGISQuery, conn: psycopg.Connection, rebuilt: bool,
                       previous: dict | None) -> None:
    """Bring the table up to the per-day counts at the end of a grid refresh: built
    again when they were (``rebuilt``) or when the previous metadata does not say it was
    kept, else the touched months."""
    if rebuilt or previous is None or not previous.get(META_FLAG):
        rebuild_day_months(query, conn)
    else:
        update_day_months(query, conn, touched_months(query, conn))


def ensure_day_months(query: PostGISQuery) -> bool:
    """Build the table of a store whose grid was made without it (the previous layout,
    or a refresh by code that does not keep it); True when built. One transaction under
    the grid's lock; nothing when there is no grid (its first refresh builds both)."""
    from geo.store.pg_grid import META_KEY, grid_meta

    meta = grid_meta(query)
    if meta is None or meta.get(META_FLAG):
        return False
    conn = query.store.connection()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                     (f"incident-map:grid:{query.store.schema}",))
        meta = grid_meta(query)
        if meta is None or meta.get(META_FLAG):
            return False
        conn.execute("SET LOCAL jit = off")
        rebuild_day_months(query, conn)
        conn.execute(sql.SQL("UPDATE {} SET value = %s WHERE key = %s").format(
            query.store.table("store_meta")), (json.dumps({**meta, META_FLAG: True}), META_KEY))
    return True


def day_months_current(query: PostGISQuery) -> bool:
    """Whether the table reflects the store (the grid is current and says so)."""
    from geo.store.pg_grid import grid_meta

    meta = grid_meta(query)
    return meta is not None and bool(meta.get(META_FLAG)) \
        and int(meta["revision"]) == query.store.revision()


def _last_day(value: date) -> bool:
    return (value + timedelta(days=1)).day == 1


def day_source(query: PostGISQuery, date_from: date | None, date_to: date | None
               ) -> sql.Composable | None:
    """A ``FROM`` item with the per-day counts' columns and ``span`` whose rows sum to the
    per-day counts' answer for a view with the date range ``date_from``-``date_to``
    (None: no range): month rows, and the per-day rows of the range's edge months where
    those hold records on both sides of an edge. None when the table is not current."""
    if not day_months_current(query):
        return None
    from geo.store.pg_grid import dates_table

    months = sql.SQL("SELECT {} FROM {}").format(_columns(), day_months_table(query))
    if date_from is None or date_to is None:
        return sql.SQL("({}) AS d").format(months)
    late, early = not _last_day(date_to), date_from.day != 1
    if not late and not early:
        return sql.SQL("({}) AS d").format(months)
    t0 = date_to.replace(day=1)
    t_last = (t0 + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    f0 = date_from.replace(day=1)
    f_last = (f0 + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    # month rows the edges split (the month of ``to``, the month of ``from``) are left
    # out; the per-day rows of those months are read instead (the same records)
    split: list[sql.Composable] = []
    days: list[sql.Composable] = []
    if late:
        split.append(sql.SQL("coalesce(date_start = {}, false)").format(sql.Literal(t0)))
        days.append(sql.SQL("(date_start >= {} AND date_start <= {})").format(
            sql.Literal(t0), sql.Literal(t_last)))
    if early:
        split.append(sql.SQL("coalesce(date_end = {}, false)").format(sql.Literal(f_last)))
        days.append(sql.SQL("(date_end >= {} AND date_end <= {})").format(
            sql.Literal(f0), sql.Literal(f_last)))
    per_day = sql.SQL(", ").join(
        sql.SQL("coalesce(date_end, date_start) - date_start + 1") if c == "span"
        else sql.Identifier(c)
        for c in (*_KEYS, "n", *("f_" + name for name, _ in figure_sums())))
    return sql.SQL("({} WHERE NOT ({}) UNION ALL SELECT {} FROM {} WHERE {}) AS d").format(
        months, sql.SQL(" OR ").join(split), per_day, dates_table(query),
        sql.SQL(" OR ").join(days))


def months_edges(edges: Sequence[date]) -> bool:
    """Whether every timeline bin edge is the first day of a month (the month rows then
    fall into the bins their records do)."""
    return all(e.day == 1 for e in edges)
