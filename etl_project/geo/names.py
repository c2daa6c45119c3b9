"""How a place's name is written: the forms the matcher looks for, the letters folded, the clitics and
article allowed before a name, a name's spelling without its long ا, and a fast distance."""
from __future__ import annotations

import math
import re

from etl_project.geo import lexicon
from etl_project.geo.lexicon import norm

_AR = re.compile(r"[\u0621-\u064A]")
# Names whose first word is often written joined to the second: كفر نبل / كفرنبل, تل كلخ / تلكلخ, معر شورين /
# معرشورين.
_JOINABLE = {"كفر", "تل", "بو", "ابو", "دير", "بيت", "عين", "ام", "بني", "خربه", "جسر", "راس", "معر", "جب", "قره"}
_ADMIN_PREFIXES = ("مركز ", "منطقه ", "محافظه ", "ناحيه ", "مدينه ")
MAX_PREFIX = 5
NON_LETTER = re.compile(r"[^\u0621-\u064A ]")  # spaces stay spaces: fewer substitutions


def definite_form(written: str, cue_word: str) -> bool:
    """The cue word as written carries the article ("البلدة", "بالقرية") while its base form does not."""
    if cue_word.startswith("ال") or not written.endswith(cue_word):
        return False
    head = written[: len(written) - len(cue_word)]
    return head.endswith("ال") or head.endswith("لل")


def fold(s: str) -> str:
    """ص/س, ذ/ز and ظ/ض, written one for the other, compare equal (one char for one: offsets hold)."""
    return s.replace("ص", "س").replace("ذ", "ز").replace("ظ", "ض")


def is_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def _build_prefixes() -> dict[str, tuple[bool, bool, str]]:
    out: dict[str, tuple[bool, bool, str]] = {}
    for c in lexicon.CLITICS:
        out[c] = (True, False, c)
        if c not in ("ل", "ول", "فل"):
            out[c + "ال"] = (True, True, c)
    for c in ("", "و", "ف"):
        out[c + "لل"] = (True, True, c + "ل")
    return out


PREFIXES = _build_prefixes()


def name_forms(name: str) -> set[str]:
    """Normalised, article-less forms of a gazetteer name that the automaton should find."""
    n = norm(name)
    if not n or not _AR.search(n):
        return set()
    if n.startswith(_ADMIN_PREFIXES):
        return set()
    core = n[2:] if n.startswith("ال") and len(n) > 4 else n
    forms = {core}
    if core.endswith("ه"):
        forms.add(core[:-1] + "ا")
    elif core.endswith("ا") and len(core) > 3:
        forms.add(core[:-1] + "ه")
    parts = core.split(" ")
    if len(parts) == 2 and parts[0] in _JOINABLE:
        forms.add(parts[0] + parts[1])
    if len(parts) == 2 and parts[0] == "دير" and not parts[1].startswith("ال") and len(parts[1]) >= 3:
        # spoken "دير X" is written fused with the article: دير خبية -> الدرخبية, دير علي -> الدرعلي
        forms.add("در" + parts[1])
    if len(parts) == 2 and parts[0] == "البو":
        forms.add("بو" + parts[1])
    return {f for f in forms if len(f.replace(" ", "")) >= 3}


def skeleton(key: str) -> str:
    """The consonants of a name: no spaces, no final ه/ا/ي, no inner ا/و/ي (فقيع, فقعه -> فقع)."""
    k = key.replace(" ", "")
    if len(k) > 3 and k[-1] in "هاي":
        k = k[:-1]
    return k[:1] + "".join(c for c in k[1:] if c not in "اوي")


def without_alif(key: str) -> str:
    """A name without its spaces and its inner long ا, which Arabic writes or leaves out (معرشمرين, معر شمارين
    -> معرشمرين); the rest of the spelling must agree, unlike a skeleton of consonants (الحصان is not
    الحسينية)."""
    k = key.replace(" ", "")
    return k[:1] + k[1:].replace("ا", "")


def fast_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = (lon2 - lon1) * 0.82  # cos(35°)
    y = lat2 - lat1
    return 111.2 * math.sqrt(x * x + y * y)

