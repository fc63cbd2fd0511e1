"""Decisions and scores of the geocoder (geo/geocoding/ranking.py): homonyms without
context are ambiguous, a short name matched only in a folded spelling goes to review."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocoding.areas import AdminAreas
from geo.geocoding.calibration import Calibration
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import RESOLVE_SCORE, Geocoder
from geo.geocoding.learned import LearnedPlaces
from geo.geocoding.ranking import SHORT_NOTE
from geo.settings import DATA_DIR

ADMIN = (DATA_DIR / "admin" / "syr_admin1.geojson", DATA_DIR / "admin" / "syr_admin2.geojson")
SURAN_ALEPPO = Place("geonames:1", "Şūrān", (), 36.566, 37.213, "town", "SY", "Aleppo", 1, 0)
KAFR_ZITA = Place("geonames:4", "Kafr Zita", (), 35.374, 36.601, "town", "SY", "Hama", 1, 0)
HADIR = Place("geonames:2", "Al Ḩāḑir", ("Hader",), 35.99, 37.05, "town", "SY", "Aleppo", 1, 0)
RAQQA = Place("geonames:3", "Ar Raqqah", ("Raqqah",), 35.95, 39.01, "city", "SY", "Ar-Raqqa", 1,
              500_000)


def _learned(name: str, lat: float, lon: float, admin1: str, records: int = 3,
             precision: int = 1) -> LearnedPlaces:
    return LearnedPlaces(pd.DataFrame({
        "name": [name], "country": ["SY"], "admin1": [admin1], "latitude": [lat],
        "longitude": [lon], "precision": [precision], "source": ["ucdp"],
        "records": [records],
    }))


@pytest.fixture()
def coder() -> Geocoder:
    # a measured table that scores learned answers with rivals at 0.99, as the real one does
    calibration = Calibration({"learned|rivals": 0.99, "learned": 0.97})
    base = Geocoder([SURAN_ALEPPO, KAFR_ZITA, HADIR, RAQQA],
                    areas=AdminAreas.deferred(ADMIN), calibration=calibration)
    return base.with_learned(_learned("Souran town", 35.292, 36.748, "Hamah Governorate"))


def test_homonyms_without_context_are_ambiguous(coder):
    result = coder.geocode("Suran", country="SY")
    assert result.status == "ambiguous"
    assert {c.place.admin1 for c in result.candidates} == {"Hamah Governorate", "Aleppo"}
    assert all(c.score < RESOLVE_SCORE for c in result.candidates)
    assert any("more than 25 km apart" in note for note in result.notes)
    # the bulk path says the same
    assert coder.geocode_many(["Suran"], countries=["SY"]) == [result]


def test_homonyms_are_told_apart_by_the_governorate_or_a_nearby_place(coder):
    in_aleppo = coder.geocode("Suran", country="SY", admin1="Aleppo")
    assert in_aleppo.status == "resolved" and in_aleppo.best.place.gazetteer_id == "geonames:1"
    in_hama = coder.geocode("Suran", country="SY", admin1="Hama Governorate")
    assert in_hama.status == "resolved" and in_hama.best.place.admin1 == "Hamah Governorate"
    nearby = coder.geocode("Suran", country="SY", context=["Kafr Zita"])
    assert nearby.status == "resolved" and nearby.best.place.admin1 == "Hamah Governorate"


def test_an_unchecked_class_the_table_lacks_is_not_scored_as_a_checked_one():
    calibration = Calibration({"learned|rivals": 0.99, "learned|rivals|agrees": 0.99})
    assert calibration.probability("learned|rivals|agrees") == 0.99
    assert calibration.probability("learned|rivals|unchecked") < RESOLVE_SCORE + 0.01
    measured = Calibration({"learned|rivals": 0.99, "learned|rivals|unchecked": 0.9})
    assert measured.probability("learned|rivals|unchecked") == 0.9


def test_a_short_name_matched_only_in_a_folded_spelling_goes_to_review():
    coder = Geocoder([HADIR, RAQQA], areas=AdminAreas.deferred(ADMIN))
    result = coder.geocode("Hadar", country="SY")
    assert result.status == "unresolved"
    assert result.best is None and result.candidates[0].place.gazetteer_id == "geonames:2"
    assert result.candidates[0].score < RESOLVE_SCORE
    assert SHORT_NOTE in result.notes
    assert coder.geocode_many(["Hadar"], countries=["SY"]) == [result]
    # the governorate given checks it; the exact spelling needs no check
    assert coder.geocode("Hadar", country="SY", admin1="Aleppo").status == "resolved"
    assert coder.geocode("Hader", country="SY").status == "resolved"
    # a city's spelling variant is not a rival town's
    assert coder.geocode("al-Raqqa", country="SY").status == "resolved"


MAARRAT = Place("geonames:5", "Ma‘arrat an Nu‘mān", ("Maarat al-Numaan",), 35.648, 36.674,
                "city", "SY", "Idlib", 1, 60_000)
MAARATMISRIN = Place("geonames:6", "Ma‘arratmişrīn", ("Maar Shamarin",), 36.012, 36.672,
                     "town", "SY", "Idlib", 1, 0)


def test_a_district_named_for_its_seat_town_is_matched_and_checked():
    coder = Geocoder([MAARRAT, MAARATMISRIN], areas=AdminAreas.deferred(ADMIN))
    # OCHA calls the district "Al Ma'ra"; UCDP names it for its seat town
    result = coder.geocode("Maar Shamarin village", country="SY",
                           admin2="Maarat al-Numaan district")
    assert result.status == "unresolved" and not result.candidates
    assert any("set aside" in note for note in result.notes)
    inside = coder.geocode("Maarat al-Numaan", country="SY", admin2="Maarat al-Numaan district")
    assert inside.status == "resolved" and inside.best.evidence.endswith("agrees")
    assert coder.geocode_many(["Maar Shamarin village"], countries=["SY"],
                              admin2s=["Maarat al-Numaan district"]) == [result]


def test_a_district_that_cannot_be_matched_is_said_and_not_scored_as_checked():
    coder = Geocoder([MAARATMISRIN], areas=AdminAreas.deferred(ADMIN))
    result = coder.geocode("Maar Shamarin", country="SY", admin2="Nowhere At All district")
    assert any("not recognised" in note for note in result.notes)
    assert result.best is not None and result.best.evidence.endswith("unchecked")
    assert coder.geocode_many(["Maar Shamarin"], countries=["SY"],
                              admin2s=["Nowhere At All district"]) == [result]
