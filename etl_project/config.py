"""Configuration, read once from the environment with defaults.

Every setting the project has is here; nothing else reads os.environ.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path
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


def _has_gazetteer(folder: Path) -> bool:
    return (folder / "whosonfirst-data-admin-sy.tar.gz").exists() or (folder / "whosonfirst-data-admin-sy").is_dir()


def find_gazetteer_dir(configured: str | None, cache: Path) -> Path | None:
    """ETL_GAZETTEER_DIR when set; else a downloaded copy; else the team's shared folder beside
    the checkout; else None, and the shipped offline gazetteer is used."""
    if configured:
        return Path(configured).expanduser()
    for folder in (cache, PROJECT_ROOT.parent / "shared" / "gazetteer"):
        if _has_gazetteer(folder):
            return folder
    return None


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser() if value else default


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    cache = _path(env.get("ETL_GAZETTEER_CACHE"), Path.home() / ".cache" / "etl_project" / "gazetteer")
    return Settings(
        warehouse_path=_path(env.get("ETL_WAREHOUSE"), PROJECT_ROOT / "warehouse" / "events.duckdb"),
        seeds_dir=_path(env.get("ETL_SEEDS_DIR"), PROJECT_ROOT / "seeds"),
        sources_file=_path(env.get("ETL_SOURCES"), PROJECT_ROOT / "sources.yaml"),
        gazetteer_dir=find_gazetteer_dir(env.get("ETL_GAZETTEER_DIR"), cache),
        gazetteer_cache=cache,
        timezone=env.get("ETL_TIMEZONE", "Asia/Damascus"),
        ui_host=env.get("ETL_UI_HOST", "127.0.0.1"),
        feed_retries=int(env.get("ETL_FEED_RETRIES", "3")),
        feed_retry_delay_s=float(env.get("ETL_FEED_RETRY_DELAY_S", "60")),
        workers=max(1, int(env.get("ETL_WORKERS") or min(2, os.cpu_count() or 1))),
    )


def dagster_home() -> Path:
    """The Dagster instance folder: run history, and the pool limit that serialises DuckDB writers."""
    return _path(os.environ.get("DAGSTER_HOME"), PROJECT_ROOT / "dagster_home")
