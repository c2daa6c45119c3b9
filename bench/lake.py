"""A backfill of D days at N generated articles a day, loaded into a DuckDB file and into DuckLakes.

    python -m bench.lake [--days 30] [--n 1000] [--offline]

The articles (bench.corpus) are read, checked and extracted once, by the functions the assets call; the frames each
day's `warehouse_tables` step would write are kept. Then the same frames are loaded, day by day, with
warehouse.write_partition into:

  file         a DuckDB file (the default backend: the writers' file, published for readers after each day)
  lake-local   a DuckLake with a DuckDB-file catalog, one writer
  lake-pg-1    a DuckLake with a PostgreSQL catalog, one writer process
  lake-pg-2    the same, two writer processes at once (odd and even days)

PostgreSQL is a throw-away server (tests/postgres_server.py); without its binaries the PostgreSQL rows are skipped.
Prints one JSON object: wall seconds per backend, each as a ratio to `file` in the same run, the time of one
publication (copy + rename) of the final file, and the row counts (which must agree).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = date(2025, 10, 1)


def prepare(days: int, n: int, folder: Path, gazetteer_dir: str | None) -> tuple[list[date], float]:
    """Generate, read, check and extract every day; write each day's load frames as Arrow files."""
    from bench.corpus import generate, write_jsonl
    from etl_project import ingest
    from etl_project.loading import load_extractor
    from etl_project.pipeline import (check_articles, check_events, extract_articles, extractor_version, ledger,
                                      mentions_frame, quarantine_rows)

    seeds = folder / "articles"
    seeds.mkdir()
    dates = [FIRST_DAY + timedelta(days=i) for i in range(days)]
    write_jsonl([a for i, d in enumerate(dates) for a in generate(n, seed=i + 1, published=d, id_prefix=f"d{i}")],
                seeds / "articles.jsonl")
    config = ingest.SourceConfig.load(folder / "no-sources.yaml", seeds)
    extractor = load_extractor(gazetteer_dir, None)
    version = extractor_version(extractor)
    start = time.perf_counter()
    for d in dates:
        raw = check_articles(ingest.read_partition(config, d, "Asia/Damascus", fetch=False))
        events, rejected = check_events(extract_articles(raw, extractor, d))
        ledger(raw, events, rejected, version).write_ipc(folder / f"{d}.articles.arrow")
        mentions_frame(events).write_ipc(folder / f"{d}.mentions.arrow")
        quarantine_rows(raw, rejected, d).write_ipc(folder / f"{d}.quarantine.arrow")
    (folder / "version").write_text(version)
    return dates, time.perf_counter() - start


def load_days(target: str, folder: Path, dates: list[date]) -> None:
    from etl_project import warehouse

    version = (folder / "version").read_text()
    for d in dates:
        frames = [pl.read_ipc(folder / f"{d}.{k}.arrow") for k in ("articles", "mentions", "quarantine")]
        with warehouse.connect(target) as con:
            warehouse.write_partition(con, d, *frames, version)


def timed_processes(target: str, folder: Path, groups: list[list[date]]) -> float:
    """Wall seconds for one writer process per group of days, all started at once."""
    code = "import sys, json; from pathlib import Path; from datetime import date; from bench.lake import load_days; " \
           "load_days(sys.argv[1], Path(sys.argv[2]), [date.fromisoformat(d) for d in json.loads(sys.argv[3])])"
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code, target, str(folder), json.dumps([d.isoformat() for d in g])],
                              cwd=ROOT) for g in groups]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"a writer failed: exit codes {codes}")
    return time.perf_counter() - start


def counts(target) -> dict:
    from etl_project import warehouse

    with warehouse.connect(target, read_only=True) as con:
        out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("articles", "event_mentions", "events", "event_sources")}
        # every event id ever made has one number, never two, and no number is given twice; how many ids were
        # ever made depends on the order the days were loaded in (a day loaded before the day an incident
        # happened makes an event that the earlier day's report later takes over: it keeps its number)
        out["acled_ids"], out["acled_event_ids"], out["acled_numbers"] = con.execute(
            "SELECT count(*), count(DISTINCT event_id), count(DISTINCT acled_no) FROM acled_ids").fetchone()
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--offline", action="store_true", help="the shipped gazetteer instead of ETL_GAZETTEER_DIR")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from etl_project import store
    from etl_project.config import load_settings
    from tests.postgres_server import Server

    gazetteer = None if args.offline else (str(load_settings().gazetteer_dir) if load_settings().gazetteer_dir else None)
    out: dict = {"days": args.days, "articles_a_day": args.n, "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as tmp:
        folder = Path(tmp)
        dates, out["extract_s"] = prepare(args.days, args.n, folder, gazetteer)
        targets = {"file": str(folder / "events.duckdb"), "lake-local": f"ducklake:{folder / 'lake.ducklake'}"}
        server = Server.start()
        try:
            if server is not None:
                targets["lake-pg-1"] = f"ducklake:postgres:{server.new_database()} DATA_PATH {folder / 'pg1'}"
                targets["lake-pg-2"] = f"ducklake:postgres:{server.new_database()} DATA_PATH {folder / 'pg2'}"
            seconds, rows = {}, {}
            for name, target in targets.items():
                path_or_lake = Path(target) if name == "file" else target
                with store.connect(path_or_lake):
                    pass  # the schema, before the clock starts
                groups = [dates[0::2], dates[1::2]] if name == "lake-pg-2" else [dates]
                seconds[name] = timed_processes(target, folder, groups)
                rows[name] = counts(path_or_lake)
        finally:
            if server is not None:
                server.stop()
        start = time.perf_counter()
        store.publish(folder / "events.duckdb")
        out["publish_one_s"] = round(time.perf_counter() - start, 3)
        out["file_mb"] = round((folder / "events.duckdb").stat().st_size / 2**20, 1)
    out["load_s"] = {k: round(v, 1) for k, v in seconds.items()}
    out["ratio_to_file"] = {k: round(v / seconds["file"], 2) for k, v in seconds.items()}
    out["rows"] = rows
    same = ("articles", "event_mentions", "events", "event_sources")
    out["rows_agree"] = all({t: r[t] for t in same} == {t: rows["file"][t] for t in same} for r in rows.values())
    out["acled_numbers_unique"] = all(r["acled_ids"] == r["acled_event_ids"] == r["acled_numbers"] for r in rows.values())
    out["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1, default=str))
    return out


if __name__ == "__main__":
    main()
