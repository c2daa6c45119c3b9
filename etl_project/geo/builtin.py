"""The shipped offline gazetteer (`data/builtin_places.csv`): governorates, districts and the towns,
villages and neighbourhoods Syrian news names most. Hand-curated for this project; see the CSV header."""
from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from importlib import resources

from etl_project.geo.admin import admin_names, admin_units, arabic_key, unit_place
from etl_project.geo.types import Place

BUILTIN_FILE = "builtin_places.csv"


def _text() -> str:
    ref = resources.files("etl_project.geo").joinpath("data", BUILTIN_FILE)
    return ref.read_text(encoding="utf-8") if ref.is_file() else ""


def builtin_fingerprint() -> str:
    return hashlib.sha256(_text().encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def builtin_places() -> tuple[Place, ...]:
    """The shipped towns, then the governorates and districts placed at their capital/seat."""
    lines = [ln for ln in _text().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    towns: list[Place] = []
    for row in csv.DictReader(lines):
        a2 = row["admin2_pcode"]
        a1 = a2[:4]
        n1, n2 = admin_names(a1, a2)
        variants = [v for v in (row.get("variants_ar") or "").split("|") if v]
        towns.append(
            Place(
                gazetteer_id=f"builtin:{row['slug']}",
                name_ar=row["name_ar"],
                name_en=row["name_en"],
                placetype=row["placetype"],
                admin1=n1,
                admin2=n2,
                admin1_pcode=a1,
                admin2_pcode=a2,
                latitude=float(row["lat"]),
                longitude=float(row["lon"]),
                population=None,
                feature_code=row.get("feature_code") or None,
                source="builtin",
                names_ar=tuple([row["name_ar"], *variants]),
            )
        )
    seat: dict[tuple[str, str], Place] = {}
    for t in towns:
        if t.placetype == "locality":
            for n in t.names_ar:
                seat.setdefault((arabic_key(n), t.admin1_pcode or ""), t)
    units: list[Place] = []
    for u in admin_units().values():
        town = seat.get((arabic_key(u.seat_ar), u.admin1_pcode))
        if town is None:
            continue
        units.append(unit_place(u, f"builtin:{u.pcode.lower()}", town.latitude, town.longitude, "builtin",
                                tuple([u.name_ar, *u.aliases_ar])))
    return tuple(units + towns)
