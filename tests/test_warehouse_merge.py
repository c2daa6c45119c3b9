"""The warehouse's merge (SQL joins, Arrow batches, one (day, type) at a time) against the rule written plainly in Python.

The reference below is the merge as it was first written: every mention of the touched days as a dict, clustered by
`cluster_mentions`, events and sources built as dicts, duplicates across partitions found with dictionaries of every
stored article. For any sequence of partition loads (hypothesis draws the articles, their mentions, collisions of ids,
URLs and texts across days, undated and background mentions, re-runs with another extractor version), the tables of a
real DuckDB file must equal what the reference gives: the same events, the same sources, the same ids, the same
ledger, the same revisions and deletions.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from etl_project import warehouse
from etl_project.warehouse import EVENT_FIELDS, REVISED_FIELDS, cluster_mentions
from etl_project.event_ids import Cluster, choose_ids, content_id, incident_key
from tests.test_warehouse import article, event_id, frames, mention

DAYS = (date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12))
SOURCE_FIELDS = ("event_id", "mention_id", "article_id", "source", "url", "published", "fatalities", "is_background", "is_primary")


# ---------------------------------------------------------------- the reference: the plain rule, in Python


def reference_duplicates(con, partition_date: date, articles: list[dict], mentions: list[dict]):
    rows = con.execute(
        "SELECT article_id, url, text_sha1 FROM articles WHERE partition_date <> ? AND status IN ('events', 'no_events')",
        [partition_date]).fetchall()
    by_id = {r[0]: r[0] for r in rows}
    by_url = {r[1]: r[0] for r in rows if r[1]}
    by_sha = {r[2]: r[0] for r in rows if r[2]}
    out, dropped = [], set()
    for rec in articles:
        if rec["status"] in ("events", "no_events"):
            original = by_id.get(rec["article_id"]) or by_url.get(rec["url"] or "") or by_sha.get(rec["text_sha1"] or "")
            if original is not None:
                dropped.add(rec["article_id"])
                rec = dict(rec, status="duplicate", duplicate_of=original, n_events=0,
                           reason="same id, URL or text as an article of another day",
                           article_id=f"{rec['article_id']}@{partition_date}" if original == rec["article_id"] else rec["article_id"])
        out.append(rec)
    return out, [m for m in mentions if m["article_id"] not in dropped]


def reference_merge(con, old_event_of: dict[str, str]) -> tuple[list[tuple], list[tuple]]:
    """Events and sources of every mention in the warehouse, merged by the plain rule; every cluster named by the id
    rule (etl_project.event_ids) from the events its mentions belonged to before the load (`old_event_of`)."""
    cur = con.execute("SELECT m.*, a.source, a.url, a.published FROM event_mentions m JOIN articles a USING (article_id)")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    clusters = cluster_mentions(rows)
    named = choose_ids([Cluster(c[0]["mention_id"], incident_key(c[0]["event_date"], c[0]["event_type"], c[0]["admin1_pcode"],
                                                                   c[0]["admin1"], c[0]["article_id"]),
                                tuple(m["mention_id"] for m in c)) for c in clusters], old_event_of, set())
    events, sources = [], []
    for cluster in clusters:
        primary = cluster[0]
        event = {f: primary[f] for f in EVENT_FIELDS if f != "event_id"}
        event["event_id"] = named[primary["mention_id"]]
        event["fatalities"] = max(m["fatalities"] for m in cluster)
        event["injuries"] = max(m["injuries"] for m in cluster)
        event["is_background"] = all(m["is_background"] for m in cluster)
        event["n_sources"] = len({m["article_id"] for m in cluster})
        events.append(tuple(event[f] for f in EVENT_FIELDS + ("n_sources",)))
        for m in cluster:
            sources.append((event["event_id"], m["mention_id"], m["article_id"], m["source"], m["url"], m["published"],
                            m["fatalities"], m["is_background"], m is primary))
    return sorted(events, key=repr), sorted(sources, key=repr)


def reference_changes(before: dict, after: dict, version: str) -> tuple[list[tuple], list[tuple]]:
    revisions = []
    for event_id, old in before.items():
        new = after.get(event_id)
        if new is None:
            continue
        for f in REVISED_FIELDS:
            if warehouse._differs(old[f], new[f]):
                revisions.append((event_id, f, warehouse._text(old[f]), warehouse._text(new[f]), old["extractor_version"], new["extractor_version"]))
    deletions = [(eid, e["event_date"], e["extractor_version"], version) for eid, e in before.items() if eid not in after]
    return sorted(revisions, key=repr), sorted(deletions, key=repr)


def events_by_id(con) -> dict:
    cur = con.execute("SELECT * FROM events")
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


# ---------------------------------------------------------------- what hypothesis draws


@st.composite
def partition(draw, day: date, prefix: str, earlier: list[dict]):
    """The articles of one day, some copying an earlier article's id, URL or text, and their mentions."""
    arts, ments = [], []
    for i in range(draw(st.integers(0, 7))):
        status = draw(st.sampled_from(["events", "events", "events", "no_events", "duplicate", "quarantined"]))
        a = article(f"{prefix}{i}", day=day, status=status, n=0, source=draw(st.sampled_from(["wire", "post", None])))
        a.update(url=draw(st.one_of(st.none(), st.just(""), st.sampled_from(["u1", "u2", "u3"]).map(lambda u: f"https://x.org/{u}"),
                                    st.just(f"https://x.org/{prefix}{i}"))),
                 text_sha1=draw(st.one_of(st.none(), st.sampled_from(["s1", "s2", "s3"]), st.just(f"sha-{prefix}{i}"))))
        eligible = [e for e in earlier if e["status"] in ("events", "no_events")]
        if status in ("events", "no_events") and eligible and draw(st.integers(0, 4)) == 0:
            a["article_id"] = draw(st.sampled_from(eligible))["article_id"]  # the same id as an earlier day's article
        if any(x["article_id"] == a["article_id"] for x in arts):
            continue
        if status == "events":
            for j in range(draw(st.integers(1, 3))):
                has_place = draw(st.integers(0, 5)) > 0
                m = mention(f"{prefix}{i}m{j}", a["article_id"], day=day,
                            event_date=draw(st.one_of(st.none(), st.sampled_from(DAYS[:DAYS.index(day) + 1]))),
                            lat=35.0 + draw(st.integers(0, 200)) / 1000, lon=40.0 + draw(st.integers(0, 200)) / 1000,
                            event_type=draw(st.sampled_from(["battle", "explosion_remote_violence"])),
                            fatalities=draw(st.integers(0, 5)), background=draw(st.booleans()),
                            gid=draw(st.one_of(st.none(), st.sampled_from(["g1", "g2"]))))
                if not has_place:
                    m.update(latitude=None, longitude=None)
                m["geo_precision"] = draw(st.sampled_from([None, 1, 2, 3]))
                m["injuries"] = draw(st.integers(0, 3))
                ments.append(m)
            a["n_events"] = j + 1
        arts.append(a)
    return arts, ments


