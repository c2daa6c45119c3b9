"""The load of one partition: its rows replaced and its incidents re-merged in one transaction, a slice at a time.

A day reaches the warehouse as a PartitionInput: the ledger's keys for the whole day (a few short columns, no text),
then its ledger, mentions and quarantine rows as slices. The keys are settled first (an article of another day is a
duplicate here, a key another day holds is renamed), then each slice is patched with them and inserted, so the day's
texts are never all in Python at once. Readers see all of a day or none of it: a small day, or any day of a DuckLake,
is one transaction; a big day on a DuckDB file is committed in pieces on the writers' own file, which no reader opens
and which is published only once the day is whole (load_partition).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Protocol

import duckdb
import polars as pl

import etl_project.warehouse as wh
from etl_project import store

# The ledger columns that settling a day's keys reads or changes (_resolve_cross_partition_duplicates,
# _rekey_taken_ids); the other columns of a ledger slice are inserted as they come.
KEY_COLUMNS = ("article_id", "status", "url", "text_sha1", "duplicate_of", "n_events", "reason")
_PATCHED = ("article_id", "status", "duplicate_of", "n_events", "reason")


class PartitionInput(Protocol):
    """A day's rows for load_partition. `articles()` yields the ledger (ARTICLE_COLUMNS) in the order of `keys()`;
    `quarantine()` yields rows whose quarantine_id is unique over the day."""

    def keys(self) -> pl.DataFrame: ...
    def articles(self) -> Iterator[pl.DataFrame]: ...
    def mentions(self) -> Iterator[pl.DataFrame]: ...
    def quarantine(self) -> Iterator[pl.DataFrame]: ...


class FramesInput:
    """A day given as whole frames (tests, small loads): each table inserted in slices of INSERT_BATCH_ROWS."""

    def __init__(self, articles: pl.DataFrame, mentions: pl.DataFrame, quarantine: pl.DataFrame,
                 rows: int | None = None) -> None:
        self._articles, self._mentions, self._quarantine = articles, mentions, quarantine
        self.rows = rows or wh.INSERT_BATCH_ROWS

    def keys(self) -> pl.DataFrame:
        return self._articles.select(KEY_COLUMNS)

    def _slices(self, frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
        for start in range(0, frame.height, self.rows):
            yield frame.slice(start, self.rows)

    def articles(self) -> Iterator[pl.DataFrame]:
        return self._slices(self._articles)

    def mentions(self) -> Iterator[pl.DataFrame]:
        return self._slices(self._mentions)

    def quarantine(self) -> Iterator[pl.DataFrame]:
        return self._slices(self._quarantine)


@dataclass(frozen=True)
class PartitionLoad:
    partition_date: date
    articles_in: int
    events: int
    no_events: int
    duplicates: int
    quarantined: int
    mentions: int
    warehouse_events: int
    revisions: int
    deletions: int
    quarantine_rows: int = 0


def write_partition(
    con: duckdb.DuckDBPyConnection,
    partition_date: date,
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    quarantine: pl.DataFrame,
    extractor_version: str,
    run_id: str | None = None,
    now: datetime | None = None,
) -> PartitionLoad:
    """Replace one partition (delete, then insert) and re-merge the incidents it touches, atomically for readers.

    `articles` has ARTICLE_COLUMNS, `mentions` MENTION_COLUMNS, `quarantine` QUARANTINE_COLUMNS.
    A failure anywhere leaves the warehouse as it was before: rolled back, or, for a day loaded in pieces, never
    published and taken back from the published file by the next writer (load_partition).
    """
    return load_partition(con, partition_date, FramesInput(articles, mentions, quarantine), extractor_version, run_id, now)


# A day of more ledger rows than this, on a DuckDB file, is loaded in committed pieces: one transaction keeps every
# row it writes in memory until it commits (~340 MB for a 40k-article day, bench/results/README.md).
PIECEWISE_MIN_ROWS = 5_000


def load_partition(con: duckdb.DuckDBPyConnection, partition_date: date, day: PartitionInput, extractor_version: str,
                   run_id: str | None = None, now: datetime | None = None,
                   piecewise_min_rows: int | None = None) -> PartitionLoad:
    """write_partition over a PartitionInput, whose slices are read one at a time.

    A small day, or any day of a DuckLake (whose readers see every commit), is one transaction. A bigger day of a
    DuckDB file is loaded in pieces, each committed (store.publish_open, store.IN_LOAD_TABLE): readers never see a
    piece, as they read the file the writers publish, which is published just before the load and not again until
    the day is whole; a writer that dies mid-load leaves its file marked, and the next one starts again from the
    published file, where the day is as it was."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    keys = day.keys()
    threshold = PIECEWISE_MIN_ROWS if piecewise_min_rows is None else piecewise_min_rows
    work = lambda: _write_partition(con, partition_date, day, keys, extractor_version, run_id, now)  # noqa: E731
    if keys.height <= threshold or not store.loads_in_pieces(con):
        return wh.in_transaction(con, work)
    store.publish_open(con)
    con.execute(f"CREATE TABLE IF NOT EXISTS {store.IN_LOAD_TABLE} (partition_date DATE NOT NULL, started_at TIMESTAMP NOT NULL)")
    con.execute(f"INSERT INTO {store.IN_LOAD_TABLE} VALUES (?, ?)", [partition_date, now])
    load = work()  # no transaction around it: each statement commits, and its rows leave memory for the file
    con.execute(f"DELETE FROM {store.IN_LOAD_TABLE}")
    return load


