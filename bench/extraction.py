"""Extraction throughput vs dateparser.search_dates, on the same generated texts, in one process.

    python -m bench.extraction [--n 5000] [--baseline 200] [--offline]

The extractor does everything (normalise, segment, geocode, dates, numbers, actors, events);
dateparser.search_dates(text, languages=['ar']) only looks for dates. dateparser takes ~100 ms an
article, so it is timed on a random sample of the articles (the sample size is reported). Both are
warmed up first. The team's own bench/bench_extract.py corpus is timed too, with the same method,
so the two corpora can be compared.
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
    from etl_project.resources import _load_extractor

    settings = load_settings()
    gaz = None if offline else settings.gazetteer_dir
    return _load_extractor(str(gaz) if gaz else None, str(settings.gazetteer_cache)), gaz


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


def run(n: int, baseline_n: int, offline: bool, seed: int = 1) -> dict:
    from bench.corpus import generate

    extractor, gaz = load_extractor(offline)
    out = {"gazetteer": f"full ({gaz})" if gaz else "offline (shipped)"}
    out["bench_corpus"] = compare(generate(n, seed=seed), extractor, baseline_n, seed)
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
