"""The steps of a partition, as plain functions over Polars frames; the assets are thin wrappers.

raw records → contract on articles → extraction → contract on events → ledger + quarantine.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

import polars as pl

from etl_project.checks.contracts import Event, ExtractedIncident, RawArticle, validate
from etl_project.extract_worker import EXTRACTED_SCHEMA, MENTION_SCHEMA, extract_chunk, init_worker, worker_chunk
from etl_project.warehouse import (
    ARTICLE_COLUMNS,
    EVENT_FIELDS,
    MENTION_COLUMNS,
    QUARANTINE_COLUMNS,
    with_absent_as_null,
)

def release_memory() -> None:
    """Hand the heap that the previous step freed back to the system (glibc keeps it otherwise: a step that
    built 100k Python strings would hold their memory through the rest of the run). A no-op elsewhere."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# gc.collect over the gazetteer's millions of objects takes ~0.3 s: after a small day there is little to hand back,
# and a backfill of empty days would spend most of its time collecting. Only a day this big is followed by a release.
RELEASE_AFTER_ROWS = 2_000


def release_after(rows: int) -> None:
    """release_memory() after a day of `rows` rows, when that day was big enough for it to matter."""
    if rows >= RELEASE_AFTER_ROWS:
        release_memory()


def extractor_version(extractor) -> str:
    """The version stamped on every event: the extractor's rules and lexicons plus its gazetteer."""
    from etl_project.extractor import EXTRACTOR_VERSION

    return getattr(extractor, "version", None) or EXTRACTOR_VERSION


# The columns the RawArticle contract reads: only they are validated, so the contract does not copy the frame.
_RAW_CONTRACT_COLUMNS = ("record_key", "article_id", "text", "partition_date", "published_assumed")


def check_articles(raw: pl.DataFrame) -> pl.DataFrame:
    """Apply the RawArticle contract to the readable records; failures become quarantined rows."""
    indexed = raw.with_row_index("_rid")
    ok = pl.col("status") == "ok"
    readable = indexed if raw.height and raw.get_column("status").eq("ok").all() else indexed.filter(ok)
    result = validate(readable.select("_rid", *_RAW_CONTRACT_COLUMNS), RawArticle)
    del readable
    bad = result.rejected.select("_rid", "check_name", "reason")
    is_bad = pl.col("_rid").is_in(bad.get_column("_rid").implode())
    if bad.height:
        ids, checks, reasons = (bad.get_column(c).to_list() for c in ("_rid", "check_name", "reason"))
        indexed = indexed.with_columns(
            pl.when(is_bad).then(pl.lit("quarantined")).otherwise(pl.col("status")).alias("status"),
            pl.when(is_bad).then(pl.col("text")).otherwise(pl.col("raw_payload")).alias("raw_payload"),
            pl.col("_rid").replace_strict(ids, checks, default=pl.col("check_name"), return_dtype=pl.String).alias("check_name"),
            pl.col("_rid").replace_strict(ids, reasons, default=pl.col("reason"), return_dtype=pl.String).alias("reason"),
        )
    # the order of old: valid readable rows, then rejected ones, then the others, sorted by origin and key
    group = pl.when(is_bad).then(1).when(~ok).then(2).otherwise(0)  # `ok` as read: bad rows are quarantined now
    order = indexed.select(pl.arg_sort_by(["origin", "record_key", group, "_rid"])).to_series()
    return indexed.drop("_rid")[order] if raw.height else raw


# Extraction runs over chunks of articles; each chunk becomes a small frame at once, so a partition never
# holds a list of every event's dict. With ETL_WORKERS > 1 and a big partition, chunks also go to worker
# processes (spawned, each importing only etl_project.extract_worker and the extraction code, and loading the
# extractor once), and the main process extracts chunks too.
EXTRACT_CHUNK = 200
PARALLEL_MIN_ARTICLES = 2_000
ARTICLE_FIELDS = ("article_id", "text", "published", "source", "title", "url", "published_assumed", "partition_date")


