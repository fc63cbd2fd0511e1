"""Page helpers (pages/shared/common.py) through AppTest: what they tell the analyst
appears once per page run, however often a page calls them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
NOTICE = "A new, empty incident store was created at"


@pytest.mark.parametrize("page", ["pages/map.py", "pages/review.py", "pages/import.py"])
def test_a_new_empty_store_is_announced_once_per_page_run(page, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_DB", str(tmp_path / "misspelt.gpkg"))
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    for _ in range(2):  # the first run and a rerun each say it once
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert len([i for i in at.info if i.value.startswith(NOTICE)]) == 1


def test_a_seeded_or_existing_store_is_not_announced(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_DB", str(tmp_path / "store.gpkg"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/map.py")
    at.run()  # INCIDENT_MAP_SEED=yes (tests' default): the new store holds the seed
    assert not at.exception and not any(i.value.startswith(NOTICE) for i in at.info)


def test_every_page_starts_its_run_through_the_router():
    # The once-per-run record starts in router.ensure_router(): each page calls it first.
    for page in sorted((ROOT / "pages").glob("*.py")):
        code = page.read_text(encoding="utf-8")
        calls = [m.start() for m in re.finditer(r"^\S.*\b(common|st)\.\w+\(", code, re.M)]
        start = code.find("\nrouter.ensure_router()\n")
        assert start >= 0 and all(start < c for c in calls), page.name
