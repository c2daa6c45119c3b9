"""Rules drawn from the error classes of real news (phrasings written for these tests, none copied)."""
import pytest

from etl_project.geo.admin import governorate_centroid


def _events(extractor, text, published="2025-11-21"):
    return extractor.extract({"id": "t", "published": published, "text": text})


def _by_place(events):
    return {e["location_name"]: e for e in events}


def _as_written(events):
    return {e["location_text"] for e in events}


# ---- places the gazetteer does not hold: the frame stands for the village (error class 7)

def test_an_unknown_village_in_a_governorate_frame_is_an_event_of_its_own(extractor):
    text = ("قتل عنصر من قسد في بلدة ذيبان بريف دير الزور اليوم الجمعة. "
            "وفي حادثة منفصلة، استهدف مسلحون حاجزا للأسايش في بلدة أبريهة بريف دير الزور الشرقي.")
    places = _by_place(_events(extractor, text))
    assert set(places) == {"ذيبان", "دير الزور"}
    frame = places["دير الزور"]
    assert frame["geo_precision"] == 3
    assert (frame["latitude"], frame["longitude"]) == pytest.approx(governorate_centroid("SY09"))


def test_a_frame_with_no_village_of_its_own_joins_the_town_told_with_it(extractor):
    text = ("قتل عنصر من قسد في بلدة ذيبان بريف دير الزور اليوم الجمعة. "
            "واندلعت اشتباكات بين الطرفين في ريف دير الزور الشرقي.")
    assert set(_by_place(_events(extractor, text))) == {"ذيبان"}


def test_a_governorate_level_event_is_coded_at_the_governorate_centroid_not_its_seat(extractor):
    events = _events(extractor, "انفجر لغم أرضي بسيارة في بادية دير الزور الغربية اليوم الجمعة ما أدى لمقتل ثلاثة أشخاص.")
    assert len(events) == 1 and events[0]["geo_precision"] == 3
    lat, lon = governorate_centroid("SY09")
    assert (events[0]["latitude"], events[0]["longitude"]) == pytest.approx((lat, lon))


# ---- dates: the lead's day dates what continues its story (error class 5)

def test_an_undated_incident_takes_the_lead_day_not_a_context_date_told_later(extractor):
    text = ("أفاد المرصد السوري اليوم الاثنين بأن طائرات حربية قصفت مناطق في ريف إدلب الجنوبي. "
            "وقتل 37 شخصا عندما قصفت طائرات حربية سوقا في مدينة معرة النعمان. "
            "وقال مدير المرصد إن هذه أكبر مذبحة منذ بدء الهجوم في نيسان الماضي.")
    events = _by_place(_events(extractor, text, published="2019-07-22"))
    assert events["معرة النعمان"]["event_date"] == "2019-07-22"


def test_an_incident_dated_in_its_own_words_keeps_its_date(extractor):
    text = ("أفاد المرصد السوري اليوم الاثنين بأن طائرات حربية قصفت مناطق في ريف إدلب الجنوبي. "
            "وكانت طائرات حربية قد قصفت مدينة معرة النعمان يوم السبت الماضي ما أدى لمقتل خمسة مدنيين.")
    events = _by_place(_events(extractor, text, published="2019-07-22"))
    assert events["معرة النعمان"]["event_date"] == "2019-07-20"


# ---- types: who hit whom (the coding conventions of real news)

@pytest.mark.parametrize("text, expected", [
    ("وتابع المرصد أن طائرات الحكومة استهدفت مدينة سراقب اليوم ما أسفر عن مقتل ستة أشخاص.",
     ("explosion_remote_violence", "air_drone_strike")),
    ("وتابع المرصد أن مسلحين مجهولين استهدفوا مدينة سراقب اليوم ما أسفر عن مقتل ستة أشخاص.",
     ("violence_against_civilians", "attack")),
])
def test_aircraft_that_hit_a_town_are_an_air_strike(extractor, text, expected):
    events = _events(extractor, text)
    assert [(e["event_type"], e["sub_event_type"]) for e in events] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("استهدف مسلحون مجهولون بالرصاص، عنصرا في مجموعة مسلحة تابعة للأمن العسكري في بلدة المسيفرة اليوم ما أدى لمقتله.",
     "battle"),
    ("قتل شاب برصاص مسلحين مجهولين في بلدة المسيفرة اليوم.", "violence_against_civilians"),
])
def test_the_target_after_the_weapon_decides_between_a_clash_and_an_attack(extractor, text, expected):
    assert [e["event_type"] for e in _events(extractor, text)] == [expected]


