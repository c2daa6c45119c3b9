"""The language gate: Arabic is read; Persian or Kurdish in the same script is not coded as Arabic."""
import pytest

from etl_project.text.language import is_arabic

ARABIC = "قتل أربعة أشخاص بينهم طفلان في قصف بطائرة مسيرة استهدف سيارة قرب مدينة منبج بريف حلب الشرقي صباح اليوم."
PERSIAN = "به گزارش رسانه‌های محلی، چهار نفر در حمله پهپادی در نزدیکی شهر منبج کشته شدند و این حمله را نیروهای ترکیه انجام دادند."
SORANI = "چوار کەس لە هێرشێکی درۆن لە نزیک شاری مەنبج کوژران و هێزەکانی تورکیا ئەم هێرشەیان کرد لە بەیانیدا."


@pytest.mark.parametrize("text", [ARABIC, ARABIC + " وقال مصدر إن القتلى من عائلة پیرزاده النازحة.", f"{ARABIC} Reuters"])
def test_arabic_text_is_arabic(text):
    assert is_arabic(text)


@pytest.mark.parametrize("text", [PERSIAN, SORANI, "only latin words here " * 5, "قتل شخص"])
def test_other_languages_and_scraps_are_not(text):
    assert not is_arabic(text)


def test_the_extractor_codes_no_persian_article(extractor):
    assert extractor.extract({"id": "fa", "published": "2025-03-02", "text": PERSIAN}) == []
    assert extractor.extract({"id": "ar", "published": "2025-03-02", "text": ARABIC})