def _write_partition(con, partition_date: date, day: PartitionInput, keys: pl.DataFrame, extractor_version: str,
                     run_id: str | None, now: datetime) -> PartitionLoad:
    keys, dropped = _resolve_cross_partition_duplicates(con, partition_date, keys)
    keys, rekey = _rekey_taken_ids(con, partition_date, keys)
    old_dates = wh._dates_of(con, "SELECT DISTINCT event_date FROM event_mentions WHERE partition_date = ?", [partition_date])
    for table in ("articles", "event_mentions", "quarantine"):
        con.execute(f"DELETE FROM {table} WHERE partition_date = ?", [partition_date])
    _insert_articles(con, keys, day.articles())
    n_mentions, new_dates = _insert_mentions(con, day.mentions(), dropped, rekey)
    n_quarantine = 0
    for rows in day.quarantine():
        wh._insert(con, "quarantine", rows, wh.QUARANTINE_COLUMNS)
        n_quarantine += rows.height
    revisions, deletions, merged = wh._remerge(con, old_dates | new_dates, extractor_version, now)
    wh.assign_acled_ids(con, now)
    counts = dict(keys.group_by("status").len().iter_rows()) if keys.height else {}
    load = PartitionLoad(
        partition_date=partition_date, articles_in=keys.height, events=counts.get("events", 0),
        no_events=counts.get("no_events", 0), duplicates=counts.get("duplicate", 0),
        quarantined=counts.get("quarantined", 0), mentions=n_mentions, warehouse_events=merged,
        revisions=revisions, deletions=deletions, quarantine_rows=n_quarantine,
    )
    con.execute(
        "INSERT INTO partition_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [partition_date, run_id, now, load.articles_in, load.events, load.no_events, load.duplicates, load.quarantined, extractor_version],
    )
    return load


def _insert_articles(con, keys: pl.DataFrame, slices: Iterator[pl.DataFrame]) -> None:
    """Each ledger slice with its settled keys (the rows of `keys` at the same positions), inserted."""
    offset = 0
    for rows in slices:
        settled = keys.slice(offset, rows.height)
        if settled.height != rows.height:
            raise ValueError(f"the ledger has more rows than its keys ({keys.height})")
        wh._insert(con, "articles", rows.with_columns(settled.get_column(c) for c in _PATCHED), wh.ARTICLE_COLUMNS)
        offset += rows.height
    if offset != keys.height:
        raise ValueError(f"the ledger has {offset} rows and its keys {keys.height}")


def _insert_mentions(con, slices: Iterator[pl.DataFrame], dropped: pl.Series, rekey: dict) -> tuple[int, set]:
    """Each slice of mentions without those of articles found to be duplicates, under the settled article ids;
    returns their count and their event dates."""
    n, dates = 0, set()
    for rows in slices:
        if dropped.len():
            rows = rows.filter(~pl.col("article_id").is_in(dropped.implode()))
        if rekey:
            rows = rows.with_columns(pl.col("article_id").replace(list(rekey), list(rekey.values())))
        wh._insert(con, "event_mentions", wh.with_absent_as_null(rows), wh.MENTION_COLUMNS)
        n += rows.height
        dates.update(rows.get_column("event_date").unique().to_list())
    return n, dates


