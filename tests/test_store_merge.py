"""New records folded into the grid, per-day counts and cubes (geo/store/pg_merge.py):
after an import (and an edit of a record still waiting), the merged tables equal a
rebuild from the records, and no cell or day was computed again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geo.store.pg_grid as pg_grid
from geo.geocoding.areas import default_areas
from geo.settings import load_settings
from geo.store.pg_facets import facet_counts
from geo.store.pg_grid import refresh_grid
from geo.store.pg_hits import resolve_text
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import SearchTerm, sync_search
from geo.store.query import QueryFilter
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, store  # noqa: F401 - fixture

pytestmark = pytest.mark.postgis

_TABLES = ("query_grid", "query_dates", "query_cube", "query_fine", "query_months",
           "query_facets")


def _tables(opened) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    conn = opened.connection()
    out = {}
    for table in _TABLES:
        cur = conn.execute(f'SELECT * FROM "{opened.schema}".{table}')
        names = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=names, dtype=object)
        keys = [n for n in names if n in pg_grid.KEYS_OF_TABLES]
        out[table] = frame.sort_values(keys).reset_index(drop=True)
    return out


def _count(opened, table: str) -> int:  # type: ignore[no-untyped-def]
    return int(opened.connection().execute(
        f'SELECT count(*) FROM "{opened.schema}".{table}').fetchone()[0])


def _equal_to_a_rebuild(opened, query: PostGISQuery) -> None:  # type: ignore[no-untyped-def]
    merged = _tables(opened)
    opened.connection().execute(
        f"DELETE FROM \"{opened.schema}\".store_meta WHERE key = 'query_grid'")
    assert refresh_grid(query) is True
    rebuilt = _tables(opened)
    for table in _TABLES:
        pd.testing.assert_frame_equal(merged[table], rebuilt[table], check_dtype=False,
                                      obj=table)


@pytest.mark.parametrize("seed", [21, 22])
def test_an_import_is_merged_as_a_rebuild_would_build_it(store, monkeypatch, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 300)), origin="test", who=ANALYST)
    query = PostGISQuery(store, default_areas())  # governorates: the facets' key
    query.sync_areas()
    sync_search(query, load_settings())
    assert refresh_grid(query) is True
    # new records: some at points old records hold (the same places), some elsewhere,
    # some undated or without coordinates; one moved and one re-dated before the refresh
    old = _random_rows(np.random.default_rng(seed), 300)
    new = _random_rows(rng, 60, prefix="n")
    for row, twin in zip(new[:20], old[:20], strict=True):
        for key in ("latitude", "longitude", "geo_precision"):
            if key in twin:
                row[key] = twin[key]
    store.upsert(incidents(new), origin="test2", who=ANALYST)
    who = analyst("a")
    store.edit("n0001", {"latitude": "34.1", "longitude": "36.2"}, who=who)
    store.edit("n0002", {"killed_min": "4", "killed_max": "40"}, who=who)
    query.sync_areas()
    sync_search(query, load_settings())
    assert _count(store, "query_dirty") == 0  # the waiting records' edits mark nothing
    assert _count(store, "query_new") >= 60

    def no_recompute(*args: object) -> None:
        raise AssertionError("an import alone computes no cell or day again")

    monkeypatch.setattr(pg_grid, "_update", no_recompute)
    monkeypatch.setattr(pg_grid, "_rebuild", no_recompute)
    assert refresh_grid(query) is True
    monkeypatch.undo()
    assert _count(store, "query_new") == 0
    # a governorate view and a killed range, from the merged facets: the rows' answer
    codes = sorted(r[0] for r in query.read(
        f'SELECT DISTINCT adm1_pcode FROM "{store.schema}".incidents WHERE adm1_pcode <> \'\''))
    assert codes
    for spec in (QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES,
                             admin1=(codes[0],)),
                 QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES,
                             killed=(10, None))):
        merged = facet_counts(query, spec)
        assert merged is not None and merged == query.counts(spec, skip=("__none__",))
    # a record folded in, then edited: its cells and days are computed again
    store.edit("n0003", {"latitude": "35.0", "longitude": "37.0"}, who=who)
    assert _count(store, "query_dirty") > 0
    assert refresh_grid(query) is True
    _equal_to_a_rebuild(store, query)


def test_a_table_with_a_column_it_cannot_merge_is_computed_again(store, monkeypatch):  # noqa: F811
    import geo.store.pg_merge as pg_merge

    rng = np.random.default_rng(4)
    store.upsert(incidents(_random_rows(rng, 200)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    store.upsert(incidents(_random_rows(rng, 30, prefix="n")), origin="t", who=ANALYST)
    # as if a new figure had been added to the cube: its rows are not merged
    monkeypatch.setattr(pg_merge, "_LOW", pg_merge._LOW - {"x_min"})
    assert refresh_grid(query) is True
    monkeypatch.undo()
    _equal_to_a_rebuild(store, query)


def test_a_copy_of_a_search_made_before_an_import_is_not_read_after_it(store, monkeypatch):  # noqa: F811
    import geo.store.pg_hitrows as pg_hitrows

    monkeypatch.setattr(pg_hitrows, "HITSET_MIN", 1)  # every match copied
    rng = np.random.default_rng(5)
    rows = _random_rows(rng, 200)
    for row in rows[::4]:
        row["description"] = "shelling near the market"
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    sync_search(query, load_settings())
    assert refresh_grid(query) is True
    spec = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES,
                       search=(SearchTerm("market"),))
    before, before_spec = pg_hitrows.hit_rows(query, resolve_text(query, spec))
    assert isinstance(before, pg_hitrows.HitQuery)
    assert before.counts(before_spec).shown == 50
    added = _random_rows(rng, 30, prefix="n")
    for row in added[:12]:
        row["description"] = "a market hit again"
    store.upsert(incidents(added), origin="test2", who=ANALYST)
    sync_search(query, load_settings())
    assert refresh_grid(query) is True  # merged
    after, after_spec = pg_hitrows.hit_rows(query, resolve_text(query, spec))
    assert isinstance(after, pg_hitrows.HitQuery)
    assert after.store.table("incidents").as_string(None) != \
        before.store.table("incidents").as_string(None)
    assert after.counts(after_spec).shown == 62 == query.counts(spec).shown
    # a correction after the merge: a new copy again, and the grid follows it
    store.edit("n0000", {"description": "quiet"}, who=analyst("a"))
    sync_search(query, load_settings())
    assert refresh_grid(query) is True
    again, again_spec = pg_hitrows.hit_rows(query, resolve_text(query, spec))
    assert again.counts(again_spec).shown == 61
    _equal_to_a_rebuild(store, query)
