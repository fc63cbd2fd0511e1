"""Review place names the geocoder could not place with confidence, and correct them."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.access import Action
from geo.geocoding.overrides import OverrideIndex
from geo.geocoding.place_points import GIVEN
from geo.geocoding.review import (
    RULES,
    narrow_queue,
    proposal_table,
    propose,
    review_candidates,
    review_groups,
)
from geo.render.details import escape_markdown
from geo.render.layers import base_map
from geo.render.review_maps import area_bounds, candidate_layer, candidate_view
from geo.vocab import PRECISION_LABELS
from pages.shared import auth, common, learned_sources, review_places, router
from pages.shared import review_writes as writes

#: Candidate columns shown under the review map, the deciding ones first.
CANDIDATE_SHOWN = ("rank", "name", "admin1", "score", "precision", "kind", "source", "match",
                   "evidence", "latitude", "longitude")


def _clicked_point(returned: object) -> tuple[float, float] | None:
    """The last point clicked on the review map (rounded), if any."""
    last = returned.get("last_clicked") if isinstance(returned, dict) else None
    if not isinstance(last, dict):
        return None
    try:
        return round(float(last["lat"]), 5), round(float(last["lng"]), 5)
    except (KeyError, TypeError, ValueError):
        return None


def _pin_form(drawn: dict[writes.Key, str], entry: pd.Series, slug: str,
              pin: tuple[float, float] | None, pin_key: str,
              place: tuple[float, float] | None = None, ids: list[str] | None = None
              ) -> None:
    """The form of a hand-placed pin, saved by its submit button's callback (for a
    place, ``place`` is its point now and ``ids`` its records as drawn: the pin moves
    them)."""
    lat0, lon0 = pin if pin else (None, None)
    fields = (f"pin-lat-{slug}-{lat0}", f"pin-lon-{slug}-{lon0}", f"pin-precision-{slug}")
    with st.form("pin"):
        st.number_input("Latitude", -90.0, 90.0, value=lat0, format="%.5f", key=fields[0])
        st.number_input("Longitude", -180.0, 180.0, value=lon0, format="%.5f",
                        key=fields[1])
        if place is None:
            st.selectbox(
                "Location precision", list(PRECISION_LABELS)[:3],
                format_func=PRECISION_LABELS.__getitem__, key=fields[2],
            )
        else:  # a place's point: each record's precision is its own claim (trial 27)
            st.caption(KEEPS_PRECISION)
        if place is not None:
            st.form_submit_button(
                "Place the pin here", on_click=review_places.place_pin,
                args=(entry["name"], place, entry["status"], ids or [], fields, pin_key,
                      f"place-why-{slug}"))
            return
        st.form_submit_button(
            "Place the pin here", on_click=writes.place_pin,
            args=(entry["name"], entry["country"], entry["admin1"], drawn, fields, pin_key))


#: What a place move does to the records' location precision (trial 27: it made "near"
#: and district-level records site-precise).
KEEPS_PRECISION = ("Only the point moves: each record keeps its own location precision "
                   "(a record placed only near the place or at district level stays so).")


def _point(entry: pd.Series) -> tuple[float, float] | None:
    """A listed place's point (None for a name the geocoder places)."""
    lat = entry.get("latitude")
    if lat is None or pd.isna(lat):
        return None
    return float(lat), float(entry["longitude"])


def _name_box(entry: pd.Series, candidates: pd.DataFrame, slug: str,
              pin: tuple[float, float] | None, pin_key: str) -> None:
    """A name's correction: a candidate or a pin, for the scope chosen."""
    st.markdown(
        f"**{escape_markdown(entry['name'])}** is used by {entry['incidents']} "
        f"incident{'s' if entry['incidents'] != 1 else ''}: "
        + ", ".join(escape_markdown(i) for i in entry["ids"][:10])
        + (" …" if len(entry["ids"]) > 10 else "")
    )
    st.radio(
        "Apply to this name",
        ["in this country", "in this governorate", "everywhere"],
        horizontal=True,
        key=writes.SCOPE_KEY,
        disabled=not entry["country"],
    )
    # the corrections in force for this name as drawn: a write over one made since
    # is refused, never overwrites it
    drawn = writes.seen(store, entry["name"], entry["country"], entry["admin1"])
    if not may_correct:
        st.info(auth.refusal(Action.CORRECT_PLACE), icon=":material/lock:")
    elif candidates.empty:
        st.info("The gazetteer has no candidate for this name: place a pin.")
    else:
        st.caption("The candidates are listed under the map.")
        st.selectbox(
            "Candidate", candidates.index,
            format_func=lambda i: f"{candidates.at[i, 'rank']}. {candidates.at[i, 'name']}"
            f" ({candidates.at[i, 'admin1'] or candidates.at[i, 'country']})",
            key=f"candidate-{slug}",
        )
        st.button("Use this place", type="primary", key="use-candidate",
                  on_click=writes.use_candidate,
                  args=(entry["name"], entry["country"], entry["admin1"], drawn,
                        f"candidate-{slug}",
                        {int(i): str(g) for i, g in candidates["gazetteer_id"].items()}))
    if may_correct:
        _pin_form(drawn, entry, slug, pin, pin_key)


