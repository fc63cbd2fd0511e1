import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from geo.geocoding import geocoder as geocoder_module
from geo.geocoding.areas import AdminAreas
from geo.geocoding.bulk import geocode_batch, resolve_many
from geo.geocoding.compound import ParsedPlace, parse_place, plain_mask
from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Geocoder, default_geocoder
from geo.geocoding.join import geocode_incidents
from geo.geocoding.learned import LearnedPlaces, learn_from_incidents
from geo.geocoding.names import name_keys, name_keys_many
from geo.geocoding.overrides import OverrideStore
from geo.settings import DATA_DIR, load_settings
from tests.helpers.fake_geocoder import FakeGeocoder
from tests.helpers.identities import analyst

ADMIN = (DATA_DIR / "admin" / "syr_admin1.geojson", DATA_DIR / "admin" / "syr_admin2.geojson")


def _place(pid, name, aliases, lat, lon, country="SY", admin1="", population=0,
           kind="town", precision=1, code=""):
    # GeoNames ids, so that population and feature code make the evidence class
    gid = "local:gov" if kind == "governorate" else f"geonames:{pid}"
    return Place(gid, name, tuple(aliases), lat, lon, kind, country, admin1, precision,
                 population, code)


# invented places: homonyms in one country and across countries, a dominant city,
# spellings that meet only through their normalised keys, an admin area
PLACES = [
    _place(1, "al-Qasra", ["Qasra", "Ash-Qasra"], 35.1, 40.1, admin1="Deir-ez-Zor"),
    _place(2, "Hadar", [], 36.12, 37.22, admin1="Aleppo", population=4000),
    _place(3, "Hadar", [], 33.21, 35.80, admin1="Quneitra", population=3000),
    _place(4, "Suran", [], 35.29, 36.74, admin1="Hama"),
    _place(5, "Suran", [], 36.27, 37.04, admin1="Aleppo"),
    _place(6, "Bigcity", ["Big City"], 33.5, 36.3, admin1="Damascus", population=2_000_000,
           code="PPLC"),
    _place(7, "Bigcity", [], 35.9, 39.0, admin1="Ar-Raqqa", population=600),
    _place(8, "Tell Hamra", [], 36.5, 42.0, country="IQ", admin1="Ninawa"),
    _place(9, "Tell Hamra", [], 36.0, 41.0, admin1="Al-Hasakeh"),
    _place(10, "Kafr Zeit", ["Kafr Zait"], 35.5, 36.5, admin1="Hama", population=12_000),
    _place(11, "Mayadin", ["Al Mayadeen"], 35.02, 40.45, admin1="Deir-ez-Zor",
           population=60_000),
    _place(12, "Zeta", [], 55.0, 37.0, country="RU"),
    _place(13, "Hama Governorate", ["Hama"], 35.13, 36.75, kind="governorate",
           admin1="Hama", precision=3),
]

NAMES = [
    "al-Qasra", "Qasra", "Al Qasra", "Ash Qasra", "Hadar", "Suran", "Bigcity", "Big City",
    "Tell Hamra", "Kafr Zeit", "Kafr Zait", "Kafr  Zeit", "Mayadin", "Al-Mayadeen",
    "Mayadeen", "Zeta", "Nowhere", "village", "the city", "Hama", "Hama countryside",
    "near Mayadin", "Tadmur/Qasra town", "Kafr Zeit village", "Hadar (Hadar)", "",
    "الرقة", "Mayadīn", "Ḩadar",
]


def _tables(n=400, seed=3):
    """Names with and without context, repeated, in a random order."""
    rng = random.Random(seed)
    names, countries, admin1s, admin2s = [], [], [], []
    for _ in range(n):
        names.append(rng.choice(NAMES))
        countries.append(rng.choice([None, "", "SY", "sy ", "IQ", "RU"]))
        admin1s.append(rng.choice([None, "", "Aleppo", "Quneitra", "Hama", "Damascus",
                                   "Deir-ez-Zor", "Nowhere Governorate"]))
        admin2s.append(rng.choice([None, None, "", "Al Mayadin"]))
    return names, countries, admin1s, admin2s


