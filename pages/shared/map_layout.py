"""The map page's layout: the map and the Details column beside it.

The map gets most of the width (the trial of issue 14 found it 430 px wide in a
1,400 px window, beside Details): the page's side margins are narrowed on screen (not
on paper, see :mod:`pages.shared.map_print`) and Details takes 3 parts in 10. It is in
sight on opening at 1,400 x 900 (a later trial found it below the fold, under the
timeline and playback): above it only the title and one row, the count line with
Play/Pause, Step, the fit button and "Only what the map shows" (:func:`count_row`); the
timeline is under it, and the page's top margin is narrowed on screen too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import streamlit as st

MAP_HEIGHT = 600
"""Height of the map in pixels."""
MAP_SHARE = (7, 3)
"""Widths of the map and Details columns, relative to each other."""
ROW_KEY = "map-row"
"""Key of the container of the map and Details (its CSS class is ``st-key-map-row``)."""

DRAWING = "Drawing the map…"
"""What stands where the map will be while it is computed and drawn."""
_DRAWING_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40">'
    '<text x="120" y="26" text-anchor="middle" font-family="sans-serif" font-size="16" '
    f'fill="#555">{DRAWING}</text></svg>'
)
_SCREEN_CSS = """
<style>
@media screen {
  [data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem;
                                         padding-top: 3rem; }
}
/* Until the map has painted, the place where it will be says it is coming (trial 26:
   2-5 s of nothing under load). The component's frame is shown 0 px high (its height
   attribute "0") and white until the map reports its height: it hid the words and made
   the page jump (trial 27). Meanwhile the frame keeps the map's height, unseen, and the
   element holding it shows the words. */
iframe[title="streamlit_folium.st_folium"] { min-height: MAP_HEIGHTpx; }
iframe[title="streamlit_folium.st_folium"][height="0"] { opacity: 0; }
:has(> iframe[title="streamlit_folium.st_folium"][height="0"]) {
  background: #f2efe9 url("DRAWING_URL") center no-repeat;
}
</style>
""".replace("MAP_HEIGHT", str(MAP_HEIGHT)).replace(
    "DRAWING_URL", "data:image/svg+xml," + quote(_DRAWING_SVG))


COUNT_ROW_KEY = "count-row"
"""Key of the row above the map (its CSS class is ``st-key-count-row``)."""
COUNT_LINE_KEY = "count-line"
"""Key of the count line's part of that row."""
_ROW_CSS = """
<style>
/* The count line takes what the controls leave, down to 18rem; below that the controls
   go under it (trial 27: at 1,100 px the fixed columns cut "Play" to "P…"). */
[data-testid="stLayoutWrapper"]:has(> .st-key-count-line) { flex: 1 1 18rem;
                                                            min-width: 18rem; }
/* Play and Pause as wide as each other: the buttons beside do not move when it turns. */
.st-key-pb-play button { min-width: 6.2rem; }
</style>
"""


def count_row() -> tuple[Any, ...]:
    """The row above the map: count line, Play/Pause, Step, fit button, follow toggle.

    A row that wraps: the controls keep their natural width (their labels whole) and go
    under the count line, together, when the page is too narrow for both.

    Returns
    -------
    tuple
        Five containers: the count line's, then one for Play, Step, the fit button and
        the toggle (the same container: they appear in the order they are drawn).
    """
    st.html(_ROW_CSS)
    row = st.container(horizontal=True, key=COUNT_ROW_KEY, vertical_alignment="center",
                       gap="medium")
    count = row.container(key=COUNT_LINE_KEY, gap="small")
    controls = row.container(horizontal=True, width="content", vertical_alignment="center",
                             gap="small")
    return count, controls, controls, controls, controls


def map_columns() -> tuple[Any, Any]:
    """The map's column and the Details column, in a keyed row; narrow page margins.

    Returns
    -------
    tuple
        ``(map_column, details_column)``.
    """
    st.html(_SCREEN_CSS)
    row = st.container(key=ROW_KEY)
    map_col, detail_col = row.columns(list(MAP_SHARE), gap="medium")
    return map_col, detail_col


@contextmanager
def drawing() -> Iterator[None]:
    """Say "Drawing the map…" while the server computes the map (then the map's frame
    says it, with a CSS background, until the map paints over it)."""
    with st.spinner(DRAWING):
        yield
