"""Rules that carry beyond the dev phrasings, continued from tests/test_extract_generalise.py: each with a sentence
that should fire and one that should not. The sentences are written for these tests."""
from __future__ import annotations

import pytest

from tests.test_extract_generalise import _events, ex, ex_full  # noqa: F401 (the same fixtures and helper)


def test_a_funeral_of_fighters_killed_in_a_told_clash_is_no_new_battle(ex):
    ev = _events(ex, "قتل مقاتلان اليوم خلال اشتباكات مع مسلحين في بلدة الكسوة. "
                     "وشيّع أهالي بلدة جرمانا ظهر اليوم أحد المقاتلين اللذين قُتلا في اشتباكات الكسوة.", published="2025-08-22")
    assert [e["location_name"] for e in ev] == ["الكسوة"]
    # a funeral that turns into a protest is the protest; a death dated inside the clause is still told
    ev = _events(ex, "شيّع المئات اليوم جثمان الطفل الذي فارق الحياة يوم أمس برصاص طائش في مدينة عفرين، "
                     "وتحولت الجنازة إلى مظاهرة حاشدة.", published="2025-08-22")
    assert {e["event_type"] for e in ev} >= {"protest"}


def test_forces_entering_a_town_after_a_withdrawal_is_a_handover_and_own_forces_deploying_is_none(ex):
    ev = _events(ex, "دخلت وحدات من الجيش السوري صباح اليوم مدينة دير حافر عقب انسحاب قوات سوريا الديمقراطية منها.",
                 published="2026-01-18")
    assert [(e["location_name"], e["sub_event_type"]) for e in ev] == [("دير حافر", "non_violent_transfer_of_territory")]
    assert _events(ex, "ودخلت وحدات من الأمن الداخلي إلى مدينة حماة عصر اليوم وفرضت طوقاً حول الأحياء.") == []
    ev = _events(ex, "سيطرت قوات النظام اليوم على بلدة حريتان بعد انسحاب الفصائل منها تحت قصف جوي عنيف.",
                 published="2020-02-16")
    assert [(e["event_type"], e["sub_event_type"]) for e in ev] == [("battle", "government_regains_territory")]


def test_a_death_from_wounds_is_dated_by_the_injury_and_placed_on_the_road_between_two_towns(ex_full):
    ev = _events(ex_full, "من جهة أخرى، توفي عنصر في اللواء الثامن التابع للفيلق الخامس، اليوم، متأثراً بجروح أصيب بها "
                          "إثر استهدافه برصاص مجهولين على الطريق الواصل بين بلدة داعل ومدينة طفس، الخميس الماضي.",
                 published="2020-06-22")
    # the unit names ("الفيلق الخامس") are no tally of incidents; one event, on the day of the shooting
    assert [(e["location_name"], e["event_date"]) for e in ev] == [("داعل", "2020-06-18")]


def test_the_reporters_city_is_not_the_incident_place(ex):
    ev = _events(ex, "قتل شاب برصاص مجهولين في مدينة نوى اليوم. وقال مراسلنا في درعا إن المسلحين أطلقوا النار "
                     "على الشاب أمام منزله في الحي الشرقي من المدينة.", published="2020-06-22")
    assert [e["location_name"] for e in ev] == ["نوى"]


def test_a_former_commander_killed_is_a_civilian(ex):
    ev = _events(ex, "قتل قيادي سابق في فصائل المعارضة برصاص مجهولين في مدينة نوى صباح اليوم.", published="2020-06-22")
    assert [(e["event_type"], e["sub_event_type"]) for e in ev] == [("violence_against_civilians", "attack")]


def test_a_dated_incident_before_context_words_is_kept_and_the_tally_after_them_is_not(ex):
    ev = _events(ex, "شنّ الطيران الإسرائيلي، اليوم الأربعاء، غارات على مبنى في مدينة درعا، في تصعيد هو الأوسع "
                     "منذ اندلاع المواجهات، أسفرت عن مقتل 300 شخص.", published="2025-07-16")
    assert [(e["location_name"], e["event_date"], e["fatalities"]) for e in ev] == [("درعا", "2025-07-16", 0)]
    # with no day of its own, a clause with "منذ" is a tally
    assert _events(ex, "قتل 45 شخصاً في مدينة درعا منذ مطلع العام.", published="2025-07-16") == []


