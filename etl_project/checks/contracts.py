"""Pandera contracts (polars backend) for raw articles, extracted incidents and final events.

Validation is lazy: every failure of every row is collected, the failing rows are split off with
their reasons (they go to the `quarantine` table), and the valid rows go on.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from etl_project.schema import (
    ALL_SUB_EVENT_TYPES,
    EVENT_TYPES,
    MAX_PLAUSIBLE_FATALITIES,
    SUB_EVENT_TYPES,
    SYRIA_LAT,
    SYRIA_LON,
    contract_columns,
)
from etl_project.text.language import ARABIC_FORMS, ARABIC_LETTERS, MIN_ARABIC_LETTERS, NON_ARABIC_FORMS

# the vocabulary and bounds the checks use, re-exported (declared with the event record)
__all__ = ["ALL_SUB_EVENT_TYPES", "EVENT_TYPES", "MAX_PLAUSIBLE_FATALITIES", "SUB_EVENT_TYPES", "SYRIA_LAT", "SYRIA_LON",
           "RawArticle", "ExtractedIncident", "Event", "Validation", "validate"]
_PAIRS = [f"{t}/{s}" for t, subs in SUB_EVENT_TYPES.items() for s in subs]


class RawArticle(pa.DataFrameModel):
    """An article that can be read: an id, a body with Arabic in it, a partition."""

    record_key: str = pa.Field(nullable=False, unique=True)
    article_id: str = pa.Field(nullable=False, str_length={"min_value": 1, "max_value": 512})
    text: str = pa.Field(nullable=False)
    partition_date: pl.Date = pa.Field(nullable=False)
    published_assumed: bool = pa.Field(nullable=False)

    @pa.dataframe_check(error="text is empty or only whitespace")
    def text_not_blank(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("text").str.strip_chars().str.len_chars() > 0)

    @pa.dataframe_check(error="text is not Arabic (no Arabic letters, or Persian/Kurdish in the Arabic script)")
    def text_is_arabic(cls, data) -> pl.LazyFrame:
        # A real Arabic article is mostly Arabic; a Latin page with one Arabic word is not one, and a
        # Persian page is not one either (etl_project.text.language.is_arabic says the same in Python).
        letters = pl.col("text").str.count_matches(r"\p{L}")
        arabic = pl.col("text").str.count_matches(ARABIC_LETTERS)
        persian = pl.col("text").str.count_matches(NON_ARABIC_FORMS)
        arabic_own = pl.col("text").str.count_matches(ARABIC_FORMS)
        return data.lazyframe.select((arabic >= MIN_ARABIC_LETTERS) & (arabic * 2 >= letters) & (persian <= arabic_own))

    class Config:
        strict = False


# The columns of the two event contracts are declared in etl_project/schema.py (EVENT_RECORD).
_ExtractedColumns = type("_ExtractedColumns", (pa.DataFrameModel,), contract_columns("ExtractedIncident"))


class ExtractedIncident(_ExtractedColumns):
    """What the extractor emits: typed, with offsets, before any judgement of plausibility."""

    class Config:
        strict = False
        coerce = True


_EventColumns = type("_EventColumns", (ExtractedIncident,), contract_columns("Event"))


class Event(_EventColumns):
    """An event fit for the warehouse: ACLED's vocabulary, a place in Syria, sane figures."""

    published_day: pl.Date = pa.Field(nullable=True)  # a column of the pipeline's frame, not of the event

    @pa.dataframe_check(error="sub_event_type does not belong to event_type")
    def subtype_matches_type(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.concat_str(["event_type", "sub_event_type"], separator="/").is_in(_PAIRS))

    @pa.dataframe_check(error="event_date is after the article's publication date")
    def not_after_published(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("event_date").is_null() | pl.col("published_day").is_null() | (pl.col("event_date") <= pl.col("published_day"))
        )

    @pa.dataframe_check(error="evidence offsets are not a span of the text")
    def evidence_span(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("evidence_start").is_null() | ((pl.col("evidence_start") >= 0) & (pl.col("evidence_end") > pl.col("evidence_start")))
        )


@dataclass(frozen=True)
class Validation:
    valid: pl.DataFrame
    rejected: pl.DataFrame  # the failing rows, with `check_name` and `reason`


def validate(frame: pl.DataFrame, model: type[pa.DataFrameModel]) -> Validation:
    """Split `frame` into rows that pass `model` and rows that fail, with every reason collected."""
    indexed = frame.with_row_index("_row")
    try:
        model.validate(indexed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return Validation(frame, _empty_rejects(frame))
    reasons: dict[int, list[tuple[str, str]]] = {}
    table_level: list[tuple[str, str]] = []
    # row-level checks report their error text; the ledger names them by their function instead
    named = {c.error: c.name for c in model.to_schema().checks if c.error}
    for case in failures.iter_rows(named=True):
        raw_check = str(case.get("check") or case.get("schema_context"))
        column = case.get("column")
        on_column = bool(column) and column != model.__name__
        check = f"{column}:{raw_check}" if on_column else named.get(raw_check, raw_check)
        value = case.get("failure_case")
        reason = f"{column}: {raw_check} (got {str(value)[:80]!r})" if on_column and value is not None else raw_check
        idx = case.get("index")
        if idx is None:
            table_level.append((check, reason))
        else:
            reasons.setdefault(int(idx), []).append((check, reason))
    if table_level and not reasons:
        # a table-level failure (a missing column, a wrong dtype) condemns every row
        reasons = {i: table_level for i in range(frame.height)}
    bad = sorted(reasons)
    rejected = indexed.filter(pl.col("_row").is_in(bad)).with_columns(
        pl.col("_row").map_elements(lambda i: "; ".join(sorted({c for c, _ in reasons[i]})), return_dtype=pl.String).alias("check_name"),
        pl.col("_row").map_elements(lambda i: "; ".join(dict.fromkeys(r for _, r in reasons[i])), return_dtype=pl.String).alias("reason"),
    )
    valid = indexed.filter(~pl.col("_row").is_in(bad)).drop("_row")
    return Validation(valid, rejected.drop("_row"))


def _empty_rejects(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.clear().with_columns(pl.lit(None, pl.String).alias("check_name"), pl.lit(None, pl.String).alias("reason"))
