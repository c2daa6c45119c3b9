"""Pass `triggers`: the strongest trigger of each clause that is not negated, planned, seized or attempted,
and not in habitual or aggregate talk, types the clause (etl_project/lexicons/triggers.tsv); a clause with
deaths and no trigger is a killing. Each typing records the rules that decided it (T_* below)."""
from __future__ import annotations

import re
from functools import lru_cache

from etl_project.extraction.model import CROWD_TYPES, ArticleContext, Clause, Typing
from etl_project.extraction.rules import read_rules
from etl_project.text.events import (armed_named_after, clause_triggers, crowd_typing, cue_re, is_demonstrative,
                                     target_class, type_event)
from etl_project.text.lexicon import AR

T_TRIGGER = "type:trigger.{}"  # the deciding trigger row of lexicons/triggers.tsv
T_CROWD_NOT_ARREST = "type:main_trigger.crowd_held_not_arrest"  # "قطع شبان البلدة الطريق واحتجزوا سيارتين"
T_OVERRIDE = "type:override.{}"  # a row of rules/type_overrides.tsv ("مقتل قيادي في خلية خلال عملية أمنية")
T_EARLIER_TYPE = "type:anaphor.earlier_type"  # "الاعتداء الجديد استهدف ...": the type told before
T_DEATHS_ONLY = "type:deaths_only"  # deaths with no trigger: a killing, a battle when the dead were armed
# "تعرضت المدينة لثماني ضربات جوية. وقتل شخصان في سقبا القريبة": deaths told with no trigger right after a strike
# or shelling are its dead (ACLED types a strike's victims by the strike, civilians or not)
T_DEATHS_OF_STRIKE = "type:deaths_only.of_strike"

# gates: a clause dropped by one of these tells no incident
G_OBJECT_ONLY = "gate:object_only"  # "ملصقات توضح أشكال مخلفات الحرب": a weapon word with no blast or toll
G_PASSING_CAUSE = "gate:passing_cause"  # "الأحياء المدمرة جراء القصف": a cause told in passing
G_NOTHING = "gate:nothing"  # no trigger, no deaths
G_FUTURE = "gate:future"  # "وقفة ثالثة يوم الثلاثاء المقبل": a day still to come
G_ABROAD = "gate:abroad"  # "غارة استهدفت الطريق قرب نقطة المصنع في الجانب اللبناني"
G_POINTS_TO_NOTHING = "gate:anaphor_without_antecedent"  # a word that only points back, to nothing

# Weapon words that name an object, not an incident: they need a blast, a strike, a casualty or another
# trigger in their clause ("ملصقات توضح أشكال مخلفات الحرب" is not an explosion).
_OBJECT_ONLY = {"ied"}
# "صعدت الفصائل عملياتها ردا على القصف الذي طال ريف حماة": what is answered is told as a reason, not as news
_ANSWER_TO = re.compile(r"(?<![\u0621-\u064a])(?:ردا|رد|كرد|انتقاما|ثارا)\s+(?:علي|من|ل)\s*(?:ال)?$")
_CAUSE_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:جراء|بفعل|نتيجه|بسبب)\s+(?:ال)?$")
# "صليات من القذائف المدفعية التركية": a definite trigger with its own adjective describes a new incident
_NEW_DESCRIPTION = re.compile(r"\s+ال(?:مدفعيه|صاروخيه|جويه|تركيه|اسرائيليه|روسيه|امريكيه|ايرانيه|مسيره|ناسفه|مفخخه|مدفعي|صاروخي|جوي|تركي|اسرائيلي|روسي)(?![\u0621-\u064a])")
_AFTER_INCIDENT = re.compile(rf"(?<![{AR}])(?:عقب|بعد|اثر|قبيل|اعقاب)\s+(?:ال)?(?:حادثه|حادث|هجوم|انفجار|تفجير|اعتداء|"
                             rf"جريمه|واقعه|اشتباك|اشتباكات|قصف|غاره|كمين|اغتيال)(?![{AR}])")
