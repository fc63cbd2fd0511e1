"""The table's page box and the page the table shows always agree (AppTest): a page past
the last one is brought back to the last page, in the box too, with a note."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.incidents import row, write_csv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
N = 250  # 3 pages of 100


@pytest.fixture
def three_pages(tmp_path, monkeypatch):
    rows = [row(id=f"r{i:03d}", date_start=f"2016-01-{1 + i % 28:02d}", latitude="35.5",
                longitude=f"{37 + i / 1000:.4f}") for i in range(N)]
    monkeypatch.setenv("INCIDENT_MAP_DATA", str(write_csv(tmp_path / "rows.csv", rows)))


def _pager(at: AppTest):
    return next(n for n in at.number_input if n.label.startswith("Page (of"))


def _rows_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Rows "))


def test_a_page_past_the_last_is_the_last_page_in_box_and_table(three_pages):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _pager(at).label == "Page (of 3)"
    assert _pager(at).value == 1 and _rows_caption(at) == f"Rows 1–100 of {N}, by date"
    _pager(at).set_value(99).run()
    assert not at.exception, [e.message for e in at.exception]
    assert _pager(at).value == 3
    assert _rows_caption(at) == f"Rows 201–{N} of {N}, by date"
    assert any(c.value == "Page 99 is past the last page (3): showing page 3."
               for c in at.caption)
    _pager(at).set_value(0).run()
    assert _pager(at).value == 1 and _rows_caption(at) == f"Rows 1–100 of {N}, by date"
    assert any(c.value == "Page 0 is before the first: showing page 1." for c in at.caption)
    _pager(at).set_value(2).run()  # a page that exists: no note
    assert _rows_caption(at) == f"Rows 101–200 of {N}, by date"
    assert not any(c.value.startswith("Page ") for c in at.caption)


def _in_browser(widget) -> object:
    """What a browser shows for a widget drawn after it forgot it (a run without the widget,
    or one that ended before it): the value the server sets in this run, else the default."""
    return widget.proto.value if widget.proto.set_value else widget.proto.default


def test_the_box_is_told_its_page_on_every_run_never_left_at_its_default(three_pages):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _pager(at).set_value(2).run()
    for _ in range(2):  # reruns that change nothing of the table (the map's, a filter's)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        # the box has no minimum: left to its default it would show 0 and send it back
        assert _in_browser(_pager(at)) == 2
        assert _rows_caption(at) == f"Rows 101–200 of {N}, by date"
    assert not any(c.value.startswith("Page ") for c in at.caption)
