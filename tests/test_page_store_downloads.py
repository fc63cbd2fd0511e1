"""The downloads of the map page in store-driven mode, through AppTest against the real
PostGIS: each export format and the map image give frame mode's file for the same view
on the same store, without reading the store whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pyogrio
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from tests.helpers.store_data import app_on_postgis, refuse_full_read
from tests.test_page_map_store import _rows, _run

pytestmark = pytest.mark.postgis

PARAMS = {"type": ["airstrike", "clashes", "shelling"], "actor": ["group b"],
          "d": ["2016-02-01", "2016-09-30"]}
AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class _Clock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return AT


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        yield store


def _capture(monkeypatch) -> dict[str, object]:
    """File name -> the callable a download button would run when clicked."""
    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    for module in ("pages.shared.records", "pages.shared.store_downloads",
                   "pages.shared.map_print"):
        monkeypatch.setattr(f"{module}.datetime", _Clock)
    return made


def _files(mode: str, monkeypatch) -> dict[str, bytes]:
    """Every export format and image format of the view, as the page would download them."""
    made = _capture(monkeypatch)
    at = _run(mode, monkeypatch, PARAMS)
    for fmt in ("geojson", "gpkg", "csv"):
        at.selectbox(key="export-format").set_value(fmt).run()
        assert not at.exception, [e.message for e in at.exception]
    at.selectbox(key="map-image-format").set_value("png").run()
    return {name: fn() for name, fn in made.items()}  # type: ignore[operator]


def _frame(monkeypatch, store) -> None:
    monkeypatch.undo()
    monkeypatch.setenv("INCIDENT_DB", store.location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")


def test_store_mode_downloads_are_frame_mode_files(pg_store, monkeypatch, tmp_path):
    refuse_full_read(monkeypatch)
    got = _files("store", monkeypatch)
    stamp = "20261201T100000Z"
    expected = {f"incidents-{stamp}.{ext}" for ext in ("csv", "geojson", "gpkg")}
    expected |= {name + ".meta.json" for name in expected}
    expected.add(f"incident-map-{stamp}.png")
    assert expected <= set(got)
    doc = json.loads(got[f"incidents-{stamp}.geojson"])
    # even i (Group B), not bombing, February to September
    shown = sum(1 for i in range(0, 250, 2) if i % 4 != 3 and 2 <= 1 + i % 12 <= 9)
    assert len(doc["features"]) == doc["metadata"]["incidents"] == shown
    assert got[f"incident-map-{stamp}.png"].startswith(b"\x89PNG")

    _frame(monkeypatch, pg_store)
    want = _files("frame", monkeypatch)
    for name in expected:
        if name.endswith(".gpkg"):
            paths = [tmp_path / "store.gpkg", tmp_path / "frame.gpkg"]
            paths[0].write_bytes(got[name])
            paths[1].write_bytes(want[name])
            frames = [pyogrio.read_dataframe(p) for p in paths]
            pd.testing.assert_frame_equal(*frames)
            assert len(frames[0]) == shown
            infos = [pyogrio.read_info(p)["layer_metadata"] for p in paths]
            assert infos[0] == infos[1]
        else:
            assert got[name] == want[name], name


def test_a_view_over_the_export_limit_offers_no_file(pg_store, monkeypatch):
    refuse_full_read(monkeypatch)
    monkeypatch.setenv("INCIDENT_MAP_STORE_EXPORT_MAX", "10")
    made = _capture(monkeypatch)
    at = _run("store", monkeypatch, PARAMS)
    at.selectbox(key="export-format").set_value("gpkg").run()
    assert not any(name.startswith("incidents-") for name in made if name)
    assert any("An export holds up to 10 incidents" in c.value for c in at.caption)
    assert any(name.startswith("incident-map-") for name in made if name)  # the image still