# "وفي حادثة منفصلة"، "وفي سياق آخر": the sentence tells something else than the one before
_SEPARATE_START = re.compile(r"\s*(?:[-–•]\s*)?و?(?:في\s+)?(?:(?:حادثه|حادث|هجوم|واقعه|عمليه|اعتداء)\s+"
                             r"(?:منفصله|منفصل|اخري|اخر)|سياق\s+(?:متصل|اخر|منفصل)|(?:غضون|اثناء)\s+ذلك|"
                             r"من\s+جهه\s+اخري|علي\s+صعيد)")
# "عقب الحادثة"، "وسبق هذه الهجمات": an incident named only to date what the clause tells
_AFTER_THE = re.compile(r"(?:عقب|بعد|اثر|قبيل|قبل|اعقاب|خلفيه|سبق|سبقت|وسبق|وسبقت)\s+(?:(?:هذه|هذا|تلك|ذلك)\s+)?(?:ال)?$")


def _passing_cause(T: str, t, cs: int, ce: int, sent_dates, prev_types) -> bool:
    return bool(t.definite and _CAUSE_BEFORE.search(T, max(cs, t.start - 12), t.start)
                and not any(cs <= d.start < ce for d in sent_dates)
                and not any(pt == t.rule.event_type for pt, _ in prev_types))


def _abroad(T: str, cl: Clause) -> bool:
    """The clause says its incident was across the border and names no Syrian town as the place hit."""
    return bool(cue_re("abroad").search(T, cl.start, cl.end)) and not any(
        cl.start <= p.start < cl.end and p.role in ("head", "near") for p in cl.sentence_places)


def _gate(doc: ArticleContext, cl: Clause, prev_types) -> str | None:
    """Keep the clause's triggers that tell an incident; the name of the gate that drops the clause, or None."""
    T, cs, ce, cas = doc.T, cl.start, cl.end, cl.cas
    trigs = clause_triggers(T, cs, ce)
    if cl.followup:
        trigs = [t for t in trigs if t.rule.event_type in CROWD_TYPES]
    toll = cl.has_deaths or cas.injuries is not None or cas.injuries_vague is not None
    if trigs and all(t.rule.name in _OBJECT_ONLY for t in trigs) and not toll:
        trigs = []
    if trigs and not toll:
        trigs = [t for t in trigs if not (t.definite and _ANSWER_TO.search(T, max(cs, t.start - 16), t.start))]
        # "الأحياء المدمرة جراء القصف", "خرجت المستشفيات عن الخدمة بفعل القصف": the cause of damage
        # told in passing, with no toll, no day and no such incident told before, is no incident
        trigs = [t for t in trigs if not _passing_cause(T, t, cs, ce, cl.sentence_dates, prev_types)]
    cl.triggers = trigs
    if not trigs and not cl.has_deaths:
        return G_NOTHING
    if any(cs <= d.start < ce and d.future and (d.value is None or d.kind == "relative") for d in doc.dates) \
            and not any(cs <= d.start < ce for d in cl.sentence_dates):
        return G_FUTURE
    if _abroad(T, cl):
        return G_ABROAD
    return None


def _main_trigger(T: str, cl: Clause):
    real = [t for t in cl.triggers if t.rule.typing != "anaphor"] or cl.triggers
    # ("وسبق هذه الهجمات ... هجوم في بلدة ذيبان": the attack told is the second one, not the one that dates it)
    main = max(real, key=lambda t: (t.rule.priority, not _AFTER_THE.search(T, max(cl.start, t.start - 16), t.start),
                                    -t.start))
    rules = []
    crowd = [t for t in real if t.rule.event_type in CROWD_TYPES]
    if main.rule.sub_event_type == "arrests" and crowd and not any(a.inter == 1 for a in cl.actors):
        # "قطع شبان البلدة الطريق بالإطارات واحتجزوا سيارتين": the crowd held cars; no arrest
        main = max(crowd, key=lambda t: (t.rule.priority, -t.start))
        rules.append(T_CROWD_NOT_ARREST)
    return main, [T_TRIGGER.format(main.rule.name)] + rules


