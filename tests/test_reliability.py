"""Survived faults: bad input through the whole pipeline, and a run killed during the warehouse write.

One JSONL file holds every kind of bad line the pipeline must survive, plus a few good articles; one
real Dagster materialisation of its partition loads a temporary DuckDB file. Then every line of the
file must be accounted for: a row in `articles` with its status, and a quarantined one with a reason
(and its row in `quarantine`); the good articles must have their events, at their places.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from etl_project import warehouse
from tests.conftest import km, run_partition, seeds_only_sources, table_rows

DAY = "2025-11-12"
TZ = ZoneInfo("Asia/Damascus")
# a day-long partition that has ended, in the project's timezone, before today on any clock we run on
FUTURE = (datetime.now(TZ).date() + timedelta(days=40)).isoformat()

# Known places (the shipped gazetteer's coordinates; the full gazetteer puts them within a few km).
TAFAS = (32.736, 36.067)
SARAQIB = (35.864, 36.806)
MAYADIN = (35.021, 40.453)
MANBIJ = (36.527, 37.956)


_SIGNED = iter(range(10_000))


def _signature() -> str:
    """A closing line unique to each text, so that no two cases are duplicates of each other by text."""
    code = "".join("ابتثجحخدذر"[int(d)] for d in f"{next(_SIGNED):04d}")
    return f"وفي ختام التقرير: رمز الخبر {code}."


def incident(place: str, gov: str, extra: str = "", when: str = "مساء أمس الثلاثاء") -> str:
    """A short report of a shooting at `place`, in the seeds' style."""
    return (f"{gov} - قُتل شاب في مدينة {place} بريف {gov}، {when}، إثر استهدافه بإطلاق نار مباشر "
            f"من قبل مسلحين مجهولين كانوا يستقلون دراجة نارية قرب دوار البلدية.{extra}\n"
            "وقالت مصادر محلية إن الشاب فارق الحياة قبل وصوله إلى المستشفى، فيما لاذ المهاجمون بالفرار إلى جهة مجهولة.\n"
            + _signature())


def bomb(place: str, gov: str, toll: str = "قتل عنصران") -> str:
    return (f"{gov} - {toll} من وزارة الدفاع وأصيب ثلاثة آخرون، صباح اليوم الأربعاء، جراء انفجار عبوة ناسفة "
            f"استهدفت سيارة عسكرية على الطريق الرئيسي عند المدخل الغربي لمدينة {place} في ريف {gov} الشرقي.\n"
            "ولم تعلن أي جهة مسؤوليتها عن التفجير حتى ساعة إعداد هذا الخبر.\n" + _signature())


NEWS_FILLER = "وتشهد المنطقة توترا أمنيا متصاعدا منذ أشهر بسبب انتشار السلاح وضعف الخدمات الأساسية في القرى. "


def obj(id_, text, **kw) -> dict:
    return {"id": id_, "text": text, "published": DAY, **kw}


def line(o, ensure_ascii: bool = False) -> bytes:
    return json.dumps(o, ensure_ascii=ensure_ascii).encode("utf-8")


def json_body(text: str) -> bytes:
    """The inside of a JSON string literal for `text`, to splice into hand-written lines."""
    return json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8")


def nested(depth: int) -> bytes:
    return b'{"id": "deep", "published": "' + DAY.encode() + b'", "text": "x", "meta": ' + b"[" * depth + b"]" * depth + b"}"


GOOD_TEXT = incident("طفس", "درعا")

