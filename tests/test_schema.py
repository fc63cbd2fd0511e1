"""Loading and row-level validation of incident records (geo/schema.py)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.io.load import load_incidents
from geo.schema import (
    INCIDENT_COLUMNS,
    RowError,
    empty_incidents,
    validate_incidents,
)
from tests.helpers.incidents import raw_frame, row, write_csv


def validate(*rows):
    return validate_incidents(raw_frame(rows), source="test.csv")


def only(result):
    """The single valid incident of a result, as a dict."""
    assert not result.errors, [str(e) for e in result.errors]
    assert len(result.incidents) == 1
    return result.incidents.iloc[0].to_dict()


def error_fields(result):
    return {(e.row, e.field) for e in result.errors}


def day(text):
    return pd.Timestamp(text)


# --- loading files -------------------------------------------------------------------


def test_load_csv_keeps_valid_rows_and_reports_bad_ones(tmp_path):
    path = write_csv(
        tmp_path / "incidents.csv",
        [
            row(id="a", date_start="2017-10", place="Raqqah", killed_min="3"),
            row(id="b", event_type="tank battle"),
            row(id="c", latitude="34.5", longitude="40.9"),
        ],
    )
    result = load_incidents(path)
    assert list(result.incidents["id"]) == ["a", "c"]
    assert list(result.incidents.columns) == list(INCIDENT_COLUMNS)
    assert result.rejected_rows == [2]
    [error] = result.errors
    assert (error.source, error.row, error.field) == ("incidents.csv", 2, "event_type")
    assert "tank battle" in error.message
    assert str(error).startswith("incidents.csv, row 2, event_type: ")


def test_load_csv_with_bom_and_only_some_columns(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "id,event_type,claim_status,place\ncsv-1,Airstrike,Reported,الشعفة\n".encode("utf-8-sig")
    )
    result = load_incidents(path)
    incident = only(result)
    assert incident["id"] == "csv-1"
    assert incident["event_type"] == "airstrike"
    assert incident["claim_status"] == "reported"
    assert incident["place"] == "الشعفة"
    assert pd.isna(incident["date_start"]) and incident["date_precision"] == "unknown"


def test_loaded_columns_are_typed(tmp_path):
    path = write_csv(
        tmp_path / "typed.csv",
        [row(id="a", date_start="2018-11-01", date_end="2018-11-13", latitude="34.5",
             longitude="40.9", casualties_min="61", country="sy")],
    )
    frame = load_incidents(path).incidents
    assert frame["date_start"].dtype == "datetime64[s]"
    assert frame["date_end"].dtype == "datetime64[s]"
    assert frame["latitude"].dtype == "float64"
    assert str(frame["casualties_min"].dtype) == "Int64"
    assert str(frame["geo_precision"].dtype) == "Int64"
    incident = frame.iloc[0]
    assert incident["casualties_min"] == 61 and pd.isna(incident["casualties_max"])
    assert incident["country"] == "SY"
    assert incident["geo_precision"] == 1  # given coordinates are a site unless stated


def test_empty_incidents_has_every_column_typed():
    frame = empty_incidents()
    assert list(frame.columns) == list(INCIDENT_COLUMNS) and len(frame) == 0
    assert frame["date_start"].dtype == "datetime64[s]"
    assert str(frame["killed_min"].dtype) == "Int64"


def _feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_load_geojson_points(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature({"id": "g1", "event_type": "shelling", "claim_status": "reported",
                      "date_start": "2018", "killed_max": 4},
                     {"type": "Point", "coordinates": [40.93417, 34.56778]}),
            # null coordinate properties: the geometry is the location
            _feature({"id": "g2", "event_type": "clashes", "claim_status": "alleged",
                      "latitude": None, "longitude": None},
                     {"type": "Point", "coordinates": [38.6, 33.5]}),
            _feature({"id": "g3", "event_type": "other", "claim_status": "alleged",
                      "place": "Raqqah"}, None),
            _feature({"id": "g4", "event_type": "other", "claim_status": "alleged"},
                     {"type": "LineString", "coordinates": [[38, 33], [39, 34]]}),
        ],
    }
    path = tmp_path / "incidents.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = load_incidents(path)
    frame = result.incidents.set_index("id")
    assert list(frame.index) == ["g1", "g2", "g3"]
    assert (frame.at["g1", "latitude"], frame.at["g1", "longitude"]) == (34.56778, 40.93417)
    assert frame.at["g1", "killed_max"] == 4
    assert frame.at["g1", "date_precision"] == "year"
    assert frame.at["g1", "date_end"] == day("2018-12-31")
    assert (frame.at["g2", "latitude"], frame.at["g2", "longitude"]) == (33.5, 38.6)
    assert pd.isna(frame.at["g3", "latitude"]) and frame.at["g3", "place"] == "Raqqah"
    assert error_fields(result) == {(4, "geometry")}
    assert result.errors[0].source == "incidents.geojson"
    assert "LineString" in result.errors[0].message


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("bad.geojson", b'{"type": "FeatureCollection", "features": [', ""),
        ("list.geojson", b"[1, 2, 3]", "FeatureCollection"),
        ("features.geojson", b'{"type": "FeatureCollection", "features": {"a": 1}}', ""),
        ("feature.geojson", b'{"type": "FeatureCollection", "features": ["x", 1]}', ""),
        ("geometry.geojson",
         b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": "x",'
         b' "properties": {"id": "a"}}]}', ""),
        ("props.geojson",
         b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,'
         b' "properties": [1, 2]}]}', ""),
        ("garbage.csv", bytes(range(256)) * 8, ""),
        ("garbage.geojson", bytes(range(256)) * 8, ""),
        ("empty.csv", b"", ""),
        ("columns.csv", b"id,event_type\na,airstrike\n", "claim_status"),
    ],
)
def test_malformed_file_gives_one_file_error(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    result = load_incidents(path)
    assert len(result.incidents) == 0
    assert list(result.incidents.columns) == list(INCIDENT_COLUMNS)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.source == name and error.row is None
    assert fragment in error.message


def test_missing_file_gives_an_error(tmp_path):
    result = load_incidents(tmp_path / "nowhere.csv")
    assert len(result.incidents) == 0 and result.errors[0].row is None


def test_geojson_point_without_usable_coordinates_is_reported(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        _feature({"id": "a", "event_type": "other", "claim_status": "alleged"},
                 {"type": "Point", "coordinates": 5}),
    ]}
    path = tmp_path / "point.geojson"
    path.write_text(json.dumps(doc))
    result = load_incidents(path)
    assert len(result.incidents) == 0
    assert error_fields(result) == {(1, "geometry")}


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2017-10-05", "", "", ("2017-10-05", "2017-10-05", "day")),
        ("", "2017-10-05", "", ("2017-10-05", "2017-10-05", "day")),
        ("2017-10", "", "", ("2017-10-01", "2017-10-31", "month")),
        ("2016-02", "", "month", ("2016-02-01", "2016-02-29", "month")),
        ("2017-10-01", "2017-10-31", "", ("2017-10-01", "2017-10-31", "month")),
        ("2018", "", "", ("2018-01-01", "2018-12-31", "year")),
        ("2018", "", "year", ("2018-01-01", "2018-12-31", "year")),
        ("2018-11-01", "2018-11-13", "range", ("2018-11-01", "2018-11-13", "range")),
        ("2018-11-01", "2018-11-13", "", ("2018-11-01", "2018-11-13", "range")),
        ("2014-09", "2018", "", ("2014-09-01", "2018-12-31", "range")),
        ("2017-10-05", "2017-10-05", "DAY", ("2017-10-05", "2017-10-05", "day")),
    ],
)
def test_valid_dates_become_intervals(start, end, precision, expected):
    incident = only(validate(row(date_start=start, date_end=end, date_precision=precision)))
    assert incident["date_start"] == day(expected[0])
    assert incident["date_end"] == day(expected[1])
    assert incident["date_precision"] == expected[2]


def test_undated_row_is_valid_with_unknown_precision():
    for precision in ("", "unknown"):
        incident = only(validate(row(date_precision=precision)))
        assert pd.isna(incident["date_start"]) and pd.isna(incident["date_end"])
        assert incident["date_precision"] == "unknown"


@pytest.mark.parametrize(
    ("start", "end", "precision", "field"),
    [
        ("2017-13-01", "", "", "date_start"),
        ("2017-02-30", "", "", "date_start"),
        ("2017-13", "", "", "date_start"),
        ("17-10-05", "", "", "date_start"),
        ("5 October 2017", "", "", "date_start"),
        ("2017/10/05", "", "", "date_start"),
        ("2017-10-05", "yesterday", "", "date_end"),
        ("2017-10-05", "2017-10-01", "", "date_end"),
        ("2018", "2017", "", "date_end"),
        ("2017-10-05", "2017-10-06", "day", "date_precision"),
        ("2017-10", "", "day", "date_precision"),
        ("2017-10-05", "", "month", "date_precision"),
        ("2017-10", "", "year", "date_precision"),
        ("2017-10-01", "2017-11-30", "month", "date_precision"),
        ("2017-10-05", "", "unknown", "date_precision"),
        ("2017-10-05", "", "week", "date_precision"),
        ("", "", "day", "date_start"),
        ("", "", "month", "date_start"),
    ],
)
def test_invalid_dates_are_row_errors(start, end, precision, field):
    result = validate(row(id="ok"), row(id="bad", date_start=start, date_end=end,
                                        date_precision=precision))
    assert list(result.incidents["id"]) == ["ok"]
    assert (2, field) in error_fields(result)
    assert result.rejected_rows == [2]


@pytest.mark.parametrize(("start", "end", "field"), [("2018-13-01", "", "date_start"),
                                                     ("", "2018-13-01", "date_end")])
def test_a_bad_single_date_is_reported_once_for_its_own_column(start, end, field):
    result = validate(row(date_start=start, date_end=end))
    assert error_fields(result) == {(1, field)}
    assert len(result.errors) == 1


# --- coordinates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("91", "40", "latitude"),
        ("-90.5", "40", "latitude"),
        ("34", "180.01", "longitude"),
        ("34", "-181", "longitude"),
        ("0", "0", "latitude"),
        ("0.0", "-0.0", "latitude"),
        ("34.5", "", "longitude"),
        ("", "40.9", "latitude"),
        ("north", "40.9", "latitude"),
        ("nan", "40.9", "latitude"),
        ("34.5", "nan", "longitude"),
        ("inf", "40.9", "latitude"),
    ],
)
def test_invalid_coordinates_are_row_errors(lat, lon, field):
    result = validate(row(id="bad", latitude=lat, longitude=lon), row(id="ok"))
    assert list(result.incidents["id"]) == ["ok"]
    assert (1, field) in error_fields(result)


@pytest.mark.parametrize(("lat", "lon"), [("90", "180"), ("-90", "-180"), ("0", "12.5"),
                                          ("34.56778", "40.93417")])
def test_valid_coordinates_are_kept(lat, lon):
    incident = only(validate(row(latitude=lat, longitude=lon, geo_precision="2")))
    assert (incident["latitude"], incident["longitude"]) == (float(lat), float(lon))
    assert incident["geo_precision"] == 2


@pytest.mark.parametrize("precision", ["0", "5", "1.0", "site"])
def test_geo_precision_must_be_1_to_4(precision):
    result = validate(row(latitude="34", longitude="40", geo_precision=precision))
    assert error_fields(result) == {(1, "geo_precision")}


# --- enumerations, links, counts, ids -----------------------------------------------


def test_enumerations_are_normalised():
    incident = only(validate(row(event_type=" Ground_Attack ", claim_status="CONFIRMED")))
    assert incident["event_type"] == "ground attack"
    assert incident["claim_status"] == "confirmed"


@pytest.mark.parametrize(
    ("column", "value"),
    [("event_type", "tank battle"), ("event_type", ""), ("claim_status", "rumoured"),
     ("claim_status", ""), ("date_precision", "week")],
)
def test_unknown_enumeration_values_are_row_errors(column, value):
    result = validate(row(**{column: value}))
    assert error_fields(result) == {(1, column)}
    assert len(result.incidents) == 0


@pytest.mark.parametrize(
    "url", ["http://example.org/a", "https://example.org/a?b=1#c", "HTTPS://EXAMPLE.ORG"]
)
def test_http_links_are_accepted(url):
    assert only(validate(row(source_url=url)))["source_url"] == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/a", "www.example.org", "http://",
     "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "//example.org/a"],
)
def test_non_http_links_are_row_errors(url):
    assert error_fields(validate(row(source_url=url))) == {(1, "source_url")}


@pytest.mark.parametrize("value", ["-1", "2.5", "many", "nan", "inf", "1e30"])
def test_bad_casualty_counts_are_row_errors(value):
    result = validate(row(killed_min=value), row(id="ok"))
    assert error_fields(result) == {(1, "killed_min")}
    assert list(result.incidents["id"]) == ["ok"]


def test_reversed_casualty_bounds_are_kept_as_given_with_a_quality_flag():
    record = only(validate(row(injured_min="10", injured_max="3", killed_min="8",
                               killed_max="7", quality="checked by hand")))
    assert (record["injured_min"], record["injured_max"]) == (10, 3)
    assert record["quality"] == (
        "killed_max 7 is below killed_min 8; injured_max 3 is below injured_min 10; "
        "checked by hand")


def test_quality_flags_are_recomputed_not_kept_stale():
    assert only(validate(row(killed_min="1", killed_max="2",
                             quality="killed_max 7 is below killed_min 8")))["quality"] == ""


def test_a_nul_byte_rejects_its_row_naming_the_field():
    result = validate(row(description="a\x00b"), row(id="ok"))
    assert error_fields(result) == {(1, "description")}
    assert "NUL" in result.errors[0].message


def test_casualty_counts_may_be_written_as_whole_floats():
    assert only(validate(row(killed_min="3.0", killed_max="7")))["killed_min"] == 3


def test_duplicate_ids_keep_the_first_and_name_it():
    result = validate(row(id="a"), row(id="b"), row(id="a", event_type="shelling"))
    assert list(result.incidents["id"]) == ["a", "b"]
    assert list(result.incidents["event_type"]) == ["airstrike", "airstrike"]
    [error] = result.errors
    assert (error.row, error.field) == (3, "id")
    assert "row 1" in error.message


def test_empty_id_is_a_row_error():
    assert error_fields(validate(row(id="  "))) == {(1, "id")}


def test_a_row_with_several_problems_reports_each_field():
    result = validate(row(event_type="x", claim_status="y", latitude="99", longitude="0",
                          source_url="javascript:x"))
    assert error_fields(result) == {(1, "event_type"), (1, "claim_status"), (1, "latitude"),
                                    (1, "source_url")}
    assert result.rejected_rows == [1]


def test_missing_required_column_is_one_file_error():
    frame = pd.DataFrame({"id": ["a"], "event_type": ["airstrike"]})
    result = validate_incidents(frame, source="x.csv")
    assert len(result.incidents) == 0
    assert result.errors == [
        RowError("x.csv", None, "", "missing required column(s): claim_status")
    ]


# --- nothing is dropped silently ----------------------------------------------------

_VALUES = {
    "id": st.sampled_from(["a", "b", "c", "", "d"]),
    "event_type": st.sampled_from(["airstrike", "Shelling", "tank battle", ""]),
    "claim_status": st.sampled_from(["alleged", "contested", "rumour"]),
    "date_start": st.sampled_from(["", "2017", "2017-10", "2017-10-05", "2017-13-01", "x"]),
    "date_end": st.sampled_from(["", "2016", "2017-10-31", "2018-02"]),
    "date_precision": st.sampled_from(["", "day", "month", "range", "unknown", "week"]),
    "latitude": st.sampled_from(["", "0", "34.5", "95", "n"]),
    "longitude": st.sampled_from(["", "0", "40.9", "200"]),
    "killed_min": st.sampled_from(["", "0", "3", "-1", "2.5", "nan"]),
    "source_url": st.sampled_from(["", "https://a.org/x", "javascript:alert(1)"]),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(_VALUES), max_size=8))
def test_every_row_is_either_kept_or_reported(rows):
    result = validate_incidents(raw_frame(rows), source="prop.csv")
    assert len(result.incidents) + len(result.rejected_rows) == len(rows)
    assert sorted({e.row for e in result.errors}) == result.rejected_rows
    assert all(e.source == "prop.csv" and e.field for e in result.errors)
    assert result.incidents["id"].is_unique
    dated = result.incidents.dropna(subset=["date_start"])
    assert (dated["date_start"] <= dated["date_end"]).all()
    located = result.incidents.dropna(subset=["latitude"])
    assert not ((located["latitude"] == 0) & (located["longitude"] == 0)).any()


def test_month_interval_matches_calendar():
    incident = only(validate(row(date_start="2017-09")))
    assert incident["date_start"].date() == date(2017, 9, 1)
    assert incident["date_end"].date() == date(2017, 9, 30)


@pytest.mark.parametrize("value", ["1018-11-01", "0001", "2300-01", "1899-12-31"])
def test_implausible_years_are_row_errors_not_loaded(value):
    from geo.schema import validate_incidents

    raw = pd.DataFrame(
        {"id": ["ok", "typo"], "date_start": ["2018-11-01", value],
         "event_type": ["airstrike", "airstrike"], "claim_status": ["alleged", "alleged"]}
    )
    result = validate_incidents(raw, "t.csv")
    assert result.incidents["id"].tolist() == ["ok"]
    (error,) = result.errors
    assert (error.row, error.field) == (2, "date_start")
    assert "outside 1900" in error.message


def test_validation_in_chunks_gives_the_same_records_errors_and_row_numbers(monkeypatch):
    import geo.schema

    rows = raw_frame([
        row(id="a1"), row(id="a2", date_start="2018-13-01"), row(id="a3", killed_min="x"),
        row(id="a1"), row(id="a5", date_start="2017-05"), row(id="a6"), row(id="a7"),
    ])
    whole = validate_incidents(rows, source="f.csv")
    monkeypatch.setattr(geo.schema, "_CHUNK_ROWS", 2)
    chunked = validate_incidents(rows, source="f.csv")
    pd.testing.assert_frame_equal(chunked.incidents, whole.incidents)
    assert chunked.errors == whole.errors and chunked.rejected_rows == whole.rejected_rows
    # A duplicate id in another chunk is still found, with its row numbers.
    assert chunked.rejected_rows == [2, 3, 4]
    assert any("duplicate id 'a1' (first used in row 1)" in e.message for e in chunked.errors)
    assert list(chunked.incidents["id"]) == ["a1", "a5", "a6", "a7"]
