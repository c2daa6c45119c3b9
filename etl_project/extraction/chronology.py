"""Pass `chronology`: the article's main date (the day its lead names, else its published day, else its
first dated incident that is not background), and a date for every candidate told without one — the day "حينها" points to, the recalled
day for what continues a recall, the main date for a headline, the bulletin's day for a bulleted item,
else the last date the article gave (D_* name each)."""
from __future__ import annotations

import re
from datetime import date

from etl_project.extraction.model import ArticleContext, Candidate

D_ANAPHORIC = "date:anaphoric"  # "حينها"، "في اليوم التالي": the day told before (or the day after it)
D_RECALLED = "date:recalled"  # a weak candidate continuing a recall ("وكان X قد ... الثلاثاء الماضي")
D_HEADLINE_MAIN = "date:headline_main"  # a headline: the main date
D_BULLETIN = "date:bulletin"  # "- إصابة طفلين ..." in a bulletin: each item dated by the line that introduces the
# list ("في يوم الثلاثاء، 5 آب، ... شملت:"), else by the bulletin
D_INHERITED_LAST = "date:inherited_last"  # the last date the article gave
D_INHERITED_MISSING = "date:inherited_missing"  # the last date given could not be resolved
D_MAIN = "date:main"  # no date before it: the main date
B_RECALL_CONTINUES = "background:recall_continues"  # "حينها" after a recall tells more of the recalled day

_BULLET = re.compile(r"[ \t]*(?:[-–•*▪●]|\d{1,2}[).-])\s")
_SINCE = re.compile(r"(?<![\u0621-\u064a])(?:منذ|مند)\s+(?:[\u0621-\u064a]+\s+)?$")


def lead_date(doc: ArticleContext) -> date | None:
    """The day the lead (the first prose sentence) names, even as the day of its report, when it is a day
    of the week before `published` or on it."""
    lead = next((s for s in doc.sentences if s.kind == "body"), None)
    if lead is None:
        return None
    ref = doc.ref
    for d in doc.dates:
        if lead.start <= d.start < lead.end and d.value is not None and d.precision == 1 and not d.future \
                and not d.anaphoric and (ref is None or 0 <= (ref - d.value).days <= 7):
            return d.value
    return None


def bullet_at(T: str, pos: int) -> re.Match | None:
    """The bullet or item number that starts the line of pos, if any."""
    return _BULLET.match(T, T.rfind("\n", 0, pos) + 1)


def bulleted(T: str, pos: int) -> bool:
    """The sentence at pos is on a line that starts with a bullet or an item number."""
    return bullet_at(T, pos) is not None


def intro_line(T: str, pos: int) -> tuple[int, int] | None:
    """The span of the line, ending with ":", that introduces the bulleted list the item at pos belongs to."""
    start = T.rfind("\n", 0, pos) + 1
    while start > 0:
        prev = T.rfind("\n", 0, start - 1) + 1
        line = T[prev:start - 1]
        if not line.strip() or bulleted(T, prev):
            start = prev
            continue
        return (prev, start - 1) if line.rstrip().endswith(":") else None
    return None


def _intro_date(doc: ArticleContext, pos: int) -> date | None:
    """The day of the line that introduces a bulleted list ("في يوم الثلاثاء، 5 آب، نفذ مجهولون ثلاث عمليات
    ... شملت:"), for the item at pos: its items are that day's."""
    T = doc.T
    span = intro_line(T, pos)
    if span is None:
        return None
    lo, hi = span
    # ("التهدئة التي سادت منذ يوم أمس ... شملت:": a day things have lasted since, not the items' day)
    days = [d.value for d in doc.dates if lo <= d.start < hi and d.value is not None
            and d.precision == 1 and not d.anaphoric and not d.future
            and not _SINCE.search(T, max(lo, d.start - 8), d.start)]
    return days[-1] if days else None


class _Told:
    """The dates told so far, in reading order."""
    def __init__(self):
        self.last = None
        self.missing = False
        self.key = None
        self.line = None
        self.recalled = None


def _anaphoric(c: Candidate, told: _Told) -> None:
    ad = c.anaphoric_date
    day = told.recalled or told.last  # "حينها" after a recall is the recalled day, and tells more of it
    if told.recalled is not None:
        c.background = True
        c.decided("background", B_RECALL_CONTINUES)
    if day is not None:
        c.date = day if ad.kind == "same" else day.fromordinal(day.toordinal() + 1)
        c.date_explicit = True
        c.date_text_span = (ad.start, ad.end)
        c.decided("date", D_ANAPHORIC)
    elif told.missing:
        c.date_known_missing = True
        c.date_text_span = (ad.start, ad.end)
        c.decided("date", D_ANAPHORIC)


def _dated(c: Candidate, told: _Told, main) -> None:
    if (c.background or main and c.date and c.date < main) and not c.date_known_missing:
        # "وكان X قد ... الثلاثاء الماضي": the recalled day dates only what continues that
        # recall; the next news item goes back to the report's own day
        told.recalled = c.date
        told.line = c.sentence.line
        return
    told.recalled = None
    if c.date_known_missing:
        told.last, told.missing, told.key = None, True, c.date_key
    else:
        told.last, told.missing, told.key = c.date, False, c.date_key
    told.line = c.sentence.line


def _inherit(doc: ArticleContext, c: Candidate, told: _Told, main) -> None:
    if told.recalled is not None and c.weak:
        c.date = told.recalled
        c.decided("date", D_RECALLED)
    elif c.sentence.kind == "headline":
        c.date = main
        c.decided("date", D_HEADLINE_MAIN)
    elif c.sentence.line != told.line and bulleted(doc.T, c.sentence.start) and \
            (told.line is not None or _intro_date(doc, c.sentence.start) is not None):
        c.date = _intro_date(doc, c.sentence.start) or doc.ref or main
        c.decided("date", D_BULLETIN)
    elif told.last is not None:
        c.date = told.last
        c.decided("date", D_INHERITED_LAST)
    elif told.missing:
        c.date = None
        c.date_known_missing = True
        c.date_key = told.key
        c.decided("date", D_INHERITED_MISSING)
    else:
        c.date = main
        c.decided("date", D_MAIN)


def run(doc: ArticleContext) -> None:
    cands = doc.candidates
    if not cands:
        return
    first_dated = next((c.date for c in cands if c.date_explicit and c.date and not c.background
                        and c.sentence.kind == "body"), None)
    # what continues the lead's story takes the lead's day: an incident dated later in the article (a
    # recall, "منذ أسبوع" in a quote) does not date it
    main = doc.main_date = lead_date(doc) or doc.ref or first_dated
    # the day of the news: an incident dated before it is recalled (an incident of yesterday reported today
    # is the day's news)
    recent = first_dated is not None and (doc.ref is None or 0 <= (doc.ref - first_dated).days <= 2)
    doc.news_day = first_dated if recent else main
    told = _Told()
    for c in cands:
        if c.anaphoric_date is not None:
            _anaphoric(c, told)
        if c.date_explicit or c.date_known_missing:
            _dated(c, told, doc.news_day)
        else:
            _inherit(doc, c, told, main)
