import csv
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from geo.access import Forbidden
from geo.errors import Invalid, NotFound
from geo.geocoding.overrides import (
    OVERRIDE_COLUMNS,
    CorrectionStore,
    OverrideIndex,
    OverrideStore,
    override_key,
)
from geo.settings import PROJECT_ROOT
from tests.helpers.identities import ANALYST, admin, analyst, viewer


def test_a_correction_applies_to_the_name_in_its_context(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    o = store.add_correction("Tell Abyad", country="sy", admin1="Raqqa Governorate",
                             gazetteer_id="geonames:163750", who=analyst("ana"))
    assert o.country == "SY" and o.created_by == "ana" and o.created_at
    assert store.find("Tal Abyad", "SY", "ar-Raqqa") == o  # other spellings of both
    assert store.find("Tell Abyad", "SY", "Homs") is None
    assert store.find("Tell Abyad", "IQ", "Raqqa") is None
    assert store.find("Tell Abyad") is None
    assert isinstance(store, CorrectionStore)


def test_the_most_specific_correction_wins(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    anywhere = store.add_correction("Duma", gazetteer_id="g:1", who=ANALYST)
    syria = store.add_correction("Duma", country="SY", gazetteer_id="g:2", who=ANALYST)
    homs = store.add_correction("Duma", country="SY", admin1="Homs", gazetteer_id="g:3",
                                who=ANALYST)
    assert store.find("Douma", "SY", "Homs") == homs
    assert store.find("Douma", "SY", "Damascus") == syria
    assert store.find("Douma", "SY") == syria
    assert store.find("Douma", "LB") == anywhere


def test_corrections_survive_a_restart_and_undo_is_kept_for_the_record(tmp_path):
    path = tmp_path / "o.csv"
    store = OverrideStore(path)
    pin = store.add_correction("Kharab", country="SY", latitude=35.1, longitude=38.2,
                               precision=2, who=analyst("ana"), note="from a sketch map")
    again = OverrideStore(path)
    assert again.find("Kharab", "SY") == pin
    undone = again.undo_correction(pin.override_id, who=admin("ben"))
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
    first = store.add_correction("Tanf", country="SY", gazetteer_id="local:al-tanf-garrison",
                                 who=ANALYST)
    second = store.add_correction("al-Tanf", country="SY",
                                  gazetteer_id="local:al-tanf-crossing", who=ANALYST)
    assert store.find("Tanf", "SY") == second
    assert [o.active for o in store.all()] == [False, True]
    assert store.all()[0].override_id == first.override_id
    assert second.override_id != first.override_id


def test_undo_refuses_unknown_and_repeated_ids(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    o = store.add_correction("X town", latitude=1.0, longitude=1.0, who=ANALYST)
    store.undo_correction(o.override_id, who=ANALYST)
    with pytest.raises(Invalid, match="already undone"):
        store.undo_correction(o.override_id, who=ANALYST)
    with pytest.raises(NotFound):
        store.undo_correction("o99", who=ANALYST)


def test_roles_decide_who_corrects_and_who_undoes(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    with pytest.raises(Forbidden, match="viewer"):
        store.add_correction("Foo", latitude=1.0, longitude=2.0, who=viewer())
    with pytest.raises(TypeError):
        store.add_correction("Foo", latitude=1.0, longitude=2.0, who="Head of Research")
    mine = store.add_correction("Foo", latitude=1.0, longitude=2.0, who=analyst("ana"))
    with pytest.raises(Forbidden, match="someone else"):
        store.undo_correction(mine.override_id, who=analyst("ben"))
    assert store.find("Foo") == mine
    assert store.undo_correction(mine.override_id, who=analyst("ana")).undone_by == "ana"
    assert not (tmp_path / "o.csv").read_text().count("Head of Research")


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
    with pytest.raises(Invalid):
        store.add_correction(name, **kwargs, who=ANALYST)
    assert not (tmp_path / "o.csv").exists()


def test_writes_leave_no_temporary_files(tmp_path):
    store = OverrideStore(tmp_path / "sub" / "o.csv")
    for i in range(3):
        store.add_correction(f"Place {i}", latitude=1.0, longitude=float(i), who=ANALYST)
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["o.csv", "o.csv.lock"]


def test_in_memory_store_without_a_file():
    store = OverrideStore(None)
    o = store.add_correction("Foo", latitude=1.0, longitude=2.0, who=ANALYST)
    assert store.find("foo") == o and o.is_pin and o.precision == 1


def test_an_index_is_a_snapshot(tmp_path):
    store = OverrideStore(tmp_path / "o.csv")
    store.add_correction("Foo", latitude=1.0, longitude=2.0, who=ANALYST)
    snapshot = OverrideIndex(store.corrections())
    store.add_correction("Bar", latitude=1.0, longitude=3.0, who=ANALYST)
    assert snapshot.find("Bar") is None and snapshot.find("Foo") is not None
    assert snapshot.get("o1") is not None and snapshot.get("o9") is None


def test_override_key_ignores_the_word_governorate():
    assert override_key("Raqqa", "sy", "Raqqa Governorate") == override_key("ar-Raqqah", "SY",
                                                                             "al-Raqqa")


_FILE_WRITER = """
import sys
from pathlib import Path
from geo.access import Identity, Role
from geo.geocoding.overrides import OverrideStore

path, number = Path(sys.argv[1]), int(sys.argv[2])
who = Identity(f"writer{number}", Role.ANALYST)
for i in range(25):
    # One name in 100 countries: distinct keys (spelling keys fold digits and letters).
    OverrideStore(path).add_correction("Village", country=chr(65 + number) + chr(65 + i),
                                       latitude=1.0, longitude=float(i), who=who)
"""


def test_the_corrections_file_loses_no_update_across_threads_and_processes(tmp_path):
    path = tmp_path / "o.csv"

    def write(number: int) -> None:
        for i in range(10):
            OverrideStore(path).add_correction(
                "Village", country=chr(70 + number) + chr(65 + i), latitude=1.0,
                longitude=float(i), who=analyst(f"t{number}"),
            )

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(write, range(10)))
    script = tmp_path / "writer.py"
    script.write_text(_FILE_WRITER)
    writers = [
        subprocess.Popen([sys.executable, str(script), str(path), str(n)], cwd=PROJECT_ROOT,
                         env={"PYTHONPATH": str(PROJECT_ROOT)}, stderr=subprocess.PIPE,
                         text=True)
        for n in range(4)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-2000:]
    kept = OverrideStore(path)
    assert len(kept) == 200
    assert len({o.override_id for o in kept.all()}) == 200
