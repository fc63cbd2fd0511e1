"""The sample incidents of a seeded store: found, removed without touching anything of
the analyst's, and put back (geo/store/samples.py), and the live dataset follows."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.access import Forbidden
from geo.io.load import load_incidents
from geo.store import find_samples, open_store, remove_samples, restore_samples, seed_store
from geo.view.live import LiveDataset
from tests.helpers.identities import ANALYST, viewer
from tests.helpers.store_data import ROOT, incidents

SEED_IDS = tuple(load_incidents(ROOT / "data" / "seed_incidents.csv").incidents["id"])
MINE = [
    {"id": "mine-1", "date_start": "2016-03-01", "place": "Raqqah", "country": "SY",
     "latitude": "35.95", "longitude": "39.01", "killed_min": "3", "source_name": "SOHR"},
    {"id": "mine-2", "date_start": "2016-04-02", "place": "Tabqa", "country": "SY",
     "latitude": "35.84", "longitude": "38.55", "event_type": "shelling",
     "source_name": "Airwars"},
]


@pytest.fixture
def seeded(tmp_path):
    store = open_store(str(tmp_path / "incidents.gpkg"))
    seed_store(store)
    return store


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id").set_index("id")


def test_only_untouched_sample_incidents_are_removed_and_the_analysts_stay(seeded):
    assert len(SEED_IDS) == 5 and find_samples(seeded).present == SEED_IDS
    seeded.upsert(incidents(MINE), origin="analyst.csv", who=ANALYST)
    # an analyst corrects one sample incident, and an import writes over another
    corrected, overwritten = SEED_IDS[0], SEED_IDS[1]
    seeded.edit(corrected, {"killed_min": 7}, who=ANALYST, reason="new report")
    over = {**MINE[0], "id": overwritten, "place": "Tabqa"}
    assert seeded.upsert(incidents([over]), origin="analyst.csv", who=ANALYST).updated
    mine_before = _by_id(seeded.incidents()).loc[["mine-1", "mine-2", corrected, overwritten]]
    found = find_samples(seeded)
    assert found.present == SEED_IDS[2:] and found.changed == SEED_IDS[:2]

    removed = remove_samples(seeded, ANALYST)

    assert removed == list(SEED_IDS[2:])
    after = _by_id(seeded.incidents())
    assert sorted(after.index) == sorted(["mine-1", "mine-2", corrected, overwritten])
    pd.testing.assert_frame_equal(after.loc[mine_before.index], mine_before)
    history = seeded.history(SEED_IDS[2])
    assert list(history["field"])[-1] == "(removed)" and history["who"].iloc[-1] == ANALYST.label
    assert len(seeded.history(corrected)) == 2  # creation and correction, kept
    found = find_samples(seeded)
    assert found.present == () and found.removed == SEED_IDS[2:]
    assert remove_samples(seeded, ANALYST) == []  # nothing left to remove
    # what the removed records taught is gone from the learned places, as a relearn says
    learned = seeded.learned_places().drop(columns="enabled")
    seeded.relearn()
    again = seeded.learned_places().drop(columns="enabled")
    key = ["source", "name", "latitude", "longitude", "records"]
    assert (learned.sort_values(key).values.tolist() == again.sort_values(key).values.tolist())


def test_removed_samples_are_put_back_and_can_be_removed_again(seeded):
    seeded.upsert(incidents(MINE), origin="analyst.csv", who=ANALYST)
    seed = _by_id(seeded.incidents()).loc[list(SEED_IDS)]
    remove_samples(seeded, ANALYST)
    assert seeded.count() == 2

    assert sorted(restore_samples(seeded, ANALYST)) == sorted(SEED_IDS)

    pd.testing.assert_frame_equal(_by_id(seeded.incidents()).loc[list(SEED_IDS)], seed)
    assert find_samples(seeded).present == SEED_IDS
    assert restore_samples(seeded, ANALYST) == []
    assert sorted(remove_samples(seeded, ANALYST)) == sorted(SEED_IDS)
    assert sorted(seeded.incidents()["id"]) == ["mine-1", "mine-2"]


def test_a_store_never_seeded_has_nothing_to_remove_or_put_back(tmp_path):
    store = open_store(str(tmp_path / "team.gpkg"))
    store.upsert(incidents(MINE), origin="analyst.csv", who=ANALYST)
    found = find_samples(store)
    assert (found.present, found.removed, found.absent) == ((), (), SEED_IDS)
    assert remove_samples(store, ANALYST) == [] and restore_samples(store, ANALYST) == []
    assert store.count() == 2


def test_a_viewer_may_not_remove_them(seeded):
    with pytest.raises(Forbidden):
        remove_samples(seeded, viewer())
    assert seeded.count() == 5


def test_the_shared_dataset_follows_a_removal(seeded):
    seeded.upsert(incidents(MINE), origin="analyst.csv", who=ANALYST)
    live = LiveDataset(seeded)
    assert len(live.current().incidents) == 7
    remove_samples(seeded, ANALYST)
    assert sorted(live.current().incidents["id"]) == ["mine-1", "mine-2"]
    restore_samples(seeded, ANALYST)
    assert len(live.current().incidents) == 7