_GANG = re.compile(rf"(?<![{AR}])[ول]?(?:ال)?(?:عصابه|عصابات|خاطفين|خاطفون|مسلحون مجهولون|مسلحين مجهولين|مجهولون|مجهولين)(?![{AR}])")
_WHEN = {
    "deaths": lambda doc, cl, main: cl.has_deaths,
    "stated_deaths": lambda doc, cl, main: (cl.cas.deaths or 0) > 0,
    # an occupying army (Israel's, in the Golan and the south) named as the one that acts in the clause
    "occupying_army": lambda doc, cl, main: _occupying_army(doc, cl),
    # "لعصابة احتجزته عدة أيام": a gang or unknown gunmen, next to the word, who hold someone; no state force acts
    "held_by_a_gang": lambda doc, cl, main: not any(a.inter == 1 for a in cl.actors)
    and bool(_GANG.search(doc.T, max(cl.start, main.start - 30), min(cl.end, main.end + 30))),
}


@lru_cache(maxsize=None)
def _override_rows() -> tuple[dict, ...]:
    return read_rules("type_overrides.tsv")


_ISRAEL = "Military Forces of Israel"
# "توغلت قوة من جيش الاحتلال ... واعتقلت القوة شابين": a force named before by the word that points back to it
_THE_FORCE = re.compile(rf"(?<![{AR}])[وف]?(?:القوه|القوات|الدوريه|الجنود|قواته|جنوده)(?![{AR}])")


def _occupying_army(doc: ArticleContext, cl: Clause) -> bool:
    """Israel's army acts in the clause: named there, or, with no actor named, pointed back to by "القوة"
    when it is the last actor the article named before the clause."""
    armed = [a for a in cl.actors if a.inter != 7]  # (civilians, ACLED's inter code 7, are whom it acts on)
    if armed:
        return any(a.actor == _ISRAEL for a in armed)
    before = [a for a in doc.actors if cl.start - 400 <= a.start < cl.start and a.inter != 7]
    return bool(before) and before[-1].actor == _ISRAEL and bool(_THE_FORCE.search(doc.T, cl.start, cl.end))


def _overrides(doc: ArticleContext, cl: Clause, main, etype: str, sub: str, rules: list) -> tuple[str, str]:
    """The rows of rules/type_overrides.tsv that match retype the clause, in file order."""
    for row in _override_rows():
        if (row["trigger"] and row["trigger"] != main.rule.name) or (row["event_type"] and row["event_type"] != etype) \
                or (row["sub_event_type"] and row["sub_event_type"] != sub) or (row["when"] and not _WHEN[row["when"]](doc, cl, main)):
            continue
        if row["to"] == "by_target":
            tc = target_class(doc.T, cl.start, cl.end, main.start, cl.cas.victim_class)
            if tc != "armed" and cl.cas.victim_class is None and armed_named_after(doc.T, main.start, cl.end):
                tc = "armed"  # (the dead told only as "مقتله" are the armed man the clause named)
            etype, sub = ("battle", "armed_clash") if tc == "armed" else ("violence_against_civilians", "attack")
        else:
            to_type, sub = row["to"].split("/")
            etype = etype if to_type == "*" else to_type
        rules.append(T_OVERRIDE.format(row["name"]))
    return etype, sub


def _refs_back(T: str, cl: Clause, main) -> list:
    """Definite or demonstrative triggers that refer back to an earlier incident of their kind ("الاعتداء
    الجديد استهدف ...", "واستهدف القصف ..."); "عقب الحادثة، هاجم الأهالي ...": the earlier one only dates it."""
    cs = cl.start
    refs = [t for t in cl.triggers if t.rule.anaphor and (t.definite or is_demonstrative(T, t))
            and (t is main or t.rule.typing == "anaphor")
            and not _AFTER_THE.search(T, max(cs, t.start - 16), t.start)
            and not (is_demonstrative(T, t) is False and _NEW_DESCRIPTION.match(T, t.end))]
    if refs and refs[0] is not main and refs[0].rule.typing == "anaphor" and main.rule.priority >= 50 \
            and not (main.rule.sub_event_type == "arrests" and refs[0].rule.event_type == "violence_against_civilians"):
        refs = []  # "أقارب المخطوف قطعوا الطريق": the kidnapped man is named; the clause tells a new incident
    return refs


