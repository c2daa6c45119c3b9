"""Context cues: the whole-word hits of the automaton in a text, the word before each (a cue such as
قرية/بلدة/ريف, a preposition, the head of an organisation's name, a person's title), lists that share
their first member's cue, and the admission rules that decide whether a hit is evidence of a place."""
from __future__ import annotations

import re

from etl_project.geo import lexicon
from etl_project.geo.index import Entry
from etl_project.geo.lexicon import Cue
from etl_project.geo.names import MAX_PREFIX, NON_LETTER, PREFIXES, definite_form, fold, is_letter
from etl_project.geo.types import PlaceMention

_QUOTES_SPACES = frozenset(" \"'(")
# the gap between two members of a list: a comma or و, quotes around names ('"قمحانه", "ارزه", و"خطاب"')
_LIST_GAP = re.compile(r'\s*"?\s*,?\s*(?:و\s*(?="))?"?\s*')
# words that open a clause ("بلدة محجة، أما الثالث"): never the next member of a list, whatever village
# shares their letters
# the first word of many two-word names ("قرية خربة الدوش"), and a word after it that goes on with the name
NAME_HEADS = frozenset({"خربه", "تل", "عين", "بيت", "ام", "ابو", "كفر", "دير", "جب", "مزرعه", "رسم", "قصر", "بير"})
_NAME_GOES_ON = re.compile(r"\s+[\"']?(?!(?:في|من|علي|الي|عن|مع|قرب|بين|و|او|ثم)\s)[\u0621-\u064a]{2,}")
_ONE_UNIT = frozenset({"محافظة", "محافظه", "ناحية", "ناحيه"})  # cue words that name a single unit, never a list
_OPENS_A_CLAUSE = frozenset({"اما", "كما", "فيما", "بينما", "حيث", "اذ", "ثم", "لكن", "الا", "بعدما", "عندما"})
# ... or through one or two names the gazetteer lacks, each between commas ("تلمنس, ومعرشمرين, وسكيك")
_LIST_GAP_THROUGH_UNKNOWN = re.compile(
    r'\s*"?(?:\s*,\s*(?:و\s*)?"?(?!(?:في|من|علي|الي|عن|مع|قرب|بعد|قبل|حيث|اذ|ما|ان|وفي|ومن)\s)'
    r'[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+)?"?){1,2}\s*,\s*"?\s*')
# "بلدتي الطامه وشلخ", "قري "تل جهان وروتان وتل زيوان": a plural settlement word, then names the gazetteer
# lacks joined by و, before the name (its و is the name's clitic)
_PLURAL_CUE_THROUGH_UNKNOWN = re.compile(
    r'(?<![\u0621-\u064a])(?P<cue>قري|بلدات|مدن|مدينتي|بلدتي|قريتي|مزارع|احياء|حيي)\s*:?\s+"?'
    r'[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+)?"?(?:\s*,?\s*و"?[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+)?"?){0,3}\s*,?\s*"?$')
# definite words that may follow a place name ("ريف حماة الشمالي", "حماة اليوم", "مشفى حماة الوطني")
_AFTER_PLACE = frozenset(
    "ال" + w for w in (
        "شمالي شرقي غربي جنوبي شماليه شرقيه غربيه جنوبيه شمالي الشرقي وسطي كبري صغري جديده قديمه "
        "مدينه محافظه منطقه ريف بلد يوم ليله امس صباح مساء فجر ظهر عصر اسبوع شهر عام احد اثنين ثلاثاء "
        "اربعاء خميس جمعه سبت ماضي جاري حالي وطني عسكري مركزي دولي رئيسي عام محتله محرره").split())


class Span:
    """A whole-word hit of a name in the text (a plain class: one is made for every hit)."""

    # defaults, set on the instance only when they change
    cue: Cue | None = None
    prep: bool = False
    weak: bool = False  # admitted on a preposition alone: kept only if it fits the article's geography
    common: bool = False  # also an ordinary word: kept only if close to the article's other places
    in_name: bool = False  # part of an organisation's / group's name
    landmark: bool = False  # the name of a square, street or building: placed at its town
    foreign: lexicon.Foreign | None = None
    entries: list[Entry] | None = None
    list_prev: "Span | None" = None  # the place before it in a list ("قرى X وY وZ")

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

    def without_cue(self) -> "Span":
        c = Span(self.start, self.core_start, self.end, self.key, self.has_article, self.clitic, self.surface,
                  self.word_start)
        c.entries = self.entries
        return c