def test_control_told_with_a_long_subject_is_taken_territory(ex):
    ev = _events(ex, "سيطرت قوات النظام والميليشيات الإيرانية المساندة لها، اليوم الأحد، على بلدة حريتان بعد انسحاب "
                     "فصائل المعارضة منها إثر قصف جوي وبري عنيف.", published="2020-02-16")
    assert [(e["event_type"], e["sub_event_type"]) for e in ev] == [("battle", "government_regains_territory")]


def test_the_incident_retold_on_its_road_is_one_event(ex):
    ev = _events(ex, "قالت الوزارة إن العبوة انفجرت أمس أثناء عودة رتل عسكري قرب بلدة الشحيل. "
                     "وأشار البيان إلى أن الحادث وقع على الطريق الواصل بين دير الزور والميادين.", published="2020-08-19")
    assert len(ev) == 1 and ev[0]["event_date"] == "2020-08-18"


def test_a_governorate_lead_does_not_join_a_town_of_another_governorate_and_a_front_names_its_village(ex):
    ev = _events(ex, "قضى 3 عناصر من قوات النظام، وأصيب 5 آخرون بجراح متفاوتة، جراء استهداف بصاروخ موجه سيارة عسكرية "
                     "في ريف إدلب الجنوبي. وفي ريف حلب الغربي، سقطت قذائف صاروخية على أطراف بلدة الأتارب، "
                     "دون معلومات عن خسائر بشرية.", published="2023-05-10")
    by_gov = {e["admin1"]: e for e in ev}
    assert by_gov["Idleb"]["fatalities"] == 3 and by_gov["Aleppo"]["fatalities"] == 0


def test_war_remnants_of_shelling_are_a_landmine_not_shelling(ex):
    ev = _events(ex, "أصيب أربعة أطفال اليوم بانفجار قنبلة عنقودية من مخلفات القصف في بلدة سراقب.")
    assert [e["sub_event_type"] for e in ev] == ["remote_explosive_landmine_ied"]


def test_a_second_target_told_with_also_is_its_own_event_and_a_lead_joins_no_other_day(ex):
    ev = _events(ex, "قتل العشرات أمس الخميس في هجوم بطائرات مسيرة على الكلية الحربية بمدينة حمص. "
                     "وبعد ساعات من الهجوم، قصفت قوات النظام بالمدفعية مدينة إدلب، ما أدى إلى مقتل 5 مدنيين. "
                     "كما طال القصف بلدة سرمين وأسفر عن مقتل امرأة. "
                     "وفجر اليوم الجمعة، شنت طائرات حربية روسية غارات على محيط مدينة أريحا.", published="2023-10-06")
    by_place = {e["location_name"]: e for e in ev}
    assert set(by_place) == {"حمص", "إدلب", "سرمين", "أريحا"}
    assert by_place["إدلب"]["fatalities"] == 5 and by_place["أريحا"]["event_date"] == "2023-10-06"


def test_a_framing_governorate_gives_way_to_the_town_named_with_its_settlement_word(ex):
    ev = _events(ex, "وفي السويداء، استهدفت مسيّرات رتلاً عسكرياً قرب بلدة شهبا اليوم، ما أسفر عن مقتل 7 عناصر.")
    assert [(e["location_name"], e["fatalities"]) for e in ev] == [("شهبا", 7)]


def test_a_participle_opens_a_new_statement_with_its_own_place(ex):
    ev = _events(ex, "قال المرصد إن تسعة أشخاص قتلوا فجر الخميس في الغارة على بلدة شهبا، مشيراً إلى أن غارة أخرى "
                     "استهدفت منزلاً في بلدة القريا المجاورة دون أن تسفر عن إصابات.", published="2024-01-18")
    assert sorted((e["location_name"], e["fatalities"]) for e in ev) == [("القريا", 0), ("شهبا", 9)]
    # a tally since a month is no incident, even in its own clause
    assert _events(ex, "وأضاف أن المحافظة من أكثر المحافظات تلوثاً، مشيراً إلى أن أكثر من 140 شخصاً قتلوا "
                       "بانفجار مخلفات الحرب في مدينة دير الزور منذ كانون الأول 2024.", published="2025-12-08") == []


