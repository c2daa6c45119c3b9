"""Checks of one partition of the warehouse, run right after it is written.

ERROR where the data is wrong (it would mislead an analyst), WARN where it is suspicious.
"""
from __future__ import annotations

from datetime import date, timedelta

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey

from etl_project.checks.contracts import MAX_PLAUSIBLE_FATALITIES
from etl_project.geo.outline import DESCRIPTION as OUTLINE, outline_wkt
from etl_project.store import load_extension

EVENTS = AssetKey(["warehouse", "events"])
ARTICLES = AssetKey(["warehouse", "articles"])
MIN_SHARE_DATED = 0.6
MIN_SHARE_PRECISE = 0.5
SUSPICIOUS_FATALITIES = 200
SPIKE_FACTOR = 5.0

EVENT_CHECKS = {
    "unique_event_id": "No event id appears twice in the warehouse.",
    "coordinates_in_syria": f"Every event of the partition lies inside {OUTLINE} (DuckDB spatial's ST_Contains).",
    "date_not_after_published": "No event is dated after the article that reported it.",
    "share_dated": f"At least {MIN_SHARE_DATED:.0%} of the partition's events have a resolved date.",
    "share_precise_place": f"At least {MIN_SHARE_PRECISE:.0%} of the partition's events are placed at precision 1 or 2.",
    "fatalities_plausible": f"Fatalities are non-negative; more than {SUSPICIOUS_FATALITIES} in one event is flagged.",
    "row_count_vs_trailing_week": f"The partition's event count is within {SPIKE_FACTOR:g}x of the trailing seven partitions' mean.",
}
ARTICLE_CHECKS = {
    "ledger_balances": "Every record read for the partition is in `articles` with a status; every quarantined one has a reason.",
}

# Events that came from this partition's articles.
_PARTITION_EVENTS = """
    SELECT e.* FROM events e
    WHERE e.event_id IN (SELECT es.event_id FROM event_sources es JOIN articles a USING (article_id) WHERE a.partition_date = ?)
"""


def _result(key, name, passed, severity, **metadata) -> AssetCheckResult:
    return AssetCheckResult(asset_key=key, check_name=name, passed=bool(passed), severity=severity,
                            metadata={k: v for k, v in metadata.items()})


def events_outside_syria(con: duckdb.DuckDBPyConnection, partition_date: date) -> int:
    """The partition's events outside Syria's outline (or without coordinates), by DuckDB spatial. The outline's
    WKT is x = longitude, y = latitude, so the points are ST_Point(longitude, latitude) here (ST_Distance_Sphere
    is the one that wants ST_Point(latitude, longitude))."""
    load_extension(con, "spatial")
    return con.execute(
        f"""SELECT count(*) FILTER (e.latitude IS NULL OR e.longitude IS NULL
                                    OR NOT ST_Contains(o.outline, ST_Point(e.longitude, e.latitude)))
            FROM ({_PARTITION_EVENTS}) e, (SELECT ST_GeomFromText(?) AS outline) o""",
        [partition_date, outline_wkt()],
    ).fetchone()[0]


def event_check_results(con: duckdb.DuckDBPyConnection, partition_date: date) -> list[AssetCheckResult]:
    p = [partition_date]
    dup = con.execute("SELECT count(*) FROM (SELECT event_id FROM events GROUP BY 1 HAVING count(*) > 1)").fetchone()[0]
    n, dated, precise, max_fat, negative = con.execute(
        f"""SELECT count(*), count(event_date), count(*) FILTER (geo_precision <= 2),
                   coalesce(max(fatalities), 0), count(*) FILTER (fatalities < 0)
            FROM ({_PARTITION_EVENTS})""",
        p,
    ).fetchone()
    outside = events_outside_syria(con, partition_date)
    late = con.execute(
        """SELECT count(*) FROM event_mentions m JOIN articles a USING (article_id)
           WHERE m.partition_date = ? AND NOT a.published_assumed AND m.event_date > a.partition_date""", p
    ).fetchone()[0]
    trailing = [r[0] for r in con.execute(
        """SELECT count(DISTINCT es.event_id) FROM articles a LEFT JOIN event_sources es USING (article_id)
           WHERE a.partition_date BETWEEN ? AND ? GROUP BY a.partition_date""",
        [partition_date - timedelta(days=7), partition_date - timedelta(days=1)],
    ).fetchall()]
    mean = sum(trailing) / len(trailing) if trailing else None
    spike = mean is not None and mean > 0 and (n > SPIKE_FACTOR * mean or n * SPIKE_FACTOR < mean)
    share_dated = dated / n if n else 1.0
    share_precise = precise / n if n else 1.0
    return [
        _result(EVENTS, "unique_event_id", dup == 0, AssetCheckSeverity.ERROR, duplicated_ids=dup),
        _result(EVENTS, "coordinates_in_syria", outside == 0, AssetCheckSeverity.ERROR, outside=outside, events=n,
                outline=OUTLINE),
        _result(EVENTS, "date_not_after_published", late == 0, AssetCheckSeverity.ERROR, events_after_published=late),
        _result(EVENTS, "share_dated", share_dated >= MIN_SHARE_DATED, AssetCheckSeverity.WARN,
                share=round(share_dated, 3), threshold=MIN_SHARE_DATED, events=n),
        _result(EVENTS, "share_precise_place", share_precise >= MIN_SHARE_PRECISE, AssetCheckSeverity.WARN,
                share=round(share_precise, 3), threshold=MIN_SHARE_PRECISE, events=n),
        _result(EVENTS, "fatalities_plausible", negative == 0 and max_fat <= SUSPICIOUS_FATALITIES,
                AssetCheckSeverity.ERROR if negative else AssetCheckSeverity.WARN,
                max_fatalities=int(max_fat), negative=negative, contract_ceiling=MAX_PLAUSIBLE_FATALITIES),
        _result(EVENTS, "row_count_vs_trailing_week", not spike, AssetCheckSeverity.WARN,
                events=n, trailing_mean=round(mean, 2) if mean is not None else "no history", trailing_partitions=len(trailing)),
    ]


def ledger_check_result(con: duckdb.DuckDBPyConnection, partition_date: date, records_in: int) -> AssetCheckResult:
    in_ledger, no_reason, unknown = con.execute(
        """SELECT count(*), count(*) FILTER (status = 'quarantined' AND (reason IS NULL OR reason = '')),
                  count(*) FILTER (status NOT IN ('events', 'no_events', 'duplicate', 'quarantined'))
           FROM articles WHERE partition_date = ?""",
        [partition_date],
    ).fetchone()
    by_status = dict(con.execute("SELECT status, count(*) FROM articles WHERE partition_date = ? GROUP BY 1 ORDER BY 1", [partition_date]).fetchall())
    return _result(ARTICLES, "ledger_balances", in_ledger == records_in and no_reason == 0 and unknown == 0,
                   AssetCheckSeverity.ERROR, records_in=records_in, accounted_for=in_ledger,
                   quarantined_without_reason=no_reason, by_status=str(by_status))
