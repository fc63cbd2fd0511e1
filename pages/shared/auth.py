"""Who is using the app: sign-in through Streamlit (OIDC), roles, the listening rule.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every visitor signs in with
``st.login`` (OpenID Connect, through Authlib) and gets the role the roles file gives
their account (:func:`geo.access.load_roles`). Without one, the app is the embedded
single-user mode: it runs as the local user, and only while Streamlit listens on a
loopback address. The store checks every write again (:mod:`geo.access`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from geo.access import (
    REQUIRED,
    Action,
    Identity,
    Roles,
    auth_configured,
    listening_problem,
    load_roles,
    local_identity,
)
from geo.errors import Invalid
from geo.render.details import escape_markdown
from geo.settings import load_settings

_KEY = "_identity"


def _secrets() -> Mapping[str, object]:
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no sign-in
        return {}


def sign_in_configured() -> bool:
    """Whether sign-in (an ``[auth]`` section in the secrets) is configured."""
    return auth_configured(_secrets())


@st.cache_resource(max_entries=2)
def _roles(path: str, mtime: float) -> Roles:
    return load_roles(Path(path))


def roles() -> Roles:
    """The roles file, re-read when it changes."""
    path = load_settings().roles_path
    return _roles(str(path), path.stat().st_mtime if path.exists() else 0.0)


def _signed_in() -> Identity | None:
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "").strip().lower()
    account = email or str(st.user.get("sub") or "").strip()
    if not account:
        return None
    name = str(st.user.get("name") or "")
    return Identity(account, roles().role_of(account), name=name, provider="oidc")


def gate() -> Identity:
    """Run before any page: refuse a network address without sign-in, ask unsigned
    visitors to sign in, and show who is signed in with a sign-out button.

    Returns
    -------
    Identity
        The visitor, also kept for :func:`current`.
    """
    configured = sign_in_configured()
    problem = listening_problem(st.get_option("server.address"), configured)
    if problem:
        st.error(problem, icon=":material/gpp_bad:")
        st.stop()
    try:
        who = _signed_in() if configured else local_identity()
    except Invalid as exc:
        st.error(f"Sign-in is configured but the roles file cannot be used: {exc}",
                 icon=":material/error:")
        st.stop()
        raise  # unreachable
    if who is None:
        _sign_in_screen()
        st.stop()
    assert who is not None
    st.session_state[_KEY] = who
    with st.sidebar:
        _account_box(who, configured)
    return who


def current() -> Identity:
    """The visitor of this session (set by :func:`gate` on every run)."""
    who = st.session_state.get(_KEY)
    if not isinstance(who, Identity):
        who = gate()
    return who


def can(action: Action) -> bool:
    """Whether the visitor may do ``action`` (the store checks again)."""
    return current().may(action)


def refusal(action: Action) -> str:
    """What the page says instead of a form the visitor may not use."""
    who = current()
    return (
        f"You are signed in as {escape_markdown(who.account)} with the **{who.role.value}** "
        f"role; to {action.value} needs the **{REQUIRED[action].value}** role. "
        "An admin gives roles in the roles file (see README, Team deployment)."
    )


def _sign_in_screen() -> None:
    st.title("Incident Map")
    st.markdown("Sign in to see and work on the incidents of your team.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login,
              key="sign-in")


def _account_box(who: Identity, configured: bool) -> None:
    if configured:
        st.markdown(
            f":material/account_circle: **{escape_markdown(who.name or who.account)}**  \n"
            f"{escape_markdown(who.account)} · {who.role.value}"
        )
        st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out")
    else:
        st.caption(
            f"Single-user mode: {escape_markdown(who.account)} ({who.role.value}); the app "
            "listens on this computer only."
        )
