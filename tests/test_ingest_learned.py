"""Imports geocode rows without coordinates with the places learned from the store and from
the file's own rows (same rule as the store), and leave out sources switched off."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.ingest import import_file, prepare_import
from geo.io.mappings import MappingMemory
from geo.store import open_store
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

HEADER = ["id", "date_start", "place", "country", "admin1", "latitude", "longitude",
          "geo_precision", "event_type", "claim_status", "source_name"]
HAMA = Place("t:hama", "Hama", (), 35.13, 36.75, "city", "SY", "Hama", 1, 700_000)
TAUGHT = [
    {"id": "u1", "place": "Kafr Zeta village", "country": "SY", "admin1": "Hama",
     "latitude": "35.37", "longitude": "36.60", "geo_precision": "1", "geocode_source": "given"},
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(rid: str, place: str, lat: str = "", lon: str = "", source: str = "team") -> list[str]:
    return [rid, "2016-07-01", place, "SY", "Hama", lat, lon, "1" if lat else "",
            "airstrike", "reported", source]


@pytest.fixture
def memory(tmp_path):
    return MappingMemory(tmp_path / "mappings.json")


def _placed(report) -> pd.DataFrame:
    return report.incidents.set_index("id")


def test_rows_without_coordinates_use_the_places_the_store_learned(store, tmp_path, memory):
    store.upsert(incidents(TAUGHT), origin="ucdp", who=ANALYST)
    path = _csv(tmp_path / "later.csv", [_row("n1", "Kafr Zeta"), _row("n2", "Atlantis")])
    report = prepare_import(path, memory=memory, geocoder=Geocoder([HAMA]), learned=store)
    frame = _placed(report)
    assert frame.loc["n1", ["latitude", "longitude"]].tolist() == [35.37, 36.6]
    assert frame.loc["n1", "geocode_source"].startswith("learned:")
    assert pd.isna(frame.loc["n2", "latitude"]) and report.not_placed == {"Atlantis": 1}
    # without the store the same geocoder cannot place it
    alone = prepare_import(path, memory=memory, geocoder=Geocoder([HAMA]))
    assert pd.isna(_placed(alone).loc["n1", "latitude"])


def test_the_files_own_rows_teach_the_rows_without_coordinates(store, tmp_path, memory):
    path = _csv(tmp_path / "own.csv", [
        _row("a", "Tall Qarah", "35.20", "36.40"),
        _row("b", "Tall Qarah"),
    ])
    report = prepare_import(path, memory=memory, geocoder=Geocoder([HAMA]), learned=store)
    assert _placed(report).loc["b", ["latitude", "longitude"]].tolist() == [35.2, 36.4]


def test_a_source_switched_off_teaches_nothing_even_from_the_file(store, tmp_path, memory):
    store.upsert(incidents(TAUGHT), origin="ucdp", who=ANALYST)
    store.upsert(incidents([dict(TAUGHT[0], id="t1", place="Tall Qarah", latitude="35.2",
                                 longitude="36.4")]), origin="team", who=ANALYST)
    store.set_source_enabled("ucdp", False, who=analyst("bob"))
    store.set_source_enabled("team", False, who=analyst("bob"))
    path = _csv(tmp_path / "off.csv", [
        _row("n1", "Kafr Zeta"), _row("a", "Tall Qarah", "35.20", "36.40"), _row("b", "Tall Qarah"),
    ])
    report = prepare_import(path, memory=memory, geocoder=Geocoder([HAMA]), learned=store)
    frame = _placed(report)
    assert pd.isna(frame.loc["n1", "latitude"]) and pd.isna(frame.loc["b", "latitude"])


def test_import_file_geocodes_with_the_store_it_writes_to(tmp_path, memory):
    store = open_store(tmp_path / "s.gpkg")
    store.upsert(incidents(TAUGHT), origin="ucdp", who=ANALYST)
    path = _csv(tmp_path / "later.csv", [_row("n1", "Kafr Zeta")])
    report = import_file(path, store, memory=memory, geocoder=Geocoder([HAMA]), who=ANALYST)
    assert report.result is not None and report.result.inserted == ["n1"]
    stored = store.get("n1")
    assert stored is not None and stored["latitude"] == 35.37
    # geocoded coordinates never teach: the learned places are only the given ones
    assert store.learned_places()["records"].sum() == 1
