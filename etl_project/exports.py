"""Files analysts open in their own tools: CSV, GeoJSON and Parquet exports of the events.

Columns: ACLED's current export, its 31 columns in its order, with ACLED's labels, types and empty
values (`ACLED_COLUMNS`, `ACLED_DTYPES`; the vocabulary is `etl_project.acled`), so a script written for
an ACLED file reads ours unchanged; then ours: our id and codes (`OWN_COLUMNS`) and the evidence that
backs each row (`EVIDENCE_COLUMNS`). `event_id_cnty` is SYR and the event's number in `acled_ids`.
`timestamp` is, as in ACLED, the time the row was last written: unix seconds (UTC) of the latest
warehouse load of a partition whose articles report the event; null when the warehouse holds no load
record for it.

Formulas. A spreadsheet evaluates a text cell that starts with = + - @ (or their full-width forms),
tab or carriage return. In CSV, the format spreadsheets open directly, every such text cell gets a
leading apostrophe (OWASP's advice), so no exported cell runs. GeoJSON and Parquet are read by GIS
and analysis tools, which do not evaluate cells: they carry the values unchanged, byte for byte, and
say so in their metadata. Whoever converts them to a spreadsheet must neutralise at that step.

Arabic survives in every format: UTF-8 throughout; the CSV starts with a byte-order mark so
spreadsheet programs detect the encoding; GeoJSON is written with `ensure_ascii=False` (RFC 8259
forbids a BOM there).

Attribution travels with the data: a `FILE.LICENSE.txt` beside every export, a top-level
"attribution" member in GeoJSON (an RFC 7946 foreign member) and key-value metadata in Parquet.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from etl_project import acled, warehouse
from etl_project.geo.admin import admin_units, arabic_key, governorates

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_RE = "^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"

FORMATS = ("acled", "csv", "geojson", "parquet")  # acled: the CSV, by the name of what it is

# ACLED's current public export (2024 codebook; ACLED's API), its 31 columns in its order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
# The types of ACLED's columns as polars reads ACLED's CSV (`try_parse_dates=True`); ours are written so.
ACLED_DTYPES: dict[str, pl.DataType] = {
    **{c: pl.String() for c in ACLED_COLUMNS},
    "event_date": pl.Date(), "year": pl.Int64(), "time_precision": pl.Int64(), "iso": pl.Int64(),
    "latitude": pl.Float64(), "longitude": pl.Float64(), "geo_precision": pl.Int64(), "fatalities": pl.Int64(),
    "timestamp": pl.Int64(),
}
# Ours, after ACLED's: our own id and codes, then the evidence that backs each row.
OWN_COLUMNS = (
    "event_id", "event_type_code", "sub_event_type_code", "inter1_code", "inter2_code", "interaction_code",
    "location_name_en",
)
EVIDENCE_COLUMNS = (
    "location_name", "location_text", "date_text", "actor1_text", "actor2_text",
    "evidence", "evidence_start", "evidence_end", "article_id", "n_sources", "confidence", "extractor_version",
    "is_background", "injuries", "admin1_pcode", "admin2_pcode", "gazetteer_id",
)
EXPORT_COLUMNS = ACLED_COLUMNS + OWN_COLUMNS + EVIDENCE_COLUMNS

ATTRIBUTION = (
    "Places: data from Who's On First (https://whosonfirst.org/docs/licenses/), CC0, with properties from "
    "GeoNames (geonames.org), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
    "Administrative units and OCHA P-codes: OpenSyria data-geography (https://github.com/Open-Syria/data-geography), "
    "CC BY 4.0, itself from OCHA/HDX COD-AB (CC BY 3.0 IGO), geoBoundaries (CC BY 3.0 IGO), GeoNames (CC BY 4.0) "
    "and Wikidata (CC0). Column names and codes follow ACLED's codebook; the events were extracted by etl-project "
    "from Arabic news and are not ACLED data."
)
LICENSES = ("CC BY 4.0 (GeoNames via Who's On First; OpenSyria)", "CC0 (Who's On First)", "CC BY 3.0 IGO (OCHA COD-AB; geoBoundaries)")
FORMULA_NOTE = {
    "csv": "Text cells starting with = + - @ (or their full-width forms), tab or carriage return are prefixed with an "
           "apostrophe so that no cell runs as a spreadsheet formula.",
    "geojson": "Values are exported unchanged; no formula neutralisation (GeoJSON is not opened as a spreadsheet). "
               "Neutralise cells if you convert this file to CSV or a spreadsheet.",
    "parquet": "Values are exported unchanged; no formula neutralisation (Parquet is not opened as a spreadsheet). "
               "Neutralise cells if you convert this file to CSV or a spreadsheet.",
}
FORMULA_NOTE["acled"] = FORMULA_NOTE["csv"]

class ExportError(Exception):
    """A request the export cannot satisfy; the message is one line for the user."""


# ---------------------------------------------------------------------------------------- cells


def neutralise(value: str | None) -> str | None:
    """A text cell that a spreadsheet would evaluate gets a leading apostrophe (OWASP's advice)."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_RE)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_cols
    )


