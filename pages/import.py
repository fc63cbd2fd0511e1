"""Import incidents from a file: validate every row first, then write the valid ones at once."""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from geo.access import Action
from geo.errors import Invalid, StoreUnavailable
from geo.ingest import MAPPING_LABELS, ImportReport, prepare_import
from geo.io.mappings import ColumnMapping
from geo.render.details import escape_markdown
from geo.schema import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from geo.vocab import CLAIM_STATUSES
from pages.shared import auth, common, router

_LAYOUTS = {"detect": "detect from the header", **MAPPING_LABELS}
_NOT_MAPPED = "(not in this file)"

router.ensure_router()
st.title("Import incidents")
st.caption(
    "CSV (any delimiter; UTF-8 with or without BOM, Windows-1256 Arabic, Windows-1252, Latin-1; "
    "read line by line), Excel, "
    "GeoJSON or GeoPackage; in this project's layout, an ACLED or UCDP GED export, or a layout "
    "you map below. Nothing is written until you confirm, and an import is all or nothing."
)
store = common.store()
if store is None:
    st.warning(
        "The app is showing a file (INCIDENT_MAP_DATA) rather than the incident store; "
        "unset INCIDENT_MAP_DATA to import into the store.",
        icon=":material/info:",
    )
    st.stop()
if not auth.can(Action.IMPORT):
    st.info(auth.refusal(Action.IMPORT), icon=":material/lock:")
    st.stop()

limit_mb = common.settings().max_upload_mb
upload = st.file_uploader(
    f"Incident file (up to {limit_mb} MB)",
    type=["csv", "tsv", "txt", "xlsx", "geojson", "json", "gpkg"],
    key="import-upload", max_upload_size=limit_mb,
)
layout = st.selectbox("Layout", list(_LAYOUTS), format_func=_LAYOUTS.__getitem__,
                      key="import-layout")
if upload is None:
    st.info("Choose a file to see its validation report.")
    st.stop()
if upload.size > limit_mb << 20:  # the browser checks too; the server decides
    st.error(f"{escape_markdown(upload.name)} is over {limit_mb} MB "
             "(INCIDENT_MAP_MAX_UPLOAD_MB); it was not read.", icon=":material/error:")
    st.stop()

content = upload.getvalue()
digest = hashlib.sha256(content).hexdigest()[:16]
mapping: ColumnMapping | None = st.session_state.get(f"mapping-{digest}")


@st.cache_data(max_entries=8, show_spinner="Reading and validating…")
def _prepare(digest: str, name: str, layout: str, mapping_json: str) -> ImportReport:
    chosen = ColumnMapping.from_json(json.loads(mapping_json)) if mapping_json else None
    return prepare_import(
        content, name=name, mapping_kind=None if layout in ("detect", "custom") else layout,
        mapping=chosen, geocoder=common.geocoder(),
    )


try:
    report = _prepare(
        digest, upload.name, layout,
        json.dumps(mapping.to_json()) if mapping is not None else "",
    )
except Exception as exc:  # noqa: BLE001 - a named message, never a traceback or a path
    st.error(escape_markdown(f"{upload.name} could not be read ({type(exc).__name__}); "
                             "nothing was written."), icon=":material/error:")
    st.stop()

if not report.readable or (layout == "custom" and mapping is None):
    for error in report.errors:
        if error.row is None:
            st.error(escape_markdown(f"{error.source}: {error.message}"),
                     icon=":material/error:")
    if report.table is not None:
        st.subheader("Map the columns of this file")
        st.caption("Pick the column that holds each field; the mapping is remembered for the "
                   "next file with the same header.")
        header = [_NOT_MAPPED, *report.table.header]
        picked: dict[str, str] = {}
        with st.form("mapping"):
            for name in INCIDENT_COLUMNS:
                guess = next((h for h in report.table.header if h.strip().lower() == name), None)
                column = st.selectbox(
                    name + (" (required)" if name in REQUIRED_COLUMNS else ""), header,
                    index=header.index(guess) if guess else 0, key=f"map-{digest}-{name}",
                )
                if column != _NOT_MAPPED:
                    picked[column] = name
            default_claim = st.selectbox(
                "Claim status where the file gives none", ["", *CLAIM_STATUSES],
                key=f"map-{digest}-claim-default",
            )
            if st.form_submit_button("Use this mapping"):
                defaults = {"claim_status": default_claim} if default_claim else {}
                st.session_state[f"mapping-{digest}"] = ColumnMapping(picked, defaults)
                st.rerun()
    st.stop()

label = MAPPING_LABELS.get(report.mapping, report.mapping)
cols = st.columns(4)
cols[0].metric("Rows", report.rows)
cols[1].metric("Valid", report.valid)
cols[2].metric("Rejected", len(report.rejected_rows))
cols[3].metric("Not placed", sum(report.not_placed.values()))
st.caption(
    f"{escape_markdown(upload.name)}: {escape_markdown(label)}, {report.file_kind.upper()}"
    + (f", {report.encoding}, delimiter {report.delimiter!r}" if report.encoding else "")
    + ". " + escape_markdown("; ".join(report.accounting()))
)
flagged = int((report.incidents["quality"] != "").sum())
if flagged:
    rows = "1 valid row carries" if flagged == 1 else f"{flagged} valid rows carry"
    st.caption(escape_markdown(f"{rows} a data-quality flag (inconsistent values kept as the "
                               "source gives them, shown in the details)."))

row_errors = report.errors_frame()
if not row_errors.empty:
    st.subheader("Problems")
    st.dataframe(row_errors, hide_index=True, width="stretch")
    st.download_button(
        f"Download the {len(report.rejected_rows)} rejected rows as they are in the file",
        report.rejected_file(), file_name=f"rejected-{upload.name}",
        icon=":material/download:", on_click="ignore",
    )
notes = report.warnings_frame()
if not notes.empty:
    st.subheader("Notes on rows that will be imported")
    st.dataframe(notes, hide_index=True, width="stretch")
if report.not_placed:
    names = ", ".join(f"{escape_markdown(n)} ×{k}" for n, k in sorted(report.not_placed.items()))
    st.info(f"Not placed by the geocoder (they will wait on the review page): {names}")

if report.valid:
    st.caption(f"Recorded in the history as {escape_markdown(auth.current().label)}.")
    if st.button(f"Import the {report.valid} valid rows", type="primary", key="import-go"):
        try:
            report.result = store.upsert(
                report.incidents, origin=report.origins, who=auth.current()
            )
        except (StoreUnavailable, Invalid) as exc:  # the store is unchanged
            st.error(escape_markdown(f"Nothing was imported: {exc}"), icon=":material/error:")
        except Exception as exc:  # noqa: BLE001 - shown to the analyst; the store is unchanged
            st.error(f"Nothing was imported ({type(exc).__name__}).", icon=":material/error:")
        else:
            result = report.result
            st.success(
                f"Imported: {len(result.inserted)} new, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged.", icon=":material/task_alt:",
            )
            st.caption(escape_markdown("; ".join(report.accounting()[1:])))
            if result.duplicates:
                st.warning(
                    f"{len(result.duplicates)} likely duplicates flagged (not merged): "
                    + "; ".join(escape_markdown(f"{d.id_a} ~ {d.id_b} ({d.reason})")
                                for d in result.duplicates[:20]),
                )
            for conflict in result.conflicts[:20]:
                st.caption(escape_markdown(
                    f"Kept the analyst's {conflict.field} of {conflict.incident_id} "
                    f"({conflict.kept!r}); the file says {conflict.incoming!r}."
                ))
else:
    st.warning("No valid row to import.")
