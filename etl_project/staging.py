"""What a partitioned step hands to the next: one Arrow IPC file per asset and publication day.

A run of several days (a backfill) writes each day's file as soon as the day is done, so a run holds one
day at a time, never the range. A frame is written batch by batch from its buffers and read back whole:
no pickle, no serialised copy in memory. A file is replaced whole (written aside, then renamed), so a reader
of the previous one keeps it intact and a killed step leaves the last good file.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl


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
        import pyarrow as pa
        import pyarrow.ipc as ipc

        target = self.path(asset, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        frames = [frames] if isinstance(frames, pl.DataFrame) else frames
        writer, rows = None, 0
        try:
            for frame in frames:
                table = frame.to_arrow()
                if writer is None:
                    writer = ipc.new_file(str(tmp), table.schema)
                writer.write_table(table)
                rows += frame.height
            if writer is None:
                empty = pl.DataFrame(schema=schema or {}).to_arrow()
                writer = ipc.new_file(str(tmp), empty.schema if schema else pa.schema([]))
            writer.close()
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return rows

    def read(self, asset: str, day: date, columns: list[str] | None = None) -> pl.DataFrame:
        """The day's frame; a day never staged is a FileNotFoundError naming the asset."""
        path = self.path(asset, day)
        if not path.exists():
            raise FileNotFoundError(f"{asset} has no output for {day} ({path}): materialise {asset} for that day first")
        return pl.read_ipc(path, columns=columns)
