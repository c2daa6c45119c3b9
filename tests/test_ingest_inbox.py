"""Files dropped in the inbox: every kind is read, every bad one is a quarantined record with its reason,
and the rest of the batch goes on. Real files on disk, read through ingest.read_partition and the
RawArticle contract (pipeline.check_articles)."""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from etl_project import ingest
from etl_project.pipeline import check_articles
from etl_project.sources.files import MAX_FILE_BYTES, split_header

TZ = "Asia/Damascus"
DAMASCUS = ZoneInfo(TZ)
TODAY = date(2025, 11, 25)
RECEIVED = date(2025, 11, 20)

CLASH = (
    "اندلعت اشتباكات عنيفة فجر اليوم بين مجموعتين مسلحتين في قرية تل رفعت بريف حلب الشمالي، استمرت عدة ساعات "
    "وأسفرت عن مقتل ثلاثة مسلحين وإصابة خمسة آخرين بجروح متفاوتة. وقالت مصادر محلية إن الاشتباكات بدأت بعد "
    "خلاف على نقطة تفتيش عند مدخل القرية."
)
ARREST = (
    "اعتقلت دورية تابعة لجهاز الأمن العام ثلاثة أشخاص في مدينة السلمية بريف حماة الشرقي مساء أمس، بتهمة الاتجار "
    "بالأسلحة، وصادرت من منزل أحدهم بنادق آلية وذخائر متنوعة، بحسب بيان رسمي نشر صباح اليوم."
)
FLOOD = (
    "غمرت مياه الأمطار الغزيرة عشرات الخيام في مخيمات النازحين قرب بلدة أطمة شمالي إدلب خلال الليلة الماضية، "
    "وعملت فرق الدفاع المدني على فتح قنوات لتصريف المياه ونقل العائلات المتضررة إلى مراكز إيواء مؤقتة."
)
MARKET = (
    "شهدت أسواق مدينة اللاذقية ارتفاعاً ملحوظاً في أسعار الخضار والفواكه خلال الأسبوع الجاري، وعزا التجار ذلك "
    "إلى ارتفاع تكاليف النقل وتراجع الكميات الواردة من المحافظات الأخرى بسبب سوء الأحوال الجوية."
)


