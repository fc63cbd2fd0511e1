"""The facets (geo/store/pg_facets.py) against the real PostGIS: on randomized small
stores with governorates, views with a governorate or a killed range (no date cut) get
from the facets the rows' counts line, aggregates and totals, a killed range between
band edges is left to the rows, and a write updates the facets as a rebuild would; the
table page of such a view walked along the index is the sorted page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.geocoding.areas import default_areas
from geo.render.clusters import view_window
from geo.settings import load_settings
from geo.store.pg_facets import facet_cells, facet_counts, facet_figures
from geo.store.pg_grid import refresh_grid, walk_condition
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import sync_search
from geo.store.query import QueryFilter
from geo.view.store_totals import store_totals_parts
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_store_cube import _comparable, store  # noqa: F401 - fixture
from tests.test_store_cube_totals import _days, _from_rows, _rows

pytestmark = pytest.mark.postgis

_EVERY_DATE = (date(2015, 1, 1), date(2019, 12, 31))
_EXACT = [(10, None), (0, None), (3, 9), (None, 4), (15, 29), (1, None)]
"""Killed ranges at band edges (the facets answer them)."""
_BETWEEN = [(12, None), (None, 12), (4, 11)]
"""Killed ranges with an edge inside a band (left to the rows)."""
_ZOOMS = [(4, None), (5, (35.0, 38.5)), (6, (35.0, 38.5)), (6, None)]


def _specs(rng: np.random.Generator, codes: list[str], n: int) -> list[QueryFilter]:
    every = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)
    out = [replace(every, admin1=(codes[0],)), replace(every, killed=(10, None)),
           replace(every, admin1=(codes[1], ""), killed=(3, 9)),
           replace(every, killed=(10, None), bbox=(-120.0, -40.0, 45.0, 40.0))]
    for _ in range(n):
        dated = rng.random() < 0.5
        spec = QueryFilter(
            date_from=_EVERY_DATE[0] if dated else None,
            date_to=_EVERY_DATE[1] if dated else None,
            include_undated=bool(rng.random() < 0.6),
            event_types=tuple(t for t in EVENT_TYPES if rng.random() < 0.7) or EVENT_TYPES,
            claim_statuses=tuple(c for c in CLAIM_STATUSES if rng.random() < 0.75)
            or CLAIM_STATUSES,
            precisions=tuple(p for p in (1, 2, 3, 4) if rng.random() < 0.8))
        if rng.random() < 0.6:
            picked = rng.choice(codes, int(rng.integers(1, 3)), replace=False)
            spec = replace(spec, admin1=tuple(str(c) for c in picked))
        if rng.random() < 0.6 or not spec.admin1:
            spec = replace(spec, killed=_EXACT[int(rng.integers(len(_EXACT)))])
        out.append(spec)
    return out


def _cells_match(query: PostGISQuery, spec: QueryFilter, zoom: int, window, k: int) -> None:  # type: ignore[no-untyped-def]
    got = facet_cells(query, spec, zoom, window, 56)
    assert got is not None, (k, zoom)
    rows = _comparable(query.cells(spec, zoom, window, 56, use_grid=False))
    got = _comparable(got)
    assert ((got["places"] == 1) == (rows["places"] == 1)).all()
    assert (got["places"] >= rows["places"]).all()
    pd.testing.assert_frame_equal(got.drop(columns="places"), rows.drop(columns="places"),
                                  check_dtype=False, obj=f"spec {k} zoom {zoom}")


def _check(query: PostGISQuery, specs: list[QueryFilter], want: list) -> None:  # type: ignore[type-arg]
    for k, spec in enumerate(specs):
        got = facet_counts(query, spec)
        assert got == want[k], (k, spec)
        assert list(got.hidden_by) == list(want[k].hidden_by)  # the counts line's order
        assert query.counts(spec) == want[k]
        for zoom, centre in _ZOOMS:
            window = None if centre is None else view_window(centre, zoom)
            if window is None or facet_cells(query, spec, zoom, window, 56) is not None:
                _cells_match(query, spec, zoom, window, k)
        figures = facet_figures(query, spec, _days(spec))
        assert figures is not None
        pd.testing.assert_frame_equal(figures, _from_rows(query, spec), obj=f"spec {k}")


def _prepared(store, rng: np.random.Generator, n: int):  # type: ignore[no-untyped-def]  # noqa: F811
    store.upsert(incidents(_rows(rng, n)), origin="test", who=ANALYST)
    query = PostGISQuery(store, default_areas())
    query.sync_areas()
    sync_search(query, load_settings())
    present = query.read(f'SELECT DISTINCT adm1_pcode FROM "{store.schema}".incidents '
                         "WHERE adm1_pcode <> ''")
    codes = sorted(r[0] for r in present)
    assert len(codes) >= 3
    return query, codes


@pytest.mark.parametrize("seed", [12, 13])
def test_facets_answer_as_the_rows(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    query, codes = _prepared(store, rng, 400)
    specs = _specs(rng, codes, 10)
    want = [query.counts(spec) for spec in specs]  # no grid yet: one scan each
    pages = [query.table_page(spec, 2, 7, want[k].shown)["id"].tolist()
             for k, spec in enumerate(specs)]
    assert facet_counts(query, specs[0]) is None  # not built yet
    assert refresh_grid(query) is True
    # The table page of a governorate keeping under a tenth of the store is walked along
    # the table order's index (its second page is met early): the sorted page.
    assert want[0].shown * 10 < want[0].total
    assert walk_condition(query, specs[0], want[0].shown, 14) is not None
    assert walk_condition(query, specs[0], want[0].shown, 100_000) is None
    for k, spec in enumerate(specs):
        assert query.table_page(spec, 2, 7, want[k].shown)["id"].tolist() == pages[k], k
    assert any(w.hidden_by.get("governorate") for w in want)
    assert any(w.hidden_by.get("killed") for w in want)
    _check(query, specs, want)
    # the page's totals take the facets' sums: the same figures as the records'
    bundle = store_totals_parts(query, specs[1])
    assert bundle.parts["all"].incidents == want[1].shown
    # What the facets do not hold goes to the rows.
    for killed in _BETWEEN:
        assert facet_counts(query, replace(specs[1], killed=killed)) is None
        assert facet_cells(query, replace(specs[1], killed=killed), 5, None, 56) is None
    cut = replace(specs[0], date_from=date(2016, 3, 17), date_to=date(2016, 5, 9))
    assert facet_counts(query, cut) is None
    assert facet_figures(query, cut, _days(cut)) is None
    assert facet_cells(query, specs[0], 7, None, 56) is None  # closer than the cube
    assert facet_counts(query, replace(specs[0], admin2=("SY0200",))) is None
    assert facet_counts(query, replace(specs[1], injured=(1, None))) is None
    # a view of the cube's filters only is the cube's (unchanged path)
    assert facet_counts(query, QueryFilter(event_types=EVENT_TYPES[1:],
                                           claim_statuses=CLAIM_STATUSES)) is None


def _facet_rows(opened) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    cur = opened.connection().execute(f'SELECT * FROM "{opened.schema}".query_facets')
    names = [d.name for d in cur.description]
    frame = pd.DataFrame(cur.fetchall(), columns=names, dtype=object)
    return frame.sort_values(names[:11], key=lambda s: s.astype(str)).reset_index(drop=True)


def test_a_write_updates_the_facets_as_a_rebuild_would(store):  # noqa: F811
    rng = np.random.default_rng(21)
    query, codes = _prepared(store, rng, 300)
    assert refresh_grid(query) is True
    oid = f'"{store.schema}".query_facets'
    built = store.connection().execute("SELECT %s::regclass::oid", (oid,)).fetchone()[0]
    who = analyst("a")
    # a record moved to another governorate, a killed figure changed, coordinates removed
    store.edit("r0003", {"latitude": "33.51", "longitude": "36.28"}, who=who)
    store.edit("r0010", {"killed_min": "12", "killed_max": "40"}, who=who)
    store.edit("r0011", {"latitude": "", "longitude": "", "geo_precision": ""}, who=who)
    store.upsert(incidents(_rows(rng, 40, prefix="n")), origin="test2", who=ANALYST)
    query.sync_areas()
    sync_search(query, load_settings())
    specs = _specs(rng, codes, 6)
    assert facet_counts(query, specs[0]) is None  # older than the store
    assert refresh_grid(query) is True
    assert store.connection().execute(
        "SELECT %s::regclass::oid", (oid,)).fetchone()[0] == built  # updated in place
    incremental = _facet_rows(store)
    rows_counts = [query.counts(s, skip=("__none__",)) for s in specs]  # one scan each
    _check(query, specs, rows_counts)
    store.connection().execute(
        f"DELETE FROM \"{store.schema}\".store_meta WHERE key = 'query_grid'")
    assert refresh_grid(query) is True
    pd.testing.assert_frame_equal(incremental, _facet_rows(store), check_dtype=False)
