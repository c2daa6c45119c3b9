"""The partitions of the pipeline: publication days, from where the data starts, in the configured time zone.

Read once, when the code location loads (ETL_FIRST_DAY, ETL_TIMEZONE, ETL_DAYS_PER_RUN).
"""
from datetime import date

from dagster import BackfillPolicy, DailyPartitionsDefinition, MetadataValue

from etl_project.config import load_settings

_settings = load_settings()
TIMEZONE = _settings.timezone
DAYS_PER_RUN = _settings.days_per_run

# One partition per publication day in ETL_TIMEZONE (Asia/Damascus); a day becomes a partition once it has
# ended, so the 02:00 run loads a complete day.
daily_partitions = DailyPartitionsDefinition(start_date=_settings.first_day.isoformat(), timezone=TIMEZONE, end_offset=0)

# A backfill loads up to DAYS_PER_RUN days in each run (the UI's backfills and `etl-project run --from/--to`
# alike): the assets read every day of their run's partition range, one day at a time.
backfill_policy = BackfillPolicy.multi_run(max_partitions_per_run=DAYS_PER_RUN)

WRITER_POOL = "duckdb_writer"
OWNERS = ["team:events-data"]


def days_of(context) -> list[date]:
    """The publication days of a run: one for a nightly run, up to DAYS_PER_RUN for a backfill's run."""
    return [date.fromisoformat(k) for k in context.partition_keys]


def run_metadata(per_day: dict[date, dict]) -> dict:
    """A materialisation's metadata for a run's days. One day: that day's own. Several (one materialisation
    stands for all of them): counts summed, tallies merged, the rest from the last day, and a line per day."""
    if len(per_day) == 1:
        return next(iter(per_day.values()))
    merged: dict = {}
    for values in per_day.values():
        for k, v in values.items():
            if isinstance(v, float):  # a share of one day's rows: in the day's line only
                continue
            if isinstance(v, int) and not isinstance(v, bool) and isinstance(merged.get(k, 0), int):
                merged[k] = merged.get(k, 0) + v
            elif isinstance(v, dict) and isinstance(merged.get(k, {}), dict):
                merged[k] = {t: merged.get(k, {}).get(t, 0) + v.get(t, 0) for t in sorted({*merged.get(k, {}), *v})}
            else:
                merged[k] = v
    counts = {str(d): {k: v for k, v in m.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
              for d, m in per_day.items()}
    return {**{k: MetadataValue.json(v) if isinstance(v, dict) else v for k, v in merged.items()},
            "partitions": len(per_day), "first_partition": str(min(per_day)), "last_partition": str(max(per_day)),
            "by_partition": MetadataValue.json(counts)}
