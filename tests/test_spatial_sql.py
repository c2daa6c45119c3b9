"""Distances in the warehouse's SQL (issue 16): the README's 20 km query as a shipped macro, on a warehouse the
pipeline built from seeds/, in every place an analyst runs it: `etl-project query`, a plain DuckDB session on the
published file (no extension loaded), and a DuckLake."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl_project import store, warehouse
from etl_project.cli import main
from etl_project.config import PROJECT_ROOT, load_settings
from etl_project.geo.gazetteer import haversine_km
from tests.conftest import SEEDS, km, read_jsonl, write_jsonl
from tests.test_lake import history, lake, postgres  # noqa: F401  (fixtures)

DAMASCUS, ALEPPO, DARAA = (33.5158, 36.2815), (36.2037, 37.1726), (32.6189, 36.1021)
PAIRS = [(DAMASCUS, ALEPPO), (DARAA, (37.0521, 41.2314)), ((34.45, 40.9186), (35.5317, 35.7901)), (DAMASCUS, DAMASCUS)]


def readme_query() -> str:
    """The README's 20 km query, exactly as written there."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^-- everything within 20 km.*?;$", readme, flags=re.S | re.M)
    assert found, "the README's 20 km query is gone"
    return found.group(0)


def test_the_distance_macro_is_duckdb_spatials_great_circle_distance():
    con = duckdb.connect()
    store.apply_schema(con)
    store.load_extension(con, "spatial")
    for (lat1, lon1), (lat2, lon2) in PAIRS:
        ours, spatial, swapped = con.execute(
            """SELECT distance_km(?1, ?2, ?3, ?4),
                      ST_Distance_Sphere(ST_Point(?1, ?2), ST_Point(?3, ?4)) / 1000,
                      ST_Distance_Sphere(ST_Point(?2, ?1), ST_Point(?4, ?3)) / 1000""",
            [lat1, lon1, lat2, lon2]).fetchone()
        assert ours == pytest.approx(spatial, abs=0.05)  # ST_Distance_Sphere takes ST_Point(latitude, longitude)
        assert ours == pytest.approx(haversine_km(lat1, lon1, lat2, lon2), abs=1e-6)
        if lat1 != lat2:
            assert abs(swapped - spatial) > 1  # ST_Point(longitude, latitude) there is another distance
    assert con.execute("SELECT distance_km(?, ?, ?, ?)", [*DAMASCUS, *ALEPPO]).fetchone()[0] == pytest.approx(310, abs=3)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Warehouses `etl-project run --all` built from seeds/, as the Quickstart does: (the settings of a file, of a
    local DuckLake)."""
    articles = read_jsonl(SEEDS / "articles.jsonl")
    built = []
    for name, target in (("file", "events.duckdb"), ("lake", "ducklake:{}/lake.ducklake")):
        root = tmp_path_factory.mktemp(name)
        with pytest.MonkeyPatch.context() as mp:
            (root / "dagster_home").mkdir()
            write_jsonl(root / "articles" / "articles.jsonl", articles)
            (root / "sources.yaml").write_text('jsonl: ["${ETL_SEEDS_DIR}"]\n', encoding="utf-8")
            mp.setenv("ETL_WAREHOUSE", target.format(root) if "{}" in target else str(root / target))
            for key, value in {"ETL_SEEDS_DIR": root / "articles", "ETL_SOURCES": root / "sources.yaml",
                               "DAGSTER_HOME": root / "dagster_home"}.items():
                mp.setenv(key, str(value))
            assert main(["run", "--all"]) == 0
            built.append(load_settings())
    return tuple(built)


def _expected(con) -> list[tuple]:
    """What the README's query should return, computed here in Python from v_events and places."""
    lat, lon = con.execute("""SELECT latitude, longitude FROM places WHERE name_en = 'Dara'
                              ORDER BY placetype = 'locality' DESC LIMIT 1""").fetchone()
    rows = con.execute("SELECT event_date, location, event_type, fatalities, latitude, longitude FROM v_events").fetchall()
    near = [(r[:4], km(lat, lon, r[4], r[5])) for r in rows if km(lat, lon, r[4], r[5]) <= 20]
    return sorted((*r, round(d, 1)) for r, d in near)


def test_the_readme_query_runs_as_written_on_the_seeds_warehouse(seeded):
    for settings in seeded:
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            expected = _expected(con)
            got = con.execute(readme_query()).fetchall()
        assert expected, "no seed event lies within 20 km of Daraa: the test would prove nothing"
        assert sorted(got) == expected
        assert [r[-1] for r in got] == sorted(r[-1] for r in got)  # nearest first


def test_the_readme_query_through_etl_project_query(seeded, monkeypatch, tmp_path):
    """The sandboxed `etl-project query` (no extension may be loaded there) runs it too, on the file and the lake."""
    for i, settings in enumerate(seeded):
        monkeypatch.setenv("ETL_WAREHOUSE", str(settings.warehouse_path))
        out = tmp_path / f"near_{i}.csv"
        assert main(["query", readme_query(), "--output", str(out)]) == 0
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            expected = _expected(con)
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].split(",") == ["event_date", "location", "event_type", "fatalities", "km"]
        assert [float(line.rsplit(",", 1)[1]) for line in lines[1:]] == sorted(r[-1] for r in expected)
        # the sandbox reads the lake's own Parquet files (it read none before) and still no other file
        other = Path(str(settings.warehouse_path).removeprefix("ducklake:")).parent / "sources.yaml"
        assert other.exists() and main(["query", f"SELECT * FROM read_text('{other}')"]) == 2


PLAIN_SESSION = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True,
                     config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
rows = con.execute(sys.argv[2]).fetchall()
loaded = con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded AND extension_name = 'spatial'").fetchall()
print(json.dumps({"rows": len(rows), "spatial_loaded": bool(loaded)}))
"""


def test_the_readme_query_in_a_plain_duckdb_session_on_the_published_file(seeded):
    """An analyst's own DuckDB on the published copy: read-only, no extension installed or loaded."""
    path = Path(seeded[0].warehouse_path)
    done = subprocess.run([sys.executable, "-c", PLAIN_SESSION, str(path), readme_query()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    with warehouse.connect(path, read_only=True) as con:
        assert out == {"rows": len(_expected(con)), "spatial_loaded": False}


def test_the_macros_live_in_a_ducklake_as_in_a_file(lake, tmp_path):
    """schema.sql's macros are created in the lake's catalog (PostgreSQL or a local file) and read its tables."""
    history(tmp_path / "file.duckdb")
    history(lake)
    near = "SELECT event_id_cnty, event_date, round(km, 3) FROM events_within_km(35.02, 40.45, 20)"
    with warehouse.connect(tmp_path / "file.duckdb", read_only=True) as con:
        on_file = con.execute(near).fetchall()
    with warehouse.connect(lake, read_only=True) as con:
        assert con.execute(near).fetchall() == on_file and on_file
        three_km_north = "SELECT count(*) FROM events_within_km(35.05, 40.45, ?)"
        assert [con.execute(three_km_north, [r]).fetchone()[0] for r in (2, 4)] == [0, len(on_file)]
