"""Exports of the view: CSV, GeoJSON and GeoPackage with the permalink and export time,
and the round trip store -> view -> export -> import -> the same records."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
import pyogrio
import pytest

from geo.geocoding.join import to_geodataframe
from geo.ingest import import_file
from geo.io.mappings import MappingMemory
from geo.render.export import export_view, view_incidents, write_export
from geo.store import open_store
from geo.view.state import ViewDomain, default_view
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

ROWS = [
    {"id": "a", "date_start": "2017-10-05", "place": "الرقة", "country": "SY",
     "latitude": "35.95283", "longitude": "39.00788", "killed_min": "3", "killed_max": "5",
     "description": 'Quote "with" commas, and\na new line', "source_url": "https://x.org/a"},
    {"id": "b", "date_start": "2017-10", "place": "Tabqa", "latitude": "35.84",
     "longitude": "38.55", "event_type": "shelling", "claim_status": "alleged"},
    {"id": "c", "date_start": "2018-11-01", "date_end": "2018-11-13", "place": "al-Shaafah",
     "country": "SY", "casualties_min": "61"},
    {"id": "d", "place": "Rukban", "event_type": "displacement", "geo_precision": "2"},
]
AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _domain(frame: pd.DataFrame) -> ViewDomain:
    return ViewDomain(date(2017, 10, 1), date(2018, 11, 30), (35.5, 39.0), 7,
                      fingerprint="0123abcd", has_incident=set(frame["id"]).__contains__)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_round_trip_through_the_store(store, tmp_path, fmt):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    frame = to_geodataframe(store.incidents())
    domain = _domain(frame)
    state = default_view(domain)
    export = export_view(frame, state, domain, fmt, base_url="http://host/map", at=AT)
    paths = write_export(export, tmp_path)
    assert paths[0].name == f"incidents-20250102T030405Z.{'gpkg' if fmt == 'gpkg' else fmt}"
    target = open_store(tmp_path / "again.gpkg")
    report = import_file(paths[0], target, memory=MappingMemory(tmp_path / "m.json"),
                         geocode=False)
    assert report.errors == [] and report.mapping == "own"
    expected = view_incidents(frame, state)
    got = target.incidents()
    pd.testing.assert_frame_equal(
        got.sort_values("id").reset_index(drop=True),
        expected.sort_values("id").reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(
        got.sort_values("id").reset_index(drop=True),
        store.incidents().sort_values("id").reset_index(drop=True),
    )
    again = import_file(paths[0], target, memory=MappingMemory(tmp_path / "m.json"),
                        geocode=False)
    assert again.result.inserted == [] and again.result.updated == []


def test_export_applies_the_view_and_carries_its_permalink(tmp_path):
    frame = to_geodataframe(incidents(ROWS))
    domain = _domain(frame)
    state = replace(default_view(domain), date_from=date(2017, 10, 1),
                    date_to=date(2017, 10, 31), event_types=("airstrike",),
                    include_undated=False)
    export = export_view(frame, state, domain, "geojson", base_url="http://host/map", at=AT)
    doc = json.loads(export.data)
    assert [f["id"] for f in doc["features"]] == ["a"]
    meta = doc["metadata"]
    assert meta["exported_at"] == "2025-01-02T03:04:05Z"
    assert meta["permalink"].startswith("http://host/map?")
    assert "d=2017-10-01&d=2017-10-31" in meta["permalink"] and "type=airstrike" in \
        meta["permalink"] and "v=0123abcd" in meta["permalink"]
    assert (meta["incidents"], meta["hidden"]) == (1, 3)
    assert doc["features"][0]["geometry"] == {"type": "Point",
                                              "coordinates": [39.00788, 35.95283]}
    _, side = write_export(export, tmp_path)
    assert json.loads(side.read_text())["permalink"] == meta["permalink"]


def test_csv_and_geopackage_metadata(tmp_path):
    frame = to_geodataframe(incidents(ROWS))
    domain = _domain(frame)
    state = default_view(domain)
    csv_export = export_view(frame, state, domain, "csv", at=AT)
    assert csv_export.data.startswith(b"\xef\xbb\xbfid,date_start,date_end")
    assert json.loads(csv_export.metadata_json())["exported_at"] == "2025-01-02T03:04:05Z"
    gpkg = export_view(frame, state, domain, "gpkg", base_url="http://host/map", at=AT)
    path, _ = write_export(gpkg, tmp_path)
    info = pyogrio.read_info(path, layer="incidents")
    assert info["layer_metadata"]["permalink"] == gpkg.metadata["permalink"]
    assert info["layer_metadata"]["exported_at"] == "2025-01-02T03:04:05Z"
    assert info["features"] == 4
    with pytest.raises(ValueError, match="unknown export format"):
        export_view(frame, state, domain, "kml")


HOSTILE = ["=HYPERLINK(\"http://evil/\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
           "-2+3+cmd|' /C calc'!A0"]


def test_csv_export_neutralises_formulas_and_reads_back_the_same(store, tmp_path):
    rows = [{"id": f"h{i}", "description": text, "actors": text, "latitude": "35.5",
             "longitude": "-3.25"} for i, text in enumerate(HOSTILE)]
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    frame = to_geodataframe(store.incidents())
    domain = _domain(frame)
    export = export_view(frame, default_view(domain), domain, "csv", at=AT)
    cells = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    header = cells[0]
    described = [r[header.index("description")] for r in cells[1:]]
    assert all(cell.startswith("'") for cell in described), described
    assert {r[header.index("longitude")] for r in cells[1:]} == {"-3.25"}  # a number stays
    path, _ = write_export(export, tmp_path)
    target = open_store(tmp_path / "again.gpkg")
    report = import_file(path, target, memory=MappingMemory(tmp_path / "m.json"), geocode=False)
    assert report.errors == []
    back = target.incidents().set_index("id")["description"]
    assert [back[f"h{i}"] for i in range(len(HOSTILE))] == [t.strip() for t in HOSTILE]
