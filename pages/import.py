"""Import incidents from a file: validate every row first, then write the valid ones at once."""

from __future__ import annotations

import json

import streamlit as st

from geo.access import Action
from geo.ingest import MAPPING_LABELS, ImportReport, geocode_report, report_from_loaded
from geo.io.mappings import ColumnMapping
from geo.io.worker import ParseJob, ParseLimits
from geo.render.details import counted, escape_markdown, file_size
from geo.schema import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from geo.vocab import CLAIM_STATUSES
from pages.shared import auth, common, import_commit, router, samples, uploads

_LAYOUTS = {"detect": "detect from the header", **MAPPING_LABELS}
_NOT_MAPPED = "(not in this file)"



def _use_mapping(digest: str) -> None:
    """Keep the mapping picked in the form (its submit button's callback: a submit read
    in the page's body is lost when a rerun replaces its run)."""
    ss = st.session_state
    picked = {ss[f"map-{digest}-{name}"]: name for name in INCIDENT_COLUMNS
              if ss.get(f"map-{digest}-{name}", _NOT_MAPPED) != _NOT_MAPPED}
    default_claim = ss.get(f"map-{digest}-claim-default")
    defaults = {"claim_status": default_claim} if default_claim else {}
    ss[f"mapping-{digest}"] = ColumnMapping(picked, defaults)


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

samples.import_offer(store)
done = st.session_state.pop(import_commit.DONE_KEY, None)
if done is not None:  # the summary of the import just made (its file is gone already)
    st.success(done["success"], icon=":material/task_alt:")
    for line in done["notes"]:
        st.caption(escape_markdown(line))
    if done["duplicates"]:
        st.warning(done["duplicates"])

cancelled = st.session_state.pop("import-cancelled", None)
if cancelled is not None:
    st.warning(escape_markdown(f"Reading {cancelled} was cancelled; nothing was written."),
               icon=":material/cancel:")

limit_mb = common.settings().max_upload_mb
spooled = uploads.current()
if spooled is None:
    upload = st.file_uploader(
        f"Incident file (up to {limit_mb} MB)",
        type=["csv", "tsv", "txt", "xlsx", "geojson", "json", "gpkg"],
        key=uploads.uploader_key(), max_upload_size=limit_mb,
    )
    if upload is None:
        st.info("Choose a file to see its validation report.")
        st.stop()
    if upload.size > limit_mb << 20:  # the browser checks too; the server decides
        st.error(f"{escape_markdown(upload.name)} is over {limit_mb} MB "
                 "(INCIDENT_MAP_MAX_UPLOAD_MB); it was not read.", icon=":material/error:")
        st.stop()
    spooled = uploads.take(upload)  # on disk now; Streamlit's copy is dropped
    del upload
    st.rerun()

name_col, other_col = st.columns([4, 1], vertical_alignment="center")
name_col.markdown(f"**{escape_markdown(spooled.name)}** ({file_size(spooled.size)})")
other_col.button("Choose another file", key="import-other", on_click=uploads.forget)
layout = st.selectbox("Layout", list(_LAYOUTS), format_func=_LAYOUTS.__getitem__,
                      key="import-layout")
mapping: ColumnMapping | None = st.session_state.get(f"mapping-{spooled.digest}")
wanted = (spooled.digest, layout, json.dumps(mapping.to_json()) if mapping is not None else "")

