"""Numbers: digits and number words in every gender and case."""
import pytest

from etl_project.text.normalize import normalize
from etl_project.text.numbers import number_at, parse_number


@pytest.mark.parametrize("word,value", [
    ("واحد", 1), ("واحدة", 1), ("اثنان", 2), ("اثنين", 2), ("اثنتين", 2), ("ثلاث", 3), ("ثلاثة", 3),
    ("أربعة", 4), ("خمس", 5), ("ستة", 6), ("سبعة", 7), ("ثمانية", 8), ("تسع", 9), ("عشرة", 10),
    ("أحد عشر", 11), ("اثنا عشر", 12), ("ثلاثة عشر", 13), ("خمسة عشر", 15), ("عشرون", 20), ("عشرين", 20),
    ("خمسة وعشرين", 25), ("ثلاثين", 30), ("مئة", 100), ("مائة", 100), ("14", 14), ("٢٣", 23), ("1,200", 1200),
])
def test_values(word, value):
    assert parse_number(word) == value


def test_vague_quantities():
    t = normalize("عشرات").text
    m = number_at(t, 0)
    assert m.vague and m.value == 12  # ACLED's figure for "dozens"
    m = number_at(normalize("عدد من").text, 0)
    assert m.vague and m.value is None


def test_adjectival_number_with_article():
    assert parse_number("الثلاثة") == 3


@pytest.mark.parametrize("text", ["الأحد", "الثلاثاء", "أحمد", "ستار"])
def test_not_numbers(text):
    assert parse_number(text) is None


def test_a_number_after_the_conjunction_wa():
    from etl_project.text.numbers import number_at
    from etl_project.text.normalize import normalize_text
    t = normalize_text("قتيلان و5 جرحى وثلاثة مفقودين")
    assert number_at(t, t.index("5")).value == 5
    assert number_at(t, t.index("ثلاثه")).value == 3
    # a letter other than a lone و before the number word: not a number ("لثلاثه" is not read here)
    t = normalize_text("نحوثلاثة")
    assert number_at(t, t.index("ثلاثه")) is None
