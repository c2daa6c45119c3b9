"""`etl-project query --output FILE [--format csv|json|parquet]` and `etl-project --version`."""
from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from etl_project.cli import main
from tests.test_cli import loaded  # noqa: F401  (a fixture)

SQL = "SELECT mention_id, location_name, event_date, latitude, fatalities FROM event_mentions ORDER BY mention_id"


@pytest.mark.parametrize("fmt, name", [("json", "q.json"), ("json", "q.out"), ("parquet", "q.parquet"), ("csv", "q.csv")])
def test_query_writes_each_format(loaded, tmp_path, fmt, name, capsys):  # noqa: F811
    out = tmp_path / name
    argv = ["query", SQL, "--output", str(out)] + (["--format", fmt] if not name.endswith(fmt) else [])
    assert main(argv) == 0
    assert f"wrote 2 rows to {out} ({fmt})" in capsys.readouterr().err
    if fmt == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert [r["mention_id"] for r in rows] == ["m1", "m2"]
        assert rows[0]["location_name"].startswith("=HYPERLINK")  # JSON is data: unchanged
        assert rows[1]["location_name"] == "الميادين" and rows[1]["event_date"] == "2025-11-12"
        assert isinstance(rows[1]["latitude"], float) and rows[1]["fatalities"] == 1
    elif fmt == "parquet":
        frame = pl.read_parquet(out)
        assert frame["mention_id"].to_list() == ["m1", "m2"] and frame.schema["event_date"] == pl.Date
    else:
        cells = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert cells[1][1].startswith("'=HYPERLINK") and cells[2][1] == "الميادين"


def test_query_file_errors_are_one_line(loaded, tmp_path, capsys):  # noqa: F811
    assert main(["query", SQL, "--format", "json"]) == 2
    assert "add --output FILE" in capsys.readouterr().err
    assert main(["query", SQL, "--output", str(tmp_path / "q.xlsx")]) == 2
    assert "say which format" in capsys.readouterr().err
    assert main(["query", SQL, "--output", str(tmp_path / "q.csv"), "--csv", str(tmp_path / "r.csv")]) == 2
    assert "give one" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("etl-project ") and out.strip().split()[-1][0].isdigit()
