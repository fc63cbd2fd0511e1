"""Map bounds through the covering index of the drawn points (geo/store/pg_bounds.py):
every record the box holds is found at the box's edges and at the latitudes the
Mercator columns clamp, and the counts line, the timeline and the totals of a view
whose bounds cut the data are asked of the index alone (an index-only scan)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from geo.geocoding.areas import default_areas
from geo.store.pg_bounds import mercator_range
from geo.store.pg_covering import BOUNDS_INDEX
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.view.store_totals import store_totals_parts
from geo.view.store_view import timeline_from_store
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST
from tests.helpers.query_plans import ready_query, record_statements
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, store  # noqa: F401 - fixture

pytestmark = pytest.mark.postgis

#: (latitude, longitude, precision): box corners and edges, points just outside them,
#: latitudes past the Mercator clamp (85), the antimeridian.
_POINTS = (
    (34.0, 36.0, 1), (36.5, 38.5, 1), (34.0, 38.5, 2), (36.5, 36.0, 3), (35.0, 37.0, 4),
    (33.9999, 36.0, 1), (34.0, 35.9999, 1), (36.5001, 38.5, 1), (35.2, 38.5001, 1),
    (85.0, 10.0, 1), (85.5, 10.0, 1), (89.9, 10.0, 1), (-86.0, -10.0, 1), (-89.0, 179.99, 1),
    (0.0, 180.0, 1), (0.0, -180.0, 1), (10.0, -179.9999, 1), (-84.9999, 0.0, 1),
)
_BOXES = (
    (36.0, 34.0, 38.5, 36.5), (5.0, 80.0, 20.0, 90.0), (5.0, 85.2, 20.0, 89.95),
    (-20.0, -90.0, 0.0, -85.5), (170.0, -10.0, 180.0, 10.0), (-180.0, -90.0, 180.0, 90.0),
    (-180.0, -10.0, -179.9999, 10.0), (0.0, -85.0, 0.0, -84.0), (36.0, 34.0, 36.0, 34.0),
    (170.0, -90.0, -170.0, 90.0),  # across the antimeridian (no Mercator range)
)


def test_mercator_range_widens_and_opens_past_the_clamp():
    x0, x1, y0, y1 = mercator_range(36.0, 34.0, 38.5, 36.5)
    assert x0 < 36.0 * math.pi / 180 * 6378137.0 < x0 + 2
    assert x1 - 2 < 38.5 * math.pi / 180 * 6378137.0 < x1
    assert y0 < y1
    assert mercator_range(0.0, -85.0, 1.0, 85.0)[2:] == (-math.inf, math.inf)
    assert math.isfinite(mercator_range(0.0, -84.9, 1.0, 84.9)[2])


def _drawn_in(box: tuple[float, float, float, float]) -> int:
    west, south, east, north = box
    return sum(1 for lat, lon, p in _POINTS if p < 4 and south <= lat <= north and (
        west <= lon <= east if west <= east else (lon >= west or lon <= east)))


def test_bounds_keep_every_record_in_the_box(store):  # noqa: F811
    rows = [{"id": f"b{i}", "place": f"p{i}", "country": "SY", "latitude": str(lat),
             "longitude": str(lon), "geo_precision": str(p), "date_start": "2016-03-01"}
            for i, (lat, lon, p) in enumerate(_POINTS)]
    rows.append({"id": "nowhere", "place": "nowhere", "country": "SY",
                 "date_start": "2016-03-01"})  # no coordinates: hidden by any bounds
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    query = PostGISQuery(store, default_areas())
    query.sync_areas()
    base = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)
    for refreshed in (False, True):  # one scan of every record, then the area counts
        if refreshed:
            refresh_grid(query)
        for box in _BOXES:
            counts = query.counts(replace(base, bbox=box))
            assert counts.shown == counts.on_map == _drawn_in(box), (box, refreshed)
            assert counts.hidden_by["map bounds"] == len(_POINTS) + 1 - _drawn_in(box)
    assert _drawn_in(_BOXES[0]) == 4 and _drawn_in(_BOXES[2]) == 2


def test_a_bounds_view_reads_only_the_covering_index(store):  # noqa: F811
    rng = np.random.default_rng(5)
    store.upsert(incidents(_random_rows(rng, 300)), origin="test", who=ANALYST)
    query = ready_query(store)
    asked, _ = record_statements(query)
    spec = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES,
                       bbox=(36.0, 34.0, 38.5, 36.5))
    counts = query.counts(spec)
    assert 0 < counts.shown < 300
    timeline = timeline_from_store(query, spec, (date(2016, 1, 1), date(2017, 6, 30)))
    assert int(timeline.iloc[:, -1].sum()) > 0
    parts = store_totals_parts(query, spec)
    assert parts.parts["all"] is not None
    bounded = [(q, p) for q, p in asked if "mx BETWEEN" in q.as_string(store.connection())]
    assert len(bounded) == 3  # the counts line, the timeline, the totals
    conn = store.connection()
    with conn.transaction():
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute("SET LOCAL enable_bitmapscan = off")
        for sql_query, params in bounded:
            plan = "\n".join(r[0] for r in conn.execute(
                "EXPLAIN " + sql_query.as_string(conn), params).fetchall())
            assert f"Index Only Scan using {BOUNDS_INDEX}" in plan, plan