# ---- one event per place: every town a strike or takeover names as its target (error class 1, the other way)

def test_shelling_hits_every_town_the_clause_names_after_it(extractor):
    text = ("القصف المدفعي استهدف بلدة خان شيخون، وقرى: كفرنبل، وحيش، بمحافظة إدلب، "
            "إضافة إلى بلدة قلعة المضيق في ريف حماة اليوم.")
    assert _as_written(_events(extractor, text)) == {"خان شيخون", "كفرنبل", "حيش", "قلعة المضيق"}


def test_a_town_the_shelling_came_from_or_went_towards_is_no_target(extractor):
    text = "قصفت قوات النظام المتمركزة في بلدة خان شيخون بالمدفعية قرية الهبيط اليوم، ثم توجهت الآليات نحو بلدة كفرنبل."
    places = _as_written(_events(extractor, text))
    assert "الهبيط" in places and "كفرنبل" not in places


def test_a_list_goes_on_through_villages_the_gazetteer_does_not_hold(extractor):
    text = "وقال المجلس إن قوات النظام سيطرا على قرى كفرنبل، وعين التنور الصغيرة، وحيش، اليوم."
    assert {"كفرنبل", "حيش"} <= _as_written(_events(extractor, text))


def test_the_villagers_home_is_not_where_they_were_killed(extractor):
    text = "قتل خمسة مدنيين جميعهم من عائلة واحدة، وهم من قرية حيش، بقصف جوي على مدينة سراقب اليوم."
    assert set(_by_place(_events(extractor, text))) == {"سراقب"}


def test_where_the_army_took_villages_the_villages_are_the_places(extractor):
    text = "وقال القائد إن الجيش يواصل تقدمه بريف إدلب الجنوبي، حيث سيطر على قريتي كفرنبل وحيش اليوم."
    assert {"كفرنبل", "حيش"} <= _as_written(_events(extractor, text))


def test_where_with_no_place_of_its_own_points_to_the_place_just_named(extractor):
    text = "شملت الحملة الأمنية مدينة سراقب اليوم، حيث اعتقل تسعة شبان."
    assert _as_written(_events(extractor, text)) == {"سراقب"}


@pytest.mark.parametrize("text, expected", [
    ("تمكنت وحدات الجيش من التصدي لهجوم واسع لجبهة النصرة على بلدة حيش اليوم.", "battle"),
    ("شن مسلحون هجوما على منزل مدني في بلدة حيش اليوم ما أدى لمقتله.", "violence_against_civilians"),
])
def test_an_attack_repelled_is_a_clash(extractor, text, expected):
    assert [e["event_type"] for e in _events(extractor, text)] == [expected]


def test_a_mourning_tent_that_is_hit_is_the_incident_not_its_aftermath(extractor):
    hit = _events(extractor, "قتل عشرون شخصا على الأقل وجرح آخرون أمس إثر سقوط برميلين متفجرين على خيمة عزاء في مدينة سراقب.")
    assert [(e["event_type"], e["fatalities"]) for e in hit] == [("explosion_remote_violence", 20)]
    aftermath = _events(extractor, "شيع أهالي مدينة سراقب اليوم الشاب الذي قتل في القصف، وأقيم مجلس عزاء له.")
    assert not [e for e in aftermath if e["event_type"] != "protest"]


