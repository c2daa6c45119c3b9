"""Load the village-level gazetteer: Who's On First Syria + OpenSyria admin units (with P-codes).

`load_gazetteer(dir)` reads `whosonfirst-data-admin-sy.tar.gz` (directly, with tarfile) or an unpacked
`whosonfirst-data-admin-sy/` folder, plus `opensyria-data-geography/*.json`, and returns `Place` records:
 - governorates and districts from the admin table (ACLED names, OCHA P-codes as ids, the coordinates
   of their capital/seat), with the Arabic names of OpenSyria and WOF added;
 - OpenSyria sub-districts (P-code ids, polygon centroids: used only when nothing better matches);
 - WOF localities, neighbourhoods and campuses (current records only), each with its governorate and
   district, by `wof:hierarchy` or, for the ~700 without one, by point-in-polygon on the WOF counties.

The traps of the data (see the gazetteer's SOURCE.md) are handled here: Arabic names are collected from
every `name:ara_*` / `name:und_*` key, Latin-script and Persian-script values are dropped, `-alt-`
geometries and not-current records are skipped, and GeoNames duplicates of a WOF record are merged.
The parsed result is pickled under the cache dir, keyed by the sha256 of the inputs.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import pickle
import re
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from etl_project.geo.admin import (
    admin_names,
    admin_units,
    arabic_key,
    district_pcode_for_english,
    unit_place,
    governorates,
)
from etl_project.geo.types import Place

WOF_ARCHIVE = "whosonfirst-data-admin-sy.tar.gz"
WOF_FOLDER = "whosonfirst-data-admin-sy"
OPENSYRIA_FOLDER = "opensyria-data-geography"
OPENSYRIA_FILES = ("governorates.json", "districts.json", "subdistricts.json")
CACHE_FORMAT = 5  # bump when the parsing below changes

# Syria's bounding box, with a small margin.
LAT_MIN, LAT_MAX = 32.30, 37.35
LON_MIN, LON_MAX = 35.70, 42.40

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
# Letters of Persian/Urdu script that Arabic does not use: a name with them is not Arabic.
_PERSIAN = re.compile(r"[\u06CC\u06A9\u067E\u0686\u0698\u06AF\u06C0\u06D2\u06BE\u06C1]")
_FEATURE_CODE_RANK = {"PPLC": 5, "PPLA": 4, "PPLA2": 3, "PPLA3": 2, "PPLA4": 1, "PPL": 0, "PPLX": 0,
                      "PPLL": -1, "PPLF": -1, "PPLW": -2, "PPLQ": -3, "PPLH": -3}


def is_arabic_name(value: object) -> bool:
    """An Arabic-script name that is Arabic (not Latin, not Persian)."""
    if not isinstance(value, str) or not _ARABIC_LETTER.search(value):
        return False
    return not _LATIN.search(value) and not _PERSIAN.search(value)


def in_syria_bbox(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km. Python on purpose: the geocoder, the gazetteer's dedup and the warehouse's merge call it one
    pair at a time in their loops, where a DuckDB query a pair (spatial's ST_Distance_Sphere) costs ~180 µs against
    ~0.4 µs here, and language code must not need DuckDB (bench/bench_distance.py). SQL has schema.sql's distance_km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Gazetteer:
    places: list[Place]
    fingerprint: str  # changes when the inputs change
    sources: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------
# reading the raw files


def _iter_wof_features(gazetteer_dir: Path) -> Iterator[dict]:
    archive = gazetteer_dir / WOF_ARCHIVE
    folder = gazetteer_dir / WOF_FOLDER
    if archive.is_file():
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not name.endswith(".geojson") or "-alt-" in name:
                    continue
                fh = tar.extractfile(member)
                if fh is not None:
                    yield json.load(io.TextIOWrapper(fh, encoding="utf-8"))
    elif folder.is_dir():
        for path in sorted(folder.rglob("*.geojson")):
            if "-alt-" not in path.name:
                yield json.loads(path.read_text(encoding="utf-8"))


def _read_opensyria(gazetteer_dir: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    folder = gazetteer_dir / OPENSYRIA_FOLDER
    for fname in OPENSYRIA_FILES:
        path = folder / fname
        if path.is_file():
            out[fname.removesuffix(".json")] = json.loads(path.read_text(encoding="utf-8"))
    return out


def fingerprint_inputs(gazetteer_dir: Path) -> str:
    """sha256 over the archive (or the folder's file list and mtimes) and the OpenSyria files."""
    h = hashlib.sha256(f"format{CACHE_FORMAT}".encode())
    archive = gazetteer_dir / WOF_ARCHIVE
    folder = gazetteer_dir / WOF_FOLDER
    if archive.is_file():
        with archive.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    elif folder.is_dir():
        for path in sorted(folder.rglob("*.geojson")):
            st = path.stat()
            h.update(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}".encode())
    for fname in OPENSYRIA_FILES:
        path = gazetteer_dir / OPENSYRIA_FOLDER / fname
        if path.is_file():
            h.update(fname.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def has_gazetteer(gazetteer_dir: Path | None) -> bool:
    return bool(gazetteer_dir) and (
        (gazetteer_dir / WOF_ARCHIVE).is_file() or (gazetteer_dir / WOF_FOLDER).is_dir()
    )


# --------------------------------------------------------------------------------------------
# parsing


def _is_current(props: dict) -> bool:
    if props.get("mz:is_current") == 0:
        return False
    if props.get("edtf:deprecated") not in (None, "", "uuuu"):
        return False
    if props.get("wof:superseded_by"):
        return False
    cessation = props.get("edtf:cessation")
    return cessation in (None, "", "uuuu", "..", "open")


def _arabic_names(props: dict) -> list[str]:
    """Every Arabic-script (non-Persian) name, preferred first, without duplicates after normalising."""
    keys = sorted(
        (k for k in props if k.startswith("name:ara_") or k.startswith("name:und_")),
        key=lambda k: (not k.startswith("name:ara_x_preferred"), not k.startswith("name:ara"), k),
    )
    out: list[str] = []
    seen: set[str] = set()
    for k in keys:
        vals = props[k]
        for v in vals if isinstance(vals, list) else [vals]:
            if is_arabic_name(v):
                v = " ".join(v.split())
                key = arabic_key(v)
                if key not in seen:
                    seen.add(key)
                    out.append(v)
    return out


def _english_name(props: dict) -> str:
    """wof:name, unless it is not in Latin script (some city records): then the English name."""
    name = props.get("wof:name") or ""
    if _LATIN.search(name) and not _ARABIC_LETTER.search(name):
        return name
    for key in ("name:eng_x_preferred", "name:eng_x_variant", "gn:asciiname", "gn:name"):
        vals = props.get(key)
        for v in vals if isinstance(vals, list) else [vals]:
            if isinstance(v, str) and _LATIN.search(v) and not _ARABIC_LETTER.search(v):
                return v
    return name


def _int_or_none(value: object) -> int | None:
    try:
        n = int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


@dataclass
class _Raw:
    wof_id: int
    placetype: str
    name_en: str
    names: list[str]
    lat: float
    lon: float
    region_id: int | None
    county_id: int | None
    population: int | None
    feature_code: str | None
    geonames_id: int | None
    src_geom: str


def _parse_wof(gazetteer_dir: Path):
    """Returns (localities, counties {id: (name_en, names, geometry)}, regions {id: props})."""
    from shapely.geometry import shape

    localities: list[_Raw] = []
    counties: dict[int, tuple[str, list[str], object]] = {}
    regions: dict[int, dict] = {}
    for feat in _iter_wof_features(gazetteer_dir):
        props = feat.get("properties") or {}
        ptype = props.get("wof:placetype")
        if not _is_current(props):
            continue
        if ptype == "county":
            geom = feat.get("geometry") or {}
            if geom.get("type") in ("Polygon", "MultiPolygon"):
                counties[int(props["wof:id"])] = (props.get("wof:name", ""), _arabic_names(props), shape(geom))
            continue
        if ptype == "region":
            regions[int(props["wof:id"])] = props
            continue
        if ptype not in ("locality", "neighbourhood", "campus"):
            continue
        names = _arabic_names(props)
        if not names:
            continue
        try:
            lat, lon = float(props["geom:latitude"]), float(props["geom:longitude"])
        except (KeyError, TypeError, ValueError):
            continue
        if not in_syria_bbox(lat, lon):
            continue
        hier = (props.get("wof:hierarchy") or [{}])[0] or {}
        region_id = hier.get("region_id")
        county_id = hier.get("county_id")
        conc = props.get("wof:concordances") or {}
        gn = props.get("gn:geonameid") or conc.get("gn:id")
        fc = props.get("gn:feature_code") or ("AIRP" if ptype == "campus" else None)
        localities.append(
            _Raw(
                wof_id=int(props["wof:id"]),
                placetype="neighbourhood" if ptype == "neighbourhood" else "locality",
                name_en=_english_name(props),
                names=names,
                lat=lat,
                lon=lon,
                region_id=region_id if isinstance(region_id, int) and region_id > 0 else None,
                county_id=county_id if isinstance(county_id, int) and county_id > 0 else None,
                population=_int_or_none(props.get("gn:population")) or _int_or_none(props.get("wof:population")),
                feature_code=fc,
                geonames_id=_int_or_none(gn),
                src_geom=str(props.get("src:geom") or ""),
            )
        )
    return localities, counties, regions


def _record_rank(r: _Raw) -> tuple:
    """Which of two duplicate records to keep: a WOF-native record over its GeoNames copy."""
    return (
        r.src_geom != "geonames",
        r.county_id is not None,
        _FEATURE_CODE_RANK.get(r.feature_code or "", 0),
        r.population or 0,
        -r.wof_id,
    )


def _dedupe(raws: list[_Raw], km: float = 3.0) -> list[_Raw]:
    """Merge records that share a normalised Arabic name and lie within `km` of each other."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(raws):
        for n in {arabic_key(x) for x in r.names}:
            by_name[n.removeprefix("ال")].append(i)
    parent = list(range(len(raws)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for idxs in by_name.values():
        if len(idxs) < 2:
            continue
        for a_pos, a in enumerate(idxs):
            for b in idxs[a_pos + 1:]:
                ra, rb = raws[a], raws[b]
                if ra.placetype != rb.placetype:
                    continue
                if haversine_km(ra.lat, ra.lon, rb.lat, rb.lon) <= km:
                    pa, pb = find(a), find(b)
                    if pa != pb:
                        parent[pb] = pa
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(raws)):
        groups[find(i)].append(i)
    out: list[_Raw] = []
    for idxs in groups.values():
        members = sorted((raws[i] for i in idxs), key=_record_rank, reverse=True)
        keep = members[0]
        if len(members) > 1:
            seen = {arabic_key(n) for n in keep.names}
            for other in members[1:]:
                for n in other.names:
                    if arabic_key(n) not in seen:
                        seen.add(arabic_key(n))
                        keep.names.append(n)
                keep.population = keep.population or other.population
                keep.county_id = keep.county_id or other.county_id
                keep.region_id = keep.region_id or other.region_id
        out.append(keep)
    out.sort(key=lambda r: r.wof_id)
    return out


def _county_pcodes(counties: dict[int, tuple[str, list[str], object]], opensyria: dict[str, list[dict]]):
    """WOF county id -> district P-code: by English name, else by OpenSyria centroids inside the polygon."""
    from shapely.geometry import Point

    out: dict[int, str] = {}
    os_districts = [
        (d["externalIds"].get("ochaPcode"), d.get("centroid") or {}) for d in opensyria.get("districts", [])
    ]
    for cid, (name_en, _names, geom) in counties.items():
        pcode = district_pcode_for_english(name_en)
        if pcode is None:
            for pc, cen in os_districts:
                if pc and cen and geom.contains(Point(cen["longitude"], cen["latitude"])):
                    pcode = pc
                    break
        if pcode is not None:
            out[cid] = pcode
    return out


def _region_pcodes(regions: dict[int, dict], opensyria: dict[str, list[dict]]) -> dict[int, str]:
    """WOF region id -> governorate P-code, by GeoNames id, else by Arabic name."""
    by_gn = {str(g["externalIds"].get("geonames")): g["externalIds"].get("ochaPcode")
             for g in opensyria.get("governorates", [])}
    by_ar = {arabic_key(u.name_ar): u.pcode for u in governorates()}
    out: dict[int, str] = {}
    for rid, props in regions.items():
        gn = str((props.get("wof:concordances") or {}).get("gn:id") or "")
        pc = by_gn.get(gn)
        if pc is None:
            for n in _arabic_names(props):
                pc = by_ar.get(arabic_key(n))
                if pc:
                    break
        if pc:
            out[rid] = pc
    return out


class _CountyIndex:
    """Point-in-polygon over the WOF county polygons (with a nearest-county fallback for the border)."""

    def __init__(self, counties: dict[int, tuple[str, list[str], object]], pcodes: dict[int, str]):
        from shapely import STRtree
        from shapely.prepared import prep

        self.items = [(pcodes[cid], geom) for cid, (_n, _a, geom) in counties.items() if cid in pcodes]
        self.tree = STRtree([g for _p, g in self.items])
        self.prepared = [prep(g) for _p, g in self.items]

    def lookup(self, lat: float, lon: float, max_km: float = 5.0) -> str | None:
        from shapely.geometry import Point

        pt = Point(lon, lat)
        for i in self.tree.query(pt):
            if self.prepared[int(i)].contains(pt):
                return self.items[int(i)][0]
        i = self.tree.nearest(pt)
        if i is None:
            return None
        if self.items[int(i)][1].distance(pt) * 111.0 <= max_km:
            return self.items[int(i)][0]
        return None


def _seat_coords(places: list[Place]) -> dict[str, tuple[float, float]]:
    """P-code -> coordinates of its seat, found among the localities of that unit."""
    from etl_project.geo.builtin import builtin_places

    builtin = {p.gazetteer_id: p for p in builtin_places()}
    by_key: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        for n in p.names_ar:
            by_key[arabic_key(n).removeprefix("ال")].append(p)
    out: dict[str, tuple[float, float]] = {}
    for u in admin_units().values():
        cands = [p for p in by_key.get(arabic_key(u.seat_ar).removeprefix("ال"), [])
                 if p.admin1_pcode == u.admin1_pcode]
        if u.level == "district":
            cands = [p for p in cands if p.admin2_pcode == u.pcode] or cands
        if cands:
            best = max(cands, key=lambda p: (p.population or 0, _FEATURE_CODE_RANK.get(p.feature_code or "", 0)))
            out[u.pcode] = (best.latitude, best.longitude)
        else:  # fall back on the shipped table
            for p in builtin.values():
                if p.placetype in ("governorate", "district") and (p.admin2_pcode or p.admin1_pcode) == u.pcode:
                    out[u.pcode] = (p.latitude, p.longitude)
    return out


def parse_gazetteer(gazetteer_dir: Path) -> list[Place]:
    """Parse the raw files (slow: ~seconds). Use `load_gazetteer` for the cached version."""
    opensyria = _read_opensyria(gazetteer_dir)
    raws, counties, regions = _parse_wof(gazetteer_dir)
    county_pc = _county_pcodes(counties, opensyria)
    region_pc = _region_pcodes(regions, opensyria)
    index = _CountyIndex(counties, county_pc) if county_pc else None
    places = _wof_places(_dedupe(raws), county_pc, region_pc, index)
    admin_places = _admin_unit_places(opensyria, _seat_coords(places)) + _subdistrict_places(opensyria)
    return admin_places + places


def _wof_places(raws: list, county_pc: dict, region_pc: dict, index: "_CountyIndex | None") -> list[Place]:
    """WOF's places in Syria, each with its governorate and district (from its county, else its coordinates)."""
    places: list[Place] = []
    for r in raws:
        a2 = county_pc.get(r.county_id) if r.county_id else None
        a1 = a2[:4] if a2 else region_pc.get(r.region_id) if r.region_id else None
        if a2 is None and index is not None:
            a2 = index.lookup(r.lat, r.lon)
            if a2 is not None and (a1 is None or a1 == a2[:4]):
                a1 = a2[:4]
            elif a2 is not None:
                a2 = None
        if a1 is None:
            continue  # outside Syria's districts: a stray record from a neighbouring country
        n1, n2 = admin_names(a1, a2)
        places.append(
            Place(
                gazetteer_id=str(r.wof_id),
                name_ar=r.names[0],
                name_en=r.name_en,
                placetype=r.placetype,
                admin1=n1,
                admin2=n2,
                admin1_pcode=a1,
                admin2_pcode=a2,
                latitude=round(r.lat, 5),
                longitude=round(r.lon, 5),
                population=r.population,
                feature_code=r.feature_code,
                source="wof",
                names_ar=tuple(r.names),
            )
        )
    return places


def _admin_unit_places(opensyria: dict, seats: dict) -> list[Place]:
    """Admin units: ACLED names and P-codes, OpenSyria/WOF Arabic names, the seat's coordinates."""
    os_names: dict[str, list[str]] = defaultdict(list)
    os_pop: dict[str, int] = {}
    for kind in ("governorates", "districts", "subdistricts"):
        for rec in opensyria.get(kind, []):
            pc = (rec.get("externalIds") or {}).get("ochaPcode")
            if not pc:
                continue
            os_names[pc].append(rec["name"]["ar"])
            os_names[pc].extend(a["value"] for a in rec.get("aliases", []) if a.get("language") == "ar")
            pop = (rec.get("population") or {}).get("value")
            if isinstance(pop, int):
                os_pop[pc] = pop
    admin_places: list[Place] = []
    for u in admin_units().values():
        if u.pcode not in seats:
            continue
        names = [u.name_ar, *u.aliases_ar, *os_names.get(u.pcode, [])]
        lat, lon = seats[u.pcode]
        admin_places.append(unit_place(u, u.pcode, round(lat, 5), round(lon, 5), "opensyria",
                                       _unique_names(names), population=os_pop.get(u.pcode)))
    return admin_places


def _subdistrict_places(opensyria: dict) -> list[Place]:
    """Sub-districts (nahiya): polygon centroids, so only a last resort for names nothing else has."""
    units = admin_units()
    out: list[Place] = []
    for rec in opensyria.get("subdistricts", []):
        pc = (rec.get("externalIds") or {}).get("ochaPcode")
        cen = rec.get("centroid") or {}
        if not pc or not cen or len(pc) < 8 or not in_syria_bbox(cen["latitude"], cen["longitude"]):
            continue
        a2 = pc[:6] if pc[:6] in units else None
        a1 = pc[:4]
        n1, n2 = admin_names(a1, a2)
        if n1 is None:
            continue
        names = [rec["name"]["ar"]] + [a["value"] for a in rec.get("aliases", []) if a.get("language") == "ar"]
        names = [n.removeprefix("ناحية ").strip() for n in names if is_arabic_name(n)]
        names = [n for n in names if not n.startswith("مركز")]
        if not names:
            continue
        out.append(
            Place(
                gazetteer_id=pc,
                name_ar=names[0],
                name_en=rec["name"]["en"],
                placetype="subdistrict",
                admin1=n1,
                admin2=n2,
                admin1_pcode=a1,
                admin2_pcode=a2,
                latitude=round(float(cen["latitude"]), 5),
                longitude=round(float(cen["longitude"]), 5),
                population=(rec.get("population") or {}).get("value"),
                feature_code="ADM3",
                source="opensyria",
                names_ar=_unique_names(names),
            )
        )
    return out


def _unique_names(names: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        if not is_arabic_name(n):
            continue
        k = arabic_key(n)
        if k not in seen:
            seen.add(k)
            out.append(" ".join(n.split()))
    return tuple(out)


def load_gazetteer(gazetteer_dir: Path, cache_dir: Path | None = None) -> Gazetteer:
    """The parsed gazetteer, from the pickle cache when the inputs are unchanged."""
    gazetteer_dir = Path(gazetteer_dir)
    if not has_gazetteer(gazetteer_dir):
        raise FileNotFoundError(f"no {WOF_ARCHIVE} or {WOF_FOLDER}/ in {gazetteer_dir}")
    fp = fingerprint_inputs(gazetteer_dir)
    cache_file = Path(cache_dir) / f"gazetteer-{fp[:20]}.pkl" if cache_dir else None
    if cache_file is not None and cache_file.is_file():
        try:
            with cache_file.open("rb") as fh:
                places = pickle.load(fh)
            if isinstance(places, list) and places and isinstance(places[0], Place):
                return Gazetteer(places=places, fingerprint=fp, sources=("wof", "opensyria"))
        except Exception:  # a stale or truncated cache is rebuilt, never fatal
            pass
    places = parse_gazetteer(gazetteer_dir)
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(places, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache_file)
        except OSError:
            pass
    return Gazetteer(places=places, fingerprint=fp, sources=("wof", "opensyria"))


def places_frame(places: list[Place]):
    """The places as a polars DataFrame (the warehouse's `places` table)."""
    import polars as pl

    schema = {
        "gazetteer_id": pl.Utf8, "name_ar": pl.Utf8, "name_en": pl.Utf8, "placetype": pl.Utf8,
        "admin1": pl.Utf8, "admin2": pl.Utf8, "admin1_pcode": pl.Utf8, "admin2_pcode": pl.Utf8,
        "latitude": pl.Float64, "longitude": pl.Float64, "population": pl.Int64,
        "feature_code": pl.Utf8, "source": pl.Utf8, "names_ar": pl.List(pl.Utf8),
    }
    cols: dict[str, list] = {k: [] for k in schema}
    for p in places:
        for k in schema:
            v = getattr(p, k)
            cols[k].append(list(v) if k == "names_ar" else v)
    return pl.DataFrame(cols, schema=schema)
