import csv

import pytest

from geo.errors import NotFound
from geo.geocoding.overrides import OVERRIDE_COLUMNS, OverrideStore, override_key


def test_a_correction_applies_to_the_name_in_its_context(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    o = store.add("Tell Abyad", country="sy", admin1="Raqqa Governorate",
                  gazetteer_id="geonames:163750", who="ana")
    assert o.country == "SY" and o.created_by == "ana" and o.created_at
    assert store.find("Tal Abyad", "SY", "ar-Raqqa") == o  # other spellings of both
    assert store.find("Tell Abyad", "SY", "Homs") is None
    assert store.find("Tell Abyad", "IQ", "Raqqa") is None
    assert store.find("Tell Abyad") is None


def test_the_most_specific_correction_wins(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    anywhere = store.add("Duma", gazetteer_id="g:1")
    syria = store.add("Duma", country="SY", gazetteer_id="g:2")
    homs = store.add("Duma", country="SY", admin1="Homs", gazetteer_id="g:3")
    assert store.find("Douma", "SY", "Homs") == homs
    assert store.find("Douma", "SY", "Damascus") == syria
    assert store.find("Douma", "SY") == syria
    assert store.find("Douma", "LB") == anywhere


def test_corrections_survive_a_restart_and_undo_is_kept_for_the_record(tmp_path):
    path = tmp_path / "o.csv"
    store = OverrideStore(path)
    pin = store.add("Kharab", country="SY", latitude=35.1, longitude=38.2, precision=2,
                    who="ana", note="from a sketch map")
    again = OverrideStore(path)
    assert again.find("Kharab", "SY") == pin
    undone = again.undo(pin.override_id, who="ben")
    assert not undone.active and undone.undone_by == "ben" and undone.undone_at
    third = OverrideStore(path)
    assert third.find("Kharab", "SY") is None
    assert len(third.all()) == 1 and len(third) == 0
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == OVERRIDE_COLUMNS
    assert rows[0]["active"] == "0" and rows[0]["note"] == "from a sketch map"


def test_a_new_correction_supersedes_the_old_one(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    first = store.add("Tanf", country="SY", gazetteer_id="local:al-tanf-garrison")
    second = store.add("al-Tanf", country="SY", gazetteer_id="local:al-tanf-crossing")
    assert store.find("Tanf", "SY") == second
    assert [o.active for o in store.all()] == [False, True]
    assert store.all()[0].override_id == first.override_id
    assert second.override_id != first.override_id


def test_undo_refuses_unknown_and_repeated_ids(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    o = store.add("X town", latitude=1.0, longitude=1.0)
    store.undo(o.override_id)
    with pytest.raises(ValueError, match="already undone"):
        store.undo(o.override_id)
    with pytest.raises(NotFound):
        store.undo("o99")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": ""},
        {"name": "X"},  # neither a gazetteer id nor a pin
        {"name": "X", "latitude": 95.0, "longitude": 1.0},
        {"name": "X", "latitude": 1.0, "longitude": 1.0, "precision": 7},
    ],
)
def test_invalid_corrections_are_refused(tmp_path, kwargs):
    store = OverrideStore(tmp_path / "o.csv")
    name = kwargs.pop("name")
    with pytest.raises(ValueError):
        store.add(name, **kwargs)
    assert not (tmp_path / "o.csv").exists()


def test_writes_leave_no_temporary_files(tmp_path):
    store = OverrideStore(tmp_path / "sub" / "o.csv")
    for i in range(3):
        store.add(f"Place {i}", latitude=1.0, longitude=float(i))
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["o.csv"]


def test_in_memory_store_without_a_file():
    store = OverrideStore(None)
    o = store.add("Foo", latitude=1.0, longitude=2.0)
    assert store.find("foo") == o and o.is_pin and o.precision == 1


def test_override_key_ignores_the_word_governorate():
    assert override_key("Raqqa", "sy", "Raqqa Governorate") == override_key("ar-Raqqah", "SY",
                                                                             "al-Raqqa")
