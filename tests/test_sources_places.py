"""The project's place file on the start path (geo.geocoding.sources, index_file)."""

import numpy as np
import pyarrow as pa
import pytest

from geo.geocoding import sources
from geo.geocoding.index_file import take_strings
from geo.geocoding.sources import load_place_file, local_gazetteer

HEADER = "id,name,aliases,latitude,longitude,kind,country,admin1,precision,note,admin1_code\n"
ROWS = ("local:one,Tell Uno,Tal Uno|Uno,35.1,40.1,town,SY,Ar-Raqqa,1,a note,\n"
        "local:gov,Raqqa Governorate,Ar-Raqqa,35.9,39.0,ADM1,SY,Ar-Raqqa,3,,SY04\n")


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_place_file_is_read_without_pandas_with_bom_and_optional_columns(tmp_path):
    path = tmp_path / "places.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"))
    one, gov = load_place_file(path)
    assert one.gazetteer_id == "local:one" and one.aliases == ("Tal Uno", "Uno")
    assert (one.latitude, one.precision, one.population, one.admin1_code) == (35.1, 1, 0, "")
    assert gov.admin1_code == "SY04" and gov.precision == 3


def test_place_file_without_a_required_column_names_it(tmp_path):
    path = _write(tmp_path / "places.csv", "id,name,latitude\nlocal:x,X,1\n")
    with pytest.raises(ValueError, match="missing columns aliases, longitude"):
        load_place_file(path)


def test_the_place_file_is_kept_as_an_index_part_and_opened_again(tmp_path, monkeypatch):
    path = _write(tmp_path / "places.csv", HEADER + ROWS)
    cache = tmp_path / "cache"
    built = local_gazetteer(path, cache)
    (folder,) = cache.iterdir()
    assert (folder / "meta.json").exists()

    def no_reading(_path):
        raise AssertionError("the place file was parsed again")

    monkeypatch.setattr(sources, "load_place_file", no_reading)
    again = local_gazetteer(path, cache)
    assert again.place(again.row("local:one")) == built.place(built.row("local:one"))
    assert again.lookup("norm", "tal uno") == built.lookup("norm", "tal uno")
    assert bool(again.local.all())


def test_an_edited_place_file_gets_a_part_of_its_own(tmp_path):
    path = _write(tmp_path / "places.csv", HEADER + ROWS)
    cache = tmp_path / "cache"
    local_gazetteer(path, cache)
    _write(path, HEADER + ROWS + "local:two,Tell Duo,,35.2,40.2,town,SY,Ar-Raqqa,1,,\n")
    edited = local_gazetteer(path, cache)
    assert edited.row("local:two") is not None
    assert len(list(cache.iterdir())) == 2


def test_an_unwritable_cache_still_gives_the_places(tmp_path, monkeypatch):
    path = _write(tmp_path / "places.csv", HEADER + ROWS)

    def refuse(_part, _folder):
        raise PermissionError("read-only")

    monkeypatch.setattr(sources, "write_part", refuse)
    gaz = local_gazetteer(path, tmp_path / "cache")
    assert gaz.row("local:gov") is not None


def test_a_damaged_part_is_built_again(tmp_path):
    path = _write(tmp_path / "places.csv", HEADER + ROWS)
    cache = tmp_path / "cache"
    local_gazetteer(path, cache)
    (folder,) = cache.iterdir()
    (folder / "meta.json").write_text('{"format": "old"}', encoding="utf-8")
    gaz = local_gazetteer(path, cache)
    assert gaz.row("local:one") is not None
    assert '"old"' not in (folder / "meta.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_take_strings_reads_rows_of_a_string_column(kind):
    array = pa.array(["zero", "one", "", "thrée", "four"], type=kind).slice(1)
    rows = np.array([3, 0, 1, 0])
    assert take_strings(array, rows) == ["four", "one", "", "one"]
    assert take_strings(array, np.array([], dtype=np.int64)) == []


def test_take_strings_refuses_a_column_of_numbers():
    with pytest.raises(TypeError, match="string column"):
        take_strings(pa.array([1, 2]), np.array([0]))


def test_take_strings_gives_empty_text_for_a_missing_value():
    array = pa.array(["a", None, "c"], type=pa.large_string())
    assert take_strings(array, np.array([1, 2])) == ["", "c"]
