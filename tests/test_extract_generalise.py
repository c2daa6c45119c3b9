"""Rules that carry beyond the dev phrasings: each with a sentence that should fire and one that should not.
The sentences are written for these tests."""
from __future__ import annotations

import pytest

from etl_project.extractor import Extractor
from etl_project.geo.geocoder import Geocoder
from etl_project.text.events import casualties
from etl_project.text.normalize import normalize_text


@pytest.fixture(scope="module")
def ex():
    return Extractor(Geocoder.load(None))


@pytest.fixture(scope="module")
def ex_full():
    """The extractor over the full gazetteer, for rules about villages the offline list does not hold."""
    from tests.test_geo import GAZ_DIR
    if GAZ_DIR is None:
        pytest.skip("full gazetteer not found: set ETL_GAZETTEER_DIR")
    return Extractor(Geocoder.load(GAZ_DIR))


def _events(ex, text, published="2025-03-10"):
    return ex.extract({"id": "t", "text": text, "published": published})


def _cas(s):
    t = normalize_text(s)
    return casualties(t, 0, len(t))


def test_a_dual_death_noun_keeps_its_figure_before_injuries():
    c = _cas("وأسفر الهجوم عن سقوط قتيلين وإصابة ثلاثة أشخاص آخرين")
    assert (c.deaths, c.injuries) == (2, 3)
    c = _cas("قتل وجرح عدد من عناصر الحاجز")
    assert c.deaths is None and c.deaths_vague == 10


def test_met_his_death_counts_one():
    c = _cas("وقد لقي حتفه قبل وصوله إلى المستوصف")
    assert c.deaths is None and c.deaths_vague == 1  # one, told by a pronoun: the victim already named
    assert _cas("لقيت سيدتان مصرعهما في الحادث").deaths == 2
    c = _cas("لقي عدد من الرعاة مصرعهم")
    assert c.deaths is None and c.deaths_vague == 10


def test_a_fatal_blow_idiom_is_no_death():
    c = _cas("وقال التاجر إن الغلاء أصاب الصناعة في مقتل.")
    assert c.deaths is None and c.deaths_vague is None
    assert _cas("تسبب الحادث في مقتل سائق الشاحنة").deaths == 1


def test_the_hospital_the_wounded_were_taken_to_is_not_the_place(ex):
    ev = _events(ex, "أصيب طفلان بجروح جراء قصف مدفعي على بلدة سراقب اليوم، ونقلا إلى مشفى في مدينة إدلب.")
    assert [e["location_name"] for e in ev] == ["سراقب"]
    ev = _events(ex, "استهدف قصف مدفعي مستشفى في مدينة إدلب اليوم، ما أدى إلى إصابة ممرض.")
    assert [e["location_name"] for e in ev] == ["إدلب"]


def test_a_shepherd_is_not_the_town_of_al_rai(ex):
    ev = _events(ex, "قتل راعي أغنام اليوم بانفجار لغم أرضي قرب بلدة سراقب.")
    assert [(e["location_name"], e["event_type"]) for e in ev] == [("سراقب", "explosion_remote_violence")]
    ev = _events(ex, "انفجرت عبوة ناسفة اليوم في بلدة الراعي شمالي حلب.")
    assert [e["location_name"] for e in ev] == ["الراعي"]


def test_residents_protest_in_their_town_not_the_governorate_of_the_dateline(ex):
    ev = _events(ex, "أفاد مراسلنا في ريف حلب بأن العشرات من أهالي مدينة منبج خرجوا اليوم في وقفة احتجاجية أمام مبنى البلدية.")
    assert [(e["location_name"], e["event_type"]) for e in ev] == [("منبج", "protest")]


def test_a_price_explosion_is_not_a_blast(ex):
    assert _events(ex, "وشهدت أسواق حماة اليوم انفجاراً في الأسعار بعد تراجع الليرة.") == []
    ev = _events(ex, "هز انفجار عنيف اليوم سوق مدينة حماة.")
    assert [e["event_type"] for e in ev] == ["explosion_remote_violence"]