def extract_articles(
    articles: pl.DataFrame,
    extractor,
    partition_date: date,
    workers: int = 1,
    loader_args: tuple | None = None,
    min_parallel: int = PARALLEL_MIN_ARTICLES,
) -> pl.DataFrame:
    """Run the extractor over every readable article; an article that crashes it is recorded, not lost.

    `workers` > 1 (with at least `min_parallel` articles, and `loader_args`: the arguments of
    etl_project.loading.load_extractor that give the same extractor) spreads the chunks over that
    many processes, this one included. The frame is the same, row for row, as with one."""
    version = extractor_version(extractor)
    # the readable articles are sliced out of the day's frame one chunk at a time, when the chunk is extracted:
    # filtering the whole frame first would copy every text of the day
    rows = articles.select(pl.arg_where(pl.col("status") == "ok")).to_series()
    fields = articles.select(ARTICLE_FIELDS)
    chunks = _Chunks(fields, rows)
    n = rows.len()
    if workers > 1 and loader_args is not None and len(chunks) > 1 and n >= min_parallel:
        frames = _extract_parallel(chunks, extractor, version, partition_date, workers, loader_args)
    else:
        frames = [extract_chunk(extractor, version, chunks[i], partition_date) for i in range(len(chunks))]
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame(schema=EXTRACTED_SCHEMA)
    # not rechunked: one copy of the day's events fewer (the IPC file is written chunk by chunk all the same)
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical", rechunk=False)


