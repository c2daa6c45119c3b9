"""`etl-project`: run the pipeline, extract without a warehouse, query and inspect the warehouse.

Errors are one line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from etl_project.cli_common import UsageError, parse_date as _date
from etl_project.cli_export import add_export_parser, add_map_parser
from etl_project.cli_progress import PartitionProgress
from etl_project.config import dagster_home, load_settings


# The run log stays in the Dagster instance (see `dagster dev`); the terminal gets the summary, and one line
# per failed step (`_failures`). `run --debug` shows Dagster's own error log, tracebacks included.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DEBUG = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def _failures(result) -> list[str]:
    """One line per failed step of a Dagster result: the step and the error's last line, no traceback."""
    lines = []
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = getattr(event.event_specific_data, "error", None)
        while error is not None and error.cause is not None and "Error occurred while executing" in (error.message or ""):
            error = error.cause  # Dagster's wrapper: the user's own error is its cause
        message = (error.message if error is not None else "failed").strip().splitlines()
        lines.append(f"step {event.step_key}: {message[-1] if message else 'failed'}")
    return lines


def _gazetteer_in_use(folder: Path | None) -> str:
    """The gazetteer a run uses, said plainly (a configured folder that holds none is refused by load_settings)."""
    return "offline (shipped) gazetteer" if folder is None else str(folder)


def _check_warehouse_file(path: Path) -> None:
    """A warehouse file that DuckDB cannot open is named as such, before any step writes to it."""
    import duckdb

    from etl_project import warehouse

    if not isinstance(path, Path) or not path.exists():  # a DuckLake (`ducklake:…`) is checked when attached
        return
    try:
        with warehouse.connect(path, read_only=True) as con:
            con.execute("SELECT count(*) FROM information_schema.tables").fetchone()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"the warehouse {path} is not a readable DuckDB database ({first}); "
                         "move it aside and run again, or restore it from a backup") from None


def _ensure_dagster_home() -> Path:
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("concurrency:\n  pools:\n    default_limit: 1\n    granularity: op\ntelemetry:\n  enabled: false\n", encoding="utf-8")
    return home


PID_TAG = "etl/pid"


def _release_dead_runs(instance) -> list[str]:
    """Runs of this CLI whose process is gone (killed: SIGKILL, OOM, power) stay STARTED and keep
    their `duckdb_writer` pool slot for ever, so every later run would wait on it. Each run we start
    carries its process id; a STARTED run whose process no longer exists is marked failed and its
    slots are freed. The warehouse itself needs no repair: its file lock died with the process and
    the uncommitted transaction with it."""
    from dagster import DagsterRunStatus, RunsFilter

    released = []
    for run in instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])):
        pid = run.tags.get(PID_TAG)
        if not pid or not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        instance.report_run_failed(run, f"its process {pid} is gone (killed); released by a later `etl-project run`")
        released.append(run.run_id)
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _partitions_asked(args, settings) -> list[date]:
    """The partition days named by --date, --from/--to or --all."""
    from etl_project import ingest

    if args.date and (args.from_date or args.to_date):
        raise UsageError("--date and --from/--to name different days: give one of them")
    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    for path in config.jsonl_paths:
        if not path.exists():
            raise UsageError(f"the sources ({settings.sources_file}) list {path}, which does not exist")
    if args.all:
        return ingest.partitions_with_articles(config, settings.timezone)
    if args.from_date or args.to_date:
        if not (args.from_date and args.to_date):
            raise UsageError("--from and --to go together")
        if args.to_date < args.from_date:
            raise UsageError("--to is before --from")
        return [args.from_date + timedelta(days=i) for i in range((args.to_date - args.from_date).days + 1)]
    if args.date:
        return [args.date]
    raise UsageError("say which partitions: --date YYYY-MM-DD, --from/--to, or --all")


def _available(partitions: list[date], settings) -> list[date]:
    """The days among `partitions` that are partitions yet (the others are named and left out)."""
    from etl_project.assets.partitions import daily_partitions

    available = set(daily_partitions.get_partition_keys())
    waiting = [d for d in partitions if d.isoformat() not in available]
    if waiting:
        print(f"not yet a partition (the day has not ended in {settings.timezone}, or is before the first partition, "
              f"{daily_partitions.start.date()}; ETL_FIRST_DAY sets it): " + ", ".join(str(d) for d in waiting))
    return [d for d in partitions if d.isoformat() in available]


