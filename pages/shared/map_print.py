"""The map on paper: a PNG/PDF download of the current map, and a print stylesheet.

The image is drawn on the server (:func:`geo.render.map_image.map_image`) over the
admin boundaries, so it needs no tile server; it holds the legend, a scale bar, the
date range, the filters and the permalink. The print stylesheet makes the browser's
own print of the page give the map, the count and what the view is, not the controls.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from shapely.geometry import Polygon

from geo.geocoding.areas import AdminAreas
from geo.render.map_image import (
    IMAGE_FORMATS,
    MapSheet,
    describe_params,
    incidents_credit,
    map_image,
)
from geo.view.state import PARAMS, ViewDomain, ViewState, encode_view, view_link

#: URL parameter -> words on the sheet ("" leaves it out: dates have their own line).
PARAM_LABELS: dict[str, str] = {
    PARAMS["dates"]: "", PARAMS["lat"]: "", PARAMS["lon"]: "", PARAMS["zoom"]: "",
    PARAMS["fingerprint"]: "", PARAMS["selected"]: "",
    PARAMS["event_types"]: "Event type", PARAMS["claim_statuses"]: "Claim status",
    PARAMS["precisions"]: "Location precision", PARAMS["query"]: "Search",
    PARAMS["include_undated"]: "Undated incidents shown (1 yes, 0 no)",
    "admin1": "Governorate", "admin2": "District", "actor": "Actor", "source": "Source",
    "min_killed": "Killed at least", "max_killed": "Killed at most",
    "min_injured": "Injured at least", "max_injured": "Injured at most",
    "min_civilian_deaths": "Civilian deaths at least",
    "max_civilian_deaths": "Civilian deaths at most",
    "violence": "Type of violence (UCDP code)", "source_type": "Source's event type",
    "poly": "", "bbox": "Only the map's bounds (W,S,E,N)", "compare": "",
    PARAMS["place_only"]: "Search only at the place, not in the text (1 yes)",
    PARAMS["listed"]: "",
}

_PRINT_CSS = """
<style>
.print-only { display: none; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stSidebarCollapsedControl"], .stButton, .stDownloadButton,
  [data-testid="stDateInput"], [data-testid="stSlider"], [data-testid="stSelectbox"],
  [data-testid="stNumberInput"], [data-testid="stMultiSelect"], [data-testid="stCheckbox"],
  [data-testid="stButtonGroup"], [data-testid="stExpander"], [data-testid="stVegaLiteChart"],
  [data-testid="stDataFrame"], [data-testid="stCode"], [data-testid="stCaptionContainer"],
  [data-testid="stTextInput"], .st-key-no-print, .st-key-no-print-exports {
    display: none !important; }
  .print-only { display: block !important; font: 10pt sans-serif; margin-bottom: 4mm; }
  .print-only a { color: #000; word-break: break-all; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; position: static !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  iframe[title="streamlit_folium.st_folium"] { break-inside: avoid; }
}
</style>
"""

#: Key of the container of the downloads under the table (never printed).
NO_PRINT_EXPORTS = "no-print-exports"


def print_styles() -> None:
    """Add the print stylesheet to the page."""
    st.html(_PRINT_CSS)


def sheet_lines(state: ViewState, domain: ViewDomain, shown: int, on_map: int,
                areas: AdminAreas | None = None) -> list[str]:
    """What a printout says about the view: dates, filters and counts."""
    lines = []
    if state.date_from is not None and state.date_to is not None:
        lines.append(f"Dates: {state.date_from.isoformat()} to {state.date_to.isoformat()}")
    params = encode_view(state, domain)
    if areas:
        for key in ("admin1", "admin2"):
            if key in params:
                params[key] = [areas.name(code) for code in params[key]]
    lines += describe_params(params, PARAM_LABELS)
    if state.polygon:
        lines.append(f"Inside a drawn area of {len(state.polygon)} corners (outlined)")
    lines.append(f"{shown} incident{'s' if shown != 1 else ''} in view, {on_map} on the map")
    return lines


def print_header(state: ViewState, domain: ViewDomain, shown: int, on_map: int,
                 page_url: str, areas: AdminAreas | None = None) -> None:
    """A block shown only on paper: what the view is and the link that reopens it."""
    link = view_link(state, domain, page_url)
    items = "".join(f"<li>{html.escape(line)}</li>"
                    for line in sheet_lines(state, domain, shown, on_map, areas))
    st.html(
        f'<div class="print-only"><ul>{items}</ul>Reopen this view: '
        f'<a href="{html.escape(link)}">{html.escape(link)}</a></div>'
    )


def map_image_box(
    rows: Callable[[], pd.DataFrame],
    shown: int,
    on_map: int,
    state: ViewState,
    domain: ViewDomain,
    areas: AdminAreas | None,
    page_url: str,
    bounds: tuple[float, float, float, float] | None,
    credits: list[str],
    located: int | None = None,
    sources: Callable[[], Sequence[str]] | None = None,
) -> None:
    """Download the current map as a PNG or PDF page (made only when clicked).

    ``rows`` gives the incidents shown (``shown``, ``on_map`` of them with a map
    location) when the image is made: this run's frame is not held until a click.
    In store mode it gives the markers inside ``bounds`` only, and ``located`` says how
    many located incidents the view holds (see :func:`geo.render.map_image.map_image`).
    ``sources`` gives the claimants of the view (one per incident, or distinct ones most
    frequent first) for the incidents' credit; None: the ``claimant`` column of ``rows``.
    """
    cols = st.columns([1, 3], vertical_alignment="bottom")
    fmt = cols[0].selectbox("Map image as", list(IMAGE_FORMATS), key="map-image-format",
                            format_func=str.upper)
    at = datetime.now(UTC).replace(microsecond=0)
    sheet = MapSheet(
        title="Incident map",
        lines=[*sheet_lines(state, domain, shown, on_map, areas),
               f"Made {at:%Y-%m-%d %H:%M} UTC"],
        permalink=view_link(state, domain, page_url),
        credits=credits,
    )
    levels = list(areas.levels.values()) if areas else []

    def make() -> bytes:
        frame = rows()
        named = sources() if sources is not None else (
            frame["claimant"].fillna("").astype(str).tolist() if "claimant" in frame else [])
        credited = replace(sheet, credits=[*credits, incidents_credit(named)])
        return map_image(frame, credited, areas=levels, bounds=bounds,  # type: ignore[arg-type]
                         fmt=fmt, drawn=_polygon(state), located=located)

    cols[1].download_button(
        f"Download the map ({fmt.upper()})", make,
        file_name=f"incident-map-{at:%Y%m%dT%H%M%SZ}.{fmt}",
        mime=IMAGE_FORMATS[fmt], icon=":material/map:", on_click="ignore", key="map-image",
        help="The map's current extent with legend, scale, dates, filters and this view's "
        "link, drawn over the admin boundaries (no tile server needed). For the page "
        "itself, use the browser's print: it prints the map and the view, not the controls.",
    )
    if bounds is not None:
        west, south, east, north = bounds
        st.caption(f"The image covers the map's current extent ({south:.2f}° to {north:.2f}° N, "
                   f"{west:.2f}° to {east:.2f}° E).")
    else:
        st.caption("The image covers the incidents in view (the map has not reported its "
                   "extent yet).")


def _polygon(state: ViewState) -> Polygon | None:
    return Polygon(state.polygon) if state.polygon else None
