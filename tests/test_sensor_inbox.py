"""The inbox sensor, evaluated for real against files on disk and a real (ephemeral) Dagster instance;
and the nightly schedule's choice of partition."""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context, materialize

from etl_project.assets.articles import raw_articles
from etl_project.assets.sensors import inbox_sensor
from etl_project.definitions import build_definitions
from etl_project.resources import SourcesResource, StagingResource
from tests.conftest import seeds_only_sources

TZ = "Asia/Damascus"
DAMASCUS = ZoneInfo(TZ)
BODY = (
    "سقطت قذيفة هاون على حي سكني في مدينة جرمانا بريف دمشق ظهر اليوم، ما أدى إلى إصابة طفل بجروح وتضرر واجهات "
    "عدد من المحال التجارية، بحسب ما أفاد به شهود عيان في المنطقة."
)


def article(id_: str, day: str, extra: str = "") -> str:
    return json.dumps({"id": id_, "text": f"{BODY} {extra}".strip(), "published": day}, ensure_ascii=False)


def touch(path: Path, received: date) -> None:
    ts = datetime(received.year, received.month, received.day, 10, 0, tzinfo=DAMASCUS).timestamp()
    os.utime(path, (ts, ts))


class Sensor:
    """Evaluates inbox_sensor tick after tick, carrying the cursor like the daemon does."""

    def __init__(self, tmp_path: Path, instance: DagsterInstance, sources: dict | None = None):
        self.sources_file = tmp_path / "sources.yaml"
        self.sources_file.write_text(json.dumps(sources or {"inbox": ["inbox"], "data_dir": "data"}), encoding="utf-8")
        self.resource = SourcesResource(sources_file=str(self.sources_file), seeds_dir=str(tmp_path / "seeds"), timezone=TZ)
        self.instance = instance
        self.cursor = None
        # the real code location, so Dagster checks each requested partition against the job's partitions
        from etl_project.config import load_settings

        settings = load_settings({"ETL_SOURCES": str(self.sources_file), "ETL_SEEDS_DIR": str(tmp_path / "seeds"),
                                  "ETL_WAREHOUSE": str(tmp_path / "events.duckdb")})
        self.definitions = build_definitions(settings)

    def tick(self):
        context = build_sensor_context(instance=self.instance, cursor=self.cursor, resources={"sources": self.resource},
                                       definitions=self.definitions)
        result = inbox_sensor.evaluate_tick(context)
        self.cursor = result.cursor
        return result

    def partitions(self) -> list[str]:
        return [r.partition_key for r in self.tick().run_requests]


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as inst:
        yield inst


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_dropped_files_request_runs_for_the_days_they_belong_to(tmp_path, inbox, instance):
    sensor = Sensor(tmp_path, instance)
    first = sensor.tick()
    assert first.run_requests == [] and first.skip_message == "no new or changed input"

    (inbox / "batch.jsonl").write_text(article("a", "2025-11-18") + "\n" + article("b", "2025-11-19", "ثانية") + "\n", encoding="utf-8")
    (inbox / "note.txt").write_text(BODY + " ثالثة", encoding="utf-8")  # no date: the day it was received
    touch(inbox / "note.txt", date(2025, 11, 20))
    result = sensor.tick()
    assert [r.partition_key for r in result.run_requests] == ["2025-11-18", "2025-11-19", "2025-11-20"]
    request = result.run_requests[0]
    assert request.run_key.startswith("inbox:2025-11-18:")
    assert request.tags["etl/trigger"] == "inbox_sensor" and request.tags["etl/changed_files"] == "batch.jsonl"
    assert inbox_sensor.job_name == "nightly_events"

    assert sensor.partitions() == []  # nothing changed since


def test_a_changed_file_requests_only_the_days_whose_records_changed(tmp_path, inbox, instance):
    sensor = Sensor(tmp_path, instance)
    batch = inbox / "batch.jsonl"
    batch.write_text(article("a", "2025-11-18") + "\n", encoding="utf-8")
    note = inbox / "note.txt"
    note.write_text(BODY + " ثالثة", encoding="utf-8")
    touch(note, date(2025, 11, 20))
    assert sensor.partitions() == ["2025-11-18", "2025-11-20"]

    with batch.open("a", encoding="utf-8") as fh:  # a late article appended
        fh.write(article("late", "2025-11-12", "متأخر") + "\n")
    assert sensor.partitions() == ["2025-11-12"]

    note.write_text("date: 2025-11-17\n\n" + BODY + " ثالثة", encoding="utf-8")  # the note now says when it was published
    touch(note, date(2025, 11, 20))
    assert sensor.partitions() == ["2025-11-17", "2025-11-20"]  # its new day, and the day it left

    batch.unlink()
    assert sensor.partitions() == ["2025-11-12", "2025-11-18"]  # a removed file's days lose records


