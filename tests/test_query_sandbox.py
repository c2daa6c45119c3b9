"""`etl-project query` runs one read-only statement against the warehouse and touches nothing else (issue 15):
no file read or written, no other database attached, no extension installed, no setting changed."""
from __future__ import annotations

import duckdb
import pytest

from etl_project import warehouse
from etl_project.cli import main
from tests.test_cli import loaded  # noqa: F401  (the fixture: a warehouse with two events)


def _refused(capsys, sql: str) -> str:
    assert main(["query", sql]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("etl-project: ") and captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_json_auto('/etc/passwd')",
    "SELECT * FROM glob('/root/*')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM '/etc/passwd'",
    "WITH x AS (SELECT * FROM read_text('/etc/hostname')) SELECT * FROM x",
])
def test_query_cannot_read_files(loaded, capsys, sql):  # noqa: F811
    err = _refused(capsys, sql)
    assert "root:" not in err


@pytest.mark.parametrize("template", [
    "COPY events TO '{out}'",
    "COPY (SELECT 1) TO '{out}'",
    "EXPORT DATABASE '{out}'",
    "ATTACH '{out}' AS other",
    "ATTACH '{out}' AS other (READ_WRITE)",
])
def test_query_cannot_write_or_attach(loaded, capsys, tmp_path, template):  # noqa: F811
    out = tmp_path / "out.duckdb"
    _refused(capsys, template.format(out=out))
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("events"))


def test_query_cannot_drop_a_table_of_another_database(loaded, capsys, tmp_path):  # noqa: F811
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    _refused(capsys, f"ATTACH '{other}' AS o (READ_WRITE); DROP TABLE o.t")
    _refused(capsys, f"ATTACH '{other}' AS o (READ_WRITE)")
    with duckdb.connect(str(other)) as con:
        assert con.execute("SELECT a FROM t").fetchall() == [(1,)]


@pytest.mark.parametrize("sql", [
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET threads = 1",
    "PRAGMA threads = 1",
    "RESET threads",
    "CALL pragma_table_info('events')",
    "SELECT 1; SELECT 2",
    "SELECT count(*) FROM events; DELETE FROM events",
    "CREATE TEMP TABLE t AS SELECT 1",
    "DETACH events",
    "CHECKPOINT",
    "EXPLAIN ANALYZE SELECT 1",
    "",
    "   ;  ",
])
def test_query_refuses_anything_but_one_read_only_statement(loaded, capsys, sql):  # noqa: F811
    _refused(capsys, sql)
    with warehouse.connect(loaded, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2


@pytest.mark.parametrize("sql, expected", [
    ("SELECT count(*) AS n FROM events", "2"),
    ("WITH e AS (SELECT * FROM events) SELECT count(*) AS n FROM e;", "2"),
    ("DESCRIBE events", "event_id"),
    ("SHOW TABLES", "quarantine"),
    ("PRAGMA table_info('events')", "event_id"),
    ("PRAGMA show_tables", "articles"),
    ("FROM events SELECT count(*) AS n", "2"),
])
def test_query_still_runs_read_only_statements(loaded, capsys, sql, expected):  # noqa: F811
    assert main(["query", sql]) == 0
    assert expected in capsys.readouterr().out


def test_a_sandboxed_connection_cannot_reopen_the_sandbox(loaded):  # noqa: F811
    with warehouse.connect(loaded, read_only=True, sandboxed=True) as con:
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_text('/etc/passwd')")
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_query_reads_a_warehouse_whose_last_write_is_still_in_its_wal(tmp_path, monkeypatch, capsys):
    """After a run killed between COMMIT and checkpoint, the sandbox still reads the warehouse's own WAL."""
    import subprocess
    import sys

    db = tmp_path / "events.duckdb"
    script = ("import duckdb, os\n"
              f"con = duckdb.connect({str(db)!r})\n"
              "con.execute('PRAGMA disable_checkpoint_on_shutdown')\n"
              "con.execute('CREATE TABLE events AS SELECT range AS n FROM range(41)')\n"
              "con.execute('INSERT INTO events VALUES (41)')\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert db.with_name(db.name + ".wal").exists()
    monkeypatch.setenv("ETL_WAREHOUSE", str(db))
    assert main(["query", "SELECT count(*) AS n FROM events"]) == 0
    assert "42" in capsys.readouterr().out
