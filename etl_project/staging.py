"""What a partitioned step hands to the next: one Arrow IPC file per asset and publication day.

A run of several days (a backfill) writes each day's file as soon as the day is done, so a run holds one
day at a time, never the range. A day is written as record batches of at most BATCH_ROWS rows, from frames
handed over one after the other (a step can stream its output), and read back whole or a slice at a time
(`batches`), so the next step need not hold the day either: no pickle, no serialised copy in memory. A file
is replaced whole (written aside, then renamed), so a reader of the previous one keeps it intact and a
killed step leaves the last good file.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl

# Rows of a staged record batch, and of a slice read back: ~5 MB of article texts, so a step that works a slice
# at a time holds a few MB of the day whatever its size; more rows a slice would only cut per-slice overheads.
BATCH_ROWS = 5_000


class DayFiles:
    """The staged frames under `base`: base/<asset>/<YYYY-MM-DD>.arrow."""

    def __init__(self, base: Path | str) -> None:
        self.base = Path(base)

    def path(self, asset: str, day: date) -> Path:
        return self.base / asset / f"{day.isoformat()}.arrow"

    def write(self, asset: str, day: date, frames: pl.DataFrame | Iterable[pl.DataFrame],
              schema: dict | None = None) -> int:
        """Write a frame, or frames of one schema one after the other, as the day's file; returns the rows.
        With no frame at all, an empty file of `schema`."""
        with self.writer(asset, day, schema) as out:
            for frame in [frames] if isinstance(frames, pl.DataFrame) else frames:
                out.write(frame)
        return out.rows

    @contextmanager
    def writer(self, asset: str, day: date, schema: dict | None = None) -> Iterator["DayWriter"]:
        """A DayWriter for the day's file, which replaces the old one when the block ends without an error (a step
        that writes two files from one pass over its input writes each through one of these)."""
        target = self.path(asset, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        out = DayWriter(tmp, schema)
        try:
            yield out
            out.close()
            tmp.replace(target)
        finally:
            out.abandon()
            tmp.unlink(missing_ok=True)

    def read(self, asset: str, day: date, columns: list[str] | None = None) -> pl.DataFrame:
        """The day's frame; a day never staged is a FileNotFoundError naming the asset."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        # one record batch at a time, keeping only `columns`: reading a few short columns of a day does not bring
        # its texts into memory (polars' read_ipc did, ~40 MB for a 40k-article day's keys)
        with pa.memory_map(str(self._existing(asset, day))) as source:
            reader = ipc.open_file(source)
            schema = reader.schema if columns is None else pa.schema([reader.schema.field(c) for c in columns])
            kept = [reader.get_batch(i).select(schema.names) for i in range(reader.num_record_batches)]
            return pl.from_arrow(pa.Table.from_batches(kept, schema=schema)).rechunk()

    def batches(self, asset: str, day: date, columns: list[str] | None = None,
                rows: int | None = None) -> Iterator[pl.DataFrame]:
        """The day's frame in slices of about `rows` (BATCH_ROWS) rows, in file order (small record batches are
        joined, big ones cut), read from the file one record batch at a time: the day is never in memory. A day
        with no rows yields nothing."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        path = self._existing(asset, day)
        rows = rows or BATCH_ROWS
        pending: list[pa.RecordBatch] = []
        held = 0
        with pa.memory_map(str(path)) as source:
            reader = ipc.open_file(source)
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                batch = batch.select(columns) if columns is not None else batch
                for start in range(0, batch.num_rows, rows):
                    pending.append(batch.slice(start, rows))
                    held += pending[-1].num_rows
                    if held >= rows:
                        yield pl.from_arrow(pa.Table.from_batches(pending)).rechunk()
                        pending, held = [], 0
            if held:
                yield pl.from_arrow(pa.Table.from_batches(pending)).rechunk()

    def _existing(self, asset: str, day: date) -> Path:
        path = self.path(asset, day)
        if not path.exists():
            raise FileNotFoundError(f"{asset} has no output for {day} ({path}): materialise {asset} for that day first")
        return path


class DayWriter:
    """Frames of one schema appended to an Arrow IPC file, in record batches of at most BATCH_ROWS rows."""

    def __init__(self, path: Path, schema: dict | None) -> None:
        self.path, self.schema, self.rows = path, schema, 0
        self._writer = None

    def write(self, frame: pl.DataFrame) -> None:
        import pyarrow.ipc as ipc

        table = frame.to_arrow()
        if self._writer is None:
            self._writer = ipc.new_file(str(self.path), table.schema)
        self._writer.write_table(table, max_chunksize=BATCH_ROWS)
        self.rows += frame.height

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        if self._writer is None:
            empty = pl.DataFrame(schema=self.schema).to_arrow().schema if self.schema else pa.schema([])
            self._writer = ipc.new_file(str(self.path), empty)
        self._writer.close()
        self._writer = None

    def abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
