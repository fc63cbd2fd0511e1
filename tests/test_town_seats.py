"""The town of each governorate the basemap names first at country zoom."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.render.town_seats import governorate_seats


def test_the_most_populous_town_of_each_area_is_its_seat_a_coastal_one_included(tmp_path):
    areas = tmp_path / "admin1.geojson"
    gpd.GeoDataFrame({"name": ["West", "East"]},
                     geometry=[box(35.9, 34.0, 37.0, 35.0), box(37.0, 34.0, 38.0, 35.0)],
                     crs=4326).to_file(areas)
    towns = pd.DataFrame({
        "name": ["Coast", "Inland", "Big East", "Small East", "Far"],
        # Coast lies 2 km west of the simplified West polygon (Tartus); Far, 50 km out
        "lat": [34.5, 34.6, 34.5, 34.7, 34.5],
        "lon": [35.88, 36.5, 37.5, 37.6, 35.4],
        "pop": [450_000, 60_000, 90_000, 30_000, 900_000],
    })
    assert governorate_seats(towns, areas).tolist() == [True, False, True, False, False]
    assert not governorate_seats(towns, tmp_path / "absent.geojson").any()
    assert not governorate_seats(towns, None).any()
