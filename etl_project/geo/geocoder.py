"""Toponym recognition and resolution over an article's normalised text.

    geo = Geocoder.load(settings.gazetteer_dir, settings.gazetteer_cache)   # once per process
    for m in geo.mentions(normalize(text).text): ...

Recognition: one Aho-Corasick automaton over every name variant of every place (built once), run over
the text with ص/س and ذ/ز folded; a hit counts when it is a whole word, possibly after a clitic
(و ب ل ف ك) and/or the article (ال, لل), and the longest hit wins. Evidence that a hit is a place: a cue
word before it (قرية، بلدة، ريف ...), a preposition (في، من، قرب ...), a list it shares with another place,
or the place being a well-known town; ordinary words and person names that are also village names
(data/stop_names.txt) need a strong cue.

Resolution, with the whole article as context: the governorates and districts the article names,
the distance to the other places it names (weighted by how close in the text they are), feature class
and population as priors, exact spelling over folded spelling.
"""
from __future__ import annotations

import hashlib
import math
from bisect import bisect_left
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import ahocorasick

from etl_project.geo import lexicon
from etl_project.geo.builtin import builtin_fingerprint, builtin_places
from etl_project.geo.gazetteer import haversine_km, has_gazetteer, load_gazetteer, places_frame
from etl_project.geo.lexicon import Cue, norm
from etl_project.geo.types import Place, PlaceMention

GEOCODER_RULES_VERSION = "2"

def _definite_form(written: str, cue_word: str) -> bool:
    """The cue word as written carries the article ("البلدة", "بالقرية") while its base form does not."""
    if cue_word.startswith("ال") or not written.endswith(cue_word):
        return False
    head = written[: len(written) - len(cue_word)]
    return head.endswith("ال") or head.endswith("لل")


def _fold(s: str) -> str:
    """ص/س, ذ/ز and ظ/ض, written one for the other, compare equal (one char for one: offsets hold)."""
    return s.replace("ص", "س").replace("ذ", "ز").replace("ظ", "ض")
_AR = re.compile(r"[\u0621-\u064A]")
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]")
# Names whose first word is often written joined to the second: كفر نبل / كفرنبل, تل كلخ / تلكلخ.
_JOINABLE = {"كفر", "تل", "بو", "ابو", "دير", "بيت", "عين", "ام", "بني", "خربه", "جسر", "راس"}
_ADMIN_PREFIXES = ("مركز ", "منطقه ", "محافظه ", "ناحيه ", "مدينه ")
_FAMOUS_FEATURE_CODES = {"PPLC", "PPLA", "PPLA2", "PPLA3", "ADM1", "ADM2"}
_FC_PRIOR = {"PPLC": 1.2, "PPLA": 1.0, "PPLA2": 0.8, "PPLA3": 0.6, "PPLA4": 0.3, "PPL": 0.0,
             "PPLL": -0.2, "PPLF": -0.3, "PPLW": -0.6, "PPLQ": -1.0, "PPLH": -1.0, "AIRP": -0.2}
_MAX_PREFIX = 5
# "X بريف Y", "X في محافظة Y", "X، ريف Y": the governorate or district that X lies in
_QUALIFIER_CUES = frozenset({"ريف", "محافظه"})
_QUALIFIER_GAP = re.compile(r"\s*[,،]?\s*(?:(?:الواقعه|الواقع|التابعه|التابع)\s+)?(?:في\s+|ب|ل)?")
_NON_LETTER = re.compile(r"[^\u0621-\u064A ]")  # spaces stay spaces: fewer substitutions
_NO_PREFIX = (False, False, "")
_QUOTES_SPACES = frozenset(" \"'(")
_LIST_GAP = re.compile(r"\s*,?\s*")
_GAP_BREAK = re.compile(r"[,.;:!?\n]")
# definite words that may follow a place name ("ريف حماة الشمالي", "حماة اليوم", "مشفى حماة الوطني")
_AFTER_PLACE = frozenset(
    "ال" + w for w in (
        "شمالي شرقي غربي جنوبي شماليه شرقيه غربيه جنوبيه شمالي الشرقي وسطي كبري صغري جديده قديمه "
        "مدينه محافظه منطقه ريف بلد يوم ليله امس صباح مساء فجر ظهر عصر اسبوع شهر عام احد اثنين ثلاثاء "
        "اربعاء خميس جمعه سبت ماضي جاري حالي وطني عسكري مركزي دولي رئيسي عام محتله محرره").split())

