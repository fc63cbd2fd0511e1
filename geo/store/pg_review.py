"""What the review page needs of a PostGIS store, without reading the store whole.

The review queue is about names, not records: :func:`name_groups` asks the database for
one row per distinct place name and context (country, governorate, district) among the
records the geocoder places (no coordinates yet, or coordinates a geocoder gave), with
how many records use it and a few of their ids. The geocoder then answers each distinct
name once (:func:`geo.geocoding.review.queue_from_groups`). After a correction,
:func:`geocodable_batches` hands the records the geocoder may move in pages of
:data:`BATCH` rows (keyset on ``fid``), so the app never holds more than one page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from psycopg import sql

from geo.geocoding.stored import GAZETTEER_SOURCES, UNCONFIRMED_SOURCE
from geo.schema import INCIDENT_COLUMNS
from geo.store.postgis import PostGISStore
from geo.store.records import rows_to_frame

#: Records read per page when the geocoder's answers are written back.
BATCH = 20_000
#: Ids kept per name group (the page shows ten and says when there are more).
IDS_KEPT = 11

GROUP_COLUMNS = ["name", "country", "admin1", "admin2", "geocoded", "unconfirmed", "incidents",
                 "ids"]
"""Columns of :func:`name_groups`."""

_GEOCODED = "geocode_source LIKE ANY(%s)"
_PATTERNS = [prefix.replace("%", r"\%").replace("_", r"\_") + "%"
             for prefix in GAZETTEER_SOURCES]


def name_groups(store: PostGISStore, *, include_geocoded: bool = False) -> pd.DataFrame:
    """Distinct place names (with their context) of the records the geocoder places.

    Parameters
    ----------
    store : PostGISStore
    include_geocoded : bool
        Also the names of records a geocoder placed before (to correct a wrong
        placement); without it only the records without coordinates.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_COLUMNS`: ``geocoded`` says whether the group's records already have
        coordinates from a geocoder, ``unconfirmed`` whether their place is one nobody
        confirmed (:data:`geo.geocoding.stored.UNCONFIRMED_SOURCE`), ``incidents`` how
        many records use the name in that context, ``ids`` the first :data:`IDS_KEPT` of
        their ids (in id order).
    """
    waiting = sql.SQL("latitude IS NULL")
    if include_geocoded:
        waiting = sql.SQL("(latitude IS NULL OR " + _GEOCODED + ")")
    query = sql.SQL(
        "SELECT place, coalesce(country, ''), coalesce(admin1, ''), coalesce(admin2, ''), "
        "latitude IS NOT NULL, latitude IS NULL AND coalesce(geocode_source, '') = %s, "
        "count(*), (array_agg(id ORDER BY id COLLATE \"C\"))[1:%s] "
        "FROM {} WHERE place <> '' AND {} GROUP BY 1, 2, 3, 4, 5, 6"
    ).format(store.table("incidents"), waiting)
    params: list[object] = [UNCONFIRMED_SOURCE, IDS_KEPT]
    if include_geocoded:
        params.append(_PATTERNS)
    rows = store.connection().execute(query, tuple(params)).fetchall()
    frame = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    frame["incidents"] = frame["incidents"].astype("int64")
    frame["geocoded"] = frame["geocoded"].astype(bool)
    frame["unconfirmed"] = frame["unconfirmed"].astype(bool)
    return frame


def geocodable_batches(store: PostGISStore, batch: int = BATCH) -> Iterator[pd.DataFrame]:
    """The records the geocoder may move (a place, and no coordinates or a geocoder's),
    as typed frames of at most ``batch`` rows, in ``fid`` order.

    Parameters
    ----------
    store : PostGISStore
    batch : int

    Yields
    ------
    pandas.DataFrame
        Incident records (:data:`geo.schema.INCIDENT_COLUMNS`).
    """
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in INCIDENT_COLUMNS)
    query = sql.SQL(
        "SELECT fid, {} FROM {} WHERE place <> '' AND (latitude IS NULL OR " + _GEOCODED
        + ") AND fid > %s ORDER BY fid LIMIT %s").format(columns, store.table("incidents"))
    last = 0
    while True:
        rows = store.connection().execute(query, (_PATTERNS, last, batch)).fetchall()
        if not rows:
            return
        last = int(rows[-1][0])
        yield rows_to_frame([r[1:] for r in rows])


def _own_point() -> sql.Composable:
    """Records with a place and coordinates no geocoder gave (the source's, an analyst's)."""
    return sql.SQL("place <> '' AND latitude IS NOT NULL AND NOT coalesce(geocode_source "
                   "LIKE ANY(%(patterns)s), false)")


def place_points(store: PostGISStore, *, ids_kept: int = IDS_KEPT) -> pd.DataFrame:
    """:func:`geo.geocoding.place_points.place_points` asked of the database: one row per
    name, point (to :data:`~geo.geocoding.place_points.DECIMALS` decimals) and status,
    without reading the records.

    Returns
    -------
    pandas.DataFrame
        :data:`geo.geocoding.place_points.POINT_COLUMNS`, in the same order.
    """
    from geo.geocoding.place_points import (
        ANALYST_SOURCE,
        DECIMALS,
        GIVEN,
        POINT_COLUMNS,
        SET_BY_ANALYST,
        SORT,
    )

    # country and admin1: the ones most records give, the first in code-point order
    # among equals (as the frame's)
    query = sql.SQL(
        "WITH own AS (SELECT place AS name, round(latitude::numeric, %(d)s) AS lat, "
        "round(longitude::numeric, %(d)s) AS lon, "
        "CASE WHEN geocode_source = %(analyst)s THEN %(set)s ELSE %(given)s END AS status, "
        "coalesce(country, '') AS country, coalesce(admin1, '') AS admin1, id "
        "FROM {t} WHERE {own}), "
        "c AS (SELECT DISTINCT ON (name, lat, lon, status) name, lat, lon, status, country "
        "FROM own GROUP BY name, lat, lon, status, country "
        "ORDER BY name, lat, lon, status, count(*) DESC, country COLLATE \"C\"), "
        "a AS (SELECT DISTINCT ON (name, lat, lon, status) name, lat, lon, status, admin1 "
        "FROM own GROUP BY name, lat, lon, status, admin1 "
        "ORDER BY name, lat, lon, status, count(*) DESC, admin1 COLLATE \"C\") "
        "SELECT g.name, c.country, a.admin1, g.status, g.n, g.ids, g.lat::float8, "
        "g.lon::float8 FROM (SELECT name, lat, lon, status, count(*) AS n, "
        "{ids} AS ids FROM own "
        "GROUP BY name, lat, lon, status) g "
        "JOIN c USING (name, lat, lon, status) JOIN a USING (name, lat, lon, status)"
    ).format(t=store.table("incidents"), own=_own_point(), ids=sql.SQL(
        "(array_agg(id ORDER BY id COLLATE \"C\"))[1:%(kept)s]" if ids_kept > 0 else "NULL"))
    params = {"d": DECIMALS, "analyst": ANALYST_SOURCE, "set": SET_BY_ANALYST,
              "given": GIVEN, "kept": ids_kept, "patterns": _PATTERNS}
    rows = store.connection().execute(query, params).fetchall()
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    if frame.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    frame["incidents"] = frame["incidents"].astype("int64")
    if ids_kept <= 0:  # none kept: one shared empty tuple, as the frame's
        frame["ids"] = [()] * len(frame)
    frame = frame.sort_values(SORT, ascending=[False, True, True, True, True],
                          kind="stable")
    return frame.reset_index(drop=True)


def place_ids(store: PostGISStore, name: str, latitude: float, longitude: float) -> list[str]:
    """:func:`geo.geocoding.place_points.place_ids` asked of the database."""
    from geo.geocoding.place_points import DECIMALS

    query = sql.SQL(
        "SELECT id FROM {t} WHERE {own} AND place = %(name)s "
        "AND round(latitude::numeric, %(d)s) = round(%(lat)s::numeric, %(d)s) "
        "AND round(longitude::numeric, %(d)s) = round(%(lon)s::numeric, %(d)s) "
        "ORDER BY id COLLATE \"C\"").format(t=store.table("incidents"), own=_own_point())
    params = {"name": name, "lat": latitude, "lon": longitude, "d": DECIMALS,
              "patterns": _PATTERNS}
    return [str(r[0]) for r in store.connection().execute(query, params).fetchall()]