# (label, the bytes of the line, expectation). Expectations:
#   ("events", (lat, lon))    read, with at least one event within 15 km of the place
#   ("read",)                 read (events or no_events), never quarantined
#   ("quarantined", word)     quarantined, its reason containing `word`
#   ("duplicate",)            recorded as a duplicate of an earlier line
#   ("accounted",)            any status, as long as it is recorded with a reason if quarantined
CASES: list[tuple[str, bytes, tuple]] = [
    ("good article", line(obj("good-1", GOOD_TEXT)), ("events", TAFAS)),
    ("good article, CRLF line ending and CRLF inside the text",
     line(obj("crlf", bomb("الميادين", "دير الزور").replace("\n", "\r\n"))) + b"\r", ("events", MAYADIN)),
    ("BOM at the start of the line", "\ufeff".encode() + line(obj("bom", incident("سراقب", "إدلب"))), ("events", SARAQIB)),
    ("ASCII-escaped JSON (\\uXXXX for every Arabic letter)", line(obj("escaped", bomb("منبج", "حلب")), ensure_ascii=True),
     ("events", MANBIJ)),
    ("malformed JSON (cut in the middle)", b'{"id": "broken", "text": "\xd9\x86\xd8\xb5 \xd9\x85\xd9\x82', ("quarantined", "JSON")),
    ("trailing garbage after the object", line(obj("trailing", "نص")) + b" xyz", ("quarantined", "JSON")),
    ("latin-1 bytes", json.dumps(obj("latin1", "Le café près de la rivière était fermé, déjà à l'été."),
                                 ensure_ascii=False).encode("latin-1"), ("quarantined", "UTF-8")),
    ("cp1256 bytes (Arabic in the Windows code page)",
     json.dumps(obj("cp1256", incident("طفس", "درعا")), ensure_ascii=False).encode("cp1256"), ("quarantined", "1256")),
    ("escaped NUL characters inside the text", line(obj("nul-escaped", incident("سراقب", "إدلب", extra="\x00\x00"))),
     ("events", SARAQIB)),
    ("raw NUL byte in the line", b'{"id": "nul-raw", "text": "\x00"}', ("quarantined", "JSON")),
    ("10 MB body", line(obj("huge", "قتل " * 2_600_000)), ("quarantined", "exceeds")),
    ("very long line of text just over the article limit", line(obj("long", NEWS_FILLER * 2200)), ("quarantined", "exceeds")),
    ("text only whitespace", line(obj("blank", " \t\n\u3000 ")), ("quarantined", "whitespace")),
    # an empty text has the fingerprint of the blank one above, so ingestion marks it as its duplicate
    ("text empty", line(obj("empty", "")), ("quarantined", "whitespace")),
    ("only Latin text", line(obj("latin", "Gunmen killed a man in Tafas last night. " * 5)), ("quarantined", "Arabic")),
    ("only digits and punctuation", line(obj("digits", "123 456, 789! ٣٤٥ -- ... " * 10)), ("quarantined", "Arabic")),
    ("mixed scripts inside an Arabic report",
     line(obj("mixed", incident("الميادين", "دير الزور", extra=" (Reuters/رويترز) Москва שלום Ελλάδα 中文"))), ("read",)),
    ("emoji around and inside the report",
     line(obj("emoji", "🔴 عاجل 🔴 " + incident("طفس", "درعا", extra=" 😢💔🇸🇾"))), ("events", TAFAS)),
    ("RLM, ZWJ, ZWNJ and tatweel inside the place name",
     line(obj("zw-place", incident("س\u200fرا\u200dق\u200cـب", "إدلب"))), ("events", SARAQIB)),
    ("LRM/RLE bidi controls around the place name",
     line(obj("bidi-place", bomb("\u202b\u200eالميادين\u202c", "دير الزور"))), ("events", MAYADIN)),
    ("a day that does not exist: 31 شباط",
     line(obj("feb31", incident("منبج", "حلب", when="في 31 شباط الماضي"))), ("accounted",)),
    ("a year far in the future inside the text",
     line(obj("year3025", incident("منبج", "حلب", when="في 5 آذار 3025"))), ("accounted",)),
    ("absurd casualty figure in digits",
     line(obj("absurd", bomb("الميادين", "دير الزور", toll="قتل 999999999 شخص"))), ("accounted",)),
    ("casualty figure beyond 64 bits",
     line(obj("absurd-64", bomb("منبج", "حلب", toll="قتل 99999999999999999999999 شخص"))), ("accounted",)),
    ("HTML and script payload in text and title",
     line(obj("html", "<script>alert('x')</script><b>" + incident("طفس", "درعا") + "</b><img src=x onerror=alert(1)>",
              title="<script>document.cookie</script>")), ("read",)),
    ("SQL-looking id", line(obj("1'; DROP TABLE events;--", bomb("منبج", "حلب"))), ("events", MANBIJ)),
    ("duplicate id (a different text under an id already read)",
     line(obj("good-1", incident("سراقب", "إدلب", extra=" " + NEWS_FILLER))), ("duplicate",)),
    ("the same text again under another id, with other spacing and diacritics",
     line(obj("good-1-copy", "  " + GOOD_TEXT.replace(" ", "  ").replace("قتل", "قَتَل"))), ("duplicate",)),
    ("id as a number", line({"id": 123456, "text": incident("طفس", "درعا", extra=" " + NEWS_FILLER), "published": DAY}),
     ("events", TAFAS)),
    ("id as a fraction", line({"id": 1.5, "text": "نص", "published": DAY}), ("quarantined", "id")),
    ("id missing", line({"text": incident("طفس", "درعا"), "published": DAY}), ("quarantined", "id")),
    ("id empty", line(obj("  ", "نص")), ("quarantined", "id")),
    ("id of 600 characters", line(obj("x" * 600, incident("منبج", "حلب", extra=" " + NEWS_FILLER * 2))), ("quarantined", "article_id")),
    ("published as a number", line({"id": "pub-number", "text": "نص", "published": 20251112}), ("quarantined", "published")),
    ("published is garbage", line({"id": "pub-garbage", "text": "نص", "published": "أمس بعد الظهر"}), ("quarantined", "published")),
    ("published in the future", line({"id": "pub-future", "text": "نص", "published": FUTURE}), ("quarantined", "future")),
    ("published in year 3025", line({"id": "pub-3025", "text": "نص", "published": "3025-11-12"}), ("quarantined", "future")),
    ("published as a date-time in UTC (the evening before, Damascus is ahead)",
     line({"id": "pub-utc", "text": bomb("منبج", "حلب"), "published": "2025-11-11T22:30:00Z"}), ("read",)),
    ("published missing (the file's day is used)", line({"id": "no-published", "text": incident("سراقب", "إدلب", extra=" " + NEWS_FILLER)}),
     ("read",)),
    ("text missing", line({"id": "no-text", "published": DAY}), ("quarantined", "text")),
    ("text as a list", line({"id": "text-list", "text": ["قتل", "شاب"], "published": DAY}), ("quarantined", "text")),
    ("text as an object", line({"id": "text-obj", "text": {"ar": "قتل شاب"}, "published": DAY}), ("quarantined", "text")),
    ("text null", line({"id": "text-null", "text": None, "published": DAY}), ("quarantined", "text")),
    ("title and source as numbers and lists",
     line(obj("odd-meta", bomb("الميادين", "دير الزور", toll="قتل ثلاثة عناصر"), title=42, source=["a", "b"], url=7)), ("read",)),
    ("extra unknown keys (kept as metadata)",
     line(obj("extra-keys", incident("منبج", "حلب", extra=" " + NEWS_FILLER), author="مراسل", tags=["أمن"], views=12)),
     ("events", MANBIJ)),
    ("a JSON array instead of an object", line([obj("in-array", "نص")]), ("quarantined", "list")),
    ("a JSON string", b'"just a string"', ("quarantined", "str")),
    ("a JSON number", b"42", ("quarantined", "int")),
    ("JSON null", b"null", ("quarantined", "NoneType")),
    ("deeply nested JSON (100,000 levels)", nested(100_000), ("quarantined", "")),
    ("a lone surrogate escaped in the text", b'{"id": "surrogate", "published": "' + DAY.encode() + b'", "text": "\\ud800 '
     + json_body(incident("طفس", "درعا")) + b'"}', ("accounted",)),
    ("NaN and Infinity in unknown keys", b'{"id": "nan", "published": "' + DAY.encode() + b'", "score": NaN, "w": Infinity, "text": "'
     + json_body(bomb("منبج", "حلب", toll="قتل عنصر")) + b'"}', ("read",)),
    ("Arabic presentation forms (old PDF text)",
     line(obj("presentation", "ﻗﺘﻞ ﺷﺎﺏ ﺑﺮﺻﺎﺹ ﻣﺠﻬﻮﻟﻴﻦ " + incident("طفس", "درعا", extra=" " + NEWS_FILLER))), ("read",)),
    ("terminal escape sequences and other control characters",
     line(obj("controls", "\x1b[31m\x07" + incident("الميادين", "دير الزور", extra=" \x1b[0m\x0b\x0c" + NEWS_FILLER))), ("read",)),
    ("whitespace-only line (skipped, it is not a record)", b"   \t ", ("skipped",)),
]


