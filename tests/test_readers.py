"""Analysts keep the warehouse open while the nightly run writes (issue 16).

The run writes a file of its own and publishes a copy by an atomic rename; readers open the published copy
read-only. Real processes, a real `etl-project run`, a real DuckDB file.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

from etl_project import warehouse
from etl_project.cli import main
from tests.conftest import write_jsonl
from tests.test_pipeline import seeds_of
from tests.test_warehouse import article, load, mention

ANALYST = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)   # DBeaver, a notebook, the duckdb CLI
    print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
    sys.stdin.readline()                                  # ... held open until the test says so
    print(con.execute("SELECT count(*) FROM articles").fetchone()[0],
          con.execute("SELECT count(DISTINCT partition_date) FROM v_events JOIN articles USING (article_id)").fetchone()[0],
          flush=True)
    """
)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl_project.cli", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=900)


def _has_open(pid: int, path: Path) -> bool:
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        return any(os.path.realpath(fd) == str(path.resolve()) for fd in fd_dir.iterdir())
    except OSError:
        return False


def test_readers_holding_the_warehouse_open_never_fail_the_run(project_env):
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds_of("2025-11-10") + seeds_of("2025-11-11"))
    first = _cli("run", "--date", "2025-11-10")
    assert first.returncode == 0, first.stderr[-2000:]
    db = project_env.warehouse_path
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    # `etl-project query` busy with a long statement for the whole run
    query = subprocess.Popen([sys.executable, "-m", "etl_project.cli", "query",
                              "SELECT sum(hash(r.range)) FROM articles, range(100000000000) r"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.nice(19))
    try:
        before = int(analyst.stdout.readline())
        deadline = time.monotonic() + 120
        while not _has_open(query.pid, db):
            assert query.poll() is None and time.monotonic() < deadline, "etl-project query never opened the warehouse"
            time.sleep(0.1)
        second = _cli("run", "--date", "2025-11-11")
        assert second.returncode == 0, second.stderr[-2000:]
        assert query.poll() is None, "the query was not open during the whole run"
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        after, days = analyst.stdout.readline().split()
    finally:
        query.kill()
        analyst.kill()
        query.wait()
        analyst.wait()
    # the analyst's session still works, on the warehouse as it was when it was opened: whole, not half-written
    assert int(after) == before == len(seeds_of("2025-11-10"))
    assert int(days) == 1
    # and a reader opening it now sees both nights
    assert main(["query", "SELECT count(DISTINCT partition_date) AS days FROM articles"]) == 0
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == before + len(seeds_of("2025-11-11"))


def test_a_backup_put_back_in_place_is_what_the_next_load_continues_from(tmp_path):
    db = tmp_path / "w.duckdb"
    day1, day2, day3 = date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12)
    load(db, day1, [article("a1", day=day1)], [mention("m1", "a1", day=day1, event_date=day1)])
    shutil.copyfile(db, tmp_path / "backup.duckdb")
    load(db, day2, [article("a2", day=day2)], [mention("m2", "a2", day=day2, event_date=day2)])
    shutil.copyfile(tmp_path / "backup.duckdb", db)  # the analyst restores last night's copy
    load(db, day3, [article("a3", day=day3)], [mention("m3", "a3", day=day3, event_date=day3)])
    with warehouse.connect(db, read_only=True) as con:
        days = [r[0] for r in con.execute("SELECT DISTINCT partition_date FROM articles ORDER BY 1").fetchall()]
    assert days == [day1, day3]


def test_a_reader_sees_every_committed_write_once_the_writer_closes(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, date(2025, 11, 10), [article("a1", day=date(2025, 11, 10))], [mention("m1", "a1", day=date(2025, 11, 10))])
    with warehouse.connect(db, read_only=True) as reader:
        load(db, date(2025, 11, 11), [article("a2", day=date(2025, 11, 11))], [mention("m2", "a2", day=date(2025, 11, 11))])
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # its own consistent copy
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert not Path(str(db) + ".wal").exists()