def test_a_late_feed_article_in_the_cache_requests_its_own_day(tmp_path, instance):
    cache = tmp_path / "data" / "feeds" / "wire.feed.jsonl"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"id": "f1", "text": BODY, "published": "2025-11-19T07:00:00+00:00", "url": "http://x/1",
                                 "fetched_at": "2025-11-19T08:00:00+00:00"}, ensure_ascii=False) + "\n", encoding="utf-8")
    sensor = Sensor(tmp_path, instance, {"feeds": [{"name": "wire", "url": "http://127.0.0.1:9/rss"}], "data_dir": "data"})
    assert sensor.partitions() == ["2025-11-19"]
    with cache.open("a", encoding="utf-8") as fh:  # the next fetch found an article of five days before
        fh.write(json.dumps({"id": "f2", "text": BODY + " أخرى", "published": "2025-11-14", "url": "http://x/2",
                             "fetched_at": "2025-11-20T08:00:00+00:00"}, ensure_ascii=False) + "\n")
    assert sensor.partitions() == ["2025-11-14"]


def test_a_day_materialised_after_the_change_is_not_requested_again(tmp_path, inbox, instance):
    sensor = Sensor(tmp_path, instance)
    (inbox / "a.jsonl").write_text(article("a", "2025-11-18") + "\n" + article("b", "2025-11-19", "ثانية") + "\n", encoding="utf-8")
    touch(inbox / "a.jsonl", date(2025, 11, 20))
    # a real materialisation of raw_articles for the 18th, after the file arrived
    result = materialize([raw_articles], partition_key="2025-11-18", instance=instance, resources={"sources": sensor.resource, "staging": StagingResource(base_dir=str(tmp_path / "staging"))})
    assert result.success
    assert sensor.partitions() == ["2025-11-19"]


def test_days_outside_the_partitions_are_not_requested(tmp_path, inbox, instance):
    sensor = Sensor(tmp_path, instance)
    today = datetime.now(DAMASCUS).date().isoformat()  # not a partition until it ends: the 02:00 run loads it
    (inbox / "old.jsonl").write_text("\n".join([article("old", "2009-05-01"), article("ok", "2025-11-18", "ثانية"),
                                               article("now", today, "ثالثة")]) + "\n", encoding="utf-8")
    result = sensor.tick()
    assert [r.partition_key for r in result.run_requests] == ["2025-11-18"]


def test_nothing_to_watch_is_said(tmp_path, instance):
    sensor = Sensor(tmp_path, instance, {"jsonl": ["seeds"]})
    assert "nothing to watch" in sensor.tick().skip_message


def test_the_sensor_is_registered_for_the_nightly_job(tmp_path, monkeypatch):
    monkeypatch.setenv("ETL_SOURCES", str(seeds_only_sources(tmp_path)))
    from etl_project.config import load_settings

    defs = build_definitions(load_settings())
    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.job_name == "nightly_events"
    assert sensor.minimum_interval_seconds == 60


@pytest.mark.parametrize(("when", "partition"), [
    (datetime(2025, 11, 16, 2, 0, tzinfo=DAMASCUS), "2025-11-15"),
    # the same moment written in UTC: 23:00 on the 15th is 02:00 on the 16th in Damascus
    (datetime(2025, 11, 15, 23, 0, tzinfo=timezone.utc), "2025-11-15"),
    (datetime(2028, 3, 1, 2, 0, tzinfo=DAMASCUS), "2028-02-29"),
    (datetime(2026, 1, 1, 2, 0, tzinfo=DAMASCUS), "2025-12-31"),
])
def test_the_nightly_schedule_at_two_in_damascus_asks_for_the_day_that_just_ended(tmp_path, monkeypatch, when, partition):
    monkeypatch.setenv("ETL_SOURCES", str(seeds_only_sources(tmp_path)))
    from etl_project.config import load_settings

    schedule = build_definitions(load_settings()).resolve_schedule_def("nightly_events_schedule")
    with DagsterInstance.ephemeral() as instance:
        context = build_schedule_context(instance=instance, scheduled_execution_time=when)
        requests = list(schedule.evaluate_tick(context).run_requests)
    assert [r.partition_key for r in requests] == [partition]
