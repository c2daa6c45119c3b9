"""Disambiguation: which of a name's candidate places the article means, with the whole article as context.

`Resolution._resolve` runs RESOLUTION_STEPS in order over one `Reading` of the article (the hits, and per
hit its candidates' scores and the chosen candidate), then hands the reading to placing (placing.py).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from etl_project.geo.cues import NAME_HEADS, Span
from etl_project.geo.names import fast_km, skeleton
from etl_project.geo.types import PlaceMention

_CLAUSE_BREAK = re.compile(r"[.!?;:\n]")
# "X بريف Y", "X في محافظة Y", "X، ريف Y": the governorate or district that X lies in
_QUALIFIER_CUES = frozenset({"ريف", "محافظه"})
_QUALIFIER_GAP = re.compile(r"\s*[,،]?\s*(?:(?:الواقعه|الواقع|التابعه|التابع)\s+)?(?:في\s+|ب|ل)?")


@dataclass
class Reading:
    """One article's hits and, per hit i, its candidates' scores (priors[i]), the chosen candidate
    (resolved[i], -1 for none), whether that choice is sure (confident[i]) and its clause number."""

    text: str
    spans: list[Span]
    adm1: Counter = field(default_factory=Counter)  # governorates the article names (districts count half)
    adm2: Counter = field(default_factory=Counter)  # districts the article names
    clauses: list[int] = field(default_factory=list)
    priors: list[list[float]] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    confident: list[bool] = field(default_factory=list)


def _admin_context(g, r: Reading) -> None:
    """The governorates and districts the article names (not inside an organisation's name or a landmark)."""
    places = g.places
    for s in r.spans:
        if s.in_name or s.landmark:
            continue
        for e in s.entries or ():
            p = places[e.idx]
            if p.placetype == "governorate":
                r.adm1[p.admin1_pcode] += 1
            elif p.placetype == "district":
                r.adm2[p.admin2_pcode] += 1
                r.adm1[p.admin1_pcode] += 0.5




def _same_consonants_nearby(g, r: Reading) -> None:
    """A name after قرية/بلدة/مدينة with no candidate in the governorates the article names: the same
    consonants there, in a spelling of the same length give or take a letter ("الفقيع" for الفقعة, "الدرخبية"
    for دير خبية), are the better reading (not "الحصان" for الحسينية: a suffix of its own)."""
    if not r.adm1:
        return
    places, adm1 = g.places, r.adm1
    for s in r.spans:
        if (s.cue is None or s.cue.kind != "settlement" or s.cue.strength < 2 or s.in_name or s.key in NAME_HEADS
                or not s.entries or any(places[e.idx].admin1_pcode in adm1 for e in s.entries)):
            continue
        sk = skeleton(s.key)
        alt = [e for gov in adm1 for e in g._skel.get((gov, sk), ())
               if abs(len(e.form.replace(" ", "")) - len(s.key.replace(" ", ""))) <= 1] if len(sk) >= 3 else []
        if alt:
            s.entries = alt


def _clauses(g, r: Reading) -> None:
    clause_ends = [m.start() for m in _CLAUSE_BREAK.finditer(r.text)]
    r.clauses = [bisect_left(clause_ends, s.start) for s in r.spans]


def _priors(g, r: Reading) -> None:
    """Pass 1: each candidate's prior plus the admin context (once per distinct spelling); the best one,
    and whether a rival far from it scores close to it."""
    memo: dict[tuple[str, str, int], tuple[list[float], int, bool]] = {}
    for s in r.spans:
        ents = s.entries or []
        if not ents:
            r.priors.append([])
            r.resolved.append(-1)
            r.confident.append(False)
            continue
        mk = (s.key, s.surface, id(ents))
        hit = memo.get(mk)
        if hit is None:
            hit = memo[mk] = _score_candidates(g, r, s, ents)
        r.priors.append(hit[0])
        r.resolved.append(hit[1])
        r.confident.append(hit[2])


def _score_candidates(g, r: Reading, s: Span, ents: list) -> tuple[list[float], int, bool]:
    core = s.surface[2:] if s.has_article and s.surface.startswith("ال") else s.surface
    sart = s.has_article
    ps = []
    for e in ents:
        sc = e.static
        if e.form == core:
            sc += 0.9 if e.has_article == sart else 0.6
        if e.a1 in r.adm1:
            sc += 1.5
        if e.a2 in r.adm2:
            sc += 0.7
        ps.append(sc)
    top = max(range(len(ents)), key=ps.__getitem__) if len(ents) > 1 else 0
    conf = True
    ki = g._kinfo.get(s.key)
    if len(ents) > 1 and not (ki is not None and ki[4] and ents is g._index.get(s.key)):
        t = ents[top]
        lim = ps[top] - 1.5
        for k, e in enumerate(ents):
            if k != top and ps[k] > lim and fast_km(t.lat, t.lon, e.lat, e.lon) >= 10:
                conf = False
                break
    return ps, top, conf


def _proximity(g, r: Reading) -> None:
    """Pass 2, for the ambiguous names only: closeness to the places the article is sure of, weighted by
    how close in the text they are named."""
    if all(r.confident):
        return
    spans, resolved, clauses = r.spans, r.resolved, r.clauses
    anchors: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # place -> (clause, pos, key)
    for i, s in enumerate(spans):
        if resolved[i] >= 0 and r.confident[i] and not s.in_name and not s.landmark:
            anchors[s.entries[resolved[i]].idx].append((clauses[i], s.start, s.key))
    for i, s in enumerate(spans):
        if r.confident[i] or resolved[i] < 0:
            continue
        weights: list[tuple[float, float, float]] = []
        for aidx, occ in anchors.items():
            w = 0.7
            for cl, pos, key in occ:
                if key == s.key:
                    continue
                if cl == clauses[i]:
                    w = max(w, 3.0 if abs(pos - s.start) < 120 else 1.5)
            a = g.places[aidx]
            weights.append((w, a.latitude, a.longitude))
        if not weights:
            continue
        best_k, best_sc = resolved[i], -1e9
        for k, e in enumerate(s.entries):
            prox = 0.0
            for w, lat, lon in weights:
                v = w * math.exp(-fast_km(e.lat, e.lon, lat, lon) / 30.0)
                if v > prox:
                    prox = v
            sc = r.priors[i][k] + prox
            if sc > best_sc:
                best_k, best_sc = k, sc
        resolved[i] = best_k


# "X، شرقي Y", "X شمال شرقي Y": a direction from a governorate, a district or their seat
_DIRECTIONS = frozenset({"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي"})
# (up to two more words of the name the gazetteer lacks: "جديد عكيدات" is not "جديدة")
_DIRECTION_GAP = re.compile(r"(?:\s+[\u0621-\u064a]+){0,2}\s*[,،]?\s*(?:(?:شمال|جنوب|شرق|غرب)ي?\s+)?")
_SEATS = frozenset({"PPLC", "PPLA", "PPLA2"})
_CAPITAL_AND_ITS_COUNTRYSIDE = frozenset({"SY01", "SY03"})  # "جنوب دمشق" lies in Rif Dimashq


def _same_governorate(a: str | None, b: str | None) -> bool:
    return a == b or {a, b} <= _CAPITAL_AND_ITS_COUNTRYSIDE


def _in_the_governorate_of_the_next(g, r: Reading, cue_words: frozenset, gap: re.Pattern, located) -> None:
    """A place located by the place named right after it (cue word in `cue_words`, only `gap` between them)
    lies in that place's governorate when `located(p, q)` says the pair is such a one; a homonym elsewhere is the
    wrong reading, and none at all is better than it."""
    places, spans, resolved, text = g.places, r.spans, r.resolved, r.text
    for i, s in enumerate(spans[:-1]):
        t = spans[i + 1]
        if resolved[i] < 0 or resolved[i + 1] < 0 or s.in_name or s.landmark or t.in_name \
                or t.cue is None or t.cue.word not in cue_words:
            continue
        p = places[s.entries[resolved[i]].idx]
        q = places[t.entries[resolved[i + 1]].idx]
        if not q.admin1_pcode or p.gazetteer_id == q.gazetteer_id or _same_governorate(p.admin1_pcode, q.admin1_pcode) \
                or not located(p, q) or not gap.fullmatch(text, s.end, g._cue_start(text, t.word_start)):
            continue
        alt = [k for k, e in enumerate(s.entries) if _same_governorate(places[e.idx].admin1_pcode, q.admin1_pcode)]
        resolved[i] = max(alt, key=r.priors[i].__getitem__) if alt else -1


def _qualified_by_governorate(g, r: Reading) -> None:
    """"بادية الرصافة بريف الرقة الجنوبي": a town qualified by the governorate it lies in is a place of that
    governorate."""
    _in_the_governorate_of_the_next(g, r, _QUALIFIER_CUES, _QUALIFIER_GAP,
                                    lambda p, q: p.placetype in ("locality", "neighbourhood"))


def _directed_from_a_frame(g, r: Reading) -> None:
    """"بلدة جديد عكيدات، شرقي دير الزور": a town told by its direction from a governorate, a district or their
    seat lies in that governorate (the town is one the gazetteer lacks when it has no reading there). ("غربي
    بلدة X": a village near a mere town may lie across a governorate's border.)"""
    _in_the_governorate_of_the_next(g, r, _DIRECTIONS, _DIRECTION_GAP, lambda p, q: p.placetype != "governorate"
                                    and (q.placetype != "locality" or q.feature_code in _SEATS))


# the side of the place named after it that each direction word puts a place on: (axis, sign), axis 0 north-south
_SIDES = {"شمال": (0, 1), "شمالي": (0, 1), "جنوب": (0, -1), "جنوبي": (0, -1), "شرق": (1, 1), "شرقي": (1, 1),
          "غرب": (1, -1), "غربي": (1, -1)}
_DIRECTION_WORD = re.compile(r"(?<![\u0621-\u064a])(?:شمال|جنوب|شرق|غرب)ي?(?![\u0621-\u064a])")
_SIDE_SLACK_KM = 3.0  # (a town "north" of a city may lie a little to its south-west: only a clear miss counts)


def _sides(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sides the direction words in text[start:end] name ("شمال شرقي": north and east)."""
    return [_SIDES[m.group()] for m in _DIRECTION_WORD.finditer(text, start, end)][-2:]


def _off_course(p, q, sides: list[tuple[int, int]]) -> bool:
    """p lies clearly on the other side of q than a side the text names ("شمال شرقي دير الزور" for a village
    north-west of the city)."""
    km = (111.2 * (p.latitude - q.latitude), 111.2 * 0.82 * (p.longitude - q.longitude))
    return any(km[axis] * sign < -_SIDE_SLACK_KM for axis, sign in sides)


def _direction_agrees(g, r: Reading) -> None:
    """"قرية الكسار الفوقاني شمال شرقي دير الزور": a reading that lies on the other side of the place named after
    it is the wrong reading (here a Kasar west of the city); another reading that agrees, else none."""
    places, spans, resolved, text = g.places, r.spans, r.resolved, r.text
    for i, s in enumerate(spans[:-1]):
        t = spans[i + 1]
        if resolved[i] < 0 or resolved[i + 1] < 0 or s.in_name or s.landmark or t.cue is None \
                or t.cue.word not in _DIRECTIONS:
            continue
        cue_start = g._cue_start(text, t.word_start)
        if not _DIRECTION_GAP.fullmatch(text, s.end, cue_start):
            continue
        sides = _sides(text, s.end, t.word_start)
        q = places[t.entries[resolved[i + 1]].idx]
        if not sides or not _off_course(places[s.entries[resolved[i]].idx], q, sides):
            continue
        alt = [k for k, e in enumerate(s.entries) if not _off_course(places[e.idx], q, sides)
               and fast_km(places[e.idx].latitude, places[e.idx].longitude, q.latitude, q.longitude) < 60]
        resolved[i] = max(alt, key=r.priors[i].__getitem__) if alt else -1


def _list_in_one_governorate(g, r: Reading) -> None:
    """"قرى مرعناز والمالكية وشوارغة الأرز": the villages of one list lie in one governorate; a famous
    homonym elsewhere gives way to the reading in the governorate of the others."""
    places, spans, resolved = g.places, r.spans, r.resolved
    index_of = {id(s): i for i, s in enumerate(spans)}
    for i, s in enumerate(spans):
        if resolved[i] < 0:
            continue
        members = []
        j = s
        while j.list_prev is not None and id(j.list_prev) in index_of:
            j = j.list_prev
            members.append(index_of[id(j)])
        k = i + 1
        while k < len(spans) and spans[k].list_prev is spans[k - 1]:
            members.append(k)
            k += 1
        govs = {places[spans[m].entries[resolved[m]].idx].admin1_pcode for m in members if resolved[m] >= 0}
        mine = places[s.entries[resolved[i]].idx].admin1_pcode
        if len(govs) != 1 or mine in govs:
            continue
        alt = [e for e, ent in enumerate(s.entries) if places[ent.idx].admin1_pcode in govs]
        if alt:
            resolved[i] = max(alt, key=r.priors[i].__getitem__)
        elif len(members) >= 2 and s.cue is not None and s.cue.kind == "settlement":
            # "بلدات بعربو وعابدين والهبيط" in Idlib: no Abidin there, so not Daraa's; one the gazetteer lacks
            resolved[i] = -1


def _weak_must_fit(g, r: Reading) -> None:
    """Names admitted on weak evidence must fit the geography of the others; an ordinary word that is also
    a name only right beside the article's other places."""
    places, spans, resolved = g.places, r.spans, r.resolved
    strong = [places[s.entries[resolved[i]].idx] for i, s in enumerate(spans)
              if resolved[i] >= 0 and not s.weak and not s.in_name and not s.landmark]
    strong_adm1 = {p.admin1_pcode for p in strong}
    for i, s in enumerate(spans):
        if s.weak and resolved[i] >= 0:
            p = places[s.entries[resolved[i]].idx]
            if s.common:
                if not any(q is not p and (fast_km(p.latitude, p.longitude, q.latitude, q.longitude) < 25
                                           or (q.placetype == "locality" and q.admin2_pcode == p.admin2_pcode))
                           for q in strong):
                    resolved[i] = -1
            elif p.admin1_pcode not in strong_adm1 and not any(
                    fast_km(p.latitude, p.longitude, q.latitude, q.longitude) < 40 for q in strong):
                resolved[i] = -1


RESOLUTION_STEPS = (
    ("admin context: the governorates and districts the article names", _admin_context),
    ("a settlement with no candidate there: the same consonants there", _same_consonants_nearby),
    ("clauses of the text", _clauses),
    ("priors and admin context, and which choices are sure", _priors),
    ("ambiguous names: closeness to the sure places", _proximity),
    ("a town qualified by its governorate lies in it", _qualified_by_governorate),
    ("a town told by its direction from a governorate or its seat lies in it", _directed_from_a_frame),
    ("a town told by its direction from a place lies that way from it", _direction_agrees),
    ("the villages of one list lie in one governorate", _list_in_one_governorate),
    ("names on weak evidence must fit the others' geography", _weak_must_fit),
)


class Resolution:
    """The candidate each hit means (RESOLUTION_STEPS), then where the event is placed (Placing)."""

    def _resolve(self, text: str, spans: list[Span]) -> list[PlaceMention]:
        if not spans:
            return []
        reading = Reading(text, spans)
        for _name, step in RESOLUTION_STEPS:
            step(self, reading)
        return self._place_mentions(reading)
