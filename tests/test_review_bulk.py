"""Review at scale: the queue by name, candidates with where they come from, bulk
acceptance by rule written as corrections."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocoding.areas import AdminAreas
from geo.geocoding.calibration import Calibration
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned import LearnedPlaces
from geo.geocoding.overrides import OverrideIndex, OverrideStore
from geo.geocoding.review import (
    accept,
    candidate_table,
    proposal_table,
    propose,
    review_groups,
    review_queue,
)
from geo.settings import DATA_DIR
from tests.helpers.identities import ANALYST

ADMIN = (DATA_DIR / "admin" / "syr_admin1.geojson", DATA_DIR / "admin" / "syr_admin2.geojson")
# a gazetteer village in Hama governorate; learned places in Hama and in Idlib
SURAN = Place("t:suran", "Suran", (), 35.29, 36.74, "village", "SY", "Hama", 1, 0)


def _queue() -> pd.DataFrame:
    incidents = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "place": ["Kafr Z", "Kafr Z", "Kafr Z", "Suran", "Nowhere"],
        "country": "SY",
        "admin1": ["Hama", "Hama", "", "Hama", "Hama"],
        "geocode_status": ["unresolved", "unresolved", "ambiguous", "unresolved",
                           "unresolved"],
    })
    return review_queue(incidents)


@pytest.fixture()
def coder() -> Geocoder:
    # scores measured low for these classes, so that the names stay in review
    calibration = Calibration({"learned|single": 0.6, "gazetteer|unknown": 0.6})
    base = Geocoder([SURAN], areas=AdminAreas.deferred(ADMIN), calibration=calibration)
    learned = LearnedPlaces(pd.DataFrame({
        "name": ["Kafr Z village"], "country": "SY", "admin1": "Hama",
        "latitude": [35.37], "longitude": [36.60], "precision": 1, "source": ["ucdp"],
        "records": [1],
    }))
    return base.with_learned(learned)


def test_the_queue_by_name_counts_incidents_and_contexts():
    groups = review_groups(_queue())
    assert groups["name"].tolist() == ["Kafr Z", "Nowhere", "Suran"]
    first = groups.iloc[0]
    assert first["incidents"] == 3 and first["contexts"] == 2
    assert first["statuses"] == "ambiguous 1, unresolved 2" and first["areas"] == "Hama"
    assert review_groups(_queue().iloc[0:0]).empty


def test_candidates_say_where_they_come_from(coder):
    table = candidate_table(coder.geocode("Kafr Z", country="SY", admin1="Hama"))
    assert table.loc[0, "source"] == "learned from ucdp: 1"
    assert table.loc[0, "evidence"].startswith("learned|single|agrees")


def test_rules_propose_names_whose_place_lies_in_their_governorate(coder):
    queue = _queue()
    learned = propose(queue, coder, "learned-agrees")
    assert [(p.name, p.admin1, p.incidents) for p in learned] == [("Kafr Z", "Hama", 2)]
    assert learned[0].candidate.place.latitude == pytest.approx(35.37)
    single = propose(queue, coder, "single-in-area")
    assert sorted(p.name for p in single) == ["Kafr Z", "Suran"]
    table = proposal_table(single)
    assert set(table["source"]) == {"learned from ucdp: 1", "t:suran"}
    with pytest.raises(KeyError):
        propose(queue, coder, "no-such-rule")


def test_a_rule_never_accepts_a_place_outside_the_governorate_given(coder):
    queue = _queue().assign(admin1=lambda q: q["admin1"].replace("Hama", "Deir ez Zor"))
    assert propose(queue, coder, "learned-agrees") == []
    assert propose(queue, coder, "single-in-area") == []


def test_accepting_writes_corrections_that_place_the_names(coder, tmp_path):
    store = OverrideStore(tmp_path / "corrections.csv")
    proposals = propose(_queue(), coder, "single-in-area")
    assert accept(proposals, store, ANALYST) == 2
    by_name = {o.name: o for o in store.corrections()}
    learned = by_name["Kafr Z"]
    assert learned.is_pin and (learned.latitude, learned.longitude) == (35.37, 36.6)
    assert learned.admin1 == "Hama" and "learned from ucdp: 1" in learned.note
    assert by_name["Suran"].gazetteer_id == "t:suran"
    corrected = coder.with_overrides(OverrideIndex(store.corrections()))
    assert corrected.geocode("Kafr Z", country="SY", admin1="Hama").status == "resolved"
    assert corrected.geocode("Suran", country="SY", admin1="Hama").status == "resolved"
