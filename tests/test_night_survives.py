"""One bad file never stops a night, and no record is lost without a word (issue 15).

Real files in an inbox (FIFOs, dangling and looping links, links out of the inbox, same-named bad files in
several folders, a bad copy of an article loaded on another day, records dated before the first partition),
read by a real materialisation of the nightly job into a temporary warehouse. Every record is in the ledger
(`articles`) with its status and reason, the good articles of the day are loaded, `ledger_balances` passes,
and no content of a file outside the inbox is stored.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from etl_project import ingest, warehouse
from etl_project.config import load_settings
from tests.conftest import run_partition
from tests.test_reliability import incident

DAMASCUS = ZoneInfo("Asia/Damascus")
DAY = date(2025, 11, 12)
DAY2 = date(2025, 11, 13)


def _stamp(path: Path, day: date) -> None:
    ts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=DAMASCUS).timestamp()
    os.utime(path, (ts, ts), follow_symlinks=False)


def drop(inbox: Path, name: str, content: str | bytes, day: date = DAY) -> Path:
    path = inbox / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    _stamp(path, day)
    return path


def link(inbox: Path, name: str, target: str, day: date = DAY) -> Path:
    path = inbox / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    _stamp(path, day)
    return path


def good(id_: str, place: str = "طفس", gov: str = "درعا", day: date = DAY) -> str:
    return json.dumps({"id": id_, "published": day.isoformat(), "text": incident(place, gov)}, ensure_ascii=False)


@pytest.fixture
def night(project_env, tmp_path, monkeypatch):
    """Settings whose sources are an inbox folder (returned with them)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"jsonl": [], "inbox": ["inbox"], "data_dir": "data"}), encoding="utf-8")
    monkeypatch.setenv("ETL_SOURCES", str(sources))
    return load_settings(), inbox


def _load(settings, day: date) -> dict:
    """Run the nightly job for `day`; the ledger of that day, keyed by ledger key."""
    result = run_partition(settings, day.isoformat())
    ledger = [ev for ev in result.get_asset_check_evaluations() if ev.check_name == "ledger_balances"]
    assert ledger and all(ev.passed for ev in ledger), [ev.metadata for ev in ledger]
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute("SELECT article_id, status, reason, origin FROM articles WHERE partition_date = ?", [day]).fetchall()
    return {r[0]: {"status": r[1], "reason": r[2], "origin": r[3]} for r in rows}


def _stored_text(settings) -> str:
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        texts = con.execute("SELECT string_agg(coalesce(text, ''), '\n') FROM articles").fetchone()[0] or ""
        payloads = con.execute("SELECT string_agg(coalesce(raw_payload, ''), '\n') FROM quarantine").fetchone()[0] or ""
    return texts + payloads


def test_unreadable_inbox_entries_are_quarantined_and_the_night_goes_on(night, tmp_path):
    settings, inbox = night
    drop(inbox, "good.jsonl", good("g1") + "\n")
    os.mkfifo(inbox / "pipe.jsonl")
    _stamp(inbox / "pipe.jsonl", DAY)
    link(inbox, "gone.json", str(tmp_path / "nowhere.json"))
    link(inbox, "loop.json", "loop.json")
    link(inbox, "passwd.txt", "/etc/passwd")
    link(inbox, "sub/hosts.txt", "/etc/hosts")
    link(inbox, "etc", "/etc")  # a folder out of the inbox
    link(inbox, "again.jsonl", "good.jsonl")  # a link inside the inbox is read like its file

    # the whole-history listing (`run --all`) reads them too, without stopping
    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    assert ingest.partitions_with_articles(config, settings.timezone) == [DAY]

    ledger = _load(settings, DAY)
    assert ledger["g1"]["status"] in ("events", "no_events")
    quarantined = {v["origin"]: v["reason"] for v in ledger.values() if v["status"] == "quarantined"}
    assert set(quarantined) == {"pipe.jsonl", "gone.json", "loop.json", "passwd.txt", "hosts.txt", "etc"}
    assert "FIFO" in quarantined["pipe.jsonl"]
    assert "leads nowhere" in quarantined["gone.json"] and "leads nowhere" in quarantined["loop.json"]
    for name in ("passwd.txt", "hosts.txt", "etc"):
        assert "out of the inbox" in quarantined[name]
    assert sum(v["status"] == "duplicate" for v in ledger.values()) == 1  # again.jsonl
    stored = _stored_text(settings)
    assert "root:" not in stored and "localhost" not in stored


def test_a_file_that_raises_while_read_is_one_quarantined_record(night, monkeypatch):
    settings, inbox = night
    drop(inbox, "a.json", good("a1"))
    locked = drop(inbox, "b.json", good("b1", place="سراقب", gov="إدلب"))
    drop(inbox, "c.jsonl", good("c1", place="الميادين", gov="دير الزور") + "\n")
    real_read = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    ledger = _load(settings, DAY)
    assert ledger["a1"]["status"] in ("events", "no_events") and ledger["c1"]["status"] in ("events", "no_events")
    assert ledger["b.json"]["status"] == "quarantined" and "Permission denied" in ledger["b.json"]["reason"]


