"""Days that have nothing to read: recorded as looked at and empty, with no Dagster run.

A backfill over a year of the sources is mostly days without a single record. Run through the job, each such day
costs about 26 events in the Dagster instance (a planned and a done materialisation of each of the nine partitioned
assets, and eight check results), about 0.5 s on SQLite whatever our own code does. `etl-project run` plans its
runs (the same job, the same backfill policy as a backfill launched in the UI) over the days that have records, and
records each day that has none, and had none loaded before, here:

- the staged frames of the day (`etl_project.staging`) are written empty, with the schemas the assets give an
  empty day, so a later materialisation of any single asset for that day reads them as it would after a run;
- the warehouse's `partition_loads` gets the day's row (0 articles), in one transaction for all of the days;
- each partitioned asset gets one materialisation of the day (`dagster/row_count` 0, `empty_day` true) reported
  to the instance, so the UI shows the day materialised, like any other, with no run and no planned event.

The checks have nothing to check on such a day (no row in or out), so no check result is written for it.
A day with records, within the feeds' fetch window, or with rows already in the warehouse (records since removed
from the sources) is not empty: it goes through the job, which replaces what the warehouse holds for it.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import polars as pl

EMPTY_DAY_NOTE = "no record in the sources for this day: nothing to read, extract, validate or load"


def days_to_run(asked: list[date], with_records: set[date], loaded: set[date], fetched: set[date]) -> tuple[list[date], list[date]]:
    """(days the job must run, days with nothing to do), each in order."""
    run = [d for d in asked if d in with_records or d in loaded or d in fetched]
    keep = set(run)
    return run, [d for d in asked if d not in keep]


def loaded_days(con, first: date, last: date) -> set[date]:
    """The days between first and last for which the warehouse holds any row."""
    rows = con.execute(
        """SELECT partition_date FROM articles WHERE partition_date BETWEEN ? AND ?
           UNION SELECT partition_date FROM quarantine WHERE partition_date BETWEEN ? AND ?""",
        [first, last, first, last]).fetchall()
    return {r[0] for r in rows}


def fetched_days(config, asked: list[date], today: date) -> set[date]:
    """The days of `asked` a run fetches the feeds for (etl_project.ingest.should_fetch): never recorded as empty."""
    from etl_project.ingest import should_fetch

    return {d for d in asked if should_fetch(config, d, today)}


def empty_frames() -> dict[str, pl.DataFrame]:
    """What each partitioned asset stages for a day without records, made by the assets' own functions."""
    from etl_project.assets.articles import RAW_ARTICLES
    from etl_project.assets.events import EVENTS, EXTRACTED, REJECTED
    from etl_project.pipeline import EXTRACTED_SCHEMA, check_articles, check_events
    from etl_project.sources.records import FrameBuilder

    extracted = pl.DataFrame(schema=EXTRACTED_SCHEMA)
    valid, rejected = check_events(extracted)
    return {RAW_ARTICLES: check_articles(FrameBuilder().frame()), EXTRACTED: extracted, EVENTS: valid, REJECTED: rejected}


def record_empty_days(files, con, days: list[date], version: str) -> None:
    """Stage each of `days` empty and give it its ledger row, in one transaction for all of them."""
    from etl_project import warehouse

    if not days:
        return
    frames = empty_frames()
    for day in days:
        for asset, frame in frames.items():
            files.write(asset, day, frame)
    warehouse.record_empty_partitions(con, days, version, datetime.now(timezone.utc).replace(tzinfo=None))


def report_empty_days(instance, days: list[date]) -> None:
    """One materialisation of each partitioned asset for each of `days`, with no run: the UI shows them done.
    Reported after the warehouse is closed, so no writer waits on Dagster's event log."""
    from dagster import AssetMaterialization

    from etl_project.definitions import PARTITIONED_ASSETS

    keys = [key for assets_def in PARTITIONED_ASSETS for key in assets_def.keys]
    for day in days:
        for key in keys:
            instance.report_runless_asset_event(AssetMaterialization(
                asset_key=key, partition=day.isoformat(), description=EMPTY_DAY_NOTE,
                metadata={"dagster/row_count": 0, "empty_day": True}))
