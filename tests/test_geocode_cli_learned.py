"""``python -m geo.geocode`` with the places learned by the store INCIDENT_DB names:
provenance, notes, disagreements between sources, sources switched off, no store."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.geocode import main
from geo.geocoding.gazetteer import build_gazetteer, save_index
from geo.geocoding.sources import read_geonames_dump
from geo.settings import DATA_DIR
from geo.store import open_store
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("gaz") / "index"
    save_index(build_gazetteer(read_geonames_dump(FIXTURE)), path)
    return path


@pytest.fixture()
def db(index, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(index))
    monkeypatch.setenv("INCIDENT_MAP_PLACES", str(DATA_DIR / "places.csv"))
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    return path


def _teach(store, origin: str, rid: str, lat: str, lon: str, n: int = 1) -> None:
    rows = [{"id": f"{rid}{i}", "place": "Kafr Zeta village", "country": "SY",
             "admin1": "Hama", "latitude": lat, "longitude": lon, "geo_precision": "1",
             "geocode_source": "given"} for i in range(n)]
    store.upsert(incidents(rows), origin=origin, who=ANALYST)


def test_learned_places_answer_with_their_provenance(db, capsys):
    _teach(open_store(db), "ucdp", "u", "35.37", "36.60", n=3)
    assert main(["Kafr Zeta", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "ucdp (1 places, 3 records)" in out
    assert "'Kafr Zeta': resolved (learned:" in out
    assert "from learned from ucdp: 3" in out and "35.37000" in out


def test_disagreeing_sources_are_reported_and_a_source_can_be_left_out(db, capsys):
    store = open_store(db)
    _teach(store, "ucdp", "u", "35.37", "36.60", n=1)
    _teach(store, "acled", "a", "35.90", "36.90", n=1)
    assert main(["Kafr Zeta", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "ambiguous" in out
    assert "note: learned places disagree" in out and "km away" in out
    store.set_source_enabled("acled", False, who=analyst("bob"))
    assert main(["Kafr Zeta", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "acled (1 places, 1 records, switched off)" in out
    assert "resolved (learned:" in out and "learned places disagree" not in out


def test_without_a_store_the_gazetteer_answers_and_no_store_is_created(db, capsys):
    assert main(["Kafr Zeta", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "learned places: none (no incident store)" in out and "unresolved" in out
    assert not db.exists()
    _teach(open_store(db), "ucdp", "u", "35.37", "36.60")
    assert main(["Kafr Zeta", "--country", "SY", "--no-learned"]) == 0
    assert "unresolved" in capsys.readouterr().out


def test_sources_are_listed_with_their_disagreements_and_switched_off_and_on(db, capsys):
    store = open_store(db)
    _teach(store, "ucdp", "u", "35.37", "36.60", n=3)
    _teach(store, "acled", "a", "35.90", "36.90", n=1)
    store.close()
    assert main(["--sources"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines()
             if line.startswith("  ") and line.split()[0] in ("ucdp", "acled")}
    assert lines["ucdp"][1:5] == ["on", "1", "3", "1"]  # used, places, records, disputed
    assert lines["acled"][1:5] == ["on", "1", "1", "1"]
    assert "1 name(s) where sources disagree" in out
    assert "Kafr Zeta village (SY): ucdp 3 record(s) at 35.37000, 36.60000" in out
    assert "acled 1 record(s) at 35.90000, 36.90000" in out and "km apart" in out

    assert main(["--disable-source", "acled"]) == 0
    out = capsys.readouterr().out
    assert "acled switched off" in out
    sources = open_store(db).learned_sources().set_index("source")
    assert not sources.at["acled", "enabled"]
    assert sources.at["acled", "changed_by"].startswith("command line: ")
    assert main(["Kafr Zeta", "--country", "SY"]) == 0  # the geocoder leaves it out
    assert "resolved (learned:" in capsys.readouterr().out
    assert main(["--enable-source", "acled"]) == 0
    assert "acled switched on" in capsys.readouterr().out
    assert open_store(db).learned_sources().set_index("source").at["acled", "enabled"]


def test_switching_an_unknown_source_or_without_a_store_is_an_error(db, capsys):
    assert main(["--disable-source", "acled"]) == 2
    assert "no incident store" in capsys.readouterr().err
    assert not db.exists()  # never created
    _teach(open_store(db), "ucdp", "u", "35.37", "36.60")
    assert main(["--disable-source", "acled"]) == 2
    err = capsys.readouterr().err
    assert "no learned source 'acled'" in err and "sources: ucdp" in err
    assert main(["--sources", "Kafr Zeta"]) == 2
    assert main(["--disable-source", "ucdp", "--enable-source", "ucdp"]) == 2
