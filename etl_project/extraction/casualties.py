"""Pass `casualties`: the dead and wounded each clause states (a figure governed by a plan or a threat is
not counted), and clauses that mourn or bury the dead of an incident already told. The record sums and
reconciles the figures of an incident's sentences (`deaths_and_injuries`)."""
from __future__ import annotations

import re

from etl_project.extraction.chronology import bullet_at, intro_line
from etl_project.extraction.model import ArticleContext
from etl_project.text.casualties import item_dead
from etl_project.text.events import Casualties, casualties, clause_triggers, cue_re, irrealis_before
from etl_project.text.lexicon import AR

_DEATH_DATED = re.compile(rf"(?<![{AR}])(?:فارق|فارقت|توفي|توفيت|قتل|قتلت|قضي|استشهد)(?![{AR}])[^.,،]{{0,25}}?"
                          rf"(?<![{AR}])(?:يوم|امس|اليوم|صباح|مساء|فجر|ليل|في\s+\d)")
# another source's figure for the same dead ("في حين تحدثت مصادر عن خمسة قتلى"): an alternative, not an addition
_ALT_REPORT = re.compile(rf"\s*[,،]?\s*(?:في حين|فيما|بينما|وفيما|وبينما)\s+(?:[{AR}]+\s+){{0,1}}?"
                         rf"(?:تحدثت|تحدث|قالت|قال|افادت|افاد|ذكرت|ذكر|اشارت|اشار|اكدت|اكد|رجحت|قدرت|نقلت)(?![{AR}])")


# "سقوط برميلين على خيمة عزاء", "استهدف موكب تشييع": a mourning or a funeral that is hit is the target
_HIT_BEFORE = re.compile(rf"(?<![{AR}])(?:علي|في|داخل|استهدف|استهدفت|استهدفوا|طال|طالت)\s+(?:[{AR}]+\s+)?$")


_CLAIM = re.compile(rf"(?<![{AR}])[وف]?(?:تبني|تبنت|يتبني|تتبني|تبنوا|اعلن|اعلنت|مسؤوليته|مسؤوليتها)(?![{AR}])")


def _follows_up(T: str, cs: int, ce: int, told_before: bool) -> bool:
    """The clause tells what followed an incident already told (a funeral, mourning, outrage, a claim), and
    not as what was hit. A claim of an attack the article has not told is the attack's report ("تبنى التنظيم
    الهجوم الذي استهدف حافلة ... وأسفر عن مقتل 12 جندياً")."""
    return any(not _HIT_BEFORE.search(T, max(cs, m.start() - 25), m.start())
               and (told_before or not _CLAIM.match(T, m.start()))
               for m in cue_re("followup").finditer(T, cs, ce))


def no_toll(cas: Casualties) -> Casualties:
    return Casualties(None, None, None, None, cas.victim_class, cas.no_casualties)


def _item_of_the_dead(T: str, cl) -> Casualties | None:
    """"وثق المرصد مقتل 12 شخصاً، وهم:\n- 3 عناصر ... بهجوم ...": an item of a list the line before it
    introduces as the dead counts the people it names first as its dead."""
    mark = bullet_at(T, cl.start)
    if cl.previous is not None or mark is None or T[mark.end():cl.start].strip():
        return None
    intro = intro_line(T, cl.start)
    told = casualties(T, *intro) if intro is not None else None
    if told is None or told.deaths is None and told.deaths_vague is None:
        return None
    return item_dead(T, mark.end(), cl.end)


def run(doc: ArticleContext) -> None:
    T = doc.T
    told_before = False  # an incident (a trigger or a toll) in a clause read before
    for cl in doc.clauses:
        if cl.skipped:
            continue
        cs, ce = cl.start, cl.end

        def blocked(pos, cs=cs):
            return bool(cue_re("plan").search(T, max(cs, pos - 45), pos)) or irrealis_before(T, cs, pos)

        cl.cas = casualties(T, cs, ce, blocked)
        if cl.cas.deaths is None and cl.cas.deaths_vague is None and cl.cas.injuries is None:
            cl.cas = _item_of_the_dead(T, cl) or cl.cas
        told_here = told_before
        told_before = told_before or cl.kind == "body" and (cl.cas.deaths is not None or bool(clause_triggers(T, cs, ce)))
        if _follows_up(T, cs, ce, told_here) and not _DEATH_DATED.search(T, cs, ce):
            # a funeral, mourning or outrage: the dead are those of an incident already told (unless
            # the clause dates the death itself: "تشييع الطفل الذي فارق الحياة يوم أمس برصاص طائش")
            cl.followup = True
            cl.cas = no_toll(cl.cas)


def _sum_stated(cas: list, attr: str) -> int | None:
    """The figures stated in the clauses of one sentence: "قتل ثلاثة عناصر، فيما قتل أحد المهاجمين" is four."""
    nums = [getattr(x, attr) for x in cas if getattr(x, attr) is not None]
    return sum(nums) if nums else None


def _conservative(stated: list, vague: list) -> int:
    nums = [x for x in stated if x is not None]
    if nums:
        return min(nums)
    vs = [x for x in vague if x is not None]
    return min(vs) if vs else 0


# "ردت قواتها على مصادر النيران، ما أدى إلى مقتل أحد المهاجمين": the other side's dead, not the toll told again
_ATTACKERS_DEAD = re.compile(rf"(?<![{AR}])(?:مقتل|قتل|مصرع|قتلي)\s+(?:[{AR}\d]+\s+){{0,2}}?(?:من\s+)?(?:ال)?"
                             rf"(?:مهاجمين|مهاجم|مهاجمون|منفذي|منفذين|انتحاري|انتحاريين)(?![{AR}])")


def _deaths(T: str, members: list) -> int:
    by_sentence: dict = {}
    for x in members:
        key = (id(x.sentence), x.clause) if _ALT_REPORT.match(T, x.clause[0]) else id(x.sentence)
        by_sentence.setdefault(key, []).append(x.cas)
    return _conservative([_sum_stated(v, "deaths") for v in by_sentence.values()],
                         [x.deaths_vague for v in by_sentence.values() for x in v])


def deaths_and_injuries(T: str, c) -> tuple[int, int]:
    """An incident's figures: summed within a sentence, the lowest across sentences and alternative reports;
    the attackers' dead told in a sentence of their own are added to the toll of those they attacked."""
    told = [x for x in [c] + c.members if x.cas is not None]
    attackers = [x for x in told if x.cas.deaths and _ATTACKERS_DEAD.search(T, *x.clause)]
    theirs = {id(x) for x in attackers}
    others = [x for x in told if id(x) not in theirs and (x.cas.deaths or x.cas.deaths_vague)]
    if attackers and others and not {id(x.sentence) for x in attackers} & {id(x.sentence) for x in others}:
        fat = _deaths(T, others) + _deaths(T, attackers)
    else:
        fat = _deaths(T, told)
    by_sentence: dict = {}
    for x in told:
        key = (id(x.sentence), x.clause) if _ALT_REPORT.match(T, x.clause[0]) else id(x.sentence)
        by_sentence.setdefault(key, []).append(x.cas)
    if c.updated_toll is not None:
        fat = c.updated_toll  # the toll told later replaces the first report's (see pass tolls)
    inj = _conservative([_sum_stated(v, "injuries") for v in by_sentence.values()],
                        [x.injuries_vague for v in by_sentence.values() for x in v])
    return fat, inj
