"""One raw record per thing read: a readable article, a duplicate of one, or a quarantined input with its reason.

Every source kind (JSONL lines, inbox files, feed entries) ends here, so the same rules hold for all:
an `id`, a string `text`, a `published` that is a date and not in the future, a sane size. The
partition is the publication day in the project's timezone; without a date it is the day the input
was received, and the record says so (`published_assumed`).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import polars as pl

from etl_project.text.normalize import normalize_text

RAW_COLUMNS: dict[str, pl.DataType] = {
    "record_key": pl.String,        # the ledger's key: article id, or origin:line when there is none
    "article_id": pl.String,
    "partition_date": pl.Date,
    "published": pl.String,
    "published_assumed": pl.Boolean,
    "source": pl.String,
    "title": pl.String,
    "url": pl.String,
    "text": pl.String,
    "text_sha1": pl.String,
    "origin": pl.String,
    "metadata": pl.String,
    "status": pl.String,            # ok | duplicate | quarantined
    "duplicate_of": pl.String,
    "check_name": pl.String,
    "reason": pl.String,
    "raw_payload": pl.String,
}

KNOWN_KEYS = {"id", "text", "published", "source", "title", "url"}
# The first partition (etl_project.assets.partitions): the conflict's news starts in March 2011. A record dated
# before it would be in no partition, so it is quarantined on the day it was received instead.
FIRST_PARTITION_DAY = date(2011, 3, 15)
MAX_TEXT_CHARS = 200_000  # a news article is a few KB; beyond this it is a page dump, not an article
MAX_LINE_BYTES = 5_000_000
MAX_PAYLOAD_CHARS = 20_000
# Query parameters that say where a reader clicked from, not which article it is.
TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "ref", "at_", "mc_")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def text_fingerprint(text: str) -> str:
    """The same article re-sent with other spacing or diacritics has the same fingerprint."""
    return sha1(" ".join(normalize_text(text).split()))


def canonical_url(url: str | None) -> str | None:
    """The URL that identifies an article: scheme and host lower-cased, no fragment, no tracking
    parameters, no trailing slash. `https://Site/a/?utm_source=x#top` and `https://site/a` are one article."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PARAMS)]
    path = parts.path.rstrip("/") or "/"
    netloc = parts.netloc.lower()
    for default in (":80", ":443"):
        if netloc.endswith(default) and parts.scheme.lower() == {":80": "http", ":443": "https"}[default]:
            netloc = netloc[: -len(default)]
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def local_day(value: str, tz: ZoneInfo) -> date | None:
    """The calendar day of a `published` value in the project's timezone."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.date()
    return dt.astimezone(tz).date()


def quarantined(origin: str, recv: date, check: str, reason: str, payload: str, article_id: str | None = None, **extra) -> dict:
    """A record that could not be read as an article, kept with the check that failed and why."""
    row = {k: None for k in RAW_COLUMNS}
    row.update(
        record_key=article_id or origin,
        article_id=article_id,
        partition_date=recv,
        published_assumed=True,
        origin=origin,
        status="quarantined",
        check_name=check,
        reason=reason,
        raw_payload=payload[:MAX_PAYLOAD_CHARS],
    )
    row.update({k: v for k, v in extra.items() if v is not None})
    return row


def parse_line(raw: bytes, origin: str, recv: date, tz: ZoneInfo, today: date) -> dict:
    """One JSONL line → one record. Unreadable lines are quarantined records, never exceptions."""
    if len(raw) > MAX_LINE_BYTES:
        return quarantined(origin, recv, "line_size", f"line of {len(raw)} bytes exceeds {MAX_LINE_BYTES}",
                           raw[:2000].decode("utf-8", "replace"))
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return quarantined(origin, recv, "encoding", encoding_reason(raw, exc), raw.decode("utf-8", "replace"))
    line = line.lstrip("\ufeff")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return quarantined(origin, recv, "json", f"invalid JSON: {exc.msg} (column {exc.colno})", line)
    except RecursionError:
        return quarantined(origin, recv, "json", "invalid JSON: nested too deeply to read", line)
    if not isinstance(obj, dict):
        return quarantined(origin, recv, "json", f"a JSON {type(obj).__name__}, not an object", line)
    return record_from_object(obj, origin, recv, tz, today, payload=line)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _has_lone_surrogate(obj) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def encoding_reason(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Why bytes are not UTF-8, with a hint when they read as Arabic in the usual Windows code page."""
    reason = f"not UTF-8: {exc.reason} at byte {exc.start}"
    try:
        guess = raw.decode("cp1256")
    except UnicodeDecodeError:
        return reason
    arabic = sum(1 for ch in guess if "\u0621" <= ch <= "\u064a")
    if arabic >= 10:
        reason += " (it reads as Arabic in Windows-1256: re-save the file as UTF-8)"
    return reason


