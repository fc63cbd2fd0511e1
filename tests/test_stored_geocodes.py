"""A place nobody confirmed stays unconfirmed through every geocoding (geo/geocoding/stored.py).

Trial 21: an "unsure" extracted "Ghariya" was stored without its point, and the first load
geocoded it again, confidently, into another governorate, off the review list.
"""

from __future__ import annotations

import pandas as pd

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.join import OFF_MAP_REASONS, geocode_incidents, relocations, to_geodataframe
from geo.geocoding.overrides import OverrideStore
from geo.geocoding.review import queue_from_groups, review_queue
from geo.geocoding.stored import UNCONFIRMED_SOURCE, UNSURE, stored_geocodes
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import incidents, row

#: One village of the name in the gazetteer (the geocoder resolves it alone), and the one
#: the analyst means, which the gazetteer lacks.
NAMESAKE = Place("local:far", "Qaryat Test", (), 32.4, 36.6, "village", "SY", "Southland", 1)
OTHER = Place("local:other", "Elsewhere", (), 35.0, 38.0, "village", "SY", "Northland", 1)


def _records() -> pd.DataFrame:
    return incidents(
        row(id="doubt", place="Qaryat Test", country="SY", geo_precision="2",
            geocode_source=UNCONFIRMED_SOURCE),
        row(id="plain", place="Qaryat Test", country="SY"),
        row(id="given", place="Qaryat Test", country="SY", latitude="33.0",
            longitude="36.0", geocode_source="given"),
    )


def _coder() -> tuple[Geocoder, OverrideStore]:
    store = OverrideStore(None)
    return Geocoder([NAMESAKE, OTHER], store), store


def test_an_unconfirmed_place_is_not_placed_by_the_gazetteer_and_waits_for_review():
    coder, _ = _coder()
    out = geocode_incidents(_records(), coder).set_index("id")
    assert pd.isna(out.at["doubt", "latitude"])
    assert out.at["doubt", "geocode_status"] == UNSURE
    assert out.at["doubt", "geocode_source"] == UNCONFIRMED_SOURCE
    assert out.at["doubt", "admin1"] == ""  # not the namesake's governorate
    # the same name on a record nobody doubted resolves as before
    assert out.at["plain", "latitude"] == 32.4 and out.at["plain", "geocode_status"] == "resolved"
    frame = to_geodataframe(out.reset_index())
    assert frame.set_index("id").at["doubt", "off_map"] == UNSURE
    assert UNSURE in OFF_MAP_REASONS
    queue = review_queue(out.reset_index())
    assert list(zip(queue["name"], queue["status"], queue["ids"], strict=True)) == [
        ("Qaryat Test", UNSURE, ["doubt"])]


def test_an_analysts_correction_of_the_name_confirms_and_places_it_at_its_precision():
    coder, corrections = _coder()
    corrections.add_correction("Qaryat Test", country="SY", who=ANALYST, latitude=32.6,
                               longitude=36.1, precision=1)
    out = geocode_incidents(_records(), coder).set_index("id")
    assert (out.at["doubt", "latitude"], out.at["doubt", "longitude"]) == (32.6, 36.1)
    assert out.at["doubt", "geocode_status"] == "resolved"
    assert str(out.at["doubt", "geocode_source"]).startswith("override:")
    assert out.at["doubt", "geo_precision"] == 1  # the analyst's, not the doubt's 2


def test_applying_geocoding_leaves_it_unplaced_until_a_correction_then_moves_it():
    coder, corrections = _coder()
    records = _records()
    changes = relocations(records, coder)
    assert "doubt" not in changes and changes["plain"]["latitude"] == 32.4
    corrections.add_correction("Qaryat Test", country="SY", who=ANALYST,
                               gazetteer_id="local:other")
    moved = relocations(records, coder)["doubt"]
    assert (moved["latitude"], moved["longitude"]) == (35.0, 38.0)
    assert str(moved["geocode_source"]).startswith("override:")


