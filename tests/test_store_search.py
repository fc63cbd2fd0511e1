"""Search, actor, source and source-type filters asked of PostGIS (geo/store/pg_search.py)
against the real database: the same incidents as the frame path on a small store."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest

from geo.render.table import date_order, page_rows
from geo.settings import load_settings
from geo.store import open_store
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import TRIGRAM_INDEXES, sync_search, text_choices
from geo.view.filters import FilterContext, apply_view
from geo.view.live import LiveDataset
from geo.view.state import default_view
from geo.view.store_view import query_filter
from tests.helpers.identities import ANALYST, analyst
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
def both(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = open_store(f"{postgis_url}&schema={schema}")
    store.upsert(incidents(_rows()), origin="test", who=ANALYST)
    live = LiveDataset(store)
    query = PostGISQuery(store, live.areas)
    query.sync_areas()
    sync_search(query, load_settings())
    yield store, live, query
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


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


def test_text_filters_find_what_the_frame_finds(both):
    _, live, query = both
    data = live.current()
    context = FilterContext(live.areas, _spellings)
    order = date_order(data.incidents)
    for name, state in _views(data).items():
        result = apply_view(data.incidents, state, context)
        spec = query_filter(state, context=context)
        counts = query.counts(spec)
        assert counts.shown == result.shown, name
        assert counts.hidden_by == result.hidden_by, name
        want = data.incidents["id"].iloc[page_rows(order, result.mask, 1, 100)].tolist()
        assert query.table_page(spec, 1, 100, counts.shown)["id"].tolist() == want, name
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
