"""The review page's "Learned places" section: the datasets that taught places, a switch
for each (analyst role and up; the store checks it again), and where they disagree.

The tables come from :mod:`geo.geocoding.disagreements`; this module only lays them out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.access import Action, Forbidden
from geo.errors import NotFound
from geo.geocoding.disagreements import disagreements_of, sources_overview
from geo.render.details import escape_markdown
from pages.shared import auth, common


@st.cache_data(show_spinner=False, max_entries=2)
def _tables(location: str, revision: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sources with their disputed names, and the disagreements (per learned revision).

    From the learned names the geocoder already read (their main points), not from a
    second read of every learned place (800,000 rows at 1,000,000 synthetic records)."""
    opened = common.store()
    points = common.learned_points()
    assert opened is not None and points is not None
    disputes = disagreements_of(points)
    return sources_overview(opened.learned_sources(), disputes), disputes


def _switch(source: str, on: bool, key: str) -> None:
    """Switch a source (the store checks the role), move the records it placed, rerun."""
    opened = common.store()
    assert opened is not None
    try:
        opened.set_source_enabled(source, on, who=auth.current())
        moved = common.apply_geocoding(auth.current())
    except (Forbidden, NotFound) as exc:
        st.session_state.pop(key, None)
        st.error(f"Not switched: {escape_markdown(str(exc))}", icon=":material/error:")
        return
    st.toast(escape_markdown(f"{source} switched {'on' if on else 'off'} ({moved} incident"
                             f"{'s' if moved != 1 else ''} moved)"))
    st.rerun()


def section() -> None:
    """Show the section (nothing to show when the app reads a file, not a store)."""
    st.subheader("Learned places")
    opened = common.store()
    if opened is None:
        st.caption("Places are learned by the incident store; this app shows a file "
                   "(INCIDENT_MAP_DATA).")
        return
    sources, disputes = _tables(opened.location, opened.learned_revision())
    if sources.empty:
        st.caption("No dataset has taught places yet: every imported record with a place "
                   "name and coordinates from its source teaches one.")
        return
    st.caption(
        "Every imported record with a place name and coordinates teaches the geocoder that "
        "name at that point. A source switched off keeps its places but is left out of "
        "geocoding everywhere; the incidents it placed are geocoded again at once."
    )
    may = auth.can(Action.CORRECT_PLACE)
    if not may:
        st.info(auth.refusal(Action.CORRECT_PLACE), icon=":material/lock:")
    head = st.columns([3, 2, 2, 2, 4])
    for col, label in zip(head, ("Source (used)", "Places", "Records", "Disputed names",
                                 "Switched by"), strict=True):
        col.markdown(f"**{label}**")
    for row in sources.itertuples():
        source = str(row.source)
        key = f"learned-source-{source}"
        cols = st.columns([3, 2, 2, 2, 4])
        on = cols[0].toggle(source, value=bool(row.enabled), key=key, disabled=not may)
        cols[1].write(f"{int(row.places):,}")
        cols[2].write(f"{int(row.records):,}")
        cols[3].write(f"{int(row.disputed_names):,}")
        cols[4].write(escape_markdown(f"{row.changed_by}, {row.changed_at}")
                      if row.changed_by else "–")
        if may and on != bool(row.enabled):
            _switch(source, on, key)
    _disagreements(disputes)


def _disagreements(disputes: pd.DataFrame) -> None:
    if disputes.empty:
        st.caption("No name was learned by two sources at points too far apart to be one "
                   "place.")
        return
    names = len(disputes[["name", "country"]].drop_duplicates())
    st.markdown(
        f"**{names} name{'s' if names != 1 else ''} where sources disagree** "
        f"({len(disputes)} pair{'s' if len(disputes) != 1 else ''} of sources whose points "
        "are more than 3 km apart, 25 km when one is known only roughly; most records first)"
    )
    table = pd.DataFrame({
        "name": disputes["name"],
        "country": disputes["country"],
        "source": disputes["source_a"],
        "records": disputes["records_a"],
        "where": disputes["admin1_a"],
        "point": [f"{a:.4f}, {b:.4f}" for a, b in zip(disputes["latitude_a"],
                                                        disputes["longitude_a"], strict=True)],
        "other source": disputes["source_b"],
        "its records": disputes["records_b"],
        "its area": disputes["admin1_b"],
        "its point": [f"{a:.4f}, {b:.4f}" for a, b in zip(disputes["latitude_b"],
                                                            disputes["longitude_b"],
                                                            strict=True)],
        "km apart": disputes["km"],
    })
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"km apart": st.column_config.NumberColumn(format="%.1f")})