def _resolve_cross_partition_duplicates(con, partition_date: date, articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """An article already in another partition (same id, URL or text) is a duplicate here; returns the keys and
    the ids of the incoming articles so marked (their mentions are not loaded).

    The match is a SQL join of the incoming keys (id, URL, text hash: no text) against the warehouse; only the
    articles that match come back to Python. The rule is the one of the original dictionaries: the same id first,
    then the same URL, then the same text hash; when several stored articles share a URL or a hash, the one
    stored last (the last a table scan returns) is the original."""
    none = pl.Series("article_id", [], pl.String)
    if articles.height == 0:
        return articles, none
    keys = articles.filter(pl.col("status").is_in(["events", "no_events"])).select("article_id", "url", "text_sha1")
    if keys.height == 0:
        return articles, none
    con.register("_incoming_keys", keys.to_arrow())
    try:
        matches = con.sql(
            """WITH stored AS (
                   SELECT article_id, url, text_sha1, rowid AS rid FROM articles
                   WHERE partition_date <> ? AND status IN ('events', 'no_events')),
               by_url AS (SELECT url, arg_max(article_id, rid) AS original FROM stored
                          WHERE url IS NOT NULL AND url <> '' GROUP BY url),
               by_sha AS (SELECT text_sha1, arg_max(article_id, rid) AS original FROM stored
                          WHERE text_sha1 IS NOT NULL AND text_sha1 <> '' GROUP BY text_sha1)
               SELECT i.article_id,
                      coalesce(nullif(s_id.article_id, ''), nullif(u.original, ''), nullif(h.original, '')) AS original
               FROM _incoming_keys i
               LEFT JOIN stored s_id ON s_id.article_id = i.article_id
               LEFT JOIN by_url u ON u.url = i.url
               LEFT JOIN by_sha h ON h.text_sha1 = i.text_sha1
               WHERE coalesce(nullif(s_id.article_id, ''), nullif(u.original, ''), nullif(h.original, '')) IS NOT NULL""",
            params=[partition_date],
        ).pl()
    finally:
        con.unregister("_incoming_keys")
    if matches.height == 0:
        return articles, none
    ids, originals = matches.get_column("article_id"), matches.get_column("original")
    original = pl.col("article_id").replace_strict(ids, originals, default=None, return_dtype=pl.String)
    dup = original.is_not_null() & pl.col("status").is_in(["events", "no_events"])
    articles = articles.with_columns(
        pl.when(dup & (original == pl.col("article_id")))
        .then(pl.format("{}@{}", pl.col("article_id"), pl.lit(partition_date.isoformat())))
        .otherwise(pl.col("article_id")).alias("article_id"),
        pl.when(dup).then(pl.lit("duplicate")).otherwise(pl.col("status")).alias("status"),
        pl.when(dup).then(original).otherwise(pl.col("duplicate_of")).alias("duplicate_of"),
        pl.when(dup).then(0).otherwise(pl.col("n_events")).alias("n_events"),
        pl.when(dup).then(pl.lit("same id, URL or text as an article of another day")).otherwise(pl.col("reason")).alias("reason"),
    ).cast(articles.schema)
    return articles, ids


def _rekey_taken_ids(con, partition_date: date, articles: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """A ledger key already used by another day (a bad copy of an article loaded before, a bad file touched
    or dropped again) becomes `key@day` (numbered if that is taken too): the row is kept, its day's load goes on.
    Returns the keys and the renaming (old id → new id), which the day's mentions follow."""
    if articles.height == 0:
        return articles, {}
    con.register("_incoming_ids", articles.select("article_id").to_arrow())
    try:
        taken = {r[0] for r in con.execute(
            """SELECT a.article_id FROM articles a JOIN _incoming_ids i USING (article_id)
               WHERE a.partition_date <> ?""", [partition_date]).fetchall()}
    finally:
        con.unregister("_incoming_ids")
    if not taken:
        return articles, {}
    used = set(articles.get_column("article_id").to_list())
    new_ids = {}
    for old in sorted(taken):
        base = candidate = f"{old}@{partition_date.isoformat()}"
        n = 1
        while candidate in used or con.execute("SELECT 1 FROM articles WHERE article_id = ? AND partition_date <> ?",
                                                [candidate, partition_date]).fetchone():
            n += 1
            candidate = f"{base}#{n}"
        used.add(candidate)
        new_ids[old] = candidate
    articles = articles.with_columns(pl.col("article_id").replace(list(new_ids), list(new_ids.values())))
    return articles, new_ids
