"""The warehouse: one transaction per partition, the transactions in series, nothing counted twice.

Plain functions over a DuckDB connection (a DuckDB file or a DuckLake: see store.py); the Dagster assets call them.
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import date, datetime

import duckdb
import polars as pl
import pyarrow as pa

from etl_project import event_ids
from etl_project.acled import ACLED_COUNTRY, assign_acled_ids, missing_acled_ids  # noqa: F401  (re-exported)
from etl_project.geo.gazetteer import haversine_km
from etl_project.schema import BY_NAME, table_fields
from etl_project.store import SANDBOX_CONFIG, SCHEMA_SQL, WarehouseBusy, apply_schema, connect  # noqa: F401  (re-exported)

MERGE_KM = 5.0

# The event columns are declared once, in etl_project/schema.py (EVENT_RECORD), in record order.
EVENT_FIELDS = tuple(f.name for f in table_fields("events"))
# `event_mentions`: the extractor's event_id is the mention_id; the partition is the article's.
MENTION_COLUMNS = ("mention_id", "article_id", "partition_date") + tuple(
    f.name for f in table_fields("event_mentions") if f.name not in ("event_id", "article_id"))
ARTICLE_COLUMNS = (
    "article_id", "partition_date", "published", "published_assumed", "source", "title", "url", "text",
    "text_sha1", "origin", "status", "n_events", "duplicate_of", "reason", "extractor_version", "metadata",
)
QUARANTINE_COLUMNS = ("quarantine_id", "asset", "partition_date", "article_id", "check_name", "reason", "raw_payload")
# Fields whose change between two loads of the same event is a revision worth publishing.
REVISED_FIELDS = tuple(f for f in EVENT_FIELDS if f not in ("event_id", "extractor_version", "confidence"))


# `etl-project query` runs one statement of these kinds: SELECT (WITH … SELECT, DESCRIBE, SHOW, SUMMARIZE, FROM …
# and VALUES are SELECTs to DuckDB's parser) and PRAGMA (a PRAGMA that sets something is a SET to the parser).
QUERY_STATEMENT_TYPES = ("SELECT", "PRAGMA")


class QueryRefused(ValueError):
    """SQL that `etl-project query` does not run: not one statement, or not a read-only one."""


def query_statement(sql: str) -> str:
    """The one read-only statement in `sql`, as DuckDB's own parser splits and classifies it."""
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"{len(statements)} statements given; query runs exactly one")
    kind = statements[0].type.name
    if kind not in QUERY_STATEMENT_TYPES:
        word = sql.split()[0].upper() if sql.split() else kind
        raise QueryRefused(f"{word} is not allowed; query runs one read-only statement "
                           "(SELECT, WITH … SELECT, PRAGMA, DESCRIBE, SHOW)")
    return statements[0].query


INSERT_BATCH_ROWS = 20_000


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    """Insert the frame's columns, a slice at a time. Arrow string views are handed over as they are (polars'
    default export copies every string into a new buffer: for a day's texts that is the size of the texts)."""
    if frame.height == 0:
        return
    cols = ", ".join(columns)
    frame = frame.select(list(columns))
    for start in range(0, frame.height, INSERT_BATCH_ROWS):
        con.register("_incoming", frame.slice(start, INSERT_BATCH_ROWS).to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            con.unregister("_incoming")


def with_absent_as_null(mentions: pl.DataFrame) -> pl.DataFrame:
    """Mentions from an extractor that did not record a nullable field (`rules`), or read back from a step
    output stored before the field existed, get a null there."""
    absent = [c for c in MENTION_COLUMNS if c not in mentions.columns and c in BY_NAME and BY_NAME[c].nullable]
    return mentions.with_columns(pl.lit(None, BY_NAME[c].dtype).alias(c) for c in absent) if absent else mentions


def write_places(con: duckdb.DuckDBPyConnection, places: pl.DataFrame) -> int:
    cols = tuple(c for c in places.columns)

    def replace_places() -> None:
        con.execute("DELETE FROM places")
        _insert(con, "places", places, cols)

    in_transaction(con, replace_places)
    return places.height


LAKE_RETRIES = 50


def in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], object]):
    """Run `work` in one transaction; a failure anywhere rolls all of it back.

    On a DuckLake every write transaction first bumps the one row of `writer_turn`, so two writers' transactions
    always conflict and the second to commit is rolled back and run again on the first one's result: loads
    happen at once, but their effects are those of one after the other (a file has its lock for that)."""
    lake = _is_lake(con)
    for attempt in range(LAKE_RETRIES if lake else 1):
        con.execute("BEGIN TRANSACTION")
        try:
            if lake:
                con.execute("UPDATE writer_turn SET n = n + 1")
            result = work()
            con.execute("COMMIT")
            return result
        except duckdb.TransactionException as exc:
            _rollback(con)
            if not lake or "conflict" not in str(exc).lower() or attempt == LAKE_RETRIES - 1:
                raise
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        except BaseException:
            _rollback(con)
            raise
    raise AssertionError("unreachable")


