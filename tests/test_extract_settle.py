"""A candidate's place as the analyst leaves it: renamed places looked up again, unconfirmed
places stored without their doubtful point (trial 21: Ghariya stored as 'site or town')."""

from __future__ import annotations

import pandas as pd

from geo.extract.review import REVIEW_COLUMNS, accept_candidates
from geo.extract.settle import BY_HAND, regeocode_edited, settle_unconfirmed
from tests.helpers.fake_geocoder import FakeGeocoder


def _frame(**cells: str) -> pd.DataFrame:
    row = {c: "" for c in REVIEW_COLUMNS}
    row.update(id="x-1", event_type="airstrike", claim_status="alleged", country="SY",
               place="Qasra", admin1="Elsewhere", latitude="32.39", longitude="36.65",
               geo_precision="1", geocode_source="geonames:1", geocode_status="unsure")
    row.update(cells)
    return pd.DataFrame([row], dtype=object)


def test_a_renamed_place_is_looked_up_again_and_takes_the_new_point():
    before = _frame(place="Ghariya")
    edited = before.copy()
    edited.loc[0, "place"] = "Kafr Zait"
    after, changed = regeocode_edited(edited, before, FakeGeocoder())
    assert changed == [0]
    row = after.iloc[0]
    assert (row["latitude"], row["longitude"]) == ("35.5", "36.5")
    assert row["geocode_source"] == "test:kafr" and row["geocode_status"] == "resolved"
    # the old place's governorate went with it
    assert row["admin1"] == "Testland" and row["geo_precision"] == "1"


def test_a_renamed_place_the_gazetteer_lacks_loses_the_old_point():
    before = _frame(place="Ghariya")
    edited = before.copy()
    edited.loc[0, "place"] = "Al Ghariyah al Gharbiyah"
    after, changed = regeocode_edited(edited, before, FakeGeocoder())
    row = after.iloc[0]
    assert changed == [0] and row["geocode_status"] == "unresolved"
    assert row["latitude"] == row["longitude"] == row["geocode_source"] == ""
    assert row["admin1"] == ""


def test_unchanged_rows_are_not_looked_up_and_typed_coordinates_count_as_by_hand():
    geocoder = FakeGeocoder()
    before = _frame()
    after, changed = regeocode_edited(before.copy(), before, geocoder)
    assert changed == [] and geocoder.calls == []
    assert after.iloc[0]["geocode_status"] == "unsure"
    moved = before.copy()
    moved.loc[0, "latitude"] = "32.7"
    after, changed = regeocode_edited(moved, before, geocoder)
    assert changed == [] and after.iloc[0]["geocode_status"] == BY_HAND
    assert after.iloc[0]["geocode_source"] == ""
    settled, doubtful = settle_unconfirmed(after)
    assert doubtful == [] and settled.iloc[0]["latitude"] == "32.7"


def test_an_unsure_candidate_is_stored_without_its_point_and_never_as_a_site():
    frame = pd.concat([_frame(), _frame(id="x-2", place="Qasra", geocode_status="resolved",
                                        admin1="Testland")], ignore_index=True)
    settled, doubtful = settle_unconfirmed(frame)
    assert doubtful == [0]
    result = accept_candidates(settled, "Wire")
    assert not result.errors
    unsure, sure = result.incidents.iloc[0], result.incidents.iloc[1]
    assert pd.isna(unsure["latitude"]) and unsure["geocode_source"] == "unconfirmed"
    assert unsure["place"] == "Qasra" and unsure["admin1"] == ""
    assert unsure["geo_precision"] == 2
    assert sure["latitude"] == 32.39 and sure["geo_precision"] == 1
