"""The audit trail, for admins: every change to records and place names, by whom, when."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import streamlit as st

from geo.access import Action
from geo.geocoding.overrides import OVERRIDE_COLUMNS
from geo.geocoding.place_corrections import PlaceCorrection
from pages.shared import auth, common, router

router.ensure_router()
st.title("Audit trail")
if not auth.can(Action.AUDIT):
    st.error(auth.refusal(Action.AUDIT), icon=":material/lock:")
    st.stop()

store = common.store()
if store is None:
    st.warning("The app is showing a file (INCIDENT_MAP_DATA): there is no store to audit.",
               icon=":material/info:")
    st.stop()

history = store.history()
corrections = pd.DataFrame(
    [o.__dict__ for o in common.corrections().corrections()], columns=list(OVERRIDE_COLUMNS)
)
places = pd.DataFrame([c.__dict__ for c in store.place_corrections()],
                      columns=[f.name for f in fields(PlaceCorrection)])
people = sorted(
    (set(history["who"]) | set(corrections["created_by"]) | set(corrections["undone_by"])
     | set(places["created_by"]) | set(places["undone_by"])) - {""}
)
st.caption(
    "Every write is recorded under the signed-in account: imports, corrections of records, "
    "duplicate decisions, place-name corrections and their undoing. Each import of a file is "
    "one '(import)' entry naming the file and its counts (new, updated, unchanged, rejected). "
    "Nothing here can be edited."
)
who = st.multiselect("Account", people, key="audit-who", placeholder="every account")

records_tab, places_tab = st.tabs([
    f"Records ({len(history)} changes)",
    f"Place names ({len(corrections) + len(places)} corrections)"
])
with records_tab:
    shown = history if not who else history[history["who"].isin(who)]
    shown = shown.iloc[::-1]
    st.dataframe(shown, hide_index=True, width="stretch", key="audit-history")
with places_tab:
    mask = corrections["created_by"].isin(who) | corrections["undone_by"].isin(who)
    shown_corrections = corrections if not who else corrections[mask]
    st.dataframe(shown_corrections.iloc[::-1], hide_index=True, width="stretch",
                 key="audit-corrections")
    st.caption(f"Places moved whole on the Review page ({len(places)} corrections; keyed by "
               "the name and the source's point, each record moved in the Records tab; "
               "precision is the point's, never set on the records, which keep their own):")
    mask = places["created_by"].isin(who) | places["undone_by"].isin(who)
    st.dataframe((places if not who else places[mask]).iloc[::-1], hide_index=True,
                 width="stretch", key="audit-place-corrections")
