"""One nightly partition of N generated articles, materialised through Dagster into a fresh DuckDB file.

    python -m bench.partition --n 10000 [--seed 1] [--day 2025-11-12] [--offline] [--profile out.prof]

Meant to run in a process of its own (bench.run starts one per size), so that its peak memory is the
partition's alone. Prints one JSON object on the last line of stdout:
wall time and CPU time of the run, time per step (from the run's STEP_START / STEP_SUCCESS events in the Dagster
instance), peak RSS of the process (and, sampled every 50 ms, per step and with the extraction workers of
ETL_WORKERS added), and the warehouse's row counts. CPU time includes the workers'. The 1-minute load average before and after the run is reported too:
on a shared machine, a wall time well above the CPU time means the run waited for a core.

Everything lives in a temporary folder: the articles (one JSONL file, every article with the same
`published` day), the DuckDB file, DAGSTER_HOME, and an absent sources.yaml so the file is the only source.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def rss_mb() -> float:
    """Current resident set size of this process, in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_s() -> float:
    """User + system CPU seconds of this process so far, every thread (DuckDB's, Polars') included, and of its
    finished child processes (the extraction workers, ETL_WORKERS)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime


def tree_rss_mb() -> float:
    """RSS of this process plus its live descendants (extraction workers), in MB."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo, seen = 0, [os.getpid()], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * page
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def step_windows(instance, run_id: str) -> dict[str, tuple[float, float]]:
    """(start, end) wall-clock timestamps per step, from the run's STEP_START and STEP_SUCCESS events."""
    from dagster import DagsterEventType

    starts: dict[str, float] = {}
    out: dict[str, tuple[float, float]] = {}
    for rec in instance.all_logs(run_id):
        ev = rec.dagster_event
        if ev is None or not rec.step_key:
            continue
        if ev.event_type == DagsterEventType.STEP_START:
            starts[rec.step_key] = rec.timestamp
        elif ev.event_type == DagsterEventType.STEP_SUCCESS and rec.step_key in starts:
            out[rec.step_key] = (starts[rec.step_key], rec.timestamp)
    return out


class RssSampler:
    """Samples this process's RSS every `interval` seconds in a thread, so that the peak of each step
    can be told apart (ru_maxrss gives only the peak of the whole process)."""

    def __init__(self, interval: float = 0.05) -> None:
        import threading

        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), rss_mb(), tree_rss_mb()))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, start: float, end: float, tree: bool = False) -> float | None:
        inside = [(tmb if tree else mb) for t, mb, tmb in self.samples if start <= t <= end]
        return round(max(inside), 1) if inside else None

    def peak_tree(self) -> float | None:
        return round(max(tmb for _, _, tmb in self.samples), 1) if self.samples else None

    def peak_workers(self) -> float | None:
        """The extraction workers' RSS together (the tree less this process), at its highest sample."""
        return round(max(tmb - mb for _, mb, tmb in self.samples), 1) if self.samples else None


