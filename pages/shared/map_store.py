"""The map page in store-driven mode: every part of the view is asked of PostGIS.

Used instead of the shared frame when :func:`geo.view.store_view.use_store_queries`
says so (``INCIDENT_MAP_QUERY_MODE``): the page never reads the store whole. The
counts line, the map's aggregates, the timeline, the table page, the place list, the
off-map list and the selected incident are each one query
(:class:`geo.store.pg_query.PostGISQuery`), cached per store revision, filters and
map position for every session (``st.cache_data``: concurrent analysts looking at the
same view share one answer; a write gives a new revision, so nothing stale is shown).

Search, actor, source and source-type filters are SQL too (:mod:`geo.store.pg_search`),
the four totals tabs grouped sums (:mod:`pages.shared.store_tabs`), the exports a
batched read, and playback steps the dates as in frame mode (each step a view asked of
the store). The exports and the map image are read from the store when their button
is clicked (:mod:`pages.shared.store_downloads`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import StoreUnavailable
from geo.geocoding.areas import AdminAreas, default_areas
from geo.render.aggregate_layer import aggregate_group, selected_marker
from geo.render.clusters import CELL_PIXELS, Aggregates, view_window
from geo.render.details import escape_markdown, incident_markdown
from geo.render.draw import AreaSync
from geo.render.layers import ids_at
from geo.render.store_clusters import aggregates_from_cells
from geo.render.table import PAGE_SIZE
from geo.store import is_database_url
from geo.store.derived import sync_derived
from geo.store.pg_cell_details import place_claimants
from geo.store.pg_grid import refresh_grid
from geo.store.pg_hitrows import hit_rows
from geo.store.pg_hits import resolve_text
from geo.store.pg_query import Counts, PostGISQuery, Summary
from geo.store.pg_search import text_choices, top_countries
from geo.store.postgis import PostGISStore
from geo.store.query import QueryFilter
from geo.view.filters import FilterContext
from geo.view.map_events import RETURNED_OBJECTS
from geo.view.spellings import search_spellings
from geo.view.state import ViewDomain, ViewState
from geo.view.store_totals import PARTS, TotalsParts, store_area_stats, store_totals_parts
from geo.view.store_view import (
    dates_without,
    query_filter,
    spec_key,
    store_domain,
    store_rows,
    timeline_from_store,
    use_store_queries,
)
from geo.view.totals import Totals
from pages.shared import (
    analyst_state,
    common,
    incident_list,
    map_fit,
    map_input,
    map_layout,
    map_print,
    records,
    samples,
    search_note,
    store_downloads,
    store_sync,
    store_tabs,
    timebar,
    totals,
    type_note,
    view_state,
)
from pages.shared.incident_list import page_count
from pages.shared.store_parallel import run_together

TABLE_KEY = "incident_table"
PLACE_LIST_KEY = "place_list"
PLACE_PAGE_SIZE = 20
PLACE_COLUMNS = ["date", "event_type", "casualties", "claim_status", "claimed_by", "source"]
OFF_MAP_LIMIT = 1000
"""Incidents not on the map listed under it (the count says how many there are)."""
_ENTRIES = 64
"""Answers kept per kind of query (views of every session together)."""


# -- which mode ---------------------------------------------------------------------------


@st.cache_data(max_entries=4, show_spinner=False)
def _count(location: str, revision: int, _store: PostGISStore) -> int:
    return _store.count()


def active() -> bool:
    """Whether the map page asks the store (PostGIS, and the query mode says so)."""
    s = common.settings()
    if s.data_file is not None or s.query_mode == "frame" or not is_database_url(s.database):
        return False  # the embedded store keeps the shared frame
    opened = common.store()
    if not isinstance(opened, PostGISStore):
        return False
    count = None if s.query_mode == "store" else _count(
        s.database, opened.revision(), opened)
    return use_store_queries(s, opened.kind, count)


# -- shared, cached answers -----------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def _areas(paths: tuple[str, ...]) -> AdminAreas:
    return default_areas()


@st.cache_resource(show_spinner="Preparing the store's queries…", max_entries=2)
def _query(location: str, paths: tuple[str, ...], _store: PostGISStore) -> PostGISQuery:
    return PostGISQuery(_store, _areas(paths))


@st.cache_resource(show_spinner="Reading what the store holds…", max_entries=2)
def _domain(location: str, revision: int, _query: PostGISQuery
            ) -> tuple[Summary, ViewDomain, tuple[int, ...], tuple[str, ...],
                       dict[str, list[str]]]:
    # the area columns and search text of the records written since the last view
    sync_derived(_query, common.settings())
    refresh_grid(_query)  # the cell grid country and region views are grouped from
    summary = _query.summary()
    domain = store_domain(_query, summary, common.settings().content_fingerprint_max)
    return (summary, domain, _query.violence_codes(),
            top_countries(_query), text_choices(_query))


@st.cache_data(show_spinner=False, max_entries=4)
def _dates_without(location: str, revision: int, ids: tuple[str, ...], _query: PostGISQuery
                   ) -> tuple[date | None, date | None]:
    return dates_without(_query, ids)


@st.cache_resource(show_spinner=False, max_entries=2)
def _context(location: str, countries: tuple[str, ...], _areas: AdminAreas
             ) -> FilterContext:
    """Search terms naming an area or a place, as in frame mode (the geocoder is built
    only when a search names something the areas do not)."""
    return FilterContext(_areas, search_spellings(common.lazy_geocoder(), countries))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _counts(location: str, revision: int, key: str, _query: PostGISQuery,
            _spec: QueryFilter) -> Counts:
    return _query.counts(_spec)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _aggregates(location: str, revision: int, key: str, zoom: int,
                window: tuple[float, float, float, float], _query: PostGISQuery,
                _spec: QueryFilter) -> Aggregates:
    cells = _query.cells(_spec, zoom, window, CELL_PIXELS)
    # deaths per claimant and top places read the window's records: up to a bound
    most = common.settings().map_details_max
    if int(cells["count"].sum()) > most:
        return replace(aggregates_from_cells(cells, zoom), details_left_out=most)
    return aggregates_from_cells(cells, zoom, place_claimants(_query, _spec, window))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _timeline(location: str, revision: int, key: str, window: tuple, _query: PostGISQuery,
              _spec: QueryFilter) -> pd.DataFrame:
    return timeline_from_store(_query, _spec, window)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _table(location: str, revision: int, key: str, page: int, shown: int,
           _query: PostGISQuery, _spec: QueryFilter) -> pd.DataFrame:
    rows = _query.table_page(_spec, page, PAGE_SIZE, shown)
    return store_rows(rows, _query.areas, common.settings())


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _at_place(location: str, revision: int, key: str, lat: float, lon: float,
              _query: PostGISQuery, _spec: QueryFilter) -> pd.DataFrame:
    return store_rows(_query.at_place(_spec, lat, lon), _query.areas, common.settings())


@st.cache_data(max_entries=16, show_spinner=False)
def _off_map(location: str, revision: int, key: str, _query: PostGISQuery,
             _spec: QueryFilter) -> pd.DataFrame:
    rows = _query.off_map(_spec, OFF_MAP_LIMIT)
    return store_rows(rows, _query.areas, common.settings())


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _totals(location: str, revision: int, key: str, _query: PostGISQuery,
            _spec: QueryFilter) -> TotalsParts:
    # every part the Totals tab shows and the vague counts: one scan of the view
    return store_totals_parts(_query, _spec)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _area_figures(location: str, revision: int, key: str, level: int, claimant: str | None,
                  part: str, _query: PostGISQuery, _spec: QueryFilter) -> pd.DataFrame:
    names = dict(_query.areas.options(level)) if _query.areas else {}
    return store_area_stats(_query, _spec, level, names, claimant, part)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _extent(location: str, revision: int, key: str, _query: PostGISQuery,
            _spec: QueryFilter) -> tuple[float, float, float, float] | None:
    # the bounds a link without a position and "Fit the map to these" fit the map to
    return _query.extent(_spec)


@st.cache_data(max_entries=256, show_spinner=False)
def _record(location: str, revision: int, incident_id: str, _query: PostGISQuery
            ) -> pd.DataFrame:
    return store_rows(_query.get(incident_id), _query.areas, common.settings())


class _View:
    """The cached answers of one view (store location, revision and filters)."""

    def __init__(self, query: PostGISQuery, location: str, revision: int,
                 state: ViewState, context: FilterContext) -> None:
        self.query, self.location, self.revision = query, location, revision
        self.context = context
        spec = query_filter(state, context=context)
        # the map shows around the bounds
        map_spec = query_filter(state, bounds=False, context=context)
        self.key, self.map_key = spec_key(spec), spec_key(map_spec)
        # text filters asked once (kept per revision), then by the matching records' ids
        self.spec = resolve_text(query, spec, revision)
        self.map_spec = resolve_text(query, map_spec, revision)
        # many matches: every question but the counts line asks a copy of them, once
        self.rows, self.rows_spec = hit_rows(query, self.spec)
        self.map_rows, self.map_rows_spec = hit_rows(query, self.map_spec)

    def counts(self) -> Counts:
        return _counts(self.location, self.revision, self.key, self.query, self.spec)

    def shown_of(self, state: ViewState) -> int:
        """How many incidents another view of the store shows (its counts, cached)."""
        spec = query_filter(state, context=self.context)
        return _counts(self.location, self.revision, spec_key(spec), self.query,
                       resolve_text(self.query, spec, self.revision)).shown

    def aggregates(self, zoom: int, window: tuple[float, float, float, float]) -> Aggregates:
        return _aggregates(self.location, self.revision, self.map_key, zoom, window,
                           self.map_rows, self.map_rows_spec)

    def timeline(self, window: tuple) -> pd.DataFrame:
        # Every filter but the dates: a change of dates alone asks nothing again.
        key = spec_key(replace(self.spec, date_from=None, date_to=None))
        return _timeline(self.location, self.revision, key, window, self.rows,
                         self.rows_spec)

    def table(self, page: int, shown: int) -> pd.DataFrame:
        return _table(self.location, self.revision, self.key, page, shown, self.rows,
                      self.rows_spec)

    def at_place(self, lat: float, lon: float, *, on_map: bool = True) -> pd.DataFrame:
        rows, spec, key = (self.map_rows, self.map_rows_spec, self.map_key) if on_map \
            else (self.rows, self.rows_spec, self.key)
        return _at_place(self.location, self.revision, key, lat, lon, rows, spec)

    def off_map(self) -> pd.DataFrame:
        return _off_map(self.location, self.revision, self.key, self.rows, self.rows_spec)

    def totals(self, part: str = "all") -> Totals:
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
        return _totals(self.location, self.revision, self.key, self.rows,
                       self.rows_spec).parts[part]

    def coarse_counts(self) -> tuple[int, int]:
        return _totals(self.location, self.revision, self.key, self.rows,
                       self.rows_spec).coarse_counts

    def prefetch(self, zoom: int, window: tuple[float, float, float, float],
                 timeline: tuple | None, table_page: int, with_totals: bool) -> None:
        """Ask the view's independent questions at the same time (each answer goes to
        the shared cache, so the page's calls that follow are cache hits): the counts
        line then the table page it clamps, the map, the timeline and the totals."""
        def counts_and_table() -> None:
            shown = self.counts().shown
            self.table(min(max(table_page, 1), page_count(shown, PAGE_SIZE)), shown)

        calls: list[Callable[[], object]] = [
            counts_and_table, lambda: self.aggregates(zoom, window)]
        if timeline is not None:
            calls.append(lambda: self.timeline(timeline))
        if with_totals:
            calls.append(self.coarse_counts)
        run_together(calls, common.settings().store_query_threads)

    def areas(self, level: int, claimant: str | None = None, part: str = "all"
              ) -> pd.DataFrame:
        return _area_figures(self.location, self.revision, self.key, level, claimant, part,
                             self.rows, self.rows_spec)

    def record(self, incident_id: str | None) -> pd.Series | None:
        if not incident_id:
            return None
        rows = _record(self.location, self.revision, incident_id, self.query)
        return None if rows.empty else rows.iloc[0]


def _int(value: object) -> int:
    """A page number kept in the session, as the page picker reads it (1: none)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 1
    return int(value)


