"""Benchmark: the extractor vs dateparser.search_dates on the same generated Arabic news articles.

    python bench/bench_extract.py [--n 5000] [--baseline 200] [--gazetteer DIR] [--profile]

Generates N articles from phrase templates written for this benchmark (incidents, background recalls,
noise paragraphs; random places from the gazetteer in use), runs Extractor.extract on every one and
dateparser.search_dates(text, languages=['ar']) on a random sample of them (it takes ~100 ms an article,
so all 5,000 would take minutes; the sample size is printed), and prints the median ms per article of
each and their ratio. No assertion: speed is reported here, never tested with a timer.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl_project.extractor import Extractor  # noqa: E402
from etl_project.geo.geocoder import Geocoder  # noqa: E402

LEADS = [
    "قتل {n} {victims} وأصيب آخرون، {when}، جراء انفجار عبوة ناسفة في {ptype} {place} بريف {gov}.",
    "استهدفت طائرة مسيرة سيارة تقل عناصر من {actor} قرب {ptype} {place}، {when}، ما أدى لمقتل {n} منهم.",
    "اعتقلت قوات {actor} {when} عددا من الشبان خلال حملة مداهمات في {ptype} {place} شرقي {gov}.",
    "اغتال مسلحون مجهولون شابا مدنيا {when} في {ptype} {place} بريف {gov}، بإطلاق النار عليه بشكل مباشر.",
    "شهدت {ptype} {place} {when} مظاهرة احتجاجية شارك فيها العشرات للمطالبة بالإفراج عن المعتقلين.",
    "دارت اشتباكات عنيفة بين {actor} ومسلحين محليين في {ptype} {place}، {when}، أسفرت عن مقتل {n} من الطرفين.",
    "قصفت قوات {actor} بقذائف المدفعية أطراف {ptype} {place} {when} دون أن يسفر القصف عن ضحايا.",
]
FOLLOWS = [
    "وأفادت مصادر محلية بأن الانفجار وقع قرب السوق الرئيسي، ما أدى إلى أضرار مادية كبيرة.",
    "وأوضحت المصادر أن المصابين نقلوا إلى المشفى الوطني لتلقي العلاج.",
    "ولم تتبن أي جهة المسؤولية عن الهجوم حتى ساعة إعداد هذا الخبر.",
    "وتشهد المنطقة توترا أمنيا متصاعدا منذ بداية العام الجاري.",
]
BACKGROUND = [
    "وكانت {ptype} {place} قد شهدت في {day} {month} الماضي انفجار لغم أرضي أدى إلى مقتل {n} أطفال.",
    "وسبق أن اعتقلت دورية تابعة لـ{actor} ثلاثة أشخاص في {ptype} {place} يوم {weekday} الماضي.",
]
NOISE = [
    "وتعمل المنظمات الإنسانية على توزيع المساعدات في مخيمات النازحين مع اقتراب فصل الشتاء.",
    "وأعلنت مديرية الزراعة عن افتتاح مراكز جديدة لتسلم محصول القمح من الفلاحين.",
    "اقرأ أيضاً: ارتفاع أسعار المحروقات في الأسواق المحلية",
]
WHEN = ["اليوم", "مساء أمس", "فجر اليوم الأحد", "يوم الخميس", "صباح اليوم {day} {month}", "ليلة السبت", "قبل يومين"]
MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول"]
WEEKDAYS = ["الأحد", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
ACTORS = ["الأمن العام", "قسد", "النظام", "الجيش السوري", "الأمن الداخلي"]
VICTIMS = ["مدنيين", "أشخاص", "عناصر", "أطفال"]
NUMS = ["ثلاثة", "خمسة", "4", "2", "سبعة", "عشرة"]
PTYPES = ["بلدة", "قرية", "مدينة"]


def generate(n: int, geocoder, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    towns = [p for p in geocoder.places if p.placetype == "locality" and p.admin1 and len(p.name_ar) > 3]
    govs = ["درعا", "دير الزور", "حلب", "إدلب", "حمص", "حماة", "الرقة", "اللاذقية"]

    def fill(t: str) -> str:
        return t.format(
            n=rnd.choice(NUMS), victims=rnd.choice(VICTIMS), ptype=rnd.choice(PTYPES),
            place=rnd.choice(towns).name_ar, gov=rnd.choice(govs), actor=rnd.choice(ACTORS),
            when=rnd.choice(WHEN).format(day=rnd.randint(1, 28), month=rnd.choice(MONTHS)),
            day=rnd.randint(1, 28), month=rnd.choice(MONTHS), weekday=rnd.choice(WEEKDAYS),
        )

    arts = []
    start = date(2023, 1, 1)
    for i in range(n):
        parts = [fill(rnd.choice(LEADS))]
        parts += [fill(rnd.choice(FOLLOWS)) for _ in range(rnd.randint(1, 3))]
        if rnd.random() < 0.6:
            parts.append(fill(rnd.choice(BACKGROUND)))
        parts += [rnd.choice(NOISE) for _ in range(rnd.randint(0, 2))]
        arts.append({"id": f"bench-{i}", "published": (start + timedelta(days=rnd.randint(0, 900))).isoformat(),
                     "text": "\n".join(parts)})
    return arts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--baseline", type=int, default=200, help="articles timed with dateparser (a random sample)")
    ap.add_argument("--gazetteer", type=Path, default=None)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()

    geocoder = Geocoder.load(args.gazetteer)
    ex = Extractor(geocoder)
    arts = generate(args.n, geocoder)
    for a in arts[:50]:  # warm the caches (compiled regexes, lexicon tables)
        ex.extract(a)

    if args.profile:
        import cProfile
        import pstats
        pr = cProfile.Profile()
        pr.enable()
        for a in arts[:1000]:
            ex.extract(a)
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(25)

    times = []
    n_events = 0
    for a in arts:
        t0 = time.perf_counter()
        n_events += len(ex.extract(a))
        times.append((time.perf_counter() - t0) * 1000)
    ours = statistics.median(times)

    from dateparser.search import search_dates

    sample = random.Random(1).sample(arts, min(args.baseline, len(arts)))
    search_dates(sample[0]["text"], languages=["ar"])  # warm-up
    base = []
    for a in sample:
        t0 = time.perf_counter()
        search_dates(a["text"], languages=["ar"])
        base.append((time.perf_counter() - t0) * 1000)
    theirs = statistics.median(base)

    print(f"gazetteer: {'full ' + str(args.gazetteer) if args.gazetteer else 'builtin'}; {len(arts)} generated articles, "
          f"{n_events} events")
    print(f"extractor (everything: normalise, segment, geocode, dates, events): median {ours:.3f} ms/article, "
          f"p95 {sorted(times)[int(0.95 * len(times))]:.3f} ms")
    print(f"dateparser.search_dates(languages=['ar']) on a sample of {len(sample)} of the same articles: "
          f"median {theirs:.1f} ms/article")
    print(f"ratio: {theirs / ours:.0f}x faster")


if __name__ == "__main__":
    main()
