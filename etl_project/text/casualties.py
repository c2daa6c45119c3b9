"""Casualty counts in a clause of normalised text: deaths and injuries stated (the largest stated figure),
vague reports ("قتلى", "عشرات": ACLED's figure), denials ("دون أن يسفر عن ضحايا"), and the class of the
victims. The person words and their counts are lexicons/persons.tsv; numbers are read by numbers.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from etl_project.text.lexicon import AR, arabic_form, read_table, words_alternation
from etl_project.text.numbers import number_at
from etl_project.text.prefilter import prefiltered

DEATH, INJURY = "death", "injury"


@dataclass(frozen=True, slots=True)
class Casualties:
    deaths: int | None  # stated figure (the largest stated in the clause), None if none stated
    deaths_vague: int | None  # ACLED figure for an unnumbered report ("قتلى" 10, "عشرات" 12), None if none
    injuries: int | None
    injuries_vague: int | None
    victim_class: str | None  # civilian | armed | person
    no_casualties: bool = False  # "دون أن يسفر عن ضحايا"



@lru_cache(maxsize=None)
def _persons() -> tuple[dict[str, tuple[int | None, str]], re.Pattern]:
    table = {}
    for r in read_table("persons.tsv"):
        table[arabic_form(r["form"])] = (int(r["count"]) if r["count"].strip() else None, r["class"])
    alt = words_alternation(table.keys())
    return table, re.compile(rf"(?<![{AR}])(?:[وبل]?(?:ال)?)?(?P<w>{alt})(?![{AR}])")



_DEATH_RE = re.compile(
    rf"(?<![{AR}])(?:[وفبل]|لل)?(?:ال)?(?P<a>"
    r"قتل|قتلوا|قتلا|قتلت|قتلته|قتلتهم|مقتل|مقتله|مقتلها|مقتلهم|مقتلهما|قتلي|قتيل|قتيلا|قتيلين|قتيلان|"
    r"استشهد|استشهدوا|استشهدت|استشهدا|استشهاد|استشهاده|استشهادهم|استشهادهما|"
    r"لقي|لقيت|لقوا|لقيا|مصرع|مصرعه|مصرعها|مصرعهم|مصرعهما|حتفه|حتفهم|"
    r"ارتقاء|ارتقي|ارتقت|وفاه|وفاته|وفاتها|وفاتهم|وفاتهما|توفي|توفيت|فارق الحياه|فارقت الحياه|فارق|فارقت|فارقا|"
    r"قضي|قضوا|اغتيال|اغتال|اغتالوا|اغتالت|اغتيل|اغتاله|اغتالها|اغتالوه|اغتالهما|تصفيه|اعدام|اعدم|اعدموا|اعدمت|"
    r"جثه|جثته|جثتها|جثتهما|جثتين|جثتي|جثث|"
    r"بحياه|بحياته|بحياتها|بحياتهم|بحياتهما|فقد|فقدت|فقدوا|فقدا|"
    # "عثر عليه مقتولاً"، "لفظ أنفاسه"، "راح ضحيتها شاب"
    r"مقتولا|مقتول|مقتوله|مقتولين|مقتولون|مقتولتين|انفاسه|انفاسها|انفاسهم|ضحيتها|ضحيته|ضحيتهم"
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
# "قتل شاب إضافة إلى سائقه": one more dead; "إضافة إلى وقوع دمار", "إضافة إلى إصابة خمسة": no more dead
_PLUS_ONE = re.compile(r"(?:اضافه\s+(?:الي|ل)|بالاضافه\s+الي|فضلا\s+عن)(?!\s*(?:ال)?(?:وقوع|دمار|اضرار|خسائر|احتراق|"
                       r"تدمير|تضرر|الحاق|اصابه|اصابات|جرح|جرحي|اعتقال|خطف|حرق|نزوح|تهجير))")
_OF_THE_DEAD = re.compile(rf"(?<![{AR}])[وبل]?(?:ال)?(?:اهالي|ذوي|اقارب|عائله|عائلات|اسر|اسره|جثامين|جثمان|جنازه|تشييع|دفن|ثار)\s+$")
# "قتل رجل وابنه": one named victim and a relative with him
_KIN_PLUS = re.compile(
    rf"\s*[{AR}]+\s+و(?:ابنه|ابنها|ابنته|ابنتها|نجله|نجلها|شقيقه|شقيقها|شقيقته|زوجته|زوجها|والده|والدته|طفله|طفلها|"
    rf"اخوه|اخيه|اخته|حفيده|مرافقه|سائقه)(?![{AR}])"
)
_SINGULAR_MASDAR = {"مقتل", "اغتيال", "استشهاد", "وفاه", "تصفيه", "اعدام"}
_WITH_OTHERS = re.compile(r"\s+(?:مع|و)\s*")
_TOOK_LIFE = re.compile(rf"(?<![{AR}])[وف]?(?:اودي|اودت|يودي|تودي|اوديا)(?![{AR}])")
_QUDI_OK = re.compile(r"^[^.]{0,80}?(?:برصاص|جراء|اثر|متاثر|بانفجار|بقصف|نحبه|تحت\s+التعذيب|بنيران|بغاره|بغارات|باستهداف|بهجوم|"
                      r"(?:في|خلال)\s+(?:ال)?(?:قصف|غاره|غارات|انفجار|تفجير|هجوم|استهداف|اشتباكات|مجزره))")
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
    if a.startswith("ضحيت"):
        # "راح ضحيتها ثلاثة أشخاص": the victims named after it; "راح ضحيته شاب": one
        after = _count_after(text, m.end(), end)
        if after is not None:
            return after
        return (None, True, None) if a.endswith("هم") else (1, False, None)
    if a.startswith("مقتول"):
        # "عثر عليه مقتولاً": one; "مقتولين" counts the figure before it
        if a in ("مقتولين", "مقتولون"):
            before = _count_before(text, m.start(), start)
            return before if before and before[0] is not None else (None, True, None)
        return (2, False, None) if a == "مقتولتين" else (1, False, None)
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


# ---------------------------------------------------------------- death words that count no death

def _qudi_without_cause(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    return a in ("قضي", "قضوا") and not _QUDI_OK.match(text[m.end():end])


def _life_not_taken(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "أودى الانفجار بحياة ثلاثة مدنيين": took the lives of; not any "life"
    return a.startswith("بحيا") and not _TOOK_LIFE.search(text, max(start, m.start() - 40), m.start())


_LIFE_LOST = re.compile(rf"(?<![{AR}])(?:حياته|حياتها|حياتهم|حياتهما|ارواحهم|ارواحهما|روحه|روحها)(?![{AR}])")


def _lost_not_life(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "فقد أربعة أشخاص حياتهم": lost their lives; "فقدت العائلة منزلها", "فقد الاتصال": lost something else
    return a in ("فقد", "فقدت", "فقدوا", "فقدا") and not _LIFE_LOST.search(text, m.end(), min(end, m.end() + 50))


def _laqi_without_death(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    return a in ("لقي", "لقيت", "لقوا", "لقيا") and not re.search(r"مصرع|حتف", text[m.end():m.end() + 40])


def _breath_not_last(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "لفظ أنفاسه الأخيرة": died; "التقط أنفاسه": caught his breath
    return a.startswith("انفاس") and not re.search(r"(?:لفظ|لفظت|لفظوا|يلفظ|تلفظ)\s+$",
                                                    text[max(start, m.start() - 12):m.start()])


def _victim_not_taken(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "راح ضحيتها شاب": a death; "ضحيته" alone (its victim) is not one
    return a.startswith("ضحيت") and not re.search(r"(?:راح|ذهب|سقط|وقع)\s+$", text[max(start, m.start() - 8):m.start()])


def _fariq_without_life(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "فارق مواطنان الحياة": died, with the dead between the verb and "الحياة"
    return a in ("فارق", "فارقت", "فارقا") and not re.match(r"(?:\s+[\u0621-\u064a]+){1,3}?\s+الحياه",
                                                           text[m.end():m.end() + 40])


def _counted_at_laqi(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    return a.startswith(("مصرع", "حتف")) and re.search(r"لقي|لقوا|لقيت|لقيا",
                                                        text[max(start, m.start() - 40):m.start()]) is not None


def _survived(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    return re.search(r"(?:محاوله|محاولات|نجا|نجاه|ينجو)\s+(?:من\s+)?$",
                     text[max(start, m.start() - 14):m.start()]) is not None


def _fatal_blow_idiom(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "ضربه في مقتل": an idiom (a fatal blow), no one died
    return (a == "مقتل" and re.search(r"(?<![\u0621-\u064a])في\s+$", text[max(start, m.start() - 6):m.start()])
            is not None and re.match(r"\s*(?:[.,،؛:!\"']|$)", text[m.end():end] or "") is not None)


def _dead_of_another_incident(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "أهالي القتلى", "تشييع القتيل": the dead of a reported incident, not new deaths
    return _OF_THE_DEAD.search(text, max(start, m.start() - 12), m.start()) is not None


_CHARGE_BEFORE = re.compile(rf"(?<![{AR}])[وبل]?(?:ال)?(?:جرائم|جريمه|تهمه|تهم|بتهمه|متهم|متهمين|المتهم|المتهمين|"
                            rf"متورط|متورطين|المتورط|المتورطين|المتورطون|ارتكاب|بارتكاب|مسؤول|مسؤوليه)"
                            rf"(?:\s+(?:ب|في)?(?:ال)?[{AR}]+){{0,2}}?\s+(?:ب|في\s+)?(?:ال)?$")


def _charged_with(text: str, m: re.Match, a: str, start: int, end: int) -> bool:
    # "اعتقال متورطين بجرائم قتل": a charge, not a death
    return _CHARGE_BEFORE.search(text, max(start, m.start() - 30), m.start()) is not None


NOT_A_DEATH = (
    ("قضى with no cause of death after it", _qudi_without_cause),
    ("بحياة not after أودى", _life_not_taken),
    ("لقي without مصرع/حتف", _laqi_without_death),
    ("فقد without حياته", _lost_not_life),
    ("فارق without الحياة", _fariq_without_life),
    ("أنفاسه without لفظ", _breath_not_last),
    ("ضحيته without راح", _victim_not_taken),
    ("مصرع/حتف already counted at لقي", _counted_at_laqi),
    ("an attempt survived (محاولة، نجا من)", _survived),
    ("the idiom 'في مقتل'", _fatal_blow_idiom),
    ("the dead of another incident (أهالي، تشييع)", _dead_of_another_incident),
    ("a charge (متورطين بجرائم قتل، بتهمة القتل)", _charged_with),
)


# ---------------------------------------------------------------- the clause's tally


@dataclass
class _Tally:
    deaths: list[int] = field(default_factory=list)
    d_vague: list[int | None] = field(default_factory=list)
    injuries: list[int] = field(default_factory=list)
    i_vague: list[int | None] = field(default_factory=list)
    victim: str | None = None

    def add(self, kind: str, count: int | None, vague: bool, cls: str | None) -> None:
        stated, unstated = (self.deaths, self.d_vague) if kind == DEATH else (self.injuries, self.i_vague)
        if count is not None and not vague:
            stated.append(count)
        else:
            unstated.append(count)
        self.victim = self.victim or cls

    def result(self, denied: bool) -> Casualties:
        return Casualties(
            deaths=max(self.deaths) if self.deaths else None,
            deaths_vague=_vague_value(self.d_vague),
            injuries=max(self.injuries) if self.injuries else None,
            injuries_vague=_vague_value(self.i_vague),
            victim_class=self.victim,
            no_casualties=denied,
        )


def _vague_value(vals: list[int | None]) -> int | None:
    if not vals:
        return None
    nums = [v for v in vals if v is not None]
    return min(nums) if nums else 10  # ACLED: an unnumbered plural report of deaths is coded 10


def _one_figure_for_both(text: str, m: re.Match, start: int, end: int) -> bool:
    """"قتل وجرح عدد من العناصر": one vague figure for both deaths and injuries — unless the dead were
    counted before the verb ("ثلاثة من عناصرها قتلوا وأصيب خمسة") and the wounded have a figure of their
    own after them ("أكثر من 10 قتلوا وأصيبوا" is one figure)."""
    inj = _COMBINED.match(text[m.end():end])
    if not inj or _counted_in_itself(text, m, start, end):
        return False
    before = _count_before(text, m.start(), start)
    own_injured = _count_after(text, m.end() + inj.end(), end)
    # ("عشرون شخصاً قتلوا وجرح آخرون": "others" were wounded, so the figure counts the dead alone)
    others = _OTHERS_AFTER.match(text, m.end() + inj.end(), end)
    return not (before and before[0] is not None and not before[1]) or not (own_injured and own_injured[0] or others)


def _death_count(text: str, m: re.Match, start: int, end: int) -> tuple[int | None, bool, str | None]:
    """The figure of one death word, with the companions counted ("مقتله مع اثنين من مرافقيه": three) and
    one added for "إضافة إلى" or a relative named with the victim ("قتل رجل وابنه")."""
    a = m.group("a")
    count, vague, cls = _anchor_count(text, m, start, end, DEATH)
    with_others = _WITH_OTHERS.match(text, m.end(), end) if a.endswith(("ه", "ها")) else None
    if count == 1 and not vague and with_others:
        nm = number_at(text, with_others.end())
        if nm and not nm.vague:
            count += nm.value
    if count is not None and not vague and (_PLUS_ONE.search(text, m.end(), end)
                                            or _KIN_PLUS.match(text, m.end(), min(end, m.end() + 40))):
        count += 1
    return count, vague, cls


def casualties(text: str, start: int, end: int, blocked=None) -> Casualties:
    """Deaths and injuries stated in text[start:end] (see module doc of the extractor for the rules)."""
    if prefiltered(_DEATH_RE).absent(text, start, end) and prefiltered(_INJURY_RE).absent(text, start, end):
        # most clauses: no casualty word at all
        return Casualties(None, None, None, None, None, prefiltered(_NO_CASUALTIES).search(text, start, end) is not None)
    subset = prefiltered(_SUBSET).search(text, start, end)
    limit = subset.start() if subset else end  # "بينهم ...": a subset of the figure already stated
    # "دون ورود أنباء عن إصابات": the casualty word inside a denial counts nothing
    denied = [(m.start(), m.end()) for m in prefiltered(_NO_CASUALTIES).finditer(text, start, end)]

    def skipped(pos: int) -> bool:
        return bool(blocked and blocked(pos)) or any(a <= pos < b for a, b in denied)

    tally = _Tally()
    for m in prefiltered(_DEATH_RE).finditer(text, start, limit):
        a = m.group("a")
        if any(rule(text, m, a, start, end) for _name, rule in NOT_A_DEATH) or skipped(m.start()):
            continue
        if _one_figure_for_both(text, m, start, end):
            tally.d_vague.append(None)
            tally.i_vague.append(None)
            continue
        tally.add(DEATH, *_death_count(text, m, start, end))
    for m in prefiltered(_INJURY_RE).finditer(text, start, limit):
        if _COMBINED_BEFORE.search(text[max(start, m.start() - 12):m.start()]) or skipped(m.start()):
            continue
        tally.add(INJURY, *_anchor_count(text, m, start, end, INJURY))
    return tally.result(bool(denied))


def item_dead(text: str, start: int, end: int) -> Casualties | None:
    """The dead an item of a list of the dead names first, from `start` after its bullet ("3 عناصر من قوات النظام
    بهجوم ..."، "مواطن برصاص مجهولين"), when the item states no casualty of its own; None otherwise."""
    if not (prefiltered(_DEATH_RE).absent(text, start, end) and prefiltered(_INJURY_RE).absent(text, start, end)):
        return None
    head = _count_after(text, start, end)
    if head is None or head[0] is None:
        return None
    count, vague, cls = head
    return Casualties(None if vague else count, count if vague else None, None, None, cls)


# ---------------------------------------------------------------- a toll split among places

# "استشهد 8 مواطنين، وهم 6 ... في بلدة X، ورجل ... في قرية Y": the total's breakdown
_BREAKDOWN = re.compile(r"\s*[,،]?\s*(?:وهم|منهم|بينهم|من\s+بينهم)(?![\u0621-\u064a])")


def _first_count(text: str, lo: int, hi: int) -> int | None:
    """The first stated figure of victims in text[lo:hi] ("6 بينهم مواطنتان" is 6, "ورجل جراء" is 1)."""
    for tok in re.finditer(r"\S+", text[lo:hi]):
        at = lo + tok.start()
        if tok.group().startswith("و") and len(tok.group()) > 1:
            at += 1
        got = _count_after(text[at:hi], 0, hi - at)  # (cut: "ورجل" is read as "رجل" past the lookbehind)
        if got is not None and got[0] is not None and not got[1]:
            return got[0]
    return None


def counts_by_place(text: str, start: int, end: int, frame_end: int, place_spans: list[tuple[int, int]]
                    ) -> list[int] | None:
    """A round-up's total for a governorate told place by place ("وفي محافظة إدلب استشهد 10 مواطنين بينهم
    اثنان برصاص ... في مدينة إدلب"; "استشهد 8 مواطنين، وهم 6 ... بلدة X، ورجل ... قرية Y"): the dead of each
    place, the first figure told between the place before it (or the breakdown word) and it; None unless
    every place after the breakdown has its own figure and they add up to no more than the total."""
    m = prefiltered(_DEATH_RE).search(text, frame_end, end)
    if m is None or m.start() - frame_end > 15:
        return None  # ("وفي محافظة إدلب استشهد": the verb right after the governorate that frames the total)
    total = _count_after(text, m.end(), end)
    if total is None or total[0] is None or total[1]:
        return None
    # the breakdown word right after the total's figure and its noun ("10 مواطنين بينهم")
    after_total = re.match(r"\s*\S+(?:\s+[\u0621-\u064a]+)?", text[m.end():end])
    br = _BREAKDOWN.match(text, m.end() + after_total.end()) if after_total else None
    if br is None:
        return None
    lo, counts = br.end(), []
    for ps, pe in place_spans:
        if ps < lo:
            return None  # a place between the frame and the breakdown: not a round-up's split
        n = _first_count(text, lo, ps)
        if n is None:
            return None
        counts.append(n)
        lo = pe
    return counts if counts and sum(counts) <= total[0] else None
