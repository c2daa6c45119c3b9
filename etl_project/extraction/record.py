"""Pass `record`: each incident as an output record (spec: shared/spec/event_record.md), its keys in the order
of etl_project.schema.OUTPUT_FIELDS, the last of them `rules`: the names of the rules that decided its type,
place, date and background and how its mentions were grouped."""
from __future__ import annotations

import hashlib

from etl_project.extraction.actors import record_actors
from etl_project.extraction.casualties import deaths_and_injuries
from etl_project.extraction.incident_places import is_capital
from etl_project.extraction.model import ROLE_RANK, ArticleContext, Candidate
from etl_project.geo.admin import governorate_centroid

_DESERT_CUES = {"باديه"}


def _date_text(doc: ArticleContext, c: Candidate) -> str | None:
    norm = doc.norm
    span = c.date_text_span or next((m.date_text_span for m in c.members if m.date_text_span and m.date_explicit), None)
    if not span:
        return None
    a, b = norm.span(*span)
    return norm.original[a:b].strip(" ،,()")


def _confidence(c: Candidate) -> float:
    conf = 0.45
    conf += 0.15 if c.date_explicit else 0.0
    conf += 0.15 if ROLE_RANK.get(c.role, 5) <= 1 else 0.05
    conf += 0.1 if c.priority >= 60 else 0.0
    conf += 0.05 * min(len(c.members), 2)
    conf *= getattr(c.place, "confidence", 1.0) or 1.0
    return round(min(conf, 0.95), 2)


def _geo_precision(c: Candidate) -> int:
    prec = c.place.geo_precision
    if c.role in ("near", "between", "road", "ref", "fallback"):
        prec = max(prec, 2)
    if c.place.place.placetype == "governorate" or c.place.cue in _DESERT_CUES and is_capital(c.place.place):
        prec = 3  # "بادية دير الزور": the governorate's desert, not the city
    if c.unknown_settlement and is_capital(c.place.place):
        prec = 3  # "بلدة جديد عكيدات، شرقي دير الزور": a village of the governorate, not the city
    return prec


def _coordinates(c: Candidate, precision: int) -> tuple[float, float]:
    """Where the event is put: the place, or the governorate's centroid (not its seat) for an event known
    only to its governorate (ACLED's geo-precision 3, as the spec says)."""
    p = c.place.place
    if precision == 3:
        return governorate_centroid(p.admin1_pcode) or (p.latitude, p.longitude)
    return p.latitude, p.longitude


def record(doc: ArticleContext, c: Candidate) -> dict:
    norm, aid = doc.norm, doc.aid
    p = c.place.place
    fat, inj = deaths_and_injuries(doc.T, c)
    s = c.sentence
    ev_start, ev_end = norm.span(s.start, s.end)
    loc_a, loc_b = norm.span(c.place.start, c.place.end)
    actors = record_actors(c, norm)
    event_date = c.date.isoformat() if c.date else None
    background = bool(c.background and all(m.background for m in c.members if m.date_explicit)
                      if c.date_explicit else c.background)
    rules = [r for r in c.rule_names() if background or not r.startswith("background:")]
    precision = _geo_precision(c)
    latitude, longitude = _coordinates(c, precision)
    return {
        "event_id": None,  # set by `run`: the sentence the incident was read from, not what was read in it
        "article_id": aid,
        "event_date": event_date,
        "time_precision": c.date_precision if c.date_explicit else 1,
        "date_text": _date_text(doc, c),
        "event_type": c.event_type,
        "sub_event_type": c.sub_event_type,
        **actors,
        "location_name": p.name_ar,
        "location_name_en": p.name_en,
        "admin1": p.admin1,
        "admin2": p.admin2,
        "admin1_pcode": p.admin1_pcode,
        "admin2_pcode": p.admin2_pcode,
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": precision,
        "location_text": norm.original[loc_a:loc_b],
        "gazetteer_id": p.gazetteer_id,
        "fatalities": fat,
        "injuries": inj,
        "is_background": background,
        "evidence": norm.original[ev_start:ev_end],
        "evidence_start": ev_start,
        "evidence_end": ev_end,
        "confidence": _confidence(c),
        "extractor_version": doc.version,
        "rules": rules,
    }


def mention_id(article_id: str, evidence_start: int, ordinal: int) -> str:
    """An incident's id in its article: the article, the offset of the sentence it was read from, and its rank among
    the incidents of that sentence. Nothing the gazetteer, the date or type rules decide goes in, so another gazetteer
    or extractor version that reads the same sentence gives the same id (the warehouse records what changed)."""
    return hashlib.sha1(f"{article_id}|{evidence_start}|{ordinal}".encode("utf-8")).hexdigest()[:16]


def run(doc: ArticleContext) -> None:
    doc.records = [record(doc, c) for c in doc.candidates]
    per_sentence: dict[int, int] = {}
    for rec in doc.records:
        ordinal = per_sentence.get(rec["evidence_start"], 0)
        per_sentence[rec["evidence_start"]] = ordinal + 1
        rec["event_id"] = mention_id(doc.aid, rec["evidence_start"], ordinal)
