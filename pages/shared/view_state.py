"""The analyst's view in Streamlit session state, and its round trip through the URL.

The URL is read once per session (and again if the data changes); after that the
widgets own the view and the URL follows them. Encoding and decoding are in
:mod:`geo.view.state`; this module only moves values between it, the widgets and
``st.query_params``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from geo.render.details import escape_markdown, isolate
from geo.view.map_events import same_position
from geo.view.search import unsearched
from geo.view.state import (
    MAX_QUERY_LENGTH,
    MAX_ZOOM,
    MIN_ZOOM,
    PARAMS,
    ViewDomain,
    ViewState,
    decode_view,
    default_view,
    encode_view,
    round_center,
    view_link,
)
from geo.vocab import COORD_DECIMALS, EVENT_TYPES, PRECISION_LABELS
from pages.shared import analyst_state, map_fit

_DATES, _TYPES, _CLAIMS, _PREC = "f_dates", "f_types", "f_claims", "f_prec"
_QUERY, _UNDATED, _PLACE_ONLY = "f_query", "f_undated", "f_place_only"
_WIDGETS = (_DATES, _TYPES, _CLAIMS, _PREC, _QUERY, _UNDATED, _PLACE_ONLY)
_SHADOW = "_filter_values"
_RESET = "_reset_requested"
DATES_KEY = _DATES
"""Session-state key of the selected date range (the date slider's)."""


def ensure_session(domain: ViewDomain) -> None:
    """Load the view from the URL at the start of a session; keep it when the data changes.

    When the data changes under a session (an import, a correction, a colleague's
    edit), the analyst's view is kept and only checked against the new data: what
    no longer fits (a deleted incident, dates outside the new span) falls back to
    its default with a note.
    """
    ss = st.session_state
    # Streamlit forgets the values of widgets not drawn in a run (another page).
    for key, value in ss.get(_SHADOW, {}).items():
        if key not in ss:
            ss[key] = value
    seen = ss.get("_view_fingerprint")
    if seen is None:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        _load(decode_view(params, domain), domain)
    elif seen != domain.fingerprint:
        kept = {
            name: value if isinstance(value, list) else [value]
            for name, value in encode_view(current(domain), domain).items()
            if name != PARAMS["fingerprint"]
        }
        state = decode_view(kept, domain)
        _load(state, domain, keep_map=True)
        ss["notes"] = [f"The data changed: {note}" for note in state.notes]
    if ss.pop(_RESET, False):  # the reset button was clicked
        reset(domain)
    ss["_view_fingerprint"] = domain.fingerprint
    ss.setdefault("map_clicks", 0)


def _load(state: ViewState, domain: ViewDomain, keep_map: bool = False) -> None:
    ss = st.session_state
    if state.date_from is not None and state.date_to is not None:
        ss[_DATES] = (state.date_from, state.date_to)
    else:
        ss.pop(_DATES, None)
    ss[_TYPES] = list(state.event_types)
    ss[_CLAIMS] = list(state.claim_statuses)
    ss[_PREC] = list(state.precisions)
    ss[_QUERY] = state.query
    ss[_UNDATED] = state.include_undated
    ss[_PLACE_ONLY] = state.place_only
    if not keep_map:
        ss["map_view"] = (state.center, state.zoom)
        ss["map_request"] = (state.center, state.zoom)
        if state.fit:  # no position in the link: fitted to the selected incident, or
            # to what the filters show
            map_fit.open_fitted(selected=bool(state.selected))
    ss["selected"] = state.selected
    ss["listed_place"] = state.listed
    ss["notes"] = list(state.notes)
    analyst_state.load(state)


def reset(domain: ViewDomain) -> None:
    """Back to the default view, the map fitted to every incident."""
    _load(replace(default_view(domain), fit=True), domain)


def _request_reset() -> None:
    # Callback of the reset button: its arguments would stay with the session after the
    # run (a domain would keep data alive), so it takes none; the next run resets the
    # view against the data's domain (see ensure_session).
    st.session_state[_RESET] = True


def current(domain: ViewDomain) -> ViewState:
    """The view the widgets and the map hold now."""
    ss = st.session_state
    ss[_SHADOW] = {key: ss[key] for key in (*_WIDGETS, *analyst_state.WIDGETS) if key in ss}
    dates = ss.get(_DATES) or (domain.date_min, domain.date_max)
    center, zoom = ss.get("map_view", (domain.center, domain.zoom))
    return analyst_state.extend(ViewState(
        date_from=dates[0],
        date_to=dates[1],
        event_types=_in_order(ss.get(_TYPES), domain.event_types),
        claim_statuses=_in_order(ss.get(_CLAIMS), domain.claim_statuses),
        precisions=_in_order(ss.get(_PREC), domain.precisions),
        center=center,
        zoom=zoom,
        query=(ss.get(_QUERY) or "")[:MAX_QUERY_LENGTH],
        include_undated=bool(ss.get(_UNDATED, True)),
        place_only=bool(ss.get(_PLACE_ONLY, False)),
        selected=ss.get("selected"),
        listed=_point(ss.get("listed_place")),
    ))


def _point(value: object) -> tuple[float, float] | None:
    """The listed place as a link keeps it (rounded), None for none."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    return round(float(value[0]), COORD_DECIMALS), round(float(value[1]), COORD_DECIMALS)


def _in_order(values: object, allowed: tuple) -> tuple:
    if values is None:
        return allowed
    chosen = set(values)  # type: ignore[call-overload]
    return tuple(v for v in allowed if v in chosen)


def without_dates(state: ViewState) -> ViewState:
    """The same view over all dates (what the timeline chart counts)."""
    return replace(state, date_from=None, date_to=None)


def chosen_dates(state: ViewState) -> tuple[date, date] | None:
    """The dates chosen (from, to), or None when the view is not cut by date."""
    if state.date_from is None or state.date_to is None:
        return None
    return state.date_from, state.date_to


def set_map_view(center: tuple[float, float], zoom: float) -> None:
    """Record the map position the map reports."""
    zoom_level = int(min(MAX_ZOOM, max(MIN_ZOOM, round(zoom))))
    requested_center, requested_zoom = st.session_state["map_request"]
    if zoom_level == requested_zoom and same_position(center, requested_center, zoom_level):
        # The map only snapped the requested position to its pixel grid.
        st.session_state["map_view"] = (requested_center, requested_zoom)
    else:
        st.session_state["map_view"] = (round_center(*center), zoom_level)


def requested_map_view() -> tuple[list[float], int]:
    """Centre and zoom to pass to the map: they change only when a link or reset sets them."""
    center, zoom = st.session_state["map_request"]
    return [center[0], center[1]], zoom


def select(incident_id: str | None) -> None:
    """Select an incident (None clears the selection)."""
    st.session_state["selected"] = incident_id


def bring_into_view(lat: float, lon: float) -> None:
    """Pan the map onto a point outside the bounds it shows, keeping its zoom (the link
    then carries the new position); a point in view, or bounds not known, leave it."""
    ss = st.session_state
    bounds = ss.get(analyst_state.BOUNDS)
    if bounds is None or "map_view" not in ss:
        return
    west, south, east, north = bounds
    if west <= lon <= east and south <= lat <= north:
        return
    view = (round_center(lat, lon), ss["map_view"][1])
    ss["map_request"] = view
    ss["map_view"] = view


def selected_row(frame: pd.DataFrame, state: ViewState) -> pd.Series | None:
    """The selected incident's row, if it exists in the data."""
    if not state.selected:
        return None
    rows = frame[frame["id"] == state.selected]
    return None if rows.empty else rows.iloc[0]


def show_notes() -> None:
    """Notes about the link that opened this view, until dismissed."""
    notes = st.session_state.get("notes") or []
    if not notes:
        return
    with st.container(border=True):
        st.warning(
            "Some of this link could not be used:\n\n"
            + "\n".join(f"- {escape_markdown(n)}" for n in notes),
            icon=":material/link_off:",
        )
        st.button("Dismiss", key="dismiss-notes", on_click=st.session_state.pop,
                  args=("notes", None))


def filter_widgets(domain: ViewDomain, search_off: str | None = None) -> None:
    """Sidebar filters; their values live in session state.

    ``search_off``: why the search is not applied (it is then shown disabled, its
    value kept in the view and the link).
    """
    st.header("Filters")
    empty = "No incidents yet" if not domain.event_types else None  # an empty store
    st.multiselect("Event type", domain.event_types, key=_TYPES,
                   placeholder=empty or "No event type: nothing shown")
    missing = [t for t in EVENT_TYPES if t not in domain.event_types]
    if domain.event_types and missing:
        # a source such as UCDP codes no finer type than these: say where to look
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        st.caption(f"No record here has another type ({shown}): the source may not code "
                   "them. Type of violence (UCDP) and Actor below may say more.")
    st.multiselect("Claim status", domain.claim_statuses, key=_CLAIMS,
                   placeholder=empty or "No claim status: nothing shown")
    st.multiselect(
        "Location precision", domain.precisions, key=_PREC,
        format_func=lambda p: PRECISION_LABELS.get(p, str(p)),
        placeholder="No precision: only unlocated incidents",
    )
    st.text_input(
        "Search", key=_QUERY, max_chars=MAX_QUERY_LENGTH,
        help="Place (under any of its spellings), actor, event type, claimant or description.",
        disabled=search_off is not None,
    )
    st.checkbox("Only incidents at the place", key=_PLACE_ONLY,
                help="A search word that names a place (or a district or governorate) "
                "then finds the incidents placed there, not those elsewhere whose text "
                "mentions it ('Manbij countryside').", disabled=search_off is not None)
    if search_off is not None:
        st.caption(f"Search: {search_off}")
    left_out = unsearched(st.session_state.get(_QUERY) or "")
    if left_out:  # say literally what was not searched ("%_';--")
        words = ", ".join(f"“{isolate(w)}”" for w in left_out)
        st.caption(escape_markdown(f"Not searched: {words} (no letter or digit to look for)."))
    st.checkbox("Include incidents without a known date", key=_UNDATED)
    st.button("Reset view", on_click=_request_reset, icon=":material/restart_alt:")


def date_widget(domain: ViewDomain) -> None:
    """The date range control over the data's span."""
    if domain.date_min is None or domain.date_max is None:
        return
    if domain.date_min == domain.date_max:
        st.caption(f"Every dated incident falls on {domain.date_min.isoformat()}.")
        return
    st.slider(
        "Dates", min_value=domain.date_min, max_value=domain.date_max, key=_DATES,
        format="YYYY-MM-DD",
        help="An incident dated only to a month, a year or a range is shown when any "
        "part of it falls in the selected range.",
    )


def hold(key: str) -> None:
    """Tell the keyed widget ``key`` its kept value again; call just before drawing it.

    Streamlit forgets a widget in the browser while it is not drawn (another tab, a
    list of one page); drawn again, it shows its default unless the server sets its
    value in that run, and sends that default back on the next rerun. Setting the kept
    value every run makes the widget, the page and the link agree.
    """
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


_CHOICES = "_tab_choices"


def choice(key: str, options: Sequence[object], index: int = 0) -> dict[str, object]:
    """Keep a tab's selector ("Split by", "Per", "Areas" ...) over visits to other tabs;
    call just before drawing it, and pass what it returns to the widget.

    Its last value is put back (when still one of ``options``) and told to the
    widget again (see :func:`hold`); a change is kept by the widget's ``on_change``
    callback, which Streamlit calls at the start of the run that receives it, whether
    or not that run draws the selector (a tab click that arrives with the change, or
    stops its run before the selector is drawn: the browser test's "Per" came back as
    "week" under load); :func:`chosen` keeps the value of a run that draws it. These
    choices are the session's: a link reopens the view's filters, dates, map,
    selection and comparison, not the charts' settings.

    Returns
    -------
    dict
        Keyword arguments of the widget: ``on_change`` and ``args``, and
        ``{"index": index}`` when nothing is kept (one given a kept value takes no
        default index, else Streamlit warns).
    """
    ss = st.session_state
    kept = ss.setdefault(_CHOICES, {})
    if key not in ss and key in kept:
        ss[key] = kept[key]
    if key in ss and ss[key] not in options:
        del ss[key]  # no longer offered (other filters): the default
    hold(key)
    keep: dict[str, object] = {"on_change": chosen, "args": (key,)}
    return keep if key in ss else {**keep, "index": index}


def chosen(key: str) -> None:
    """Keep a tab selector's value for the next visit (see :func:`choice`)."""
    ss = st.session_state
    if key in ss:
        ss.setdefault(_CHOICES, {})[key] = ss[key]


def share_link(state: ViewState, domain: ViewDomain) -> None:
    """The link to this view, with a copy button."""
    st.header("Share")
    url = view_link(state, domain, st.context.url or "")
    st.caption("Copy this link (button at its right) to reopen exactly this view: its "
               "filters, dates, map, selection and comparison (the charts' settings stay "
               "in this session).")
    st.code(url, language=None, wrap_lines=True)


def write_url(state: ViewState, domain: ViewDomain) -> None:
    """Make the address bar hold this view (without a rerun)."""
    wanted = {k: v if isinstance(v, list) else [v] for k, v in encode_view(state, domain).items()}
    present = {name: st.query_params.get_all(name) for name in st.query_params}
    if wanted != present:
        st.query_params.from_dict(wanted)
