"""Pass `background`: incidents recalled (dated before the main date, or "وفي 3 آذار، ..." after the lead)
are flagged as background and keep their date; a background incident dated only to a month is a summary,
and a recall dated only by a past year is history: neither is an event (B_* name each)."""
from __future__ import annotations

import re

from etl_project.extraction.grouping import vague
from etl_project.extraction.model import ArticleContext

B_BEFORE_MAIN = "background:before_main"  # dated before the article's main date
B_AND_ON_DATE = "background:and_on_date"  # "وفي 3 آذار، ..." after the lead: an earlier incident recalled
B_MONTH_SUMMARY = "background:month_summary"  # dropped: a recall dated only to a month
B_PAST_YEAR = "background:past_year"  # dropped: "وكان الجسر قد دمر بغارات التحالف عام 2017"

_AND_ON = re.compile(r"\s*وفي\s*(?:ال\s*)?")
_NUMBER_FIRST = re.compile(r"\s*(?:ال\s*)?\d")
_YEAR_ONLY = re.compile(r"(?<![\u0621-\u064a])(?:عام|العام|سنه|خلال|في)\s+((?:19|20)\d\d)(?!\d)")


def _past_year_only(T: str, clause: tuple[int, int], ref) -> bool:
    return any(int(m.group(1)) < ref.year for m in _YEAR_ONLY.finditer(T, *clause))


def run(doc: ArticleContext) -> None:
    T, cands, main = doc.T, doc.candidates, doc.news_day
    first_body = next((c.sentence for c in cands if c.sentence.kind == "body"), None)
    for c in cands:
        if c.date_explicit and c.date and main and c.date < main:
            c.background = True
            c.also("background", B_BEFORE_MAIN)
        if c.date_text_span and c.sentence is not first_body and c.date_explicit is not None:
            a, b = c.date_text_span
            if _AND_ON.fullmatch(T[c.clause[0]:a]) and _NUMBER_FIRST.match(T[a:b]):
                c.background = True
                c.also("background", B_AND_ON_DATE)
    # background incidents dated only to a month are summaries; future dates are never events
    # ("وسبق أن نفذ الأمن حملة مماثلة في مدينة X الشهر الماضي" is one incident: kept, mid-month)
    cands = [c for c in cands if not (c.background and c.date_explicit and c.date_precision == 3
                                      and (c.place is None or vague(c)))]
    doc.candidates = [c for c in cands if not (c.background and not c.date_explicit and doc.ref is not None
                                               and _past_year_only(T, c.clause, doc.ref))]
