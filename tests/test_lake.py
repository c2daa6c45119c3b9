"""The warehouse in a DuckLake (issue 16): a catalog in PostgreSQL or a local file, data as Parquet files.

Every table, view, check, the cross-article merge, revisions and the ledger as on a DuckDB file; writers in
several processes at once; time travel. PostgreSQL is a real server (tests/postgres_server.py): the tests
that need it are skipped when its binaries are not installed.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import date, datetime

import pytest

from etl_project import warehouse
from etl_project.cli import main
from tests.conftest import run_partition, write_jsonl
from tests.postgres_server import Server
from tests.test_pipeline import seeds_of
from tests.test_warehouse import article, frames, mention

DAY1, DAY2, DAY3 = date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12)
NOW = datetime(2025, 11, 13, 3, 0)
# columns that say when, or in which Dagster run, a row was loaded
CLOCK = {"loaded_at", "changed_at", "deleted_at", "assigned_at", "run_id"}
TABLES = ("articles", "event_mentions", "events", "event_sources", "quarantine", "event_revisions", "event_deletions",
          "acled_ids", "places", "partition_loads", "check_results",
          "v_events", "v_daily_by_governorate", "v_monthly_fatalities", "v_sources")


@pytest.fixture(scope="module")
def postgres():
    server = Server.start()
    if server is None:
        pytest.skip("no PostgreSQL server binaries (Debian: apt-get install postgresql)")
    yield server
    server.stop()


@pytest.fixture(params=["local", "postgres"])
def lake(request, tmp_path):
    """ETL_WAREHOUSE for a new DuckLake: a local DuckDB-file catalog, or a PostgreSQL one."""
    if request.param == "local":
        return f"ducklake:{tmp_path / 'lake.ducklake'}"
    server = request.getfixturevalue("postgres")
    return f"ducklake:postgres:{server.new_database()} DATA_PATH {tmp_path / 'lake-data'}"


def contents(target) -> dict:
    """Every table and view, rows sorted, without the columns that depend on the clock or the commit order."""
    out = {}
    with warehouse.connect(target, read_only=True) as con:
        for table in TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in CLOCK]
            out[table] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
    return out


def history(target) -> None:
    """Three nights and a re-run with a new extractor: a merge across days, a duplicate, revisions, deletions."""
    nights = [
        (DAY1, [article("a1", day=DAY1)], [mention("m1", "a1", day=DAY1, event_date=DAY1),
                                            mention("m2", "a1", day=DAY1, event_date=DAY1, event_type="battle")], "v1"),
        (DAY2, [article("b1", day=DAY2), article("a1", day=DAY2)],
         [mention("mb", "b1", day=DAY2, event_date=DAY1, lat=35.03, fatalities=4, background=True)], "v1"),
        (DAY3, [article("c1", day=DAY3, status="no_events", n=0)], [], "v1"),
        (DAY1, [article("a1", day=DAY1)], [mention("m1", "a1", day=DAY1, event_date=DAY1, fatalities=2, version="v2")], "v2"),
    ]
    for day, arts, ments, version in nights:
        a, m, q = frames(arts, ments)
        with warehouse.connect(target) as con:
            warehouse.write_partition(con, day, a, m, q, version, run_id="r", now=NOW)
            warehouse.record_checks(con, day, [("warehouse/events", "unique_event_id", True, "ERROR", "{}")])


def test_a_lake_holds_exactly_what_the_file_holds(lake, tmp_path):
    history(tmp_path / "file.duckdb")
    history(lake)
    on_file, on_lake = contents(tmp_path / "file.duckdb"), contents(lake)
    assert on_lake == on_file
    assert on_lake["event_revisions"] and on_lake["event_deletions"]
    assert any(r[0] == "a1@2025-11-11" for r in on_lake["articles"])  # the duplicate of another day


def test_a_nightly_run_into_a_lake_equals_one_into_a_file(project_env, tmp_path, monkeypatch, capsys):
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds_of("2025-11-11"))
    run_partition(project_env, "2025-11-11")
    monkeypatch.setenv("ETL_WAREHOUSE", f"ducklake:{tmp_path / 'lake.ducklake'}")
    from etl_project.config import load_settings

    on_lake = load_settings()
    result = run_partition(on_lake, "2025-11-11")
    assert all(ev.passed for ev in result.get_asset_check_evaluations() if ev.severity.value == "ERROR")
    assert contents(on_lake.warehouse_path) == contents(project_env.warehouse_path)
    assert main(["status"]) == 0 and "events" in capsys.readouterr().out
    assert main(["export", "--output", str(tmp_path / "events.csv")]) == 0
    assert (tmp_path / "events.csv").read_text(encoding="utf-8-sig").count("\n") > 1


WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.test_lake import night
    from etl_project import warehouse
    target, day, go = sys.argv[1], date.fromisoformat(sys.argv[2]), Path(sys.argv[3])
    a, m, q, version = night(day)
    with warehouse.connect(target) as con:
        print("READY", flush=True)
        while not go.exists():
            time.sleep(0.01)
        warehouse.write_partition(con, day, a, m, q, version, run_id="r")
    print("DONE", flush=True)
    """
)


def night(day: date):
    """One day's load in the parallel test: its own articles, and a mention of an incident of DAY1 that every
    day's article reports again (so the loads' merges meet on the same event)."""
    n = day.day
    arts = [article(f"x{n}", day=day), article(f"y{n}", day=day, status="no_events", n=0)]
    ments = [mention(f"own{n}", f"x{n}", day=day, event_date=day, event_type="battle", lat=33.5 + n / 100),
             mention(f"re{n}", f"x{n}", day=day, event_date=DAY1, fatalities=n)]
    return (*frames(arts, ments), "v1")


