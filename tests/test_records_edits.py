"""Edits of many records validated together (geo.store.records.apply_edits): the same
rows as one validation per record, and a failing record's own error."""

from __future__ import annotations

import pytest

from geo.store.records import InvalidEdit, apply_edit, apply_edits, frame_to_rows
from tests.helpers.store_data import incidents

_ROWS = [
    {"id": "a1", "date": "2016-03-01", "place": "Tartus", "country": "SY", "admin1": "Tartus",
     "latitude": "34.7", "longitude": "35.7", "fatalities": "3", "geo_precision": "2",
     "location_uncertainty_km": "25", "geocode_source": "given"},
    {"id": "a2", "date_start": "2016-04-02", "date_end": "2016-04-09", "place": "Baniyas",
     "country": "SY", "latitude": "35.18", "longitude": "35.95", "killed_min": "1",
     "killed_max": "7", "injured_min": "2", "description": "shelling", "type_of_violence": "1"},
    {"id": "a3", "date": "", "place": "Homs", "country": "SY", "latitude": "",
     "longitude": "", "geo_precision": "3", "source_url": "https://example.org/a3"},
]


def _edits() -> list[tuple[str, tuple, dict]]:
    rows = frame_to_rows(incidents(_ROWS))
    changes = [{"latitude": 34.889, "longitude": 35.886, "geocode_source": "analyst"},
               {"killed_max": "9", "description": "shelling of the port"},
               {"latitude": "34.73", "longitude": "36.71", "description": "near Homs"}]
    return [(str(r[0]), r, c) for r, c in zip(rows, changes, strict=True)]


def test_many_edits_give_the_rows_of_one_edit_each():
    edits = _edits()
    assert apply_edits(edits) == [apply_edit(*e) for e in edits]
    assert apply_edits(edits[:1]) == [apply_edit(*edits[0])]
    assert apply_edits([]) == []


def test_a_failing_record_raises_its_own_error():
    edits = _edits()
    edits[1] = (edits[1][0], edits[1][1], {"killed_max": "0", "killed_min": "4"})
    with pytest.raises(InvalidEdit) as many:
        apply_edits(edits)
    with pytest.raises(InvalidEdit) as one:
        apply_edit(*edits[1])
    assert [str(e) for e in many.value.errors] == [str(e) for e in one.value.errors]
    # a record the validation refuses: its own error, not another row's number
    edits = _edits()
    edits[2] = (edits[2][0], edits[2][1], {"latitude": "95", "longitude": "36"})
    with pytest.raises(InvalidEdit) as refused:
        apply_edits(edits)
    assert str(refused.value.errors[0]).startswith("edit of a3, row 1, latitude")
    with pytest.raises(InvalidEdit, match="not a field"):
        apply_edits([*edits[:1], ("a3", edits[2][1], {"nonsense": "1"})])
