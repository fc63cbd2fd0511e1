"""What a search that names a place matched: at the place, or only in the text.

A place search also finds incidents whose text mentions the place (a headline about
"Manbij countryside" placed 30 km away). The count line's note says how many are at
the place (or in the area) and how many only mention it, and points to the "only at
the place" box of the sidebar and to the district and governorate filters. Both map
modes use it (frame mode counts the frame, store mode asks the store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from geo.render.details import escape_markdown, isolate
from geo.view.filters import FilterContext
from geo.view.search import parse_query, split_query, unsearched
from geo.view.state import ViewState


def place_terms(state: ViewState, context: FilterContext) -> list[str]:
    """The terms of the view's search that name a place or an admin area, as typed."""
    if not state.query.strip():
        return []
    terms = parse_query(state.query, context.areas, context.place_spellings)
    return [t.text for t in terms if t.names_place]


def show(state: ViewState, context: FilterContext, shown: int,
         at_place: Callable[[ViewState], int]) -> None:
    """Under the count line: how many the search found at the place and by text only.

    Parameters
    ----------
    state : ViewState
    context : FilterContext
    shown : int
        Incidents in view.
    at_place : callable
        A view -> its count (called with the place-only view, only when the search
        names a place).
    """
    left_out = unsearched(state.query)
    if left_out:  # said literally, as typed or as the link gave it ("%_';--")
        words = ", ".join(f"“{isolate(w)}”" for w in left_out)
        nothing = len(left_out) == len(split_query(state.query))
        st.caption(escape_markdown(
            f"Search: {words} {'has' if len(left_out) == 1 else 'have'} no letter or digit "
            "to look for" + (": nothing was searched." if nothing else
                             " and {} left out.".format("is" if len(left_out) == 1
                                                        else "are"))))
    names = place_terms(state, context)
    if not names:
        return
    # each term in its own direction: an Arabic name scrambled the sentence (trial 22)
    quoted = ", ".join(f"'{isolate(escape_markdown(n))}'" for n in names)
    if state.place_only:
        st.caption(f"Search: only incidents at {quoted} (or in the area of that name), "
                   "not those that only mention it in their text.")
        return
    placed = at_place(replace(state, place_only=True))
    by_text = shown - placed
    if by_text <= 0:
        return
    if placed == 0:
        # Nothing in view is at a place of that name: the geocoder's match is loose or
        # elsewhere ("SOHR" read as Suhr, Switzerland). Speak of text only (trial of
        # issue 14: "0 at the place, 5,659 more only mention it ... tick 'Only ...'").
        st.caption(f"Search {quoted}: matched the text of {shown:,} "
                   f"incident{'s' if shown != 1 else ''}.")
        return
    st.caption(
        f"Search {quoted}: {placed:,} at the place (or in the area of that name), "
        f"{by_text:,} more only mention it in their text and may lie elsewhere. Tick "
        "“Only incidents at the place” under Search, or filter by district or "
        "governorate, to leave those out.")
