"""The steps of a partition, as plain functions over Polars frames; the assets are thin wrappers.

raw records → contract on articles → extraction → contract on events → ledger + quarantine.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
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
    frame, order = checked_articles(raw)
    return frame[order] if raw.height else raw


def ordered_slices(frame: pl.DataFrame, order: pl.Series, rows: int) -> Iterator[pl.DataFrame]:
    """`frame[order]` a slice of `rows` rows at a time: each slice is a copy of its rows only, not of the day."""
    for start in range(0, order.len(), rows):
        yield frame[order.slice(start, rows)]


def checked_articles(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """check_articles without its last step: the checked records, and the order they are kept in (by origin and
    key), which the raw step applies a slice at a time as it writes the day."""
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
    return (indexed.drop("_rid"), order) if raw.height else (raw, pl.Series("order", [], pl.UInt32))


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
    n = articles.get_column("status").eq("ok").sum() if articles.height else 0
    frames = [f for f in iter_extracted([articles.select("status", *ARTICLE_FIELDS)], n, extractor, partition_date,
                                        workers, loader_args, min_parallel) if f.height]
    if not frames:
        return pl.DataFrame(schema=EXTRACTED_SCHEMA)
    # not rechunked: one copy of the day's events fewer
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical", rechunk=False)


def iter_extracted(
    articles: Iterable[pl.DataFrame],
    n_readable: int,
    extractor,
    partition_date: date,
    workers: int = 1,
    loader_args: tuple | None = None,
    min_parallel: int = PARALLEL_MIN_ARTICLES,
) -> Iterator[pl.DataFrame]:
    """extract_articles over a day given as slices of its raw records (status and ARTICLE_FIELDS), yielding each
    chunk's events in article order as soon as they are known: the caller can write them away, so neither the
    day's articles nor its events are ever all in memory. `n_readable`: the day's articles with status ok."""
    version = extractor_version(extractor)
    chunks = _chunks(articles)
    if workers > 1 and loader_args is not None and n_readable > EXTRACT_CHUNK and n_readable >= min_parallel:
        yield from _extract_parallel(chunks, extractor, version, partition_date, workers, loader_args)
    else:
        for chunk in chunks:
            yield extract_chunk(extractor, version, chunk, partition_date)


def _chunks(slices: Iterable[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """The readable articles of the slices, in chunks of EXTRACT_CHUNK (the last one shorter)."""
    carry = None
    for frame in slices:
        ok = frame.filter(pl.col("status") == "ok").select(ARTICLE_FIELDS)
        carry = ok if carry is None else pl.concat([carry, ok])
        while carry.height >= EXTRACT_CHUNK:
            yield carry.slice(0, EXTRACT_CHUNK)
            carry = carry.slice(EXTRACT_CHUNK)
    if carry is not None and carry.height:
        yield carry


def _extract_parallel(chunks: Iterator[pl.DataFrame], extractor, version: str, partition_date: date, workers: int,
                      loader_args: tuple) -> Iterator[pl.DataFrame]:
    """Chunks to `workers - 1` spawned processes and to this one, results yielded in chunk order. A worker that
    cannot start or dies leaves its chunks to this process: the output does not depend on the pool."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from etl_project.loading import loaded_code_fingerprint

    pending: dict = {}
    results: dict[int, pl.DataFrame | None] = {}
    sent: dict[int, pl.DataFrame] = {}  # a chunk given to a worker, kept until its result is out (to redo it here)
    in_flight = 2 * (workers - 1)  # each worker has a chunk queued while it extracts another
    next_out = 0

    def ready() -> Iterator[pl.DataFrame]:
        nonlocal next_out
        while next_out in results:
            frame = results.pop(next_out)
            chunk = sent.pop(next_out, None)
            yield frame if frame is not None else extract_chunk(extractor, version, chunk, partition_date)
            next_out += 1

    try:
        # 'spawn', not fork: a forked copy of a process holding DuckDB connections and Dagster's threads is not safe
        pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(loader_args, loaded_code_fingerprint()))
    except Exception:
        pool = None
    try:
        for i, chunk in enumerate(chunks):
            _collect(pending, results, wait=False)
            yield from ready()
            if pool is not None and len(pending) < in_flight:
                try:
                    pending[pool.submit(worker_chunk, version, chunk, partition_date)] = i
                    sent[i] = chunk
                    continue
                except Exception:  # the pool is broken: this process does the rest
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
            results[i] = extract_chunk(extractor, version, chunk, partition_date)
            yield from ready()
        _collect(pending, results, wait=True)
        yield from ready()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _collect(pending: dict, results: dict, wait: bool) -> None:
    """Move finished futures' frames to `results` (None for a worker that failed: the chunk is redone here)."""
    from concurrent.futures import wait as wait_for

    if not pending:
        return
    for fut in wait_for(list(pending), timeout=None if wait else 0).done:
        i = pending.pop(fut)
        try:
            results[i] = fut.result()
        except Exception:
            results[i] = None


