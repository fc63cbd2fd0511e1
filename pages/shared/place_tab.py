"""The places of a view, ranked: the "places" level of the By area tab, in both modes.

Which places had the most incidents (or one claimant's deaths) within the view's
filters: one row per point on the map, named as most of its records write it, with
its other spellings, governorate and district, first and last day (see
:mod:`geo.view.place_rank`). Picking a place moves the map onto it and lists its
incidents under Details; the map's position travels in the link.

Frame mode ranks the view's mask (:func:`frame_places`, cached per dataset, mask and
question for every session); store mode asks one grouped query per page
(:func:`store_places`, cached per store revision and filters).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import numpy as np
import pandas as pd
import streamlit as st

from geo.geocoding.areas import AdminAreas
from geo.render.details import escape_markdown, isolate
from geo.render.totals_charts import figure_text
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.view.place_rank import PlaceRanking, rank_places, store_rank_places
from geo.view.state import round_center
from geo.view.store_totals import part_clause
from geo.view.totals import OPEN_WORDING
from geo.view.totals_index import TotalsColumns
from pages.shared import incident_list
from pages.shared.view_state import choice, chosen

PLACES = 3
"""The "places" choice of the By area tab's level box (1 and 2 are governorates and
districts)."""
PAGE_SIZE = 25
LIST_KEY = "place-rank"
RANK_KEY = "place-rank-by"
CLAIMANT_KEY = "area-claimant"
PICK_KEY = "place-rank-pick"
PLACE_ZOOM = 13
"""Zoom a picked place is shown at (a town's incidents on their own)."""
_POINTS = "_place_rank_points"

_RANKS = {"incidents": "incidents", "killed_min": "killed (low)", "killed_max": "killed (high)",
          "killed_best": "killed (best estimate)"}


class PlaceSource(Protocol):
    """What the panel asks of a view (``ViewTotals`` or ``StoreShown``)."""

    def present(self, column: str) -> list[str]: ...

    def places(self, by: str, claimant: str | None, part: str,
               window: tuple[date, date] | None, limit: int, offset: int
               ) -> PlaceRanking: ...


@st.cache_resource(show_spinner=False, max_entries=32)
def _frame_places(fingerprint: str, mask_key: str, args: tuple, _incidents: pd.DataFrame,
                  _columns: TotalsColumns, _mask: np.ndarray) -> PlaceRanking:
    by, claimant, limit, offset = args
    return rank_places(_incidents, _columns, _mask, by, claimant, limit, offset)


def frame_places(incidents: pd.DataFrame, columns: TotalsColumns, fingerprint: str,
                 mask_key: str, mask: np.ndarray, by: str, claimant: str | None,
                 limit: int, offset: int) -> PlaceRanking:
    """:func:`geo.view.place_rank.rank_places`, cached per dataset, set of incidents
    (``mask_key``) and question for every session."""
    return _frame_places(fingerprint, mask_key, (by, claimant, limit, offset), incidents,
                         columns, mask)


@st.cache_data(max_entries=64, show_spinner=False)
def _store_places(location: str, revision: int, key: str, args: tuple,
                  _query: PostGISQuery, _spec: QueryFilter) -> PlaceRanking:
    by, claimant, part, limit, offset = args
    days = None if _spec.date_from is None or _spec.date_to is None \
        else (_spec.date_to - _spec.date_from).days + 1
    return store_rank_places(_query, _spec, by, claimant, limit, offset,
                             extra=part_clause(part, days))


def store_places(location: str, revision: int, key: str, query: PostGISQuery,
                 spec: QueryFilter, by: str, claimant: str | None, part: str, limit: int,
                 offset: int) -> PlaceRanking:
    """:func:`geo.view.place_rank.store_rank_places` of a store-mode view, cached per
    store location, revision, filters (``key``) and question for every session."""
    return _store_places(location, revision, key, (by, claimant, part, limit, offset),
                         query, spec)


def _show_place() -> None:
    """Callback of the place picker: move the map onto the place, list its incidents."""
    ss = st.session_state
    picked = ss.get(PICK_KEY)
    points = ss.get(_POINTS) or {}
    if picked not in points:
        return
    lat, lon = points[picked]
    view = (round_center(lat, lon), PLACE_ZOOM)
    ss["map_request"] = view
    ss["map_view"] = view
    ss["listed_place"] = (lat, lon)
    ss["place_list-page"] = 1
    ss[PICK_KEY] = None


def _area_names(areas: AdminAreas | None, level: int) -> dict[str, str]:
    if not areas or level not in areas.levels:
        return {}
    return {str(code): str(name) for code, name in areas.options(level)}


def _label(row: Any) -> str:
    return f"{row.rank}. {isolate(row.place) or '(no name)'} ({row.incidents:,})"


def place_panel(shown: PlaceSource, areas: AdminAreas | None, part: str,
                window: tuple[date, date] | None, cols: Any) -> None:
    """The places of the view ranked, a page at a time, and a picker to show one.

    Parameters
    ----------
    shown : PlaceSource
        The view's incidents.
    areas : AdminAreas or None
        The admin areas (governorate and district names).
    part : str
        ``all``, or ``fine`` (the vague incidents left out).
    window : tuple of date or None
        The selected dates.
    cols : sequence
        The tab's three columns of selectors (the level box is in the first).
    """
    ranks = list(_RANKS)
    by = cols[1].selectbox("Rank by", ranks, key=RANK_KEY, format_func=_RANKS.get,
                           **choice(RANK_KEY, ranks))
    chosen(RANK_KEY)
    claimants = shown.present("claimant")
    claimant = None
    if claimants:
        claimant = cols[2].selectbox(
            "Deaths according to", claimants, key=CLAIMANT_KEY,
            help="Death figures of one claimant (never added across claimants); the "
                 "counts of incidents cover all.",
            **choice(CLAIMANT_KEY, claimants),
        ) if len(claimants) > 1 else claimants[0]
        chosen(CLAIMANT_KEY)
    first = shown.places(by, claimant, part, window, 1, 0)
    if not first.places:
        st.caption("No incident in view has a point on the map.")
        return
    page = incident_list.page_number(LIST_KEY, first.places, PAGE_SIZE)
    ranking = shown.places(by, claimant, part, window, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    rows = ranking.rows.assign(rank=np.arange(len(ranking.rows)) + (page - 1) * PAGE_SIZE + 1)
    st.caption(
        f"{ranking.places:,} place{'s' if ranking.places != 1 else ''} hold the "
        f"{ranking.placed:,} incidents in view that have a point on the map, ranked by "
        f"{_RANKS[by]}; places {rows['rank'].iloc[0]:,}-{rows['rank'].iloc[-1]:,} below.")
    labels = [_label(r) for r in rows.itertuples(index=False)]
    st.session_state[_POINTS] = dict(zip(labels, zip(rows["lat"], rows["lon"], strict=True),
                                          strict=True))
    st.selectbox("Show a place on the map", labels, index=None, key=PICK_KEY,
                 placeholder="Pick a place to move the map onto it and list its incidents",
                 on_change=_show_place)
    st.dataframe(_table(rows, areas, claimant), hide_index=True, width="stretch",
                 height=35 * len(rows) + 38)  # the whole page, no scrolling inside
    st.caption(
        "A place is one point on the map: every way its incidents write it counts there "
        "once ('Also written as'), and one name at two points is two places. It is named "
        "as most of them write it. Deaths are "
        + (f"{escape_markdown(claimant)}'s figures only, " if claimant else "")
        + "ranges from the lowest to the highest figure given; 'n/k' counts incidents "
        "without one, '–' marks a place where the claimant reports none. Governorate "
        "and district are the areas the point falls in (on the OCHA boundaries); the source's "
        "own, where the import kept them, as the source writes them.")
    if int(rows["killed_open"].sum()):
        st.caption(OPEN_WORDING)


def _killed(low: object, high: object, unknown: int, open_top: int = 0) -> str:
    """A place's killed range; a dash where the claimant reports no incident there."""
    if pd.isna(low) and pd.isna(high) and not unknown:  # type: ignore[call-overload]
        return "–"
    return figure_text(low, high, unknown, open_top)


def _table(rows: pd.DataFrame, areas: AdminAreas | None, claimant: str | None
           ) -> pd.DataFrame:
    """The ranked places as the page shows them."""
    governorates, districts = _area_names(areas, 1), _area_names(areas, 2)
    killed = "Killed" if claimant is None else f"Killed, according to {claimant}"
    own = {label: rows[column] for label, column in (
        ("Source's governorate", "source_admin1"), ("Source's district", "source_admin2"))
        if (rows[column] != "").any()}  # UCDP's adm_1/adm_2, ACLED's admin1/admin2
    # the figures first, the long texts last: at 1400 px the killed column, after the
    # names and areas, was cut off (trial of issue 14)
    return pd.DataFrame({
        "#": rows["rank"],
        "Place": rows["place"].replace("", "(no name)"),
        "Incidents": rows["incidents"],
        killed: [_killed(lo, hi, u, o) for lo, hi, u, o in zip(
            rows["killed_min"], rows["killed_max"], rows["killed_unknown"],
            rows["killed_open"], strict=True)],
        **({f"{killed}, best estimate": [_killed(b, b, u) for b, u in zip(
            rows["killed_best"], rows["killed_best_unknown"], strict=True)]}
           if "killed_best" in rows and rows["killed_best"].notna().any() else {}),
        "Governorate": [governorates.get(c, c) for c in rows["adm1_pcode"]],
        "District": [districts.get(c, c) for c in rows["adm2_pcode"]],
        **own,
        "First": rows["first"],
        "Last": rows["last"],
        "Also written as": rows["written_as"],
        "Claimants": rows["claimants"],
    })
