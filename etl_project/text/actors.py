"""Actors in a clause of normalised text (lexicons/actors.tsv), and which of them acted and which was hit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl_project.text.lexicon import AR, arabic_form, read_table
from etl_project.text.prefilter import prefiltered


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    actor: str
    inter: int
    era: str



@lru_cache(maxsize=None)
def _actor_table() -> tuple[re.Pattern, list[tuple[str, int, str]]]:
    rows = read_table("actors.tsv")
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
