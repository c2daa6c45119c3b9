"""Geocoder behaviour, on the shipped offline gazetteer and (when present) the full one.

The full-gazetteer tests run when ETL_GAZETTEER_DIR (or ../shared/gazetteer beside the project)
holds the Who's On First archive; otherwise they are skipped with the reason.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl_project.geo.gazetteer import haversine_km
from etl_project.geo.geocoder import Geocoder
from etl_project.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


def _gazetteer_dir() -> Path | None:
    env = os.environ.get("ETL_GAZETTEER_DIR")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "gazetteer"]:
        if not cand.is_absolute():
            cand = (ROOT / cand).resolve()
        if (cand / "whosonfirst-data-admin-sy.tar.gz").is_file() or (cand / "whosonfirst-data-admin-sy").is_dir():
            return cand
    return None


GAZ_DIR = _gazetteer_dir()
needs_full = pytest.mark.skipif(
    GAZ_DIR is None, reason="full gazetteer not found: set ETL_GAZETTEER_DIR to the folder with "
    "whosonfirst-data-admin-sy.tar.gz (CI uses ../shared/gazetteer)")


@pytest.fixture(scope="module")
def offline() -> Geocoder:
    return Geocoder.load(None)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Geocoder:
    if GAZ_DIR is None:
        pytest.skip("full gazetteer not found")
    return Geocoder.load(GAZ_DIR, tmp_path_factory.mktemp("gazcache"))


def geocoders():
    return [pytest.param("offline", id="offline"), pytest.param("full", id="full", marks=needs_full)]


@pytest.fixture(params=geocoders())
def geo(request) -> Geocoder:
    return request.getfixturevalue(request.param)


def ments(geo: Geocoder, text: str):
    return geo.mentions(normalize(text).text)


def resolved(geo: Geocoder, text: str):
    return [m for m in ments(geo, text) if m.place is not None]


def near(place, lat: float, lon: float, km: float = 5.0) -> bool:
    return place is not None and haversine_km(place.latitude, place.longitude, lat, lon) <= km


def by_text(ms, word: str):
    word = normalize(word).text
    found = [m for m in ms if word in m.text or m.text in word]
    assert found, f"no mention of {word!r} in {[m.text for m in ms]}"
    return found[0]


# ---------------------------------------------------------------- examples of the issue


def test_neighbourhood_resolves_to_its_city(geo):
    ms = resolved(geo, "سقطت قذيفة على حي القصور في دير الزور")
    m = by_text(ms, "القصور")
    assert near(m.place, 35.336, 40.141, 3) and m.place.placetype == "locality"
    assert m.geo_precision == 1
    assert m.text.startswith("حي")


def test_unknown_neighbourhood_takes_the_named_city(geo):
    ms = resolved(geo, "اندلعت اشتباكات في حي الفلاحين بمدينة اللاذقية")
    m = by_text(ms, "الفلاحين")
    assert near(m.place, 35.53, 35.79, 5) and m.geo_precision == 1


def test_road_between_two_towns_and_a_village(geo):
    ms = resolved(geo, "انفجرت عبوة على الطريق بين دير الزور والميادين قرب قرية سعلو")
    names = {m.text for m in ms}
    assert {"دير الزور", "الميادين", "سعلو"} <= names
    assert near(by_text(ms, "دير الزور").place, 35.336, 40.141, 3)
    assert near(by_text(ms, "الميادين").place, 35.021, 40.453, 3)
    assert near(by_text(ms, "سعلو").place, 35.151, 40.391, 3)


def test_homonym_resolved_by_the_article(geo):
    text = ("نفذت قوات الأمن عملية في 9 تشرين الثاني استهدفت بلدات الخريطة، البغيلية، والطريف "
            "غربي دير الزور، وتم خلالها اعتقال عدد من المطلوبين")
    ms = resolved(geo, text)
    m = by_text(ms, "الخريطة")
    assert near(m.place, 35.4728, 40.0040, 3), m.place
    assert near(by_text(ms, "البغيلية").place, 35.378, 40.092, 3)
    assert near(by_text(ms, "الطريف").place, 35.526, 39.895, 3)


def test_homonym_elsewhere_with_its_own_context(full):
    # the other الخريطة, in the Abu Kamal countryside, when the article is about Abu Kamal
    ms = resolved(full, "قصفت طائرة مسيرة قرية الخريطة قرب هجين في ريف البوكمال")
    m = by_text(ms, "الخريطة")
    assert m.place.admin2 == "Abu Kamal"


def test_region_only_is_the_governorate(geo):
    ms = resolved(geo, "قتل مدني برصاص مجهولين في ريف حلب الشمالي")
    assert len(ms) == 1
    m = ms[0]
    assert m.place.placetype == "governorate" and m.place.admin1 == "Aleppo"
    assert m.place.admin1_pcode == "SY02" and m.geo_precision == 3
    assert near(m.place, 36.20, 37.17, 5)  # the capital's coordinates


def test_district_countryside_is_the_district(geo):
    ms = resolved(geo, "اشتباكات في ريف الميادين الشرقي")
    m = ms[0]
    assert m.place.placetype == "district" and m.place.admin2 == "Al Mayadin"
    assert m.place.admin2_pcode == "SY0903" and m.geo_precision == 2


def test_town_in_the_eastern_countryside(geo):
    ms = resolved(geo, "شهدت مدينة البوكمال في ريف دير الزور الشرقي ظهور عبارات تهديدية")
    m = by_text(ms, "البوكمال")
    assert near(m.place, 34.450, 40.919, 3) and m.geo_precision == 1
    assert m.place.admin1 == "Deir ez-Zor" and m.place.admin2 == "Abu Kamal"
    assert m.place.admin1_pcode == "SY09" and m.place.admin2_pcode == "SY0902"
    gov = by_text(ms, "دير الزور")
    assert gov.place.placetype == "governorate" and gov.geo_precision == 3


def test_clitics_and_article_forms(geo):
    for text in ("وصلت التعزيزات للميادين", "وصلت التعزيزات إلى الميادين", "وصلت التعزيزات بالميادين",
                 "وصلت التعزيزات والميادين هادئة"):
        ms = resolved(geo, text)
        assert ms and near(ms[0].place, 35.021, 40.453, 3), text
        assert normalize(text).text[ms[0].start:ms[0].end] == ms[0].text


def test_offsets_point_into_the_normalised_text(geo):
    text = "قُتل شابٌ في بلدةِ الكسرة بريف دير الزور الغربي"
    n = normalize(text)
    for m in geo.mentions(n.text):
        assert n.text[m.start:m.end] == m.text


# ---------------------------------------------------------------- non-places


def test_ordinary_words_and_people_are_not_places(geo):
    text = ("قال الأمن العام إن عناصر من قوات الحكومة السورية اعتقلوا محمد الأحمد، "
            "وأكد الرئيس أحمد الشرع أن الدولة ماضية في أيار وتموز وآب في حماية المدني")
    assert resolved(geo, text) == []


@pytest.mark.parametrize("text", [
    "قتل عنصران من الفرقة الرابعة في هجوم",
    "نشرت القناة فيديو يظهر الحدث بعد زيارة الوفد",
    "وصل وفد من السعودية وقطر إلى العاصمة لبحث زيادة المال المخصص",
    "تحدث القاضي عن بداية حياة جديدة على مستوى الشركة",
])
def test_frequent_words_that_name_some_village_are_not_places(full, text):
    # a frequent Arabic word that is also the name of some hamlet in Who's On First needs a strong cue
    assert resolved(full, text) == []


def test_stop_word_village_after_a_strong_cue_is_a_place(full):
    # "الأمن" alone is never a place; "قرية X" is, even when X is an ordinary word that is a village name
    assert resolved(full, "أعلن الأمن الداخلي") == []


def test_foreign_places_are_flagged(geo):
    ms = ments(geo, "زار الرئيس واشنطن بعد محادثات في أنقرة وبغداد وعمّان، واتهم إسرائيل وطهران")
    foreign = [m for m in ms if m.foreign]
    assert {m.text for m in foreign} >= {"واشنطن", "انقره", "بغداد", "عمان", "اسرائيل", "طهران"}
    assert all(m.place is None for m in foreign)
    assert not [m for m in ms if m.place is not None]


# ---------------------------------------------------------------- the offline gazetteer


def test_offline_places_major_towns(offline):
    expect = {
        "حلب": (36.20, 37.17), "إدلب": (35.93, 36.63), "درعا": (32.62, 36.10), "السويداء": (32.71, 36.57),
        "الرقة": (35.95, 39.01), "الحسكة": (36.50, 40.75), "القامشلي": (37.05, 41.23), "تدمر": (34.56, 38.28),
        "منبج": (36.53, 37.96), "حمص": (34.73, 36.69), "حماة": (35.13, 36.76), "اللاذقية": (35.53, 35.79),
        "طرطوس": (34.89, 35.89), "دمشق": (33.51, 36.28), "دوما": (33.57, 36.40), "هجين": (34.69, 40.83),
    }
    for name, (lat, lon) in expect.items():
        ms = resolved(offline, f"وقع انفجار في {name} صباح اليوم")
        assert ms, name
        assert near(ms[0].place, lat, lon, 5), (name, ms[0].place)
        assert ms[0].place.gazetteer_id.startswith("builtin:")


def test_offline_version_and_attribution(offline):
    assert offline.version and len(offline.version) <= 16
    assert "Who's On First" not in offline.source_attribution or "GeoNames" in offline.source_attribution


def test_every_place_is_in_syria_with_admin1_and_unique_ids(geo):
    ids = [p.gazetteer_id for p in geo.places]
    assert len(ids) == len(set(ids))
    for p in geo.places:
        assert 32.3 <= p.latitude <= 37.35 and 35.7 <= p.longitude <= 42.4, p
        assert p.admin1 and p.admin1_pcode, p
        assert p.placetype in ("governorate", "district", "subdistrict", "locality", "neighbourhood")
        if p.admin2_pcode:
            assert p.admin2_pcode.startswith(p.admin1_pcode)


def test_governorates_and_districts_use_acled_names(geo):
    govs = {p.admin1_pcode: p.name_en for p in geo.places if p.placetype == "governorate"}
    assert len(govs) == 14
    assert govs["SY09"] == "Deir ez-Zor" and govs["SY03"] == "Rural Damascus" and govs["SY07"] == "Idleb"
    assert govs["SY13"] == "As-Suwayda" and govs["SY08"] == "Al-Hasakeh" and govs["SY11"] == "Ar-Raqqa"
    dists = {p.admin2_pcode: p.name_en for p in geo.places if p.placetype == "district"}
    assert dists["SY0903"] == "Al Mayadin" and dists["SY0902"] == "Abu Kamal" and dists["SY0205"] == "Menbij"
    assert len(dists) >= 60


def test_places_frame(geo):
    df = geo.places_frame()
    assert df.height == len(geo.places)
    assert {"gazetteer_id", "name_ar", "name_en", "admin1", "admin2", "admin1_pcode", "latitude"} <= set(df.columns)



# ---------------------------------------------------------------- precision: names that are not places


def test_clitic_split_of_an_ordinary_word_is_not_a_place(geo):
    # "فرقة" is not ف + الرقة; "بحلب" is ب + حلب
    ms = resolved(geo, "اشتباكات بين فرقة السلطان مراد وفصائل أخرى، ووصلت التعزيزات إلى فرقة المهام الخاصة")
    assert not [m for m in ms if m.place.admin1 == "Ar-Raqqa"], ms
    ms = resolved(geo, "قتل مدني بحلب وآخر بحمص")
    assert {m.place.admin1 for m in ms} == {"Aleppo", "Homs"}


def test_place_inside_an_organisation_name(geo):
    ms = ments(geo, 'قتل مقاتل من فصيل "حماة العقيدة" في مدينة جرابلس')
    assert [m.place.admin1 for m in ms if m.place is not None and not m.in_name] == ["Aleppo"]
    ms = ments(geo, 'قتل مقاتل من "حماة العقيدة" وأصيب آخر بجروح')
    assert not [m for m in ms if m.place is not None and not m.in_name]
    ms = resolved(geo, "أعلن اتحاد شباب القامشلي عن مظاهرة في القامشلي")
    assert [m.in_name for m in ms] == [True, False]
    assert all(near(m.place, 37.05, 41.23, 5) for m in ms)
    assert resolved(geo, "هاجم فيلق الشام وأحرار الشام مواقع جيش الإسلام") == []


def test_person_names_are_not_places(geo):
    for title in ("المدعو", "الشاب", "الطفل", "ابن", "أبو"):
        ms = resolved(geo, f"قتل {title} حيان برصاص مجهولين في بلدة الكسرة")
        assert [m.text for m in ms] == ["الكسره"], (title, ms)


def test_ordinary_words_that_are_names_need_the_article_geography(geo):
    text = ("شهدت مدينة السويداء مظاهرة احتجاجية في ساحة الكرامة، ورفع المتظاهرون صور الشهداء "
            "وأكدوا تمسكهم بالسلمية وسلمية الحراك، وأصيب ثلاثة بجروح")
    ms = resolved(geo, text)
    assert ms and all(m.place.admin1 == "As-Suwayda" for m in ms), [(m.text, m.place.name_en) for m in ms]


def test_named_square_is_placed_at_its_town(geo):
    ms = resolved(geo, "تظاهر المئات في ساحة الكرامة وسط مدينة السويداء")
    m = ms[0]
    assert m.role == "landmark" and m.text.startswith("ساحه")
    assert near(m.place, 32.709, 36.57, 5) and m.geo_precision == 1


def test_landmark_takes_the_town_named_before(full):
    # no town named right after it: the town the article named before (not the qualifier الرقة)
    ms = resolved(full, "خرجت مظاهرة في مدينة الطبقة غربي الرقة، وتجمع المحتجون قرب دوار العلم")
    lm = [m for m in ms if m.role == "landmark"]
    assert lm and lm[0].place.name_en == by_text(ms, "الطبقه").place.name_en


def test_cue_word_after_a_region_word_is_not_a_place(geo):
    ms = resolved(geo, "قصف مدفعي في ريف مدينة درعا")
    assert [m.place.admin1 for m in ms] == ["Dara"]


def test_specific_town_and_region_qualifier(geo):
    ms = resolved(geo, "قتل مدني في مدينة الميادين في ريف دير الزور الشرقي")
    town, region = ms
    assert near(town.place, 35.021, 40.453, 3) and town.geo_precision == 1 and town.role is None
    assert region.place.placetype == "governorate" and region.geo_precision == 3 and region.role == "region"
    ms = resolved(geo, "انفجار في بلدة الكسرة غربي دير الزور")
    assert ms[1].role == "qualifier" and ms[0].role is None


def test_rural_damascus_is_the_governorate(geo):
    ms = resolved(geo, "غارة على موقع عسكري في ريف دمشق")
    assert ms[0].place.placetype == "governorate" and ms[0].place.admin1_pcode == "SY03"
    assert ms[0].geo_precision == 3


def test_capitals_and_district_seats_have_feature_codes(geo):
    ms = resolved(geo, "انفجار في حلب وآخر في الباب وثالث في دمشق")
    fcs = [m.place.feature_code for m in ms]
    assert fcs == ["PPLA", "PPLA2", "PPLC"], fcs


def test_spelling_variants_after_a_settlement_cue(full):
    # colloquial "الدرX" for "دير X", and a spelling whose consonants match a village of the named governorate
    ms = resolved(full, 'انفجرت عبوتان في قرية "الدرخبية" بريف دمشق')
    assert near(by_text(ms, "الدرخبيه").place, 33.364, 36.160, 2)
    ms = resolved(full, "انفجر لغم من مخلفات الحرب في بلدة الفقيع بريف درعا الشمالي")
    assert near(by_text(ms, "الفقيع").place, 32.946, 36.168, 2)


def test_the_villages_of_one_list_lie_in_one_governorate(full):
    # al-Malikiyah (Derik) in Hasakah is famous; in a list of villages of the Aleppo countryside it is the Aleppo one
    ms = resolved(full, "قصفت القوات التركية قرى مرعناز والمالكية وشوارغة الأرز بريف حلب الشمالي")
    assert by_text(ms, "المالكية").place.admin1 == "Aleppo"
