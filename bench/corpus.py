"""A deterministic generator of realistic Arabic news articles about security incidents in Syria.

    from bench.corpus import generate
    articles = generate(10_000, seed=1, published=date(2025, 11, 12))

The templates below were written for this benchmark after the patterns of the team's seed articles
(seeds/articles.jsonl): a dateline ("درعا - "), a lead sentence with the incident, its place, its day
and its toll, follow-up sentences from sources, sometimes a background incident recalled with
"وكانت ... قد", and sometimes a paragraph with no incident at all. About one article in seven is a
negative (economy, services, culture). Places are the towns and villages of the gazetteer shipped with
the package (etl_project/geo/data/), governorates from its admin table; numbers are written in Western
digits, Eastern Arabic digits and words; dates are Levantine month names, weekdays, relative days
("أمس", "قبل يومين") and periods ("الأسبوع الماضي"), consistent with the published date as a reporter
would write them.

The same (n, seed, published) always gives the same articles: all randomness comes from one
random.Random(seed).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

LEVANTINE_MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول"]
GREGORIAN_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                    "أكتوبر", "نوفمبر", "ديسمبر"]
WEEKDAYS = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]  # Python's weekday order
PLACE_KINDS = ["بلدة", "قرية", "مدينة"]
SIDES = ["الشرقي", "الغربي", "الشمالي", "الجنوبي", "الشمالي الشرقي", "الجنوبي الغربي"]
# (how the article names them, as a subject) — the actor dictionary's forms as news writes them
ARMED_ACTORS = ["قوات سوريا الديمقراطية (قسد)", "الأمن العام", "قوى الأمن الداخلي", "الجيش السوري", "وزارة الدفاع",
                "فصائل الجيش الوطني", "قسد"]
ATTACKERS = ["مسلحون مجهولون", "مجهولون", "خلايا تنظيم داعش", "مسلحون يعتقد أنهم من خلايا تنظيم الدولة الإسلامية",
             "مجموعة مسلحة", "فلول النظام البائد"]
VICTIMS_PL = ["مدنيين", "أشخاص", "عناصر", "أطفال", "شبان"]
VICTIM_ONE = ["شاب", "رجل", "طفل", "عنصر", "مدني"]
VICTIM_ACC = ["شاباً", "رجلاً", "طبيباً", "طفلاً", "مدنياً"]
# small counts in words (masculine counted noun form) and the value each stands for
COUNT_WORDS = [("اثنان", 2), ("ثلاثة", 3), ("أربعة", 4), ("خمسة", 5), ("ستة", 6), ("سبعة", 7), ("ثمانية", 8),
               ("تسعة", 9), ("عشرة", 10), ("أحد عشر", 11), ("خمسة عشر", 15), ("عشرون", 20)]
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

LEADS = [
    # violence against civilians
    "{dateline}قُتل {one} من أبناء {kind} {place} في ريف {gov} {side}، {when}، إثر استهدافه بإطلاق نار مباشر من قبل "
    "مسلحين مجهولين كانوا يستقلون دراجة نارية.",
    "{dateline}اغتال {attackers} {one_acc} {when} في {kind} {place} بريف {gov} {side}، بإطلاق النار عليه بشكل مباشر.",
    "{dateline}اختطف {attackers}، {when}، {one_acc} أثناء عودته إلى منزله في {kind} {place}، واقتادوه إلى جهة مجهولة.",
    # battles
    "{dateline}اندلعت اشتباكات عنيفة، {when}، بين {actor} ومجموعة مسلحة في {kind} {place} بريف {gov} {side}، ما أسفر عن "
    "مقتل {n} من المسلحين وإصابة {n2} من {actor_short} بجروح.",
    "{dateline}قُتل {n} عناصر من {actor} وأصيب {n2} آخرون، {when}، في هجوم شنّه {attackers} على حاجز عند مدخل {kind} {place}.",
    "{dateline}أعلنت {actor}، {when}، أن وحداتها بسطت سيطرتها على {kind} {place} في ريف {gov} {side} بعد اشتباكات استمرت يومين.",
    # explosions / remote violence
    "{dateline}قُتل {n} {victims} وأصيب {n2} آخرون، {when}، جراء انفجار عبوة ناسفة استهدفت سيارة على الطريق الرئيسي في "
    "{kind} {place} بريف {gov} {side}.",
    "{dateline}أصيب {n2} {victims}، {when}، جراء سقوط قذائف هاون على الأحياء السكنية في {kind} {place} بريف {gov} {side}.",
    "{dateline}استهدفت طائرة مسيّرة، {when}، سيارة تقل عناصر من {actor} قرب {kind} {place}، ما أدى لمقتل {n} منهم.",
    "{dateline}لقي طفل مصرعه وأصيب شقيقاه بجروح، {when}، جراء انفجار مخلّفات حربية في أرض زراعية على أطراف {kind} {place}.",
    # protests and riots
    "{dateline}نظّم عشرات الأهالي وقفة احتجاجية سلمية، {when}، أمام مبنى المحافظة في {kind} {place} للمطالبة بالإفراج عن المعتقلين.",
    "{dateline}أقدم عشرات المحتجين الغاضبين، {when}، على إحراق إطارات ورشق مبنى مديرية الكهرباء في {kind} {place} بالحجارة.",
    # strategic developments
    "{dateline}اعتقلت {actor}، {when}، {n} شبان خلال حملة دهم في {kind} {place} بريف {gov} {side}.",
    "{dateline}ضبطت وحدات من {actor}، {when}، مستودعاً للأسلحة والذخائر وعبوات ناسفة معدّة للتفجير في مزرعة على أطراف {kind} {place}.",
]
FOLLOWS = [
    "وقالت مصادر محلية إن المصابين نُقلوا إلى المستشفى الوطني لتلقي العلاج، وإن حالة أحدهم حرجة.",
    "وأفاد مراسلنا بأن الحادثة أثارت حالة من التوتر في المنطقة، وانتشرت دوريات عند مداخل {kind} {place}.",
    "ولم تتبنَّ أي جهة المسؤولية عن الهجوم حتى ساعة إعداد هذا الخبر.",
    "وأعلنت قيادة الأمن الداخلي في محافظة {gov} فتح تحقيق في الحادثة.",
    "وتشهد محافظة {gov} منذ أشهر توتراً أمنياً متصاعداً وحوادث متكررة.",
    "وذكر شهود عيان أن إطلاق النار استمر نحو نصف ساعة قبل أن ينسحب المهاجمون باتجاه البادية.",
]
BACKGROUND = [
    "وكانت {kind} {bplace} قد شهدت في {bday} {bmonth} الماضي انفجار لغم أرضي أدى إلى مقتل {n} أطفال.",
    "وسبق أن نفذت {actor} حملة مماثلة في {kind} {bplace} المجاورة {bperiod}، انتهت باعتقال عدد من المطلوبين.",
    "وكان {one} قد قُتل برصاص مجهولين في {bday} {bmonth} الماضي قرب {kind} {bplace}.",
]
NOISE = [
    "وتعمل المنظمات الإنسانية على توزيع المساعدات في مخيمات النازحين مع اقتراب فصل الشتاء.",
    "وأعلنت مديرية الزراعة عن افتتاح مراكز جديدة لتسلم محصول القمح من الفلاحين.",
    "ويعاني السكان من تقنين كهربائي يتجاوز عشرين ساعة يومياً منذ مطلع الشهر الجاري.",
    "اقرأ أيضاً: ارتفاع أسعار المحروقات في الأسواق المحلية",
]
NEGATIVES = [
    "{dateline}أعلنت وزارة الاقتصاد، {when}، عن خطة لدعم المنشآت الصناعية الصغيرة في {kind} {place} عبر قروض ميسّرة.",
    "{dateline}افتتحت مديرية الثقافة، {when}، معرضاً للحرف اليدوية التقليدية في المركز الثقافي بمدينة {place}.",
    "{dateline}بدأت مؤسسة المياه، {when}، أعمال صيانة شبكة الري في {kind} {place} بتمويل من منظمة دولية.",
    "{dateline}أطلق الدفاع المدني السوري، {when}، حملة توعية بمخاطر الألغام في مدارس {kind} {place} تستمر حتى نهاية {month} الجاري.",
]
TITLES = {
    0: "مقتل {one} برصاص مجهولين في {place}", 1: "اغتيال مدني في {place}", 2: "اختطاف {one} في {place}",
    3: "اشتباكات في {place}", 4: "هجوم على حاجز في {place}", 5: "السيطرة على {place}", 6: "انفجار عبوة ناسفة في {place}",
    7: "قصف بالهاون على {place}", 8: "ضربة مسيّرة قرب {place}", 9: "مقتل طفل بمخلفات حربية قرب {place}",
    10: "وقفة احتجاجية في {place}", 11: "محتجون غاضبون في {place}", 12: "حملة اعتقالات في {place}",
    13: "ضبط مستودع أسلحة في {place}",
}


@dataclass(frozen=True)
class Town:
    name_ar: str
    gov_ar: str


@lru_cache(maxsize=1)
def towns() -> tuple[Town, ...]:
    """The localities of the shipped gazetteer, each with its governorate's Arabic name."""
    from etl_project.geo.admin import admin_units
    from etl_project.geo.builtin import builtin_places

    units = admin_units()
    out = []
    for p in builtin_places():
        if p.placetype != "locality" or not p.admin1_pcode or p.admin1_pcode not in units or len(p.name_ar) < 3:
            continue
        out.append(Town(p.name_ar, units[p.admin1_pcode].name_ar))
    return tuple(sorted(set(out), key=lambda t: (t.gov_ar, t.name_ar)))


