import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.geocode import OUTPUT_COLUMNS, main
from geo.geocoding.gazetteer import build_gazetteer, save_index
from geo.geocoding.sources import read_geonames_dump
from geo.settings import DATA_DIR, PROJECT_ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("gaz") / "index.parquet"
    save_index(build_gazetteer(read_geonames_dump(FIXTURE)), path)
    return path


@pytest.fixture()
def env(index, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(index))
    monkeypatch.setenv("INCIDENT_MAP_PLACES", str(DATA_DIR / "places.csv"))
    monkeypatch.setenv("INCIDENT_MAP_OVERRIDES", str(tmp_path / "overrides.csv"))
    return tmp_path


def test_one_name_prints_ranked_candidates(env, capsys):
    assert main(["Deir Ezzor", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "'Deir Ezzor': resolved (geonames:170794)" in out
    assert "35.33588" in out and "40.14084" in out  # coordinates
    assert "site or town" in out  # precision
    assert " 0.9" in out  # score


def test_an_ambiguous_name_lists_its_candidates(env, capsys):
    assert main(["Tell Abyad", "--country", "SY", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "ambiguous" in out
    assert "geonames:163750" in out and "geonames:9100001" in out


def test_csv_mode_adds_columns_and_keeps_every_row_in_order(env, capsys):
    src = env / "in.csv"
    pd.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r4", "r5"],
            "name": ["Ar-Raqqah", "Tell Abyad", "nowhere at all", "", "al-Shaafah"],
            "country": ["SY", "SY", "SY", "SY", ""],
        }
    ).to_csv(src, index=False)
    out_path = env / "out.csv"
    code = main(["--csv", str(src), "--name-column", "name", "--country-column", "country",
                 "--out", str(out_path)])
    assert code == 0
    assert "5 rows" in capsys.readouterr().out
    out = pd.read_csv(out_path, dtype=str, keep_default_na=False)
    assert list(out.columns) == ["id", "name", "country", *OUTPUT_COLUMNS]
    assert list(out["id"]) == ["r1", "r2", "r3", "r4", "r5"]
    assert list(out["status"]) == ["resolved", "ambiguous", "unresolved", "unresolved",
                                   "resolved"]
    assert out.at[0, "gazetteer_id"] == "geonames:172955"
    assert float(out.at[0, "latitude"]) == pytest.approx(35.95283)
    assert out.at[0, "precision"] == "1"
    assert out.at[1, "latitude"] == "" and out.at[1, "gazetteer_id"] == ""
    assert float(out.at[1, "score"]) < 0.8
    assert out.at[4, "gazetteer_id"] == "local:al-shaafah"


def test_csv_mode_with_one_country_for_all_rows(env):
    src = env / "in.csv"
    src.write_text("place\nDeir ez-Zor\n", "utf-8")
    assert main(["--csv", str(src), "--name-column", "place", "--country", "SY",
                 "--out", str(env / "o.csv")]) == 0
    assert pd.read_csv(env / "o.csv")["status"].tolist() == ["resolved"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "{dir}/missing.csv", "--name-column", "name", "--out", "{dir}/o.csv"],
         "no such file"),
        (["--csv", "{dir}/in.csv", "--name-column", "place", "--out", "{dir}/o.csv"],
         "no column 'place'"),
        (["--csv", "{dir}/in.csv", "--name-column", "name", "--country-column", "cc",
          "--out", "{dir}/o.csv"], "no column 'cc'"),
        (["--csv", "{dir}/in.csv", "--name-column", "name"], "needs --out"),
        ([], "nothing to geocode"),
    ],
)
def test_clear_errors_without_traceback(env, capsys, args, message):
    (env / "in.csv").write_text("name\nRaqqa\n", "utf-8")
    code = main([a.format(dir=env) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_the_module_runs_as_a_command(env, tmp_path):
    (tmp_path / "in.csv").write_text("name\nRaqqa\n", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "geo.geocode", "--csv", str(tmp_path / "in.csv"),
         "--name-column", "nom", "--out", str(tmp_path / "o.csv")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: no column 'nom'")
    assert "Traceback" not in proc.stderr


def test_why_a_name_failed_is_printed_even_without_candidates(env, capsys):
    assert main(["Deir ez-Zor", "Deir ez-Zor airbase", "--country", "SY",
                 "--admin1", "Raqqa"]) == 0
    out = capsys.readouterr().out
    first, second = out.split("'Deir ez-Zor airbase'")
    assert "no candidates" in first
    assert "note: 1 candidate(s) outside Raqqa set aside" in first
    assert ": unresolved · airbase, facility" in second  # the kind the name says


def test_a_default_country_says_places_abroad_were_left_out(env, capsys, monkeypatch):
    # The fixture's places are all in Syria: with Iraq as the default country, Deir
    # ez-Zor is "abroad".
    monkeypatch.setenv("INCIDENT_MAP_COUNTRY", "IQ")
    assert main(["Deir ez-Zor", "Nowhere-at-all"]) == 0
    out = capsys.readouterr().out
    deir, nowhere = out.split("'Nowhere-at-all'")
    assert "places outside IQ (the default country" in deir
    assert "1 candidate(s) in SY: allow them with --country SY or --abroad" in deir
    assert "places outside" not in nowhere  # nothing abroad either: no such hint
    assert main(["Deir ez-Zor", "--abroad"]) == 0
    out = capsys.readouterr().out
    assert "'Deir ez-Zor': resolved (geonames:170794)" in out and "places outside" not in out
    assert main(["Deir ez-Zor", "--country", "SY"]) == 0
    assert "resolved (geonames:170794)" in capsys.readouterr().out


def test_csv_mode_gives_kind_evidence_provenance_and_notes(env, monkeypatch):
    src = env / "in.csv"
    src.write_text("name,admin1\nDeir ez-Zor,\nDeir ez-Zor,Raqqa\nDeir ez-Zor airbase,\n",
                   "utf-8")
    assert main(["--csv", str(src), "--name-column", "name", "--admin1-column", "admin1",
                 "--country", "SY", "--out", str(env / "o.csv")]) == 0
    out = pd.read_csv(env / "o.csv", dtype=str, keep_default_na=False)
    assert out.at[0, "status"] == "resolved"
    assert out.at[0, "evidence"].startswith("gazetteer|")
    assert out.at[0, "provenance"] == "geonames:170794"
    assert out.at[1, "notes"] == "1 candidate(s) outside Raqqa set aside"
    assert out.at[2, "kind"] == "airbase"
    # without a country, a default one leaves places abroad out: the note says so
    monkeypatch.setenv("INCIDENT_MAP_COUNTRY", "IQ")
    assert main(["--csv", str(src), "--name-column", "name", "--out", str(env / "o.csv")]) == 0
    out = pd.read_csv(env / "o.csv", dtype=str, keep_default_na=False)
    assert out.at[0, "status"] == "unresolved"
    assert "places abroad were left out (--abroad" in out.at[0, "notes"]
    assert main(["--csv", str(src), "--name-column", "name", "--abroad",
                 "--out", str(env / "o.csv")]) == 0
    out = pd.read_csv(env / "o.csv", dtype=str, keep_default_na=False)
    assert out.at[0, "gazetteer_id"] == "geonames:170794" and out.at[0, "notes"] == ""
