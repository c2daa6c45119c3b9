"""The DuckDB warehouse: one writer at a time, one transaction per partition, nothing counted twice.

Plain functions over a DuckDB connection; the Dagster assets call them.
"""
from __future__ import annotations

import fcntl
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from etl_project.config import PROJECT_ROOT

SCHEMA_SQL = PROJECT_ROOT / "warehouse" / "schema.sql"
MERGE_KM = 5.0

EVENT_FIELDS = (
    "event_id", "article_id", "event_date", "time_precision", "date_text", "event_type", "sub_event_type",
    "actor1", "actor1_text", "actor2", "actor2_text", "inter1", "inter2",
    "location_name", "location_name_en", "admin1", "admin2", "admin1_pcode", "admin2_pcode",
    "latitude", "longitude", "geo_precision", "location_text", "gazetteer_id",
    "fatalities", "injuries", "is_background", "evidence", "evidence_start", "evidence_end",
    "confidence", "extractor_version",
)
MENTION_COLUMNS = ("mention_id", "article_id", "partition_date") + EVENT_FIELDS[2:]
ARTICLE_COLUMNS = (
    "article_id", "partition_date", "published", "published_assumed", "source", "title", "url", "text",
    "text_sha1", "origin", "status", "n_events", "duplicate_of", "reason", "extractor_version", "metadata",
)
QUARANTINE_COLUMNS = ("quarantine_id", "asset", "partition_date", "article_id", "check_name", "reason", "raw_payload")
# Fields whose change between two loads of the same event is a revision worth publishing.
REVISED_FIELDS = tuple(f for f in EVENT_FIELDS if f not in ("event_id", "extractor_version", "confidence"))


class WarehouseBusy(RuntimeError):
    pass


