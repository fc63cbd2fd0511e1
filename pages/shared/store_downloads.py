"""The downloads of the map page in store-driven mode: the export and the map image.

Both are made when their button is clicked, from the store as it is then (nothing is
kept between runs but the view's filters). The export (CSV, GeoJSON, GeoPackage) reads
the view's records with a server-side cursor a batch at a time
(:func:`geo.store.pg_export.view_batches`) and writes each batch on
(:func:`geo.render.export.export_batches`): the file frame mode writes for the same
view. The map image asks the database for one marker per group of incidents that draw
the same mark (:func:`geo.store.pg_image.image_marks`), never for the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from geo.render.details import counted
from geo.render.export import EXPORT_FORMATS, ExportFile, export_batches
from geo.render.map_image import boundary_credits
from geo.store.pg_export import view_batches
from geo.store.pg_image import image_marks
from geo.store.pg_query import Counts
from geo.view.state import ViewDomain, ViewState, view_link
from geo.view.store_view import store_rows
from geo.view.totals import Totals
from pages.shared import analyst_state, common, map_print
from pages.shared.store_tabs import StoreView


def export_box(view: StoreView, state: ViewState, domain: ViewDomain, counts: Counts) -> None:
    """Download the incidents in view as CSV, GeoJSON or GeoPackage, read from the store
    a batch at a time when the button is clicked.

    A view of more than ``INCIDENT_MAP_STORE_EXPORT_MAX`` incidents offers no download
    (Streamlit keeps a downloaded file in the server's memory) and says so.
    """
    settings = common.settings()
    limit = settings.store_export_max
    cols = st.columns([1, 2, 2], vertical_alignment="bottom")
    fmt = cols[0].selectbox("Export as", list(EXPORT_FORMATS), key="export-format",
                            format_func=str.upper)
    label = f"Download {counted(counts.shown, 'incident')}"
    if counts.shown > limit:
        cols[1].button(label, disabled=True, key="export-data", icon=":material/download:")
        cols[2].caption(f"An export holds up to {limit:,} incidents in this mode "
                        "(INCIDENT_MAP_STORE_EXPORT_MAX): narrow the filters or the dates.")
        return
    base = view_link(state, domain, st.context.url or "").split("?")[0]
    at = datetime.now(UTC).replace(microsecond=0)
    query, spec, shown, total = view.query, view.spec, counts.shown, counts.total
    extension, mime = EXPORT_FORMATS[fmt]

    def make() -> ExportFile:
        # each batch gets the frame's columns, so the file is the one frame mode writes
        batches = (store_rows(b, query.areas, settings) for b in view_batches(query, spec))
        return export_batches(batches, fmt, state, domain, shown=shown, total=total,
                              base_url=base, at=at)

    name = f"incidents-{at:%Y%m%dT%H%M%SZ}{extension}"
    cols[1].download_button(label, lambda: make().data, file_name=name, mime=mime,
                            icon=":material/download:", on_click="ignore", key="export-data")
    cols[2].download_button("Download the view's metadata", lambda: make().metadata_json(),
                            file_name=name + ".meta.json", mime="application/json",
                            on_click="ignore", key="export-meta")


def image_box(view: StoreView, state: ViewState, domain: ViewDomain, counts: Counts) -> None:
    """Download the map's current extent as a PNG or PDF page, its marks asked of the
    store when the button is clicked (see :func:`pages.shared.map_print.map_image_box`)."""
    settings = common.settings()
    query, spec, drawn = view.query, view.spec, counts.on_map
    bounds = st.session_state.get(analyst_state.BOUNDS)

    def marks() -> pd.DataFrame:
        return image_marks(query, spec, bounds, drawn)

    map_print.map_image_box(
        marks, counts.shown, counts.on_map, state, domain, query.areas,
        st.context.url or "", bounds,
        boundary_credits(settings.admin_paths), located=counts.on_map,
        sources=lambda: _by_count(view.totals()))


def _by_count(totals: Totals) -> list[str]:
    """The view's claimants, most incidents first (for the map image's credit)."""
    frame = totals.by_claimant.sort_values("incidents", ascending=False, kind="stable")
    return frame["claimant"].astype(str).tolist()

