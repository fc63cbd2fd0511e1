"""The Review page's writes, each run by its button's callback, with what became of it.

A button read in the page's body (``if st.button(...)``) is seen only by the run it
arrives with: a rerun that replaces that run (a map event, another click, store mode's
slow runs) dropped the action without a word (trial of issue 14), and a click that
arrived with a change of the name shown wrote for the new name. A callback runs before
the page, in the first run that receives the click, with the name, context and
candidates the analyst saw when the button was drawn. Every outcome is said once: a
toast (seen wherever the analyst scrolled) for what was saved or left unchanged; a
refusal or a warning (refused and why, changed since drawn) is also kept under the title
by :func:`said_note`, to be read. A pin's success was said twice, in a toast and under
the title at the same time (trial of issue 14).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from geo.access import Forbidden
from geo.errors import Invalid, NotFound, StoreUnavailable
from geo.geocoding.overrides import CorrectionStore, Override, OverrideIndex, override_key
from geo.geocoding.review import Proposal, accept
from geo.render.details import counted, escape_markdown
from pages.shared import auth, common

#: Session key of what became of the last write: (text, kind).
SAID_KEY = "review-said"
#: Session key of the scope radio ("in this country", "in this governorate", "everywhere").
SCOPE_KEY = "scope"
_ICONS = {"success": ":material/check_circle:", "warning": ":material/warning:",
          "error": ":material/error:", "info": ":material/info:"}

Key = tuple[str, str, str]


def said_note() -> None:
    """Show what became of the last write on this page (kept until the next one)."""
    said = st.session_state.get(SAID_KEY)
    if not said:
        return
    show = {"success": st.success, "warning": st.warning, "error": st.error}.get(
        str(said[1]), st.info)
    show(escape_markdown(str(said[0])), icon=_ICONS.get(str(said[1])))


#: Outcomes also kept under the title (to be read), not only toasted.
KEPT = ("error", "warning")


def say(text: str, kind: str) -> None:
    """Say what became of a write, once (see the module docstring)."""
    st.toast(escape_markdown(text), icon=_ICONS[kind])
    if kind in KEPT:
        st.session_state[SAID_KEY] = (text, kind)
    else:  # an older refusal no longer stands above the page
        st.session_state.pop(SAID_KEY, None)


def scope_context(country: str, admin1: str, scope: object = None) -> tuple[str, str]:
    """The (country, governorate) a correction applies to under a scope choice.

    Examples
    --------
    >>> scope_context("SY", "Hama", "everywhere")
    ('', '')
    >>> scope_context("SY", "Hama", "in this country")
    ('SY', '')
    """
    scope = scope or "in this country"
    return ("" if scope == "everywhere" else country,
            admin1 if scope == "in this governorate" else "")


def in_force(store: CorrectionStore) -> dict[Key, Override]:
    """The corrections in force, by the exact key each applies to."""
    return {o.key: o for o in OverrideIndex(store.corrections()).active()}


def seen(store: CorrectionStore, name: str, country: str, admin1: str) -> dict[Key, str]:
    """Id of the correction in force ('' for none) for each scope of a name, as drawn."""
    now = in_force(store)
    keys = {override_key(name, *scope_context(country, admin1, s))
            for s in ("in this country", "in this governorate", "everywhere")}
    return {k: now[k].override_id if k in now else "" for k in keys}


def _where(country: str, admin1: str) -> str:
    return ", ".join(p for p in (country, admin1) if p) or "everywhere"


def _by(o: Override) -> str:
    return f"{o.created_by or 'someone'} at {o.created_at[:16].replace('T', ' ')}"


def _same_target(o: Override, target: Mapping[str, object]) -> bool:
    if target.get("gazetteer_id"):
        return o.gazetteer_id == target["gazetteer_id"]
    return (not o.gazetteer_id and o.latitude == target.get("latitude")
            and o.longitude == target.get("longitude")
            and o.precision == (target.get("precision") or 1))


def _write(action: Callable[[], object], done: str, kind: str = "success") -> bool:
    """Make a correction (the store checks the role again) and say how it went."""
    try:
        action()
        # The map shows stored coordinates: move the records the correction concerns.
        moved = common.apply_geocoding(auth.current())
    except (Forbidden, Invalid, NotFound, StoreUnavailable) as exc:
        say(f"Not saved: {exc}", "error")
        return False
    # a file shown (INCIDENT_MAP_DATA) is geocoded again as it is read, not moved here
    said = f" ({counted(moved, 'incident')} moved)" if common.store() is not None else ""
    say(f"{done}{said}.", kind)
    return True


def _correct(store: CorrectionStore, name: str, country: str, admin1: str,
             drawn: Mapping[Key, str], target: Mapping[str, object], done: str) -> bool:
    """Place ``name`` in the scope chosen now, unless its correction changed since drawn."""
    country, admin1 = scope_context(country, admin1, st.session_state.get(SCOPE_KEY))
    key = override_key(name, country, admin1)
    current = in_force(store).get(key)
    if (current.override_id if current else "") != drawn.get(key, ""):
        made = (f"corrected by {_by(current)}" if current is not None
                else "its correction was undone")
        say(f"Not saved: {name} ({_where(country, admin1)}) changed after this page was "
             f"drawn ({made}). Look at it again and choose.", "error")
        return False
    if current is not None and _same_target(current, target):
        say(f"Nothing changed: {name} ({_where(country, admin1)}) is already placed "
             "there.", "info")
        return False
    return _write(lambda: store.add_correction(
        name, country=country, admin1=admin1, who=auth.current(), **target,  # type: ignore[arg-type]
    ), done)


def use_candidate(name: str, country: str, admin1: str,
                  drawn: Mapping[Key, str], choice_key: str,
                  gazetteer_ids: Mapping[int, str]) -> None:
    """Callback of "Use this place": the candidate chosen in ``choice_key``."""
    chosen = st.session_state.get(choice_key)
    if chosen not in gazetteer_ids:
        say(f"Not saved: pick a candidate for {name}.", "error")
        return
    _correct(common.corrections(), name, country, admin1, drawn,
             {"gazetteer_id": str(gazetteer_ids[chosen])}, f"{name} corrected")


def place_pin(name: str, country: str, admin1: str,
              drawn: Mapping[Key, str], fields: tuple[str, str, str], pin_key: str) -> None:
    """Callback of "Place the pin here": the form's latitude, longitude and precision."""
    ss = st.session_state
    lat, lon, precision = (ss.get(k) for k in fields)
    if lat is None or lon is None:
        say(f"Not saved: give a latitude and a longitude for {name}, or click the map.",
             "error")
        return
    target = {"latitude": float(lat), "longitude": float(lon), "precision": precision}
    if _correct(common.corrections(), name, country, admin1, drawn, target, f"{name} pinned"):
        ss.pop(pin_key, None)