def _typed(doc: ArticleContext, cl: Clause, prev_types) -> Typing | None:
    T, cs, ce = doc.T, cl.start, cl.end
    main, rules = _main_trigger(T, cl)
    etype, sub = type_event(main.rule, T, cs, ce, main.start, cl.cas.victim_class, cl.actors)
    etype, sub = _overrides(doc, cl, main, etype, sub, rules)
    weak = False
    refs = _refs_back(T, cl, main)
    if refs and prev_types and main.rule.priority < 85:
        for pt, ps in reversed(prev_types):
            if pt in refs[0].rule.anaphor:
                if main.rule.priority < 60 or pt == main.rule.event_type:
                    if (etype, sub) != (pt, ps):
                        rules.append(T_EARLIER_TYPE)
                    etype, sub = pt, ps
                weak = True
                break
    if main.rule.typing == "anaphor" and not weak:
        return None  # G_POINTS_TO_NOTHING
    if is_demonstrative(T, main):
        weak = True
    if main.rule.priority <= 45 and not cl.actors and not cl.has_deaths:
        weak = True  # "استهدف ساحة الحاويات": a bare verb continuing the last report
    if main.rule.typing != "anaphor" and _AFTER_INCIDENT.search(T, cs, ce):
        weak = False  # "هاجموا عقب الحادثة ...": told as what came after, so a new incident
    return Typing(etype, sub, main.rule.priority, weak, main.start, main,
                  anaphor_only=main.rule.typing == "anaphor", rules=rules)


def _deaths_only(doc: ArticleContext, cl: Clause) -> Typing:
    """Deaths with no other trigger: a killing — a battle when the dead were armed."""
    T, cs, ce = doc.T, cl.start, cl.end
    tc = target_class(T, cs, ce, cs, cl.cas.victim_class)
    etype, sub = crowd_typing(None, T, cs, ce, cs, cl.actors) or (
        ("battle", "armed_clash") if tc == "armed" else ("violence_against_civilians", "attack"))
    return Typing(etype, sub, 20, True, cs, None, rules=[T_DEATHS_ONLY])


def _of_strike(doc: ArticleContext, cl: Clause, typing: Typing, last_typed: Clause | None) -> Typing:
    """A deaths-only clause in the sentence of a strike or shelling, or the sentence after it, is its toll."""
    if last_typed is None or last_typed.typing.event_type != "explosion_remote_violence" or typing.event_type in CROWD_TYPES:
        return typing
    here, there = doc.sent_index[id(cl.sentence)], doc.sent_index[id(last_typed.sentence)]
    if here - there > 1 or (here != there and _SEPARATE_START.match(doc.T, cl.sentence.start)):
        return typing
    strike = last_typed.typing
    return Typing(strike.event_type, strike.sub_event_type, typing.priority, True, typing.trig_pos, None,
                  rules=[T_DEATHS_ONLY, T_DEATHS_OF_STRIKE])


def run(doc: ArticleContext) -> None:
    prev_types: list[tuple[str, str]] = []
    last_typed: Clause | None = None  # the last clause typed by a trigger
    for cl in doc.clauses:
        if cl.skipped:
            continue
        gate = _gate(doc, cl, prev_types)
        if gate:
            cl.skipped = gate
            continue
        cl.actors = [a for a in doc.actors if cl.start <= a.start < cl.end]
        typing = _typed(doc, cl, prev_types) if cl.triggers else _deaths_only(doc, cl)
        if typing is None and cl.has_deaths:
            # ("قتل شاب في الجريمة التي شهدتها البلدة": the word points to nothing told, the deaths are told)
            cl.triggers = []
            typing = _deaths_only(doc, cl)
        if typing is None:
            cl.skipped = G_POINTS_TO_NOTHING
            continue
        # a definite trigger of a type told before refers to it
        typing.refers_back = bool(cl.triggers and typing.main.definite
                                  and any(pt == typing.event_type for pt, _ in prev_types))
        if not cl.triggers:
            typing = _of_strike(doc, cl, typing, last_typed)
        cl.typing = typing
        if cl.triggers:  # a clause typed by its deaths alone is no incident a later "الحادث" refers to
            prev_types.append((typing.event_type, typing.sub_event_type))
            last_typed = cl
