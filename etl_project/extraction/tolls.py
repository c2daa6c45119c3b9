"""Pass `tolls`: an updated toll ("ارتفعت حصيلة ضحايا التفجير إلى 42", "عدد قتلى القصف ارتفع إلى 52
قتيلاً") is the incident's figure, replacing the first report's. Such a sentence is read as talk of a tally
(it never makes an incident of its own), so this pass finds it in the article and gives its figure to the
one incident it is about: the only incident of the kind its words name ("التفجير" an explosion, "الاشتباكات"
a battle), or among several, the one whose place it names. A toll of the day's dead across the country
("ارتفع إلى 145 عدد الشهداء") names no incident and is left alone (T_* name each)."""
from __future__ import annotations

import re

from etl_project.extraction.model import ArticleContext, Candidate
from etl_project.text.lexicon import AR
from etl_project.text.numbers import number_at
from etl_project.text.segment import NOT_NEWS

T_UPDATED = "toll:updated"  # the incident's figure is the updated toll told later

_RISE = rf"(?:[وفبل]?(?:ارتفع|ارتفعت|يرتفع|ترتفع|ليرتفع|لترتفع|ارتفاع))"
_DEAD = rf"(?:قتلي|القتلي|ضحايا|الضحايا|شهداء|الشهداء|وفيات|الوفيات|حصيله|الحصيله|عدد)"
# the incident the toll is of: its words, and the event type they tell
_INCIDENT_WORDS = (
    ("explosion_remote_violence", r"(?:ال)?(?:تفجير|انفجار|تفجيرين|انفجارين|قصف|غاره|غارات|الغارات|ضربات|ضربه|مجزره|استهداف|براميل|هجوم\s+الانتحاري|الهجوم\s+الانتحاري)"),
    ("battle", r"(?:ال)?(?:اشتباكات|اشتباك|معارك|مواجهات|هجوم|الهجوم)"),
    ("violence_against_civilians", r"(?:ال)?(?:مجزره|هجوم|الهجوم|اعدامات|عمليه\s+الاعدام)"),
)
_TOLL = re.compile(
    rf"(?<![{AR}]){_RISE}\s+(?:{_DEAD}\s+)+(?P<what>[^.\n]{{0,90}}?)\s(?:الي(?![{AR}])|ل(?=\s*\d))\s*(?:اكثر\s+من\s+|نحو\s+|حوالي\s+)?(?=\S)"
    rf"|(?<![{AR}])(?:{_DEAD}\s+)+(?P<what2>[^.\n]{{0,60}}?)\s{_RISE}\s+(?:الي(?![{AR}])|ل(?=\s*\d))\s*(?:اكثر\s+من\s+|نحو\s+|حوالي\s+)?(?=\S)")


# the toll named alone, with the day it rose on at most ("وارتفعت الحصيلة صباح اليوم الجمعة إلى 7 قتلى")
_BARE_TOLL = re.compile(rf"\s*(?:(?:صباح|مساء|ظهر|فجر|ليل|ليله|يوم)\s+)?(?:اليوم|امس|[{AR}]+)?(?:\s+[{AR}]+)?\s*")


# "ليرتفع عدد ضحايا القصف على المحافظة خلال يومين إلى 20": the dead of days or of many places, not of the incident
_CUMULATIVE = re.compile(rf"(?<![{AR}])(?:خلال|منذ|يومين|ايام|اسبوع|الاسبوع|شهر|الشهر|مناطق|المناطق|عموم)(?![{AR}])")


def _types_named(words: str) -> set[str]:
    return {etype for etype, rx in _INCIDENT_WORDS if re.search(rf"(?<![{AR}]){rx}(?![{AR}])", words)}


def _updated_tolls(doc: ArticleContext) -> list[tuple[int, str, set[str], int]]:
    """(position, the words between "toll" and its figure, event types they name, figure) of every updated
    toll in the sentences the extractor reads."""
    T, out = doc.T, []
    if "رتفع" not in T:
        return out  # no toll rises in the article (the one word every form shares: a cheap test first)
    for s in doc.sentences:
        if s.kind in NOT_NEWS:
            continue
        for m in _TOLL.finditer(T, s.start, s.end):
            nm = number_at(T, m.end())
            words = m.group("what") or m.group("what2") or ""
            types = _types_named(words)
            if nm is None or nm.vague or nm.value is None or not types and not _BARE_TOLL.fullmatch(words) \
                    or _CUMULATIVE.search(words):
                continue
            out.append((m.start(), words, types, nm.value))
    return out


def _about(doc: ArticleContext, words: str, types: set[str], events: list[Candidate]) -> Candidate | None:
    if not types:  # "وارتفعت الحصيلة إلى 7 قتلى": the toll of the one incident the article counts dead in
        dead = [e for e in events if not e.background and e.cas is not None and e.cas.deaths]
        return dead[0] if len(dead) == 1 else None
    kin = [e for e in events if e.event_type in types and not e.background]
    if len(kin) == 1:
        return kin[0]
    named = [e for e in kin if e.place is not None and doc.T[e.place.start:e.place.end] in words]
    return named[0] if len(named) == 1 else None


def run(doc: ArticleContext) -> None:
    if not doc.candidates:
        return
    for _, words, types, figure in _updated_tolls(doc):
        e = _about(doc, words, types, doc.candidates)
        if e is not None and figure >= (e.updated_toll or 0):
            e.updated_toll = figure
            e.also("toll", T_UPDATED)
