"""Sentence and clause segmentation of normalised news text, robust to the debris of real pages.

Pages come with headline lines, datelines ("درعا - ...", "حلب-سانا"), bylines, photo captions and
"see also" teasers glued into the body. `segment(text, title)` returns sentences (offsets in the
normalised text; map to the original with Normalized.span) each marked:
  body     - article prose
  headline - a short line before the first prose paragraph, or a line equal to the title
  dateline - a short place-and-agency line or prefix ("حلب-سانا", "الرياض - كتبت ... -")
  teaser   - a link to another story ("انظر أيضاً", "اقرأ أيضاً:", "شاهد:"), with the headline and
             snippet that follow a bare marker; a summary marker ("استمع إلى الملخص") and page furniture
             that closes the story ("هذا الخبر ... نُشر أولاً على موقع")
  summary  - the bullet lines after a summary marker: they restate or tease the story
  caption  - a short line closed by a bracketed photo credit ("قوات ... قرب الحدود (أرشيف)")
and split into clauses at connectives that open a new statement (كما، فيما، بينما، في حين، حيث، وذلك).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from etl_project.text.lexicon import AR, arabic_form, read_table, words_alternation
from etl_project.text.prefilter import prefiltered


@dataclass
class Sentence:
    start: int
    end: int
    kind: str  # body | headline | dateline | teaser | summary | caption
    line: int
    clauses: list[tuple[int, int]] = field(default_factory=list)


_GLUED_REPORT = re.compile(
    rf"(?<=[{AR}])(?=و(?:قال|قالت|اضاف|اضافت|اكد|اكدت|اشار|اشارت|ذكر|ذكرت|افاد|افادت|اوضح|اوضحت|تابع|تابعت)(?![{AR}]))"
)
# Sentence ends: . ! ? (not inside numbers like 27.09.2024 or 1.5), two or more dots, a bullet or a bar.
_LETTER = re.compile(rf"[{AR}]")


def _initial_stop(text: str, p: int) -> bool:
    """The full stop at p is an initial's or a title's ("الطبيب أحمد. ع من أمام عيادته"، "د. محمد"): a letter
    standing alone before it, or right after it and its space."""
    def letter(i: int) -> bool:
        return 0 <= i < len(text) and _LETTER.match(text[i]) is not None
    alone_before = letter(p - 1) and not letter(p - 2)
    alone_after = text[p + 1:p + 2] == " " and letter(p + 2) and not letter(p + 3) and text[p + 3:p + 4] != "\n"
    return alone_before or alone_after


_SENT_END = re.compile(r"(?:(?<!\d)\.(?!\d)|(?<=\d)\.(?!\d)|(?<!\d)\.(?=\d)|[!?]|\.{2,}|…|\s[|•]\s?)+")
_CLAUSE_SPLIT = re.compile(
    r"[,;:]\s*(?=(?:و|ف)?(?:كما|فيما|بينما|في حين|وذلك|ذلك|في ظل|حيث|اذ|بعد ان|قبل ان|ثم|(?<=و)كان|(?<=و)كانت|(?<=و)(?:قال|قالت|اضاف|اضافت|اكد|اكدت|افاد|افادت|ذكر|ذكرت)|(?<=و)(?:الثاني|الثالث|الرابع|الاخير)|اما|لترد|ليرد|وان|وانه|وانها|لا يزال|لا تزال|ما زال|ما زالت|مازال|مازالت|ليرتفع|لترتفع|ليبلغ|لتبلغ|ليصل|لتصل|وبذلك|وبهذا|(?:مشيرا|مشيره|مضيفا|مضيفه|لافتا|لافته)\s+(?:الي\s+)?ان)\s)|;"
)
_DATELINE_PREFIX = re.compile(
    rf"^\s*(?:[{AR}]+(?:\s+[{AR}]+){{0,2}})\s*-\s*(?:(?:[{AR}]+\s*)?(?:سانا|وكالات|متابعات|خاص|\(خاص\)))?\s*"
    rf"(?:-\s*)?(?:كتب|كتبت|كتبه|بقلم)\s+[{AR}]+(?:\s+[{AR}]+)?\s*-\s*"
    rf"|^\s*[{AR}]+(?:\s+[{AR}]+)?\s*-\s*(?:سانا|وكالات|متابعات|خاص)\s*"
)
# A bare dateline before the lead sentence: one to three words, a spaced dash, then prose
# ("درعا - قتل شاب ...", "ريف دمشق - نفت الوزارة ..."). Only on the article's first prose line.
_BARE_DATELINE = re.compile(rf"^\s*[{AR}]+(?:\s+[{AR}]+){{0,2}}\s+-\s+(?=[{AR}])")
# A dateline with a numeric date and an optional agency: "حمص، 3/4/2025 (وكالات) - ", "حلب - 12.11.2025: "
_DATED_DATELINE = re.compile(
    rf"^\s*[{AR}]+(?:\s+[{AR}]+){{0,2}}\s*[،,\-–]?\s*\d{{1,4}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{1,4}}\s*"
    rf"(?:\(\s*[{AR}A-Za-z ]{{1,20}}\s*\))?\s*[-–:]\s*(?=[{AR}])"
)


# Kinds that tell no news of the day: the extractor reads nothing from them.
NOT_NEWS = frozenset({"teaser", "dateline", "summary", "caption"})
_BULLET_LINE = re.compile(r"^\s*(?:[-–—•*▪●]|\d{1,2}[).-])\s")


@lru_cache(maxsize=None)
def _zone_re(cls: str) -> re.Pattern:
    """The cue class `cls` of cues.tsv: `summary` must be the whole line (bar punctuation), `footer`
    may stand anywhere in it, `caption` is the credit inside the brackets that close a line."""
    alts = "|".join(arabic_form(r["pattern"]) for r in read_table("cues.tsv") if r["class"] == cls)
    if cls == "summary":
        return re.compile(rf"^[\s\-–*#•:]*(?:{alts})\s*[:：.]?\s*$")
    if cls in ("caption", "caption_outlet"):
        return re.compile(rf"(?:^\s*(?:camera icon|photo|image)|[(\[]\s*(?:[^()\[\]]{{0,40}}[\s/،,-])?(?:{alts})"
                          rf"(?![{AR}])[^()\[\]]{{0,40}}[)\]]\s*$)", re.I)
    return re.compile(rf"(?<![{AR}])(?:{alts})(?![{AR}])")


# a sentence closed before its bracketed credit ("قتل أربعة مدنيين بغارة على إدلب اليوم. (رويترز)") is prose
_SENTENCE_END_BEFORE_CREDIT = re.compile(r"[.!?]\s*(?:[(\[][^()\[\]]{0,60}[)\]]\s*)?$")


def _zone_kind(stripped: str, n_words: int, in_summary: bool, seen_prose: bool = True) -> str | None:
    """The kind a line takes from its zone of the page alone, or None for the usual reading."""
    if _zone_re("summary").match(stripped):
        return "teaser"
    if in_summary and _BULLET_LINE.match(stripped):
        return "summary"
    if ("نشر" in stripped or "حقوق" in stripped or "ظهر" in stripped) and _zone_re("footer").search(stripped):
        return "teaser"  # (every footer form has one of these words: a cheap test first)
    if n_words < 25 and not _SENTENCE_END_BEFORE_CREDIT.search(stripped) and (
            _zone_re("caption").search(stripped) or not seen_prose and _zone_re("caption_outlet").search(stripped)):
        return "caption"
    return None


@lru_cache(maxsize=None)
def _teaser_re() -> re.Pattern:
    forms = [r["pattern"] for r in read_table("cues.tsv") if r["class"] == "teaser"]
    alts = "|".join(arabic_form(p) for p in forms)
    return re.compile(rf"^[\s\-–*#•:]*(?:{alts})(?![{AR}])\s*:?\s*")


_WORD = re.compile(rf"[{AR}A-Za-z0-9]+")


def _words(s: str) -> int:
    return len(_WORD.findall(s))


_LINKED_HEADLINES = 6  # lines after a bare "see also" marker that may be the headlines it links to


def _prose(line: str, n_words: int) -> bool:
    """A line of the article's own prose, not a linked headline: a long line, or a full sentence."""
    return n_words > 16 or (n_words >= 8 and line.endswith((".", "،", ":")))