def write_cases(path: Path) -> list[tuple[int, str, tuple]]:
    """The JSONL file: empty lines between the cases; returns (line number, label, expectation)."""
    numbered = []
    with open(path, "wb") as fh:
        lineno = 0
        for label, raw, expect in CASES:
            fh.write(raw + b"\n")
            lineno += 1
            numbered.append((lineno, label, expect))
            if lineno % 7 == 0:
                fh.write(b"\n")  # empty lines are not records
                lineno += 1
    return numbered


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The bad-input file materialised once, through Dagster, into a fresh warehouse."""
    tmp = tmp_path_factory.mktemp("reliability")
    articles_dir = tmp / "articles"
    articles_dir.mkdir()
    path = articles_dir / "incoming.jsonl"
    numbered = write_cases(path)
    # records without a usable date belong to the day the file was received: its modification time
    noon = datetime.fromisoformat(DAY).replace(hour=12, tzinfo=TZ).timestamp()
    os.utime(path, (noon, noon))
    env = {"ETL_WAREHOUSE": str(tmp / "events.duckdb"), "ETL_SEEDS_DIR": str(articles_dir),
           "ETL_SOURCES": str(seeds_only_sources(tmp)), "DAGSTER_HOME": str(tmp / "dagster_home")}
    (tmp / "dagster_home").mkdir()
    mp = pytest.MonkeyPatch()
    for k, v in env.items():
        mp.setenv(k, v)
    try:
        from etl_project.config import load_settings

        settings = load_settings()
        result = run_partition(settings, DAY)
    finally:
        mp.undo()
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        articles = con.sql("SELECT * FROM articles").pl().to_dicts()
        events = con.sql("SELECT * FROM event_mentions").pl().to_dicts()
        quarantine = con.sql("SELECT * FROM quarantine").pl().to_dicts()
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {"numbered": numbered, "articles": articles, "events": events, "quarantine": quarantine, "tables": tables,
            "result": result, "path": path, "settings": settings}


def test_there_are_at_least_thirty_kinds_of_bad_input():
    bad = [c for c in CASES if c[2][0] not in ("events",) and not c[0].startswith("good")]
    assert len(bad) >= 30, len(bad)


def test_every_line_is_accounted_for_in_the_ledger(loaded):
    by_origin = {a["origin"]: a for a in loaded["articles"]}
    missing = [f"{n}: {label}" for n, label, exp in loaded["numbered"] if exp[0] != "skipped" and f"incoming.jsonl:{n}" not in by_origin]
    assert missing == []
    records = [x for x in loaded["numbered"] if x[2][0] != "skipped"]
    assert len(loaded["articles"]) == len(records)  # no line counted twice, empty lines not counted
    for a in loaded["articles"]:
        assert a["status"] in ("events", "no_events", "duplicate", "quarantined"), a["origin"]
        if a["status"] == "quarantined":
            assert a["reason"] and a["reason"].strip(), a["origin"]


def test_each_kind_of_line_has_the_expected_outcome(loaded):
    by_origin = {a["origin"]: a for a in loaded["articles"]}
    events_of: dict[str, list[dict]] = {}
    for e in loaded["events"]:
        events_of.setdefault(e["article_id"], []).append(e)
    wrong = []
    for n, label, expect in loaded["numbered"]:
        if expect[0] == "skipped":
            continue
        rec = by_origin[f"incoming.jsonl:{n}"]
        status, reason = rec["status"], rec["reason"] or ""
        kind = expect[0]
        if kind == "events":
            near = [e for e in events_of.get(rec["article_id"], [])
                    if e["latitude"] is not None and km(*expect[1], e["latitude"], e["longitude"]) <= 15]
            if status != "events" or not near:
                wrong.append(f"{label}: {status} {reason!r}, events at "
                             f"{[(e['location_name_en'], e['latitude']) for e in events_of.get(rec['article_id'], [])]}")
        elif kind == "read" and status not in ("events", "no_events"):
            wrong.append(f"{label}: expected read, got {status} {reason!r}")
        elif kind == "quarantined" and (status != "quarantined" or expect[1].lower() not in reason.lower()):
            wrong.append(f"{label}: expected quarantined for {expect[1]!r}, got {status} {reason!r}")
        elif kind == "quarantined_or_duplicate" and not (status == "duplicate" or (status == "quarantined" and expect[1] in reason)):
            wrong.append(f"{label}: expected quarantined or duplicate, got {status} {reason!r}")
        elif kind == "duplicate" and (status != "duplicate" or not rec["duplicate_of"]):
            wrong.append(f"{label}: expected duplicate, got {status}")
    assert wrong == [], "\n".join(wrong)


def test_every_quarantined_article_has_its_row_in_quarantine(loaded):
    q_by_article: dict[str | None, list[dict]] = {}
    for q in loaded["quarantine"]:
        assert q["reason"] and q["check_name"], q
        q_by_article.setdefault(q["article_id"], []).append(q)
    quarantined = [a for a in loaded["articles"] if a["status"] == "quarantined"]
    with_id = [a for a in quarantined if a["article_id"] in q_by_article]
    raw_rows = [q for q in loaded["quarantine"] if q["asset"] == "raw_articles"]
    # rows without an article id are matched by count: one quarantine row per quarantined ledger row
    assert len(raw_rows) + sum(1 for q in loaded["quarantine"] if q["asset"] == "extracted_incidents") >= len(quarantined)
    assert len(with_id) + sum(1 for q in raw_rows if q["article_id"] is None) >= len(quarantined)


def test_the_ledger_check_passed_and_no_table_was_dropped(loaded):
    checks = {e.check_name: e.passed for e in loaded["result"].get_asset_check_evaluations()}
    assert checks["ledger_balances"]
    assert {"articles", "events", "event_mentions", "event_sources", "quarantine"} <= loaded["tables"]


def test_no_event_is_dated_after_its_article_was_published(loaded):
    published = {a["article_id"]: a["partition_date"] for a in loaded["articles"]}
    late = [(e["article_id"], e["event_date"]) for e in loaded["events"]
            if e["event_date"] is not None and e["event_date"] > published[e["article_id"]]]
    assert late == []
    assert all(e["event_date"] is None or e["event_date"].year < 3000 for e in loaded["events"])


def test_absurd_casualty_figures_never_reach_the_warehouse_unexplained(loaded):
    for aid in ("absurd", "absurd-64"):
        for e in (e for e in loaded["events"] if e["article_id"] == aid):
            assert 0 <= e["fatalities"] <= 1500, e
        rec = next(a for a in loaded["articles"] if a["article_id"] == aid)
        rejected = [q for q in loaded["quarantine"] if q["article_id"] == aid]
        # the figure is either rejected with a reason that names it, or the article is quarantined with one
        assert rec["status"] == "quarantined" or any("fatalities" in q["reason"] for q in rejected), (rec, rejected)


def test_ids_and_payloads_are_stored_verbatim_not_executed(loaded):
    ids = {a["article_id"] for a in loaded["articles"]}
    assert "1'; DROP TABLE events;--" in ids
    assert "123456" in ids
    html = next(a for a in loaded["articles"] if a["article_id"] == "html")
    assert html["title"] == "<script>document.cookie</script>" and "<script>" in html["text"]


def test_unknown_keys_are_kept_as_metadata(loaded):
    rec = next(a for a in loaded["articles"] if a["article_id"] == "extra-keys")
    assert json.loads(rec["metadata"]) == {"author": "مراسل", "tags": ["أمن"], "views": 12}


def test_an_article_without_a_date_says_its_day_was_assumed(loaded):
    rec = next(a for a in loaded["articles"] if a["article_id"] == "no-published")
    assert rec["published_assumed"] is True and rec["partition_date"].isoformat() == DAY


def test_evidence_offsets_point_into_the_original_text(loaded):
    texts = {a["article_id"]: a["text"] for a in loaded["articles"]}
    for e in loaded["events"]:
        assert texts[e["article_id"]][e["evidence_start"]:e["evidence_end"]] == e["evidence"], e["article_id"]


# ---------------------------------------------------------------- a run killed during the warehouse write

# Loaded into `etl-project run`'s process through sitecustomize. ETL_TEST_HOLD_WRITE says where the
# writer stops: "before_commit" once the partition's transaction has deleted and inserted every row
# (DuckDB keeps an open transaction in memory: nothing of it is on disk yet, not even in the WAL), or
# "after_commit" once COMMIT has returned and before the connection closes (the rows are in the WAL,
# not yet checkpointed into the file). It says so on stderr and sleeps; the test sends SIGKILL.
HOLD_IN_WRITE = """
import os, sys, time
_point = os.environ.get("ETL_TEST_HOLD_WRITE")
if _point:
    from etl_project import warehouse

    def _hold():
        sys.stderr.write("HOLDING-WRITE\\n")
        sys.stderr.flush()
        time.sleep(120)

    if _point == "before_commit":
        _remerge = warehouse._remerge
        def _remerge_then_hold(*args, **kwargs):
            out = _remerge(*args, **kwargs)
            _hold()
            return out
        warehouse._remerge = _remerge_then_hold
    else:
        _write = warehouse.load_partition
        def _write_then_hold(*args, **kwargs):
            out = _write(*args, **kwargs)
            _hold()
            return out
        warehouse.load_partition = _write_then_hold
