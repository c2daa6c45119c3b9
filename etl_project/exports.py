"""Files analysts open in their own tools. No cell can run as a spreadsheet formula."""
from __future__ import annotations

from pathlib import Path

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str | None) -> str | None:
    """A text cell that a spreadsheet would evaluate gets a leading apostrophe (OWASP's advice)."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_cols
    )


def write_csv_frame(frame: pl.DataFrame, path: Path) -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Arabic correctly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).write_csv(path, include_bom=True)
