"""The warehouse layer on a real DuckDB file: atomic partitions, merging, revisions, one writer."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import date

import polars as pl
import pytest

from etl_project import warehouse
from etl_project.pipeline import MENTION_SCHEMA
from etl_project.warehouse import ARTICLE_COLUMNS, QUARANTINE_COLUMNS

DAY = date(2025, 11, 12)


def event_id(event_date=DAY, event_type: str = "explosion_remote_violence", admin1: str = "Deir ez-Zor", ordinal: int = 0) -> str:
    """The id a new event gets: what the incident is (its day, type and governorate), not which report came first."""
    from etl_project.event_ids import content_id, incident_key

    return content_id(incident_key(event_date, event_type, None, admin1, ""), ordinal)


def article(article_id: str, day: date = DAY, status: str = "events", n: int = 1, source: str = "wire", text: str | None = None) -> dict:
    return dict(article_id=article_id, partition_date=day, published=day.isoformat(), published_assumed=False, source=source,
                title=None, url=f"https://example.org/{article_id}", text=text or f"نص {article_id}", text_sha1=f"sha-{article_id}",
                origin="test.jsonl:1", status=status, n_events=n, duplicate_of=None, reason=None, extractor_version="v1", metadata=None)


def mention(mention_id: str, article_id: str, day: date = DAY, event_date: date = DAY, lat: float = 35.02, lon: float = 40.45,
            event_type: str = "explosion_remote_violence", fatalities: int = 1, background: bool = False, version: str = "v1",
            place: str = "الميادين", gid: str = "g-mayadin") -> dict:
    row = {k: None for k in MENTION_SCHEMA}
    row.update(event_id=mention_id, article_id=article_id, event_date=event_date, time_precision=1, event_type=event_type,
               sub_event_type="remote_explosive_landmine_ied" if event_type == "explosion_remote_violence" else "armed_clash",
               latitude=lat, longitude=lon, geo_precision=1, location_name=place, gazetteer_id=gid, admin1="Deir ez-Zor",
               fatalities=fatalities, injuries=0, is_background=background, evidence="جملة", evidence_start=0, evidence_end=4,
               confidence=0.8, extractor_version=version)
    return row


def frames(articles: list[dict], mentions: list[dict], quarantine: list[dict] | None = None):
    a_schema = {c: pl.String for c in ARTICLE_COLUMNS} | {"partition_date": pl.Date, "published_assumed": pl.Boolean, "n_events": pl.Int32}
    m = pl.DataFrame(mentions, schema=MENTION_SCHEMA).rename({"event_id": "mention_id"}) if mentions else pl.DataFrame(schema=MENTION_SCHEMA).rename({"event_id": "mention_id"})
    m = m.with_columns(pl.lit(None, pl.Date).alias("partition_date"))
    m = m.with_columns(pl.col("article_id").replace_strict({a["article_id"]: a["partition_date"] for a in articles}, default=None, return_dtype=pl.Date).alias("partition_date"))
    q_schema = {c: pl.String for c in QUARANTINE_COLUMNS} | {"partition_date": pl.Date}
    return pl.DataFrame(articles, schema=a_schema), m.select(list(warehouse.MENTION_COLUMNS)), pl.DataFrame(quarantine or [], schema=q_schema)


def snapshot(path) -> dict:
    tables = {"articles": "article_id", "event_mentions": "mention_id", "events": "event_id",
              "event_sources": "event_id, mention_id", "quarantine": "quarantine_id", "event_revisions": "event_id, field",
              "event_deletions": "event_id"}
    with warehouse.connect(path, read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY {o}").fetchall() for t, o in tables.items()}


def load(path, day, articles, mentions, quarantine=None, version="v1"):
    a, m, q = frames(articles, mentions, quarantine)
    with warehouse.connect(path) as con:
        return warehouse.write_partition(con, day, a, m, q, version)


def test_writing_a_partition_twice_leaves_identical_tables(tmp_path):
    db = tmp_path / "w.duckdb"
    arts = [article("a1"), article("a2", status="no_events", n=0)]
    ments = [mention("m1", "a1")]
    load(db, DAY, arts, ments)
    first = snapshot(db)
    load(db, DAY, arts, ments)
    assert snapshot(db) == first
    assert len(first["events"]) == 1


def test_two_articles_reporting_one_incident_make_one_event_with_both_sources(tmp_path):
    db = tmp_path / "w.duckdb"
    arts = [article("a1", source="wire"), article("a2", source="post")]
    # the second report places it 2 km away and counts one more death
    ments = [mention("m1", "a1", fatalities=1), mention("m2", "a2", lat=35.03, lon=40.47, fatalities=2)]
    load(db, DAY, arts, ments)
    with warehouse.connect(db, read_only=True) as con:
        events = con.execute("SELECT event_id, fatalities, n_sources FROM events").fetchall()
        sources = con.execute("SELECT article_id, fatalities, is_primary FROM event_sources ORDER BY article_id").fetchall()
    assert events == [(event_id(), 2, 2)]  # the highest figure a source states directly
    assert sources == [("a1", 1, True), ("a2", 2, False)]


def test_incidents_apart_in_place_type_or_day_stay_apart(tmp_path):
    db = tmp_path / "w.duckdb"
    arts = [article("a1"), article("a2"), article("a3")]
    ments = [
        mention("m1", "a1"),
        mention("m2", "a2", lat=35.33, lon=40.14, place="دير الزور", gid="g-dez"),  # ~40 km away
        mention("m3", "a3", event_type="battle"),
        mention("m4", "a3", event_date=date(2025, 11, 11)),
    ]
    load(db, DAY, arts, ments)
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 4


def test_a_background_mention_on_a_later_day_links_to_the_event_already_loaded(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, date(2025, 11, 11), [article("a1", day=date(2025, 11, 11))], [mention("m1", "a1", day=date(2025, 11, 11), event_date=date(2025, 11, 11))])
    later = date(2025, 11, 13)
    load(db, later, [article("a9", day=later)], [mention("m9", "a9", day=later, event_date=date(2025, 11, 11), background=True, fatalities=3)])
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT event_id, n_sources, fatalities, is_background FROM events").fetchall() == [(event_id(date(2025, 11, 11)), 2, 3, False)]
        assert con.execute("SELECT article_id, is_primary FROM event_sources ORDER BY article_id").fetchall() == [("a1", True), ("a9", False)]
    # re-running the earlier day keeps the link
    load(db, date(2025, 11, 11), [article("a1", day=date(2025, 11, 11))], [mention("m1", "a1", day=date(2025, 11, 11), event_date=date(2025, 11, 11))])
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT n_sources FROM events").fetchall() == [(2,)]


def test_a_new_extractor_version_records_revisions_and_deletions(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, DAY, [article("a1")], [mention("m1", "a1", fatalities=1), mention("m2", "a1", event_type="battle")])
    load(db, DAY, [article("a1")], [mention("m1", "a1", fatalities=4, version="v2")], version="v2")
    with warehouse.connect(db, read_only=True) as con:
        revisions = con.execute("SELECT event_id, field, old_value, new_value, old_version, new_version FROM event_revisions").fetchall()
        deletions = con.execute("SELECT event_id, old_version, new_version FROM event_deletions").fetchall()
    assert revisions == [(event_id(), "fatalities", "1", "4", "v1", "v2")]
    assert deletions == [(event_id(event_type="battle"), "v1", "v2")]


def test_an_article_already_loaded_on_another_day_is_a_duplicate(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, date(2025, 11, 11), [article("a1", day=date(2025, 11, 11))], [mention("m1", "a1", day=date(2025, 11, 11))])
    later = date(2025, 11, 12)
    load(db, later, [article("a1", day=later)], [mention("m1x", "a1", day=later)])
    with warehouse.connect(db, read_only=True) as con:
        rows = con.execute("SELECT article_id, status, duplicate_of FROM articles ORDER BY partition_date").fetchall()
        assert rows == [("a1", "events", None), ("a1@2025-11-12", "duplicate", "a1")]
        assert con.execute("SELECT count(*) FROM event_mentions").fetchone()[0] == 1


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    sys.path.insert(0, {tests!r})
    from test_warehouse import article, mention, frames
    from etl_project import warehouse

    real_remerge = warehouse._remerge
    def remerge_then_hang(*args, **kwargs):
        out = real_remerge(*args, **kwargs)
        print("WRITING", flush=True)   # inside the transaction, every row inserted, nothing committed
        time.sleep(60)
        return out
    warehouse._remerge = remerge_then_hang
    a, m, q = frames([article("a1"), article("b1")], [mention("m1", "a1", fatalities=9), mention("mb", "b1", event_type="battle")])
    with warehouse.connect({db!r}) as con:
        warehouse.write_partition(con, date(2025, 11, 12), a, m, q, "v2")
    """
)