def test_an_incident_told_abroad_borrows_no_syrian_town(ex):
    ev = _events(ex, "أصيب 3 مدنيين بجروح اليوم جراء قذائف سقطت على مدينة مارع. "
                     "وفي المقابل، قتل مدنيان، اليوم، جراء سقوط قذائف صاروخية على قضاء قرقميش بولاية غازي عنتاب جنوبي تركيا.",
                 published="2022-11-21")
    assert [(e["location_name"], e["fatalities"]) for e in ev] == [("مارع", 0)]


def test_villages_of_a_towns_countryside_and_a_new_shelling_after_a_drone_strike(ex_full):
    ev = _events(ex_full, "أصيب ثلاثة مدنيين مساء الاثنين إثر استهداف طائرة مسيّرة تركية سيارة قرب مدينة عامودا. "
                     "وفي ريف بلدة تل تمر، طالت صليات من القذائف المدفعية التركية، صباح اليوم، قرى تل جمعة وتل نصري، "
                     "دون تسجيل إصابات.", published="2023-01-17")
    shelled = sorted(e["location_name"] for e in ev if e["sub_event_type"] == "shelling_artillery_missile_attack")
    assert shelled == ["تل جمعة", "تل نصري"]


def test_a_network_named_after_a_town_is_not_the_place(ex):
    ev = _events(ex, "شنّت دوريات، ليل الخميس - الجمعة، حملة دهم في مدينة الميادين، اقتادت خلالها ستة شبان. "
                     "وأفاد مراسل دير الزور 24 بأن الأهالي خرجوا صباح اليوم وقطعوا الطريق العام المار من المدينة "
                     "بالإطارات المشتعلة.", published="2022-08-19")
    assert {e["location_name"] for e in ev} == {"الميادين"}


def test_forces_entering_later_after_a_like_withdrawal_is_a_handover(ex):
    ev = _events(ex, "دخلت في وقت لاحق من اليوم أرتال أخرى إلى بلدة مسكنة بعد انسحاب مماثل لقوات سوريا الديمقراطية.",
                 published="2026-01-18")
    assert [(e["location_name"], e["sub_event_type"]) for e in ev] == [("مسكنة", "non_violent_transfer_of_territory")]


def test_a_round_up_item_label_frames_its_item_and_a_body_is_where_residents_found_it(ex):
    ev = _events(ex, "حصاد اليوم\nدرعا: عثر أهالي بلدة نوى على جثة شاب مجهول الهوية ملقاة قرب الطريق الحربي، "
                     "وعليها آثار إطلاق نار.\nإدلب: أصيب رجل وزوجته بجروح جراء قذائف مدفعية على بلدة سرمين.",
                 published="2024-04-10")
    assert sorted(e["location_name"] for e in ev) == ["سرمين", "نوى"]


def test_helicopters_leaving_and_a_circulated_video_under_investigation_are_no_incident(ex):
    assert _events(ex, "فرضت قوى الأمن طوقاً حول بلدة سرمين حتى انسحاب المروحيات.") == []
    assert _events(ex, "أعلن الوزير تشكيل لجنة للتحقيق في مقاطع مصورة جرى تداولها يظهر فيها إعدام ميداني "
                       "بحق موقوفين في بلدة نوى.") == []


def test_a_town_in_a_lebanese_qadaa_is_abroad(ex):
    assert _events(ex, "قُتل 7 أشخاص جراء غارات إسرائيلية استهدفت فجر الإثنين بلدة القصير في قضاء الهرمل شمال شرقي لبنان.",
                   published="2024-10-07") == []


