"""The analyst filters: admin areas, actors, sources, casualties, source categories, shapes,
bounds and search (geo/geocoding/areas.py, geo/view/filters.py, geo/view/search.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo.geocoding.areas import AdminAreas, default_areas
from geo.geocoding.join import build_incident_frame
from geo.view.filters import FilterContext, apply_view
from geo.view.search import parse_query, split_query
from geo.view.spellings import geocoder_spellings
from geo.view.state import ViewDomain, default_view
from geo.vocab import CRS
from tests.helpers.incidents import StubGeocoder, incidents, row


def make_areas() -> AdminAreas:
    """Two governorates side by side, the western one split into two districts."""
    level1 = gpd.GeoDataFrame(
        {"level": [1, 1], "pcode": ["XX01", "XX02"], "name_en": ["Ar-Raqqa", "Deir-ez-Zor"],
         "name_ar": ["الرقة", "دير الزور"], "parent_pcode": ["XX", "XX"],
         "parent_en": ["X", "X"], "parent_ar": ["", ""]},
        geometry=[box(38.0, 35.0, 40.0, 37.0), box(40.0, 34.0, 42.0, 37.0)], crs=CRS,
    )
    level2 = gpd.GeoDataFrame(
        {"level": [2, 2, 2], "pcode": ["XX0101", "XX0102", "XX0201"],
         "name_en": ["Ar-Raqqa", "Tell Abiad", "Deir-ez-Zor"], "name_ar": ["", "تل أبيض", ""],
         "parent_pcode": ["XX01", "XX01", "XX02"], "parent_en": ["Ar-Raqqa"] * 2 + ["D"],
         "parent_ar": ["", "", ""]},
        geometry=[box(38.0, 35.0, 40.0, 36.0), box(38.0, 36.0, 40.0, 37.0),
                  box(40.0, 34.0, 42.0, 37.0)], crs=CRS,
    )
    return AdminAreas([level1, level2])


AREAS = make_areas()
FRAME = build_incident_frame(incidents(
    row(id="city", date_start="2017-10-14", place="Raqqa town", latitude="35.95",
        longitude="39.01", geo_precision="1", actors="US-led coalition; IS",
        killed_min="3", killed_max="8", claimed_by="Airwars (ايروورز)", event_type="airstrike",
        description="Strike on a MARKET", deaths_civilians="3", type_of_violence="1"),
    row(id="north", date_start="2017-10-20", latitude="36.5", longitude="39.5",
        geo_precision="2", actors="SDF; IS", killed_min="12", source_name="SOHR",
        event_type="clashes", source_event_type="Battles",
        source_sub_event_type="Armed clash"),
    row(id="region", date_start="2017-10", latitude="35.5", longitude="39.0",
        geo_precision="3", actors="Government of Syria", event_type="shelling",
        injured_min="4", injured_max="6", type_of_violence="3"),
    row(id="deir", date_start="2017-11-02", place="Dayr az Zawr", latitude="35.33",
        longitude="40.14", geo_precision="1", actors="Russia; Civilians",
        killed_min="20", killed_max="20", deaths_civilians="20", type_of_violence="3"),
    row(id="unplaced", date_start="2017-10-05", admin1="Raqqa governorate",
        actors="IS", event_type="bombing"),
    row(id="abroad", date_start="2017-10-05", latitude="33.3", longitude="44.4",
        geo_precision="1", actors="IS", event_type="bombing"),
), StubGeocoder(), AREAS)
DOMAIN = ViewDomain(date(2017, 10, 1), date(2017, 11, 30), (35.5, 40.0), 7,
                    resolve_area=AREAS.resolve)
ALL = default_view(DOMAIN)
CONTEXT = FilterContext(AREAS, geocoder_spellings(StubGeocoder().geocode))


def shown(state=ALL, context=CONTEXT, **changes):
    result = apply_view(FRAME, replace(state, **changes), context)
    return sorted(FRAME.loc[result.mask, "id"])


def area(incident_id, column):
    return FRAME.set_index("id").loc[incident_id, column]


# --- admin areas -------------------------------------------------------------------------


def test_points_get_their_governorate_and_district_by_point_in_polygon():
    assert (area("city", "adm1_pcode"), area("city", "adm2_pcode")) == ("XX01", "XX0101")
    assert (area("north", "adm1_name"), area("north", "adm2_name")) == ("Ar-Raqqa", "Tell Abiad")
    assert area("deir", "adm1_pcode") == "XX02"
    assert area("abroad", "adm1_pcode") == "" and area("abroad", "adm2_pcode") == ""


def test_a_region_level_point_gets_no_district_and_an_unplaced_one_its_named_governorate():
    assert (area("region", "adm1_pcode"), area("region", "adm2_pcode")) == ("XX01", "")
    assert (area("unplaced", "adm1_pcode"), area("unplaced", "adm2_pcode")) == ("XX01", "")


def test_radius_is_the_sources_own_else_the_area_it_stands_for():
    assert area("city", "uncertainty_km") == 0.0
    district = AREAS.radius_km("XX0102")  # 'north' is precision 2: somewhere in its district
    assert area("north", "uncertainty_km") == pytest.approx(district)
    assert area("region", "uncertainty_km") == pytest.approx(AREAS.radius_km("XX01"))
    assert AREAS.radius_km("XX01") > district > 50  # a 2° x 1° district is ~100 km across


@pytest.mark.parametrize("name", ["Raqqa", "Ar-Raqqa", "Rakka", "ar raqqah", "الرقة",
                                  "Raqqa governorate", "SY11", "sy11"])
def test_shipped_governorate_under_any_spelling_or_script(name):
    assert default_areas().resolve(name, 1) == "SY11"


@pytest.mark.parametrize("name", ["Dayr az Zawr", "Deir ez-Zor", "دير الزور"])
def test_shipped_deir_ez_zor_spellings(name):
    assert default_areas().resolve(name, 1) == "SY09"


def test_unknown_or_empty_area_names_resolve_to_nothing():
    assert AREAS.resolve("Atlantis") is None and AREAS.resolve("   ") is None


def test_area_filters_by_governorate_and_district():
    assert shown(admin1=("XX01",)) == ["city", "north", "region", "unplaced"]
    assert shown(admin2=("XX0102",)) == ["north"]
    assert shown(admin1=("XX01", "XX02")) == ["city", "deir", "north", "region", "unplaced"]


# --- actors, sources, casualties, categories -------------------------------------------------


def test_actor_on_either_side_any_case():
    assert shown(actors=("is",)) == ["abroad", "city", "north", "unplaced"]
    assert shown(actors=("civilians", "government of syria")) == ["deir", "region"]


def test_source_matches_source_or_claimant_across_scripts():
    assert shown(sources=("airwars",)) == ["city"]
    assert shown(sources=("ايروورز",)) == ["city"]
    assert shown(sources=("sohr",)) == ["north"]


@pytest.mark.parametrize(
    ("killed", "expected"),
    [((5, None), ["city", "deir", "north"]),  # 3-8 reaches 5; 12 (a minimum only) too
     ((None, 3), ["city"]),
     ((9, 15), ["north"]),
     ((0, None), ["city", "deir", "north"])],  # unknown figures never pass
)
def test_killed_range_meets_the_incidents_own_range(killed, expected):
    assert shown(killed=killed) == expected


def test_injured_and_civilian_deaths_ranges():
    assert shown(injured=(5, None)) == ["region"]
    assert shown(civilian_deaths=(1, None)) == ["city", "deir"]
    assert shown(civilian_deaths=(4, 19)) == []


def test_ucdp_type_of_violence_and_source_types():
    assert shown(violence=(3,)) == ["deir", "region"]
    assert shown(violence=(1, 3)) == ["city", "deir", "region"]
    assert shown(source_types=("armed clash",)) == ["north"]


def test_drawn_polygon_and_map_bounds():
    triangle = ((38.5, 35.6), (40.5, 35.6), (39.5, 37.0))
    assert shown(polygon=triangle) == ["city", "north"]  # unplaced never inside
    assert shown(bbox=(39.8, 35.0, 41.0, 36.0)) == ["deir"]
    assert shown(bbox=(170.0, -10.0, -170.0, 10.0)) == []  # across the antimeridian


def test_hidden_by_names_each_new_filter_and_skip_leaves_one_out():
    state = replace(ALL, admin1=("XX02",), killed=(1, None))
    result = apply_view(FRAME, state, CONTEXT)
    assert set(result.hidden_by) == {"governorate", "killed"}
    loose = apply_view(FRAME, state, CONTEXT, skip={"governorate"})
    assert loose.shown == 3


# --- search --------------------------------------------------------------------------------


def test_split_query_keeps_phrases_and_tolerates_an_open_quote():
    assert split_query('coalition "raqqa town" "') == [("coalition", False),
                                                       ("raqqa town", True)]
    assert split_query('"market') == [("market", True)]


def test_terms_are_anded():
    assert shown(query="coalition raqqa") == ["city"]
    assert shown(query="coalition deir") == []


def test_phrase_is_one_term():
    assert shown(query='"on a market"') == ["city"]
    assert shown(query='"a strike"') == []


def test_case_diacritics_and_script_do_not_matter_in_any_field():
    assert shown(query="AIRWARS") == ["city"]
    assert shown(query="Márket") == ["city"]
    assert shown(query="armed clash") == ["north"]  # the source's own sub-event type


def test_a_place_term_finds_every_incident_in_the_named_area():
    assert shown(query="Rakka") == ["city", "north", "region", "unplaced"]
    assert shown(query="الرقة") == ["city", "north", "region", "unplaced"]


def test_a_multiword_place_is_one_term():
    terms = parse_query("coalition Dayr az Zawr", AREAS)
    assert [t.text for t in terms] == ["coalition", "Dayr az Zawr"]
    assert terms[1].areas == ("XX02",)
    assert shown(query="Dayr az Zawr") == ["deir"]


def test_a_place_term_finds_incidents_at_any_spelling_of_its_gazetteer_entry():
    frame = build_incident_frame(incidents(
        row(id="a", place="Ash Sha'fah"), row(id="b", place="Shaafah"),
        row(id="c", place="Raqqah")), StubGeocoder(), None)
    context = FilterContext(None, geocoder_spellings(StubGeocoder().geocode))
    state = default_view(ViewDomain(None, None, (35.0, 39.0), 6))
    result = apply_view(frame, replace(state, query="الشعفة"), context)
    assert sorted(frame.loc[result.mask, "id"]) == ["a", "b"]


def test_governorate_spellings_from_the_place_file():
    from geo.geocoding.gazetteer import Place

    areas = make_areas()
    assert areas.resolve("Raqqa Province of the North") is None
    attached = areas.add_aliases([
        Place("local:gov", "Raqqa Governorate", ("Raqqa Province of the North",), 36.0, 39.0,
              "governorate", "XX", "Ar-Raqqa", 3),
        Place("local:town", "Elsewhere", ("Somewhere",), 36.0, 39.0, "town", "XX",
              "Ar-Raqqa", 1),
    ])
    assert attached == 1 and areas.resolve("Raqqa Province of the North") == "XX01"
    assert areas.resolve("Somewhere") is None
    assert default_areas().resolve("Rif Dimashq Governorate", 1) == "SY03"


@pytest.mark.parametrize("regex", [False, True])
def test_contains_on_a_categorical_answers_as_on_plain_text(regex):
    import numpy as np
    import pandas as pd

    from geo.view.search import contains

    plain = pd.Series(["|raqqa|", "", "|raqqa|tabqa|", None, "|homs|", "|tabqa|"], dtype=str)
    coded = plain.astype("category")
    pattern = r"\|raqqa\||\|homs\|" if regex else "tabqa"
    expected = [True, False, True, False, True, False] if regex else \
        [False, False, True, False, False, True]
    assert contains(plain, pattern, regex=regex).tolist() == expected
    assert contains(coded, pattern, regex=regex).tolist() == expected
    assert contains(coded, pattern, regex=regex).dtype == np.bool_


def test_text_filters_answer_the_same_on_categorical_columns():
    import pandas as pd

    from geo.view.search import text_matches

    plain = pd.Series(["Syrian Army – IS", "", "ŞDF", "syrian army", "YPG"], dtype=str)
    assert text_matches(plain, ["sdf", "Army"]).tolist() == [True, False, True, True, False]
    assert text_matches(plain.astype("category"), ["sdf", "Army"]).tolist() == \
        [True, False, True, True, False]


def test_each_filter_is_evaluated_once_and_any_can_be_left_out_afterwards():
    from geo.view.filters import FILTER_NAMES, combine_checks, filter_checks

    view = replace(ALL, admin1=("XX01",), actors=("IS",), killed=(1, None), query="market",
                   bbox=(30.0, 30.0, 40.0, 40.0), include_undated=False,
                   date_from=date(2017, 10, 10))
    checks = filter_checks(FRAME, view, CONTEXT)
    assert list(checks) == [n for n in FILTER_NAMES if n in checks]  # the page's order
    assert {"date", "governorate", "actor", "killed", "search", "map bounds"} <= set(checks)
    for skip in ((), ("date",), ("map bounds",), ("actor", "killed"), ("search",)):
        expected = apply_view(FRAME, view, CONTEXT, skip=set(skip))
        combined = combine_checks(checks, len(FRAME), skip)
        assert combined.mask.tolist() == expected.mask.tolist()
        assert combined.hidden_by == expected.hidden_by
        assert not set(skip) & set(filter_checks(FRAME, view, CONTEXT, skip=set(skip)))


def test_a_search_term_met_again_is_answered_from_what_was_kept():
    from geo.view.search import TermHits

    hits = TermHits(max_terms=2)
    context = FilterContext(AREAS, CONTEXT.place_spellings, hits)
    first = apply_view(FRAME, replace(ALL, query="market"), context).mask
    assert len(hits._hits) == 1
    calls = []
    term = next(iter(hits._hits))
    again = hits.get(FRAME, term, lambda: calls.append(1) or np.zeros(len(FRAME), bool))
    assert calls == [] and again.tolist() == first.tolist()
    both = apply_view(FRAME, replace(ALL, query="market coalition"), context).mask
    assert both.tolist() == apply_view(FRAME, replace(ALL, query="market coalition"),
                                       CONTEXT).mask.tolist()
    apply_view(FRAME, replace(ALL, query="SDF"), context)
    assert len(hits._hits) == 2  # the oldest dropped
    other = FRAME.iloc[::-1].reset_index(drop=True)  # another frame: its own answers
    reversed_hits = apply_view(other, replace(ALL, query="market"), context).mask
    assert reversed_hits.tolist() == first[::-1].tolist()


def test_points_just_outside_an_area_join_it_and_far_ones_do_not():
    """The nearest join within the edge tolerance (5 km) only for points within reach;
    records sharing a point get its areas (each distinct point joined once)."""
    import pandas as pd

    # x = 42 is the eastern edge; 0.03 degrees of longitude there is about 3 km
    lons = [42.03, 42.03, 43.5, 39.5, 37.96, 41.0]
    lats = [35.0, 35.0, 35.0, 35.5, 35.5, 33.97]
    frame = pd.DataFrame({"latitude": lats, "longitude": lons,
                          "geo_precision": pd.array([1] * 6, dtype="Int64"),
                          "admin1": [""] * 6})
    got = AREAS.assign(frame)
    assert got["adm1_pcode"].tolist() == ["XX02", "XX02", "", "XX01", "XX01", "XX02"]
    assert got["adm2_pcode"].tolist() == ["XX0201", "XX0201", "", "XX0101", "XX0101",
                                          "XX0201"]


# --- a place search: at the place, or only in the text ------------------------------------

MENTIONS = build_incident_frame(incidents(
    row(id="at", date_start="2017-10-14", place="Raqqa town", latitude="35.95",
        longitude="39.01", geo_precision="1"),
    row(id="mentions", date_start="2017-10-15", place="Dayr az Zawr", latitude="35.33",
        longitude="40.14", geo_precision="1", description="Clashes in the Raqqa countryside"),
    row(id="other", date_start="2017-10-16", place="Dayr az Zawr", latitude="35.33",
        longitude="40.14", geo_precision="1", description="Shelling"),
), StubGeocoder(), AREAS)


def test_a_place_search_can_leave_out_incidents_that_only_mention_the_place():
    # trial of issue 14: "Manbij" pulled in incidents far away whose headline said
    # "Manbij countryside"; "only at the place" leaves them out
    from geo.geocoding.gazetteer import Place
    from geo.geocoding.geocoder import Geocoder
    from geo.view.spellings import search_spellings

    raqqa = Place("t:raqqa", "Ar Raqqah", ("Raqqa",), 35.95, 39.01, "city", "SY", "", 1)
    context = FilterContext(AREAS, search_spellings(Geocoder([raqqa]), ("SY",)))

    def found(**changes):
        result = apply_view(MENTIONS, replace(ALL, **changes), context)
        return sorted(MENTIONS.loc[result.mask, "id"])

    assert found(query="Raqqa") == ["at", "mentions"]
    assert found(query="Raqqa", place_only=True) == ["at"]
    # a word that names no place still matches text, place only or not
    assert parse_query("countryside", AREAS, context.place_spellings)[0].names_place is False
    assert found(query="countryside", place_only=True) == ["mentions"]
