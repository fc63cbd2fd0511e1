"""Copy the browser assets installed by npm into ./static/vendor, served at /app/static."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: npm package directory -> folder under static/vendor
ASSETS = {
    "leaflet/dist": "leaflet",
    "leaflet-draw/dist": "leaflet-draw",
    "world-atlas": "world-atlas",  # Natural Earth borders (TopoJSON) for the offline basemap
    "topojson-client/dist": "topojson-client",
}
#: Files never served: source maps, unminified sources, the 10m atlas (too big to draw).
IGNORE = ("*.map", "*-src.*", "*-10m.json", "package.json", "README.md")


def main() -> None:
    """Copy each asset folder, replacing what was there."""
    for source, target in ASSETS.items():
        src = ROOT / "node_modules" / source
        dst = ROOT / "static" / "vendor" / target
        if not src.is_dir():
            raise SystemExit(f"missing {src}: run npm ci first")
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*IGNORE))
        print(f"[setup] {source} -> static/vendor/{target}")


if __name__ == "__main__":
    main()
