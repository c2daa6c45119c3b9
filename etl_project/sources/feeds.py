"""RSS/Atom feeds: fetch each feed, fetch each new entry's page, extract its article with trafilatura,
and append the result to the feed's cache (`<data_dir>/feeds/<name>.feed.jsonl`).

Reading a partition reads the cache, never the network, so re-materialising a day is reproducible
and refetches nothing. A feed or page that fails is a line in the cache too (`fetch_error`), read
back as a quarantined record with the reason: nothing fails silently and nothing stops the batch.
A page that failed for a passing reason (a timeout, a 5xx) is tried again on the next fetch; one that
failed for good (a 404, no article in it, robots.txt says no) is not.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from etl_project.sources.config import FeedSource, SourceConfig
from etl_project.sources.fetch import Fetcher, FetchError
from etl_project.sources.html import extract_article
from etl_project.sources.records import canonical_url, local_day, parse_line, quarantined, record_from_object, sha1

HTML_TYPES = ("text/html", "application/xhtml+xml")


class TransientFetchError(RuntimeError):
    """Raised (only when asked) when feeds could not be reached for a passing reason, so an
    orchestrator's retry policy can try the step again later."""


@dataclass
class FetchReport:
    feeds: int = 0
    new_articles: int = 0
    known: int = 0                   # entries already in the cache, not fetched again
    recent: int = 0                  # feeds fetched less than min_refetch_s ago, left alone
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def as_metadata(self) -> dict:
        return {"feeds": self.feeds, "new_articles": self.new_articles, "already_cached": self.known, "fetched_recently": self.recent,
                "failures": len(self.failures), "requests": self.requests}


def fetch_feeds(
    config: SourceConfig,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    raise_on_transient: bool = False,
) -> FetchReport:
    """Fetch every configured feed and its new entries into the cache. The network-bound step.

    With `raise_on_transient`, a feed that cannot be reached for a passing reason (timeout, 5xx,
    connection refused) is not recorded; TransientFetchError is raised after the other feeds are done,
    for a retry policy to try again. On the last try, call without it: the failure is then recorded.
    """
    now = now or datetime.now(timezone.utc)
    fetcher = fetcher or Fetcher(config.fetch)
    report = FetchReport()
    transient: list[str] = []
    for feed in config.feeds:
        report.feeds += 1
        with _locked(config.feed_cache_file(feed)) as cache:
            _fetch_one(feed, cache, config, fetcher, now, report, transient if raise_on_transient else None)
    report.requests = fetcher.requests_made
    if transient:
        raise TransientFetchError("feeds not reachable, try again later: " + "; ".join(transient))
    return report


