"""Reading raw articles from the configured sources into one row per record, bad ones included.

Every line of every JSONL file, every file dropped in the inbox, every feed entry fetched becomes a
row: a readable article, a duplicate of one, or a quarantined record with the reason. Nothing here
drops input. The sources are configured in `sources.yaml` (see etl_project.sources.config); the
rules every record goes through are in etl_project.sources.records.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from etl_project.sources.config import FeedSource, FetchSettings, SourceConfig
from etl_project.sources.feeds import FetchReport, TransientFetchError, fetch_feeds
from etl_project.sources.files import MAX_FILE_BYTES, iter_file, read_file, received_day
from etl_project.sources.records import (
    KNOWN_KEYS,
    MAX_LINE_BYTES,
    DuplicateMarker,
    FrameBuilder,
    MAX_TEXT_CHARS,
    RAW_COLUMNS,
    canonical_url,
    local_day,
    mark_duplicates,
    parse_line,
    records_frame,
    sha1,
    text_fingerprint,
)

__all__ = [
    "RAW_COLUMNS", "KNOWN_KEYS", "MAX_TEXT_CHARS", "MAX_LINE_BYTES", "MAX_FILE_BYTES",
    "SourceConfig", "FeedSource", "FetchSettings", "FetchReport",
    "sha1", "text_fingerprint", "canonical_url", "local_day", "received_day",
    "parse_line", "read_records", "mark_duplicates", "records_frame",
    "fetch_feeds", "TransientFetchError", "should_fetch", "read_partition", "partitions_with_articles",
]


def read_records(files: list[Path], tz: ZoneInfo, today: date) -> list[dict]:
    """Every record of every file (dicts of RAW_COLUMNS), in file order."""
    records: list[dict] = []
    for path in files:
        records.extend(read_file(path, tz, today))
    return records


def should_fetch(config: SourceConfig, partition_date: date, today: date) -> bool:
    """Feeds are fetched when a recent partition is read; an older one (a backfill) reads the cache only."""
    return bool(config.feeds) and partition_date >= today - timedelta(days=config.fetch.fetch_window_days)


def read_partition(
    config: SourceConfig,
    partition_date: date,
    tz_name: str,
    today: date | None = None,
    fetch: bool | None = None,
    now: datetime | None = None,
) -> pl.DataFrame:
    """All records of one partition (publication day), duplicates and rejects included.

    `fetch`: True fetches the feeds first, False reads only what is cached, None (the default) fetches
    when the partition is within `fetch.fetch_window_days` of today. `now` is the moment of the fetch
    (default: the clock); `today` is the day against which dates are judged "in the future".
    """
    tz = ZoneInfo(tz_name)
    today = today or (now.astimezone(tz).date() if now else datetime.now(tz).date())
    if fetch if fetch is not None else should_fetch(config, partition_date, today):
        fetch_feeds(config, now=now)
    # One pass over every source: each record is checked for duplicates against all records before it (of any
    # day, as mark_duplicates does), and only this partition's records are kept, column by column.
    marker = DuplicateMarker()
    builder = FrameBuilder()
    for path in config.files():
        for rec in iter_file(path, tz, today):
            key, status, duplicate_of, reason = marker.mark(rec)
            if rec["partition_date"] == partition_date:
                builder.add(rec, record_key=key, status=status, duplicate_of=duplicate_of, reason=reason)
    return builder.frame()


def partitions_with_articles(config: SourceConfig, tz_name: str, today: date | None = None) -> list[date]:
    """Every day that has a record in the sources as they are on disk (the feed cache included; no fetching)."""
    tz = ZoneInfo(tz_name)
    today = today or datetime.now(tz).date()
    return sorted({r["partition_date"] for path in config.files() for r in iter_file(path, tz, today)})
