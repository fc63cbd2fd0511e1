"""Over time and Compare periods of a view asked of PostGIS (geo/store/pg_series.py,
geo/view/store_series.py): the same tables as the frame path on a small store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo.render.totals_charts import CATEGORY_LABELS
from geo.view.filters import FilterContext, apply_view
from geo.view.state import default_view
from geo.view.store_series import (
    store_categories,
    store_compare,
    store_straddling,
    store_time_series,
)
from geo.view.store_view import query_filter
from geo.view.totals_index import (
    compare_periods_of,
    straddling_of,
    time_series_of,
    totals_columns,
)
from tests.test_store_search import _spellings, both  # noqa: F401 - the fixture
from tests.test_store_totals import _same, _views

pytestmark = pytest.mark.postgis


def test_time_series_are_the_frame_series(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    columns = totals_columns(data.incidents)
    seen_rows = 0
    for name, state in _views(data).items():
        mask = apply_view(data.incidents, state, context).mask
        spec = query_filter(state, context=context)
        for freq in ("day", "week", "month", "year"):
            for by in ("event_type", "source_event_type", "claim_status", "violence_label"):
                want = time_series_of(columns, mask, freq, by)
                got = store_time_series(query, spec, freq, by)
                _same(got, want, f"{name} {freq} {by}")
                seen_rows += len(got)
    assert seen_rows > 100  # the views are not all empty


def test_weeks_start_on_tuesday_as_pandas_w_mon(both):  # noqa: F811
    _, live, query = both
    weeks = store_time_series(query, query_filter(default_view(live.current().domain())),
                              "week")
    assert len(weeks) and {d.weekday() for d in weeks["period"]} == {1}


def test_compared_periods_are_the_frame_comparison(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    columns = totals_columns(data.incidents)
    periods = ((date(2016, 3, 1), date(2016, 5, 31)), (date(2016, 1, 10), date(2016, 2, 20)))
    for name, state in _views(data).items():
        # compare every filter but the dates (the view's own dates are replaced)
        undated = replace(state, date_from=None, date_to=None)
        mask = apply_view(data.incidents, undated, context).mask
        spec = query_filter(undated, context=context)
        for by in (("claimant",), ("event_type",), ("claimant", "claim_status")):
            want = compare_periods_of(columns, mask, periods, by)
            got = store_compare(query, query_filter(state, context=context), periods, by)
            _same(got, want, f"{name} {by}")
            assert store_compare(query, spec, periods, by).equals(got)
    whole = store_compare(query, query_filter(default_view(data.domain())), periods)
    assert set(whole["period"]) == {"2016-03-01 to 2016-05-31", "2016-01-10 to 2016-02-20"}


def test_records_straddling_a_period_are_the_frame_ones(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    columns = totals_columns(data.incidents)
    period = (date(2016, 3, 15), date(2016, 4, 15))
    for name, state in _views(data).items():
        undated = replace(state, date_from=None, date_to=None)
        mask = apply_view(data.incidents, undated, context).mask
        want = tuple(len(p) for p in straddling_of(columns, mask, period))
        got = store_straddling(query, query_filter(undated, context=context), period)
        assert got == want, name


def test_categories_present_are_the_frame_ones(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    base = default_view(data.domain())
    for state in (base, replace(base, query="zzzz"), replace(base, query="shelling")):
        mask = apply_view(data.incidents, state).mask
        frame = data.incidents[mask]
        want = [c for c in CATEGORY_LABELS
                if c in frame and (frame[c].fillna("").astype(str) != "").any()]
        got, dated = store_categories(query, query_filter(state), list(CATEGORY_LABELS))
        assert got == want
        assert dated == bool(frame["date_start"].notna().any())
    assert "source_event_type" in store_categories(
        query, query_filter(base), list(CATEGORY_LABELS))[0]


def test_unknown_splits_are_refused(both):  # noqa: F811
    _, live, query = both
    spec = query_filter(default_view(live.current().domain()))
    with pytest.raises(ValueError, match="cannot split by 'description'"):
        store_time_series(query, spec, "month", "description")
    with pytest.raises(ValueError, match="freq must be one of"):
        store_time_series(query, spec, "fortnight")
    with pytest.raises(ValueError, match="cannot split by description"):
        store_compare(query, spec, [(date(2016, 1, 1), date(2016, 2, 1))], ("description",))
