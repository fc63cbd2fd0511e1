"""The printable map image (geo/render/map_image.py)."""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from geo.render.map_image import (
    PAGE_INCHES,
    PNG_DPI,
    MapSheet,
    describe_params,
    map_image,
    scale_length,
)
from geo.vocab import CRS

SHEET = MapSheet("Incident map", ["Dates: 2017-10-01 to 2017-10-31"],
                 "http://localhost/?d=2017-10-01&d=2017-10-31", ["Boundaries: test"])


def _incidents(*points: tuple[float, float, str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "latitude": [p[0] for p in points],
            "longitude": [p[1] for p in points],
            "event_type": [p[2] for p in points],
            "geo_precision": pd.array([p[3] for p in points], dtype="Int64"),
            "off_map": [""] * len(points),
            **{c: pd.array([5] * len(points), dtype="Int64") for c in (
                "killed_min", "killed_max", "injured_min", "injured_max",
                "casualties_min", "casualties_max")},
        }
    )


AREAS = [gpd.GeoDataFrame({"name_en": ["A", "B"]},
                          geometry=[box(38, 35, 39, 36), box(39, 35, 40, 36)], crs=CRS)]


def test_png_is_one_landscape_page_and_shows_the_incidents():
    empty = map_image(_incidents(), SHEET, areas=AREAS, fmt="png")
    drawn = map_image(_incidents((35.5, 38.5, "airstrike", 1), (35.6, 39.5, "shelling", 2)),
                      SHEET, areas=AREAS, fmt="png")
    image = Image.open(io.BytesIO(drawn))
    assert image.format == "PNG"
    assert image.size == (int(PAGE_INCHES[0] * PNG_DPI), int(PAGE_INCHES[1] * PNG_DPI))
    assert drawn != empty


def test_pdf_is_a_pdf():
    out = map_image(_incidents((35.5, 38.5, "airstrike", 3)), SHEET, areas=AREAS, fmt="pdf",
                    bounds=(38.0, 35.0, 40.0, 36.0), drawn=box(38.2, 35.2, 38.8, 35.8))
    assert out.startswith(b"%PDF")


def test_incidents_outside_the_bounds_are_left_out():
    inside = _incidents((35.5, 38.5, "airstrike", 1))
    both = pd.concat([inside, _incidents((35.5, 39.9, "airstrike", 1))], ignore_index=True)
    bounds = (38.0, 35.0, 39.0, 36.0)
    # The point outside the bounds changes only the footer's count line, not the map.
    a = map_image(inside, MapSheet("t"), bounds=bounds)
    b = map_image(both, MapSheet("t"), bounds=bounds)
    assert a != b


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        map_image(_incidents(), SHEET, fmt="svg")  # type: ignore[arg-type]


@pytest.mark.parametrize(("width", "expected"), [
    (1_000_000, 200_000), (430_000, 50_000), (12_000, 2_000), (60, 10), (13_000, 2_500)])
def test_scale_length_is_round_and_near_a_fifth(width, expected):
    assert scale_length(width) == expected


def test_describe_params_labels_and_hides():
    lines = describe_params({"type": ["airstrike", "shelling"], "q": "raqqa", "v": "abcd1234",
                             "admin1": ["SY07"]},
                            {"type": "event type", "q": "search", "v": ""})
    assert lines == ["event type: airstrike, shelling", "search: raqqa", "admin1: SY07"]


def test_the_incidents_credit_names_who_reports_them_most_first():
    from geo.render.map_image import incidents_credit

    assert incidents_credit(["SOHR", "UCDP GED", "UCDP GED", ""]) == "Incidents: UCDP GED, SOHR"
    assert incidents_credit(["a", "b", "c", "d"], most=2) == "Incidents: a, b and 2 other sources"
    assert incidents_credit(["a", "b", "c"], most=2) == "Incidents: a, b and 1 other source"
    assert incidents_credit(["", ""]) == "Incidents: sources not recorded"
