"""Extraction and validation of one day's incidents."""

from datetime import date

import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetOut, MetadataValue, Output, asset, multi_asset
from dagster_pandera import pandera_schema_to_dagster_type

from etl_project.assets.partitions import OWNERS, daily_partitions
from etl_project.checks.contracts import Event
from etl_project.pipeline import check_events, extract_articles, extractor_version, release_memory
from etl_project.resources import ExtractorResource


@asset(
    partitions_def=daily_partitions,
    group_name="extract",
    kinds={"python", "polars"},
    owners=OWNERS,
    deps=[AssetKey("places")],
    description=(
        "The extractor's reading of each article: one row per incident, per place, per day, with the "
        "evidence sentence and its offsets in the original text. An article that crashes the extractor "
        "is one row with the error."
    ),
)
def extracted_incidents(
    context: AssetExecutionContext, raw_articles: pl.DataFrame, extractor: ExtractorResource
) -> Output[pl.DataFrame]:
    release_memory()
    ex = extractor.get()
    frame = extract_articles(raw_articles, ex, date.fromisoformat(context.partition_key),
                             workers=extractor.workers, loader_args=extractor.loader_args())
    errors = frame.filter(pl.col("extraction_error").is_not_null()).height
    return Output(
        frame,
        metadata={
            "dagster/row_count": frame.height,
            "extraction_errors": errors,
            "extractor_version": extractor_version(ex),
            "workers": extractor.workers,
        },
    )


@multi_asset(
    partitions_def=daily_partitions,
    group_name="extract",
    outs={
        "incident_events": AssetOut(
            dagster_type=pandera_schema_to_dagster_type(Event),
            kinds={"polars", "pandera"},
            owners=OWNERS,
            description="Incidents that pass the Event contract: ACLED types, a place in Syria, sane figures.",
        ),
        "rejected_incidents": AssetOut(
            kinds={"polars"},
            owners=OWNERS,
            description="Incident rows that failed a contract, with the check and the reason; they go to quarantine.",
        ),
    },
)
def validated_incidents(context: AssetExecutionContext, extracted_incidents: pl.DataFrame):
    release_memory()
    valid, rejected = check_events(extracted_incidents)
    n = max(valid.height, 1)
    yield Output(
        valid,
        output_name="incident_events",
        metadata={
            "dagster/row_count": valid.height,
            "share_dated": round(valid.filter(pl.col("event_date").is_not_null()).height / n, 3),
            "share_precise_place": round(valid.filter(pl.col("geo_precision") <= 2).height / n, 3),
            "by_event_type": MetadataValue.json(dict(valid.group_by("event_type").len().sort("event_type").iter_rows())),
        },
    )
    yield Output(
        rejected,
        output_name="rejected_incidents",
        metadata={"dagster/row_count": rejected.height,
                  "by_check": MetadataValue.json(dict(rejected.group_by("check_name").len().sort("check_name").iter_rows()) if rejected.height else {})},
    )
