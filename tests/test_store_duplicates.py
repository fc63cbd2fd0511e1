"""Likely-duplicate detection: bucketed, bounded, and outside the store's write lock."""

from __future__ import annotations

import threading

import pandas as pd

import geo.store.base
from geo.store.records import DUPLICATE_FLAGS_PER_RECORD, find_duplicates
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents


def _same_place(prefix: str, n: int, origin: str) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"{prefix}{i}" for i in range(n)], "origin": origin,
        "latitude": 35.95, "longitude": 39.01, "date_start": "2017-10-05",
        "date_end": "2017-10-05", "event_type": "airstrike", "place": "Raqqa",
        "country": "SY",
    })


def test_many_reports_of_one_place_and_day_give_a_bounded_number_of_flags():
    # New ids sort after old ones: same-origin records never crowd out the candidates.
    old, new = _same_place("a-old", 600, "acled"), _same_place("z-new", 600, "ucdp")
    flags = find_duplicates(pd.concat([new, old], ignore_index=True), set(new["id"]))
    per_new = pd.Series([f.id_a if f.id_a.startswith("z-new") else f.id_b for f in flags])
    assert len(flags) <= 600 * DUPLICATE_FLAGS_PER_RECORD  # not 360,000
    assert per_new.value_counts().max() == DUPLICATE_FLAGS_PER_RECORD
    assert per_new.nunique() == 600  # every new record still gets its flags


def test_nearest_in_time_first_and_distance_and_dates_still_decide():
    frame = pd.DataFrame({
        "id": ["n", "early", "late", "far", "other-day", "same-origin"],
        "origin": ["b", "a", "a", "a", "a", "b"],
        "latitude": [35.9, 35.9, 35.91, 36.5, 35.9, 35.9],
        "longitude": [39.0, 39.0, 39.0, 39.0, 39.0, 39.0],
        "date_start": ["2017-10-05", "2017-09-01", "2017-10-04", "2017-10-05", "2017-11-01",
                       "2017-10-05"],
        "date_end": ["2017-10-05", "2017-10-31", "2017-10-05", "2017-10-05", "2017-11-01",
                     "2017-10-05"],
        "event_type": "airstrike", "place": "", "country": "SY",
    })
    one = find_duplicates(frame, {"n"}, per_record=1)
    assert [(f.id_a, f.id_b) for f in one] == [("late", "n")]
    both = find_duplicates(frame, {"n"})
    assert sorted((f.id_a, f.id_b) for f in both) == [("early", "n"), ("late", "n")]
    assert "1.1 km apart" in next(f.reason for f in both if f.id_a == "late")


def test_flags_are_found_without_holding_the_write_lock(store, monkeypatch):
    store.upsert(incidents([{"id": "a", "date_start": "2017-10-05", "latitude": "35.9",
                             "longitude": "39.0", "event_type": "airstrike"}]),
                 origin="acled", who=ANALYST)
    real = geo.store.base.find_duplicates
    wrote: list[bool] = []

    def meanwhile(candidates, batch_ids, **kwargs):
        # Another writer (a colleague's edit) gets the lock while flags are computed.
        writer = threading.Thread(
            target=lambda: wrote.append(bool(store.edit("a", {"killed_min": "2"},
                                                        who=analyst("colleague"))))
        )
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive(), "the import held the write lock while flagging"
        return real(candidates, batch_ids, **kwargs)

    monkeypatch.setattr(geo.store.base, "find_duplicates", meanwhile)
    result = store.upsert(incidents([{"id": "b", "date_start": "2017-10-05",
                                      "latitude": "35.9", "longitude": "39.0",
                                      "event_type": "airstrike"}]),
                          origin="airwars", who=ANALYST)
    assert wrote == [True]
    assert [(f.id_a, f.id_b) for f in result.duplicates] == [("a", "b")]
    assert store.duplicates()[["id_a", "id_b"]].values.tolist() == [["a", "b"]]
