"""Search, actor, source and source-type filters asked of PostGIS (geo/store/pg_search.py)
against the real database: the same incidents as the frame path on a small store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.render.table import date_order, page_rows
from geo.settings import load_settings
from geo.store.pg_hits import KEPT, TEXT_FILTERS, resolve_text
from geo.store.pg_search import TRIGRAM_INDEXES, sync_search, text_choices
from geo.store.query import where_clauses
from geo.view.filters import FilterContext, apply_view
from geo.view.state import default_view
from geo.view.store_view import query_filter
from tests.helpers.identities import analyst
from tests.helpers.store import synced_query
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis

_PLACES = [(36.2021, 37.1343, "Aleppo"), (35.9500, 39.0100, "Raqqa"),
           (35.9500, 39.0100, "الرقة"), (33.5138, 36.2765, "Damascus"),
           (34.7308, 36.7094, "Homs")]
_ACTORS = ["Coalition; ISIS", "SDF, ISIS", "Government of Syria", "", "Jaysh al-Islam"]
_SOURCES = [("SOHR", ""), ("Airwars: report 12", "Coalition"), ("UCDP GED (via BBC)", ""),
            ("", ""), ("Enab Baladi", "SNHR")]
_TEXTS = ["Strike on a market in the old city", "Shelling near the Café Nour",
          "Clashes; 100% of the block destroyed", "Car bomb at the checkpoint_2",
          "قصف على السوق"]


def _rows() -> list[dict[str, str]]:
    rows = []
    for i in range(60):
        lat, lon, name = _PLACES[i % len(_PLACES)]
        source, claimant = _SOURCES[(i // 2) % len(_SOURCES)]
        row = {"id": f"t{i:03d}", "place": name, "country": "SY", "latitude": str(lat),
               "longitude": str(lon), "date_start": f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}",
               "actors": _ACTORS[(i // 3) % len(_ACTORS)], "source_name": source,
               "claimed_by": claimant, "description": _TEXTS[(i // 4) % len(_TEXTS)],
               "event_type": ["airstrike", "shelling", "clashes"][i % 3]}
        if i % 5 == 0:
            row["killed_min"], row["killed_max"] = str(i % 9), str(i % 9 + 3)
        if i % 7 == 0:
            row["injured_min"] = str(i % 4)
        if i % 4 == 1:
            row["deaths_civilians"] = str(i % 6)
        if i == 25:
            row["killed_min"], row["killed_max"] = "8", "7"  # inverted: flagged, kept
        if i % 6 == 0:
            row["source_event_type"] = "Explosions/Remote violence"
            row["source_sub_event_type"] = "Air/drone strike"
        rows.append(row)
    rows.append({"id": "undated", "place": "Homs", "country": "SY",
                 "description": "undated market strike"})
    return rows


@pytest.fixture
def both(postgis_location):
    with synced_query(postgis_location, incidents(_rows())) as opened:
        yield opened


def _spellings(term: str) -> tuple[str, ...]:
    """A place resolver for the test: Raqqa in three spellings."""
    raqqa = ("Raqqa", "Ar Raqqah", "الرقة")
    return raqqa if term.lower() in ("raqqa", "rakka", "ar raqqah", "الرقة") else ()


def _views(data):
    base = default_view(data.domain())
    return {
        "word": replace(base, query="market"),
        "case and diacritics": replace(base, query="CAFE"),
        "phrase": replace(base, query='"old city"'),
        "two terms": replace(base, query="coalition strike"),
        "area name": replace(base, query="Aleppo"),
        "place spelling": replace(base, query="Rakka"),
        "arabic place": replace(base, query="الرقة"),
        "arabic text": replace(base, query="السوق"),
        "like wildcards": replace(base, query="100%"),
        "underscore": replace(base, query="checkpoint_2"),
        "nothing": replace(base, query="zzzz"),
        "punctuation only": replace(base, query="; ;"),
        "actor": replace(base, actors=("isis",)),
        "two actors": replace(base, actors=("Government", "jaysh al islam")),
        "source outlet": replace(base, sources=("sohr",)),
        "claimant": replace(base, sources=("Coalition",)),
        "source type": replace(base, source_types=("air/drone strike",)),
        "all with dates": replace(base, query="strike", actors=("ISIS",), sources=("airwars",),
                                  date_from=date(2016, 2, 1), date_to=date(2016, 9, 30)),
    }


def _same_answers(asked, asked_spec, query, spec, want_ids: list, shown: int,
                  label: object) -> None:
    """``asked`` answers ``asked_spec`` as ``query`` answers ``spec``: the table's first page
    (``want_ids``, the frame's), the cells, the timeline and the totals."""
    from geo.render.clusters import view_window
    from geo.view.store_totals import store_totals
    from geo.view.store_view import timeline_from_store

    assert asked.table_page(asked_spec, 1, 50, shown)["id"].tolist() == want_ids, label
    window = view_window((35.0, 38.0), 6)
    pd.testing.assert_frame_equal(asked.cells(asked_spec, 6, window, 56),
                                  query.cells(spec, 6, window, 56), obj=str(label))
    span = (date(2016, 1, 1), date(2016, 12, 31))
    pd.testing.assert_frame_equal(timeline_from_store(asked, asked_spec, span),
                                  timeline_from_store(query, spec, span), obj=str(label))
    got, want_totals = store_totals(asked, asked_spec), store_totals(query, spec)
    assert (got.incidents, got.inverted) == (want_totals.incidents, want_totals.inverted)
    pd.testing.assert_frame_equal(got.breakdown, want_totals.breakdown, obj=str(label))


def test_text_filters_find_what_the_frame_finds(both):
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    order = date_order(data.incidents)
    for name, state in _views(data).items():
        result = apply_view(data.incidents, state, context)
        spec = query_filter(state, context=context)
        resolved = resolve_text(query, spec)  # asked by the matching records' ids
        assert {h.name for h in resolved.hits} == set(where_clauses(spec)) & set(
            TEXT_FILTERS), name
        for asked in (spec, resolved):
            counts = query.counts(asked)
            assert counts.shown == result.shown, name
            assert counts.hidden_by == result.hidden_by, name
            want = data.incidents["id"].iloc[page_rows(order, result.mask, 1, 100)].tolist()
            assert query.table_page(asked, 1, 100, counts.shown)["id"].tolist() == want, name
    # the views are not trivial: some find a few, some none
    shown = {n: apply_view(data.incidents, s, context).shown for n, s in _views(data).items()}
    assert shown["nothing"] == 0 and 0 < shown["word"] < len(data.incidents)
    assert shown["place spelling"] == shown["arabic place"] > 0


def test_search_text_follows_edits_and_trigram_indexes_exist(both):
    store, live, query = both
    names = {r[0] for r in store.connection().execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s", (store.schema,)).fetchall()}
    assert set(TRIGRAM_INDEXES) <= names
    assert sync_search(query, load_settings()) == 0  # nothing written since
    store.edit("t001", {"description": "Zebra crossing hit"}, who=analyst("a"))
    assert sync_search(query, load_settings()) == 1
    data = live.current()
    state = replace(default_view(data.domain()), query="zebra")
    assert query.counts(query_filter(state)).shown == apply_view(data.incidents, state).shown == 1


def test_filter_options_come_from_grouped_counts(both):
    _, _, query = both
    options = text_choices(query)
    assert options["actors"][0] == "ISIS"  # named in two actor lists
    assert {"SOHR", "Coalition", "UCDP GED", "SNHR"} <= set(options["sources"])
    assert options["source_types"] == ["Explosions/Remote violence", "Air/drone strike"]


_WORDS = ["market", "Café", "strike", "old city", "Raqqa", "الرقة", "100%", "check_point",
          "shelling", "Ar Raqqah", "bakery", "Aleppo", "school"]
_RANDOM_ACTORS = ["Coalition", "ISIS", "SDF", "Government of Syria", "Jaysh al-Islam", ""]
_RANDOM_SOURCES = [("SOHR", ""), ("Airwars: report", "Coalition"), ("Enab Baladi", "SNHR"),
                   ("", "")]


def _random_rows(rng) -> list[dict[str, str]]:
    rows = []
    for i in range(160):
        lat, lon, name = _PLACES[int(rng.integers(len(_PLACES)))]
        words = rng.choice(_WORDS, size=int(rng.integers(0, 4)), replace=False)
        actors = rng.choice(_RANDOM_ACTORS, size=int(rng.integers(1, 3)), replace=False)
        source, claimant = _RANDOM_SOURCES[int(rng.integers(len(_RANDOM_SOURCES)))]
        rows.append({
            "id": f"r{i:03d}", "place": name, "country": "SY", "latitude": str(lat),
            "longitude": str(lon), "date_start": f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}",
            "actors": "; ".join(a for a in actors if a), "source_name": source,
            "claimed_by": claimant, "description": " ".join(words),
            "event_type": ["airstrike", "shelling", "clashes"][int(rng.integers(3))]})
    return rows


def _random_state(rng, base):
    def pick(values, most):
        return list(rng.choice(values, size=int(rng.integers(1, most + 1)), replace=False))

    query = ""
    if rng.random() < 0.8:
        terms = pick(_WORDS + ["zzzz", "ar", "raqq"], 2)
        query = " ".join(f'"{t}"' if rng.random() < 0.3 else t for t in terms)
    actors = tuple(pick(_RANDOM_ACTORS[:-1] + ["nobody"], 2)) if rng.random() < 0.4 else ()
    sources = tuple(pick(["sohr", "coalition", "snhr", "enab"], 2)) \
        if rng.random() < 0.3 else ()
    state = replace(base, query=query, actors=actors, sources=sources)
    if rng.random() < 0.4:
        state = replace(state, date_from=date(2016, 3, 1), date_to=date(2016, 8, 31))
    if rng.random() < 0.3:
        state = replace(state, event_types=tuple(base.event_types[:2]))
    return state


@pytest.fixture
def random_store(postgis_location):
    import numpy as np

    rng = np.random.default_rng(14)
    with synced_query(postgis_location, incidents(_random_rows(rng))) as (_, live, query):
        yield rng, live, query


@pytest.mark.parametrize("as_array", [5_000, 0], ids=["ids", "bitmap"])
def test_random_searches_give_the_frame_answers_asked_by_ids(random_store, monkeypatch,
                                                             as_array):
    import geo.store.pg_search as pg_search

    # the matched records named by an array of ids, or by a bitmap of fids
    monkeypatch.setattr(pg_search, "FIDS_AS_ARRAY", as_array)
    rng, live, query = random_store
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    order = date_order(data.incidents)
    base = default_view(data.domain())
    drawn = (data.incidents["off_map"] == "").to_numpy()
    seen = set()
    for _ in range(30):
        state = _random_state(rng, base)
        result = apply_view(data.incidents, state, context)
        spec = query_filter(state, context=context)
        resolved = resolve_text(query, spec)
        counts = query.counts(resolved)
        label = (state.query, state.actors, state.sources, state.date_from)
        assert (counts.shown, counts.on_map) == (
            result.shown, int((result.mask & drawn).sum())), label
        assert counts.hidden_by == result.hidden_by, label
        want = data.incidents["id"].iloc[page_rows(order, result.mask, 1, 50)].tolist()
        # the other answers of the view: the same as the text conditions give
        _same_answers(query, resolved, query, spec, want, counts.shown, label)
        seen.add(result.shown)
    assert len(seen) > 5  # the views differ: the comparisons are not all of empty views


def test_matches_are_kept_per_revision_and_follow_edits(both, monkeypatch):
    store, live, query = both
    data = live.current()
    state = replace(default_view(data.domain()), query="zebra market")
    spec = query_filter(state)
    first = resolve_text(query, spec)
    assert [h.size for h in first.hits] == [0]
    asked = []
    real = query.read
    monkeypatch.setattr(query, "read", lambda *a: asked.append(a) or real(*a))
    assert resolve_text(query, spec).hits == first.hits and not asked  # kept: not asked
    monkeypatch.undo()
    store.edit("t001", {"description": "Zebra near the market"}, who=analyst("a"))
    sync_search(query, load_settings())
    again = resolve_text(query, spec)
    assert [h.size for h in again.hits] == [1] and again.hits != first.hits
    assert query.counts(again).shown == apply_view(live.current().incidents, state).shown == 1


def test_a_filter_matching_too_many_records_stays_text(both, monkeypatch):
    import geo.store.pg_hits as pg_hits

    _, live, query = both
    data = live.current()
    monkeypatch.setattr(pg_hits, "HITS_MAX", 12)  # each actor: 12 records
    KEPT.clear()
    state = replace(default_view(data.domain()), query="strike", actors=("jaysh",))
    spec = resolve_text(query, query_filter(state))
    # "strike" matches more: neither is asked by id (the actor alone would be)
    assert spec.hits == ()
    alone = resolve_text(query, query_filter(replace(state, query="")))
    assert [h.name for h in alone.hits] == ["actor"]
    result = apply_view(data.incidents, state)
    counts = query.counts(spec)
    assert (counts.shown, counts.hidden_by) == (result.shown, result.hidden_by)
    KEPT.clear()


def test_random_searches_give_the_same_answers_from_a_copy_of_the_matches(random_store,
                                                                          monkeypatch):
    import geo.store.pg_hitrows as pg_hitrows
    from geo.view.store_series import store_time_series

    monkeypatch.setattr(pg_hitrows, "HITSET_MIN", 1)  # every match copied
    rng, live, query = random_store
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    order = date_order(data.incidents)
    base = default_view(data.domain())
    drawn = (data.incidents["off_map"] == "").to_numpy()
    copied = set()
    for _ in range(30):
        state = _random_state(rng, base)
        result = apply_view(data.incidents, state, context)
        spec = query_filter(state, context=context)
        resolved = resolve_text(query, spec)
        rows, rows_spec = pg_hitrows.hit_rows(query, resolved)
        label = (state.query, state.actors, state.sources, state.date_from)
        if isinstance(rows, pg_hitrows.HitQuery):
            copied.add(result.shown)
            assert not rows_spec.matches_text and not rows_spec.hits
        counts = query.counts(resolved)  # shown and on the map: counted in the copy
        assert (counts.shown, counts.on_map) == (
            result.shown, int((result.mask & drawn).sum())), label
        assert counts.hidden_by == result.hidden_by, label
        want = data.incidents["id"].iloc[page_rows(order, result.mask, 1, 50)].tolist()
        _same_answers(rows, rows_spec, query, spec, want, counts.shown, label)
        pd.testing.assert_frame_equal(store_time_series(rows, rows_spec, "month"),
                                      store_time_series(query, spec, "month"), obj=str(label))
    assert len(copied) > 3  # several views were answered from copies of their matches


def test_copies_of_matches_follow_the_store_and_unused_ones_are_dropped(both, monkeypatch):
    import geo.store.pg_hitrows as pg_hitrows

    store, live, query = both
    monkeypatch.setattr(pg_hitrows, "HITSET_MIN", 1)
    data = live.current()
    state = replace(default_view(data.domain()), query="market")
    result = apply_view(data.incidents, state)
    outside = str(data.incidents.loc[~result.mask, "id"].iloc[0])
    spec = resolve_text(query, query_filter(state))
    rows, _ = pg_hitrows.hit_rows(query, spec)
    assert isinstance(rows, pg_hitrows.HitQuery)
    first = rows.store.table("incidents").as_string(None)
    copies = f'SELECT name FROM "{store.schema}".query_hitsets'
    assert len(query.read(copies)) == 1
    again, _ = pg_hitrows.hit_rows(query, spec)  # made once: the same copy
    assert again.store.table("incidents").as_string(None) == first
    assert len(query.read(copies)) == 1
    shown = query.counts(spec).shown
    assert shown == result.shown > 0
    store.edit(outside, {"description": "a strike near the market"}, who=analyst("a"))
    sync_search(query, load_settings())
    monkeypatch.setattr(pg_hitrows, "UNUSED_MINUTES", 0)  # the first copy is now unused
    newer = resolve_text(query, query_filter(state))
    rows, _ = pg_hitrows.hit_rows(query, newer)
    assert rows.store.table("incidents").as_string(None) != first
    assert len(query.read(copies)) == 1  # the old copy dropped when the new one was made
    assert query.counts(newer).shown == shown + 1 == apply_view(
        live.current().incidents, state).shown
    assert pg_hitrows.forget_copies(query) == 1 and query.read(copies) == []
