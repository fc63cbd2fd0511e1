"""The Review page's places placed by their source: listed, and moved whole.

"Also list resolved names" listed only the names a geocoder placed: on UCDP data, where
every record comes with the source's coordinates, nothing (trial of issue 14). The
places of those records (one per name and point, :mod:`geo.geocoding.place_points`)
are listed with them; an analyst's pin or candidate moves every record with that name
at that point, in one transaction, each with its history (the source's point as its
*before*). Frame mode reads the shared frame, store mode asks the database
(:func:`geo.store.pg_review.place_points`); a file shown read-only is listed, not moved.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from geo.access import Forbidden
from geo.errors import Invalid, NotFound, StoreUnavailable
from geo.geocoding import place_points as points
from geo.render.details import counted
from geo.store import pg_review
from geo.store.records import InvalidEdit
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


def move(name: str, before: tuple[float, float], status: str, drawn: int,
         target: tuple[float, float, int], done: str) -> bool:
    """Move every record named ``name`` at ``before`` to ``target`` (lat, lon, precision).

    ``drawn`` is how many records the page said would move: when none is there any
    more the move is refused (a colleague moved them since the page was drawn).
    """
    opened = common.store()
    if opened is None:
        writes.say("Not saved: the app shows a file (INCIDENT_MAP_DATA), which it never "
                   "changes; import it into the store to correct its places.", "error")
        return False
    ids = record_ids(name, *before)
    if not ids:
        writes.say(f"Not saved: no record named {name} is at {before[0]:.5f}, "
                   f"{before[1]:.5f} any more (moved after this page was drawn).", "error")
        return False
    lat, lon, precision = target
    if (round(lat, points.DECIMALS), round(lon, points.DECIMALS)) == before:
        writes.say(f"Nothing changed: {name} is already at that point.", "info")
        return False
    try:
        opened.edit_many(points.place_moves(ids, lat, lon, precision), who=auth.current(),
                         reason=points.move_reason(name, len(ids), before, status))
    except InvalidEdit as exc:
        writes.say("Not saved: " + "; ".join(e.message for e in exc.errors), "error")
        return False
    except (Forbidden, Invalid, NotFound, StoreUnavailable) as exc:
        writes.say(f"Not saved: {exc}", "error")
        return False
    more = "" if len(ids) == drawn else f"; {len(ids)} were there now, {drawn} when drawn"
    writes.say(f"{done} ({counted(len(ids), 'incident')} moved{more}).", "success")
    return True


def use_candidate(name: str, before: tuple[float, float], status: str, drawn: int,
                  choice_key: str, targets: dict[int, tuple[float, float, int]]) -> None:
    """Callback of "Use this place" for a place: the chosen candidate's point."""
    chosen = st.session_state.get(choice_key)
    if chosen not in targets:
        writes.say(f"Not saved: pick a candidate for {name}.", "error")
        return
    move(name, before, status, drawn, targets[chosen], f"{name} moved")


def place_pin(name: str, before: tuple[float, float], status: str, drawn: int,
              fields: tuple[str, str, str], pin_key: str) -> None:
    """Callback of "Place the pin here" for a place."""
    ss = st.session_state
    lat, lon, precision = (ss.get(k) for k in fields)
    if lat is None or lon is None:
        writes.say(f"Not saved: give a latitude and a longitude for {name}, or click the "
                   "map.", "error")
        return
    if move(name, before, status, drawn, (float(lat), float(lon), int(precision or 1)),
            f"{name} pinned"):
        ss.pop(pin_key, None)
