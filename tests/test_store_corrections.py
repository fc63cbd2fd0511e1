"""Geocoding corrections in the store, on both back ends: shared, transactional, checked."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geo.access import Forbidden
from geo.errors import Invalid, NotFound
from geo.geocoding.overrides import CorrectionStore, OverrideIndex, OverrideStore
from geo.store import move_corrections, open_store
from tests.helpers.identities import ANALYST, admin, analyst, viewer
from tests.helpers.store_data import ROOT


def test_the_store_keeps_corrections_like_the_file_did(store):
    assert isinstance(store, CorrectionStore)
    before = store.corrections_revision()
    first = store.add_correction("Tanf", country="sy", gazetteer_id="local:al-tanf-garrison",
                                 who=analyst("ana"))
    assert first.override_id and first.created_by == "ana" and first.country == "SY"
    second = store.add_correction("al-Tanf", country="SY", gazetteer_id="local:crossing",
                                  who=analyst("ben"), note="the crossing, not the base")
    assert store.corrections_revision() > before
    stored = store.corrections()
    assert [o.override_id for o in stored] == [first.override_id, second.override_id]
    assert [o.active for o in stored] == [False, True]
    assert stored[0].undone_by == "ben" and stored[1].note == "the crossing, not the base"
    index = OverrideIndex(stored)
    assert index.find("Tanf", "SY") == second
    pin = store.add_correction("Kharab", latitude=35.1, longitude=38.2, precision=2, who=ANALYST)
    assert OverrideIndex(store.corrections()).find("kharab", "IQ") == pin
    assert (pin.latitude, pin.longitude, pin.precision) == (35.1, 38.2, 2)


def test_roles_are_checked_by_the_store(store):
    with pytest.raises(Forbidden):
        store.add_correction("Foo", latitude=1.0, longitude=2.0, who=viewer())
    with pytest.raises(TypeError):
        store.add_correction("Foo", latitude=1.0, longitude=2.0, who="anyone")
    mine = store.add_correction("Foo", latitude=1.0, longitude=2.0, who=analyst("ana"))
    with pytest.raises(Forbidden):
        store.undo_correction(mine.override_id, who=analyst("ben"))
    undone = store.undo_correction(mine.override_id, who=admin("lead"))
    assert undone.undone_by == "lead" and not store.corrections()[0].active
    with pytest.raises(Invalid, match="already undone"):
        store.undo_correction(mine.override_id, who=admin("lead"))
    with pytest.raises(NotFound):
        store.undo_correction("o999", who=admin("lead"))
    with pytest.raises(Invalid):
        store.add_correction("X", latitude=95.0, longitude=1.0, who=ANALYST)
    assert len(store.corrections()) == 1


def test_app_instances_share_corrections(store_location):
    one, two = open_store(store_location), open_store(store_location)
    made = one.add_correction("Duma", country="SY", gazetteer_id="g:2", who=ANALYST)
    assert two.corrections() == [made]
    assert two.corrections_revision() == one.corrections_revision()
    one.close()
    two.close()


def test_the_old_corrections_file_moves_into_the_store_once(store, tmp_path):
    path = tmp_path / "geocode_overrides.csv"
    old = OverrideStore(path)
    for i in range(3):
        old.add_correction(f"Village {'abc'[i]}", latitude=1.0, longitude=float(i),
                           who=analyst("ana"))
    old.undo_correction("o2", who=analyst("ana"))
    assert move_corrections(store, path) == 3
    assert store.corrections() == old.all()
    new = store.add_correction("Another", latitude=1.0, longitude=5.0, who=ANALYST)
    assert new.override_id == "o4"
    assert move_corrections(store, path) == 0
    assert len(store.corrections()) == 4


_WRITER = """
import sys
from geo.access import Identity, Role
from geo.store import open_store

location, number = sys.argv[1], int(sys.argv[2])
store = open_store(location)
who = Identity(f"writer{number}", Role.ANALYST)
for i in range(25):
    store.add_correction("Village", country=chr(65 + number) + chr(65 + i), latitude=1.0,
                         longitude=float(i), who=who)
    # Everyone also re-places one shared name: exactly one stays in force.
    store.add_correction("Shared", country="SY", latitude=float(number), longitude=2.0, who=who)
store.close()
"""


def test_concurrent_processes_lose_no_correction(store_location, tmp_path):
    open_store(store_location).close()
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writers = [
        subprocess.Popen([sys.executable, str(script), store_location, str(n)], cwd=ROOT,
                         env=env, stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-2000:]
    _assert_all_kept(open_store(store_location), 4 * 25, 4 * 25)


def test_concurrent_threads_lose_no_correction(store_location):
    store = open_store(store_location)

    def write(number: int) -> None:
        who = analyst(f"thread{number}")
        for i in range(10):
            store.add_correction("Village", country=chr(70 + number) + chr(65 + i),
                                 latitude=1.0, longitude=float(i), who=who)
            store.add_correction("Shared", country="SY", latitude=float(number), longitude=2.0,
                                 who=who)

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(write, range(10)))
    _assert_all_kept(store, 10 * 10, 10 * 10)


def _assert_all_kept(store, villages: int, shared: int) -> None:
    every = store.corrections()
    assert sum(o.name == "Village" for o in every) == villages
    assert sum(o.name == "Shared" for o in every) == shared
    assert len({o.override_id for o in every}) == villages + shared
    index = OverrideIndex(every)
    assert len(index) == villages + 1  # one "Shared" in force, every village
    in_force = [o for o in every if o.name == "Shared" and o.active]
    assert len(in_force) == 1 and index.find("Shared", "SY") == in_force[0]
    # Every superseded one names who superseded it.
    assert all(o.undone_by for o in every if o.name == "Shared" and not o.active)
    store.close()


def test_a_store_made_before_corrections_gains_the_table(tmp_path):
    import sqlite3

    path = tmp_path / "old.gpkg"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE geocode_overrides")
        conn.execute("DELETE FROM store_meta WHERE key = 'corrections'")
    reopened = open_store(path)
    assert reopened.corrections() == [] and reopened.corrections_revision() == 0
    reopened.add_correction("Foo", latitude=1.0, longitude=2.0, who=ANALYST)
    assert len(reopened.corrections()) == 1
    assert Path(path).exists()
