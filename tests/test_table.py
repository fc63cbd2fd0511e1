"""The table of incidents in view (geo/table.py)."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.join import OFF_MAP_REASONS
from geo.render.table import TABLE_COLUMNS, incident_table
from tests.helpers.incidents import joined, row

FRAME = joined(
    row(id="undated-b", place="Tanf"),
    row(id="late", date_start="2018-11-01", date_end="2018-11-13", place="Shaafah",
        casualties_min="61", source_name="Ministry"),
    row(id="undated-a", place="Atlantis"),
    row(id="month", date_start="2017-10", place="Raqqah", event_type="bombing",
        actors="coalition", claimed_by="a source"),
    row(id="day-b", date_start="2017-10-01", latitude="33.0", longitude="38.0",
        geo_precision="3"),
    row(id="day-a", date_start="2017-10-01", latitude="33.0", longitude="38.0",
        geo_precision="2"),
    row(id="none"),
    row(id="country", date_start="2019", place="Syria"),
)


def test_sorted_by_date_with_undated_last():
    table = incident_table(FRAME)
    assert list(table.columns) == TABLE_COLUMNS
    # same start: the day (ends first) before the month; then by id
    assert list(table["id"]) == ["day-a", "day-b", "month", "late", "country", "none",
                                 "undated-a", "undated-b"]
    assert list(table.index) == list(range(len(FRAME)))
    assert list(table["date"]) == ["2017-10-01", "2017-10-01", "2017-10", "2018-11-01/2018-11-13",
                                   "2019", "undated", "undated", "undated"]


def test_rows_are_plain_text():
    table = incident_table(FRAME).set_index("id")
    assert table.at["late", "casualties"] == "dead and injured: at least 61"
    assert table.at["month", "casualties"] == "not stated"
    assert table.at["month", "event_type"] == "bombing"
    assert table.at["month", "actors"] == "coalition"
    assert table.at["month", "claimed_by"] == "a source"
    assert table.at["late", "source"] == "Ministry"
    assert table.at["late", "place"] == "Shaafah"


def test_limit_keeps_the_earliest():
    assert list(incident_table(FRAME, limit=3)["id"]) == ["day-a", "day-b", "month"]
    assert len(incident_table(FRAME, limit=0)) == 0


def test_location_shows_precision_or_why_not_on_the_map():
    location = incident_table(FRAME).set_index("id")["location"]
    assert location["month"] == "site or town"
    assert location["day-a"] == "near / district"
    assert location["day-b"] == "region / governorate"
    assert location["undated-b"] == "not on the map: " + OFF_MAP_REASONS["ambiguous"]
    assert location["undated-a"] == "not on the map: " + OFF_MAP_REASONS["unresolved"]
    assert location["none"] == "not on the map: " + OFF_MAP_REASONS["no_place"]
    assert location["country"] == "not on the map: " + OFF_MAP_REASONS["country"]


def test_empty_view():
    table = incident_table(FRAME.iloc[:0])
    assert list(table.columns) == TABLE_COLUMNS and len(table) == 0


def test_date_order_and_pages_cover_every_shown_incident_once():
    from geo.render.table import date_order, page_count, page_rows

    order = date_order(FRAME)
    assert list(FRAME["id"].to_numpy()[order]) == list(incident_table(FRAME)["id"])
    mask = (FRAME["id"] != "none").to_numpy()
    pages = [page_rows(order, mask, p, size=3) for p in range(1, page_count(int(mask.sum()), 3)
                                                              + 1)]
    assert [len(p) for p in pages] == [3, 3, 1]
    ids = [FRAME["id"].iloc[i] for p in pages for i in p]
    assert ids == ["day-a", "day-b", "month", "late", "country", "undated-a", "undated-b"]
    # a page past the end shows the last page; an empty view has one empty page
    assert list(page_rows(order, mask, 99, size=3)) == list(pages[-1])
    assert page_count(0, 3) == 1 and len(page_rows(order, mask & False, 1, size=3)) == 0


def test_date_order_breaks_ties_by_id_in_code_point_order_then_row_order():
    from geo.render.table import date_order

    day = pd.Timestamp("2017-01-02")
    frame = pd.DataFrame({
        "date_start": [day, pd.NaT, day, day, pd.NaT, day, day],
        "date_end": [day, pd.NaT, pd.NaT, day, pd.NaT, day, day],
        "id": pd.Series(["b", "z", "a", "é", "y", "B", "b"], dtype="str"),
    })
    expected = frame.assign(id=frame["id"].astype(object)).sort_values(
        ["date_start", "date_end", "id"], na_position="last", kind="stable").index
    order = date_order(frame)
    assert list(order) == list(expected) == [5, 0, 6, 3, 2, 4, 1]
    assert list(date_order(frame.astype({"id": object}))) == list(order)  # plain text too
