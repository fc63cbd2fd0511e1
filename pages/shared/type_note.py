"""Under the count line: why a choice of event types shows nothing.

A source may not code the type an analyst picks (UCDP maps to clashes and attack on
civilians only;
an "airstrike" offered because one sample incident has it then shows 0). When the
chosen types show no incident, the page says so, how many the other filters let
through, and where to look instead. Both map modes use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from geo.render.details import escape_markdown
from geo.view.state import ViewDomain, ViewState


def show(state: ViewState, domain: ViewDomain, shown: int,
         shown_of: Callable[[ViewState], int]) -> None:
    """Say that the chosen event types have no incident in view, and what there is.

    Parameters
    ----------
    state : ViewState
    domain : ViewDomain
    shown : int
        Incidents in view.
    shown_of : callable
        A view -> its count (called with every type chosen, only when none is shown).
    """
    chosen = state.event_types
    if shown or not chosen or tuple(chosen) == tuple(domain.event_types):
        return
    others = shown_of(replace(state, event_types=domain.event_types))
    if not others:
        return
    names = ", ".join(chosen)
    st.caption(escape_markdown(
        f"No incident in view has the event type{'s' if len(chosen) > 1 else ''} {names}: "
        f"with every type, these filters show {others:,}. The source may not code "
        f"{'these types' if len(chosen) > 1 else 'this type'} (UCDP gives clashes and attack "
        "on civilians only): Type of violence (UCDP) and Actor may say more."))