"""


def _lock_is_held(lock_path: Path) -> bool:
    import fcntl

    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


TABLES = {"articles": "article_id", "events": "event_id", "event_sources": "event_id, mention_id",
          "event_mentions": "mention_id", "quarantine": "quarantine_id", "partition_loads": "partition_date, loaded_at"}


def _kill_run_while_writing(db: Path, day: str, point: str, hook_dir: Path) -> None:
    """Start `etl-project run --date day`, wait until it holds the writer lock at `point`, SIGKILL it."""
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(HOLD_IN_WRITE, encoding="utf-8")
    env = {**os.environ, "ETL_TEST_HOLD_WRITE": point,
           "PYTHONPATH": os.pathsep.join([str(hook_dir), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    proc = subprocess.Popen([sys.executable, "-m", "etl_project.cli", "run", "--date", day], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        said = ""
        while "HOLDING-WRITE" not in said:
            got = proc.stderr.readline()
            assert got, f"the run ended before writing (exit {proc.poll()}): {said[-2000:]}"
            said += got
        assert _lock_is_held(db.with_name(db.name + ".lock"))
        wal = db.with_name(db.name + ".writer.wal")  # the writers' own file (store.writer_path)
        if point == "after_commit":
            assert wal.exists() and wal.stat().st_size > 0  # committed, not yet checkpointed
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not _lock_is_held(db.with_name(db.name + ".lock"))  # the kernel released it with the process


def _seed_days(project_env, *days: str) -> dict[str, int]:
    from tests.conftest import SEEDS, read_jsonl, write_jsonl

    seeds = [a for a in read_jsonl(SEEDS / "articles.jsonl") if a["published"] in days]
    write_jsonl(project_env.seeds_dir / "articles.jsonl", seeds)
    return {d: sum(1 for a in seeds if a["published"] == d) for d in days}


def _run_cli(day: str) -> None:
    done = subprocess.run([sys.executable, "-m", "etl_project.cli", "run", "--date", day], env=dict(os.environ),
                          capture_output=True, text=True, timeout=600)
    # 0, or 1 when a check failed (a WARN or ERROR check): either way the run itself completed
    assert done.returncode in (0, 1) and "FAILED (run" not in done.stderr, done.stderr[-2000:]


def test_etl_project_run_killed_before_commit_leaves_the_warehouse_unchanged(project_env, tmp_path):
    day1, day2 = "2025-11-10", "2025-11-11"
    counts = _seed_days(project_env, day1, day2)
    db = project_env.warehouse_path
    run_partition(project_env, day1)
    before = {t: table_rows(db, t, o) for t, o in TABLES.items()}

    _kill_run_while_writing(db, day2, "before_commit", tmp_path / "hook")

    assert {t: table_rows(db, t, o) for t, o in TABLES.items()} == before
    _run_cli(day2)  # and the next run completes
    with warehouse.connect(db, read_only=True) as con:
        by_day = dict(con.execute("SELECT partition_date::VARCHAR, count(*) FROM articles GROUP BY 1").fetchall())
        loads = con.execute("SELECT count(*) FROM partition_loads WHERE partition_date = ?", [day2]).fetchone()[0]
    assert by_day == counts and loads == 1


def test_etl_project_run_killed_after_commit_keeps_the_whole_partition(project_env, tmp_path):
    day = "2025-11-12"
    counts = _seed_days(project_env, day)
    db = project_env.warehouse_path

    _kill_run_while_writing(db, day, "after_commit", tmp_path / "hook")

    # the WAL is replayed on the next open: the partition is there whole, its ledger balanced
    with warehouse.connect(db, read_only=True) as con:
        n_articles = con.execute("SELECT count(*) FROM articles WHERE partition_date = ?", [day]).fetchone()[0]
        load = con.execute("SELECT articles_in, events + no_events + duplicates + quarantined FROM partition_loads").fetchall()
        orphans = con.execute("SELECT count(*) FROM event_sources WHERE event_id NOT IN (SELECT event_id FROM events)").fetchone()[0]
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert n_articles == counts[day] and load == [(n_articles, n_articles)] and orphans == 0 and n_events > 0
    after_kill = {t: table_rows(db, t, o) for t, o in TABLES.items() if t != "partition_loads"}
    _run_cli(day)  # the next run completes, and re-running the partition changes nothing
    assert {t: table_rows(db, t, o) for t, o in TABLES.items() if t != "partition_loads"} == after_kill
