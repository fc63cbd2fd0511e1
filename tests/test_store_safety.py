"""The store's safety: never created or seeded over an existing path, foreign files refused
untouched, a full disk, a read-only file and NUL bytes reported as what they are, the
quality column on both back ends and in stores made before it existed."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import geopandas as gpd
import pytest

from geo.errors import Invalid, StoreUnavailable
from geo.ingest import import_file, main
from geo.io.mappings import MappingMemory
from geo.settings import load_settings
from geo.store import open_store, seed_store
from geo.store.gpkg import GeoPackageStore
from geo.store.records import InvalidEdit
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

ROWS = [{"id": f"r{i}", "date_start": "2017-10-05", "latitude": "35.9", "longitude": "39.0",
         "description": "x" * 200} for i in range(200)]


def test_an_empty_file_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "incidents.gpkg"
    path.write_bytes(b"")
    with pytest.raises(StoreUnavailable, match=r"empty file \(0 bytes\)"):
        open_store(path)
    assert path.read_bytes() == b""


def test_another_kind_of_file_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("id,place\n1,Raqqa\n")
    with pytest.raises(StoreUnavailable, match="not a GeoPackage"):
        open_store(path)
    assert path.read_text() == "id,place\n1,Raqqa\n"
    with pytest.raises(StoreUnavailable, match="is a folder"):
        open_store(tmp_path)


def test_a_geopackage_that_is_not_a_store_gets_no_tables(tmp_path):
    path = tmp_path / "boundaries.gpkg"
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=gpd.points_from_xy([39], [35]),
                             crs="EPSG:4326")
    frame.to_file(path, layer="towns", driver="GPKG")
    before = path.read_bytes()
    with pytest.raises(StoreUnavailable, match="not an incident store"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_missing_store_is_created_only_when_asked(tmp_path):
    path = tmp_path / "typo.gpkg"
    with pytest.raises(StoreUnavailable, match="no incident store"):
        open_store(path, create=False)
    assert not path.exists()
    store = open_store(path)
    assert store.created and store.count() == 0
    assert not open_store(path).created


def test_only_a_store_created_now_is_seeded(tmp_path):
    existing = open_store(tmp_path / "team.gpkg")
    reopened = open_store(tmp_path / "team.gpkg")  # empty, but it was there
    assert seed_store(reopened) == (None, [])
    assert reopened.count() == 0
    result, errors = seed_store(existing)
    assert errors == [] and result is not None and len(result.inserted) == existing.count() > 0


@pytest.mark.parametrize(("env", "seeds"), [
    ({}, True), ({"INCIDENT_DB": "x.gpkg"}, False),
    ({"INCIDENT_DB": "x.gpkg", "INCIDENT_MAP_SEED": "yes"}, True),
    ({"INCIDENT_MAP_SEED": "no"}, False), ({"INCIDENT_MAP_SEED": "auto"}, True),
])
def test_the_app_seeds_only_the_default_store_unless_told(monkeypatch, env, seeds):
    for name in ("INCIDENT_DB", "INCIDENT_MAP_SEED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().seed_new_store is seeds


def _limited(pages: int):
    real = GeoPackageStore._connect

    @contextmanager
    def connect(self):
        with real(self) as conn:
            conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's "disk is full"
            yield conn

    return connect


def test_a_full_disk_says_so_and_the_store_is_unchanged(tmp_path, monkeypatch):
    store = open_store(tmp_path / "s.gpkg")
    store.upsert(incidents(ROWS[:5]), origin="test", who=ANALYST)
    with sqlite3.connect(store.path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(GeoPackageStore, "_connect", _limited(pages + 1))
    with pytest.raises(StoreUnavailable, match="disk is full") as caught:
        store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    assert "rollback" not in str(caught.value)
    monkeypatch.undo()
    assert store.count() == 5


def test_a_read_only_file_says_so_and_can_still_be_read(tmp_path, monkeypatch):
    store = open_store(tmp_path / "s.gpkg")
    store.upsert(incidents(ROWS[:2]), origin="test", who=ANALYST)

    @contextmanager
    def read_only(self):
        conn = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    monkeypatch.setattr(GeoPackageStore, "_connect", read_only)
    assert store.count() == 2
    with pytest.raises(StoreUnavailable, match="read-only"):
        store.upsert(incidents(ROWS[2:4]), origin="test", who=ANALYST)
    with pytest.raises(StoreUnavailable, match="read-only"):
        store.edit("r0", {"killed_min": "4"}, who=analyst("alice"))


def test_the_command_line_refuses_an_empty_store_file(tmp_path, capsys):
    db = tmp_path / "store.gpkg"
    db.write_bytes(b"")
    source = tmp_path / "in.csv"
    source.write_text("id,event_type,claim_status\na,airstrike,alleged\n")
    assert main([str(source), "--db", str(db), "--no-geocode"]) == 2
    assert "empty file (0 bytes)" in capsys.readouterr().err
    assert db.read_bytes() == b""


def test_a_nul_byte_is_named_and_writes_nothing(store):
    frame = incidents(ROWS[:3])
    frame.loc[1, "description"] = "before\x00after"
    with pytest.raises(Invalid, match=r"incident r1, description: contains a NUL byte"):
        store.upsert(frame, origin="test", who=ANALYST)
    assert store.count() == 0


def test_an_import_with_a_nul_byte_rejects_that_row_only(store, tmp_path):
    source = tmp_path / "nul.csv"
    source.write_bytes(b"id,event_type,claim_status,place\na,airstrike,alleged,Raq\x00qa\n"
                       b"b,airstrike,alleged,Tabqa\n")
    report = import_file(source, store, memory=MappingMemory(tmp_path / "m.json"),
                         geocode=False)
    assert [(e.row, e.field) for e in report.errors] == [(1, "place")]
    assert report.result.inserted == ["b"] and report.balanced


def test_the_quality_flag_survives_both_back_ends(store):
    store.upsert(incidents([{"id": "q", "killed_min": "8", "killed_max": "7"}]), origin="t",
                 who=ANALYST)
    assert store.get("q")["quality"] == "killed_max 7 is below killed_min 8"
    assert store.incidents()["quality"].tolist() == ["killed_max 7 is below killed_min 8"]
    # An analyst may correct other fields of a flagged record, and fix the bounds.
    store.edit("q", {"claim_status": "confirmed"}, who=analyst("alice"))
    store.edit("q", {"killed_max": "9"}, who=analyst("alice"))
    assert store.get("q")["quality"] == ""


def test_a_store_made_before_the_quality_column_gets_it(store_location):
    store = open_store(store_location)
    store.upsert(incidents(ROWS[:2]), origin="test", who=ANALYST)
    store.edit("r0", {"killed_min": "4"}, who=analyst("alice"))  # keeps an imported copy (JSON)
    if store.kind == "geopackage":
        with sqlite3.connect(store.path) as conn:
            conn.execute("ALTER TABLE incidents DROP COLUMN quality")
            conn.execute("UPDATE incidents SET imported = json_remove(imported, '$[#-1]') "
                         "WHERE imported IS NOT NULL")
    else:
        conn = store._conn()
        conn.execute(f'ALTER TABLE "{store.schema}".incidents DROP COLUMN quality')
        conn.execute(f'UPDATE "{store.schema}".incidents SET imported = imported - -1 '
                     "WHERE imported IS NOT NULL")
    store.close()
    again = open_store(store_location)
    assert again.incidents()["quality"].tolist() == ["", ""]
    result = again.upsert(incidents(ROWS[:2]), origin="test", who=ANALYST)
    assert result.unchanged == ["r0", "r1"] and again.get("r0")["killed_min"] == 4
    again.close()



def test_a_best_estimate_outside_the_corrected_range_is_refused_by_name(store):
    # trial 22: Killed corrected to 4-6 showed "(best estimate 3)" and totals counted 3
    store.upsert(incidents([{"id": "b", "killed_min": "2", "killed_max": "5",
                             "killed_best": "3"}]), origin="t", who=ANALYST)
    with pytest.raises(InvalidEdit) as refused:
        store.edit("b", {"killed_min": "4", "killed_max": "6"}, who=analyst("alice"))
    assert [e.field for e in refused.value.errors] == ["killed_best"]
    assert "killed_best 3 is outside the killed range 4–6" in str(refused.value)
    assert store.get("b")["killed_min"] == 2  # nothing saved
    store.edit("b", {"killed_min": "4", "killed_max": "6", "killed_best": "5",
                     "deaths_civilians": "2"}, who=analyst("alice"))
    got = store.get("b")
    assert (got["killed_min"], got["killed_max"], got["killed_best"],
            got["deaths_civilians"]) == (4, 6, 5, 2)
    with pytest.raises(InvalidEdit, match="killed_best 9 is outside the killed range 4–6"):
        store.edit("b", {"killed_best": "9"}, who=analyst("alice"))


def test_a_correction_that_settles_the_imports_best_estimate_flag_clears_it(store):
    flag = "UCDP best estimate 3 outside low–high 4–6"
    store.upsert(incidents([{"id": "u", "killed_min": "4", "killed_max": "6",
                             "killed_best": "3", "quality": flag}]), origin="t", who=ANALYST)
    assert store.get("u")["quality"] == flag
    store.edit("u", {"claim_status": "confirmed"}, who=analyst("alice"))  # other fields: kept
    assert store.get("u")["quality"] == flag
    store.edit("u", {"killed_best": "5"}, who=analyst("alice"))
    assert store.get("u")["quality"] == ""
