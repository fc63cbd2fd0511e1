"""Per-dataset arrays and per-view caches of the map page (pages/shared/map_data.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.view.filters import apply_view
from geo.view.state import ViewState
from geo.view.timeline import timeline_data
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
    map_data._ids.clear()


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
