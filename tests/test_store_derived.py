"""The derived columns of a PostGIS store in one resumable pass (geo/store/derived.py) and
the command that runs it (python -m geo.store sync): the same columns as the two syncs
the pages run, only the records waiting, resumed after an interruption."""

from __future__ import annotations

import uuid

import pytest

from geo.geocoding.areas import default_areas
from geo.settings import load_settings
from geo.store import open_store
from geo.store.__main__ import main
from geo.store.derived import PROGRESS_KEY, backlog, sync_derived
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import SEARCH_COLUMNS, sync_search
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis

_COLUMNS = ["adm1_pcode", "adm2_pcode", "area_radius_km", *SEARCH_COLUMNS]
_PLACES = [("36.2021", "37.1343", "Aleppo", "1"), ("35.9500", "39.0100", "الرقة", "1"),
           ("33.5138", "36.2765", "Damascus", "2"), ("34.7308", "36.7094", "Homs", "3"),
           ("33.8938", "35.5018", "Beirut", "1"), ("", "", "Tal Abyad", "")]


def _rows(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        lat, lon, place, precision = _PLACES[i % len(_PLACES)]
        rows.append({"id": f"d{i:03d}", "place": place, "country": "SY", "latitude": lat,
                     "longitude": lon, "geo_precision": precision,
                     "admin1": "Ar-Raqqa" if not lat else "",
                     "date_start": f"2017-{1 + i % 12:02d}-{1 + i % 27:02d}",
                     "actors": ["Coalition; ISIS", "SDF", ""][i % 3],
                     "source_name": ["SOHR", "Airwars", "Enab Baladi"][i % 3],
                     "claimed_by": ["", "Coalition", "SNHR"][i % 3],
                     "description": ["Strike on the Café Nour", "قصف على السوق", ""][i % 3],
                     "event_type": ["airstrike", "shelling", "clashes"][i % 3]})
    return rows


@pytest.fixture
def query(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    location = f"{postgis_url}&schema={schema}"
    store = open_store(location)
    store.upsert(incidents(_rows(30)), origin="test", who=ANALYST)
    yield PostGISQuery(store, default_areas())
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _columns(query: PostGISQuery) -> dict[str, tuple]:
    rows = query.read(f'SELECT id, {", ".join(_COLUMNS)} FROM "{query.store.schema}".incidents')
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _forget(query: PostGISQuery) -> None:
    """Back to a store whose derived columns were never computed."""
    conn = query.store.connection()
    schema = query.store.schema
    conn.execute(f'UPDATE "{schema}".incidents SET '
                 + ", ".join(f"{c} = NULL" for c in _COLUMNS))
    conn.execute(f"DELETE FROM \"{schema}\".store_meta WHERE key IN ('query_areas', "
                 f"'query_search', '{PROGRESS_KEY}')")


def test_one_pass_gives_the_columns_of_the_two_page_syncs(query):
    settings = load_settings()
    assert backlog(query, settings).waiting == 30
    assert sync_derived(query, settings, batch=7) == 30
    derived = _columns(query)
    assert derived["d000"][0].startswith("SY") and derived["d000"][4]  # area and text
    assert backlog(query, settings).waiting == 0
    # the page syncs then find nothing to do
    assert query.sync_areas() == 0 and sync_search(query, settings) == 0
    _forget(query)
    assert query.sync_areas() == 30 and sync_search(query, settings) == 30
    assert _columns(query) == derived


def test_only_the_records_written_since_are_computed(query):
    settings = load_settings()
    sync_derived(query, settings)
    query.store.edit("d004", {"latitude": "36.2021", "longitude": "37.1343"},
                     who=analyst("alice"), reason="moved to Aleppo")
    assert backlog(query, settings).waiting == 1
    assert sync_derived(query, settings) == 1
    assert _columns(query)["d004"][:2] == _columns(query)["d000"][:2]


def test_an_interrupted_sync_resumes_after_the_last_batch_written(query):
    settings = load_settings()
    lines: list[str] = []

    def stop_after_two(line: str) -> None:
        lines.append(line)
        if len(lines) == 3:  # the plan, then two batches written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_derived(query, settings, batch=10, report=stop_after_two)
    left = backlog(query, settings)
    assert left.waiting == 10 and left.resume_after > 0
    assert sync_derived(query, settings, batch=10) == 10
    assert backlog(query, settings).waiting == 0
    done = _columns(query)
    _forget(query)
    sync_derived(query, settings)
    assert _columns(query) == done


def test_the_command_syncs_and_says_what_waits(query, capsys):
    location = f"{query.store._url}&schema={query.store.schema}"
    assert main(["status", "--location", location]) == 0
    assert "30 records wait" in capsys.readouterr().out
    assert main(["sync", "--location", location, "--batch", "12"]) == 0
    out = capsys.readouterr().out
    assert "30 records to compute" in out and "24 of 30 records" in out
    assert "cube current" in out
    assert backlog(query, load_settings()).waiting == 0
    assert main(["status", "--location", location]) == 0
    assert "0 records wait" in capsys.readouterr().out


def test_the_command_refuses_what_is_not_a_postgis_store(tmp_path, capsys):
    assert main(["sync", "--location", str(tmp_path / "x.gpkg")]) == 2
    assert "not a postgresql:// URL" in capsys.readouterr().err


def test_memory_stays_flat_over_repeated_corrections_and_syncs(query):
    """What the first view after each correction runs in store mode (the derived columns
    of the corrected record, the grid's touched cells): nothing kept per edit."""
    import gc
    import tracemalloc

    from geo.store.pg_grid import refresh_grid

    settings = load_settings()
    sync_derived(query, settings)
    refresh_grid(query)
    who = analyst("alice")

    def edit(i: int) -> None:
        query.store.edit(f"d{i % 30:03d}", {"killed_min": str(i), "latitude": "35.5",
                                            "longitude": f"38.{i % 7}"},
                         who=who, reason="memory")
        assert sync_derived(query, settings) == 1
        refresh_grid(query)
        gc.collect()

    tracemalloc.start()
    try:
        for i in range(4):
            edit(i)
        warm = tracemalloc.get_traced_memory()[0]
        for i in range(4, 20):
            edit(i)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # 16 more edits: a few kilobytes of caches at most, not a copy of anything per edit
    assert after - warm < 128 * 1024, (warm, after)
