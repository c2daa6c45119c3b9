"""RSS feeds for real: an HTTP server on 127.0.0.1 serves a feed and article pages written for these
tests; the articles land through ingest.read_partition and a Dagster materialisation, with their
text, date and source; feeds and pages that fail are quarantined records and the batch goes on."""
from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from etl_project import ingest
from etl_project.pipeline import check_articles
from etl_project.sources.config import FetchSettings
from etl_project.sources.fetch import Fetcher, FetchError

TZ = "Asia/Damascus"
DAMASCUS = ZoneInfo(TZ)

SHELLING = (
    "قصفت قوات مجهولة بعدد من القذائف الصاروخية أطراف بلدة الشحيل في ريف دير الزور الشرقي صباح اليوم، "
    "ما أدى إلى إصابة امرأتين بجروح طفيفة وتضرر منزلين. وقال أحد سكان البلدة إن القذائف سقطت قرب المدرسة "
    "الابتدائية، وإن فرق الدفاع المدني وصلت بعد نحو نصف ساعة لإخماد حريق اندلع في أرض زراعية مجاورة."
)
PROTEST = (
    "تجمع عشرات الأهالي أمام مبنى المحافظة في مدينة حمص ظهر اليوم للمطالبة بتحسين خدمات الكهرباء والمياه في "
    "الأحياء الشرقية. ورفع المحتجون لافتات تطالب بمحاسبة المسؤولين عن تأخر مشاريع الصيانة، وانفضت الوقفة بعد "
    "ساعتين دون تسجيل أي احتكاك مع عناصر الشرطة المنتشرين في المكان."
)
DRONE = (
    "استهدفت طائرة مسيرة سيارة مدنية على الطريق الواصل بين مدينتي أريحا وجسر الشغور في ريف إدلب الجنوبي مساء "
    "أمس، ما أسفر عن مقتل شخصين كانا في داخلها. وأفاد ناشطون بأن السيارة احترقت بالكامل، وأن فرق الإسعاف نقلت "
    "الجثتين إلى المستشفى في مدينة أريحا."
)
FUTURE = (
    "أعلنت مديرية التربية في محافظة حماة عن افتتاح ثلاث مدارس جديدة في الريف الغربي مع بداية الفصل الدراسي "
    "الثاني، بعد الانتهاء من أعمال الترميم التي استمرت عدة أشهر بتمويل من منظمات محلية."
)


def article_page(title: str, body: str, published: str | None = None, canonical: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(".") if s.strip())
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | شبكة الاختبار</title>'
        f'{meta}{link}<meta property="og:site_name" content="شبكة الاختبار"></head><body>'
        '<nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a> <a href="/sport">رياضة</a></nav>'
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        '<aside><h3>الأكثر قراءة</h3><ul><li><a href="/x">خبر آخر</a></li></ul></aside>'
        "<footer>جميع الحقوق محفوظة لشبكة الاختبار</footer></body></html>"
    )


NO_ARTICLE = ('<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>الصفحة الرئيسية</title></head>'
              '<body><nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a></nav><footer>حقوق</footer></body></html>')


def rss(items: list[dict], title: str = "شبكة الاختبار - آخر الأخبار") -> str:
    out = []
    for it in items:
        date_tag = f"<pubDate>{format_datetime(it['date'])}</pubDate>" if it.get("date") else ""
        out.append(f"<item><title>{it['title']}</title><link>{it['link']}</link>{date_tag}"
                   f"<description>{it.get('summary', '')}</description></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://127.0.0.1/</link><description>أخبار</description>{''.join(out)}"
            "</channel></rss>")


class Site:
    """What the test server answers, and every request it saw (path, User-Agent, time)."""

    def __init__(self):
        self.routes: dict[str, list[tuple[int, str, bytes, float]]] = {}
        self.hits: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()

    def add(self, path: str, body: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
            delay: float = 0.0, then: list | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = [(status, content_type, data, delay)] + (then or [])

    def answer(self, path: str):
        with self.lock:
            answers = self.routes.get(path)
            if not answers:
                return 404, "text/plain", b"not found", 0.0
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.hits if p == path)


@pytest.fixture
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.hits.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
            status, ctype, data, delay = state.answer(self.path)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


FAST = {"timeout_s": 0.5, "retries": 2, "backoff_s": 0.05, "per_host_delay_s": 0.1, "fetch_window_days": 3}


