"""Date grammar: every phrasing resolved against a reference date; nothing after it."""
from datetime import date

import pytest

from etl_project.text.dates import find_dates
from etl_project.text.normalize import normalize

REF = date(2024, 3, 13)  # a Wednesday


def one(text, ref=REF):
    ds = find_dates(normalize(text).text, ref)
    assert len(ds) == 1, [(d.kind, d.value) for d in ds]
    return ds[0]


@pytest.mark.parametrize("text,expected,prec", [
    ("قتل رجل اليوم في البلدة", date(2024, 3, 13), 1),
    ("قصفت القوات منذ صباح اليوم قرى المنطقة", date(2024, 3, 13), 1),   # since this morning: today
    ("قتل مقاتل بعد منتصف ليل الإثنين – الثلاثاء", date(2024, 3, 12), 1),  # after midnight: the second day
    ("قتل مقاتل ليل الإثنين – الثلاثاء", date(2024, 3, 11), 1),            # the night: the first day
    ("فجر اليوم الأربعاء", date(2024, 3, 13), 1),
    ("مساء أمس الثلاثاء", date(2024, 3, 12), 1),
    ("صباح أمس", date(2024, 3, 12), 1),
    ("أول أمس", date(2024, 3, 11), 1),
    ("يوم الأحد", date(2024, 3, 10), 1),
    ("ليلة السبت", date(2024, 3, 9), 1),
    ("يوم الأربعاء الماضي", date(2024, 3, 6), 1),
    ("الجمعة الفائت", date(2024, 3, 8), 1),
    ("في 5 آذار الجاري", date(2024, 3, 5), 1),
    ("في 20 شباط الماضي", date(2024, 2, 20), 1),
    ("في الـ 18 من كانون الثاني", date(2024, 1, 18), 1),
    ("يوم 2 تشرين الأول الماضي", date(2023, 10, 2), 1),
    ("في 3 كانون الأول", date(2023, 12, 3), 1),
    ("الثلاثاء 5 مارس/آذار", date(2024, 3, 5), 1),
    ("في 9 فبراير/شباط 2021", date(2021, 2, 9), 1),
    ("6-5-2019", date(2019, 5, 6), 1),
    ("2023/11/03", date(2023, 11, 3), 1),
    ("منذ ثلاثة أيام", date(2024, 3, 10), 1),
    ("قبل يومين", date(2024, 3, 11), 1),
    ("قبل أيام", date(2024, 3, 10), 2),
    ("الأسبوع الماضي", date(2024, 3, 6), 2),
    ("منتصف الشهر الماضي", date(2024, 2, 15), 2),
    ("مطلع الشهر الجاري", date(2024, 3, 5), 2),
    ("في أيار الماضي", date(2023, 5, 15), 3),
    ("خلال شهر تموز 2022", date(2022, 7, 15), 3),
    ("في 11 من الشهر الجاري", date(2024, 3, 11), 1),
    ("١٢ أذار", date(2024, 3, 12), 1),
])
def test_phrasings(text, expected, prec):
    d = one(text)
    assert d.value == expected
    assert d.precision == prec


def test_joined_pieces_take_the_most_specific_date():
    d = one("قتل شاب مساء أمس الثلاثاء 12 آذار/مارس، في ريف درعا")
    assert d.value == date(2024, 3, 12)
    assert normalize("مساء أمس الثلاثاء 12 آذار/مارس").text in normalize("قتل شاب مساء أمس الثلاثاء 12 آذار/مارس").text


def test_never_after_the_reference():
    # a day later this month is future: flagged, never an event date
    d = one("في 25 آذار الجاري")
    assert d.future
    # without a year a day-month after the reference belongs to last year
    assert one("في 20 أيلول").value == date(2023, 9, 20)
    # a month is clamped, a weekday goes back
    assert one("منتصف الشهر الجاري").value <= REF
    assert one("يوم الخميس").value == date(2024, 3, 7)


def test_no_reference_relative_dates_stay_unresolved_but_years_resolve():
    assert one("اليوم الأحد", ref=None).value is None
    assert one("اليوم الأحد", ref=None).needs_reference
    assert one("في 9 تموز", ref=None).value is None
    assert one("في 9 تموز 2020", ref=None).value == date(2020, 7, 9)


@pytest.mark.parametrize("text", [
    "قتل اثنين من العناصر",       # اثنين is two, not Monday
    "أحد عناصر الفصيل",           # أحد is one (of), not Sunday
    "صحيفة أخبار اليوم",          # an outlet
    "حتى اليوم لم يعرف مصيره",    # until today
    "فاز المنتخب 3-0",            # a score
    "الساعة 05:36",               # a time
    "زار أب وابنه المكان",        # father, not August
])
def test_not_dates(text):
    assert find_dates(normalize(text).text, REF) == []


def test_same_day_anaphor():
    ds = find_dates(normalize("في 7 آذار قتل عنصر، وفي اليوم ذاته هاجم مسلحون").text, REF)
    assert [d.kind for d in ds] == ["absolute", "same"]


def test_last_year():
    assert one("في 17 تشرين الأول العام الماضي").value == date(2023, 10, 17)


@pytest.mark.parametrize("text", ["وقال المصدر حينها إن", "كما أعلنت الوزارة آنذاك", "وأفاد شهود وقتها بأن", "وفي ذلك اليوم قتل"])
def test_then_points_back_to_the_last_date(text):
    d = one(text)
    assert d.kind == "same" and d.value is None


@pytest.mark.parametrize("text,expected", [
    ("في الثالث من الشهر الجاري", date(2024, 3, 3)),
    ("في العاشر من شباط", date(2024, 2, 10)),
    ("في الحادي والعشرين من كانون الثاني الماضي", date(2024, 1, 21)),
    ("في الثاني من تشرين الثاني 2022", date(2022, 11, 2)),
    ("في الخامس عشر من الشهر الماضي", date(2024, 2, 15)),
    ("يوم أمس الأول", date(2024, 3, 11)),
])
def test_ordinal_days(text, expected):
    d = one(text)
    assert d.value == expected and d.precision == 1


@pytest.mark.parametrize("text", ["الانفجار الرابع خلال أسبوع", "للمرة الثالثة على التوالي", "في كانون الثاني من العام"])
def test_ordinals_without_a_month_are_no_day(text):
    ds = find_dates(normalize(text).text, REF)
    assert all(d.kind not in ("absolute",) or d.value is None for d in ds)


@pytest.mark.parametrize("text", ["تنظم وقفة غداً أمام المبنى", "يعقد الاجتماع بعد غد"])
def test_tomorrow_is_a_future_day(text):
    d = one(text)
    assert d.future and d.value > REF