@contextmanager
def _locked(cache: Path):
    """One fetcher per feed at a time: two runs at once would fetch and cache the same entries twice."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache.with_suffix(".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield cache
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _state_file(cache: Path) -> Path:
    return cache.with_name(cache.name.replace(".feed.jsonl", ".state.json"))


def _known_urls(cache: Path) -> set[str]:
    """Pages that need no fetching again: cached articles, and pages that failed for good."""
    known: set[str] = set()
    if not cache.exists():
        return known
    with cache.open("rb") as fh:
        for raw in fh:
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                continue
            if not isinstance(obj, dict) or not obj.get("url"):
                continue
            err = obj.get("fetch_error")
            if err is None or (isinstance(err, dict) and not err.get("transient") and err.get("scope") == "page"):
                known.add(canonical_url(obj["url"]))
    return known


def _fetch_one(feed: FeedSource, cache: Path, config: SourceConfig, fetcher: Fetcher, now: datetime,
               report: FetchReport, transient: list[str] | None) -> None:
    import feedparser

    stamp = now.astimezone(timezone.utc).isoformat()
    lines: list[dict] = []

    def failure(scope: str, exc_or_check, reason: str | None = None, retry: bool = False, **extra) -> None:
        if isinstance(exc_or_check, FetchError):
            check, reason, retry, status = exc_or_check.check, exc_or_check.reason, exc_or_check.transient, exc_or_check.status
        else:
            check, status = exc_or_check, None
        report.failures.append(f"{feed.name}: {reason}")
        lines.append({"fetch_error": {"scope": scope, "check": check, "reason": reason, "transient": retry, "status": status},
                      "feed": feed.name, "fetched_at": stamp, **{k: v for k, v in extra.items() if v is not None}})

    state_path = _state_file(cache)
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    last = state.get("last_attempt")
    if last is not None and 0 <= now.timestamp() - last < config.fetch.min_refetch_s:
        report.recent += 1
        return
    body_path = cache.with_name(cache.name.replace(".feed.jsonl", ".last.xml"))
    headers = {}
    if state.get("etag") and body_path.exists():
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified") and body_path.exists():
        headers["If-Modified-Since"] = state["last_modified"]

    allowed, why, _ = fetcher.allowed(feed.url)
    body = None
    if not allowed:
        failure("feed", "robots", why, url=feed.url)
    else:
        try:
            resp = fetcher.get(feed.url, headers=headers, check="feed_fetch")
        except FetchError as exc:
            if exc.transient and transient is not None:
                transient.append(f"{feed.name}: {exc.reason}")
                return  # neither recorded nor marked as attempted: the retry will try again
            failure("feed", exc, url=feed.url)
        else:
            if resp.status == 304:
                body = body_path.read_bytes()  # unchanged: its entries may still hold pages to retry
            else:
                body = resp.body
                body_path.write_bytes(body)
                state.update(etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))

    if body is not None:
        parsed = feedparser.parse(body, response_headers={"content-location": feed.url})
        if not parsed.entries and (parsed.bozo or not parsed.version):
            problem = getattr(parsed, "bozo_exception", None) or "no feed elements"
            failure("feed", "feed_parse", f"not an RSS/Atom feed: {problem}"[:300], url=feed.url)
        else:
            outlet = feed.source or (parsed.feed.get("title") or "").strip() or urlsplit(feed.url).netloc
            known = _known_urls(cache)
            for entry in parsed.entries[: config.fetch.max_entries]:
                _entry(entry, feed, outlet, known, fetcher, stamp, lines, failure, report)

    if lines:
        with cache.open("a", encoding="utf-8") as fh:
            for line in lines:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    state["last_attempt"] = now.timestamp()
    state_path.write_text(json.dumps(state), encoding="utf-8")


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()
    return None


def _entry(entry, feed: FeedSource, outlet: str, known: set[str], fetcher: Fetcher, stamp: str,
           lines: list[dict], failure, report: FetchReport) -> None:
    title = (entry.get("title") or "").strip() or None
    published = _entry_date(entry)
    link = (entry.get("link") or "").strip()
    if not link:
        failure("page", "feed_entry", "feed entry has no link to an article page", title=title, published=published,
                summary=(entry.get("summary") or "")[:2000] or None)
        return
    url = urljoin(feed.url, link)
    canon = canonical_url(url)
    if canon in known:
        report.known += 1
        return
    known.add(canon)
    allowed, why, passing = fetcher.allowed(url)
    if not allowed:
        failure("page", "robots", why, retry=passing, url=url, title=title, published=published)
        return
    try:
        resp = fetcher.get(url, check="page_fetch")
    except FetchError as exc:
        failure("page", exc, url=url, title=title, published=published)
        return
    if resp.content_type and resp.content_type not in HTML_TYPES:
        failure("page", "page_type", f"not an HTML page ({resp.content_type}): {url}", url=url, title=title, published=published)
        return
    page, why = extract_article(resp.body, url=resp.final_url, charset=resp.charset)
    if page is None:
        failure("page", "html", f"{why}: {url}", url=url, title=title, published=published)
        return
    report.new_articles += 1
    lines.append({
        "id": f"feed-{sha1(canon)[:16]}",
        "text": page.text,
        "published": published or page.published,
        "title": title or page.title,
        "source": outlet,
        "url": url,
        "feed": feed.name,
        "fetched_at": stamp,
        "published_from": "feed" if published else ("page" if page.published else None),
    })


def read_cache_file(path: Path, recv: date, tz: ZoneInfo, today: date) -> list[dict]:
    """The cache → records. An article lands on its publication day; without a date, on the day it was
    fetched. A failure lands on its entry's publication day when the feed gave one, else the fetch day."""
    records = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            origin = f"{path.name}:{lineno}"
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                obj = None
            if not isinstance(obj, dict):
                records.append(parse_line(raw, origin, recv, tz, today))  # says why it is unreadable
                continue
            fetched = local_day(str(obj.get("fetched_at") or ""), tz) or recv
            payload = raw.decode("utf-8")
            err = obj.get("fetch_error")
            if isinstance(err, dict):
                day = local_day(str(obj.get("published") or ""), tz)
                day = day if day is not None and day <= today else fetched
                records.append(quarantined(origin, day, str(err.get("check") or "fetch"), str(err.get("reason") or "fetch failed"),
                                           payload, url=obj.get("url"), title=obj.get("title"), source=obj.get("feed"),
                                           published=obj.get("published")))
                continue
            records.append(record_from_object(obj, origin, fetched, tz, today, payload=payload))
    return records
