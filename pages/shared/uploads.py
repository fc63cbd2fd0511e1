"""Uploads kept on disk, not in the server's memory, and parsed in a limited worker.

Streamlit holds an upload's bytes in its ``UploadedFileManager`` until the browser
removes the file or the session ends. The Import page copies the upload to a temporary
file at once (:func:`geo.io.worker.spool`), removes it from Streamlit's manager (as
Streamlit's own chat and audio inputs do with theirs) and replaces the uploader with a
fresh one (a new key), so that the only copy is the file on disk, deleted with the
session's state or when the analyst picks another file. The parse runs in a worker
(:class:`geo.io.worker.ParseJob`) that this module polls with a progress bar.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from geo.io.worker import SpooledFile, release_memory, spool

_FILE = "import-file"
_GENERATION = "import-upload-generation"


def uploader_key() -> str:
    """Key of the current uploader widget (a new one after each file taken)."""
    return f"import-upload-{st.session_state.get(_GENERATION, 0)}"


def take(upload: UploadedFile) -> SpooledFile:
    """Write an upload to a temporary file, drop Streamlit's copy, reset the uploader.

    Parameters
    ----------
    upload : UploadedFile

    Returns
    -------
    SpooledFile
        Kept in the session's state (see :func:`current`) until :func:`forget`.
    """
    forget()
    spooled = spool(upload, upload.name)
    ctx = get_script_run_ctx()
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=upload.file_id)
    upload.close()
    st.session_state.pop(uploader_key(), None)
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    st.session_state[_FILE] = spooled
    return spooled


def current() -> SpooledFile | None:
    """The file this session is importing, if any."""
    spooled = st.session_state.get(_FILE)
    return spooled if isinstance(spooled, SpooledFile) else None


def forget() -> None:
    """Drop the session's file, its parse and its report (the temporary files go too),
    and hand the memory they held back to the system."""
    spooled = st.session_state.pop(_FILE, None)
    if isinstance(spooled, SpooledFile):
        spooled.delete()
    job = st.session_state.pop("import-job", None)
    if job is not None:
        with contextlib.suppress(Exception):
            job.cancel()
    st.session_state.pop("import-failed", None)
    drop_report()


def drop_report() -> None:
    """Drop the session's validation report and hand its memory back to the system."""
    if st.session_state.pop("import-report", None) is not None:
        release_memory()
