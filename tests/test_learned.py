import pandas as pd
import pytest

from geo.geocoding.areas import AdminAreas
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned import (
    LearnedPlaces,
    learn_from_incidents,
    learned_gazetteer_rows,
)
from geo.settings import DATA_DIR

ADMIN = (DATA_DIR / "admin" / "syr_admin1.geojson", DATA_DIR / "admin" / "syr_admin2.geojson")
HADAR_ALEPPO = Place("t:hadar", "Hadar", (), 36.12, 37.22, "town", "SY", "Aleppo", 1, 4000)


def _incidents(rows):
    base = {"place": "", "country": "SY", "admin1": "", "latitude": None, "longitude": None,
            "geo_precision": 1, "geocode_source": "given"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_only_given_coordinates_at_fine_precision_are_learned():
    frame = _incidents([
        {"place": "Hadar town", "admin1": "Quneitra", "latitude": 33.2, "longitude": 35.8},
        {"place": "Hadar town", "admin1": "Quneitra", "latitude": 33.2, "longitude": 35.8},
        {"place": "Somewhere", "latitude": 33.0, "longitude": 36.0, "geo_precision": 2},
        {"place": "Geocoded", "latitude": 33.0, "longitude": 36.0,
         "geocode_source": "geonames:1"},
        {"place": "", "latitude": 33.0, "longitude": 36.0},
        {"place": "Ainless", "latitude": None},
    ])
    learned = learn_from_incidents(frame, ["ucdp"] * len(frame))
    assert learned[["name", "records", "source"]].values.tolist() == [["Hadar town", 2, "ucdp"]]
    # ACLED's "near" precision (2) teaches too, kept as precision 2
    acled = learn_from_incidents(frame.iloc[[2]], ["acled"])
    assert acled["precision"].tolist() == [2]


def test_learned_names_are_split_and_facilities_keep_their_kind():
    rows = learned_gazetteer_rows(pd.DataFrame({
        "name": ["Tadmur/Palmyra town", "Shair gas field", "village"],
        "country": "SY", "admin1": "Homs", "latitude": [34.56, 34.9, 35.0],
        "longitude": [38.28, 37.9, 36.0], "precision": 1, "source": "ucdp", "records": 3,
    }))
    assert rows["name"].tolist() == ["Tadmur", "Shair gas field"]
    assert "Palmyra" in rows["aliases"].iloc[0].split("|")
    assert rows["sources"].tolist() == ["ucdp: 3", "ucdp: 3"]


@pytest.fixture()
def coder():
    return Geocoder([HADAR_ALEPPO], areas=AdminAreas.deferred(ADMIN))


def test_a_candidate_outside_the_governorate_given_is_rejected(coder):
    result = coder.geocode("Hadar", country="SY", admin1="Quneitra")
    assert result.status == "unresolved" and not result.candidates
    assert "set aside" in result.notes[0]
    assert coder.geocode("Hadar", country="SY", admin1="Aleppo Governorate").status == "resolved"


def test_learned_places_answer_with_their_provenance_and_leave_the_geocoder_unchanged(coder):
    learned = LearnedPlaces(pd.DataFrame({
        "name": ["Hadar town"], "country": ["SY"], "admin1": ["Quneitra Governorate"],
        "latitude": [33.2], "longitude": [35.8], "precision": [1], "source": ["ucdp"],
        "records": [4],
    }))
    taught = coder.with_learned(learned)
    result = taught.geocode("Hadar village", country="SY", admin1="Quneitra")
    assert result.status == "resolved"
    assert result.best.place.latitude == pytest.approx(33.2)
    assert "learned from ucdp: 4" in result.best.provenance
    assert result.kind == "village"
    assert coder.geocode("Hadar", country="SY", admin1="Quneitra").status == "unresolved"
    learned.set_enabled("ucdp", False)
    assert coder.with_learned(learned).geocode("Hadar", country="SY",
                                               admin1="Quneitra").status == "unresolved"


def test_learned_sources_that_disagree_are_reported(coder):
    learned = LearnedPlaces(pd.DataFrame({
        "name": ["Kafr X", "Kafr X"], "country": "SY", "admin1": "Aleppo",
        "latitude": [36.2, 36.5], "longitude": [37.0, 37.5], "precision": 1,
        "source": ["ucdp", "acled"], "records": [2, 2],
    }))
    result = coder.with_learned(learned).geocode("Kafr X", country="SY")
    assert result.status == "ambiguous"
    assert any("disagree" in note for note in result.notes)


def _rough(rows):
    return LearnedPlaces(pd.DataFrame(rows, columns=["name", "latitude", "longitude",
                                                     "precision", "source", "records"])
                         .assign(country="SY", admin1="Rif Dimashq"))


def test_a_place_learned_within_25_km_answers_at_approximate_precision(coder):
    taught = coder.with_learned(_rough([["Eastern Plain", 33.5, 36.44, 2, "ucdp", 40]]))
    result = taught.geocode("Eastern Plain", country="SY")
    assert result.status == "resolved" and result.precision == 2
    assert result.best.evidence.startswith("learned|approx|")


def test_a_rough_point_near_an_exact_one_agrees_with_it_and_a_far_one_disagrees(coder):
    near = _rough([["Kafr Y", 33.50, 36.40, 1, "ucdp", 3], ["Kafr Y", 33.55, 36.50, 2, "ucdp", 9]])
    result = coder.with_learned(near).geocode("Kafr Y", country="SY")
    assert result.status == "resolved" and result.precision == 1
    assert result.best.place.latitude == pytest.approx(33.50)
    assert not any("disagree" in n for n in result.notes)
    far = _rough([["Kafr Y", 33.50, 36.40, 1, "ucdp", 3], ["Kafr Y", 34.50, 36.90, 2, "ucdp", 3]])
    result = coder.with_learned(far).geocode("Kafr Y", country="SY")
    assert result.status == "ambiguous"
    assert any("disagree" in n for n in result.notes)


def test_an_admin_area_string_is_answered_by_its_polygon(coder):
    whole = coder.geocode("Aleppo Governorate", country="SY")
    north = coder.geocode("Northern Aleppo Governorate", country="SY")
    assert whole.status == "resolved" and whole.precision == 3
    assert whole.best.place.gazetteer_id.startswith("area:SY02")
    assert north.best.place.latitude > whole.best.place.latitude


def test_generic_words_and_foreign_places_are_not_guessed():
    abroad = Place("t:madaya", "Madaya", (), 22.2, 96.1, "town", "MM", "", 1, 30000)
    coder = Geocoder([abroad], default_country="SY")
    assert coder.geocode("village").status == "unresolved"
    assert coder.geocode("Madaya").status == "unresolved"
    assert coder.geocode("Madaya", abroad=True).status == "resolved"
    assert coder.geocode("Madaya", country="MM").status == "resolved"


HAMA_CITY = Place("t:hama", "Hamah", ("Hama",), 35.13, 36.75, "city", "SY", "Hama", 1, 500_000)


@pytest.mark.parametrize("region", ["Eastern Hamah Governorate", "Hamah countryside",
                                    "Hamah district", "near Hamah", "Hamah/Homs border"])
def test_a_region_string_is_never_learned_under_the_bare_name_of_a_place(region):
    # a point UCDP gives "within 25 km" for a region, 115 km out in the desert
    learned = LearnedPlaces(pd.DataFrame({
        "name": [region], "country": ["SY"], "admin1": ["Hamah Governorate"],
        "latitude": [35.21], "longitude": [38.01], "precision": [2], "source": ["ucdp"],
        "records": [5],
    }))
    rows = learned_gazetteer_rows(learned.learned_places())
    assert rows["name"].tolist() == [region] and rows["aliases"].tolist() == [""]
    taught = Geocoder([HAMA_CITY]).with_learned(learned)
    for bare in ("Hama", "Hamah", "Hamah town"):
        result = taught.geocode(bare, country="SY")
        assert result.status == "resolved", bare
        assert result.best.place.gazetteer_id == "t:hama", bare
        assert len(result.candidates) == 1, bare


def test_a_learned_place_keeps_the_precision_its_source_gave():
    frame = _incidents([
        {"place": "Souran town", "latitude": 35.29, "longitude": 36.75, "geo_precision": 2,
         "location_uncertainty_km": 25},
        {"place": "Kafr Zita town", "latitude": 35.37, "longitude": 36.6},
    ])
    rows = learned_gazetteer_rows(learn_from_incidents(frame, ["ucdp", "ucdp"]))
    precision = dict(zip(rows["name"], rows["precision"], strict=True))
    assert precision == {"Souran": 2, "Kafr Zita": 1}
