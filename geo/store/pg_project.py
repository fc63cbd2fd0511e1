"""The projection of a record that the map's aggregates, the cubes and the facets group.

:meth:`geo.store.pg_query.PostGISQuery.cell_source` (the rows of the map's cells, the
grid and the cubes) and :func:`geo.store.pg_facets.facets_select` read the same figures
of each record: its rounded place, event type and claim codes, casualty bounds, day
numbers, precision, uncertainty radius and casualty figure. They are written once here,
so both group the same values.
"""

from __future__ import annotations

from psycopg import sql

from geo.store.query import FIGURE_SQL, PLACE_LAT_SQL, PLACE_LON_SQL, UNCERTAINTY_SQL
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES

PLACE_KEY_SQL = "(plat * 100000)::bigint * 1000000000 + (plon * 100000)::bigint"
"""One number per rounded place, from the projected ``plat`` and ``plon``."""

FIGURE_NAMES = ("plat", "plon", "ev", "cl", "klo", "khi", "ilo", "ihi", "clo", "chi", "ds",
                "de", "prec", "gp", "unc", "fig", "kop", "iop", "cop")
"""The columns :func:`record_figures` projects, in its order."""


_OPEN_SQL = ", ".join(
    f"({name}_min IS NOT NULL AND {name}_max IS NULL)::int AS {short}op"
    for name, short in (("killed", "k"), ("injured", "i"), ("casualties", "c")))


def index_sql(column: str, vocabulary: tuple[str, ...]) -> sql.Composable:
    """Index of a column's value in ``vocabulary`` (its length for anything else)."""
    return sql.SQL("coalesce(array_position({}, {}) - 1, {})").format(
        sql.Literal(list(vocabulary)), sql.Identifier(column), sql.Literal(len(vocabulary)))


def record_figures() -> sql.Composed:
    """The select list of :data:`FIGURE_NAMES` over an ``incidents`` row: place ``plat``,
    ``plon`` (rounded), event type and claim codes ``ev``, ``cl``, casualty bounds
    (``klo``/``khi`` killed, ``ilo``/``ihi`` injured, ``clo``/``chi`` casualties), day
    numbers ``ds``, ``de``, ``prec`` (precision, 1 when unknown), ``gp`` (as stored),
    ``unc`` (uncertainty radius, m), ``fig`` (the casualty figure the map sizes by) and
    ``kop``, ``iop``, ``cop`` (1 where the killed, injured, casualties range is open at
    the top: a low figure and no high one, "at least 16"; else 0)."""
    return sql.SQL(
        PLACE_LAT_SQL + " AS plat, " + PLACE_LON_SQL + " AS plon, {ev} AS ev, {cl} AS cl, "
        "coalesce(killed_min, killed_max) AS klo, coalesce(killed_max, killed_min) AS khi, "
        "coalesce(injured_min, injured_max) AS ilo, coalesce(injured_max, injured_min) AS "
        "ihi, coalesce(casualties_min, casualties_max) AS clo, coalesce(casualties_max, "
        "casualties_min) AS chi, date_start - DATE '1970-01-01' AS ds, date_end - DATE "
        "'1970-01-01' AS de, coalesce(geo_precision, 1) AS prec, geo_precision AS gp, "
        + UNCERTAINTY_SQL + " AS unc, " + FIGURE_SQL + " AS fig, " + _OPEN_SQL
    ).format(ev=index_sql("event_type", EVENT_TYPES),
             cl=index_sql("claim_status", CLAIM_STATUSES))
