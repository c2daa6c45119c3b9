"""Date expressions in normalised Arabic news text, resolved against the article's reference date.

`find_dates(text, reference)` returns every date expression with its span in the normalised text, the
date it names and ACLED's time precision (1 day, 2 a week or a few days — middle date, 3 a month —
mid-month). Adjacent pieces of one expression ("أمس السبت 25 فبراير/شباط", "اليوم، الثلاثاء 24 من
تشرين الثاني") are joined, the most specific piece giving the date.

Rules:
- a day and month without a year take the latest year that does not put them after the reference;
  "الماضي/الفائت" after a month means an earlier month, "الجاري/الحالي" this month, "العام الماضي" last year;
- a weekday is the latest such day on or before the reference ("الماضي" skips the reference day itself);
- nothing after the reference is produced: a day-level date after it is dropped, a month or a period is
  clamped to it;
- with no reference, expressions that need one resolve to None (value None, needs_reference True), while
  dates with a year still resolve.
The word tables are lexicons/months.tsv, weekdays.tsv, relative_dates.tsv, periods.tsv and numbers.tsv.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from etl_project.text.lexicon import NA, NB, arabic_form, read_table, words_alternation
from etl_project.text.numbers import number_at, number_pattern
from etl_project.text.prefilter import prefiltered


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: date | None
    precision: int
    kind: str  # absolute | month | weekday | relative | period | counted | numeric | same | next
    needs_reference: bool = False
    has_year: bool = False
    future: bool = False  # names a day after the reference (dropped from events)

    @property
    def anaphoric(self) -> bool:
        return self.kind in ("same", "next")


@lru_cache(maxsize=None)
def _months() -> dict[str, int]:
    out = {}
    for row in read_table("months.tsv"):
        out[re.sub(r"\s+", " ", arabic_form(row["form"]))] = int(row["month"])
    return out


@lru_cache(maxsize=None)
def _ordinals() -> dict[str, int]:
    return {re.sub(r"\s+", " ", arabic_form(r["form"])): int(r["day"]) for r in read_table("ordinals.tsv")}


@lru_cache(maxsize=None)
def _weekdays() -> dict[str, int]:
    return {arabic_form(r["form"]): int(r["weekday"]) for r in read_table("weekdays.tsv")}


@lru_cache(maxsize=None)
def _relatives() -> dict[str, tuple[int, int, str]]:
    return {
        re.sub(r"\s+", " ", arabic_form(r["form"])): (int(r["offset_days"]), int(r["precision"]), r["kind"])
        for r in read_table("relative_dates.tsv")
    }


@lru_cache(maxsize=None)
def _periods() -> dict[str, tuple[int, int]]:
    return {
        re.sub(r"\s+", " ", arabic_form(r["form"])): (int(r["offset_days"]), int(r["precision"]))
        for r in read_table("periods.tsv")
    }


_REL_AFTER = r"(?:الجاري|الحالي|الماضي|الفائت|المنصرم|السابق|المقبل|القادم)"
_PART_OF_MONTH = {
    "مطلع": 5, "بدايه": 5, "بدايات": 5, "اوائل": 5, "اول": 5,
    "منتصف": 15, "اواسط": 15,
    "اواخر": 25, "نهايه": 25, "اخر": 25,
}
_DAY_PARTS = r"(?:صباح|مساء|ظهر|ظهيره|فجر|عصر|ليل|ليله|منتصف\s+ليل|منتصف\s+ليله|وقت\s+متاخر\s+من|وقت\s+مبكر\s+من\s+صباح|يوم)"


@lru_cache(maxsize=None)
def _patterns() -> list[tuple[str, re.Pattern]]:
    months = words_alternation(_months().keys())
    weekdays = words_alternation([w[2:] if w.startswith("ال") else w for w in _weekdays()])
    rel = words_alternation(_relatives().keys())
    periods = words_alternation(_periods().keys())
    num = number_pattern()
    part = words_alternation(_PART_OF_MONTH.keys())
    year = r"(?P<year>(?:19|20)\d\d)"
    month_expr = rf"(?P<m1>{months}){NA}(?:(?:\s*[/\-]\s*|\s+)(?P<m2>{months}){NA})?"
    year_part = rf"(?:\s*,?\s*(?:من\s+)?(?:العام|عام|سنه|لعام)?\s*{year}(?!\d))"
    last_year = r"(?:\s+(?P<lastyear>العام\s+الماضي|السنه\s+الماضيه|من\s+العام\s+الماضي))"
    pats = [
        # 6-5-2019, 06/05/2019, 27.09.2024
        ("numeric_dmy", re.compile(r"(?<![\d.:/-])(?P<d>\d{1,2})\s?[-/.]\s?(?P<m>\d{1,2})\s?[-/.]\s?(?P<y>(?:19|20)\d\d)(?![\d])")),
        # 2025/11/03, 2022-01-31, 2023.03.17
        ("numeric_ymd", re.compile(r"(?<![\d.:/-])(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])")),
        # (الـ) 18 (من) (شهر) تشرين الثاني/نوفمبر (2020) (الجاري)
        ("absolute", re.compile(
            rf"(?<![\d:.])(?:ال\s*)?(?P<day>[0-3]?\d)(?![\d:.,])\s*(?:من\s+)?(?:شهر\s+)?{month_expr}"
            rf"{year_part}?(?:\s+(?P<rel>{_REL_AFTER}){NA})?{last_year}?")),
        # (في) الثالث من تشرين الأول (2024) — an ordinal day
        ("absolute_ord", re.compile(
            rf"{NB}(?P<ord>{words_alternation(_ordinals().keys())})\s+من\s+(?:شهر\s+)?{month_expr}"
            rf"{year_part}?(?:\s+(?P<rel>{_REL_AFTER}){NA})?{last_year}?")),
        # الحادي والعشرين من الشهر الجاري
        ("day_of_month_ord", re.compile(
            rf"{NB}(?P<ord>{words_alternation(_ordinals().keys())})\s+من\s+(?:هذا\s+)?الشهر(?:\s+(?P<rel>{_REL_AFTER}))?{NA}")),
        # 22 من الشهر الجاري
        ("day_of_month", re.compile(
            rf"(?<![\d:.])(?:ال\s*)?(?P<day>[0-3]?\d)(?![\d:.,])\s*(?:من\s+)?(?:هذا\s+)?الشهر(?:\s+(?P<rel>{_REL_AFTER}))?{NA}")),
        # (مطلع|منتصف|نهاية) (شهر) آذار (2011) (الماضي)
        ("month", re.compile(
            rf"{NB}(?:(?P<part>{part})\s+)?(?:(?P<shahr>شهر)\s+)?{month_expr}"
            rf"{year_part}?(?:\s+(?P<rel>{_REL_AFTER}){NA})?{last_year}?")),
        # (مطلع|منتصف|نهاية) الشهر (الجاري|الماضي)
        ("this_month", re.compile(
            rf"{NB}(?:(?P<part>{part})\s+)?(?:هذا\s+)?الشهر(?:\s+(?P<rel>{_REL_AFTER}))?{NA}")),
        ("period", re.compile(rf"{NB}(?:[وف]?(?:في|خلال)\s+)?(?P<p>{periods}){NA}")),
        # منذ/قبل (مدة|نحو) ثلاثة أيام | قبل يومين | منذ أسبوع
        ("counted", re.compile(
            rf"{NB}[وف]?(?P<dir>منذ|قبل)\s+(?:(?:مده|نحو|قرابه|حوالي|زهاء|اكثر\s+من|اقل\s+من)\s+)?"
            rf"(?P<n>{num}\s+)?(?P<unit>يوم|يوما|ايام|يومين|يومان|اسبوع|اسبوعين|اسابيع|شهر|شهرين|اشهر|ساعه|ساعات|ساعتين){NA}")),
        # (مساء) (اليوم|أمس) — and "اليوم ذاته", "اليوم التالي"
        ("relative", re.compile(rf"{NB}[وف]?(?:{_DAY_PARTS}\s+)?(?:من\s+)?(?P<r>{rel}){NA}")),
        # (يوم|مساء) (ال)أحد (الماضي)
        ("weekday", re.compile(
            rf"{NB}[وف]?(?:{_DAY_PARTS}\s+)?ال(?P<wd>{weekdays}){NA}(?:\s+(?P<rel>الماضي|الفائت|المنصرم|السابق|المقبل|القادم){NA})?")),
    ]
    return pats


# "اليوم" that is not today: outlet names and phrases like "حتى اليوم", "اليوم العالمي".
_NOT_TODAY_BEFORE = re.compile(r"(?:اخبار|الامارات|مصر|روسيا|حتي|الي|لغايه|منذ|ذلك)\s*$")
_NOT_TODAY_AFTER = re.compile(r"^\s*(?:العالمي|الوطني|الاول|الثاني|الثالث|الرابع|الخامس|السادس|السابع|الاخير)")
_AB_ALONE = "اب"  # August / father: needs a day, شهر, a year or a relative word


def _valid(y: int, m: int, d: int) -> date | None:
    if not (1 <= m <= 12) or not (1 <= d <= calendar.monthrange(y, m)[1]):
        return None
    return date(y, m, d)


def _month_of(g: dict) -> int | None:
    m1 = re.sub(r"\s+", " ", g.get("m1") or "")
    return _months().get(m1)


def _year_for(month: int, day: int, rel: str | None, lastyear: bool, ref: date) -> int:
    if lastyear:
        return ref.year - 1
    if rel in ("الماضي", "الفائت", "المنصرم", "السابق"):
        return ref.year if month < ref.month else ref.year - 1
    if rel in ("الجاري", "الحالي"):
        return ref.year
    y = ref.year
    if (month, day) > (ref.month, ref.day):
        y -= 1
    return y


def _clamp(d: date, ref: date | None) -> date:
    return min(d, ref) if ref else d


_LAST = ("الماضي", "الفائت", "المنصرم", "السابق")
_NEXT = ("المقبل", "القادم")


def _numeric(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    d = _valid(int(g["y"]), int(g["m"]), int(g["d"]))
    if d is None:
        return None
    return DateMention(s, e, d, 1, "numeric", has_year=True, future=bool(ref and d > ref))


def _day_of(g: dict) -> int:
    return int(g["day"]) if g.get("day") else _ordinals()[re.sub(r"\s+", " ", g["ord"])]


def _absolute(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    month = _month_of(g)
    day = _day_of(g)
    if month is None or not 1 <= day <= 31:
        return None
    if g.get("year"):
        d = _valid(int(g["year"]), month, day)
        if d is None:
            return None
        return DateMention(s, e, d, 1, "absolute", has_year=True, future=bool(ref and d > ref))
    if g.get("rel") in _NEXT:
        return DateMention(s, e, None, 1, "absolute", future=True)
    if ref is None:
        return DateMention(s, e, None, 1, "absolute", needs_reference=True)
    y = _year_for(month, day, g.get("rel"), bool(g.get("lastyear")), ref)
    d = _valid(y, month, day)
    if d is None:
        return None
    return DateMention(s, e, d, 1, "absolute", future=d > ref)


def _day_of_month(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    day = _day_of(g)
    if ref is None:
        return DateMention(s, e, None, 1, "absolute", needs_reference=True)
    y, mo = ref.year, ref.month
    if g.get("rel") in _LAST:
        y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
    d = _valid(y, mo, day)
    if d is None:
        return None
    return DateMention(s, e, d, 1, "absolute", future=d > ref)


def _month(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    month = _month_of(g)
    if month is None:
        return None
    m1 = re.sub(r"\s+", " ", g.get("m1") or "")
    if m1 == _AB_ALONE and not (g.get("shahr") or g.get("year") or g.get("rel") or g.get("m2") or g.get("part")):
        return None
    day = _PART_OF_MONTH.get(g.get("part") or "", 15)
    prec = 2 if g.get("part") else 3
    if g.get("year"):
        d = _valid(int(g["year"]), month, day)
        return DateMention(s, e, _clamp(d, ref) if d else None, prec, "month", has_year=True,
                           future=bool(ref and d and date(d.year, d.month, 1) > ref))
    if g.get("rel") in _NEXT:
        return DateMention(s, e, None, prec, "month", future=True)
    if not (g.get("rel") or g.get("shahr") or g.get("part") or g.get("lastyear") or g.get("m2")):
        # a bare month name ("في آذار") is too weak on its own unless preceded by في/خلال/منذ
        if not re.search(r"(?:في|خلال|منذ|حتى)\s*$", text[max(0, s - 6):s]):
            return None
    if ref is None:
        return DateMention(s, e, None, prec, "month", needs_reference=True)
    d = _valid(_month_year(g, month, ref), month, day)
    return DateMention(s, e, _clamp(d, ref) if d else None, prec, "month")


def _month_year(g: dict, month: int, ref: date) -> int:
    """The year of a month named without one: last year, the last such month, or this year's."""
    rel = g.get("rel")
    if g.get("lastyear"):
        return ref.year - 1
    if rel in _LAST:
        return ref.year if month < ref.month else ref.year - 1
    if rel in ("الجاري", "الحالي"):
        return ref.year
    return ref.year if month <= ref.month else ref.year - 1