def test_looting_of_property_is_looting_robbing_people_is_not(ex):
    ev = _events(ex, "أقدم لصوص فجر اليوم على سرقة محتويات مركز صحي في بلدة سراقب.")
    assert [e["sub_event_type"] for e in ev] == ["looting_property_destruction"]
    ev = _events(ex, "أطلق مسلحون النار على سائق قرب سراقب اليوم وسرقوا ما بحوزته.")
    assert all(e["sub_event_type"] != "looting_property_destruction" for e in ev)


def test_a_handover_of_positions_is_a_transfer_of_territory(ex):
    ev = _events(ex, "تسلمت وحدات من الجيش اليوم المواقع العسكرية في مدينة منبج بعد انسحاب المقاتلين منها.")
    assert [(e["location_name"], e["sub_event_type"]) for e in ev] == [("منبج", "non_violent_transfer_of_territory")]
    assert _events(ex, "سلم الوزير اليوم شهادات التخرج لطلاب جامعة حلب.") == []


def test_seized_launchers_and_machine_guns_are_disrupted_weapons(ex):
    ev = _events(ex, "ضبطت دورية اليوم سيارة محملة بقواذف ورشاشات في بلدة سراقب.")
    assert [e["sub_event_type"] for e in ev] == ["disrupted_weapons_use"]


def test_imperfect_shooting_verbs_tell_an_attack(ex):
    ev = _events(ex, "مساء أمس في مدينة سراقب: مجهولان يقتربان من بائع ويطلقان عليه النار ثم يفران.")
    assert [(e["event_date"], e["location_name"], e["event_type"]) for e in ev] == \
        [("2025-03-09", "سراقب", "violence_against_civilians")]


def test_talk_about_news_of_killings_is_no_incident(ex):
    assert _events(ex, "اعتاد سكان محافظة إدلب على أخبار الاغتيال والخطف.") == []


def test_a_capital_named_through_its_neighbourhood_is_the_city(ex):
    ev = _events(ex, "نظم العشرات من العمال اليوم وقفة احتجاجية في حي الشعار وسط مدينة حلب للمطالبة برفع الأجور. "
                     "وتزامنت الوقفة مع اعتصام نفذه عشرات المتقاعدين في مدينة منبج.")
    assert sorted(e["location_name"] for e in ev) == ["حلب", "منبج"]
    # a bare capital in a lead still joins the precise place of the same incident
    ev = _events(ex, "قتل شاب اليوم بانفجار عبوة ناسفة في حلب. وانفجرت العبوة في سيارة الشاب في مدينة منبج.")
    assert [e["location_name"] for e in ev] == ["منبج"]


def test_where_points_back_to_the_place_just_named(ex):
    ev = _events(ex, "شملت الحملة الأمنية يوم أمس حيي الوعر والإنشاءات في مدينة حمص، حيث اعتقل ستة أشخاص، "
                     "إضافة إلى مدينة تلكلخ، حيث اعتقل اثنان آخران.")
    assert sorted((e["location_name"], e["sub_event_type"]) for e in ev) == [("تلكلخ", "arrests"), ("حمص", "arrests")]


def test_two_governorates_named_together_are_a_frame():
    from etl_project.extraction.places import role_rules
    assert "محافظتي" in next(r for r in role_rules() if r.name == "admin_cue").cues


def test_a_dateline_with_a_numeric_date_and_agency_is_not_the_place(ex):
    ev = _events(ex, "حماة، 9/3/2025 (وكالات) - ضبطت قوى الأمن مستودع أسلحة وذخائر في بلدة سراقب بريف إدلب.")
    assert [e["location_name"] for e in ev] == ["سراقب"]
    ev = _events(ex, "سراقب، قتل شخصان يوم 8/3/2025 بانفجار لغم أرضي في البلدة.")
    assert [(e["location_name"], e["event_date"]) for e in ev] == [("سراقب", "2025-03-08")]