@st.composite
def load_sequences(draw):
    loads, seen = [], []
    for k, day in enumerate(DAYS):
        arts, ments = draw(partition(day, f"p{k}-", seen))
        seen += arts
        loads.append((day, arts, ments, "v1"))
    # re-runs: a day again as it was, and a day with another extractor version that reads its mentions differently
    day, arts, ments, _ = loads[draw(st.integers(0, 2))]
    loads.append((day, arts, ments, "v1"))
    day, arts, ments, _ = loads[draw(st.integers(0, 2))]
    revised = [dict(m, fatalities=m["fatalities"] + draw(st.integers(0, 2)), latitude=None if m["latitude"] is None else m["latitude"] + draw(st.sampled_from([0, 0, 0.1])),
                    extractor_version="v2") for m in ments if draw(st.integers(0, 3)) > 0]
    loads.append((day, arts, revised, "v2"))
    return loads


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(load_sequences())
def test_the_merge_gives_the_tables_of_the_plain_rule(tmp_path_factory, loads):
    db = tmp_path_factory.mktemp("merge") / "w.duckdb"
    for n, (day, arts, ments, version) in enumerate(loads):
        now = datetime(2025, 12, 1) + timedelta(hours=n)
        with warehouse.connect(db) as con:
            want_articles, want_mentions = reference_duplicates(con, day, arts, ments)
            # an id the warehouse holds for another day, which the rule does not turn into a duplicate, is a load the
            # primary key refuses whatever the merge (upstream never produces it): not a case for this comparison
            stored = {r[0] for r in con.execute("SELECT article_id FROM articles WHERE partition_date <> ?", [day]).fetchall()}
            assume(not stored & {x["article_id"] for x in want_articles})
            before = events_by_id(con)
            old_event_of = dict(con.execute("SELECT mention_id, event_id FROM event_sources").fetchall())
            a, m, q = frames(arts, ments)
            warehouse.write_partition(con, day, a, m, q, version, now=now)

            got_articles = con.execute("SELECT * FROM articles WHERE partition_date = ? ORDER BY article_id", [day]).fetchall()
            expected = frames(want_articles, want_mentions)[0].sort("article_id").rows() if want_articles else []
            assert got_articles == expected
            assert sorted(r[0] for r in con.execute("SELECT mention_id FROM event_mentions WHERE partition_date = ?", [day]).fetchall()) \
                == sorted(x["event_id"] for x in want_mentions)

            want_events, want_sources = reference_merge(con, old_event_of)
            assert sorted(con.execute("SELECT * FROM events").fetchall(), key=repr) == want_events
            assert sorted(con.execute(f"SELECT {', '.join(SOURCE_FIELDS)} FROM event_sources").fetchall(), key=repr) == want_sources

            want_revisions, want_deletions = reference_changes(before, events_by_id(con), version)
            got_revisions = con.execute("SELECT event_id, field, old_value, new_value, old_version, new_version FROM event_revisions "
                                        "WHERE changed_at = ?", [now]).fetchall()
            got_deletions = con.execute("SELECT event_id, event_date, old_version, new_version FROM event_deletions WHERE deleted_at = ?",
                                        [now]).fetchall()
            assert sorted(got_revisions, key=repr) == want_revisions
            assert sorted(got_deletions, key=repr) == want_deletions