def write_csv_frame(frame: pl.DataFrame, path: Path) -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Arabic correctly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).write_csv(path, include_bom=True)


# ---------------------------------------------------------------------------------------- filters


def _latin_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _arabic_key(name: str) -> str:
    return re.sub(r"^محافظه\s+", "", arabic_key(name))


def governorate_names(name: str) -> tuple[list[str], list[str]]:
    """What a --governorate value stands for: admin1 spellings (as letter-and-digit keys, see
    `_latin_key`, plus the value itself in lower case) and the P-codes of the governorates it names.

    Resolved against the project's governorate table (`geo/data/admin_units.csv`): ACLED and OCHA
    English names in any case, spacing or hyphenation; Arabic names and aliases after the project's
    normalisation (hamza, ta marbuta, diacritics), with or without "محافظة"; or the P-code itself.
    An unknown name still filters on admin1 as written, so a spelling the table lacks is not an error.
    """
    latin, arabic = _latin_key(name), _arabic_key(name)
    keys = {name.strip().casefold()} | ({latin} if latin else set())
    pcodes = []
    for unit in governorates():
        english = (unit.pcode, unit.name_en, unit.ocha_en)
        if (latin and latin in {_latin_key(n) for n in english}) or (
                arabic and arabic in {_arabic_key(n) for n in (unit.name_ar, *unit.aliases_ar)}):
            pcodes.append(unit.pcode)
            keys.update(_latin_key(n) for n in (unit.name_en, unit.ocha_en))
    return sorted(keys), pcodes


