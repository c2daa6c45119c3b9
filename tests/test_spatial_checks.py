""""Inside Syria" is Syria's outline, not its bounding box (issue 16): the gazetteer's and the warehouse's checks,
evaluated by Dagster on real frames and real warehouses (a DuckDB file and a DuckLake)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from dagster import AssetCheckSpec, MaterializeResult, asset, materialize

from etl_project import warehouse
from etl_project.checks.gazetteer_checks import GAZETTEER_CHECKS, gazetteer_check_results
from etl_project.checks.warehouse_checks import EVENT_CHECKS, EVENTS, event_check_results
from etl_project.geo.builtin import builtin_places
from etl_project.geo.gazetteer import in_syria_bbox, places_frame
from etl_project.geo.outline import inside_syria
from tests.test_warehouse import article, frames, mention

SYRIAN = {"Damascus": (33.5158, 36.2815), "Aleppo": (36.2037, 37.1726), "Qamishli": (37.0521, 41.2314),
          "Al-Bukamal": (34.4500, 40.9186), "Daraa": (32.6189, 36.1021)}
# inside the old bounding box, outside Syria
ABROAD = {"Tripoli (Lebanon)": (34.43, 35.84), "Hatay (Turkey)": (36.2, 36.16), "Irbid (Jordan)": (32.55, 35.85),
          "Baalbek (Bekaa, Lebanon)": (34.0058, 36.2181)}
DAY_HOME, DAY_ABROAD = date(2025, 11, 10), date(2025, 11, 11)


def test_the_outline_keeps_syrian_towns_and_drops_their_neighbours_the_bounding_box_kept():
    assert all(in_syria_bbox(lat, lon) for lat, lon in ABROAD.values())
    home = inside_syria([p[0] for p in SYRIAN.values()], [p[1] for p in SYRIAN.values()])
    abroad = inside_syria([p[0] for p in ABROAD.values()], [p[1] for p in ABROAD.values()])
    assert dict(zip(SYRIAN, home.tolist())) == dict.fromkeys(SYRIAN, True)
    assert dict(zip(ABROAD, abroad.tolist())) == dict.fromkeys(ABROAD, False)
    assert inside_syria([None, 33.5], [36.3, None]).tolist() == [False, False]  # no coordinates: not inside


def test_every_place_of_the_offline_gazetteer_is_inside_the_outline():
    places = builtin_places()
    assert inside_syria([p.latitude for p in places], [p.longitude for p in places]).all()


def _evaluate(asset_def) -> dict:
    result = materialize([asset_def])
    assert result.success
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _places_asset(frame: pl.DataFrame):
    @asset(key="places", check_specs=[AssetCheckSpec(n, asset="places") for n in GAZETTEER_CHECKS])
    def places():
        return MaterializeResult(check_results=gazetteer_check_results(frame))

    return places


def test_places_check_fails_on_a_place_in_the_bbox_outside_syria():
    frame = places_frame(builtin_places())
    assert _evaluate(_places_asset(frame))["places_inside_syria"].passed
    foreign = frame.head(len(ABROAD)).with_columns(
        pl.Series("gazetteer_id", [f"abroad-{i}" for i in range(len(ABROAD))]),
        pl.Series("latitude", [p[0] for p in ABROAD.values()]),
        pl.Series("longitude", [p[1] for p in ABROAD.values()]))
    check = _evaluate(_places_asset(pl.concat([frame, foreign])))["places_inside_syria"]
    assert not check.passed and check.metadata["outside"].value == len(ABROAD)
    assert "outline" in GAZETTEER_CHECKS["places_inside_syria"]


def _load(target, day: date, points: dict) -> None:
    mentions = [mention(f"m-{day}-{i}", f"a-{day}", day=day, event_date=day, lat=lat, lon=lon, place=name, gid=f"g-{i}")
                for i, (name, (lat, lon)) in enumerate(points.items())]
    a, m, q = frames([article(f"a-{day}", day=day, n=len(mentions))], mentions)
    with warehouse.connect(target) as con:
        warehouse.write_partition(con, day, a, m, q, "v1", run_id="r")


def _events_asset(target, day: date):
    @asset(key=EVENTS, check_specs=[AssetCheckSpec(n, asset=EVENTS) for n in EVENT_CHECKS])
    def events():
        with warehouse.connect(target) as con:
            return MaterializeResult(check_results=event_check_results(con, day))

    return events


@pytest.fixture(params=["file", "ducklake"])
def target(request, tmp_path):
    return tmp_path / "events.duckdb" if request.param == "file" else f"ducklake:{tmp_path / 'lake.ducklake'}"


def test_coordinates_check_passes_syrian_towns_and_fails_neighbours(target):
    _load(target, DAY_HOME, SYRIAN)
    _load(target, DAY_ABROAD, ABROAD)
    home = _evaluate(_events_asset(target, DAY_HOME))["coordinates_in_syria"]
    assert home.passed and home.metadata["events"].value == len(SYRIAN) and home.metadata["outside"].value == 0
    abroad = _evaluate(_events_asset(target, DAY_ABROAD))["coordinates_in_syria"]
    assert not abroad.passed and abroad.metadata["outside"].value == len(ABROAD)
    assert "outline" in abroad.metadata["outline"].value


def test_the_shipped_outline_is_the_one_the_gazetteer_builds(tmp_path):
    from etl_project.geo.gazetteer import has_gazetteer
    from etl_project.geo.outline import OUTLINE_FILE, write_outline
    from tests.conftest import SHARED

    if not has_gazetteer(SHARED / "gazetteer"):
        pytest.skip(f"no Who's On First gazetteer in {SHARED / 'gazetteer'}")
    built = write_outline(SHARED / "gazetteer", tmp_path / "outline.wkt")
    assert built.read_text(encoding="utf-8") == OUTLINE_FILE.read_text(encoding="utf-8")
