"""The geocoding review queue, candidate rows and the review map layer."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.review import candidate_table, narrow_queue, review_queue
from geo.render.review_maps import candidate_layer, candidate_view


def _incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "place": ["Tanf", "Tanf", "Nowhere", "Raqqah"],
            "country": ["SY", "SY", "SY", "SY"],
            "admin1": ["", "", "", ""],
            "geocode_status": ["ambiguous", "ambiguous", "unresolved", "resolved"],
        }
    )


def test_queue_counts_incidents_per_name_most_used_first():
    queue = review_queue(_incidents())
    assert queue["name"].tolist() == ["Tanf", "Nowhere"]
    assert queue["incidents"].tolist() == [2, 1]
    assert queue.loc[0, "ids"] == ["a", "b"]
    assert queue.loc[0, "status"] == "ambiguous"


def test_queue_can_list_resolved_names_after_the_others():
    queue = review_queue(_incidents(), include_resolved=True)
    assert queue["name"].tolist() == ["Tanf", "Nowhere", "Raqqah"]


def test_empty_queue_has_its_columns():
    frame = _incidents().assign(geocode_status="resolved")
    assert review_queue(frame).empty
    assert "incidents" in review_queue(frame).columns


def test_candidates_become_rows_and_markers_with_escaped_labels():
    places = [
        Place("local:x", "<b>Tanf</b>", (), 33.5, 38.6, "garrison", "SY", "Rif Dimashq", 1),
        Place("local:y", "Tanf crossing", (), 33.43, 38.94, "crossing", "IQ", "Anbar", 1),
    ]
    result = GeocodeResult("Tanf", "ambiguous", (Candidate(places[0], 0.5),
                                                  Candidate(places[1], 0.45)))
    table = candidate_table(result)
    assert table["rank"].tolist() == [1, 2]
    assert table["gazetteer_id"].tolist() == ["local:x", "local:y"]
    assert table.loc[0, "precision"] == "site or town"
    layer = candidate_layer(table, pin=(33.3, 38.7))
    import folium

    fmap = folium.Map()
    layer.add_to(fmap)
    html = fmap.get_root().render()
    assert "&lt;b&gt;Tanf&lt;/b&gt;" in html and "<b>Tanf</b>" not in html
    (lat, lon), zoom = candidate_view(table, pin=(33.3, 38.7))
    assert 33.3 <= lat <= 33.5 and 38.6 <= lon <= 38.94
    assert 1 <= zoom <= 11


def test_view_without_candidates_is_the_region():
    empty = candidate_table(GeocodeResult("x", "unresolved"))
    assert candidate_view(empty) == ((34.8, 38.9), 5)


def test_prefixes_of_a_categorical_column_are_those_of_its_text():
    from geo.geocoding.review import starts_with

    values = pd.Series(["local:a", "", None, "geonames:1", "given", "local:b", "area:x"])
    prefixes = ("local:", "area:")
    plain = starts_with(values, prefixes)
    assert plain.tolist() == [True, False, False, False, False, True, True]
    assert starts_with(values.astype("category"), prefixes).tolist() == plain.tolist()
    assert starts_with(values.astype("category").iloc[:0], prefixes).tolist() == []


def test_view_opens_on_the_governorate_the_context_names():
    # trial of issue 14: "Sheikh Maqsoud (Aleppo)" without a candidate opened on the
    # whole Middle East; it opens on Aleppo governorate, and on a candidate and the
    # governorate when the candidate lies outside it
    import geopandas as gpd
    from shapely.geometry import box

    from geo.geocoding.areas import AdminAreas
    from geo.render.review_maps import area_bounds

    areas = AdminAreas([gpd.GeoDataFrame(
        {"level": [1, 1], "pcode": ["SY02", "SY11"], "name_en": ["Aleppo", "Ar-Raqqa"],
         "name_ar": ["حلب", "الرقة"], "parent_pcode": ["SY", "SY"],
         "parent_en": ["Syria", "Syria"], "parent_ar": ["", ""]},
        geometry=[box(36.5, 35.4, 38.7, 36.9), box(38.7, 35.0, 40.0, 36.7)], crs="EPSG:4326")])
    aleppo = area_bounds(areas, "Aleppo governorate", "SY")
    assert aleppo == (36.5, 35.4, 38.7, 36.9)
    assert area_bounds(areas, "Atlantis", "SY") is None
    empty = candidate_table(GeocodeResult("Sheikh Maqsoud", "unresolved"))
    (lat, lon), zoom = candidate_view(empty, area=aleppo)
    assert 35.4 < lat < 36.9 and 36.5 < lon < 38.7 and zoom >= 7
    inside = pd.DataFrame({"latitude": [36.23], "longitude": [37.16]})
    assert candidate_view(inside, area=aleppo) == candidate_view(inside)  # on the candidate
    far = pd.DataFrame({"latitude": [33.5], "longitude": [36.3]})  # Damascus
    (lat, lon), zoom = candidate_view(far, area=aleppo)
    assert 33.5 < lat < 36.9 and zoom < candidate_view(far)[1]


def test_a_long_queue_keeps_the_most_used_names_or_those_typed():
    queue = pd.DataFrame({
        "name": ["Beta", "Alpha", "Gamma", "Alpha", "Delta"],
        "incidents": [5, 2, 1, 2, 5],
    })
    kept, n = narrow_queue(queue, "", 2)
    assert n == 4 and sorted(kept["name"]) == ["Beta", "Delta"]  # 5 each; Alpha has 4
    kept, n = narrow_queue(queue, "", 3)
    assert list(kept["name"]) == ["Beta", "Alpha", "Alpha", "Delta"]  # every row of a name
    kept, n = narrow_queue(queue, "ALP", 1)
    assert n == 1 and list(kept["name"]) == ["Alpha", "Alpha"]
    kept, n = narrow_queue(queue, "zz", 1)
    assert n == 0 and kept.empty
    assert narrow_queue(queue.iloc[:0], "a", 1)[1] == 0
