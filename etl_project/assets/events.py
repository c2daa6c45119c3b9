"""Extraction and validation of the incidents of each publication day of the run."""

import polars as pl
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, asset, multi_asset

from etl_project.assets.articles import RAW_ARTICLES
from etl_project.assets.partitions import OWNERS, backfill_policy, daily_partitions, days_of, run_metadata
from etl_project.pipeline import (
    ARTICLE_FIELDS,
    EXTRACTED_SCHEMA,
    check_events,
    extract_articles,
    extractor_version,
    release_after,
)
from etl_project.resources import ExtractorResource, StagingResource

EXTRACTED, EVENTS, REJECTED = "extracted_incidents", "incident_events", "rejected_incidents"


@asset(
    name=EXTRACTED,
    partitions_def=daily_partitions,
    backfill_policy=backfill_policy,
    group_name="extract",
    kinds={"python", "polars"},
    owners=OWNERS,
    deps=["places", RAW_ARTICLES],
    description=(
        "The extractor's reading of each article: one row per incident, per place, per day, with the "
        "evidence sentence and its offsets in the original text. An article that crashes the extractor "
        "is one row with the error."
    ),
)
def extracted_incidents(context: AssetExecutionContext, extractor: ExtractorResource, staging: StagingResource) -> MaterializeResult:
    files = staging.files(context.instance)
    ex, per_day = None, {}
    for day in days_of(context):
        articles = files.read(RAW_ARTICLES, day, columns=["status", *ARTICLE_FIELDS])
        if not articles.get_column("status").eq("ok").any():  # an empty day: no extractor, no workers
            frame = pl.DataFrame(schema=EXTRACTED_SCHEMA)
        else:
            ex = ex or extractor.get()
            frame = extract_articles(articles, ex, day, workers=extractor.workers, loader_args=extractor.loader_args())
        n_articles = articles.height
        del articles
        files.write(EXTRACTED, day, frame)
        per_day[day] = {"dagster/row_count": frame.height,
                        "extraction_errors": frame.filter(pl.col("extraction_error").is_not_null()).height}
        del frame
        release_after(n_articles)
    metadata = {**run_metadata(per_day), "workers": extractor.workers}
    if ex is not None:
        metadata["extractor_version"] = extractor_version(ex)
    return MaterializeResult(metadata=metadata)


@multi_asset(
    partitions_def=daily_partitions,
    backfill_policy=backfill_policy,
    group_name="extract",
    specs=[
        AssetSpec(EVENTS, deps=[EXTRACTED], kinds={"polars", "pandera"}, owners=OWNERS,
                  description="Incidents that pass the Event contract (Pandera): ACLED types, a place in Syria, sane figures."),
        AssetSpec(REJECTED, deps=[EXTRACTED], kinds={"polars"}, owners=OWNERS,
                  description="Incident rows that failed a contract, with the check and the reason; they go to quarantine."),
    ],
)
def validated_incidents(context: AssetExecutionContext, staging: StagingResource):
    files = staging.files(context.instance)
    valid_meta, rejected_meta = {}, {}
    for day in days_of(context):
        valid, rejected = check_events(files.read(EXTRACTED, day))
        files.write(EVENTS, day, valid)
        files.write(REJECTED, day, rejected)
        n = max(valid.height, 1)
        valid_meta[day] = {
            "dagster/row_count": valid.height,
            "share_dated": round(valid.filter(pl.col("event_date").is_not_null()).height / n, 3),
            "share_precise_place": round(valid.filter(pl.col("geo_precision") <= 2).height / n, 3),
            "by_event_type": dict(valid.group_by("event_type").len().sort("event_type").iter_rows()),
        }
        rejected_meta[day] = {"dagster/row_count": rejected.height,
                              "by_check": dict(rejected.group_by("check_name").len().sort("check_name").iter_rows())
                              if rejected.height else {}}
        del valid, rejected
        release_after(valid_meta[day]["dagster/row_count"] + rejected_meta[day]["dagster/row_count"])
    yield MaterializeResult(asset_key=EVENTS, metadata=run_metadata(valid_meta))
    yield MaterializeResult(asset_key=REJECTED, metadata=run_metadata(rejected_meta))
