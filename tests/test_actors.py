"""Actor dictionary: canonical names and ACLED inter codes, before and after December 2024."""
import pytest

from etl_project.text.events import find_actors
from etl_project.text.normalize import normalize


def actors(text):
    t = normalize(text).text
    return [(a.actor, a.inter) for a in find_actors(t, 0, len(t))]


@pytest.mark.parametrize("text,actor,inter", [
    ("هاجم تنظيم داعش نقطة", "Islamic State", 2),
    ("خلايا تنظيم الدولة الإسلامية", "Islamic State", 2),
    ("اعتقلت قسد شابا", "Syrian Democratic Forces", 2),
    ("قوات سوريا الديمقراطية", "Syrian Democratic Forces", 2),
    ("قصفت قوات النظام البلدة", "Military Forces of Syria (2000-2024)", 1),
    ("عناصر من الفرقة الرابعة", "Military Forces of Syria (2000-2024)", 1),
    ("دورية للأمن العام", "Police Forces of Syria ({era})", 1),
    ("جهاز الاستخبارات العامة", "Military Forces of Syria (2024-) General Intelligence Service", 1),
    ("توغل الجيش الإسرائيلي", "Military Forces of Israel", 8),
    ("طائرة مسيرة تركية", "Military Forces of Turkey", 8),
    ("طائرات روسية", "Military Forces of Russia", 8),
    ("مسلحون مجهولون", "Unidentified Armed Group (Syria)", 3),
    ("هيئة تحرير الشام", "Hayat Tahrir al-Sham", 2),
    ("فرقة السلطان مراد", "Syrian National Army", 2),
    ("مقاتلو العشائر", "Arab Tribal Militia", 4),
    ("فلول النظام المخلوع", "Assad Loyalist Militia", 3),
    ("المحتجون", "Protesters (Syria)", 6),
    ("قوات الحكومة السورية", "Military Forces of Syria ({era})", 1),
    ("هاجمت مجموعة من الشبان الملثمين", "Rioters (Syria)", 5),
    ("مدنيين", "Civilians (Syria)", 7),
])
def test_dictionary(text, actor, inter):
    assert (actor, inter) in actors(text)


def test_army_is_coded_by_era_in_output():
    from datetime import date
    from etl_project.extraction.actors import _actor_out
    from etl_project.text.events import ActorMention
    n = normalize("الجيش السوري")
    a = ActorMention(0, len(n.text), "Military Forces of Syria ({era})", 1, "era")
    assert _actor_out(a, date(2025, 3, 1), n)[0] == "Military Forces of Syria (2024-)"
    assert _actor_out(a, date(2023, 3, 1), n)[0] == "Military Forces of Syria (2000-2024)"