def _assert_same(coder, names, countries, admin1s, admin2s):
    batch = geocode_batch(coder, names, countries=countries, admin1s=admin1s, admin2s=admin2s)
    frame = batch.frame()
    for i, (name, cc, a1, a2) in enumerate(zip(names, countries, admin1s, admin2s,
                                               strict=True)):
        one = coder.geocode(name, country=cc or None, admin1=a1 or None, admin2=a2 or None)
        assert batch.result(i) == one, (name, cc, a1, a2)
        row = frame.iloc[i]
        assert row["status"] == one.status
        assert row["score"] == pytest.approx(one.score)
        assert row["source"] == one.source
        best = one.best
        if best is None:
            assert np.isnan(row["latitude"]) and row["gazetteer_id"] == ""
        else:
            assert (row["latitude"], row["longitude"]) == (best.place.latitude,
                                                           best.place.longitude)
            assert row["precision"] == best.place.precision
            assert row["gazetteer_id"] == best.place.gazetteer_id
            assert row["admin1"] == best.place.admin1
            assert row["spellings"] == " | ".join(best.place.spellings)
    return batch


def test_batch_answers_equal_the_one_name_path_with_context_and_homonyms():
    coder = Geocoder(PLACES, areas=AdminAreas.deferred(ADMIN))
    names, countries, admin1s, admin2s = _tables()
    batch = _assert_same(coder, names, countries, admin1s, admin2s)
    statuses = {r.status for r in batch.results()}
    assert statuses == {"resolved", "ambiguous", "unresolved"}
    # every route was taken: columns alone, a ranking of several, the one-name path
    assert {type(d).__name__ for d in batch.detail} == {"NoneType", "Ranking",
                                                         "GeocodeResult"}
    assert {"gazetteer|town|agrees", "gazetteer|city|unchecked"} <= set(batch.evidence)
    assert batch.distinct < len(names)  # repeats answered once
    # the cases the brief names: a rejection by admin1, homonyms, calibrated scores
    hadar = batch.results()[names.index("Hadar")]
    assert hadar.status in ("ambiguous", "resolved", "unresolved")
    one = geocode_batch(coder, ["Hadar", "Hadar", "Suran"], countries=["SY"] * 3,
                        admin1s=["Quneitra", "Hama", None]).results()
    assert one[0].best.place.gazetteer_id == "geonames:3"
    assert one[1].status == "unresolved" and "outside Hama" in one[1].notes[0]
    assert one[2].status == "ambiguous"


def test_batch_equals_one_name_path_with_a_default_country_learned_places_and_overrides(
        tmp_path):
    learned = learn_from_incidents(pd.DataFrame([
        {"place": "Hadar", "country": "SY", "admin1": "Quneitra", "latitude": 33.2,
         "longitude": 35.8, "geo_precision": 1, "geocode_source": "given"},
        {"place": "Teir Maaleh", "country": "SY", "admin1": "Homs", "latitude": 34.78,
         "longitude": 36.72, "geo_precision": 1, "geocode_source": "given"},
        {"place": "Teir Maaleh", "country": "SY", "admin1": "Homs", "latitude": 34.78,
         "longitude": 36.72, "geo_precision": 1, "geocode_source": "given"},
    ]), ["ucdp"] * 3)
    store = OverrideStore(tmp_path / "overrides.json")
    store.add_correction("Suran", who=analyst("ana"), country="SY", gazetteer_id="geonames:4")
    coder = Geocoder(PLACES, store, areas=AdminAreas.deferred(ADMIN),
                     default_country="SY").with_learned(LearnedPlaces(learned))
    names, countries, admin1s, admin2s = _tables(seed=5)
    names += ["Teir Maaleh", "Teir Maaleh", "Suran", "Hadar"]
    countries += [None, "SY", None, None]
    admin1s += [None, "Homs", None, "Quneitra"]
    admin2s += [None] * 4
    batch = _assert_same(coder, names, countries, admin1s, admin2s)
    results = batch.results()
    assert results[-4].candidates[0].provenance.startswith("learned from ucdp")
    assert results[-2].source.startswith("override:")


def test_resolve_many_asks_another_resolver_once_per_distinct_name():
    fake = FakeGeocoder()
    batch = resolve_many(fake, ["Damascus", "Damascus", "Tell Hamra", "Nowhere"],
                         countries=["SY", "SY", None, None])
    assert len(fake.calls) == 3
    assert [r.status for r in batch.results()] == ["resolved", "resolved", "ambiguous",
                                                   "unresolved"]
    assert batch.frame()["gazetteer_id"].tolist() == ["test:damascus", "test:damascus", "",
                                                      ""]