def runs_of(days: list[date], per_run: int) -> list[list[date]]:
    """The runs that load `days`, as a backfill's policy makes them: consecutive days, at most `per_run` a run."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and len(runs[-1]) < per_run and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _range_tags(days: list[date]) -> dict:
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    return {ASSET_PARTITION_RANGE_START_TAG: days[0].isoformat(), ASSET_PARTITION_RANGE_END_TAG: days[-1].isoformat()}


@dataclass
class _RunTally:
    """What a run of several partitions read, and the outcome of its checks."""

    totals: dict = field(default_factory=lambda: {"articles": 0, "events": 0, "no_events": 0, "duplicate": 0,
                                                  "quarantined": 0})
    passed: int = 0
    warned: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def add_checks(self, result) -> None:
        passed, warned, failed = _checks(result)
        self.passed += passed
        self.warned += warned
        self.failed += failed

    def report(self, warehouse_path) -> int:
        totals = self.totals
        print(f"articles read: {totals['articles']} ({totals['events']} with events, {totals['no_events']} without, "
              f"{totals['duplicate']} duplicates, {totals['quarantined']} quarantined)")
        print(f"events in the warehouse: {_warehouse_event_count(warehouse_path)}")
        print(f"checks: {self.passed} passed, {len(self.warned)} warned, {len(self.failed)} failed")
        for w in self.warned:
            print(f"  warn: {w}")
        for f in self.failed:
            print(f"  FAILED: {f}")
        return 1 if self.failed else 0


def cmd_run(args) -> int:
    settings = load_settings()
    partitions = _partitions_asked(args, settings)
    if not partitions:
        print("no articles in the configured sources: nothing to run")
        return 0
    partitions = _available(partitions, settings)

    _ensure_dagster_home()
    from dagster import DagsterInstance, materialize

    from etl_project.assets.gazetteer import places
    from etl_project.definitions import build_definitions, build_resources

    defs = build_definitions(settings)
    instance = _open_instance(DagsterInstance)
    for run_id in _release_dead_runs(instance):
        print(f"run {run_id} was killed before it finished: marked failed, its writer slot released")
    tags = {PID_TAG: str(os.getpid())}
    resources = build_resources(settings)
    tally = _RunTally()

    print(f"warehouse: {settings.warehouse_path}")
    print(f"gazetteer: {_gazetteer_in_use(settings.gazetteer_dir)}")
    _check_warehouse_file(settings.warehouse_path)
    log = DEBUG if getattr(args, "debug", False) else QUIET
    gaz = materialize([places], resources=resources, instance=instance, raise_on_error=False, run_config=log,
                      tags=tags)
    if not gaz.success:
        raise UsageError("the gazetteer step failed: " + "; ".join(_failures(gaz) or ["see `dagster dev`"]))
    tally.add_checks(gaz)

    job = defs.resolve_job_def("nightly_events")
    with PartitionProgress(len(partitions)) as progress:
        to_run = partitions if getattr(args, "every_day", False) else _record_empty_days(partitions, settings, resources, instance, progress)
        for days in runs_of(to_run, settings.days_per_run):
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=log,
                                            tags={**tags, **_range_tags(days)})
            _tally_run(result, days, settings, tally, progress)
    freshness = defs.resolve_job_def("warehouse_freshness").execute_in_process(
        instance=instance, raise_on_error=False, run_config=log, tags=tags)
    tally.add_checks(freshness)
    return tally.report(settings.warehouse_path)


def _record_empty_days(partitions: list[date], settings, resources: dict, instance, progress: PartitionProgress) -> list[date]:
    """Record the asked days that have no record, and had none loaded, as looked at and empty, with no run
    (etl_project.empty_days); the days the job must run."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from etl_project import empty_days, ingest, warehouse
    from etl_project.pipeline import extractor_version

    config = ingest.SourceConfig.load(settings.sources_file, settings.seeds_dir)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    with_records = set(ingest.partitions_with_articles(config, settings.timezone, today))
    fetched = empty_days.fetched_days(config, partitions, today)
    if all(d in with_records or d in fetched for d in partitions):
        return partitions  # every day has records: no need to open the warehouse for the others
    with warehouse.connect(settings.warehouse_path) as con:
        loaded = empty_days.loaded_days(con, min(partitions), max(partitions)) if partitions else set()
        to_run, empty = empty_days.days_to_run(partitions, with_records, loaded, fetched)
        if empty:
            version = extractor_version(resources["extractor"].get())
            empty_days.record_empty_days(resources["staging"].files(instance), con, empty, version)
    empty_days.report_empty_days(instance, empty)
    for day in empty:
        progress.partition(f"{day}: 0 articles, no record in the sources (recorded as empty, no run)")
    return to_run


