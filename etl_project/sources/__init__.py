"""Where raw articles come from: JSONL files, an inbox of dropped files, RSS/Atom feeds.

- config.py   the one `sources.yaml` that lists them, and how politely to fetch
- records.py  the rules every record passes (id, text, date, size), dedup, the RAW_COLUMNS frame
- files.py    .jsonl / .json / .txt / .html files → records
- html.py     an article page → text, title, date (trafilatura)
- fetch.py    polite HTTP (User-Agent, timeouts, retries with back-off, per-host delay, robots.txt)
- feeds.py    feeds → the on-disk cache → records
- changes.py  which partitions new or changed files touch (the inbox sensor's logic)

`etl_project.ingest` puts them together for one partition.
"""
from etl_project.sources.config import FeedSource, FetchSettings, SourceConfig
from etl_project.sources.feeds import FetchReport, TransientFetchError, fetch_feeds

__all__ = ["SourceConfig", "FeedSource", "FetchSettings", "FetchReport", "TransientFetchError", "fetch_feeds"]
