"""`etl-project run --from DATE --to DATE`: a backfill over the seeds and an inbox, for real, into a
temporary warehouse, with a progress line per day."""
from __future__ import annotations

import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from etl_project.cli import main
from tests.conftest import SEEDS, read_jsonl, write_jsonl

TEXT = (
    "اندلعت اشتباكات عنيفة فجر اليوم بين مجموعتين مسلحتين في قرية تل رفعت بريف حلب الشمالي، استمرت عدة ساعات "
    "وأسفرت عن مقتل ثلاثة مسلحين وإصابة خمسة آخرين بجروح متفاوتة."
)


def test_a_backfill_runs_each_day_of_the_range_with_its_inbox_files(project_env, tmp_path, monkeypatch, capsys):
    seeds = [a for a in read_jsonl(SEEDS / "articles.jsonl") if a["published"] in ("2025-11-10", "2025-11-11")]
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "late.txt").write_text(f"title: اشتباكات في تل رفعت\ndate: 2025-11-11\n\n{TEXT}\n", encoding="utf-8")
    (inbox / "broken.json").write_text('{"id": "x", "text": ', encoding="utf-8")
    received = datetime(2025, 11, 12, 9, tzinfo=ZoneInfo("Asia/Damascus")).timestamp()
    os.utime(inbox / "broken.json", (received, received))
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"jsonl": ["${ETL_SEEDS_DIR}"], "inbox": ["inbox"], "data_dir": "data"}), encoding="utf-8")
    monkeypatch.setenv("ETL_SOURCES", str(sources))

    assert main(["run", "--from", "2025-11-10", "--to", "2025-11-12"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert [line.split("] ")[1].split(":")[0] for line in lines] == ["1/3 2025-11-10", "2/3 2025-11-11", "3/3 2025-11-12"]
    assert lines[-1].startswith("[####################]")
    n10 = sum(1 for a in seeds if a["published"] == "2025-11-10")
    n11 = sum(1 for a in seeds if a["published"] == "2025-11-11")
    assert f"2025-11-10: {n10} articles" in lines[0]
    assert f"2025-11-11: {n11 + 1} articles" in lines[1]           # the seeds and the dropped note
    assert "2025-11-12: 1 articles" in lines[2] and "1 quarantined" in lines[2]  # the broken file, on the day it came

    from etl_project import warehouse

    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        note = con.execute("SELECT status, partition_date, origin FROM articles WHERE title = 'اشتباكات في تل رفعت'").fetchone()
        reason = con.execute("SELECT reason FROM quarantine WHERE partition_date = '2025-11-12'").fetchone()[0]
    assert note[0] in ("events", "no_events") and str(note[1]) == "2025-11-11" and note[2] == "late.txt"
    assert reason.startswith("invalid JSON")


def test_a_backfill_range_must_be_whole_and_in_order(project_env, capsys):
    assert main(["run", "--from", "2025-11-12"]) == 2
    assert "--from and --to go together" in capsys.readouterr().err
    assert main(["run", "--from", "2025-11-12", "--to", "2025-11-10"]) == 2
    assert "--to is before --from" in capsys.readouterr().err