SOURCE_ATTRIBUTION = (
    "Place data: the project's own offline gazetteer; "
    "Data from Who's On First (https://whosonfirst.org/docs/licenses/), CC0, with properties from "
    "GeoNames (geonames.org), CC BY 4.0; administrative units and OCHA P-codes from OpenSyria "
    "data-geography (github.com/Open-Syria/data-geography), CC BY 4.0, itself from OCHA/HDX COD-AB "
    "(CC BY 3.0 IGO), geoBoundaries (CC BY 3.0 IGO), GeoNames (CC BY 4.0) and Wikidata (CC0)."
)


def _is_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def _prefix_ok(prefix: str) -> tuple[bool, bool, str]:
    """(valid, has_article, clitic) for the letters written before a name within its word."""
    if prefix in _PREFIXES:
        return _PREFIXES[prefix]
    return (False, False, "")


def _build_prefixes() -> dict[str, tuple[bool, bool, str]]:
    out: dict[str, tuple[bool, bool, str]] = {}
    for c in lexicon.CLITICS:
        out[c] = (True, False, c)
        if c not in ("ل", "ول", "فل"):
            out[c + "ال"] = (True, True, c)
    for c in ("", "و", "ف"):
        out[c + "لل"] = (True, True, c + "ل")
    return out


_PREFIXES = _build_prefixes()


@dataclass(slots=True)
class _Entry:
    idx: int  # index into Geocoder.places
    form: str  # the name form (normalised, unfolded, without a leading ال)
    has_article: bool  # the gazetteer's form starts with ال
    static: float = 0.0  # prior from the place alone: type, feature class, population, fame
    lat: float = 0.0
    lon: float = 0.0
    a1: str | None = None
    a2: str | None = None


class _Span:
    """A whole-word hit of a name in the text (a plain class: one is made for every hit)."""

    # defaults, set on the instance only when they change
    cue: Cue | None = None
    prep: bool = False
    weak: bool = False  # admitted on a preposition alone: kept only if it fits the article's geography
    common: bool = False  # also an ordinary word: kept only if close to the article's other places
    in_name: bool = False  # part of an organisation's / group's name
    landmark: bool = False  # the name of a square, street or building: placed at its town
    foreign: lexicon.Foreign | None = None
    entries: list[_Entry] | None = None
    list_prev: "_Span | None" = None  # the place before it in a list ("قرى X وY وZ")

    def __init__(self, start: int, core_start: int, end: int, key: str, has_article: bool, clitic: str,
                 surface: str, word_start: int = 0):
        self.start = start  # start of the name as written with its ال (without clitic)
        self.core_start = core_start
        self.end = end
        self.key = key
        self.has_article = has_article
        self.clitic = clitic
        self.surface = surface
        self.word_start = word_start  # where the written word begins, clitics included

    def without_cue(self) -> "_Span":
        c = _Span(self.start, self.core_start, self.end, self.key, self.has_article, self.clitic, self.surface,
                  self.word_start)
        c.entries = self.entries
        return c


def _name_forms(name: str) -> set[str]:
    """Normalised, article-less forms of a gazetteer name that the automaton should find."""
    n = norm(name)
    if not n or not _AR.search(n):
        return set()
    if n.startswith(_ADMIN_PREFIXES):
        return set()
    core = n[2:] if n.startswith("ال") and len(n) > 4 else n
    forms = {core}
    if core.endswith("ه"):
        forms.add(core[:-1] + "ا")
    elif core.endswith("ا") and len(core) > 3:
        forms.add(core[:-1] + "ه")
    parts = core.split(" ")
    if len(parts) == 2 and parts[0] in _JOINABLE:
        forms.add(parts[0] + parts[1])
    if len(parts) == 2 and parts[0] == "دير" and not parts[1].startswith("ال") and len(parts[1]) >= 3:
        # spoken "دير X" is written fused with the article: دير خبية -> الدرخبية, دير علي -> الدرعلي
        forms.add("در" + parts[1])
    if len(parts) == 2 and parts[0] == "البو":
        forms.add("بو" + parts[1])
    return {f for f in forms if len(f.replace(" ", "")) >= 3}