# -- the page ---------------------------------------------------------------------------


def _place_list(rows: pd.DataFrame, ids: list[str], selected: str | None) -> None:
    rows = rows.set_index("id", drop=False).loc[ids].reset_index(drop=True)
    heading = incident_list.point_heading(rows["place"])
    st.markdown(f"**{escape_markdown(heading)}**: pick one to see it.")
    page = incident_list.page_number(PLACE_LIST_KEY, len(ids), PLACE_PAGE_SIZE)
    start = (page - 1) * PLACE_PAGE_SIZE
    incident_list.incident_rows(
        rows.iloc[start:start + PLACE_PAGE_SIZE], PLACE_LIST_KEY, len(ids), start,
        columns=PLACE_COLUMNS, selected=selected,
    )


def _off_map_list(view: _View, n: int) -> None:
    if n <= 0:
        return
    rows = view.off_map()
    common.off_map_list(rows)
    if n > len(rows):
        st.caption(f"{n:,} incidents in view are not on the map; the list above holds the "
                   f"first {len(rows):,} by date (narrow the filters to see the others).")


def page() -> None:
    """The map page answered by the store (call from ``pages/map.py``).

    A database that stops answering mid-way gives its reason, never a traceback.
    """
    try:
        _page()
    except StoreUnavailable as exc:
        st.error(escape_markdown(f"The incident store cannot be used: {exc}"),
                 icon=":material/error:")


