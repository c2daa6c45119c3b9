"""The warehouse tables of each publication day of the run, each day written in one DuckDB transaction, from the
steps' staged files read a slice at a time."""

import json
from datetime import date
from pathlib import Path

from dagster import (
    AssetCheckEvaluation,
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetObservation,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    Output,
    multi_asset,
)

from etl_project import maps, warehouse
from etl_project.assets.articles import RAW_ARTICLES
from etl_project.assets.events import EVENTS as INCIDENT_EVENTS, REJECTED
from etl_project.assets.partitions import OWNERS, WRITER_POOL, backfill_policy, daily_partitions, days_of, run_metadata
from etl_project.checks.warehouse_checks import ARTICLE_CHECKS, ARTICLES, EVENT_CHECKS, EVENTS, event_check_results, ledger_check_result
from etl_project.pipeline import extractor_version, release_after
from etl_project.previews import events_markdown
from etl_project.resources import ExtractorResource, GeocoderResource, StagingResource, WarehouseResource
from etl_project.staged_day import StagedDay
from etl_project.staging import DayFiles

TABLES = {
    "articles": "The ledger: every article read, with its status (events, no_events, duplicate, quarantined) and why.",
    "event_mentions": "Each article's reading of each incident, as the extractor emitted it.",
    "events": "One row per incident (place, day, type), merged across the articles that reported it.",
    "event_sources": "Which articles reported each event, with the figures each stated.",
    "quarantine": "Rows that failed a contract or could not be read, with the asset, the check and the reason.",
}


@multi_asset(
    partitions_def=daily_partitions,
    backfill_policy=backfill_policy,
    group_name="warehouse",
    pool=WRITER_POOL,
    specs=[
        AssetSpec(["warehouse", name], description=desc, kinds={"duckdb"}, owners=OWNERS,
                  deps=[RAW_ARTICLES, INCIDENT_EVENTS, REJECTED])
        for name, desc in TABLES.items()
    ],
    # each check is evaluated for each day of the run, and its result names that day
    check_specs=[AssetCheckSpec(n, asset=EVENTS, description=d, partitions_def=daily_partitions) for n, d in EVENT_CHECKS.items()]
    + [AssetCheckSpec(n, asset=ARTICLES, description=d, partitions_def=daily_partitions) for n, d in ARTICLE_CHECKS.items()],
)
def warehouse_tables(
    context: AssetExecutionContext,
    warehouse_db: WarehouseResource,
    extractor: ExtractorResource,
    geocoder: GeocoderResource,
    staging: StagingResource,
):
    files = staging.files(context.instance)
    version = extractor_version(extractor.get())
    per_day, checks, mapped, observation = {}, [], None, None
    with warehouse_db.get_connection() as con:
        for day in days_of(context):
            per_day[day], day_checks = _load_day(con, files, day, version, context.run.run_id)
            release_after(per_day[day]["articles"]["articles_in"])
            checks += [_of_partition(c, day) for c in day_checks]
            if per_day[day]["events"]["partition_events"]:
                mapped = day
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        if mapped is not None:  # the preview and the map of the run's last day with events
            metadata, observation = _preview_and_map(context, con, geocoder, mapped)
            per_day[mapped]["events"].update(metadata)
    for name in TABLES:
        metadata = run_metadata({day: tables[name] for day, tables in per_day.items()})
        yield MaterializeResult(asset_key=["warehouse", name],
                                metadata={"table_rows_total": counts[name], "extractor_version": version, **metadata})
    # the day-by-day results, then each selected check's output (its results are the evaluations above)
    selected = context.selected_asset_check_keys
    yield from (c for c in checks if c.asset_check_key in selected)
    for key in selected:
        yield Output(None, output_name=context.assets_def.get_output_name_for_asset_check_key(key))
    if observation is not None:
        # last, so the asset page's Events tab opens on it: the map, inline (see maps.ui_map_description)
        context.log_event(observation)


def _load_day(con, files: DayFiles, day: date, version: str, run_id: str) -> tuple[dict, list[AssetCheckResult]]:
    """Write one day's tables from the staged frames, check them, and record the checks in the warehouse."""
    staged = StagedDay(files, day, version, raw=RAW_ARTICLES, events=INCIDENT_EVENTS, rejected=REJECTED)
    records_in = staged.records_in()
    # the day's rows are made from the files a slice at a time as they are inserted, in the day's one transaction
    load = warehouse.load_partition(con, day, staged, version, run_id=run_id)
    checks = event_check_results(con, day) + [ledger_check_result(con, day, records_in)]
    warehouse.record_checks(con, day, [
        (c.asset_key.to_user_string(), c.check_name, c.passed, c.severity.value,
         json.dumps({k: v.value for k, v in c.metadata.items()}, ensure_ascii=False, default=str))
        for c in checks
    ])
    tables = {
        "articles": {"articles_in": load.articles_in, "events": load.events, "no_events": load.no_events,
                     "duplicates": load.duplicates, "quarantined": load.quarantined},
        "event_mentions": {"partition_rows": load.mentions},
        "events": {"partition_events": load.warehouse_events, "revisions": load.revisions, "deletions": load.deletions},
        "event_sources": {},
        "quarantine": {"partition_rows": load.quarantine_rows},
    }
    return tables, checks


def _of_partition(result: AssetCheckResult, day: date) -> AssetCheckEvaluation:
    """A check's result for one day of the run, carrying that day as its partition (a run of several days
    has no single partition key for Dagster to stamp on an AssetCheckResult)."""
    return AssetCheckEvaluation(asset_key=result.asset_key, check_name=result.check_name, passed=result.passed,
                                metadata=result.metadata, severity=result.severity, description=result.description,
                                target_materialization_data=None, blocking=False, partition=day.isoformat())


def _preview_and_map(context: AssetExecutionContext, con, geocoder: GeocoderResource, day: date):
    """The day's Markdown preview and map (metadata of warehouse/events), and the observation that shows the
    map inline on the asset's page."""
    preview = events_markdown(con, day)
    events = maps.partition_events(con, day)
    outlines = maps.governorate_outlines(geocoder.gazetteer_dir, geocoder.cache_dir)
    maps_dir = Path(context.instance.storage_directory()) / "maps"
    png = maps.render_events_map(events, outlines, maps_dir / f"events_{day}.png", title_date=day)
    ui_png = maps.render_events_map(events, outlines, maps_dir / f"events_{day}_ui.png", title_date=day, dpi=maps.UI_DPI)
    observation = AssetObservation(asset_key=EVENTS, partition=day.isoformat(),
                                   description=maps.ui_map_description(ui_png, day, events.height))
    return ({"preview": MetadataValue.md(preview), "map": MetadataValue.md(maps.map_markdown(png)),
             "map_path": MetadataValue.path(str(png)), "map_partition": str(day)}, observation)
