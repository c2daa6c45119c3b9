"""Where the distance between two points is computed: Python's haversine or DuckDB spatial (issue 16).

    python bench/bench_distance.py [--pairs 100000]

The geocoder (etl_project/geo/index.py, gazetteer.py) and the cross-article merge (warehouse.cluster_mentions)
compare points one pair at a time inside Python loops; the warehouse's SQL has `distance_km` (schema.sql). This
times, on random pairs inside Syria: `haversine_km` in Python, one DuckDB query per pair with spatial's
ST_Distance_Sphere, and every pair in one DuckDB query from Arrow; and checks that they agree.
No assertion: speed is reported here, never tested with a timer.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from etl_project import store  # noqa: E402
from etl_project.geo.gazetteer import haversine_km  # noqa: E402

PER_QUERY_PAIRS = 2000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=100_000)
    n = ap.parse_args().pairs
    rng = random.Random(1)
    pairs = [(rng.uniform(32.3, 37.3), rng.uniform(35.7, 42.4), rng.uniform(32.3, 37.3), rng.uniform(35.7, 42.4))
             for _ in range(n)]
    start = time.perf_counter()
    python = [haversine_km(*p) for p in pairs]
    t_python = time.perf_counter() - start

    con = duckdb.connect()
    store.load_extension(con, "spatial")
    start = time.perf_counter()
    for p in pairs[:PER_QUERY_PAIRS]:  # ST_Distance_Sphere takes ST_Point(latitude, longitude)
        con.execute("SELECT ST_Distance_Sphere(ST_Point(?, ?), ST_Point(?, ?))", list(p)).fetchone()
    t_query = (time.perf_counter() - start) / min(n, PER_QUERY_PAIRS)
    table = pa.table({k: [p[i] for p in pairs] for i, k in enumerate(("lat1", "lon1", "lat2", "lon2"))})
    con.register("pairs", table)
    start = time.perf_counter()
    bulk = con.execute("SELECT ST_Distance_Sphere(ST_Point(lat1, lon1), ST_Point(lat2, lon2)) / 1000 FROM pairs").fetchall()
    t_bulk = time.perf_counter() - start

    print(f"python haversine_km         {t_python / n * 1e6:8.2f} µs a pair   ({n} pairs: {t_python * 1000:.0f} ms)")
    print(f"spatial, one query a pair   {t_query * 1e6:8.2f} µs a pair")
    print(f"spatial, all in one query   {t_bulk / n * 1e6:8.2f} µs a pair   ({n} pairs: {t_bulk * 1000:.0f} ms)")
    print(f"largest difference: {max(abs(a - b[0]) for a, b in zip(python, bulk)):.2e} km")


if __name__ == "__main__":
    main()
