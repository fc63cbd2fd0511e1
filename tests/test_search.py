"""Free-text search column by column (geo/view/search.py): the same incidents as a search
of one joined text per incident, without keeping that text."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from geo.geocoding.join import build_incident_frame, search_text
from geo.view.dataset import compact_frame
from geo.view.search import SearchIndex, Term, match_terms
from tests.helpers.incidents import StubGeocoder, incidents, row

ROWS = (
    row(id="a", place="Raqqah", actors="Ālbū Kamāl Brigade",
        description="Shelling near the MARKET!", source_name="SOHR",
        claimed_by="Airwars (ايروورز)"),
    row(id="b", place="Ash Sha'fah", description="Strike on a market; 3 killed",
        quote="« they came at dawn »", source_url="https://example.org/a-b?c=1"),
    row(id="c", place="Atlantis", description="", actors="IS | SDF"),
    row(id="d", latitude="35.1", longitude="38.2", geo_precision="2",
        description="market day in the old town", source_event_type="Battles",
        source_sub_event_type="Armed clash"),
    row(id="e", place="Tanf", description="الرقة سوق"),
)


@pytest.fixture(scope="module", params=["plain", "compact"])
def frame(request) -> pd.DataFrame:
    joined = build_incident_frame(incidents(*ROWS), StubGeocoder(), None)
    return compact_frame(joined) if request.param == "compact" else joined


KEYS = ["market", "shelling near the market", "market day", "albu kamal", "airwars",
        "ايروورز", "sohr", "raqqah", "sha fah", "they came", "example org", "armed clash",
        "is sdf", "سوق", "town", "near", "zzz", "a", "the market day", "market 3 killed"]


@pytest.mark.parametrize("key", KEYS)
def test_a_term_finds_what_the_joined_text_holds(frame, key):
    texts = search_text(frame)
    expected = texts.str.contains(key, regex=False).to_numpy(dtype=bool)
    found = match_terms(frame, [Term(key, key)])
    assert found.tolist() == expected.tolist()


def test_other_spellings_of_a_term_are_ored_and_terms_anded(frame):
    texts = search_text(frame)
    either = texts.str.contains("albu kamal|strike on", regex=True).to_numpy(dtype=bool)
    assert either.sum() == 2
    term = Term("x", "albu kamal", text_keys=frozenset({"strike on"}))
    assert match_terms(frame, [term]).tolist() == either.tolist()
    both = match_terms(frame, [Term("m", "market"), Term("t", "town")])
    assert frame.loc[both, "id"].tolist() == ["d"]


def test_no_term_matches_across_two_fields(frame):
    # "market" ends a description and "sohr" is the next searched field of that row
    assert not match_terms(frame, [Term("x", "market sohr")]).any()


def test_missing_values_search_as_empty_text():
    frame = build_incident_frame(incidents(*ROWS), StubGeocoder(), None)
    frame["description"] = frame["description"].astype(object)
    frame.loc[frame["id"] == "a", "description"] = None
    found = match_terms(frame, [Term("s", "shelling")])
    assert not found.any()
    assert match_terms(frame, [Term("m", "market")]).tolist() == [False, True, False, True,
                                                                  False]


def test_the_index_is_built_once_per_frame_and_dropped_with_it():
    frame = build_incident_frame(incidents(*ROWS), StubGeocoder(), None)
    index = SearchIndex.of(frame)
    assert SearchIndex.of(frame) is index
    other = frame.copy()
    assert SearchIndex.of(other) is not index
    key = id(frame)
    del frame, index
    gc.collect()
    assert key not in SearchIndex._built
    assert np.array_equal(match_terms(other, [Term("m", "market")]),
                          search_text(other).str.contains("market").to_numpy(dtype=bool))