def accept_rule(proposals: Sequence[Proposal], drawn: Mapping[Key, str]) -> None:
    """Callback of "Accept N names": the proposals shown, less those corrected since."""
    store = common.corrections()  # as it is now, not as the page was drawn
    now = in_force(store)
    keys = [override_key(p.name, p.country, p.admin1) for p in proposals]
    fresh = [p for p, k in zip(proposals, keys, strict=True)
             if (now[k].override_id if k in now else "") == drawn.get(k, "")]
    stale = [p.name for p in proposals if p not in fresh]
    skipped = (f"; {counted(len(stale), 'name')} left alone, corrected since this page was "
               "drawn: " + ", ".join(stale[:10])) if stale else ""
    if not fresh:
        say("Nothing changed: every proposed name was corrected after this page was drawn"
             f" ({', '.join(stale[:10])}).", "info")
        return
    _write(lambda: accept(fresh, store, auth.current()),
           f"{counted(len(fresh), 'name')} accepted{skipped}", "warning" if stale else "success")


def drawn_for(store: CorrectionStore, proposals: Sequence[Proposal]) -> dict[Key, str]:
    """Id of the correction in force for each proposal's key, as drawn."""
    now = in_force(store)
    keys = [override_key(p.name, p.country, p.admin1) for p in proposals]
    return {k: now[k].override_id if k in now else "" for k in keys}


def undo(override_id: str, name: str) -> None:
    """Callback of "Undo": undo one correction, unless it is no longer in force."""
    store = common.corrections()  # as it is now, not as the page was drawn
    found = OverrideIndex(store.corrections()).get(override_id)
    if found is not None and not found.active:
        by = f" by {found.undone_by}" if found.undone_by else ""
        say(f"Nothing changed: the correction of {name} was undone{by} after this page "
             "was drawn.", "info")
        return
    _write(lambda: store.undo_correction(override_id, who=auth.current()),
           f"{name}: correction undone")