def _tally_run(result, days: list[date], settings, tally: _RunTally, progress: PartitionProgress) -> None:
    """One run's days on the progress bar, their counts and their checks in the tally."""
    span = str(days[0]) if len(days) == 1 else f"{days[0]}..{days[-1]}"
    if not result.success:
        why = "".join(f"\n  {span}: {line}" for line in _failures(result))
        for day in days:
            progress.failed(f"{day}: FAILED (run {result.run_id}, days {span}); see `dagster dev` for the log{why}")
            why = ""
            tally.failed.append(f"{day}: run failed")
        return
    for day in days:
        counts = _partition_counts(settings.warehouse_path, day)
        for k, v in counts.items():
            tally.totals[k] = tally.totals.get(k, 0) + v
        progress.partition(f"{day}: {counts['articles']} articles, {counts['events']} with events, "
                           f"{counts['quarantined']} quarantined, {counts['duplicate']} duplicates")
    tally.add_checks(result)


def _open_instance(instance_class):
    """Open the Dagster instance; two runs starting at once on a fresh DAGSTER_HOME would otherwise race
    to create its SQLite tables ("table ... already exists"), so creation is serialised by a file lock."""
    import fcntl

    with open(dagster_home() / ".instance.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            instance = instance_class.get()
            instance.get_runs(limit=1)  # touches every storage, so each is created under the lock
            return instance
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _checks(result) -> tuple[int, list[str], list[str]]:
    """Check outcomes of a run: (passed, warnings, errors). A failed WARN check is a warning."""
    from dagster import AssetCheckSeverity

    passed, warned, failed = 0, [], []
    for ev in result.get_asset_check_evaluations():
        if ev.passed:
            passed += 1
            continue
        why = ev.description or ", ".join(f"{k}={v.value}" for k, v in ev.metadata.items())
        line = (f"{ev.partition}: " if ev.partition else "") + f"{ev.check_name} on {ev.asset_key.to_user_string()}: {why}"
        (warned if ev.severity == AssetCheckSeverity.WARN else failed).append(line)
    return passed, warned, failed


def _partition_counts(path: Path, day: date) -> dict:
    from etl_project import warehouse

    with warehouse.connect(path, read_only=True) as con:
        rows = dict(con.execute("SELECT status, count(*) FROM articles WHERE partition_date = ? GROUP BY 1", [day]).fetchall())
    return {"articles": sum(rows.values()), "events": rows.get("events", 0), "no_events": rows.get("no_events", 0),
            "duplicate": rows.get("duplicate", 0), "quarantined": rows.get("quarantined", 0)}


def _warehouse_event_count(path: Path) -> int:
    from etl_project import warehouse

    with warehouse.connect(path, read_only=True) as con:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]


def cmd_extract(args) -> int:
    from etl_project.extractor import Extractor, extract_jsonl
    from etl_project.geo.geocoder import Geocoder

    settings = load_settings()
    if not args.input.exists():
        raise UsageError(f"no such input file: {args.input}")
    if not args.output.parent.is_dir():
        raise UsageError(f"no such folder for the output: {args.output.parent}")
    geocoder = Geocoder.load(settings.gazetteer_dir, settings.gazetteer_cache)
    from etl_project.extraction.confidence import MIN_CONFIDENCE

    floor = next(f for f in (args.min_confidence, settings.min_confidence, MIN_CONFIDENCE) if f is not None)
    if not 0.0 <= floor <= 1.0:
        raise UsageError(f"--min-confidence is a chance between 0 and 1, not {floor}")
    stats = extract_jsonl(args.input, args.output, Extractor(geocoder, min_confidence=floor))
    print(_describe(stats), file=sys.stderr)
    if stats.get("articles") == 0 and stats.get("skipped"):
        raise UsageError(f"no line of {args.input} is an article ({stats['skipped']} skipped: "
                         + ", ".join(f"{k} {v}" for k, v in stats["skipped_reasons"].items()) + ")")
    return 0


def _cmd_calibrate(args) -> int:
    from etl_project.calibration_fit import cmd_calibrate

    args.set = args.set or [args.shared / "dev", args.shared / "dev2"]
    return cmd_calibrate(args)


def _describe(stats) -> str:
    if isinstance(stats, dict):
        return ", ".join(f"{k}: {v}" for k, v in stats.items() if not isinstance(v, (list, dict)))
    return str(stats)