def write_sources(tmp_path: Path, feeds: list[dict], fetch: dict | None = None, **extra) -> ingest.SourceConfig:
    import yaml

    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"feeds": feeds, "data_dir": "data", "fetch": {**FAST, **(fetch or {})}, **extra},
                                   allow_unicode=True), encoding="utf-8")
    return ingest.SourceConfig.load(path, tmp_path / "no-seeds")


@pytest.fixture
def days():
    """Real dates around now: the feed fetch and the partitions agree on what 'today' is."""
    now = datetime.now(timezone.utc)
    today = now.astimezone(DAMASCUS).date()
    return now, today


def news_site(site: Site, today: date) -> None:
    """A feed of seven entries: three good articles (one only dated by its page, one sent across
    midnight UTC), a page that 404s, a page that keeps failing with 500, a page with no article, a
    page robots.txt forbids, an article dated in the future, and a link already seen with tracking."""
    b = site.base
    yday = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=DAMASCUS)
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/news/shelling.html", article_page("قصف على بلدة الشحيل بريف دير الزور", SHELLING))
    # the protest page fails once with 503 and then answers: the fetcher retries after a back-off
    site.add("/news/protest.html", "busy", status=503, content_type="text/plain",
             then=[(200, "text/html; charset=utf-8", article_page("وقفة احتجاجية في حمص", PROTEST).encode(), 0.0)])
    site.add("/news/drone.html", article_page("مقتل شخصين بغارة مسيرة في ريف إدلب", DRONE,
                                              published=(today - timedelta(days=3)).isoformat() + "T09:15:00+03:00"))
    site.add("/news/broken.html", "server error", status=500, content_type="text/plain")
    site.add("/news/index.html", NO_ARTICLE)
    site.add("/private/leak.html", article_page("صفحة خاصة", SHELLING + " إضافة"))
    site.add("/news/future.html", article_page("مدارس جديدة في حماة", FUTURE))
    items = [
        {"title": "قصف على بلدة الشحيل", "link": f"{b}/news/shelling.html", "date": yday + timedelta(hours=9)},
        # 22:30 UTC two days ago is 01:30 in Damascus the day after: the article belongs to yesterday
        {"title": "وقفة احتجاجية في حمص", "link": f"{b}/news/protest.html",
         "date": datetime.combine(today - timedelta(days=2), datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=22, minutes=30)},
        {"title": "غارة مسيرة في ريف إدلب", "link": f"{b}/news/drone.html"},
        {"title": "خبر محذوف", "link": f"{b}/news/gone.html", "date": yday + timedelta(hours=10)},
        {"title": "خبر على خادم معطل", "link": f"{b}/news/broken.html", "date": yday + timedelta(hours=11)},
        {"title": "صفحة بلا مقال", "link": f"{b}/news/index.html", "date": yday + timedelta(hours=12)},
        {"title": "صفحة ممنوعة", "link": f"{b}/private/leak.html", "date": yday + timedelta(hours=13)},
        {"title": "مدارس جديدة", "link": f"{b}/news/future.html", "date": yday + timedelta(days=6)},
        {"title": "قصف على بلدة الشحيل (مكرر)", "link": f"{b}/news/shelling.html?utm_source=rss#top", "date": yday + timedelta(hours=9)},
    ]
    site.add("/feed.xml", rss(items), content_type="application/rss+xml; charset=utf-8")
    site.add("/broken-feed.xml", "internal error", status=500, content_type="text/plain")
    site.add("/slow-feed.xml", rss(items[:1]), content_type="application/rss+xml", delay=2.0)
    site.add("/not-a-feed.xml", "<html><body><p>هذه ليست خلاصة</p></body></html>")


FEEDS = lambda site: [  # noqa: E731
    {"name": "test-news", "url": f"{site.base}/feed.xml", "source": "test-news"},
    {"name": "broken", "url": f"{site.base}/broken-feed.xml"},
    {"name": "slow", "url": f"{site.base}/slow-feed.xml"},
    {"name": "not-a-feed", "url": f"{site.base}/not-a-feed.xml"},
]


def all_partitions(config, days, fetch=False) -> pl.DataFrame:
    now, today = days
    frames = [ingest.read_partition(config, today - timedelta(days=i), TZ, today=today, fetch=fetch, now=now) for i in range(0, 4)]
    return pl.concat(frames)


