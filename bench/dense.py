"""Dense text: the cost of one article packed with incidents, at n incident sentences and at 4n (issue 15).

    python -m bench.dense [--n 400] [--offline]

Prints, for n and 4n sentences: characters, events, this thread's CPU time, and the extractor's work in
units that do not depend on the machine: Python and C function calls (sys.setprofile). Linear cost gives a
ratio of 4 between the two; quadratic, 16. tests/test_dense_text.py holds the call ratio under a bound.
"""
from __future__ import annotations

import argparse
import sys
import time

TOWNS = ("طفس", "منبج", "الميادين", "البوكمال", "جاسم", "نوى", "سراقب", "أريحا", "تلبيسة", "الرستن", "دوما", "حرستا",
         "القورية", "العشارة", "الباب", "جرابلس", "اعزاز", "تل رفعت")
SENTENCES = (
    "قتل {n} مدنيين بقصف مدفعي على بلدة {t} صباح اليوم.",
    "واندلعت اشتباكات عنيفة في مدينة {t} أسفرت عن مقتل {n} عناصر.",
    "وانفجرت عبوة ناسفة في سيارة عسكرية قرب {t} ما أدى إلى إصابة {n} جنود.",
    "واعتقلت قوات الأمن {n} أشخاص في بلدة {t}.",
)


def dense_article(sentences: int, article_id: str = "dense") -> dict:
    """An article of `sentences` incident sentences: four kinds of incident in 18 towns, each with its toll."""
    text = " ".join(SENTENCES[i % len(SENTENCES)].format(n=2 + i % 7, t=TOWNS[i % len(TOWNS)]) for i in range(sentences))
    return {"id": article_id, "text": text, "published": "2025-11-12"}


def work_units(extractor, article: dict) -> int:
    """Function calls (Python and C) made while extracting `article`: the same input always gives the same count."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        extractor.extract(article)
    finally:
        sys.setprofile(None)
    return calls


def main() -> None:
    from bench.extraction import load_extractor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--offline", action="store_true")
    args = parser.parse_args()
    extractor, gaz = load_extractor(args.offline)
    extractor.extract(dense_article(10))  # warm up the caches
    print(f"gazetteer: {gaz or 'offline'}")
    rows = []
    for n in (args.n, 4 * args.n):
        article = dense_article(n)
        t0 = time.thread_time()
        events = extractor.extract(article)
        cpu = time.thread_time() - t0
        rows.append((n, len(article["text"]), len(events), cpu, work_units(extractor, article)))
    for n, chars, events, cpu, units in rows:
        print(f"{n:6d} sentences {chars:8d} chars {events:4d} events {cpu:7.2f} s CPU {units:10d} calls")
    print(f"4x the text: CPU x{rows[1][3] / rows[0][3]:.1f}, calls x{rows[1][4] / rows[0][4]:.1f} (linear 4, quadratic 16)")


if __name__ == "__main__":
    main()