def test_forces_deploying_under_an_agreement_take_over_the_town(ex):
    ev = _events(ex, "دخلت وحدات من الجيش السوري، صباح اليوم، مدينة منبج، وانتشرت في مواقع كانت تشغلها قوات سوريا "
                     "الديمقراطية، بموجب التفاهم الذي أعلن مساء الأحد.", published="2019-10-15")
    assert [(e["location_name"], e["sub_event_type"]) for e in ev] == [("منبج", "non_violent_transfer_of_territory")]


def test_damascus_does_not_stand_for_a_town_of_another_governorate(ex):
    ev = _events(ex, "شنّ الطيران الإسرائيلي اليوم غارات على مبنى وسط العاصمة دمشق، ما أسفر عن مقتل 3 أشخاص. "
                     "وفي السويداء، استهدفت مسيّرات إسرائيلية رتلاً قرب بلدة شهبا، ما أسفر عن مقتل 7 عناصر.",
                 published="2025-07-16")
    assert sorted((e["location_name"], e["fatalities"]) for e in ev) == [("دمشق", 3), ("شهبا", 7)]


def test_a_sit_in_told_in_the_accusative_and_a_date_of_the_decision_it_protests(ex):
    ev = _events(ex, "نفّذ مئات المعلمين، صباح اليوم السبت، اعتصاماً أمام مبنى الوزارة في مدينة حماة. "
                     "ورفع المعتصمون لافتات تطالب بتطبيق القرار الذي أصدرته الحكومة في أيار/مايو الماضي.",
                 published="2025-11-15")
    assert [(e["location_name"], e["event_date"]) for e in ev] == [("حماة", "2025-11-15")]


def test_a_statement_dated_today_announces_the_arrest_of_yesterday(ex):
    ev = _events(ex, "أعلنت وزارة الداخلية، اليوم الخميس، إلقاء القبض على خلية في مدينة حمص. "
                     "وأوضحت الوزارة أن العملية نُفّذت مساء أمس الأربعاء في حي الوعر، وضُبطت خلالها أحزمة ناسفة.",
                 published="2025-11-13")
    assert [e["event_date"] for e in ev] == ["2025-11-12"]


def test_an_as_clause_with_its_own_day_after_a_habit_is_a_recalled_incident(ex):
    ev = _events(ex, "هاجم ملثمون مساء أمس مكتباً لحزب في مدينة القامشلي. وليست هذه المرة الأولى التي تتعرض فيها مكاتب "
                     "الحزب للاعتداء، إذ سبق أن أُحرق مكتبه في مدينة عامودا في 20 أيلول/سبتمبر الماضي.",
                 published="2025-11-14")
    assert ("عامودا", "2025-09-20") in [(e["location_name"], e["event_date"]) for e in ev]


def test_each_town_with_a_strike_of_its_own_in_one_clause_is_an_event(ex):
    ev = _events(ex, "شنت الطائرة الحربية اليوم غارتين على أطراف بلدة سرمين، وغارة على بلدة بنش، دون إصابات.")
    assert sorted(e["location_name"] for e in ev) == ["بنش", "سرمين"]
    # the capital named as the government arrested people's contacts is no second target
    ev = _events(ex, "شنّت قسد حملة دهم في بلدة الطبقة، واعتقلت ستة شبان بتهمة التواصل مع الحكومة السورية في دمشق.")
    assert [e["location_name"] for e in ev] == ["الطبقة"]


def test_the_centre_of_a_town_is_the_town_not_an_institution_named_after_it(ex):
    ev = _events(ex, "أعلنت فصائل المعارضة، اليوم، سيطرتها الكاملة على مركز مدينة تل أبيض بعد اشتباكات مع قسد.",
                 published="2019-10-13")
    assert [e["location_name"] for e in ev] == ["تل أبيض"]
    # a centre named after the town (an institution) is still not the place of the incident
    ev = _events(ex, "وثّق مركز تل أبيض للحقوق اعتقال شابين في مدينة منبج، اليوم.", published="2019-10-13")
    assert [e["location_name"] for e in ev] == ["منبج"]