def test_a_run_killed_during_the_write_leaves_the_warehouse_as_it_was(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, DAY, [article("a1")], [mention("m1", "a1")])
    before = snapshot(db)
    script = KILLED_WRITER.format(tests=str(__import__("pathlib").Path(__file__).parent), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITING"
    finally:
        proc.kill()  # SIGKILL: no cleanup, no rollback from the writer itself
        proc.wait()
    assert proc.returncode == -9
    assert snapshot(db) == before
    # and the next run completes
    load(db, DAY, [article("a1"), article("b1")], [mention("m1", "a1"), mention("mb", "b1", event_type="battle")])
    assert len(snapshot(db)["events"]) == 2


def test_two_writers_at_once_both_succeed(tmp_path):
    db = tmp_path / "w.duckdb"
    errors: list[BaseException] = []

    def write(day: date, prefix: str):
        try:
            for i in range(3):
                load(db, day, [article(f"{prefix}{i}", day=day)], [mention(f"{prefix}m{i}", f"{prefix}{i}", day=day, event_date=day)])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(date(2025, 11, 10), "x")), threading.Thread(target=write, args=(date(2025, 11, 11), "y"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM partition_loads").fetchone()[0] == 6


def test_reading_a_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="etl-project run"):
        with warehouse.connect(tmp_path / "none.duckdb", read_only=True):
            pass
