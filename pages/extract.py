"""From a report to incidents: extract candidates, review them beside the text, accept them."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from geo.access import Action, Forbidden
from geo.errors import Invalid, StoreUnavailable
from geo.extract.pipeline import extract
from geo.extract.review import (
    REVIEW_COLUMNS,
    accept_candidates,
    candidates_frame,
    context_places,
    drop_candidate,
    highlight_html,
    merge_candidates,
    spans_of,
    status_label,
)
from geo.extract.set_aside import aside_label, bring_back, set_aside_frame
from geo.extract.settle import regeocode_edited, settle_unconfirmed
from geo.render.details import escape_markdown
from geo.render.layers import base_map
from geo.render.review_maps import extract_candidate_layer
from geo.view.extent import fit_view
from pages.shared import auth, common, router

FRAME = "extract_frame"
ARTICLE = "extract_article"
META = "extract_meta"
EDITOR = "extract_editor"
ACCEPT = "extract_accept"
LOOKED_UP = "extract_looked_up"
#: Session key of the candidates the learned scorer set aside (a frame with their scores).
ASIDE = "extract_aside"
#: Session key of what became of the last Accept or Merge: (text, kind).
SAID = "extract_said"
MAP_CENTER, MAP_ZOOM = (34.8, 38.9), 6
#: Grid columns whose change sends a candidate's place to the geocoder again.
_PLACE_COLUMNS = frozenset({"place", "admin1", "country", "latitude", "longitude"})


def _editor_frame() -> object:
    """The review frame with the analyst's pending edits applied."""
    frame = st.session_state[FRAME].copy()
    edits = st.session_state.get(EDITOR) or {}
    for position, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            if column in frame.columns:
                frame.iat[int(position), frame.columns.get_loc(column)] = (
                    "" if value is None else str(value))
    return frame


def _commit_edits() -> None:
    st.session_state[FRAME] = _reviewed()
    st.session_state.pop(EDITOR, None)


def _reviewed() -> object:
    """The edited frame, a renamed place (or governorate, country) geocoded again."""
    frame, _ = regeocode_edited(_editor_frame(), st.session_state[FRAME], common.geocoder())
    return frame


def _place_edited() -> bool:
    """Whether the grid's pending edits change a candidate's place or point."""
    edits = (st.session_state.get(EDITOR) or {}).get("edited_rows") or {}
    return any(_PLACE_COLUMNS & set(changes) for changes in edits.values())


def _look_up_edited_places() -> None:
    """Geocode a renamed place at once, so the grid, the map and the places panel show
    where it now lies (a trial renamed one and its old point stayed). Not in the run of
    an *Accept* click, which would be lost by the rerun: accepting looks up again too."""
    if not _place_edited() or st.session_state.get(ACCEPT):
        return
    before = st.session_state[FRAME]
    after, changed = regeocode_edited(_editor_frame(), before, common.geocoder())
    st.session_state[FRAME] = after
    st.session_state[LOOKED_UP] = [
        f"{i + 1}. {after.iloc[i]['place'] or '(no site)'}: "
        f"{status_label(after.iloc[i]['geocode_status'])}" for i in changed]
    st.session_state.pop(EDITOR, None)
    st.rerun()


def _bring_back() -> None:
    """Move a set-aside candidate into the review grid (the button's callback)."""
    ss = st.session_state
    _commit_edits()
    ss[FRAME], ss[ASIDE] = bring_back(ss[FRAME], ss[ASIDE], ss["extract_aside_pick"])


def _say(text: str, kind: str) -> None:
    st.session_state[SAID] = (text, kind)
    st.toast(text, icon=":material/check_circle:" if kind == "success" else ":material/error:")


def _merge() -> None:
    """Merge one candidate into another (the button's callback, with the picks shown)."""
    ss = st.session_state
    _commit_edits()
    try:
        ss[FRAME] = merge_candidates(ss[FRAME], ss["extract_keep"], ss["extract_other"])
    except ValueError as exc:
        _say(str(exc), "error")


def _drop() -> None:
    """Drop a candidate (the button's callback)."""
    _commit_edits()
    st.session_state[FRAME] = drop_candidate(st.session_state[FRAME],
                                             st.session_state["extract_drop"])