@pytest.mark.parametrize("text, deaths", [
    ("قتل عشرون شخصا على الأقل وجرح آخرون بقصف على مدينة سراقب اليوم.", 20),
    ("قال ناشطون إن 12 شخصا قتلوا وأصيب آخرون بقصف على مدينة سراقب اليوم.", 12),
    ("قتل وجرح أكثر من 10 أشخاص بقصف على مدينة سراقب اليوم.", 10),
])
def test_a_toll_before_killed_and_others_wounded_counts_the_dead(extractor, text, deaths):
    assert [e["fatalities"] for e in _events(extractor, text)] == [deaths]


# ---- tolls updated later, and the day of the news (error classes 5 and 6)

def test_an_updated_toll_is_the_incident_figure(extractor):
    text = ("قتل عشرة أشخاص على الأقل بتفجير انتحاري استهدف مقرا للأسايش في مدينة سراقب اليوم. "
            "وذكرت قناة محلية أن عدد ضحايا التفجير ارتفع الى 52 قتيلا وأكثر من 70 جريحا.")
    assert [e["fatalities"] for e in _events(extractor, text)] == [52]


def test_a_national_tally_updated_is_no_incident_figure(extractor):
    text = ("قتل عشرة أشخاص بقصف على مدينة سراقب اليوم. "
            "وقال المرصد إنه ارتفع إلى 145 عدد الشهداء المدنيين في سوريا اليوم.")
    assert [e["fatalities"] for e in _events(extractor, text)] == [10]


def test_an_updated_toll_among_several_incidents_goes_to_the_one_it_names(extractor):
    text = ("قتل ثلاثة أشخاص بقصف على مدينة سراقب اليوم. وقتل شخصان بقصف على بلدة حيش. "
            "وارتفعت حصيلة ضحايا القصف على مدينة سراقب إلى 9 قتلى.")
    assert {e["location_text"]: e["fatalities"] for e in _events(extractor, text)} == {"سراقب": 9, "حيش": 2}


def test_yesterdays_incident_reported_today_is_the_days_news_not_background(extractor):
    text = "قتل ثلاثة مدنيين أمس الأحد بقصف مدفعي على مدينة سراقب، وفق ما أفاد الدفاع المدني اليوم الاثنين."
    events = _events(extractor, text, published="2019-07-22")
    assert [(e["event_date"], e["is_background"]) for e in events] == [("2019-07-21", False)]


def test_an_incident_of_last_month_told_after_the_news_is_background(extractor):
    text = ("قتل ثلاثة مدنيين اليوم بقصف مدفعي على مدينة سراقب. "
            "وكانت مدينة سراقب قد تعرضت لغارة جوية في 3 حزيران الماضي أدت لمقتل طفلين.")
    events = _events(extractor, text, published="2019-07-22")
    assert sorted((e["event_date"], e["is_background"]) for e in events) == [("2019-06-03", True), ("2019-07-22", False)]


@pytest.mark.parametrize("text, types", [
    ("داهمت قوات التحالف منازل في بلدة الشحيل اليوم بمشاركة طائرات مروحية وحربية ومسيرات.", ["strategic_development"]),
    ("شنت طائرات حربية ومسيرات غارات على بلدة الشحيل اليوم.", ["explosion_remote_violence"]),
])
def test_aircraft_that_back_a_raid_strike_nothing(extractor, text, types):
    assert [e["event_type"] for e in _events(extractor, text)] == types


def test_a_capital_named_again_as_the_city_in_its_clause_is_the_city_not_its_governorate(extractor):
    text = ("قتل عشرون شخصا أمس بسقوط برميلين متفجرين على خيمة عزاء في حلب، بحي المعادي في مدينة حلب. "
            "كما قتل ثلاثة مدنيين بغارة على بلدة دارة عزة في ريف حلب.")
    assert {e["location_text"] for e in _events(extractor, text)} >= {"حلب", "دارة عزة"}


