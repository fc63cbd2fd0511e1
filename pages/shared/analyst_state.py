"""The analyst filters of the view in session state: areas, actors, sources, casualty
ranges, the sources' own categories, a drawn area, "only what the map shows" and a
second period to compare.

:mod:`pages.shared.view_state` calls :func:`load` when a view is read from a link and
:func:`extend` when it builds the current view, so these filters travel in the URL
like the others (encoded by :mod:`geo.view.state`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from geo.geocoding.areas import AdminAreas
from geo.render.details import escape_markdown
from geo.view.params import MAX_TERMS, decode_texts
from geo.view.state import RANGE_FIELDS, ViewDomain, ViewState
from geo.vocab import VIOLENCE_TYPES
from pages.shared import map_fit

ADMIN1, ADMIN2 = "f_admin1", "f_admin2"
ACTORS, SOURCES, SOURCE_TYPES, VIOLENCE = "f_actors", "f_sources", "f_source_types", "f_violence"
FOLLOW = "f_follow"
COMPARE_ON, COMPARE = "f_compare_on", "f_compare"
LEAVE_OUT_VAGUE = "totals_leave_out_vague"
"""Key of the Totals tab's "Leave them out of these totals" (``vague=0`` in the link)."""
POLYGON, BOUNDS = "area_polygon", "map_bounds"
_LINK_BOUNDS = "_link_bounds_at"
_UNKNOWN_AREAS = "_unknown_areas"
_RANGE_KEYS = {name: (f"f_{name}_min", f"f_{name}_max") for name in RANGE_FIELDS}
WIDGETS: tuple[str, ...] = (
    ADMIN1, ADMIN2, ACTORS, SOURCES, SOURCE_TYPES, VIOLENCE, FOLLOW, COMPARE_ON, COMPARE,
    LEAVE_OUT_VAGUE,
    *(key for pair in _RANGE_KEYS.values() for key in pair),
)
"""Widget keys this module owns (kept across page switches by view_state)."""

RANGE_LABELS = {"killed": "Killed", "injured": "Injured", "civilian_deaths": "Civilian deaths"}
_OPTION_LIMIT = 300


def load(state: ViewState) -> None:
    """Put a view's analyst filters into session state (a link, reset or a data change)."""
    ss = st.session_state
    ss[ADMIN1], ss[ADMIN2] = list(state.admin1), list(state.admin2)
    ss[ACTORS], ss[SOURCES] = list(state.actors), list(state.sources)
    ss[SOURCE_TYPES], ss[VIOLENCE] = list(state.source_types), list(state.violence)
    for name, (low, high) in _RANGE_KEYS.items():
        ss[low], ss[high] = getattr(state, name)
    ss[POLYGON] = tuple(state.polygon)
    ss[FOLLOW] = state.bbox is not None
    ss[BOUNDS] = state.bbox
    # A link's bounds stay the view while the map is where the link put it (the map
    # reports its whole screen, wider or narrower than the bounds shared).
    ss[_LINK_BOUNDS] = None if state.bbox is None else (state.center, state.zoom)
    ss[COMPARE_ON] = state.compare is not None
    ss[COMPARE] = state.compare
    ss[LEAVE_OUT_VAGUE] = not state.vague_in_totals
    ss.pop(_UNKNOWN_AREAS, None)


def extend(state: ViewState) -> ViewState:
    """``state`` with the analyst filters the widgets and the map hold now."""
    ss = st.session_state
    ranges = {}
    for name, (low, high) in _RANGE_KEYS.items():
        lo, hi = _count(ss.get(low)), _count(ss.get(high))
        ranges[name] = (lo, hi) if lo is None or hi is None or lo <= hi else (hi, lo)
    compare = ss.get(COMPARE)
    compare_on = bool(ss.get(COMPARE_ON)) and isinstance(compare, list | tuple) \
        and len(compare) == 2 and all(isinstance(d, date) for d in compare)
    return replace(
        state,
        admin1=_codes(ss.get(ADMIN1)),
        admin2=_codes(ss.get(ADMIN2)),
        actors=decode_texts([str(v) for v in ss.get(ACTORS) or []], "actor", []),
        sources=decode_texts([str(v) for v in ss.get(SOURCES) or []], "source", []),
        source_types=decode_texts([str(v) for v in ss.get(SOURCE_TYPES) or []], "type", []),
        violence=tuple(sorted(int(v) for v in ss.get(VIOLENCE) or [] if v in VIOLENCE_TYPES)),
        polygon=tuple(ss.get(POLYGON) or ()),
        bbox=ss.get(BOUNDS) if ss.get(FOLLOW) else None,
        compare=(min(compare), max(compare)) if compare_on else None,  # type: ignore[arg-type]
        vague_in_totals=not ss.get(LEAVE_OUT_VAGUE, False),
        **ranges,
    )


