"""What an import would do, counted before it is written (both back ends): the preview
says what :meth:`IncidentStore.upsert` then does, and writes nothing."""

from __future__ import annotations

import pytest

from geo.errors import Invalid
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

ROWS = [
    {"id": "a", "date_start": "2017-10-05", "place": "Raqqah", "country": "SY",
     "latitude": "35.95", "longitude": "39.01", "killed_min": "3", "source_name": "SOHR"},
    {"id": "b", "date_start": "2017-10", "place": "Tabqa", "country": "SY",
     "latitude": "35.84", "longitude": "38.55", "event_type": "shelling"},
    {"id": "c", "date_start": "2018-11-01", "place": "al-Shaafah", "country": "SY"},
]


def test_an_empty_store_would_take_every_row_as_new(store):
    preview = store.preview_upsert(incidents(ROWS), origin="test")
    assert (preview.new, preview.changed, preview.unchanged) == (3, 0, 0)
    assert not preview.changes_nothing
    assert store.count() == 0


def test_the_same_file_again_would_change_nothing_and_writing_nothing_says_so(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    revision, history = store.revision(), len(store.history())
    preview = store.preview_upsert(incidents(ROWS), origin="test")
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, 3)
    assert preview.changes_nothing and preview.fields == {}
    assert (store.revision(), len(store.history())) == (revision, history)


def test_a_changed_file_names_the_fields_it_changes_as_the_import_then_does(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    changed = [dict(ROWS[0], killed_min="5", killed_max="8"),
               dict(ROWS[1], killed_max="2"), ROWS[2], {"id": "f", "date_start": "2019-01-01"}]
    preview = store.preview_upsert(incidents(changed), origin="test")
    assert (preview.new, preview.changed, preview.unchanged) == (1, 2, 1)
    assert preview.fields == {"killed_max": 2, "killed_min": 1}
    assert preview.examples["killed_max"] == ["a", "b"]
    done = store.upsert(incidents(changed), origin="test", who=ANALYST)
    assert (len(done.inserted), len(done.updated), len(done.unchanged)) == (1, 2, 1)


def test_a_field_an_analyst_corrected_is_counted_as_kept_not_changed(store):
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    store.edit("a", {"killed_min": "4"}, who=analyst("alice"), reason="second source")
    newer = [dict(ROWS[0], killed_min="6"), *ROWS[1:]]
    preview = store.preview_upsert(incidents(newer), origin="test")
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, 3)
    assert preview.kept == {"killed_min": 1} and preview.changes_nothing
    assert preview.kept_records == 1
    assert store.get("a")["killed_min"] == 4


def test_rows_the_store_would_refuse_are_refused_by_the_preview_too(store):
    frame = incidents(ROWS[:1])
    frame.loc[0, "place"] = "Raq\x00qah"  # past validation, as a caller might pass it
    with pytest.raises(Invalid, match="NUL"):
        store.preview_upsert(frame, origin="test")


def test_the_same_file_after_an_analysts_correction_says_the_correction_is_kept(store):
    """Trial 28: after one record's point was corrected, re-importing the unchanged file
    said all its rows were "in the store as the file gives them"."""
    store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    store.edit("a", {"latitude": "35.97", "longitude": "39.05"}, who=analyst("alice"),
               reason="imagery")
    preview = store.preview_upsert(incidents(ROWS), origin="test")
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, 3)
    assert preview.changes_nothing
    assert preview.kept_records == preview.corrected_records == 1
    assert {"latitude", "longitude"} <= set(preview.kept)
    done = store.upsert(incidents(ROWS), origin="test", who=ANALYST)
    assert not done.conflicts and store.get("a")["latitude"] == pytest.approx(35.97)
