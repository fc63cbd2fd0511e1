"""The Over time and Compare periods figures of views the cube holds, summed from the
per-day counts (geo/store/pg_series_days.py): on randomized small stores, the same
tables as the records' scan, for every period, split and part, before and after writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.settings import load_settings
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import sync_search
from geo.store.pg_series import compare_figures, filled_categories, series_figures
from geo.store.pg_series_days import days_filled, days_groups, rows_filled
from geo.view.store_series import store_categories, store_compare, store_time_series
from geo.view.store_totals import part_clause
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_specs, store  # noqa: F401 - fixture
from tests.test_store_cube_totals import _days, _rows

pytestmark = pytest.mark.postgis

_SPLITS = ("event_type", "claim_status")
_PERIODS = ((date(2016, 1, 1), date(2016, 3, 31)), (date(2016, 3, 15), date(2016, 9, 2)))


def _check(query: PostGISQuery, specs, rng: np.random.Generator) -> int:  # type: ignore[no-untyped-def]
    answered = 0
    for k, spec in enumerate(specs):
        freq = ("day", "week", "month", "year")[k % 4]
        by = _SPLITS[k % 2]
        part = ("all", "coarse", "fine")[int(rng.integers(3))]
        days = _days(spec)
        got = days_groups(query, spec, ["period", by, "claimant"], freq=freq, part=part,
                          days=days)
        if got is None:
            continue
        answered += 1
        want = series_figures(query, spec, freq, by, part_clause(part, days))
        label = f"spec {k} {freq} {by} {part}"
        pd.testing.assert_frame_equal(got, want, obj=label)
        for start, end in _PERIODS:
            period = replace(spec, date_from=start, date_to=end, include_undated=False)
            extra = part_clause(part, (end - start).days + 1)
            (rows,) = compare_figures(query, spec, [(start, end)], [by, "claimant"], [extra])
            same = days_groups(query, period, [by, "claimant"], part=part,
                               days=(end - start).days + 1)
            pd.testing.assert_frame_equal(same, rows, obj=label + f" {start}")
        filled = days_filled(query, spec, list(_SPLITS) + ["claimant"])
        assert filled == filled_categories(query, spec, [*_SPLITS, "claimant"]), label
    return answered


@pytest.mark.parametrize("seed", [7, 8])
def test_series_from_the_per_day_counts_equal_the_records_scan(store, seed,  # noqa: F811
                                                               monkeypatch):
    import geo.view.store_series as store_series

    rng = np.random.default_rng(seed)
    store.upsert(incidents(_rows(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    sync_search(query, load_settings())
    specs = _random_specs(rng, 12)
    assert days_groups(query, specs[0], ["period", "event_type"], freq="month") is None
    refresh_grid(query)
    assert _check(query, specs, rng) == len(specs)  # every view of the cube's filters
    # the page's tables: the same whichever path answers
    spec = specs[0]
    fast = store_time_series(query, spec, "week", "claim_status", "fine")
    compared = store_compare(query, spec, list(_PERIODS), ("event_type", "claimant"), "coarse")
    with monkeypatch.context() as patch:
        patch.setattr(store_series, "days_groups", lambda *a, **k: None)  # rows only
        pd.testing.assert_frame_equal(
            fast, store_time_series(query, spec, "week", "claim_status", "fine"))
        pd.testing.assert_frame_equal(compared, store_compare(
            query, spec, list(_PERIODS), ("event_type", "claimant"), "coarse"))
    assert len(fast) and len(compared)
    # Writes: the counts follow (the refresh after an edit and an import).
    store.edit("r0000", {"event_type": "clashes", "date_start": "2016-02-29",
                         "date_end": "2016-02-29"}, who=ANALYST)
    store.upsert(incidents(_rows(rng, 40, prefix="n")), origin="test", who=ANALYST)
    query.sync_areas()
    sync_search(query, load_settings())
    assert days_groups(query, specs[0], ["period", "event_type"], freq="month") is None
    refresh_grid(query)
    assert _check(query, specs, rng) == len(specs)


def test_categories_filled_follow_the_rows(store):  # noqa: F811
    rng = np.random.default_rng(3)
    rows = _rows(rng, 60)
    rows[0]["source_event_type"] = "Battles"  # one record fills a source's type
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    sync_search(query, load_settings())
    refresh_grid(query)
    names = ["event_type", "violence_label", "source_event_type", "source_sub_event_type",
             "claim_status"]
    for spec in _random_specs(rng, 6):
        want = filled_categories(query, spec, names)
        assert store_categories(query, spec, names) == (
            [n for n in names if want[n]], want["dated"])
        assert rows_filled(query, spec, names[1:4]) == {n: want[n] for n in names[1:4]}
