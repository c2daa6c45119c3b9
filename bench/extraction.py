"""Extraction throughput vs dateparser.search_dates, on the same generated texts, in one process.

    python -m bench.extraction [--n 5000] [--baseline 200] [--offline]

The extractor does everything (normalise, segment, geocode, dates, numbers, actors, events);
dateparser.search_dates(text, languages=['ar']) only looks for dates. dateparser takes ~100 ms an
article, so it is timed on a random sample of the articles (the sample size is reported). Both are
warmed up first. The team's own bench/bench_extract.py corpus is timed too, with the same method,
so the two corpora can be compared. Cost against article length is timed on both the generated corpus
and, where ../shared/dev lies beside the checkout, on its real articles (read there, not copied): the
generated articles are shorter than real news, so the per-KB figures are the ones to compare.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path


def load_extractor(offline: bool):
    from etl_project.config import load_settings
    from etl_project.loading import load_extractor

    settings = load_settings()
    gaz = None if offline else settings.gazetteer_dir
    return load_extractor(str(gaz) if gaz else None, str(settings.gazetteer_cache)), gaz


def time_each(fn, items) -> tuple[list[float], list[float]]:
    """Milliseconds per call: wall time, and this thread's CPU time (what a shared machine does not inflate
    by making the process wait for a core)."""
    out, cpu = [], []
    for item in items:
        c0 = time.thread_time()
        t0 = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return out, cpu


def summary(timed: tuple[list[float], list[float]]) -> dict:
    ms, cpu = timed
    ordered = sorted(ms)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ms) - 1))], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "articles_per_s": round(1000 * len(ms) / sum(ms), 1),
        "cpu_median_ms": round(statistics.median(cpu), 3),
    }


def compare(articles: list[dict], extractor, baseline_n: int, seed: int = 1) -> dict:
    from dateparser.search import search_dates

    for a in articles[:50]:  # compiled patterns, lexicon tables, caches
        extractor.extract(a)
    n_events = 0

    def ours(a):
        nonlocal n_events
        n_events += len(extractor.extract(a))

    mine = summary(time_each(ours, articles))
    sample = random.Random(seed).sample(articles, min(baseline_n, len(articles)))
    search_dates(sample[0]["text"], languages=["ar"])
    theirs = summary(time_each(lambda a: search_dates(a["text"], languages=["ar"]), sample))
    return {
        "extractor": mine,
        "events": n_events,
        "dateparser": theirs,
        "dateparser_sampled": len(sample) < len(articles),
        "ratio_median": round(theirs["median_ms"] / mine["median_ms"], 1),
        "ratio_cpu_median": round(theirs["cpu_median_ms"] / mine["cpu_median_ms"], 1),
        "ratio_throughput": round(mine["articles_per_s"] / theirs["articles_per_s"], 1),
    }


SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "dev" / "articles.jsonl"


def by_length(articles: list[dict], extractor, joins=(1, 2, 4, 8), reps: int = 5) -> list[dict]:
    """Cost against article length: texts made of 1, 2, 4, 8 of the given articles, joined by a newline (the
    generated corpus is shorter than real news, ~0.4 KB an article against ~1.8 KB in ../shared/dev: per-KB
    figures compare them). The extractor is timed `reps` times an article (median), dateparser once."""
    from dateparser.search import search_dates

    rows = []
    for k in joins:
        texts = []
        for i, a in enumerate(articles):
            joined = dict(a)
            joined["text"] = "\n".join(articles[(i + j) % len(articles)]["text"] for j in range(k))
            texts.append(joined)
        for a in texts[:3]:
            extractor.extract(a)
            search_dates(a["text"], languages=["ar"])
        ours = [statistics.median(time_each(extractor.extract, [a] * reps)[1]) for a in texts]
        theirs = time_each(lambda a: search_dates(a["text"], languages=["ar"]), texts)[1]
        kb = statistics.median(len(a["text"].encode()) for a in texts) / 1024
        mine, base = statistics.median(ours), statistics.median(theirs)
        rows.append({"articles_joined": k, "median_kb": round(kb, 2), "extractor_cpu_median_ms": round(mine, 3),
                     "extractor_ms_per_kb": round(mine / kb, 3), "dateparser_cpu_median_ms": round(base, 3),
                     "dateparser_ms_per_kb": round(base / kb, 3), "ratio": round(base / mine, 1)})
    return rows


def run(n: int, baseline_n: int, offline: bool, seed: int = 1) -> dict:
    from bench.corpus import generate

    extractor, gaz = load_extractor(offline)
    out = {"gazetteer": f"full ({gaz})" if gaz else "offline (shipped)"}
    corpus = generate(n, seed=seed)
    out["bench_corpus"] = compare(corpus, extractor, baseline_n, seed)
    out["bench_corpus_by_length"] = by_length(random.Random(seed).sample(corpus, min(100, len(corpus))), extractor)
    if SHARED_DEV.exists():  # real articles, read where they lie (never copied into the project)
        real = [json.loads(line) for line in SHARED_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        out["shared_dev_by_length"] = by_length(real, extractor)
    try:
        from bench.bench_extract import generate as team_generate
    except ImportError:  # the extraction engineer's bench is optional here
        return out
    out["bench_extract_corpus"] = compare(team_generate(n, extractor.geocoder, seed=7), extractor, baseline_n, seed)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--baseline", type=int, default=200, help="articles timed with dateparser (a random sample)")
    ap.add_argument("--offline", action="store_true")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.n, args.baseline, args.offline), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
