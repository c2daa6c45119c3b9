"""Backfills at Dagster's grain: several days a run, partitions from the data's first day, freshness once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from dagster import AssetKey, BackfillPolicy, DagsterEventType, DagsterInstance, EventRecordsFilter

from etl_project.cli import main, runs_of
from etl_project.config import DEFAULT_DAYS_PER_RUN, DEFAULT_FIRST_DAY, PROJECT_ROOT
from etl_project.staging import DayFiles
from tests.conftest import run_partition, table_rows, write_jsonl
from tests.test_pipeline import SEED_ARTICLES

SEED_DAYS = sorted({a["published"][:10] for a in SEED_ARTICLES})


def test_a_range_is_loaded_in_runs_of_consecutive_days():
    d = date(2025, 11, 10)
    days = [d + timedelta(days=i) for i in range(16)] + [date(2025, 12, 1)]
    runs = runs_of(days, 7)
    assert [len(r) for r in runs] == [7, 7, 2, 1]
    assert [x for r in runs for x in r] == days
    assert all((b - a).days == 1 for r in runs for a, b in zip(r, r[1:]))


def test_every_partitioned_asset_backfills_several_days_a_run(project_env):
    from etl_project.definitions import build_definitions

    graph = build_definitions(project_env).resolve_asset_graph()
    for key in ["raw_articles", "extracted_incidents", "incident_events", "rejected_incidents", "warehouse/events"]:
        node = graph.get(AssetKey.from_user_string(key))
        policy = node.backfill_policy
        assert policy == BackfillPolicy.multi_run(max_partitions_per_run=DEFAULT_DAYS_PER_RUN), key
        # the UI's partitions start on the data's first day, not in 2011
        assert node.partitions_def.get_first_partition_key() == DEFAULT_FIRST_DAY.isoformat() == SEED_DAYS[0], key


def test_partitions_follow_the_configured_first_day_and_time_zone():
    code = ("from etl_project.assets.partitions import daily_partitions as p, backfill_policy as b;"
            "print(p.timezone, p.get_first_partition_key(), b.max_partitions_per_run)")
    env = {**os.environ, "ETL_TIMEZONE": "UTC", "ETL_FIRST_DAY": "2024-12-08", "ETL_DAYS_PER_RUN": "3"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert out.stdout.split() == ["UTC", "2024-12-08", "3"], out.stderr[-2000:]
    env["ETL_FIRST_DAY"] = "2025-13-01"
    bad = subprocess.run([sys.executable, "-m", "etl_project.cli", "run", "--all"], env=env, capture_output=True, text=True,
                         cwd=PROJECT_ROOT)
    assert bad.returncode == 2 and bad.stderr.strip() == "etl-project: ETL_FIRST_DAY='2025-13-01' is not a day (YYYY-MM-DD)"


@pytest.fixture
def backfilled(project_env, capsys):
    """`etl-project run --from/--to` over the seeds' six days and eight empty ones."""
    write_jsonl(project_env.seeds_dir / "articles.jsonl", SEED_ARTICLES)
    first = date.fromisoformat(SEED_DAYS[0])
    last = first + timedelta(days=13)
    code = main(["run", "--from", first.isoformat(), "--to", last.isoformat()])
    return project_env, code, capsys.readouterr().out, [first + timedelta(days=i) for i in range(14)]


def test_a_fortnight_is_two_runs_with_each_check_result_naming_its_day(backfilled):
    settings, code, out, days = backfilled
    assert code == 0, out
    with DagsterInstance.get() as instance:
        runs = [r for r in instance.get_runs() if r.job_name == "nightly_events"]
        assert len(runs) == 2
        records = instance.get_event_records(EventRecordsFilter(DagsterEventType.ASSET_CHECK_EVALUATION))
    partitions = {}
    for rec in records:
        ev = rec.event_log_entry.dagster_event.event_specific_data
        partitions.setdefault(ev.check_name, set()).add(ev.partition)
    assert partitions["ledger_balances"] == {d.isoformat() for d in days}
    assert partitions["freshness_check"] == {None}  # the warehouse's freshness: once, of no day
    assert sum(1 for line in out.splitlines() if "freshness_check" in line) == 1
    articles = table_rows(settings.warehouse_path, "articles", "article_id")
    assert len(articles) == len(SEED_ARTICLES)
    assert f"{days[-1]}: 0 articles" in out


def test_a_range_run_writes_what_day_by_day_runs_write(backfilled, tmp_path, monkeypatch):
    settings, code, _, _ = backfilled
    monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / "daily.duckdb"))
    from etl_project.config import load_settings

    daily = load_settings()
    with DagsterInstance.ephemeral() as instance:
        for day in SEED_DAYS:
            run_partition(daily, day, instance)
    for table, key in [("articles", "article_id"), ("events", "event_id"), ("event_sources", "event_id, article_id")]:
        ranged = _rows(settings.warehouse_path, table, key)
        assert ranged and ranged == _rows(daily.warehouse_path, table, key), table


def _rows(path, table: str, order_by: str) -> list[tuple]:
    """A table's rows without the columns that say when or by which run they were written."""
    from etl_project import warehouse

    with warehouse.connect(path, read_only=True) as con:
        names = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    keep = [i for i, n in enumerate(names) if not (n.endswith("_at") or n == "run_id")]
    return [tuple(r[i] for i in keep) for r in table_rows(path, table, order_by)]


def test_a_staged_day_round_trips_and_a_missing_one_names_its_asset(tmp_path):
    files = DayFiles(tmp_path)
    day = date(2025, 11, 12)
    parts = [pl.DataFrame({"text": ["قتل شخص"], "n": [1]}), pl.DataFrame({"text": [None], "n": [2]}, schema={"text": pl.String, "n": pl.Int64})]
    assert files.write("a", day, iter(parts)) == 2
    assert files.read("a", day).equals(pl.concat(parts))
    assert files.write("b", day, iter([]), schema={"x": pl.Int32}) == 0
    assert files.read("b", day).schema == pl.Schema({"x": pl.Int32})
    with pytest.raises(FileNotFoundError, match="materialise c for that day first"):
        files.read("c", day)
    assert not list(tmp_path.rglob("*.tmp"))


def test_dg_finds_the_code_location(project_env):
    """`dg dev` / `dg launch` load the project through pyproject's [tool.dg]: the same definitions as `dagster dev`."""
    dg = Path(sys.executable).with_name("dg")
    out = subprocess.run([str(dg), "list", "defs", "--json"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    listed = json.loads(out.stdout[out.stdout.index("{"):])
    assets = {a["asset_key"] for a in listed["assets"]}
    assert {"raw_articles", "warehouse/events"} <= assets
    assert {j["name"] for j in listed["jobs"]} >= {"nightly_events", "warehouse_freshness"}
