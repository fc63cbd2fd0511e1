"""A file loaded in chunks gives the frame, fingerprint and per-dataset arrays of a load
of the whole (geo/view/dataset.py load_dataset, geo/view/assemble.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.geocoding.areas import default_areas
from geo.geocoding.join import build_incident_frame
from geo.io.load import read_incidents
from geo.render.clusters import map_columns
from geo.render.table import date_order
from geo.view.dataset import Dataset, load_dataset
from geo.view.timeline import timeline_columns
from geo.view.totals_index import totals_columns

HEAD = ("id,date_start,date_end,place,latitude,longitude,event_type,claim_status,killed_min,"
        "killed_max,claimed_by,description\n")
ROWS = [
    "b2,2017-01-02,2017-01-03,Raqqa,35.95,39.01,airstrike,alleged,3,5,UCDP GED,one",
    "a1,2017-01-02,2017-01-03,Raqqa,35.95,39.01,shelling,confirmed,,,,two",
    "c3,,,Homs,34.73,36.71,airstrike,reported,1,1,SOHR,undated",
    "é4,2016-05-01,2016-05-31,Aleppo,36.2,37.15,clashes,alleged,10,12,UCDP GED,month",
    "a1x,2017-01-02,2017-01-02,Manbij,36.53,37.95,airstrike,alleged,0,0,,tie on dates",
    "d5,2018-03-04,2018-03-04,,,,bombing,reported,2,,SANA,no place",
    "Z6,,,Idlib,35.93,36.63,clashes,confirmed,,,,undated too",
]


def _arrays_equal(left: object, right: object) -> None:
    for name in vars(left):
        a, b = getattr(left, name), getattr(right, name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=name)
        elif isinstance(a, tuple | dict):
            for x, y in zip(a.values() if isinstance(a, dict) else a,
                            b.values() if isinstance(b, dict) else b, strict=True):
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=name)


def test_a_chunked_load_gives_the_frame_and_arrays_of_the_whole(tmp_path, monkeypatch):
    path = tmp_path / "in.csv"
    path.write_text(HEAD + "\n".join(ROWS) + "\n", encoding="utf-8")
    monkeypatch.setenv("INCIDENT_MAP_LOAD_CHUNK_ROWS", "2")
    areas = default_areas()
    chunked = load_dataset(path, None, areas)
    read = read_incidents(path)
    whole = Dataset(build_incident_frame(read.incidents, None, areas), read.errors,
                    path.name, areas)  # its hashes computed from its frame when asked
    assert chunked.hashes is not None and whole.hashes is None
    pd.testing.assert_frame_equal(chunked.incidents, whole.incidents)
    assert len(chunked.incidents) == len(ROWS)
    assert chunked.fingerprint == whole.fingerprint
    assert chunked.frame_key == whole.frame_key
    np.testing.assert_array_equal(date_order(chunked.incidents), date_order(whole.incidents))
    _arrays_equal(map_columns(chunked.incidents), map_columns(whole.incidents))
    _arrays_equal(timeline_columns(chunked.incidents), timeline_columns(whole.incidents))
    left, right = totals_columns(chunked.incidents), totals_columns(whole.incidents)
    for name in left.values:
        for a, b in zip(left.values[name], right.values[name], strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(left.unknown[name], right.unknown[name])
    for name in ("start", "end", "inverted"):
        np.testing.assert_array_equal(getattr(left, name), getattr(right, name))
