"""Likely-duplicate detection: bucketed, bounded, and outside the store's write lock."""

from __future__ import annotations

import threading

import pandas as pd

import geo.store.base
from geo.store.duplicates import lookups
from geo.store.records import DUPLICATE_FLAGS_PER_RECORD, find_duplicates, frame_to_rows
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


def _reads(store, monkeypatch) -> list[tuple[str, int]]:
    """Record each read statement and how many rows it returned."""
    seen: list[tuple[str, int]] = []
    real = store._run_read

    def run_read(statement, params=()):
        rows = real(statement, params)
        seen.append((statement, len(rows)))
        return rows

    monkeypatch.setattr(store, "_run_read", run_read)
    return seen


def test_candidates_are_read_through_the_spatial_index_not_all_of_the_dates(store, monkeypatch):
    far = [{"id": f"aleppo-{i}", "date_start": "2017-10-05", "latitude": "36.2",
            "longitude": "37.15", "place": f"Aleppo quarter {i}"} for i in range(120)]
    near = [{"id": "raqqa-old", "date_start": "2017-10-05", "latitude": "35.95",
             "longitude": "39.01", "place": "Raqqa"}]
    store.upsert(incidents(far + near), origin="acled", who=ANALYST)
    seen = _reads(store, monkeypatch)
    result = store.upsert(incidents([{"id": "raqqa-new", "date_start": "2017-10-05",
                                      "latitude": "35.96", "longitude": "39.02",
                                      "place": "Raqqa"}]), origin="ucdp", who=ANALYST)
    assert [(f.id_a, f.id_b) for f in result.duplicates] == [("raqqa-new", "raqqa-old")]
    spatial = [s for s in seen if "rtree_" in s[0] or "ST_MakeEnvelope" in s[0]]
    assert spatial and sum(n for _, n in seen) <= 2  # not the 120 records of that day
    assert all("lower(place) IN" in s or s in {x for x, _ in spatial} for s, _ in seen)


def test_names_match_without_coordinates_and_far_apart_in_any_case(store):
    store.upsert(incidents([
        {"id": "old-1", "date_start": "2017-10-05", "place": "Raqqa"},
        {"id": "old-2", "date_start": "2017-10-05", "place": "Tabqa", "latitude": "35.84",
         "longitude": "38.55"},
    ]), origin="acled", who=ANALYST)
    result = store.upsert(incidents([
        {"id": "new-1", "date_start": "2017-10-05", "place": "RAQQA"},
        {"id": "new-2", "date_start": "2017-10-05", "place": "tabqa", "latitude": "35.6",
         "longitude": "38.9"},  # about 40 km away, the same name
    ]), origin="ucdp", who=ANALYST)
    assert sorted((f.id_a, f.id_b) for f in result.duplicates) == [
        ("new-1", "old-1"), ("new-2", "old-2")]


def test_pairs_across_bucket_borders_are_found(store):
    # Either side of a 1-degree line, 2 km apart; and either side of a 30-day bucket.
    store.upsert(incidents([
        {"id": "west", "date_start": "2017-10-05", "latitude": "35.5", "longitude": "38.99"},
        {"id": "month", "date_start": "2017-01-01", "date_end": "2017-03-31",
         "latitude": "34.5", "longitude": "36.5"},
    ]), origin="acled", who=ANALYST)
    result = store.upsert(incidents([
        {"id": "east", "date_start": "2017-10-05", "latitude": "35.5", "longitude": "39.01"},
        {"id": "day", "date_start": "2017-03-30", "latitude": "34.51", "longitude": "36.5"},
    ]), origin="ucdp", who=ANALYST)
    assert sorted((f.id_a, f.id_b) for f in result.duplicates) == [
        ("day", "month"), ("east", "west")]


def test_an_import_gives_one_window_per_bucket_widened_by_the_distance():
    rows = frame_to_rows(incidents([
        {"id": f"r{i}", "date_start": f"2017-10-{i % 10 + 1:02d}", "latitude": "35.95",
         "longitude": f"39.0{i % 10}", "place": "Raqqa"} for i in range(500)
    ] + [{"id": "d", "date_start": "2017-10-05", "latitude": "33.5", "longitude": "36.3"}]))
    wanted = lookups(rows, postgres=False)
    assert len(wanted.windows) == 2 and list(wanted.names) == ["raqqa"]
    raqqa = next(w for w in wanted.windows if w.north > 35)
    assert (raqqa.date_from, raqqa.date_to) == ("2017-10-01", "2017-10-10")
    assert 35.90 < raqqa.south < 35.91 and 39.09 < raqqa.east < 39.15
