"""Totals over a mask (geo/view/totals_index.py) give what the frame totals give on
the rows the mask selects (geo/view/totals.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.geocoding.join import build_incident_frame
from geo.view.totals import area_stats, compare_periods, time_series, totals
from geo.view.totals_index import (
    area_stats_of,
    compare_periods_of,
    straddling_of,
    time_series_of,
    totals_columns,
    totals_of,
)
from tests.helpers.incidents import StubGeocoder, incidents, row

CLAIMERS = ["Airwars", "CJTF-OIR", "", "SOHR"]
STATUSES = ["alleged", "confirmed", "reported", "contested"]
TYPES = ["airstrike", "shelling", "clashes"]


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        day = date(2017, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 700)))
        figure = rng.integers(-1, 20, 4)  # -1: not given
        rows.append(row(
            id=f"r{i}",
            date_start="" if i % 7 == 0 else day.isoformat(),
            claimed_by=str(rng.choice(CLAIMERS)),
            source_name="UCDP GED: SOHR" if i % 3 == 0 else "Ministry (statement)",
            claim_status=str(rng.choice(STATUSES)),
            event_type=str(rng.choice(TYPES)),
            killed_min="" if figure[0] < 0 else str(figure[0]),
            # Every fifth row's bounds inverted (kept by validation with a flag).
            killed_max="" if figure[1] < 0 else str(
                figure[0] // 2 if i % 5 == 0 and figure[0] > 0 else max(0, figure[0]) + figure[1]),
            injured_min="" if figure[2] < 0 else str(figure[2]),
            deaths_civilians="" if figure[3] < 0 else str(figure[3]),
        ))
    frame = build_incident_frame(incidents(*rows), StubGeocoder(), None)
    # Two governorates (and incidents in none), as assign_areas would name them.
    area = rng.choice(["", "SY01", "SY02"], n)
    frame["adm1_pcode"] = area
    frame["adm1_name"] = pd.Series(area).map({"": "", "SY01": "Damascus", "SY02": "Aleppo"})
    return frame


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    if not len(want):
        return
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True).astype(object).where(got.notna().to_numpy(), None),
        want.reset_index(drop=True).astype(object).where(want.notna().to_numpy(), None),
        check_dtype=False)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_totals_over_a_mask_equal_the_totals_of_its_rows(seed):
    frame = _frame(300, seed)
    columns = totals_columns(frame)
    mask = np.random.default_rng(seed).random(len(frame)) < 0.6
    got, want = totals_of(columns, mask), totals(frame[mask])
    assert got.incidents == want.incidents
    _same(got.by_claimant, want.by_claimant)
    _same(got.by_claim_status, want.by_claim_status)
    _same(got.breakdown, want.breakdown)
    assert got.to_dict() == want.to_dict()
    assert got.inverted == want.inverted > 0
    for table in (got.by_claimant, got.breakdown):
        given = table["killed_min"].notna()
        assert (table.loc[given, "killed_min"] <= table.loc[given, "killed_max"]).all()


def test_totals_of_an_empty_mask_have_the_columns_and_nothing_else():
    frame = _frame(20, 3)
    got = totals_of(totals_columns(frame), np.zeros(len(frame), dtype=bool))
    assert got.incidents == 0 and got.claimants == []
    assert list(got.by_claim_status.columns) == list(totals(frame[:0]).by_claim_status.columns)


@pytest.mark.parametrize("claimant", [None, "Airwars"])
def test_area_stats_over_a_mask_equal_those_of_its_rows(claimant):
    frame = _frame(300, 4)
    mask = np.random.default_rng(4).random(len(frame)) < 0.5
    _same(area_stats_of(totals_columns(frame), mask, 1, claimant),
          area_stats(frame[mask], 1, claimant))


@pytest.mark.parametrize("freq", ["day", "week", "month", "year"])
def test_time_series_over_a_mask_equal_those_of_its_rows(freq):
    frame = _frame(300, 5)
    mask = np.random.default_rng(5).random(len(frame)) < 0.7
    got = time_series_of(totals_columns(frame), mask, freq, "event_type")
    _same(got, time_series(frame[mask], freq, "event_type"))


def test_compare_periods_over_a_mask_equal_those_of_its_rows():
    frame = _frame(300, 6)
    mask = np.random.default_rng(6).random(len(frame)) < 0.7
    periods = [(date(2017, 3, 1), date(2017, 6, 30)), (date(2018, 1, 1), date(2018, 2, 1))]
    for by in (("claimant",), ("event_type",)):
        _same(compare_periods_of(totals_columns(frame), mask, periods, by),
              compare_periods(frame[mask], periods, by))


def test_straddling_incidents_are_those_crossing_an_edge_of_the_period():
    frame = build_incident_frame(incidents(
        row(id="before", date_start="2017-09-28", date_end="2017-10-02"),
        row(id="inside", date_start="2017-10-05", date_end="2017-10-06"),
        row(id="after", date_start="2017-10-30", date_end="2017-11-02"),
        row(id="later", date_start="2017-11-01"),
    ), StubGeocoder(), None)
    mask = np.ones(len(frame), dtype=bool)
    before, after = straddling_of(totals_columns(frame), mask,
                                  (date(2017, 10, 1), date(2017, 10, 31)))
    assert frame["id"].to_numpy()[before].tolist() == ["before"]
    assert frame["id"].to_numpy()[after].tolist() == ["after"]


def test_an_unknown_column_or_frequency_is_refused_with_its_name():
    frame = _frame(10, 7)
    mask = np.ones(len(frame), dtype=bool)
    with pytest.raises(ValueError, match="no column 'nope'"):
        time_series_of(totals_columns(frame), mask, "month", "nope")
    with pytest.raises(ValueError, match="freq must be one of"):
        time_series_of(totals_columns(frame), mask, "hour", "event_type")


def test_the_arrays_hold_their_frame_weakly_and_say_which_frame_they_were_built_from():
    import gc

    frame = _frame(50, 3)
    columns = totals_columns(frame)
    assert columns.built_from(frame)
    assert not columns.built_from(frame.copy())
    del frame
    gc.collect()
    # Cached beside other per-dataset arrays, they never keep an old frame alive.
    with pytest.raises(RuntimeError, match="gone"):
        columns.codes("claim_status")


def test_a_flag_every_incident_or_none_has_is_known_as_such():
    frame = _frame(60, 4)
    frame["injured_min"] = pd.array([pd.NA] * len(frame), dtype="Int64")  # none given
    frame["killed_min"] = pd.array([pd.NA, *range(len(frame) - 1)], dtype="Int64")
    frame["killed_max"] = pd.array([pd.NA] * len(frame), dtype="Int64")  # one gives none
    columns = totals_columns(frame)
    assert columns.constant("unknown", "injured") is True
    assert columns.constant("open", "injured") is False
    assert columns.constant("unknown", "killed") is None  # some give it, some do not


@pytest.mark.parametrize("seed", [5, 6])
def test_totals_with_figures_given_by_every_incident_or_by_none_equal_those_of_its_rows(seed):
    # Figures no incident gives, and a lowest figure every incident gives without a
    # highest (every range open): the totals take them without a pass over the rows.
    frame = _frame(200, seed)
    frame["injured_min"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["deaths_civilians"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["killed_min"] = pd.array(np.arange(len(frame)) % 9, dtype="Int64")
    frame["killed_max"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    columns = totals_columns(frame)
    assert columns.constant("open", "killed") is True
    mask = np.random.default_rng(seed).random(len(frame)) < 0.5
    got, want = totals_of(columns, mask), totals(frame[mask])
    assert got.incidents == want.incidents
    _same(got.by_claimant, want.by_claimant)
    _same(got.by_claim_status, want.by_claim_status)
    _same(got.breakdown, want.breakdown)
    assert got.to_dict() == want.to_dict()
