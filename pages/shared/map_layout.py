"""The map page's layout: the map and the Details column beside it.

The map gets most of the width (the trial of issue 14 found it 430 px wide in a
1,400 px window, beside Details): the page's side margins are narrowed on screen (not
on paper, see :mod:`pages.shared.map_print`) and Details takes 3 parts in 10.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

MAP_HEIGHT = 600
"""Height of the map in pixels."""
MAP_SHARE = (7, 3)
"""Widths of the map and Details columns, relative to each other."""
ROW_KEY = "map-row"
"""Key of the container of the map and Details (its CSS class is ``st-key-map-row``)."""

_SCREEN_CSS = """
<style>
@media screen {
  [data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; }
}
</style>
"""


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
