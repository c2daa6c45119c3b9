"""The inbox sensor: new or changed input → runs of `nightly_events` for the days it belongs to.

It watches the inbox folders and the feed cache of `sources.yaml`. A file dropped with articles of
three days asks for those three partitions; a feed fetch that cached a late article of last week asks
for last week's day. The cursor remembers each file's size, modification time and per-day digest,
so an unchanged file asks for nothing, and a day already materialised after the change is not asked
for again (the nightly run that fetched the feed has read what it cached).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetKey,
    AssetRecordsFilter,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from etl_project.assets.partitions import daily_partitions
from etl_project.resources import SourcesResource
from etl_project.sources.changes import scan

JOB_NAME = "nightly_events"
RAW_ARTICLES = AssetKey("raw_articles")


def _load_cursor(cursor: str | None) -> dict:
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) and all(isinstance(v, dict) and "p" in v for v in state.values()) else {}


def _materialised_since(context: SensorEvaluationContext, day: date, changed_at: float) -> bool:
    result = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=RAW_ARTICLES, asset_partitions=[day.isoformat()]), limit=1)
    return bool(result.records) and result.records[0].timestamp >= changed_at


@sensor(
    name="inbox_sensor",
    job_name=JOB_NAME,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description=(
        "Watches the inbox folders and the feed cache listed in sources.yaml; runs nightly_events for each "
        "publication day that a new, changed or removed file touches."
    ),
)
def inbox_sensor(context: SensorEvaluationContext, sources: SourcesResource):
    config = sources.config()
    if not config.inbox_paths and not config.feeds:
        return SkipReason("sources.yaml lists no inbox folder and no feed: nothing to watch")
    tz = ZoneInfo(sources.timezone)
    now = datetime.now(tz)
    changes = scan(config.watched_files(), tz, now.date(), _load_cursor(context.cursor), now.timestamp())
    first = daily_partitions.start.date()
    last_key = daily_partitions.get_last_partition_key()
    last = date.fromisoformat(last_key) if last_key else first
    requests, skipped = [], []
    for day in sorted(changes.partitions):
        files = changes.partitions[day]
        if day > last:
            # a day becomes a partition once it has ended; the nightly schedule loads it then
            skipped.append(f"{day} is not a partition yet (the latest is {last}); the nightly run will load it")
            continue
        if day < first:
            skipped.append(f"{day} is before the first partition ({first})")
            continue
        if _materialised_since(context, day, changes.newest_mtime[day]):
            skipped.append(f"{day} was materialised after the change")
            continue
        fingerprint = json.dumps([[f, changes.state.get(f, {}).get("m"), changes.state.get(f, {}).get("s")] for f in sorted(files)])
        requests.append(RunRequest(
            partition_key=day.isoformat(),
            run_key=f"inbox:{day}:{hashlib.sha1(fingerprint.encode()).hexdigest()[:12]}",
            tags={"etl/trigger": "inbox_sensor", "etl/changed_files": ", ".join(sorted(p.rsplit("/", 1)[-1] for p in files))[:200]},
        ))
    for reason in skipped:
        context.log.info(f"not requested: {reason}")
    cursor = json.dumps(changes.state, sort_keys=True)
    if not requests:
        return SensorResult(skip_reason=SkipReason("no new or changed input" if not skipped else "; ".join(skipped)[:500]), cursor=cursor)
    return SensorResult(run_requests=requests, cursor=cursor)
