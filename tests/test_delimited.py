"""Delimited files read line by line: encodings per line, quotes left open, truncated and
oversized rows, blank lines, and every line accounted for (geo/io/delimited.py)."""

from __future__ import annotations

from geo.io.delimited import decode_lines
from geo.io.load import load_incidents, read_incidents
from geo.io.mappings import MappingMemory
from geo.io.table import MAX_FIELD_BYTES

HEAD = "id,date_start,place,event_type,claim_status,description\n"


def _read(data: bytes, name: str = "in.csv", tmp_path=None, **kw):
    memory = MappingMemory((tmp_path or "/nonexistent") / "m.json") if tmp_path else None
    return read_incidents(data, name=name, memory=memory, **kw)


def _messages(loaded, row):
    return [e.message for e in loaded.errors if e.row == row]


def test_one_windows_1252_line_leaves_the_arabic_of_the_others_intact(tmp_path):
    data = (
        (HEAD + "a1,2017-01-01,الرقة,airstrike,alleged,سوق\n").encode()
        + "a2,2017-01-02,Tabqa,airstrike,alleged,It’s a café\n".encode("cp1252")
        + "a3,2017-01-03,دير الزور,shelling,reported,\n".encode()
    )
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.errors == []
    assert loaded.incidents["place"].tolist() == ["الرقة", "Tabqa", "دير الزور"]
    assert loaded.incidents["description"].tolist() == ["سوق", "It’s a café", ""]
    [note] = loaded.warnings
    assert note.row == 2 and "Windows-1252" in note.message


def test_a_lone_foreign_byte_in_a_utf8_line_is_repaired_and_named(tmp_path):
    data = (HEAD + "a1,2017-01-01,حلب,airstrike,alleged,").encode() + b"\x92ok\n"
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.incidents["description"].tolist() == ["’ok"]
    assert "0x92" in loaded.warnings[0].message


def test_a_line_mixing_utf8_and_arabic_windows_1256_is_rejected_by_name(tmp_path):
    data = (
        (HEAD + "a1,2017-01-01,الرقة,airstrike,alleged,\n").encode()
        + b"a2,2017-01-02," + "حمص".encode("cp1256") + " دير".encode()
        + b",airstrike,alleged,\n"
        + b"a3,2017-01-03," + "حماة".encode("cp1256") + b",airstrike,alleged,\n"
    )
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.rejected_rows == [2]
    assert "mixes UTF-8 with another encoding" in _messages(loaded, 2)[0]
    assert loaded.incidents["place"].tolist() == ["الرقة", "حماة"]  # a3: a whole cp1256 line


def test_shown_files_and_the_seed_use_the_import_reader(tmp_path):
    # Windows-1256 with ';' used to give 0 rows and a UTF-8 error through the old loader.
    path = tmp_path / "team.csv"
    path.write_bytes((HEAD.replace(",", ";") + "a1;2017-01-01;دير الزور;airstrike;alleged;"
                      "قصف\n").encode("cp1256"))
    result = load_incidents(path)
    assert result.errors == []
    assert result.incidents["place"].tolist() == ["دير الزور"]


def test_a_quote_left_open_is_split_back_into_its_rows_and_named(tmp_path):
    data = (
        b"id,date_start,place,event_type,claim_status\n"
        b'a1,2017-01-01,"Raqqa,airstrike,alleged\n'
        b"a2,2017-01-02,Tabqa,airstrike,alleged\n"
        b"a3,2017-01-03,Manbij,airstrike,alleged\n"
        b'a4,2017-01-04,"Idlib",airstrike,alleged\n'
        b"a5,2017-01-05,Homs,airstrike,alleged\n"
    )
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.rows == 5  # it used to read 2 rows and reject none
    assert loaded.incidents["id"].tolist() == ["a2", "a3", "a4", "a5"]
    assert loaded.rejected_rows == [1]
    [message] = _messages(loaded, 1)
    assert "unbalanced quote on line 2" in message and "lines 3–5" in message