def drop(folder: Path, name: str, content: str | bytes, received: date = RECEIVED) -> Path:
    """A file dropped in the inbox on `received` (its modification time, 10:00 in Damascus)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    ts = datetime(received.year, received.month, received.day, 10, 0, tzinfo=DAMASCUS).timestamp()
    os.utime(path, (ts, ts))
    return path


def config_for(tmp_path: Path, jsonl: list[str] | None = None) -> ingest.SourceConfig:
    (tmp_path / "sources.yaml").write_text(
        json.dumps({"jsonl": jsonl or [], "inbox": ["inbox"], "data_dir": "data"}), encoding="utf-8")  # JSON is YAML
    return ingest.SourceConfig.load(tmp_path / "sources.yaml", tmp_path / "seeds")


def read_all(config, days: list[date]) -> pl.DataFrame:
    return check_articles(pl.concat([ingest.read_partition(config, d, TZ, today=TODAY, fetch=False) for d in days]))


def by_origin(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["origin"]: r for r in frame.iter_rows(named=True)}


@pytest.fixture
def inbox(tmp_path):
    return tmp_path / "inbox"


def test_each_kind_of_dropped_file_becomes_articles(tmp_path, inbox):
    drop(inbox, "wire.jsonl", json.dumps({"id": "w-1", "text": CLASH, "published": "2025-11-18", "source": "wire"}, ensure_ascii=False) + "\n")
    drop(inbox, "one.json", json.dumps({"id": "j-1", "text": ARREST, "published": "2025-11-19T21:45:00Z", "title": "اعتقالات في السلمية"},
                                       ensure_ascii=False))
    drop(inbox, "many.json", json.dumps([{"id": "j-2", "text": FLOOD, "published": "2025-11-18"}, 7], ensure_ascii=False))
    drop(inbox, "note.txt", f"title: غلاء في أسواق اللاذقية\ndate: 2025-11-17\nsource: مراسل محلي\nurl: https://news.example/lat/1\n\n{MARKET}\n")
    drop(inbox, "page.html", "<html lang='ar'><head><meta charset='utf-8'><title>الصفحة</title>"
         "<meta name='date' content='2025-11-18'><link rel='canonical' href='https://news.example/aleppo/9'></head>"
         f"<body><nav>الرئيسية أخبار</nav><article><h1>فيضان في أطمة</h1><p>{FLOOD.replace('أطمة', 'أطمة المجاورة')}</p></article>"
         "<footer>حقوق النشر</footer></body></html>")
    config = config_for(tmp_path)
    assert ingest.partitions_with_articles(config, TZ, today=TODAY) == [date(2025, 11, 17), date(2025, 11, 18), date(2025, 11, 20)]
    rows = by_origin(read_all(config, [date(2025, 11, 17), date(2025, 11, 18), date(2025, 11, 20)]))

    assert rows["wire.jsonl:1"]["status"] == "ok" and rows["wire.jsonl:1"]["source"] == "wire"
    # 21:45 UTC on the 19th is 00:45 on the 20th in Damascus
    assert rows["one.json"]["partition_date"] == date(2025, 11, 20) and rows["one.json"]["title"] == "اعتقالات في السلمية"
    assert rows["many.json[0]"]["status"] == "ok"
    assert rows["many.json[1]"]["status"] == "quarantined" and "not an object" in rows["many.json[1]"]["reason"]
    note = rows["note.txt"]
    assert (note["status"], note["title"], note["published"], note["source"], note["url"]) == (
        "ok", "غلاء في أسواق اللاذقية", "2025-11-17", "مراسل محلي", "https://news.example/lat/1")
    assert note["text"] == MARKET and note["article_id"].startswith("txt-")
    page = rows["page.html"]
    assert page["status"] == "ok" and page["partition_date"] == date(2025, 11, 18)
    assert page["title"] == "فيضان في أطمة" and page["text"].startswith("غمرت مياه الأمطار") and "حقوق النشر" not in page["text"]
    assert page["url"] == "https://news.example/aleppo/9" and page["article_id"].startswith("html-")


def test_an_undated_file_lands_on_the_day_it_was_received_and_says_so(tmp_path, inbox):
    drop(inbox, "undated.txt", CLASH, received=RECEIVED)
    frame = read_all(config_for(tmp_path), [RECEIVED])
    row = frame.row(0, named=True)
    assert (row["status"], row["partition_date"], row["published_assumed"], row["published"]) == ("ok", RECEIVED, True, None)


def test_derived_ids_are_stable_across_runs(tmp_path, inbox):
    drop(inbox, "a.txt", CLASH)
    config = config_for(tmp_path)
    first = ingest.read_partition(config, RECEIVED, TZ, today=TODAY)["article_id"].to_list()
    (inbox / "a.txt").rename(inbox / "b.txt")
    assert ingest.read_partition(config, RECEIVED, TZ, today=TODAY)["article_id"].to_list() == first


def test_bad_input_is_quarantined_with_a_clear_reason_and_the_batch_goes_on(tmp_path, inbox):
    drop(inbox, "lines.jsonl", "\n".join([
        json.dumps({"id": "good", "text": CLASH, "published": "2025-11-20"}, ensure_ascii=False),
        '{"id": "cut", "text": "نص مقطوع',                                                          # invalid JSON
        json.dumps({"id": "later", "text": ARREST, "published": "2026-03-01"}, ensure_ascii=False),  # in the future
        json.dumps({"id": "words", "text": FLOOD, "published": "yesterday"}, ensure_ascii=False),    # not a date
        json.dumps({"text": MARKET}, ensure_ascii=False),                                            # no id
    ]).encode("utf-8") + b"\n" + json.dumps({"id": "cp", "text": "خبر"}, ensure_ascii=False).encode("cp1256") + b"\n")
    drop(inbox, "windows.txt", ("title: خبر\n\n" + ARREST).encode("cp1256"))     # wrong encoding
    drop(inbox, "empty-body.txt", "title: خبر بلا نص\ndate: 2025-11-20\n\n   \n")  # empty body
    drop(inbox, "english.txt", "Heavy rain flooded dozens of tents near the camps this week, officials said. " * 3)  # not Arabic
    drop(inbox, "menu.html", "<html><head><meta charset='utf-8'><title>الرئيسية</title></head>"
         "<body><nav><a href='/'>الرئيسية</a> <a href='/a'>أخبار</a></nav></body></html>")  # HTML with no article
    drop(inbox, "broken.json", '{"id": "x", "text": ')                                # invalid JSON file
    drop(inbox, "scan.pdf", b"%PDF-1.7 ...")                                          # a kind we do not read
    huge = inbox / "dump.json"
    with open(huge, "wb") as fh:                                                      # a huge file (sparse: instant)
        fh.write(b'[{"id": "big", "text": "')
        fh.truncate(MAX_FILE_BYTES + 1)
    os.utime(huge, (datetime(2025, 11, 20, 10, tzinfo=DAMASCUS).timestamp(),) * 2)
    drop(inbox, ".hidden.json", "{}")                                                 # not read: hidden
    drop(inbox, "arriving.json.part", "{")                                            # not read: still being written

    frame = read_all(config_for(tmp_path), [RECEIVED])
    rows = by_origin(frame)
    expected = {
        "lines.jsonl:2": ("json", "invalid JSON"),
        "lines.jsonl:3": ("published", "2026-03-01 is in the future"),
        "lines.jsonl:4": ("published", "is not a date: 'yesterday'"),
        "lines.jsonl:5": ("id", "missing or empty `id`"),
        "lines.jsonl:6": ("encoding", "not UTF-8"),
        "windows.txt": ("encoding", "Windows-1256"),
        "empty-body.txt": ("text_not_blank", "text is empty"),
        "english.txt": ("text_is_arabic", "no Arabic letters"),
        "menu.html": ("html", "no article text found"),
        "broken.json": ("json", "invalid JSON"),
        "scan.pdf": ("file_type", "unsupported file type '.pdf'"),
        "dump.json": ("file_size", f"exceeds {MAX_FILE_BYTES}"),
    }
    for origin, (check, needle) in expected.items():
        row = rows[origin]
        assert row["status"] == "quarantined", origin
        assert check in row["check_name"] and needle in row["reason"], (origin, row["check_name"], row["reason"])
        assert row["raw_payload"] is not None, origin  # what came in is kept
        assert row["partition_date"] == RECEIVED, origin  # bad input is found on the day it arrived
    assert rows["lines.jsonl:1"]["status"] == "ok"
    assert ".hidden.json" not in rows and "arriving.json.part" not in rows
    assert frame.height == len(expected) + 1  # nothing lost, nothing invented


def test_the_same_article_from_two_kinds_of_source_is_read_once(tmp_path, inbox):
    seeds = tmp_path / "seeds"
    drop(seeds, "articles.jsonl", json.dumps(
        {"id": "s-1", "text": CLASH, "published": "2025-11-20", "url": "https://News.Example/aleppo/1/"}, ensure_ascii=False) + "\n")
    # the same text with other spacing and diacritics, as a text file
    drop(inbox, "copy.txt", "date: 2025-11-20\n\n" + CLASH.replace("عنيفة", "عنيفةٌ").replace(" ", "  ", 3))
    # the same URL, with tracking parameters and a fragment, as an article page with other words
    drop(inbox, "page.html", "<html><head><meta charset='utf-8'><meta name='date' content='2025-11-20'>"
         "<link rel='canonical' href='https://news.example/aleppo/1?utm_source=feed#top'></head>"
         f"<body><article><h1>اشتباكات</h1><p>{ARREST}</p></article></body></html>")
    # and once more through the feed cache
    feeds = tmp_path / "data" / "feeds"
    drop(feeds, "wire.feed.jsonl", json.dumps({"id": "feed-x", "text": CLASH, "published": "2025-11-20T08:00:00+03:00",
                                               "url": "https://other.example/copy", "feed": "wire", "fetched_at": "2025-11-20T09:00:00+00:00"},
                                              ensure_ascii=False) + "\n")
    (tmp_path / "sources.yaml").write_text(json.dumps({"jsonl": ["seeds"], "inbox": ["inbox"], "data_dir": "data",
                                                       "feeds": [{"name": "wire", "url": "http://127.0.0.1:9/feed"}]}))
    config = ingest.SourceConfig.load(tmp_path / "sources.yaml", seeds)
    frame = ingest.read_partition(config, RECEIVED, TZ, today=TODAY, fetch=False)
    status = {r["origin"]: (r["status"], r["duplicate_of"]) for r in frame.iter_rows(named=True)}
    assert status == {
        "articles.jsonl:1": ("ok", None),
        "copy.txt": ("duplicate", "s-1"),
        "page.html": ("duplicate", "s-1"),
        "wire.feed.jsonl:1": ("duplicate", "s-1"),
    }
    assert frame["record_key"].n_unique() == frame.height  # both sightings stay in the ledger


def test_a_text_header_is_only_a_header_when_it_is_a_whole_block():
    assert split_header("title: عنوان\ndate: 2025-11-20\n\nالنص") == ({"title": "عنوان", "published": "2025-11-20"}, "النص")
    # a body that happens to start with "source:" but has no blank line after a block of header lines
    text = "source: مصادر محلية قالت\nإن الاشتباكات توقفت"
    assert split_header(text) == ({}, text)
    assert split_header("بلا ترويسة\n\nفقرة ثانية") == ({}, "بلا ترويسة\n\nفقرة ثانية")


def test_sources_yaml_mistakes_are_reported(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("jsonl: [seeds]\nfeeds:\n  - name: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a `url`"):
        ingest.SourceConfig.load(path, tmp_path)
    path.write_text("jsonls: [seeds]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown keys"):
        ingest.SourceConfig.load(path, tmp_path)
    path.write_text("fetch: {timeout: 3}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown fetch settings"):
        ingest.SourceConfig.load(path, tmp_path)


def test_the_default_sources_yaml_lists_the_seeds(monkeypatch):
    from etl_project.config import PROJECT_ROOT, load_settings

    settings = load_settings({})
    assert settings.sources_file == PROJECT_ROOT / "sources.yaml"
    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    assert config.jsonl_paths == (settings.seeds_dir,)
    assert [p.name for p in config.jsonl_files()] == ["articles.jsonl"]  # labels.jsonl is not articles
    assert config.feeds == ()


def test_json_nested_too_deeply_is_quarantined_in_every_kind_of_file(tmp_path, inbox):
    deep = b'{"id": "deep", "text": "x", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    drop(inbox, "deep.jsonl", deep + b"\n" + json.dumps({"id": "ok", "text": CLASH}, ensure_ascii=False).encode() + b"\n")
    drop(inbox, "deep.json", deep)
    drop(tmp_path / "data" / "feeds", "wire.feed.jsonl", deep + b"\n")
    (tmp_path / "sources.yaml").write_text(json.dumps({"inbox": ["inbox"], "data_dir": "data",
                                                       "feeds": [{"name": "wire", "url": "http://127.0.0.1:9/rss"}]}))
    config = ingest.SourceConfig.load(tmp_path / "sources.yaml", tmp_path)
    rows = by_origin(ingest.read_partition(config, RECEIVED, TZ, today=TODAY, fetch=False))
    for origin in ("deep.jsonl:1", "deep.json", "wire.feed.jsonl:1"):
        assert rows[origin]["status"] == "quarantined" and "nested too deeply" in rows[origin]["reason"], origin
    assert rows["deep.jsonl:2"]["status"] == "ok"