@dataclass(frozen=True)
class ExportFilter:
    date_from: date | None = None
    date_to: date | None = None
    governorate: str | None = None

    def where(self) -> tuple[str, list]:
        """A WHERE clause of placeholders and its parameters: user input never enters the SQL text."""
        clauses, params = [], []
        if self.date_from is not None:
            clauses.append("v.event_date >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append("v.event_date <= ?")
            params.append(self.date_to)
        if self.governorate:
            keys, pcodes = governorate_names(self.governorate)
            cond = ("list_contains(?::VARCHAR[], lower(v.admin1))"
                    " OR list_contains(?::VARCHAR[], regexp_replace(lower(v.admin1), '[^a-z0-9]', '', 'g'))")
            params.extend([keys, keys])
            if pcodes:
                cond += " OR list_contains(?::VARCHAR[], v.admin1_pcode)"
                params.append(pcodes)
            clauses.append(f"({cond})")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# ---------------------------------------------------------------------------------------- reading

_SELECT = """
SELECT v.*, e.location_name_en, t.timestamp, ids.acled_no
FROM v_events v
JOIN events e ON e.event_id = v.event_id_cnty
LEFT JOIN acled_ids ids ON ids.event_id = v.event_id_cnty
LEFT JOIN (
    SELECT es.event_id, CAST(epoch(max(pl.loaded_at)) AS BIGINT) AS timestamp
    FROM event_sources es
    JOIN articles a ON a.article_id = es.article_id
    JOIN partition_loads pl ON pl.partition_date = a.partition_date
    GROUP BY es.event_id
) t ON t.event_id = v.event_id_cnty"""


def read_events(con: duckdb.DuckDBPyConnection, flt: ExportFilter | None = None) -> pl.DataFrame:
    """The events to export, in EXPORT_COLUMNS order, oldest first, in ACLED's vocabulary (see acled_frame)."""
    where, params = (flt or ExportFilter()).where()
    sql = _SELECT + where + " ORDER BY v.event_date NULLS LAST, v.admin1, v.location, v.event_id_cnty"
    return acled_frame(con.sql(sql, params=params).pl())


def _admin_name(pcode: str | None, name: str | None) -> str | None:
    """ACLED's admin name: the project's admin table by P-code, else the stored name in plain ASCII."""
    unit = admin_units().get(pcode) if pcode else None
    return unit.name_en if unit else acled.ascii_place(name, keep_apostrophes=True)


def _dated(column: str) -> pl.Expr:
    """An actor column with ACLED's dated names of state forces (acled.dated_actor) on the event's day."""
    return pl.struct(pl.col(column), pl.col("event_date").cast(pl.Date)).map_elements(
        lambda r: acled.dated_actor(r[column], r["event_date"]), return_dtype=pl.String).alias(column)


def acled_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """ACLED's columns, labels, types and empty values from v_events rows (plus location_name_en,
    timestamp, acled_no), then ours. Empty text is null (an empty CSV cell, as in ACLED's files); our
    codes stay beside ACLED's labels (event_type_code, inter1_code...)."""
    rows = raw.iter_rows(named=True)
    derived = [
        (
            acled.interaction_label(r["inter1"], r["inter2"]), acled.interaction_code(r["inter1"], r["inter2"]),
            acled.civilian_targeting(r["event_type"], r["sub_event_type"], r["inter2"]),
            _admin_name(r["admin1_pcode"], r["admin1"]),
            _admin_name(r["admin2_pcode"], r["admin2"]),
        )
        for r in rows
    ]
    interaction, interaction_code, targeting, admin1, admin2 = (list(c) for c in zip(*derived)) if derived else ([],) * 5
    place = pl.col("location_name_en").map_elements(acled.ascii_place, return_dtype=pl.String, skip_nulls=True)
    frame = raw.with_columns(
        pl.when(pl.col("acled_no").is_not_null())
        .then(pl.lit(warehouse.ACLED_COUNTRY) + pl.col("acled_no").cast(pl.String))
        .alias("acled_id"),
        pl.Series("interaction_label", interaction, dtype=pl.String),
        pl.Series("interaction_code", interaction_code, dtype=pl.Int64),
        pl.Series("civilian_targeting", targeting, dtype=pl.String),
        pl.Series("admin1_acled", admin1, dtype=pl.String),
        pl.Series("admin2_acled", admin2, dtype=pl.String),
    ).with_columns(
        # a place the gazetteer has no romanisation for is named after its district or governorate (ASCII, like
        # every location); its Arabic name stays in location_name
        pl.coalesce(place, pl.col("admin2_acled"), pl.col("admin1_acled")).alias("location_acled"),
    )
    inter = acled.INTER_LABELS
    out = frame.select(
        pl.col("acled_id").alias("event_id_cnty"),
        pl.col("event_date").cast(pl.Date),
        pl.col("year").cast(pl.Int64),
        pl.col("time_precision").cast(pl.Int64),
        pl.col("sub_event_type").replace_strict(acled.DISORDER_TYPES, default=None, return_dtype=pl.String)
        .alias("disorder_type"),
        pl.col("event_type").replace_strict(acled.EVENT_TYPE_LABELS, default=None, return_dtype=pl.String),
        pl.col("sub_event_type").replace_strict(acled.SUB_EVENT_TYPE_LABELS, default=None, return_dtype=pl.String),
        _dated("actor1"),
        pl.lit(None, pl.String).alias("assoc_actor_1"),
        pl.col("inter1").cast(pl.Int64).replace_strict(inter, default=None, return_dtype=pl.String).alias("inter1"),
        _dated("actor2"),
        pl.lit(None, pl.String).alias("assoc_actor_2"),
        pl.col("inter2").cast(pl.Int64).replace_strict(inter, default=None, return_dtype=pl.String).alias("inter2"),
        pl.col("interaction_label").alias("interaction"),
        pl.col("civilian_targeting"),
        pl.col("iso").cast(pl.Int64),
        pl.col("region").cast(pl.String),
        pl.col("country").cast(pl.String),
        pl.col("admin1_acled").alias("admin1"),
        pl.col("admin2_acled").alias("admin2"),
        pl.col("admin3").cast(pl.String),
        pl.col("location_acled").alias("location"),
        pl.col("latitude").cast(pl.Float64),
        pl.col("longitude").cast(pl.Float64),
        pl.col("geo_precision").cast(pl.Int64),
        pl.col("source").cast(pl.String),
        # ACLED's source_scale is the reach of the sources (National, Subnational...), which we do not know:
        # empty (n_sources counts them)
        pl.lit(None, pl.String).alias("source_scale"),
        pl.col("notes").cast(pl.String),
        pl.col("fatalities").cast(pl.Int64),
        pl.when(pl.col("is_background")).then(pl.lit("background")).alias("tags"),
        pl.col("timestamp").cast(pl.Int64),
        pl.col("event_id_cnty").alias("event_id"),
        pl.col("event_type").alias("event_type_code"),
        pl.col("sub_event_type").alias("sub_event_type_code"),
        pl.col("inter1").cast(pl.Int64).alias("inter1_code"),
        pl.col("inter2").cast(pl.Int64).alias("inter2_code"),
        pl.col("interaction_code"),
        pl.col("location_name_en"),
        *[pl.col(c) for c in EVIDENCE_COLUMNS],
    )
    return out.with_columns(pl.col(c).cast(t) for c, t in ACLED_DTYPES.items())


# ---------------------------------------------------------------------------------------- writing


def export_events(con: duckdb.DuckDBPyConnection, fmt: str, output: Path, flt: ExportFilter | None = None) -> int:
    """Write the (filtered) events to `output` in `fmt`, with the licence sidecar. Returns the row count."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    frame = read_events(con, flt)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    {"acled": write_csv, "csv": write_csv, "geojson": write_geojson, "parquet": write_parquet}[fmt](frame, output)
    write_license(output, fmt, frame.height)
    return frame.height


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    write_csv_frame(frame, path)


def license_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".LICENSE.txt")


def write_license(path: Path, fmt: str, rows: int) -> Path:
    text = (
        f"{Path(path).name}: {rows} events exported by etl-project ({fmt}).\n\n"
        f"Attribution (required by the licences below):\n{ATTRIBUTION}\n\n"
        "Licences: " + "; ".join(LICENSES) + ".\n\n"
        f"Formulas: {FORMULA_NOTE[fmt]}\n"
    )
    out = license_path(path)
    out.write_text(text, encoding="utf-8")
    return out


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def geojson_document(frame: pl.DataFrame) -> dict:
    """An RFC 7946 FeatureCollection: one feature per event, Point [longitude, latitude] (WGS84, no crs
    member); an event without coordinates keeps its row with a null geometry (RFC 7946 §3.2)."""
    features = []
    for row in frame.iter_rows(named=True):
        lat, lon = row.get("latitude"), row.get("longitude")
        located = lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon)
        features.append({
            "type": "Feature",
            "id": row["event_id_cnty"],
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]} if located else None,
            "properties": {k: _json_value(v) for k, v in row.items()},
        })
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "licenses": list(LICENSES),
        "formulas": FORMULA_NOTE["geojson"],
        "features": features,
    }


def write_geojson(frame: pl.DataFrame, path: Path) -> None:
    text = json.dumps(geojson_document(frame), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    Path(path).write_text(text + "\n", encoding="utf-8")


QUERY_FORMATS = ("csv", "json", "parquet")


def write_query_result(frame: pl.DataFrame, fmt: str, path: Path) -> None:
    """A query's rows as a file: CSV as the exports write it (BOM, no cell runs as a formula), JSON as one
    array of objects (UTF-8, dates as ISO strings, non-finite numbers as null), Parquet with the types kept."""
    if fmt not in QUERY_FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(QUERY_FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv_frame(frame, path)
    elif fmt == "json":
        rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
        path.write_text(json.dumps(rows, ensure_ascii=False, allow_nan=False, default=str) + "\n", encoding="utf-8")
    else:
        frame.write_parquet(path, metadata={"formulas": FORMULA_NOTE["parquet"]})


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    frame.write_parquet(path, metadata={
        "attribution": ATTRIBUTION,
        "licenses": "; ".join(LICENSES),
        "formulas": FORMULA_NOTE["parquet"],
        "columns": "ACLED's export columns (2024 codebook) first, with ACLED's labels; then our id, codes and the "
                   "evidence; timestamp = unix seconds of the last load",
    })
