"""The Review page's places placed by their source: listed, and moved whole.

"Also list resolved names" listed only the names a geocoder placed: on UCDP data, where
every record comes with the source's coordinates, nothing (trial of issue 14). The
places of those records (one per name and point, :mod:`geo.geocoding.place_points`)
are listed with them; an analyst's pin or candidate moves every record with that name
at that point, in one transaction, each with its history (the source's point as its
*before*), and the move is kept as a place correction (listed with Undo, applied to the
records of that name at that point imported later: :mod:`geo.store.place_corrections`).
Frame mode reads the shared frame, store mode asks the database
(:func:`geo.store.pg_review.place_points`); a file shown read-only is listed, not moved.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from geo.access import Forbidden
from geo.errors import Invalid, NotFound, StoreUnavailable
from geo.geocoding import place_points as points
from geo.geocoding.place_corrections import PlaceCorrection, point_key
from geo.render.details import counted
from geo.store import pg_review
from geo.store.records import EditConflict, InvalidEdit
from pages.shared import auth, common
from pages.shared import review_writes as writes


# One revision kept each: a million records each at its own point list a million places
# (about 100 MB); the store's revision after a move makes the old list useless anyway.
@st.cache_resource(show_spinner="Listing the places of the records…", max_entries=1)
def _frame_places(location: str, revision: int) -> pd.DataFrame:
    return points.place_points(common.dataset().incidents, ids_kept=0)


@st.cache_resource(show_spinner="Listing the places of the records…", max_entries=1)
def _store_places(location: str, revision: int) -> pd.DataFrame:
    opened = common.store()
    assert opened is not None
    return pg_review.place_points(opened, ids_kept=0)  # type: ignore[arg-type]


@st.cache_resource(show_spinner="Listing the places of the records…", max_entries=1)
def _file_places(path: str, mtime: float) -> pd.DataFrame:
    return points.place_points(common.dataset().incidents, ids_kept=0)


def queue() -> pd.DataFrame:
    """Every (name, point) of records placed by their source or an analyst
    (:data:`geo.geocoding.place_points.POINT_COLUMNS`; no ``ids``: :func:`record_ids`
    reads those of the place shown, a million places' lists would not fit)."""
    s = common.settings()
    opened = common.store()
    if opened is None:  # a file shown read-only (INCIDENT_MAP_DATA)
        path = Path(str(s.data_file))
        return _file_places(str(path), path.stat().st_mtime if path.exists() else 0.0)
    if common.store_mode():
        return _store_places(s.database, opened.revision())
    shared = common.live()
    assert shared is not None
    shared.current()
    return _frame_places(s.database, shared.revision)


def record_ids(name: str, latitude: float, longitude: float) -> list[str]:
    """Ids of the records a move of this place would move now (not as drawn)."""
    opened = common.store()
    if opened is not None and common.store_mode():
        return pg_review.place_ids(opened, name, latitude, longitude)  # type: ignore[arg-type]
    return points.place_ids(common.dataset().incidents, name, latitude, longitude)


def source_point(ids: list[str]) -> tuple[float, float] | None:
    """The point the place's records had before the Review page moved them, from the
    first record's history (None: never moved from here, or a file)."""
    opened = common.store()
    if opened is None or not ids:
        return None
    return points.source_point(opened.history(ids[0]))


def move(name: str, before: tuple[float, float], status: str, drawn: list[str],
         target: tuple[float, float, int], done: str, why_key: str = "") -> bool:
    """Move every record named ``name`` at ``before`` to ``target`` (lat, lon, precision),
    kept as a place correction (:meth:`geo.store.IncidentStore.correct_place`).

    ``drawn`` are the ids the page showed there: when the records there now differ (a
    colleague moved or edited one since), nothing is written and the analyst is told.
    """
    opened = common.store()
    if opened is None:
        writes.say("Not saved: the app shows a file (INCIDENT_MAP_DATA), which it never "
                   "changes; import it into the store to correct its places.", "error")
        return False
    lat, lon, precision = target
    if (round(lat, points.DECIMALS), round(lon, points.DECIMALS)) == before:
        writes.say(f"Nothing changed: {name} is already at that point.", "info")
        return False
    why = str(st.session_state.get(why_key) or "") if why_key else ""
    try:
        made = opened.correct_place(name, before, (lat, lon, precision), who=auth.current(),
                                    drawn=drawn, status=status, reason=why)
    except EditConflict as exc:
        writes.say(f"Not saved: {exc}.", "error")
        return False
    except InvalidEdit as exc:
        writes.say("Not saved: " + "; ".join(e.message for e in exc.errors), "error")
        return False
    except (Forbidden, Invalid, NotFound, StoreUnavailable) as exc:
        writes.say(f"Not saved: {exc}", "error")
        return False
    c = made.correction
    writes.say(f"{done} ({counted(len(made.moved), 'incident')} moved, each keeping its own "
               f"location precision); kept as correction {c.correction_id}: records of "
               f"{name} imported later at {c.from_latitude:.5f}, {c.from_longitude:.5f} go "
               "there too.", "success")
    if why_key:
        st.session_state.pop(why_key, None)
    return True


def use_candidate(name: str, before: tuple[float, float], status: str, drawn: list[str],
                  choice_key: str, targets: dict[int, tuple[float, float, int]],
                  why_key: str = "") -> None:
    """Callback of "Use this place" for a place: the chosen candidate's point."""
    chosen = st.session_state.get(choice_key)
    if chosen not in targets:
        writes.say(f"Not saved: pick a candidate for {name}.", "error")
        return
    move(name, before, status, drawn, targets[chosen], f"{name} moved", why_key)


def place_pin(name: str, before: tuple[float, float], status: str, drawn: list[str],
              fields: tuple[str, str, str], pin_key: str, why_key: str = "") -> None:
    """Callback of "Place the pin here" for a place."""
    ss = st.session_state
    lat, lon, precision = (ss.get(k) for k in fields)
    if lat is None or lon is None:
        writes.say(f"Not saved: give a latitude and a longitude for {name}, or click the "
                   "map.", "error")
        return
    if move(name, before, status, drawn, (float(lat), float(lon), int(precision or 1)),
            f"{name} pinned", why_key):
        ss.pop(pin_key, None)


def in_force() -> list[PlaceCorrection]:
    """The place corrections in force (none when the app shows a file)."""
    opened = common.store()
    return [] if opened is None else [c for c in opened.place_corrections() if c.active]


def placed_by(name: str, point: tuple[float, float]) -> PlaceCorrection | None:
    """The place correction in force that put ``name``'s records at ``point``, if any."""
    here = (point_key(point[0]), point_key(point[1]))
    return next((c for c in in_force() if c.name == name
                 and (point_key(c.latitude), point_key(c.longitude)) == here), None)


def undo(correction_id: str, name: str) -> None:
    """Callback of "Undo" for a place correction: its records still at the analyst's
    point go back to the source's; those moved since are left, and said."""
    opened = common.store()
    if opened is None:
        return
    found = next((c for c in opened.place_corrections()
                  if c.correction_id == correction_id), None)
    if found is not None and not found.active:
        by = f" by {found.undone_by}" if found.undone_by else ""
        writes.say(f"Nothing changed: the correction of {name} was undone or replaced{by} "
                   "after this page was drawn.", "info")
        return
    try:
        done = opened.undo_place_correction(correction_id, who=auth.current())
    except InvalidEdit as exc:
        writes.say("Not undone: " + "; ".join(e.message for e in exc.errors), "error")
        return
    except (Forbidden, Invalid, NotFound, StoreUnavailable) as exc:
        writes.say(f"Not undone: {exc}", "error")
        return
    c = done.correction
    text = (f"{name}: place correction undone ({counted(len(done.moved_back), 'incident')} "
            f"back at the source's point {c.from_latitude:.5f}, {c.from_longitude:.5f})")
    if done.left:
        shown = ", ".join(done.left[:10]) + (" …" if len(done.left) > 10 else "")
        text += (f"; {counted(len(done.left), 'incident')} left where an analyst put "
                 f"{'it' if len(done.left) == 1 else 'them'} since: {shown}")
    writes.say(text + ".", "warning" if done.left else "success")
