"""The incident map: timeline, filters, map, details, table and a link to this view."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.render.details import escape_markdown, incident_label, incident_markdown
from geo.render.layers import base_map, group_by_place, ids_at, incident_group
from geo.render.table import TABLE_COLUMNS, incident_table
from geo.view.filters import apply_view
from geo.view.map_events import RETURNED_OBJECTS, read_map_events
from pages.shared import common, records, router, timebar, view_state

MAP_KEY = "incident_map"
TABLE_KEY = "incident_table"

router.ensure_router()
data = common.dataset()
domain = data.domain()
settings = common.settings()
view_state.ensure_session(domain)

# Events from the map and the table are handled before anything is drawn.
events = read_map_events(st.session_state.get(MAP_KEY), st.session_state["map_clicks"])
st.session_state["map_clicks"] = events.clicks
if events.center is not None and events.zoom is not None:
    view_state.set_map_view(events.center, events.zoom)
view_state.read_table_selection(st.session_state.get(TABLE_KEY))
timebar.read_brush(domain)

state = view_state.current(domain)
frame = data.incidents
result = apply_view(frame, state)
shown = frame[result.mask]
if events.clicked is not None:
    at_place = ids_at(shown, *events.clicked)
    if at_place:
        view_state.select(at_place[0])
        state = view_state.current(domain)

st.title("Incident map")
common.show_load_errors(data)
view_state.show_notes()

with st.sidebar:
    view_state.filter_widgets(domain)
    view_state.share_link(state, domain)

if domain.date_min is not None and domain.date_max is not None:
    # The chart applies every filter but the dates, and shades the selected range.
    others = apply_view(frame, view_state.without_dates(state))
    timebar.time_controls(domain, frame[others.mask])
else:
    st.caption("No incident in the data has a known date.")

on_map = shown[shown["off_map"] == ""]
st.markdown(common.count_line(len(frame), result, len(on_map)))

map_col, detail_col = st.columns([3, 2], gap="medium")
selected = view_state.selected_row(frame, state)
selected_at = None
if selected is not None and selected["off_map"] == "":
    selected_at = (float(selected["latitude"]), float(selected["longitude"]))

with map_col:
    # The base map opens at the requested position, which changes only when a link
    # or "reset view" sets it; moving the map or changing filters never remounts it.
    center, zoom = view_state.requested_map_view()
    st_folium(
        base_map(settings, (center[0], center[1]), zoom, domain.event_types),
        key=MAP_KEY,
        center=center,
        zoom=zoom,
        feature_group_to_add=incident_group(group_by_place(shown), selected_at),
        returned_objects=RETURNED_OBJECTS,
        height=560,
        use_container_width=True,
    )
    common.off_map_list(shown)

with detail_col:
    st.subheader("Details")
    if selected is None:
        st.info("Click an incident on the map, or a row of the table, to see its details.")
    else:
        if selected["id"] not in set(shown["id"]):
            st.warning("This incident is hidden by the current filters.")
        here = ids_at(shown, *selected_at) if selected_at is not None else []
        if len(here) > 1:
            st.markdown(f"**{len(here)} incidents at this place** (pick one):")
            by_id = frame.set_index("id")
            for incident_id in here:
                st.button(
                    escape_markdown(incident_label(by_id.loc[incident_id])),
                    key=f"pick-{incident_id}",
                    on_click=view_state.select,
                    args=(incident_id,),
                    type="primary" if incident_id == state.selected else "secondary",
                    width="stretch",
                )
        with st.container(border=True):
            st.markdown(incident_markdown(selected))
            flagged = selected.get("possible_duplicates")
            if isinstance(flagged, str) and flagged:
                st.warning(f"Possible duplicate of: {escape_markdown(flagged)}",
                           icon=":material/content_copy:")
        st.button("Clear selection", on_click=view_state.select, args=(None,))
        store = common.store()
        if store is not None:
            with st.expander("Correct this record"):
                records.edit_form(store, selected)
            with st.expander("History of corrections"):
                records.history(store, str(selected["id"]))

st.subheader(f"Incidents in view ({len(shown)})")
table = incident_table(shown)
st.dataframe(
    table,
    hide_index=True,
    column_order=TABLE_COLUMNS,
    on_select="rerun",
    selection_mode="single-row",
    key=TABLE_KEY,
)
view_state.remember_table(table)
records.export_box(frame, state, domain, len(shown), st.context.url or "")
view_state.write_url(state, domain)
