"""Column mappings: ACLED and UCDP GED translated honestly, detection from the header, and
custom mappings remembered for the next file with the same header."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.ingest import prepare_import
from geo.io.mappings import (
    ColumnMapping,
    MappingError,
    MappingMemory,
    apply_mapping,
    detect_mapping,
    header_key,
)
from tests.helpers.incidents import write_table

ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "event_type",
                "sub_event_type", "actor1", "actor2", "country", "admin1", "admin2", "admin3",
                "location", "latitude", "longitude", "geo_precision", "source", "notes",
                "fatalities", "iso"]
ACLED_ROWS = [
    ["SYR100", "15 October 2017", "2017", "1", "Explosions/Remote violence", "Air/drone strike",
     "Military Forces of the United States", "Civilians (Syria)", "Syria", "Ar-Raqqa",
     "Ar-Raqqa", "", "Ar-Raqqa", "35.9528", "39.0079", "1", "SOHR", "Airstrike on a market.",
     "12", "760"],
    ["SYR101", "2017-10-18", "2017", "2", "Battles", "Armed clash", "SDF", "IS", "Syria",
     "Ar-Raqqa", "", "", "Tabqa", "35.8356", "38.5481", "2", "", "", "0", "760"],
    ["SYR102", "20-10-2017", "2017", "3", "Violence against civilians", "Abduction/forced "
     "disappearance", "IS", "", "", "Ar-Raqqa", "", "", "Mansura", "35.82", "38.75", "3",
     "Local", "", "", "760"],
    ["SYR103", "not a date", "2017", "4", "Battles", "Armed clash", "SDF", "", "Syria",
     "", "", "", "X", "35", "38", "1", "", "", "", ""],
]
UCDP_HEADER = ["id", "year", "type_of_violence", "side_a", "side_b", "source_article",
               "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude",
               "country", "date_start", "date_end", "date_prec", "deaths_civilians", "best",
               "high", "low"]
UCDP_ROWS = [
    ["244657", "2017", "1", "Government of Syria", "IS", "Reuters 2017-10-20", "1",
     "Raqqa town", "Ar Raqqah governorate", "", "35.95", "39.01", "Syria",
     "2017-10-14 00:00:00.000", "2017-10-14 00:00:00.000", "1", "4", "10", "15", "8"],
    ["244658", "2017", "3", "IS", "Civilians", "SANA", "4", "Dayr az Zawr governorate",
     "Dayr az Zawr governorate", "", "35.33", "40.14", "Syria", "2017-09-01", "2017-09-30",
     "4", "20", "20", "20", "20"],
    ["244659", "2017", "2", "SDF", "IS", "", "9", "Somewhere", "", "", "35.0", "39.0",
     "Syria", "2017-09-05", "2017-09-01", "2", "", "1", "1", "2"],
    # Best outside low-high: kept, with a data-quality flag.
    ["244660", "2017", "1", "SDF", "IS", "", "1", "Tabqa", "", "", "35.83", "38.54",
     "Syria", "2017-09-06", "2017-09-06", "1", "", "40", "20", "20"],
]


@pytest.fixture
def memory(tmp_path):
    return MappingMemory(tmp_path / "mappings.json")


def test_detect_mapping_from_header():
    assert detect_mapping(ACLED_HEADER) == "acled"
    assert detect_mapping([h.upper() for h in ACLED_HEADER]) == "acled"
    assert detect_mapping(UCDP_HEADER) == "ucdp"
    assert detect_mapping(["id", "Event Type", "claim_status", "place"]) == "own"
    assert detect_mapping(["Date", "Town", "Killed"]) is None


def test_acled_translation(tmp_path, memory):
    report = prepare_import(write_table(tmp_path / "acled.csv", ACLED_HEADER, ACLED_ROWS),
                            memory=memory, geocode=False)
    assert report.mapping == "acled"
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "event_date"), (4, "time_precision")
    ]
    frame = report.incidents.set_index("id")
    day = frame.loc["acled-SYR100"]
    assert (str(day["date_start"].date()), str(day["date_end"].date()), day["date_precision"]) \
        == ("2017-10-15", "2017-10-15", "day")
    assert day["event_type"] == "airstrike" and day["country"] == "SY"
    assert day["killed_min"] == 12 and pd.isna(day["killed_max"])  # a conservative estimate
    assert day["actors"] == "Military Forces of the United States; Civilians (Syria)"
    assert day["place"] == "Ar-Raqqa" and day["geo_precision"] == 1
    assert day["claim_status"] == "reported" and day["source_name"] == "ACLED (SOHR)"
    assert "Air/drone strike" in day["description"]
    week = frame.loc["acled-SYR101"]
    assert (str(week["date_start"].date()), str(week["date_end"].date())) == (
        "2017-10-15", "2017-10-21")
    assert week["date_precision"] == "range" and "week" in week["date_note"]
    assert week["event_type"] == "clashes" and week["killed_min"] == 0
    month = frame.loc["acled-SYR102"]
    assert (str(month["date_start"].date()), str(month["date_end"].date()),
            month["date_precision"]) == ("2017-10-01", "2017-10-31", "month")
    assert month["event_type"] == "attack on civilians" and month["geo_precision"] == 3
    assert month["country"] == "SY"  # from the numeric iso column
    assert report.origins == ["acled"] * 3


def test_ucdp_translation(tmp_path, memory):
    report = prepare_import(write_table(tmp_path / "ged.csv", UCDP_HEADER, UCDP_ROWS),
                            memory=memory, geocode=False)
    assert report.mapping == "ucdp"
    errors = {(e.row, e.field) for e in report.errors}
    assert (3, "where_prec") in errors and (3, "date_end") in errors
    frame = report.incidents.set_index("id")
    town = frame.loc["ucdp-244657"]
    assert str(town["date_start"].date()) == "2017-10-14" and town["date_precision"] == "day"
    assert (town["killed_min"], town["killed_max"]) == (8, 15)
    assert "best estimate: 10" in town["description"] and town["deaths_civilians"] == 4
    assert town["type_of_violence"] == 1 and town["claimed_by"] == "UCDP GED"
    assert town["event_type"] == "clashes" and town["geo_precision"] == 1
    assert town["place"] == "Raqqa town" and town["admin1"] == "Ar Raqqah governorate"
    assert town["actors"] == "Government of Syria; IS" and town["country"] == "SY"
    assert "UCDP date_prec 1" in town["date_note"]
    province = frame.loc["ucdp-244658"]
    assert province["date_precision"] == "month" and province["geo_precision"] == 3
    assert province["event_type"] == "attack on civilians"  # UCDP's one-sided violence
    assert "one-sided" in province["description"]
    assert "province" in province["description"]
    assert province["quality"] == ""
    outside = frame.loc["ucdp-244660"]
    assert outside["quality"] == "UCDP best estimate 40 outside low–high 20–20"
    assert (outside["killed_min"], outside["killed_max"]) == (20, 20)


def test_custom_mapping_is_remembered_for_the_same_header(tmp_path, memory):
    header = ["Ref", "Date", "Town", "Lat", "Lon", "Kind", "Dead"]
    rows = [["t1", "2017-10-05", "Raqqa", "35.95", "39.01", "airstrike", "3"]]
    mapping = ColumnMapping(
        {"Ref": "id", "Date": "date_start", "Town": "place", "Lat": "latitude",
         "Lon": "longitude", "Kind": "event_type", "Dead": "killed_min"},
        {"claim_status": "reported", "country": "SY"},
    )
    first = prepare_import(write_table(tmp_path / "a.csv", header, rows), mapping=mapping,
                           memory=memory, geocode=False)
    assert first.errors == [] and first.mapping == "custom"
    assert first.incidents["killed_min"].tolist() == [3]
    assert first.incidents["claim_status"].tolist() == ["reported"]
    saved = json.loads(memory.path.read_text())
    assert list(saved) == [header_key(header)]
    reordered = [header[i] for i in (6, 5, 4, 3, 2, 1, 0)]
    rows2 = [[r[i] for i in (6, 5, 4, 3, 2, 1, 0)] for r in [["t2", "2017-10-06", "Tabqa",
                                                              "35.8", "38.5", "shelling", ""]]]
    second = prepare_import(write_table(tmp_path / "b.csv", [h.lower() for h in reordered], rows2),
                            memory=memory, geocode=False)
    assert second.mapping == "custom" and second.errors == []
    assert second.incidents["id"].tolist() == ["t2"]
    assert second.incidents["place"].tolist() == ["Tabqa"]


def test_custom_mapping_errors():
    frame = pd.DataFrame({"A": ["1"]}, dtype=str)
    with pytest.raises(MappingError, match="not incident fields: colour"):
        apply_mapping(frame, "custom", ColumnMapping({"A": "colour"}))
    with pytest.raises(MappingError, match="no column 'B'"):
        apply_mapping(frame, "custom", ColumnMapping({"B": "id"}))
    with pytest.raises(MappingError, match="needs a column mapping"):
        apply_mapping(frame, "custom")
    with pytest.raises(MappingError, match="ACLED"):
        apply_mapping(frame, "acled")


def test_mapping_json_round_trip():
    mapping = ColumnMapping({"A": "id"}, {"claim_status": "alleged"})
    assert ColumnMapping.from_json(mapping.to_json()) == mapping
    assert ColumnMapping.from_json({"A": "id"}) == ColumnMapping({"A": "id"})


def test_unknown_layout_asks_for_a_mapping(tmp_path, memory):
    report = prepare_import(write_table(tmp_path / "x.csv", ["Date", "Town"], [["1", "2"]]),
                            memory=memory, geocode=False)
    assert not report.readable and "give a column mapping" in report.errors[0].message


def test_the_district_is_kept_and_checks_the_place_found_at_import(tmp_path, memory):
    from geo.geocoding.areas import AdminAreas
    from geo.geocoding.gazetteer import Place
    from geo.geocoding.geocoder import Geocoder
    from geo.settings import DATA_DIR

    admin = (DATA_DIR / "admin" / "syr_admin1.geojson",
             DATA_DIR / "admin" / "syr_admin2.geojson")
    # the only "Hamra" the gazetteer knows lies 66 km outside the district UCDP names
    coder = Geocoder([Place("geonames:9", "Hamra", (), 35.1, 37.05, "village", "SY", "Hama",
                            1, 0)], areas=AdminAreas.deferred(admin))
    rows = [["1", "2016", "1", "A", "B", "", "1", "Hamra village", "Hamah governorate",
             district, "", "", "Syria", "2016-08-01", "2016-08-01", "1", "", "1", "1", "1"]
            for district in ("As Suqaylibiyah district", "")]
    rows[1][0] = "2"
    path = write_table(tmp_path / "ged.csv", UCDP_HEADER, rows)
    report = prepare_import(path, memory=memory, geocoder=coder)
    frame = report.incidents.set_index("id")
    assert frame.loc["ucdp-1", "admin2"] == "As Suqaylibiyah district"
    assert pd.isna(frame.loc["ucdp-1", "latitude"])  # set aside: outside the district
    assert frame.loc["ucdp-2", "latitude"] == pytest.approx(35.1)  # nothing to check


def test_a_ucdp_best_estimate_of_one_is_one_death(tmp_path, memory):
    one = ["244661", "2017", "1", "SDF", "IS", "", "1", "Tabqa", "", "", "35.83", "38.54",
           "Syria", "2017-09-06", "2017-09-06", "1", "", "1", "1", "1"]
    report = prepare_import(write_table(tmp_path / "ged.csv", UCDP_HEADER, [one]),
                            memory=memory, geocode=False)
    description = report.incidents.set_index("id").loc["ucdp-244661", "description"]
    assert description.startswith("UCDP best estimate: 1 death.")  # not "1 deaths"
