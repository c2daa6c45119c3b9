"""Run the nightly job over a few generated partitions and dump the warehouse, to compare two versions of the code.

    python -m bench.warehouse_equality dump OUT_DIR [--n 4000]
    PYTHONPATH=/path/to/old/checkout python -m bench.warehouse_equality dump OLD_DIR [--n 4000]
    python -m bench.warehouse_equality compare OLD_DIR NEW_DIR

`dump` writes, in a temporary folder, three days of generated articles: day 1 (n articles), day 2 (n/2 new ones, plus
copies of day-1 articles with the same id, with the same URL only, and with the same text only: cross-partition
duplicates) and day 3 (n/4). It materialises day 1, day 2, day 3, then day 1 again, through
Dagster (the real job, the real extractor), then loads day 2 once more, directly, with changed mentions and another
extractor version (some tolls raised, some places moved, some mentions dropped) so that revisions and deletions are
written. Every table of the warehouse is then written to OUT_DIR as Parquet, sorted by all its columns, without the
load timestamps and run ids. `compare` says, table by table, whether the rows are identical.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

DAYS = (date(2025, 11, 11), date(2025, 11, 12), date(2025, 11, 13))
# what is not compared: the time of a load and the id of a Dagster run
EXCLUDED = {"partition_loads": {"loaded_at", "run_id"}, "event_revisions": {"changed_at"}, "event_deletions": {"deleted_at"},
            "check_results": {"metadata"}}
TABLES = ("articles", "event_mentions", "events", "event_sources", "quarantine", "event_revisions", "event_deletions",
          "partition_loads", "check_results")


def corpus(n: int) -> dict[date, list[dict]]:
    from bench.corpus import generate

    day1 = generate(n, seed=11, published=DAYS[0], id_prefix="d1")
    day2 = generate(n // 2, seed=12, published=DAYS[1], id_prefix="d2")
    k = max(1, n // 40)
    same_id = [dict(a, published=DAYS[1].isoformat()) for a in day1[:k]]
    same_url = [dict(a, id=f"url-{a['id']}", published=DAYS[1].isoformat(), text=a["text"] + "\nتحديث.") for a in day1[k:2 * k]]
    same_text = [dict(a, id=f"txt-{a['id']}", url=None, published=DAYS[1].isoformat()) for a in day1[2 * k:3 * k]]
    day3 = generate(n // 4, seed=13, published=DAYS[2], id_prefix="d3")
    return {DAYS[0]: day1, DAYS[1]: day2 + same_id + same_url + same_text, DAYS[2]: day3}


def dump(out: Path, n: int) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory(prefix="etl-equality-") as tmp:
        work = Path(tmp)
        articles = work / "articles"
        articles.mkdir()
        for day, rows in corpus(n).items():
            with open(articles / f"{day}.jsonl", "w", encoding="utf-8") as fh:
                for a in rows:
                    fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        (work / "seeds-only.yaml").write_text('jsonl: ["${ETL_SEEDS_DIR}"]\n', encoding="utf-8")
        os.environ.update({
            "ETL_SEEDS_DIR": str(articles), "ETL_SOURCES": str(work / "seeds-only.yaml"),
            "ETL_WAREHOUSE": str(work / "events.duckdb"), "DAGSTER_HOME": str(work / "dagster_home"),
        })
        from dagster import DagsterInstance

        from etl_project import warehouse
        from etl_project.cli import QUIET, _ensure_dagster_home
        from etl_project.config import load_settings
        from etl_project.definitions import build_definitions

        settings = load_settings()
        _ensure_dagster_home()
        job = build_definitions(settings).resolve_job_def("nightly_events")
        instance = DagsterInstance.get()
        for day in (DAYS[0], DAYS[1], DAYS[2], DAYS[0]):
            result = job.execute_in_process(partition_key=day.isoformat(), instance=instance, run_config=QUIET)
            assert result.success, day
        revise(settings.warehouse_path, warehouse)
        out.mkdir(parents=True, exist_ok=True)
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            for table in TABLES:
                cols = [c for c, in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table]).fetchall() if c not in EXCLUDED.get(table, set())]
                order = ", ".join(f"{c} NULLS FIRST" for c in cols)
                frame = con.sql(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").pl()
                frame.write_parquet(out / f"{table}.parquet")
                print(f"{table}: {frame.height} rows")


def revise(path: Path, warehouse) -> None:
    """Load day 2 again with changed mentions and another extractor version: revisions and deletions."""
    import polars as pl

    day = DAYS[1]
    with warehouse.connect(path) as con:
        articles = con.sql("SELECT * FROM articles WHERE partition_date = ? ORDER BY article_id", params=[day]).pl()
        mentions = con.sql("SELECT * FROM event_mentions WHERE partition_date = ? ORDER BY mention_id", params=[day]).pl()
        quarantine = con.sql("SELECT * FROM quarantine WHERE partition_date = ? ORDER BY quarantine_id", params=[day]).pl()
        i = pl.int_range(pl.len())
        mentions = mentions.filter(i % 11 != 3).with_columns(
            pl.when(i % 7 == 0).then(pl.col("fatalities") + 1).otherwise(pl.col("fatalities")).alias("fatalities"),
            pl.when(i % 13 == 0).then(pl.col("latitude") + 0.2).otherwise(pl.col("latitude")).alias("latitude"),
            pl.when(i % 13 == 0).then(None).otherwise(pl.col("gazetteer_id")).alias("gazetteer_id"),
            pl.lit("v-revised").alias("extractor_version"),
        )
        # the ledger as the dropped mentions leave it; duplicates in it stay duplicates (their original is elsewhere)
        n = mentions.group_by("article_id").len()
        articles = articles.join(n, on="article_id", how="left").with_columns(
            pl.when(pl.col("status").is_in(["events", "no_events"]))
            .then(pl.when(pl.col("len").fill_null(0) > 0).then(pl.lit("events")).otherwise(pl.lit("no_events")))
            .otherwise(pl.col("status")).alias("status"),
            pl.when(pl.col("status").is_in(["events", "no_events"])).then(pl.col("len").fill_null(0))
            .otherwise(pl.col("n_events")).cast(pl.Int32).alias("n_events"),
        ).drop("len")
        warehouse.write_partition(con, day, articles, mentions.select(list(warehouse.MENTION_COLUMNS)), quarantine, "v-revised")


def compare(old: Path, new: Path) -> bool:
    import polars as pl

    same = True
    for table in TABLES:
        a, b = pl.read_parquet(old / f"{table}.parquet"), pl.read_parquet(new / f"{table}.parquet")
        ok = a.schema == b.schema and a.height == b.height and a.equals(b, null_equal=True)
        same &= ok
        print(f"{table:16} old {a.height:7,} rows, new {b.height:7,} rows: {'identical' if ok else 'DIFFERENT'}")
    return same


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--n", type=int, default=4000)
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        dump(args.out, args.n)
        return 0
    return 0 if compare(args.old, args.new) else 1


if __name__ == "__main__":
    sys.exit(main())