class _Chunks:
    """The readable articles in chunks of EXTRACT_CHUNK, each taken from the day's frame when it is asked for."""

    def __init__(self, frame: pl.DataFrame, rows: pl.Series) -> None:
        self.frame, self.rows = frame, rows

    def __len__(self) -> int:
        return -(-self.rows.len() // EXTRACT_CHUNK)

    def __getitem__(self, i: int) -> pl.DataFrame:
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.frame[self.rows.slice(i * EXTRACT_CHUNK, EXTRACT_CHUNK)]


def _extract_parallel(chunks: "_Chunks", extractor, version: str, partition_date: date, workers: int,
                      loader_args: tuple) -> list[pl.DataFrame]:
    """Chunks to `workers - 1` spawned processes and to this one, results in chunk order. A worker that
    cannot start or dies leaves its chunks to this process: the output does not depend on the pool."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from etl_project.loading import loaded_code_fingerprint

    results: list[pl.DataFrame | None] = [None] * len(chunks)
    pending: dict = {}
    in_flight = 2 * (workers - 1)  # each worker has a chunk queued while it extracts another
    try:
        # 'spawn', not fork: a forked copy of a process holding DuckDB connections and Dagster's threads is not safe
        pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(loader_args, loaded_code_fingerprint()))
    except Exception:
        pool = None
    try:
        for i in range(len(chunks)):
            chunk = chunks[i]
            _collect(pending, results, wait=False)
            if pool is not None and len(pending) < in_flight:
                try:
                    pending[pool.submit(worker_chunk, version, chunk, partition_date)] = i
                    continue
                except Exception:  # the pool is broken: this process does the rest
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
            results[i] = extract_chunk(extractor, version, chunk, partition_date)
        _collect(pending, results, wait=True)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    for i, frame in enumerate(results):
        if frame is None:  # its worker failed (it died, or could not load the extractor)
            results[i] = extract_chunk(extractor, version, chunks[i], partition_date)
    return results


def _collect(pending: dict, results: list, wait: bool) -> None:
    from concurrent.futures import wait as wait_for

    if not pending:
        return
    for fut in wait_for(list(pending), timeout=None if wait else 0).done:
        i = pending.pop(fut)
        try:
            results[i] = fut.result()
        except Exception:
            results[i] = None


def check_events(extracted: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contract the extracted rows; returns (valid events, rejected rows with check_name/reason)."""
    crashed = extracted.filter(pl.col("extraction_error").is_not_null()).with_columns(
        pl.lit("extractor").alias("check_name"), pl.col("extraction_error").alias("reason"))
    # the filter and the de-duplication copy every row: skipped when there is nothing to remove (the usual night)
    no_crash = crashed.height == 0
    rows = (extracted if no_crash else extracted.filter(pl.col("extraction_error").is_null())).with_row_index("_order")
    first = rows if rows.get_column("event_id").is_unique().all() else rows.unique("event_id", keep="first", maintain_order=True)
    repeated = rows.join(first.select("_order"), on="_order", how="anti").with_columns(
        pl.lit("duplicate_event_id").alias("check_name"), pl.lit("the extractor emitted this event_id twice").alias("reason"))
    typed = validate(first.drop("_order"), ExtractedIncident)
    final = validate(typed.valid, Event)
    rejected = pl.concat([crashed, repeated.drop("_order"), typed.rejected, final.rejected], how="diagonal_relaxed")
    return final.valid, rejected


LEDGER_SCHEMA: dict[str, pl.DataType] = (
    {c: pl.String for c in ARTICLE_COLUMNS} | {"partition_date": pl.Date, "published_assumed": pl.Boolean, "n_events": pl.Int32})


def ledger(articles: pl.DataFrame, events: pl.DataFrame, rejected: pl.DataFrame, extractor_version: str) -> pl.DataFrame:
    """One row per raw record with what became of it: events (n), no_events, duplicate, quarantined.

    Column expressions over `articles`, so the text is never copied into Python objects."""
    if not articles.height:
        return pl.DataFrame(schema=LEDGER_SCHEMA)
    counts = (events.group_by("article_id").len() if events.height
              else pl.DataFrame(schema={"article_id": pl.String, "len": pl.UInt32}))
    crashed = {r["article_id"]: r["reason"] for r in rejected.filter(pl.col("check_name") == "extractor")
               .select("article_id", "reason").iter_rows(named=True)}
    ok = pl.col("status") == "ok"
    failed = ok & pl.col("article_id").is_in(pl.Series(list(crashed), dtype=pl.String).implode())
    n = pl.col("article_id").replace_strict(counts.get_column("article_id"), counts.get_column("len"), default=0,
                                            return_dtype=pl.Int32)
    status = (pl.when(failed).then(pl.lit("quarantined"))
              .when(ok & (n > 0)).then(pl.lit("events"))
              .when(ok).then(pl.lit("no_events"))
              .otherwise(pl.col("status")))
    crash_reason = pl.col("article_id").replace_strict(list(crashed), [None if v is None else str(v) for v in crashed.values()],
                                                       default=None, return_dtype=pl.String)
    reason = pl.when(failed).then(pl.format("extractor failed: {}", crash_reason)).otherwise(pl.col("reason"))
    out = articles.select(
        pl.col("record_key").alias("article_id"), "partition_date", "published",
        pl.col("published_assumed").fill_null(False), "source", "title", "url", "text", "text_sha1", "origin",
        status.alias("status"),
        pl.when(ok & ~failed).then(n).otherwise(0).cast(pl.Int32).alias("n_events"),
        "duplicate_of", reason.alias("reason"),
        pl.when(status.is_in(["events", "no_events"])).then(pl.lit(extractor_version)).otherwise(None).alias("extractor_version"),
        "metadata",
    )
    return out.cast(LEDGER_SCHEMA).select(list(LEDGER_SCHEMA))


def quarantine_rows(articles: pl.DataFrame, rejected: pl.DataFrame, partition_date: date) -> pl.DataFrame:
    """Quarantine rows for rejected articles and rejected events, with stable ids."""
    rows = []
    for a in articles.filter(pl.col("status") == "quarantined").iter_rows(named=True):
        rows.append(("raw_articles", a["record_key"], a["article_id"], a["check_name"], a["reason"], a["raw_payload"]))
    for r in rejected.iter_rows(named=True):
        payload = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items() if k in MENTION_SCHEMA and v is not None}
        asset = "extracted_incidents" if r["check_name"] == "extractor" else "incident_events"
        key = r.get("event_id") or r["article_id"]
        rows.append((asset, key, r["article_id"], r["check_name"], r["reason"], json.dumps(payload, ensure_ascii=False, default=str)))
    out = []
    for asset, key, article_id, check, reason, payload in rows:
        qid = hashlib.sha1(f"{asset}|{partition_date}|{key}|{check}".encode()).hexdigest()[:20]
        out.append(dict(quarantine_id=qid, asset=asset, partition_date=partition_date, article_id=article_id,
                        check_name=check or "unknown", reason=reason or "unknown", raw_payload=payload))
    schema = {c: pl.String for c in QUARANTINE_COLUMNS} | {"partition_date": pl.Date}
    frame = pl.DataFrame(out, schema=schema) if out else pl.DataFrame(schema=schema)
    return frame.unique("quarantine_id", keep="first", maintain_order=True)


def mentions_frame(events: pl.DataFrame) -> pl.DataFrame:
    """The valid events in the warehouse's `event_mentions` shape."""
    frame = with_absent_as_null(events.rename({"event_id": "mention_id"}))
    return frame.select(list(MENTION_COLUMNS))


__all__ = ["release_memory", "release_after", "check_articles", "extract_articles", "check_events", "ledger", "quarantine_rows", "mentions_frame", "EVENT_FIELDS"]
