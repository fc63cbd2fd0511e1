"""The counts line of views with an area besides the cube's filters
(geo/store/pg_counts.py): on randomized small stores, the same figures as one scan of
every record."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from geo.geocoding.areas import default_areas
from geo.store.pg_counts import area_counts
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, _random_specs, store  # noqa: F401 - fixture

pytestmark = pytest.mark.postgis

_POLYGON = ((36.0, 34.5), (40.5, 34.5), (40.5, 37.2), (36.0, 37.2), (36.0, 34.5))


def _with_areas(rng: np.random.Generator, specs, codes1, codes2):  # type: ignore[no-untyped-def]
    out = []
    for spec in specs:
        pick = rng.random()
        if pick < 0.4:
            out.append(replace(spec, admin1=tuple(rng.choice(codes1, 2, replace=False))))
        elif pick < 0.6:
            out.append(replace(spec, admin2=(str(rng.choice(codes2)),)))
        elif pick < 0.7:
            out.append(replace(spec, polygon=_POLYGON))
        elif pick < 0.8:  # map bounds cutting the data, one across the antimeridian
            out.append(replace(spec, bbox=[(36.0, 34.0, 38.5, 36.5), (-80.0, -20.0, 38.0, 36.0),
                                           (170.0, -50.0, 38.0, 40.0)][int(rng.integers(3))]))
        else:
            out.append(replace(spec, admin1=(str(rng.choice(codes1)),), polygon=_POLYGON))
    return out


@pytest.mark.parametrize("seed", [8, 9])
def test_area_counts_equal_one_scan(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 400)), origin="test", who=ANALYST)
    areas = default_areas()
    query = PostGISQuery(store, areas)
    query.sync_areas()
    present = query.read("SELECT DISTINCT adm1_pcode, adm2_pcode FROM "
                         f'"{store.schema}".incidents WHERE adm1_pcode <> \'\'')
    codes1 = sorted({r[0] for r in present})
    codes2 = sorted({r[1] for r in present if r[1]})
    assert len(codes1) >= 3
    specs = _with_areas(rng, _random_specs(rng, 14), codes1, codes2)
    specs.append(replace(specs[0], admin1=("SY99",)))  # an area with no record
    specs.append(replace(specs[0], bbox=(36.0, 34.0, 38.5, 36.5)))
    specs.append(replace(specs[1], bbox=(170.0, -50.0, 38.0, 40.0), admin1=(codes1[0],)))
    specs.append(replace(specs[0], admin1=(codes1[0], ""), admin2=(codes2[0],)))
    want = [query.counts(spec) for spec in specs]  # before the grid: one scan each
    assert all(area_counts(query, s) is None for s in specs)  # nothing current yet
    refresh_grid(query)
    answered = 0
    for k, spec in enumerate(specs):
        got = area_counts(query, spec)
        if got is None:
            continue
        answered += 1
        assert got == want[k], (k, spec)
        assert list(got.hidden_by) == list(want[k].hidden_by)  # the counts line's order
        assert query.counts(spec) == want[k]
    assert answered >= len(specs) - 2
    assert any(w.hidden_by.get("governorate") for w in want)
    assert any(w.hidden_by.get("drawn area") for w in want)
    assert any(w.hidden_by.get("map bounds") for w in want)
    # a filter it does not count apart: the scan (a killed range at band edges with no
    # date cut is the facets', tests/test_store_facets.py)
    assert area_counts(query, replace(specs[0], admin1=(codes1[0],), injured=(3, None))) is None
