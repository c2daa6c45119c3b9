"""Extraction and validation of the incidents of each publication day of the run."""

from collections import Counter
from collections.abc import Iterable, Iterator

import polars as pl
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, asset, multi_asset

from etl_project.assets.articles import RAW_ARTICLES
from etl_project.assets.partitions import OWNERS, backfill_policy, daily_partitions, days_of, run_metadata
from etl_project.pipeline import (
    ARTICLE_FIELDS,
    EXTRACTED_SCHEMA,
    REJECTED_SCHEMA,
    check_events,
    extractor_version,
    iter_extracted,
    release_after,
)
from etl_project.resources import ExtractorResource, StagingResource
from etl_project.staging import DayFiles

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
        status = files.read(RAW_ARTICLES, day, columns=["status"]).get_column("status")
        readable = int(status.eq("ok").sum())
        frames: Iterator[pl.DataFrame] = iter(())
        if readable:  # an empty day: no extractor, no workers
            ex = ex or extractor.get()
            # the day's articles are read a slice at a time and each chunk's events written as they come
            frames = iter_extracted(files.batches(RAW_ARTICLES, day, columns=["status", *ARTICLE_FIELDS]), readable, ex,
                                    day, workers=extractor.workers, loader_args=extractor.loader_args())
        errors = [0]
        rows = files.write(EXTRACTED, day, _counting_errors(frames, errors), schema=EXTRACTED_SCHEMA)
        per_day[day] = {"dagster/row_count": rows, "extraction_errors": errors[0]}
        release_after(status.len())
    metadata = {**run_metadata(per_day), "workers": extractor.workers}
    if ex is not None:
        metadata["extractor_version"] = extractor_version(ex)
    return MaterializeResult(metadata=metadata)


def _counting_errors(frames: Iterable[pl.DataFrame], errors: list[int]) -> Iterator[pl.DataFrame]:
    """The frames that have rows, the articles the extractor failed on added to errors[0] on the way."""
    for frame in frames:
        if frame.height:
            errors[0] += int(frame.get_column("extraction_error").is_not_null().sum())
            yield frame


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
        valid_meta[day], rejected_meta[day] = _validate_day(files, day)
        release_after(valid_meta[day]["dagster/row_count"] + rejected_meta[day]["dagster/row_count"])
    yield MaterializeResult(asset_key=EVENTS, metadata=run_metadata(valid_meta))
    yield MaterializeResult(asset_key=REJECTED, metadata=run_metadata(rejected_meta))


def _validate_day(files: DayFiles, day) -> tuple[dict, dict]:
    """The day's extracted rows through the contracts a slice at a time, each slice's valid and rejected rows written
    as it is checked (an event_id seen in an earlier slice is a duplicate, as in a day checked whole)."""
    seen: list[pl.Series] = []
    n = dated = precise = 0
    by_type, by_check = Counter(), Counter()
    with files.writer(EVENTS, day, EXTRACTED_SCHEMA) as valid_out, files.writer(REJECTED, day, REJECTED_SCHEMA) as rejected_out:
        for extracted in files.batches(EXTRACTED, day):
            valid, rejected = check_events(extracted, seen)
            valid_out.write(valid)
            rejected_out.write(rejected)
            n += valid.height
            dated += valid.filter(pl.col("event_date").is_not_null()).height
            precise += valid.filter(pl.col("geo_precision") <= 2).height
            by_type.update(dict(valid.group_by("event_type").len().iter_rows()))
            by_check.update(dict(rejected.group_by("check_name").len().iter_rows()))
    valid_meta = {"dagster/row_count": n, "share_dated": round(dated / max(n, 1), 3),
                  "share_precise_place": round(precise / max(n, 1), 3), "by_event_type": dict(sorted(by_type.items(), key=str))}
    rejected_meta = {"dagster/row_count": rejected_out.rows, "by_check": dict(sorted(by_check.items(), key=str))}
    return valid_meta, rejected_meta
