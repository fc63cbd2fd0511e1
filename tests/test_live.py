"""The shared live dataset: one full read, then only what changed; memory flat over edits."""

from __future__ import annotations

import gc
import threading
import tracemalloc

import pandas as pd

from geo.geocoding.join import fingerprint
from geo.settings import Settings
from geo.view.dataset import load_store_dataset
from geo.view.live import LiveDataset
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents


def _rows(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"id": f"r{i:05d}", "date_start": f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}",
         "place": f"Place {i % 50}", "country": "SY", "latitude": f"{33 + (i % 40) / 10}",
         "longitude": f"{36 + (i % 30) / 10}", "killed_min": str(i % 7),
         "description": f"Incident number {i} " + "x" * 40}
        for i in range(start, start + n)
    ]


def _same_as_a_full_read(live: LiveDataset) -> None:
    got = live.current()
    full = load_store_dataset(live.store, None)
    key = ["id"]
    pd.testing.assert_frame_equal(
        got.incidents.sort_values(key).reset_index(drop=True),
        full.incidents.sort_values(key).reset_index(drop=True),
    )
    assert got.fingerprint == full.fingerprint == fingerprint(full.incidents)


def test_edits_imports_and_flags_patch_the_frame_without_a_full_read(store):
    store.upsert(incidents(_rows(40)), origin="acled", who=ANALYST)
    live = LiveDataset(store)
    first = live.current()
    assert live.current() is first and live.full_loads == 1
    store.edit("r00003", {"claim_status": "confirmed", "latitude": "34.5"}, who=analyst("alice"))
    second = live.current()
    assert second is not first and live.full_loads == 1 and live.patches == 1
    row = second.incidents.set_index("id").loc["r00003"]
    assert row["claim_status"] == "confirmed" and row["latitude"] == 34.5
    assert second.incidents["id"].tolist() == first.incidents["id"].tolist()  # same order
    assert second.fingerprint != first.fingerprint
    # The patch keeps the compact dtypes (a new value becomes a category).
    assert isinstance(second.incidents["claim_status"].dtype, pd.CategoricalDtype)
    assert isinstance(second.incidents["place"].dtype, pd.CategoricalDtype)
    # A colleague's import: new records come last, flags reach the records they involve.
    store.upsert(incidents([{**_rows(1, 3)[0], "id": "other-1"}]), origin="airwars",
                 who=ANALYST)
    third = live.current()
    assert third.incidents["id"].iloc[-1] == "other-1" and len(third.incidents) == 41
    assert all(isinstance(third.incidents[c].dtype, pd.CategoricalDtype)
               for c in ("claim_status", "event_type", "country", "geocode_status"))
    flagged = third.incidents.set_index("id")
    assert "other-1" in flagged.loc["r00003", "possible_duplicates"]
    assert "r00003" in flagged.loc["other-1", "possible_duplicates"]
    _same_as_a_full_read(live)
    assert live.full_loads == 1


def test_a_second_store_handle_sees_changes_made_through_another(store_location):
    from geo.store import open_store

    mine, theirs = open_store(store_location), open_store(store_location)
    mine.upsert(incidents(_rows(10)), origin="acled", who=ANALYST)
    live = LiveDataset(mine)
    live.current()
    theirs.edit("r00001", {"event_type": "shelling"}, who=analyst("bob"))
    assert live.current().incidents.set_index("id").loc["r00001", "event_type"] == "shelling"
    assert live.full_loads == 1
    mine.close()
    theirs.close()


def test_sessions_share_one_load(store):
    store.upsert(incidents(_rows(200)), origin="acled", who=ANALYST)
    live = LiveDataset(store)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(live.current())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert live.full_loads == 1 and len({id(d) for d in seen}) == 1


def test_server_memory_does_not_grow_over_repeated_edits(tmp_path):
    from geo.store import open_store

    store = open_store(tmp_path / "incidents.gpkg")
    store.upsert(incidents(_rows(1000)), origin="acled", who=ANALYST)
    live = LiveDataset(store, settings=Settings(gazetteer_index_path=tmp_path / "none"))
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        live.current().domain()
        loaded = tracemalloc.get_traced_memory()[0] - base

        def edit(i: int) -> None:
            store.edit(f"r{i:05d}", {"killed_min": str(100 + i)}, who=analyst("alice"))
            live.current().domain()  # what a page does on its next rerun
            gc.collect()

        for i in range(4):
            edit(i)
        warm = tracemalloc.get_traced_memory()[0]
        for i in range(4, 20):
            edit(i)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert live.full_loads == 1 and live.patches == 20
    # One frame is kept: 16 more edits may not add even half a frame (keeping the frame
    # of each revision, as a cache per revision does, would add 16).
    assert after - warm < loaded / 2, (loaded, warm, after)
