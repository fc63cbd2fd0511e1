"""Covering indexes (geo/store/pg_covering.py): a view's heaviest questions are asked so
the database can answer them from an index alone, with the rows' answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from geo.geocoding.areas import default_areas
from geo.store.pg_covering import KILLED_INDEX
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter, where_clauses
from geo.view.store_view import timeline_from_store
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST
from tests.helpers.query_plans import ready_query, record_statements
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, store  # noqa: F401 - fixture

pytestmark = pytest.mark.postgis

_SPAN = (date(2016, 1, 1), date(2017, 6, 30))


def _rows_with_figures(rng: np.random.Generator) -> list[dict[str, str]]:
    rows = _random_rows(rng, 300)
    for i, row in enumerate(rows):  # only a low, only a high, inverted, none
        if i % 7 == 0:
            row.pop("killed_max", None)
            row["killed_min"] = str(i % 15)
        elif i % 7 == 1:
            row.pop("killed_min", None)
            row["killed_max"] = str(i % 13)
        elif i % 7 == 2:
            row["killed_min"], row["killed_max"] = "12", "9"
    return rows


def test_range_conditions_are_never_null(store):  # noqa: F811
    rng = np.random.default_rng(3)
    store.upsert(incidents(_rows_with_figures(rng)), origin="test", who=ANALYST)
    query = PostGISQuery(store, default_areas())
    base = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)
    for wanted in ((10, None), (None, 3), (3, 9), (9, 12), (0, 0)):
        for field in ("killed", "injured", "civilian_deaths"):
            condition, params = next(iter(
                v for k, v in where_clauses(replace(base, **{field: wanted})).items()
                if k not in where_clauses(base)))
            row = query.read(f'SELECT count(*) FILTER (WHERE c IS NULL), count(*) FILTER '
                             f'(WHERE c), count(*) FILTER (WHERE NOT c) FROM (SELECT '
                             f'{condition.as_string(store.connection())} AS c FROM '
                             f'"{store.schema}".incidents) s', params)[0]
            assert row[0] == 0 and row[1] + row[2] == 300, (field, wanted)
    # the frame's meaning: a record's low..high range meets the wanted one
    lows = query.read(f'SELECT coalesce(killed_min, killed_max), coalesce(killed_max, '
                      f'killed_min) FROM "{store.schema}".incidents')
    want = sum(1 for lo, hi in lows if lo is not None and hi >= 10)
    assert query.counts(replace(base, killed=(10, None))).shown == want > 0


def test_a_killed_timeline_reads_only_the_covering_index(store):  # noqa: F811
    rng = np.random.default_rng(4)
    store.upsert(incidents(_rows_with_figures(rng)), origin="test", who=ANALYST)
    query = ready_query(store)
    spec = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES,
                       killed=(10, None))
    asked, read = record_statements(query)
    timeline = timeline_from_store(query, spec, _SPAN)
    query._rows = read  # type: ignore[method-assign]
    rows = timeline_from_store(query, replace(spec, killed=(None, None)), _SPAN)
    assert 0 < int(timeline["count"].sum()) < int(rows["count"].sum())
    conn = store.connection()
    texts = [(q.as_string(conn), p) for q, p in asked]
    read_rows = [(t, p) for t, p in texts if "width_bucket" in t]
    assert len(read_rows) == 1
    with conn.transaction():
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute("SET LOCAL enable_bitmapscan = off")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + read_rows[0][0],
                                                        read_rows[0][1]).fetchall())
    assert f"Index Only Scan using {KILLED_INDEX}" in plan, plan
    assert "Index Cond: ((COALESCE(killed_max, killed_min)) >=" in plan, plan  # a range of it