@pytest.mark.parametrize("words, expected", [
    ("مساء اليوم الاثنين", "2023-08-21"),  # written on Monday, the page dated Tuesday
    ("أمس الأحد", "2023-08-20"),
    ("اليوم الثلاثاء", "2023-08-22"),
    ("اليوم الخميس", "2023-08-22"),  # five days off: a slip, the relative day stands
])
def test_a_relative_day_and_its_weekday_name_the_day_of_writing(words, expected):
    from datetime import date

    from etl_project.text.dates import find_dates
    from etl_project.text.normalize import normalize

    found = find_dates(normalize(words).text, date(2023, 8, 22))
    assert [d.value.isoformat() for d in found] == [expected]


@pytest.mark.parametrize("text, deaths", [
    ("اعتقلت قوى الأمن اليوم متورطين بجرائم قتل وتعذيب في مدينة سراقب.", 0),
    ("اعتقلت قوى الأمن اليوم في مدينة سراقب شابا بتهمة قتل والده.", 0),
    ("قتل شاب برصاص مجهولين في مدينة سراقب اليوم.", 1),
])
def test_a_charge_of_killing_counts_no_dead(extractor, text, deaths):
    assert [e["fatalities"] for e in _events(extractor, text)] == [deaths]


@pytest.mark.parametrize("text, deaths", [
    ("قصفت قوات النظام مدينة سراقب اليوم ما أدى إلى مقتل طفلة وجرح طفلين آخرين، بالإضافة إلى وقوع دمار في المنازل.", 1),
    ("قتل شاب برصاص مجهولين في مدينة سراقب اليوم، إضافة إلى سائقه.", 2),
])
def test_in_addition_to_adds_a_dead_only_when_a_person_follows(extractor, text, deaths):
    assert [e["fatalities"] for e in _events(extractor, text)] == [deaths]


def test_villages_of_a_list_the_gazetteer_lacks_are_events_at_their_district_seat(extractor):
    text = "سيطرت قوات النظام اليوم على قرى كفرنبل، وعين التنور الصغيرة، والجروسية، وحيش."
    events = {e["location_text"]: e for e in _events(extractor, text)}
    assert set(events) == {"كفرنبل", "عين التنور الصغيرة", "الجروسية", "حيش"}
    unknown = [events["عين التنور الصغيرة"], events["الجروسية"]]
    assert [e["geo_precision"] for e in unknown] == [2, 2]
    assert unknown[0]["location_name"] == unknown[1]["location_name"] == "معرة النعمان"
    assert len({e["event_id"] for e in events.values()}) == 4


@pytest.mark.parametrize("text, expected", [
    ("تعرض المساعد في المخابرات الجوية لإطلاق نار من قبل مجهولين في بلدة المسيفرة اليوم ما أدى لمقتله.", "battle"),
    ("تعرض مدرس لإطلاق نار من قبل مجهولين في بلدة المسيفرة اليوم ما أدى لمقتله.", "violence_against_civilians"),
])
def test_a_rank_or_a_security_service_makes_the_target_armed(extractor, text, expected):
    assert [e["event_type"] for e in _events(extractor, text)] == [expected]


def test_a_named_victim_is_one_dead(extractor):
    text = "واغتال مجهولون بالأسلحة الرشاشة المدعو محمد جمال في مدينة جاسم أمس."
    assert [e["fatalities"] for e in _events(extractor, text)] == [1]


@pytest.mark.parametrize("text, expected", [
    ("أعلنت وزارة الداخلية اليوم القبض على المتورط بتفجير السيارة في مدينة طرطوس.", [("strategic_development", "arrests")]),
    ("قتل شخصان بتفجير سيارة مفخخة في مدينة طرطوس اليوم.", [("explosion_remote_violence", "remote_explosive_landmine_ied")]),
])
def test_what_the_arrested_is_accused_of_is_no_incident_of_its_own(extractor, text, expected):
    assert [(e["event_type"], e["sub_event_type"]) for e in _events(extractor, text)] == expected


# ---- bulleted lists under a dated line (error classes 1, 5 and 7)