def _number(rnd: random.Random, value: int) -> str:
    """A count as news writes it: Western digits, Eastern Arabic digits, or a word."""
    style = rnd.random()
    if style < 0.4:
        return str(value)
    if style < 0.6:
        return str(value).translate(EASTERN)
    words = [w for w, v in COUNT_WORDS if v == value]
    return words[0] if words else str(value)


def _when(rnd: random.Random, published: date) -> str:
    """A date phrase that names a day on or before `published`, as a Levantine reporter writes it."""
    yesterday = published - timedelta(days=1)
    pick = rnd.randrange(10)
    if pick == 0:
        return "اليوم"
    if pick == 1:
        return f"فجر اليوم {WEEKDAYS[published.weekday()]}"
    if pick == 2:
        return f"مساء أمس {WEEKDAYS[yesterday.weekday()]}"
    if pick == 3:
        return "صباح اليوم"
    if pick == 4:
        return "قبل يومين"
    if pick == 5:
        d = published - timedelta(days=rnd.randint(0, min(published.day - 1, 6)))
        return f"في {_number(rnd, d.day) if rnd.random() < 0.5 else d.day} {LEVANTINE_MONTHS[d.month - 1]} الجاري"
    if pick == 6:
        d = published - timedelta(days=rnd.randint(1, 6))
        return f"يوم {WEEKDAYS[d.weekday()]} الماضي"
    if pick == 7:
        return f"{WEEKDAYS[published.weekday()]} {published.day} {LEVANTINE_MONTHS[published.month - 1]}/" \
               f"{GREGORIAN_MONTHS[published.month - 1]}"
    if pick == 8:
        return f"أمس {WEEKDAYS[yesterday.weekday()]} {yesterday.day} {LEVANTINE_MONTHS[yesterday.month - 1]} {yesterday.year}"
    return "الأسبوع الماضي"


