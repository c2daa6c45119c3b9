"""A day's warehouse rows made from the steps' staged files, a slice at a time (a PartitionInput for load_partition).

The ledger needs, of the whole day, only each article's event count and the articles the extractor failed on; the
keys that the load settles before inserting (duplicates of other days, renamed ids) are short columns. So the ledger,
the mentions and the quarantine rows are made slice by slice from the files as the load inserts them: the day's
texts and events are never all in memory, whatever the size of the day.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import chain

import polars as pl

from etl_project.partition_write import KEY_COLUMNS
from etl_project.pipeline import crashed_articles, event_counts, ledger_slice, mentions_frame, quarantine_rows
from etl_project.sources.records import RAW_COLUMNS
from etl_project.staging import DayFiles

# What the day's keys are made from: the ledger without the long columns (text, title, metadata, payload).
_LONG = ("text", "title", "metadata", "raw_payload")
_QUARANTINE_FIELDS = ["status", "record_key", "article_id", "check_name", "reason", "raw_payload"]


class StagedDay:
    """The warehouse rows of `day` from the staged raw records, valid events and rejected rows."""

    def __init__(self, files: DayFiles, day: date, extractor_version: str, raw: str, events: str, rejected: str) -> None:
        self.files, self.day, self.version = files, day, extractor_version
        self.raw, self.events, self.rejected = raw, events, rejected
        self._counts: pl.DataFrame | None = None
        self._crashed: dict | None = None

    def _of_day(self) -> tuple[pl.DataFrame, dict]:
        if self._counts is None:
            self._counts = event_counts(self.files.read(self.events, self.day, columns=["article_id"]))
            self._crashed = crashed_articles(self.files.read(self.rejected, self.day,
                                                             columns=["check_name", "article_id", "reason"]))
        return self._counts, self._crashed

    def records_in(self) -> int:
        """The raw records of the day, counted from the raw file (the ledger must account for each)."""
        return self.files.read(self.raw, self.day, columns=["status"]).height

    def keys(self) -> pl.DataFrame:
        short = self.files.read(self.raw, self.day, columns=[c for c in RAW_COLUMNS if c not in _LONG])
        short = short.with_columns(pl.lit(None, pl.String).alias(c) for c in _LONG)
        return ledger_slice(short, *self._of_day(), self.version).select(KEY_COLUMNS)

    def articles(self) -> Iterator[pl.DataFrame]:
        counts, crashed = self._of_day()
        for raw in self.files.batches(self.raw, self.day):
            yield ledger_slice(raw, counts, crashed, self.version)

    def mentions(self) -> Iterator[pl.DataFrame]:
        for events in self.files.batches(self.events, self.day):
            yield mentions_frame(events)

    def quarantine(self) -> Iterator[pl.DataFrame]:
        """The quarantined records, then the rejected rows; a quarantine_id met before in the day is skipped."""
        seen: list[pl.Series] = []
        no_rejects = pl.DataFrame(schema={"article_id": pl.String, "check_name": pl.String, "reason": pl.String})
        no_records = pl.DataFrame(schema={c: pl.String for c in _QUARANTINE_FIELDS})
        parts = chain(((raw, no_rejects) for raw in self.files.batches(self.raw, self.day, columns=_QUARANTINE_FIELDS)),
                      ((no_records, rejected) for rejected in self.files.batches(self.rejected, self.day)))
        for raw, rejected in parts:
            rows = quarantine_rows(raw, rejected, self.day)
            if seen:
                rows = rows.filter(~pl.col("quarantine_id").is_in(pl.concat(seen).implode()))
            if rows.height:
                seen.append(rows.get_column("quarantine_id"))
                yield rows
