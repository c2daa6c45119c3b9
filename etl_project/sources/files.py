"""Files → records. One reader per kind of file dropped in the inbox or listed as JSONL:

- `.jsonl`: one article object per line (the input format);
- `.json`: one article object, or a list of them;
- `.txt`: the body, optionally after a header block (`title:`, `date:`, `source:`, `url:`, `id:`)
  ended by a blank line;
- `.html`/`.htm`: an article page; text, title and date extracted by trafilatura;
- `*.feed.jsonl`: the feed cache (see feeds.py).

Whatever cannot be read is a quarantined record with the reason; no file stops the batch.
The day a file was received is its modification time, in the project's timezone.
"""
from __future__ import annotations

import json
import os
import re
import stat as stat_mode
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from etl_project.sources.config import FEED_CACHE_SUFFIX, RefusedPath
from etl_project.sources.html import extract_article
from etl_project.sources.records import (
    canonical_url,
    encoding_reason,
    parse_line,
    FIRST_PARTITION_DAY,
    quarantined,
    record_from_object,
    sha1,
    text_fingerprint,
)

# A dropped .json, .txt or .html file is read whole; beyond this it is not an article (a dump, a mistake).
MAX_FILE_BYTES = 20_000_000
HEADER_LINE = re.compile(r"^\s*(title|date|published|source|url|id)\s*:\s*(.*?)\s*$", re.IGNORECASE)
HEADER_KEYS = {"title": "title", "date": "published", "published": "published", "source": "source", "url": "url", "id": "id"}


def received_day(path: Path, tz: ZoneInfo, st: os.stat_result | None = None) -> date:
    """The day a file was received (its modification time; a link's own for a link that is not followed),
    never before the first partition, so that its records are always in one partition's ledger."""
    st = st or path.stat()
    day = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc).astimezone(tz).date()
    return max(day, FIRST_PARTITION_DAY)


def _unreadable(path: Path, tz: ZoneInfo, reason: str) -> dict:
    """The one quarantined record of a file that cannot be read (or must not be): no content is stored."""
    try:
        recv = received_day(path, tz, os.lstat(path))
    except OSError:
        recv = FIRST_PARTITION_DAY
    return quarantined(path.name, recv, "file", reason, "")


# A backfill reads every file once per partition: the records of small files are kept in memory between
# partitions (an inbox of dropped articles), up to CACHE_TOTAL_BYTES of files in all. A file bigger than
# CACHE_FILE_BYTES (a nightly JSONL of 100k articles is ~85 MB, several times that as records) is read
# again when needed, streamed line by line, never held whole.
CACHE_FILE_BYTES = 8_000_000
CACHE_TOTAL_BYTES = 64_000_000
_cache: OrderedDict[tuple, tuple[dict, ...]] = OrderedDict()
_cache_bytes = 0


def read_file(path: Path, tz: ZoneInfo, today: date) -> list[dict]:
    """Every record of one file, as new dicts the caller may change."""
    return [dict(r) for r in iter_file(path, tz, today)]


def iter_file(path: Path, tz: ZoneInfo, today: date) -> Iterator[dict]:
    """Every record of one file, in order. The dicts may be shared with the cache: read them, do not change them.
    Small files are cached per (file, modification time, size): a backfill parses them once, not once per partition.
    A file that cannot be read (gone, no permission, not a regular file, a link the inbox does not follow) is one
    quarantined record with the reason; it never stops the others."""
    if isinstance(path, RefusedPath):
        return iter([_unreadable(path, tz, path.refusal)])
    try:
        st = path.stat()
    except OSError as exc:
        return iter([_unreadable(path, tz, f"cannot be read: {exc.strerror or exc}")])
    if not stat_mode.S_ISREG(st.st_mode):
        kind = ("a folder" if stat_mode.S_ISDIR(st.st_mode) else "a FIFO (named pipe)" if stat_mode.S_ISFIFO(st.st_mode)
                else "a socket" if stat_mode.S_ISSOCK(st.st_mode) else "a device" if stat_mode.S_ISCHR(st.st_mode)
                or stat_mode.S_ISBLK(st.st_mode) else "not a regular file")
        return iter([_unreadable(path, tz, f"cannot be read: {kind}, not a file")])
    key = (str(path), st.st_mtime_ns, st.st_size, str(tz.key), today)
    if st.st_size > CACHE_FILE_BYTES:
        return _guarded(path, _iter_file(path, st, tz, today), tz)
    cached = _cache.get(key)
    if cached is None:
        cached = tuple(_guarded(path, _iter_file(path, st, tz, today), tz))
        _remember(key, cached, st.st_size)
    else:
        _cache.move_to_end(key)
    return iter(cached)


def _guarded(path: Path, records: Iterator[dict], tz: ZoneInfo) -> Iterator[dict]:
    """The records of a file; an OSError while reading it ends it with a quarantined record that says so."""
    try:
        yield from records
    except OSError as exc:
        yield _unreadable(path, tz, f"cannot be read: {exc.strerror or exc}")


def _remember(key: tuple, records: tuple[dict, ...], size: int) -> None:
    global _cache_bytes
    _cache[key] = records
    _cache_bytes += size
    while _cache and (_cache_bytes > CACHE_TOTAL_BYTES or len(_cache) > 1024):
        old, _ = _cache.popitem(last=False)
        _cache_bytes -= old[2]


