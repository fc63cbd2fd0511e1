"""The search's learned places indexed per term (geo.geocoding.learned_index): the same
answers and spellings as the geocoder that indexes every learned place, from far fewer
rows."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pandas as pd
import pytest

from geo.geocoding.gazetteer import build_gazetteer
from geo.geocoding.geocoder import Geocoder
from geo.geocoding.learned import (
    SAME_PLACE_KM,
    LearnedPlaces,
    _clusters,
    _Member,
    learned_gazetteer_rows,
)
from geo.geocoding.learned_index import LearnedSearch
from geo.geocoding.overrides import Override, OverrideIndex
from geo.geocoding.sources import local_gazetteer, name_admin1, read_geonames_dump
from geo.settings import DATA_DIR
from geo.view.spellings import search_spellings
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"

# name, country, latitude, longitude, records, source
LEARNED = [
    ("Ar Raqqah town", "SY", 35.95, 39.01, 3, "ucdp"),
    ("الرقة", "SY", 35.951, 39.012, 2, "acled"),
    ("Hadar", "SY", 36.12, 37.22, 2, "ucdp"),
    ("Hadar", "SY", 33.20, 35.80, 1, "ucdp"),
    ("Hadar", "SY", 33.205, 35.801, 4, "acled"),  # 0.5 km from the one above: one place
    ("Hadar", "TR", 37.0, 38.0, 1, "ucdp"),
    ("Tadmur/Palmyra town", "SY", 34.55, 38.27, 4, "ucdp"),
    ("Shair gas field", "SY", 34.85, 37.98, 2, "ucdp"),
    ("Aleppo countryside", "SY", 36.3, 37.0, 2, "ucdp"),
    ("Eastern Hamah Governorate", "SY", 35.2, 37.2, 1, "ucdp"),
    ("Kafr Nabudah village", "SY", 35.43, 36.49, 4, "ucdp"),
    ("Kafr Nabudah", "SY", 35.431, 36.491, 1, "acled"),
    ("village", "SY", 35.0, 37.0, 1, "ucdp"),  # a generic word: never learned
    ("Tell Abyad|Tal Abiad", "SY", 36.69, 38.95, 2, "team"),
    ("Dayr Hafir", "SY", 36.16, 37.70, 1, "team"),
    ("Dayr Hafer", "SY", 36.50, 38.20, 1, "team"),  # a homonym 58 km away, other spelling
]
# Many names alike, for the fuzzy fallback's ten best (and the ties among them).
LEARNED += [(f"Kafr Na{s}", "SY", 35.0 + i / 50, 36.0 + i / 50, 1 + i % 3, "ucdp")
            for i, s in enumerate(["ba", "bl", "ha", "ya", "sih", "sij", "ran", "bo", "bu",
                                   "hya", "n", "ba 2", "bah", "baa", "bb", "bul", "nal"])]
TERMS = [
    "Raqqa", "Ar Raqqah", "ar raqqah", "Rakka", "Rakka town", "الرقة", "الرقه", "Hadar",
    "Hadr", "Haddar", "Hadar village", "Palmyra", "Tadmur", "Tadmor", "Shair gas field",
    "Shair", "Aleppo countryside", "Aleppo", "Eastern Hamah Governorate", "Hamah",
    "Kafr Nabudah", "Kfar Nabouda", "Kafr Nabuda village", "Kafr Naba", "Kafr Nab",
    "Kafr Nabl", "Kafr Nabxl", "Kafr Nbal", "Kafr Naxa", "Kafrnabl", "Kafr Nba",
    "Tell Abyad", "Tal Abiad",
    "Tell Abyad|Tal Abiad", "Tal Abyad", "Dayr Hafir", "Deir Hafer", "Dair Hafir",
    "village", "Damascus", "Homs", "Idlib", "Xyzzyq", "near Raqqa", "Manbij district",
]


@pytest.fixture(scope="module")
def base() -> Geocoder:
    gazetteer = build_gazetteer(name_admin1(read_geonames_dump(FIXTURE), {})).merged(
        local_gazetteer(DATA_DIR / "places.csv"))
    return Geocoder(gazetteer, default_country="SY")


def _learned(disabled: str = "") -> LearnedPlaces:
    frame = pd.DataFrame([
        {"name": n, "country": c, "admin1": "", "latitude": lat, "longitude": lon,
         "precision": 1, "source": s, "records": r}
        for n, c, lat, lon, r, s in LEARNED])
    learned = LearnedPlaces(frame)
    if disabled:
        learned.set_enabled(disabled, False)
    return learned


def _variants(term: str) -> list[str]:
    """The term, a letter dropped and two letters swapped (typos for the loose match)."""
    out = [term]
    if len(term) > 4:
        out += [term[:2] + term[3:], term[:2] + term[3] + term[2] + term[4:]]
    return out


def _same_answers(full: Geocoder, search: LearnedSearch) -> int:
    terms = {v for t in [*TERMS, *(row[0] for row in LEARNED)] for v in _variants(t)}
    checked = 0
    for term in sorted(terms):
        for country, abroad in (("SY", False), (None, False), ("TR", False), (None, True)):
            expected = full.geocode(term, country=country, abroad=abroad)
            assert search.geocode(term, country=country, abroad=abroad) == expected, \
                (term, country, abroad)
            checked += 1
    old, new = search_spellings(full, ["SY"]), search_spellings(search, ["SY"])
    for term in sorted(terms):
        assert new(term) == old(term), term
    return checked


@pytest.mark.parametrize("disabled", ["", "acled"])
def test_every_answer_equals_the_full_learned_index(base, disabled):
    learned = _learned(disabled)
    full = base.with_learned(learned)
    search = LearnedSearch.from_source(base, learned)
    # the premises: learned places answer, homonyms stay ambiguous, typos match loosely
    assert full.geocode("Dayr Hafir", country="SY").best.place.gazetteer_id.startswith(
        "learned:")
    assert full.geocode("Hadar", country="SY").status == "ambiguous"
    assert full.geocode("Kafr Nabxl", country="SY").candidates[0].match == "fuzzy"
    assert full.geocode("Kafr Nbal", country="SY").candidates[0].match == "skeleton"
    assert _same_answers(full, search) > 600


def test_corrections_and_pins_give_the_same_answers(base):
    learned = _learned()
    hadar = base.with_learned(learned).geocode("Hadar", country="SY").candidates[0].place
    assert hadar.gazetteer_id.startswith("learned:")
    corrected = base.with_overrides(OverrideIndex([
        # a correction that chose a learned place, under a name that does not match it
        Override("o1", "Hadar al-Gharbi", "SY", gazetteer_id=hadar.gazetteer_id),
        Override("o2", "Rakka", latitude=35.96, longitude=39.0, precision=1),  # a pin
        Override("o3", "Tadmur", gazetteer_id="learned:ffffffffffff"),  # gone
        Override("o4", "Kafr Naba", gazetteer_id="geonames:172955"),
    ]))
    full = corrected.with_learned(learned)
    search = LearnedSearch.from_source(corrected, learned)
    assert full.geocode("Hadar al-Gharbi", country="SY").best.place == hadar
    with pytest.warns(UserWarning, match="unknown gazetteer id"):
        full.geocode("Tadmur", country="SY")
    with pytest.warns(UserWarning):
        assert _same_answers(full, search) > 600
    assert search.geocode("Hadar al-Gharbi", country="SY").best.place == hadar


def test_a_term_reads_only_the_learned_places_it_could_match(base):
    learned = _learned()
    search = LearnedSearch.from_source(base, learned)
    names = search.names
    assert len(names) == len(LEARNED) - 1  # the generic word is not kept
    # nothing learned is called that: the plain geocoder, nothing indexed
    assert search.geocoder_for("Damascus", country="SY") is base
    hadar = search.geocoder_for("Hadar", country="SY")
    assert search.geocoder_for("Hadar", country=None) is hadar  # built once for the term
    rows = hadar.gazetteer.rows - base.gazetteer.rows
    assert 0 < rows < len(learned_gazetteer_rows(learned.learned_places()))
    frame = names.frame(names.groups_for("Hadar", base.parse("Hadar")))
    assert set(frame["name"]) == {"Hadar"} and len(frame) == 4  # its rows, every country
    # a typo takes the names within the fuzzy cutoff, not the other learned ones
    loose = set(names.frame(names.groups_for("Kafr Nabxl", base.parse("Kafr Nabxl")))["name"])
    assert "Kafr Nabl" in loose and "Hadar" not in loose and "Dayr Hafir" not in loose
    # a name found by its exact keys is answered from its own rows: the fallback's
    # groups are read only when nothing matched exactly
    strict = search.geocoder_for("Kafr Nabl", country="SY", loose=False)
    assert strict.gazetteer.rows - base.gazetteer.rows == 1
    assert search.geocoder_for("Kafr Nabl", country="SY").gazetteer.rows > strict.gazetteer.rows
    assert search.geocode("Kafr Nabl", country="SY") == strict.geocode("Kafr Nabl", country="SY")


def test_an_embedded_store_gives_the_same_answers(base, tmp_path):
    from geo.store import open_store

    rows = [{"id": f"r{i}", "place": n, "country": c, "latitude": str(lat),
             "longitude": str(lon), "geo_precision": "1", "date_start": "2016-03-01"}
            for i, (n, c, lat, lon, _, _) in enumerate(LEARNED)]
    store = open_store(str(tmp_path / "learned.gpkg"))
    try:
        store.upsert(incidents(rows[:8]), origin="ucdp", who=ANALYST)
        store.upsert(incidents(rows[8:]), origin="acled", who=ANALYST)
        store.set_source_enabled("acled", False, who=analyst("bob"))
        full = base.with_learned(store)
        search = LearnedSearch.from_source(base, store)
        assert search.learned_revision == full.learned_revision
        assert full.geocode("Hadar", country="SY").status != "unresolved"
        assert _same_answers(full, search) > 600
    finally:
        store.close()


def _old_clusters(members):
    """The grouping as it was written before (one distance at a time)."""
    remaining, clusters = members, []
    while remaining:
        head = remaining[0]
        scale = math.cos(math.radians(head.latitude))
        near, far = [], []
        for m in remaining:
            km = math.hypot((m.latitude - head.latitude) * 111.0,
                            (m.longitude - head.longitude) * 111.0 * scale)
            (near if km <= SAME_PLACE_KM else far).append(m)
        clusters.append(near)
        remaining = far
    return clusters


def test_the_grouping_of_a_names_points_is_unchanged():
    rng = random.Random(7)
    members = [_Member(rng.randint(1, 9), 35 + rng.random() * 0.3, 38 + rng.random() * 0.3,
                       "X", "", 1, "s") for _ in range(400)]
    # points at exactly the threshold from the first one, north and east
    head = members[0]
    members += [_Member(1, head.latitude + SAME_PLACE_KM / 111.0, head.longitude, "X", "", 1,
                        "s"),
                _Member(1, head.latitude, head.longitude + SAME_PLACE_KM / (
                    111.0 * math.cos(math.radians(head.latitude))), "X", "", 1, "s")]
    new, old = _clusters(members), _old_clusters(members)
    assert 1 < len(new) < len(members)
    assert [[id(m) for m in c] for c in new] == [[id(m) for m in c] for c in old]


@pytest.mark.parametrize("disabled", ["", "acled"])
def test_the_learned_names_keep_the_disagreements_main_points(disabled):
    """The review page's disagreements come from the names the geocoder read: the same
    as from the learned places themselves, switched-off sources included."""
    from geo.geocoding.disagreements import disagreements_of, main_points, source_disagreements
    from geo.geocoding.learned_index import LearnedNames

    learned = _learned(disabled).learned_places()
    names = LearnedNames(learned, 3)
    expected = source_disagreements(learned)
    assert len(expected) == 1 and "acled" in set(expected["source_a"]) | set(
        expected["source_b"])
    pd.testing.assert_frame_equal(disagreements_of(names.main_points()), expected)
    pd.testing.assert_frame_equal(names.main_points(), main_points(learned))


def _untidy_learned() -> pd.DataFrame:
    """A learned table as a source might give it: text gaps, numbers as text, enabled as
    text or missing, a row without a point, a generic word."""
    return pd.DataFrame({
        "name": ["Hadar", None, "Hadar", "village", "Tall Rif'at", "Hadar"],
        "country": ["SY", "SY", None, "SY", "SY", "TR"],
        "admin1": [None, "Aleppo", "", "", "Aleppo", ""],
        "latitude": ["33.2", 36.1, 33.21, 35.0, None, 36.9],
        "longitude": [35.8, 37.2, "35.81", 36.0, 37.1, 37.0],
        "precision": [1, None, "2", 1, 1, 1],
        "records": [3, 1, None, 2, 5, "4"],
        "source": ["ucdp", "acled", None, "ucdp", "ucdp", "acled"],
        "enabled": ["1", True, "off", 0, None, "yes"],
    })


@pytest.mark.parametrize("drop", [None, "enabled", "admin1"])
def test_a_column_is_typed_as_the_whole_table_is(drop):
    from geo.geocoding.learned import LEARNED_COLUMNS, typed_column, typed_learned

    raw = _untidy_learned()
    if drop:
        raw = raw.drop(columns=[drop])
    whole = typed_learned(raw)
    for column in LEARNED_COLUMNS:
        one = typed_column(raw, column)
        pd.testing.assert_series_equal(one, whole[column])
    with pytest.raises(KeyError):
        typed_column(raw, "elevation")


def test_the_names_of_an_untyped_table_equal_those_of_its_typed_copy():
    """The names type the table a column at a time: the same rows, groups and points as
    from the typed copy (which they no longer make)."""
    from geo.geocoding.learned import typed_learned
    from geo.geocoding.learned_index import LearnedNames

    raw = _untidy_learned()
    untyped, typed = LearnedNames(raw, 1), LearnedNames(typed_learned(raw), 1, typed=True)
    assert len(untyped) == len(typed) > 0 and untyped.groups == typed.groups
    everything = tuple(range(typed.groups))
    pd.testing.assert_frame_equal(untyped.frame(everything), typed.frame(everything))
    pd.testing.assert_frame_equal(untyped.main_points(), typed.main_points())
