"""Write the shipped copy of Syria's admin boundaries (governorates, districts) to data/admin.

Source: OCHA / UN Cartographic Section common operational dataset (HDX, boundaries dated
2016-09-05, CC BY 3.0 IGO), read from ``../shared/data/syr_admin``. The borders are
simplified as a coverage (shared edges stay shared, no gaps or overlaps) and coordinates
are rounded to 4 decimals (about 10 m), which keeps the files small enough to ship and to
draw in a browser.

    .venv/bin/python scripts/make_admin_boundaries.py [--source DIR] [--tolerance DEG]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "syr_admin"
OUT = ROOT / "data" / "admin"
ATTRIBUTION = (
    "Syria admin boundaries: OCHA / UN Cartographic Section, common operational dataset "
    "(2016-09-05), via the Humanitarian Data Exchange, CC BY 3.0 IGO. Simplified."
)


def _standard(frame: gpd.GeoDataFrame, level: int) -> gpd.GeoDataFrame:
    parent = {1: ("ADM0_PCODE", "ADM0_EN", "ADM0_AR"), 2: ("ADM1_PCODE", "ADM1_EN", "ADM1_AR")}
    pcode, name_en, name_ar = parent[level]
    out = gpd.GeoDataFrame(
        {
            "level": level,
            "pcode": frame["PCODE"],
            "name_en": frame["NAME_EN"],
            "name_ar": frame["NAME_AR"],
            "parent_pcode": frame[pcode],
            "parent_en": frame[name_en] if level > 1 else "Syria",
            "parent_ar": frame[name_ar] if level > 1 else "سوريا",
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    return out.to_crs("EPSG:4326")


def write_level(source: Path, level: int, tolerance: float) -> Path:
    """Simplify one admin level and write it as GeoJSON; return the path written."""
    frame = _standard(gpd.read_file(source / f"syr_admin{level}.shp"), level)
    frame["geometry"] = frame.geometry.simplify_coverage(tolerance)
    frame["geometry"] = shapely.set_precision(frame.geometry.make_valid().values, 1e-4)
    path = OUT / f"syr_admin{level}.geojson"
    OUT.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=4, RFC7946="YES")
    return path


def main() -> None:
    """Write data/admin/syr_admin1.geojson, syr_admin2.geojson and their attribution."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--tolerance", type=float, default=0.004)
    args = parser.parse_args()
    for level in (1, 2):
        path = write_level(args.source, level, args.tolerance)
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KiB)")
    (OUT / "ATTRIBUTION.json").write_text(
        json.dumps({"attribution": ATTRIBUTION, "license": "CC BY 3.0 IGO"}, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
