"""The steps of a partition, as plain functions over Polars frames; the assets are thin wrappers.

raw records → contract on articles → extraction → contract on events → ledger + quarantine.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

import polars as pl

from etl_project.checks.contracts import Event, ExtractedIncident, RawArticle, validate
from etl_project.warehouse import ARTICLE_COLUMNS, EVENT_FIELDS, MENTION_COLUMNS, QUARANTINE_COLUMNS

MENTION_SCHEMA: dict[str, pl.DataType] = {
    "event_id": pl.String, "article_id": pl.String, "event_date": pl.Date, "time_precision": pl.Int8,
    "date_text": pl.String, "event_type": pl.String, "sub_event_type": pl.String,
    "actor1": pl.String, "actor1_text": pl.String, "actor2": pl.String, "actor2_text": pl.String,
    "inter1": pl.Int8, "inter2": pl.Int8, "location_name": pl.String, "location_name_en": pl.String,
    "admin1": pl.String, "admin2": pl.String, "admin1_pcode": pl.String, "admin2_pcode": pl.String,
    "latitude": pl.Float64, "longitude": pl.Float64, "geo_precision": pl.Int8, "location_text": pl.String,
    "gazetteer_id": pl.String, "fatalities": pl.Int64, "injuries": pl.Int64, "is_background": pl.Boolean,
    "evidence": pl.String, "evidence_start": pl.Int64, "evidence_end": pl.Int64, "confidence": pl.Float64,
    "extractor_version": pl.String,
}
EXTRACTED_SCHEMA = {**MENTION_SCHEMA, "partition_date": pl.Date, "published_day": pl.Date, "extraction_error": pl.String}
# A figure beyond 64 bits ("قتل 99999999999999999999999 شخص") cannot enter an Int64 column: it is clipped to
# the column's bound, and the Event contract then rejects the row (fatalities in range) with that reason.
_INT64_FIELDS = tuple(k for k, t in MENTION_SCHEMA.items() if t == pl.Int64)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def extractor_version(extractor) -> str:
    """The version stamped on every event: the extractor's rules and lexicons plus its gazetteer."""
    from etl_project.extractor import EXTRACTOR_VERSION

    return getattr(extractor, "version", None) or EXTRACTOR_VERSION


def check_articles(raw: pl.DataFrame) -> pl.DataFrame:
    """Apply the RawArticle contract to the readable records; failures become quarantined rows."""
    readable = raw.filter(pl.col("status") == "ok")
    result = validate(readable, RawArticle)
    rejected = result.rejected.with_columns(pl.lit("quarantined").alias("status"), pl.col("text").alias("raw_payload"))
    others = raw.filter(pl.col("status") != "ok")
    return pl.concat([result.valid, rejected.select(raw.columns), others], how="vertical").sort("origin", "record_key")