def segment(text: str, title: str | None = None) -> list[Sentence]:
    """Sentences of a normalised text, with kinds and clauses (see module doc)."""
    title_key = re.sub(r"\s+", " ", title).strip() if title else None
    lines: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1

    sentences: list[Sentence] = []
    seen_prose = False
    teaser_follow = 0  # lines after a bare "see also" marker that belong to the teaser
    in_summary = False  # after a summary marker, until a line that is no bullet
    for li, (ls, le) in enumerate(lines):
        line = text[ls:le]
        if not line.strip():
            continue
        n_words = _words(line)
        stripped = " ".join(line.split())  # re.sub(r"\s+", " ", line).strip(): \s is str.isspace, as split()
        kind = "body"
        body_from = ls  # where body text starts on this line (after a teaser or dateline prefix)
        tm = _teaser_re().match(line)
        zone = _zone_kind(stripped, n_words, in_summary, seen_prose)
        in_summary = zone == "summary" or (zone == "teaser" and bool(_zone_re("summary").match(stripped)))
        if zone is not None:
            kind = zone
        elif teaser_follow > 0 and not _prose(stripped, n_words):
            kind = "teaser"
            teaser_follow -= 1
            if stripped.endswith(("…", "...")):
                teaser_follow = max(teaser_follow, 0)
        elif tm:
            kind = "teaser"
            if len(line[tm.end():].strip()) < 3:
                # the linked headlines are on the next lines ("مواضيع ذات صلة" and a list of them), until prose
                teaser_follow = _LINKED_HEADLINES
        elif stripped.endswith(("…", "...")) and sentences and sentences[-1].kind == "teaser":
            kind = "teaser"
        elif title_key and stripped == title_key:
            kind = "headline"
        elif not seen_prose and n_words <= 4 and not re.search(r"[.!?]$", stripped):
            kind = "dateline"
        elif not seen_prose and n_words < 20 and not re.search(r"[.!?]$", stripped) and li + 1 < len(lines):
            kind = "headline"
        if kind == "teaser" and stripped.endswith(("…", "...")) or kind != "teaser":
            teaser_follow = 0
        if kind == "body":
            dm = _DATELINE_PREFIX.match(line)
            if dm is None and not seen_prose and n_words >= 8:
                dm = _BARE_DATELINE.match(line) or _DATED_DATELINE.match(line)
            if dm and dm.end() < len(line):
                sentences.append(Sentence(ls, ls + dm.end(), "dateline", li, [(ls, ls + dm.end())]))
                body_from = ls + dm.end()
            if n_words >= 8:
                seen_prose = True

        # Glued paragraphs ("...سورياوقالت المعارضة"): what follows the glue is body text.
        glue_points = [m.start() + ls for m in _GLUED_REPORT.finditer(line)] if kind == "teaser" else []
        pieces = _split_sentences(text, body_from, le)
        for ps, pe in pieces:
            k = kind
            if k == "body" and _teaser_re().match(text[ps:pe]):
                k = "teaser"  # "... اقرأ أيضاً: مقتل شخصين ..." glued into a paragraph: a link, not the story
            if glue_points and kind == "teaser":
                gp = next((g for g in glue_points if ps <= g < pe), None)
                if gp is not None:
                    if gp > ps:
                        sentences.append(_mk(text, ps, gp, "teaser", li))
                    sentences.append(_mk(text, gp, pe, "body", li))
                    kind = "body"  # what follows the glued paragraph is body text
                    continue
            sentences.append(_mk(text, ps, pe, k, li))
    return [s for s in sentences if s.end > s.start]


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    s = start
    for m in prefiltered(_SENT_END).finditer(text, start, end):
        e = m.end()
        if m.group() == "." and _initial_stop(text, m.start()):
            continue  # "الطبيب أحمد. ع من أمام عيادته"، "د. محمد": a name's initial or a title's abbreviation
        if text[s:m.start()].strip():
            out.append(_trim(text, s, e))
        s = e
    if text[s:end].strip():
        out.append(_trim(text, s, end))
    # split further at glued reporting verbs ("...الثلاثاء.وأوضح" is handled by _SENT_END)
    final = []
    for a, b in out:
        cuts = [m.start() for m in prefiltered(_GLUED_REPORT).finditer(text, a, b) if a < m.start() < b]
        prev = a
        for c in cuts:
            final.append((prev, c))
            prev = c
        final.append((prev, b))
    return final


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _mk(text: str, s: int, e: int, kind: str, line: int) -> Sentence:
    s, e = _trim(text, s, e)
    clauses = []
    cs = s
    for m in _CLAUSE_SPLIT.finditer(text, s, e):
        if m.start() > cs:
            clauses.append((cs, m.start()))
        cs = m.end()
    if e > cs:
        clauses.append((cs, e))
    return Sentence(s, e, kind, line, clauses or [(s, e)])