def cmd_query(args) -> int:
    from etl_project import warehouse

    settings = load_settings()
    sql = args.sql if args.sql != "-" else sys.stdin.read()
    try:
        sql = warehouse.query_statement(sql)
    except warehouse.QueryRefused as exc:
        raise UsageError(f"SQL error: {exc}") from None
    output, fmt = _query_output(args)
    try:
        opened = warehouse.connect(settings.warehouse_path, read_only=True, sandboxed=True, as_of=args.as_of)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with opened as con:
        rel = con.sql(sql)
        if rel is None:
            raise UsageError("the statement returned no rows")
        if output:
            from etl_project.exports import write_query_result

            frame = rel.pl()
            write_query_result(frame, fmt, output)
            print(f"wrote {frame.height} rows to {output} ({fmt})", file=sys.stderr)
        else:
            # DuckDB's own box table, as its CLI prints it: types under the names, NULL shown, long results cut
            # in the middle with the row count below
            import shutil

            rel.show(max_rows=args.limit, max_width=max(shutil.get_terminal_size((200, 24)).columns, 80),
                     null_value="NULL")
    return 0


def _query_output(args) -> tuple[Path | None, str | None]:
    """Where `query` writes and in which format: --output FILE (format from --format or the extension),
    or the older --csv FILE; neither: print the rows."""
    if args.csv and args.output:
        raise UsageError("--csv FILE and --output FILE: give one")
    if args.csv:
        return args.csv, "csv"
    if not args.output:
        if args.format:
            raise UsageError(f"--format {args.format} writes a file: add --output FILE")
        return None, None
    fmt = args.format or {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}.get(args.output.suffix.lower())
    if fmt is None:
        raise UsageError(f"say which format: --format csv|json|parquet (cannot tell from {args.output.name!r})")
    return args.output, fmt


def cmd_status(args) -> int:
    from etl_project import warehouse

    settings = load_settings()
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        loads = con.execute(
            """SELECT partition_date, max(loaded_at) AS last_loaded, arg_max(articles_in, loaded_at), arg_max(events, loaded_at),
                      arg_max(quarantined, loaded_at)
               FROM partition_loads GROUP BY 1 ORDER BY 1 DESC LIMIT ?""", [args.limit]).fetchall()
        n_events, n_articles, n_quarantine = con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM articles), (SELECT count(*) FROM quarantine)").fetchone()
        failing = con.execute(
            """SELECT partition_date, severity, asset, check_name, metadata FROM check_results
               WHERE NOT passed ORDER BY partition_date DESC, severity, asset, check_name LIMIT ?""", [args.limit]).fetchall()
    print(f"warehouse: {settings.warehouse_path}")
    print(f"{n_articles} articles, {n_events} events, {n_quarantine} quarantined rows")
    if loads:
        print(f"last run: {max(r[1] for r in loads):%Y-%m-%d %H:%M} UTC")
    print("latest partitions (date, last loaded UTC, articles, with events, quarantined):")
    for row in loads:
        print("  " + "  ".join(str(v) for v in row))
    print("failing checks:" if failing else "failing checks: none")
    for day, severity, asset, name, meta in failing:
        print(f"  {day} [{severity}] {name} on {asset}: {meta}")
    return 0


