"""Read the lexicon tables (TSV files in etl_project/lexicons) and turn their forms into regexes.

A table is UTF-8, tab-separated, with a header row; lines starting with '#' are comments. Arabic in a
table is written as printed; `arabic_form()` normalises it exactly as the article text is normalised
(etl_project.text.normalize), leaving regex syntax (\\s, \\d, [...], ?) alone.
"""
from __future__ import annotations

import csv
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from etl_project.text.normalize import normalize_char

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"

# One Arabic letter of the normalised text (hamza ... yeh; alef variants, ta marbuta, alef maqsura are folded).
AR = "\u0621-\u064a"
NB = rf"(?<![{AR}])"  # no Arabic letter before
NA = rf"(?![{AR}])"  # no Arabic letter after


def arabic_form(text: str) -> str:
    """Normalise the Arabic letters of a lexicon form; keep everything else (regex syntax, spaces)."""
    out = []
    for ch in text:
        if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff":
            out.append(normalize_char(ch))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=None)
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of lexicons/<name> as dicts (header keys), comments and blank lines skipped."""
    path = LEXICON_DIR / name
    with path.open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    rows = []
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    return tuple(rows)


def words_alternation(forms, flexible_space: bool = True) -> str:
    """A regex alternation of literal forms, longest first, with spaces matching any run of spaces."""
    uniq = sorted({arabic_form(f).strip() for f in forms if f.strip()}, key=len, reverse=True)
    parts = []
    for f in uniq:
        p = re.escape(f)
        if flexible_space:
            p = p.replace(r"\ ", r"\s+")
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


def lexicon_fingerprint() -> str:
    """sha1 over every lexicon file: part of EXTRACTOR_VERSION."""
    h = hashlib.sha1()
    for p in sorted(LEXICON_DIR.glob("*.tsv")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]
