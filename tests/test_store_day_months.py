"""The per-day counts summed by month (geo/store/pg_day_months.py): on randomized small
stores the counts line, timeline and totals of views the cube holds equal the records'
own answers and the per-day counts', with date ranges splitting months; the table stays
equal to one built again after edits and an import, and a store whose grid was made
without it gets it when opened."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

import geo.store.pg_day_months as day_months
from geo.store.pg_cube import cube_counts, cube_figures
from geo.store.pg_day_months import day_months_current, day_source, months_edges
from geo.store.pg_grid import META_KEY, refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.pg_totals import coarse_clauses, group_figures
from geo.view.store_view import timeline_from_store
from geo.view.timeline import bin_edges
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_store_cube import _TYPES, _random_rows, _random_specs, store  # noqa: F401
from tests.test_store_cube_totals import _rows as _rows_with_claimants

pytestmark = pytest.mark.postgis

_MONTHLY = (date(2015, 6, 1), date(2018, 12, 31))  # monthly bins
_WEEKLY = (date(2016, 1, 1), date(2017, 6, 30))  # weekly bins: the per-day counts


def _specs(rng: np.random.Generator) -> list:
    specs = _random_specs(rng, 10)
    base = specs[0]
    return [*specs,
            replace(base, date_from=date(2016, 4, 1), date_to=date(2016, 4, 30)),  # one month
            replace(base, date_from=date(2016, 4, 5), date_to=date(2016, 4, 20)),  # inside one
            replace(base, date_from=date(2016, 2, 1), date_to=date(2016, 7, 12)),  # the end cut
            replace(base, date_from=date(2016, 2, 11), date_to=date(2016, 7, 31),  # the start cut
                    include_undated=False),
            replace(base, date_from=date(2016, 2, 29), date_to=date(2017, 3, 1),
                    bbox=(-120.0, -40.0, 45.0, 40.0))]


def _days(spec) -> int | None:  # type: ignore[no-untyped-def]
    return None if spec.date_from is None else (spec.date_to - spec.date_from).days + 1


def _figures_from_rows(query: PostGISQuery, spec) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    by_date, by_place = coarse_clauses(_days(spec))
    return group_figures(query, spec, ["claimant", "claim_status"],
                         flags=(("vague_date", by_date), ("vague_place", by_place)))


def _timeline(query: PostGISQuery, spec, span) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return timeline_from_store(query, spec, span).sort_values(["start", "precision"]) \
        .reset_index(drop=True)


def _answers(query: PostGISQuery, specs: list) -> dict:
    """Counts, timelines and totals of ``specs`` by whichever path answers."""
    return {k: (query.counts(spec), _timeline(query, spec, _MONTHLY),
                _timeline(query, spec, _WEEKLY), _figures_from_rows(query, spec))
            for k, spec in enumerate(specs)}


def _by_day(query: PostGISQuery, specs: list, monkeypatch) -> dict:  # type: ignore[no-untyped-def]
    """The answers of the per-day counts (the month rows left out)."""
    with monkeypatch.context() as patched:
        patched.setattr(day_months, "day_months_current", lambda q: False)
        assert day_source(query, None, None) is None
        return _answers(query, specs)


def _check(query: PostGISQuery, specs: list, want: dict) -> None:
    """Every answer from the month rows equals ``want``."""
    assert day_months_current(query)
    for k, spec in enumerate(specs):
        assert day_source(query, spec.date_from, spec.date_to) is not None
        assert cube_counts(query, spec) == want[k][0], f"spec {k}"
        pd.testing.assert_frame_equal(_timeline(query, spec, _MONTHLY), want[k][1],
                                      obj=f"spec {k} monthly")
        pd.testing.assert_frame_equal(_timeline(query, spec, _WEEKLY), want[k][2],
                                      obj=f"spec {k} weekly")
        pd.testing.assert_frame_equal(cube_figures(query, spec, _days(spec)), want[k][3],
                                      obj=f"spec {k} totals")


def _differences(query: PostGISQuery) -> int:
    """Rows of the table and of one built again from the per-day counts that differ."""
    built = day_months._select(query, day_months.sql.SQL("TRUE"))  # noqa: SLF001
    table = day_months.day_months_table(query)
    row = query.store.connection().execute(day_months.sql.SQL(
        "SELECT (SELECT count(*) FROM (SELECT * FROM {t} EXCEPT ALL ({b})) a) + "
        "(SELECT count(*) FROM (({b}) EXCEPT ALL SELECT * FROM {t}) b)").format(
        t=table, b=built)).fetchone()
    return int(row[0])


def _table_rows(query: PostGISQuery, name: str) -> int:
    return int(query.store.connection().execute(
        f'SELECT count(*) FROM "{query.store.schema}".{name}').fetchone()[0])


def test_monthly_bins_are_month_starts():
    assert months_edges([e.date() for e in bin_edges(_MONTHLY)])
    assert not months_edges([e.date() for e in bin_edges(_WEEKLY)])


@pytest.mark.parametrize("seed", [3, 4])
def test_month_rows_give_the_records_answers(store, seed, monkeypatch):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_rows_with_claimants(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    specs = _specs(rng)
    want = _answers(query, specs)  # no grid yet: the records answer
    assert not day_months_current(query)
    assert refresh_grid(query) is True
    assert _table_rows(query, "query_dates_month") < _table_rows(query, "query_dates")
    assert _differences(query) == 0
    _check(query, specs, want)
    _check(query, specs, _by_day(query, specs, monkeypatch))  # the per-day counts: the same


def test_edits_and_an_import_keep_the_table_as_a_rebuild(store, monkeypatch):  # noqa: F811
    rng = np.random.default_rng(9)
    store.upsert(incidents(_rows_with_claimants(rng, 300)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    specs = _specs(rng)
    who = analyst("a")
    # A record moved to another month, one losing its dates, one changing type and
    # claim, one changing its source (claimant) and casualty figure.
    store.edit("r0010", {"date_start": "2017-02-14", "date_end": "2017-02-14",
                         "date_precision": "day", "event_type": _TYPES[1]}, who=who)
    store.edit("r0011", {"date_start": "", "date_end": "", "date_precision": ""}, who=who)
    store.edit("r0012", {"claim_status": "confirmed", "event_type": _TYPES[2]}, who=who)
    store.edit("r0013", {"source_name": "Another monitor", "killed_min": "12",
                         "killed_max": "15"}, who=who)
    assert refresh_grid(query) is True
    assert _differences(query) == 0
    _check(query, specs, _by_day(query, specs, monkeypatch))
    # An import: new records (merged into the kept tables) and an update of an old one.
    new = _rows_with_claimants(rng, 40, prefix="new")
    store.upsert(incidents(new), origin="test", who=who)
    store.edit("r0020", {"date_start": "2016-09-30", "date_end": "2016-10-02",
                         "date_precision": "range"}, who=who)
    assert refresh_grid(query) is True
    assert _differences(query) == 0
    _check(query, specs, _by_day(query, specs, monkeypatch))


def _forget(query: PostGISQuery) -> None:
    """The store as the previous layout left it: no table, metadata without the flag."""
    conn = query.store.connection()
    meta_table = query.store.table("store_meta")
    value = json.loads(conn.execute(day_months.sql.SQL(
        "SELECT value FROM {} WHERE key = %s").format(meta_table), (META_KEY,)).fetchone()[0])
    value.pop(day_months.META_FLAG)
    conn.execute(day_months.sql.SQL("UPDATE {} SET value = %s WHERE key = %s").format(
        meta_table), (json.dumps(value), META_KEY))


def test_a_store_of_the_previous_layout_gets_the_table_when_opened(store):  # noqa: F811
    rng = np.random.default_rng(11)
    store.upsert(incidents(_random_rows(rng, 200)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    specs = _specs(rng)
    _forget(query)
    store.connection().execute(day_months.sql.SQL("DROP TABLE {}").format(
        day_months.day_months_table(query)))
    # Not current: the per-day counts answer, as before.
    assert not day_months_current(query)
    assert day_source(query, None, None) is None
    want = _answers(query, specs)
    opened = PostGISQuery(store, None)  # type: ignore[arg-type]  # the migration builds it
    assert day_months_current(opened)
    assert _differences(opened) == 0
    _check(opened, specs, want)
    assert day_months.ensure_day_months(opened) is False  # once


def test_a_refresh_without_the_flag_builds_the_table_again(store, monkeypatch):  # noqa: F811
    rng = np.random.default_rng(12)
    store.upsert(incidents(_random_rows(rng, 200)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    specs = _specs(rng)
    # Code that does not keep the table refreshed the grid after a write: the table is
    # stale and the metadata does not say it is kept.
    _forget(query)
    store.edit("r0005", {"date_start": "2016-12-01", "date_end": "2016-12-03",
                         "date_precision": "range"}, who=analyst("b"))
    store.connection().execute(day_months.sql.SQL("DELETE FROM {}").format(
        day_months.day_months_table(query)))
    assert not day_months_current(query)
    assert refresh_grid(query) is True
    assert _differences(query) == 0
    _check(query, specs, _by_day(query, specs, monkeypatch))