def test_the_items_of_a_list_under_a_dated_line_are_that_days_incidents_each_its_own(extractor):
    text = ("تصاعدت هجمات الخلايا في دير الزور خلال الأسبوع الماضي.\n"
            "في يوم الثلاثاء، 18 تشرين الثاني، نفذ مجهولون ثلاث عمليات في مناطق مختلفة من دير الزور، شملت:\n"
            "- استهداف سيارة عسكرية تقل عناصر من قسد في بلدة أبريهة، شرقي المحافظة، ما أسفر عن مقتل عنصرين.\n"
            "- إصابة عنصر من قسد برصاص مجهولين في بلدة الحصان غربي دير الزور.")
    events = [e for e in _events(extractor, text) if e["fatalities"] or "الحصان" in e["evidence"]]
    assert sorted((e["event_date"], e["geo_precision"], e["fatalities"]) for e in events) == [
        ("2025-11-18", 3, 0), ("2025-11-18", 3, 2)]


def test_a_list_under_a_line_of_what_has_lasted_since_yesterday_is_dated_by_the_bulletin(extractor):
    text = ("على الرغم من التهدئة التي سادت منذ يوم أمس، شهد ريف السويداء الغربي عدة خروقات، شملت:\n"
            "- إطلاق قذائف هاون من مواقع حكومية نحو بلدة عرى.")
    assert [e["event_date"] for e in _events(extractor, text)] == ["2025-11-21"]


# ---- what a raid did there types it; the force it names is the one that acts (error classes 1, 4)

def test_an_occupying_army_that_detains_after_its_incursion_abducts_pointed_back_to_by_the_force(extractor):
    text = ("توغلت قوة من جيش الاحتلال الإسرائيلي، فجر اليوم، في بلدة جباتا الخشب بريف القنيطرة الشمالي، "
            "وداهمت عددا من المنازل.\nواعتقلت القوة شابين من أبناء البلدة واقتادتهما إلى جهة مجهولة.")
    events = _events(extractor, text)
    assert [(e["location_name"], e["event_type"], e["sub_event_type"]) for e in events] == [
        ("جباتا الخشب", "violence_against_civilians", "abduction_forced_disappearance")]


def test_a_raid_by_the_state_that_ends_in_arrests_is_one_arrest_event(extractor):
    text = "داهمت قوات الأمن العام، فجر اليوم، منازل في بلدة الصنمين بريف درعا.\nواعتقلت القوة ثلاثة شبان مطلوبين."
    events = _events(extractor, text)
    assert [(e["location_name"], e["event_type"], e["sub_event_type"]) for e in events] == [
        ("الصنمين", "strategic_development", "arrests")]


# ---- a list of the dead: each item's first count is its toll (error class 6)

def test_each_item_of_a_list_of_the_dead_counts_the_people_it_names_first(extractor):
    text = ("وثق المرصد مقتل 9 أشخاص يوم أمس في مناطق سورية متفرقة، وهم:\n"
            "- 3 عناصر من قوات النظام بهجوم لخلايا داعش قرب مدينة تدمر.\n"
            "- مواطن برصاص مجهولين في بلدة الصنمين بريف درعا.\n"
            "- طفلان بانفجار لغم في مدينة سراقب.")
    events = {e["location_name"]: e for e in _events(extractor, text)}
    assert {k: (e["fatalities"], e["event_type"]) for k, e in events.items()} == {
        "تدمر": (3, "battle"), "الصنمين": (1, "violence_against_civilians"),
        "سراقب": (2, "explosion_remote_violence")}


def test_a_list_not_introduced_as_the_dead_counts_no_dead(extractor):
    text = ("شهدت المحافظة يوم أمس الحوادث التالية:\n"
            "- 3 عناصر من قوات النظام أصيبوا بهجوم لخلايا داعش قرب مدينة تدمر.\n"
            "- طفلان بانفجار لغم في مدينة سراقب.")
    assert {e["location_name"]: e["fatalities"] for e in _events(extractor, text)} == {"تدمر": 0, "سراقب": 0}


