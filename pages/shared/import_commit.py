"""The Import page's last step: what importing the file would change, then the import.

Before the analyst commits, the valid rows are sorted against the store as the import
would sort them (:meth:`geo.store.IncidentStore.preview_upsert`, writing nothing): new,
changed and which fields, unchanged, and refused by validation; a file imported before
says plainly that importing it again changes nothing (trial of issue 14: a re-import
said so only afterwards). The import itself runs in its button's callback, so a rerun
that replaces the run of the click (another click, a slow run) cannot drop it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import Invalid, StoreUnavailable
from geo.geocoding.place_corrections import PlaceCorrection
from geo.ingest import ImportReport
from geo.render.details import counted, escape_markdown
from geo.store import IncidentStore
from geo.store.plan import ImportPreview
from pages.shared import auth, common, uploads
from pages.shared.records import EDITABLE

PREVIEW_KEY = "import-preview"
DONE_KEY = "import-done"
#: Session key of an import refused (text), shown by the page until the next try.
REFUSED_KEY = "import-refused"


def preview(store: IncidentStore, report: ImportReport, wanted: object) -> ImportPreview | None:
    """What importing the report's valid rows would do now (kept until the store or the
    report changes); None, with the reason shown, when the store would refuse them."""
    key = (wanted, store.revision())
    held = st.session_state.get(PREVIEW_KEY)
    if held is not None and held[0] == key:
        return held[1]  # type: ignore[no-any-return]
    try:
        with st.spinner("Comparing the file with the store…"):
            found = store.preview_upsert(report.incidents, origin=report.origins)
    except (Invalid, ValueError, StoreUnavailable) as exc:
        st.error(escape_markdown(f"The store would refuse this import: {exc}"),
                 icon=":material/error:")
        return None
    st.session_state[PREVIEW_KEY] = (key, found)
    return found


def _label(field: str) -> str:
    label = EDITABLE.get(field)
    return f"{field} ({label.split(' (')[0]})" if label else field


def show_preview(found: ImportPreview, report: ImportReport) -> None:
    """The counts of what the import would do, and the fields it would change."""
    refused = len(report.rejected_rows)
    st.subheader("What importing this file would change")
    cols = st.columns(4)
    cols[0].metric("New", f"{found.new:,}")
    cols[1].metric("Changed", f"{found.changed:,}")
    cols[2].metric("Unchanged", f"{found.unchanged:,}")
    cols[3].metric("Refused", f"{refused:,}")
    kept = "; ".join(f"{_label(f)} in {counted(n, 'record')}" for f, n in found.kept.items())
    if found.placed:
        st.info(escape_markdown(placed_note(found.placed)), icon=":material/wrong_location:")
    if found.held:
        st.info(escape_markdown(held_note(found.held)), icon=":material/wrong_location:")
    if found.changes_nothing:
        st.info(escape_markdown(nothing_note(found, report.valid, refused)),
                icon=":material/info:")
        return
    if found.fields:
        st.caption(f"Fields the import would change in the {counted(found.changed, 'record')} "
                   "already stored:")
        st.dataframe(pd.DataFrame(
            [{"field": _label(f), "records": n, "for example": ", ".join(found.examples[f])}
             for f, n in found.fields.items()]), hide_index=True, key="import-fields")
    if kept:
        st.caption(escape_markdown(f"Kept as analysts corrected them (the file says otherwise): "
                                   f"{kept}."))


def placed_note(placed: dict[str, int]) -> str:
    """What the preview says of the records a place correction in force will place.

    Examples
    --------
    >>> placed_note({"Tartus": 2})[:59]
    '2 records will be placed by your correction of Tartus (the '
    >>> placed_note({"Tartus": 2, "Baniyas": 1})[:60]
    '3 records will be placed by your corrections of Tartus (2), '

    """
    n = sum(placed.values())
    names = ", ".join(f"{name} ({k:,})" if len(placed) > 1 else name
                      for name, k in list(placed.items())[:10])
    more = f" and {len(placed) - 10:,} more" if len(placed) > 10 else ""
    return (f"{counted(n, 'record')} will be placed by your correction"
            f"{'s' if len(placed) > 1 else ''} of {names}{more} (the Review page's, listed "
            "under Corrections in force): moved from the source's point to the analyst's, "
            "each with its history.")


def held_note(held: list[tuple[PlaceCorrection, int]]) -> str:
    """What the preview says of the file's records a place correction in force keeps at
    its corrected point (trial 27: "Nothing would change" alone hid 53 such records).

    Examples
    --------
    >>> c = PlaceCorrection("p3", "Tadmur", 34.55, 38.27, 34.56, 38.28)
    >>> held_note([(c, 53)])[:72]
    '53 records of this file stay where a place correction in force put them:'
    """
    n = sum(k for _, k in held)
    listed = "; ".join(
        f"{c.correction_id}, {c.name} ({k:,}): the file gives {c.from_latitude:.5f}, "
        f"{c.from_longitude:.5f}, the correction {c.latitude:.5f}, {c.longitude:.5f}"
        for c, k in held[:10])
    more = f"; and {len(held) - 10:,} more corrections" if len(held) > 10 else ""
    return (f"{counted(n, 'record')} of this file stay{'s' if n == 1 else ''} where a place "
            f"correction in force put {'it' if n == 1 else 'them'}: {listed}{more} (the "
            "Review page's Corrections in force, where it can be undone).")


def nothing_note(found: ImportPreview, valid: int, refused: int) -> str:
    """What the preview says when importing the file would change nothing: how many of
    its valid rows are stored as it gives them and how many keep an analyst's correction
    (trial 24: "as the file gives them" of rows 52 of which held an analyst's point)."""
    held = min(max(found.kept_records, found.corrected_records), valid)
    as_given = valid - held
    refused_note = f" ({counted(refused, 'row')} refused, listed above)" if refused else ""
    if not held:
        one = valid == 1
        text = (f"the {counted(valid, 'valid row')} of this file {'is' if one else 'are'} in "
                f"the store as the file gives {'it' if one else 'them'}{refused_note}")
    else:
        kept = "; ".join([f"{_label(f)} in {counted(n, 'record')}" for f, n in found.kept.items()]
                         + [f"the point of {counted(n, 'record')} by place correction "
                            f"{c.correction_id} of {c.name}" for c, n in found.held])
        text = (f"of the {counted(valid, 'valid row')} of this file{refused_note}, "
                f"{as_given:,} {'is' if as_given == 1 else 'are'} in the store as the file gives "
                f"{'it' if as_given == 1 else 'them'} and {held:,} "
                f"{'keeps' if held == 1 else 'keep'} an analyst's correction where the file "
                f"says otherwise, kept ({kept})")
    return (f"Nothing would change: {text}. Importing it again would only record the import "
            "in the history.")


def import_button(report: ImportReport, name: str, nothing: bool) -> None:
    """The button that imports the valid rows, in its callback (see the module)."""
    refused = st.session_state.get(REFUSED_KEY)
    if refused:
        st.error(escape_markdown(refused), icon=":material/error:")
    st.caption(f"Recorded in the history as {escape_markdown(auth.current().label)}.")
    st.button(f"Import the {counted(report.valid, 'valid row')}",
              type="secondary" if nothing else "primary", key="import-go",
              on_click=commit, args=(report, name))


def _refuse(text: str) -> None:
    st.session_state[REFUSED_KEY] = text
    st.toast(escape_markdown(text), icon=":material/error:")


def commit(report: ImportReport, name: str) -> None:
    """Import the report drawn with the button (its callback), and say what it did.

    The report is the one the analyst saw, whatever else came with the click (another
    file chosen meanwhile drops the session's report, not this one)."""
    st.session_state.pop(REFUSED_KEY, None)
    store = common.store()
    if store is None:
        _refuse("Nothing was imported: the app no longer shows the incident store.")
        return
    try:
        report.result = result = store.upsert(
            report.incidents, origin=report.origins, who=auth.current(),
            source=name, rejected=len(report.rejected_rows),
        )
    except (StoreUnavailable, Invalid) as exc:  # the store is unchanged
        _refuse(f"Nothing was imported: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - shown to the analyst; the store is unchanged
        _refuse(f"Nothing was imported ({type(exc).__name__}).")
        return
    success = (f"Imported {name}: {len(result.inserted):,} new, "
               f"{len(result.updated):,} updated, {len(result.unchanged):,} unchanged.")
    st.session_state[DONE_KEY] = {
        "success": success,
        "notes": ["; ".join(report.accounting()[1:])] + ([
            f"{counted(len(result.placed), 'record')} placed by place corrections in force: "
            + ", ".join(result.placed[:20]) + (" …" if len(result.placed) > 20 else "")
        ] if result.placed else []) + [
            f"Kept the analyst's {c.field} of {c.incident_id} ({c.kept!r}); "
            f"the file says {c.incoming!r}." for c in result.conflicts[:20]
        ],
        "duplicates": (
            f"{len(result.duplicates)} likely duplicates flagged (not merged): "
            + "; ".join(escape_markdown(f"{d.id_a} ~ {d.id_b} ({d.reason})")
                        for d in result.duplicates[:20])
        ) if result.duplicates else "",
    }
    st.toast(escape_markdown(success), icon=":material/task_alt:")
    # The file, its parse, its report and its preview are done with: free them now.
    del report, result
    st.session_state.pop(PREVIEW_KEY, None)
    uploads.forget()
