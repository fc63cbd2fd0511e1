"""Totals and area figures of a view asked of PostGIS (geo/store/pg_totals.py,
geo/view/store_totals.py): the same tables as the frame path on a small store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.store.pg_totals import group_figures
from geo.view.filters import FilterContext, apply_view
from geo.view.state import default_view
from geo.view.store_totals import store_area_stats, store_totals, store_totals_parts
from geo.view.store_view import query_filter
from geo.view.totals import area_stats, totals
from tests.test_store_search import _spellings, both  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgis


def _same(got: pd.DataFrame, want: pd.DataFrame, name: str) -> None:
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    assert list(got.columns) == list(want.columns), name
    assert got.astype(object).where(got.notna(), None).values.tolist() == \
        want.astype(object).where(want.notna(), None).values.tolist(), name


def _views(data):
    base = default_view(data.domain())
    return {"all": base, "dates": replace(base, date_from=date(2016, 3, 1),
                                          date_to=date(2016, 8, 31)),
            "search": replace(base, query="strike"), "claimant": replace(base, sources=("sohr",)),
            "nothing": replace(base, query="zzzz")}


def test_totals_are_the_frame_totals(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    for name, state in _views(data).items():
        shown = data.incidents[apply_view(data.incidents, state, context).mask]
        want = totals(shown)
        got = store_totals(query, query_filter(state, context=context))
        assert got.incidents == want.incidents, name
        assert got.inverted == want.inverted, name
        _same(got.by_claimant, want.by_claimant, name)
        _same(got.by_claim_status, want.by_claim_status, name)
        _same(got.breakdown, want.breakdown, name)
        assert got.to_dict() == want.to_dict(), name
        bundled = store_totals_parts(query, query_filter(state, context=context)).parts["all"]
        assert bundled.to_dict() == want.to_dict(), name
        _same(bundled.breakdown, want.breakdown, name)
    everything = store_totals(query, query_filter(default_view(data.domain())))
    assert len(everything.claimants) > 1 and everything.figure("killed_min") is None
    assert everything.inverted == 1


def test_area_figures_are_the_frame_figures(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    names = {level: dict(live.areas.options(level)) for level in (1, 2)}
    for name, state in _views(data).items():
        shown = data.incidents[apply_view(data.incidents, state).mask]
        for level in (1, 2):
            for claimant in (None, "SOHR"):
                want = area_stats(shown, level, claimant)
                got = store_area_stats(query, query_filter(state), level, names[level],
                                       claimant)
                _same(got, want, f"{name} {level} {claimant}")


def test_groups_refuse_an_unknown_key(both):  # noqa: F811
    _, _, query = both
    with pytest.raises(ValueError, match="cannot group by description"):
        group_figures(query, query_filter(default_view(both[1].current().domain())),
                      ["description"])
