"""Event triggers, their context (negation, plans, seizures, habitual and aggregate talk), casualty counts
and actors, over clauses of normalised text. The vocabularies are lexicons/triggers.tsv, cues.tsv,
persons.tsv, numbers.tsv and actors.tsv; the code here applies them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl_project.text.actors import _PERP_BEFORE, _VICTIM_BEFORE, ActorMention, _actor_table, assign_actors, find_actors
from etl_project.text.casualties import (
    DEATH,
    INJURY,
    _DEATH_RE,
    _INJURY_RE,
    Casualties,
    _persons,
    casualties,
)
from etl_project.text.lexicon import AR, NA, NB, arabic_form, read_table
from etl_project.text.prefilter import prefiltered

PREFIX = r"(?P<pre>[وف]?(?:[بك]?ال|لل|[بلك])?)"


@dataclass(frozen=True, slots=True)
class TriggerRule:
    name: str
    event_type: str
    sub_event_type: str
    priority: int
    typing: str
    anaphor: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Trigger:
    rule: TriggerRule
    start: int
    end: int
    definite: bool  # written with ال: may refer back to an earlier event



# ---------------------------------------------------------------- tables


@lru_cache(maxsize=None)
def _cue_alt(cls: str) -> str:
    forms = [arabic_form(r["pattern"]) for r in read_table("cues.tsv") if r["class"] == cls]
    return "(?:" + "|".join(f for f in forms if f) + ")"


@lru_cache(maxsize=None)
def cue_re(cls: str, mode: str = "search") -> re.Pattern:
    alt = _cue_alt(cls)
    # searched with a prefilter on the cue words (same matches; see etl_project/text/prefilter.py)
    if mode == "end":  # the cue ends right before a position (fillers allowed)
        return prefiltered(re.compile(rf"{NB}[وف]?(?:{alt})\s*[\"']?\s*$"))
    return prefiltered(re.compile(rf"{NB}[وفبل]?(?:{alt}){NA}"))


@lru_cache(maxsize=None)
def _rules() -> tuple[tuple[TriggerRule, ...], re.Pattern]:
    rules = []
    parts = []
    rows = sorted(read_table("triggers.tsv"), key=lambda r: -int(r["priority"]))
    for i, row in enumerate(rows):
        if re.search(r"(?<!\\)\((?!\?)", row["pattern"]):
            raise ValueError(f"triggers.tsv {row['name']}: use (?:...) groups, not capturing ones")
        rule = TriggerRule(
            name=row["name"], event_type=row["event_type"], sub_event_type=row["sub_event_type"],
            priority=int(row["priority"]), typing=row["typing"],
            anaphor=tuple(a for a in row.get("anaphor", "").split(",") if a),
        )
        rules.append(rule)
        parts.append(f"(?P<r{i}>{arabic_form(row['pattern'])})")
    pattern = rf"(?<![{AR}]){PREFIX}(?:{'|'.join(parts)})(?![{AR}])"
    return tuple(rules), re.compile(pattern)



# ---------------------------------------------------------------- triggers

_BODY_CTX = re.compile(r"عثر|العثور|وجد|وجدت|انتشال|ملقاه|مرميه|ملقي|مجهوله الهويه|مقتولا")
_AIR_CTX = re.compile(r"طائر|طيران|جوي|جويه|غار|مروحي|مسير|حربي|براميل|مقاتلات")
_ARTILLERY_CTX = re.compile(r"مدفع|هاون|دبابه|دبابات|راجمه|راجمات|الاسلحه الثقيله|اسلحه ثقيله|الثقيله")
_ISRAEL_CTX = re.compile(r"اسرائيل|صهيون|الاحتلال(?!\s+التركي)|العدو(?!\s+التركي)")
_NEG_END = None
_DEMONSTRATIVE = re.compile(r"(?:هذا|هذه|ذلك|تلك|هذين|هاتين)\s+$")
_WITHDRAWAL = re.compile(r"انسحاب|انسحب|انسحبت|بعد خروج|اخلاء|بموجب (?:ال)?(?:تفاهم|اتفاق)|كانت تشغلها|كانت تسيطر عليها|تسلمت|تسليم")
_ENTERED = re.compile(r"(?:دخلت|دخل|دخلوا|دخول)\s+(?:[\u0621-\u064a]+\s+){0,5}?(?:ال)?(?:وحدات|وحده|جنود|عناصر|فصائل|ارتال|رتل|قوات|قوه)|(?:وحدات|فصائل)(?:\s+[\u0621-\u064a]+){0,3}\s+(?:قد\s+)?(?:دخلت|دخل|دخلوا)")
_FOREIGN_FORCE = re.compile(r"تركي|امريكي|روسي|ايراني|التحالف|الاحتلال")
_RETALIATED = re.compile(r"[وف]?(?:رد|ردت|ردوا)\s")
_STRIKES_WITH = re.compile(r"قذائف|صواريخ|صاروخي|ضربات|رشقات|مدفعي|المدفعيه|راجمات|بالمدفعيه")
_FIGHTING = re.compile(r"معارك|اشتباكات|مواجهات|قصف|غارات|هجوم|قتال|عنيف|تمهيد")
_ATTACK_ON_PROPERTY = None


_ANY_BEFORE = re.compile(rf"(?<![{AR}])[لب]?اي\s+$")
_NEGATOR = re.compile(rf"(?<![{AR}])[وف]?(?:لم|لا|لن|ليس|ليست|دون|بدون)(?![{AR}])")


@lru_cache(maxsize=None)
def _neg_end() -> re.Pattern:
    return re.compile(
        rf"{NB}(?:[وف]?ل|[وف])?(?:{_cue_alt('negation')})\s+(?:(?:يتم|تم|تسجيل|ورود|وقوع|اي|ان|حدوث|يسجل|تسجل|يكن|تكن|هناك|انباء|معلومات|انباء\s+عن|معلومات\s+عن|عن)\s+){{0,3}}(?:ال|لل|[بل]ال|[بل])?$"
    )


def find_triggers(text: str, start: int, end: int) -> list[Trigger]:
    rules, pat = _rules()
    out = []
    for m in prefiltered(pat).finditer(text, start, end):
        g = m.lastgroup  # the rule's group closes last (rule patterns use no capturing groups of their own)
        i = int(g[1:])
        pre = m.group("pre") or ""
        out.append(Trigger(rules[i], m.start(g), m.end(g), "ال" in pre or m.group(g).startswith("ال")))
    return out


_WEAPON_OBJECTS = ("ied", "vbied", "grenade", "grenade_with", "suicide", "shelling")
# what blew up was not a weapon: a tyre, a gas cylinder, a fuel tank, a generator
_ACCIDENT_AFTER = re.compile(r"\s*(?:ل|ب)?(?:ال)?(?:اطار|اطارات|دولاب|اسطوانه|اسطوانات|جره|قارور|خزان|مولده|محول|مدفاه|بطاريه)")
_ACCIDENT_CAUSE = re.compile(rf"(?<![{AR}])(?:نتيجه|بسبب|جراء|اثر|بفعل)\s+(?:ارتفاع\s+(?:درجات\s+)?(?:ال)?حراره|خطا\s+فني|(?:ال)?ماس\s+كهربائي|تسرب\s+(?:ال)?غاز|(?:ال)?احتكاك|عطل\s+فني|سوء\s+(?:ال)?تخزين)")
# shots fired in the air: a warning, not an attack on anyone
_IN_SUPPORT = re.compile(rf"(?<![{AR}])[وف]?(?:بمسانده|بدعم|بمشاركه|ترافقها|ترافقه|ترافقهم|برفقه|بغطاء|غطاء|بمؤازره|وسط تحليق|تحليق|"
                         rf"انسحاب|هبوط|عوده|وصول|حطت|هبطت)\s+(?:من\s+)?(?:[{AR}]+\s+){{0,4}}?[وف]?(?:ال)?$")
_CHARGED_WITH = re.compile(rf"(?<![{AR}])[وبل]?(?:ال)?(?:متورط|متورطين|متورطون|متهم|متهمين|متهمون|منفذ|منفذي|"
                           rf"مسؤول\s+عن|مسؤولين\s+عن|تهمه|بتهمه|جرائم|بجرائم|جريمه|بجريمه|ارتكاب|بارتكاب)\s*(?:ب|في\s+)?$")
_IN_THE_AIR = re.compile(r"[^.,\n]{0,15}?(?:في|ب)\s*(?:ال)?هواء")


def irrealis_before(text: str, clause_start: int, pos: int) -> bool:
    """A warning, threat, plan or denial earlier in the clause governs what follows it."""
    return bool(cue_re("irrealis").search(text, clause_start, pos))


def trigger_blocked(text: str, t: Trigger, clause_start: int) -> str | None:
    """Why a trigger is not an incident here (negated, planned, denied, a seizure, an attempt, an accident,
    warning shots), or None."""
    near = text[max(clause_start, t.start - 25):t.start]
    if _neg_end().search(near):
        return "negation"
    if _ANY_BEFORE.search(near) and _NEGATOR.search(text, max(clause_start, t.start - 50), t.start):
        return "negation"  # "لم تتعرض مدينة سراقب لأي قصف": no strike of any kind
    if cue_re("plan").search(text, max(clause_start, t.start - 45), t.start):
        return "plan"
    if irrealis_before(text, clause_start, t.start):
        return "irrealis"
    if t.rule.name in _WEAPON_OBJECTS:
        # "ضبطت ... مستودعاً يحوي قذائف وعبوات": weapons found, not used — anywhere earlier in the clause
        if cue_re("seizure").search(text, clause_start, t.start):
            return "seizure"
    if t.rule.name in ("explosion", "heard_explosion") and _ACCIDENT_AFTER.match(text, t.end):
        return "accident"
    if t.rule.name in ("explosion", "heard_explosion") and _ACCIDENT_CAUSE.search(text[t.end:t.end + 120].split(".")[0]):
        return "accident"  # "انفجارات في مستودع نتيجة ارتفاع درجات الحرارة": an accident, not an attack
    # (the aircraft may be a list: "بمشاركة طائرات مروحية وحربية ومسيرات")
    if t.rule.name == "airstrike" and _IN_SUPPORT.search(text, max(clause_start, t.start - 45), t.start):
        return "support"  # "حملة دهم بمساندة مروحيات التحالف": aircraft that backed a raid struck nothing
    if t.rule.event_type not in ("protest", "riot") and _DENOUNCED.search(text, max(clause_start, t.start - 14), t.start):
        return "reason"  # "تظاهر المئات تنديداً بالقصف الروسي": what a crowd denounces, told as its reason
    if _CHARGED_WITH.search(text, max(clause_start, t.start - 30), t.start):
        return "charge"  # "القبض على المتورط بتفجير السيارة": what the arrested is accused of, not an incident here
    if t.rule.name == "shooting" and _IN_THE_AIR.match(text, t.end):
        return "warning_shots"
    if t.rule.sub_event_type == "arrests" and cue_re("attempt").search(text[max(clause_start, t.start - 20):t.start]):
        return "attempt"
    if t.rule.name == "incursion" and _ENTERED.search(text, t.start, t.end):
        rest = text[clause_start:t.end + 160].split(".")[0]
        if not (_WITHDRAWAL.search(rest) or _ISRAEL_CTX.search(rest) or _FOREIGN_FORCE.search(rest)):
            return "deployment"  # "دخلت وحدات من الأمن الداخلي إلى البلدة": forces deployed in their own country
    if t.rule.name == "incursion" and _TRIED.search(text[max(clause_start, t.start - 20):t.start]):
        return "attempt"  # "حاولت السيارة اقتحام الحاجز": a claimed attempt to break through, not an incursion
    if t.rule.sub_event_type == "arrests" and _DETENTION_NOUN.search(text, max(clause_start, t.start - 12), t.start):
        return "place_noun"  # "مراكز الاحتجاز", "فترة اعتقاله": a place or a period, not an arrest
    if t.rule.typing == "body" and not _BODY_CTX.search(text[clause_start:min(len(text), t.end + 60)]):
        return "no_body_context"
    return None


_TRIED = re.compile(rf"(?<![{AR}])[وف]?(?:حاول|حاولت|حاولوا|حاولا|يحاول|تحاول|يحاولون|محاوله|محاولات|محاولتهم|محاولتها|محاولته)(?![{AR}])(?:\s+[{AR}]+)?\s*$")
_TIME_CLAUSE = re.compile(rf"(?<![{AR}])(?:بعد|عقب|اثر|قبل|قبيل|اعقاب|اثناء)\s+(?:(?:ايام|ساعات|اسابيع|اشهر|يوم|ساعه|شهر|اسبوع|يومين|قليل)\s+(?:من|علي)\s+)?(?:ال)?$")


def clause_triggers(text: str, start: int, end: int) -> list[Trigger]:
    """The clause's triggers that tell an incident: not blocked, and not the ones that only date another
    trigger of the clause ("قضى تحت التعذيب بعد أيام من اعتقاله": the death is the event, not the arrest)."""
    trigs = [t for t in find_triggers(text, start, end) if not trigger_blocked(text, t, start)]
    timed = [t for t in trigs if _TIME_CLAUSE.search(text, max(start, t.start - 22), t.start)]
    if timed and len(timed) < len(trigs):
        trigs = [t for t in trigs if t not in timed]
    return trigs


def is_demonstrative(text: str, t: Trigger) -> bool:
    return bool(_DEMONSTRATIVE.search(text[max(0, t.start - 8):t.start]))


def clause_is_generic(text: str, start: int, end: int) -> str | None:
    if cue_re("generic").search(text, start, end):
        return "generic"
    if cue_re("aggregate").search(text, start, end):
        return "aggregate"
    return None


def clause_is_background(text: str, start: int, end: int, sentence_start: int) -> bool:
    seg = text[start:end]
    if re.match(r"\s*و?(?:كان|كانت|كانوا)(?![" + AR + "])", seg) or re.match(r"\s*و?(?:كان|كانت)(?![" + AR + "])", text[sentence_start:end]):
        return True
    return bool(cue_re("background").search(seg))


_PROTEST_WORDS = re.compile(
    rf"(?<![{AR}])[وبل]?(?:ال)?(?:مظاهره|مظاهرات|تظاهره|تظاهرات|متظاهر|متظاهرين|متظاهرون|محتجين|محتجون|"
    rf"معتصمين|اعتصام|وقفه احتجاجيه|المحتجين|المتظاهرين)(?![{AR}])"
)
_DENOUNCED = re.compile(rf"(?<![{AR}])(?:تنديدا|احتجاجا|رفضا|استنكارا|تضامنا)\s*(?:ب|علي\s+|ل)?(?:ال)?$")
# what a protest is about is not force used on it: "احتجاجاً على مقتل شاب برصاص ..."
_PROTEST_REASON = re.compile(r"احتجاجا|تنديدا|للمطالبه|رفضا|استنكارا|تضامنا")
_CROWD_VIOLENT = ("assault", "attack", "destruction", "shooting", "riot")
_FORCE_ON_CROWD = ("shooting", "attack", "assassination", "assault")


def crowd_typing(rule_name: str | None, text: str, start: int, end: int, trig_pos: int,
                 actors: list[ActorMention]) -> tuple[str, str] | None:
    """ACLED's crowd events, whatever the verb: a crowd that attacks or destroys is a riot (protesters:
    violent demonstration; an unorganised group: mob violence); force used on protesters is excessive force."""
    named = [a for a in actors if _PERP_BEFORE.search(text[max(start, a.start - 30):a.start])]
    perp = [a for a in actors if a.inter in (5, 6) and a.start < trig_pos + 25
            and not _VICTIM_BEFORE.search(text[max(start, a.start - 14):a.start])]
    if named and named[0].inter not in (5, 6):
        perp = []  # "برصاص قوى الأمن": the shooter is named, and is not the crowd
    if rule_name in _CROWD_VIOLENT and perp:
        protesters = any(a.inter == 6 for a in perp)
        return ("riot", "violent_demonstration") if protesters or _PROTEST_WORDS.search(text, start, end) \
            else ("riot", "mob_violence")
    if rule_name is None or rule_name in _FORCE_ON_CROWD:
        # force aimed at the crowd: "النار على المتظاهرين", "الرصاص الحي على مظاهرة", "قتل متظاهر"
        pos = trig_pos if rule_name else start
        for m in _PROTEST_WORDS.finditer(text, pos, min(end, pos + 60)):
            if not _PROTEST_REASON.search(text, max(start, m.start() - 40), m.start()):
                return "protest", "excessive_force_against_protesters"
    if rule_name == "protest" and any(
            t.rule.name in _FORCE_ON_CROWD and not trigger_blocked(text, t, start)
            and not _PROTEST_REASON.search(text, max(start, t.start - 40), t.start)
            and not _INSTRUMENTAL.search(text, max(0, t.start - 5), t.start + 6)  # "قتل برصاص ...": how someone died
            for t in find_triggers(text, start, end)):
        return "protest", "excessive_force_against_protesters"  # "أطلقوا الرصاص الحي على مظاهرة"
    if rule_name == "arrests" and _PROTEST_WORDS.search(text, start, end):
        return "protest", "protest_with_intervention"  # protesters arrested: the protest was broken up
    return None


def type_event(rule: TriggerRule, text: str, start: int, end: int, trig_pos: int,
               victim_class: str | None, actors: list[ActorMention]) -> tuple[str, str]:
    """ACLED type and sub-type for the clause's main trigger, by the rule's typing."""
    seg = text[start:end]
    crowd = crowd_typing(rule.name, text, start, end, trig_pos, actors)
    if crowd is not None:
        return crowd
    if rule.name == "exchange_fire" and _RETALIATED.match(text, trig_pos) and _STRIKES_WITH.search(seg):
        # "ردت وحدات الجيش على مصادر إطلاق القذائف بضربات مركزة على أوكارهم": retaliatory fire from afar
        if _AIR_CTX.search(seg):
            return "explosion_remote_violence", "air_drone_strike"
        return "explosion_remote_violence", "shelling_artillery_missile_attack"
    if rule.typing == "air":
        if _AIR_CTX.search(seg):
            return "explosion_remote_violence", "air_drone_strike"
        if _ISRAEL_CTX.search(seg) and not _ARTILLERY_CTX.search(seg):
            return "explosion_remote_violence", "air_drone_strike"
        return rule.event_type, rule.sub_event_type
    if rule.typing == "territory" or rule.name == "incursion" and _WITHDRAWAL.search(seg) and not _ISRAEL_CTX.search(seg):
        # "دخلت وحدات الجيش المدينة عقب انسحاب قسد": a handover; "سيطرت ... بعد انسحاب الفصائل تحت القصف": taken
        if _WITHDRAWAL.search(seg) and (rule.typing != "territory" or not _FIGHTING.search(seg)):
            return "strategic_development", "non_violent_transfer_of_territory"
        # ("قوات حزب الله والنظام سيطرا على": state forces among those who took it)
        perp = [a for a in actors if a.end <= trig_pos] or [a for a in actors if a.start < trig_pos + 40][:1]
        if any(a.inter == 1 for a in perp):
            return "battle", "government_regains_territory"
        return "battle", "non_state_actor_overtakes_territory"
    if rule.typing == "target" and rule.name == "attack" and _ISRAEL_CTX.search(seg) and not _ARTILLERY_CTX.search(seg):
        return "explosion_remote_violence", "air_drone_strike"
    if rule.typing == "target" and rule.name == "attack" and _AIRCRAFT_BEFORE.search(text, max(start, trig_pos - 60), trig_pos):
        # "طائرات الحكومة استهدفت مدينة X": aircraft that hit a place are an air strike, whoever was hit
        return "explosion_remote_violence", "air_drone_strike"
    if rule.typing == "target":
        target = target_class(text, start, end, trig_pos, victim_class)
        if target == "armed":
            return "battle", "armed_clash"
        return "violence_against_civilians", "attack"
    return rule.event_type, rule.sub_event_type


_ARMED_TARGET = re.compile(  # (the words of an armed target: a force, its post, its vehicle, its rank)
    rf"(?<![{AR}])(?:[وبل]?(?:ال)?)(?:دوريه|دوريات|حاجز|حواجز|نقطه|نقاط|مقر|مقرات|موقع|مواقع|رتل|ارتال|اليه|اليات|"
    rf"ثكنه|كتيبه|مطار|قاعده|سجن|السجن|حافله عسكريه|حافله نقل عسكريه|سياره عسكريه|عسكريه|عسكري|عسكريين|مقاتلين|مقاتلي|عناصر|عنصر|عنصرين|جنود|جندي|"
    rf"قيادي|قياديا|ضابط|ضباط|قوات|الجيش|مسلحين|مسلحي|نقاطا|مواقعا|تعزيزات|مستودع|"
    # ranks and services: "المساعد في المخابرات الجوية", "مجند في الجيش", "شرطي"
    rf"مساعد|رقيب|ملازم|نقيب|رائد|مقدم|عقيد|عميد|مجند|مجندين|عريف|شرطي|شرطيين|مقاتل|مخابرات|"
    # security forces named by their service: "سيارة للأمن"، "عناصر الأمن العام"، "الأسايش"
    rf"للامن|الامن العام|الامن الداخلي|قوي الامن|للشرطه|الشرطه|اسايش|الاسايش)(?:ا)?(?![{AR}])"
)
_CIVIL_EXPLICIT = re.compile(rf"(?<![{AR}])(?:[وبل]?(?:ال)?)(?:مدني|مدنيه|مدنيين|مدنيون|مدنيا|مدنيان)(?![{AR}])")


_INSTRUMENTAL = re.compile(rf"(?<![{AR}])[وف]?ب(?:ال)?(?:رصاص|نيران)")
_DETENTION_NOUN = re.compile(rf"(?<![{AR}])[وبل]?(?:ال)?(?:مركز|مراكز|مقر|مقرات|زنازين|زنزانه|سجن|سجون|فتره|مده|ظروف|اماكن|مكان)\s+(?:ال)?$")
_FORMER = re.compile(r"\s+(?:ال)?(?:سابق|سابقا|المنشق|منشق|المتقاعد|متقاعد)(?![\u0621-\u064a])")
_SUFFERED = re.compile(rf"(?<![{AR}])[وف]?(?:تعرض|تعرضت|تعرضوا|تعرضا|تعرضتا)(?![{AR}])")
_FIRED = re.compile(r"[وف]?(?:اطلق|اطلقت|اطلقوا|اطلقا|يطلق|تطلق)(?![\u0621-\u064a])")
_AT_TARGET = re.compile(r"(?<![\u0621-\u064a])(?:علي|باتجاه|نحو|صوب|تجاه)\s+")
# "برصاص مجهولين": the shooter follows; "استهدفوا بالرصاص، عنصراً في ...": after a comma, the target does
_PERP_TRIGGER = re.compile(r"^(?:[وف]?ب(?:ال)?(?:رصاص|نيران)|رصاص)(?!\s*[,،])")
_AIRCRAFT_BEFORE = re.compile(rf"(?<![{AR}])(?:ال)?(?:طائرات|طائره|الطائرات|طيران|مقاتلات|مروحيات|مروحيه|مسيره|مسيرات)"
                              rf"(?![{AR}])[^.,،]{{0,40}}$")


def target_class(text: str, start: int, end: int, trig_pos: int, victim_class: str | None) -> str:
    """armed or civilian: who was hit. "برصاص X" names the shooter, so what follows it is not the target."""
    seg = text[start:end]
    if _CIVIL_EXPLICIT.search(seg) and "عسكري" not in seg:
        return "civilian"
    m = _ARMED_TARGET.search(text, trig_pos, min(end, trig_pos + 70))
    if m and _FORMER.match(text, m.end()):
        return "civilian"  # "اغتالوا القيادي السابق في الفصائل": a former fighter
    if victim_class == "armed":
        nouns = list(_ARMED_TARGET.finditer(text, start, end))
        if nouns and all(_FORMER.match(text, n.end()) for n in nouns):
            return "civilian"  # "قتل قيادي سابق في فصائل المعارضة برصاص مجهولين"
    if victim_class in ("armed", "civilian"):
        return victim_class
    if _PERP_TRIGGER.match(text[trig_pos:trig_pos + 12]):
        return "civilian"
    if _FIRED.match(text, trig_pos):
        # "أطلقت عناصر القوة رشقات باتجاه راعي أغنام": the shooters come first; the target follows على/باتجاه
        at = _AT_TARGET.search(text, trig_pos, min(end, trig_pos + 90))
        if at:
            target = text[at.end():min(end, at.end() + 40)]
            return "armed" if any(not _FORMER.match(target, n.end()) for n in _ARMED_TARGET.finditer(target)) else "civilian"
    window = text[trig_pos:min(end, trig_pos + 70)]
    if any(not _FORMER.match(window, m.end()) for m in _ARMED_TARGET.finditer(window)):
        return "armed"  # ("القيادي السابق في الفصائل": a former fighter is not an armed target)
    # passive: "تعرض حاجز للأمن لهجوم", "تعرضت دورية لكمين" — what was hit comes before the trigger
    passive = _SUFFERED.search(text, max(start, trig_pos - 70), trig_pos)
    if passive and _ARMED_TARGET.search(text, max(start, passive.start() - 50), trig_pos):
        return "armed"
    return "civilian"


def armed_named_after(text: str, trig_pos: int, end: int) -> bool:
    """An armed person or unit named anywhere after the trigger in the clause, not a former one ("عملية إنزال
    جوي ... استهدفت منزلاً يتحصن فيه قيادي في تنظيم داعش")."""
    return any(not _FORMER.match(text, m.end()) for m in _ARMED_TARGET.finditer(text, trig_pos, end))


# re-exported: the casualty counts and the actors live in casualties.py and actors.py
__all__ = [
    "PREFIX", "TriggerRule", "Trigger", "cue_re", "find_triggers", "irrealis_before", "trigger_blocked",
    "clause_triggers", "is_demonstrative", "clause_is_generic", "clause_is_background", "crowd_typing",
    "type_event", "target_class", "armed_named_after",
    "DEATH", "INJURY", "Casualties", "casualties", "ActorMention", "find_actors", "assign_actors",
    "_DEATH_RE", "_INJURY_RE", "_persons", "_actor_table",
]