def test_two_wounded_taken_to_a_hospital_in_a_city_were_not_hit_there(ex):
    ev = _events(ex, "أصيب عنصران بجروح جراء انفجار لغم أرضي بسيارتهم على طريق بلدة الطبقة، صباح اليوم، "
                     "ونُقلا إلى مشفى في مدينة الرقة.")
    assert [e["location_name"] for e in ev] == ["الطبقة"]
    ev = _events(ex, "انفجر لغم أرضي بسيارة في مدينة الرقة، صباح اليوم، ونقلوا إلى مشفى في مدينة الطبقة.")
    assert [e["location_name"] for e in ev] == ["الرقة"]


def test_a_second_target_told_with_its_own_preposition_after_and_is_an_event(ex):
    ev = _events(ex, "استهدفت المقاتلات التركية، اليوم، مواقع في مدينة عين العرب بريف حلب الشرقي، وفي محيط بلدة "
                     "تل رفعت بريف حلب الشمالي.", published="2022-11-20")
    assert sorted(e["location_name"] for e in ev) == ["تل رفعت", "عين العرب"]
    ev = _events(ex, "نفذ العدو الإسرائيلي فجر اليوم عدواناً جوياً مستهدفاً مطار دمشق الدولي وبعض النقاط في محيط "
                     "بلدة الكسوة.", published="2022-06-10")
    assert sorted(e["location_name"] for e in ev) == ["الكسوة", "دمشق"]
    # the second town with a trigger of its own after it tells its own incident, not this one's target
    ev = _events(ex, "قتل شاب برصاص مجهولين في مدينة منبج، وفي مدينة الباب اعتقلت الشرطة شخصين، اليوم.")
    assert ("الباب", "violence_against_civilians") not in [(e["location_name"], e["event_type"]) for e in ev]


def test_a_crossing_passed_through_and_a_town_across_a_border_are_not_the_place_hit(ex):
    ev = _events(ex, "قتل 7 أشخاص جراء غارات إسرائيلية استهدفت، فجر اليوم، بلدة القصر في قضاء الهرمل شمال شرقي لبنان، "
                     "قرب الحدود مع منطقة القصير السورية.", published="2024-10-07")
    assert [e["location_name"] for e in ev] == []
    ev = _events(ex, "عبر آلاف النازحين إلى سوريا عبر معبر جديدة يابوس، بعد أن أخرجت غارة إسرائيلية طريق المصنع عن "
                     "الخدمة من الجانب اللبناني، فجر اليوم.", published="2024-10-04")
    assert [e["location_name"] for e in ev] == []
    ev = _events(ex, "عبر النازحون سيراً إلى جديدة يابوس بعد أن قطعت غارة إسرائيلية الطريق الدولي بين بيروت ودمشق "
                     "قرب نقطة المصنع في الجانب اللبناني، فجر اليوم.", published="2024-10-04")
    assert [e["location_name"] for e in ev] == []
    # a Syrian town hit from the other side of the border is still the place
    ev = _events(ex, "قصفت القوات التركية من الجانب التركي، اليوم، قرية في محيط مدينة تل أبيض بقذائف المدفعية.",
                 published="2024-10-04")
    assert [e["location_name"] for e in ev] == ["تل أبيض"]
    # a strike on the crossing itself is an event there
    ev = _events(ex, "استهدفت غارة فجر اليوم معبر نصيب الحدودي بريف درعا.", published="2024-10-04")
    assert [e["location_name"] for e in ev] == ["نصيب"]


def test_a_toll_told_before_a_recalled_strike_is_not_that_strike_s_toll(ex):
    ev = _events(ex, "استشهد مدنيان جراء عدوان جوي إسرائيلي استهدف فجر اليوم مبنى سكنياً في حي كفرسوسة بدمشق. "
                     "وقال المرصد السوري إن الضربة أودت بحياة ثلاثة أشخاص. وكان العدو الإسرائيلي قد شنّ في الـ 10 "
                     "من الشهر الجاري عدواناً مماثلاً على محيط مدينة الكسوة بريف دمشق.", published="2024-02-21")
    got = sorted((e["location_name"], e["event_date"], e["fatalities"], e["is_background"]) for e in ev)
    assert got == [("الكسوة", "2024-02-10", 0, True), ("دمشق", "2024-02-21", 2, False)]