def test_feed_articles_land_in_their_publication_day_with_text_date_and_source(site, tmp_path, days):
    now, today = days
    news_site(site, today)
    config = write_sources(tmp_path, FEEDS(site))
    report = ingest.fetch_feeds(config, now=now)
    assert report.new_articles == 4  # shelling, protest, drone, future (the last is quarantined when read)

    rows = {r["title"]: r for r in all_partitions(config, days).iter_rows(named=True)}
    shelling = rows["قصف على بلدة الشحيل"]
    assert shelling["status"] == "ok"
    assert shelling["partition_date"] == today - timedelta(days=1)
    assert shelling["text"].startswith("قصفت قوات مجهولة") and "الدفاع المدني" in shelling["text"]
    assert "الأكثر قراءة" not in shelling["text"] and "جميع الحقوق" not in shelling["text"]  # no sidebar, no footer
    assert shelling["source"] == "test-news" and shelling["url"] == f"{site.base}/news/shelling.html"
    assert shelling["published_assumed"] is False

    protest = rows["وقفة احتجاجية في حمص"]
    assert protest["status"] == "ok" and protest["partition_date"] == today - timedelta(days=1)  # Damascus, not UTC
    assert site.count("/news/protest.html") == 2  # a 503, then the retry

    drone = rows["غارة مسيرة في ريف إدلب"]  # the feed gave no date: the page's own metadata did
    assert drone["partition_date"] == today - timedelta(days=3) and drone["published_assumed"] is False
    assert json.loads(drone["metadata"])["published_from"] == "page"

    # the entry that repeats the shelling link with tracking parameters was not fetched again
    assert site.count("/news/shelling.html") == 1
    # every request named the project
    assert {ua for _, ua, _ in site.hits} == {FetchSettings().user_agent}


def test_failing_feeds_and_pages_are_quarantined_with_their_reason_and_the_rest_proceeds(site, tmp_path, days):
    now, today = days
    news_site(site, today)
    config = write_sources(tmp_path, FEEDS(site))
    frame = check_articles(all_partitions(config, days, fetch=True))
    q = {r["origin"]: r for r in frame.filter(pl.col("status") == "quarantined").iter_rows(named=True)}
    reasons = " | ".join(f"{r['check_name']}: {r['reason']}" for r in q.values())

    def one(check: str, needle: str) -> dict:
        found = [r for r in q.values() if r["check_name"] == check and needle in r["reason"]]
        assert found, f"no {check} record with {needle!r} in: {reasons}"
        return found[0]

    broken_feed = one("feed_fetch", "HTTP 500")
    assert "after 3 attempts" in broken_feed["reason"] and broken_feed["partition_date"] == today
    assert one("feed_fetch", "timed out")["partition_date"] == today
    one("feed_parse", "not an RSS/Atom feed")
    gone = one("page_fetch", "HTTP 404")
    assert gone["url"].endswith("/news/gone.html") and gone["partition_date"] == today - timedelta(days=1)
    assert site.count("/news/gone.html") == 1  # a 404 is not retried
    one("page_fetch", "HTTP 500")
    assert site.count("/news/broken.html") == 3  # the first try and two retries
    one("html", "no article text found")
    one("robots", "disallowed by robots.txt")
    assert site.count("/private/leak.html") == 0
    future = one("published", "is in the future")
    assert future["partition_date"] == today and future["title"] == "مدارس جديدة"
    # and the good articles are there, readable
    ok = frame.filter(pl.col("status") == "ok")
    assert set(ok["title"]) == {"قصف على بلدة الشحيل", "وقفة احتجاجية في حمص", "غارة مسيرة في ريف إدلب"}


