"""Is a text Arabic? Persian, Urdu and Kurdish (Sorani) share the script, so Arabic letters alone do not tell.

Those languages write "ی" and "ک" where Arabic writes "ي" and "ك", and use "پ چ ژ گ" that Arabic lacks, while
Arabic's "ة" is rare in them. A text in which those forms outnumber Arabic's own is not Arabic, however much of
it is in the Arabic script. An Arabic article that borrows a Persian name or two stays Arabic.
"""
from __future__ import annotations

import re

ARABIC_LETTERS = r"[\u0621-\u064A]"
# forms Arabic does not use: پ چ ژ گ ک ی ے ٹ ڈ ڕ ڵ ۆ ێ
NON_ARABIC_FORMS = r"[\u067E\u0686\u0698\u06AF\u06A9\u06CC\u06D2\u0679\u0688\u0695\u06B5\u06C6\u06CE]"
# forms only Arabic uses among these languages, or far more often: ي ك ة
ARABIC_FORMS = r"[\u064A\u0643\u0629]"
MIN_ARABIC_LETTERS = 20

_ARABIC = re.compile(ARABIC_LETTERS)
_NON_ARABIC = re.compile(NON_ARABIC_FORMS)
_ARABIC_ONLY = re.compile(ARABIC_FORMS)
_LETTER = re.compile(r"[^\W\d_]")


def another_language_in_arabic_script(text: str) -> bool:
    """Persian, Urdu or Kurdish: their own letter forms outnumber Arabic's."""
    if _NON_ARABIC.search(text) is None:
        return False  # (most Arabic pages have none of those forms: one scan, no count)
    return len(_NON_ARABIC.findall(text)) > len(_ARABIC_ONLY.findall(text))


def is_arabic(text: str) -> bool:
    """Mostly letters of the Arabic alphabet, and Arabic's own forms outnumber Persian's or Kurdish's."""
    arabic = len(_ARABIC.findall(text))
    if arabic < MIN_ARABIC_LETTERS or arabic * 2 < len(_LETTER.findall(text)):
        return False
    return not another_language_in_arabic_script(text)
