"""The source's governorate against the one its point falls in (geo/geocoding/area_conflict.py)
and the details that show both (trial of issue 14: UCDP's "Ar Raqqah" for Abu Allaj, whose
point falls in Aleppo › Menbij, was not shown anywhere)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.geocoding.areas import AdminAreas
from geo.geocoding.join import assign_areas
from geo.render.details import incident_markdown
from geo.vocab import CRS


def _areas() -> AdminAreas:
    level1 = gpd.GeoDataFrame(
        {"level": [1, 1], "pcode": ["SY02", "SY11"], "name_en": ["Aleppo", "Ar-Raqqa"],
         "name_ar": ["حلب", "الرقة"], "parent_pcode": ["SY", "SY"],
         "parent_en": ["Syria", "Syria"], "parent_ar": ["", ""]},
        geometry=[box(36.0, 35.0, 38.5, 37.0), box(38.5, 35.0, 40.0, 37.0)], crs=CRS)
    level2 = gpd.GeoDataFrame(
        {"level": [2, 2], "pcode": ["SY0205", "SY1100"], "name_en": ["Menbij", "Ar-Raqqa"],
         "name_ar": ["", ""], "parent_pcode": ["SY02", "SY11"],
         "parent_en": ["Aleppo", "Ar-Raqqa"], "parent_ar": ["", ""]},
        geometry=[box(36.0, 35.0, 38.5, 37.0), box(38.5, 35.0, 40.0, 37.0)], crs=CRS)
    return AdminAreas([level1, level2])


def _frame() -> pd.DataFrame:
    rows = [
        # Abu Allaj: UCDP's adm_1 is Ar Raqqah, the point is west of the line
        {"id": "abu-allaj", "latitude": 35.49, "longitude": 38.18, "geo_precision": 2,
         "admin1": "Ar Raqqah Governorate", "claimed_by": "UCDP GED", "event_type": "clashes"},
        {"id": "agrees", "latitude": 35.9, "longitude": 39.0, "geo_precision": 1,
         "admin1": "Ar Raqqah Governorate", "claimed_by": "UCDP GED", "event_type": "clashes"},
        {"id": "no-source-area", "latitude": 35.9, "longitude": 37.0, "geo_precision": 1,
         "admin1": "", "claimed_by": "ACLED", "event_type": "clashes"},
        {"id": "unknown-name", "latitude": 35.9, "longitude": 37.0, "geo_precision": 1,
         "admin1": "Atlantis", "claimed_by": "ACLED", "event_type": "clashes"},
        {"id": "no-point", "latitude": None, "longitude": None, "geo_precision": None,
         "admin1": "Aleppo", "claimed_by": "ACLED", "event_type": "clashes"},
    ]
    frame = pd.DataFrame(rows).astype({"geo_precision": "Int64"})
    return assign_areas(frame, _areas()).set_index("id")


def test_the_source_governorate_is_kept_where_it_disagrees_with_the_point():
    frame = _frame()
    assert frame.loc["abu-allaj", "source_area"] == "Ar Raqqah"
    for agreeing in ("agrees", "no-source-area", "unknown-name", "no-point"):
        assert frame.loc[agreeing, "source_area"] == "", agreeing


def test_details_give_the_point_s_areas_and_flag_the_disagreement():
    frame = _frame()
    text = incident_markdown(frame.loc["abu-allaj"].to_dict())
    assert "- **Area (where the point falls):** Aleppo › Menbij" in text
    assert ("- **Area disagreement:** UCDP GED says Ar Raqqah; the point falls in "
            "Aleppo › Menbij") in text
    agreeing = incident_markdown(frame.loc["agrees"].to_dict())
    assert "- **Area (where the point falls):** Ar\\-Raqqa" in agreeing
    assert "disagreement" not in agreeing
    # without a point there is no "where the point falls"
    assert "Area" not in incident_markdown(frame.loc["no-point"].to_dict())
