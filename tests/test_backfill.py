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


def test_a_fortnight_runs_its_days_with_records_and_records_the_others_as_empty(backfilled):
    settings, code, out, days = backfilled
    assert code == 0, out
    seed_days = {d for d in days if d.isoformat() in SEED_DAYS}
    with DagsterInstance.get() as instance:
        runs = [r for r in instance.get_runs() if r.job_name == "nightly_events"]
        # the six days with records are one run; the eight without are no run at all
        assert [(r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"]) for r in runs] \
            == [(SEED_DAYS[0], SEED_DAYS[-1])]
        checks = _check_partitions(instance)
        # ... and the UI shows every day of every partitioned asset materialised, the empty ones with 0 rows
        for key in _partitioned_keys(settings):
            assert instance.get_materialized_partitions(key) == {d.isoformat() for d in days}, key
        records = instance.fetch_materializations(AssetKey(["warehouse", "articles"]), limit=100).records
        runless = {r.partition_key: r.asset_materialization.metadata["dagster/row_count"].value for r in records if not r.run_id}
        assert runless == {d.isoformat(): 0 for d in days if d not in seed_days}
    assert checks["ledger_balances"] == {d.isoformat() for d in seed_days}
    assert checks["freshness_check"] == {None}  # the warehouse's freshness: once, of no day
    assert sum(1 for line in out.splitlines() if "freshness_check" in line) == 1
    articles = table_rows(settings.warehouse_path, "articles", "article_id")
    assert len(articles) == len(SEED_ARTICLES)
    # the ledger says each day was looked at: the empty ones with no article and no run
    loads = table_rows(settings.warehouse_path, "partition_loads", "partition_date")
    assert [r[0] for r in loads] == days
    assert {r[0] for r in loads if r[3] == 0 and r[1] is None} == set(days) - seed_days
    assert f"{days[-1]}: 0 articles, no record in the sources" in out


def test_every_day_runs_the_job_for_empty_days_too(project_env, capsys):
    """`--every-day` is what a backfill launched in the UI does: the empty days go through the job, 7 days a run."""
    write_jsonl(project_env.seeds_dir / "articles.jsonl", SEED_ARTICLES)
    first = date.fromisoformat(SEED_DAYS[0])
    days = [first + timedelta(days=i) for i in range(14)]
    assert main(["run", "--from", str(days[0]), "--to", str(days[-1]), "--every-day"]) == 0, capsys.readouterr().out
    with DagsterInstance.get() as instance:
        assert len([r for r in instance.get_runs() if r.job_name == "nightly_events"]) == 2
        assert _check_partitions(instance)["ledger_balances"] == {d.isoformat() for d in days}


def test_a_day_whose_records_left_the_sources_is_run_and_emptied(backfilled, capsys):
    settings, _, _, days = backfilled
    gone = SEED_DAYS[-1]
    write_jsonl(settings.seeds_dir / "articles.jsonl", [a for a in SEED_ARTICLES if not a["published"].startswith(gone)])
    assert main(["run", "--from", str(days[0]), "--to", str(days[-1])]) == 0
    capsys.readouterr()
    removed = {a["id"] for a in SEED_ARTICLES if a["published"].startswith(gone)}
    ids = {r[0] for r in table_rows(settings.warehouse_path, "articles", "article_id")}
    assert removed and not removed & ids and len(ids) == len(SEED_ARTICLES) - len(removed)
    with DagsterInstance.get() as instance:
        last = next(r for r in instance.get_runs() if r.job_name == "nightly_events")  # the latest
    assert (last.tags["dagster/asset_partition_range_start"], last.tags["dagster/asset_partition_range_end"]) \
        == (SEED_DAYS[0], gone)


def test_an_empty_day_can_be_materialised_asset_by_asset_afterwards(backfilled):
    """The staged frames of an empty day are those its assets write: a later run of one step reads them."""
    settings, _, _, days = backfilled
    from etl_project.definitions import build_definitions

    job = build_definitions(settings).resolve_job_def("nightly_events")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(partition_key=str(days[-1]), instance=instance, raise_on_error=False,
                                        asset_selection=[AssetKey("incident_events"), AssetKey("rejected_incidents")])
    assert result.success
    assert DayFiles(Path(instance.storage_directory()) / "staging").read("incident_events", days[-1]).height == 0


def _check_partitions(instance) -> dict[str, set]:
    partitions: dict[str, set] = {}
    for rec in instance.get_event_records(EventRecordsFilter(DagsterEventType.ASSET_CHECK_EVALUATION)):
        ev = rec.event_log_entry.dagster_event.event_specific_data
        partitions.setdefault(ev.check_name, set()).add(ev.partition)
    return partitions


def _partitioned_keys(settings) -> list[AssetKey]:
    from etl_project.definitions import PARTITIONED_ASSETS

    return [key for assets_def in PARTITIONED_ASSETS for key in assets_def.keys]


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
