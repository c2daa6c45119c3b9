"""The warehouse tables of one partition, written in one DuckDB transaction."""

import json
from datetime import date
from pathlib import Path

import polars as pl
from dagster import (
    AssetCheckSpec, AssetExecutionContext, AssetIn, AssetObservation, AssetSpec, MaterializeResult, MetadataValue, multi_asset,
)

from etl_project import maps, warehouse
from etl_project.assets.partitions import OWNERS, WRITER_POOL, daily_partitions
from etl_project.checks.warehouse_checks import ARTICLE_CHECKS, ARTICLES, EVENT_CHECKS, EVENTS, event_check_results, ledger_check_result
from etl_project.pipeline import extractor_version, ledger, mentions_frame, quarantine_rows, release_memory
from etl_project.previews import events_markdown
from etl_project.resources import ExtractorResource, GeocoderResource, WarehouseResource

TABLES = {
    "articles": "The ledger: every article read, with its status (events, no_events, duplicate, quarantined) and why.",
    "event_mentions": "Each article's reading of each incident, as the extractor emitted it.",
    "events": "One row per incident (place, day, type), merged across the articles that reported it.",
    "event_sources": "Which articles reported each event, with the figures each stated.",
    "quarantine": "Rows that failed a contract or could not be read, with the asset, the check and the reason.",
}


@multi_asset(
    partitions_def=daily_partitions,
    group_name="warehouse",
    pool=WRITER_POOL,
    ins={
        "raw_articles": AssetIn(),
        "incident_events": AssetIn(),
        "rejected_incidents": AssetIn(),
    },
    specs=[
        AssetSpec(["warehouse", name], description=desc, kinds={"duckdb"}, owners=OWNERS,
                  deps=["raw_articles", "incident_events", "rejected_incidents"])
        for name, desc in TABLES.items()
    ],
    check_specs=[AssetCheckSpec(n, asset=EVENTS, description=d) for n, d in EVENT_CHECKS.items()]
    + [AssetCheckSpec(n, asset=ARTICLES, description=d) for n, d in ARTICLE_CHECKS.items()],
)
def warehouse_tables(
    context: AssetExecutionContext,
    raw_articles: pl.DataFrame,
    incident_events: pl.DataFrame,
    rejected_incidents: pl.DataFrame,
    warehouse_db: WarehouseResource,
    extractor: ExtractorResource,
    geocoder: GeocoderResource,
):
    release_memory()
    day = date.fromisoformat(context.partition_key)
    version = extractor_version(extractor.get())
    articles = ledger(raw_articles, incident_events, rejected_incidents, version)
    quarantine = quarantine_rows(raw_articles, rejected_incidents, day)
    mentions = mentions_frame(incident_events)
    with warehouse_db.get_connection() as con:
        load = warehouse.write_partition(con, day, articles, mentions, quarantine, version, run_id=context.run.run_id)
        checks = event_check_results(con, day) + [ledger_check_result(con, day, raw_articles.height)]
        warehouse.record_checks(con, day, [
            (c.asset_key.to_user_string(), c.check_name, c.passed, c.severity.value,
             json.dumps({k: v.value for k, v in c.metadata.items()}, ensure_ascii=False, default=str))
            for c in checks
        ])
        preview = events_markdown(con, day)
        map_events = maps.partition_events(con, day)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    outlines = maps.governorate_outlines(geocoder.gazetteer_dir, geocoder.cache_dir)
    maps_dir = Path(context.instance.storage_directory()) / "maps"
    map_png = maps.render_events_map(map_events, outlines, maps_dir / f"events_{day}.png", title_date=day)
    ui_png = maps.render_events_map(map_events, outlines, maps_dir / f"events_{day}_ui.png", title_date=day, dpi=maps.UI_DPI)
    partition_meta = {
        "articles": {"articles_in": load.articles_in, "events": load.events, "no_events": load.no_events,
                     "duplicates": load.duplicates, "quarantined": load.quarantined},
        "event_mentions": {"partition_rows": load.mentions},
        "events": {"partition_events": load.warehouse_events, "revisions": load.revisions, "deletions": load.deletions,
                   "preview": MetadataValue.md(preview), "map": MetadataValue.md(maps.map_markdown(map_png)),
                   "map_path": MetadataValue.path(str(map_png))},
        "event_sources": {},
        "quarantine": {"partition_rows": quarantine.height},
    }
    for name in TABLES:
        yield MaterializeResult(
            asset_key=["warehouse", name],
            metadata={"table_rows_total": counts[name], "extractor_version": version, **partition_meta[name]},
        )
    yield from checks
    # last, so the asset page's Events tab opens on it: the map, inline (see maps.ui_map_description)
    context.log_event(AssetObservation(asset_key=EVENTS, partition=context.partition_key,
                                       description=maps.ui_map_description(ui_png, day, map_events.height)))
