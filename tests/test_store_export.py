"""The exports of a view in store mode (geo/store/pg_export.py read in batches,
geo/render/export.py written a batch at a time): the frame export's file (CSV and GeoJSON
byte for byte, GeoPackage the same features and metadata)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
import pyogrio
import pytest

from geo.render.export import export_batches, export_view
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
        got = export_batches(batches, "csv", state, domain,
                             shown=counts.shown, total=counts.total,
                             base_url="http://x/map", at=AT)
        assert got.data == want.data, name
        assert got.metadata == want.metadata, name
        assert got.filename == want.filename and got.mime == want.mime
    assert b"undated market strike" in export_batches(
        view_batches(query, query_filter(base)), "csv", base, domain, shown=61, total=61).data


def _gpkg(data: bytes, folder) -> tuple[pd.DataFrame, dict]:
    path = folder / f"f{len(list(folder.iterdir()))}.gpkg"
    path.write_bytes(data)
    return (pyogrio.read_dataframe(path, layer="incidents"),
            pyogrio.read_info(path, layer="incidents")["layer_metadata"])


def test_batched_geojson_and_geopackage_are_the_frame_exports(both, tmp_path):  # noqa: F811
    _, live, query = both
    data = live.current()
    domain = data.domain()
    context = FilterContext(live.areas, _spellings)
    base = default_view(domain)
    views = {"all": base, "search": replace(base, query="market"),
             "dates": replace(base, date_from=date(2016, 3, 1), date_to=date(2016, 6, 30)),
             "none": replace(base, query="zzzz")}
    for name, state in views.items():
        spec = query_filter(state, context=context)
        counts = query.counts(spec)
        for fmt in ("geojson", "gpkg"):
            want = export_view(data.incidents, state, domain, fmt, base_url="http://x/map",
                               at=AT, context=context)
            batches = (store_rows(b, live.areas, live.settings)
                       for b in view_batches(query, spec, batch=7))
            got = export_batches(batches, fmt, state, domain, shown=counts.shown,
                                 total=counts.total, base_url="http://x/map", at=AT)
            assert got.metadata == want.metadata, (name, fmt)
            assert (got.filename, got.mime) == (want.filename, want.mime)
            if fmt == "geojson":
                assert got.data == want.data, name  # byte for byte
                doc = json.loads(got.data)
                assert len(doc["features"]) == counts.shown == doc["metadata"]["incidents"]
            else:
                (rows, meta), (want_rows, want_meta) = (_gpkg(got.data, tmp_path),
                                                        _gpkg(want.data, tmp_path))
                assert meta == want_meta and meta["incidents"] == str(counts.shown), name
                assert len(rows) == counts.shown, name
                pd.testing.assert_frame_equal(rows, want_rows, check_like=False)
    undated = json.loads(export_batches(view_batches(query, query_filter(base)), "geojson",
                                        base, domain, shown=61, total=61).data)
    assert any(f["geometry"] is None and f["id"] == "undated" for f in undated["features"])


def test_a_store_that_changed_during_the_export_says_so(both):  # noqa: F811
    _, live, query = both
    domain = live.current().domain()
    base = default_view(domain)
    got = export_batches(view_batches(query, query_filter(base)), "geojson", base, domain,
                         shown=70, total=70)
    assert got.metadata["incidents"] == 61
    assert got.metadata["note"] == "the view counted 70 incidents when the export began"
    assert json.loads(got.data)["metadata"]["note"] == got.metadata["note"]
