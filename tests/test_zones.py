"""Text zones of real pages: summary bullets, republication footers and photo captions are not the day's news."""
import pytest

from etl_project.text.normalize import normalize
from etl_project.text.segment import NOT_NEWS, segment

LEAD = "قتل شاب برصاص مسلحين مجهولين في بلدة طفس بريف درعا الغربي مساء أمس الأحد وفق مصادر محلية."


def _kinds(text: str) -> dict[str, str]:
    t = normalize(text).text
    return {t[s.start:s.end]: s.kind for s in segment(t)}


def _kind_of(text: str, fragment: str) -> str:
    t = normalize(text).text
    frag = normalize(fragment).text
    return next(s.kind for s in segment(t) if frag in t[s.start:s.end])


@pytest.mark.parametrize("marker", ["استمع إلى الملخص", "إظهار الملخص", "ملخص:"])
def test_bullets_after_a_summary_marker_are_summary(marker):
    text = f"عنوان الخبر هنا\n{marker}\n- قصف مدفعي على قرية الكرك الشرقي أدى إلى مقتل رجل.\n\n{LEAD}"
    assert _kind_of(text, "قصف مدفعي على قرية الكرك") == "summary"
    assert _kind_of(text, "قتل شاب برصاص") == "body"


def test_bullets_without_a_summary_marker_stay_body():
    # a round-up's items are the news itself
    text = f"{LEAD}\nوشهدت المحافظة خلال اليوم الحوادث التالية:\n- قصف مدفعي على قرية الكرك الشرقي أدى إلى مقتل رجل."
    assert _kind_of(text, "قصف مدفعي على قرية الكرك") == "body"


def test_summary_ends_at_the_first_line_that_is_no_bullet():
    text = f"استمع إلى الملخص\n- قصف على قرية الكرك الشرقي.\n{LEAD}\n- اعتقال شاب في مدينة نوى اليوم."
    assert _kind_of(text, "قتل شاب برصاص") == "body"
    assert _kind_of(text, "اعتقال شاب في مدينة نوى") == "body"


def test_republication_footer_is_not_news():
    text = f"{LEAD}\nهذا الخبر عن مقتل شاب في طفس نُشر أولاً على موقع درعا 24"
    assert _kind_of(text, "نشر أولاً") in NOT_NEWS


@pytest.mark.parametrize("credit", ["(أرشيف)", "(أ ف ب)", "(الفرنسية-أرشيف)", "(فيسبوك)"])
def test_a_line_closed_by_a_photo_credit_is_a_caption(credit):
    text = f"{LEAD}\nعناصر من الجيش قرب الحدود في ريف درعا {credit}\nوأضافت المصادر أن الشاب من أبناء البلدة."
    assert _kind_of(text, "عناصر من الجيش قرب الحدود") == "caption"


def test_brackets_that_name_no_credit_leave_the_line_alone():
    text = f"{LEAD}\nقصف على بلدة الكرك الشرقي (ريف درعا الشرقي)\nوأضافت المصادر أن الشاب من أبناء البلدة."
    assert _kind_of(text, "قصف على بلدة الكرك") != "caption"


def test_no_event_is_read_from_summary_bullets(extractor):
    bullet = "- قصف مدفعي على مدينة نوى أدى إلى مقتل رجلين اليوم."
    with_marker = extractor.extract({"id": "z1", "published": "2025-03-02",
                                     "text": f"استمع إلى الملخص\n{bullet}\n\n{LEAD}"})
    without = extractor.extract({"id": "z2", "published": "2025-03-02", "text": f"{LEAD}\n{bullet}"})
    assert {e["location_name"] for e in with_marker} == {"طفس"}
    assert "نوى" in {e["location_name"] for e in without}


def test_a_dated_photo_caption_above_the_story_is_not_its_news():
    text = ("قتيلان بتفجير سيارة في الحسكة\n"
            "احتراق سيارة انفجرت في حي الصالحية بمدينة الحسكة - 11 من تشرين الأول 2024 (المرصد السوري لحقوق الإنسان)\n"
            "camera iconاحتراق سيارة انفجرت في حي الصالحية بمدينة الحسكة\n"
            f"{LEAD}")
    assert _kind_of(text, "11 من تشرين الأول") == "caption"
    assert _kind_of(text, "camera icon") == "caption"


def test_a_short_item_crediting_an_outlet_inside_the_story_stays_news():
    text = f"{LEAD}\nقتل شاب برصاص مجهولين في مدينة نوى (المرصد السوري لحقوق الإنسان)\nوأضافت المصادر أن الشاب من أبناء البلدة."
    assert _kind_of(text, "مدينة نوى") == "body"