def test_a_checkpoint_of_the_army_in_the_headline_is_no_village_and_the_body_road_places_it(extractor):
    text = ("هجوم على حاجز للجيش في ريف اللاذقية\n"
            "هاجمت مجموعة مسلحة، فجر اليوم، حاجزاً لقوات الجيش على طريق اللاذقية - جبلة، واشتبكت مع عناصره، "
            "ما أدى إلى مقتل 3 عناصر.")
    events = _events(extractor, text)
    assert [(e["geo_precision"], e["fatalities"]) for e in events] == [(2, 3)]


def test_a_bare_toll_that_rises_is_the_toll_of_the_one_incident_with_dead(extractor):
    text = ("قتل 4 أشخاص وأصيب 10 آخرون في انفجار سيارة مفخخة في حي الزهراء بمدينة حمص مساء الخميس. "
            "وارتفعت الحصيلة صباح اليوم الجمعة إلى 7 قتلى بعد وفاة 3 من المصابين متأثرين بجراحهم.")
    events = _events(extractor, text, published="2025-03-07")
    assert [(e["event_date"], e["fatalities"]) for e in events] == [("2025-03-06", 7)]


def test_the_forces_response_to_an_attack_is_more_of_the_attack(extractor):
    text = ("مقتل 3 عناصر من الجيش بهجوم في ريف درعا\n"
            "قتل ثلاثة عناصر من الجيش السوري، اليوم، بهجوم لمسلحين على حاجز في بلدة الصنمين شمالي درعا.\n"
            "وقالت مصادر محلية إن الهجوم وقع فجراً على حاجز عند المدخل الشمالي للبلدة، واندلعت اشتباكات بين "
            "المهاجمين وعناصر الحاجز استمرت لساعة.\n"
            "وأضافت المصادر أن قوات الجيش استقدمت تعزيزات إلى المنطقة وبدأت حملة تمشيط في محيط البلدة.")
    assert [(e["event_type"], e["fatalities"]) for e in _events(extractor, text)] == [("battle", 3)]


def test_a_raid_of_another_day_after_an_attack_is_an_event_of_its_own(extractor):
    text = ("قتل ثلاثة عناصر من الجيش السوري، يوم الأربعاء، بهجوم لمسلحين على حاجز في بلدة الصنمين شمالي درعا.\n"
            "وبدأت قوات الجيش، اليوم الجمعة، حملة مداهمات في بلدة الصنمين.")
    assert sorted(e["event_type"] for e in _events(extractor, text)) == ["battle", "strategic_development"]


@pytest.mark.parametrize("text, tolls", [
    pytest.param("أعلنت قوات سوريا الديمقراطية، اليوم، مقتل ثلاثة من عناصرها إثر هجوم شنه عناصر من تنظيم داعش على نقطة "
                 "عسكرية لها في بلدة الشحيل بريف دير الزور، مساء أمس.\n"
                 "وأضافت أن قواتها ردت على مصادر النيران، ما أدى إلى مقتل أحد المهاجمين.", [4],
                 id="the attackers' dead told after the toll are added to it"),
    pytest.param("قتل ثلاثة من عناصر قسد بهجوم على نقطة عسكرية في بلدة الشحيل بريف دير الزور، مساء أمس.\n"
                 "وقالت مصادر محلية إن الهجوم أدى إلى مقتل ثلاثة عناصر.", [3],
                 id="a toll told again is not added"),
    pytest.param("قتل 8 مدنيين اليوم بقصف مدفعي على مدينة سراقب، ليرتفع عدد ضحايا القصف على المحافظة خلال يومين "
                 "إلى 20 قتيلاً.", [8],
                 id="the dead of two days told as a rise are no update of the incident's toll"),
    pytest.param("انفجرت سيارة مفخخة أمس في مدينة السلمية ما أدى لمقتل 20 شخصاً. "
                 "وارتفعت حصيلة ضحايا التفجير الذي وقع في وسط سوريا أمس إلى 42 قتيلاً.", [42],
                 id="the place an incident was told in is no span of many places"),
])
def test_an_incidents_toll_across_its_sentences(extractor, text, tolls):
    assert [e["fatalities"] for e in _events(extractor, text)] == tolls
