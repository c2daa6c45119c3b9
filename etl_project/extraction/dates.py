"""Pass `dates`: the date each typed clause is told with — the clause's date nearest the trigger (a
report's date only when there is no other), else the sentence's, else the day last told before "على إثر
ذلك"; the day of the injury for one who died of wounds. Dates carried over from clause to clause are the
pass `chronology`."""
from __future__ import annotations

import re

from etl_project.extraction.model import ArticleContext, Clause
from etl_project.text.dates import DateMention
from etl_project.text.events import cue_re
from etl_project.text.lexicon import AR

D_CLAUSE = "date:clause"  # the clause's own date nearest the trigger
D_SENTENCE = "date:sentence"  # the sentence's date nearest the trigger
D_AFTER_THAT = "date:after_that"  # "وعلى إثر ذلك، قطع الأهالي الطريق": the day last told before
D_DAY_OF_INJURY = "date:day_of_injury"  # "توفي اليوم متأثراً بجروح أصيب بها ... الخميس الماضي"
D_NOT_FOR_ANAPHOR = "date:none_for_anaphor"  # it tells more of an earlier incident: its date is of what followed

_DIED_OF_WOUNDS = re.compile(rf"(?<![{AR}])(?:متاثرا|متاثره|متاثرين|متاثرتين|متاثرون)\s+(?:ب)?(?:ال)?(?:جراح|جروح|اصاب|اصابت)")
_INCIDENT_WORD = re.compile(r"(?:قتل|مقتل|انفجار|انفجر|استهداف|استهدف|اعتقال|اعتقل|هجوم|هاجم|قصف|اختطاف|اختطف|خطف|اغتال|داهم|اشتبك)")
_CONCESSIVE = re.compile(r"(?<![\u0621-\u064a])(?:رغم|برغم|بالرغم من|علي الرغم من)\s+[\u0621-\u064a]+")
_RELATIVE_CLAUSE = re.compile(r"(?<![\u0621-\u064a])(?:الذي|التي|الذين|اللذين|اللتين)\s+(?:كان\s+|كانت\s+)?[\u0621-\u064a]+")
_AFTER_THAT = re.compile(r"\s*[وف]?(?:علي\s+)?(?:اثر|عقب|بعد|في\s+اعقاب)\s+ذلك(?![\u0621-\u064a])")
_DAY_PART_WORD = re.compile(rf"(?<![{AR}])[وف]?(?:في|من|يوم|صباح|مساء|ظهر|ظهيره|فجر|عصر|ليل|ليله|منتصف)(?![{AR}])")
_RELATIVE_DAY = re.compile(rf"(?<![{AR}])(?:اول\s+من\s+امس|اول\s+امس|قبل\s+امس|اليوم|امس|البارحه)(?![{AR}])")


def report_date(T: str, d: DateMention, start: int) -> bool:
    """The date is the day a report was made: right after a reporting verb, with no incident word between."""
    seg = T[max(start, d.start - 80):d.start]  # (the speaker may be long: "قالت قوى الأمن الداخلي (أسايش) التابعة لـ...")
    return bool(cue_re("report").search(seg)) and not _INCIDENT_WORD.search(seg)


def pick_date(T: str, ds: list[DateMention], trig_pos: int, start: int) -> DateMention | None:
    if not ds:
        return None
    plain = [d for d in ds if not report_date(T, d, start)] or ds
    # "رفع المعتصمون لافتات تطالب بتطبيق قرار الذي أصدرته الحكومة في أيار": a date inside a relative clause
    # after the trigger dates the noun it describes, not the incident
    # "تجددت الاشتباكات رغم إعلان وقف إطلاق النار صباح أمس": a date after "despite" dates what is conceded
    plain = [d for d in plain if not (d.start > trig_pos and _CONCESSIVE.search(T, trig_pos, d.start))]
    if not plain:
        return None
    own = [d for d in plain if not (d.start > trig_pos and _RELATIVE_CLAUSE.search(T, trig_pos, d.start))]
    plain = own or plain
    # ("عمليات بدأت في مطلع آب، أبرزها هجوم في بلدة ذيبان في 1 آب": the day told beats the part of a month)
    return min(plain, key=lambda d: (d.precision != 1, abs(d.start - trig_pos), d.start))


def date_of_that(T: str, cs: int, dates) -> DateMention | None:
    """"وعلى إثر ذلك، قطع الأهالي الطريق": what followed is dated by the day last told before it (even
    in a sentence that told no incident: "وتواصل الخاطفون مع ذويه صباح اليوم")."""
    if not _AFTER_THAT.match(T, cs):
        return None
    before = [d for d in dates if d.end <= cs and not d.future and d.precision == 1 and not d.anaphoric]
    return before[-1] if before else None


def date_key(words: str) -> str:
    """The words of a date that cannot be resolved, reduced to what tells two such dates apart:
    "صباح اليوم" and "اليوم الإثنين" are the same unknown day."""
    rel = _RELATIVE_DAY.search(words)
    if rel:
        return re.sub(r"\s+", " ", rel.group())
    return re.sub(r"\s+", " ", _DAY_PART_WORD.sub(" ", words)).strip()


def clause_date(doc: ArticleContext, cl: Clause) -> tuple[DateMention | None, str | None]:
    T, cs, trig_pos = doc.T, cl.start, cl.typing.trig_pos
    cl_dates = cl.dates
    dm, rule = pick_date(T, cl_dates, trig_pos, cs), D_CLAUSE
    if dm is None:
        dm, rule = pick_date(T, cl.sentence_dates, trig_pos, cl.sentence.start), D_SENTENCE
    if dm is None:
        dm, rule = date_of_that(T, cs, doc.dates), D_AFTER_THAT
    wounds = _DIED_OF_WOUNDS.search(T, cs, cl.end)
    if wounds and [d for d in cl_dates if d.start > wounds.end()]:
        # "توفي اليوم متأثراً بجروح أصيب بها ... الخميس الماضي": ACLED codes the day of the injury
        dm, rule = [d for d in cl_dates if d.start > wounds.end()][0], D_DAY_OF_INJURY
    if cl.triggers and cl.typing.anaphor_only:
        dm, rule = None, D_NOT_FOR_ANAPHOR
    return dm, (rule if dm is not None or rule == D_NOT_FOR_ANAPHOR else None)


def run(doc: ArticleContext) -> None:
    for cl in doc.clauses:
        if not cl.skipped:
            cl.date, cl.date_rule = clause_date(doc, cl)