def test_a_council_of_a_town_is_an_institution_not_the_place_hit(ex):
    ev = _events(ex, "قال مصدر في المجلس العسكري لمنبج، إن أكثر من 30 قذيفة سقطت اليوم على مدينتي الباب وجرابلس.",
                 published="2021-10-12")
    assert sorted(e["location_name"] for e in ev) == ["الباب", "جرابلس"]
    # a town after "ل" that is not an institution's is the place ("تعرضت لقصف ... لمدينة X" is not a council)
    ev = _events(ex, "تعرضت أطراف مدينة منبج لقصف مدفعي عنيف، اليوم.", published="2021-10-12")
    assert [e["location_name"] for e in ev] == ["منبج"]


def test_a_dated_killing_told_before_words_of_habit_in_its_clause_is_an_incident(ex):
    ev = _events(ex, "ولقي المختار حتفه مساء أمس أمام منزله في مدينة الطبقة، وهو وجيه عشائري كان قد تلقى تهديدات "
                     "متكررة بسبب عمله.", published="2025-03-10")
    assert [(e["location_name"], e["event_date"], e["fatalities"]) for e in ev] == [("الطبقة", "2025-03-09", 1)]
    # deaths counted in the habit itself, with no day of their own, are a tally
    ev = _events(ex, "تتكرر عمليات الاغتيال في مدينة الطبقة، إذ قتل ثلاثة وجهاء منذ مطلع العام.", published="2025-03-10")
    assert ev == []


def test_a_town_coordinated_after_a_comma_with_its_own_noun_is_a_second_target(ex):
    ev = _events(ex, "طال القصف اليوم بلدة سرمين شرقي إدلب وأسفر عن مقتل امرأة، وبلدة بنش حيث أصيب طفلان.")
    assert sorted((e["location_name"], e["fatalities"]) for e in ev) == [("بنش", 0), ("سرمين", 1)]
    # the same words with a trigger of its own after the second town: not this clause's target
    ev = _events(ex, "قتل شاب برصاص مجهولين اليوم في بلدة سرمين، وبلدة بنش شهدت اعتقال شخصين.")
    assert ("بنش", "violence_against_civilians") not in [(e["location_name"], e["event_type"]) for e in ev]


def test_victims_of_a_village_named_in_its_frame_place_the_incident_at_the_village(ex):
    ev = _events(ex, "اقتادت دورية إسرائيلية أمس ثلاثة رعاة أغنام من أبناء بلدة جاسم في ريف درعا الشمالي إلى الجانب المحتل.")
    assert [e["location_name"] for e in ev] == ["جاسم"]
    # a village of origin named apart from the frame of the incident does not place it
    ev = _events(ex, "اعتقلت دورية أمس شاباً في ريف درعا الشمالي، وهو من أبناء بلدة جاسم.")
    assert [e["location_name"] for e in ev] != ["جاسم"]


def test_a_date_after_despite_dates_what_is_conceded_not_the_incident(ex):
    ev = _events(ex, "اندلعت اشتباكات عنيفة اليوم الأربعاء في مدينة درعا. وتجددت الاشتباكات داخل المدينة، رغم إعلان "
                     "وزارة الدفاع وقفاً لإطلاق النار صباح أمس الثلاثاء.", published="2025-07-16")
    assert [e["event_date"] for e in ev] == ["2025-07-16"]
    # the incident's own day told before "despite" stays its day
    ev = _events(ex, "تجددت الاشتباكات صباح أمس الثلاثاء في مدينة درعا، رغم إعلان وقف إطلاق النار.", published="2025-07-16")
    assert [e["event_date"] for e in ev] == ["2025-07-15"]


