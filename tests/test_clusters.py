"""Incidents aggregated by zoom (geo/render/clusters.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.render.clusters import (
    AGGREGATE_BELOW_ZOOM,
    aggregate,
    map_columns,
    positions_at,
    view_window,
)
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.incidents import joined, row

FRAME = joined(
    # Two places about 2 km apart near Aleppo, four incidents, two claimants' figures.
    row(id="a1", date_start="2016-03-01", latitude="36.20", longitude="37.15",
        event_type="airstrike", claim_status="alleged", killed_min="3", killed_max="9"),
    row(id="a2", date_start="2016-03-04", latitude="36.20", longitude="37.15",
        event_type="airstrike", claim_status="confirmed", killed_min="12"),
    row(id="a3", date_start="2016-05-01", date_end="2016-05-31", date_precision="month",
        latitude="36.21", longitude="37.17", event_type="shelling", claim_status="alleged",
        injured_max="40"),
    row(id="a4", latitude="36.21", longitude="37.17", event_type="clashes",
        claim_status="reported"),
    # One place far away (Deir ez-Zor), alone.
    row(id="d1", date_start="2016-07-01", latitude="35.33", longitude="40.14",
        geo_precision="2", event_type="bombing", claim_status="reported", killed_max="5"),
    # Not on the map.
    row(id="nowhere", place="Atlantis"),
)
COLUMNS = map_columns(FRAME)
ALL = np.ones(len(FRAME), dtype=bool)


def _ids(places):
    return sorted(places["label"])


def test_columns_hold_codes_and_casualty_bounds():
    assert COLUMNS.drawn.tolist() == [True] * 5 + [False]
    assert len(set(COLUMNS.place[:4])) == 2 and COLUMNS.place[5] == -1
    assert COLUMNS.event[0] == EVENT_TYPES.index("airstrike")
    assert COLUMNS.claim[1] == CLAIM_STATUSES.index("confirmed")
    low, high = COLUMNS.killed
    # a bound missing on one side stands for both; none given stays unknown
    assert (low[0], high[0]) == (3, 9)
    assert (low[1], high[1]) == (12, 12)
    assert math.isnan(low[2]) and math.isnan(high[3])
    assert COLUMNS.injured[0][2] == 40


def test_country_zoom_makes_one_aggregate_of_nearby_places_and_leaves_a_lone_place():
    result = aggregate(COLUMNS, ALL, 6, view_window((35.5, 38.5), 6))
    assert result.total == 5
    assert len(result.cells) == 1
    cell = result.cells.iloc[0]
    assert (cell["count"], cell["places"]) == (4, 2)
    assert (cell["south"], cell["north"], cell["west"], cell["east"]) == (36.2, 36.21, 37.15,
                                                                          37.17)
    # per-incident ranges: lowest low and highest high, never a sum across claimants
    assert (cell["killed_lo"], cell["killed_hi"], cell["killed_known"]) == (3, 12, 2)
    # a2 gives "at least 12" (no high): the top is open; a3's "up to 40" is not
    assert (cell["killed_open"], cell["injured_open"], cell["casualties_open"]) == (1, 0, 0)
    assert (cell["injured_lo"], cell["injured_hi"], cell["injured_known"]) == (40, 40, 1)
    assert math.isnan(cell["casualties_lo"]) and cell["casualties_known"] == 0
    assert np.datetime64("1970-01-01") + np.timedelta64(int(cell["date_from"]), "D") == \
        np.datetime64("2016-03-01")
    assert np.datetime64("1970-01-01") + np.timedelta64(int(cell["date_to"]), "D") == \
        np.datetime64("2016-05-31")
    types = dict(zip([*EVENT_TYPES, "other"], result.types[0], strict=True))
    assert (types["airstrike"], types["shelling"], types["clashes"]) == (2, 1, 1)
    assert result.types[0].sum() == 4
    claims = dict(zip([*CLAIM_STATUSES, "other"], result.claims[0], strict=True))
    assert (claims["alleged"], claims["confirmed"], claims["reported"]) == (2, 1, 1)
    # the lone place stays a place marker
    assert len(result.places) == 1
    place = result.places.iloc[0]
    assert (place["lat"], place["lon"], place["count"], place["precision"]) == (35.33, 40.14, 1,
                                                                                2)


def test_close_zoom_splits_the_aggregate_into_places():
    result = aggregate(COLUMNS, ALL, 14, view_window((36.205, 37.16), 14))
    assert result.cells.empty
    assert sorted(result.places["count"]) == [2, 2]
    # two airstrikes at one place; shelling and clashes ("several types") at the other
    assert set(result.places["type"]) == {EVENT_TYPES.index("airstrike"), len(EVENT_TYPES)}
    assert result.total == 4  # Deir ez-Zor is outside the window


def test_highest_zoom_never_aggregates():
    result = aggregate(COLUMNS, ALL, AGGREGATE_BELOW_ZOOM, None)
    assert result.cells.empty
    assert len(result.places) == 3


def test_filters_and_window_limit_what_is_sent():
    mask = FRAME["event_type"].isin(["airstrike", "bombing"]).to_numpy()
    result = aggregate(COLUMNS, mask, 6, view_window((35.5, 38.5), 6))
    assert result.total == 3
    assert result.cells.empty  # a single place near Aleppo is left there
    assert sorted(result.places["count"]) == [1, 2]
    nothing = aggregate(COLUMNS, ALL, 12, view_window((0.0, 0.0), 12))
    assert nothing.total == 0 and nothing.cells.empty and nothing.places.empty
    assert nothing.types.shape == (0, len(EVENT_TYPES) + 1)


def test_view_window_is_centred_and_halves_with_each_zoom():
    xmin, ymin, xmax, ymax = view_window((35.0, 38.0), 7, (1000, 500))
    wider = view_window((35.0, 38.0), 6, (1000, 500))
    assert xmax - xmin == pytest.approx(2 * (ymax - ymin))
    assert wider[2] - wider[0] == pytest.approx(2 * (xmax - xmin))
    assert (xmin + xmax) / 2 == pytest.approx((wider[0] + wider[2]) / 2)


def test_positions_at_finds_the_drawn_incidents_in_the_mask_at_a_place():
    ids = FRAME["id"].to_numpy()
    assert ids[positions_at(COLUMNS, ALL, 36.20, 37.15)].tolist() == ["a1", "a2"]
    assert ids[positions_at(COLUMNS, ALL, 36.2000004, 37.1499996)].tolist() == ["a1", "a2"]
    without_a1 = FRAME["id"].ne("a1").to_numpy()
    assert ids[positions_at(COLUMNS, without_a1, 36.20, 37.15)].tolist() == ["a2"]
    assert positions_at(COLUMNS, ALL, 0.0, 0.0).size == 0



def test_a_place_is_labelled_with_the_name_most_of_its_incidents_have():
    # One record at a shared point renamed by a correction (listed first) does not
    # rename the other incidents at that point.
    frame = joined(
        row(id="c1", place="Tabqa", latitude="35.95", longitude="39.01"),
        *(row(id=f"r{i}", place="Ar Raqqah town", latitude="35.95", longitude="39.01")
          for i in range(3)),
        row(id="m1", place="Manbij", latitude="36.53", longitude="37.95"),
        row(id="m2", place="Menbij", latitude="36.53", longitude="37.95"),
    )
    result = aggregate(map_columns(frame), np.ones(len(frame), dtype=bool), 12)
    labels = dict(zip(result.places["count"], result.places["label"], strict=True))
    assert labels == {4: "Ar Raqqah town", 2: "Manbij"}  # a tie: the first seen


@pytest.mark.parametrize("k", [4, 70_000])  # group numbers in 16 bits, and beyond
def test_group_extremes_skip_nan_and_leave_empty_groups_nan(k):
    from geo.render.clusters import _extremes

    groups = np.array([2, 0, 2, 0, 3, 2, k - 1])
    low = np.array([5.0, np.nan, 1.0, np.nan, 7.0, 3.0, 9.0], dtype=np.float32)
    high = np.array([1.0, 2.0, 8.0, -1.0, np.nan, 4.0, 0.5])
    lows, highs = _extremes({"low": low}, {"high": high}, groups, k)
    assert lows["low"].dtype == highs["high"].dtype == np.float64 and len(lows["low"]) == k
    for g in range(k):
        picked = groups == g
        with np.errstate(all="ignore"):
            want_low = np.nanmin(low[picked]) if np.isfinite(low[picked]).any() else np.nan
            want_high = np.nanmax(high[picked]) if np.isfinite(high[picked]).any() else np.nan
        assert lows["low"][g] == pytest.approx(want_low, nan_ok=True)
        assert highs["high"][g] == pytest.approx(want_high, nan_ok=True)
    assert math.isnan(lows["low"][0]) and math.isnan(lows["low"][1])  # all NaN; no row
    assert lows["low"][2] == 1.0 and highs["high"][2] == 8.0


@pytest.mark.parametrize("flags", [
    [False] * 7, [True] * 7, [True, False, False, True, True, False, True]])
def test_flag_counts_per_group_equal_a_weighted_bincount(flags):
    from geo.render.clusters import _count_true

    groups = np.array([2, 0, 2, 0, 3, 2, 4])
    marked = np.array(flags)
    got = _count_true(groups, marked, 6)
    want = np.bincount(groups, marked, minlength=6)
    assert got.dtype == want.dtype == np.float64
    assert np.array_equal(got, want)


def test_figures_no_incident_gives_are_unknown_in_every_aggregate():
    frame = joined(
        row(id="a", place="A", latitude="36.00", longitude="38.00", killed_min="3"),
        row(id="b", place="B", latitude="36.01", longitude="38.01", killed_min="5",
            killed_max="9"),
        row(id="c", place="C", latitude="36.02", longitude="38.02"),
    )
    cells = aggregate(map_columns(frame), np.ones(len(frame), dtype=bool), 6).cells
    assert len(cells) == 1
    first = cells.iloc[0]
    assert (first["killed_lo"], first["killed_hi"]) == (3.0, 9.0)
    assert (first["killed_known"], first["killed_open"]) == (2.0, 1)
    for name in ("injured", "casualties"):  # given by none
        assert math.isnan(first[f"{name}_lo"]) and math.isnan(first[f"{name}_hi"])
        assert first[f"{name}_known"] == first[f"{name}_open"] == 0
