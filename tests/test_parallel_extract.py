"""Extraction over worker processes (ETL_WORKERS): the same frame, row for row, as in one process;
a pool that cannot start leaves the work to the run's own process; the ledger is vectorised and balances."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from bench.corpus import generate
from etl_project import pipeline
from etl_project.config import load_settings
from etl_project.sources.records import RAW_COLUMNS, records_frame

DAY = date(2025, 11, 12)


def raw_frame(n: int) -> pl.DataFrame:
    rows = []
    for i, art in enumerate(generate(n, seed=7, published=DAY)):
        rows.append({c: None for c in RAW_COLUMNS} | dict(
            record_key=art["id"], article_id=art["id"], partition_date=DAY, published=art.get("published"),
            published_assumed=i % 5 == 0, source=art.get("source"), title=art.get("title"), url=art.get("url"),
            text=art["text"], origin=f"corpus.jsonl:{i + 1}", status="ok"))
    return records_frame(rows)


@pytest.fixture(scope="module")
def offline_extractor():
    from etl_project.loading import load_extractor

    return load_extractor(None, None)


def test_workers_give_the_same_frame_as_one_process(offline_extractor, monkeypatch):
    monkeypatch.setattr(pipeline, "EXTRACT_CHUNK", 7)
    raw = raw_frame(60)
    one = pipeline.extract_articles(raw, offline_extractor, DAY)
    two = pipeline.extract_articles(raw, offline_extractor, DAY, workers=2, loader_args=(None, None), min_parallel=1)
    assert one.height > 60 and one.equals(two)


def test_a_pool_that_cannot_load_the_extractor_leaves_the_work_here(offline_extractor, monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "EXTRACT_CHUNK", 10)
    raw = raw_frame(30)
    one = pipeline.extract_articles(raw, offline_extractor, DAY)
    # the workers' loader fails (no gazetteer in that folder): every chunk is extracted by this process instead
    two = pipeline.extract_articles(raw, offline_extractor, DAY, workers=2, loader_args=(str(tmp_path / "none"), None),
                                    min_parallel=1)
    assert one.equals(two)


class Crashing:
    version = "test"

    def __init__(self, inner):
        self.inner = inner

    def extract(self, payload, reference_date=None):
        if payload["id"].endswith("3"):
            raise ValueError("boom")
        return self.inner.extract(payload, reference_date=reference_date)


def test_crashes_are_recorded_per_article_and_the_ledger_balances(offline_extractor, monkeypatch):
    monkeypatch.setattr(pipeline, "EXTRACT_CHUNK", 4)
    raw = pipeline.check_articles(raw_frame(25))
    extracted = pipeline.extract_articles(raw, Crashing(offline_extractor), DAY)
    crashed = extracted.filter(pl.col("extraction_error").is_not_null())
    assert crashed.height == sum(a.endswith("3") for a in raw["article_id"]) > 0
    events, rejected = pipeline.check_events(extracted)
    ledger = pipeline.ledger(raw, events, rejected, "v")
    assert ledger.height == raw.height
    assert ledger.filter(pl.col("status") == "quarantined")["reason"].str.starts_with("extractor failed: ValueError: boom").all()
    assert ledger["n_events"].sum() == events.height
    assert set(ledger["status"]) <= {"events", "no_events", "quarantined"}


def test_etl_workers_setting():
    assert load_settings({"ETL_WORKERS": "1"}).workers == 1
    assert load_settings({"ETL_WORKERS": "3"}).workers == 3
    assert 1 <= load_settings({}).workers <= 2


def test_workers_refuse_when_the_code_on_disk_is_not_the_runs(offline_extractor, monkeypatch):
    """A worker imports the package from disk: if it changed since this process loaded the extractor, the
    worker refuses and this process extracts every chunk, so one run never mixes two versions of the rules."""
    from etl_project import loading

    monkeypatch.setattr(pipeline, "EXTRACT_CHUNK", 10)
    raw = raw_frame(30)
    one = pipeline.extract_articles(raw, offline_extractor, DAY)
    monkeypatch.setattr(loading, "_code_loaded", "not-the-code-on-disk")
    two = pipeline.extract_articles(raw, offline_extractor, DAY, workers=2, loader_args=(None, None), min_parallel=1)
    assert one.equals(two)
