"""The CSV export of a view in store mode (geo/store/pg_export.py read in batches,
geo/render/export.py written a batch at a time): the frame export's file, byte for byte."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from geo.render.export import export_csv_batches, export_view
from geo.store.pg_export import view_batches
from geo.view.filters import FilterContext
from geo.view.state import default_view
from geo.view.store_view import query_filter, store_rows
from tests.test_store_search import _spellings, both  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgis

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_batched_store_export_is_the_frame_export(both):  # noqa: F811
    _, live, query = both
    data = live.current()
    domain = data.domain()
    context = FilterContext(live.areas, _spellings)
    base = default_view(domain)
    views = {"all": base, "search": replace(base, query="market"),
             "actor": replace(base, actors=("isis",)), "none": replace(base, query="zzzz")}
    for name, state in views.items():
        want = export_view(data.incidents, state, domain, "csv", base_url="http://x/map",
                           at=AT, context=context)
        spec = query_filter(state, context=context)
        counts = query.counts(spec)
        batches = (store_rows(b, live.areas, live.settings)
                   for b in view_batches(query, spec, batch=7))
        got = export_csv_batches(batches, state, domain,
                                 shown=counts.shown, total=counts.total,
                                 base_url="http://x/map", at=AT)
        assert got.data == want.data, name
        assert got.metadata == want.metadata, name
        assert got.filename == want.filename and got.mime == want.mime
    assert b"undated market strike" in export_csv_batches(
        view_batches(query, query_filter(base)), base, domain, shown=61, total=61).data
