"""Event triggers, their context (negation, plans, seizures, habitual and aggregate talk), casualty counts
and actors, over clauses of normalised text. The vocabularies are lexicons/triggers.tsv, cues.tsv,
persons.tsv, numbers.tsv and actors.tsv; the code here applies them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl_project.text.lexicon import AR, NA, NB, arabic_form, read_table, words_alternation
from etl_project.text.numbers import number_at
from etl_project.text.prefilter import prefiltered

PREFIX = r"(?P<pre>[وف]?(?:[بك]?ال|لل|[بلك])?)"
DEATH, INJURY = "death", "injury"


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


@dataclass(frozen=True, slots=True)
class Casualties:
    deaths: int | None  # stated figure (the largest stated in the clause), None if none stated
    deaths_vague: int | None  # ACLED figure for an unnumbered report ("قتلى" 10, "عشرات" 12), None if none
    injuries: int | None
    injuries_vague: int | None
    victim_class: str | None  # civilian | armed | person
    no_casualties: bool = False  # "دون أن يسفر عن ضحايا"


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    actor: str
    inter: int
    era: str


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


@lru_cache(maxsize=None)
def _persons() -> tuple[dict[str, tuple[int | None, str]], re.Pattern]:
    table = {}
    for r in read_table("persons.tsv"):
        table[arabic_form(r["form"])] = (int(r["count"]) if r["count"].strip() else None, r["class"])
    alt = words_alternation(table.keys())
    return table, re.compile(rf"(?<![{AR}])(?:[وبل]?(?:ال)?)?(?P<w>{alt})(?![{AR}])")


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
                         rf"انسحاب|هبوط|عوده|وصول|حطت|هبطت)\s+(?:من\s+)?(?:ال)?$")
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
    if cue_re("plan").search(text, max(clause_start, t.start - 45), t.start):
        return "plan"
    if irrealis_before(text, clause_start, t.start):
        return "irrealis"
    if t.rule.name in _WEAPON_OBJECTS:
        # "ضبطت ... مستودعاً يحوي قذائف وعبوات": weapons found, not used — anywhere earlier in the clause
        if cue_re("seizure").search(text, clause_start, t.start):
            return "seizure"
    if t.rule.name == "explosion" and _ACCIDENT_AFTER.match(text, t.end):
        return "accident"
    if t.rule.name == "explosion" and _ACCIDENT_CAUSE.search(text[t.end:t.end + 120].split(".")[0]):
        return "accident"  # "انفجارات في مستودع نتيجة ارتفاع درجات الحرارة": an accident, not an attack
    if t.rule.name == "airstrike" and _IN_SUPPORT.search(text, max(clause_start, t.start - 20), t.start):
        return "support"  # "حملة دهم بمساندة مروحيات التحالف": aircraft that backed a raid struck nothing
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
_TIME_CLAUSE = re.compile(rf"(?<![{AR}])(?:بعد|عقب|اثر|قبل|قبيل|اعقاب)\s+(?:(?:ايام|ساعات|اسابيع|اشهر|يوم|ساعه|شهر|اسبوع|يومين|قليل)\s+(?:من|علي)\s+)?(?:ال)?$")


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
        perp = [a for a in actors if a.start < trig_pos + 40]
        if perp and perp[0].inter == 1:
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


_ARMED_TARGET = re.compile(
    rf"(?<![{AR}])(?:[وبل]?(?:ال)?)(?:دوريه|دوريات|حاجز|حواجز|نقطه|نقاط|مقر|مقرات|موقع|مواقع|رتل|ارتال|اليه|اليات|"
    rf"ثكنه|كتيبه|مطار|قاعده|سجن|السجن|حافله عسكريه|حافله نقل عسكريه|سياره عسكريه|عسكريه|عسكري|عسكريين|مقاتلين|مقاتلي|عناصر|عنصر|عنصرين|جنود|جندي|"
    rf"قيادي|قياديا|ضابط|ضباط|قوات|الجيش|مسلحين|مسلحي|نقاطا|مواقعا|تعزيزات|مستودع)(?:ا)?(?![{AR}])"
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


# ---------------------------------------------------------------- casualties

_DEATH_RE = re.compile(
    rf"(?<![{AR}])(?:[وفبل]|لل)?(?:ال)?(?P<a>"
    r"قتل|قتلوا|قتلا|قتلت|قتلته|قتلتهم|مقتل|مقتله|مقتلها|مقتلهم|مقتلهما|قتلي|قتيل|قتيلا|قتيلين|قتيلان|"
    r"استشهد|استشهدوا|استشهدت|استشهدا|استشهاد|استشهاده|استشهادهم|استشهادهما|"
    r"لقي|لقيت|لقوا|لقيا|مصرع|مصرعه|مصرعها|مصرعهم|مصرعهما|حتفه|حتفهم|"
    r"ارتقاء|ارتقي|ارتقت|وفاه|وفاته|وفاتها|وفاتهم|وفاتهما|توفي|توفيت|فارق الحياه|فارقت الحياه|فارق|فارقت|فارقا|"
    r"قضي|قضوا|اغتيال|اغتال|اغتالوا|اغتالت|اغتيل|تصفيه|اعدام|اعدم|اعدموا|اعدمت|جثه|جثتين|جثتي|جثث|"
    r"بحياه|بحياته|بحياتها|بحياتهم|بحياتهما"
    rf")(?![{AR}])"
)
_INJURY_RE = re.compile(
    rf"(?<![{AR}])(?:[وفبل]|لل)?(?:ال)?(?P<a>"
    r"اصيب|اصيبت|اصيبوا|اصيبا|اصابه|اصابات|اصابتهم|اصابته|اصابتها|اصابتهما|جرح|جرحي|جريح|جريحا|جريحين|جرحت|جرحوا|"
    r"المصابين|مصابين|مصابا|مصابون"
    rf")(?![{AR}])"
)
_COMBINED = re.compile(r"^\s*و\s*(?:ال)?(?:جرح|جرحي|جريح|اصيب|اصيبوا|اصيبت|اصابه|جرحت|جرحوا)(?![" + AR + "])")
_OTHERS_AFTER = re.compile(rf"\s*(?:ال)?(?:اخرون|اخرين|اخر|اخري|اخريات|غيرهم)(?![{AR}])")
_COMBINED_BEFORE = re.compile(r"(?:قتيل|قتلي|قتل|قتلوا)\s+و\s*$")
_FILLERS = re.compile(
    r"(?:\s|[\"'()]|علي\s+الاقل|ما\s+لا\s+يقل\s+عن|لا\s+يقل\s+عن|نحو|حوالي|قرابه|زهاء|ما\s+يقارب|اكثر\s+من|ازيد\s+من|ما\s+يزيد\s+عن|"
    r"ما\s+يزيد\s+علي|ما\s+مجموعه|فيها|فيه|خلالها|علي\s+الفور|حتي\s+الان|اليوم|امس)*"
)
_NO_CASUALTIES = re.compile(
    r"(?:دون|بدون|من\s+دون|لم|عدم)\s+(?:ان\s+)?(?:(?:يسفر|تسفر|ورود\s+(?:معلومات|انباء|اي\s+انباء|تقارير)|وقوع|تسجيل|يسجل|تسجل|يؤدي|تؤدي|تسفر|يخلف|تخلف)\s+(?:[\u0621-\u064a]+\s+)?)?(?:عن\s+|الي\s+)?(?:وقوع\s+)?(?:اي\s+)?(?:ضحايا|اصابات|اصابه|خسائر\s+بشريه|قتلي|جرحي|خسائر)"
)
_SUBSET = re.compile(r"(?:بينهم|من\s+بينهم|منهم|بينهما)")
_PLUS_ONE = re.compile(r"(?:اضافه\s+(?:الي|ل)|بالاضافه\s+الي|فضلا\s+عن)")
_OF_THE_DEAD = re.compile(rf"(?<![{AR}])[وبل]?(?:ال)?(?:اهالي|ذوي|اقارب|عائله|عائلات|اسر|اسره|جثامين|جثمان|جنازه|تشييع|دفن|ثار)\s+$")
# "قتل رجل وابنه": one named victim and a relative with him
_KIN_PLUS = re.compile(
    rf"\s*[{AR}]+\s+و(?:ابنه|ابنها|ابنته|ابنتها|نجله|نجلها|شقيقه|شقيقها|شقيقته|زوجته|زوجها|والده|والدته|طفله|طفلها|"
    rf"اخوه|اخيه|اخته|حفيده|مرافقه|سائقه)(?![{AR}])"
)
_SINGULAR_MASDAR = {"مقتل", "اغتيال", "استشهاد", "وفاه", "تصفيه", "اعدام"}
_WITH_OTHERS = re.compile(r"\s+(?:مع|و)\s*")
_TOOK_LIFE = re.compile(rf"(?<![{AR}])[وف]?(?:اودي|اودت|يودي|تودي|اوديا)(?![{AR}])")
_QUDI_OK = re.compile(r"^[^.]{0,80}?(?:برصاص|جراء|اثر|متاثر|بانفجار|بقصف|نحبه|تحت\s+التعذيب|بنيران)")
_REL_ONE = re.compile(r"(?:الذي|التي)\s+(?:كان\s+|كانت\s+)?$")
_REL_TWO = re.compile(r"(?:اللذين|اللتين|اللذان|اللتان)\s+$")


def _count_after(text: str, pos: int, end: int) -> tuple[int | None, bool, str | None] | None:
    """(count, vague, class) of the victims named right after pos, or None."""
    m = _FILLERS.match(text, pos, end)
    p = m.end() if m else pos
    if p >= end:
        return None
    nm = number_at(text, p)
    if nm and nm.start == p:
        cls = None
        pm = _persons()[1].match(text, nm.end + 1 if nm.end < end else nm.end, end)
        if pm:
            cls = _persons()[0][pm.group("w")][1]
        elif re.match(r"\s+من\s+(?:عناصر|جنود|مقاتلي|قوات|افراد|منتسبي|عسكريي|ال)", text[nm.end:end]):
            cls = "armed" if re.match(r"\s+من\s+(?:عناصر|جنود|مقاتلي|قوات|افراد|منتسبي|عسكريي)", text[nm.end:end]) else None
        if nm.vague:
            return (nm.value, True, cls)
        return (nm.value, False, cls)
    pm = _persons()[1].match(text, p, end)
    if pm:
        count, cls = _persons()[0][pm.group("w")]
        # "الشبان الثلاثة": a plural noun with its number after it
        if count is None:
            nm2 = number_at(text, pm.end())
            if nm2 and not nm2.vague and nm2.start - pm.end() <= 1:
                return (nm2.value, False, cls)
            return (None, True, cls)
        return (count, False, cls)
    return None


def _count_before(text: str, pos: int, start: int) -> tuple[int | None, bool, str | None] | None:
    # never reach back past another casualty word: "قتل شابان وأصيب ثالث" — ثالث is the injured one
    prev = [m.end() for m in prefiltered(_DEATH_RE).finditer(text, max(start, pos - 45), pos)]
    prev += [m.end() for m in prefiltered(_INJURY_RE).finditer(text, max(start, pos - 45), pos)]
    if prev:
        start = max(start, max(prev))
    seg = text[max(start, pos - 45):pos]
    toks = list(re.finditer(r"\S+", seg))
    for tok in reversed(toks[-6:]):
        at = tok.start() + 1 if tok.group().startswith("و") and len(tok.group()) > 1 else tok.start()
        nm = number_at(seg, at)
        if (nm is None or nm.start != at) and at != tok.start():
            at = tok.start()
            nm = number_at(seg, at)
        if nm and nm.start == at and not (nm.vague and nm.value is None):
            rest = seg[nm.end:]
            pm = _persons()[1].match(rest.lstrip())
            cls = _persons()[0][pm.group("w")][1] if pm else None
            return (nm.value, nm.vague, cls)
    for tok in reversed(toks[-4:]):
        pm = _persons()[1].fullmatch(tok.group().strip("\"'(),"))
        if pm:
            count, cls = _persons()[0][pm.group("w")]
            return (count, count is None, cls)
    return None


def _anchor_count(text: str, m: re.Match, start: int, end: int, kind: str) -> tuple[int | None, bool, str | None]:
    a = m.group("a")
    # pronoun suffixes: مقتله -> 1, مقتلهما -> 2, مقتلهم -> several
    if a.endswith("هما"):
        return (2, False, None)
    if a.endswith(("ه", "ها")) and a not in ("جثه", "وفاه", "تصفيه", "اصابه", "بحياه"):
        return (1, False, None)
    if a.endswith("هم"):
        before = _count_before(text, m.start(), start)
        return before if before and before[0] is not None else (None, True, None)
    if a in ("جثه",):
        return (1, False, "person")
    if a in ("قتيلين", "قتيلان"):
        return (2, False, None)  # "سقوط قتيلين"
    if a in ("جثتين", "جثتي"):
        return (2, False, "person")
    after = _count_after(text, m.end(), end)
    if after is None and a in ("قتلت", "اغتالت", "اعدمت", "قتل", "اغتال", "اعدم"):
        # active verb: "قتلت قوات سوريا الديمقراطية شاباً" — the victim follows the subject
        seg_end = min(end, m.end() + 60)
        pm = _persons()[1].search(text, m.end(), seg_end)
        if pm and _persons()[0][pm.group("w")][0] is not None:
            count, cls = _persons()[0][pm.group("w")]
            return (count, False, cls)
        # "أعدم التنظيم ثلاثة رعاة": the figure of the victims after the subject
        for tok in re.finditer(r"\S+", text[m.end():min(end, m.end() + 40)]):
            nm = number_at(text, m.end() + tok.start())
            if nm and not nm.vague and nm.start == m.end() + tok.start():
                return (nm.value, False, _persons()[0][pm.group("w")][1] if pm else None)
        if pm:
            return (None, True, _persons()[0][pm.group("w")][1])
    if a in ("لقي", "لقيت", "لقيا") and (after is None or after[0] is None):
        # "لقي حتفه" / "لقيت امرأتان مصرعهما": the pronoun on the noun counts the dead
        nxt = re.match(rf"(?:\s*[{AR}]+){{0,2}}?\s*((?:حتف|مصرع)[{AR}]*)", text[m.end():end])
        if nxt:
            w = nxt.group(1)
            if w.endswith("هما"):
                return (2, False, after[2] if after else None)
            if w.endswith(("ه", "ها")) and not w.endswith("هم"):
                # one, but a pronoun: often the victim already counted ("مقتل راعٍ ... إذ لقي حتفه")
                return (1, True, after[2] if after else None)
    if after is not None:
        return after
    if _REL_ONE.search(text[max(start, m.start() - 20):m.start()]):
        return (1, False, None)
    if _REL_TWO.search(text[max(start, m.start() - 20):m.start()]):
        return (2, False, None)
    before = _count_before(text, m.start(), start)
    if before is not None:
        return before
    if a in ("استشهد", "توفي", "توفيت", "قضي", "ارتقي", "ارتقت", "اغتيل", "استشهدت", "قتيل", "قتيلا"):
        return (1, False, None)  # a singular verb or noun with no figure: one death
    if a in _SINGULAR_MASDAR:
        nxt = re.match(r"\s*[\"']?([" + AR + r"]+)", text[m.end():end])
        if nxt and not nxt.group(1).startswith(("عدد", "عده", "العشرات", "المئات", "مئات", "عشرات", "بعض")):
            return (1, False, None)  # a named person: "مقتل يسرى درويش"
    return (None, True, None)


def _counted_in_itself(text: str, m: re.Match, start: int, end: int) -> bool:
    """A death word that carries its own figure ("قتيلين", "مقتله", "مقتل شاب") before "وإصابة ...": the
    injuries that follow are their own count, not one vague figure for both."""
    a = m.group("a")
    if a in ("قتيلين", "قتيلان", "جثتين", "جثتي") or a.endswith(("هما", "ه", "ها")) and a not in ("جثه", "وفاه", "تصفيه", "بحياه"):
        return True
    return False


def casualties(text: str, start: int, end: int, blocked=None) -> Casualties:
    """Deaths and injuries stated in text[start:end] (see module doc of the extractor for the rules)."""
    deaths: list[int] = []
    d_vague: list[int | None] = []
    injuries: list[int] = []
    i_vague: list[int | None] = []
    victim = None
    if prefiltered(_DEATH_RE).absent(text, start, end) and prefiltered(_INJURY_RE).absent(text, start, end):
        # most clauses: no casualty word at all
        return Casualties(None, None, None, None, None, prefiltered(_NO_CASUALTIES).search(text, start, end) is not None)
    subset = prefiltered(_SUBSET).search(text, start, end)
    limit = subset.start() if subset else end
    # "دون ورود أنباء عن إصابات": the casualty word inside a denial counts nothing
    denied = [(m.start(), m.end()) for m in prefiltered(_NO_CASUALTIES).finditer(text, start, end)]

    def is_denied(pos):
        return any(a <= pos < b for a, b in denied)
    for m in prefiltered(_DEATH_RE).finditer(text, start, limit):
        a = m.group("a")
        if a in ("قضي", "قضوا") and not _QUDI_OK.match(text[m.end():end]):
            continue
        if a.startswith("بحيا") and not _TOOK_LIFE.search(text, max(start, m.start() - 40), m.start()):
            continue  # "أودى الانفجار بحياة ثلاثة مدنيين": took the lives of; not any "life"
        if a in ("لقي", "لقيت", "لقوا", "لقيا") and not re.search(r"مصرع|حتف", text[m.end():m.end() + 40]):
            continue
        if a in ("فارق", "فارقت", "فارقا") and not re.match(r"(?:\s+[\u0621-\u064a]+){1,3}?\s+الحياه", text[m.end():m.end() + 40]):
            continue  # "فارق مواطنان الحياة": died, with the dead between the verb and "الحياة"
        if a.startswith(("مصرع", "حتف")) and re.search(r"لقي|لقوا|لقيت|لقيا", text[max(start, m.start() - 40):m.start()]):
            continue  # counted at لقي
        if (blocked and blocked(m.start())) or is_denied(m.start()):
            continue
        if re.search(r"(?:محاوله|محاولات|نجا|نجاه|ينجو)\s+(?:من\s+)?$", text[max(start, m.start() - 14):m.start()]):
            continue
        if a == "مقتل" and re.search(r"(?<![\u0621-\u064a])في\s+$", text[max(start, m.start() - 6):m.start()]) \
                and re.match(r"\s*(?:[.,،؛:!\"']|$)", text[m.end():end] or ""):
            continue  # "ضربه في مقتل": an idiom (a fatal blow), no one died
        if _OF_THE_DEAD.search(text, max(start, m.start() - 12), m.start()):
            continue  # "أهالي القتلى", "تشييع القتيل": the dead of a reported incident, not new deaths
        if _COMBINED.match(text[m.end():end]) and not _counted_in_itself(text, m, start, end):
            # "قتل وجرح عدد من العناصر": one vague figure for both — unless the dead were counted before
            # the verb ("ثلاثة من عناصرها قتلوا وأصيب خمسة")
            before = _count_before(text, m.start(), start)
            # "أكثر من 10 قتلوا وأصيبوا": the figure before counts the dead only when the wounded
            # have a figure of their own after them
            inj = _COMBINED.match(text[m.end():end])
            own_injured = _count_after(text, m.end() + inj.end(), end) if inj else None
            # ("عشرون شخصاً قتلوا وجرح آخرون": "others" were wounded, so the figure counts the dead alone)
            others = inj is not None and _OTHERS_AFTER.match(text, m.end() + inj.end(), end)
            if not (before and before[0] is not None and not before[1]) or not (own_injured and own_injured[0] or others):
                d_vague.append(None)
                i_vague.append(None)
                continue
        count, vague, cls = _anchor_count(text, m, start, end, DEATH)
        with_others = _WITH_OTHERS.match(text, m.end(), end) if a.endswith(("ه", "ها")) else None
        if count == 1 and not vague and with_others:
            nm = number_at(text, with_others.end())
            if nm and not nm.vague:
                count += nm.value  # "أسفر عن مقتله مع اثنين من مرافقيه": three dead
        if count is not None and not vague and (_PLUS_ONE.search(text, m.end(), end)
                                                or _KIN_PLUS.match(text, m.end(), min(end, m.end() + 40))):
            count += 1
        if count is not None and not vague:
            deaths.append(count)
        else:
            d_vague.append(count)
        victim = victim or cls
    for m in prefiltered(_INJURY_RE).finditer(text, start, limit):
        if _COMBINED_BEFORE.search(text[max(start, m.start() - 12):m.start()]):
            continue
        if (blocked and blocked(m.start())) or is_denied(m.start()):
            continue
        count, vague, cls = _anchor_count(text, m, start, end, INJURY)
        if count is not None and not vague:
            injuries.append(count)
        else:
            i_vague.append(count)
        victim = victim or cls
    none = bool(denied)

    def vague_value(vals):
        if not vals:
            return None
        nums = [v for v in vals if v is not None]
        return min(nums) if nums else 10  # ACLED: an unnumbered plural report of deaths is coded 10

    return Casualties(
        deaths=max(deaths) if deaths else None,
        deaths_vague=vague_value(d_vague),
        injuries=max(injuries) if injuries else None,
        injuries_vague=vague_value(i_vague),
        victim_class=victim,
        no_casualties=none,
    )


# ---------------------------------------------------------------- actors


@lru_cache(maxsize=None)
def _actor_table() -> tuple[re.Pattern, list[tuple[str, int, str]]]:
    rows = read_table("actors.tsv")
    parts = []
    meta = []
    forms = []
    for i, r in enumerate(rows):
        for f in r["pattern"].split("|"):
            forms.append((arabic_form(f).strip(), i))
        meta.append((r["actor"], int(r["inter"]), r["era"]))
    forms.sort(key=lambda x: -len(x[0]))
    index = {}
    for f, i in list(forms):
        if f.startswith("ال"):
            forms.append(("ل" + f[1:], i))  # "للأمن العام": ل + الأمن with its alef dropped
    forms.sort(key=lambda x: -len(x[0]))
    for f, i in forms:
        index.setdefault(f, i)
    alt = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f, _ in forms)
    pat = re.compile(rf"(?<![{AR}])(?:[وف]?[بل]?)(?P<a>{alt})(?![{AR}])")
    return pat, meta, index


def find_actors(text: str, start: int, end: int) -> list[ActorMention]:
    pat, meta, index = _actor_table()
    out = []
    for m in prefiltered(pat).finditer(text, start, end):
        key = re.sub(r"\s+", " ", m.group("a"))
        i = index.get(key)
        if i is None:
            continue
        actor, inter, era = meta[i]
        out.append(ActorMention(m.start("a"), m.end("a"), actor, inter, era))
    return out


_PERP_BEFORE = re.compile(r"(?:برصاص|من\s+قبل|شنه|شنها|شنته|نفذه|نفذها|نفذته|بيد|ايدي|انتماؤهم\s+(?:الي|ل)|انتمائهم\s+(?:الي|ل)|ينتمون\s+(?:الي|ل)|ينتمي\s+(?:الي|ل)|خطها|لصالح)\s*[\"']?\s*(?:عناصر\s+|خلايا\s+|مسلحي\s+|تنظيم\s+)?$")
_VICTIM_BEFORE = re.compile(r"(?:ضد|علي|من\s+عناصر|عناصر\s+من|عنصر\s+من|من|صفوف|تابعه\s+ل|تابع\s+ل|لقوات|ل)\s*[\"']?\s*$")


def assign_actors(text: str, start: int, end: int, trig_pos: int, actors: list[ActorMention],
                  event_type: str, victim_class: str | None):
    """(actor1, actor2) mentions: actor1 the one who acted."""
    perp = None
    victim = None
    for a in actors:
        if a.actor.startswith("Civilians"):
            continue
        before = text[max(start, a.start - 30):a.start]
        if _PERP_BEFORE.search(before):
            perp = perp or a
    if perp is None:
        for a in actors:
            if a.actor.startswith(("Civilians", "Protesters")):
                continue
            before = text[max(start, a.start - 14):a.start]
            if _VICTIM_BEFORE.search(before):
                continue
            if abs(a.start - trig_pos) <= 45:
                perp = a
                break
    for a in actors:
        if a is perp or (perp and a.actor == perp.actor):
            continue
        victim = a
        break
    return perp, victim
