"""Correcting a stored incident (with its history) and exporting the incidents in view."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from geo.access import Action, Forbidden
from geo.errors import NotFound
from geo.geocoding.stored import UNCONFIRMED_SOURCE
from geo.render.details import counted, escape_markdown
from geo.render.export import EXPORT_FORMATS, ExportFile, export_view
from geo.store import EditConflict, IncidentStore, InvalidEdit
from geo.view.dataset import Dataset
from geo.view.filters import FilterContext
from geo.view.state import ViewDomain, ViewState, view_link
from geo.vocab import CLAIM_STATUSES, DATE_PRECISIONS, EVENT_TYPES, PRECISION_LABELS
from pages.shared import auth

#: Fields an analyst corrects on the map page, with their labels.
EDITABLE = {
    "date_start": "First day (YYYY-MM-DD)",
    "date_end": "Last day (YYYY-MM-DD)",
    "date_precision": "Date precision",
    "date_note": "Date note",
    "place": "Place as written",
    "latitude": "Latitude (decimal degrees, to move the point)",
    "longitude": "Longitude (decimal degrees, to move the point)",
    "geo_precision": "Location precision",
    "location_uncertainty_km": "Uncertainty radius, km (empty: the precision's default)",
    "event_type": "Event type",
    "actors": "Actors",
    "killed_min": "Killed, at least",
    "killed_max": "Killed, at most",
    "killed_best": "Killed, best estimate",
    "deaths_civilians": "Civilian deaths",
    "injured_min": "Injured, at least",
    "injured_max": "Injured, at most",
    "casualties_min": "Dead and injured, at least",
    "casualties_max": "Dead and injured, at most",
    "claim_status": "Claim status",
    "claimed_by": "Claimed by",
}
_CHOICES = {
    "date_precision": DATE_PRECISIONS,
    "event_type": EVENT_TYPES,
    "claim_status": CLAIM_STATUSES,
    "geo_precision": tuple(str(code) for code in PRECISION_LABELS),
}
#: What the form's choices read as (the stored value is the key).
_SHOWN = {"geo_precision": {str(code): f"{code}: {label}"
                            for code, label in PRECISION_LABELS.items()}}
#: Session key of the last saved correction's note, shown after the rerun that follows.
_SAID_KEY = "correction-said"


def field_text(value: object) -> str:
    """A stored value as the analyst types it ('' for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def saved_note(incident_id: str) -> bool:
    """Show the note of the correction last saved to this record, above the form's
    expander (trial 21: a point move re-drew the details, the expander came back closed
    and the note was seen only when reopened); whether there was one.

    Kept until the next correction or record."""
    said = st.session_state.get(_SAID_KEY)
    if not said or said[0] != incident_id:
        return False
    (st.warning if said[2] else st.success)(escape_markdown(said[1]))
    return True


def why_key(incident_id: str) -> str:
    """Session key of the form's "Why" box (emptied once the correction is saved)."""
    return f"edit-why-{incident_id}"


def edit_form(store: IncidentStore, row: pd.Series) -> None:
    """A form to correct the record, for analysts and admins; every change is kept in its
    history under the signed-in account."""
    if not auth.can(Action.EDIT):
        st.info(auth.refusal(Action.EDIT), icon=":material/lock:")
        return
    incident_id = str(row["id"])
    shown = {name: field_text(row.get(name)) for name in EDITABLE}
    with st.form(f"edit-{incident_id}"):
        typed: dict[str, str] = {}
        for name, label in EDITABLE.items():
            if name in _CHOICES:
                options = list(_CHOICES[name])
                if shown[name] not in options:
                    options.append(shown[name])
                names = _SHOWN.get(name, {})
                typed[name] = st.selectbox(label, options, index=options.index(shown[name]),
                                           format_func=lambda v, n=names: n.get(v, v))
            else:
                typed[name] = st.text_input(label, shown[name])
        reason = st.text_input("Why (source, reasoning)", key=why_key(incident_id))
        if not st.form_submit_button("Save the correction"):
            return
    st.session_state.pop(_SAID_KEY, None)
    changes = {k: v.strip() for k, v in typed.items() if v.strip() != shown[k]}
    if not changes:
        st.info("Nothing changed.")
        return
    moved = bool({"latitude", "longitude"} & set(changes))
    if moved:  # an analyst's point: the geocoder never moves it back
        changes["geocode_source"] = ANALYST_SOURCE
    elif ({"place", "country", "admin1"} & set(changes)
          and field_text(row.get("geocode_source")) == UNCONFIRMED_SOURCE):
        # the analyst named the place: the geocoder may place it as it places any name
        changes["geocode_source"] = ""
    try:
        done = store.edit(incident_id, changes, who=auth.current(), reason=reason.strip(),
                          expected={k: shown[k] for k in changes if k in shown})
    except Forbidden as exc:
        st.error(f"Not saved: {escape_markdown(str(exc))}")
    except InvalidEdit as exc:
        st.error("Not saved: " + "; ".join(escape_markdown(labelled(e.field, e.message))
                                           for e in exc.errors))
    except EditConflict:
        st.error("Not saved: someone changed this record meanwhile. Reload and check it.")
    except NotFound:
        st.error(f"Not saved: {escape_markdown(incident_id)} is no longer in the store.")
    else:
        said = f"Saved {len(done)} change{'s' if len(done) != 1 else ''} to {incident_id}."
        caution = False
        if {"place", "country", "admin1"} & set(changes) and not moved:
            from pages.shared import common  # the gazetteer loads only for such a change

            if not common.relocate([incident_id], auth.current()):
                caution = True
                said += (" Its point did not move: " + kept_point_reason(row)
                         + " To move it, correct Latitude and Longitude.")
        if (moved and shown["geo_precision"] != "1"
                and not {"geo_precision", "location_uncertainty_km"} & set(changes)):
            caution = True
            said += (" The point moved; its location precision is still "
                     + _SHOWN["geo_precision"].get(shown["geo_precision"], "unknown")
                     + ": set Location precision (and the radius) if the new point is exact.")
        st.session_state[_SAID_KEY] = (incident_id, said, caution)
        st.session_state.pop(why_key(incident_id), None)  # the next correction has its own
        st.toast(said)
        st.rerun()


#: ``geocode_source`` of a point an analyst typed (not a gazetteer prefix, so a later
#: geocoding pass leaves it alone).
ANALYST_SOURCE = "analyst"


def kept_point_reason(row: pd.Series) -> str:
    """Why a corrected place name left the record's point where it was.

    Examples
    --------
    >>> kept_point_reason(pd.Series({"geocode_source": "given"}))
    'the coordinates came with the record from its source.'
    """
    source = field_text(row.get("geocode_source"))
    if source in ("given", ""):
        return "the coordinates came with the record from its source."
    if source == ANALYST_SOURCE:
        return "an analyst set its coordinates."
    return "the new name resolves to the same point, or to none."


def labelled(field: str, message: str) -> str:
    """A refused correction in the form's words: field names become their labels.

    ``killed_max 5 is below killed_min 8`` reads ``Killed, at most 5 is below Killed,
    at least 8``; a message that does not name its field is preceded by its label.
    """
    said = message
    for name in sorted(EDITABLE, key=len, reverse=True):
        said = re.sub(rf"\b{name}\b", EDITABLE[name], said)
    label = EDITABLE.get(field, field)
    return said if said != message or not field else f"{label}: {said}"


def history(store: IncidentStore, incident_id: str) -> None:
    """The corrections made to one record: who, when, field, before, after, why."""
    past = store.history(incident_id)
    if past.empty:
        st.caption("No correction yet.")
        return
    last = past.iloc[-1]
    together = past[past["at"] == last["at"]]["field"].tolist()
    st.caption(escape_markdown(f"Last change: {change_words(together)} by {last['who']}, "
                               f"{str(last['at'])[:16].replace('T', ' ')} UTC"))
    # what changed first, in words, newest first: the ids and times filled the narrow
    # column and the rest ran off to the right (trial 22)
    table = pd.DataFrame({
        "change": [_FIELD_WORDS.get(f, EDITABLE.get(f, f)) for f in past["field"]],
        "before": past["before"].astype(str), "after": past["after"].astype(str),
        "why": past["reason"].astype(str), "who": past["who"].astype(str),
        "when (UTC)": [str(a)[:16].replace("T", " ") for a in past["at"]],
    }).iloc[::-1]
    st.dataframe(table, hide_index=True, width="stretch")


#: Fields the form does not show, as an analyst reads them.
_FIELD_WORDS = {"geocode_source": "point set by", "geocode_status": "place name status",
                "quality": "data-quality flag", "admin1": "governorate",
                "admin2": "district", "country": "country", "description": "description",
                "source_name": "source", "source_url": "source link"}


def change_words(fields: list[str]) -> str:
    """What one saved correction changed, in words ("the point (latitude, longitude)").

    Examples
    --------
    >>> change_words(["latitude", "longitude", "geocode_source"])
    'the point (latitude and longitude)'
    >>> change_words(["killed_min"])
    'Killed, at least'
    """
    moved = {"latitude", "longitude"} & set(fields)
    said = ["the point (latitude and longitude)" if len(moved) == 2 else
            f"the point ({moved.pop()})"] if moved else []
    said += [_FIELD_WORDS.get(f, EDITABLE.get(f, f)) for f in dict.fromkeys(fields)
             if f not in ("latitude", "longitude") and not (moved and f == "geocode_source")]
    return ", ".join(said) or "nothing"


def export_box(
    source: Callable[[], Dataset], state: ViewState, domain: ViewDomain, shown: int,
    page_url: str, context_of: Callable[[Dataset], FilterContext | None] = lambda _d: None,
) -> None:
    """Download the incidents of this view, with its permalink in the file's metadata.

    The files are made only when a button is clicked, from the data ``source`` gives
    then (this run's frame is not held until a click); ``context_of`` gives the filter
    context the page counts with, so the file holds what the page says.
    """
    cols = st.columns([1, 2, 2], vertical_alignment="bottom")
    fmt = cols[0].selectbox("Export as", list(EXPORT_FORMATS), key="export-format",
                            format_func=str.upper)
    base = view_link(state, domain, page_url).split("?")[0]
    at = datetime.now(UTC).replace(microsecond=0)
    extension, mime = EXPORT_FORMATS[fmt]
    name = f"incidents-{at:%Y%m%dT%H%M%SZ}{extension}"

    def make() -> ExportFile:
        data = source()
        return export_view(data.incidents, state, data.domain(), fmt, base_url=base, at=at,
                           context=context_of(data))

    cols[1].download_button(
        f"Download {counted(shown, 'incident')}", lambda: make().data, file_name=name, mime=mime,
        icon=":material/download:", on_click="ignore", key="export-data",
    )
    cols[2].download_button(
        "Download the view's metadata", lambda: make().metadata_json(),
        file_name=name + ".meta.json", mime="application/json", on_click="ignore",
        key="export-meta",
    )
