"""A file read, mapped and validated a chunk at a time gives what a one-shot read gives:
the same valid rows, errors by row and column, warnings and rejected rows
(geo/io/load.py IncidentChunks, geo/io/csv_rows.py, geo/view/assemble.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.io.delimited import _split
from geo.io.load import IncidentChunks, read_incidents
from geo.io.table import MAX_FIELD_BYTES
from geo.schema import empty_incidents
from geo.view.dataset import load_dataset
from tests.helpers.incidents import StubGeocoder

HEAD = "id,date_start,place,latitude,longitude,event_type,claim_status,description\n"


def _own_file() -> bytes:
    """Valid and invalid rows of every kind a reader, a mapping or validation names."""
    lines = [
        "a1,2017-01-01,Raqqa,35.9,39.0,airstrike,alleged,first",
        "a2,2017-01-02,Raqqah,,,airstrike,alleged,الطبقة no coordinates",
        "a3,2017-13-02,Tabqa,,,airstrike,alleged,bad month",  # validation: date
        "",  # a blank line
        "a4,2017-01-04,Homs,91,36,shelling,reported,latitude out of range",
        'a5,2017-01-05,"Idlib,airstrike,alleged,quote left open',  # swallows the next line
        "a6,2017-01-06,Idlib,35.9,36.6,airstrike,alleged,",
        "a7,2017-01-07,Hama,35.1,36.7,bombing,nonsense,bad claim status",
        "a1,2017-01-08,Raqqa,35.9,39.0,airstrike,alleged,duplicate of row 1",
        "a8,2017-01-09,Deir",  # truncated
        ',,,,,,,',  # blank fields only
        'a9,2017-01-10,Aleppo,36.2,37.1,airstrike,alleged,"two\nlines"',
        "a10,2017-01-11,Aleppo,36.2,37.1,airstrike,alleged," + "x" * (MAX_FIELD_BYTES + 5),
        "a11,2017-01-12,Manbij,36.5,37.9,clashes,confirmed,last valid",
        "a6,2017-01-13,Manbij,36.5,37.9,clashes,confirmed,duplicate of a6",
    ]
    text = HEAD + "\n".join(lines) + "\n"
    return (text.encode() + "a12,2017-01-14,Tabqa,,,airstrike,alleged,It’s a café\n"
            .encode("cp1252") + b'a13,2017-01-15,"Raqqa,airstrike,alleged,never closed\n')


def _acled_file() -> bytes:
    head = ("event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,"
            "admin1,admin2,admin3,location,latitude,longitude,geo_precision,fatalities,notes,"
            "source,country\n")
    rows = [
        "SYR1,2017-01-01,1,Explosions/Remote violence,Air/drone strike,A,B,Raqqa,,,Raqqa,"
        "35.9,39.0,1,3,note one,SANA,Syria",
        ",2017-01-02,1,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,1,0,no id,SOHR,Syria",
        "SYR3,not a date,1,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,1,0,,SOHR,Syria",
        "SYR4,2017-01-04,7,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,1,0,,SOHR,Syria",
        "SYR5,2017-01-05,3,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,2,x,,SOHR,Syria",
        "SYR6,2017-01-06,2,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,1,4,,SOHR,Syria",
        "SYR1,2017-01-07,1,Battles,Armed clash,A,B,Aleppo,,,Aleppo,36.2,37.1,1,4,dup,SOHR,Syria",
    ]
    return (head + "\n".join(rows) + "\n").encode()


def _wkt_file() -> bytes:
    return (b"id,event_type,claim_status,latitude,longitude,WKT\n"
            b"w1,airstrike,alleged,35.9,39.0,POINT (39.0 35.9)\n"
            b"w2,airstrike,alleged,35.9,39.0,POINT (39.5 35.5)\n"
            b"w3,airstrike,alleged,,,not wkt\n"
            b"w4,airstrike,alleged,,,\n")


def _both(path: Path, rows: int):
    chunks = IncidentChunks(path, rows)
    parts = list(chunks)
    return read_incidents(path), chunks, parts


def _same(one, chunks, parts) -> None:
    assert [str(e) for e in chunks.errors] == [str(e) for e in one.errors]
    assert chunks.errors == one.errors
    assert chunks.warnings == one.warnings
    assert chunks.rejected_rows == one.rejected_rows
    assert chunks.readable == one.readable
    if chunks.readable:
        got = pd.concat(parts, ignore_index=True) if parts else empty_incidents()
        pd.testing.assert_frame_equal(got, one.incidents)


@pytest.mark.parametrize("rows", [1, 2, 3, 5, 1000])
@pytest.mark.parametrize("make", [_own_file, _acled_file, _wkt_file])
def test_chunks_give_the_rows_errors_and_warnings_of_a_one_shot_read(tmp_path, rows, make):
    path = tmp_path / "in.csv"
    path.write_bytes(make())
    one, chunks, parts = _both(path, rows)
    assert one.errors and one.incidents.shape[0] > 0  # the file has both
    _same(one, chunks, parts)
    if rows < 3:
        assert len(parts) >= 2  # really read in pieces


def test_the_own_file_names_what_each_bad_row_has(tmp_path):
    """The reference read itself, so that a file that lost its bad rows fails here."""
    path = tmp_path / "in.csv"
    path.write_bytes(_own_file())
    one = read_incidents(path)
    by_row = {e.row: str(e) for e in one.errors}
    assert sorted(by_row) == one.rejected_rows == [3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 16]
    assert "row 3, date_start: '2017-13-02' is not an ISO date" in by_row[3]
    assert "row 4, latitude: 91 is outside" in by_row[4]
    assert "unbalanced quote on line 7" in by_row[5]
    assert "row 8, id: duplicate id 'a1' (first used in row 1)" in by_row[8]
    assert "a truncated row?" in by_row[9] and "over the 128 KiB" in by_row[12]
    assert "duplicate id 'a6' (first used in row 6)" in by_row[14]
    assert "quote opened on line 19 is never closed" in by_row[16]
    assert one.incidents["id"].tolist() == ["a1", "a2", "a6", "a11", "a12"]
    [note] = one.warnings
    assert note.row == 15 and "Windows-1252" in note.message


@pytest.mark.parametrize("data", [
    b"id,event_type,claim_status\n",  # a header and no rows
    b"id,place\na1,Raqqa\n",  # no known layout
    b"\n\n",  # empty
    b"id,event_type,claim_status\r\na1,airstrike,alleged\r\n\r\na2,airstrike,alleged",
])
def test_files_without_usable_rows_or_with_odd_line_ends_agree(tmp_path, data):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    _same(*_both(path, 1))


def test_other_kinds_are_read_whole_and_validated_in_chunks(tmp_path):
    path = tmp_path / "in.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.0, 35.9]},'
        ' "properties": {"id": "g1", "event_type": "airstrike", "claim_status": "alleged"}},'
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.0, 35.9]},'
        ' "properties": {"id": "g1", "event_type": "airstrike", "claim_status": "alleged"}},'
        '{"type": "Feature", "geometry": null,'
        ' "properties": {"id": "g3", "event_type": "nope", "claim_status": "alleged"}}]}')
    one, chunks, parts = _both(path, 1)
    assert len(one.errors) == 2
    _same(one, chunks, parts)


def test_lines_split_as_the_csv_parser_sees_them():
    import io

    for text in ["", "a", "a\n", "a\r\nb\rc\nd", "\n\n\r\r\n", "a\x0bb\x0cc\u2028d\x85e\n"]:
        assert _split(text) == list(io.StringIO(text, newline=""))


def test_the_dataset_of_a_file_is_the_same_in_chunks(tmp_path, monkeypatch):
    path = tmp_path / "in.csv"
    path.write_bytes(_own_file())
    monkeypatch.setenv("INCIDENT_MAP_LOAD_CHUNK_ROWS", "2")
    small = load_dataset(path, lambda: StubGeocoder())  # a row without coordinates: geocoded
    monkeypatch.setenv("INCIDENT_MAP_LOAD_CHUNK_ROWS", "100000")
    whole = load_dataset(path, lambda: StubGeocoder())
    pd.testing.assert_frame_equal(small.incidents, whole.incidents)
    assert small.errors == whole.errors == read_incidents(path).errors
    assert small.fingerprint == whole.fingerprint
    assert (small.incidents["geocode_status"].astype(str) == "resolved").any()
