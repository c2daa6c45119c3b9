"""Syria's outline: the test of "inside Syria" for the gazetteer's places and the warehouse's events.

The outline ships with the package (`geo/data/syria_outline.wkt`, about 8 kB), so the checks test the country's
shape, not its bounding box, with the offline gazetteer too. It is derived from Who's On First, and only from
geometries that are CC0 (see the README's Gazetteer section for the attribution):

* the 14 governorates (WOF `region` records whose geometry comes from Mesoshapes, `src:geom = meso`, CC0), their
  union taken without its inner rings (slivers where two governorates' edges do not meet);
* WOF's own country polygon (`src:geom = whosonfirst`, CC0), for what the governorates leave out: Arwad island.

Region records from other sources are left out on purpose (the UNDOF zone's polygon is Quattroshapes, CC BY, and
lies inside Quneitra's anyway). The union is simplified to 0.005° (about 500 m) and then widened by MARGIN_KM, so
a town on the border (Qamishli, Al-Bukamal) is inside while one across it (Tripoli, Antakya, Irbid, Al-Qaim) is not.
The Golan is inside: it is part of Quneitra governorate in the governorate polygons.

Rebuild it from the gazetteer with `python -m etl_project.geo.outline "$ETL_GAZETTEER_DIR"`.
No Dagster or DuckDB here: this is used by the checks, and the geocoder's package must not pull either in.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

OUTLINE_FILE = Path(__file__).parent / "data" / "syria_outline.wkt"
SIMPLIFY_DEG = 0.005
MARGIN_KM = 1.0
KM_PER_DEGREE = 111.2
CC0_SOURCES = {"region": "meso", "country": "whosonfirst"}
DESCRIPTION = (f"Syria's outline (the union of the governorate polygons of Who's On First, simplified to "
               f"{SIMPLIFY_DEG:g}° and widened by {MARGIN_KM:g} km), shipped in the package")


def build_outline(gazetteer_dir: Path):
    """The outline from the WOF archive (or unpacked tree) in `gazetteer_dir`: a shapely Polygon/MultiPolygon."""
    from shapely.geometry import Polygon, shape
    from shapely.ops import unary_union

    from etl_project.geo.gazetteer import _is_current, _iter_wof_features

    parts = []
    for feat in _iter_wof_features(Path(gazetteer_dir)):
        props = feat.get("properties") or {}
        kind = props.get("wof:placetype")
        geom = feat.get("geometry") or {}
        if (kind in CC0_SOURCES and props.get("src:geom") == CC0_SOURCES[kind] and _is_current(props)
                and geom.get("type") in ("Polygon", "MultiPolygon")):
            parts.append(shape(geom))
    if not parts:
        raise ValueError(f"no governorate polygons from Who's On First in {gazetteer_dir}")
    union = unary_union(parts)
    pieces = getattr(union, "geoms", [union])
    solid = unary_union([Polygon(p.exterior) for p in pieces])  # without the slivers between governorates
    return solid.simplify(SIMPLIFY_DEG, preserve_topology=True).buffer(MARGIN_KM / KM_PER_DEGREE, quad_segs=2)


def write_outline(gazetteer_dir: Path, target: Path = OUTLINE_FILE) -> Path:
    import shapely

    target.write_text(shapely.to_wkt(build_outline(gazetteer_dir), rounding_precision=4) + "\n", encoding="utf-8")
    return target


@lru_cache(maxsize=1)
def outline_wkt() -> str:
    """The shipped outline as WKT, longitude first (x = longitude, y = latitude)."""
    return OUTLINE_FILE.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def syria_outline():
    import shapely

    geom = shapely.from_wkt(outline_wkt())
    shapely.prepare(geom)
    return geom


def inside_syria(latitudes, longitudes):
    """For each point, whether it lies inside the outline (a numpy bool array; a missing coordinate is outside)."""
    import numpy as np
    import shapely

    lat = np.asarray(latitudes, dtype=float)
    lon = np.asarray(longitudes, dtype=float)
    return shapely.contains_xy(syria_outline(), lon, lat) & ~(np.isnan(lat) | np.isnan(lon))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m etl_project.geo.outline GAZETTEER_DIR")
    print(write_outline(Path(sys.argv[1])))
