"""Per-dataset arrays and per-view caches of the map page (pages/shared/map_data.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.view.filters import apply_view
from geo.view.state import ViewState
from geo.view.timeline import BRUSH, timeline_data
from pages.shared import map_data
from tests.helpers.incidents import joined, row

FRAME = joined(
    row(id="a", date_start="2017-02-03", latitude="34.5", longitude="40.9",
        event_type="airstrike"),
    row(id="b", date_start="2017-02", latitude="34.5", longitude="40.9", event_type="shelling"),
    row(id="c", date_start="2017-03-10", latitude="33.0", longitude="38.0",
        event_type="airstrike"),
    row(id="u", latitude="33.0", longitude="38.0", event_type="airstrike"),
)
STATE = ViewState(
    date_from=date(2017, 3, 1), date_to=date(2017, 3, 31),
    event_types=("airstrike", "shelling"), claim_statuses=(), precisions=(1, 2, 3, 4),
    center=(34.0, 39.0), zoom=6,
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    map_data._undated_mask.clear()
    map_data._timeline.clear()
    map_data._view.clear()
    map_data._aggregates.clear()
    map_data._timeline_spec.clear()
    map_data._columns.clear()
    map_data._view_total.clear()


def test_position_finds_a_row_by_id_and_nothing_for_an_unknown_one():
    assert map_data.position(FRAME, "fp", "c") == 2
    assert map_data.position(FRAME, "fp", "missing") is None
    assert map_data.position(FRAME, "fp", None) is None


def test_undated_mask_ignores_the_dates_and_follows_the_other_filters():
    state = replace(STATE, claim_statuses=tuple(FRAME["claim_status"].unique()))
    mask = map_data.undated_mask(FRAME, "fp", state)
    expected = apply_view(FRAME, state, skip={"date"}).mask
    assert mask.tolist() == expected.tolist()
    assert not mask.flags.writeable
    # Other dates or another selection: the same mask, not filtered again.
    other_dates = replace(state, date_from=date(2017, 2, 1), selected="a")
    assert map_data.undated_mask(FRAME, "fp", other_dates) is mask
    # Another filter: filtered again.
    airstrikes = replace(state, event_types=("airstrike",))
    narrowed = map_data.undated_mask(FRAME, "fp", airstrikes)
    assert narrowed.tolist() == apply_view(FRAME, airstrikes, skip={"date"}).mask.tolist()
    assert narrowed.tolist() != mask.tolist()


def test_timeline_counts_the_masked_rows_and_is_reused_for_the_same_mask():
    window = (date(2017, 1, 1), date(2017, 3, 31))
    mask = FRAME["id"].isin(["b", "c", "u"]).to_numpy()
    counts = map_data.timeline(FRAME, "fp", mask, window)
    pd.testing.assert_frame_equal(counts, timeline_data(FRAME[mask], window))
    assert map_data.timeline(FRAME, "fp", mask.copy(), window) is counts
    assert map_data.timeline(FRAME, "fp", np.ones(len(FRAME), dtype=bool), window) is not counts


def test_a_view_is_filtered_once_for_every_session_and_again_when_its_filters_change():
    state = replace(STATE, claim_statuses=tuple(FRAME["claim_status"].unique()))
    result = map_data.view(FRAME, "fp", state)
    assert result.mask.tolist() == apply_view(FRAME, state).mask.tolist()
    assert not result.mask.flags.writeable
    # Another session, or the map moved, or an incident selected: the same result.
    moved = replace(state, center=(35.0, 40.0), zoom=9, selected="c")
    assert map_data.view(FRAME, "fp", moved) is result
    # Another filter, other data, or a filter skipped: filtered again.
    airstrikes = replace(state, event_types=("airstrike",))
    assert map_data.view(FRAME, "fp", airstrikes).mask.tolist() == \
        apply_view(FRAME, airstrikes).mask.tolist()
    assert map_data.view(FRAME, "fp2", state) is not result
    undated = map_data.view(FRAME, "fp", state, skip=("date",))
    assert undated.mask.tolist() == apply_view(FRAME, state, skip={"date"}).mask.tolist()
    assert undated.mask.tolist() != result.mask.tolist()


def test_aggregates_are_shared_per_view_key_zoom_and_window():
    mask = np.ones(len(FRAME), dtype=bool)
    key = ("all",)
    first = map_data.aggregates(FRAME, "fp", STATE, key, mask)
    assert first.total == 4  # every incident has coordinates (undated ones included)
    assert map_data.aggregates(FRAME, "fp", STATE, key, mask.copy()) is first
    closer = map_data.aggregates(FRAME, "fp", replace(STATE, zoom=9), key, mask)
    assert closer is not first and closer.zoom == 9
    fewer = FRAME["id"].isin(["a"]).to_numpy()
    assert map_data.aggregates(FRAME, "fp", STATE, ("a",), fewer).total == 1


def test_the_timeline_spec_is_converted_once_and_every_caller_gets_its_own_copy():
    window = (date(2017, 1, 1), date(2017, 3, 31))
    mask = FRAME["id"].isin(["b", "c", "u"]).to_numpy()
    spec = map_data.timeline_spec(FRAME, "fp", mask, window, window)
    assert "view" not in spec.get("config", {})
    assert BRUSH in [p["name"] for p in spec["params"]]
    values = next(iter(spec["datasets"].values()))
    assert sum(v["count"] for v in values) > 0
    spec["datasets"].clear()  # Streamlit may change what it is given
    again = map_data.timeline_spec(FRAME, "fp", mask.copy(), window, window)
    assert again["datasets"]
    assert sum(v["count"] for v in next(iter(again["datasets"].values()))) == \
        sum(v["count"] for v in values)
    other = map_data.timeline_spec(FRAME, "fp", np.ones(len(FRAME), dtype=bool), window,
                                   window)
    assert sum(v["count"] for v in next(iter(other["datasets"].values()))) > \
        sum(v["count"] for v in values)


def test_view_totals_are_cached_per_dataset_and_mask_for_every_session():
    mask = apply_view(FRAME, STATE).mask
    first = map_data.ViewTotals(FRAME, "fp", mask)
    assert first.totals().incidents == int(mask.sum())
    again = map_data.ViewTotals(FRAME, "fp", mask.copy())
    assert again.totals() is first.totals()  # same mask: the cached result
    other = map_data.ViewTotals(FRAME, "fp", np.ones(len(FRAME), dtype=bool))
    assert other.totals().incidents == len(FRAME)
    assert other.present("event_type") == ["airstrike", "shelling"]
    window = (date(2017, 3, 1), date(2017, 3, 31))
    # every incident is every incident whatever the dates: one computation, not one a window
    assert first.totals("all", window) is first.totals()
    assert first.totals("coarse", window) is not first.totals("coarse", None)


def test_located_bounds_are_those_of_the_marked_rows_and_computed_once_per_mask(monkeypatch):
    map_data._located_bounds.clear()
    calls = []
    real = map_data.rows_bounds
    monkeypatch.setattr(map_data, "rows_bounds", lambda *a: calls.append(1) or real(*a))
    marked = np.array([True, False, True, False])
    assert map_data.located_bounds(FRAME, "fp", marked) == (38.0, 33.0, 40.9, 34.5)
    assert map_data.located_bounds(FRAME, "fp", marked.copy()) == (38.0, 33.0, 40.9, 34.5)
    assert len(calls) == 1  # the same rows: the bounds found before
    assert map_data.located_bounds(FRAME, "fp", np.array([True, False, False, False])) == (
        40.9, 34.5, 40.9, 34.5)
    assert map_data.located_bounds(FRAME, "fp", np.zeros(4, dtype=bool)) is None
    assert len(calls) == 3
