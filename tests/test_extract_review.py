"""Review helpers: frame, merge, drop, highlight, accept, map layer (geo.extract.review)."""

import json
from datetime import date

import pytest

from geo.extract.pipeline import extract
from geo.extract.review import (
    accept_candidates,
    candidates_frame,
    context_places,
    drop_candidate,
    highlight_html,
    merge_candidates,
    spans_of,
    status_label,
)
from geo.render.review_maps import extract_candidate_layer
from tests.helpers.fake_geocoder import FakeGeocoder

TEXT = ("Jets carried out an air strike on al-Qasra on 3 May, killing 4 people.\n"
        "Separately, a car bomb exploded in Kafr Zeit on 5 May, wounding at least 6.")


@pytest.fixture
def frame():
    return candidates_frame(extract(TEXT, date(2020, 6, 1), geocoder=FakeGeocoder()))


def test_frame_is_strings_with_spans(frame):
    assert list(frame["place"]) == ["al-Qasra", "Kafr Zeit"]
    assert frame.loc[0, "killed_min"] == "4" and frame.loc[0, "injured_min"] == ""
    assert spans_of(frame) == [tuple(s) for r in frame["quote_spans"] for s in json.loads(r)]


def test_merge_fills_gaps_joins_quotes_and_drops_the_other(frame):
    merged = merge_candidates(frame, 0, 1)
    assert len(merged) == 1
    row = merged.iloc[0]
    assert row["place"] == "al-Qasra"
    assert row["injured_min"] == "6" and row["killed_min"] == "4"
    assert "Kafr Zeit" in row["quote"] and len(json.loads(row["quote_spans"])) == 2
    with pytest.raises(ValueError):
        merge_candidates(frame, 1, 1)


def test_drop(frame):
    assert list(drop_candidate(frame, 0)["place"]) == ["Kafr Zeit"]


def test_highlight_escapes_everything_and_marks_spans():
    html = highlight_html("a <b>bold</b> & x\ny", [(2, 13)])
    assert html == "<p>a <mark>&lt;b&gt;bold&lt;/b&gt;</mark> &amp; x</p><p>y</p>"
    assert highlight_html("one\ntwo", [(0, 7)]) == (
        "<p><mark>one</mark></p><p><mark>two</mark></p>")


def test_accept_validates_and_fills_the_source(frame):
    result = accept_candidates(frame, "Wire", "https://example.org/r")
    assert result.errors == []
    assert set(result.incidents["source_url"]) == {"https://example.org/r"}
    bad = frame.copy()
    bad.loc[1, "date_start"] = "yesterday"
    result = accept_candidates(bad)
    assert [e.row for e in result.errors] == [2] and len(result.incidents) == 1


def test_candidate_layer_places_only_resolved_rows(frame):
    frame.loc[1, "latitude"] = ""
    layer, bounds = extract_candidate_layer(frame)
    assert bounds == [[35.1, 40.1], [35.1, 40.1]]
    assert len(layer._children) == 1


def test_status_labels_name_region_and_unsure():
    assert status_label("region").startswith("region only")
    assert status_label("unsure").startswith("unsure")
    assert status_label("resolved") == "placed at the site"
    assert status_label("something new") == "something new"


def test_context_places_split_roles_and_keep_offsets():
    cell = "origin: Homs; reference: Raqqa (26km west of); Palmyra"
    assert context_places(cell) == [
        ("origin, where people or fire came from", "Homs"),
        ("reference point, a distance or bearing is given from it", "Raqqa (26km west of)"),
        ("context", "Palmyra"),
    ]
    assert context_places("") == []


def test_frame_carries_place_context_and_merge_joins_it():
    text = ("Jets carried out an air strike on al-Qasra on 3 May, killing 4 people who had fled "
            "from Kafr Zeit.\nA car bomb exploded in Kafr Zeit on 5 May, wounding at least 6.")
    frame = candidates_frame(extract(text, date(2020, 6, 1), geocoder=FakeGeocoder()))
    assert frame.loc[0, "place_context"] == "origin: Kafr Zeit"
    assert frame.loc[1, "place_context"] == ""
    merged = merge_candidates(frame, 1, 0)
    assert merged.loc[0, "place_context"] == "origin: Kafr Zeit"