def _count(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return max(0, number)


def _codes(values: object) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(dict.fromkeys(str(v) for v in values))


def set_polygon(polygon: Sequence[tuple[float, float]]) -> None:
    """Make the view's drawn area this polygon (empty: none)."""
    st.session_state[POLYGON] = tuple(polygon)


def set_bounds(bounds: tuple[float, float, float, float] | None) -> None:
    """Record the bounds of the map on screen (used while following the map).

    Bounds from a link are kept until the map moves away from where the link put it.
    """
    if bounds is None:
        return
    ss = st.session_state
    linked = ss.get(_LINK_BOUNDS)
    if linked is not None and ss.get("map_view") == linked:
        return
    ss[_LINK_BOUNDS] = None
    ss[BOUNDS] = bounds


# -- widgets --------------------------------------------------------------------------


def _area_labels(areas: AdminAreas | None, level: int) -> dict[str, str]:
    if not areas or level not in areas.levels:
        return {}
    frame = areas.levels[level]
    labels = {}
    for row in frame.itertuples(index=False):
        label = str(row.name_en) or str(row.pcode)
        if row.name_ar:
            label += f" · {row.name_ar}"
        if level == 2 and row.parent_en:
            label += f" ({row.parent_en})"
        labels[str(row.pcode)] = label
    return dict(sorted(labels.items(), key=lambda item: item[1]))


def _resolve_typed(
    resolve: Callable[[str, int], str | None], key: str, level: int, labels: dict[str, str]
) -> None:
    """Turn names typed into an area box (any spelling or script) into P-codes
    (``resolve`` is the domain's ``resolve_area``: a callback's arguments stay with the
    session, so they never hold the dataset)."""
    ss = st.session_state
    codes, unknown = [], []
    for value in ss.get(key) or []:
        text = str(value)
        code = text if text in labels else resolve(text, level)
        if code is None:
            unknown.append(text)
        elif code not in codes:
            codes.append(code)
    ss[key] = codes
    ss[_UNKNOWN_AREAS] = unknown


@st.cache_data(max_entries=4, show_spinner=False)
def _choices(fingerprint: str, _frame: pd.DataFrame) -> dict[str, list]:
    """Actors, claimants and source categories of the data, most frequent first."""
    frame = _frame

    def frequent(series: pd.Series, split: str | None = None) -> list[str]:
        text = series.dropna().astype(str)
        if split:
            text = text.str.split(split, regex=True).explode().str.strip()
        text = text[text != ""]
        return text.value_counts().index[:_OPTION_LIMIT].tolist()

    out: dict[str, list] = {
        "actors": frequent(frame["actors"], r"[;,]") if "actors" in frame else [],
        "sources": frequent(frame["claimant"]) if "claimant" in frame else [],
        "source_types": [],
        "violence": [],
    }
    kinds: list[str] = []
    for column in ("source_event_type", "source_sub_event_type"):
        if column in frame:
            kinds += [k for k in frequent(frame[column]) if k not in kinds]
    out["source_types"] = kinds
    if "type_of_violence" in frame:
        codes = pd.to_numeric(frame["type_of_violence"], errors="coerce").dropna()
        out["violence"] = sorted({int(c) for c in codes if int(c) in VIOLENCE_TYPES})
    return out


def _with_chosen(options: list, key: str) -> list:
    chosen = [v for v in st.session_state.get(key) or [] if v not in options]
    return [*chosen, *options]


def filter_widgets(domain: ViewDomain, areas: AdminAreas | None, frame: pd.DataFrame,
                   text_off: str | None = None,
                   options: dict[str, list] | None = None) -> None:
    """Sidebar widgets of the analyst filters (call inside ``st.sidebar``).

    ``text_off``: why the actor, source and source-type filters are not applied (they
    are then shown disabled, their values kept in the view and the link).
    ``options``: the actors, sources and source types to offer, when ``frame`` does not
    hold the records (store mode asks the database for them).
    """
    ss = st.session_state
    off = text_off is not None
    choices = {**_choices(domain.fingerprint, frame), **(options or {})}
    for key, level, label in ((ADMIN1, 1, "Governorate"), (ADMIN2, 2, "District")):
        labels = _area_labels(areas, level)
        if not labels:
            continue
        st.multiselect(
            label, list(labels), key=key, format_func=lambda code, lab=labels: lab.get(code, code),
            accept_new_options=True, placeholder="Anywhere",
            on_change=_resolve_typed, args=(domain.resolve_area, key, level, labels),
            help="Pick, or type a name in any spelling or script (Raqqa, Ar-Raqqah, الرقة) "
            "or a P-code, then press Enter.",
        )
    unknown = ss.get(_UNKNOWN_AREAS)
    if unknown:
        st.warning("No single area is called " + ", ".join(
            f"'{escape_markdown(u)}'" for u in unknown) + ".", icon=":material/help:")
    st.multiselect(
        "Actor (either side)", _with_chosen(choices["actors"], ACTORS), key=ACTORS,
        accept_new_options=True, max_selections=MAX_TERMS, placeholder="Any actor", disabled=off,
        help="Incidents naming any of these actors on either side; type any name.",
    )
    st.multiselect(
        "Source or claimant", _with_chosen(choices["sources"], SOURCES), key=SOURCES,
        accept_new_options=True, max_selections=MAX_TERMS, placeholder="Any source", disabled=off,
        help="Incidents whose source, outlet or claimant names any of these.",
    )
    if choices["violence"] or ss.get(VIOLENCE):
        st.multiselect(
            "Type of violence (UCDP)", choices["violence"] or list(VIOLENCE_TYPES),
            key=VIOLENCE, format_func=lambda c: VIOLENCE_TYPES.get(c, str(c)),
            placeholder="Any",
        )
    if choices["source_types"] or ss.get(SOURCE_TYPES):
        st.multiselect(
            "Source's event type (ACLED)", _with_chosen(choices["source_types"], SOURCE_TYPES),
            key=SOURCE_TYPES, accept_new_options=True, placeholder="Any", disabled=off,
        )
    if text_off is not None:
        st.caption(f"Actor, source and the source's event type: {text_off}")
    active = any(ss.get(k) is not None for pair in _RANGE_KEYS.values() for k in pair)
    with st.expander("Casualties", expanded=active, icon=":material/personal_injury:"):
        st.caption("An incident is shown when its reported range can fall in yours; "
                   "incidents that give no figure are hidden while a range is set.")
        for name, (low, high) in _RANGE_KEYS.items():
            cols = st.columns(2)
            cols[0].number_input(f"{RANGE_LABELS[name]}, at least", min_value=0, step=1,
                                 value=None, key=low, placeholder="any")
            cols[1].number_input("at most", min_value=0, step=1, value=None, key=high,
                                 placeholder="any")


def drawn_area_controls() -> None:
    """Say whether a drawn area filters the view, with a button to clear it."""
    polygon = st.session_state.get(POLYGON) or ()
    if not polygon:
        st.caption("Draw a polygon or a rectangle on the map (toolbar under the zoom "
                   "buttons) to show only the incidents inside it.")
        return
    cols = st.columns([3, 1], vertical_alignment="center")
    cols[0].markdown(f"**Drawn area** ({len(polygon)} corners) filters the view.")
    cols[1].button("Clear the drawn area", on_click=set_polygon, args=((),),
                   icon=":material/layers_clear:", key="clear-area")


def follow_toggle() -> None:
    """The toggle that makes counts, totals, table, charts and export follow the map."""
    st.toggle(
        "Only what the map shows", key=FOLLOW,
        help="Count, totals, charts, table and export cover only the incidents inside the "
        "map's current bounds; the map itself still shows every incident around them.",
    )


def _fit_map(bounds: tuple[float, float, float, float]) -> None:
    map_fit.request_fit(bounds)


def fit_map(bounds: tuple[float, float, float, float] | None) -> None:
    """Move and zoom the map onto ``bounds`` (``west, south, east, north``), fitted in
    the browser to the map's real size (see :mod:`pages.shared.map_fit`); None: stay."""
    if bounds is not None:
        _fit_map(bounds)


def fit_button(bounds: tuple[float, float, float, float] | None) -> None:
    """A button that moves the map onto the incidents in view (e.g. after an area filter).

    ``bounds``: those of the incidents in view that have a map location
    (:func:`pages.shared.map_data.located_bounds`), None when none has one.
    """
    st.button("Fit the map to these", on_click=_fit_map, args=(bounds,),
              disabled=bounds is None, icon=":material/fit_screen:", key="fit-map",
              help="Move and zoom the map to show every incident in view.")
