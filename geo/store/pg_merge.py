"""New records folded into the grid, the per-day counts and the cubes without
computing their cells and days again.

An import of 1,000 records spread over a country and four years touches about as many
grid cells and days, and nearly every cube cell and month: computed again from their
records (:func:`geo.store.pg_grid.refresh_grid` before this module), that read most of a
million-record store (about 20 s). A new record only adds to the rows of its groups, so
each table's rows for the new records alone (:func:`fold_new`: the tables' own
``SELECT`` over them, the same SQL that builds the tables) are merged into the rows
kept: counts and sums added, lows and highs compared. The one figure that does not add
up is the distinct places of a group; it is the kept figure plus the places the new
records bring, counted by the same ``SELECT`` over every record at the new records'
places with and without the new ones (through the rounded-place index).

The triggers of :mod:`geo.store.pg_grid` note an inserted record's ``fid`` in
``query_new`` instead of its cell and day; a record changed or removed before its
first refresh is folded in as it is then (an update of a record still waiting marks
nothing; one that finds it folded meanwhile marks its keys, as for any other record).
A table with a column this module does not know how to merge (a new figure or key)
is not merged: the caller then computes the new records' keys again.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

from geo.store.query import PLACE_LAT_SQL, PLACE_LON_SQL

#: Columns grouped by (the tables' keys).
KEYS = frozenset({"gx", "gy", "ms", "me", "dated", "ev", "cl", "gp", "date_precision",
                  "date_start", "date_end", "drawn", "claimant", "a1", "kl", "kh"})
_ADD = frozenset({"n", "sx", "sy", "slat", "slon", "kn", "ikn", "ckn", "kop", "iop", "cop",
                  "fig", "undated", "open_end", "p1", "p2", "p3", "p_other"})
_LOW = frozenset({"south", "west", "klo", "ilo", "clo", "ds", "de_min", "ev_min", "first",
                  "x_min", "y_min", "smin"})
_HIGH = frozenset({"north", "east", "khi", "ihi", "chi", "de", "ds_max", "ev_max", "prec",
                   "unc", "x_max", "y_max", "smax"})
_COUNTS = re.compile(r"^[tc]\d+$")  # counts per event type and claim status
_SUMS = re.compile(r"^f_\w+$")  # the per-day counts' figure sums (NULL: no figure given)


def _merged(column: str) -> sql.Composable | None:
    """The merged value of a figure column from the kept row ``o``, the new records'
    row ``d`` and the places rows ``a`` (with them) and ``b`` (without); None when the
    column is not known."""
    c = sql.Identifier(column)
    if column in _ADD or _COUNTS.match(column):
        return sql.SQL("coalesce(o.{c}, 0) + d.{c}").format(c=c)
    if _SUMS.match(column):  # a sum stays NULL while no record gives the figure
        return sql.SQL("CASE WHEN o.{c} IS NULL THEN d.{c} WHEN d.{c} IS NULL THEN o.{c} "
                       "ELSE o.{c} + d.{c} END").format(c=c)
    if column in _LOW:
        return sql.SQL("least(o.{c}, d.{c})").format(c=c)
    if column in _HIGH:
        return sql.SQL("greatest(o.{c}, d.{c})").format(c=c)
    if column == "places":
        # no row with them: records without a place (the facets' rows without coordinates)
        return sql.SQL("coalesce(o.places, 0) + coalesce(a.places, 0) - coalesce(b.places, 0)")
    return None


def take_new(query_new: sql.Composable, incidents: sql.Composable,
             conn: psycopg.Connection) -> int:
    """Move the noted inserted records still in the store into ``_new`` (this
    transaction's); how many."""
    conn.execute("DROP TABLE IF EXISTS _new")
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _new ON COMMIT DROP AS WITH d AS (DELETE FROM {} RETURNING fid) "
        "SELECT DISTINCT d.fid FROM d JOIN {} i ON i.fid = d.fid").format(query_new, incidents))
    row = conn.execute("SELECT count(*) FROM _new").fetchone()
    conn.execute("ANALYZE _new")
    return int(row[0]) if row else 0