class Recognition:
    """Finding the names in a text and the evidence that each is a place."""

    def _spans(self, text: str) -> tuple[list[Span], str]:
        """Whole-word hits of the automaton (longest first), and the text with non-letters as spaces."""
        # Every key ends with a space, and every non-letter of the text becomes one (one char for one):
        # the automaton then only reports hits that end a word.
        spaced = NON_LETTER.sub(" ", fold(text)) + " "
        hits: list[tuple[int, int, int, str]] = []  # (-length, core_start, word_start, key)
        prefixes = PREFIXES
        for end, key in self._auto.iter(spaced):  # end: index of the space after the name
            core_start = end - len(key) + 1
            ws = spaced.rfind(" ", max(0, core_start - MAX_PREFIX - 1), core_start) + 1
            if ws == 0 and core_start > MAX_PREFIX:
                continue
            if ws == core_start or text[ws:core_start] in prefixes:
                hits.append((core_start - end, core_start, ws, key))
        if not hits:
            return [], spaced
        # longest match wins, then the leftmost
        hits.sort()
        taken = bytearray(len(text) + 1)
        chosen: list[Span] = []
        for neg_len, core_start, ws, key in hits:
            end = core_start - neg_len
            if any(taken[ws:end]):
                continue
            taken[ws:end] = b"\x01" * (end - ws)
            _valid, art, clitic = prefixes[text[ws:core_start]]
            start = core_start - 2 if art and text[core_start - 2:core_start] == "ال" else core_start
            chosen.append(Span(start, core_start, end, key[:-1], art, clitic, text[start:end], ws))
        chosen.sort(key=lambda s: s.start)
        return chosen, spaced

    def _cue_start(self, text: str, pos: int) -> int:
        i = pos - 1
        while i >= 0 and text[i] == " ":
            i -= 1
        j = i
        while j >= 0 and is_letter(text[j]):
            j -= 1
        return j + 1

    def mentions(self, norm_text: str) -> list[PlaceMention]:
        text = norm_text
        spans, spaced = self._spans(text)
        if not spans:
            return self._resolve(text, [])
        cues, preps, heads, persons = self._cues, self._preps, self._name_heads, self._person_heads
        kept: list[Span] = []
        prev: Span | None = None
        foreign_seen: set[str] = set()  # names this article has used for a place abroad
        for s in spans:
            before, bstart = self._word_before_at(text, spaced, s.word_start)
            full_name = (prev is None or prev.end < bstart) and self._end_of_full_name(text, spaced, before, bstart)
            if before in persons or full_name:
                prev = None  # "المدعو حيان", "الشاب حيان", "المواطن منيف علي الأعور": a person's name
                continue
            if s.key in NAME_HEADS and not s.has_article and _NAME_GOES_ON.match(text, s.end):
                prev = None  # "قرية خربة الدوش": the first word of a longer name, not a place of its own
                continue
            cue = cues.get(before)
            if cue is not None and s.clitic[:1] in ("ف", "ك"):
                prev = None  # "وادي فعرا": no ف or ك between a cue word and its name (not ف + عرا)
                continue
            if cue is not None and cue.kind in ("settlement", "neighbourhood") and definite_form(before, cue.word):
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
            if prev is not None and s.cue is None and not s.prep and not s.in_name and s.surface not in _OPENS_A_CLAUSE \
                    and not (prev.cue is not None and prev.cue.word in _ONE_UNIT and not s.clitic.startswith("و")):
                # ("أبناء محافظة السويداء، ظهر اليوم": one governorate is named, the word after its comma is another)
                gap = text[prev.end:s.word_start]
                through_unknown = _LIST_GAP_THROUGH_UNKNOWN.fullmatch(gap) is not None and s.clitic.startswith("و")
                if through_unknown or _LIST_GAP.fullmatch(gap) and (
                        "," in gap or s.clitic.startswith("و") or gap.rstrip().endswith('و"')):
                    s.list_prev = prev
                    s.cue = prev.cue
                    s.prep = prev.prep or not prev.weak
                    s.in_name = prev.in_name
            if s.cue is None and not s.prep and s.clitic.startswith("و"):
                far = _PLURAL_CUE_THROUGH_UNKNOWN.search(text, max(0, s.word_start - 80), s.word_start)
                if far is not None:
                    s.cue = cues.get(far.group("cue"))
            if s.cue is None and s.surface in self._construct and self._construct_phrase(text, s.end):
                prev = None  # "حماة العقيدة", "صور الشهداء": a phrase, not the place
                continue
            s.foreign = self._foreign_by_key.get(s.key)
            entries = self._index.get(s.key) or []
            s.entries = self._admit(text, s, entries)
            # (one sense per article: "الهرمل ... في شمال شرق لبنان", then "مدينة الهرمل" is still Lebanon's)
            if s.foreign is not None and (s.cue is None or s.cue.strength < 2 or s.key in foreign_seen
                                          or s.cue.kind not in ("settlement", "neighbourhood")):
                foreign_seen.add(s.key)
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

    def _end_of_full_name(self, text: str, spaced: str, before: str, bstart: int) -> bool:
        """The last of a person's two or three names after a head word ("المواطن منيف علي الأعور"): the words
        between are plain names (no cue, preposition or article) with nothing but spaces between them."""
        for _ in range(2):
            # ("علي" is a name as often as "على" folded)
            if not before or bstart <= 0 or before in self._cues or before in self._preps and before != "علي" \
                    or before.startswith("ال") or len(before) < 3:
                return False
            before, bstart = self._word_before_at(text, spaced, bstart)
            if before in self._person_heads:
                return True
        return False

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
        while j < n and is_letter(text[j]):
            j += 1
        return text[i:j] not in _AFTER_PLACE

    def _admit(self, text: str, s: Span, entries: list[Entry]) -> list[Entry]:
        """The candidate places of a hit, or [] when the evidence that it is a place is too weak: the first
        of ADMISSION_RULES that gives a verdict decides (see there)."""
        if not entries:
            return []
        cue = s.cue if s.cue is not None and s.cue.strength > 0 else None
        for _name, rule in ADMISSION_RULES:
            verdict = rule(self, text, s, cue)
            if verdict is not None:
                break
        if verdict is REJECT:
            return []
        if verdict is LANDMARK:
            s.landmark = True
        elif verdict is COMMON:
            s.common = True
            s.weak = True
        elif verdict is WEAK:
            s.weak = True
        return entries

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