def test_a_see_also_link_inside_a_paragraph_is_a_teaser(ex):
    assert _events(ex, "ارتفعت أسعار المحروقات اليوم في حماة. اقرأ أيضاً: مقتل ثلاثة أشخاص بقصف على سراقب. "
                       "وقالت الوزارة إن الدعم مستمر.") == []
    ev = _events(ex, "ارتفعت أسعار المحروقات اليوم. وقتل ثلاثة أشخاص بقصف على سراقب.")
    assert [e["location_name"] for e in ev] == ["سراقب"]


def test_a_front_named_after_a_town_is_near_it(ex):
    ev = _events(ex, "قتل خمسة عناصر اليوم في اشتباكات على محور سراقب.")
    assert [(e["location_name"], e["geo_precision"]) for e in ev] == [("سراقب", 2)]


def test_a_monitor_documenting_one_death_reports_an_incident(ex):
    ev = _events(ex, "وثق المرصد مقتل مدني اليوم بانفجار لغم أرضي قرب بلدة سراقب.")
    assert [(e["location_name"], e["sub_event_type"], e["fatalities"]) for e in ev] == \
        [("سراقب", "remote_explosive_landmine_ied", 1)]
    # a documented tally since the start of the year is still no event
    assert _events(ex, "وثق المرصد مقتل 40 مدنياً بانفجار الألغام في ريف إدلب منذ بداية العام.") == []


def test_age_and_at_once_are_not_places(ex):
    ev = _events(ex, "قتل شاب يبلغ من العمر 20 عاماً اليوم بانفجار لغم قرب بلدة سراقب، إذ فارق الحياة على الفور.")
    assert [e["location_name"] for e in ev] == ["سراقب"]


def test_a_handover_told_with_commas(ex):
    ev = _events(ex, "تسلمت وحدات الجيش، اليوم الأحد، المواقع العسكرية في مدينة منبج.")
    assert [e["sub_event_type"] for e in ev] == ["non_violent_transfer_of_territory"]


def test_this_comes_a_week_after_dates_the_earlier_incident(ex):
    ev = _events(ex, "اعتقلت قوة إسرائيلية اليوم شابين في بلدة سراقب. ويأتي التوغل بعد أسبوع من اقتحام دورية "
                     "قرية كفرنبل حيث جرفت أراضي زراعية.", published="2025-05-20")
    got = {e["location_name"]: (e["event_date"], e["is_background"]) for e in ev}
    assert got["سراقب"] == ("2025-05-20", False)
    assert got.get("كفرنبل", ("2025-05-13", True)) == ("2025-05-13", True)


def test_a_question_asks_and_does_not_report(ex):
    assert _events(ex, "ويتساءل الناس في سراقب كل مساء: من قتل اليوم؟") == []
    ev = _events(ex, "قتل شاب اليوم برصاص مجهولين في سراقب. فمن المسؤول؟")
    assert [e["location_name"] for e in ev] == ["سراقب"]


def test_several_bullets_fired_at_a_man_are_a_shooting(ex):
    ev = _events(ex, "مساء الأحد في بلدة سراقب، اقترب مسلح من رجل وأطلق عليه رصاصات عدة.", published="2025-03-11")
    assert [(e["event_date"], e["event_type"]) for e in ev] == [("2025-03-09", "violence_against_civilians")]


def test_a_handover_with_a_long_subject(ex):
    ev = _events(ex, "تسلمت وحدات من الجيش العربي السوري، اليوم الأحد، النقاط العسكرية في بلدة دير حافر.")
    assert [e["sub_event_type"] for e in ev] == ["non_violent_transfer_of_territory"]