def _is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND table_name = 'writer_turn'").fetchone()[0])


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass  # a COMMIT that failed has rolled back already


def record_empty_partitions(con: duckdb.DuckDBPyConnection, days: list[date], extractor_version: str, now: datetime) -> None:
    """A `partition_loads` row for each of `days`, read and found without any record (etl_project.empty_days), in
    one transaction: the days hold no row of any other table, so there is nothing to delete or merge."""
    rows = [(day, None, now, 0, 0, 0, 0, 0, extractor_version) for day in days]
    in_transaction(con, lambda: con.executemany("INSERT INTO partition_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows))


def record_checks(con: duckdb.DuckDBPyConnection, partition_date: date, results: list[tuple]) -> None:
    """Keep the latest outcome of each check of a partition, so SQL users and `status` can see them."""
    def replace_checks() -> None:
        con.execute("DELETE FROM check_results WHERE partition_date = ?", [partition_date])
        con.executemany("INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?)", [(partition_date, *r) for r in results])

    in_transaction(con, replace_checks)


def _dates_of(con, sql: str, params: list) -> set:
    return {row[0] for row in con.execute(sql, params).fetchall()}


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
    # one pair at a time inside the merge's loop: Python's haversine, not DuckDB spatial (a query a pair costs
    # ~180 µs against ~0.4 µs; bench/bench_distance.py)
    return haversine_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) <= MERGE_KM


def _primary_order(m: dict):
    # the primary source reports the incident as news, first, most precisely
    return (bool(m["is_background"]), m["partition_date"], m.get("geo_precision") or 9, m["article_id"], m["mention_id"])


# What clustering reads of each mention (the rest stays in DuckDB); see cluster_mentions and _primary_order.
_CLUSTER_FIELDS = ("mention_id", "article_id", "partition_date", "event_date", "event_type", "gazetteer_id",
                   "latitude", "longitude", "geo_precision", "is_background")
_SOURCE_COLUMNS = ("event_id", "mention_id", "article_id", "source", "url", "published", "fatalities", "is_background", "is_primary")
CLUSTER_BATCH_ROWS = 20_000  # mentions per Arrow batch read from DuckDB, and cluster assignments per Arrow batch


def _remerge(con, dates: set, extractor_version: str, now: datetime) -> tuple[int, int, int]:
    """Rebuild `events` and `event_sources` for the dates this partition touches; record revisions.

    Only the clustering runs in Python, one (day, type) at a time (undated: one (article, type)), over the few
    fields it reads, streamed from DuckDB in Arrow batches; it yields which event each mention belongs to. The
    events and their sources are then built from that assignment in SQL, so no mention's full row and no
    event's dict is held in Python."""
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
    m_cond = cond.replace("event_date", "m.event_date")
    # temporary tables of this transaction: a failure rolls them back with everything else
    con.execute("CREATE OR REPLACE TEMP TABLE _old_events AS SELECT * FROM events WHERE " + cond, params)
    event_ids.keep_old_members(con)
    con.execute(f"DELETE FROM event_sources WHERE event_id IN (SELECT event_id FROM events WHERE {cond})", params)
    con.execute(f"DELETE FROM events WHERE {cond}", params)
    _assign_clusters(con, m_cond, params)
    event_ids.name_clusters(con)  # an event keeps its id; a new one is named by what it is (etl_project.event_ids)
    merged = _insert_merged_events(con)
    revisions, deletions = _record_changes(con, extractor_version, now)
    con.execute("DROP TABLE _cluster_of")
    con.execute("DROP TABLE _old_events")
    return revisions, deletions, merged


def _assign_clusters(con, m_cond: str, params: list) -> None:
    """Create _cluster_of (mention_id → event_id: the id of its cluster's primary mention), one bucket at a time.

    The mentions come ordered by bucket, in Arrow batches; the assignment is kept as Arrow arrays, not Python
    strings, and inserted once the reader is done (a statement on the connection would close the reader, and a
    second connection would not see this transaction's rows)."""
    fields = ", ".join(f"m.{f}" for f in _CLUSTER_FIELDS)
    reader = con.sql(
        f"""SELECT {fields} FROM event_mentions m JOIN articles a USING (article_id) WHERE {m_cond}
            ORDER BY m.event_date NULLS LAST, m.event_type, CASE WHEN m.event_date IS NULL THEN m.article_id END""",
        params=params,
    ).to_arrow_reader(CLUSTER_BATCH_ROWS)
    bucket: list[dict] = []
    bucket_key = None
    pending_mentions: list[str] = []
    pending_events: list[str] = []
    assigned: list[pa.RecordBatch] = []

    def close_bucket() -> None:
        for cluster in cluster_mentions(bucket):
            head = cluster[0]["mention_id"]
            for m in cluster:
                pending_mentions.append(m["mention_id"])
                pending_events.append(head)
        bucket.clear()
        if len(pending_mentions) >= CLUSTER_BATCH_ROWS:
            to_arrow()

    def to_arrow() -> None:
        assigned.append(pa.record_batch({"mention_id": pa.array(pending_mentions, pa.string()),
                                         "event_id": pa.array(pending_events, pa.string())}))
        pending_mentions.clear()
        pending_events.clear()

    for batch in reader:
        for m in batch.to_pylist():
            key = _bucket_key(m)
            if key != bucket_key and bucket:
                close_bucket()
            bucket_key = key
            bucket.append(m)
    if bucket:
        close_bucket()
    to_arrow()
    con.register("_assigned", pa.Table.from_batches(assigned))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _cluster_of AS SELECT mention_id, event_id FROM _assigned")
    finally:
        con.unregister("_assigned")


def _bucket_key(m: dict) -> tuple:
    # the clusters a mention may join are all of this key (cluster_mentions' buckets)
    return (m["event_date"], m["event_type"]) if m["event_date"] is not None else (None, m["article_id"], m["event_type"])


def _insert_merged_events(con) -> int:
    """Events from the primary mention of each cluster, with the cluster's figures; a source row per mention."""
    fields = ", ".join(
        "agg.event_id" if f == "event_id" else
        "agg.fatalities" if f == "fatalities" else
        "agg.injuries" if f == "injuries" else
        "agg.is_background" if f == "is_background" else f"p.{f}"
        for f in EVENT_FIELDS
    )
    cols = ", ".join(EVENT_FIELDS + ("n_sources",))
    con.execute(
        f"""INSERT INTO events ({cols})
            WITH agg AS (
                SELECT c.event_id, any_value(c.head) AS head, max(m.fatalities) AS fatalities, max(m.injuries) AS injuries,
                       bool_and(m.is_background) AS is_background, count(DISTINCT m.article_id) AS n_sources
                FROM _cluster_of c JOIN event_mentions m USING (mention_id) GROUP BY c.event_id)
            SELECT {fields}, agg.n_sources
            FROM agg JOIN event_mentions p ON p.mention_id = agg.head"""
    )
    con.execute(
        f"""INSERT INTO event_sources ({', '.join(_SOURCE_COLUMNS)})
            SELECT c.event_id, m.mention_id, m.article_id, a.source, a.url, a.published, m.fatalities, m.is_background,
                   m.mention_id = c.head
            FROM _cluster_of c JOIN event_mentions m USING (mention_id) JOIN articles a USING (article_id)"""
    )
    return con.execute("SELECT count(DISTINCT event_id) FROM _cluster_of").fetchone()[0]


def _record_changes(con, extractor_version: str, now: datetime) -> tuple[int, int]:
    """Revisions (a field of an event that is there before and after changed) and deletions (an event gone).

    SQL finds the events that changed at all; only those come back to Python, where each field is compared
    (floats within 1e-9) and formatted as before."""
    changed_any = " OR ".join(f"o.{f} IS DISTINCT FROM n.{f}" for f in REVISED_FIELDS)
    pairs = ", ".join(f"o.{f}, n.{f}" for f in REVISED_FIELDS)
    rows = con.execute(
        f"""SELECT o.event_id, o.extractor_version, n.extractor_version, {pairs}
            FROM _old_events o JOIN events n USING (event_id) WHERE {changed_any}"""
    ).fetchall()
    revisions = []
    for event_id, old_version, new_version, *values in rows:
        for i, f in enumerate(REVISED_FIELDS):
            before, after = values[2 * i], values[2 * i + 1]
            if _differs(before, after):
                revisions.append((event_id, f, _text(before), _text(after), old_version, new_version, now))
    if revisions:
        con.executemany("INSERT INTO event_revisions VALUES (?, ?, ?, ?, ?, ?, ?)", revisions)
    deletions = con.execute(
        """INSERT INTO event_deletions
           SELECT o.event_id, o.event_date, o.extractor_version, ?, ? FROM _old_events o
           WHERE NOT EXISTS (SELECT 1 FROM events n WHERE n.event_id = o.event_id)""",
        [extractor_version, now],
    ).fetchone()[0]
    return len(revisions), deletions


def _differs(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) > 1e-9
    return a != b


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


# The load of a partition, in slices, lives in etl_project/partition_write.py, which builds on this module; its names
# are served from here too (PEP 562), so that either module can be imported first.
_PARTITION_WRITE = ("FramesInput", "PartitionInput", "PartitionLoad", "load_partition", "write_partition")


def __getattr__(name: str):
    if name in _PARTITION_WRITE:
        from etl_project import partition_write

        return getattr(partition_write, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