def merge_rows(conn: psycopg.Connection, table: sql.Composable, new: sql.Composable,
               places: sql.Composable | None = None) -> bool:
    """Merge the rows ``new`` (the table's ``SELECT`` over the new records) into
    ``table``; ``places``: the same ``SELECT`` over every record at their places, with
    a first column ``side`` (``a`` with the new records, ``b`` without). False, and
    nothing changed, when a column cannot be merged."""
    conn.execute("DROP TABLE IF EXISTS _md, _mp")
    conn.execute(sql.SQL("CREATE TEMP TABLE _md ON COMMIT DROP AS {}").format(new))
    cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(table))
    columns = [d.name for d in cur.description or ()]
    made = [d.name for d in conn.execute("SELECT * FROM _md LIMIT 0").description or ()]
    keys = [c for c in columns if c in KEYS]
    figures = {c: _merged(c) for c in columns if c not in KEYS}
    if made != columns or not keys or any(v is None for v in figures.values()) \
            or (("places" in figures) != (places is not None)):
        return False
    if places is not None:
        conn.execute(sql.SQL("CREATE TEMP TABLE _mp ON COMMIT DROP AS {}").format(places))

    def key_text(alias: str) -> sql.Composable:
        return sql.SQL("ROW({})::text").format(sql.SQL(", ").join(
            sql.Identifier(alias, k) for k in keys))

    # The kept rows of the same groups: found through the tables' cell or day index.
    if "gx" in keys:  # (the facets keep records without coordinates in rows without a cell)
        near = sql.SQL("((o.gx, o.gy) IN (SELECT gx, gy FROM _md) OR (o.gx IS NULL AND "
                       "EXISTS (SELECT 1 FROM _md WHERE gx IS NULL)))")
    else:
        near = sql.SQL("(o.date_start IN (SELECT date_start FROM _md) OR o.date_start IS NULL)")
    joined = sql.SQL("FROM _md d LEFT JOIN gone o ON {ko} = {kd}").format(
        ko=key_text("o"), kd=key_text("d"))
    if places is not None:
        joined = sql.SQL(
            "{} LEFT JOIN (SELECT * FROM _mp WHERE side = 'a') a ON {ka} = {kd} "
            "LEFT JOIN (SELECT * FROM _mp WHERE side = 'b') b ON {kb} = {kd}").format(
            joined, ka=key_text("a"), kb=key_text("b"), kd=key_text("d"))
    values = [sql.SQL("d.{}").format(sql.Identifier(c)) if c in KEYS else figures[c]
              for c in columns]
    conn.execute(sql.SQL(
        "WITH gone AS (DELETE FROM {t} o WHERE {near} AND {ko} IN (SELECT {kd} FROM _md d) "
        "RETURNING o.*) INSERT INTO {t} ({cols}) SELECT {values} {joined}").format(
        t=table, near=near, ko=key_text("o"), kd=key_text("d"),
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        values=sql.SQL(", ").join(v for v in values if v is not None), joined=joined))
    return True


def at_new_places(incidents: sql.Composable, conn: psycopg.Connection) -> sql.Composable:
    """Condition of the records at the places of the new records (``_new``), found once
    through the rounded-place index (one look-up per place) into ``_here``."""
    place = sql.SQL("(" + PLACE_LAT_SQL + ") = p.plat AND (" + PLACE_LON_SQL + ") = p.plon")
    conn.execute("DROP TABLE IF EXISTS _here")
    conn.execute(sql.SQL(
        "CREATE TEMP TABLE _here ON COMMIT DROP AS SELECT h.fid FROM (SELECT DISTINCT ("
        + PLACE_LAT_SQL + ") AS plat, (" + PLACE_LON_SQL + ") AS plon FROM {t} WHERE fid = "
        "ANY(ARRAY(SELECT fid FROM _new)) AND latitude IS NOT NULL AND longitude IS NOT NULL"
        ") p CROSS JOIN LATERAL (SELECT fid FROM {t} WHERE {place}) h").format(
        t=incidents, place=place))
    conn.execute("ANALYZE _here")
    return sql.SQL("fid = ANY(ARRAY(SELECT fid FROM _here))")
