"""The incident map: timeline, filters, map, details, table and a link to this view."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.render.aggregate_layer import aggregate_group, selected_marker
from geo.render.clusters import positions_at
from geo.render.details import escape_markdown, incident_markdown
from geo.render.draw import AreaSync
from geo.render.layers import ids_at
from geo.render.map_image import boundary_credits
from geo.render.table import PAGE_SIZE, page_rows
from geo.view.extent import rows_bounds
from geo.view.map_events import RETURNED_OBJECTS
from geo.view.state import ViewState
from pages.shared import (
    analyst_state,
    common,
    incident_list,
    map_data,
    map_fit,
    map_input,
    map_layout,
    map_print,
    map_store,
    records,
    router,
    samples,
    search_note,
    timebar,
    totals,
    type_note,
    view_state,
)

TABLE_KEY = "incident_table"
PLACE_LIST_KEY = "place_list"
PLACE_PAGE_SIZE = 20
#: Columns of the list of incidents at one place.
PLACE_COLUMNS = ["date", "event_type", "casualties", "claim_status", "claimed_by", "source"]

router.ensure_router()
if map_store.active():  # a large PostGIS store: every view is asked of the database
    map_store.page()
    st.stop()
data = common.dataset()
# beside sample incidents, a view opens on the dates of the analyst's own data
domain = samples.frame_data_dates(data.domain(), common.store(), data.incidents)
settings = common.settings()
view_state.ensure_session(domain)

# Events from the map and the table are handled before anything is drawn.
events = map_input.apply_map_events()
timebar.read_brush(domain)

state = view_state.current(domain)
frame = data.incidents
context = data.filter_context(common.lazy_geocoder())  # type: ignore[arg-type]
# Counts, totals, charts, table and export follow the map's bounds when asked; the
# map itself shows every incident the other filters let through.
# Every part of the page works on boolean masks and row positions over the shared
# frame: nothing copies it per rerun; each part takes only the rows it shows.
columns = map_data.columns(frame, domain.frame_key)
# The filtered incidents and the aggregates of a view are cached for every session.
result = map_data.view(frame, domain.frame_key, state, context)
n_shown = result.shown
selected_pos = map_data.position(frame, domain.frame_key, state.selected)
selected = frame.iloc[selected_pos] if selected_pos is not None else None
# A link without a map position (or "Reset view") opens on the incidents it shows, or
# on the incident it selects.
if map_fit.fit_if_opened(lambda: rows_bounds(
        frame["longitude"].to_numpy(dtype=float), frame["latitude"].to_numpy(dtype=float),
        result.mask & columns.drawn), lambda: map_fit.selection_bounds(selected)):
    state = view_state.current(domain)
map_skip = () if state.bbox is None else ("map bounds",)
map_mask = map_data.view(frame, domain.frame_key, state, context, map_skip).mask
if events.clicked is not None:
    at_place = ids_at(frame.iloc[positions_at(columns, map_mask, *events.clicked)],
                      *events.clicked)
    # One incident there: select it. Several: list them (never pick one for the analyst).
    st.session_state["listed_place"] = events.clicked if len(at_place) > 1 else None
    st.session_state[f"{PLACE_LIST_KEY}-page"] = 1
    if len(at_place) == 1:
        view_state.select(at_place[0])
    state = view_state.current(domain)  # the place listed travels in the link (at=)

st.title("Incident map")
map_print.print_styles()
common.show_load_errors(data)
samples.map_note(common.store(), len(frame), domain)
samples.empty_note(common.store(), len(frame))
view_state.show_notes()

with st.sidebar:
    view_state.filter_widgets(domain)
    analyst_state.filter_widgets(domain, data.areas, frame)
    view_state.share_link(state, domain)

# The timeline and the comparison of periods apply every filter but the dates (a mask
# cached per dataset and filters: a change of dates alone filters nothing again).
others = map_data.undated_mask(frame, domain.frame_key, state, context)

n_on_map = int(np.count_nonzero(result.mask & columns.drawn))
map_print.print_header(state, domain, n_shown, n_on_map, st.context.url or "", data.areas)
# Above the map only one row (the map in sight on opening at 1,400 x 900); the
# timeline is under it.
count_col, play_col, step_col, fit_col, follow_col = map_layout.count_row()
count_col.markdown(common.count_line(len(frame), result, n_on_map))
timebar.play_buttons(domain, play_col, step_col)
with count_col:
    timebar.dates_caption(domain)
    def _shown_of(view: ViewState) -> int:
        return map_data.view(frame, domain.frame_key, view, context).shown

    search_note.show(state, context, n_shown, _shown_of)
    type_note.show(state, domain, n_shown, _shown_of)
with fit_col:
    analyst_state.fit_button(
        map_data.located_bounds(frame, domain.frame_key, result.mask & columns.drawn))
with follow_col:
    analyst_state.follow_toggle()

map_col, detail_col = map_layout.map_columns()
selected_pos = map_data.position(frame, domain.frame_key, state.selected)
selected = frame.iloc[selected_pos] if selected_pos is not None else None
selected_at = None
if selected is not None and selected["off_map"] == "":
    selected_at = (float(selected["latitude"]), float(selected["longitude"]))

with map_col:
    # The base map opens at the requested position, which changes only when a link
    # or "reset view" sets it; moving the map or changing filters never remounts it.
    with map_layout.drawing():  # said where the map will be until it is drawn
        center, zoom = view_state.requested_map_view()
        fmap, position = map_fit.map_with_tools(settings, center, zoom, domain.event_types)
        # Only what is on screen (and around it) travels, aggregated at this zoom.
        aggregates = map_data.aggregates(
            frame, domain.frame_key, state, (map_data.filter_key(state), map_skip), map_mask)
        layer = aggregate_group(
            aggregates, selected_marker(selected) if selected is not None else None,
            view_state.chosen_dates(state),
        )
        layer.add_child(AreaSync(state.polygon))
        st_folium(
            fmap,
            key=map_input.MAP_KEY,
            **position,
            feature_group_to_add=layer,
            returned_objects=RETURNED_OBJECTS,
            height=map_layout.MAP_HEIGHT,
            use_container_width=True,
        )
    analyst_state.drawn_area_controls()
    common.off_map_list(frame.iloc[np.flatnonzero(result.mask & ~columns.drawn)])



def place_list(at_place: pd.DataFrame, ids: list[str]) -> None:
    """The incidents at one place, by date and paginated; a row selects one."""
    rows = at_place.set_index("id", drop=False).loc[ids].reset_index(drop=True)
    heading = incident_list.point_heading(rows["place"])
    st.markdown(f"**{escape_markdown(heading)}**: pick one to see it.")
    page = incident_list.page_number(PLACE_LIST_KEY, len(ids), PLACE_PAGE_SIZE)
    start = (page - 1) * PLACE_PAGE_SIZE
    incident_list.incident_rows(
        rows.iloc[start:start + PLACE_PAGE_SIZE], PLACE_LIST_KEY, len(ids), start,
        columns=PLACE_COLUMNS, selected=state.selected,
    )


with detail_col:
    st.subheader("Details")
    listed = st.session_state.get("listed_place")
    place_at = listed if listed is not None else selected_at
    at_place = (frame.iloc[positions_at(columns, result.mask, *place_at)]
                if place_at is not None else frame.iloc[:0])
    here = ids_at(at_place, *place_at) if place_at is not None else []
    if selected is None:
        if len(here) > 1:
            place_list(at_place, here)
        else:
            st.info("Click an incident on the map, or a row of the table, to see its details.")
    else:
        if selected_pos is not None and not result.mask[selected_pos]:
            st.warning("This incident is hidden by the current filters.")
        incident_list.placement_note(selected)
        with st.container(border=True):
            st.markdown(incident_markdown(selected))
            flagged = selected.get("possible_duplicates")
            if isinstance(flagged, str) and flagged:
                st.warning(f"Possible duplicate of: {escape_markdown(flagged)}",
                           icon=":material/content_copy:")
        st.button("Clear selection", on_click=view_state.select, args=(None,))
        store = common.store()
        if store is not None:
            saved = records.saved_note(str(selected["id"]))
            with st.expander("Correct this record", expanded=saved):
                records.edit_form(store, selected)
            with st.expander("History of corrections"):
                records.history(store, str(selected["id"]))
        # the others at its place under it: a link to one of many opens on its details
        if len(here) > 1:
            place_list(at_place, here)

# The timeline and playback's settings, under the map and Details.
if domain.date_min is not None and domain.date_max is not None:
    timebar.time_controls(domain, frame, others)
else:
    st.caption("No incident in the data has a known date.")

with st.container(key="no-print"):
    # Totals and charts work on the masks (no copy of the incidents in view), cached
    # per dataset and view; only the tab on screen is computed.
    dates = (state.date_from, state.date_to) \
        if state.date_from is not None and state.date_to is not None else None
    if state.compare is not None and totals.TAB_KEY not in st.session_state:
        st.session_state[totals.TAB_KEY] = totals.TABS[3]  # a link with a comparison
    tabs = st.tabs(list(totals.TABS), key=totals.TAB_KEY, on_change="rerun")
    opened = totals.open_tab(tabs)
    if opened == "Totals":
        with tabs[0]:
            totals.totals_panel(map_data.ViewTotals(frame, domain.frame_key, result.mask),
                                dates)
    elif opened == "Over time":
        with tabs[1]:
            totals.time_panel(map_data.ViewTotals(frame, domain.frame_key, result.mask), dates)
    elif opened == "By area":
        with tabs[2]:
            totals.area_panel(map_data.ViewTotals(frame, domain.frame_key, result.mask),
                              data.areas, dates)
    else:
        with tabs[3]:
            span = (domain.date_min, domain.date_max) if domain.date_min is not None \
                and domain.date_max is not None else None
            totals.compare_panel(map_data.ViewTotals(frame, domain.frame_key, others),
                                 dates, span)

st.subheader(f"Incidents in view ({n_shown:,})")
page = incident_list.page_number(TABLE_KEY, n_shown, PAGE_SIZE)
positions = page_rows(map_data.order(frame, domain.frame_key), result.mask, page, PAGE_SIZE)
incident_list.incident_rows(
    frame.iloc[positions], TABLE_KEY, n_shown, (page - 1) * PAGE_SIZE,
    selected=state.selected, forget=("listed_place",),
)
# Downloads are made on click from the data as it is then: what a session keeps between
# runs never holds this run's frame (after an edit it would stay alive per session).
later = common.dataset_later()
with st.container(key=map_print.NO_PRINT_EXPORTS):  # below the table, as in store mode
    records.export_box(later, state, domain, n_shown, st.context.url or "",
                       common.filter_context)
    map_print.map_image_box(
        common.shown_later(later, state), n_shown, n_on_map, state, domain, data.areas,
        st.context.url or "",
        st.session_state.get(analyst_state.BOUNDS),
        boundary_credits(settings.admin_paths),
    )
view_state.write_url(state, domain)
common.release_memory(domain.fingerprint)
timebar.continue_playback()