def test_ledger_key_collisions_never_roll_back_a_day(night):
    settings, inbox = night
    drop(inbox, "good.jsonl", good("g1") + "\n")
    for folder in ("a", "b", "c"):  # three same-named bad files in different folders
        drop(inbox, f"{folder}/bad.json", "{not json")
    first = _load(settings, DAY)
    assert first["g1"]["status"] in ("events", "no_events")
    assert sum(v["status"] == "quarantined" and v["origin"] == "bad.json" for v in first.values()) == 3

    # one of them is touched (it now arrives the next day) and a copy is dropped again; the day is re-run too
    _stamp(inbox / "a" / "bad.json", DAY2)
    drop(inbox, "d/bad.json", "{not json either", day=DAY2)
    drop(inbox, "good2.jsonl", good("g2", place="سراقب", gov="إدلب", day=DAY2) + "\n", day=DAY2)
    second = _load(settings, DAY2)
    assert second["g2"]["status"] in ("events", "no_events")
    assert sum(v["status"] == "quarantined" for v in second.values()) == 2
    again = _load(settings, DAY)
    assert again["g1"]["status"] in ("events", "no_events")
    assert sum(v["status"] == "quarantined" for v in again.values()) == 2


def test_a_bad_copy_of_an_article_loaded_on_another_day_does_not_roll_back_its_day(night):
    settings, inbox = night
    drop(inbox, "day1.jsonl", good("a1") + "\n")
    assert _load(settings, DAY)["a1"]["status"] in ("events", "no_events")
    (inbox / "day1.jsonl").unlink()  # yesterday's file is gone (rotated): the warehouse alone knows `a1`
    bad_copy = json.dumps({"id": "a1", "published": DAY2.isoformat(), "text": 5})
    drop(inbox, "day2.jsonl", bad_copy + "\n" + good("b2", place="سراقب", gov="إدلب", day=DAY2) + "\n", day=DAY2)
    ledger = _load(settings, DAY2)
    assert ledger["b2"]["status"] in ("events", "no_events")
    assert ledger[f"a1@{DAY2}"]["status"] == "quarantined"
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:  # and the first day is as it was
        assert con.execute("SELECT partition_date, status FROM articles WHERE article_id = 'a1'").fetchall()[0][0] == DAY


def test_records_dated_before_the_first_partition_are_in_a_ledger(night):
    settings, inbox = night
    old = [json.dumps({"id": f"old{i}", "published": when, "text": "نص"}) for i, when in
           enumerate(("0001-01-01", "1900-01-01", "2010-06-01", "2011-03-14T23:00:00+00:00"))]
    drop(inbox, "old.jsonl", "\n".join(old + [good("g1")]) + "\n")
    ledger = _load(settings, DAY)
    assert ledger["g1"]["status"] in ("events", "no_events")
    for i in range(3):
        assert ledger[f"old{i}"]["status"] == "quarantined" and "before the first partition" in ledger[f"old{i}"]["reason"]
    # 2011-03-14 23:00 UTC is 2011-03-15 in Damascus: the first partition, not before it
    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    assert set(ingest.partitions_with_articles(config, settings.timezone)) == {DAY, date(2011, 3, 15)}


def test_a_file_received_before_the_first_partition_is_in_the_first_one(night):
    settings, inbox = night
    drop(inbox, "ancient.json", "{bad", day=date(1999, 1, 1))
    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    assert ingest.partitions_with_articles(config, settings.timezone) == [date(2011, 3, 15)]


def _read(tmp_path, name: str, content: str) -> dict:
    inbox = tmp_path / "inbox"
    drop(inbox, name, content)
    (tmp_path / "sources.yaml").write_text(json.dumps({"inbox": ["inbox"]}), encoding="utf-8")
    config = ingest.SourceConfig.load(tmp_path / "sources.yaml", tmp_path / "seeds")
    frame = ingest.read_partition(config, DAY, "Asia/Damascus", today=date(2025, 11, 20), fetch=False)
    assert frame.height == 1
    return frame.row(0, named=True)


def test_nested_json_in_title_and_source_is_stored_as_json_text(tmp_path):
    rec = _read(tmp_path, "a.jsonl", json.dumps({"id": "n1", "published": DAY.isoformat(), "text": "نص الخبر",
                                                 "title": ["s1", "s2"], "source": {"name": "وكالة", "n": 1}},
                                                ensure_ascii=False) + "\n")
    assert json.loads(rec["title"]) == ["s1", "s2"] and rec["title"] == '["s1", "s2"]'
    assert json.loads(rec["source"]) == {"name": "وكالة", "n": 1}


@pytest.mark.parametrize("raw_id, expected", [(True, "true"), (False, "false"), (7, "7"), (" x ", "x")])
def test_an_id_is_kept_as_json_writes_it(tmp_path, raw_id, expected):
    rec = _read(tmp_path, "a.jsonl", json.dumps({"id": raw_id, "published": DAY.isoformat(), "text": "نص"}) + "\n")
    assert rec["article_id"] == expected and rec["status"] == "ok"


def test_json_saved_as_html_is_not_an_article(tmp_path):
    rec = _read(tmp_path, "page.html", json.dumps({"id": "j1", "published": DAY.isoformat(),
                                                   "text": "نص طويل " * 40}, ensure_ascii=False))
    assert rec["status"] == "quarantined" and rec["check_name"] == "html" and "JSON" in rec["reason"]
