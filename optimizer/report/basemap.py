"""Coastlines, lake shores and country borders to draw under a map of the plan.

From Natural Earth (public domain), clipped to the South Caucasus and the Caspian region
and shipped in the package (optimizer/data/basemap-caucasus.geojson, made by
tools/make_basemap.py; see optimizer/data/README.md). The results workbook's map
(optimizer/report/figures.py) and the web pages (optimizer/web/) draw the same paths.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

BASEMAP = Path(__file__).resolve().parent.parent / "data" / "basemap-caucasus.geojson"
KINDS = ("coastline", "lake", "border")
Path2 = list[tuple[float, float]]  # (longitude, latitude) points


@lru_cache(maxsize=1)
def _paths() -> tuple[tuple[float, float, float, float], dict[str, list[Path2]]]:
    doc = json.loads(BASEMAP.read_text(encoding="utf-8"))
    out: dict[str, list[Path2]] = {k: [] for k in KINDS}
    for feature in doc["features"]:
        kind = feature["properties"]["kind"]
        geom = feature["geometry"]
        parts = [geom["coordinates"]] if geom["type"] == "LineString" else \
            geom["coordinates"] if geom["type"] == "MultiLineString" else []
        for part in parts:
            if len(part) >= 2:
                out[kind].append([(float(x), float(y)) for x, y in part])
    lon0, lat0, lon1, lat1 = doc["bbox"]
    return (float(lon0), float(lat0), float(lon1), float(lat1)), out


def region() -> tuple[float, float, float, float]:
    """(lon min, lat min, lon max, lat max) the shipped data covers."""
    return _paths()[0]


def covers(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> bool:
    """True if any part of the box lies in the shipped region (else nothing to draw)."""
    a, b, c, d = region()
    return lon_max >= a and lon_min <= c and lat_max >= b and lat_min <= d


def paths(lon_min: float, lat_min: float, lon_max: float, lat_max: float,
          ) -> dict[str, list[Path2]]:
    """The paths of each kind whose extent meets the box (whole paths: the viewer crops
    them)."""
    out: dict[str, list[Path2]] = {}
    for kind, items in _paths()[1].items():
        out[kind] = [p for p in items
                     if min(x for x, _ in p) <= lon_max and max(x for x, _ in p) >= lon_min
                     and min(y for _, y in p) <= lat_max and max(y for _, y in p) >= lat_min]
    return out
