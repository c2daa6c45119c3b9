"""The project's benchmark, in one command: extraction speed, a nightly partition, scaling.

    .venv/bin/python -m bench.run [--sizes 1000,10000,100000] [--quick] [--offline] [--extract-n 5000] [--baseline 200]

1. extraction throughput on generated articles (bench.corpus) vs dateparser.search_dates on the same
   texts, in one process (dateparser on a random sample: it takes ~100 ms an article);
2. for each size, a whole partition of that many articles (one JSONL file, one `published` day)
   materialised through Dagster's `nightly_events` job into a fresh DuckDB file, each in a process of
   its own (bench.partition) so that its peak memory is its own: wall and CPU time, peak RSS, the
   share of each step;
3. scaling: the growth of time and memory per tenfold.

Prints a table, then the JSON, which is also written to bench/results/latest.json. Targets (reported,
never asserted): extraction ≥ 100× dateparser; 10k articles end to end < 60 s on 2 cores; < 1 GB at 100k.
`--quick` is 1,000 extraction articles, a 50-article dateparser sample and sizes 1000,10000.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 100
TARGET_10K_S = 60
TARGET_PEAK_MB = 1024


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": mem_gb, "python": platform.python_version(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def run_partition(n: int, offline: bool, seed: int) -> dict:
    cmd = [sys.executable, "-m", "bench.partition", "--n", str(n), "--seed", str(seed)] + (["--offline"] if offline else [])
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"articles": n, "success": False, "error": done.stderr[-1500:]}
    return json.loads(lines[-1])


def growth(parts: list[dict]) -> list[dict]:
    ok = sorted((p for p in parts if p.get("success")), key=lambda p: p["articles"])
    out = []
    for a, b in zip(ok, ok[1:]):
        if b["articles"] == 10 * a["articles"]:
            out.append({"from": a["articles"], "to": b["articles"],
                        "time_x": round(b["wall_s"] / a["wall_s"], 2), "cpu_x": round(b["cpu_s"] / a["cpu_s"], 2),
                        "peak_rss_x": round(b["peak_rss_mb"] / a["peak_rss_mb"], 2),
                        "added_rss_x": round((b["peak_rss_mb"] - b["rss_before_run_mb"])
                                             / max(a["peak_rss_mb"] - a["rss_before_run_mb"], 1e-9), 2)})
    return out


def verdicts(result: dict) -> list[str]:
    out = []
    ex = result.get("extraction", {}).get("bench_corpus")
    if ex:
        r = ex["ratio_median"]
        out.append(f"extraction vs dateparser: {r}x by median ({'met' if r >= TARGET_RATIO else 'MISSED'}, target ≥{TARGET_RATIO}x)")
    for p in result.get("partitions", []):
        if p.get("articles") == 10_000 and p.get("success"):
            ok = p["wall_s"] < TARGET_10K_S
            out.append(f"10k partition: {p['wall_s']} s wall, {p['cpu_s']} s CPU "
                       f"({'met' if ok else 'MISSED'}, target <{TARGET_10K_S} s)")
        if p.get("articles") == 100_000 and p.get("success"):
            # the run's process and its extraction workers together: the memory the machine must have
            peak = max(p["peak_rss_mb"], p.get("peak_rss_with_workers_mb") or 0)
            ok = peak < TARGET_PEAK_MB
            out.append(f"100k peak memory: {peak} MB with the workers, {p['peak_rss_mb']} MB in the run's process "
                       f"({'met' if ok else 'MISSED'}, target <{TARGET_PEAK_MB} MB)")
    if not any(p.get("articles") == 100_000 for p in result.get("partitions", [])):
        out.append("100k partition: not run (add 100000 to --sizes)")
    return out


def table(result: dict) -> str:
    lines = []
    m = result["machine"]
    lines.append(f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}, "
                 f"load average at start {m['loadavg_at_start']}")
    ex = result.get("extraction")
    if ex:
        lines.append(f"gazetteer: {ex['gazetteer']}")
        lines.append(f"{'corpus':<22} {'articles':>8} {'extractor ms (median/p95)':>26} {'CPU ms':>7} {'art/s':>8} "
                     f"{'dateparser ms (median)':>22} {'sample':>6} {'ratio (median)':>14}")
        for name in ("bench_corpus", "bench_extract_corpus"):
            c = ex.get(name)
            if c:
                e, d = c["extractor"], c["dateparser"]
                lines.append(f"{name:<22} {e['n']:>8} {e['median_ms']:>13.3f} / {e['p95_ms']:<10.3f} {e.get('cpu_median_ms', 0):>7.3f} {e['articles_per_s']:>8.0f} "
                             f"{d['median_ms']:>22.1f} {d['n']:>6} {c['ratio_median']:>13.0f}x")
        for name in ("bench_corpus_by_length", "shared_dev_by_length"):
            rows = ex.get(name)
            if rows:
                lines.append(f"{name}: {'joined':>6} {'KB':>6} {'extractor ms':>12} {'ms/KB':>6} {'dateparser ms':>13} {'ms/KB':>6} {'ratio':>6}")
                for r in rows:
                    lines.append(f"{'':<{len(name) + 1}} {r['articles_joined']:>6} {r['median_kb']:>6.2f} {r['extractor_cpu_median_ms']:>12.3f} "
                                 f"{r['extractor_ms_per_kb']:>6.3f} {r['dateparser_cpu_median_ms']:>13.3f} {r['dateparser_ms_per_kb']:>6.3f} {r['ratio']:>5.1f}x")
    parts = result.get("partitions", [])
    if parts:
        lines.append("")
        lines.append(f"{'articles':>8} {'wall s':>8} {'CPU s':>8} {'art/s':>7} {'peak MB':>8} {'+workers':>8} {'events':>7}  "
                     "step shares (raw / extract / validate / warehouse)")
        for p in parts:
            if not p.get("success"):
                lines.append(f"{p['articles']:>8} FAILED: {p.get('error', '')[-200:]}")
                continue
            s = p["steps_share"]
            shares = " / ".join(f"{100 * s.get(k, 0):.0f}%" for k in ("raw_articles", "extracted_incidents",
                                                                      "validated_incidents", "warehouse_tables"))
            lines.append(f"{p['articles']:>8} {p['wall_s']:>8.1f} {p['cpu_s']:>8.1f} {p['articles_per_s']:>7.0f} "
                         f"{p['peak_rss_mb']:>8.0f} {p.get('peak_rss_with_workers_mb') or 0:>8.0f} {p['events']:>7}  {shares}"
                         f"   (load {p['loadavg_1min']}, {p.get('workers', 1)} workers)")
    for g in result.get("growth", []):
        lines.append(f"×10 ({g['from']} → {g['to']}): time ×{g['time_x']}, CPU ×{g['cpu_x']}, peak RSS ×{g['peak_rss_x']} "
                     f"(memory added by the run ×{g['added_rss_x']})")
    lines.append("")
    lines += result.get("verdicts", [])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=None, help="partition sizes, comma-separated (default 1000,10000,100000)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--offline", action="store_true", help="the shipped gazetteer even when the full one is found")
    ap.add_argument("--extract-n", type=int, default=None)
    ap.add_argument("--baseline", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-extraction", action="store_true")
    ap.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000")).split(",") if s]
    extract_n = args.extract_n or (1000 if args.quick else 5000)
    baseline = args.baseline or (50 if args.quick else 200)

    result: dict = {"started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "sizes_requested": sizes}
    if not args.skip_extraction:
        from bench.extraction import run as run_extraction

        result["extraction"] = run_extraction(extract_n, baseline, args.offline, seed=args.seed)
    result["partitions"] = []
    for n in sizes:
        print(f"partition of {n} articles …", file=sys.stderr, flush=True)
        result["partitions"].append(run_partition(n, args.offline, args.seed))
    result["growth"] = growth(result["partitions"])
    result["verdicts"] = verdicts(result)
    print(table(result))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if all(p.get("success") for p in result["partitions"]) else 1


if __name__ == "__main__":
    sys.exit(main())