# ------------------------------------------------------------------ admission rules
#
# A strong cue (قرية، بلدة، مدينة، حي ...) admits any name that is not itself a cue word. Otherwise stop
# words and cue words are never places, nor a word split into a clitic and a name when the whole word is an
# ordinary one ("فرقة" is not ف + الرقة) or the rest is a short name written without its article; well-known
# towns need no evidence; other names need a cue or a preposition, and with a preposition alone (or as an
# unintroduced name of two words) they are WEAK: kept only when they fit the geography of the rest of the
# article. Ordinary words that are also names ("السلمية", "الكرامة") are COMMON: kept only close to the
# article's places. Each rule sees (geocoder, text, span, cue of strength > 0 or None) and returns a verdict
# or None (no opinion: the next rule decides).

REJECT, ADMIT, WEAK, COMMON, LANDMARK = "reject", "admit", "weak", "common", "landmark"


def _cue_word_itself(g, text: str, s: Span, cue: Cue | None) -> str | None:
    # "ريف مدينة درعا"; but "بلدة المزرعة" is a place
    # (a list lends its cue, not that exception: "قرية النفيلة والقرى المجاورة")
    if s.surface in g._cues and not (s.has_article and cue is not None and cue.strength >= 2 and s.list_prev is None
                                     and cue.kind in ("settlement", "neighbourhood")):
        return REJECT
    return None


def _strong_cue(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return ADMIT if cue is not None and cue.strength >= 2 else None


def _stop_name(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return REJECT if s.surface in g._stop else None


def _named_cue(g, text: str, s: Span, cue: Cue | None) -> str | None:
    # ساحة الكرامة: a square, placed at its town
    return LANDMARK if s.cue is not None and s.cue.kind == "named" else None


def _clitic_on_ordinary_word(g, text: str, s: Span, cue: Cue | None) -> str | None:
    if s.clitic and cue is None and text[s.word_start:s.end] in g._common:
        return REJECT
    return None


def _clitic_on_short_bare_name(g, text: str, s: Span, cue: Cue | None) -> str | None:
    if s.clitic and cue is None and not s.has_article and len(s.key) <= 3 and not g._kinfo[s.key][1]:
        return REJECT
    return None


def _ordinary_word(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return COMMON if s.surface in g._common else None


def _article_missing(g, text: str, s: Span, cue: Cue | None) -> str | None:
    # written without the article its every name carries ("رقة", "قريتين"): weak evidence
    famous, _bare, all_article = g._kinfo[s.key][:3]
    if s.has_article or not all_article:
        return None
    if s.clitic.startswith("و") and cue is None and not s.prep:
        return REJECT  # ("وتبنى التنظيم العملية", "ورقة"): a word after "and", not التبني or الرقة
    return WEAK if famous or cue is not None or s.prep else REJECT


def _famous_or_cued(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return ADMIT if g._kinfo[s.key][0] or cue is not None else None


def _preposition_or_two_words(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return WEAK if s.prep or (" " in s.key and len(s.key) >= 7) else None


def _no_evidence(g, text: str, s: Span, cue: Cue | None) -> str | None:
    return REJECT


ADMISSION_RULES = (
    ("a cue word is no place (unless the article and a strong settlement cue make it one)", _cue_word_itself),
    ("a strong cue admits the name", _strong_cue),
    ("a stop name is no place", _stop_name),
    ("after a 'named' cue (ساحة، شارع): a landmark", _named_cue),
    ("a clitic split off an ordinary word is no place", _clitic_on_ordinary_word),
    ("a clitic before a short name without its article is no place", _clitic_on_short_bare_name),
    ("an ordinary word that is also a name: common", _ordinary_word),
    ("a name without the article all its spellings carry: weak, if famous or cued", _article_missing),
    ("a famous place or a cued name is admitted", _famous_or_cued),
    ("a preposition alone, or a name of two words: weak", _preposition_or_two_words),
    ("otherwise no evidence", _no_evidence),
)