def _prepare(n: int, seed: int, day: date, offline: bool, workdir: Path) -> tuple[Path, float]:
    """The generated day of articles, and the settings that point the run at it alone."""
    from bench.corpus import generate, write_jsonl

    articles_dir = workdir / "articles"
    articles_dir.mkdir(parents=True)
    t0 = time.perf_counter()
    write_jsonl(generate(n, seed=seed, published=day), articles_dir / "corpus.jsonl")
    generated_s = time.perf_counter() - t0

    (workdir / "seeds-only.yaml").write_text('jsonl: ["${ETL_SEEDS_DIR}"]\n', encoding="utf-8")
    os.environ.update({
        "ETL_SEEDS_DIR": str(articles_dir),
        "ETL_SOURCES": str(workdir / "seeds-only.yaml"),
        "ETL_WAREHOUSE": str(workdir / "events.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
    })
    if offline:
        os.environ["ETL_GAZETTEER_DIR"] = "offline"
    return articles_dir, generated_s


def _timed_run(job, instance, day: date, profile: Path | None) -> dict:
    """One materialisation of the day, timed, with its CPU, the load around it and its sampled memory."""
    from etl_project.cli import QUIET

    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    load_before = os.getloadavg()[0]
    cpu0 = cpu_s()
    t0 = time.perf_counter()
    with RssSampler() as sampler:
        result = job.execute_in_process(partition_key=day.isoformat(), instance=instance, raise_on_error=False, run_config=QUIET)
    wall = time.perf_counter() - t0
    cpu = cpu_s() - cpu0
    if prof:
        prof.disable()
        prof.dump_stats(str(profile))
    return {"result": result, "wall": wall, "cpu": cpu, "load_before": load_before, "sampler": sampler,
            "peak": peak_rss_mb()}


def run(n: int, seed: int, day: date, offline: bool, workdir: Path, profile: Path | None = None) -> dict:
    articles_dir, generated_s = _prepare(n, seed, day, offline, workdir)
    import warnings

    warnings.filterwarnings("ignore")
    from dagster import DagsterInstance

    from etl_project import warehouse
    from etl_project.cli import _ensure_dagster_home
    from etl_project.config import load_settings
    from etl_project.definitions import build_definitions

    settings = load_settings()
    _ensure_dagster_home()
    instance = DagsterInstance.get()
    job = build_definitions(settings).resolve_job_def("nightly_events")
    rss_before = rss_mb()
    t = _timed_run(job, instance, day, profile)
    result, wall, sampler = t["result"], t["wall"], t["sampler"]

    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM articles GROUP BY 1").fetchall())
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        n_quarantine = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    windows = step_windows(instance, result.run_id)
    steps = {k: end - start for k, (start, end) in windows.items()}
    return {
        "articles": n,
        "success": result.success,
        "gazetteer": "offline (shipped)" if offline or settings.gazetteer_dir is None else f"full ({settings.gazetteer_dir})",
        "wall_s": round(wall, 3),
        "articles_per_s": round(n / wall, 1),
        "cpu_s": round(t["cpu"], 3),
        "loadavg_1min": [round(t["load_before"], 2), round(os.getloadavg()[0], 2)],
        "steps_s": {k: round(v, 3) for k, v in steps.items()},
        "steps_share": {k: round(v / wall, 3) for k, v in steps.items()},
        "peak_rss_mb": round(t["peak"], 1),
        "steps_peak_rss_mb": {k: sampler.peak_between(start, end) for k, (start, end) in windows.items()},
        # the run's process and its extraction workers together (sampled every 50 ms), and the biggest worker alone
        "peak_rss_with_workers_mb": sampler.peak_tree(),
        "steps_peak_rss_with_workers_mb": {k: sampler.peak_between(start, end, tree=True) for k, (start, end) in windows.items()},
        # the workers' own RSS, sampled; their ru_maxrss (RUSAGE_CHILDREN) is not it: a spawned process inherits the
        # high-water mark of the process it was forked from (this one, at the time the pool started) across exec
        "peak_rss_workers_mb": sampler.peak_workers(),
        "peak_rss_worker_ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "workers": settings.workers,
        "rss_before_run_mb": round(rss_before, 1),
        "corpus_mb": round((articles_dir / "corpus.jsonl").stat().st_size / 2**20, 1),
        "generate_s": round(generated_s, 2),
        "ledger": statuses,
        "events": n_events,
        "quarantined_rows": n_quarantine,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--day", type=date.fromisoformat, default=date(2025, 11, 12))
    ap.add_argument("--offline", action="store_true", help="use the shipped gazetteer even when the full one is found")
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the run to this file")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="etl-bench-") as tmp:
        out = run(args.n, args.seed, args.day, args.offline, Path(tmp), args.profile)
    print(json.dumps(out, ensure_ascii=False))
    return 0 if out["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
