"""The extraction command line (geo.extract.cli): batch mode, folders, a light start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.extract import cli
from geo.geocoding.gazetteer import build_gazetteer, save_index
from geo.geocoding.sources import PLACES_CACHE, local_gazetteer, read_geonames_dump
from tests.helpers.fake_geocoder import FakeGeocoder

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"

REPORT = ("An air strike hit the town of al-Qasra on 4 June, killing at least 12 people, "
          "a local monitoring group said.")
OTHER = ("Shelling on Kafr Zeit on 5 June wounded three civilians, residents said.")


@pytest.fixture
def counted_geocoder(monkeypatch):
    """The CLI's geocoder replaced by the invented one, counting how often it is built."""
    built = []

    def factory():
        built.append(FakeGeocoder())
        return built[-1]

    monkeypatch.setattr(cli, "default_geocoder", factory)
    return built


def test_several_files_share_one_geocoder_and_map_each_file(tmp_path, capsys,
                                                            counted_geocoder):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(REPORT, encoding="utf-8")
    second.write_text(OTHER, encoding="utf-8")
    assert cli.main([str(first), str(second), "--published", "2020-06-15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [str(first), str(second)]
    assert [c["place"] for c in out[str(first)]] == ["al-Qasra"]
    assert [c["place"] for c in out[str(second)]] == ["Kafr Zeit"]
    assert len(counted_geocoder) == 1


def test_a_folder_stands_for_its_text_files_in_name_order(tmp_path, capsys, counted_geocoder):
    (tmp_path / "2.txt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "1.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a report", encoding="utf-8")
    assert cli.main([str(tmp_path), "--published", "2020-06-15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [str(tmp_path / "1.txt"), str(tmp_path / "2.txt")]
    assert len(counted_geocoder) == 1


def test_one_file_prints_a_list(tmp_path, capsys, counted_geocoder):
    path = tmp_path / "a.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert cli.main([str(path), "--published", "2020-06-15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and out[0]["place"] == "al-Qasra"


def test_an_empty_folder_is_a_message_not_a_traceback(tmp_path, capsys, counted_geocoder):
    with pytest.raises(SystemExit) as stop:
        cli.main([str(tmp_path), "--published", "2020-06-15"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "holds no .txt file" in err and "Traceback" not in err
    assert counted_geocoder == []


def test_the_start_path_imports_no_pandas_or_geometry_library(tmp_path):
    """A fresh process extracting a report loads neither pandas nor the geometry stack."""
    index = tmp_path / "gazetteer" / "index"
    save_index(build_gazetteer(read_geonames_dump(FIXTURE)), index)
    places = tmp_path / "places.csv"
    places.write_bytes((ROOT / "data" / "places.csv").read_bytes())
    local_gazetteer(places, index.parent / PLACES_CACHE)  # as the index build leaves it
    report = tmp_path / "report.txt"
    report.write_text("An air strike hit Raqqa on 4 June, killing 12 people, activists said.",
                      encoding="utf-8")
    code = ("import sys\n"
            "from geo.extract.cli import main\n"
            f"main([{str(report)!r}, '--published', '2020-06-15'])\n"
            "heavy = ('pandas', 'geopandas', 'shapely', 'pyproj', 'pyogrio', 'pyarrow.compute')\n"
            "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)\n")
    env = {**os.environ, "INCIDENT_MAP_GAZETTEER": str(index),
           "INCIDENT_MAP_PLACES": str(places)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr
    assert "Raqqa" in done.stdout
