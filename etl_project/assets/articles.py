"""Raw articles of one publication day, every record accounted for."""

from datetime import date

import polars as pl
from dagster import AssetExecutionContext, MetadataValue, Output, asset

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
    records = ingest.read_partition(sources.config(), day, sources.timezone)
    frame = check_articles(records)
    by_status = dict(frame.group_by("status").len().sort("status").iter_rows())
    return Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "by_status": MetadataValue.json(by_status),
            "files": MetadataValue.json([str(p) for p in sources.config().files()]),
        },
    )
