"""What the map sent back since the last run, applied before anything is drawn.

Shared by the map page in both of its modes (the shared frame, and a PostGIS store asked
directly): pan and zoom, the visible bounds and a drawn area go to the view state; the
click is returned for the page to resolve against its own incidents.
"""

from __future__ import annotations

import streamlit as st

from geo.view.map_events import MapEvents, read_bounds, read_drawn_area, read_map_events
from pages.shared import analyst_state, view_state

MAP_KEY = "incident_map"
_REPORTED = "_map_reported"
"""Session key of the last position the map reported (applied once)."""


def apply_map_events() -> MapEvents:
    """Apply the map's last answer (under :data:`MAP_KEY`) to the session's view.

    Returns
    -------
    MapEvents
        The events read; ``clicked`` is for the page to handle.
    """
    returned = st.session_state.get(MAP_KEY)
    events = read_map_events(returned, st.session_state["map_clicks"])
    st.session_state["map_clicks"] = events.clicks
    reported = (events.center, events.zoom)
    # The map's value holds its last report until it reports again: apply a position
    # once, so that one the page set since (a place shown, a fit, a link) is not put
    # back by the stale report ("Show a place on the map" left the link at the old
    # position until the map reported the new one, 3-6 s later: trial of issue 14).
    if events.center is not None and events.zoom is not None \
            and reported != st.session_state.get(_REPORTED):
        st.session_state[_REPORTED] = reported
        view_state.set_map_view(events.center, events.zoom)
    analyst_state.set_bounds(read_bounds(returned))
    drawn, st.session_state["_drawn_seen"] = read_drawn_area(
        returned, st.session_state.get("_drawn_seen"))
    if drawn is not None:
        analyst_state.set_polygon(drawn)
    return events
