"""Reading raw articles from the configured sources into one row per record, bad ones included.

Every line of every source becomes a row: a readable article, a duplicate of one, or a
quarantined record with the reason. Nothing here drops input.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
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
MAX_TEXT_CHARS = 200_000  # a news article is a few KB; beyond this it is a page dump, not an article
MAX_LINE_BYTES = 5_000_000


@dataclass(frozen=True)
class SourceConfig:
    """The sources one run reads: JSONL files and folders of JSONL files."""

    jsonl_paths: tuple[Path, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, sources_file: Path, seeds_dir: Path) -> "SourceConfig":
        """Read `sources.yaml`; without one, the bundled seeds are the only source."""
        if not sources_file.exists():
            return cls(jsonl_paths=(seeds_dir,))
        import yaml

        data = yaml.safe_load(sources_file.read_text(encoding="utf-8")) or {}
        base = sources_file.parent
        paths = []
        for entry in data.get("jsonl", []) or []:
            p = Path(str(entry).replace("${ETL_SEEDS_DIR}", str(seeds_dir))).expanduser()
            paths.append(p if p.is_absolute() else base / p)
        return cls(jsonl_paths=tuple(paths))

    def files(self) -> list[Path]:
        out: list[Path] = []
        for p in self.jsonl_paths:
            if p.is_dir():
                out.extend(sorted(f for f in p.glob("*.jsonl") if _is_article_file(f)))
            elif p.exists():
                out.append(p)
        return out


def _is_article_file(path: Path) -> bool:
    # label files sit beside the seed articles; they are test data, not articles
    return "label" not in path.stem and "gold" not in path.stem


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def text_fingerprint(text: str) -> str:
    """The same article re-sent with other spacing or diacritics has the same fingerprint."""
    return sha1(" ".join(normalize_text(text).split()))


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


def received_day(path: Path, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).astimezone(tz).date()


def read_records(files: list[Path], tz: ZoneInfo, today: date) -> list[dict]:
    """Every line of every file as one record (dict of RAW_COLUMNS), in file order."""
    records: list[dict] = []
    for path in files:
        recv = received_day(path, tz)
        with path.open("rb") as fh:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                records.append(parse_line(raw, f"{path.name}:{lineno}", recv, tz, today))
    return records


def _quarantined(origin: str, recv: date, check: str, reason: str, payload: str, article_id: str | None = None, **extra) -> dict:
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
        raw_payload=payload[:20_000],
    )
    row.update({k: v for k, v in extra.items() if v is not None})
    return row


def parse_line(raw: bytes, origin: str, recv: date, tz: ZoneInfo, today: date) -> dict:
    """One JSONL line → one record. Unreadable lines are quarantined records, never exceptions."""
    if len(raw) > MAX_LINE_BYTES:
        return _quarantined(origin, recv, "line_size", f"line of {len(raw)} bytes exceeds {MAX_LINE_BYTES}", raw[:2000].decode("utf-8", "replace"))
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _quarantined(origin, recv, "encoding", f"not UTF-8: {exc.reason} at byte {exc.start}", raw.decode("utf-8", "replace"))
    line = line.lstrip("\ufeff")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return _quarantined(origin, recv, "json", f"invalid JSON: {exc.msg} (column {exc.colno})", line)
    if not isinstance(obj, dict):
        return _quarantined(origin, recv, "json", f"a JSON {type(obj).__name__}, not an object", line)

    raw_id = obj.get("id")
    article_id = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else None
    text = obj.get("text")
    published = obj.get("published")
    title, source, url = (obj.get(k) for k in ("title", "source", "url"))
    meta = {k: v for k, v in obj.items() if k not in KNOWN_KEYS}

    published_str = published.strip() if isinstance(published, str) else None
    day = local_day(published_str, tz) if published_str else None
    assumed = day is None
    partition = day or recv

    common = dict(
        published=published_str,
        source=_as_str(source),
        title=_as_str(title),
        url=_as_str(url),
        metadata=json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str) if meta else None,
    )
    if article_id is None:
        return _quarantined(origin, partition, "id", "missing or empty `id`", line, **common)
    if not isinstance(text, str):
        return _quarantined(origin, partition, "text", "missing `text` or not a string", line, article_id=article_id, **common)
    if published is not None and published_str and day is None:
        return _quarantined(origin, recv, "published", f"`published` is not a date: {published_str[:40]!r}", line, article_id=article_id, **common)
    if day is not None and day > today:
        return _quarantined(origin, partition, "published", f"`published` {day} is in the future", line, article_id=article_id, **common)
    if len(text) > MAX_TEXT_CHARS:
        return _quarantined(origin, partition, "text", f"text of {len(text)} characters exceeds {MAX_TEXT_CHARS}", line[:20_000], article_id=article_id, **common)
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


def _as_str(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def mark_duplicates(records: list[dict]) -> list[dict]:
    """The second sighting of an article (same id, URL or text) becomes a `duplicate` row.

    Its ledger key gets the origin appended so both sightings stay in the ledger.
    """
    first_by: dict[tuple[str, str], str] = {}
    seen_keys: set[str] = set()
    out = []
    for rec in records:
        rec = dict(rec)
        if rec["status"] == "ok":
            keys = [("id", rec["article_id"]), ("text", rec["text_sha1"])]
            if rec["url"]:
                keys.append(("url", rec["url"]))
            original = next((first_by[k] for k in keys if k in first_by), None)
            if original is not None:
                rec["status"] = "duplicate"
                rec["duplicate_of"] = original
                rec["reason"] = "same id, URL or text as an article already read"
            else:
                for k in keys:
                    first_by[k] = rec["article_id"]
        key = rec["record_key"]
        if key in seen_keys or rec["status"] == "duplicate":
            key = f"{key}@{rec['origin']}"
        seen_keys.add(key)
        rec["record_key"] = key
        out.append(rec)
    return out


def records_frame(records: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=RAW_COLUMNS) if records else pl.DataFrame(schema=RAW_COLUMNS)


def read_partition(config: SourceConfig, partition_date: date, tz_name: str, today: date | None = None) -> pl.DataFrame:
    """All records of one partition (publication day), duplicates and rejects included."""
    tz = ZoneInfo(tz_name)
    today = today or datetime.now(tz).date()
    records = mark_duplicates(read_records(config.files(), tz, today))
    return records_frame([r for r in records if r["partition_date"] == partition_date])


def partitions_with_articles(config: SourceConfig, tz_name: str, today: date | None = None) -> list[date]:
    tz = ZoneInfo(tz_name)
    today = today or datetime.now(tz).date()
    return sorted({r["partition_date"] for r in read_records(config.files(), tz, today)})