def test_the_merge_of_a_day_reads_only_that_day_and_handles_an_empty_day(tmp_path):
    """A partition with no mentions left removes its events; other days' events stay as they were."""
    db = tmp_path / "w.duckdb"
    other = date(2025, 11, 9)
    with warehouse.connect(db) as con:
        a, m, q = frames([article("o1", day=other)], [mention("mo", "o1", day=other, event_date=other)])
        warehouse.write_partition(con, other, a, m, q, "v1")
        a, m, q = frames([article("a1"), article("a2")], [mention("m1", "a1"), mention("m2", "a2", event_date=None)])
        warehouse.write_partition(con, date(2025, 11, 12), a, m, q, "v1")
        ids = {"m1": event_id(), "mo": event_id(other), "m2": content_id(incident_key(None, "explosion_remote_violence", None,
                                                                                    "Deir ez-Zor", "a2"), 0)}
        assert sorted(r[0] for r in con.execute("SELECT event_id FROM events").fetchall()) == sorted(ids.values())
        a, m, q = frames([article("a1", status="no_events", n=0)], [])
        load = warehouse.write_partition(con, date(2025, 11, 12), a, m, q, "v2")
        assert load.deletions == 2 and load.warehouse_events == 0
        assert con.execute("SELECT event_id FROM events").fetchall() == [(ids["mo"],)]
        assert pl.DataFrame(con.execute("SELECT event_id, new_version FROM event_deletions ORDER BY event_id").fetchall(),
                            orient="row").rows() == sorted([(ids["m1"], "v2"), (ids["m2"], "v2")])