def _accept() -> None:
    """Accept the reviewed candidates into the store: the button's callback, run before
    the page in the first run that receives the click (read in the page's body, a click
    was lost when a rerun replaced its run), with every outcome toasted and kept."""
    meta = st.session_state[META]
    reviewed, doubtful = settle_unconfirmed(_reviewed())
    result = accept_candidates(reviewed, meta["source"], meta["url"])
    store = common.store()
    if result.errors:
        _say("Nothing was added; fix these first:\n\n" +
             "\n".join(f"- {escape_markdown(e)}" for e in result.errors), "error")
    elif store is None:
        _say("Nothing was added: the app is showing a file (INCIDENT_MAP_DATA), not the "
             "incident store: unset INCIDENT_MAP_DATA to accept candidates into the store.",
             "error")
    elif not auth.can(Action.ACCEPT_EXTRACTED):
        _say("Nothing was added: " + auth.refusal(Action.ACCEPT_EXTRACTED), "error")
    else:
        try:
            outcome = store.upsert(result.incidents, origin=meta["source"] or "extracted",
                                   who=auth.current(), action=Action.ACCEPT_EXTRACTED)
        except (Forbidden, Invalid, StoreUnavailable) as exc:
            _say(f"Nothing was added: {escape_markdown(str(exc))}", "error")
        else:
            _say(f"Accepted {len(outcome.inserted)} new and {len(outcome.updated)} updated "
                 "incident(s)." + _unconfirmed_note(reviewed, doubtful,
                                                    _without_point(reviewed)), "success")


def _without_point(frame: Any) -> list[int]:
    """Positions of the rows that name a place but have no point."""
    named = frame["place"].astype(str).str.strip() != ""
    bare = frame["latitude"].astype(str).str.strip() == ""
    return [int(p) for p in (named & bare).to_numpy().nonzero()[0]]


def _unconfirmed_note(frame: Any, doubtful: list[int], bare: list[int]) -> str:
    """What became of the candidates accepted without a confirmed point."""
    def names(positions: list[int]) -> str:
        return ", ".join(f"{i + 1}. {escape_markdown(str(frame.iloc[i]['place']))}"
                         for i in positions)

    said = ""
    if doubtful:
        said += (f"\n\nStored without a point, their place not confirmed: {names(doubtful)}. "
                 "They stay off the map, marked unsure, and wait on the Review page with "
                 "their candidates until someone confirms a place there (or names the place "
                 "in the record's correction form); no later load places them on its own.")
    unfound = sorted(set(bare) - set(doubtful))
    if unfound:
        said += (f"\n\nStored without a point, the gazetteer not finding them: "
                 f"{names(unfound)}. The Review page lists them; a correction there "
                 "places them.")
    return said


router.ensure_router()
st.title("Extract incidents from a report")
st.caption("Every candidate is an allegation by the party quoted until you grade it. "
           "Nothing is added to the store until you accept.")

with st.form("extract_input"):
    uploaded = st.file_uploader("Report as a text file", type=["txt"],
                                max_upload_size=common.settings().max_upload_mb)
    text = st.text_area("…or paste the report", height=200, key="extract_text")
    left, middle, right = st.columns(3)
    title = left.text_input("Title", key="extract_title")
    source = middle.text_input("Outlet", key="extract_source")
    published = right.date_input("Published", value=None, key="extract_published",
                                 min_value=date(1990, 1, 1), max_value=date.today())
    url = st.text_input("Address (URL)", key="extract_url")
    submitted = st.form_submit_button("Extract candidates", type="primary")

if submitted:
    article = uploaded.getvalue().decode("utf-8-sig", errors="replace") if uploaded else text
    if not article.strip():
        st.error("Paste a report or upload a text file first.")
    else:
        if published is None:
            st.warning("No publication date: dates without a year stay unknown.")
        with st.spinner("Reading the report…"):
            aside: list[Any] = []
            candidates = extract(article, published, source_name=source, source_url=url,
                                 title=title, geocoder=common.geocoder(), set_aside=aside)
        st.session_state[ASIDE] = set_aside_frame(aside)
        st.session_state[ARTICLE] = article
        st.session_state[META] = {"source": source, "url": url}
        st.session_state[FRAME] = candidates_frame(candidates)
        st.session_state.pop(EDITOR, None)
        st.session_state.pop(LOOKED_UP, None)
        st.session_state.pop(SAID, None)

if FRAME not in st.session_state:
    st.info("Paste or upload a report, give its publication date, and extract candidates.")
    st.stop()

_look_up_edited_places()

frame = st.session_state[FRAME]
article = st.session_state[ARTICLE]
meta = st.session_state[META]
st.subheader(f"{len(frame)} candidate(s)")
text_col, map_col = st.columns([3, 2])
with text_col:
    st.html(f"<div class='extract-article'>{highlight_html(article, spans_of(frame))}</div>")
