"""Search terms that name a place, with the places learned from imports: every spelling of
a place finds the same incidents, in the frame path (map page, export, ``geo.query``) and
in the store (PostGIS); a learned place only adds spellings, never hides the gazetteer's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.settings import load_settings
from geo.view.filters import apply_view
from geo.view.live import LiveDataset
from geo.view.spellings import curated_geocode, geocoder_spellings
from geo.view.state import default_view
from geo.view.store_view import query_filter
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

RAQQA = Place("t:raqqa", "Ar Raqqah", ("Raqqa", "Rakka", "الرقة"), 35.95, 39.01, "city", "SY",
              "Ar-Raqqa", 1, 500_000)
SPELLINGS = ("Ar Raqqah", "Raqqa", "Rakka", "الرقة", "ar raqqah")
ROWS = [
    # Given points at fine precision: the store learns "Ar Raqqah town" from them.
    {"id": "u1", "place": "Ar Raqqah town", "country": "SY", "latitude": "35.95",
     "longitude": "39.01", "geo_precision": "1", "date_start": "2016-03-01"},
    {"id": "u2", "place": "Ar Raqqah town", "country": "SY", "latitude": "35.95",
     "longitude": "39.01", "geo_precision": "1", "date_start": "2016-03-02"},
    # Other spellings in the text only (no point: no governorate to match either).
    {"id": "t1", "place": "", "country": "SY", "description": "Air strikes on Rakka",
     "date_start": "2016-03-03"},
    {"id": "t2", "place": "", "country": "SY", "description": "قصف على الرقة",
     "date_start": "2016-03-04"},
    {"id": "far", "place": "Damascus", "country": "SY", "latitude": "33.51",
     "longitude": "36.28", "geo_precision": "1", "description": "shelling",
     "date_start": "2016-03-05"},
]


def _found(data, context, term):
    result = apply_view(data.incidents, replace(default_view(data.domain()), query=term),
                        context)
    return set(data.incidents.loc[result.mask, "id"])


def test_a_learned_place_never_hides_the_gazetteers_spellings(store, store_location):
    store.upsert(incidents(ROWS), origin="ucdp", who=ANALYST)
    curated = Geocoder([RAQQA])
    taught = curated.with_learned(store)
    # The premise: with the learned places, a spelling resolves to the learned place,
    # which knows only the spellings its source wrote.
    best = taught.geocode("Ar Raqqah", country="SY").best
    assert best is not None and best.place.gazetteer_id.startswith("learned:")
    assert "Rakka" not in best.place.spellings
    live = LiveDataset(store)
    data = live.current()
    expected = {"u1", "u2", "t1", "t2"}
    alone = data.filter_context(curated)
    assert {t: _found(data, alone, t) for t in SPELLINGS} == dict.fromkeys(SPELLINGS, expected)
    context = data.filter_context(taught)
    assert {t: _found(data, context, t) for t in SPELLINGS} == dict.fromkeys(SPELLINGS, expected)
    if store_location.startswith("postgresql"):
        from geo.store.pg_query import PostGISQuery
        from geo.store.pg_search import sync_search

        query = PostGISQuery(store, live.areas)
        query.sync_areas()
        sync_search(query, load_settings())
        for term in SPELLINGS:
            state = replace(default_view(data.domain()), query=term)
            assert query.counts(query_filter(state, context=context)).shown == 4, term


def test_a_correction_adds_spellings_and_every_path_counts_alike(store, store_location,
                                                                   monkeypatch, capsys):
    import json

    import geo.geocoding.geocoder as geocoder_module
    from geo.geocoding.overrides import OverrideIndex
    from geo.query import main
    from geo.view.filters import FilterContext
    from geo.view.spellings import search_spellings

    # An analyst placed "Raqqah" by hand (a pin): the correction knows one spelling only,
    # and, by name key, it is what "Raqqa", "Rakka" and "Ar Raqqah" resolve to now.
    fix = store.add_correction("Raqqah", who=ANALYST, country="SY", latitude=35.9,
                               longitude=38.9, precision=1)
    pinned = {"id": "p1", "place": "Raqqah", "country": "SY", "latitude": "35.9",
              "longitude": "38.9", "geo_precision": "1",
              "geocode_source": f"override:{fix.override_id}", "date_start": "2016-03-06"}
    store.upsert(incidents([*ROWS, pinned]), origin="ucdp", who=ANALYST)
    page = Geocoder([RAQQA]).with_overrides(OverrideIndex(store.corrections()))
    page = page.with_learned(store)
    best = page.geocode("Rakka", country="SY").best
    assert best is not None and best.place.spellings == ("Raqqah",)  # the premise
    live = LiveDataset(store)
    data = live.current()
    spellings = (*SPELLINGS, "Raqqah", "raqqah")
    expected = {"u1", "u2", "t1", "t2", "p1"}
    frame = {t: _found(data, data.filter_context(page), t) for t in spellings}
    assert frame == dict.fromkeys(spellings, expected)
    # python -m geo.query: its own geocoder, with the store's corrections and places
    monkeypatch.setenv("INCIDENT_DB", store_location)
    monkeypatch.setattr(geocoder_module, "default_geocoder",
                        lambda *a, learned=None, **k: Geocoder([RAQQA]).with_learned(learned))
    for term in spellings:
        assert main(["--q", term, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["count"] == len(expected), term
    if store_location.startswith("postgresql"):
        from geo.store.pg_query import PostGISQuery
        from geo.store.pg_search import sync_search

        query = PostGISQuery(store, live.areas)
        query.sync_areas()
        sync_search(query, load_settings())
        # the store-mode page's context: the same rule on the same geocoder
        context = FilterContext(live.areas, search_spellings(page, ("SY",)))
        for term in spellings:
            state = replace(default_view(data.domain()), query=term)
            assert query.counts(query_filter(state, context=context)).shown == len(
                expected), term


def test_learned_spellings_are_added_to_the_gazetteers():
    curated = Geocoder([RAQQA])
    hamlet = Place("t:hamlet", "Ar Raqqah", ("Raqqa town east",), 35.96, 39.02, "village",
                   "SY", "Ar-Raqqa", 1, 0)
    spellings = geocoder_spellings(Geocoder([hamlet]).geocode, ("SY",), curated.geocode)
    assert set(spellings("Ar Raqqah")) == {*RAQQA.spellings, "Raqqa town east"}
    # a term only the learned geocoder knows keeps its spellings; none knows: no place
    assert set(spellings("Raqqa town east")) == set(hamlet.spellings)
    assert spellings("Atlantis") == ()


def test_curated_geocode_is_the_geocoder_without_learned_places(store):
    curated = Geocoder([RAQQA])
    assert curated_geocode(curated) is None  # nothing learned: it is the curated one
    store.upsert(incidents(ROWS[:2]), origin="ucdp", who=ANALYST)
    taught = curated.with_learned(store)
    geocode = curated_geocode(taught)
    assert geocode is not None
    assert geocode("Ar Raqqah", country="SY").best.place.gazetteer_id == "t:raqqa"

    class Lazy:
        def curated_geocode(self, name, **context):
            return curated.geocode(name, **context)

    lazy = Lazy()
    assert curated_geocode(lazy) == lazy.curated_geocode


UCDP_SLICE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucdp_ged_syria_2016.csv"


@pytest.mark.skipif(not UCDP_SLICE.exists(), reason="../shared/data (the real UCDP slice) absent")
def test_every_spelling_finds_the_same_incidents_on_the_real_slice(tmp_path, monkeypatch,
                                                                   capsys):
    import json

    from geo.geocoding.geocoder import default_geocoder
    from geo.geocoding.join import search_text
    from geo.ingest import import_file
    from geo.io.mappings import MappingMemory
    from geo.query import main
    from geo.store import open_store

    settings = load_settings()
    if not settings.gazetteer_index_path.exists():
        pytest.skip("no gazetteer index (scripts/setup.sh builds it)")
    location = tmp_path / "ucdp.gpkg"
    store = open_store(location)
    import_file(UCDP_SLICE, store, memory=MappingMemory(tmp_path / "m.json"), geocode=False)
    data = LiveDataset(store, settings=settings).current()
    # the page's geocoder: the gazetteer with the store's learned places
    context = data.filter_context(default_geocoder(settings, learned=store))
    store.close()
    monkeypatch.setenv("INCIDENT_DB", str(location))
    for names in (("Raqqa", "الرقة", "Rakka", "ar raqqah"), ("Manbij", "Manbej")):
        page = {n: _found(data, context, n) for n in names}
        assert all(found == page[names[0]] for found in page.values()), names
        assert page[names[0]]
        for name in names:
            assert main(["--q", name, "--format", "json"]) == 0
            assert json.loads(capsys.readouterr().out)["count"] == len(page[names[0]]), name
    # some are found only under another spelling of the gazetteer's ("Manbej")
    shown = data.incidents[data.incidents["id"].isin(page["Manbij"])]
    text = search_text(shown)
    assert (text.str.contains("manbej") & ~text.str.contains("manbij")).any()
    # an analyst pins "Raqqah" (trial of issue 14: the search depended on spelling
    # again, 373 / 333 / 333): every spelling still finds the same incidents, here
    # and in python -m geo.query, which takes the store's corrections too
    from geo.geocoding.overrides import OverrideIndex

    store = open_store(location)
    store.add_correction("Raqqah", who=ANALYST, country="SY", latitude=35.95,
                         longitude=39.0, precision=1)
    corrected = default_geocoder(settings, learned=store).with_overrides(
        OverrideIndex(store.corrections()))
    store.close()
    context = data.filter_context(corrected)
    names = ("Raqqa", "Raqqah", "Rakka", "ar raqqah", "الرقة")
    found = {n: _found(data, context, n) for n in names}
    assert found == dict.fromkeys(names, found["Raqqa"])
    for name in names:
        assert main(["--q", name, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["count"] == len(found["Raqqa"]), name


def test_gazetteer_geocode_is_the_geocoder_without_corrections(store):
    from geo.geocoding.overrides import OverrideIndex
    from geo.view.spellings import gazetteer_geocode

    plain = Geocoder([RAQQA])
    assert gazetteer_geocode(plain) is None  # no correction: the others answer alike
    fix = store.add_correction("Raqqah", who=ANALYST, country="SY", latitude=35.9,
                               longitude=38.9, precision=1)
    store.upsert(incidents(ROWS[:2]), origin="ucdp", who=ANALYST)
    corrected = plain.with_overrides(OverrideIndex(store.corrections())).with_learned(store)
    assert corrected.geocode("Raqqa", country="SY").best.place.gazetteer_id == (
        f"override:{fix.override_id}")
    geocode = gazetteer_geocode(corrected)
    assert geocode is not None
    assert geocode("Raqqa", country="SY").best.place.gazetteer_id == "t:raqqa"
    assert len(corrected.overrides) == 1  # the page's geocoder is left as it was

    class Lazy:
        def gazetteer_geocode(self, name, **context):
            return plain.geocode(name, **context)

    lazy = Lazy()
    assert gazetteer_geocode(lazy) == lazy.gazetteer_geocode