def _load_at_once(target, days: list[date], go) -> None:
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER.format(root=root), target, d.isoformat(), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in days]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "READY", p.stderr.read()[-2000:]
        go.touch()
        outs = [p.communicate(timeout=600) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0] * len(days), [o[1][-2000:] for o in outs]


def test_processes_loading_different_days_at_once_equal_a_sequential_load(postgres, tmp_path):
    days = [DAY1, DAY2, DAY3]
    parallel = f"ducklake:postgres:{postgres.new_database()} DATA_PATH {tmp_path / 'parallel'}"
    sequential = f"ducklake:postgres:{postgres.new_database()} DATA_PATH {tmp_path / 'sequential'}"
    with warehouse.connect(parallel):
        pass  # the schema, created once before the writers start
    _load_at_once(parallel, days, tmp_path / "go")
    with warehouse.connect(parallel, read_only=True) as con:  # the order their transactions committed in
        committed = [r[0] for r in con.execute("SELECT partition_date FROM partition_loads ORDER BY rowid").fetchall()]
    assert sorted(committed) == days
    for day in committed:
        a, m, q, version = night(day)
        with warehouse.connect(sequential) as con:
            warehouse.write_partition(con, day, a, m, q, version, run_id="r")
    at_once, one_by_one = contents(parallel), contents(sequential)
    assert at_once == one_by_one
    merged = [e for e in at_once["events"] if e[2] == DAY1 and e[5] == "explosion_remote_violence"]
    assert len(merged) == 1  # every day's report of the DAY1 incident is one event
    with warehouse.connect(parallel, read_only=True) as con:
        numbers = [r[0] for r in con.execute("SELECT acled_no FROM acled_ids ORDER BY 1").fetchall()]
    assert numbers == list(range(1, len(numbers) + 1))  # no number given twice


KILLED = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.test_lake import night, DAY2
    from etl_project import warehouse
    real_remerge = warehouse._remerge
    def remerge_then_hang(*args, **kwargs):
        out = real_remerge(*args, **kwargs)
        print("WRITING", flush=True)   # inside the transaction, every row written, nothing committed
        time.sleep(120)
        return out
    warehouse._remerge = remerge_then_hang
    a, m, q, version = night(DAY2)
    with warehouse.connect(sys.argv[1]) as con:
        warehouse.write_partition(con, DAY2, a, m, q, version)
    """
)


def test_a_writer_killed_mid_write_leaves_the_lake_as_it_was(lake, tmp_path):
    from pathlib import Path

    a, m, q, version = night(DAY1)
    with warehouse.connect(lake) as con:
        warehouse.write_partition(con, DAY1, a, m, q, version, now=NOW)
    before = contents(lake)
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", KILLED.format(root=root), lake], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITING"
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9
    assert contents(lake) == before
    a, m, q, version = night(DAY2)
    with warehouse.connect(lake) as con:  # and the next writer goes on
        assert warehouse.write_partition(con, DAY2, a, m, q, version).articles_in == 2


def test_query_as_of_reads_the_warehouse_as_it_was(tmp_path, monkeypatch, capsys):
    target = f"ducklake:{tmp_path / 'lake.ducklake'}"
    monkeypatch.setenv("ETL_WAREHOUSE", target)
    a, m, q = frames([article("a1")], [mention("m1", "a1", fatalities=1)])
    with warehouse.connect(target) as con:
        warehouse.write_partition(con, DAY3, a, m, q, "v1")
    with warehouse.connect(target, read_only=True) as con:
        snapshot, when = con.execute("SELECT snapshot_id, snapshot_time FROM lake.snapshots() "
                                     "ORDER BY snapshot_id DESC LIMIT 1").fetchone()
    time.sleep(1.1)
    a, m, q = frames([article("a1")], [mention("m1", "a1", fatalities=7, version="v2")])
    with warehouse.connect(target) as con:
        warehouse.write_partition(con, DAY3, a, m, q, "v2")
    for as_of in (str(snapshot), when.isoformat()):
        out = tmp_path / f"as-of-{len(as_of)}.csv"
        assert main(["query", "--as-of", as_of, "--output", str(out),
                     "SELECT fatalities, (SELECT count(*) FROM event_revisions) AS revisions FROM events"]) == 0
        assert out.read_text(encoding="utf-8-sig").split() == ["fatalities,revisions", "1,0"]
    now = tmp_path / "now.csv"
    assert main(["query", "--output", str(now), "SELECT fatalities, (SELECT count(*) FROM event_revisions) AS revisions FROM events"]) == 0
    assert now.read_text(encoding="utf-8-sig").split() == ["fatalities,revisions", "7,1"]


def test_as_of_on_a_file_or_a_bad_value_is_one_clear_line(tmp_path, monkeypatch, capsys):
    a, m, q = frames([article("a1")], [mention("m1", "a1")])
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        warehouse.write_partition(con, DAY3, a, m, q, "v1")
    monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / "w.duckdb"))
    assert main(["query", "--as-of", "1", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "DuckLake" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("ETL_WAREHOUSE", f"ducklake:{tmp_path / 'lake.ducklake'}")
    assert main(["query", "--as-of", "last tuesday", "SELECT 1"]) == 2
    assert "neither a snapshot number nor a time" in capsys.readouterr().err