def test_a_takeover_told_again_with_a_withdrawal_is_one_change_of_hands(ex):
    ev = _events(ex, "سيطرت فصائل المعارضة، اليوم، على معظم أحياء مدينة حلب. وأفاد مراسلنا بأن الفصائل دخلت مركز المدينة "
                     "وسيطرت على مبنى المحافظة، عقب انسحاب قوات النظام منها.", published="2024-11-30")
    assert [(e["location_name"], e["sub_event_type"]) for e in ev] == [("حلب", "non_state_actor_overtakes_territory")]
    # a takeover and an arrest at the same town and day stay two events
    ev = _events(ex, "سيطرت فصائل المعارضة، اليوم، على مدينة سراقب. واعتقلت الفصائل خمسة عناصر من قوات النظام في سراقب.",
                 published="2024-11-30")
    assert sorted(e["sub_event_type"] for e in ev) == ["arrests", "non_state_actor_overtakes_territory"]


def test_the_clashes_told_again_borrow_no_town_of_the_other_clause(ex):
    ev = _events(ex, "قتل مقاتلان اليوم خلال اشتباكات مع مسلحين على محور بلدة سرمين. وقال مصدر محلي إن الاشتباكات "
                     "استمرت ثلاث ساعات، فيما سقطت عدة قذائف هاون على أطراف بلدة بنش.")
    assert sorted((e["location_name"], e["event_type"]) for e in ev) == [
        ("بنش", "explosion_remote_violence"), ("سرمين", "battle")]
    # clashes told for the first time in such a sentence still take its town
    ev = _events(ex, "وقال مصدر محلي إن اشتباكات اندلعت اليوم، فيما سقطت عدة قذائف هاون على أطراف بلدة بنش.")
    assert ("بنش", "battle") in [(e["location_name"], e["event_type"]) for e in ev]


@pytest.mark.parametrize("text,towns", [
    ("قصفت قوات النظام اليوم محيط بلدة سرمين وقرية بنش بالمدفعية الثقيلة.", ["بنش", "سرمين"]),
    ("استهدفت غارات روسية اليوم أطراف مدينة سراقب وبلدتي سرمين وبنش.", ["بنش", "سراقب", "سرمين"]),
    ("قصفت القوات التركية اليوم قرى في محيط تل أبيض، وأخرى قرب عين عيسى.", ["تل أبيض", "عين عيسى"]),
    ("استهدف القصف المدفعي اليوم مدينتي سراقب وسرمين، إضافة إلى بلدة بنش.", ["بنش", "سراقب", "سرمين"]),
    ("طال القصف اليوم قرى سرمين وبنش فضلاً عن أطراف مدينة سراقب.", ["بنش", "سراقب", "سرمين"]),
    # a reference point and a place the wounded were taken to are no second target
    ("قتل شاب في بلدة سرمين شمال مدينة إدلب اليوم.", ["سرمين"]),
    ("أصيب ثلاثة مدنيين بقصف على بلدة سرمين اليوم، ونقلوا إلى مشفى في مدينة إدلب.", ["سرمين"]),
])
def test_several_targets_of_one_clause_joined_by_and_besides_are_one_event_each(ex, text, towns):
    assert sorted(e["location_name"] for e in _events(ex, text)) == towns


def test_a_town_placed_in_a_unit_abroad_is_no_syrian_place(ex):
    ev = _events(ex, "شن الطيران الإسرائيلي اليوم غارات على بلدة القصير في الهرمل، ما أسفر عن مقتل شخصين.")
    assert ev == []
    ev = _events(ex, "قصفت طائرات مسيرة اليوم مواقع في قضاء القائم، وأخرى في سنجار.")
    assert ev == []
    # a town placed in a Syrian frame stays Syrian
    ev = _events(ex, "شن الطيران الإسرائيلي اليوم غارات على بلدة القصير في ريف حمص، ما أسفر عن مقتل شخصين.")
    assert [e["location_name"] for e in ev] == ["القصير"]