def record_from_object(
    obj: dict,
    origin: str,
    recv: date,
    tz: ZoneInfo,
    today: date,
    payload: str | None = None,
    default_id: str | None = None,
) -> dict:
    """An article object in the input format (id, text, published, source, title, url; other keys are
    metadata) → one record. `default_id` is used when the object has no id of its own (pages, text
    files); without either, the record is quarantined."""
    if payload is None:
        payload = json.dumps(obj, ensure_ascii=False, default=str)
    elif _SURROGATE_ESCAPE.search(payload) and _has_lone_surrogate(obj):
        # "\ud800" is valid JSON but no character: such a string cannot be hashed, stored or written as UTF-8
        return quarantined(origin, recv, "encoding", "a lone UTF-16 surrogate escape (\\udXXX) is not a character",
                           json.dumps(obj, ensure_ascii=True, default=str))
    raw_id = obj.get("id")
    # a string, or a JSON integer or boolean written as JSON writes it (`7`, `true`; not Python's `True`)
    article_id = (as_str(raw_id).strip() or None) if isinstance(raw_id, (str, int)) else None
    article_id = article_id or default_id
    text = obj.get("text")
    published = obj.get("published")
    title, source, url = (obj.get(k) for k in ("title", "source", "url"))
    meta = {k: v for k, v in obj.items() if k not in KNOWN_KEYS}

    published_str = published.strip() if isinstance(published, str) else None
    day = local_day(published_str, tz) if published_str else None
    assumed = day is None
    partition = day or recv

    common = dict(
        published=published_str or None,
        source=as_str(source),
        title=as_str(title),
        url=as_str(url),
        metadata=json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str) if meta else None,
    )
    if article_id is None:
        return quarantined(origin, partition, "id", "missing or empty `id`", payload, **common)
    if not isinstance(text, str):
        return quarantined(origin, partition, "text", "missing `text` or not a string", payload, article_id=article_id, **common)
    if published is not None and not isinstance(published, str):
        return quarantined(origin, recv, "published", f"`published` is a JSON {type(published).__name__}, not a date string",
                           payload, article_id=article_id, **common)
    if published_str and day is None:
        return quarantined(origin, recv, "published", f"`published` is not a date: {published_str[:40]!r}", payload,
                           article_id=article_id, **common)
    if day is not None and day < FIRST_PARTITION_DAY:
        return quarantined(origin, recv, "published", f"`published` {day} is before the first partition "
                           f"({FIRST_PARTITION_DAY})", payload, article_id=article_id, **common)
    if day is not None and day > today:
        return quarantined(origin, recv, "published", f"`published` {day} is in the future (received {recv})", payload,
                           article_id=article_id, **common)
    if len(text) > MAX_TEXT_CHARS:
        return quarantined(origin, partition, "text", f"text of {len(text)} characters exceeds {MAX_TEXT_CHARS}",
                           payload[:MAX_PAYLOAD_CHARS], article_id=article_id, **common)
    clean = text.replace("\x00", "")
    return dict(
        record_key=article_id,
        article_id=article_id,
        partition_date=partition,
        published_assumed=assumed,
        text=clean,
        text_sha1=text_fingerprint(clean),
        origin=origin,
        status="ok",
        duplicate_of=None,
        check_name=None,
        reason=None,
        raw_payload=None,
        **common,
    )