def _place_box(entry: pd.Series, place: tuple[float, float], candidates: pd.DataFrame,
               found: list, slug: str, pin: tuple[float, float] | None,
               pin_key: str) -> None:
    """A place's correction: its records at ``place`` move together to a candidate or a
    pin (each record's history keeps the point as its before)."""
    n = int(entry["incidents"])
    ids = review_places.record_ids(entry["name"], *place)  # the list keeps none
    st.markdown(
        f"**{escape_markdown(entry['name'])}** at {place[0]:.5f}, {place[1]:.5f} "
        f"({escape_markdown(entry['status'])}) is the place of {n} "
        f"incident{'s' if n != 1 else ''}: "
        + ", ".join(escape_markdown(i) for i in ids[:10])
        + (" …" if n > 10 else ""))
    if entry["status"] != GIVEN:
        source = review_places.source_point(ids)
        by = review_places.placed_by(entry["name"], place)
        if by is not None:
            st.caption(f"Placed here by correction {by.correction_id} "
                       f"({escape_markdown(by.created_by or 'unnamed')}, "
                       f"{escape_markdown(by.created_at)}) from the source's point "
                       f"{by.from_latitude:.5f}, {by.from_longitude:.5f}; moving it again "
                       "replaces that correction, Undo under Corrections in force puts "
                       "the records back.")
        elif source is not None:
            st.caption(f"Before it was moved here, the source's point: {source[0]:.5f}, "
                       f"{source[1]:.5f} (in each record's history).")
    st.caption(("A correction moves this record, and only it" if n == 1 else
                f"A correction moves these {n:,} records together, and only them")
               + " (the name elsewhere keeps its points), and the records of "
               "this name at this point imported later too; each record's history keeps "
               "its point before, with who, when and why. It is listed under Corrections "
               "in force, where it can be undone. " + KEEPS_PRECISION)
    if common.store() is None:
        st.info("The app shows a file (INCIDENT_MAP_DATA), which it never changes: import "
                "it into the store to correct its places.", icon=":material/info:")
        return
    if not auth.can(Action.EDIT):
        st.info(auth.refusal(Action.EDIT), icon=":material/lock:")
        return
    if not candidates.empty:
        st.selectbox(
            "Candidate", candidates.index,
            format_func=lambda i: f"{candidates.at[i, 'rank']}. {candidates.at[i, 'name']}"
            f" ({candidates.at[i, 'admin1'] or candidates.at[i, 'country']})",
            key=f"candidate-{slug}",
        )
        targets = {int(i): (c.place.latitude, c.place.longitude, int(c.place.precision))
                   for i, c in zip(candidates.index, found, strict=True)}
    st.text_input("Why (kept with the correction and in each record's history)",
                  key=f"place-why-{slug}", placeholder="e.g. the town, not the port")
    if not candidates.empty:
        st.button("Use this place", type="primary", key="use-candidate",
                  on_click=review_places.use_candidate,
                  args=(entry["name"], place, entry["status"], ids, f"candidate-{slug}",
                        targets, f"place-why-{slug}"))
    _pin_form({}, entry, slug, pin, pin_key, place, ids)


router.ensure_router()
geocoder = common.records_geocoder()
store = common.corrections()
may_correct = auth.can(Action.CORRECT_PLACE)

st.title("Place names to review")
writes.said_note()
st.caption(
    "Names the geocoder left unresolved or found ambiguous, and places stored as unsure (an "
    "extracted place nobody confirmed), are not drawn on the map. Pick the "
    "place each one means, or place a pin. A correction applies to every present and future "
    "record with that name in the context you choose, survives restarts, and can be undone."
)
if not common.store_mode():  # store mode never reads the store whole
    common.show_load_errors(common.dataset())