def test_a_day_after_the_incident_verb_in_a_report_is_the_incident_s_day(ex):
    ev = _events(ex, "قالت مصادر محلية إن قوات الأمن العام اعتقلت أمس شاباً في مدينة حمص، وأفرجت عنه اليوم.")
    assert [e["event_date"] for e in ev] == ["2025-03-09"]
    # the day right after the reporting verb, with no incident word between, is the report's day
    ev = _events(ex, "قالت مصادر محلية، أمس، إن قوات الأمن العام نفذت اليوم حملة اعتقالات في مدينة حمص.")
    assert [e["event_date"] for e in ev] == ["2025-03-10"]


def test_the_cause_of_damage_told_in_passing_is_no_incident(ex):
    ev = _events(ex, "حذر الفريق في مدينة إدلب من كارثة، بعد أن خرجت عشرات المستشفيات عن الخدمة بفعل القصف، مطالباً "
                     "المنظمات بالدعم.")
    assert ev == []
    # the same cause with a toll, or with a day of its own, is an incident
    ev = _events(ex, "قتل شاب في بلدة سرمين جراء القصف.")
    assert [(e["location_name"], e["event_type"]) for e in ev] == [("سرمين", "explosion_remote_violence")]
    ev = _events(ex, "تضررت منازل في بلدة سرمين جراء القصف المدفعي صباح اليوم.")
    assert [(e["location_name"], e["event_type"]) for e in ev] == [("سرمين", "explosion_remote_violence")]


def test_what_followed_that_is_dated_by_the_day_last_told(ex):
    ev = _events(ex, "اختطف مسلحون مساء أمس الأحد سائقاً في مدينة درعا. وتواصل الخاطفون مع ذويه صباح اليوم وطالبوا "
                     "بفدية. وعلى إثر ذلك، قطع أقارب المخطوف الطريق عند مدخل بلدة نوى بالإطارات المشتعلة.")
    assert sorted((e["location_name"], e["event_date"]) for e in ev) == [("درعا", "2025-03-09"), ("نوى", "2025-03-10")]
    # a clause after that with a day of its own keeps its own day
    ev = _events(ex, "اختطف مسلحون مساء السبت سائقاً في مدينة درعا. وتواصل الخاطفون مع ذويه صباح اليوم وطالبوا "
                     "بفدية. وعلى إثر ذلك، قطع أقارب المخطوف مساء أمس الطريق عند مدخل بلدة نوى بالإطارات المشتعلة.")
    assert ("نوى", "2025-03-09") in [(e["location_name"], e["event_date"]) for e in ev]


def test_a_lead_keeps_its_city_when_the_next_sentence_recalls_another_incident(ex):
    ev = _events(ex, "قتل شاب برصاص مجهولين في مدينة درعا اليوم. ويأتي ذلك بعد أسبوع من مقتل شاب آخر في مدينة جاسم "
                     "بالطريقة ذاتها.")
    assert sorted((e["location_name"], e["event_date"], e["is_background"]) for e in ev) == [
        ("جاسم", "2025-03-03", True), ("درعا", "2025-03-10", False)]
    # a next sentence that tells the lead's place precisely still places it
    ev = _events(ex, "قتل شاب برصاص مجهولين في ريف درعا اليوم. وأفاد مصدر بأن الشاب قتل قرب بلدة جاسم.")
    assert [e["location_name"] for e in ev] == ["جاسم"]


def test_the_countryside_on_one_side_of_a_governorate_frames_the_town(ex_full):
    # "في الريف الغربي لإدلب" names the governorate's countryside, not the city of Idlib: the town before it is the place
    ev = _events(ex_full, "قصفت قوات النظام اليوم محيط بلدة كفرنبل في الريف الجنوبي لإدلب، ما أدى إلى مقتل مزارع.")
    assert [e["location_name"] for e in ev] == ["كفر نبل"]
    ev = _events(ex_full, "شنت طائرات حربية اليوم غارات على أطراف مدينة جسر الشغور بالريف الغربي لمحافظة إدلب.")
    assert [e["location_name"] for e in ev] == ["جسر الشغور"]
    # the city itself, told as the target, stays the place
    ev = _events(ex_full, "قصفت قوات النظام اليوم مدينة إدلب، ما أدى إلى مقتل مدني.")
    assert [e["location_name"] for e in ev] == ["إدلب"]