REJECTED_SCHEMA = {**EXTRACTED_SCHEMA, "check_name": pl.String, "reason": pl.String}


def check_events(extracted: pl.DataFrame, seen: list[pl.Series] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contract the extracted rows; returns (valid events, rejected rows with check_name/reason).

    A day checked in slices passes the same list as `seen` with every slice: an event_id kept in an earlier slice
    is a duplicate in a later one, as it is when the day is checked whole."""
    crashed = extracted.filter(pl.col("extraction_error").is_not_null()).with_columns(
        pl.lit("extractor").alias("check_name"), pl.col("extraction_error").alias("reason"))
    # the filter and the de-duplication copy every row: skipped when there is nothing to remove (the usual night)
    no_crash = crashed.height == 0
    rows = (extracted if no_crash else extracted.filter(pl.col("extraction_error").is_null())).with_row_index("_order")
    earlier = pl.concat(seen) if seen else None
    if earlier is not None and earlier.len():
        rows_new = rows.filter(~pl.col("event_id").is_in(earlier.implode()).fill_null(False))
    else:
        rows_new = rows
    ids = rows_new.get_column("event_id")
    first = rows_new if ids.is_unique().all() else rows_new.unique("event_id", keep="first", maintain_order=True)
    if seen is not None:
        seen[:] = [pl.concat([earlier, first.get_column("event_id")]) if earlier is not None else first.get_column("event_id")]
    repeated = rows.join(first.select("_order"), on="_order", how="anti").with_columns(
        pl.lit("duplicate_event_id").alias("check_name"), pl.lit("the extractor emitted this event_id twice").alias("reason"))
    typed = validate(first.drop("_order"), ExtractedIncident)
    final = validate(typed.valid, Event)
    rejected = pl.concat([crashed, repeated.drop("_order"), typed.rejected, final.rejected], how="diagonal_relaxed")
    # one schema for every slice, so the slices of a day can be staged as one file
    rejected = rejected.select(*(pl.col(c) if c in rejected.columns else pl.lit(None, t).alias(c) for c, t in REJECTED_SCHEMA.items()),
                               *(c for c in rejected.columns if c not in REJECTED_SCHEMA))
    return final.valid, rejected


LEDGER_SCHEMA: dict[str, pl.DataType] = (
    {c: pl.String for c in ARTICLE_COLUMNS} | {"partition_date": pl.Date, "published_assumed": pl.Boolean, "n_events": pl.Int32})


def ledger(articles: pl.DataFrame, events: pl.DataFrame, rejected: pl.DataFrame, extractor_version: str) -> pl.DataFrame:
    """One row per raw record with what became of it: events (n), no_events, duplicate, quarantined.

    Column expressions over `articles`, so the text is never copied into Python objects."""
    return ledger_slice(articles, event_counts(events), crashed_articles(rejected), extractor_version)


def event_counts(events: pl.DataFrame) -> pl.DataFrame:
    """The valid events of each article (article_id, len): all `ledger_slice` needs of the day's events."""
    return (events.group_by("article_id").len() if events.height
            else pl.DataFrame(schema={"article_id": pl.String, "len": pl.UInt32}))


def crashed_articles(rejected: pl.DataFrame) -> dict[str, str | None]:
    """The articles the extractor failed on, with the error: all `ledger_slice` needs of the day's rejected rows."""
    return {r["article_id"]: r["reason"] for r in rejected.filter(pl.col("check_name") == "extractor")
            .select("article_id", "reason").iter_rows(named=True)}


def ledger_slice(articles: pl.DataFrame, counts: pl.DataFrame, crashed: dict, extractor_version: str) -> pl.DataFrame:
    """`ledger` over some of a day's raw records, given the day's event_counts and crashed_articles."""
    if not articles.height:
        return pl.DataFrame(schema=LEDGER_SCHEMA)
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


__all__ = ["release_memory", "release_after", "check_articles", "checked_articles", "ordered_slices", "extract_articles", "iter_extracted", "check_events", "ledger",
           "ledger_slice", "event_counts", "crashed_articles", "quarantine_rows", "mentions_frame", "EVENT_FIELDS"]
