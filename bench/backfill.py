"""Backfills through `etl-project run --from/--to` (the CLI's own code path), and big single days, in one command.

    .venv/bin/python -m bench.backfill [--year-days 365] [--month-days 30] [--per-day 1000] [--sizes 4000,40000,100000]
                                       [--baseline-days 30] [--offline] [--skip year,baseline,month,workers,days]

1. year: the bundled seeds (37 articles over six days) and `--year-days` days from the first partition, almost
   all of them empty: wall time, the runs it took, peak memory (target: a year under 60 s);
2. baseline: the same seeds over `--baseline-days` days three ways, in this run: one Dagster run a day (the path
   before issue 17), every day through the job 7 days a run (`--every-day`: what a backfill launched in the UI
   does), and `run` as it is (days with no record recorded as empty, no run); the ratios are the speed-ups;
3. month: `--month-days` days of `--per-day` generated articles each (bench.corpus), one JSONL file a day;
4. workers: the seconds a fresh process takes to be ready to extract, importing what a spawned extraction worker
   imports now (etl_project.extract_worker) against what it imported before (etl_project.pipeline);
5. days: one day of each of `--sizes` articles (bench.partition, a process each): wall time and peak RSS
   (targets: 100k under 120 s and under 1 GB; 40k within 1.3x the memory of 4k).

Each scenario runs in a fresh process in a temporary folder (its own warehouse, DAGSTER_HOME and sources), so its
peak memory is its own. Prints a table, then the JSON, also written to bench/results/backfill.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
FIRST_DAY = date(2025, 11, 10)


def _env(workdir: Path, articles: Path, offline: bool) -> dict:
    (workdir / "seeds-only.yaml").write_text('jsonl: ["${ETL_SEEDS_DIR}"]\n', encoding="utf-8")
    env = {**os.environ, "ETL_SEEDS_DIR": str(articles), "ETL_SOURCES": str(workdir / "seeds-only.yaml"),
           "ETL_WAREHOUSE": str(workdir / "events.duckdb"), "DAGSTER_HOME": str(workdir / "dagster_home"),
           "ETL_FIRST_DAY": FIRST_DAY.isoformat()}
    if offline:
        env["ETL_GAZETTEER_DIR"] = str(workdir / "no-gazetteer")
    return env


MODES = {
    "now": [],  # days with no record are recorded as empty, with no run (etl_project.empty_days)
    "every_day": ["--every-day"],  # every day through the job, 7 a run: what a backfill launched in the UI does
    "one_run_a_day": ["--every-day"],  # and ETL_DAYS_PER_RUN=1: the path before issue 17
}


def cli_range(first: date, last: date, mode: str) -> dict:
    """In this process (started by `scenario`): `run --from first --to last` the way `mode` says (MODES)."""
    import warnings

    warnings.filterwarnings("ignore")
    from etl_project.cli import main

    t0 = time.perf_counter()
    if mode == "one_run_a_day":  # the pre-issue-17 path: a Dagster run (and a freshness check) per day
        os.environ["ETL_DAYS_PER_RUN"] = "1"
    code = main(["run", "--from", first.isoformat(), "--to", last.isoformat(), *MODES[mode]])
    wall = time.perf_counter() - t0
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        runs = sum(1 for r in instance.get_runs() if r.job_name == "nightly_events")
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"days": (last - first).days + 1, "exit": code, "wall_s": round(wall, 2), "runs": runs,
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 2), "peak_rss_mb": round(ru.ru_maxrss / 1024, 1)}


def scenario(name: str, days: int, per_day: int, offline: bool, mode: str = "now") -> dict:
    """Run one scenario in a fresh process in a temporary folder; its JSON line back, with the load average before
    and after (the machine is shared: a wall time far above the CPU time waited for a core)."""
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="etl-bench-bf-") as tmp:
        work = Path(tmp)
        articles = work / "articles"
        articles.mkdir()
        if per_day:
            from bench.corpus import generate, write_jsonl

            for i in range(days):
                day = FIRST_DAY + timedelta(days=i)
                write_jsonl(generate(per_day, seed=i + 1, published=day, id_prefix=f"d{i}"), articles / f"{day}.jsonl")
        else:
            shutil.copy(ROOT / "seeds" / "articles.jsonl", articles / "articles.jsonl")
        last = FIRST_DAY + timedelta(days=days - 1)
        cmd = [sys.executable, "-m", "bench.backfill", "--child", FIRST_DAY.isoformat(), last.isoformat(), "--mode", mode]
        done = subprocess.run(cmd, cwd=ROOT, env=_env(work, articles, offline), capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    out = json.loads(lines[-1]) if lines else {"exit": done.returncode, "error": done.stderr[-1500:]}
    return {"scenario": name, "articles_per_day": per_day or "seeds", **out, "loadavg_1min": [load, round(os.getloadavg()[0], 2)]}


def big_day(n: int, offline: bool) -> dict:
    cmd = [sys.executable, "-m", "bench.partition", "--n", str(n)] + (["--offline"] if offline else [])
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"articles": n, "success": False, "error": done.stderr[-1500:]}
    r = json.loads(lines[-1])
    return {k: r[k] for k in ("articles", "success", "wall_s", "cpu_s", "peak_rss_mb", "peak_rss_with_workers_mb",
                              "steps_s", "steps_peak_rss_mb", "workers", "events", "loadavg_1min")}


_WORKER_START = ("import time, sys; t = time.perf_counter(); import {module}; from etl_project.loading import load_extractor;"
                 "from etl_project.config import load_settings; s = load_settings();"
                 "load_extractor(str(s.gazetteer_dir) if s.gazetteer_dir else None, str(s.gazetteer_cache));"
                 "heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {{'dagster', 'pandera', 'duckdb'}});"
                 "print(round(time.perf_counter() - t, 3), ','.join(heavy) or '-')")


def worker_start(rounds: int = 3) -> dict:
    """Seconds for a fresh process to be ready to extract, as a spawned worker is: importing what the worker imports
    now (etl_project.extract_worker) against what it imported before (etl_project.pipeline), alternating."""
    out: dict = {"now": [], "before": []}
    for _ in range(rounds):
        for key, module in (("now", "etl_project.extract_worker"), ("before", "etl_project.pipeline")):
            done = subprocess.run([sys.executable, "-c", _WORKER_START.format(module=module)], cwd=ROOT,
                                  capture_output=True, text=True)
            seconds, heavy = done.stdout.split()
            out[key].append(float(seconds))
            out[f"{key}_imports"] = heavy
    out["ratio_before_over_now"] = round(sorted(out["before"])[rounds // 2] / sorted(out["now"])[rounds // 2], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year-days", type=int, default=365)
    ap.add_argument("--baseline-days", type=int, default=30)
    ap.add_argument("--month-days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=1000)
    ap.add_argument("--sizes", default="4000,40000,100000")
    ap.add_argument("--offline", action="store_true")
    ap.add_argument("--skip", default="", help="scenarios to leave out: year, baseline, month, workers, days")
    ap.add_argument("--child", nargs=2, type=date.fromisoformat, help=argparse.SUPPRESS)
    ap.add_argument("--mode", choices=list(MODES), default="now", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(cli_range(*args.child, mode=args.mode)))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    out: dict = {"loadavg_at_start": [round(x, 2) for x in os.getloadavg()], "nproc": os.cpu_count()}
    if "year" not in skip:
        out["year"] = scenario("year of seeds", args.year_days, 0, args.offline)
    if "baseline" not in skip:
        old = scenario("seeds, one run a day (before #17)", args.baseline_days, 0, args.offline, mode="one_run_a_day")
        every = scenario("seeds, --every-day (as a UI backfill)", args.baseline_days, 0, args.offline, mode="every_day")
        new = scenario("seeds, run --from/--to (now)", args.baseline_days, 0, args.offline)
        out["baseline"] = {"before": old, "every_day": every, "now": new,
                           "speedup": _ratio(old, new), "speedup_over_every_day": _ratio(every, new)}
    if "month" not in skip:
        out["month"] = scenario(f"{args.month_days} days x {args.per_day}", args.month_days, args.per_day, args.offline)
    if "workers" not in skip:
        out["worker_start_s"] = worker_start()
    if "days" not in skip:
        out["days"] = [big_day(int(n), args.offline) for n in args.sizes.split(",") if n]
    _print_table(out)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backfill.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _ratio(slow: dict, fast: dict) -> float | None:
    return round(slow["wall_s"] / fast["wall_s"], 2) if "wall_s" in slow and "wall_s" in fast else None


def _print_table(out: dict) -> None:
    rows = [out.get("year"), *(out.get("baseline", {}).get(k) for k in ("before", "every_day", "now")), out.get("month")]
    for r in filter(None, rows):
        print(f"{r['scenario']:<38} {r.get('days', '?'):>4} days  {r.get('runs', '?'):>3} runs  "
              f"{r.get('wall_s', '?'):>8} s  {r.get('cpu_s', '?'):>7} s CPU  {r.get('peak_rss_mb', '?'):>7} MB  "
              f"load {r.get('loadavg_1min')}  exit {r.get('exit')}")
    if out.get("baseline", {}).get("speedup"):
        print(f"speed-up of run --from/--to over one run a day: {out['baseline']['speedup']}x, "
              f"over every day through the job: {out['baseline']['speedup_over_every_day']}x")
    if out.get("worker_start_s"):
        w = out["worker_start_s"]
        print(f"a worker ready to extract: {w['now']} s now, {w['before']} s before ({w['ratio_before_over_now']}x);"
              f" heavy imports now: {w['now_imports']}, before: {w['before_imports']}")
    for d in out.get("days", []):
        print(f"one day of {d['articles']:>7} articles  {d.get('wall_s', '?'):>8} s  {d.get('peak_rss_mb', '?'):>7} MB "
              f"(with workers {d.get('peak_rss_with_workers_mb', '?')} MB)  success {d.get('success')}")


if __name__ == "__main__":
    sys.exit(main())