def as_str(value) -> str | None:
    """A field as text: a string as it is, anything else as JSON text (`["s1", "s2"]`, `true`, `7`)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return str(value)


class DuplicateMarker:
    """`mark_duplicates` one record at a time, so that a partition can be read in one pass over the sources
    without holding every record of every day: only the keys seen so far are kept."""

    def __init__(self) -> None:
        self.first_by: dict[tuple[str, str], str] = {}
        self.seen_keys: set[str] = set()

    def mark(self, rec: dict) -> tuple[str, str, str | None, str | None]:
        """(record_key, status, duplicate_of, reason) of the next record in reading order; `rec` is not changed."""
        status, duplicate_of, reason = rec["status"], rec["duplicate_of"], rec["reason"]
        if status == "ok":
            keys = [("id", rec["article_id"])]
            if (rec["text"] or "").strip():  # two blank bodies are two bad articles, not one article twice
                keys.append(("text", rec["text_sha1"]))
            url = canonical_url(rec["url"])
            if url:
                keys.append(("url", url))
            original = next((self.first_by[k] for k in keys if k in self.first_by), None)
            if original is not None:
                status, duplicate_of = "duplicate", original
                reason = "same id, URL or text as an article already read"
            else:
                for k in keys:
                    self.first_by[k] = rec["article_id"]
        key = rec["record_key"]
        if key in self.seen_keys or status == "duplicate":
            key = f"{key}@{rec['origin']}"
        # same-named files in two folders, or a key that is someone's `key@origin`: numbered, never merged
        base, n = key, 1
        while key in self.seen_keys:
            n += 1
            key = f"{base}#{n}"
        self.seen_keys.add(key)
        return key, status, duplicate_of, reason


def mark_duplicates(records: Iterable[dict]) -> list[dict]:
    """The second sighting of an article (same id, same URL once canonicalised, or same normalised
    text) becomes a `duplicate` row, whatever kind of source either sighting came from.

    Its ledger key gets the origin appended so both sightings stay in the ledger.
    """
    marker = DuplicateMarker()
    out = []
    for rec in records:
        key, status, duplicate_of, reason = marker.mark(rec)
        out.append(dict(rec, record_key=key, status=status, duplicate_of=duplicate_of, reason=reason))
    return out


class FrameBuilder:
    """Records → a RAW_COLUMNS frame, column by column, a chunk at a time (no list of every record's dict)."""

    CHUNK = 5_000

    def __init__(self) -> None:
        self._columns: dict[str, list] = {c: [] for c in RAW_COLUMNS}
        self._frames: list[pl.DataFrame] = []
        self._n = 0

    def add(self, rec: dict, **override) -> None:
        for c, values in self._columns.items():
            values.append(override[c] if c in override else rec.get(c))
        self._n += 1
        if self._n >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._n:
            self._frames.append(pl.DataFrame(self._columns, schema=RAW_COLUMNS))
            self._columns = {c: [] for c in RAW_COLUMNS}
            self._n = 0

    def frame(self) -> pl.DataFrame:
        self._flush()
        if not self._frames:
            return pl.DataFrame(schema=RAW_COLUMNS)
        frames, self._frames = self._frames, []
        # not rechunked: the chunks are the frame, with no second copy of the day's records
        return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical", rechunk=False)


def records_frame(records: Iterable[dict]) -> pl.DataFrame:
    builder = FrameBuilder()
    for rec in records:
        builder.add(rec)
    return builder.frame()