def _this_month(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    rel = g.get("rel")
    if not rel and not g.get("part"):
        return None
    if rel in _NEXT:
        return DateMention(s, e, None, 3, "month", future=True)
    if ref is None:
        return DateMention(s, e, None, 3, "month", needs_reference=True)
    y, mo = ref.year, ref.month
    if rel in _LAST:
        y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
    day = _PART_OF_MONTH.get(g.get("part") or "", 15)
    prec = 2 if g.get("part") else 3
    return DateMention(s, e, _clamp(date(y, mo, day), ref), prec, "month")


def _period(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    off, prec = _periods()[re.sub(r"\s+", " ", g["p"])]
    if ref is None:
        return DateMention(s, e, None, prec, "period", needs_reference=True)
    return DateMention(s, e, ref + timedelta(days=off), prec, "period")


# "منذ N أيام": the unit counted back -> (days back, precision) given the number N (None when unstated)
_COUNTED_UNITS = {
    "يومين": lambda n: (2, 1),
    "يومان": lambda n: (2, 1),
    "يوم": lambda n: (n or 1, 1),
    "يوما": lambda n: (n or 1, 1),
    "ايام": lambda n: (n, 1) if n else (3, 2),
    "اسبوع": lambda n: (7 * (n or 1), 2),
    "اسبوعين": lambda n: (14, 2),
    "اسابيع": lambda n: (7 * (n or 3), 2),
    "شهر": lambda n: (30 * (n or 1), 3),
    "شهرين": lambda n: (60, 3),
    "اشهر": lambda n: (30 * (n or 3), 3),
}


def _hours(n: int | None) -> tuple[int, int]:
    return 0, 1  # any other unit: hours


def _counted(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    n = None
    if g.get("n"):
        nm = number_at(g["n"].strip(), 0)
        n = nm.value if nm and not nm.vague else None
    days, prec = _COUNTED_UNITS.get(g["unit"], _hours)(n)
    if ref is None:
        return DateMention(s, e, None, prec, "counted", needs_reference=True)
    return DateMention(s, e, ref - timedelta(days=days), prec, "counted")


def _relative(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    word = re.sub(r"\s+", " ", g["r"])
    off, prec, rk = _relatives()[word]
    if word == "اليوم":
        # "منذ اليوم" is from today on, but "منذ صباح اليوم" is since this morning: today
        bare = m.start("r") == s or text[s] in "وف" and m.start("r") == s + 1
        if bare and _NOT_TODAY_BEFORE.search(text[max(0, s - 12):s]) or _NOT_TODAY_AFTER.match(text[e:e + 12]):
            return None
    if rk in ("same", "next"):
        return DateMention(s, e, None, prec, rk)
    if ref is None:
        return DateMention(s, e, None, prec, "relative", needs_reference=True, future=off > 0)
    return DateMention(s, e, ref + timedelta(days=off), prec, "relative", future=off > 0)


def _weekday(g: dict, s: int, e: int, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    wd = _weekdays().get("ال" + g["wd"], _weekdays().get(g["wd"]))
    if wd is None:
        return None
    rel = g.get("rel")
    if rel in _NEXT:
        return DateMention(s, e, None, 1, "weekday", future=True)
    if ref is None:
        return DateMention(s, e, None, 1, "weekday", needs_reference=True)
    back = (ref.weekday() - wd) % 7
    if back == 0 and rel:
        back = 7
    return DateMention(s, e, ref - timedelta(days=back), 1, "weekday")


# The resolver of each kind of date pattern: (groups, start, end, match, reference, text) -> mention or None
RESOLVERS = {
    "numeric_dmy": _numeric,
    "numeric_ymd": _numeric,
    "absolute": _absolute,
    "absolute_ord": _absolute,
    "day_of_month": _day_of_month,
    "day_of_month_ord": _day_of_month,
    "month": _month,
    "this_month": _this_month,
    "period": _period,
    "counted": _counted,
    "relative": _relative,
    "weekday": _weekday,
}


def _resolve(kind: str, m: re.Match, ref: date | None, text: str) -> DateMention | None:
    resolver = RESOLVERS.get(kind)
    return resolver(m.groupdict(), m.start(), m.end(), m, ref, text) if resolver else None


_DIGIT = re.compile(r"\d")
# A pattern runs only when the text has one of its key words: most articles name few kinds of dates.
_NEEDS = {"numeric_dmy": "digit", "numeric_ymd": "digit", "absolute": "digit", "day_of_month": "digit",
          "absolute_ord": "ordinals", "day_of_month_ord": "ordinals",
          "month": "months", "this_month": "shahr", "period": "periods", "counted": "counted",
          "relative": "relative", "weekday": "weekday"}


@lru_cache(maxsize=None)
def _keywords(kind: str) -> tuple[str, ...]:
    if kind == "months":
        return tuple({k.split(" ")[0] for k in _months()})
    if kind == "shahr":
        return ("الشهر",)
    if kind == "ordinals":
        return tuple({k.split(" ")[0] for k in _ordinals()})
    if kind == "periods":
        return ("ايام", "الاسبوع", "اسبوع")
    if kind == "counted":
        return ("منذ", "قبل")
    if kind == "relative":
        return ("اليوم", "امس", "البارحه", "الليله", "حينه", "حينذاك", "انذاك", "وقتها", "ذات اليوم", "نفس اليوم", "غد")
    if kind == "weekday":
        return tuple(w.removeprefix("ال") for w in _weekdays())
    return ()


# Besides its key word, what every match of a pattern contains: a month's name, "الشهر", digits on both sides of a
# date separator. Patterns whose text lacks it cannot match and are not run (a speed gate, not a rule).
_ALSO_NEEDS = {"absolute": "months", "day_of_month": "shahr", "numeric_dmy": re.compile(r"\d\s?[-/.]\s?\d"),
               "numeric_ymd": re.compile(r"\d[-/.]\d")}

_SPECIFICITY = {"numeric": 6, "absolute": 5, "relative": 4, "weekday": 3, "counted": 3, "period": 2, "month": 1,
                "same": 4, "next": 4}
_AFTER_MIDNIGHT = re.compile(r"بعد\s+منتصف\s+ليل")
_GLUE = re.compile(r"^[\s,()\"'\-–]*$")


def find_dates(text: str, reference: date | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date expression in text[start:end], resolved against `reference`, in text order."""
    end = len(text) if end is None else end
    found: list[DateMention] = []
    seg = text[start:end]
    has_digit = bool(_DIGIT.search(seg))
    for kind, pat in _patterns():
        if prefiltered(pat).absent(text, start, end):
            continue  # none of the words a match starts with (a speed gate: it would find nothing)
        need = _NEEDS.get(kind)
        if need == "digit" and not has_digit:
            continue
        if need and need != "digit" and not any(k in seg for k in _keywords(need)):
            continue
        also = _ALSO_NEEDS.get(kind)  # a speed gate only: what every match of the pattern contains
        if also is not None and not (also.search(seg) if isinstance(also, re.Pattern) else any(k in seg for k in _keywords(also))):
            continue
        for m in prefiltered(pat).finditer(text, start, end):
            dm = _resolve(kind, m, reference, text)
            if dm is not None:
                found.append(dm)
    # Longest match wins where matches overlap.
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMention] = []
    for d in found:
        if kept and d.start < kept[-1].end:
            if d.end - d.start > kept[-1].end - kept[-1].start and d.start == kept[-1].start:
                kept[-1] = d
            elif d.end > kept[-1].end and _SPECIFICITY.get(d.kind, 0) > _SPECIFICITY.get(kept[-1].kind, 0):
                kept[-1] = d
            continue
        kept.append(d)
    # Join adjacent pieces of one expression: "أمس السبت 25 فبراير", "اليوم (السبت)".
    joined: list[DateMention] = []
    for d in kept:
        if joined and _GLUE.match(text[joined[-1].end:d.start]) and _joinable(joined[-1], d):
            prev = joined[-1]
            best = d if _SPECIFICITY.get(d.kind, 0) > _SPECIFICITY.get(prev.kind, 0) else prev
            # a relative day with its weekday ("اليوم الاثنين") is one day; when they disagree the page was
            # dated after it was written ("مساء اليوم الاثنين" on a page of Tuesday), and the weekday names it
            if prev.kind == "relative" and d.kind == "weekday":
                late = d.value is not None and prev.value is not None and not prev.future \
                    and 0 < (prev.value - d.value).days <= 2
                best = replace(prev, value=d.value) if late else prev
            # "ليل الثلاثاء - الأربعاء" is the Tuesday night; "بعد منتصف ليل الثلاثاء - الأربعاء" is the Wednesday
            if prev.kind == d.kind == "weekday" and _AFTER_MIDNIGHT.search(text, max(0, prev.start - 8), prev.start + 12):
                best = d
            joined[-1] = replace(best, start=prev.start, end=d.end)
            continue
        joined.append(d)
    return joined


def _joinable(a: DateMention, b: DateMention) -> bool:
    kinds = {a.kind, b.kind}
    if kinds <= {"month", "period", "counted"}:
        return False
    return "relative" in kinds or "weekday" in kinds or kinds & {"absolute", "numeric"} and kinds & {"weekday", "relative"}
