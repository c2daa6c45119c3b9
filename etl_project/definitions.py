"""The code location: assets, checks, the nightly job and schedule, and the resources chosen from settings."""
from __future__ import annotations

import warnings

from dagster import (
    AssetSelection,
    SupersessionWarning,
    Definitions,
    build_schedule_from_partitioned_job,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
    define_asset_job,
    in_process_executor,
)

from etl_project.assets.articles import raw_articles
from etl_project.assets.events import extracted_incidents, validated_incidents
from etl_project.assets.gazetteer import places
from etl_project.assets.partitions import TIMEZONE
from etl_project.assets.sensors import inbox_sensor
from etl_project.assets.warehouse import warehouse_tables
from etl_project.checks.warehouse_checks import EVENTS
from etl_project.config import Settings, load_settings
from etl_project.resources import ExtractorResource, GeocoderResource, SourcesResource, StagingResource, WarehouseResource

PARTITIONED_ASSETS = [raw_articles, extracted_incidents, validated_incidents, warehouse_tables]
ALL_ASSETS = [places, *PARTITIONED_ASSETS]

# Freshness is one check of the warehouse, not of each day: by 03:00 the day that has just ended is loaded. It
# runs once, after the days are loaded (`etl-project run`), or every ten minutes by its sensor (`dagster dev`).
# (Dagster 1.13 prefers a FreshnessPolicy, but a policy is evaluated by the daemon alone: `etl-project run`, which
# has no daemon, could not say whether the warehouse is fresh. The check runs in both.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SupersessionWarning)
    FRESHNESS_CHECKS = build_time_partition_freshness_checks(assets=[EVENTS], deadline_cron="0 3 * * *", timezone=TIMEZONE)
    freshness_sensor = build_sensor_for_freshness_checks(freshness_checks=FRESHNESS_CHECKS, minimum_interval_seconds=600)

nightly_job = define_asset_job(
    "nightly_events",
    selection=AssetSelection.assets(*PARTITIONED_ASSETS) - AssetSelection.checks(*FRESHNESS_CHECKS),
    description="Read publication days' articles, extract and validate their incidents, load the warehouse.",
)

# 02:00 in Damascus (ETL_TIMEZONE), for the day that has just ended.
nightly_schedule = build_schedule_from_partitioned_job(nightly_job, hour_of_day=2, minute_of_hour=0, name="nightly_events_schedule")
freshness_job = define_asset_job(
    "warehouse_freshness",
    selection=AssetSelection.checks(*FRESHNESS_CHECKS),
    description="Is the warehouse's latest day loaded? One check result, whatever the number of days loaded.",
)


def build_resources(settings: Settings) -> dict:
    geocoder = GeocoderResource(
        gazetteer_dir=str(settings.gazetteer_dir) if settings.gazetteer_dir else None,
        cache_dir=str(settings.gazetteer_cache),
    )
    return {
        # a day's frames between the steps, as Arrow IPC files in the instance's storage (etl_project.staging)
        "staging": StagingResource(),
        "warehouse_db": WarehouseResource(database=str(settings.warehouse_path)),
        "geocoder": geocoder,
        "extractor": ExtractorResource(geocoder=geocoder, workers=settings.workers,
                                       min_confidence=settings.min_confidence),
        "sources": SourcesResource(sources_file=str(settings.sources_file), seeds_dir=str(settings.seeds_dir),
                                   timezone=settings.timezone, feed_retries=settings.feed_retries,
                                   feed_retry_delay_s=settings.feed_retry_delay_s),
    }


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    return Definitions(
        assets=ALL_ASSETS,
        asset_checks=FRESHNESS_CHECKS,
        jobs=[nightly_job, freshness_job],
        schedules=[nightly_schedule],
        sensors=[inbox_sensor, freshness_sensor],
        resources=build_resources(settings),
        # one process per run: the gazetteer is loaded once, not once per step
        executor=in_process_executor,
    )


defs = build_definitions()