def test_residents_blocking_a_road_between_two_cities_riot_in_their_town(ex):
    ev = _events(ex, "قتل شاب مساء أمس برصاص حاجز عند مدخل بلدة سراقب.\n"
                     "وصباح اليوم، قطع العشرات من أهالي البلدة الطريق الواصل بين حلب وإدلب، وأشعلوا الإطارات.")
    got = {(e["location_name"], e["event_type"]) for e in ev}
    assert ("سراقب", "riot") in got and not any(t == "riot" and p != "سراقب" for p, t in got)
    # a crowd of no named town at a road's end stays there
    ev = _events(ex, "قطع العشرات اليوم الطريق الواصل بين حلب وإدلب وأشعلوا الإطارات.")
    assert [e["event_type"] for e in ev] == ["riot"]


def test_a_tally_glued_after_a_death_from_wounds_does_not_hide_it(ex):
    ev = _events(ex, "توفي اليوم شاب متأثراً بجروح أصيب بها قبل ثلاثة أيام بانفجار لغم قرب بلدة سراقب، "
                     "ليرتفع بذلك عدد ضحايا الألغام منذ بداية العام إلى 20 شخصاً.", published="2025-03-10")
    assert [(e["location_name"], e["fatalities"]) for e in ev] == [("سراقب", 1)]
    assert _events(ex, "ارتفع عدد ضحايا الألغام في ريف إدلب منذ بداية العام إلى 20 شخصاً.") == []


def test_last_night_is_yesterday():
    from datetime import date
    from etl_project.text.dates import find_dates
    t = normalize_text("أضرم مجهولون النار في حقل، الليلة الماضية، دون معرفة الأسباب")
    assert [d.value for d in find_dates(t, date(2025, 5, 5))] == [date(2025, 5, 4)]
    t = normalize_text("قضى الجريح الليلة في المستشفى")
    assert find_dates(t, date(2025, 5, 5)) == []


def test_each_bulletin_item_has_its_own_date(ex):
    ev = _events(ex, "حصاد اليوم:\n- مقتل شاب برصاص مجهولين في بلدة سراقب مساء السبت.\n"
                     "- إصابة طفلين بانفجار لغم في مدينة منبج.", published="2025-03-10")
    got = {e["location_name"]: e["event_date"] for e in ev}
    assert got == {"سراقب": "2025-03-08", "منبج": "2025-03-10"}
    # in running prose the last date carries on
    ev = _events(ex, "قتل شاب برصاص مجهولين في بلدة سراقب مساء السبت. وأصيب طفلان بانفجار لغم في مدينة منبج.",
                 published="2025-03-10")
    assert {e["location_name"]: e["event_date"] for e in ev} == {"سراقب": "2025-03-08", "منبج": "2025-03-08"}


def test_a_victim_named_then_met_his_death_is_one_death(ex):
    ev = _events(ex, "قتل راعي أغنام اليوم بانفجار لغم قرب بلدة سراقب، إذ لقي حتفه على الفور.")
    assert [e["fatalities"] for e in ev] == [1]
    ev = _events(ex, "لقي شاب حتفه اليوم بانفجار لغم قرب بلدة سراقب.")
    assert [e["fatalities"] for e in ev] == [1]


def test_another_sources_toll_is_an_alternative_not_an_addition(ex):
    ev = _events(ex, "قتل ثلاثة عناصر اليوم في اشتباكات قرب بلدة سراقب، في حين تحدثت مصادر محلية عن خمسة قتلى.")
    assert [e["fatalities"] for e in ev] == [3]
    ev = _events(ex, "قتل ثلاثة عناصر اليوم في اشتباكات قرب بلدة سراقب، كما قتل اثنان من المهاجمين.")
    assert [e["fatalities"] for e in ev] == [5]


