"""The commands an analyst types: query, status, and their errors, on a real warehouse file."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from etl_project import warehouse
from etl_project.cli import main
from tests.test_warehouse import article, load, mention


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    db = tmp_path / "events.duckdb"
    monkeypatch.setenv("ETL_WAREHOUSE", str(db))
    day = date(2025, 11, 12)
    hostile = mention("m1", "a1", place="=HYPERLINK(\"http://x\",\"دير الزور\")")
    load(db, day, [article("a1"), article("a2", status="no_events", n=0)], [hostile, mention("m2", "a2", event_type="battle", place="الميادين")])
    with warehouse.connect(db) as con:
        warehouse.record_checks(con, day, [("warehouse/events", "share_dated", False, "WARN", '{"share": 0.4}')])
    return db


def test_query_prints_a_table(loaded, capsys):
    assert main(["query", "SELECT location_name, event_type FROM v_events ORDER BY event_type"]) == 0
    out = capsys.readouterr().out
    assert "الميادين" in out and "battle" in out


def test_query_prints_a_box_table_as_duckdb_does(loaded, capsys):
    assert main(["query", "SELECT event_type, fatalities, actor2 FROM events ORDER BY event_type"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("┌") and lines[0].endswith("┐")
    assert [c.strip() for c in lines[1].strip("│").split("│")] == ["event_type", "fatalities", "actor2"]
    assert [c.strip() for c in lines[2].strip("│").split("│")] == ["varchar", "int32", "varchar"]  # the types, as DuckDB's CLI
    body = [ln for ln in lines if ln.startswith("│") and "battle" in ln]
    assert body and body[0].split("│")[3].strip() == "NULL"


def test_query_cuts_a_long_result_in_the_middle_and_says_how_many_rows(loaded, capsys):
    assert main(["query", "SELECT range AS n FROM range(500)", "--limit", "10"]) == 0
    out = capsys.readouterr().out
    assert "500 rows" in out and "10 shown" in out
    cells = [ln.strip("│ ") for ln in out.splitlines() if ln.startswith("│")]
    assert cells[2:7] == ["0", "1", "2", "3", "4"] and cells[-5:] == ["495", "496", "497", "498", "499"] and "250" not in cells


def test_query_writes_csv_that_a_spreadsheet_cannot_execute(loaded, tmp_path):
    out = tmp_path / "q.csv"
    assert main(["query", "SELECT location_name FROM events ORDER BY location_name", "--csv", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read the Arabic as UTF-8
    cells = [row[0] for row in csv.reader(out.read_text(encoding="utf-8-sig").splitlines())][1:]
    assert "'=HYPERLINK(\"http://x\",\"دير الزور\")" in cells
    assert not any(c.startswith("=") for c in cells)


def test_query_is_read_only(loaded, capsys):
    assert main(["query", "DELETE FROM events"]) == 2
    assert capsys.readouterr().err.startswith("etl-project: SQL error")
    with warehouse.connect(loaded, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_a_bad_query_is_one_line_not_a_traceback(loaded, capsys):
    assert main(["query", "SELECT nope FROM events"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("etl-project: SQL error") and err.count("\n") == 1


def test_status_shows_counts_latest_partitions_and_failing_checks(loaded, capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "2 articles, 2 events" in out
    assert "2025-11-12" in out
    assert "[WARN] share_dated on warehouse/events" in out


def test_commands_on_a_missing_warehouse_say_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / "none.duckdb"))
    for argv in (["status"], ["query", "SELECT 1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "etl-project run" in err and err.count("\n") == 1


def test_every_command_has_help(capsys):
    for command in ("run", "extract", "query", "status", "export", "gazetteer"):
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        assert "usage: etl-project " + command in capsys.readouterr().out
