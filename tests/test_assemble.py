"""Chunk-by-chunk joins: the frame equals the one a join of the whole gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.geocoding.areas import default_areas
from geo.geocoding.join import build_incident_frame, row_hashes
from geo.settings import Settings
from geo.store import open_store
from geo.view.assemble import build_in_chunks, concat_compact, owned_columns, slices
from geo.view.dataset import compact_frame, load_store_dataset
from geo.view.live import LiveDataset
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import StubGeocoder, incidents, row
from tests.helpers.store_data import incidents as stored_incidents


def _mixed_rows() -> list[dict[str, str]]:
    """Records whose columns are filled in some chunks and empty in others."""
    rows = [
        row(id="a1", place="al-Shaafah", latitude=34.5, longitude=40.9, geo_precision=2,
            date_start="2017-10-15", killed_min=3, claimed_by="UCDP GED"),
        row(id="a2", place="Raqqah", date_start="2017-10"),  # placed by the geocoder
        row(id="a3", place="Nowhere at all", source_name="SANA (relayed)"),
        row(id="a4", latitude=35.9, longitude=39.0, type_of_violence=3, deaths_civilians=4),
        row(id="a5", place="Tanf", country="sy", quality="checked"),
        row(id="a6", latitude=33.5, longitude=38.6, geo_precision=4,
            location_uncertainty_km=25, actors="Side A; Side B"),
        row(id="a7", date_start="2016", description="Only the year is known"),
    ]
    return rows


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_a_join_in_chunks_equals_the_join_of_the_whole(size):
    records = incidents(*_mixed_rows())
    geocoder = StubGeocoder()
    whole = compact_frame(build_incident_frame(records, geocoder, default_areas()))
    chunked = build_in_chunks(slices(records, size), geocoder, default_areas())
    pd.testing.assert_frame_equal(chunked, whole)
    assert chunked.crs == whole.crs
    assert isinstance(chunked["place"].dtype, pd.CategoricalDtype)
    assert row_hashes(pd.DataFrame(chunked.drop(columns="geometry"))).tolist() == \
        row_hashes(pd.DataFrame(whole.drop(columns="geometry"))).tolist()


def test_a_join_in_chunks_without_a_geocoder_equals_the_whole():
    records = incidents(*_mixed_rows())
    areas = default_areas()
    whole = compact_frame(build_incident_frame(records, None, areas))
    assert (whole["adm1_pcode"] != "").any()  # the area join is exercised
    pd.testing.assert_frame_equal(build_in_chunks(slices(records, 2), None, areas), whole)


def test_compact_chunks_may_be_joined_again():
    """A compact chunk (categoricals) is turned back to text before its join."""
    records = incidents(*_mixed_rows())
    whole = compact_frame(build_incident_frame(records, None, None))
    compact = [compact_frame(part) for part in slices(records, 3)]
    pd.testing.assert_frame_equal(build_in_chunks(compact), whole)


def test_concat_compact_unions_the_categories_in_sorted_order():
    left = compact_frame(pd.DataFrame({"place": ["b", "a"], "n": [1, 2]}))
    right = compact_frame(pd.DataFrame({"place": ["c", ""], "n": [3, 4]}))
    parts = [left, right]
    out = concat_compact(parts)
    assert parts == []  # the parts are let go
    assert out["place"].cat.categories.tolist() == ["", "a", "b", "c"]
    assert out["place"].astype(str).tolist() == ["b", "a", "c", ""]
    assert out.index.tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        concat_compact([])


def test_slices_cover_every_row_and_refuse_an_empty_chunk():
    frame = pd.DataFrame({"n": range(7)})
    assert [len(s) for s in slices(frame, 3)] == [3, 3, 1]
    assert [len(s) for s in slices(frame.iloc[:0], 3)] == [0]
    with pytest.raises(ValueError):
        list(slices(frame, 0))


def _stored_rows(n: int) -> list[dict[str, str]]:
    return [
        {"id": f"s{i:03d}", "date_start": f"2017-{1 + i % 12:02d}-01", "place": f"Place {i % 3}",
         "country": "SY", "latitude": f"{33 + i / 10}", "longitude": f"{36 + i / 10}",
         "killed_min": str(i), "source_name": "" if i % 2 else f"Outlet {i % 4}",
         "type_of_violence": "" if i < 5 else "2"}
        for i in range(n)
    ]


def test_the_live_dataset_read_in_chunks_equals_a_whole_read(store):
    store.upsert(stored_incidents(_stored_rows(7)), origin="acled", who=ANALYST)
    store.upsert(stored_incidents([{**_stored_rows(1)[0], "id": "dup-1"}]), origin="airwars",
                 who=ANALYST)
    whole = load_store_dataset(store, None)
    assert (whole.incidents["possible_duplicates"] != "").any()  # flags reach the chunks
    live = LiveDataset(store, settings=Settings(load_chunk_rows=2)).current()
    pd.testing.assert_frame_equal(live.incidents, whole.incidents)
    assert live.fingerprint == whole.fingerprint


def test_the_embedded_store_is_read_a_chunk_at_a_time(tmp_path):
    opened = open_store(str(tmp_path / "chunks.gpkg"))
    assert [len(c) for c in opened.incident_chunks(3)] == [0]  # an empty store: one frame
    opened.upsert(stored_incidents(_stored_rows(6)), origin="acled", who=ANALYST)
    assert [len(c) for c in opened.incident_chunks(3)] == [3, 3]
    assert [len(c) for c in opened.incident_chunks(4)] == [4, 2]
    chunks = list(opened.incident_chunks(4))
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True),
                                  opened.incidents(with_flags=True))


def test_owned_columns_copy_the_columns_a_block_shares_and_keep_the_others():
    frame = compact_frame(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0],
                                        "place": ["x", "y"], "text": ["p", "q"]}))
    shared = frame["a"].array._ndarray
    assert shared.base is not None and shared.base.shape == (2, 2)  # the float block
    owned = owned_columns(frame)
    assert list(owned) == list(frame.columns)
    for name in frame.columns:
        pd.testing.assert_series_equal(owned[name], frame[name])
    assert not np.shares_memory(owned["a"].to_numpy(), shared)
    assert owned["a"].array._ndarray.base is None  # its own two values, not the block
    assert owned["b"].array._ndarray.base is None
    assert owned["place"].array is frame["place"].array  # a categorical holds its own codes


def test_a_join_in_chunks_without_points_drops_them_chunk_by_chunk():
    records = incidents(*_mixed_rows())
    areas = default_areas()
    whole = compact_frame(build_incident_frame(records, None, areas))
    chunked = build_in_chunks(slices(records, 2), None, areas, points=False)
    assert type(chunked) is pd.DataFrame and "geometry" not in chunked.columns
    pd.testing.assert_frame_equal(chunked, pd.DataFrame(whole.drop(columns="geometry")))