@contextmanager
def connect(path: Path | str, read_only: bool = False, timeout_s: float = 600.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse. Writers queue on an exclusive file lock (DuckDB allows one writer
    process); readers take a shared lock so they never meet a half-open writer."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `etl-project run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as lock:
        _acquire(lock, shared=read_only, timeout_s=timeout_s)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            try:
                if not read_only:
                    apply_schema(con)
                yield con
            finally:
                con.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _acquire(lock, shared: bool, timeout_s: float) -> None:
    import time

    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            fcntl.flock(lock, mode)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise WarehouseBusy(f"the warehouse is locked by another writer for more than {timeout_s:.0f} s") from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    if frame.height == 0:
        return
    arrow = frame.select(list(columns)).to_arrow()
    con.register("_incoming", arrow)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")


def write_places(con: duckdb.DuckDBPyConnection, places: pl.DataFrame) -> int:
    cols = tuple(c for c in places.columns)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM places")
        _insert(con, "places", places, cols)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return places.height


@dataclass(frozen=True)
class PartitionLoad:
    partition_date: date
    articles_in: int
    events: int
    no_events: int
    duplicates: int
    quarantined: int
    mentions: int
    warehouse_events: int
    revisions: int
    deletions: int


def write_partition(
    con: duckdb.DuckDBPyConnection,
    partition_date: date,
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    quarantine: pl.DataFrame,
    extractor_version: str,
    run_id: str | None = None,
    now: datetime | None = None,
) -> PartitionLoad:
    """Replace one partition (delete, then insert) and re-merge the incidents it touches, atomically.

    `articles` has ARTICLE_COLUMNS, `mentions` MENTION_COLUMNS, `quarantine` QUARANTINE_COLUMNS.
    A failure anywhere rolls the whole partition back: the warehouse is as it was before.
    """
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        articles, mentions = _resolve_cross_partition_duplicates(con, partition_date, articles, mentions)
        old_dates = _dates_of(con, "SELECT DISTINCT event_date FROM event_mentions WHERE partition_date = ?", [partition_date])
        for table in ("articles", "event_mentions", "quarantine"):
            con.execute(f"DELETE FROM {table} WHERE partition_date = ?", [partition_date])
        _insert(con, "articles", articles, ARTICLE_COLUMNS)
        _insert(con, "event_mentions", mentions, MENTION_COLUMNS)
        _insert(con, "quarantine", quarantine, QUARANTINE_COLUMNS)
        new_dates = set(mentions.get_column("event_date").to_list()) if mentions.height else set()
        revisions, deletions, merged = _remerge(con, old_dates | new_dates, extractor_version, now)
        counts = dict(articles.group_by("status").len().iter_rows()) if articles.height else {}
        load = PartitionLoad(
            partition_date=partition_date,
            articles_in=articles.height,
            events=counts.get("events", 0),
            no_events=counts.get("no_events", 0),
            duplicates=counts.get("duplicate", 0),
            quarantined=counts.get("quarantined", 0),
            mentions=mentions.height,
            warehouse_events=merged,
            revisions=revisions,
            deletions=deletions,
        )
        con.execute(
            "INSERT INTO partition_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [partition_date, run_id, now, load.articles_in, load.events, load.no_events, load.duplicates, load.quarantined, extractor_version],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return load


def record_checks(con: duckdb.DuckDBPyConnection, partition_date: date, results: list[tuple]) -> None:
    """Keep the latest outcome of each check of a partition, so SQL users and `status` can see them."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM check_results WHERE partition_date = ?", [partition_date])
        con.executemany("INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?)", [(partition_date, *r) for r in results])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _dates_of(con, sql: str, params: list) -> set:
    return {row[0] for row in con.execute(sql, params).fetchall()}


def _resolve_cross_partition_duplicates(con, partition_date: date, articles: pl.DataFrame, mentions: pl.DataFrame):
    """An article already in another partition (same id, URL or text) is a duplicate here."""
    if articles.height == 0:
        return articles, mentions
    rows = con.execute(
        """SELECT article_id, url, text_sha1 FROM articles
           WHERE partition_date <> ? AND status IN ('events', 'no_events')""",
        [partition_date],
    ).fetchall()
    if not rows:
        return articles, mentions
    by_id = {r[0]: r[0] for r in rows}
    by_url = {r[1]: r[0] for r in rows if r[1]}
    by_sha = {r[2]: r[0] for r in rows if r[2]}
    updated = []
    dropped: set[str] = set()
    for rec in articles.iter_rows(named=True):
        if rec["status"] in ("events", "no_events"):
            original = by_id.get(rec["article_id"]) or by_url.get(rec["url"] or "") or by_sha.get(rec["text_sha1"] or "")
            if original is not None:
                dropped.add(rec["article_id"])
                rec = dict(rec, status="duplicate", duplicate_of=original, n_events=0,
                           reason="same id, URL or text as an article of another day",
                           article_id=f"{rec['article_id']}@{partition_date}" if original == rec["article_id"] else rec["article_id"])
        updated.append(rec)
    articles = pl.DataFrame(updated, schema=articles.schema)
    if dropped and mentions.height:
        mentions = mentions.filter(~pl.col("article_id").is_in(sorted(dropped)))
    return articles, mentions


def _km(a_lat, a_lon, b_lat, b_lon) -> float:
    p = math.pi / 180
    h = math.sin((b_lat - a_lat) * p / 2) ** 2 + math.cos(a_lat * p) * math.cos(b_lat * p) * math.sin((b_lon - a_lon) * p / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def cluster_mentions(mentions: list[dict]) -> list[list[dict]]:
    """Group mentions of one incident: same date, same event type, places within MERGE_KM.

    Undated mentions are never merged across articles: without a day there is no evidence that
    two reports describe one incident. Deterministic for a given set of mentions.
    """
    ordered = sorted(mentions, key=_primary_order)
    clusters: list[list[dict]] = []
    # A mention joins the first cluster (in creation order) that it may join. Only clusters of the same
    # day and type (undated: same article and type) can qualify, and of those only the ones with a
    # member at the same gazetteer place or in a neighbouring grid cell: the index finds them without
    # comparing every mention with every cluster of the partition (that was quadratic).
    buckets: dict[tuple, _Bucket] = {}
    for m in ordered:
        dated = m["event_date"] is not None
        key = (m["event_date"], m["event_type"]) if dated else (None, m["article_id"], m["event_type"])
        bucket = buckets.setdefault(key, _Bucket())
        home = None
        for ci in bucket.candidates(m):
            c = clusters[ci]
            if any(_near(x, m) for x in c) if dated else _near(c[0], m):
                home = ci
                break
        if home is None:
            home = len(clusters)
            clusters.append([m])
        else:
            clusters[home].append(m)
        if dated or len(clusters[home]) == 1:  # an undated cluster is matched by its head only
            bucket.add(m, home)
    return clusters


_CELL_DEG = 0.1  # ≥ 8.9 km in both directions inside Syria, so a place within MERGE_KM is in a neighbouring cell


class _Bucket:
    """The clusters of one (day, type), indexed by the gazetteer places and grid cells of their members."""

    def __init__(self) -> None:
        self.by_place: dict[str, set[int]] = {}
        self.by_cell: dict[tuple[int, int], set[int]] = {}

    @staticmethod
    def _cell(m: dict) -> tuple[int, int] | None:
        if m["latitude"] is None or m["longitude"] is None:
            return None
        return math.floor(m["latitude"] / _CELL_DEG), math.floor(m["longitude"] / _CELL_DEG)

    def add(self, m: dict, cluster: int) -> None:
        if m["gazetteer_id"]:
            self.by_place.setdefault(m["gazetteer_id"], set()).add(cluster)
        cell = self._cell(m)
        if cell is not None:
            self.by_cell.setdefault(cell, set()).add(cluster)

    def candidates(self, m: dict) -> list[int]:
        found: set[int] = set(self.by_place.get(m["gazetteer_id"], ())) if m["gazetteer_id"] else set()
        cell = self._cell(m)
        if cell is not None:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    found.update(self.by_cell.get((cell[0] + dy, cell[1] + dx), ()))
        return sorted(found)


def _near(a: dict, b: dict) -> bool:
    if a["gazetteer_id"] and a["gazetteer_id"] == b["gazetteer_id"]:
        return True
    if None in (a["latitude"], a["longitude"], b["latitude"], b["longitude"]):
        return False
    return _km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) <= MERGE_KM


def _primary_order(m: dict):
    # the primary source reports the incident as news, first, most precisely
    return (bool(m["is_background"]), m["partition_date"], m.get("geo_precision") or 9, m["article_id"], m["mention_id"])


def _remerge(con, dates: set, extractor_version: str, now: datetime) -> tuple[int, int, int]:
    """Rebuild `events` and `event_sources` for the dates this partition touches; record revisions."""
    dated = sorted(d for d in dates if d is not None)
    has_undated = None in dates
    where = []
    params: list = []
    if dated:
        where.append(f"event_date IN ({', '.join('?' for _ in dated)})")
        params.extend(dated)
    if has_undated:
        where.append("event_date IS NULL")
    if not where:
        return 0, 0, 0
    cond = " OR ".join(where)
    old = {r["event_id"]: r for r in con.sql(f"SELECT * FROM events WHERE {cond}", params=params).pl().iter_rows(named=True)}
    mention_rows = con.sql(
        f"""SELECT m.*, a.source, a.url, a.published FROM event_mentions m
            JOIN articles a USING (article_id) WHERE {cond.replace('event_date', 'm.event_date')}""",
        params=params,
    ).pl().iter_rows(named=True)
    con.execute(f"DELETE FROM event_sources WHERE event_id IN (SELECT event_id FROM events WHERE {cond})", params)
    con.execute(f"DELETE FROM events WHERE {cond}", params)

    events, sources = [], []
    for cluster in cluster_mentions(list(mention_rows)):
        primary = cluster[0]
        event = {f: primary[f] for f in EVENT_FIELDS if f not in ("event_id",)}
        event["event_id"] = primary["mention_id"]
        event["fatalities"] = max(m["fatalities"] for m in cluster)
        event["injuries"] = max(m["injuries"] for m in cluster)
        event["is_background"] = all(m["is_background"] for m in cluster)
        event["n_sources"] = len({m["article_id"] for m in cluster})
        events.append(event)
        for m in cluster:
            sources.append(dict(
                event_id=event["event_id"], mention_id=m["mention_id"], article_id=m["article_id"], source=m["source"],
                url=m["url"], published=m["published"], fatalities=m["fatalities"], is_background=m["is_background"],
                is_primary=m is primary,
            ))
    if events:
        cols = EVENT_FIELDS + ("n_sources",)
        _insert(con, "events", pl.DataFrame(events, schema_overrides={"event_date": pl.Date}, infer_schema_length=None), cols)
        _insert(con, "event_sources", pl.DataFrame(sources, infer_schema_length=None),
                ("event_id", "mention_id", "article_id", "source", "url", "published", "fatalities", "is_background", "is_primary"))

    new = {e["event_id"]: e for e in events}
    revisions = []
    for event_id, before in old.items():
        after = new.get(event_id)
        if after is None:
            continue
        for f in REVISED_FIELDS:
            if _differs(before[f], after[f]):
                revisions.append((event_id, f, _text(before[f]), _text(after[f]), before["extractor_version"], after["extractor_version"], now))
    deletions = [(eid, e["event_date"], e["extractor_version"], extractor_version, now) for eid, e in old.items() if eid not in new]
    if revisions:
        con.executemany("INSERT INTO event_revisions VALUES (?, ?, ?, ?, ?, ?, ?)", revisions)
    if deletions:
        con.executemany("INSERT INTO event_deletions VALUES (?, ?, ?, ?, ?)", deletions)
    return len(revisions), len(deletions), len(events)


def _differs(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) > 1e-9
    return a != b


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
