"""The month cells (geo/store/pg_months.py) against the real PostGIS: on randomized small
stores, their answers for region views with a date cut (zooms 7-9, ranges splitting
months or not, windows cutting the data or not) equal the rows' answers, before and
after writes, and a write updates them to what a rebuild gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.render.clusters import view_window
from geo.store.pg_grid import refresh_grid
from geo.store.pg_months import MIN_MONTHS, MONTHS_ZOOM, months_cells
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_store_cube import _TYPES, _comparable, _random_rows, store  # noqa: F401
from tests.test_store_fine import _windows

pytestmark = pytest.mark.postgis


def _random_specs(rng: np.random.Generator, n: int) -> list[QueryFilter]:
    """Date cuts only (every type, claim status and precision selected)."""
    base = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)
    specs = [replace(base, date_from=date(2016, 3, 17), date_to=date(2016, 5, 9)),
             replace(base, date_from=date(2016, 3, 1), date_to=date(2016, 5, 31)),
             replace(base, date_from=date(2016, 2, 10), date_to=date(2016, 4, 20),
                     include_undated=False),
             replace(base, date_from=date(2016, 2, 10), date_to=date(2016, 2, 20))]
    for _ in range(n):
        first = date(2015, 12, 1).toordinal() + int(rng.integers(0, 600))
        specs.append(replace(
            base, date_from=date.fromordinal(first),
            date_to=date.fromordinal(first + int(rng.integers(0, 300))),
            include_undated=bool(rng.random() < 0.6)))
    return specs


def _months_apart(spec: QueryFilter) -> int:
    assert spec.date_from is not None and spec.date_to is not None
    return (spec.date_to.year - spec.date_from.year) * 12 + spec.date_to.month \
        - spec.date_from.month


def _check(query: PostGISQuery, specs: list[QueryFilter]) -> int:
    """Compare the month cells' answers with the rows'; how many they answered (a
    range of fewer than MIN_MONTHS months is left to the rows)."""
    answered = 0
    for k, spec in enumerate(specs):
        for zoom, window in _windows():
            got = months_cells(query, spec, zoom, window, 56)
            if _months_apart(spec) < MIN_MONTHS:
                assert got is None, (k, zoom, window)
                continue
            assert got is not None, (k, zoom, window)
            answered += 1
            rows = _comparable(query.cells(spec, zoom, window, 56, use_grid=False))
            got = _comparable(got)
            assert ((got["places"] == 1) == (rows["places"] == 1)).all()
            assert (got["places"] >= rows["places"]).all()
            assert (got["places"] <= got["count"]).all()
            pd.testing.assert_frame_equal(got.drop(columns="places"),
                                          rows.drop(columns="places"), check_dtype=False,
                                          obj=f"spec {k} zoom {zoom} window {window}")
    return answered


@pytest.mark.parametrize("seed", [5, 6])
def test_month_cells_equal_the_rows_on_date_cuts(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    specs = _random_specs(rng, 8)
    assert months_cells(query, specs[0], 8, None, 56) is None  # not built yet
    assert refresh_grid(query) is True
    long = [s for s in specs if _months_apart(s) >= MIN_MONTHS]
    assert len(long) >= 4
    assert _check(query, specs) == len(long) * len(_windows())
    # query.cells answers a date cut at zoom 8 from them (places: an upper bound).
    window = view_window((35.2, 37.2), 8)
    got = query.cells(specs[0], 8, window, 56)
    assert got.attrs.get("places_upper_bound") is True
    pd.testing.assert_frame_equal(
        _comparable(got).drop(columns="places"),
        _comparable(query.cells(specs[0], 8, window, 56, use_grid=False)).drop(
            columns="places"), check_dtype=False)
    # What they do not hold goes elsewhere: no date range, another filter, closer in.
    assert months_cells(query, replace(specs[0], date_from=None, date_to=None), 8, None,
                        56) is None
    assert months_cells(query, replace(specs[0], event_types=EVENT_TYPES[1:]), 8, None,
                        56) is None
    assert months_cells(query, replace(specs[0], admin1=("SY02",)), 8, None, 56) is None
    assert months_cells(query, replace(specs[0], killed=(3, None)), 8, None, 56) is None
    assert months_cells(query, specs[0], MONTHS_ZOOM + 1, None, 56) is None
    assert months_cells(query, specs[0], 8, None, 40) is None


def _month_rows(opened) -> pd.DataFrame:
    cur = opened.connection().execute(f'SELECT * FROM "{opened.schema}".query_months')
    names = [d.name for d in cur.description]
    frame = pd.DataFrame(cur.fetchall(), columns=names, dtype=object)
    return frame.sort_values(names[:4]).reset_index(drop=True)


def test_writes_update_the_month_cells_as_a_rebuild_would(store):  # noqa: F811
    rng = np.random.default_rng(12)
    store.upsert(incidents(_random_rows(rng, 300)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    oid = f'"{store.schema}".query_months'
    built = store.connection().execute("SELECT %s::regclass::oid", (oid,)).fetchone()[0]
    who = analyst("a")
    store.edit("r0003", {"latitude": "33.9", "longitude": "36.9"}, who=who)
    store.edit("r0010", {"event_type": _TYPES[1], "date_start": "2016-04-30",
                         "date_end": "2016-05-02",
                         "date_precision": "range"}, who=who)
    store.edit("r0011", {"date_start": "", "date_end": "", "date_precision": ""}, who=who)
    specs = _random_specs(rng, 3)
    answered = len([s for s in specs if _months_apart(s) >= MIN_MONTHS]) * len(_windows())
    assert months_cells(query, specs[0], 8, None, 56) is None  # older than the store
    assert refresh_grid(query) is True  # corrections: computed again per cell and month
    assert _check(query, specs) == answered
    # An import: the new records merged into the kept rows.
    store.upsert(incidents(_random_rows(rng, 40, prefix="n") + _random_rows(rng, 5)),
                 origin="test2", who=ANALYST)
    assert refresh_grid(query) is True
    assert store.connection().execute(
        "SELECT %s::regclass::oid", (oid,)).fetchone()[0] == built  # updated in place
    incremental = _month_rows(store)
    assert _check(query, specs) == answered
    store.connection().execute(
        f"DELETE FROM \"{store.schema}\".store_meta WHERE key = 'query_grid'")
    assert refresh_grid(query) is True
    pd.testing.assert_frame_equal(incremental, _month_rows(store), check_dtype=False)