def test_a_quote_never_closed_names_its_line(tmp_path):
    data = (b"id,event_type,claim_status\nok,airstrike,alleged\n"
            b'"a,airstrike,alleged\n')
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.incidents["id"].tolist() == ["ok"]
    assert "quote opened on line 3 is never closed" in _messages(loaded, 2)[0]


def test_a_quoted_multi_line_field_stays_one_row(tmp_path):
    data = (HEAD + 'a1,2017-01-01,Raqqa,airstrike,alleged,"first line\nsecond, line"\n'
            "a2,2017-01-02,Tabqa,airstrike,alleged,\n").encode()
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.errors == []
    assert loaded.incidents["description"][0] == "first line\nsecond, line"
    assert loaded.table.lines == [2, 4]
    assert "1 inside quoted multi-line fields" in loaded.table.count_note


def test_a_truncated_row_is_rejected_not_stored_without_date_or_place(tmp_path):
    header = "id,year,type_of_violence,where_prec,date_prec,date_start,date_end,latitude," \
             "longitude,where_coordinates,side_a,side_b,best,low,high,country\n"
    data = (header + "123,2017,1,1\n"
            "124,2017,1,1,1,2017-01-02,2017-01-02,35.9,39.0,Raqqa,A,B,1,1,1,Syria\n").encode()
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.mapping == "ucdp"
    assert loaded.incidents["id"].tolist() == ["ucdp-124"]
    assert _messages(loaded, 1) == ["4 fields but the header has 16 (a truncated row?)"]


def test_a_field_over_128_kib_rejects_its_row_by_name(tmp_path):
    big = "x" * (MAX_FIELD_BYTES + 10)
    data = (HEAD + f"a1,2017-01-01,Raqqa,airstrike,alleged,{big}\n"
            "a2,2017-01-02,Tabqa,airstrike,alleged,\n").encode()
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.incidents["id"].tolist() == ["a2"]
    [error] = [e for e in loaded.errors if e.row == 1]
    assert error.field == "description" and "over the 128 KiB" in error.message


def test_blank_lines_are_counted_not_lost(tmp_path):
    data = (HEAD + "a1,2017-01-01,Raqqa,airstrike,alleged,\n\n,,,,,\n"
            "a2,2017-01-02,Tabqa,airstrike,alleged,\n").encode()
    loaded = _read(data, tmp_path=tmp_path)
    assert loaded.rows == 2 and loaded.table.blank == 2
    assert loaded.table.file_records == 4 and loaded.table.lines == [2, 5]


def test_utf16_and_bom_files_decode_line_by_line():
    assert decode_lines("x,y\n1,2\n".encode("utf-16"))[0] == ["x,y\n", "1,2\n"]
    lines, encoding, notes, errors = decode_lines("\ufeffx,y\r\n1,é\r\n".encode() + b"\x92\n")
    assert lines == ["x,y\r\n", "1,é\r\n", "’\n"]
    assert list(notes) == [3] and errors == {} and "1 line not UTF-8" in encoding


def test_rows_keep_their_fields_as_in_the_file_for_the_rejected_rows_file():
    from geo.io.formats import read_table

    data = (HEAD + "a1,2017-01-01,Raqqa,airstrike,alleged,plain\n"
            "a2, 2017-01-02 ,Tabqa,airstrike,alleged,'=SUM(1)\n"
            "a3,2017-01-03\n"
            "a4,2017-01-04,Raqqa,airstrike,alleged,x,,\n").encode()
    table = read_table(data, name="in.csv")
    assert table.frame.iloc[1].tolist() == ["a2", "2017-01-02", "Tabqa", "airstrike",
                                            "alleged", "=SUM(1)"]
    assert len(table.originals) == 4
    assert table.originals[0] == ["a1", "2017-01-01", "Raqqa", "airstrike", "alleged", "plain"]
    assert table.originals[1] == ["a2", " 2017-01-02 ", "Tabqa", "airstrike", "alleged",
                                  "'=SUM(1)"]
    assert table.originals[2] == ["a3", "2017-01-03"]
    assert table.originals[-1] == ["a4", "2017-01-04", "Raqqa", "airstrike", "alleged", "x",
                                   "", ""]
    assert table.originals[1:3] == [table.originals[1], table.originals[2]]
