"""The event record, declared once (../shared/spec/event_record.md).

EVENT_RECORD has one row per field, in the order of the keys of each JSON line `etl-project extract` writes:
its name, its Polars type (pipeline frames), its DuckDB type (warehouse), whether the warehouse allows a
null, what it means, the warehouse tables that carry it, and the Pandera checks of each contract that
checks it (`ExtractedIncident`: what the extractor emits; `Event`: fit for the warehouse, which may also
make a nullable field required). Everything else is derived from it:

    OUTPUT_FIELDS                    the keys of an extracted record, in order
    warehouse.EVENT_FIELDS           the columns of `events` (plus n_sources)
    warehouse.MENTION_COLUMNS        the columns of `event_mentions`
    pipeline.MENTION_SCHEMA          the Polars schema of extracted events
    checks.contracts.ExtractedIncident, Event   the Pandera models' columns

warehouse/schema.sql stays the readable DDL; tests/test_schema.py asserts that its `events` and
`event_mentions` tables agree with EVENT_RECORD, column by column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

EVENT_TYPES = (
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest",
    "riot",
    "strategic_development",
)
SUB_EVENT_TYPES = {
    "battle": ("armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory"),
    "explosion_remote_violence": (
        "chemical_weapon", "air_drone_strike", "suicide_bomb", "shelling_artillery_missile_attack",
        "remote_explosive_landmine_ied", "grenade",
    ),
    "violence_against_civilians": ("sexual_violence", "attack", "abduction_forced_disappearance"),
    "protest": ("peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters"),
    "riot": ("violent_demonstration", "mob_violence"),
    "strategic_development": (
        "agreement", "arrests", "change_to_group_activity", "disrupted_weapons_use",
        "headquarters_or_base_established", "looting_property_destruction",
        "non_violent_transfer_of_territory", "other",
    ),
}
ALL_SUB_EVENT_TYPES = tuple(s for subs in SUB_EVENT_TYPES.values() for s in subs)
# Syria's bounding box with a small margin for border crossings.
SYRIA_LAT = (32.2, 37.4)
SYRIA_LON = (35.5, 42.5)
# More deaths than this in one event at one place on one day is a misread number, not news.
MAX_PLAUSIBLE_FATALITIES = 1500

BOTH = ("events", "event_mentions")
MENTIONS_ONLY = ("event_mentions",)
_PRECISION = {"isin": [1, 2, 3]}
_INTER = {"nullable": True, "in_range": {"min_value": 0, "max_value": 8}}


@dataclass(frozen=True)
class Field:
    name: str
    dtype: pl.DataType | type[pl.DataType]  # in pipeline frames
    sql: str  # in the warehouse
    nullable: bool  # the warehouse allows a null
    doc: str
    tables: tuple[str, ...] = BOTH
    # contract name -> Pandera Field arguments (`nullable` defaults to the field's); absent: not checked there
    contracts: dict[str, dict] = field(default_factory=dict)


EVENT_RECORD: tuple[Field, ...] = (
    Field("event_id", pl.String, "VARCHAR", False, "deterministic: the same article and incident give the same id",
          contracts={"ExtractedIncident": {}, "Event": {"unique": True}}),
    Field("article_id", pl.String, "VARCHAR", False, "the article it was read from",
          contracts={"ExtractedIncident": {}}),
    Field("event_date", pl.Date, "DATE", True, "resolved against `published`; null only when no date is found",
          contracts={"ExtractedIncident": {}}),
    Field("time_precision", pl.Int8, "TINYINT", True, "ACLED: 1 the day, 2 a week or a few days, 3 the month",
          contracts={"ExtractedIncident": _PRECISION}),
    Field("date_text", pl.String, "VARCHAR", True, "the words that gave the date"),
    Field("event_type", pl.String, "VARCHAR", False, "ACLED's event type, snake_case",
          contracts={"ExtractedIncident": {}, "Event": {"isin": list(EVENT_TYPES)}}),
    Field("sub_event_type", pl.String, "VARCHAR", False, "ACLED's sub-event type, snake_case",
          contracts={"ExtractedIncident": {}, "Event": {"isin": list(ALL_SUB_EVENT_TYPES)}}),
    Field("actor1", pl.String, "VARCHAR", True, "canonical actor who acted (English)"),
    Field("actor2", pl.String, "VARCHAR", True, "canonical actor acted upon (English)"),
    Field("actor1_text", pl.String, "VARCHAR", True, "the Arabic words that named actor1"),
    Field("actor2_text", pl.String, "VARCHAR", True, "the Arabic words that named actor2"),
    Field("inter1", pl.Int8, "TINYINT", True, "ACLED actor category of actor1, 0-8", contracts={"Event": _INTER}),
    Field("inter2", pl.Int8, "TINYINT", True, "ACLED actor category of actor2, 0-8", contracts={"Event": _INTER}),
    Field("location_name", pl.String, "VARCHAR", True, "the gazetteer's Arabic name of the place"),
    Field("location_name_en", pl.String, "VARCHAR", True, "the gazetteer's romanised name"),
    Field("admin1", pl.String, "VARCHAR", True, "governorate (English, ACLED spelling)"),
    Field("admin2", pl.String, "VARCHAR", True, "district (English, ACLED spelling)"),
    Field("admin1_pcode", pl.String, "VARCHAR", True, "OCHA P-code of the governorate"),
    Field("admin2_pcode", pl.String, "VARCHAR", True, "OCHA P-code of the district"),
    Field("latitude", pl.Float64, "DOUBLE", True, "WGS84, of the place",
          contracts={"Event": {"nullable": False, "in_range": {"min_value": SYRIA_LAT[0], "max_value": SYRIA_LAT[1]}}}),
    Field("longitude", pl.Float64, "DOUBLE", True, "WGS84, of the place",
          contracts={"Event": {"nullable": False, "in_range": {"min_value": SYRIA_LON[0], "max_value": SYRIA_LON[1]}}}),
    Field("geo_precision", pl.Int8, "TINYINT", True, "ACLED: 1 the town, 2 near it or part of a district, 3 region",
          contracts={"Event": {"nullable": False, **_PRECISION}}),
    Field("location_text", pl.String, "VARCHAR", True, "the words that named the place"),
    Field("gazetteer_id", pl.String, "VARCHAR", True, "the id of the place in the gazetteer used"),
    Field("fatalities", pl.Int64, "INTEGER", False, "deaths, the most conservative figure stated; 0 when none",
          contracts={"ExtractedIncident": {},
                     "Event": {"in_range": {"min_value": 0, "max_value": MAX_PLAUSIBLE_FATALITIES}}}),
    Field("injuries", pl.Int64, "INTEGER", False, "injuries as stated; 0 when none",
          contracts={"ExtractedIncident": {},
                     "Event": {"in_range": {"min_value": 0, "max_value": 10 * MAX_PLAUSIBLE_FATALITIES}}}),
    Field("is_background", pl.Boolean, "BOOLEAN", False, "recalled as context, not reported as the day's news",
          contracts={"ExtractedIncident": {}}),
    Field("evidence", pl.String, "VARCHAR", True, "the sentence the event was read from"),
    Field("evidence_start", pl.Int64, "INTEGER", True, "offset of that sentence in the original text",
          contracts={"ExtractedIncident": {}}),
    Field("evidence_end", pl.Int64, "INTEGER", True, "offset of the end of that sentence",
          contracts={"ExtractedIncident": {}}),
    Field("confidence", pl.Float64, "DOUBLE", True, "the extractor's own estimate, 0-1",
          contracts={"Event": {"in_range": {"min_value": 0.0, "max_value": 1.0}}}),
    Field("extractor_version", pl.String, "VARCHAR", True, "changes whenever rules, lexicons or gazetteer change"),
    Field("rules", pl.List(pl.String), "VARCHAR[]", True,
          "the rules that decided the event (e.g. 'type:trigger.air_strike'); null when not recorded",
          tables=MENTIONS_ONLY),
)

# The keys of each extracted record, in order.
OUTPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in EVENT_RECORD)
BY_NAME: dict[str, Field] = {f.name: f for f in EVENT_RECORD}


def table_fields(table: str) -> tuple[Field, ...]:
    """The event fields a warehouse table (`events` or `event_mentions`) carries, in record order."""
    return tuple(f for f in EVENT_RECORD if table in f.tables)


def polars_schema() -> dict[str, pl.DataType]:
    """Every field's Polars type, in record order."""
    return {f.name: f.dtype for f in EVENT_RECORD}


def contract_columns(contract: str) -> dict:
    """The class namespace of a Pandera model's columns: an annotated `pa.Field` per field it checks."""
    import pandera.polars as pa

    annotations: dict[str, object] = {}
    namespace: dict[str, object] = {"__annotations__": annotations}
    for f in EVENT_RECORD:
        if contract in f.contracts:
            annotations[f.name] = f.dtype
            namespace[f.name] = pa.Field(**{"nullable": f.nullable, **f.contracts[contract]})
    return namespace
