"""The code location: assets, checks, the nightly job and schedule, and the resources chosen from settings."""
from __future__ import annotations

from dagster import AssetSelection, Definitions, build_schedule_from_partitioned_job, define_asset_job, in_process_executor

from etl_project.assets.articles import raw_articles
from etl_project.assets.events import extracted_incidents, validated_incidents
from etl_project.assets.gazetteer import places
from etl_project.assets.sensors import inbox_sensor
from etl_project.assets.warehouse import warehouse_tables
from etl_project.config import Settings, load_settings
from etl_project.resources import ExtractorResource, FrameIOManager, GeocoderResource, SourcesResource, WarehouseResource

PARTITIONED_ASSETS = [raw_articles, extracted_incidents, validated_incidents, warehouse_tables]
ALL_ASSETS = [places, *PARTITIONED_ASSETS]

nightly_job = define_asset_job(
    "nightly_events",
    selection=AssetSelection.assets(*PARTITIONED_ASSETS),
    description="Read one publication day's articles, extract and validate its incidents, load the warehouse.",
)

# 02:00 in Damascus, for the day that has just ended.
nightly_schedule = build_schedule_from_partitioned_job(nightly_job, hour_of_day=2, minute_of_hour=0, name="nightly_events_schedule")


def build_resources(settings: Settings) -> dict:
    geocoder = GeocoderResource(
        gazetteer_dir=str(settings.gazetteer_dir) if settings.gazetteer_dir else None,
        cache_dir=str(settings.gazetteer_cache),
    )
    return {
        # step outputs as Arrow IPC files, not pickles (see resources._FrameFiles)
        "io_manager": FrameIOManager(),
        "warehouse_db": WarehouseResource(database=str(settings.warehouse_path)),
        "geocoder": geocoder,
        "extractor": ExtractorResource(geocoder=geocoder, workers=settings.workers),
        "sources": SourcesResource(sources_file=str(settings.sources_file), seeds_dir=str(settings.seeds_dir),
                                   timezone=settings.timezone, feed_retries=settings.feed_retries,
                                   feed_retry_delay_s=settings.feed_retry_delay_s),
    }


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    return Definitions(
        assets=ALL_ASSETS,
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        sensors=[inbox_sensor],
        resources=build_resources(settings),
        # one process per run: the gazetteer is loaded once, not once per step
        executor=in_process_executor,
    )


defs = build_definitions()