held = st.session_state.get("import-report")
report: ImportReport | None = held[1] if held is not None and held[0] == wanted else None
if report is None:
    if held is not None:  # a report of another layout or mapping: not kept beside the new one
        uploads.drop_report()
    failed = st.session_state.get("import-failed")
    if failed is not None and failed[0] == wanted:  # not read again until something changes
        st.error(escape_markdown(failed[1]), icon=":material/error:")
        st.stop()
    running = st.session_state.get("import-job")
    job: ParseJob | None = running[1] if running is not None else None
    if job is not None and running[0] != wanted:
        job.cancel()
        job = None
    if job is None:
        job = ParseJob(spooled.path, name=spooled.name, limits=ParseLimits.from_settings(),
                       mapping_kind=None if layout in ("detect", "custom") else layout,
                       mapping=mapping)
        st.session_state["import-job"] = (wanted, job)
    bar = st.progress(job.share, text=f"Reading {escape_markdown(spooled.name)}…")
    cancel = st.empty()
    if cancel.button("Cancel", key="import-cancel", icon=":material/cancel:"):
        job.cancel()  # the worker is stopped, its files deleted
        uploads.forget()
        st.session_state["import-cancelled"] = spooled.name
        st.rerun()
    while job.poll(0.25) == "running":  # a click on Cancel reruns the page, which stops this
        bar.progress(job.share, text=escape_markdown(job.note))
    st.session_state.pop("import-job", None)
    cancel.empty()
    if job.state != "done":
        bar.empty()
        st.session_state["import-failed"] = (wanted, job.error)
        st.error(escape_markdown(job.error), icon=":material/error:")
        st.stop()
    bar.progress(1.0, text="Preparing the report…")
    try:
        report = report_from_loaded(job.result())
        rows = report.incidents
        if report.readable and (rows["latitude"].isna() & (rows["place"] != "")).any():
            geocode_report(report, common.records_geocoder())  # the gazetteer when needed
    except Exception as exc:  # noqa: BLE001 - a named message, never a traceback or a path
        bar.empty()
        st.error(escape_markdown(f"{spooled.name} could not be read ({type(exc).__name__}); "
                                 "nothing was written."), icon=":material/error:")
        st.stop()
    bar.empty()
    st.session_state["import-report"] = (wanted, report)
digest = spooled.digest

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
        with st.form("mapping"):
            for name in INCIDENT_COLUMNS:
                guess = next((h for h in report.table.header if h.strip().lower() == name), None)
                st.selectbox(
                    name + (" (required)" if name in REQUIRED_COLUMNS else ""), header,
                    index=header.index(guess) if guess else 0, key=f"map-{digest}-{name}",
                )
            st.selectbox(
                "Claim status where the file gives none", ["", *CLAIM_STATUSES],
                key=f"map-{digest}-claim-default",
            )
            st.form_submit_button("Use this mapping", on_click=_use_mapping, args=(digest,))
    st.stop()

label = MAPPING_LABELS.get(report.mapping, report.mapping)
cols = st.columns(4)
cols[0].metric("Rows", f"{report.rows:,}")
cols[1].metric("Valid", f"{report.valid:,}")
cols[2].metric("Rejected", f"{len(report.rejected_rows):,}")
cols[3].metric("Not placed", f"{sum(report.not_placed.values()):,}")
st.caption(
    f"{escape_markdown(spooled.name)}: {escape_markdown(label)}, {report.file_kind.upper()}"
    + (f", {report.encoding}, delimiter {report.delimiter!r}" if report.encoding else "")
    + ". " + escape_markdown("; ".join(report.accounting()))
)
flagged = report.flagged_frame()
if not flagged.empty:
    rows = counted(len(flagged), "valid row") + (" carries" if len(flagged) == 1 else " carry")
    st.subheader("Data-quality flags")
    st.caption(escape_markdown(f"{rows} a data-quality flag (inconsistent values kept as the "
                               "source gives them, shown in the details)"
                               + (": the first 20 below." if len(flagged) > 20 else ".")))
    st.dataframe(flagged.head(20), hide_index=True, width="stretch", key="flagged-rows")
    if len(flagged) > 20:
        st.download_button(
            f"Download the {counted(len(flagged), 'flagged row')} (CSV)",
            flagged.to_csv(index=False).encode("utf-8"),
            file_name=f"flagged-{spooled.name}.csv", mime="text/csv",
            icon=":material/download:", on_click="ignore",
        )

row_errors = report.errors_frame()
if not row_errors.empty:
    st.subheader("Problems")
    st.dataframe(row_errors, hide_index=True, width="stretch")
    st.download_button(
        f"Download the {counted(len(report.rejected_rows), 'rejected row')} as they are in "
        "the file",
        report.rejected_file(), file_name=f"rejected-{spooled.name}",
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
    found = import_commit.preview(store, report, wanted)
    if found is not None:
        import_commit.show_preview(found, report)
        import_commit.import_button(report, spooled.name, found.changes_nothing)
else:
    st.warning("No valid row to import.")
