"""The app's pages, and the way back to the router when Streamlit bypassed it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.access import Action, Identity
from pages.shared import auth

ROOT = Path(__file__).resolve().parents[2]
_VIA_ROUTER = "_via_router"
MAP_PATH = "map"
"""The map page's name in an address (``/map``): it leads to the root address."""
_SHOWN_THIS_RUN = "_notices_this_run"


def app_pages(who: Identity | None = None) -> list[st.Page]:
    """The pages of the app, the map first (it is the default page); the audit trail
    for admins."""
    home = st.Page(ROOT / "pages" / "map.py", title="Map", icon=":material/map:", default=True,
                   url_path="home")
    pages = [
        home,
        st.Page(ROOT / "pages" / "review.py", title="Review place names",
                icon=":material/where_to_vote:", url_path="review"),
        st.Page(ROOT / "pages" / "import.py", title="Import", icon=":material/upload_file:",
                url_path="import"),
        st.Page(ROOT / "pages" / "extract.py", title="Extract from a report",
                icon=":material/article:", url_path="extract"),
    ]
    # The default page lives at the root address; its name in the address (``/map``, which
    # Streamlit would answer with "Page not found") leads there, with the view's parameters.
    pages.append(st.Page(lambda: _to_home(home), title="Map", url_path=MAP_PATH,
                         visibility="hidden"))
    if who is not None and who.may(Action.AUDIT):
        pages.append(st.Page(ROOT / "pages" / "audit.py", title="Audit trail",
                             icon=":material/policy:", url_path="audit"))
    return pages


def _to_home(home: st.Page) -> None:
    """Open the map page at the root address, keeping the address's parameters."""
    params = st.query_params
    st.switch_page(home, query_params={name: params.get_all(name) for name in params})


def run() -> None:
    """Run the page the address names, under the app's navigation (called by app.py)."""
    st.session_state[_VIA_ROUTER] = True
    who = auth.gate()
    st.navigation(app_pages(who)).run()


def ensure_router() -> None:
    """Rerun through the router when Streamlit ran this page script on its own.

    With a ``pages/`` folder beside ``app.py``, a fresh server stays in
    Streamlit's first multipage mode, which runs ``pages/<name>.py`` directly
    (without the app's router and page configuration), until ``st.navigation``
    is called once. Declaring the app's pages leaves that mode; the rerun then
    goes through ``app.py``.
    """
    ss = st.session_state
    ss[_SHOWN_THIS_RUN] = set()  # every page calls this first: a new page run starts
    if not ss.get(_VIA_ROUTER) and not ss.get("_router_rerun"):
        ss["_router_rerun"] = True  # once: a page run on its own (a test) then just runs
        st.navigation(app_pages(), position="hidden")
        st.rerun()


def first_in_run(notice: str) -> bool:
    """Whether ``notice`` is asked for the first time in this page run (then it counts as
    shown): a message that helpers called several times per run would repeat is shown once.

    Every page calls :func:`ensure_router` first, which starts the run's record.
    """
    shown = st.session_state.setdefault(_SHOWN_THIS_RUN, set())
    if notice in shown:
        return False
    shown.add(notice)
    return True