include_resolved = st.toggle(
    "Also list resolved names (to correct a wrong placement)", key="include-resolved"
)
queue = common.review_queue(include_resolved)
n_resolved = int(queue.loc[queue["status"] == "resolved", "name"].nunique())
places = review_places.queue() if include_resolved else pd.DataFrame()
if not places.empty:  # the places of records placed by their source, to move whole
    queue = pd.concat([queue, places], ignore_index=True)
if queue.empty:
    st.success("Every place name in the data is resolved.", icon=":material/task_alt:")
else:
    limit = common.settings().review_names_max
    find = ""
    if queue["name"].nunique() > limit:  # a million places: find one, or the most used
        find = st.text_input("Find a name", key="find-name",
                             placeholder="Part of a name, e.g. Tadmur")
    shown, n_matching = narrow_queue(queue, find, limit)
    groups = review_groups(shown)
    waits = queue["status"].isin(["ambiguous", "unresolved", "unsure"])
    waiting = review_groups(queue[waits])  # resolved names and placed ones don't wait
    n_names, n_waiting = len(waiting), int(waiting["incidents"].sum()) if len(waiting) else 0
    n_places = len(places)
    st.caption(f"{n_names:,} name{'s' if n_names != 1 else ''} used by {n_waiting:,} "
               f"incident{'s' if n_waiting != 1 else ''} wait{'s' if n_names == 1 else ''} "
               "for review" + (f"; {n_resolved:,} resolved name"
                               f"{'s' if n_resolved != 1 else ''} also listed"
                               + (f", and {n_places:,} place{'s' if n_places != 1 else ''}"
                                  " whose point came with the records (from the source or "
                                  "an analyst): correcting one moves all its records at "
                                  "that point." if n_places else ".")
                               if include_resolved else "."))

    if n_matching > limit:
        st.caption(f"Listing the {limit:,} most used of {n_matching:,} names"
                   + (f" containing “{find.strip()}”" if find.strip() else "")
                   + ": type part of a name to find another.")
    if groups.empty:
        st.info(f"No listed name contains “{find.strip()}”.", icon=":material/search_off:")
        st.stop()

    def _group_label(name: str) -> str:
        row = groups.set_index("name").loc[name]
        where = row["areas"] or "no governorate"
        n = int(row["incidents"])
        statuses = str(row["statuses"])
        if "," not in statuses:  # one status: its count is the incidents' count
            statuses = statuses.rsplit(" ", 1)[0]
        return (f"{name} ({where}) · {statuses} · {n} incident{'s' if n != 1 else ''}"
                + (f" in {row['contexts']} contexts" if row["contexts"] > 1 else ""))

    # Options are names, so a choice survives a change of the queue.
    chosen_name = st.selectbox("Name", list(groups["name"]), format_func=_group_label,
                               key="name")
    contexts = queue[queue["name"] == chosen_name].reset_index(drop=True)
    at = [_point(r) for _, r in contexts.iterrows()]
    keys = ["\x1f".join((r.name, r.country, r.admin1) + ((f"{p[0]:.5f}", f"{p[1]:.5f}")
                                                        if p else ()))
            for r, p in zip(contexts.itertuples(), at, strict=True)]
    name_key = keys[0]
    if len(keys) > 1:
        label_of = {
            k: f"{r.country or 'any country'}, {r.admin1 or 'no governorate'} · {r.status}"
               + (f" at {p[0]:.4f}, {p[1]:.4f}" if p else "") + " · "
               f"{r.incidents} incident{'s' if r.incidents != 1 else ''}"
            for k, r, p in zip(keys, contexts.itertuples(), at, strict=True)
        }
        name_key = st.selectbox("Context", keys, format_func=label_of.__getitem__,
                                key=f"context-{hashlib.sha1(chosen_name.encode()).hexdigest()[:10]}")
    entry = contexts.iloc[keys.index(name_key)]
    place = at[keys.index(name_key)]  # a place placed by its source: moved whole
    slug = hashlib.sha1(name_key.encode()).hexdigest()[:10]
    candidates, found = review_candidates(geocoder, entry["name"], entry["country"],
                                          entry["admin1"])
    # A map click places a pin for the name shown when it was made, once.
    pin_key = f"pin-{slug}"
    click = _clicked_point(st.session_state.get("review_map"))
    if click is not None and click != st.session_state.get("_review_click"):
        st.session_state["_review_click"] = click
        st.session_state[pin_key] = click
    pin = st.session_state.get(pin_key)

    left, right = st.columns([3, 2], gap="medium")
    with left:
        center, zoom = candidate_view(candidates, pin, area_bounds(  # the context's area
            getattr(geocoder, "areas", None), entry["admin1"], entry["country"]), place)
        st_folium(
            base_map(common.settings(), center, zoom, ()),
            key="review_map",
            feature_group_to_add=candidate_layer(
                candidates, pin, place, f"{entry['name']} now ({entry['status']})"),
            returned_objects=["last_clicked"],
            height=420,
            use_container_width=True,
        )
        st.caption(":orange[●] learned from your datasets · :blue[●] gazetteer · "
                   ":red[●] your pin" + (" · :gray[◌] where its records are now"
                                        if place else "")
                   + ". Click the map to place a pin where the incidents happened.")
    with right:
        if place is not None:
            _place_box(entry, place, candidates, found, slug, pin, pin_key)
        else:
            _name_box(entry, candidates, slug, pin, pin_key)

    if not candidates.empty:
        st.dataframe(
            candidates[list(CANDIDATE_SHOWN)], hide_index=True, width="stretch",
            column_config={
                "rank": st.column_config.NumberColumn("#", width=40),
                "name": st.column_config.TextColumn(width="medium"),
                "admin1": st.column_config.TextColumn("governorate", width="medium"),
                "score": st.column_config.NumberColumn(format="%.2f", width=60),
                "source": st.column_config.TextColumn(width="large"),
                "evidence": st.column_config.TextColumn(width="medium"),
                "latitude": st.column_config.NumberColumn("lat", format="%.4f", width=80),
                "longitude": st.column_config.NumberColumn("lon", format="%.4f", width=80),
            },
        )

    st.subheader("Accept many names at once")
    st.caption(
        "A rule proposes a place for every name it applies to; nothing is written until you "
        "accept. Each accepted name becomes a correction in its country and governorate, "
        "with the rule and the evidence in its note, and can be undone like any other."
    )
    rule = st.selectbox("Rule", list(RULES), format_func=lambda k: RULES[k][0], key="rule")
    proposals = propose(queue[waits], geocoder, rule)
    if not proposals:
        st.caption("No name in the queue meets this rule.")
    else:
        st.dataframe(proposal_table(proposals), hide_index=True, width="stretch")
        n = len(proposals)
        label = f"Accept {n} name{'s' if n != 1 else ''}"
        if not may_correct:
            st.info(auth.refusal(Action.CORRECT_PLACE), icon=":material/lock:")
        else:
            st.button(label, key="accept-rule", on_click=writes.accept_rule,
                      args=(proposals, writes.drawn_for(store, proposals)))

