"""A catalogue of bad input (issue 15): each kind is dropped in an inbox beside one good article, and the
ledger must account for every record fed, with the status and reason expected, and lose nothing else.

Read as a run reads: every partition the files have (`partitions_with_articles`), each read with
`ingest.read_partition` and the RawArticle contract (`pipeline.check_articles`), then the ledger
(`pipeline.ledger`) as `warehouse_tables` writes it. One end-to-end materialisation of every kind at once
checks the warehouse's own ledger (`ledger_balances`) and that no outside file's content is stored.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from etl_project import ingest
from etl_project.pipeline import check_articles, ledger
from etl_project.sources.records import MAX_LINE_BYTES, MAX_TEXT_CHARS

TZ = "Asia/Damascus"
DAMASCUS = ZoneInfo(TZ)
DAY = date(2025, 11, 12)
TODAY = date(2025, 11, 20)
FIRST = date(2011, 3, 15)
GOOD_TEXT = ("دمشق - قُتل شاب في مدينة طفس بريف درعا، مساء أمس، إثر استهدافه بإطلاق نار مباشر من قبل مسلحين "
             "مجهولين كانوا يستقلون دراجة نارية قرب دوار البلدية.")
GOOD = {"id": "good-1", "published": DAY.isoformat(), "text": GOOD_TEXT, "url": "https://news.example/a/1"}


def art(**fields) -> dict:
    """A bad article: a good one's fields (another id, text and URL) with `fields` changed or removed (None)."""
    base = {"id": "bad-1", "published": DAY.isoformat(), "text": "نص خبر آخر عن سوق المدينة.", "url": "https://news.example/b/1"}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def js(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Case:
    """`content` is dropped as `name` in the inbox (a JSONL file unless the name says otherwise); `make`, when
    set, makes the entry itself (links, FIFOs). Each of the `n` records it holds must be in the ledger with
    `status`, and a quarantined one with `check` and a reason holding `reason`."""

    kind: str
    name: str = "case.jsonl"
    content: bytes = b""
    status: str = "quarantined"
    check: str | None = None
    reason: str = ""
    n: int = 1
    make: str | None = None


ARABIC = "اندلعت اشتباكات عنيفة في قرية تل رفعت بريف حلب الشمالي وأسفرت عن مقتل ثلاثة مسلحين"

CASES = [
    # --- a JSONL line that is not an article object
    Case("invalid json", content=b"{not json", check="json", reason="invalid JSON"),
    Case("truncated object", content=b'{"id": "bad-1", "text": "', check="json", reason="invalid JSON"),
    Case("trailing garbage", content=js(art()) + b" xyz", check="json", reason="invalid JSON"),
    Case("two objects on one line", content=js(art()) + js(art(id="bad-2")), check="json", reason="invalid JSON"),
    Case("a JSON array", content=b"[1, 2]", check="json", reason="not an object"),
    Case("a JSON string", content=b'"hello"', check="json", reason="not an object"),
    Case("a JSON number", content=b"42", check="json", reason="not an object"),
    Case("JSON null", content=b"null", check="json", reason="not an object"),
    Case("JSON true", content=b"true", check="json", reason="not an object"),
    Case("NUL bytes between tokens", content=b'{"id": "bad-1",\x00 "text": "x"}', check="json", reason="invalid JSON"),
    Case("nested too deeply", content=b'{"id": "bad-1", "text": "x", "m": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         check="json", reason="nested too deeply"),
    Case("line too long", content=b'{"id": "bad-1", "text": "' + b"x" * (MAX_LINE_BYTES + 1) + b'"}',
         check="line_size", reason="exceeds"),
    # --- encodings
    Case("invalid UTF-8", content=b'{"id": "bad-1", "text": "\xff\xfe"}', check="encoding", reason="not UTF-8"),
    Case("Windows-1256 Arabic", content=js(art(text=ARABIC)).decode("utf-8").encode("cp1256"), check="encoding",
         reason="Windows-1256"),
    Case("UTF-16", content=js(art()).decode("utf-8").encode("utf-16"), check="encoding", reason="not UTF-8"),
    Case("Latin-1 accents", content='{"id": "bad-1", "text": "café"}'.encode("latin-1"), check="encoding", reason="not UTF-8"),
    Case("lone surrogate in text", content=b'{"id": "bad-1", "published": "2025-11-12", "text": "\\ud800 x"}',
         check="encoding", reason="surrogate"),
    Case("lone low surrogate in title", content=b'{"id": "bad-1", "published": "2025-11-12", "text": "x", "title": "\\udc00"}',
         check="encoding", reason="surrogate"),
    Case("lone surrogate in metadata", content=b'{"id": "bad-1", "published": "2025-11-12", "text": "x", "tag": "\\udbff"}',
         check="encoding", reason="surrogate"),
    # --- the id
    Case("no id", content=js(art(id=None)), check="id", reason="`id`"),
    Case("empty id", content=js(art(id="")), check="id", reason="`id`"),
    Case("blank id", content=js(art(id="   ")), check="id", reason="`id`"),
    Case("null id", content=b'{"id": null, "published": "2025-11-12", "text": "x"}', check="id", reason="`id`"),
    Case("float id", content=js(art(id=1.5)), check="id", reason="`id`"),
    Case("list id", content=js(art(id=["a"])), check="id", reason="`id`"),
    Case("object id", content=js(art(id={"a": 1})), check="id", reason="`id`"),
    Case("empty object", content=b"{}", check="id", reason="`id`"),
    # --- the text
    Case("no text", content=js(art(text=None)), check="text", reason="`text`"),
    Case("null text", content=b'{"id": "bad-1", "published": "2025-11-12", "text": null}', check="text", reason="`text`"),
    Case("number text", content=js(art(text=5)), check="text", reason="`text`"),
    Case("list text", content=js(art(text=["a", "b"])), check="text", reason="`text`"),
    Case("object text", content=js(art(text={"body": "x"})), check="text", reason="`text`"),
    Case("boolean text", content=js(art(text=True)), check="text", reason="`text`"),
    Case("text too long", content=js(art(text="س" * (MAX_TEXT_CHARS + 1))), check="text", reason="exceeds"),
    # --- the date
    Case("numeric date", content=js(art(published=20251112)), check="published", reason="not a date string"),
    Case("list date", content=js(art(published=["2025-11-12"])), check="published", reason="not a date string"),
    Case("boolean date", content=js(art(published=True)), check="published", reason="not a date string"),
    Case("words for a date", content=js(art(published="yesterday")), check="published", reason="not a date"),
    Case("impossible date", content=js(art(published="2025-13-45")), check="published", reason="not a date"),
    Case("29 February of a common year", content=js(art(published="2025-02-29")), check="published", reason="not a date"),
    Case("Arabic date words", content=js(art(published="أمس")), check="published", reason="not a date"),
    Case("future date", content=js(art(published="2999-01-01")), check="published", reason="in the future"),
    Case("year 1", content=js(art(published="0001-01-01")), check="published", reason="before the first partition"),
    Case("year 1900", content=js(art(published="1900-01-01")), check="published", reason="before the first partition"),
    Case("before the war", content=js(art(published="2010-06-01T12:00:00+03:00")), check="published",
         reason="before the first partition"),
    # --- a second sighting of the good article
    Case("same id as the good article", content=js(art(id="good-1")), status="duplicate", reason="already read"),
    Case("same text as the good article", content=js(art(text=GOOD_TEXT)), status="duplicate", reason="already read"),
    Case("same URL with tracking", content=js(art(url="https://NEWS.example/a/1/?utm_source=x#top")), status="duplicate",
         reason="already read"),
    # --- inbox files
    Case("invalid .json", name="case.json", content=b"{oops", check="json", reason="invalid JSON"),
    Case(".json holding a number", name="case.json", content=b"5", check="json", reason="not an article object"),
    Case(".json list with a non-object", name="case.json", content=b"[1]", check="json", reason="not an object"),
    Case(".json list, one good one bad", name="case.json", content=b"[" + js(art(id="bad-9")) + b', "x"]', n=2,
         status="mixed"),
    Case(".json nested too deeply", name="case.json", content=b"[" * 100_000 + b"]" * 100_000, check="json",
         reason="nested too deeply"),
    Case(".json in Windows-1256", name="case.json", content=js(art(text=ARABIC)).decode("utf-8").encode("cp1256"),
         check="encoding", reason="Windows-1256"),
    Case(".txt not UTF-8", name="case.txt", content=b"title: x\n\n\xff\xfe body", check="encoding", reason="not UTF-8"),
    Case(".txt with a bad date header", name="case.txt", content="date: yesterday\n\nنص الخبر".encode(), check="published",
         reason="not a date"),
    Case(".html empty", name="case.html", content=b"   ", check="html", reason="empty"),
    Case(".html with no article", name="case.html", content=b"<html><body><nav>home</nav></body></html>", check="html"),
    Case("JSON saved as .html", name="case.html", content=js(art()), check="html", reason="JSON"),
    Case("a .pdf", name="case.pdf", content=b"%PDF-1.4 ...", check="file_type", reason="unsupported file type"),
    Case("a .docx", name="case.docx", content=b"PK\x03\x04", check="file_type", reason="unsupported file type"),
    Case("no extension", name="README", content=b"hello", check="file_type", reason="unsupported file type"),
    Case("an executable", name="case.exe", content=b"MZ\x90\x00", check="file_type", reason="unsupported file type"),
    Case("a FIFO", name="pipe.jsonl", make="fifo", check="file", reason="FIFO"),
    Case("a dangling link", name="gone.json", make="dangling", check="file", reason="leads nowhere"),
    Case("a link loop", name="loop.json", make="loop", check="file", reason="leads nowhere"),
    Case("a link to /etc/passwd", name="passwd.txt", make="passwd", check="file", reason="out of the inbox"),
    Case("a link to a folder out of the inbox", name="etc", make="etc", check="file", reason="out of the inbox"),
    Case("same-named bad files in two folders", name="bad.json", make="twins", check="json", reason="invalid JSON", n=2),
]


def _stamp(path: Path, day: date = DAY) -> None:
    ts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=DAMASCUS).timestamp()
    os.utime(path, (ts, ts), follow_symlinks=False)


def _place(inbox: Path, case: Case, tmp: Path) -> None:
    target = inbox / case.name
    if case.make is None:
        target.write_bytes(case.content)
    elif case.make == "fifo":
        os.mkfifo(target)
    elif case.make == "dangling":
        os.symlink(tmp / "nowhere.json", target)
    elif case.make == "loop":
        os.symlink(case.name, target)
    elif case.make == "passwd":
        os.symlink("/etc/passwd", target)
    elif case.make == "etc":
        os.symlink("/etc", target)
    elif case.make == "twins":
        for folder in ("a", "b"):
            (inbox / folder).mkdir()
            (inbox / folder / case.name).write_bytes(b"{not json")
            _stamp(inbox / folder / case.name)
        return
    _stamp(target)


def _feed(tmp_path: Path, cases: list[Case]) -> pl.DataFrame:
    """The ledger rows of every partition the inbox holds (the good article first, then the cases)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "0-good.jsonl").write_bytes(js(GOOD) + b"\n")
    _stamp(inbox / "0-good.jsonl")
    for i, case in enumerate(cases):
        folder = inbox / f"{i:02d}" if len(cases) > 1 else inbox
        folder.mkdir(exist_ok=True)
        _place(folder, case, tmp_path)
    (tmp_path / "sources.yaml").write_text(json.dumps({"inbox": ["inbox"]}), encoding="utf-8")
    config = ingest.SourceConfig.load(tmp_path / "sources.yaml", tmp_path / "seeds")
    days = ingest.partitions_with_articles(config, TZ, today=TODAY)
    raw = pl.concat([ingest.read_partition(config, d, TZ, today=TODAY, fetch=False) for d in days])
    return check_articles(raw)


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_every_bad_record_is_in_the_ledger_and_nothing_else_is_lost(tmp_path, case):
    raw = _feed(tmp_path, [case])
    rows = ledger(raw, pl.DataFrame(schema={"article_id": pl.String}), pl.DataFrame(schema={"article_id": pl.String,
                  "check_name": pl.String, "reason": pl.String}), "test")
    assert rows.height == raw.height  # one ledger row per record read
    assert rows.get_column("article_id").n_unique() == rows.height  # no ledger key twice: nothing overwrites
    good = rows.filter(pl.col("origin") == "0-good.jsonl:1")
    assert good.height == 1 and good.get_column("status").to_list() == ["no_events"]  # the good article is untouched
    fed = raw.filter(pl.col("origin") != "0-good.jsonl:1")
    assert fed.height == case.n, fed.select("origin", "status", "reason").to_dicts()
    for rec in fed.iter_rows(named=True):
        assert rec["partition_date"] >= FIRST
        if case.status == "mixed":
            assert rec["status"] in ("ok", "quarantined")
            continue
        assert rec["status"] == case.status, rec
        assert rec["reason"], rec  # a quarantined or duplicate record always says why
        assert case.reason in rec["reason"], rec["reason"]
        if case.check:
            assert rec["check_name"] == case.check, rec
    if case.status == "mixed":
        assert sorted(fed.get_column("status").to_list()) == ["ok", "quarantined"]
    payloads = "\n".join(str(v) for v in raw.select("text", "raw_payload").to_dicts())
    assert "root:x:0:0" not in payloads  # no content of a file out of the inbox


def test_the_whole_catalogue_in_one_night_balances_its_ledger(project_env, tmp_path, monkeypatch):
    """Every kind at once, through a real run of the nightly job: each partition's ledger balances."""
    from etl_project import warehouse
    from etl_project.config import load_settings
    from tests.conftest import run_partition

    heavy = {"line too long", "text too long"}
    cases = [c for c in CASES if c.kind not in heavy]
    raw = _feed(tmp_path, cases)
    (tmp_path / "sources.yaml").write_text(json.dumps({"inbox": ["inbox"]}), encoding="utf-8")
    monkeypatch.setenv("ETL_SOURCES", str(tmp_path / "sources.yaml"))
    settings = load_settings()
    days = sorted(set(raw.get_column("partition_date").to_list()))
    for day in days:
        result = run_partition(settings, day.isoformat())
        balance = [ev for ev in result.get_asset_check_evaluations() if ev.check_name == "ledger_balances"]
        assert balance and all(ev.passed for ev in balance), [ev.metadata for ev in balance]
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        n, no_reason = con.execute("SELECT count(*), count(*) FILTER (status <> 'events' AND status <> 'no_events' "
                                   "AND (reason IS NULL OR reason = '')) FROM articles").fetchone()
        stored = con.execute("SELECT string_agg(coalesce(text, ''), '') FROM articles").fetchone()[0] or ""
        stored += con.execute("SELECT string_agg(coalesce(raw_payload, ''), '') FROM quarantine").fetchone()[0] or ""
    assert n == raw.height == 1 + sum(c.n for c in cases) and no_reason == 0
    assert "root:x:0:0" not in stored