with map_col:
    layer, bounds = extract_candidate_layer(frame)
    center, zoom = MAP_CENTER, MAP_ZOOM
    if bounds:  # fitted to the candidates (a lone marker sat under the attribution)
        (south, west), (north, east) = bounds
        center, zoom = fit_view((west, south, east, north), width_px=420, height_px=380,
                                max_zoom=9)
    st_folium(base_map(common.settings(), center, zoom), key="extract_map",
              feature_group_to_add=layer, returned_objects=[], height=380,
              use_container_width=True, center=center, zoom=zoom)
    unplaced = frame[frame["latitude"].astype(str).str.strip() == ""]
    if len(unplaced):
        st.caption("Not on the map (no resolved site): " +
                   ", ".join(f"{i + 1}. {escape_markdown(p) or '(no site)'}" for i, p in
                             zip(unplaced.index, unplaced["place"], strict=True)))
    placed = frame["latitude"].astype(str).str.strip() != ""
    unsure = frame[placed & frame["geocode_status"].isin(["region", "unsure", "ambiguous"])]
    if len(unsure):
        st.caption("On the map but not at a site (check before accepting): " + ", ".join(
            f"{i + 1}. {escape_markdown(p)} ({escape_markdown(status_label(s))})"
            for i, p, s in zip(unsure.index, unsure["place"], unsure["geocode_status"],
                               strict=True)))

def _review_order() -> list[str]:
    """The review grid's columns, what an analyst checks first on the left (the toll and
    claimant were off-screen to the right of 20 record columns: a trial accepted a
    candidate without noticing it had no toll)."""
    return [*_FIRST_COLUMNS, *(c for c in REVIEW_COLUMNS
                               if c not in _FIRST_COLUMNS and c != "quote_spans")]


_FIRST_COLUMNS = ("place", "geocode_status", "date_start", "date_end", "event_type",
                  "killed_min", "killed_max", "injured_min", "injured_max", "claimed_by",
                  "claim_status", "quote")

if len(frame):
    if st.session_state.get(LOOKED_UP):
        st.info("Looked up again after your edit: " + "; ".join(
            escape_markdown(line) for line in st.session_state[LOOKED_UP]) +
            ". A place the gazetteer does not resolve has no point: give its coordinates "
            "in the grid, or accept it and place it on the Review page.",
            icon=":material/travel_explore:")
    st.data_editor(frame, key=EDITOR, hide_index=False, width="stretch",
                   disabled=["quote_spans", "geocode_status", "place_context"],
                   column_order=_review_order())
    with st.expander("Places of each candidate: site status and context places", expanded=True):
        for number, row in enumerate(frame.to_dict("records"), start=1):
            place = escape_markdown(str(row["place"])) or "(no site)"
            line = f"**{number}. {place}**: {escape_markdown(status_label(row['geocode_status']))}"
            context = context_places(str(row.get("place_context", "")))
            if context:
                line += "  \n" + "; ".join(f"{escape_markdown(role)}: {escape_markdown(name)}"
                                          for role, name in context)
            else:
                line += "  \nNo other places named in its sentences."
            st.markdown(line)
    labels = [f"{i + 1}. {r['place'] or '(no site)'} – {r['event_type']}"
              for i, r in enumerate(frame.to_dict("records"))]
    merge_col, drop_col = st.columns(2)
    with merge_col:
        st.selectbox("Keep", range(len(labels)), format_func=labels.__getitem__,
                     key="extract_keep")
        st.selectbox("Merge into it", range(len(labels)), index=min(1, len(labels) - 1),
                     format_func=labels.__getitem__, key="extract_other")
        st.button("Merge", disabled=len(labels) < 2, on_click=_merge, key="extract-merge")
    with drop_col:
        st.selectbox("Candidate", range(len(labels)), format_func=labels.__getitem__,
                     key="extract_drop")
        st.button("Drop", on_click=_drop, key="extract-drop")

    st.button("Accept into the store", type="primary", key=ACCEPT, on_click=_accept)
    said = st.session_state.get(SAID)
    if said:
        {"success": st.success, "error": st.error}.get(said[1], st.info)(said[0])

aside_frame = st.session_state.get(ASIDE)
if aside_frame is not None and len(aside_frame):
    with st.expander(f"{len(aside_frame)} candidate(s) set aside by the model", expanded=False):
        st.caption("The learned scorer judged these unlikely to be real incidents (keep score "
                   "below its threshold), so they are not in the grid. Bring one back to "
                   "review it like the others.")
        aside_rows = aside_frame.to_dict("records")
        for number, row in enumerate(aside_rows, start=1):
            st.markdown(f"**{escape_markdown(aside_label(row, number))}**  \n"
                        f"{escape_markdown(str(row.get('quote', ''))[:300])}")
        st.selectbox("Set-aside candidate", range(len(aside_rows)),
                     format_func=lambda i: aside_label(aside_rows[i], i + 1),
                     key="extract_aside_pick")
        st.button("Bring back", on_click=_bring_back, key="extract-bring-back")
