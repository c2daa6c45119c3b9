"""Raw articles of each publication day of the run, every record accounted for."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetExecutionContext, MaterializeResult, RetryRequested, asset

from etl_project import ingest
from etl_project import staging as staged_files
from etl_project.assets.partitions import OWNERS, TIMEZONE, backfill_policy, daily_partitions, days_of, run_metadata
from etl_project.pipeline import checked_articles, ordered_slices, release_after
from etl_project.resources import SourcesResource, StagingResource

RAW_ARTICLES = "raw_articles"


@asset(
    name=RAW_ARTICLES,
    partitions_def=daily_partitions,
    backfill_policy=backfill_policy,
    group_name="ingest",
    kinds={"polars", "pandera"},
    owners=OWNERS,
    description=(
        f"Every record of the configured sources whose publication day ({TIMEZONE}) is this partition: "
        "readable articles, duplicates (same id, URL or text) and quarantined records with their reason. "
        "Articles pass the RawArticle Pandera contract; failures are quarantined, not dropped."
    ),
)
def raw_articles(context: AssetExecutionContext, sources: SourcesResource, staging: StagingResource) -> MaterializeResult:
    days = days_of(context)
    config = sources.config()
    fetch_meta = _fetch_feeds(context, sources, config, days)
    files = staging.files(context.instance)
    per_day = {}
    for day in days:
        frame, order = checked_articles(ingest.read_partition(config, day, sources.timezone, fetch=False))
        # written in the records' order a slice at a time: reordering the whole day at once would copy it
        files.write(RAW_ARTICLES, day, ordered_slices(frame, order, staged_files.BATCH_ROWS), schema=dict(frame.schema))
        per_day[day] = {"dagster/row_count": frame.height,
                        "by_status": dict(frame.group_by("status").len().sort("status").iter_rows())}
        del frame, order
        release_after(per_day[day]["dagster/row_count"])
    return MaterializeResult(metadata={**run_metadata(per_day), "files": [str(p) for p in config.files()],
                                       "feeds": fetch_meta})


def _fetch_feeds(context: AssetExecutionContext, sources: SourcesResource, config, days) -> dict:
    """Fetch the feeds once for the run when one of its days is recent enough (older days read the cache)."""
    today = datetime.now(ZoneInfo(sources.timezone)).date()
    if not any(ingest.should_fetch(config, day, today) for day in days):
        return {}
    # A newsroom's server that is down at 02:00 is tried again after 1, 2, 4 minutes (ETL_FEED_RETRIES,
    # ETL_FEED_RETRY_DELAY_S); the last try records the failure in the ledger and the run goes on.
    last_try = context.retry_number >= sources.feed_retries
    try:
        return ingest.fetch_feeds(config, raise_on_transient=not last_try).as_metadata()
    except ingest.TransientFetchError as exc:
        wait = sources.feed_retry_delay_s * 2 ** context.retry_number
        context.log.warning(f"{exc}; trying again in {wait:g} s")
        raise RetryRequested(max_retries=sources.feed_retries, seconds_to_wait=wait) from exc
