"""The progress of `etl-project run` over several partitions.

In a terminal, a rich progress bar (done/total, elapsed, time left) with each partition's summary printed
above it. Elsewhere (a pipe, a log file, CI) a live bar would only write control codes, so each partition
is one plain line: `[#####               ] 2/8 2025-11-11: ...`.
"""
from __future__ import annotations

import sys
from typing import TextIO

BAR_WIDTH = 20


class PartitionProgress:
    def __init__(self, total: int, stream: TextIO | None = None, errors: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stdout
        self.errors = errors or sys.stderr
        self.done = 0
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._progress = None
        self._task = None

    def __enter__(self) -> PartitionProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("partitions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("left"),
                TimeRemainingColumn(), console=Console(file=self.stream), transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("partitions", total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _line(self, text: str, failed: bool) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress.console.print(f"{self.done}/{self.total} {text}", markup=False, highlight=False,
                                         style="bold red" if failed else None)
            self._progress.advance(self._task)
            return
        if failed:
            print(f"[{self.done}/{self.total}] {text}", file=self.errors)
            return
        bar = "#" * int(BAR_WIDTH * self.done / self.total)
        print(f"[{bar:<{BAR_WIDTH}}] {self.done}/{self.total} {text}", file=self.stream)

    def partition(self, text: str) -> None:
        """One partition loaded; `text` is its summary ('2025-11-11: 6 articles, ...')."""
        self._line(text, failed=False)

    def failed(self, text: str) -> None:
        """One partition failed ('2025-11-11: FAILED ...'): on stderr, or in red above the bar."""
        self._line(text, failed=True)