def article(rnd: random.Random, i: int, published: date, id_prefix: str = "gen") -> dict:
    """One article; `rnd` is advanced, so a sequence of calls is deterministic."""
    pool = towns()
    town = rnd.choice(pool)
    near = [t for t in pool if t.gov_ar == town.gov_ar and t != town] or list(pool)
    month_back = (published.replace(day=1) - timedelta(days=rnd.randint(1, 60))).month

    def fill(template: str) -> str:
        n, n2 = rnd.randint(3, 12), rnd.randint(2, 9)
        return template.format(
            dateline=f"{town.gov_ar} - " if rnd.random() < 0.8 else "",
            one=rnd.choice(VICTIM_ONE), one_acc=rnd.choice(VICTIM_ACC), kind=rnd.choice(PLACE_KINDS), place=town.name_ar, gov=town.gov_ar,
            side=rnd.choice(SIDES), when=_when(rnd, published), attackers=rnd.choice(ATTACKERS),
            actor=rnd.choice(ARMED_ACTORS), actor_short=rnd.choice(["الأمن العام", "قسد", "الجيش"]),
            n=_number(rnd, n), n2=_number(rnd, n2), victims=rnd.choice(VICTIMS_PL),
            bplace=rnd.choice(near).name_ar, bday=rnd.randint(1, 28), bmonth=LEVANTINE_MONTHS[month_back - 1],
            bperiod=rnd.choice(["الشهر الماضي", "الأسبوع الماضي", "قبل أيام"]),
            month=LEVANTINE_MONTHS[published.month - 1],
        )

    if rnd.random() < 1 / 7:
        lead_i = None
        parts = [fill(rnd.choice(NEGATIVES))]
        parts += [fill(rnd.choice(NOISE)) for _ in range(rnd.randint(1, 3))]
        title = f"خبر محلي من {town.name_ar}"
    else:
        lead_i = rnd.randrange(len(LEADS))
        parts = [fill(LEADS[lead_i])]
        parts += [fill(rnd.choice(FOLLOWS)) for _ in range(rnd.randint(1, 3))]
        if rnd.random() < 0.5:
            parts.append(fill(rnd.choice(BACKGROUND)))
        parts += [rnd.choice(NOISE) for _ in range(rnd.randint(0, 2))]
        title = fill(TITLES[lead_i])
    return {
        "id": f"{id_prefix}-{i:06d}",
        "published": published.isoformat(),
        "source": rnd.choice(["bench-wire", "bench-daily", "bench-monitor"]),
        "title": title,
        "url": f"https://example.org/bench/{id_prefix}/{i}",
        "text": "\n".join(parts),
    }


def generate(n: int, seed: int = 1, published: date | None = None, id_prefix: str = "gen") -> list[dict]:
    """`n` articles. With `published`, every article has that date (one nightly partition); without it,
    dates are spread over 2023-01-01 … 2025-11-30."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        day = published or date(2023, 1, 1) + timedelta(days=rnd.randint(0, 1064))
        out.append(article(rnd, i, day, id_prefix))
    return out


def write_jsonl(articles: list[dict], path) -> None:
    import json

    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
