"""Files analysts open in their own tools: CSV, GeoJSON and Parquet exports of the events.

Columns: ACLED's names and order where the field exists in ACLED's codebook (`ACLED_COLUMNS`), then
the evidence that backs each row (`EVIDENCE_COLUMNS`). `timestamp` is, as in ACLED, the time the row
was last written: unix seconds (UTC) of the latest warehouse load of a partition whose articles report
the event; null when the warehouse holds no load record for it.

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

from etl_project.geo.admin import arabic_key, governorates

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_RE = "^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"

FORMATS = ("csv", "geojson", "parquet")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "inter1", "actor2", "inter2", "interaction", "iso", "region", "country",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
EVIDENCE_COLUMNS = (
    "location_name", "location_text", "date_text", "actor1_text", "actor2_text",
    "evidence", "evidence_start", "evidence_end", "article_id", "n_sources", "confidence", "extractor_version",
    "is_background", "injuries", "admin1_pcode", "admin2_pcode", "gazetteer_id",
)
EXPORT_COLUMNS = ACLED_COLUMNS + EVIDENCE_COLUMNS

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

_SELECT = (
    "SELECT " + ", ".join(f"v.{c}" if c != "timestamp" else "t.timestamp" for c in EXPORT_COLUMNS) + """
FROM v_events v
LEFT JOIN (
    SELECT es.event_id, CAST(epoch(max(pl.loaded_at)) AS BIGINT) AS timestamp
    FROM event_sources es
    JOIN articles a ON a.article_id = es.article_id
    JOIN partition_loads pl ON pl.partition_date = a.partition_date
    GROUP BY es.event_id
) t ON t.event_id = v.event_id_cnty"""
)


def read_events(con: duckdb.DuckDBPyConnection, flt: ExportFilter | None = None) -> pl.DataFrame:
    """The events to export, in EXPORT_COLUMNS order, oldest first."""
    where, params = (flt or ExportFilter()).where()
    sql = _SELECT + where + " ORDER BY v.event_date NULLS LAST, v.admin1, v.location, v.event_id_cnty"
    frame = con.sql(sql, params=params).pl()
    return frame.with_columns(pl.col("timestamp").cast(pl.Int64), pl.col("year").cast(pl.Int32))


# ---------------------------------------------------------------------------------------- writing


def export_events(con: duckdb.DuckDBPyConnection, fmt: str, output: Path, flt: ExportFilter | None = None) -> int:
    """Write the (filtered) events to `output` in `fmt`, with the licence sidecar. Returns the row count."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    frame = read_events(con, flt)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    {"csv": write_csv, "geojson": write_geojson, "parquet": write_parquet}[fmt](frame, output)
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


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    frame.write_parquet(path, metadata={
        "attribution": ATTRIBUTION,
        "licenses": "; ".join(LICENSES),
        "formulas": FORMULA_NOTE["parquet"],
        "columns": "ACLED codebook names first, then the evidence columns; timestamp = unix seconds of the last load",
    })
