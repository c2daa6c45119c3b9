"""Shared fixtures: a real warehouse file, a real Dagster instance, the real extractor."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from etl_project.config import PROJECT_ROOT, load_settings

SHARED = PROJECT_ROOT.parent / "shared"
SEEDS = PROJECT_ROOT / "seeds"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def km(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    h = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "seed" / "seed_article.jsonl").exists():
        pytest.skip(f"the team's shared data is not beside the checkout ({SHARED})")
    return SHARED


def seeds_only_sources(folder: Path) -> Path:
    """A sources file that reads the articles of ETL_SEEDS_DIR and nothing else (ETL_SOURCES must name a file)."""
    path = folder / "seeds-only.yaml"
    path.write_text('jsonl: ["${ETL_SEEDS_DIR}"]\n', encoding="utf-8")
    return path


@pytest.fixture
def project_env(tmp_path, monkeypatch):
    """Settings pointing at a fresh warehouse, inbox and Dagster home under tmp_path."""
    articles_dir = tmp_path / "articles"
    articles_dir.mkdir()
    monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / "events.duckdb"))
    monkeypatch.setenv("ETL_SEEDS_DIR", str(articles_dir))
    monkeypatch.setenv("ETL_SOURCES", str(seeds_only_sources(tmp_path)))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("ETL_FEED_RETRIES", "0")  # an unreachable test feed is recorded at once, not retried for minutes
    (tmp_path / "dagster_home").mkdir()
    return load_settings()


def run_partition(settings, partition: str, instance=None):
    """Materialise the nightly job for one partition, for real, into the settings' warehouse."""
    from dagster import DagsterInstance

    from etl_project.definitions import build_definitions

    defs = build_definitions(settings)
    instance = instance or DagsterInstance.ephemeral()
    result = defs.resolve_job_def("nightly_events").execute_in_process(partition_key=partition, instance=instance)
    assert result.success
    return result


def table_rows(path: Path, table: str, order_by: str) -> list[tuple]:
    from etl_project import warehouse

    with warehouse.connect(path, read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY {order_by}").fetchall()


@pytest.fixture(scope="session")
def extractor():
    """The real extractor with the gazetteer the settings find (full when available)."""
    from etl_project.loading import load_extractor

    settings = load_settings()
    return load_extractor(str(settings.gazetteer_dir) if settings.gazetteer_dir else None, str(settings.gazetteer_cache))


def gazetteer_is_full() -> bool:
    return load_settings().gazetteer_dir is not None and os.environ.get("ETL_FORCE_OFFLINE") != "1"
