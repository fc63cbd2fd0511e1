"""Imports: every file kind and encoding, every kind of bad row, the report, rejected rows
saved untouched, geocoding of rows without coordinates, and the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.overrides import OverrideStore
from geo.ingest import import_file, main, prepare_import
from geo.io.formats import detect_encoding, read_table, sniff_delimiter
from geo.io.mappings import MappingMemory
from geo.store import open_store
from tests.helpers.identities import analyst
from tests.helpers.store_data import ROOT
from tests.helpers.workbooks import workbook

HEADER = ["id", "date_start", "date_end", "place", "country", "latitude", "longitude",
          "event_type", "claim_status", "killed_min", "killed_max", "description"]
GOOD = [
    ["r1", "2017-10-05", "", "الرقة", "SY", "35.95", "39.01", "airstrike", "alleged", "3", "5",
     "غارة جوية على السوق"],
    ["r2", "2017-10", "", "Tabqa", "SY", "35.84", "38.55", "shelling", "reported", "", "",
     "Shelling near the dam"],
]


class FakeGeocoder:
    """Knows one place; speaks the geocoder seam (status, best.place)."""

    gazetteer = None
    overrides = OverrideStore(None)

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def geocode(self, name, *, country=None, admin1=None, context=()):
        self.calls.append((name, country))
        if name.lower() in ("raqqa", "الرقة"):
            place = Place("local:ar-raqqah", "Ar-Raqqa", ("Raqqa",), 35.95283, 39.00788,
                          "city", "SY", "Ar-Raqqa", 1)
            return GeocodeResult(name, "resolved", (Candidate(place, 0.95),))
        return GeocodeResult(name, "unresolved")


def _write_csv(path: Path, rows, header=HEADER, encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def memory(tmp_path):
    return MappingMemory(tmp_path / "mappings.json")


def _prepare(path, memory, **kw):
    return prepare_import(path, memory=memory, geocoder=FakeGeocoder(), **kw)


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ";"), ("cp1256", "\t"), ("utf-8", "|"),
])
def test_csv_encodings_and_delimiters(tmp_path, memory, encoding, delimiter):
    path = _write_csv(tmp_path / "in.csv", GOOD, encoding=encoding, delimiter=delimiter)
    report = _prepare(path, memory)
    assert report.errors == []
    assert report.delimiter == delimiter
    assert report.incidents["place"].tolist() == ["الرقة", "Tabqa"]
    assert report.incidents["description"][0] == "غارة جوية على السوق"
    assert report.incidents["killed_max"].tolist()[0] == 5


def test_detect_encoding():
    arabic = "id,place\n1,دير الزور\n2,الرقة\n"
    french = "id,place\n1,Déir ez-Zôr à l'est\n2,Alep\n"
    assert detect_encoding(arabic.encode("cp1256")) == "cp1256"
    assert detect_encoding(french.encode("latin-1")) in ("cp1252", "latin-1")
    assert detect_encoding(french.encode("cp1252")).startswith(("cp1252", "latin"))
    assert detect_encoding(arabic.encode("utf-8")) == "utf-8"
    assert detect_encoding("\ufeff".encode() + arabic.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(arabic.encode("utf-16")) == "utf-16"


def test_latin1_file_reads_its_accents(tmp_path, memory):
    rows = [["l1", "2017-10-05", "", "Déir ez-Zôr", "SY", "35.33", "40.14", "shelling",
             "reported", "", "", "Tirs près de l'hôpital"]]
    report = _prepare(_write_csv(tmp_path / "fr.csv", rows, encoding="latin-1"), memory)
    assert report.errors == []
    assert report.incidents["place"][0] == "Déir ez-Zôr"


def test_sniff_delimiter_with_commas_inside_quotes():
    text = 'id;description;place\n1;"a, b, c";X\n2;"d, e";Y\n'
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("id,place\n1,X\n") == ","


def test_excel_sheet(tmp_path, memory):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["x1", datetime(2017, 10, 5), None, "Raqqa", "SY", 35.95, 39.01, "airstrike",
                  "alleged", 3, 4.0, "first"])
    sheet.append(["x2", date(2018, 11, 1), date(2018, 11, 13), "Shaafah", "SY", 34.5, 40.9,
                  "airstrike", "alleged", None, None, "second"])
    sheet.append([None] * len(HEADER))
    book.save(tmp_path / "team.xlsx")
    report = _prepare(tmp_path / "team.xlsx", memory)
    assert report.errors == [] and report.file_kind == "xlsx"
    frame = report.incidents
    assert frame["date_start"].dt.strftime("%Y-%m-%d").tolist() == ["2017-10-05", "2018-11-01"]
    assert frame["date_precision"].tolist() == ["day", "range"]
    assert frame["killed_max"].tolist()[0] == 4


def test_geojson_points_and_a_polygon_rejected(tmp_path, memory):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.01, 35.95]},
         "properties": {"id": "g1", "date_start": "2017-10-05", "event_type": "airstrike",
                        "claim_status": "alleged", "killed_min": 2}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0],
                                                                              [1, 1], [0, 0]]]},
         "properties": {"id": "g2", "event_type": "airstrike", "claim_status": "alleged"}},
        {"type": "Feature", "geometry": None,
         "properties": {"id": "g3", "place": "Raqqa", "country": "SY",
                        "event_type": "shelling", "claim_status": "reported"}},
    ]
    path = tmp_path / "colleague.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = _prepare(path, memory)
    assert [(e.row, e.field) for e in report.errors] == [(2, "geometry")]
    frame = report.incidents.set_index("id")
    assert frame.loc["g1", ["latitude", "longitude"]].tolist() == [35.95, 39.01]
    assert frame.loc["g3", "geocode_source"] == "local:ar-raqqah"
    out = report.save_rejected(tmp_path / "rejected.geojson")
    saved = json.loads(out.read_text())
    assert saved["features"] == [features[1]]


def test_geopackage_layer(tmp_path, memory):
    frame = pd.DataFrame({"id": ["p1", "p2"], "date_start": ["2017-10-05", "2017-10-06"],
                          "event_type": ["airstrike", "shelling"],
                          "claim_status": ["alleged", "reported"], "killed_min": [3, None]})
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([39.0, 38.5], [35.9, 35.8]),
                           crs="EPSG:4326")
    gdf.to_file(tmp_path / "layer.gpkg", layer="whatever", driver="GPKG")
    report = _prepare(tmp_path / "layer.gpkg", memory)
    assert report.errors == [] and report.file_kind == "gpkg"
    assert report.incidents["latitude"].tolist() == [35.9, 35.8]
    assert report.incidents["killed_min"].tolist()[0] == 3


BAD_ROWS = [
    (["", "2017-10-05", "", "X", "SY", "35", "39", "airstrike", "alleged", "", "", ""],
     "id", "empty id"),
    (["r1", "2017-10-06", "", "X", "SY", "35", "39", "airstrike", "alleged", "", "", ""],
     "id", "duplicate id"),
    (["b3", "2017-31-10", "", "X", "SY", "35", "39", "airstrike", "alleged", "", "", ""],
     "date_start", "not an ISO date"),
    (["b4", "2017-10-10", "2017-10-01", "X", "SY", "35", "39", "airstrike", "alleged", "", "",
      ""], "date_end", "before date_start"),
    (["b5", "2017-10-05", "", "X", "SY", "135", "39", "airstrike", "alleged", "", "", ""],
     "latitude", "outside -90..90"),
    (["b6", "2017-10-05", "", "X", "SY", "0", "0", "airstrike", "alleged", "", "", ""],
     "latitude", "placeholder"),
    (["b7", "2017-10-05", "", "X", "SY", "35", "", "airstrike", "alleged", "", "", ""],
     "longitude", "empty while"),
    (["b8", "2017-10-05", "", "X", "SY", "35", "39", "drone party", "alleged", "", "", ""],
     "event_type", "is not one of"),
    (["b9", "2017-10-05", "", "X", "SY", "35", "39", "airstrike", "maybe", "", "", ""],
     "claim_status", "is not one of"),
    (["b10", "2017-10-05", "", "X", "SY", "35", "39", "airstrike", "alleged", "-2", "", ""],
     "killed_min", "whole number"),
    (["b12", "2017-10-05", "", "X", "SY", "35", "39", "airstrike", "alleged", "", "", "",
      "extra"], "", "fields but the header has"),
]


def test_every_kind_of_bad_row_is_reported_and_saved_untouched(tmp_path, memory):
    rows = [GOOD[0], *[r for r, _, _ in BAD_ROWS], GOOD[1]]
    path = _write_csv(tmp_path / "mixed.csv", rows)
    report = _prepare(path, memory)
    assert report.valid == 2
    assert report.rejected_rows == list(range(2, 2 + len(BAD_ROWS)))
    for number, (_, field, reason) in enumerate(BAD_ROWS, start=2):
        found = [e for e in report.errors if e.row == number]
        assert any(e.field == field and reason in e.message for e in found), (number, found)
    out = report.save_rejected(tmp_path / "rejected.csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        saved = list(csv.reader(handle))
    assert saved[0] == HEADER
    assert saved[1:] == [r for r, _, _ in BAD_ROWS]
    assert report.rejected_file() == out.read_bytes()
    text = "\n".join(report.lines())
    assert "row 3 (line 4), id: duplicate id" in text and "2 valid, 11 rejected" in text


def test_missing_required_column_is_a_file_error(tmp_path, memory):
    path = _write_csv(tmp_path / "x.csv", [["1", "Raqqa"]], header=["id", "place"])
    report = _prepare(path, memory, mapping_kind="own")
    assert not report.readable
    assert "missing event_type, claim_status" in report.errors[0].message


def test_unreadable_files(tmp_path, memory):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "bad.geojson").write_text("{not json")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "bad.gpkg").write_bytes(b"SQLite format 3\x00 broken")
    (tmp_path / "unknown.csv").write_text("foo,bar\n1,2\n")
    for name in ("empty.csv", "bad.geojson", "bad.xlsx", "bad.gpkg", "unknown.csv",
                 "missing.csv"):
        report = _prepare(tmp_path / name, memory)
        assert not report.readable, name
        assert report.lines()[0].startswith(f"{name}: cannot import"), report.lines()


def test_rows_without_coordinates_are_geocoded_or_listed(tmp_path, memory):
    rows = [["n1", "2017-10-05", "", "Raqqa", "SY", "", "", "airstrike", "alleged", "", "", ""],
            ["n2", "2017-10-05", "", "Atlantis", "SY", "", "", "airstrike", "alleged", "", "",
             ""]]
    report = _prepare(_write_csv(tmp_path / "n.csv", rows), memory)
    frame = report.incidents.set_index("id")
    assert frame.loc["n1", "latitude"] == pytest.approx(35.95283)
    assert frame.loc["n1", "geocode_source"] == "local:ar-raqqah"
    assert pd.isna(frame.loc["n2", "latitude"])
    assert report.not_placed == {"Atlantis": 1}


def test_import_file_writes_valid_rows_in_one_go(tmp_path, memory):
    rows = [GOOD[0], BAD_ROWS[2][0], GOOD[1]]
    path = _write_csv(tmp_path / "in.csv", rows)
    store = open_store(tmp_path / "s.gpkg")
    report = import_file(path, store, who=analyst("tester"), rejected_out=tmp_path / "rej.csv",
                         memory=memory, geocoder=FakeGeocoder())
    assert report.result.inserted == ["r1", "r2"]
    assert set(store.history()["who"]) == {"tester"}
    assert (tmp_path / "rej.csv").exists()
    again = import_file(path, store, memory=memory, geocoder=FakeGeocoder())
    assert again.result.unchanged == ["r1", "r2"] and again.result.inserted == []
    dry = import_file(path, open_store(tmp_path / "other.gpkg"), dry_run=True, memory=memory,
                      geocoder=FakeGeocoder())
    assert dry.result is None and open_store(tmp_path / "other.gpkg").count() == 0


def _cli(*args: str, db: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "INCIDENT_DB": str(db), "PYTHONPATH": str(ROOT),
           "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "geo.ingest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_command_line(tmp_path):
    db = tmp_path / "cli.gpkg"
    good = _write_csv(tmp_path / "good.csv", GOOD)
    mixed = _write_csv(tmp_path / "mixed.csv", [GOOD[0], BAD_ROWS[4][0]])
    ok = _cli(str(good), db=db, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "2 valid, 0 rejected" in ok.stdout and "2 new" in ok.stdout
    bad = _cli(str(mixed), "--rejected", str(tmp_path / "out.csv"), db=db, cwd=tmp_path)
    assert bad.returncode == 1
    assert "row 2 (line 3), latitude: 135 is outside -90..90" in bad.stdout
    assert "2 rows = 0 new + 0 updated + 1 unchanged + 1 rejected" in bad.stdout
    assert "read 2 rows; the file has 2 lines after the header" in bad.stdout
    assert (tmp_path / "out.csv").exists()
    missing = _cli(str(tmp_path / "nope.csv"), db=db, cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr + missing.stdout
    (tmp_path / "odd.csv").write_text("foo,bar\n1,2\n")
    odd = _cli(str(tmp_path / "odd.csv"), db=db, cwd=tmp_path)
    assert odd.returncode == 2 and "no known layout" in odd.stdout
    assert open_store(db).count() == 2
    fresh = tmp_path / "untouched.gpkg"
    assert _cli(str(tmp_path / "nope.csv"), db=fresh, cwd=tmp_path).returncode == 2
    assert not fresh.exists()  # nothing to write, no store created


def test_main_in_process_with_a_broken_store(tmp_path, capsys):
    good = _write_csv(tmp_path / "good.csv", GOOD)
    (tmp_path / "notadir").write_text("x")
    code = main([str(good), "--db", str(tmp_path / "notadir" / "s.gpkg"), "--no-geocode"])
    assert code == 2
    assert "store cannot be used" in capsys.readouterr().err


def test_read_table_from_bytes():
    table = read_table(b"id,event_type,claim_status\n1,airstrike,alleged\n", "up.csv")
    assert table.frame.to_dict("records") == [
        {"id": "1", "event_type": "airstrike", "claim_status": "alleged"}
    ]


UCDP_SLICE = ROOT.parent / "shared" / "data" / "ucdp_ged_syria_2016.csv"


@pytest.mark.skipif(not UCDP_SLICE.exists(), reason="../shared/data (the real UCDP slice) absent")
def test_the_real_ucdp_slice_is_accounted_for_and_keeps_inconsistent_rows(tmp_path, memory):
    store = open_store(tmp_path / "ucdp.gpkg")
    report = import_file(UCDP_SLICE, store, memory=memory, geocode=False)
    with UCDP_SLICE.open(encoding="utf-8", newline="") as handle:
        records = sum(1 for _ in csv.reader(handle)) - 1
    lines = UCDP_SLICE.read_bytes().count(b"\n") - 1
    assert report.rows == records and report.table.file_records == lines
    assert f"{lines - records} inside quoted multi-line fields" in report.table.count_note
    assert report.balanced and report.rejected_rows == []
    assert len(report.result.inserted) == store.count() == records
    flagged = store.incidents().query("quality != ''")
    inverted = flagged["killed_max"] < flagged["killed_min"]
    assert inverted.sum() >= 1
    assert flagged.loc[inverted, "quality"].str.contains("killed_max .* is below").all()
    # UCDP's best estimate outside its low-high range is flagged too, never rejected.
    best = flagged["quality"].str.contains("UCDP best estimate .* outside low–high")
    assert best.sum() == 15 and (best | inverted).all()
    assert len(report.flagged_frame()) == len(flagged)
    assert any("valid rows carry a data-quality flag" in line for line in report.lines())
    assert report.warnings == []  # geom_wkt agrees with latitude/longitude everywhere


def test_an_excel_sheet_balances_only_with_exactly_its_counted_rows(tmp_path, memory):
    rows = (["id", "event_type", "claim_status"], ["a", "airstrike", "alleged"],
            ["b", "shelling", "reported"])
    report = _prepare(workbook(*rows), memory, name="team.xlsx")
    assert report.balanced and report.table.file_records == 2
    assert "2 rows with values after the header in sheet 'Sheet'" in report.accounting()[0]
    report.table.file_records = 3  # a record the parse would have missed
    assert not report.balanced
    assert "DOES NOT BALANCE: 2 rows + 0 blank != 3 records" in report.accounting()


def test_the_report_names_each_flagged_row_its_line_and_its_flag(tmp_path, memory):
    path = tmp_path / "flags.csv"
    path.write_text("id,event_type,claim_status,killed_min,killed_max\n"
                    "a,nope,alleged,1,2\n"
                    + "".join(f"f{i},airstrike,alleged,8,7\n" for i in range(25)),
                    encoding="utf-8")
    report = prepare_import(path, memory=memory, geocode=False)
    flagged = report.flagged_frame()
    assert flagged["id"].tolist() == [f"f{i}" for i in range(25)]
    assert flagged["row"].tolist()[:2] == [2, 3] and flagged["line"].tolist()[:2] == [3, 4]
    text = report.lines(limit=50)
    assert "  25 valid rows carry a data-quality flag (kept as the source gives it):" in text
    assert "    row 2 (line 3), f0: killed_max 7 is below killed_min 8" in text
    assert "    ... and 5 more flagged rows (--all-errors lists them)" in text
    assert sum(line.startswith("    row ") for line in report.lines(limit=None)) == 25


@pytest.mark.parametrize(("content", "said"), [
    (b'{"type": "FeatureCollection", "features": 5}',
     "five.geojson: cannot import: 'features' is a number, not a list of features"),
    (b'{"type": "FeatureCollection", "features": [}',
     "five.geojson: cannot import: the file is not valid JSON"),
])
def test_a_file_level_problem_names_the_file_once(tmp_path, capsys, content, said):
    path = tmp_path / "five.geojson"
    path.write_bytes(content)
    assert main([str(path), "--dry-run", "--no-geocode"]) == 2
    out = capsys.readouterr()
    assert said in out.out + out.err
    assert "five.geojson: five.geojson" not in out.out + out.err


def test_a_spreadsheets_problems_and_flags_give_its_sheet_row(tmp_path, memory):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "event_type", "claim_status", "killed_min", "killed_max"])
    sheet.append(["a", "nope", "alleged", 1, 2])
    sheet.append(["b", "airstrike", "alleged", 8, 7])
    book.save(tmp_path / "team.xlsx")
    report = prepare_import(tmp_path / "team.xlsx", memory=memory, geocode=False)
    problems = report.errors_frame()
    assert list(problems.columns) == ["row", "sheet row", "field", "reason"]
    assert problems[["row", "sheet row"]].values.tolist() == [[1, 2]]
    assert report.flagged_frame()[["id", "sheet row"]].values.tolist() == [["b", 3]]


def test_the_command_line_records_the_import_in_the_history(tmp_path, memory):
    path = tmp_path / "flags.csv"
    path.write_text("id,event_type,claim_status\na,nope,alleged\nb,airstrike,alleged\n",
                    encoding="utf-8")
    db = tmp_path / "s.gpkg"
    assert main([str(path), "--db", str(db), "--no-geocode", "--who", "Ana"]) == 1
    history = open_store(db).history()
    entry = history[history["field"] == "(import)"].iloc[-1]
    assert entry["reason"] == "flags.csv" and entry["who"].startswith("Ana (command line: ")
    assert entry["after"] == "1 new, 0 updated, 0 unchanged, 1 rejected"


def test_the_accounting_writes_thousands_with_separators(tmp_path, memory):
    rows = [[f"k{i}", "2017-10-05", "", "Tabqa", "SY", "35.84", "38.55", "shelling",
             "reported", "", "", ""] for i in range(1200)]
    path = _write_csv(tmp_path / "many.csv", rows)
    report = import_file(path, open_store(tmp_path / "s.gpkg"), dry_run=True, memory=memory,
                         geocoder=FakeGeocoder())
    lines = report.accounting()
    assert lines[0] == "read 1,200 rows; the file has 1,200 lines after the header"
    assert "1,200 rows = 1,200 valid + 0 rejected" in lines
