"""Placing: from the candidate each name means to the place an event is coded at. An admin unit's name is
the unit after محافظة/ريف/منطقة and otherwise its seat town; a landmark (square, street, building) and a
neighbourhood are placed at their town; a place that only qualifies the one before it is marked so; and
neighbourhoods the gazetteer does not know ("حي X") are placed at the town named after them."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from etl_project.geo.cues import Span
from etl_project.geo.index import SEAT_RANK
from etl_project.geo.lexicon import norm
from etl_project.geo.names import fast_km, is_letter
from etl_project.geo.types import Place, PlaceMention

_GAP_BREAK = re.compile(r"[,.;:!?\n]")
_FAMOUS_FEATURE_CODES = {"PPLC", "PPLA", "PPLA2", "PPLA3", "ADM1", "ADM2"}


class Placing:
    """The mentions of one resolved reading (see disambiguate.Reading)."""

    def _place_mentions(self, r) -> list[PlaceMention]:
        out: list[PlaceMention] = []
        for i, s in enumerate(r.spans):
            if s.foreign is not None and not s.entries:
                out.append(PlaceMention(s.start, s.end, s.surface, None, 3, foreign=True,
                                        cue=None, confidence=0.9))
                continue
            if r.resolved[i] < 0:
                continue
            m = self._place_one(r, i)
            if m is not None:
                out.append(m)
        out.extend(self._unknown_neighbourhoods(r.text, r.spans, r.resolved, out))
        out.sort(key=lambda m: m.start)
        return out

    def _candidate_place(self, s: Span, k: int) -> Place:
        """The place of candidate k of span s, an admin unit read as the unit or its seat (cached per spelling)."""
        places = self.places
        place = places[s.entries[k].idx]
        kinfo = self._kinfo
        if place.placetype != "locality" or s.key not in kinfo or kinfo[s.key][3]:
            if s.entries is self._index.get(s.key):
                ak = (s.key, s.cue.word if s.cue else None, k)
                got = self._aos_cache.get(ak)
                if got is None:
                    got = self._aos_cache[ak] = self._admin_or_seat(s, place, [places[e.idx] for e in s.entries])
                place = got
            else:
                place = self._admin_or_seat(s, place, [places[e.idx] for e in s.entries])
        return place

    def _place_one(self, r, i: int) -> PlaceMention | None:
        """Span i's mention: its place (a landmark or neighbourhood at its town), precision, role, confidence."""
        text, spans, resolved = r.text, r.spans, r.resolved
        s = spans[i]
        place = self._candidate_place(s, resolved[i])
        precision = _precision(s, place)
        start, end, surface = s.start, s.end, s.surface
        cue_word = s.cue.word if s.cue else None
        role = None
        if s.landmark:
            # a square/street/building: at its town when its name is not that town itself
            if not (place.placetype in ("governorate", "district") or place.feature_code in SEAT_RANK
                    or any(o.key == s.key and not o.landmark and not o.weak and resolved[j] >= 0
                           for j, o in enumerate(spans))):
                city = self._city_for_landmark(text, i, spans, resolved)
                if city is None:
                    return None
                place, precision = city, 1
            start = self._cue_start(text, s.word_start)
            surface = text[start:end]
            role = "landmark"
        if s.cue is not None and s.cue.kind == "neighbourhood" and place.placetype != "neighbourhood" \
                and place.feature_code not in SEAT_RANK:
            city = self._city_for_neighbourhood(text, i, spans, resolved)
            if city is not None:
                place, precision = city, 1
        if s.cue is not None and s.cue.kind == "neighbourhood":
            start = self._cue_start(text, s.word_start)
            surface = text[start:end]
        if place.placetype == "neighbourhood":
            seat = self._seat.get(place.admin2_pcode or "")
            if seat is not None and fast_km(seat.latitude, seat.longitude, place.latitude, place.longitude) < 15:
                place, precision = seat, 1
        if role is None:
            role = _role(r, i, place)
        conf = _confidence(s, len(s.entries))
        if s.in_name or s.common:
            conf = round(conf * 0.6, 2)
        return PlaceMention(start, end, surface, place, precision, foreign=False, cue=cue_word,
                            confidence=conf, role=role, in_name=s.in_name)

    def _admin_or_seat(self, s: Span, place: Place, cands: list[Place]) -> Place:
        """A governorate/district name means the unit after محافظة/ريف/منطقة, else its seat town."""
        kind = s.cue.word if s.cue else None
        admins = [c for c in cands if c.placetype in ("governorate", "district")]
        towns = [c for c in cands if c.placetype in ("locality", "neighbourhood")
                 and fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
        if kind in ("ريف", "محافظه", "محافظات", "ارياف"):
            gov = [c for c in admins if c.placetype == "governorate"
                   and fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if gov:
                return gov[0]
            dist = [c for c in admins if c.placetype == "district"
                    and fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if dist:
                return dist[0]
            return place
        if kind == "منطقه":
            dist = [c for c in admins if c.placetype == "district"
                    and fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if dist:
                return dist[0]
        if place.placetype in ("governorate", "district") and towns:
            return max(towns, key=lambda c: (c.population or 0, c.source != "builtin"))
        if place.placetype == "district":
            gov = [c for c in admins if c.placetype == "governorate" and c.admin1_pcode == place.admin1_pcode]
            if gov:  # "ريف دمشق": the governorate, not the district of its centre
                return gov[0]
        return place

    def _city_for_landmark(self, text: str, i: int, spans: list[Span], resolved: list[int]) -> Place | None:
        """The town of a square/street/building: named right after it ("ساحة الكرامة وسط مدينة السويداء"),
        else the last town named before it that is not a qualifier or another name, else the article's."""
        places = self.places
        here = spans[i]
        j = i + 1
        if j < len(spans) and resolved[j] >= 0 and spans[j].start - here.end <= 40 \
                and not _GAP_BREAK.search(text, here.end, spans[j].word_start) and not spans[j].in_name:
            s = spans[j]
            return self._admin_or_seat(s.without_cue(), places[s.entries[resolved[j]].idx],
                                       [places[e.idx] for e in s.entries])
        for j in range(i - 1, -1, -1):
            s = spans[j]
            if here.start - s.end > 400:
                break
            if resolved[j] < 0 or s.in_name or s.landmark or s.weak or (s.cue is not None and s.cue.kind == "area"):
                continue
            p = places[s.entries[resolved[j]].idx]
            if p.placetype == "locality":
                return p
        return self._article_town(i, spans, resolved)

    def _city_for_neighbourhood(self, text: str, i: int, spans: list[Span], resolved: list[int]) -> Place | None:
        """The town a neighbourhood belongs to: the next town named close after it, else the article's."""
        for j in range(i + 1, len(spans)):
            s = spans[j]
            if s.start - spans[i].end > 40:
                break
            if resolved[j] >= 0 and not _road_named(s):
                p = self.places[s.entries[resolved[j]].idx]
                return self._admin_or_seat(s.without_cue(), p, [self.places[e.idx] for e in s.entries])
        return self._article_town(i, spans, resolved)

    def _article_town(self, i: int, spans: list[Span], resolved: list[int]) -> Place | None:
        """The first governorate, district or well-known town the article names (other than span i)."""
        counts: Counter[int] = Counter()
        for j, s in enumerate(spans):
            if j != i and resolved[j] >= 0 and not s.in_name and not s.landmark:
                p = self.places[s.entries[resolved[j]].idx]
                if p.placetype in ("governorate", "district") or (p.feature_code or "") in _FAMOUS_FEATURE_CODES:
                    counts[j] += 1
        if counts:
            j = min(counts)
            s = spans[j]
            p = self.places[s.entries[resolved[j]].idx]
            return self._admin_or_seat(s.without_cue(), p, [self.places[e.idx] for e in s.entries])
        return None

    _HAYY = re.compile(r"(?:حي|حارة|حاره)\s+((?:ال)?[\u0621-\u064A]{2,})")
    _HAYY_PREFIXES = frozenset(("", "و", "ف", "ب", "ال", "بال", "وال", "وبال"))

    def _main_town(self, spans, resolved) -> Place | None:
        """The article's first famous town or admin unit among its resolved spans."""
        for j, s in enumerate(spans):
            if resolved[j] < 0:
                continue
            p = self._admin_or_seat(s.without_cue(), self.places[s.entries[resolved[j]].idx],
                                    [self.places[e.idx] for e in s.entries])
            if (p.feature_code or "") in _FAMOUS_FEATURE_CODES or p.placetype in ("governorate", "district"):
                return p
        return None

    def _unknown_neighbourhoods(self, text, spans, resolved, found: list[PlaceMention]) -> list[PlaceMention]:
        out: list[PlaceMention] = []
        covered = sorted((m.start, m.end) for m in found)
        if "حي " not in text and "حار" not in text:
            return out
        # indexes by position, and the article's main town computed once: a long article has thousands
        # of spans, and each unknown neighbourhood must not scan them all
        by_start = sorted((s.start, j) for j, s in enumerate(spans) if resolved[j] >= 0)
        span_starts = [k for k, _ in by_start]
        cover_starts = [x for x, _ in covered]
        main_town: list = []
        for m in self._HAYY.finditer(text):
            ws = m.start()
            while ws > 0 and is_letter(text[ws - 1]) and m.start() - ws < 4:
                ws -= 1
            if text[ws:m.start()] not in self._HAYY_PREFIXES or (ws > 0 and is_letter(text[ws - 1])):
                continue
            a, b = m.start(1), m.end(1)
            # a covered span starts before b; the longest names are a few words, so the last few suffice
            k = bisect_left(cover_starts, b)
            if any(x < b and a < y for x, y in covered[max(0, k - 8):k]):
                continue
            word = m.group(1)
            if norm(word) in self._stop:
                continue
            # the town it belongs to: the next resolved span within 40 chars, else the article's main town
            city = None
            k = bisect_left(span_starts, b)
            # (not a town a road is named after: "أحياء القطانة وبستان القصر وطريق الباب" are Aleppo's)
            nxt = [j for start, j in by_start[k:k + 1] if start - b <= 40 and not _road_named(spans[j])]
            if nxt:
                j = nxt[0]
                s = spans[j]
                p = self.places[s.entries[resolved[j]].idx]
                city = self._admin_or_seat(s.without_cue(), p, [self.places[e.idx] for e in s.entries])
            else:
                if not main_town:
                    main_town.append(self._main_town(spans, resolved))
                city = main_town[0]
            if city is None:
                continue
            out.append(PlaceMention(m.start(1) - 0, b, text[a:b], city, 1, cue="حي", confidence=0.6))
        return out


def _road_named(s) -> bool:
    """The span names a town only as the road to it ("وطريق الباب"): a neighbourhood named so is no part of it."""
    return s.cue is not None and norm(s.cue.word) == "طريق"


def _role(r, i: int, place: Place) -> str | None:
    """"region" for an admin unit; "qualifier" for an area right after a place in the same clause
    ("الكسرة غربي دير الزور": it locates the place named before it)."""
    s, spans = r.spans[i], r.spans
    if place.placetype in ("governorate", "district", "subdistrict"):
        return "region"
    # (a member of a list shares its first member's cue: "في مناطق X، Y، وZ" locates none by another)
    if (s.cue is not None and s.cue.kind == "area" and i > 0 and r.resolved[i - 1] >= 0 and s.list_prev is None
            and not spans[i - 1].in_name and s.start - spans[i - 1].end <= 40
            and r.clauses[i - 1] == r.clauses[i]):
        return "qualifier"
    return None


def _precision(s: Span, place: Place) -> int:
    if place.placetype == "governorate":
        return 3
    if place.placetype in ("district", "subdistrict"):
        return 2
    if s.cue is not None and s.cue.kind == "area":
        return 2
    return 1


def _confidence(s: Span, n_candidates: int) -> float:
    c = 0.6
    if s.cue is not None:
        c += 0.2 if s.cue.strength >= 2 else 0.1
    if s.prep:
        c += 0.1
    if n_candidates == 1:
        c += 0.1
    return round(min(c, 1.0), 2)