def _page() -> None:
    settings = common.settings()
    opened = common.store()
    assert isinstance(opened, PostGISStore)
    location = settings.database
    query = _query(location, tuple(str(p) for p in settings.admin_paths), opened)
    if store_sync.too_far_behind(query, settings):
        return
    revision = opened.revision()
    summary, domain, violence, countries, options = _domain(location, revision, query)
    # beside sample incidents, a view opens on the dates of the analyst's own data
    domain = samples.data_dates(domain, opened,
                                lambda ids: _dates_without(location, revision, ids, query))
    view_state.ensure_session(domain)

    # Events from the map and the table are handled before anything is drawn.
    events = map_input.apply_map_events()
    timebar.read_brush(domain)  # a range dragged across the timeline: those dates

    state = view_state.current(domain)
    view = _View(query, location, revision, state, _context(location, countries, query.areas))
    # A link without a map position (or "Reset view") opens on the incidents it shows,
    # or on the incident it selects.
    if map_fit.fit_if_opened(
            lambda: _extent(location, revision, view.key, query, view.spec),
            lambda: map_fit.selection_bounds(view.record(state.selected))):
        state = view_state.current(domain)  # its filters, hence ``view``, are the same
    if events.clicked is not None:
        here = ids_at(view.at_place(*events.clicked), *events.clicked)
        st.session_state["listed_place"] = events.clicked if len(here) > 1 else None
        st.session_state[f"{PLACE_LIST_KEY}-page"] = 1
        if len(here) == 1:
            view_state.select(here[0])
        state = view_state.current(domain)  # the place listed travels in the link (at=)

    st.title("Incident map")
    map_print.print_styles()
    samples.map_note(opened, summary.count, domain)
    samples.empty_note(opened, summary.count)
    view_state.show_notes()
    st.caption(f"Views are asked of the PostGIS store ({summary.count:,} incidents), "
               "not loaded into the app.")

    with st.sidebar:
        view_state.filter_widgets(domain)
        analyst_state.filter_widgets(
            domain, query.areas, pd.DataFrame({"type_of_violence": list(violence)}),
            options=options)
        view_state.share_link(state, domain)

    dated = domain.date_min is not None and domain.date_max is not None
    view.prefetch(state.zoom, view_window(state.center, state.zoom),
                  timebar.zoom_window(domain) if dated else None,
                  _int(st.session_state.get(f"{TABLE_KEY}-page", 1)),
                  st.session_state.get(totals.TAB_KEY) in (None, totals.TABS[0]))
    counts = view.counts()
    # Above the map only one row (the map in sight on opening); the timeline is under it.
    count_col, play_col, step_col, fit_col, follow_col = map_layout.count_row()
    count_col.markdown(common.count_line(counts.total, counts, counts.on_map))
    timebar.play_buttons(domain, play_col, step_col)
    with count_col:
        timebar.dates_caption(domain)
        search_note.show(state, view.context, counts.shown, view.shown_of)
        type_note.show(state, domain, counts.shown, view.shown_of)
    fit_col.button("Fit the map to these", key="fit-map", icon=":material/fit_screen:",
                   disabled=counts.on_map == 0,
                   on_click=lambda: analyst_state.fit_map(
                       _extent(location, revision, view.key, query, view.spec)),
                   help="Move and zoom the map to show every incident in view.")
    with follow_col:
        analyst_state.follow_toggle()

    map_col, detail_col = map_layout.map_columns()
    selected = view.record(state.selected)
    with map_col:
        with map_layout.drawing():  # said where the map will be until it is drawn
            center, zoom = view_state.requested_map_view()
            fmap, position = map_fit.map_with_tools(settings, center, zoom, domain.event_types)
            aggregates = view.aggregates(state.zoom, view_window(state.center, state.zoom))
            layer = aggregate_group(
                aggregates, selected_marker(selected) if selected is not None else None,
                view_state.chosen_dates(state))
            layer.add_child(AreaSync(state.polygon))
            st_folium(fmap, key=map_input.MAP_KEY, **position, feature_group_to_add=layer,
                      returned_objects=RETURNED_OBJECTS, height=map_layout.MAP_HEIGHT,
                      use_container_width=True)
        analyst_state.drawn_area_controls()
        _off_map_list(view, counts.shown - counts.on_map)

    with detail_col:
        st.subheader("Details")
        listed = st.session_state.get("listed_place")
        place_at = listed
        if place_at is None and selected is not None and selected["off_map"] == "":
            place_at = (float(selected["latitude"]), float(selected["longitude"]))
        at_place = view.at_place(*place_at, on_map=False) if place_at is not None else None
        here = ids_at(at_place, *place_at) if at_place is not None and place_at else []
        if selected is None:
            if len(here) > 1 and at_place is not None:
                _place_list(at_place, here, state.selected)
            else:
                st.info("Click an incident on the map, or a row of the table, to see its "
                        "details.")
        else:
            incident_list.placement_note(selected)
            with st.container(border=True):
                st.markdown(incident_markdown(selected))
            st.button("Clear selection", on_click=view_state.select, args=(None,))
            saved = records.saved_note(str(selected["id"]))
            with st.expander("Correct this record", expanded=saved):
                records.edit_form(opened, selected)
            with st.expander("History of corrections"):
                records.history(opened, str(selected["id"]))
            # the others at its place under it: a link to one of many opens on its details
            if len(here) > 1 and at_place is not None:
                _place_list(at_place, here, state.selected)

    # The timeline and playback's settings, under the map and Details.
    if dated:
        timebar.time_controls(domain, None, None, counts=view.timeline)
    else:
        st.caption("No incident in the store has a known date.")

    with st.container(key="no-print"):
        store_tabs.totals_tabs(view, counts.shown, state, domain)

    st.subheader(f"Incidents in view ({counts.shown:,})")
    page_no = incident_list.page_number(TABLE_KEY, counts.shown, PAGE_SIZE)
    incident_list.incident_rows(
        view.table(page_no, counts.shown), TABLE_KEY, counts.shown,
        (page_no - 1) * PAGE_SIZE, selected=state.selected, forget=("listed_place",))
    with st.container(key=map_print.NO_PRINT_EXPORTS):  # below the table, as in frame mode
        store_downloads.export_box(view, state, domain, counts)
        store_downloads.image_box(view, state, domain, counts)
    view_state.write_url(state, domain)
    timebar.continue_playback()  # while playing: each step is a view asked of the store

