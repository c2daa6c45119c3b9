"""An incident keeps its event id when the gazetteer, the extractor version or the load order changes (issue 15);
what changed is recorded in event_revisions, not as a deletion plus a new id.

The pipeline tests load the bundled seeds for real, through Dagster, into real DuckDB files."""
from __future__ import annotations

import json
from datetime import date

import pytest
from dagster import DagsterInstance

from etl_project import warehouse
from etl_project.config import load_settings
from etl_project.definitions import build_definitions
from etl_project.event_ids import Cluster, choose_ids, content_id, incident_key
from etl_project.extraction.record import mention_id
from tests.conftest import SEEDS, read_jsonl, write_jsonl

DAYS = sorted({a["published"][:10] for a in read_jsonl(SEEDS / "articles.jsonl")})


# ---------------------------------------------------------------- the rule


def test_a_new_event_is_named_by_its_day_type_and_governorate_not_by_its_first_report():
    key = incident_key(date(2025, 11, 12), "battle", "SY09", "Deir ez-Zor", "a1")
    assert key == incident_key(date(2025, 11, 12), "battle", "SY09", "Deir ez-Zor", "another-article")
    named = choose_ids([Cluster("m-late", key, ("m-late",))], {}, set())
    assert named == {"m-late": content_id(key, 0)}
    # two incidents of one key: ordinals 0 and 1, in a content order (key, head), whatever order they come in
    two = [Cluster("b", key, ("b",)), Cluster("a", key, ("a",))]
    assert choose_ids(two, {}, set()) == choose_ids(two[::-1], {}, set()) == {"a": content_id(key, 0), "b": content_id(key, 1)}


def test_an_event_keeps_its_id_through_a_split_and_a_merge():
    key = incident_key(date(2025, 11, 12), "battle", "SY09", None, "a1")
    old = {"m1": "E1", "m2": "E1", "m3": "E1", "m4": "E2"}
    # E1 splits: its larger part keeps E1; the smaller part is new
    split = choose_ids([Cluster("m1", key, ("m1", "m2")), Cluster("m3", key, ("m3",)), Cluster("m4", key, ("m4",))], old, set())
    assert split["m1"] == "E1" and split["m4"] == "E2" and split["m3"] not in ("E1", "E2")
    # E1 and E2 merge: the id with more mentions stays (E2 becomes a deletion)
    assert choose_ids([Cluster("m4", key, ("m1", "m2", "m3", "m4"))], old, set()) == {"m4": "E1"}
    # an id held by an event of another day is never taken
    assert choose_ids([Cluster("m9", key, ("m9",))], {}, {content_id(key, 0)}) == {"m9": content_id(key, 1)}


def test_the_extractor_keys_an_incident_by_its_article_and_sentence(extractor):
    text = ("قتل ثلاثة مدنيين بقصف مدفعي على بلدة طفس في ريف درعا الغربي صباح اليوم. "
            "وفي سياق آخر، اندلعت اشتباكات عنيفة في مدينة منبج بريف حلب الشرقي.")
    events = extractor.extract({"id": "a1", "text": text, "published": "2025-11-12"})
    assert len(events) >= 2
    for e in events:
        ordinal = sum(1 for x in events[:events.index(e)] if x["evidence_start"] == e["evidence_start"])
        assert e["event_id"] == mention_id("a1", e["evidence_start"], ordinal)


# ---------------------------------------------------------------- the pipeline, for real


def _load(settings, days: list[str]) -> None:
    job = build_definitions(settings).resolve_job_def("nightly_events")
    instance = DagsterInstance.ephemeral()
    for day in days:
        assert job.execute_in_process(partition_key=day, instance=instance, raise_on_error=False).success, day


def _state(path) -> dict:
    with warehouse.connect(path, read_only=True) as con:
        return {
            "events": dict(con.execute("SELECT event_id, (event_date, event_type, admin1) FROM events").fetchall()),
            "deletions": con.execute("SELECT count(*) FROM event_deletions").fetchone()[0],
            "revised": con.execute("SELECT count(DISTINCT event_id) FROM event_revisions").fetchone()[0],
        }


@pytest.fixture
def seeds_env(project_env, monkeypatch):
    write_jsonl(project_env.seeds_dir / "articles.jsonl", read_jsonl(SEEDS / "articles.jsonl"))
    return monkeypatch


def test_the_seed_days_loaded_backwards_give_the_ids_of_the_days_loaded_forwards(seeds_env, tmp_path):
    seeds_env.setenv("ETL_WAREHOUSE", str(tmp_path / "forwards.duckdb"))
    _load(load_settings(), DAYS)
    seeds_env.setenv("ETL_WAREHOUSE", str(tmp_path / "backwards.duckdb"))
    _load(load_settings(), DAYS[::-1])
    forwards, backwards = _state(tmp_path / "forwards.duckdb"), _state(tmp_path / "backwards.duckdb")
    assert len(forwards["events"]) >= 40
    assert backwards["events"] == forwards["events"]
    # loaded backwards, a report of an earlier day arrives last: the event it joins is revised, never deleted
    assert forwards["deletions"] == backwards["deletions"] == 0


def test_the_full_gazetteer_revises_the_events_of_the_offline_one_and_keeps_their_ids(seeds_env, tmp_path):
    full = load_settings().gazetteer_dir
    if full is None:
        pytest.skip("the full gazetteer is not here (../shared/gazetteer, the cache, or ETL_GAZETTEER_DIR)")
    seeds_env.setenv("ETL_GAZETTEER_DIR", "offline")
    _load(load_settings(), DAYS)
    offline = _state(load_settings().warehouse_path)
    seeds_env.setenv("ETL_GAZETTEER_DIR", str(full))
    _load(load_settings(), DAYS)
    after = _state(load_settings().warehouse_path)
    kept = set(offline["events"]) & set(after["events"])
    assert len(kept) >= 0.95 * len(offline["events"]), f"{len(kept)} of {len(offline['events'])} ids kept"
    assert after["deletions"] == len(offline["events"]) - len(kept)
    assert after["revised"] >= len(offline["events"]) // 2  # the places moved: revisions, with their old and new values
    with warehouse.connect(load_settings().warehouse_path, read_only=True) as con:
        fields = {r[0] for r in con.execute("SELECT DISTINCT field FROM event_revisions").fetchall()}
    assert {"gazetteer_id", "latitude"} <= fields


def test_the_same_warehouse_reloaded_keeps_its_acled_numbers(seeds_env, project_env):
    _load(load_settings(), DAYS[:3])
    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        before = dict(con.execute("SELECT event_id, acled_no FROM acled_ids").fetchall())
    _load(load_settings(), DAYS[::-1])
    with warehouse.connect(project_env.warehouse_path, read_only=True) as con:
        after = dict(con.execute("SELECT event_id, acled_no FROM acled_ids").fetchall())
        live = {r[0] for r in con.execute("SELECT event_id FROM events").fetchall()}
    assert before and all(after[k] == v for k, v in before.items()) and set(before) <= live
    assert json.dumps(sorted(after.values())) == json.dumps(list(range(1, len(after) + 1)))
