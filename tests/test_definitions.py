"""The code location loads, with the lineage, checks, schedule and pools a user expects in the UI."""
from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetKey, build_schedule_context

from etl_project.definitions import build_definitions

EXPECTED_ASSETS = {
    "places", "raw_articles", "extracted_incidents", "incident_events", "rejected_incidents",
    "warehouse/articles", "warehouse/event_mentions", "warehouse/events", "warehouse/event_sources", "warehouse/quarantine",
}


def test_definitions_load_with_every_asset_and_check(project_env):
    defs = build_definitions(project_env)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    for expected in [
        ("places", "places_inside_syria"), ("places", "places_unique_ids"), ("places", "places_have_governorate"),
        ("places", "places_arabic_share"), ("warehouse/events", "unique_event_id"),
        ("warehouse/events", "coordinates_in_syria"), ("warehouse/events", "date_not_after_published"),
        ("warehouse/events", "row_count_vs_trailing_week"), ("warehouse/articles", "ledger_balances"),
    ]:
        assert expected in checks


def test_lineage_runs_from_articles_to_warehouse(project_env):
    graph = build_definitions(project_env).resolve_asset_graph()
    parents = lambda key: {p.to_user_string() for p in graph.get(AssetKey.from_user_string(key)).parent_keys}
    assert parents("extracted_incidents") == {"raw_articles", "places"}
    assert parents("incident_events") == {"extracted_incidents"}
    assert {"raw_articles", "incident_events", "rejected_incidents"} <= parents("warehouse/events")


def test_every_asset_is_described_grouped_and_owned(project_env):
    graph = build_definitions(project_env).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.group_name and node.group_name != "default", key
        assert node.owners, key
        assert node.kinds, key


def test_assets_that_write_duckdb_share_a_pool_of_one(project_env):
    defs = build_definitions(project_env)
    graph = defs.resolve_asset_graph()
    writers = {"places", "warehouse/events"}
    for key in writers:
        node = graph.get(AssetKey.from_user_string(key))
        assert node.pools == {"duckdb_writer"}, key
    from etl_project.config import PROJECT_ROOT

    assert "default_limit: 1" in (PROJECT_ROOT / "dagster_home" / "dagster.yaml").read_text()


def test_nightly_schedule_runs_at_two_in_damascus_for_the_previous_day(project_env):
    defs = build_definitions(project_env)
    schedule = defs.resolve_schedule_def("nightly_events_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Damascus"
    when = datetime(2025, 11, 13, 2, 0, tzinfo=ZoneInfo("Asia/Damascus"))
    with build_schedule_context(scheduled_execution_time=when) as context:
        requests = list(schedule.evaluate_tick(context).run_requests)
    assert [r.partition_key for r in requests] == ["2025-11-12"]


def test_the_geocoder_is_its_own_resource_and_the_extractor_uses_it(project_env):
    from etl_project.assets.gazetteer import places

    defs = build_definitions(project_env)
    assert {"geocoder", "warehouse_db"} <= places.required_resource_keys and "extractor" not in places.required_resource_keys
    resources = defs.resources
    geocoder, extractor = resources["geocoder"], resources["extractor"]
    assert extractor.loader_args()[:2] == geocoder.loader_args()  # (then the floor, ETL_MIN_CONFIDENCE)
    assert extractor.get().geocoder is geocoder.get()  # one gazetteer in memory, shared