def test_stored_status_without_a_geocoder_says_unsure():
    out = stored_geocodes(_records()).set_index("id")
    assert out["geocode_status"].to_dict() == {"doubt": UNSURE, "plain": "unresolved",
                                               "given": "given"}


def test_the_store_modes_queue_holds_an_unconfirmed_group_back():
    coder, _ = _coder()
    groups = pd.DataFrame({
        "name": ["Qaryat Test", "Qaryat Test"], "country": ["SY", "SY"],
        "admin1": ["", ""], "admin2": ["", ""], "geocoded": [False, False],
        "unconfirmed": [True, False], "incidents": [1, 2], "ids": [["doubt"], ["a", "b"]]})
    queue = queue_from_groups(groups, coder)
    assert list(zip(queue["status"], queue["ids"], strict=True)) == [(UNSURE, ["doubt"])]
    assert queue_from_groups(groups.drop(columns="unconfirmed"), coder).empty


def test_an_ambiguous_name_imported_from_a_csv_stays_unplaced_through_a_fresh_load(store):
    from geo.ingest import import_file
    from geo.view.dataset import load_store_dataset

    twin = Place("local:twin", "Qaryat Test", (), 35.2, 37.1, "village", "SY", "Northland", 1)
    coder = Geocoder([NAMESAKE, twin], OverrideStore(None))
    rows = ("id,date_start,place,country,event_type,claim_status\n"
            "q1,2016-03-01,Qaryat Test,SY,shelling,alleged\n")
    report = import_file(rows.encode(), store, who=ANALYST, geocoder=coder, name="rows.csv")
    assert report.not_placed == {"Qaryat Test": 1}
    assert pd.isna(store.get("q1")["latitude"])
    for data in (load_store_dataset(store), load_store_dataset(store, coder)):
        row = data.incidents.set_index("id").loc["q1"]
        assert pd.isna(row["latitude"]) and row["off_map"] != ""
    frame = load_store_dataset(store, coder).incidents
    assert frame.set_index("id").at["q1", "geocode_status"] == "ambiguous"
    assert list(review_queue(frame)["ids"]) == [["q1"]]
    assert "q1" not in relocations(store.incidents(), coder)


def test_the_frames_name_groups_give_the_queue_of_the_geocoded_frame():
    """The review page's queue from the frame's distinct names (geo.geocoding.review.
    name_groups) is the queue of the whole frame geocoded (ids: the first in id order)."""
    from geo.geocoding.review import name_groups
    from geo.view.compact import compact_frame

    coder, corrections = _coder()
    records = incidents(
        *(row(id=f"w{i}", place=p, country="SY", admin1=a) for i, (p, a) in enumerate(
            [("Qaryat Test", ""), ("Qaryat Test", ""), ("Elsewhere", "Northland"),
             ("Nowhere at all", ""), ("Nowhere at all", "Southland"), ("", "")])),
        row(id="doubt", place="Qaryat Test", country="SY", geocode_source=UNCONFIRMED_SOURCE),
        row(id="old", place="Nowhere at all", country="SY", latitude="33.0",
            longitude="36.0", geocode_source="local:gone"),  # placed by a geocoder before
        row(id="given", place="Qaryat Test", country="SY", latitude="33.0",
            longitude="36.0", geocode_source="given"),
    )
    corrections.add_correction("Elsewhere", country="SY", who=ANALYST, latitude=35.1,
                               longitude=38.1, precision=1)
    compact = compact_frame(stored_geocodes(records))
    for resolved in (False, True):
        expected = review_queue(geocode_incidents(records, coder), include_resolved=resolved)
        got = queue_from_groups(name_groups(compact, include_geocoded=resolved), coder,
                                resolved)
        pd.testing.assert_frame_equal(got, expected)
    assert set(review_queue(geocode_incidents(records, coder), include_resolved=True)[
        "status"]) == {"unresolved", UNSURE, "resolved"}