class Geocoder:
    """Gazetteer + matcher. Build once (`Geocoder.load`), then call `mentions()` per article."""

    def __init__(self, places: list[Place], fingerprint: str, famous: set[int] | None = None,
                 extra_names: dict[int, list[str]] | None = None, full: bool = False):
        self.places = places
        self.full = full
        self._famous = famous or set()
        self._stop = lexicon.stop_names()
        self._cues = lexicon.cue_words()
        self._preps = lexicon.prepositions()
        self._foreign = lexicon.foreign_places()
        self._name_heads = lexicon.name_heads()
        self._person_heads = lexicon.person_heads()
        self._construct = lexicon.construct_nouns()
        self._common = lexicon.common_words()
        places = _mark_seats(places)
        self.places = places
        self.version = hashlib.sha256(
            f"{fingerprint}|{lexicon.data_fingerprint()}|{GEOCODER_RULES_VERSION}".encode()
        ).hexdigest()[:10]
        self.source_attribution = SOURCE_ATTRIBUTION if full else SOURCE_ATTRIBUTION.split(";")[0] + "."
        self._lat = [p.latitude for p in places]
        self._lon = [p.longitude for p in places]
        self._build(extra_names or {})

    # ------------------------------------------------------------------ construction

    @classmethod
    def load(cls, gazetteer_dir: Path | None, cache_dir: Path | None = None) -> "Geocoder":
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
                for f in _name_forms(n):
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
                for f in _name_forms(n):
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
        index: dict[str, list[_Entry]] = defaultdict(list)
        for i, p in enumerate(self.places):
            seen: set[str] = set()
            for n in list(p.names_ar or (p.name_ar,)) + extra_names.get(i, []):
                nn = norm(n)
                art = nn.startswith("ال")
                for f in _name_forms(n):
                    if f in seen:
                        continue
                    seen.add(f)
                    index[_fold(f)].append(_Entry(i, f, art, self._static_prior(i), p.latitude, p.longitude,
                                                  p.admin1_pcode, p.admin2_pcode))
        for name in self._foreign:
            core = name[2:] if name.startswith("ال") and len(name) > 4 else name
            index.setdefault(_fold(core), [])
        self._index = dict(index)
        # per key, once: (famous, famous and written without ال, every name has ال, has admin units,
        # every candidate within 10 km of the others)
        self._aos_cache: dict[tuple[str, str | None, int], Place] = {}
        self._kinfo: dict[str, tuple[bool, bool, bool, bool, bool]] = {}
        for key, ents in self._index.items():
            fam = [e for e in ents if e.idx in self._famous and self.places[e.idx].placetype != "neighbourhood"]
            self._kinfo[key] = (
                bool(fam),
                any(not e.has_article for e in fam),
                bool(ents) and all(e.has_article for e in ents),
                any(self.places[e.idx].placetype in ("governorate", "district") for e in ents),
                all(_fast_km(a.lat, a.lon, b.lat, b.lon) < 10 for a in ents for b in ents),
            )
        skel: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for key, ents in self._index.items():
            sk = _skeleton(key)
            if len(sk) < 3:
                continue
            for e in ents:
                p = self.places[e.idx]
                if p.placetype == "locality" and p.admin1_pcode:
                    skel[(p.admin1_pcode, sk)].append(e)
        self._skel = dict(skel)
        self._foreign_by_key: dict[str, lexicon.Foreign] = {}
        for name, f in self._foreign.items():
            core = name[2:] if name.startswith("ال") and len(name) > 4 else name
            self._foreign_by_key[_fold(core)] = f
        auto = ahocorasick.Automaton()
        for key in self._index:
            auto.add_word(key + " ", key + " ")
        auto.make_automaton()
        self._auto = auto
        # each district's seat town (where a neighbourhood's events are placed, as ACLED does)
        self._seat: dict[str, Place] = {}
        for p in self.places:
            if p.placetype != "district" or not p.admin2_pcode:
                continue
            towns = []
            for n in p.names_ar:
                for f in _name_forms(n):
                    for e in self._index.get(_fold(f), ()):
                        q = self.places[e.idx]
                        if q.placetype == "locality" and _fast_km(q.latitude, q.longitude, p.latitude, p.longitude) < 8:
                            towns.append(q)
            if towns:
                self._seat[p.admin2_pcode] = max(towns, key=lambda q: (q.source != "builtin", q.population or 0))

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
        return None

    # ------------------------------------------------------------------ recognition

    def _spans(self, text: str) -> tuple[list[_Span], str]:
        """Whole-word hits of the automaton (longest first), and the text with non-letters as spaces."""
        # Every key ends with a space, and every non-letter of the text becomes one (one char for one):
        # the automaton then only reports hits that end a word.
        spaced = _NON_LETTER.sub(" ", _fold(text)) + " "
        hits: list[tuple[int, int, int, str]] = []  # (-length, core_start, word_start, key)
        prefixes = _PREFIXES
        for end, key in self._auto.iter(spaced):  # end: index of the space after the name
            core_start = end - len(key) + 1
            ws = spaced.rfind(" ", max(0, core_start - _MAX_PREFIX - 1), core_start) + 1
            if ws == 0 and core_start > _MAX_PREFIX:
                continue
            if ws == core_start or text[ws:core_start] in prefixes:
                hits.append((core_start - end, core_start, ws, key))
        if not hits:
            return [], spaced
        # longest match wins, then the leftmost
        hits.sort()
        taken = bytearray(len(text) + 1)
        chosen: list[_Span] = []
        for neg_len, core_start, ws, key in hits:
            end = core_start - neg_len
            if any(taken[ws:end]):
                continue
            taken[ws:end] = b"\x01" * (end - ws)
            _valid, art, clitic = prefixes[text[ws:core_start]]
            start = core_start - 2 if art and text[core_start - 2:core_start] == "ال" else core_start
            chosen.append(_Span(start, core_start, end, key[:-1], art, clitic, text[start:end], ws))
        chosen.sort(key=lambda s: s.start)
        return chosen, spaced

    def _cue_start(self, text: str, pos: int) -> int:
        i = pos - 1
        while i >= 0 and text[i] == " ":
            i -= 1
        j = i
        while j >= 0 and _is_letter(text[j]):
            j -= 1
        return j + 1

    def mentions(self, norm_text: str) -> list[PlaceMention]:
        text = norm_text
        spans, spaced = self._spans(text)
        if not spans:
            return self._resolve(text, [])
        cues, preps, heads, persons = self._cues, self._preps, self._name_heads, self._person_heads
        kept: list[_Span] = []
        prev: _Span | None = None
        for s in spans:
            before, bstart = self._word_before_at(text, spaced, s.word_start)
            if before in persons:  # "المدعو حيان", "الشاب حيان": a person's name
                prev = None
                continue
            cue = cues.get(before)
            if cue is not None and cue.kind in ("settlement", "neighbourhood") and _definite_form(before, cue.word):
                cue = None  # "شبان البلدة على ...": "the town" names no town after it
            s.cue = cue
            s.prep = before in preps or (cue is not None and cue.kind in ("area", "admin"))
            if before in heads:
                s.in_name = True
            elif before and cue is None and not s.prep and bstart > 0:
                # "اتحاد شباب القامشلي", "غرفة عمليات X": a head and one more word
                b2, _ = self._word_before_at(text, spaced, bstart)
                if b2 in heads and b2 not in preps:
                    s.in_name = True
            # a list: "بلدات الخريطة، البغيلية، والطريف" shares the cue of its first member
            if prev is not None and s.cue is None and not s.prep and not s.in_name:
                gap = text[prev.end:s.word_start]
                if _LIST_GAP.fullmatch(gap) and ("," in gap or s.clitic.startswith("و")):
                    s.list_prev = prev
                    s.cue = prev.cue
                    s.prep = prev.prep or not prev.weak
                    s.in_name = prev.in_name
            if s.cue is None and s.surface in self._construct and self._construct_phrase(text, s.end):
                prev = None  # "حماة العقيدة", "صور الشهداء": a phrase, not the place
                continue
            s.foreign = self._foreign_by_key.get(s.key)
            entries = self._index.get(s.key) or []
            s.entries = self._admit(text, s, entries)
            if s.foreign is not None and (s.cue is None or s.cue.strength < 2
                                          or s.cue.kind not in ("settlement", "neighbourhood")):
                s.entries = []
                kept.append(s)
                prev = s
                continue
            if s.entries:
                kept.append(s)
                prev = s
            else:
                prev = None
        return self._resolve(text, kept)

    @staticmethod
    def _construct_phrase(text: str, end: int) -> bool:
        """True when the word after `end` is a definite noun that does not follow a place name."""
        i = end
        n = len(text)
        while i < n and text[i] == " ":
            i += 1
        if i == end or not text.startswith("ال", i):
            return False
        j = i
        while j < n and _is_letter(text[j]):
            j += 1
        return text[i:j] not in _AFTER_PLACE

    def _admit(self, text: str, s: _Span, entries: list[_Entry]) -> list[_Entry]:
        """The candidate places of a hit, or [] when the evidence that it is a place is too weak.

        A strong cue (قرية، بلدة، مدينة، حي ...) admits any name that is not itself a cue word.
        Otherwise stop words and cue words are never places, nor a word split into a clitic and a
        name when the whole word is an ordinary one ("فرقة" is not ف + الرقة) or the rest is a short
        name written without its article; well-known towns need no evidence; other names need a cue or
        a preposition, and with a preposition alone (or as an unintroduced name of two words) they are
        `weak`: kept only when they fit the geography of the rest of the article. Ordinary words that
        are also names ("السلمية", "الكرامة") are `common`: kept only close to the article's places.
        """
        if not entries:
            return []
        surface = s.surface
        cue = s.cue if s.cue is not None and s.cue.strength > 0 else None
        if surface in self._cues and not (s.has_article and cue is not None and cue.strength >= 2
                                          and cue.kind in ("settlement", "neighbourhood")):
            return []  # "ريف مدينة درعا"; but "بلدة المزرعة" is a place
        if cue is not None and cue.strength >= 2:
            return entries
        if surface in self._stop:
            return []
        if s.cue is not None and s.cue.kind == "named":  # ساحة الكرامة: a square, placed at its town
            s.landmark = True
            return entries
        famous, famous_bare, all_article = self._kinfo[s.key][:3]
        if s.clitic and cue is None:
            if text[s.word_start:s.end] in self._common:
                return []
            if not s.has_article and len(s.key) <= 3 and not famous_bare:
                return []
        if surface in self._common:
            s.common = True
            s.weak = True
            return entries
        if not s.has_article and all_article:
            # written without the article its every name carries ("رقة", "قريتين"): weak evidence
            if famous or cue is not None or s.prep:
                s.weak = True
                return entries
            return []
        if famous or cue is not None:
            return entries
        if s.prep or (" " in s.key and len(s.key) >= 7):
            s.weak = True
            return entries
        return []

    @staticmethod
    def _word_before_at(text: str, spaced: str, ws: int) -> tuple[str, int]:
        """The word right before position `ws` (only spaces or quotes between) and its start, else ('', -1)."""
        i = ws - 1
        while i >= 0 and text[i] in _QUOTES_SPACES:
            i -= 1
        if i < 0 or spaced[i] == " ":
            return "", -1
        j = spaced.rfind(" ", 0, i) + 1
        return text[j:i + 1], j

    # ------------------------------------------------------------------ resolution

    def _resolve(self, text: str, spans: list[_Span]) -> list[PlaceMention]:
        if not spans:
            return []
        places = self.places
        # admin context: governorates and districts the article names
        adm1: Counter[str] = Counter()
        adm2: Counter[str] = Counter()
        for s in spans:
            if s.in_name or s.landmark:
                continue
            for e in s.entries or ():
                p = places[e.idx]
                if p.placetype == "governorate":
                    adm1[p.admin1_pcode] += 1
                elif p.placetype == "district":
                    adm2[p.admin2_pcode] += 1
                    adm1[p.admin1_pcode] += 0.5
        if adm1:
            # a name after قرية/بلدة/مدينة with no candidate in the governorates the article names: the
            # same consonants there ("الفقيع" for الفقعة, "الدرخبية" for دير خبية) are the better reading
            for s in spans:
                if (s.cue is None or s.cue.kind != "settlement" or s.cue.strength < 2 or s.in_name
                        or not s.entries or any(places[e.idx].admin1_pcode in adm1 for e in s.entries)):
                    continue
                sk = _skeleton(s.key)
                alt = [e for g in adm1 for e in self._skel.get((g, sk), ())] if len(sk) >= 3 else []
                if alt:
                    s.entries = alt
        clause_ends = [m.start() for m in _CLAUSE_BREAK.finditer(text)]

        clauses = [bisect_left(clause_ends, s.start) for s in spans]

        # pass 1: priors and admin context (once per distinct spelling)
        priors: list[list[float]] = []
        resolved: list[int] = []
        confident: list[bool] = []
        memo: dict[tuple[str, str, int], tuple[list[float], int, bool]] = {}
        kinfo = self._kinfo
        for s in spans:
            ents = s.entries or []
            if not ents:
                priors.append([])
                resolved.append(-1)
                confident.append(False)
                continue
            mk = (s.key, s.surface, id(ents))
            hit = memo.get(mk)
            if hit is None:
                core = s.surface[2:] if s.has_article and s.surface.startswith("ال") else s.surface
                sart = s.has_article
                ps = []
                for e in ents:
                    sc = e.static
                    if e.form == core:
                        sc += 0.9 if e.has_article == sart else 0.6
                    if e.a1 in adm1:
                        sc += 1.5
                    if e.a2 in adm2:
                        sc += 0.7
                    ps.append(sc)
                top = max(range(len(ents)), key=ps.__getitem__) if len(ents) > 1 else 0
                conf = True
                ki = kinfo.get(s.key)
                if len(ents) > 1 and not (ki is not None and ki[4] and ents is self._index.get(s.key)):
                    t = ents[top]
                    lim = ps[top] - 1.5
                    for k, e in enumerate(ents):
                        if k != top and ps[k] > lim and _fast_km(t.lat, t.lon, e.lat, e.lon) >= 10:
                            conf = False
                            break
                hit = memo[mk] = (ps, top, conf)
            priors.append(hit[0])
            resolved.append(hit[1])
            confident.append(hit[2])

        # pass 2, for the ambiguous names only: closeness to the places the article is sure of,
        # weighted by how close in the text they are named
        if not all(confident):
            anchors: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # place -> (clause, pos, key)
            for i, s in enumerate(spans):
                if resolved[i] >= 0 and confident[i] and not s.in_name and not s.landmark:
                    anchors[s.entries[resolved[i]].idx].append((clauses[i], s.start, s.key))
            for i, s in enumerate(spans):
                if confident[i] or resolved[i] < 0:
                    continue
                weights: list[tuple[float, float, float]] = []
                for aidx, occ in anchors.items():
                    w = 0.7
                    for cl, pos, key in occ:
                        if key == s.key:
                            continue
                        if cl == clauses[i]:
                            w = max(w, 3.0 if abs(pos - s.start) < 120 else 1.5)
                    a = places[aidx]
                    weights.append((w, a.latitude, a.longitude))
                if not weights:
                    continue
                best_k, best_sc = resolved[i], -1e9
                for k, e in enumerate(s.entries):
                    prox = 0.0
                    for w, lat, lon in weights:
                        v = w * math.exp(-_fast_km(e.lat, e.lon, lat, lon) / 30.0)
                        if v > prox:
                            prox = v
                    sc = priors[i][k] + prox
                    if sc > best_sc:
                        best_k, best_sc = k, sc
                resolved[i] = best_k

        # "بادية الرصافة بريف الرقة الجنوبي": a town qualified by the governorate it lies in is a place of
        # that governorate; a homonym elsewhere is the wrong reading, and none at all is better than it
        for i, s in enumerate(spans[:-1]):
            t = spans[i + 1]
            if resolved[i] < 0 or resolved[i + 1] < 0 or s.in_name or s.landmark or t.in_name \
                    or t.cue is None or t.cue.word not in _QUALIFIER_CUES:
                continue
            p = places[s.entries[resolved[i]].idx]
            q = places[t.entries[resolved[i + 1]].idx]
            if p.placetype not in ("locality", "neighbourhood") or not q.admin1_pcode \
                    or p.admin1_pcode == q.admin1_pcode or p.gazetteer_id == q.gazetteer_id:
                continue
            if not _QUALIFIER_GAP.fullmatch(text, s.end, self._cue_start(text, t.word_start)):
                continue
            alt = [k for k, e in enumerate(s.entries) if places[e.idx].admin1_pcode == q.admin1_pcode]
            resolved[i] = max(alt, key=priors[i].__getitem__) if alt else -1

        # "قرى مرعناز والمالكية وشوارغة الأرز": the villages of one list lie in one governorate; a famous
        # homonym elsewhere gives way to the reading in the governorate of the others
        index_of = {id(s): i for i, s in enumerate(spans)}
        for i, s in enumerate(spans):
            if resolved[i] < 0 or len(s.entries) < 2:
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
                resolved[i] = max(alt, key=priors[i].__getitem__)

        # names admitted on weak evidence must fit the geography of the others
        strong = [places[s.entries[resolved[i]].idx] for i, s in enumerate(spans)
                  if resolved[i] >= 0 and not s.weak and not s.in_name and not s.landmark]
        strong_adm1 = {p.admin1_pcode for p in strong}
        for i, s in enumerate(spans):
            if s.weak and resolved[i] >= 0:
                p = places[s.entries[resolved[i]].idx]
                if s.common:  # an ordinary word too: only right beside the article's other places
                    if not any(q is not p and (_fast_km(p.latitude, p.longitude, q.latitude, q.longitude) < 25
                                               or (q.placetype == "locality" and q.admin2_pcode == p.admin2_pcode))
                               for q in strong):
                        resolved[i] = -1
                elif p.admin1_pcode not in strong_adm1 and not any(
                        _fast_km(p.latitude, p.longitude, q.latitude, q.longitude) < 40 for q in strong):
                    resolved[i] = -1

        # admin units vs their seat town; cue-driven precision; neighbourhoods
        out: list[PlaceMention] = []
        for i, s in enumerate(spans):
            if s.foreign is not None and not s.entries:
                out.append(PlaceMention(s.start, s.end, s.surface, None, 3, foreign=True,
                                        cue=None, confidence=0.9))
                continue
            k = resolved[i]
            if k < 0:
                continue
            place = places[s.entries[k].idx]
            if place.placetype != "locality" or s.key not in kinfo or kinfo[s.key][3]:
                if s.entries is self._index.get(s.key):
                    ak = (s.key, s.cue.word if s.cue else None, k)
                    got = self._aos_cache.get(ak)
                    if got is None:
                        got = self._aos_cache[ak] = self._admin_or_seat(s, place, [places[e.idx] for e in s.entries])
                    place = got
                else:
                    place = self._admin_or_seat(s, place, [places[e.idx] for e in s.entries])
            precision = _precision(s, place)
            start, end, surface = s.start, s.end, s.surface
            cue_word = s.cue.word if s.cue else None
            role = None
            if s.landmark:
                # a square/street/building: at its town when its name is not that town itself
                if not (place.placetype in ("governorate", "district") or place.feature_code in _SEAT_RANK
                        or any(o.key == s.key and not o.landmark and not o.weak and resolved[j] >= 0
                               for j, o in enumerate(spans))):
                    city = self._city_for_landmark(text, i, spans, resolved)
                    if city is None:
                        continue
                    place, precision = city, 1
                start = self._cue_start(text, s.word_start)
                surface = text[start:end]
                role = "landmark"
            if s.cue is not None and s.cue.kind == "neighbourhood" and place.placetype != "neighbourhood" \
                    and place.feature_code not in _SEAT_RANK:
                city = self._city_for_neighbourhood(text, i, spans, resolved)
                if city is not None:
                    place, precision = city, 1
            if s.cue is not None and s.cue.kind == "neighbourhood":
                start = self._cue_start(text, s.word_start)
                surface = text[start:end]
            if place.placetype == "neighbourhood":
                seat = self._seat.get(place.admin2_pcode or "")
                if seat is not None and _fast_km(seat.latitude, seat.longitude, place.latitude, place.longitude) < 15:
                    place, precision = seat, 1
            if role is None:
                if place.placetype in ("governorate", "district", "subdistrict"):
                    role = "region"
                elif (s.cue is not None and s.cue.kind == "area" and i > 0 and resolved[i - 1] >= 0
                      and not spans[i - 1].in_name and s.start - spans[i - 1].end <= 40
                      and clauses[i - 1] == clauses[i]):
                    role = "qualifier"  # "الكسرة غربي دير الزور": locates the place named before it
            conf = _confidence(s, len(s.entries))
            if s.in_name or s.common:
                conf = round(conf * 0.6, 2)
            out.append(PlaceMention(start, end, surface, place, precision, foreign=False, cue=cue_word,
                                    confidence=conf, role=role, in_name=s.in_name))
        out.extend(self._unknown_neighbourhoods(text, spans, resolved, out))
        out.sort(key=lambda m: m.start)
        return out

    def _admin_or_seat(self, s: _Span, place: Place, cands: list[Place]) -> Place:
        """A governorate/district name means the unit after محافظة/ريف/منطقة, else its seat town."""
        kind = s.cue.word if s.cue else None
        admins = [c for c in cands if c.placetype in ("governorate", "district")]
        towns = [c for c in cands if c.placetype in ("locality", "neighbourhood")
                 and _fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
        if kind in ("ريف", "محافظه", "محافظات", "ارياف"):
            gov = [c for c in admins if c.placetype == "governorate"
                   and _fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if gov:
                return gov[0]
            dist = [c for c in admins if c.placetype == "district"
                    and _fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if dist:
                return dist[0]
            return place
        if kind == "منطقه":
            dist = [c for c in admins if c.placetype == "district"
                    and _fast_km(c.latitude, c.longitude, place.latitude, place.longitude) < 8]
            if dist:
                return dist[0]
        if place.placetype in ("governorate", "district") and towns:
            return max(towns, key=lambda c: (c.population or 0, c.source != "builtin"))
        if place.placetype == "district":
            gov = [c for c in admins if c.placetype == "governorate" and c.admin1_pcode == place.admin1_pcode]
            if gov:  # "ريف دمشق": the governorate, not the district of its centre
                return gov[0]
        return place

    def _city_for_landmark(self, text: str, i: int, spans: list[_Span], resolved: list[int]) -> Place | None:
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

    def _city_for_neighbourhood(self, text: str, i: int, spans: list[_Span], resolved: list[int]) -> Place | None:
        """The town a neighbourhood belongs to: the next town named close after it, else the article's."""
        for j in range(i + 1, len(spans)):
            s = spans[j]
            if s.start - spans[i].end > 40:
                break
            if resolved[j] >= 0:
                p = self.places[s.entries[resolved[j]].idx]
                return self._admin_or_seat(s.without_cue(), p, [self.places[e.idx] for e in s.entries])
        return self._article_town(i, spans, resolved)

    def _article_town(self, i: int, spans: list[_Span], resolved: list[int]) -> Place | None:
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

    def _unknown_neighbourhoods(self, text, spans, resolved, found: list[PlaceMention]) -> list[PlaceMention]:
        out: list[PlaceMention] = []
        covered = [(m.start, m.end) for m in found]
        if "حي " not in text and "حار" not in text:
            return out
        for m in self._HAYY.finditer(text):
            ws = m.start()
            while ws > 0 and _is_letter(text[ws - 1]) and m.start() - ws < 4:
                ws -= 1
            if text[ws:m.start()] not in self._HAYY_PREFIXES or (ws > 0 and _is_letter(text[ws - 1])):
                continue
            a, b = m.start(1), m.end(1)
            if any(x < b and a < y for x, y in covered):
                continue
            word = m.group(1)
            if norm(word) in self._stop:
                continue
            # the town it belongs to: the next resolved span within 40 chars, else the article's main town
            city = None
            nxt = [j for j, s in enumerate(spans) if s.start >= b and s.start - b <= 40 and resolved[j] >= 0]
            if nxt:
                j = nxt[0]
                s = spans[j]
                p = self.places[s.entries[resolved[j]].idx]
                city = self._admin_or_seat(s.without_cue(), p, [self.places[e.idx] for e in s.entries])
            else:
                cands = [self._admin_or_seat(s.without_cue(), self.places[s.entries[resolved[j]].idx],
                                             [self.places[e.idx] for e in s.entries])
                         for j, s in enumerate(spans) if resolved[j] >= 0]
                towns = [p for p in cands if (p.feature_code or "") in _FAMOUS_FEATURE_CODES
                         or p.placetype in ("governorate", "district")]
                city = towns[0] if towns else None
            if city is None:
                continue
            out.append(PlaceMention(m.start(1) - 0, b, text[a:b], city, 1, cue="حي", confidence=0.6))
        return out


_SEAT_RANK = {"PPLC": 3, "PPLA": 2, "PPLA2": 1}


def _mark_seats(places: list[Place]) -> list[Place]:
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
            if q.admin1_pcode == p.admin1_pcode and _fast_km(q.latitude, q.longitude, p.latitude, p.longitude) <= 10:
                if _SEAT_RANK.get(fc, 0) > _SEAT_RANK.get(code.get(i) or q.feature_code or "", 0):
                    code[i] = fc
    if not code:
        return places
    return [replace(p, feature_code=code[i]) if i in code else p for i, p in enumerate(places)]


def _skeleton(key: str) -> str:
    """The consonants of a name: no spaces, no final ه/ا/ي, no inner ا/و/ي (فقيع, فقعه -> فقع)."""
    k = key.replace(" ", "")
    if len(k) > 3 and k[-1] in "هاي":
        k = k[:-1]
    return k[:1] + "".join(c for c in k[1:] if c not in "اوي")


def _fast_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = (lon2 - lon1) * 0.82  # cos(35°)
    y = lat2 - lat1
    return 111.2 * math.sqrt(x * x + y * y)


def _precision(s: _Span, place: Place) -> int:
    if place.placetype == "governorate":
        return 3
    if place.placetype in ("district", "subdistrict"):
        return 2
    if s.cue is not None and s.cue.kind == "area":
        return 2
    return 1


def _confidence(s: _Span, n_candidates: int) -> float:
    c = 0.6
    if s.cue is not None:
        c += 0.2 if s.cue.strength >= 2 else 0.1
    if s.prep:
        c += 0.1
    if n_candidates == 1:
        c += 0.1
    return round(min(c, 1.0), 2)
