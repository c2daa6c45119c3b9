"""Extraction of a chunk of articles into a frame: what an extraction worker process runs, and nothing more.

A worker (pipeline.extract_articles with ETL_WORKERS > 1) is a spawned process: it imports this module, Polars,
the event schema and the extraction code, never Dagster, Pandera, DuckDB or the warehouse, so it starts in a
fraction of the time (bench.backfill, bench/results/README.md).
"""
from __future__ import annotations

from datetime import date

import polars as pl

from etl_project.schema import polars_schema

# Every field of an extracted event (etl_project/schema.py); a record without a field (`rules` from an
# older extractor) gets a null.
MENTION_SCHEMA: dict[str, pl.DataType] = polars_schema()
EXTRACTED_SCHEMA = {**MENTION_SCHEMA, "partition_date": pl.Date, "published_day": pl.Date, "extraction_error": pl.String}
# A figure beyond 64 bits ("قتل 99999999999999999999999 شخص") cannot enter an Int64 column: it is clipped to
# the column's bound, and the Event contract then rejects the row (fatalities in range) with that reason.
_INT64_FIELDS = tuple(k for k, t in MENTION_SCHEMA.items() if t == pl.Int64)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def extract_chunk(extractor, version: str, chunk: pl.DataFrame, partition_date: date) -> pl.DataFrame:
    rows: list[dict] = []
    for art in chunk.iter_rows(named=True):
        payload = {"id": art["article_id"], "text": art["text"], "published": art["published"],
                   "source": art["source"], "title": art["title"], "url": art["url"]}
        reference = partition_date if art["published_assumed"] else None
        published_day = None if art["published_assumed"] else art["partition_date"]
        try:
            events = extractor.extract(payload, reference_date=reference)
        except Exception as exc:  # one unreadable article must not stop the night's run
            rows.append({"article_id": art["article_id"], "partition_date": partition_date,
                         "extraction_error": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        for ev in events:
            row = {k: ev.get(k) for k in MENTION_SCHEMA}
            if isinstance(row["event_date"], str):
                row["event_date"] = date.fromisoformat(row["event_date"])
            row["extractor_version"] = row["extractor_version"] or version
            for k in _INT64_FIELDS:
                if isinstance(row[k], int) and not _INT64_MIN <= row[k] <= _INT64_MAX:
                    row[k] = max(_INT64_MIN, min(_INT64_MAX, row[k]))
            row.update(partition_date=partition_date, published_day=published_day, extraction_error=None)
            rows.append(row)
    if not rows:
        return pl.DataFrame(schema=EXTRACTED_SCHEMA)
    return pl.DataFrame(rows, schema=EXTRACTED_SCHEMA, strict=False)


_worker_extractor = None


def init_worker(loader_args: tuple, code: str) -> None:
    global _worker_extractor
    from etl_project.loading import load_extractor, loaded_code_fingerprint

    _worker_extractor = load_extractor(*loader_args)
    if loaded_code_fingerprint() != code:
        # the code on disk is not the code the run started with: this worker's extraction could differ
        raise RuntimeError("the package changed on disk since the run started; extracting in the run's process")


def worker_chunk(version: str, chunk: pl.DataFrame, partition_date: date) -> pl.DataFrame:
    return extract_chunk(_worker_extractor, version, chunk, partition_date)