def test_the_cache_makes_re_reading_reproducible_and_fetches_no_page_twice(site, tmp_path, days):
    now, today = days
    news_site(site, today)
    config = write_sources(tmp_path, FEEDS(site)[:2])
    first = all_partitions(config, days, fetch=True)
    pages_before = {p: site.count(p) for p in ("/news/shelling.html", "/news/drone.html", "/news/gone.html", "/news/index.html")}

    config = write_sources(tmp_path, FEEDS(site)[:2], fetch={"min_refetch_s": 0})
    again = all_partitions(config, days, fetch=True)  # the feed is read again (4 times); known pages are not
    assert {p: site.count(p) for p in pages_before} == pages_before
    assert site.count("/news/broken.html") == 3 + 4 * 3  # a 500 is passing trouble: tried again on each fetch
    ok = lambda f: sorted(f.filter(pl.col("status") == "ok").select("record_key", "text", "partition_date").rows())  # noqa: E731
    assert ok(again) == ok(first)

    hits = len(site.hits)
    offline = all_partitions(config, days, fetch=False)
    assert len(site.hits) == hits  # reading the cache asks the network nothing
    assert ok(offline) == ok(first)
    cache = (tmp_path / "data" / "feeds" / "test-news.feed.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in cache if '"fetch_error"' not in line) == 4


def test_a_backfill_of_recent_days_fetches_each_feed_once(site, tmp_path, days):
    now, today = days
    news_site(site, today)
    config = write_sources(tmp_path, FEEDS(site)[:1])
    all_partitions(config, days, fetch=True)  # four recent partitions, one fetch
    assert site.count("/feed.xml") == 1


def test_an_old_partition_reads_the_cache_and_a_recent_one_fetches(site, tmp_path, days):
    now, today = days
    news_site(site, today)
    config = write_sources(tmp_path, FEEDS(site)[:1])
    ingest.read_partition(config, today - timedelta(days=30), TZ, today=today, now=now)
    assert site.hits == []  # a backfill of last month does not touch the network
    frame = ingest.read_partition(config, today - timedelta(days=1), TZ, today=today, now=now)
    assert site.count("/feed.xml") == 1
    assert "قصف على بلدة الشحيل" in frame["title"].to_list()


def test_an_unreadable_robots_txt_refuses_pages_for_now_and_they_are_tried_again(site, tmp_path, days):
    now, today = days
    site.add("/robots.txt", "down", status=503, content_type="text/plain",
             then=[(404, "text/plain", b"none", 0.0)])
    site.add("/news/shelling.html", article_page("قصف على بلدة الشحيل بريف دير الزور", SHELLING))
    site.add("/feed.xml", rss([{"title": "قصف", "link": f"{site.base}/news/shelling.html",
                                "date": datetime.combine(today, datetime.min.time(), tzinfo=DAMASCUS)}]),
             content_type="application/rss+xml")
    config = write_sources(tmp_path, FEEDS(site)[:1], fetch={"retries": 0, "min_refetch_s": 0})
    report = ingest.fetch_feeds(config, now=now)
    assert report.new_articles == 0 and "treated as disallowed for now" in report.failures[0]
    assert site.count("/news/shelling.html") == 0
    report = ingest.fetch_feeds(config, now=now)  # robots.txt now answers 404: everything is allowed
    assert report.new_articles == 1 and site.count("/news/shelling.html") == 1


def test_the_fetcher_waits_between_requests_to_one_host(site):
    site.add("/a", "a")
    now, waits = [100.0], []

    def sleep(seconds):  # a clock that moves only when the fetcher waits: no timing of this machine
        waits.append(seconds)
        now[0] += seconds

    fetcher = Fetcher(FetchSettings(per_host_delay_s=0.3, respect_robots=False), sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        fetcher.get(f"{site.base}/a")
    assert site.count("/a") == 3
    assert waits == pytest.approx([0.3, 0.3])  # the first request goes at once, each later one waits its turn
    now[0] += 1.0
    fetcher.get(f"{site.base}/a")
    assert len(waits) == 2  # a host not asked for longer than the delay is asked at once


def test_the_fetcher_honours_retry_after_and_gives_up_on_a_client_error(site):
    waits = []
    site.add("/busy", "slow down", status=429, content_type="text/plain",
             then=[(200, "text/plain", b"ok", 0.0)])
    fetcher = Fetcher(FetchSettings(per_host_delay_s=0, respect_robots=False), sleep=waits.append)
    assert fetcher.get(f"{site.base}/busy").body == b"ok"
    assert waits == [2.0]  # backoff_s * 2**0 with no Retry-After header
    with pytest.raises(FetchError) as info:
        fetcher.get(f"{site.base}/missing")
    assert info.value.status == 404 and not info.value.transient
    assert site.count("/missing") == 1


def test_a_page_larger_than_the_limit_is_refused(site):
    site.add("/huge.html", "<p>" + "ا" * 50_000 + "</p>")
    fetcher = Fetcher(FetchSettings(max_bytes=10_000, per_host_delay_s=0, respect_robots=False))
    with pytest.raises(FetchError) as info:
        fetcher.get(f"{site.base}/huge.html")
    assert info.value.check == "fetch" and "larger than 10000 bytes" in info.value.reason


def test_transient_failures_can_be_raised_for_a_retry_policy(site, tmp_path, days):
    now, _ = days
    site.add("/broken-feed.xml", "internal error", status=500, content_type="text/plain")
    config = write_sources(tmp_path, [{"name": "broken", "url": f"{site.base}/broken-feed.xml"}])
    from etl_project.sources import TransientFetchError

    with pytest.raises(TransientFetchError, match="HTTP 500"):
        ingest.fetch_feeds(config, now=now, raise_on_transient=True)
    assert not (tmp_path / "data" / "feeds" / "broken.feed.jsonl").exists()  # nothing recorded for a step that will retry
    report = ingest.fetch_feeds(config, now=now)  # the last try records the failure
    assert len(report.failures) == 1
    assert "HTTP 500" in (tmp_path / "data" / "feeds" / "broken.feed.jsonl").read_text(encoding="utf-8")


def test_feed_articles_land_through_a_dagster_materialisation(site, tmp_path, days):
    from dagster import DagsterInstance, materialize

    from etl_project.assets.articles import raw_articles
    from etl_project.resources import SourcesResource, StagingResource
    from etl_project.staging import DayFiles

    now, today = days
    news_site(site, today)
    write_sources(tmp_path, FEEDS(site))
    yesterday = (today - timedelta(days=1)).isoformat()
    resources = {"sources": SourcesResource(sources_file=str(tmp_path / "sources.yaml"), seeds_dir=str(tmp_path / "no-seeds"),
                                            timezone=TZ, feed_retries=0),
                 "staging": StagingResource(base_dir=str(tmp_path / "staging"))}
    with DagsterInstance.ephemeral() as instance:
        result = materialize([raw_articles], partition_key=yesterday, resources=resources, instance=instance)
    assert result.success
    frame = DayFiles(tmp_path / "staging").read("raw_articles", date.fromisoformat(yesterday))
    ok = frame.filter(pl.col("status") == "ok")
    assert set(ok["title"]) == {"قصف على بلدة الشحيل", "وقفة احتجاجية في حمص"}
    assert set(ok["source"]) == {"test-news"}
    quarantined = frame.filter(pl.col("status") == "quarantined")
    assert {"page_fetch", "html", "robots"} <= set(quarantined["check_name"])


def test_feed_articles_reach_the_warehouse_through_the_nightly_job(site, tmp_path, days, project_env, monkeypatch):
    from etl_project.config import load_settings
    from tests.conftest import run_partition

    now, today = days
    news_site(site, today)
    write_sources(tmp_path, FEEDS(site)[:2])
    monkeypatch.setenv("ETL_SOURCES", str(tmp_path / "sources.yaml"))
    settings = load_settings()
    yesterday = today - timedelta(days=1)
    run_partition(settings, yesterday.isoformat())

    from etl_project import warehouse

    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        articles = {r[0]: r for r in con.execute(
            "SELECT title, status, source, url, published_assumed, partition_date FROM articles").fetchall()}
        quarantine = con.execute("SELECT asset, check_name, reason FROM quarantine WHERE partition_date = ?", [yesterday]).fetchall()
    shelling = articles["قصف على بلدة الشحيل"]
    assert shelling[1] in ("events", "no_events") and shelling[2] == "test-news" and shelling[4] is False
    assert shelling[5] == yesterday
    assert articles["وقفة احتجاجية في حمص"][1] in ("events", "no_events")
    checks = {(a, c) for a, c, _ in quarantine}
    assert {("raw_articles", "page_fetch"), ("raw_articles", "html"), ("raw_articles", "robots")} <= checks
    # the broken feed is recorded on the day it was fetched (today, loaded by tomorrow's 02:00 run), from the cache
    frame = ingest.read_partition(ingest.SourceConfig.load(tmp_path / "sources.yaml", tmp_path), today, TZ, today=today, fetch=False)
    assert any("HTTP 500" in r["reason"] and r["url"].endswith("/broken-feed.xml") for r in frame.iter_rows(named=True))
