"""Syria's governorates and districts: P-codes, ACLED English names, Arabic names, seats.

The table is data (`data/admin_units.csv`), written by hand for this project; this module only reads it.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from etl_project.text.normalize import normalize_text


@dataclass(frozen=True, slots=True)
class AdminUnit:
    pcode: str
    level: str  # "governorate" | "district"
    name_en: str  # ACLED spelling
    name_ar: str
    aliases_ar: tuple[str, ...]
    ocha_en: str
    seat_ar: str

    @property
    def admin1_pcode(self) -> str:
        return self.pcode[:4]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("etl_project.geo").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def admin_units() -> dict[str, AdminUnit]:
    out: dict[str, AdminUnit] = {}
    for row in _read_csv("admin_units.csv"):
        aliases = tuple(a for a in (row.get("aliases_ar") or "").split("|") if a)
        out[row["pcode"]] = AdminUnit(
            pcode=row["pcode"],
            level=row["level"],
            name_en=row["name_en"],
            name_ar=row["name_ar"],
            aliases_ar=aliases,
            ocha_en=row["ocha_en"],
            seat_ar=row["seat_ar"],
        )
    return out


def governorates() -> list[AdminUnit]:
    return [u for u in admin_units().values() if u.level == "governorate"]


def districts() -> list[AdminUnit]:
    return [u for u in admin_units().values() if u.level == "district"]


def _latin_key(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


@lru_cache(maxsize=1)
def _district_by_latin() -> dict[str, str]:
    out: dict[str, str] = {}
    for u in districts():
        out[_latin_key(u.ocha_en)] = u.pcode
        out[_latin_key(u.name_en)] = u.pcode
    return out


def district_pcode_for_english(name: str) -> str | None:
    """The P-code of a district from its OCHA/ACLED English name ("Deir-ez-Zor" -> "SY0901")."""
    return _district_by_latin().get(_latin_key(name))


def admin_names(admin1_pcode: str | None, admin2_pcode: str | None) -> tuple[str | None, str | None]:
    units = admin_units()
    a1 = units.get(admin1_pcode or "")
    a2 = units.get(admin2_pcode or "")
    return (a1.name_en if a1 else None, a2.name_en if a2 else None)


def unit_place(unit, gazetteer_id: str, latitude: float, longitude: float, source: str,
               names_ar: tuple[str, ...], population: int | None = None):
    """A governorate or district as a Place, named and coded the same whichever gazetteer holds it."""
    from etl_project.geo.types import Place

    a1, a2 = (unit.pcode, None) if unit.level == "governorate" else (unit.admin1_pcode, unit.pcode)
    n1, n2 = admin_names(a1, a2)
    return Place(
        gazetteer_id=gazetteer_id, name_ar=unit.name_ar, name_en=unit.name_en, placetype=unit.level,
        admin1=n1, admin2=n2, admin1_pcode=a1, admin2_pcode=a2, latitude=latitude, longitude=longitude,
        population=population, feature_code="ADM1" if unit.level == "governorate" else "ADM2",
        source=source, names_ar=names_ar,
    )


def arabic_key(name: str) -> str:
    return " ".join(normalize_text(name).split())


@lru_cache(maxsize=1)
def _governorate_centroids() -> dict[str, tuple[float, float]]:
    return {r["pcode"]: (float(r["latitude"]), float(r["longitude"])) for r in _read_csv("governorate_centroids.csv")}


def governorate_centroid(admin1_pcode: str | None) -> tuple[float, float] | None:
    """Where an event placed only in a governorate is coded: the governorate's centroid, not its seat."""
    return _governorate_centroids().get(admin1_pcode or "")
