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


def test_a_corrected_sample_does_not_narrow_the_opening_dates(store_path):
    from datetime import date

    _run()  # the store is seeded
    store = open_store(str(store_path))
    sample = sorted(store.incidents()["id"])[0]
    store.edit(sample, {"killed_min": 9}, who=ANALYST, reason="checked it")
    at = _run()  # a corrected sample is still a sample, not the analyst's data
    assert _dates(at) == (date(2014, 9, 1), date(2018, 11, 13))
    assert "default dates" not in _sample_note(at)


def _dates(at: AppTest) -> tuple:
    return tuple(at.slider(key="f_dates").value)


def test_beside_samples_the_view_opens_on_the_analysts_dates_and_says_so(store_path):
    from datetime import date

    at = _run()  # the samples alone: their own span (2014-09-01 to 2018-11-13)
    assert _dates(at) == (date(2014, 9, 1), date(2018, 11, 13))
    assert "default dates" not in _sample_note(at)
    open_store(str(store_path)).upsert(incidents(MINE), origin="mine.csv", who=ANALYST)
    at = _run()
    # trial of issue 14: 2016 data opened on 2014-2018, the samples' years
    assert _dates(at) == (date(2016, 3, 1), date(2016, 3, 3))
    note = _sample_note(at)
    assert "The default dates, 2016-03-01 to 2016-03-03, follow your data" in note
    assert "2014-09-01 to 2018-11-13" in note and "Import page can remove them" in note
    # the two samples dated outside are hidden by the dates (one spans 2014-2018)
    assert any("Showing 6 of 8 incidents** · filtered out by date 2" in m.value
               for m in at.markdown), [m.value for m in at.markdown][:4]
    # the link of the opening view carries no dates: they are the default
    assert "from" not in at.query_params and "to" not in at.query_params


@pytest.mark.postgis
def test_store_mode_says_when_it_shows_samples_and_opens_on_the_analysts_dates(
        postgis_url, monkeypatch):
    from datetime import date

    from geo.store.samples import upsert_seed
    from tests.helpers.store_data import app_on_postgis

    with app_on_postgis(postgis_url, monkeypatch, MINE) as store:
        upsert_seed(store)
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
        at = _run()
        assert any("Views are asked of the PostGIS store" in c.value for c in at.caption)
        note = _sample_note(at)
        assert "5 of the 8 incidents in the store are samples" in note
        assert "They stay in a PostGIS store" in note
        assert "The default dates, 2016-03-01 to 2016-03-03, follow your data" in note
        assert _dates(at) == (date(2016, 3, 1), date(2016, 3, 3))


def _empty_note(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info if "No incidents yet" in i.value)


def test_an_empty_store_says_what_to_do(store_path, monkeypatch):
    # trial of issue 14: an empty store showed an empty map and no word
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    at = _run()
    note = _empty_note(at)
    assert "Import a file of incidents" in note and "python -m geo.ingest FILE" in note
    assert "sample incidents" not in note  # never seeded: none to put back
    assert [link.label for link in at.get("page_link")] == ["Import incidents"]
    types = next(m for m in at.multiselect if m.label == "Event type")
    assert types.placeholder == "No incidents yet"  # not "nothing shown", as if filtered
    open_store(str(store_path)).upsert(incidents(MINE), origin="mine.csv", who=ANALYST)
    assert _empty_note(_run()) == ""


def test_an_empty_store_whose_samples_were_removed_offers_them_back(store_path):
    _run()  # the store is seeded
    page = _run("pages/import.py")
    page.button(key="samples-remove").click().run()
    assert "put back the seed article's sample incidents there" in _empty_note(_run())


def test_an_empty_store_in_store_mode_says_what_to_do(postgis_url, monkeypatch):
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    location = f"{postgis_url}&schema={schema}"
    open_store(location).close()
    monkeypatch.setenv("INCIDENT_DB", location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
    try:
        at = _run()
        assert any("Views are asked of the PostGIS store" in c.value for c in at.caption)
        assert "Import a file of incidents" in _empty_note(at)
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
