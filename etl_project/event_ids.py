"""The ids of the warehouse's events: an incident keeps its id when the gazetteer, the extractor version or the
order in which days are loaded changes; what changed in it is recorded in `event_revisions`.

Two rules, applied each time the events of some days are rebuilt from their mentions (warehouse._remerge):

1. **An event that was there keeps its id.** Each new cluster of mentions inherits the id of the old event that
   most of its mentions belonged to (mentions are keyed by article and sentence, see extraction.record.mention_id,
   so a re-extraction with another gazetteer or rule set gives the same mention ids). Pairs are taken greedily,
   most shared mentions first, then by old id; an old id goes to one cluster only (an event split in two keeps its
   id in the larger part; two events merged keep the id with more mentions, the other is a deletion).
2. **A new event's id is made from what the incident is, not from which report came first:** its day (undated:
   its article), its event type and its governorate (P-code, else name), and an ordinal among the new events of
   that key. So a report of the same incident loaded earlier or later, or a day loaded before or after another,
   gives the same id; the reporting article, the place's gazetteer id, the sub-type and the coordinates are not in
   it, so another gazetteer does not change it either.

The rule is plain Python over small tuples (`choose_ids`); the warehouse hands it the clusters and the old
membership from SQL and writes the answer back (`name_clusters`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Cluster:
    head: str                 # the primary mention's id (the event's figures are read from it)
    key: str                  # what the incident is: day (or undated article), type, governorate
    members: tuple[str, ...]  # its mention ids


def incident_key(event_date, event_type: str, admin1_pcode: str | None, admin1: str | None, article_id: str) -> str:
    day = str(event_date) if event_date is not None else f"undated:{article_id}"
    return f"{day}|{event_type}|{admin1_pcode or admin1 or ''}"


def content_id(key: str, ordinal: int) -> str:
    return hashlib.sha1(f"{key}|{ordinal}".encode("utf-8")).hexdigest()[:16]


def choose_ids(clusters: Iterable[Cluster], old_event_of: dict[str, str], taken: set[str]) -> dict[str, str]:
    """head → event id for each cluster. `old_event_of` maps a mention to the event it belonged to before this
    rebuild; `taken` holds the ids of events that stay as they are (other days), which no cluster may take."""
    clusters = sorted(clusters, key=lambda c: (c.key, c.head))
    pairs = []
    for c in clusters:
        counts: dict[str, int] = {}
        for m in c.members:
            old = old_event_of.get(m)
            if old is not None:
                counts[old] = counts.get(old, 0) + 1
        pairs += [(-n, old, c.head) for old, n in counts.items()]
    named: dict[str, str] = {}
    used = set(taken)
    for _, old, head in sorted(pairs):
        if head not in named and old not in used:
            named[head] = old
            used.add(old)
    for c in clusters:
        if c.head in named:
            continue
        ordinal = 0
        while content_id(c.key, ordinal) in used:
            ordinal += 1
        named[c.head] = content_id(c.key, ordinal)
        used.add(named[c.head])
    return named


def keep_old_members(con) -> None:
    """Before the events of the touched days are deleted: which event each of their mentions belonged to."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _old_members AS
                   SELECT mention_id, event_id FROM event_sources WHERE event_id IN (SELECT event_id FROM _old_events)""")


def name_clusters(con) -> None:
    """Rewrite _cluster_of (mention_id, event_id = the head mention) as (mention_id, event_id, head): each cluster
    named by `choose_ids`."""
    heads = con.execute(
        """SELECT c.event_id, m.event_date, m.event_type, m.admin1_pcode, m.admin1, m.article_id, list(c2.mention_id)
           FROM (SELECT DISTINCT event_id FROM _cluster_of) c
           JOIN event_mentions m ON m.mention_id = c.event_id
           JOIN _cluster_of c2 ON c2.event_id = c.event_id
           GROUP BY ALL""").fetchall()
    clusters = [Cluster(head, incident_key(d, t, p, a, art), tuple(members)) for head, d, t, p, a, art, members in heads]
    old_event_of = dict(con.execute("SELECT mention_id, event_id FROM _old_members").fetchall())
    taken = {r[0] for r in con.execute("SELECT event_id FROM events").fetchall()}
    named = choose_ids(clusters, old_event_of, taken)
    con.register("_names", pa.table({"head": pa.array(list(named), pa.string()),
                                     "event_id": pa.array(list(named.values()), pa.string())}))
    try:
        con.execute("""CREATE OR REPLACE TEMP TABLE _cluster_of AS
                       SELECT c.mention_id, n.event_id, c.event_id AS head FROM _cluster_of c JOIN _names n ON n.head = c.event_id""")
    finally:
        con.unregister("_names")
    con.execute("DROP TABLE _old_members")