def extract_articles(articles: pl.DataFrame, extractor, partition_date: date) -> pl.DataFrame:
    """Run the extractor over every readable article; an article that crashes it is recorded, not lost."""
    rows: list[dict] = []
    version = extractor_version(extractor)
    for art in articles.filter(pl.col("status") == "ok").iter_rows(named=True):
        payload = {"id": art["article_id"], "text": art["text"], "published": art["published"],
                   "source": art["source"], "title": art["title"], "url": art["url"]}
        reference = partition_date if art["published_assumed"] else None
        published_day = None if art["published_assumed"] else art["partition_date"]
        try:
            events = extractor.extract(payload, reference_date=reference)
        except Exception as exc:  # one unreadable article must not stop the night's run
            rows.append({"article_id": art["article_id"], "partition_date": partition_date,
                         "extraction_error": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        for ev in events:
            row = {k: ev.get(k) for k in MENTION_SCHEMA}
            if isinstance(row["event_date"], str):
                row["event_date"] = date.fromisoformat(row["event_date"])
            row["extractor_version"] = row["extractor_version"] or version
            for k in _INT64_FIELDS:
                if isinstance(row[k], int) and not _INT64_MIN <= row[k] <= _INT64_MAX:
                    row[k] = max(_INT64_MIN, min(_INT64_MAX, row[k]))
            row.update(partition_date=partition_date, published_day=published_day, extraction_error=None)
            rows.append(row)
    if not rows:
        return pl.DataFrame(schema=EXTRACTED_SCHEMA)
    return pl.DataFrame(rows, schema=EXTRACTED_SCHEMA, strict=False)


def check_events(extracted: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contract the extracted rows; returns (valid events, rejected rows with check_name/reason)."""
    crashed = extracted.filter(pl.col("extraction_error").is_not_null()).with_columns(
        pl.lit("extractor").alias("check_name"), pl.col("extraction_error").alias("reason"))
    rows = extracted.filter(pl.col("extraction_error").is_null()).with_row_index("_order")
    first = rows.unique("event_id", keep="first", maintain_order=True)
    repeated = rows.join(first.select("_order"), on="_order", how="anti").with_columns(
        pl.lit("duplicate_event_id").alias("check_name"), pl.lit("the extractor emitted this event_id twice").alias("reason"))
    typed = validate(first.drop("_order"), ExtractedIncident)
    final = validate(typed.valid, Event)
    rejected = pl.concat([crashed, repeated.drop("_order"), typed.rejected, final.rejected], how="diagonal_relaxed")
    return final.valid, rejected


def ledger(articles: pl.DataFrame, events: pl.DataFrame, rejected: pl.DataFrame, extractor_version: str) -> pl.DataFrame:
    """One row per raw record with what became of it: events (n), no_events, duplicate, quarantined."""
    n_events = dict(events.group_by("article_id").len().iter_rows()) if events.height else {}
    crashed = {r["article_id"]: r["reason"] for r in rejected.filter(pl.col("check_name") == "extractor").iter_rows(named=True)}
    rows = []
    for a in articles.iter_rows(named=True):
        status, reason, n = a["status"], a["reason"], 0
        if status == "ok":
            if a["article_id"] in crashed:
                status, reason = "quarantined", f"extractor failed: {crashed[a['article_id']]}"
            else:
                n = n_events.get(a["article_id"], 0)
                status = "events" if n else "no_events"
        rows.append({
            "article_id": a["record_key"], "partition_date": a["partition_date"], "published": a["published"],
            "published_assumed": bool(a["published_assumed"]), "source": a["source"], "title": a["title"], "url": a["url"],
            "text": a["text"], "text_sha1": a["text_sha1"], "origin": a["origin"], "status": status, "n_events": n,
            "duplicate_of": a["duplicate_of"], "reason": reason,
            "extractor_version": extractor_version if status in ("events", "no_events") else None,
            "metadata": a["metadata"],
        })
    schema = {c: pl.String for c in ARTICLE_COLUMNS} | {"partition_date": pl.Date, "published_assumed": pl.Boolean, "n_events": pl.Int32}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def quarantine_rows(articles: pl.DataFrame, rejected: pl.DataFrame, partition_date: date) -> pl.DataFrame:
    """Quarantine rows for rejected articles and rejected events, with stable ids."""
    rows = []
    for a in articles.filter(pl.col("status") == "quarantined").iter_rows(named=True):
        rows.append(("raw_articles", a["record_key"], a["article_id"], a["check_name"], a["reason"], a["raw_payload"]))
    for r in rejected.iter_rows(named=True):
        payload = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items() if k in MENTION_SCHEMA and v is not None}
        asset = "extracted_incidents" if r["check_name"] == "extractor" else "incident_events"
        key = r.get("event_id") or r["article_id"]
        rows.append((asset, key, r["article_id"], r["check_name"], r["reason"], json.dumps(payload, ensure_ascii=False, default=str)))
    out = []
    for asset, key, article_id, check, reason, payload in rows:
        qid = hashlib.sha1(f"{asset}|{partition_date}|{key}|{check}".encode()).hexdigest()[:20]
        out.append(dict(quarantine_id=qid, asset=asset, partition_date=partition_date, article_id=article_id,
                        check_name=check or "unknown", reason=reason or "unknown", raw_payload=payload))
    schema = {c: pl.String for c in QUARANTINE_COLUMNS} | {"partition_date": pl.Date}
    frame = pl.DataFrame(out, schema=schema) if out else pl.DataFrame(schema=schema)
    return frame.unique("quarantine_id", keep="first", maintain_order=True)


def mentions_frame(events: pl.DataFrame, ledger_rows: pl.DataFrame) -> pl.DataFrame:
    """The valid events in the warehouse's `event_mentions` shape."""
    frame = events.rename({"event_id": "mention_id"})
    return frame.select(list(MENTION_COLUMNS))


__all__ = ["check_articles", "extract_articles", "check_events", "ledger", "quarantine_rows", "mentions_frame", "EVENT_FIELDS"]
