"""Configuration, read once from the environment with defaults.

Every setting the project has is here; nothing else reads os.environ.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The bundled seeds start on 2025-11-10 and the team's real-news sets later: the partitions start there, so the
# UI's counts are of days that can have articles. A deployment reading older news sets ETL_FIRST_DAY.
DEFAULT_FIRST_DAY = date(2025, 11, 10)
# A backfill of 30 days is five runs; each run pays Dagster's start-up once for its days (see bench/backfill.py).
DEFAULT_DAYS_PER_RUN = 7


@dataclass(frozen=True)
class Settings:
    # a DuckDB file, or a DuckLake: the string `ducklake:<catalog>[ DATA_PATH <folder>]` (see store.py)
    warehouse_path: Path | str
    seeds_dir: Path
    sources_file: Path
    gazetteer_dir: Path | None
    gazetteer_cache: Path
    timezone: str
    ui_host: str
    feed_retries: int
    feed_retry_delay_s: float
    # processes that extract a big partition (the run's own included); 1 extracts in the run's process only
    workers: int = 1
    # the first publication day that is a partition (ETL_FIRST_DAY): where the sources in use start
    first_day: date = DEFAULT_FIRST_DAY
    # days one run loads at most, in a backfill or `etl-project run --from/--to` (ETL_DAYS_PER_RUN)
    days_per_run: int = DEFAULT_DAYS_PER_RUN
    # readings less likely than this to be right are withheld (ETL_MIN_CONFIDENCE); None: the extractor's own floor
    min_confidence: float | None = None


def _has_gazetteer(folder: Path) -> bool:
    return (folder / "whosonfirst-data-admin-sy.tar.gz").exists() or (folder / "whosonfirst-data-admin-sy").is_dir()


OFFLINE = "offline"  # ETL_GAZETTEER_DIR=offline: the shipped offline gazetteer, asked for by name


def find_gazetteer_dir(configured: str | None, cache: Path) -> Path | None:
    """ETL_GAZETTEER_DIR when set (`offline`: the shipped offline gazetteer); else a downloaded copy; else the
    team's shared folder beside the checkout; else None, and the shipped offline gazetteer is used.

    A folder that is set but missing, or holds no gazetteer, is an error naming it: it never falls back quietly
    to the small offline list."""
    from etl_project.cli_common import UsageError

    if configured == OFFLINE:
        return None
    if configured:
        folder = Path(configured).expanduser()
        if not folder.is_dir():
            raise UsageError(f"ETL_GAZETTEER_DIR={configured!r} is not a folder; point it at the gazetteer "
                             f"(`etl-project gazetteer download`), or set it to {OFFLINE!r} for the shipped offline list")
        if not _has_gazetteer(folder):
            raise UsageError(f"ETL_GAZETTEER_DIR={configured!r} holds no whosonfirst-data-admin-sy.tar.gz "
                             f"(nor its unpacked folder); set it to {OFFLINE!r} for the shipped offline list")
        return folder
    for folder in (cache, PROJECT_ROOT.parent / "shared" / "gazetteer"):
        if _has_gazetteer(folder):
            return folder
    return None


def _sources_file(configured: str | None) -> Path:
    """ETL_SOURCES names a sources file that must exist; unset, `sources.yaml` in the project (and without it the
    bundled seeds, see SourceConfig.load)."""
    from etl_project.cli_common import UsageError

    if not configured:
        return PROJECT_ROOT / "sources.yaml"
    path = Path(configured).expanduser()
    if not path.is_file():
        raise UsageError(f"ETL_SOURCES={configured!r} is not a file; unset it to read the project's sources.yaml")
    return path


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser() if value else default


def _warehouse(value: str | None) -> Path | str:
    """ETL_WAREHOUSE: a DuckDB file (default warehouse/events.duckdb) or `ducklake:<catalog>[ DATA_PATH <folder>]`."""
    if value and value.strip().startswith("ducklake:"):
        from etl_project.cli_common import UsageError
        from etl_project.store import lake_parts

        try:
            lake_parts(value.strip())
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return value.strip()
    return _path(value, PROJECT_ROOT / "warehouse" / "events.duckdb")


def _number(env: dict[str, str], name: str, default: str, kind: type, minimum: float = 0):
    """A numeric setting; a value that is not one is named in one line (UsageError), not a bare ValueError."""
    from etl_project.cli_common import UsageError

    value = env.get(name) or default
    try:
        number = kind(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a {'whole number' if kind is int else 'number'}") from None
    if number < minimum or number != number:
        raise UsageError(f"{name}={value!r} is below {minimum}")
    return number


def _timezone(env: dict[str, str]) -> str:
    from zoneinfo import ZoneInfo

    from etl_project.cli_common import UsageError

    name = env.get("ETL_TIMEZONE", "Asia/Damascus")
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise UsageError(f"ETL_TIMEZONE={name!r} is not a time zone (e.g. Asia/Damascus)") from None
    return name


def _first_day(env: dict[str, str]) -> date:
    from etl_project.cli_common import UsageError
    from etl_project.sources.records import FIRST_PARTITION_DAY

    value = env.get("ETL_FIRST_DAY") or DEFAULT_FIRST_DAY.isoformat()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"ETL_FIRST_DAY={value!r} is not a day (YYYY-MM-DD)") from None
    if day < FIRST_PARTITION_DAY:
        raise UsageError(f"ETL_FIRST_DAY={value!r} is before {FIRST_PARTITION_DAY}, the first day a record can have")
    return day


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    cache = _path(env.get("ETL_GAZETTEER_CACHE"), Path.home() / ".cache" / "etl_project" / "gazetteer")
    return Settings(
        warehouse_path=_warehouse(env.get("ETL_WAREHOUSE")),
        seeds_dir=_path(env.get("ETL_SEEDS_DIR"), PROJECT_ROOT / "seeds"),
        sources_file=_sources_file(env.get("ETL_SOURCES")),
        gazetteer_dir=find_gazetteer_dir(env.get("ETL_GAZETTEER_DIR"), cache),
        gazetteer_cache=cache,
        timezone=_timezone(env),
        ui_host=env.get("ETL_UI_HOST", "127.0.0.1"),
        feed_retries=_number(env, "ETL_FEED_RETRIES", "3", int),
        feed_retry_delay_s=_number(env, "ETL_FEED_RETRY_DELAY_S", "60", float),
        workers=max(1, _number(env, "ETL_WORKERS", str(min(2, os.cpu_count() or 1)), int)),
        first_day=_first_day(env),
        days_per_run=_number(env, "ETL_DAYS_PER_RUN", str(DEFAULT_DAYS_PER_RUN), int, minimum=1),
        min_confidence=_chance(env, "ETL_MIN_CONFIDENCE"),
    )


def _chance(env: dict[str, str], name: str) -> float | None:
    """A setting that is a chance between 0 and 1, or None when unset."""
    from etl_project.cli_common import UsageError

    value = env.get(name)
    if value is None or value == "":
        return None
    try:
        chance = float(value)
    except ValueError:
        chance = -1.0
    if not 0.0 <= chance <= 1.0:
        raise UsageError(f"{name}={value!r} is not a chance between 0 and 1")
    return chance


def dagster_home() -> Path:
    """The Dagster instance folder: run history, and the pool limit that serialises DuckDB writers."""
    return _path(os.environ.get("DAGSTER_HOME"), PROJECT_ROOT / "dagster_home")
