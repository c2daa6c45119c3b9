"""Candidate lookup: every spelling of every place in one index (and one Aho-Corasick automaton over
it), with what is known of each spelling once (famous? always with ال? an admin unit among its readings?),
each place's prior, each district's seat town, and the full gazetteer merged with the shipped one."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import ahocorasick

from etl_project.geo import lexicon
from etl_project.geo.builtin import builtin_fingerprint, builtin_places
from etl_project.geo.gazetteer import haversine_km, has_gazetteer, load_gazetteer, places_frame
from etl_project.geo.lexicon import norm
from etl_project.geo.names import fast_km, fold, name_forms, skeleton, without_alif
from etl_project.geo.types import Place

_FC_PRIOR = {"PPLC": 1.2, "PPLA": 1.0, "PPLA2": 0.8, "PPLA3": 0.6, "PPLA4": 0.3, "PPL": 0.0,
             "PPLL": -0.2, "PPLF": -0.3, "PPLW": -0.6, "PPLQ": -1.0, "PPLH": -1.0, "AIRP": -0.2}
SEAT_RANK = {"PPLC": 3, "PPLA": 2, "PPLA2": 1}


def _bare(name: str) -> str:
    """A normalised name without its leading ال (kept on short names)."""
    return name[2:] if name.startswith("ال") and len(name) > 4 else name


@dataclass(slots=True)
class Entry:
    idx: int  # index into Geocoder.places
    form: str  # the name form (normalised, unfolded, without a leading ال)
    has_article: bool  # the gazetteer's form starts with ال
    static: float = 0.0  # prior from the place alone: type, feature class, population, fame
    lat: float = 0.0
    lon: float = 0.0
    a1: str | None = None
    a2: str | None = None


class PlaceIndex:
    """Construction of the Geocoder: the places, their spellings, their priors."""

    @classmethod
    def load(cls, gazetteer_dir: Path | None, cache_dir: Path | None = None) -> "PlaceIndex":
        """The full gazetteer merged with the shipped one, or the shipped one alone."""
        builtin = list(builtin_places())
        if gazetteer_dir is None or not has_gazetteer(Path(gazetteer_dir)):
            famous = set(range(len(builtin)))
            return cls(builtin, "builtin:" + builtin_fingerprint(), famous=famous, full=False)
        gaz = load_gazetteer(Path(gazetteer_dir), cache_dir)
        places = list(gaz.places)
        famous: set[int] = set()
        extra: dict[int, list[str]] = defaultdict(list)
        by_form: dict[str, list[int]] = defaultdict(list)
        by_id = {p.gazetteer_id: i for i, p in enumerate(places)}
        for i, p in enumerate(places):
            for n in p.names_ar:
                for f in name_forms(n):
                    by_form[f].append(i)
        for b in builtin:
            if b.placetype in ("governorate", "district"):
                pc = b.admin1_pcode if b.placetype == "governorate" else b.admin2_pcode
                j = by_id.get(pc or "")
                if j is not None:
                    famous.add(j)
                    extra[j].extend(b.names_ar)
                    continue
            match = None
            best = 1e9
            for n in b.names_ar:
                for f in name_forms(n):
                    for j in by_form.get(f, ()):
                        q = places[j]
                        if q.placetype in ("governorate", "district", "subdistrict"):
                            continue
                        d = haversine_km(b.latitude, b.longitude, q.latitude, q.longitude)
                        if d < best:
                            best, match = d, j
            if match is not None and best <= 6.0:
                famous.add(match)
                extra[match].extend(b.names_ar)
            else:
                famous.add(len(places))
                places.append(b)
        fp = gaz.fingerprint + "|" + builtin_fingerprint()
        return cls(places, fp, famous=famous, extra_names=extra, full=True)

    def _build(self, extra_names: dict[int, list[str]]) -> None:
        """The lookup structures, in order: spellings, what is known per spelling, consonant skeletons and
        spellings without ا,
        places abroad, the automaton, each district's seat town."""
        self._index = self._spellings(extra_names)
        self._aos_cache: dict[tuple[str, str | None, int], Place] = {}
        self._kinfo = self._key_info()
        self._skel = self._by_governorate(skeleton, 3)  # the same consonants
        self._alifless = self._by_governorate(without_alif, 4)  # the same letters, with or without a long ا
        self._foreign_by_key: dict[str, lexicon.Foreign] = {fold(_bare(name)): f for name, f in self._foreign.items()}
        auto = ahocorasick.Automaton()
        for key in self._index:
            auto.add_word(key + " ", key + " ")
        auto.make_automaton()
        self._auto = auto
        self._seat = self._seat_towns()

    def _spellings(self, extra_names: dict[int, list[str]]) -> dict[str, list[Entry]]:
        """Folded spelling -> the candidate places written so (foreign names too, with no candidate)."""
        index: dict[str, list[Entry]] = defaultdict(list)
        for i, p in enumerate(self.places):
            seen: set[str] = set()
            for n in list(p.names_ar or (p.name_ar,)) + extra_names.get(i, []):
                nn = norm(n)
                art = nn.startswith("ال")
                for f in name_forms(n):
                    if f in seen:
                        continue
                    seen.add(f)
                    index[fold(f)].append(Entry(i, f, art, self._static_prior(i), p.latitude, p.longitude,
                                                p.admin1_pcode, p.admin2_pcode))
        for name in self._foreign:
            index.setdefault(fold(_bare(name)), [])
        return dict(index)

    def _key_info(self) -> dict[str, tuple[bool, bool, bool, bool, bool]]:
        """Per spelling, once: (famous, famous and written without ال, every name has ال, has admin units,
        every candidate within 10 km of the others)."""
        info: dict[str, tuple[bool, bool, bool, bool, bool]] = {}
        for key, ents in self._index.items():
            fam = [e for e in ents if e.idx in self._famous and self.places[e.idx].placetype != "neighbourhood"]
            info[key] = (
                bool(fam),
                any(not e.has_article for e in fam),
                bool(ents) and all(e.has_article for e in ents),
                any(self.places[e.idx].placetype in ("governorate", "district") for e in ents),
                all(fast_km(a.lat, a.lon, b.lat, b.lon) < 10 for a in ents for b in ents),
            )
        return info

    def _by_governorate(self, variant, min_len: int) -> dict[tuple[str, str], list[Entry]]:
        """(governorate, a variant of the spelling) -> the entries of the localities there so written."""
        out: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for key, ents in self._index.items():
            k = variant(key)
            if len(k) < min_len:
                continue
            for e in ents:
                p = self.places[e.idx]
                if p.placetype == "locality" and p.admin1_pcode:
                    out[(p.admin1_pcode, k)].append(e)
        return dict(out)

    def spelled_without_alif(self, written: str, admin1_pcode: str | None) -> Place | None:
        """The one locality of a governorate whose name `written` (normalised text) gives with or without a
        long ا ("معرشمرين" for معر شمارين), for a village the gazetteer seemed to lack."""
        k = without_alif(fold(_bare(written)))
        found = {e.idx for e in self._alifless.get((admin1_pcode or "", k), ())} if len(k) >= 4 else set()
        return self.places[found.pop()] if len(found) == 1 else None

    def district_seat(self, admin2_pcode: str | None) -> Place | None:
        """The seat town of a district (its P-code), where a place of it the gazetteer lacks is coded."""
        return self._seat.get(admin2_pcode or "")

    def _seat_towns(self) -> dict[str, Place]:
        """Each district's seat town (where a neighbourhood's events are placed, as ACLED does)."""
        seats: dict[str, Place] = {}
        for p in self.places:
            if p.placetype != "district" or not p.admin2_pcode:
                continue
            towns = []
            for n in p.names_ar:
                for f in name_forms(n):
                    for e in self._index.get(fold(f), ()):
                        q = self.places[e.idx]
                        if q.placetype == "locality" and fast_km(q.latitude, q.longitude, p.latitude, p.longitude) < 8:
                            towns.append(q)
            if towns:
                seats[p.admin2_pcode] = max(towns, key=lambda q: (q.source != "builtin", q.population or 0))
        return seats

    def _static_prior(self, i: int) -> float:
        p = self.places[i]
        sc = 0.0
        if p.placetype == "subdistrict":
            sc -= 1.5
        elif p.placetype in ("governorate", "district"):
            sc += 0.5
        sc += _FC_PRIOR.get(p.feature_code or "", 0.0)
        if p.population:
            sc += min(1.0, math.log10(p.population + 1) / 6)
        if i in self._famous:
            sc += 0.8
        if p.source == "builtin" and self.full:
            sc -= 0.1
        return sc

    # ------------------------------------------------------------------ public helpers

    def places_frame(self):
        return places_frame(self.places)

    def place(self, gazetteer_id: str) -> Place | None:
        for p in self.places:
            if p.gazetteer_id == gazetteer_id:
                return p