def test_the_shooters_may_be_named_between_fired_and_fire(ex):
    ev = _events(ex, "أطلق مسلحون من إحدى العشائر النار على شاب في سوق بلدة سراقب اليوم، فأصيب بجروح.")
    assert [(e["location_name"], e["event_type"]) for e in ev] == [("سراقب", "violence_against_civilians")]
    assert _events(ex, "أطلقت مديرية الصحة في سراقب اليوم حملة لقاح ضد شلل الأطفال.") == []


def test_an_attempt_to_break_through_is_no_incursion(ex):
    assert _events(ex, "وزعمت الشرطة في بيان أن السيارة حاولت اقتحام الحاجز في مدينة منبج أمس.") == []
    ev = _events(ex, "اقتحمت دورية أمنية اليوم بلدة سراقب وفتشت عدة منازل.")
    assert [e["event_type"] for e in ev] == ["strategic_development"]


def test_a_town_named_with_a_foreign_nationality_is_across_the_border(ex):
    ev = _events(ex, "قتل شاب اليوم بقصف على بلدة سراقب.\nوقتل ثلاثة أشخاص بغارة على بلدة القصير اللبنانية مساء أمس.")
    assert [e["location_name"] for e in ev] == ["سراقب"]
    ev = _events(ex, "قتل ثلاثة أشخاص بغارة على مدينة القصير الحدودية مع لبنان مساء أمس.")
    assert [e["location_name"] for e in ev] == ["القصير"]


def test_an_explosion_caused_by_heat_or_a_fault_is_an_accident(ex):
    assert _events(ex, "دوت انفجارات ليل الثلاثاء في مستودع ذخيرة قرب مدينة منبج نتيجة ارتفاع درجات الحرارة.") == []
    ev = _events(ex, "دوت انفجارات ليل الثلاثاء في مستودع ذخيرة قرب مدينة منبج إثر غارة جوية.")
    assert [e["event_type"] for e in ev] == ["explosion_remote_violence"]


def test_suicide_drones_are_drone_strikes_not_suicide_bombings(ex):
    ev = _events(ex, "هاجمت مسيرات انتحارية اليوم مواقع عسكرية قرب مدينة منبج.")
    assert [e["sub_event_type"] for e in ev] == ["air_drone_strike"]


def test_a_march_in_solidarity_is_a_protest_a_drone_is_not(ex):
    ev = _events(ex, "خرج طلاب الجامعة اليوم في مسيرة في مدينة حلب تضامناً مع غزة.")
    assert [e["event_type"] for e in ev] == ["protest"]
    ev = _events(ex, "استهدفت طائرة مسيرة اليوم سيارة قرب مدينة منبج.")
    assert [e["event_type"] for e in ev] == ["explosion_remote_violence"]


def test_a_recall_dated_only_by_a_past_year_is_history(ex):
    assert _events(ex, "افتتح المحافظ اليوم جسر منبج بعد ترميمه. وكان الجسر قد دمر بغارات جوية عام 2017.",
                   published="2025-10-11") == []


def test_destroyed_is_not_the_suburb_of_dummar(ex):
    ev = _events(ex, "قصف الطيران بلدة سراقب اليوم، وقد دمر القصف عدة منازل.")
    assert [e["location_name"] for e in ev] == ["سراقب"]
    ev = _events(ex, "انفجرت عبوة ناسفة اليوم في ضاحية دمر بدمشق.")
    assert ev and all(abs(e["latitude"] - 33.53) < 0.1 for e in ev)


def test_a_preliminary_toll_of_one_bombing_is_not_aggregate_talk(ex):
    ev = _events(ex, "فجر انتحاري حزامه الناسف في سوق مدينة منبج مساء أمس، ما أدى إلى مقتل 9 أشخاص وفق حصيلة أولية.")
    assert [(e["sub_event_type"], e["fatalities"]) for e in ev] == [("suicide_bomb", 9)]
    assert _events(ex, "بلغت حصيلة ضحايا التفجيرات في منبج منذ بداية العام 40 قتيلاً.") == []


