"""The search text's sync key (geo/store/pg_search.py): what the place files hold, not
where they sit, so a checkout at another path does not see every record as waiting."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from geo.settings import Settings, load_settings
from geo.store import open_store
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import _META_KEY, _path_key, search_settings_key, sync_search
from geo.store.pg_sync import synced_revision
from geo.view.live import LiveDataset
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents


def _places(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "places.csv").write_text(text, "utf-8")
    return folder / "places.csv"


def _index(folder: Path, meta: str, sizes: dict[str, int]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.json").write_text(meta, "utf-8")
    for name, size in sizes.items():
        (folder / name).write_bytes(b"x" * size)
    return folder


def _settings(places: Path, index: Path) -> Settings:
    return replace(load_settings(), places_path=places, gazetteer_index_path=index)


def test_the_key_follows_the_files_contents_not_their_paths(tmp_path):
    text = "name,latitude,longitude\nKobani,36.89,38.35\n"
    sizes = {"names.arrow": 10, "keys.arrow": 20}
    here = _settings(_places(tmp_path / "a", text),
                     _index(tmp_path / "a" / "index", '{"places": 2}', sizes))
    moved = _settings(_places(tmp_path / "elsewhere" / "b", text),
                      _index(tmp_path / "elsewhere" / "index", '{"places": 2}', sizes))
    assert search_settings_key(None, here) == search_settings_key(None, moved)
    other_places = _settings(_places(tmp_path / "c", text + "Tabqa,35.83,38.54\n"),
                             here.gazetteer_index_path)
    rebuilt = _settings(here.places_path,
                        _index(tmp_path / "d", '{"places": 3}', sizes))
    resized = _settings(here.places_path,
                        _index(tmp_path / "e", '{"places": 2}', {**sizes, "keys.arrow": 21}))
    keys = {search_settings_key(None, s) for s in (here, other_places, rebuilt, resized)}
    assert len(keys) == 4  # each change of content is a new key
    missing = _settings(tmp_path / "none.csv", tmp_path / "no-index")
    assert search_settings_key(None, missing) not in keys


@pytest.fixture
def query(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = open_store(f"{postgis_url}&schema={schema}")
    rows = [{"id": f"k{i}", "place": "Aleppo", "country": "SY", "latitude": "36.2",
             "longitude": "37.13", "date_start": "2016-03-0" + str(1 + i),
             "description": f"market strike {i}"} for i in range(3)]
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    query = PostGISQuery(store, LiveDataset(store).areas)
    yield query
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.mark.postgis
def test_a_checkout_at_another_path_finds_the_search_text_current(query, tmp_path):
    real = load_settings()
    text = real.places_path.read_text("utf-8") if real.places_path.exists() else ""
    here = replace(real, places_path=_places(tmp_path / "one", text))
    there = replace(real, places_path=_places(tmp_path / "two" / "data", text))
    assert sync_search(query, here) == 3
    assert sync_search(query, there) == 0  # same files at another path: nothing waits
    changed = replace(real, places_path=_places(tmp_path / "three", text + "\n"))
    assert sync_search(query, changed) == 3  # other spellings: computed again


@pytest.mark.postgis
def test_a_store_synced_under_the_old_path_key_keeps_its_sync(query, tmp_path):
    from geo.store.pg_sync import mark_synced

    settings = load_settings()
    assert sync_search(query, settings) == 3
    store = query.store
    conn, meta = store.connection(), store.table("store_meta")
    revision = store.revision()
    mark_synced(conn, meta, _META_KEY, revision, _path_key(query, settings))  # older release
    assert sync_search(query, settings) == 0
    wanted = search_settings_key(query.areas, settings)
    assert synced_revision(conn, meta, _META_KEY, wanted) == revision
