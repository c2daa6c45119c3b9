"""The partition map: a PNG with governorate outlines, points coloured by type and sized by deaths."""
from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from matplotlib.image import imread
from shapely.geometry import Polygon, box

from etl_project import warehouse
from etl_project.config import PROJECT_ROOT
from etl_project.maps import (
    DPI, EVENT_COLOURS, FIGSIZE, SYRIA_OUTLINE, governorate_outlines, map_markdown, partition_events, render_events_map,
)
from tests.conftest import run_partition, write_jsonl
from tests.test_exports import event, make_warehouse

GAZETTEER = PROJECT_ROOT.parent / "shared" / "gazetteer"
MAX_BYTES = 300_000
DAY = date(2024, 5, 1)
PLACES = [(35.33, 40.14), (36.20, 37.17), (33.50, 36.28), (32.80, 36.60), (35.95, 39.00), (36.50, 40.75)]


def frame(fatalities: list[int], types: list[str] | None = None) -> pl.DataFrame:
    types = types or list(EVENT_COLOURS)
    n = len(fatalities)
    return pl.DataFrame({
        "event_date": [DAY] * n, "event_type": types[:n],
        "latitude": [p[0] for p in PLACES[:n]], "longitude": [p[1] for p in PLACES[:n]], "fatalities": fatalities,
    })


def pixels(png: Path) -> np.ndarray:
    image = imread(png)
    return np.rint(image[..., :3] * 255).astype(int)


def count_colour(image: np.ndarray, hex_colour: str, tolerance: int = 10) -> int:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())


def test_map_is_a_png_of_the_expected_size_with_every_event_type_drawn(tmp_path):
    out = render_events_map(frame([30] * 6), None, tmp_path / "m.png")
    assert out == tmp_path / "m.png" and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = pixels(out)
    assert image.shape[:2] == (int(FIGSIZE[1] * DPI), int(FIGSIZE[0] * DPI))
    assert out.stat().st_size < MAX_BYTES
    for event_type, colour in EVENT_COLOURS.items():
        # a legend swatch alone is about 60 pixels; a point for 30 deaths adds about 200
        assert count_colour(image, colour) > 180, event_type


def test_points_grow_with_fatalities(tmp_path):
    image = pixels(render_events_map(frame([100, 0], ["battle", "protest"]), None, tmp_path / "m.png"))
    big, small = count_colour(image, EVENT_COLOURS["battle"]), count_colour(image, EVENT_COLOURS["protest"])
    assert big > 600 and big > 8 * small and small > 0


def test_a_partition_without_events_still_gets_a_map(tmp_path):
    empty = pl.DataFrame(schema={"event_date": pl.Date, "event_type": pl.String, "latitude": pl.Float64,
                                 "longitude": pl.Float64, "fatalities": pl.Int32})
    image = pixels(render_events_map(empty, None, tmp_path / "m.png", title_date=DAY))
    assert all(count_colour(image, c) == 0 for c in EVENT_COLOURS.values())
    # the outline was drawn (grey strokes)
    assert count_colour(image, "#8a8a8a", tolerance=30) > 300


def test_events_without_coordinates_are_left_out(tmp_path):
    events = frame([5, 5], ["battle", "riot"]).with_columns(
        pl.when(pl.col("event_type") == "riot").then(None).otherwise(pl.col("latitude")).alias("latitude"))
    image = pixels(render_events_map(events, None, tmp_path / "m.png"))
    assert count_colour(image, EVENT_COLOURS["battle"]) > 0
    assert count_colour(image, EVENT_COLOURS["riot"]) == 0


def test_outlines_may_be_geojson_or_shapely(tmp_path):
    square = box(36, 33, 38, 35)
    geojson = {"type": "FeatureCollection",
               "features": [{"type": "Feature", "properties": {}, "geometry": square.__geo_interface__}]}
    for i, outlines in enumerate([geojson, [square], square, Polygon(SYRIA_OUTLINE)]):
        out = render_events_map(frame([1]), outlines, tmp_path / f"m{i}.png")
        assert count_colour(pixels(out), EVENT_COLOURS["battle"]) > 0


@pytest.mark.skipif(not (GAZETTEER / "whosonfirst-data-admin-sy.tar.gz").exists(), reason="no WOF archive beside the checkout")
def test_governorate_outlines_come_from_the_wof_archive(tmp_path):
    outlines = governorate_outlines(GAZETTEER)
    features = outlines["features"]
    assert len(features) >= 14
    names = {f["properties"]["name"] for f in features}
    assert {"Aleppo", "Damascus", "Idlib"} <= names
    syria = box(35.5, 32.2, 42.5, 37.4)
    from shapely.geometry import shape

    for f in features:
        geom = shape(f["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon") and syria.contains(geom.centroid)
    out = render_events_map(frame([3] * 6), outlines, tmp_path / "m.png")
    assert out.stat().st_size < MAX_BYTES
    assert governorate_outlines(tmp_path) is None and governorate_outlines(None) is None


def test_map_markdown_embeds_the_png_as_a_data_uri(tmp_path):
    png = render_events_map(frame([2] * 6), None, tmp_path / "m.png")
    md = map_markdown(png)
    prefix = "![map of the partition's events](data:image/png;base64,"
    assert md.startswith(prefix) and md.endswith(")")
    assert base64.b64decode(md[len(prefix):-1]) == png.read_bytes()
    assert len(md) < MAX_BYTES


def test_partition_events_are_those_reported_by_the_partitions_articles(tmp_path):
    db = make_warehouse(tmp_path / "w.duckdb", [event("a"), event("b", event_date=date(2024, 5, 2)), event("c")])
    with warehouse.connect(db, read_only=True) as con:
        events = partition_events(con, date(2024, 5, 1))
    assert events["event_id"].to_list() == ["a", "c"]
    assert {"latitude", "longitude", "event_type", "fatalities", "event_date"} <= set(events.columns)


def test_the_events_materialisation_carries_the_map(project_env):
    pytest.importorskip("etl_project.extractor", reason="the extractor module is not in this tree yet")
    from tests.test_pipeline import SEED_ARTICLES

    day = "2025-11-12"
    write_jsonl(project_env.seeds_dir / "articles.jsonl", [a for a in SEED_ARTICLES if a["published"] == day])
    result = run_partition(project_env, day)
    [mat] = [m for m in result.get_asset_materialization_events()
             if m.asset_key.path == ["warehouse", "events"]]
    metadata = mat.materialization.metadata
    md = metadata["map"].value
    assert md.startswith("![map of the partition's events](data:image/png;base64,") and len(md) < MAX_BYTES
    png = Path(metadata["map_path"].value)
    assert png.name == f"events_{day}.png" and png.exists() and png.stat().st_size < MAX_BYTES
    image = pixels(png)
    assert sum(count_colour(image, c) for c in EVENT_COLOURS.values()) > 0
