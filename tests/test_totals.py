"""Totals of incidents: ranges, claimants never added together (geo/view/totals.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.geocoding.join import build_incident_frame
from geo.view.totals import area_stats, compare_periods, time_series, totals
from tests.helpers.incidents import StubGeocoder, incidents, row

FRAME = build_incident_frame(incidents(
    row(id="a1", date_start="2017-10-02", claimed_by="Airwars", claim_status="alleged",
        killed_min="3", killed_max="8", deaths_civilians="3"),
    row(id="a2", date_start="2017-10-20", claimed_by="Airwars", claim_status="confirmed",
        killed_min="1", event_type="shelling"),
    row(id="m1", date_start="2017-10-02", source_name="Ministry of Defence (statement)",
        claim_status="alleged", killed_min="0", killed_max="0"),
    row(id="u1", date_start="2017-11-05", source_name="UCDP GED: SOHR 2017-11-05",
        claim_status="reported", killed_min="10", killed_max="14", injured_min="2",
        deaths_civilians="6", event_type="clashes"),
    row(id="x", claimed_by="Airwars", claim_status="alleged"),
), StubGeocoder(), None)


def test_claimant_is_the_claimer_else_the_outlet():
    claimants = FRAME.set_index("id")["claimant"]
    assert claimants["a1"] == "Airwars" and claimants["m1"] == "Ministry of Defence"
    assert claimants["u1"] == "UCDP GED"


def test_one_claimants_ranges_add_up_min_and_max():
    result = totals(FRAME[FRAME["claimant"] == "Airwars"])
    assert result.incidents == 3
    # 3-8 plus a minimum of 1 (its maximum unknown: counted as 1 on both sides).
    assert (result.figure("killed_min"), result.figure("killed_max")) == (4, 9)
    assert result.figure("killed_unknown") == 1 and result.figure("civilian_deaths") == 3
    assert result.figure("injured_min") is None  # nobody gave a figure: not 0


def test_an_inverted_range_counts_from_its_smaller_to_its_larger_figure():
    # UCDP gives high 7 below low 8: the record is kept, flagged, and totalled as 7-8.
    frame = build_incident_frame(incidents(
        row(id="u1", source_name="UCDP GED", claim_status="reported",
            killed_min="4", killed_max="4"),
        row(id="u2", source_name="UCDP GED", claim_status="reported",
            killed_min="8", killed_max="7"),
    ), StubGeocoder(), None)
    result = totals(frame)
    assert (result.figure("killed_min"), result.figure("killed_max")) == (11, 12)
    assert result.inverted == 1 and result.to_dict()["inverted"] == 1
    assert totals(frame[frame["id"] == "u1"]).inverted == 0


def test_figures_of_different_claimants_are_never_added_together():
    result = totals(FRAME)
    assert result.incidents == 5
    assert result.figure("killed_min") is None and result.figure("killed_max") is None
    by = result.by_claimant.set_index("claimant")
    assert (by.loc["Airwars", "killed_min"], by.loc["Airwars", "killed_max"]) == (4, 9)
    assert (by.loc["Ministry of Defence", "killed_max"]) == 0
    assert (by.loc["UCDP GED", "killed_min"], by.loc["UCDP GED", "killed_max"]) == (10, 14)
    out = result.to_dict()
    assert out["killed_min"] is None and "not added together" in out["note"]
    assert out["killed_unknown"] == 1 and len(out["by_claimant"]) == 3


def test_claim_status_split_keeps_figures_only_for_a_single_claimant():
    by = totals(FRAME).by_claim_status.set_index("claim_status")
    assert by.loc["alleged", "incidents"] == 3 and by.loc["alleged", "claimants"] == 2
    assert pd.isna(by.loc["alleged", "killed_min"])
    assert by.loc["confirmed", "killed_min"] == 1 and by.loc["reported", "killed_max"] == 14
    breakdown = totals(FRAME).breakdown
    mod = breakdown[(breakdown["claimant"] == "Ministry of Defence")]
    assert mod["claim_status"].tolist() == ["alleged"] and mod["killed_min"].tolist() == [0]


def test_empty_set():
    result = totals(FRAME.iloc[0:0])
    assert result.incidents == 0 and result.to_dict()["claimants"] == []


def test_time_series_by_type_per_claimant_and_month():
    series = time_series(FRAME, "month")
    assert series["incidents"].sum() == 4  # the undated one is left out
    october = series[series["period"] == date(2017, 10, 1)]
    assert set(zip(october["event_type"], october["claimant"], strict=True)) == {
        ("airstrike", "Airwars"), ("shelling", "Airwars"), ("airstrike", "Ministry of Defence")}
    november = series[series["period"] == date(2017, 11, 1)].iloc[0]
    assert (november["event_type"], november["killed_max"]) == ("clashes", 14)


def test_compare_two_periods():
    table = compare_periods(FRAME, [(date(2017, 10, 1), date(2017, 10, 31)),
                                    (date(2017, 11, 1), date(2017, 11, 30))])
    first = table[table["period"] == "2017-10-01 to 2017-10-31"]
    assert first["incidents"].sum() == 3 and set(first["claimant"]) == {
        "Airwars", "Ministry of Defence"}
    second = table[table["period"] == "2017-11-01 to 2017-11-30"]
    assert second["claimant"].tolist() == ["UCDP GED"] and second["civilian_deaths"].tolist() == [6]


def test_area_stats_blank_deaths_where_claimants_mix():
    frame = FRAME.copy()
    frame["adm1_pcode"] = ["A", "A", "A", "B", ""]
    frame["adm1_name"] = ["Area A", "Area A", "Area A", "Area B", ""]
    table = area_stats(frame).set_index("pcode")
    assert table.loc["A", "incidents"] == 3 and table.loc["A", "claimants"] == 2
    assert pd.isna(table.loc["A", "killed_min"]) and table.loc["B", "killed_max"] == 14
    only = area_stats(frame, claimant="Airwars").set_index("pcode")
    assert only.loc["A", "killed_max"] == 9 and "B" not in only.index


def test_compared_months_count_an_incident_once_by_its_start_as_the_timeline_does():
    # UCDP 233688 (trial 24): 2016-10-28 to 2016-11-04 counted in October and November.
    frame = build_incident_frame(incidents(
        row(id="s", date_start="2017-10-28", date_end="2017-11-04", source_name="UCDP GED: x",
            killed_min="134", killed_max="134"),
        row(id="n", date_start="2017-11-05", source_name="UCDP GED: y", killed_min="2",
            killed_max="2"),
    ), StubGeocoder(), None)
    months = [(date(2017, 10, 1), date(2017, 10, 31)), (date(2017, 11, 1), date(2017, 11, 30))]
    table = compare_periods(frame, months).set_index("period")
    assert table.loc["2017-10-01 to 2017-10-31", "killed_max"] == 134
    assert table.loc["2017-11-01 to 2017-11-30", "killed_max"] == 2
    assert table["incidents"].sum() == time_series(frame, "month")["incidents"].sum() == 2