def _iter_file(path: Path, st: os.stat_result, tz: ZoneInfo, today: date) -> Iterator[dict]:
    size = st.st_size
    recv = received_day(path, tz, st)
    name = path.name
    if name.endswith(FEED_CACHE_SUFFIX):
        from etl_project.sources.feeds import read_cache_file

        yield from read_cache_file(path, recv, tz, today)
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path, recv, tz, today)
        return
    if suffix not in (".json", ".txt", ".html", ".htm"):
        yield quarantined(name, recv, "file_type", f"unsupported file type {suffix or '(none)'!r}: "
                          "the inbox reads .jsonl, .json, .txt, .html", _head(path))
        return
    if size > MAX_FILE_BYTES:
        yield quarantined(name, recv, "file_size", f"file of {size} bytes exceeds {MAX_FILE_BYTES}", _head(path))
        return
    raw = path.read_bytes()
    if suffix == ".json":
        yield from read_json(raw, name, recv, tz, today)
    elif suffix == ".txt":
        yield from read_text(raw, name, recv, tz, today)
    else:
        yield from read_html(raw, name, recv, tz, today)


def _head(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.read(2000).decode("utf-8", "replace")


def read_jsonl(path: Path, recv: date, tz: ZoneInfo, today: date) -> list[dict]:
    return list(iter_jsonl(path, recv, tz, today))


def iter_jsonl(path: Path, recv: date, tz: ZoneInfo, today: date) -> Iterator[dict]:
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            yield parse_line(raw, f"{path.name}:{lineno}", recv, tz, today)


def _decode(raw: bytes, origin: str, recv: date) -> tuple[str | None, dict | None]:
    try:
        return raw.decode("utf-8").lstrip("\ufeff"), None
    except UnicodeDecodeError as exc:
        return None, quarantined(origin, recv, "encoding", encoding_reason(raw, exc), raw.decode("utf-8", "replace"))


def read_json(raw: bytes, name: str, recv: date, tz: ZoneInfo, today: date) -> list[dict]:
    text, bad = _decode(raw, name, recv)
    if bad:
        return [bad]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [quarantined(name, recv, "json", f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", text)]
    except RecursionError:
        return [quarantined(name, recv, "json", "invalid JSON: nested too deeply to read", text)]
    if isinstance(data, dict):
        return [record_from_object(data, name, recv, tz, today, payload=text)]
    if not isinstance(data, list):
        return [quarantined(name, recv, "json", f"a JSON {type(data).__name__}, not an article object or a list of them", text)]
    records = []
    for i, item in enumerate(data):
        origin = f"{name}[{i}]"
        payload = json.dumps(item, ensure_ascii=False, default=str)
        if isinstance(item, dict):
            records.append(record_from_object(item, origin, recv, tz, today, payload=payload))
        else:
            records.append(quarantined(origin, recv, "json", f"list item is a JSON {type(item).__name__}, not an object", payload))
    return records


def split_header(text: str) -> tuple[dict[str, str], str]:
    """`title: …` / `date: …` / `source: …` / `url: …` lines, then a blank line, then the body.
    Only a block made entirely of such lines is a header; anything else is all body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            if header:
                return header, "\n".join(lines[i + 1:]).strip()
            break
        m = HEADER_LINE.match(line)
        if not m:
            break
        header[HEADER_KEYS[m.group(1).lower()]] = m.group(2)
    return {}, "\n".join(lines).strip()


def read_text(raw: bytes, name: str, recv: date, tz: ZoneInfo, today: date) -> list[dict]:
    text, bad = _decode(raw, name, recv)
    if bad:
        return [bad]
    header, body = split_header(text)
    obj = {**header, "text": body}
    if not obj.get("published"):
        obj.pop("published", None)
    return [record_from_object(obj, name, recv, tz, today, payload=text, default_id=derived_id("txt", obj.get("url"), body))]


def _is_json(raw: bytes) -> bool:
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head not in (b"{", b"["):
        return False
    try:
        json.loads(raw.decode("utf-8").lstrip("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def read_html(raw: bytes, name: str, recv: date, tz: ZoneInfo, today: date) -> list[dict]:
    if _is_json(raw):
        return [quarantined(name, recv, "html", "JSON saved as a page: not an article page (name it .json to read it)",
                            raw.decode("utf-8", "replace"))]
    page, why = extract_article(raw)
    if page is None:
        return [quarantined(name, recv, "html", why, raw.decode("utf-8", "replace"))]
    obj = {"text": page.text, "title": page.title, "url": page.url, "source": page.sitename}
    if page.published:
        obj["published"] = page.published
    obj = {k: v for k, v in obj.items() if v is not None}
    return [record_from_object(obj, name, recv, tz, today, payload=json.dumps(obj, ensure_ascii=False),
                               default_id=derived_id("html", page.url, page.text))]


def derived_id(kind: str, url: str | None, text: str) -> str:
    """An id for an article that came without one: from its URL when it has one, else from its text.
    Stable across runs, so its events keep their ids."""
    key = canonical_url(url) or text_fingerprint(text)
    return f"{kind}-{sha1(key)[:16]}"
