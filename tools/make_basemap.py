"""Build optimizer/data/basemap-caucasus.geojson from Natural Earth (public domain).

The map of the results workbook and of the web page draws coastlines, lakes and country
borders from this file. It is made once, at development time, from three Natural Earth
layers as GeoJSON (github.com/martynafford/natural-earth-geojson, CC0, itself converted
from naturalearthdata.com 5.x):

    50m/physical/ne_50m_coastline.json      (the Caspian and Black Sea shores are here)
    50m/physical/ne_50m_lakes.json
    10m/cultural/ne_10m_admin_0_boundary_lines_land.json

Clipped to the region below (the South Caucasus, the Caspian and its neighbours, east
Anatolia), simplified to 0.01 degrees (about 1 km) and rounded to 3 decimals, so the file
stays small. Needs shapely, only here (not a dependency of chainopt):

    uv run --with shapely python tools/make_basemap.py /path/to/natural-earth-geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import box, mapping, shape

REGION = (25.0, 34.0, 62.0, 48.0)  # lon min, lat min, lon max, lat max
LAYERS = {
    "coastline": "50m/physical/ne_50m_coastline.json",
    "lake": "50m/physical/ne_50m_lakes.json",
    "border": "10m/cultural/ne_10m_admin_0_boundary_lines_land.json",
}
OUT = Path(__file__).resolve().parent.parent / "optimizer" / "data" / "basemap-caucasus.geojson"


def _round(obj: object) -> object:
    if isinstance(obj, float):
        return round(obj, 3)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def main(source: Path) -> None:
    clip = box(*REGION)
    features = []
    for kind, rel in LAYERS.items():
        data = json.loads((source / rel).read_text(encoding="utf-8"))
        for feature in data["features"]:
            geom = shape(feature["geometry"])
            if kind == "lake":
                geom = geom.boundary  # lakes drawn as shores
            geom = geom.intersection(clip).simplify(0.01)
            if geom.is_empty:
                continue
            features.append({"type": "Feature", "properties": {"kind": kind},
                             "geometry": {**mapping(geom),
                                          "coordinates": _round(mapping(geom)["coordinates"])}})
    doc = {"type": "FeatureCollection",
           "name": "chainopt basemap: South Caucasus and the Caspian",
           "bbox": list(REGION),
           "source": "Natural Earth 1:50m coastline and lakes, 1:10m admin-0 land boundaries; "
                     "public domain (naturalearthdata.com)",
           "features": features}
    OUT.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(features)} features, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
