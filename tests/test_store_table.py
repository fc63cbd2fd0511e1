"""The table page of a view whose date range cuts the store (geo/store/pg_table.py),
walked along the table order's index from the range's earliest start: on randomized
small stores, every page equals the page sorted from the rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.pg_table import range_page, range_walk
from geo.store.query import QueryFilter
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, store  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgis


def _specs(rng: np.random.Generator, n: int) -> list[QueryFilter]:
    base = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)
    specs = []
    for _ in range(n):
        first = date(2015, 12, 1).toordinal() + int(rng.integers(0, 600))
        specs.append(QueryFilter(
            date_from=date.fromordinal(first),
            date_to=date.fromordinal(first + int(rng.integers(0, 300))),
            include_undated=bool(rng.random() < 0.6),
            event_types=tuple(t for t in EVENT_TYPES if rng.random() < 0.8) or EVENT_TYPES,
            claim_statuses=CLAIM_STATUSES,
            killed=(int(rng.integers(0, 5)), None) if rng.random() < 0.3 else (None, None)))
    # ends splitting months; a range after every record; one day
    specs += [QueryFilter(**{**base.__dict__, "date_from": date(2016, 3, 17),
                             "date_to": date(2016, 5, 9)}),
              QueryFilter(**{**base.__dict__, "date_from": date(2019, 1, 1),
                             "date_to": date(2019, 2, 1)}),
              QueryFilter(**{**base.__dict__, "date_from": date(2016, 6, 5),
                             "date_to": date(2016, 6, 5), "include_undated": False})]
    return specs


@pytest.mark.parametrize("seed", [3, 4])
def test_a_walked_date_range_page_is_the_sorted_page(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 500)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    specs = _specs(rng, 14)
    assert range_walk(query, specs[0], 500) is None  # no grid yet: not current
    # The rows' answers (sorted), before the grid and per-day counts exist.
    want = {}
    for k, spec in enumerate(specs):
        shown = query.counts(spec).shown
        for page in (1, 2, 3, 9):
            want[k, page] = query.table_page(spec, page, 20, shown)["id"].tolist()
        want[k] = shown
    assert refresh_grid(query) is True
    walked = 0
    for k, spec in enumerate(specs):
        lo = range_walk(query, spec, max(want[k], 10_000))  # the walk whenever possible
        if lo is None:
            # no dated record in that range (its undated ones may show)
            assert query.counts(replace(spec, include_undated=False)).shown == 0, k
            continue
        walked += 1
        assert lo <= spec.date_to  # type: ignore[operator]
        for page in (1, 2, 3, 9):
            got = range_page(query, spec, lo, min(page, max(1, -(-want[k] // 20))), 20)
            assert got["id"].tolist() == want[k, page], (k, page)
        # and through table_page, which picks the walk or the sort itself
        assert query.table_page(spec, 2, 20, want[k])["id"].tolist() == want[k, 2]
    assert walked >= len(specs) - 2  # the 2019 range, and a random one of undated records only