def test_join_geocodes_bare_names_without_the_one_name_path(monkeypatch):
    coder = Geocoder(PLACES)
    calls = []
    real = geocoder_module.Geocoder.geocode

    def counting(self, name, **kwargs):
        calls.append(name)
        return real(self, name, **kwargs)

    monkeypatch.setattr(geocoder_module.Geocoder, "geocode", counting)
    incidents = pd.DataFrame({
        "place": ["Kafr Zeit", "Mayadin", "Kafr Zait", "Suran", "Kafr Zeit village"] * 200,
        "country": "SY", "admin1": "", "latitude": np.nan, "longitude": np.nan,
        "geo_precision": pd.array([pd.NA] * 1000, dtype="Int64"), "geocode_source": "",
    })
    out = geocode_incidents(incidents, coder)
    assert calls == ["Kafr Zeit village"]  # only the compound string takes the long path
    assert out["geocode_status"].value_counts().to_dict() == {"resolved": 800,
                                                              "ambiguous": 200}
    kafr = out.iloc[0]
    assert (kafr["latitude"], kafr["geo_precision"], kafr["geocode_source"]) == (35.5, 1,
                                                                                 "geonames:10")
    assert kafr["admin1"] == "Hama" and kafr["place_names"] == "Kafr Zeit | Kafr Zait"


def test_name_keys_many_equal_name_keys():
    names = ["al Raqqa", "Ar-Raqqah", "AlRaqqa", "ad Dir", "adDir", "Deir ez-Zor", "Ezzor",
             "Albukamal", "the city of Homs", "village", "Tell  Abyad", "Ash Sha'fah",
             "Ash Sha\u2019fah", "Kafr Nabudah village", "Qariyatayn", "Chaghcharan",
             "Djibouti", "Ouadane", "Mayadeen", "Hamidiyeh", "Sheikh Maqsoud", "", "   ",
             "al", "el-Bab", "es Suweida", "at Tall", "as Safira", "'Ayn al-'Arab", "Ḩimş",
             "دير الزور", "Mosul 2", "a b c", "aa bb"]
    basic, norm = name_keys_many(names)
    assert list(zip(basic, norm, strict=True)) == [name_keys(n)[:2] for n in names]


def test_plain_mask_vouches_only_for_bare_names():
    texts = ["Raqqa", "al-Qasra", "Damascus.", "Westfield", "Ḩimş", "Kafr  Zeit", " x",
             "x,", "Tadmur/Palmyra town", "Bay City", "near Raqqa", "Some Place", "ab 5",
             "Aleppo governorate", "vïllage", "VİLLAGE", "Ḩimş\u00a0town", "٣ km west of Ḩimş",
             "Ḩimş (X)", "", "Kafr Ḩimş countryside", "الرقة"]
    mask = plain_mask(pa.array(texts))
    for text, bare in zip(texts, mask, strict=True):
        if bare:
            assert parse_place(text) == ParsedPlace(text, (text,)), text
    assert mask.tolist()[:5] == [True] * 5
    assert not mask[5:19].any()


@pytest.mark.skipif(not load_settings().gazetteer_index_path.exists(),
                    reason="no built gazetteer index (scripts/setup.d/20-gazetteer.sh)")
def test_batch_equals_one_name_path_on_names_drawn_from_the_worldwide_index():
    coder = default_geocoder()
    gaz = coder.base
    part = gaz.parts[0]
    rng = random.Random(11)
    names, countries, admin1s = [], [], []
    for r in rng.sample(range(len(part.names_place)), 1500):
        place = int(part.names_place[r])
        spellings = [gaz.text("name", place), *gaz.text("aliases", place).split("|")]
        names.append(rng.choice([s for s in spellings if s]))
        country = gaz.category("country", place)
        countries.append(rng.choice([country, country, None]))
        admin1s.append(rng.choice([None, None, gaz.category("admin1", place), "Aleppo"]))
    _assert_same(coder, names, countries, admin1s, [None] * len(names))


def test_with_a_default_country_a_place_abroad_needs_its_country_or_a_foreign_cue():
    # "Qairawan" -> Kairouan (Tunisia) is this case: abroad, found only by its exact name
    coder = Geocoder(PLACES, areas=AdminAreas.deferred(ADMIN), default_country="SY")
    for kwargs in ({}, {"country": None}, {"country": ""}, {"admin1": "Aleppo"},
                   {"context": ["Mayadin"]}):
        assert coder.geocode("Zeta", **kwargs).status == "unresolved", kwargs
    many = geocode_batch(coder, ["Zeta", "Zeta", "Zeta"], countries=[None, "", "RU"],
                         admin1s=[None, "Aleppo", None]).results()
    assert [r.status for r in many] == ["unresolved", "unresolved", "resolved"]
    assert coder.geocode("Zeta", abroad=True).best.place.country == "RU"
    # without a default country nothing is abroad
    assert Geocoder(PLACES).geocode("Zeta").best.place.country == "RU"
