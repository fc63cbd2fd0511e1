"""A search term's learned places from the store's distinct learned names
(geo.geocoding.learned_keys, geo.store.learned_keys): the rows, groups and answers of the
full read, without reading every learned row."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocoding.compound import parse_place
from geo.geocoding.learned_index import LearnedNames, LearnedSearch
from geo.geocoding.learned_keys import LearnedKeys
from geo.geocoding.overrides import Override, OverrideIndex
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_learned_index import LEARNED, _same_answers, base  # noqa: F401 - fixture
from tests.test_store_learned import _chunky_store


def _no_full() -> LearnedNames:
    raise AssertionError("read every learned row")


def _same_groups(keys: LearnedKeys, full: LearnedNames, name: str) -> None:
    parsed = parse_place(name)
    for loose in (False, True):
        mine, theirs = keys.groups_for(name, parsed, loose), full.groups_for(name, parsed, loose)
        assert sorted(keys._index.identities(mine)) == sorted(full.identities(theirs))
        pd.testing.assert_frame_equal(keys.frame(mine), full.frame(theirs), check_exact=True)


def test_the_distinct_names_give_the_full_reads_rows_and_groups(store, monkeypatch):
    """Names in byte and language orders, several sources, one switched off, an edit."""
    _chunky_store(store)
    full = LearnedNames.from_source(store)

    def no_rows():
        raise AssertionError("read every learned row")

    monkeypatch.setattr(store, "learned_table", no_rows)
    monkeypatch.setattr(store, "learned_places", no_rows)
    keys = LearnedKeys.from_source(store, full=_no_full)
    assert keys.revision == store.learned_revision() and keys.groups == full.groups > 3
    every = keys.frame(range(keys.groups))
    pd.testing.assert_frame_equal(every, full.frame(range(full.groups)), check_exact=True)
    assert sorted(keys.group_rows.tolist()) == sorted(full.group_rows.tolist())
    for name in ["zeta", "Beta", "beta", "alpha", "Émile", "الرقة", "_under", "Alpha", "nope"]:
        _same_groups(keys, full, name)
    assert keys.frame(()).empty and list(keys.frame(())) == list(every)
    assert keys.groups_of_ids(["geonames:1"]) == ()  # no learned id: nothing read


def test_an_empty_store_has_no_learned_names(store):
    keys = LearnedKeys.from_source(store, full=_no_full)
    assert keys.groups == 0 and len(keys.group_rows) == 0 and keys.frame(()).empty
    assert keys.groups_for("Hadar", parse_place("Hadar")) == ()


def _taught(store) -> None:
    rows = [{"id": f"r{i}", "place": n, "country": c, "latitude": str(lat),
             "longitude": str(lon), "geo_precision": "1", "date_start": "2016-03-01"}
            for i, (n, c, lat, lon, _, _) in enumerate(LEARNED)]
    store.upsert(incidents(rows[:8]), origin="ucdp", who=ANALYST)
    store.upsert(incidents(rows[8:]), origin="acled", who=ANALYST)
    store.set_source_enabled("acled", False, who=analyst("bob"))


def test_a_search_from_the_distinct_names_answers_as_the_full_index(base, store):  # noqa: F811
    _taught(store)
    full = base.with_learned(store)
    search = LearnedSearch(base, LearnedKeys.from_source(store, full=_no_full))
    assert search.learned_revision == full.learned_revision
    assert full.geocode("Hadar", country="SY").status != "unresolved"
    assert _same_answers(full, search) > 600


def test_a_correction_naming_a_learned_place_reads_the_full_table_once(base, store):  # noqa: F811
    _taught(store)
    hadar = base.with_learned(store).geocode("Hadar", country="SY").candidates[0].place
    assert hadar.gazetteer_id.startswith("learned:")
    corrected = base.with_overrides(OverrideIndex([
        Override("o1", "Hadar al-Gharbi", "SY", gazetteer_id=hadar.gazetteer_id),
        Override("o2", "Tadmur", gazetteer_id="learned:ffffffffffff"),  # gone
    ]))
    reads = []

    def full() -> LearnedNames:
        reads.append(1)
        return LearnedNames.from_source(store)

    search = LearnedSearch(corrected, LearnedKeys.from_source(store, full=full))
    assert search.geocode("Damascus", country="SY") is not None and not reads
    assert search.geocode("Hadar al-Gharbi", country="SY").best.place == hadar
    assert len(reads) == 1
    expected = corrected.with_learned(store)
    with pytest.warns(UserWarning, match="unknown gazetteer id"):
        assert search.geocode("Tadmur", country="SY") == expected.geocode("Tadmur",
                                                                          country="SY")