st.subheader("Corrections in force")
active = OverrideIndex(store.corrections()).active()
moved_places = review_places.in_force()
if not active and not moved_places:
    st.caption("None yet.")
me = auth.current()
for override in active:
    target = (
        f"{override.gazetteer_id}" if override.gazetteer_id
        else f"pin at {override.latitude:.5f}, {override.longitude:.5f}"
    )
    scope = ", ".join(p for p in (override.country, override.admin1) if p) or "everywhere"
    cols = st.columns([5, 1])
    cols[0].markdown(
        f"**{escape_markdown(override.name)}** ({escape_markdown(scope)}) → "
        f"{escape_markdown(target)} · by {escape_markdown(override.created_by or 'unnamed')}, "
        f"{escape_markdown(override.created_at)}"
    )
    own = override.created_by == me.label
    if me.may(Action.UNDO_OWN if own else Action.UNDO_ANY):
        cols[1].button("Undo", key=f"undo-{override.override_id}", on_click=writes.undo,
                       args=(override.override_id, override.name))

for moved in moved_places:  # places moved whole: keyed by the name and the source's point
    cols = st.columns([5, 1])
    why = f" · “{escape_markdown(moved.note)}”" if moved.note else ""
    cols[0].markdown(
        f"**{escape_markdown(moved.name)}** at {moved.from_latitude:.5f}, "
        f"{moved.from_longitude:.5f} (the source's point) → pin at {moved.latitude:.5f}, "
        f"{moved.longitude:.5f} · {moved.records:,} record{'s' if moved.records != 1 else ''}"
        f" then, and those imported there later · by "
        f"{escape_markdown(moved.created_by or 'unnamed')}, "
        f"{escape_markdown(moved.created_at)}{why}")
    own = moved.created_by == me.label
    if me.may(Action.UNDO_OWN if own else Action.UNDO_ANY):
        cols[1].button("Undo", key=f"undo-{moved.correction_id}", on_click=review_places.undo,
                       args=(moved.correction_id, moved.name))

learned_sources.section()
common.release_memory("review")  # the run's transient copies go back (see there)
