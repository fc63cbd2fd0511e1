"""The sample incidents on the pages (AppTest): the map says when it shows them, the
Import page removes them without touching the analyst's records, and puts them back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MINE = [
    {"id": f"mine-{i}", "date_start": f"2016-03-{1 + i:02d}", "place": "Raqqah", "country": "SY",
     "latitude": "35.95", "longitude": f"{39 + i / 100:.2f}", "killed_min": str(i),
     "source_name": "SOHR"} for i in range(3)
]


@pytest.fixture
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    return path


def _run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sample_note(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info if "Sample data" in i.value)


def test_the_map_says_when_it_shows_sample_data_and_import_removes_only_them(store_path):
    at = _run()
    assert "the map shows only the 5 sample incidents" in _sample_note(at)
    store = open_store(str(store_path))
    store.upsert(incidents(MINE), origin="mine.csv", who=ANALYST)
    store.edit("mine-1", {"killed_min": 9}, who=ANALYST, reason="new report")
    mine = store.incidents().set_index("id").loc[[r["id"] for r in MINE]]
    history = store.history()
    mine_history = history[history["incident_id"].str.startswith("mine-")]

    at = _run()
    assert "5 of the 8 incidents in the store are samples" in _sample_note(at)

    page = _run("pages/import.py")
    assert page.button(key="samples-remove").label == "Remove the sample incidents"
    page.button(key="samples-remove").click().run()
    assert not page.exception, [e.message for e in page.exception]
    assert any("Removed 5 sample incidents" in s.value for s in page.success)

    after = open_store(str(store_path))
    assert sorted(after.incidents()["id"]) == ["mine-0", "mine-1", "mine-2"]
    pd.testing.assert_frame_equal(after.incidents().set_index("id").loc[mine.index], mine)
    history = after.history()
    pd.testing.assert_frame_equal(
        history[history["incident_id"].str.startswith("mine-")].reset_index(drop=True),
        mine_history.reset_index(drop=True))
    assert _sample_note(_run()) == ""  # the map no longer speaks of samples

    # ... and they can be put back
    page = _run("pages/import.py")
    assert not any(b.key == "samples-remove" for b in page.button)
    page.button(key="samples-restore").click().run()
    assert not page.exception, [e.message for e in page.exception]
    assert any("Put back the 5 sample incidents" in s.value for s in page.success)
    assert open_store(str(store_path)).count() == 8
    assert "5 of the 8 incidents in the store are samples" in _sample_note(_run())


def test_a_store_without_samples_is_offered_nothing(store_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    open_store(str(store_path)).upsert(incidents(MINE), origin="mine.csv", who=ANALYST)
    assert _sample_note(_run()) == ""
    page = _run("pages/import.py")
    assert not any(b.key in ("samples-remove", "samples-restore") for b in page.button)


def test_the_removal_says_how_many_changed_samples_it_kept(store_path):
    _run()  # the store is seeded
    store = open_store(str(store_path))
    sample = sorted(store.incidents()["id"])[0]
    store.edit(sample, {"killed_min": 9}, who=ANALYST, reason="checked it")
    page = _run("pages/import.py")
    page.button(key="samples-remove").click().run()
    assert not page.exception, [e.message for e in page.exception]
    [done] = [s.value.replace("\\", "") for s in page.success if "Removed" in s.value]
    assert "Removed 4 sample incidents" in done
    assert "1 sample incident changed since (corrected, or written over by an import) is kept" \
        in done
    assert open_store(str(store_path)).get(sample) is not None
