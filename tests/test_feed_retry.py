"""A feed that is down when the nightly run starts is tried again by Dagster, then recorded."""
from __future__ import annotations

from datetime import timedelta

from dagster import DagsterEventType, DagsterInstance

from etl_project import warehouse
from etl_project.config import load_settings
from etl_project.definitions import build_definitions
from tests.test_sources_feeds import FEEDS, news_site, write_sources  # noqa: F401  (fixtures below)
from tests.test_sources_feeds import days, site  # noqa: F401


def _run(settings, partition):
    defs = build_definitions(settings)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("nightly_events").execute_in_process(partition_key=partition, instance=instance,
                                                                             raise_on_error=False)
        retries = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    return result, retries


def test_a_feed_down_at_first_is_retried_and_its_articles_land(site, tmp_path, days, project_env, monkeypatch):
    now, today = days
    news_site(site, today)
    feed = site.routes["/feed.xml"][0]
    site.add("/feed.xml", b"down", status=503, then=[feed])  # 503 once, then the real feed
    write_sources(tmp_path, FEEDS(site)[:1], fetch={"retries": 0})
    monkeypatch.setenv("ETL_SOURCES", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("ETL_FEED_RETRIES", "2")
    monkeypatch.setenv("ETL_FEED_RETRY_DELAY_S", "0.2")
    settings = load_settings()
    result, retries = _run(settings, (today - timedelta(days=1)).isoformat())
    assert result.success
    assert [e.step_key for e in retries] == ["raw_articles"]
    assert site.count("/feed.xml") == 2
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        titles = [r[0] for r in con.execute("SELECT title FROM articles").fetchall()]
    assert "قصف على بلدة الشحيل" in titles


def test_a_feed_still_down_on_the_last_try_is_recorded_and_the_run_succeeds(site, tmp_path, days, project_env, monkeypatch):
    now, today = days
    site.add("/feed.xml", b"down", status=503)
    write_sources(tmp_path, FEEDS(site)[:1], fetch={"retries": 0})
    monkeypatch.setenv("ETL_SOURCES", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("ETL_FEED_RETRIES", "1")
    monkeypatch.setenv("ETL_FEED_RETRY_DELAY_S", "0.2")
    result, retries = _run(load_settings(), (today - timedelta(days=1)).isoformat())
    assert result.success
    assert len(retries) == 1 and site.count("/feed.xml") == 2
    cache = (tmp_path / "data" / "feeds" / "test-news.feed.jsonl").read_text(encoding="utf-8")
    assert "503" in cache
