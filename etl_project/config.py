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


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser() if value else default


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    gaz = env.get("ETL_GAZETTEER_DIR")
    return Settings(
        warehouse_path=_path(env.get("ETL_WAREHOUSE"), PROJECT_ROOT / "warehouse" / "events.duckdb"),
        seeds_dir=_path(env.get("ETL_SEEDS_DIR"), PROJECT_ROOT / "seeds"),
        sources_file=_path(env.get("ETL_SOURCES"), PROJECT_ROOT / "sources.yaml"),
        gazetteer_dir=Path(gaz).expanduser() if gaz else None,
        gazetteer_cache=_path(env.get("ETL_GAZETTEER_CACHE"), Path.home() / ".cache" / "etl_project" / "gazetteer"),
        timezone=env.get("ETL_TIMEZONE", "Asia/Damascus"),
        ui_host=env.get("ETL_UI_HOST", "127.0.0.1"),
    )
