"""Normalisation keeps the way back to the original text."""
from hypothesis import given, strategies as st

from etl_project.text.normalize import normalize


def test_folds_and_maps_back():
    text = "قُتِلَ «ثلاثةُ» شبّانٍ في إدلب ٢٠٢٤"
    n = normalize(text)
    assert "ادلب" in n.text and "2024" in n.text and '"' in n.text
    i = n.text.index("ادلب")
    assert n.original_slice(i, i + 4) == "إدلب"


@given(st.text(alphabet="ابتةىأإآـًٌٍَُِّْ ،٠١٢abcX\u200f", max_size=40))
def test_offsets_are_monotonic_and_in_range(s):
    n = normalize(s)
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < len(s) for o in n.offsets)
    assert list(n.offsets) == sorted(n.offsets)