def test_control_taken_with_the_day_between_verb_and_town(ex):
    ev = _events(ex, "سيطرت فصائل المعارضة المسلحة، اليوم الأحد، على مدينة سراقب بعد انسحاب القوات منها.")
    assert [e["event_type"] for e in ev] == ["strategic_development"]


def test_a_gathering_of_dozens_is_a_protest(ex):
    ev = _events(ex, "تجمع العشرات من أهالي المعتقلين اليوم أمام القصر العدلي في مدينة إدلب مطالبين بالإفراج عنهم.")
    assert [e["event_type"] for e in ev] == ["protest"]
    assert _events(ex, "أصدر تجمع أحرار حوران اليوم تقريراً عن الخدمات في مدينة إدلب.") == []


def test_the_day_told_between_fired_and_fire(ex):
    ev = _events(ex, "أطلق مسلحون، مساء أمس، النار على شاب في بلدة سراقب.", published="2025-03-10")
    assert [(e["event_date"], e["event_type"]) for e in ev] == [("2025-03-09", "violence_against_civilians")]


def test_residents_protesting_in_their_own_city_are_at_that_city_and_a_planned_protest_is_none(ex):
    ev = _events(ex, "خرج العشرات من أهالي مدينة السويداء، اليوم الأحد، في وقفة احتجاجية أمام مبنى المحافظة. "
                     "فيما نظم آخرون وقفة مماثلة في مدينة شهبا. "
                     "ومن المقرر أن تنظم وقفة ثالثة يوم الثلاثاء المقبل في بلدة القريا.", published="2025-08-10")
    assert sorted(e["location_name"] for e in ev) == ["السويداء", "شهبا"]
    assert all(e["event_type"] == "protest" and e["event_date"] == "2025-08-10" for e in ev)


def test_tomorrow_is_no_event(ex):
    assert _events(ex, "يعتصم المعلمون غداً أمام مديرية التربية في مدينة حماة.") == []
    assert [e["location_name"] for e in _events(ex, "اعتصم المعلمون اليوم أمام مديرية التربية في مدينة حماة.")] == ["حماة"]


def test_a_war_that_destroyed_a_district_is_history_not_an_incident(ex):
    assert _events(ex, "بحث المحافظ إعادة إعمار الأحياء الشرقية من مدينة حلب التي دمرها القصف خلال سنوات الحرب.") == []


def test_weapons_confiscated_in_a_raid_are_not_an_explosion(ex):
    ev = _events(ex, "داهمت دورية منزلاً في مدينة طفس اليوم وصادرت أسلحة فردية وقنابل يدوية.")
    assert [e["event_type"] for e in ev] == ["strategic_development"]


def test_a_town_qualified_by_its_governorate_is_not_a_homonym_elsewhere(ex_full):
    # WOF has no الرصافة in Raqqa, only one in Hama: the Hama village is not the place of a Raqqa attack
    ev = _events(ex_full, "قتل 3 عناصر من قوات النظام جراء هجوم لخلايا التنظيم في بادية الرصافة بريف الرقة الجنوبي اليوم.")
    assert ev and all(e["admin1"] == "Ar-Raqqa" for e in ev)


def test_the_news_after_a_recalled_incident_is_dated_by_the_report_not_the_recall(ex):
    ev = _events(ex, "قتل شاب برصاص مجهولين اليوم في مدينة نوى. "
                     "وكان مسلحون قد اغتالوا، الثلاثاء الماضي، عنصراً سابقاً في بلدة تسيل. "
                     "في حين، نفذت قوات الأمن حملة دهم في مدينة طفس أسفرت عن اعتقال ثلاثة أشخاص.",
                 published="2025-03-13")
    by_place = {e["location_name"]: e for e in ev}
    assert by_place["تسيل"]["event_date"] == "2025-03-11" and by_place["تسيل"]["is_background"]
    assert by_place["طفس"]["event_date"] == "2025-03-13" and not by_place["طفس"]["is_background"]
