"""The whole pipeline for real: Dagster materialisations into a temporary DuckDB file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl_project import warehouse
from etl_project.cli import main
from tests.conftest import SEEDS, km, read_jsonl, run_partition, table_rows, write_jsonl

SEED_ARTICLES = read_jsonl(SEEDS / "articles.jsonl")
SEED_LABELS = read_jsonl(SEEDS / "labels.jsonl")


def matches(gold: dict, event: dict, strict: bool = True) -> bool:
    if event["latitude"] is None or km(gold["lat"], gold["lon"], event["latitude"], event["longitude"]) > 15:
        return False
    if not strict:
        return True
    same_day = gold["event_date"] is None or str(event["event_date"]) == gold["event_date"]
    return same_day and event["event_type"] == gold["event_type"]


def test_extract_finds_the_five_events_of_the_seed_article_and_nothing_else(shared_dir, tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    assert main(["extract", "--input", str(shared_dir / "seed" / "seed_article.jsonl"), "--output", str(out)]) == 0
    events = read_jsonl(out)
    golds = read_jsonl(shared_dir / "seed" / "seed_gold.jsonl")
    unmatched = list(events)
    for gold in golds:
        found = [e for e in unmatched if matches(gold, e)]
        assert found, f"no event for {gold['location_text']} on {gold['event_date']} ({gold['event_type']})"
        event = found[0]
        assert event["fatalities"] == gold["fatalities"], gold["location_text"]
        assert event["is_background"] == gold["is_background"], gold["location_text"]
        unmatched.remove(event)
    assert unmatched == [], "events that are not in the gold: " + json.dumps(unmatched, ensure_ascii=False)[:500]


def test_extract_finds_every_labelled_event_of_the_bundled_seeds_and_nothing_else(shared_dir, tmp_path, monkeypatch):
    # the Quickstart's articles, as the run reads them with the full gazetteer: every labelled incident comes out
    # (strict), none is withheld for low confidence, and nothing is read that is not labelled (the shipped
    # offline list lacks some of their villages: README, "Limits of automated extraction")
    monkeypatch.setenv("ETL_GAZETTEER_DIR", str(shared_dir / "gazetteer"))
    out = tmp_path / "events.jsonl"
    assert main(["extract", "--input", str(SEEDS / "articles.jsonl"), "--output", str(out)]) == 0
    events = read_jsonl(out)
    unmatched = list(events)
    for gold in (g for g in SEED_LABELS if not g.get("optional")):
        found = [e for e in unmatched if e["article_id"] == gold["article_id"] and matches(gold, e)]
        assert found, f"{gold['article_id']}: no event for {gold['location_text']} ({gold['event_type']})"
        unmatched.remove(found[0])
    optional = [g for g in SEED_LABELS if g.get("optional")]
    unmatched = [e for e in unmatched if not any(e["article_id"] == g["article_id"] and matches(g, e) for g in optional)]
    assert unmatched == [], "events that are not labelled: " + json.dumps(unmatched, ensure_ascii=False)[:500]


def test_extract_output_has_every_field_of_the_event_record(shared_dir, tmp_path):
    out = tmp_path / "events.jsonl"
    assert main(["extract", "--input", str(shared_dir / "seed" / "seed_article.jsonl"), "--output", str(out)]) == 0
    spec_fields = {
        "event_id", "article_id", "event_date", "time_precision", "date_text", "event_type", "sub_event_type", "actor1",
        "actor2", "actor1_text", "actor2_text", "inter1", "inter2", "location_name", "location_name_en", "admin1", "admin2",
        "admin1_pcode", "admin2_pcode", "latitude", "longitude", "geo_precision", "location_text", "gazetteer_id",
        "fatalities", "injuries", "is_background", "evidence", "evidence_start", "evidence_end", "confidence", "extractor_version",
    }
    text = read_jsonl(shared_dir / "seed" / "seed_article.jsonl")[0]["text"]
    for event in read_jsonl(out):
        assert spec_fields <= set(event)
        # evidence offsets point into the original text
        assert text[event["evidence_start"]:event["evidence_end"]] == event["evidence"]


def test_extract_reports_a_missing_input_in_one_line(tmp_path, capsys):
    assert main(["extract", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("etl-project: no such input file") and err.count("\n") == 1


def seeds_of(day: str) -> list[dict]:
    return [a for a in SEED_ARTICLES if a["published"] == day]


def test_one_partition_materialises_into_the_warehouse(project_env):
    day = "2025-11-12"
    articles = seeds_of(day)
    persian = "به گزارش رسانه‌های محلی، چهار نفر در حمله پهپادی در نزدیکی شهر منبج کشته شدند و این حمله را نیروهای ترکیه انجام دادند."
    bad_lines = ['{"id": "broken", "text": "نص مقطوع', json.dumps({"id": "latin", "text": "only latin words here " * 5, "published": day}),
                 json.dumps({"id": "persian", "text": persian, "published": day}, ensure_ascii=False)]
    path = write_jsonl(project_env.seeds_dir / "articles.jsonl", articles)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(bad_lines) + "\n")

    result = run_partition(project_env, day)
    db = project_env.warehouse_path

    with warehouse.connect(db, read_only=True) as con:
        ledger = dict(con.execute("SELECT article_id, status FROM articles WHERE partition_date = ?", [day]).fetchall())
        events = con.sql("SELECT * FROM events").pl().to_dicts()
        sources = con.execute("SELECT event_id, article_id FROM event_sources").fetchall()
        quarantine = con.execute("SELECT article_id, check_name, reason FROM quarantine").fetchall()
    # every article of the day is accounted for
    assert {a["id"] for a in articles} | {"latin", "persian"} <= set(ledger)
    assert ledger["latin"] == ledger["persian"] == "quarantined"
    assert any(q[0] == "latin" and "Arabic" in q[2] for q in quarantine)
    assert any(q[0] == "persian" and "Persian" in q[2] for q in quarantine)
    # the broken line was received today, so it waits in today's partition, not this one
    assert "broken" not in ledger
    # the day's labelled events are in the warehouse
    labels = [g for g in SEED_LABELS if g["article_id"] in ledger and not g.get("optional")]
    found = [g for g in labels if any(matches(g, e) for e in events)]
    assert len(found) >= 0.7 * len(labels), f"{len(found)}/{len(labels)} labelled events found"
    # the checks ran and the ledger balanced
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["ledger_balances"] and checks["unique_event_id"] and checks["coordinates_in_syria"]
    assert len({s[0] for s in sources}) == len(events)


def test_two_outlets_reporting_one_bombing_give_one_event_with_both_sources(project_env):
    # seed-013 and seed-014: the same roadside bomb at al-Mayadin, written up by two outlets
    pair = [a for a in SEED_ARTICLES if a["id"] in ("seed-013", "seed-014")]
    write_jsonl(project_env.seeds_dir / "articles.jsonl", pair)
    run_partition(project_env, "2025-11-12")
    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        rows = con.execute(
            """SELECT e.event_id, e.n_sources, list(es.article_id ORDER BY es.article_id)
               FROM events e JOIN event_sources es USING (event_id)
               WHERE e.event_type = 'explosion_remote_violence' GROUP BY ALL""").fetchall()
    assert [(r[1], r[2]) for r in rows] == [(2, ["seed-013", "seed-014"])]


def test_materialising_a_partition_twice_changes_nothing(project_env):
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds_of("2025-11-11"))
    run_partition(project_env, "2025-11-11")
    db = project_env.warehouse_path
    tables = {"articles": "article_id", "events": "event_id", "event_sources": "event_id, mention_id",
              "event_mentions": "mention_id", "quarantine": "quarantine_id", "event_revisions": "event_id", "event_deletions": "event_id"}
    before = {t: table_rows(db, t, o) for t, o in tables.items()}
    run_partition(project_env, "2025-11-11")
    assert {t: table_rows(db, t, o) for t, o in tables.items()} == before
    assert before["events"]


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl_project.cli", *args], env=env, capture_output=True, text=True, timeout=600)


def test_run_all_on_the_seeds_loads_their_events_and_prints_a_summary(project_env):
    env = {**os.environ, "ETL_SEEDS_DIR": str(SEEDS)}
    done = _cli(env, "run", "--all")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "articles read: 37" in done.stdout
    assert "checks:" in done.stdout
    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        events = con.sql("SELECT * FROM events").pl().to_dicts()
        statuses = dict(con.execute("SELECT status, count(*) FROM articles GROUP BY 1").fetchall())
    assert sum(statuses.values()) == 37
    golds = [g for g in SEED_LABELS if not g.get("optional")]
    found = [g for g in golds if any(matches(g, e) for e in events)]
    assert len(found) >= 0.7 * len(golds), f"{len(found)}/{len(golds)} seed events in the warehouse"


def test_two_runs_at_once_on_one_warehouse_both_succeed(project_env):
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds_of("2025-11-10") + seeds_of("2025-11-11"))
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-m", "etl_project.cli", "run", "--date", d], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for d in ("2025-11-10", "2025-11-11")]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1500:] for o in outs]
    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        days = {r[0].isoformat() for r in con.execute("SELECT DISTINCT partition_date FROM articles").fetchall()}
    assert days == {"2025-11-10", "2025-11-11"}


def test_run_without_a_partition_is_a_usage_error(project_env, capsys):
    assert main(["run"]) == 2
    assert "--date" in capsys.readouterr().err
