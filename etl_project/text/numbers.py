"""Numbers in normalised Arabic text: digits and number words in every gender and case.

`number_at(text, pos)` reads the number that starts at `pos` (after spaces): "14", "ثلاثة", "اثنين",
"أحد عشر", "خمسة وعشرين", "مئة", "عشرات". The word table is lexicons/numbers.tsv.
A vague quantity ("عدد من", "عدة") has value None and vague=True; "عشرات"/"مئات" carry ACLED's
conventional figures (12, 100) with vague=True, so callers can tell them from a stated figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl_project.text.lexicon import AR, NA, arabic_form, read_table, words_alternation


@dataclass(frozen=True, slots=True)
class NumberMatch:
    value: int | None
    start: int
    end: int
    vague: bool = False


@lru_cache(maxsize=None)
def _tables():
    by_form: dict[str, tuple[int | None, str]] = {}
    kinds: dict[str, list[str]] = {}
    for row in read_table("numbers.tsv"):
        form = arabic_form(row["form"])
        value = int(row["value"]) if row["value"].strip() else None
        by_form[form] = (value, row["kind"])
        kinds.setdefault(row["kind"], []).append(row["form"])
    return by_form, kinds


@lru_cache(maxsize=None)
def _regex() -> re.Pattern:
    by_form, kinds = _tables()
    unit = words_alternation(kinds["unit"])
    ten = words_alternation(kinds["ten"])
    tens = words_alternation(kinds["tens"])
    hundred = words_alternation(kinds["hundred"])
    thousand = words_alternation(kinds["thousand"])
    vague = words_alternation(kinds["vague"])
    # "ال" may prefix an adjectival number ("الشبان الثلاثة"), but never "أحد" (الأحد is Sunday).
    al = r"(?:ال(?!احد|احدي))?"
    pattern = (
        rf"(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+)(?!\d)"
        rf"|{al}(?P<teen_u>{unit})\s+(?P<teen_t>{ten}){NA}"
        rf"|{al}(?P<cmp_u>{unit})\s+و\s*(?P<cmp_t>{tens}){NA}"
        rf"|{al}(?P<tens>{tens}){NA}"
        rf"|(?P<hundred>{hundred}){NA}"
        rf"|(?P<thousand>{thousand}){NA}"
        rf"|{al}(?P<ten>{ten}){NA}"
        rf"|{al}(?P<unit>{unit}){NA}"
        rf"|(?P<vague>{vague}){NA}"
    )
    return re.compile(pattern)


def _value(form: str) -> int | None:
    by_form, _ = _tables()
    return by_form[form][0] if form in by_form else None


def _norm_form(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def number_at(text: str, pos: int) -> NumberMatch | None:
    """The number starting at `pos` (leading spaces skipped), or None."""
    n = len(text)
    while pos < n and text[pos] == " ":
        pos += 1
    m = _regex().match(text, pos)
    if not m:
        return None
    if pos > 0 and re.match(f"[{AR}]", text[pos - 1]):
        # only the conjunction و may be written joined to a number: "وثلاثة جرحى", "و5 جرحى"
        if not (text[pos - 1] == "و" and (pos == 1 or not re.match(f"[{AR}]", text[pos - 2]))):
            return None
    g = m.groupdict()
    if g["digits"]:
        return NumberMatch(int(g["digits"].replace(",", "")), m.start(), m.end())
    if g["teen_u"]:
        return NumberMatch(_value(_norm_form(g["teen_u"])) + 10, m.start(), m.end())
    if g["cmp_u"]:
        return NumberMatch(_value(g["cmp_u"]) + _value(g["cmp_t"]), m.start(), m.end())
    for key in ("tens", "hundred", "thousand", "ten", "unit"):
        if g[key]:
            return NumberMatch(_value(g[key]), m.start(), m.end())
    form = g["vague"]
    return NumberMatch(_value(form), m.start(), m.end(), vague=True)


def parse_number(text: str) -> int | None:
    """The value of a whole string that is one number ("ثلاثة" -> 3, "21" -> 21), else None."""
    t = arabic_form(text).strip()
    m = number_at(t, 0)
    if m and m.end == len(t) and not m.vague:
        return m.value
    return None


def number_pattern() -> str:
    """The number regex (no groups named for callers) for embedding in other grammars."""
    by_form, kinds = _tables()
    words = words_alternation([f for k, fs in kinds.items() if k != "vague" for f in fs])
    return rf"(?:\d+|{words}(?:\s+(?:عشر|عشره)|\s+و\s*{words})?)"
