"""Correcting a stored incident (with its history) and exporting the incidents in view."""

from __future__ import annotations

import hashlib
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
from pages.shared import auth, view_state

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
#: Session key of what became of the last correction submitted: (id, text, kind).
_SAID_KEY = "correction-said"


def field_text(value: object) -> str:
    """A stored value as the analyst types it ('' for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def saved_note(incident_id: str) -> bool:
    """Show what became of the correction last submitted for this record, above the
    form's expander (trial 21: a point move re-drew the details, the expander came back
    closed and the note was seen only when reopened); whether there was one.

    Kept until the next correction or record."""
    said = st.session_state.get(_SAID_KEY)
    if not said or said[0] != incident_id:
        return False
    show = {"success": st.success, "warning": st.warning, "error": st.error,
            "info": st.info}.get(str(said[2]), st.info)
    show(escape_markdown(said[1]))
    return True


def why_key(incident_id: str) -> str:
    """Session key of the form's "Why" box (emptied once the correction is saved)."""
    return f"edit-why-{incident_id}"


def field_key(incident_id: str, version: str, name: str) -> str:
    """Session key of one field of the form, for the record as it was drawn (``version``:
    a new value stored, by this analyst or another, draws the form afresh)."""
    return f"edit-{incident_id}-{version}-{name}"


def _version(shown: dict[str, str]) -> str:
    return hashlib.sha1(repr(sorted(shown.items())).encode("utf-8")).hexdigest()[:10]


def edit_form(store: IncidentStore, row: pd.Series) -> None:
    """A form to correct the record, for analysts and admins; every change is kept in its
    history under the signed-in account.

    The correction is saved by the submit button's callback, which Streamlit runs before
    the page, in the first run that receives the click: a trial's save in store mode
    under load was lost without a word (another rerun, from the map or a click, replaced
    the run of the submit before it reached the form, and a submit read in the page's
    body is seen only by the run it arrives with). What became of it is said above the
    form (:func:`saved_note`), whichever run draws it.
    """
    if not auth.can(Action.EDIT):
        st.info(auth.refusal(Action.EDIT), icon=":material/lock:")
        return
    incident_id = str(row["id"])
    shown = {name: field_text(row.get(name)) for name in EDITABLE}
    version = _version(shown)
    with st.form(f"edit-{incident_id}"):
        for name, label in EDITABLE.items():
            key = field_key(incident_id, version, name)
            if name in _CHOICES:
                options = list(_CHOICES[name])
                if shown[name] not in options:
                    options.append(shown[name])
                names = _SHOWN.get(name, {})
                st.selectbox(label, options, index=options.index(shown[name]),
                             format_func=lambda v, n=names: n.get(v, v), key=key)
            else:
                st.text_input(label, shown[name], key=key)
        st.text_input("Why (source, reasoning)", key=why_key(incident_id))
        st.form_submit_button(
            "Save the correction", on_click=save_correction,
            args=(store, incident_id, shown, version,
                  field_text(row.get("geocode_source"))))


def save_correction(store: IncidentStore, incident_id: str, shown: dict[str, str],
                    version: str, source: str) -> None:
    """Save what the form holds (the submit button's callback; see :func:`edit_form`).

    ``shown`` is the record as the analyst saw it when the form was drawn: a value
    changed meanwhile by someone else refuses the save (the store compares), it is
    never overwritten. The outcome, saved or not, is kept for :func:`saved_note`.
    """
    ss = st.session_state
    ss.pop(_SAID_KEY, None)
    typed = {name: field_text(ss.get(field_key(incident_id, version, name), shown[name]))
             for name in EDITABLE}
    reason = field_text(ss.get(why_key(incident_id), ""))
    changes = {k: v.strip() for k, v in typed.items() if v.strip() != shown[k]}
    if not changes:
        _say(incident_id, "Nothing changed: the form holds the record's values.", "info")
        return
    moved = bool({"latitude", "longitude"} & set(changes))
    if moved:  # an analyst's point: the geocoder never moves it back
        changes["geocode_source"] = ANALYST_SOURCE
    elif {"place", "country", "admin1"} & set(changes) and source == UNCONFIRMED_SOURCE:
        # the analyst named the place: the geocoder may place it as it places any name
        changes["geocode_source"] = ""
    try:
        done = store.edit(incident_id, changes, who=auth.current(), reason=reason.strip(),
                          expected={k: shown[k] for k in changes if k in shown})
    except Forbidden as exc:
        _say(incident_id, f"Not saved: {exc}", "error")
        return
    except InvalidEdit as exc:
        _say(incident_id, "Not saved: " + "; ".join(labelled(e.field, e.message)
                                                    for e in exc.errors), "error")
        return
    except EditConflict:
        _say(incident_id, "Not saved: the record changed after this form was drawn (a save "
             "just before this one, or a colleague's). The form now shows its current "
             "values: correct it again.", "error")
        return
    except NotFound:
        _say(incident_id, f"Not saved: {incident_id} is no longer in the store.", "error")
        return
    said = f"Saved {len(done)} change{'s' if len(done) != 1 else ''} to {incident_id}."
    _say(incident_id, said, "success", toast=False)  # said even if what follows is cut short
    ss[why_key(incident_id)] = ""  # the next correction has its own
    caution = False
    if {"place", "country", "admin1"} & set(changes) and not moved:
        from pages.shared import common  # the gazetteer loads only for such a change

        if not common.relocate([incident_id], auth.current()):
            caution = True
            why = ("the gazetteer does not place the new name (the Review page lists it)."
                   if source == UNCONFIRMED_SOURCE
                   else kept_point_reason(pd.Series({"geocode_source": source})))
            said += (" Its point did not move: " + why
                     + " To move it, correct Latitude and Longitude.")
    if (moved and shown["geo_precision"] != "1"
            and not {"geo_precision", "location_uncertainty_km"} & set(changes)):
        caution = True
        said += (" The point moved; its location precision is still "
                 + _SHOWN["geo_precision"].get(shown["geo_precision"], "unknown")
                 + ": set Location precision (and the radius) if the new point is exact.")
    _say(incident_id, said, "warning" if caution else "success")
    if moved:
        _show_new_point(changes, shown)


def _show_new_point(changes: dict[str, str], shown: dict[str, str]) -> None:
    """Bring the selected incident's new point into the map's view (trial 26: after a
    move of 40 km the map stayed at the old point, the selected marker out of sight)."""
    try:
        lat = float(changes.get("latitude", shown["latitude"]))
        lon = float(changes.get("longitude", shown["longitude"]))
    except ValueError:
        return
    view_state.bring_into_view(lat, lon)


def _say(incident_id: str, text: str, kind: str, toast: bool = True) -> None:
    """Keep what became of a correction for :func:`saved_note`, and toast it: also seen
    where the record's details are not drawn, and each one of quick saves is seen."""
    st.session_state[_SAID_KEY] = (incident_id, text, kind)
    if toast:
        st.toast(escape_markdown(text), icon=_ICONS[kind])


_ICONS = {"success": ":material/check_circle:", "warning": ":material/warning:",
          "error": ":material/error:", "info": ":material/info:"}


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
