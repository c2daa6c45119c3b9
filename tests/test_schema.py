"""The event record is declared once (etl_project/schema.py): warehouse/schema.sql, the warehouse's column
lists, the pipeline's Polars schema and the Pandera contracts all agree with it, on a real DuckDB."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from etl_project import warehouse
from etl_project.checks.contracts import Event, ExtractedIncident, validate
from etl_project.pipeline import MENTION_SCHEMA, mentions_frame
from etl_project.schema import EVENT_RECORD, OUTPUT_FIELDS, table_fields
from tests.test_warehouse import DAY, article, frames, mention


def _columns(con, table: str) -> list[tuple[str, str, bool]]:
    """(name, type, nullable) of each column of a table, in table order."""
    return [(name, typ, null == "YES") for name, typ, null, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def _fresh() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.apply_schema(con)
    return con


def test_schema_sql_event_tables_agree_with_the_declaration():
    con = _fresh()
    events = [(f.name, f.sql, f.nullable) for f in table_fields("events")]
    assert _columns(con, "events") == events + [("n_sources", "INTEGER", False)]
    mention_fields = [(f.name, f.sql, f.nullable) for f in table_fields("event_mentions")
                      if f.name not in ("event_id", "article_id")]
    assert _columns(con, "event_mentions") == [
        ("mention_id", "VARCHAR", False), ("article_id", "VARCHAR", False), ("partition_date", "DATE", False),
    ] + mention_fields


def test_the_column_lists_and_schemas_derive_from_the_declaration():
    con = _fresh()
    assert list(warehouse.MENTION_COLUMNS) == [c for c, _, _ in _columns(con, "event_mentions")]
    assert list(warehouse.EVENT_FIELDS) + ["n_sources"] == [c for c, _, _ in _columns(con, "events")]
    assert tuple(MENTION_SCHEMA) == OUTPUT_FIELDS == tuple(f.name for f in EVENT_RECORD)
    assert OUTPUT_FIELDS[-1] == "rules" and "rules" not in warehouse.EVENT_FIELDS
    by_name = {f.name: f for f in EVENT_RECORD}
    for model in (ExtractedIncident, Event):
        schema = model.to_schema()
        for name, column in schema.columns.items():
            if name in by_name:
                assert str(column.dtype) == str(pl.DataFrame(schema={name: by_name[name].dtype}).schema[name]), name


def test_the_contracts_check_what_the_declaration_says():
    ok = {k: None for k in MENTION_SCHEMA} | mention("m1", "a1") | {"published_day": DAY}
    frame = pl.DataFrame([ok, ok | {"event_id": "m2", "latitude": None}, ok | {"event_id": "m3", "inter1": 9}],
                         schema=MENTION_SCHEMA | {"published_day": pl.Date})
    extracted = validate(frame, ExtractedIncident)
    assert extracted.valid.height == 3  # latitude and inter are the warehouse's concern, not the extractor's
    checked = validate(frame, Event)
    assert checked.valid.get_column("event_id").to_list() == ["m1"]
    reasons = dict(checked.rejected.select("event_id", "check_name").iter_rows())
    assert reasons["m2"].startswith("latitude:") and reasons["m3"].startswith("inter1:")


def test_a_warehouse_made_before_rules_gains_the_column():
    con = _fresh()
    con.execute("ALTER TABLE event_mentions DROP COLUMN rules")
    assert "rules" not in [c for c, _, _ in _columns(con, "event_mentions")]
    warehouse.apply_schema(con)
    assert ("rules", "VARCHAR[]", True) in _columns(con, "event_mentions")


def test_rules_flow_into_event_mentions_and_mentions_without_them_load_as_null(tmp_path):
    db = tmp_path / "w.duckdb"
    arts = [article("a1"), article("a2")]
    a, m, q = frames(arts, [mention("m1", "a1"), mention("m2", "a2", lat=33.5, lon=36.3, place="دمشق", gid="g-dam")])
    m = m.with_columns(pl.when(pl.col("mention_id") == "m1").then(pl.lit(["type:trigger.air_strike", "place:head"]))
                       .otherwise(None).alias("rules"))
    with warehouse.connect(db) as con:
        warehouse.write_partition(con, DAY, a, m, q, "v1")
    day2 = date(2025, 11, 13)
    a2, m2, q2 = frames([article("a3", day=day2)], [mention("m3", "a3", day=day2, event_date=day2)])
    with warehouse.connect(db) as con:
        warehouse.write_partition(con, day2, a2, m2.drop("rules"), q2, "v1")  # an extractor that records no rules
        got = dict(con.execute("SELECT mention_id, rules FROM event_mentions ORDER BY mention_id").fetchall())
        event_columns = [c for c, _, _ in _columns(con, "events")]
    assert got == {"m1": ["type:trigger.air_strike", "place:head"], "m2": None, "m3": None}
    assert "rules" not in event_columns


def test_the_extractor_writes_the_declared_fields_in_the_declared_order(extractor):
    from etl_project.extractor import OUTPUT_FIELDS as EXTRACTOR_FIELDS

    # the extractor's keys are the declaration's, in its order ('rules' may be absent: an extractor that
    # does not record them yet)
    assert set(OUTPUT_FIELDS) - set(EXTRACTOR_FIELDS) <= {"rules"}
    assert EXTRACTOR_FIELDS == tuple(f for f in OUTPUT_FIELDS if f in EXTRACTOR_FIELDS)
    text = "قتل ثلاثة مدنيين بقصف جوي على بلدة معرة النعمان في ريف إدلب اليوم."
    events = extractor.extract({"id": "s1", "text": text, "published": "2025-11-12"})
    assert events and all(tuple(e) == tuple(f for f in OUTPUT_FIELDS if f in e) for e in events)


def test_events_stored_before_rules_existed_still_make_mentions():
    """A step output written by an earlier version (no `rules` column) still loads: rules are null."""
    old = pl.DataFrame([mention("m1", "a1")], schema=MENTION_SCHEMA).drop("rules").with_columns(
        pl.lit(DAY).alias("partition_date"))
    frame = mentions_frame(old)
    assert frame.columns == list(warehouse.MENTION_COLUMNS)
    assert frame.get_column("rules").to_list() == [None] and frame.schema["rules"] == pl.List(pl.String)
