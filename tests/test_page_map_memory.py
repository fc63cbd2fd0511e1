"""Server memory over edits with map sessions open: no session keeps an old frame alive.

Counted with weak references to every incident frame the shared dataset produced, never
with wall-clock time or resident memory.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.access import system_identity

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SESSIONS = 3
EDITS = 12


@pytest.fixture
def sessions(tmp_path, monkeypatch) -> list[AppTest]:
    monkeypatch.setenv("INCIDENT_DB", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("INCIDENT_MAP_SEED", "yes")
    opened = [AppTest.from_file(APP, default_timeout=60) for _ in range(SESSIONS)]
    for at in opened:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return opened


def test_sessions_open_over_many_edits_keep_no_old_frame(sessions):
    from pages.shared import common

    live, store = common.live(), common.store()
    assert live is not None and store is not None
    who = system_identity("test")
    first_id = str(live.current().incidents["id"].iloc[0])
    frames = [weakref.ref(live.current().incidents)]
    for i in range(EDITS):
        store.edit(first_id, {"killed_min": str(100 + i)}, who=who)
        # One session reruns after each edit; the others stay open on what they last saw
        # (their widgets' callbacks and their downloads kept by Streamlit).
        at = sessions[i % SESSIONS]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        current = live.current().incidents
        assert int(current.loc[current["id"] == first_id, "killed_min"].iloc[0]) == 100 + i
        frames.append(weakref.ref(live.current().incidents))
    gc.collect()
    alive = [ref for ref in frames if ref() is not None]
    assert len(frames) == EDITS + 1 and live.full_loads == 1
    # Only the current frame: none kept per edit, none per idle session.
    assert len(alive) == 1
    assert alive[0]() is live.current().incidents
