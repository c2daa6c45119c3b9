"""Raw articles of one publication day, every record accounted for."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
from dagster import AssetExecutionContext, MetadataValue, Output, RetryRequested, asset

from etl_project import ingest
from etl_project.assets.partitions import OWNERS, daily_partitions
from etl_project.pipeline import check_articles
from etl_project.resources import SourcesResource


@asset(
    partitions_def=daily_partitions,
    group_name="ingest",
    kinds={"polars", "pandera"},
    owners=OWNERS,
    description=(
        "Every record of the configured sources whose publication day (Asia/Damascus) is this partition: "
        "readable articles, duplicates (same id, URL or text) and quarantined records with their reason. "
        "Articles pass the RawArticle Pandera contract; failures are quarantined, not dropped."
    ),
)
def raw_articles(context: AssetExecutionContext, sources: SourcesResource) -> Output[pl.DataFrame]:
    day = date.fromisoformat(context.partition_key)
    config = sources.config()
    today = datetime.now(ZoneInfo(sources.timezone)).date()
    fetch_meta = {}
    if ingest.should_fetch(config, day, today):
        # A newsroom's server that is down at 02:00 is tried again after 1, 2, 4 minutes (ETL_FEED_RETRIES,
        # ETL_FEED_RETRY_DELAY_S); the last try records the failure in the ledger and the run goes on.
        last_try = context.retry_number >= sources.feed_retries
        try:
            fetch_meta = ingest.fetch_feeds(config, raise_on_transient=not last_try).as_metadata()
        except ingest.TransientFetchError as exc:
            wait = sources.feed_retry_delay_s * 2 ** context.retry_number
            context.log.warning(f"{exc}; trying again in {wait:g} s")
            raise RetryRequested(max_retries=sources.feed_retries, seconds_to_wait=wait) from exc
    records = ingest.read_partition(config, day, sources.timezone, fetch=False)
    frame = check_articles(records)
    by_status = dict(frame.group_by("status").len().sort("status").iter_rows())
    return Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "by_status": MetadataValue.json(by_status),
            "files": MetadataValue.json([str(p) for p in config.files()]),
            "feeds": MetadataValue.json(fetch_meta),
        },
    )
