"""UCDP's one-sided violence (and ACLED's violence against civilians) as the event type
"attack on civilians": mapping, legend colours, the type filter in both modes, the
migration of records imported before, and links older than the type."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from geo.render.layers import Legend
from geo.schema import BEST_COLUMN
from geo.store import open_store
from geo.store.__main__ import main as store_main
from geo.store.migrate import REASON, migrate_records, pending_changes
from geo.view.state import TYPES_VERSION, ViewDomain, decode_view, default_view, encode_view
from geo.vocab import EVENT_COLORS, EVENT_TYPES
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

NEW = "attack on civilians"


def test_every_type_has_its_colour_in_the_types_order():
    # the aggregates' colours are EVENT_COLORS' values by EVENT_TYPES index
    assert tuple(EVENT_COLORS) == EVENT_TYPES
    assert len(set(EVENT_COLORS.values())) == len(EVENT_TYPES)
    assert EVENT_TYPES[-1] == "other" and NEW in EVENT_TYPES
    body = Legend((NEW, "clashes")).body
    assert f"background:{EVENT_COLORS[NEW]}" in body and NEW in body


def _old_rows() -> list[dict[str, str]]:
    """Records as the earlier mapping stored them (one-sided violence typed 'other')."""
    return [
        {"id": "ucdp-1", "claimed_by": "UCDP GED", "type_of_violence": "3",
         "event_type": "other", "killed_min": "10", "killed_max": "14",
         "description": "UCDP best estimate: 12 deaths. Type of violence: one-sided violence."},
        {"id": "ucdp-2", "claimed_by": "UCDP GED", "type_of_violence": "1",
         "event_type": "clashes", "description": "UCDP best estimate: 3 deaths."},
        # an analyst chose a type: left alone (its best estimate is still filled)
        {"id": "ucdp-3", "claimed_by": "UCDP GED", "type_of_violence": "3",
         "event_type": "massacre", "description": "UCDP best estimate: 40 deaths."},
        {"id": "acled-1", "claimed_by": "ACLED", "event_type": "ground attack",
         "source_event_type": "Violence against civilians", "source_sub_event_type": "Attack"},
        {"id": "acled-2", "claimed_by": "ACLED", "event_type": "other",
         "source_event_type": "Violence against civilians",
         "source_sub_event_type": "Abduction/forced disappearance"},
        {"id": "acled-3", "claimed_by": "ACLED", "event_type": "clashes",
         "source_event_type": "Battles", "source_sub_event_type": "Armed clash"},
        # another source's own text is never read as UCDP's best estimate
        {"id": "snhr-1", "claimed_by": "SNHR", "event_type": "other",
         "type_of_violence": "3", "description": "UCDP best estimate: 9 deaths."},
    ]


def test_the_migration_finds_only_records_still_of_the_old_mapping():
    changes = pending_changes(incidents(_old_rows()))
    assert changes == {
        "ucdp-1": {"event_type": NEW, BEST_COLUMN: 12},
        "ucdp-2": {BEST_COLUMN: 3},
        "ucdp-3": {BEST_COLUMN: 40},
        "acled-1": {"event_type": NEW},
        "acled-2": {"event_type": NEW},
    }


def test_the_migration_corrects_records_in_both_stores_with_history(store_location):
    location = store_location
    store = open_store(location)
    try:
        store.upsert(incidents(_old_rows()), origin="test", who=ANALYST)
        dry = migrate_records(store, ANALYST, dry_run=True)
        assert (dry.retyped, dry.best) == (3, 3)
        assert store.get("ucdp-1")["event_type"] == "other"  # a dry run writes nothing
        store.close()
        assert store_main(["migrate", "--location", location]) == 0
        store = open_store(location)
        assert store.get("ucdp-1")["event_type"] == NEW
        assert store.get("ucdp-1")[BEST_COLUMN] == 12
        assert store.get("ucdp-3")["event_type"] == "massacre"
        assert store.get("acled-3")["event_type"] == "clashes"
        history = store.history("ucdp-1")
        changed = history[history["reason"] == REASON]
        assert set(changed["field"]) == {"event_type", BEST_COLUMN}
        assert set(changed["after"]) == {NEW, "12"}
        assert migrate_records(store, ANALYST).retyped == 0  # done once
    finally:
        store.close()


DOMAIN = ViewDomain(date_min=date(2016, 1, 1), date_max=date(2016, 12, 31),
                    center=(35.0, 38.5), zoom=7, fingerprint="0badcafe",
                    has_incident={"a"}.__contains__,
                    event_types=("clashes", NEW, "other"))


def test_an_old_link_with_other_still_shows_what_it_showed():
    old = decode_view({"type": ["clashes", "other"]}, DOMAIN)
    assert old.event_types == ("clashes", NEW, "other")
    assert len(old.notes) == 1 and f"older than the event type '{NEW}'" in old.notes[0]
    without = decode_view({"type": ["clashes"]}, DOMAIN)  # 'other' was not shown then
    assert without.event_types == ("clashes",) and without.notes == ()
    # a link of today says which types it means: 'other' alone is 'other' alone
    state = replace(default_view(DOMAIN), event_types=("other",))
    params = encode_view(state, DOMAIN)
    assert params["tv"] == TYPES_VERSION
    again = decode_view({k: v if isinstance(v, list) else [v] for k, v in params.items()},
                        DOMAIN)
    assert again == state and again.notes == ()
    # an unknown value is named, the old types kept
    odd = decode_view({"type": ["other", "flood"]}, DOMAIN)
    assert odd.event_types == (NEW, "other")
    assert any("'flood'" in n for n in odd.notes)


@pytest.mark.postgis
def test_the_type_filter_gives_the_same_incidents_in_both_modes(postgis_location):
    from geo.store.pg_grid import refresh_grid
    from geo.store.pg_query import PostGISQuery
    from geo.view.filters import FilterContext, apply_view
    from geo.view.live import LiveDataset
    from geo.view.store_view import query_filter

    rng = np.random.default_rng(3)
    rows = [{"id": f"r{i}", "latitude": f"{35 + rng.random():.4f}",
             "longitude": f"{37 + rng.random():.4f}", "country": "SY",
             "date_start": f"2016-0{1 + i % 9}-1{i % 9}",
             "event_type": (NEW, "clashes", "other")[i % 3],
             "killed_min": str(i % 4), "killed_best": str(i % 4 + 1)} for i in range(60)]
    store = open_store(postgis_location)
    try:
        store.upsert(incidents(rows), origin="test", who=ANALYST)
        live = LiveDataset(store)
        query = PostGISQuery(store, live.areas)
        query.sync_areas()
        data = live.current()
        assert NEW in data.domain().event_types
        state = replace(default_view(data.domain()), event_types=(NEW,))
        context = FilterContext(live.areas, lambda term: ())
        frame_ids = set(data.incidents.loc[apply_view(data.incidents, state, context).mask,
                                           "id"])
        assert frame_ids == {f"r{i}" for i in range(0, 60, 3)}
        spec = query_filter(state, context=context)
        assert query.counts(spec).shown == len(frame_ids)
        refresh_grid(query)  # the cube answers by type index: the new type has its own
        assert query.counts(spec).shown == len(frame_ids)
        cells = query.cells(spec, 6, None, 60)
        assert int(cells["count"].sum()) == len(frame_ids)
        index = EVENT_TYPES.index(NEW)
        assert int(cells[f"t{index}"].sum()) == len(frame_ids)
    finally:
        store.close()
