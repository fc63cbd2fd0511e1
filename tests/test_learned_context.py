"""Records geocoded with their whole context from the learned places' groups
(geo.geocoding.learned_context): the same answers as the geocoder that indexes every
learned place, one name at a time and in batches of bounded size."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocoding.areas import default_areas
from geo.geocoding.bulk import geocode_batch, resolve_many
from geo.geocoding.gazetteer import build_gazetteer
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned_context import LearnedGeocoder
from geo.geocoding.overrides import Override, OverrideIndex
from geo.geocoding.review import RULES, propose, queue_from_groups
from geo.geocoding.sources import local_gazetteer, name_admin1, read_geonames_dump
from geo.settings import DATA_DIR
from tests.test_learned_index import FIXTURE, LEARNED, TERMS, _learned, _variants

ADMIN1S = (None, "Aleppo", "Ar Raqqah Governorate")
# (district, other names of the record) asked with each governorate
CONTEXTS = ((None, ()), ("Manbij", ("Raqqa",)), ("Tell Abiad", ("Kafr Nabudah", "Hadar")))


@pytest.fixture(scope="module")
def base() -> Geocoder:
    gazetteer = build_gazetteer(name_admin1(read_geonames_dump(FIXTURE), {})).merged(
        local_gazetteer(DATA_DIR / "places.csv"))
    return Geocoder(gazetteer, areas=default_areas(), default_country="SY")


def _terms() -> list[str]:
    return sorted({v for t in [*TERMS, *(row[0] for row in LEARNED)] for v in _variants(t)})


def _corrected(base: Geocoder) -> Geocoder:
    hadar = base.with_learned(_learned()).geocode("Hadar", country="SY").candidates[0].place
    return base.with_overrides(OverrideIndex([
        # a correction to a learned place in one governorate only
        Override("o1", "Hadar al-Gharbi", "SY", "Hama", gazetteer_id=hadar.gazetteer_id),
        Override("o2", "Rakka", latitude=35.96, longitude=39.0, precision=1),  # a pin
        Override("o4", "Kafr Naba", gazetteer_id="geonames:172955"),
    ]))


@pytest.mark.parametrize("corrected", [False, True])
def test_every_answer_in_context_equals_the_full_learned_index(base, corrected):
    coder = _corrected(base) if corrected else base
    learned = _learned()
    full = coder.with_learned(learned)
    context_coder = LearnedGeocoder.from_source(coder, learned)
    # the premises: the governorate, district and other names change answers
    assert full.geocode("Hadar", country="SY").status == "ambiguous"
    assert full.geocode("Hadar", country="SY", admin1="Aleppo").status == "resolved"
    checked = 0
    for term in _terms():
        for admin2, context in CONTEXTS:  # a term and context read the same groups
            for admin1 in ADMIN1S:
                expected = full.geocode(term, country="SY", admin1=admin1, admin2=admin2,
                                        context=context)
                got = context_coder.geocode(term, country="SY", admin1=admin1,
                                            admin2=admin2, context=context)
                assert got == expected, (term, admin1, admin2, context)
                checked += 1
        for country, abroad in ((None, True), ("TR", False)):
            assert context_coder.geocode(term, country=country, abroad=abroad) == \
                full.geocode(term, country=country, abroad=abroad), (term, country)
    assert checked > 1000
    if corrected:
        hama = context_coder.geocode("Hadar al-Gharbi", country="SY", admin1="Hama")
        assert hama.source == "override:o1" and hama.best.place.gazetteer_id.startswith(
            "learned:")


@pytest.mark.parametrize("batch_rows", [3, 1_000])
def test_batches_give_the_full_indexs_columns_and_results(base, batch_rows):
    coder = _corrected(base)
    learned = _learned()
    full = coder.with_learned(learned)
    context_coder = LearnedGeocoder.from_source(coder, learned)
    context_coder.batch_rows = batch_rows
    terms = _terms()
    names = [t for t in terms for _ in ADMIN1S] * 2  # repeats answered once
    admin1s = [a for _ in terms for a in ADMIN1S] * 2
    admin2s = [CONTEXTS[i % 3][0] for i in range(len(names))]
    countries = ["SY" if i % 7 else "" for i in range(len(names))]
    expected = geocode_batch(full, names, countries=countries, admin1s=admin1s,
                             admin2s=admin2s).frame()
    got = resolve_many(context_coder, names, countries=countries, admin1s=admin1s,
                       admin2s=admin2s).frame()
    pd.testing.assert_frame_equal(got, expected)
    assert (expected["status"] == "resolved").sum() > 100
    assert expected["gazetteer_id"].str.startswith("learned:").sum() > 50
    results = context_coder.geocode_many(names[:300], countries=countries[:300],
                                         admin1s=admin1s[:300], admin2s=admin2s[:300])
    assert results == full.geocode_many(names[:300], countries=countries[:300],
                                         admin1s=admin1s[:300], admin2s=admin2s[:300])


def test_a_batch_holds_only_the_learned_rows_of_its_names(base):
    learned = _learned()
    context_coder = LearnedGeocoder.from_source(base, learned)
    context_coder.batch_rows = 2
    keys = [("Hadar", "SY", "", ""), ("Damascus", "SY", "", ""), ("Dayr Hafir", "SY", "", "")]
    batches = list(context_coder._batches(keys))
    plain = [chosen for coder, chosen in batches if coder is base]
    assert plain == [[1]]  # nothing learned is called Damascus: no learned row indexed
    learned_rows = [coder.gazetteer.rows - base.gazetteer.rows
                    for coder, _ in batches if coder is not base]
    assert len(learned_rows) == 2 and max(learned_rows) < len(context_coder.names)


def test_review_queue_and_rules_are_the_same(base):
    learned = _learned()
    full = base.with_learned(learned)
    context_coder = LearnedGeocoder.from_source(base, learned)
    names = ["Hadar", "Hadar", "Dayr Hafir", "Kafr Nabxl", "Xyzzyq", "Tal Abyad"]
    groups = pd.DataFrame({
        "name": names, "country": ["SY"] * 6,
        "admin1": ["Aleppo", "", "Aleppo", "Idlib", "", "Ar Raqqah Governorate"],
        "admin2": [""] * 6, "geocoded": [False] * 6, "unconfirmed": [False] * 6,
        "incidents": [3, 2, 1, 4, 1, 2], "ids": [[f"r{i}"] for i in range(6)]})
    for resolved in (False, True):
        expected = queue_from_groups(groups, full, resolved)
        pd.testing.assert_frame_equal(queue_from_groups(groups, context_coder, resolved),
                                      expected)
    queue = queue_from_groups(groups, full, True)
    for rule in RULES:
        assert propose(queue, context_coder, rule) == propose(queue, full, rule)


def test_each_gazetteer_has_its_own_generation(base):
    learned = _learned()
    generations = {base.with_learned(learned)._generation for _ in range(3)}
    assert len(generations) == 3 and base._generation not in generations
    assert base.with_overrides(OverrideIndex())._generation == base._generation
