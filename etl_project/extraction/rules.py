"""The rule tables of etl_project/rules/*.tsv: one named row per rule, read in file order (the first row
that matches decides, like an elif), with regex cells whose named macros are expanded here:

    {AR}            the Arabic letters
    {SETTLEMENT}    a settlement noun ("مدينة", "بلدة", "قرية", "حي", "ريف", ...)
    {PAIR_NOUN}     a settlement noun before either end of a pair ("بين بلدتي X وY")
    {cue:CLASS}     the alternation of the words of CLASS in lexicons/cues.tsv
    {cue_end:CLASS} a word of CLASS ending right before the place (as text.events.cue_re(CLASS, "end"))

A cell that uses a cue class is searched with the cue prefilter (same matches, fewer searches)."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from etl_project.text.lexicon import AR, NB

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

MACROS = {
    "AR": AR,
    "SETTLEMENT": r"(?:مدينه|بلده|قريه|بلدات|قري|مدن|بلدتي|قريتي|مدينتي|حي|احياء|مخيم|منطقه|مناطق|ناحيه|محافظه|ريف|منطقتي|مزرعه|بلدتا|قريتا)",
    "PAIR_NOUN": r"(?:مدينتي|بلدتي|قريتي|منطقتي|بلدات|قري|مدينه|بلده|قريه|منطقه|مخيم|حي)",
}
_MACRO = re.compile(r"\{([A-Z_]+|cue:[a-z_]+|cue_end:[a-z_]+)\}")


def _cue_alt(cls: str) -> str:
    from etl_project.text.events import _cue_alt as alt
    return alt(cls)


def expand(cell: str) -> str:
    """A table cell with its macros replaced by the regex text they stand for."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("cue:"):
            return _cue_alt(name[4:])
        if name.startswith("cue_end:"):
            return rf"{NB}[وف]?(?:{_cue_alt(name[8:])})\s*[\"']?\s*$"
        return MACROS[name]
    return _MACRO.sub(sub, cell)


@lru_cache(maxsize=None)
def compile_cell(cell: str):
    """The compiled pattern of a cell (None for an empty cell); prefiltered when it uses a cue class."""
    if not cell:
        return None
    pattern = re.compile(expand(cell))
    if "{cue" in cell:
        from etl_project.text.prefilter import prefiltered
        return prefiltered(pattern)
    return pattern


@lru_cache(maxsize=None)
def read_rules(name: str) -> tuple[dict[str, str], ...]:
    """Rows of rules/<name> as dicts (header keys); comment lines (#) and blank lines skipped."""
    with (RULES_DIR / name).open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    rows = tuple({k: (v or "").strip() for k, v in row.items() if k is not None}
                 for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    names = [r["name"] for r in rows]
    if len(set(names)) != len(names):
        raise ValueError(f"rules/{name}: rule names must be unique")
    return rows


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.tsv"))
