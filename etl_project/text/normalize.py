"""Arabic normalisation that never loses the way back to the original text.

Every rule either maps one character to one character or deletes a character, so the
normalised string carries `offsets[i]`: the index in the original text of normalised
character i. Evidence spans found in the normalised text are mapped back with `span()`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Harakat, Quranic marks, superscript alef and tatweel: dropped.
_DROP = set(range(0x0610, 0x061B)) | set(range(0x064B, 0x0660)) | {0x0670, 0x0640}
_DROP |= set(range(0x06D6, 0x06EE))
# Invisible format characters that sit inside names in real pages: ZWNJ, ZWJ, LRM/RLM,
# bidi embeddings and isolates, BOM, soft hyphen, word joiner.
_DROP |= {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x00AD, 0x2060, 0x061C}
_DROP |= set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))

_MAP: dict[int, str] = {}
for _c in "أإآٱ":
    _MAP[ord(_c)] = "ا"
_MAP[ord("ى")] = "ي"
_MAP[ord("ة")] = "ه"
# Persian/Urdu letters that turn up in Arabic pages typed on Persian keyboards.
_MAP[ord("ی")] = "ي"
_MAP[ord("ک")] = "ك"
for _i in range(10):
    _MAP[0x0660 + _i] = str(_i)  # Eastern Arabic digits
    _MAP[0x06F0 + _i] = str(_i)  # Persian digits
_MAP[ord("،")] = ","
_MAP[ord("؛")] = ";"
_MAP[ord("؟")] = "?"
_MAP[ord("٫")] = "."  # Arabic decimal separator
_MAP[ord("٬")] = ","  # Arabic thousands separator
for _q in "«»“”„″":
    _MAP[ord(_q)] = '"'
for _q in "‘’‚′":
    _MAP[ord(_q)] = "'"
for _d in "‐‑‒–—―−":
    _MAP[ord(_d)] = "-"
for _s in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t":
    _MAP[ord(_s)] = " "
_MAP[ord("\r")] = "\n"
# hashtags ("#مخيم_الهول", "#مخيم _الهول") are words: the sign and the joining underscore read as spaces
_MAP[ord("#")] = " "
_MAP[ord("_")] = " "


@dataclass(frozen=True)
class Normalized:
    """A normalised text with the original index of each of its characters."""

    original: str
    text: str
    offsets: tuple[int, ...] | range

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {o: None for o in _DROP}
    table.update(_MAP)
    for o in range(ord("A"), ord("Z") + 1):
        table[o] = chr(o + 32)
    # Arabic presentation forms (old PDFs, some CMSs) fold to base letters when that is one character.
    for o in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        folded = unicodedata.normalize("NFKC", chr(o))
        if len(folded) == 1 and folded != chr(o):
            base = ord(folded)
            table[o] = None if base in _DROP else _MAP.get(base, folded)
    return table


_TABLE = _build_table()
_CHANGED = re.compile("[" + "".join(re.escape(chr(o)) for o in sorted(_TABLE)) + "]")
_REPLACEMENT = {chr(o): (v or "") for o, v in _TABLE.items()}
_DROPPED = re.compile("[" + "".join(re.escape(chr(o)) for o, v in sorted(_TABLE.items()) if v is None) + "]")


def normalize_char(ch: str) -> str:
    """The normalised form of one character: '' when dropped."""
    return _translate(ch)


def _translate(text: str) -> str:
    # str.translate with a dict looks up every character; most Arabic letters are unchanged,
    # so substituting only the characters that change is about twice as fast.
    return _CHANGED.sub(lambda m: _REPLACEMENT[m.group()], text)


def normalize(text: str) -> Normalized:
    """Normalise Arabic text once, keeping a map to the original characters.

    Every rule is one-to-one or a deletion, so the offsets are the original indices of the
    characters that were not dropped; they are built from runs, not per character.
    """
    normalized = _translate(text)
    if len(normalized) == len(text):
        return Normalized(original=text, text=normalized, offsets=range(len(text)))
    offsets: list[int] = []
    last = 0
    for m in _DROPPED.finditer(text):
        offsets.extend(range(last, m.start()))
        last = m.end()
    offsets.extend(range(last, len(text)))
    return Normalized(original=text, text=normalized, offsets=tuple(offsets))


def normalize_text(text: str) -> str:
    """Normalised string alone, for lexicon entries and names."""
    return _translate(text or "")


_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Key for comparing place and actor names: normalised, spaces collapsed, no leading ال."""
    s = _SPACES.sub(" ", normalize_text(name)).strip()
    return s[2:] if s.startswith("ال") and len(s) > 3 else s
