"""The totals of views the cube holds, summed from the per-day counts' figure sums
(geo/store/pg_cube.py ``cube_figures``): on randomized small stores with several
claimants, the same groups as the records' scan, before and after writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.settings import load_settings
from geo.store.pg_cube import cube_figures
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import sync_search
from geo.store.pg_totals import coarse_clauses, group_figures
from geo.view.store_totals import store_totals_parts
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents
from tests.test_store_cube import _random_rows, _random_specs, store  # noqa: F401 - fixture

pytestmark = pytest.mark.postgis

_SOURCES = ["SOHR", "SNHR", "Airwars", "SANA", ""]


def _rows(rng: np.random.Generator, n: int, prefix: str = "r") -> list[dict[str, str]]:
    rows = _random_rows(rng, n, prefix)
    for row in rows:
        row["source_name"] = _SOURCES[int(rng.integers(len(_SOURCES)))]
        if rng.random() < 0.3:
            row["deaths_civilians"] = str(int(rng.integers(0, 9)))
        if rng.random() < 0.05 and row.get("killed_min"):  # a flagged inverted range
            row["killed_max"] = str(max(0, int(row["killed_min"]) - 2))
        elif rng.random() < 0.2 and row.get("killed_min"):  # "at least N": open at the top
            row.pop("killed_max", None)
    return rows


def _days(spec) -> int | None:  # type: ignore[no-untyped-def]
    if spec.date_from is None or spec.date_to is None:
        return None
    return (spec.date_to - spec.date_from).days + 1


def _from_rows(query: PostGISQuery, spec) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    by_date, by_place = coarse_clauses(_days(spec))
    return group_figures(query, spec, ["claimant", "claim_status"],
                         flags=(("vague_date", by_date), ("vague_place", by_place)))


def _check(query: PostGISQuery, specs) -> int:  # type: ignore[no-untyped-def]
    answered = 0
    for k, spec in enumerate(specs):
        got = cube_figures(query, spec, _days(spec))
        if got is None:
            continue
        answered += 1
        pd.testing.assert_frame_equal(got, _from_rows(query, spec), obj=f"spec {k}")
    return answered


@pytest.mark.parametrize("seed", [5, 6])
def test_cube_totals_equal_the_records_scan(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_rows(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    sync_search(query, load_settings())
    specs = _random_specs(rng, 12)
    assert cube_figures(query, specs[0], None) is None  # no per-day counts yet
    refresh_grid(query)
    assert _check(query, specs) == len(specs)  # every view of the cube's filters
    claimants = set(_from_rows(query, specs[0])["claimant"])
    assert {"SOHR", "SNHR", "Airwars"} <= claimants
    # the page's totals: the same whichever path answers
    bundle = store_totals_parts(query, specs[-2])
    assert bundle.parts["all"].incidents == int(_from_rows(query, specs[-2])["incidents"].sum())
    # Writes: a source changed alone (only the claimant moves), a casualty figure, an import.
    first = "r0000"
    store.edit(first, {"source_name": "Another monitor"}, who=ANALYST)
    second = "r0001"
    store.edit(second, {"deaths_civilians": "40"}, who=ANALYST)
    store.upsert(incidents(_rows(rng, 30, prefix="new")), origin="test", who=ANALYST)
    query.sync_areas()
    sync_search(query, load_settings())
    assert refresh_grid(query) is True
    assert "another monitor" in {c.lower() for c in _from_rows(query, specs[0])["claimant"]}
    assert _check(query, specs) == len(specs)


def test_filters_the_cube_does_not_hold_are_summed_from_the_records(store):  # noqa: F811
    rng = np.random.default_rng(7)
    store.upsert(incidents(_rows(rng, 60)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    refresh_grid(query)
    spec = _random_specs(rng, 1)[0]
    from dataclasses import replace

    assert cube_figures(query, replace(spec, killed=(3, None)), None) is None
    assert cube_figures(query, replace(spec, admin1=("SY02",)), None) is None