def mark_seats(places: list[Place]) -> list[Place]:
    """Governorate capitals get feature code PPLA (Damascus PPLC) and district seats PPLA2, from the
    admin table's seats: the localities of that name within 10 km of the unit's (seat) coordinates."""
    from etl_project.geo.admin import admin_units

    def bare(n: str) -> str:
        k = norm(n)
        return k[2:] if k.startswith("ال") and len(k) > 4 else k

    by_name: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(places):
        if p.placetype == "locality":
            for n in p.names_ar or (p.name_ar,):
                by_name[bare(n)].append(i)
    units = admin_units()
    code: dict[int, str] = {}
    for p in places:
        if p.placetype not in ("governorate", "district"):
            continue
        u = units.get((p.admin1_pcode if p.placetype == "governorate" else p.admin2_pcode) or "")
        if u is None or not u.seat_ar:
            continue
        fc = ("PPLC" if u.pcode == "SY01" else "PPLA") if u.level == "governorate" else "PPLA2"
        for i in set(by_name.get(bare(u.seat_ar), ())):
            q = places[i]
            if q.admin1_pcode == p.admin1_pcode and fast_km(q.latitude, q.longitude, p.latitude, p.longitude) <= 10:
                if SEAT_RANK.get(fc, 0) > SEAT_RANK.get(code.get(i) or q.feature_code or "", 0):
                    code[i] = fc
    if not code:
        return places
    return [replace(p, feature_code=code[i]) if i in code else p for i, p in enumerate(places)]

