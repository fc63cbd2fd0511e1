"""The data a session works on (geo/dataset.py)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from geo.geocoding.areas import default_areas
from geo.geocoding.join import build_incident_frame, row_hashes
from geo.io.load import load_incidents
from geo.settings import load_settings
from geo.view.dataset import (
    WORLD_VIEW,
    Dataset,
    align_categories,
    compact_frame,
    find_position,
    load_dataset,
)
from geo.view.state import MAX_ZOOM, MIN_ZOOM
from tests.helpers.incidents import SHAAFAH, StubGeocoder, row, write_csv

ROWS = [
    row(id="a", date_start="2017-10", place="Shaafah", event_type="bombing"),
    row(id="b", date_start="2018-11-01", date_end="2018-11-13", latitude="33.5",
        longitude="38.6", event_type="airstrike"),
    row(id="bad", date_start="2018-13-01", event_type="airstrike"),
    row(id="c", place="Atlantis", event_type="armed movement"),
    row(id="d", date_start="2016", latitude="35.0", longitude="38.5", geo_precision="4",
        event_type="massacre"),
]


@pytest.fixture
def dataset(tmp_path):
    return load_dataset(write_csv(tmp_path / "incidents.csv", ROWS), StubGeocoder())


def test_bad_row_is_reported_and_the_others_are_present(dataset):
    assert sorted(dataset.incidents["id"]) == ["a", "b", "c", "d"]
    [error] = dataset.errors
    assert (error.source, error.row, error.field) == ("incidents.csv", 3, "date_start")
    assert dataset.source == "incidents.csv"


def test_incidents_are_geocoded(dataset):
    frame = dataset.incidents.set_index("id")
    assert frame.at["a", "latitude"] == SHAAFAH.latitude
    assert frame.at["c", "off_map"] == "unresolved"
    assert frame.at["d", "off_map"] == "country"


def test_domain_spans_the_dates(dataset):
    domain = dataset.domain()
    assert domain.date_min == date(2016, 1, 1)  # the year 2016 starts its interval
    assert domain.date_max == date(2018, 11, 13)


def test_domain_centre_is_inside_the_drawn_points(dataset):
    domain = dataset.domain()
    drawn = [(SHAAFAH.latitude, SHAAFAH.longitude), (33.5, 38.6)]  # not the country one
    lats, lons = [p[0] for p in drawn], [p[1] for p in drawn]
    assert min(lats) <= domain.center[0] <= max(lats)
    assert min(lons) <= domain.center[1] <= max(lons)
    assert MIN_ZOOM <= domain.zoom <= MAX_ZOOM


def test_domain_offers_only_the_event_types_present_in_schema_order(dataset):
    # "airstrike" of the rejected row counts through row b only; no other type appears
    assert dataset.domain().event_types == ("airstrike", "bombing", "massacre",
                                            "armed movement")


def test_domain_knows_the_incidents_and_the_fingerprint(dataset):
    domain = dataset.domain()
    assert domain.has_incident("a") and domain.has_incident("c")
    assert not domain.has_incident("bad") and not domain.has_incident("zzz")
    assert re.fullmatch(r"[0-9a-f]{8}", domain.fingerprint)
    assert domain.fingerprint == dataset.fingerprint


def test_fingerprint_follows_the_file(tmp_path):
    first = load_dataset(write_csv(tmp_path / "one.csv", ROWS), StubGeocoder())
    same = load_dataset(write_csv(tmp_path / "two.csv", ROWS[::-1]), StubGeocoder())
    changed_rows = [dict(r) for r in ROWS]
    changed_rows[0]["description"] = "new detail"
    changed = load_dataset(write_csv(tmp_path / "three.csv", changed_rows), StubGeocoder())
    assert first.fingerprint == same.fingerprint != changed.fingerprint


def test_nothing_to_draw_and_no_dates(tmp_path):
    path = write_csv(tmp_path / "undated.csv", [row(id="x", place="Atlantis")])
    domain = load_dataset(path, StubGeocoder()).domain()
    assert (domain.date_min, domain.date_max) == (None, None)
    assert (domain.center, domain.zoom) == WORLD_VIEW


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    dataset = load_dataset(path, StubGeocoder())
    assert len(dataset.incidents) == 0
    assert len(dataset.errors) == 1 and dataset.errors[0].source == "broken.geojson"
    domain = dataset.domain()
    assert domain.event_types == () and (domain.center, domain.zoom) == WORLD_VIEW


@pytest.mark.parametrize("dtype", ["str", object])
def test_an_incident_is_found_by_id_at_its_first_row(dtype):
    ids = pd.Series(["a", "b", "c", "b"], dtype=dtype)
    assert find_position(ids, "b") == 1
    assert find_position(ids, "c") == 2
    assert find_position(ids, "z") is None


def test_low_cardinality_text_is_kept_as_categoricals_with_the_same_values(tmp_path):
    path = write_csv(tmp_path / "incidents.csv", [r for r in ROWS if r["id"] != "bad"])
    plain = build_incident_frame(load_incidents(path).incidents, StubGeocoder(),
                                 default_areas(), load_settings())
    frame = load_dataset(path, StubGeocoder()).incidents
    for column in ("event_type", "claim_status", "country", "geocode_status", "adm1_name"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
        assert "" in frame[column].cat.categories  # so fillna("") and where(..., "") work
        assert frame[column].astype(str).tolist() == plain[column].astype(str).tolist()
    assert not isinstance(frame["id"].dtype, pd.CategoricalDtype)
    assert frame["date_note"].fillna("").where(frame["id"] == "a", "").tolist()[1:] == [""] * 3
    assert row_hashes(frame).tolist() == row_hashes(plain).tolist()  # fingerprints unchanged


def test_aligned_categories_survive_a_concat():
    old = compact_frame(pd.DataFrame({"event_type": ["bombing", "airstrike"], "id": ["a", "b"]}))
    fresh = pd.DataFrame({"event_type": ["massacre", None], "id": ["c", "d"]})
    old, fresh = align_categories(old, fresh)
    joined = pd.concat([old, fresh], ignore_index=True)
    assert isinstance(joined["event_type"].dtype, pd.CategoricalDtype)
    assert joined["event_type"].tolist() == ["bombing", "airstrike", "massacre", ""]


def test_text_columns_are_joined_into_one_chunk_with_values_and_types_unchanged():
    from geo.view.dataset import single_chunks

    parts = [pd.DataFrame({"id": [f"a{i}", f"b{i}", None], "n": [1, 2, 3]}).astype({"id": "str"})
             for i in range(3)]
    frame = pd.concat(parts, ignore_index=True)
    assert frame["id"].array.__arrow_array__().num_chunks == 3
    joined = single_chunks(frame)
    assert joined["id"].array.__arrow_array__().num_chunks == 1
    assert joined["id"].dtype == frame["id"].dtype
    pd.testing.assert_frame_equal(joined, frame)
    assert frame["id"].array.__arrow_array__().num_chunks == 3  # the given frame untouched
    assert single_chunks(joined) is joined


def test_frame_key_follows_row_order_and_points_where_the_fingerprint_does_not(dataset):
    """Per-row caches key on the frame key: the same records in another order, or one
    drawn at another point (a pin correction), keep the fingerprint but not the key."""
    from dataclasses import replace

    frame = dataset.incidents
    reordered = replace(dataset, incidents=frame.iloc[::-1].reset_index(drop=True),
                        hashes=None)
    moved_frame = frame.copy()
    at = int(frame.index[frame["id"] == "b"][0])
    moved_frame.loc[at, ["longitude", "latitude"]] = [38.0, 36.0]
    # the same records' hashes (a correction moves the pin, not the record)
    moved = replace(dataset, incidents=moved_frame, hashes=dataset._row_hashes())
    same = replace(dataset, incidents=frame.copy(), hashes=None)

    assert reordered.fingerprint == dataset.fingerprint == moved.fingerprint
    assert reordered.frame_key != dataset.frame_key
    assert moved.frame_key != dataset.frame_key
    assert same.frame_key == dataset.frame_key
    assert dataset.domain().frame_key == dataset.frame_key


def test_the_frame_keeps_coordinates_not_point_objects(dataset, tmp_path):
    """A Shapely point per incident (about 200 MB at a million) is not kept: the views read
    the coordinate columns, and the domain's view is fitted to the same bounds."""
    import geopandas as gpd

    from geo.view.extent import fit_view

    frame = dataset.incidents
    assert type(frame) is pd.DataFrame and "geometry" not in frame.columns
    drawn = frame[frame["off_map"] == ""]
    points = gpd.points_from_xy(drawn["longitude"], drawn["latitude"])
    expected = fit_view(tuple(gpd.GeoSeries(points).total_bounds))
    assert (dataset.domain().center, dataset.domain().zoom) == expected
    # a frame given with its points (a store's, a patched one) is kept without them
    records = load_incidents(write_csv(tmp_path / "again.csv", ROWS)).incidents
    joined = build_incident_frame(records, StubGeocoder(), default_areas())
    assert "geometry" in joined.columns
    given = Dataset(joined)
    assert type(given.incidents) is pd.DataFrame and "geometry" not in given.incidents
    pd.testing.assert_frame_equal(
        given.incidents, Dataset(pd.DataFrame(joined.drop(columns="geometry"))).incidents)


def test_the_frame_key_is_that_of_the_points_coordinates(dataset):
    """The frame key hashes each point as the Shapely points gave it (NaN where none)."""
    import hashlib

    import numpy as np
    import shapely

    frame = dataset.incidents
    digest = hashlib.sha256(np.asarray(dataset._row_hashes()).tobytes())
    points = shapely.points(frame["longitude"].to_numpy(dtype=float, na_value=np.nan),
                            frame["latitude"].to_numpy(dtype=float, na_value=np.nan))
    points[frame["latitude"].isna().to_numpy()] = None
    for values in (shapely.get_x(points), shapely.get_y(points)):
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(values.cat.codes.to_numpy()).tobytes())
            digest.update("\x1f".join(map(str, values.cat.categories)).encode())
    assert dataset.frame_key == digest.hexdigest()[:16]