def cmd_gazetteer(args) -> int:
    from etl_project.geo.geocoder import Geocoder

    settings = load_settings()
    if args.action == "download":
        from etl_project.geo import download as dl

        dest = args.dest or settings.gazetteer_cache
        try:
            written = dl.download(dest, wof_url=args.wof_url or dl.WOF_URL, opensyria_base=args.opensyria_base or dl.OPENSYRIA_BASE)
        except (dl.DownloadError, OSError) as exc:
            raise UsageError(f"gazetteer download failed: {exc}") from None
        print(f"downloaded {len(written)} files into {dest}")
        folder = Path(dest)
    else:
        folder = settings.gazetteer_dir
    geocoder = Geocoder.load(folder, settings.gazetteer_cache)
    frame = geocoder.places_frame()
    by_type = dict(frame.group_by("placetype").len().sort("placetype").iter_rows())
    print(f"gazetteer: {folder or 'offline (shipped) gazetteer'}, version {geocoder.version}")
    print(f"{frame.height} places: " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
    print(geocoder.source_attribution)
    if args.action == "download" and not settings.gazetteer_dir == Path(folder):
        print("the pipeline finds this copy by itself (ETL_GAZETTEER_DIR unset), or set ETL_GAZETTEER_DIR to it")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("etl-project")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="etl-project", description="Arabic news → dated, geolocated security events for Syria.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialise the pipeline for some partitions into the warehouse")
    which = run.add_mutually_exclusive_group()
    which.add_argument("--date", type=_date, help="one publication day (YYYY-MM-DD)")
    which.add_argument("--all", action="store_true", help="every day that has articles in the configured sources")
    run.add_argument("--from", dest="from_date", type=_date, help="first day of a range (with --to)")
    run.add_argument("--to", dest="to_date", type=_date, help="last day of a range (with --from)")
    run.add_argument("--every-day", action="store_true", help="run the job for days with no record too, as a backfill "
                     "launched in the UI does (by default they are recorded as empty, with no run)")
    run.add_argument("--debug", action="store_true", help="show Dagster's error log and tracebacks")
    run.set_defaults(func=cmd_run)

    ex = sub.add_parser("extract", help="extract events from an articles JSONL file, without the warehouse")
    ex.add_argument("--input", type=Path, required=True, help="articles, one JSON object per line")
    ex.add_argument("--output", type=Path, required=True, help="events, one JSON object per line")
    ex.add_argument("--min-confidence", type=float, default=None,
                    help="withhold readings less likely than this to be right (default: ETL_MIN_CONFIDENCE, else "
                         "extraction.confidence.MIN_CONFIDENCE, as the run; 0 keeps every reading)")
    ex.set_defaults(func=cmd_extract)

    cal = sub.add_parser("calibrate", help="fit the confidence model on labelled real articles, and say how well it holds")
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    cal.add_argument("--set", type=Path, action="append", help="a folder with articles.jsonl and gold.jsonl (repeatable; "
                     "default ../shared/dev and ../shared/dev2)")
    cal.add_argument("--scorer", type=Path, default=shared / "tools" / "score.py", help="the scorer that judges events")
    cal.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "models" / "confidence.json")
    cal.set_defaults(func=_cmd_calibrate, shared=shared)

    q = sub.add_parser("query", help="run SQL against the warehouse, read-only")
    q.add_argument("sql", help="the SQL statement, or - to read it from standard input")
    q.add_argument("--csv", type=Path, help="write the result as CSV to this file instead of printing it")
    q.add_argument("--output", type=Path, help="write the result to this file instead of printing it")
    q.add_argument("--format", choices=("csv", "json", "parquet"),
                   help="the file's format (default: from --output's extension); CSV cells never run as formulas")
    q.add_argument("--limit", type=int, default=40, help="rows to print, the first and last halves (default 40)")
    q.add_argument("--as-of", dest="as_of", metavar="SNAPSHOT|TIME",
                   help="a DuckLake warehouse as it was at this snapshot (a number: see FROM lake.snapshots()) or time")
    q.set_defaults(func=cmd_query)

    gz = sub.add_parser("gazetteer", help="download the full gazetteer, or build and describe the one in use")
    gz.add_argument("action", choices=["download", "build"],
                    help="download: fetch Who's On First Syria and OpenSyria into the cache; build: parse (and cache) the configured gazetteer")
    gz.add_argument("--dest", type=Path, help="download folder (default: ETL_GAZETTEER_CACHE)")
    gz.add_argument("--wof-url", help="where to fetch the WOF archive from (default: its public repository)")
    gz.add_argument("--opensyria-base", help="base URL of OpenSyria's data/ folder (default: its public repository)")
    gz.set_defaults(func=cmd_gazetteer)

    st = sub.add_parser("status", help="the latest partitions and the warehouse's counts")
    st.add_argument("--limit", type=int, default=10)
    st.set_defaults(func=cmd_status)

    add_export_parser(sub)
    add_map_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import warnings

    # Dagster's beta/preview notices are for the developers, not for someone running the job.
    warnings.filterwarnings("ignore", module="dagster.*")
    warnings.filterwarnings("ignore", module="etl_project.*")
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe is found here, not at exit
        return code
    except BrokenPipeError:
        # `etl-project status | head`: the reader has gone; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except UsageError as exc:
        print(f"etl-project: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError) as exc:
        print(f"etl-project: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the user gets one line; the type says where to look
        import duckdb

        if getattr(args, "debug", False):
            raise

        if isinstance(exc, duckdb.Error):
            print(f"etl-project: SQL error: {exc}".splitlines()[0], file=sys.stderr)
            return 2
        print(f"etl-project: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
