"""CLI failures are one clear line and a non-zero exit, never a traceback unless --debug (issue 15)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from etl_project.cli import main
from etl_project.config import load_settings
from etl_project.extractor import Extractor, extract_jsonl
from etl_project.geo.geocoder import Geocoder
from tests.test_cli import loaded  # noqa: F401  (a warehouse with two events)
from tests.test_reliability import incident

DAY = "2025-11-12"


@pytest.fixture
def seeded(project_env):
    """Settings whose seeds hold one good article of DAY."""
    (project_env.seeds_dir / "articles.jsonl").write_text(
        json.dumps({"id": "a1", "published": DAY, "text": incident("طفس", "درعا")}, ensure_ascii=False) + "\n", encoding="utf-8")
    return project_env


def _boom(*args, **kwargs):
    raise RuntimeError("the sources could not be read: boom")


def test_run_prints_one_line_per_failure_without_a_traceback(seeded, monkeypatch, capfd):
    from etl_project import ingest

    monkeypatch.setattr(ingest, "read_partition", _boom)
    assert main(["run", "--date", DAY]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err and 'File "' not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert any("step raw_articles: RuntimeError: the sources could not be read: boom" in line for line in lines), err
    assert len(lines) == 2, err  # the day that failed, and why


def test_run_debug_shows_the_traceback(seeded, monkeypatch, capfd):
    from etl_project import ingest

    monkeypatch.setattr(ingest, "read_partition", _boom)
    assert main(["run", "--date", DAY, "--debug"]) == 1
    err = capfd.readouterr().err
    assert 'File "' in err and "in _boom" in err  # Dagster's error log, with the stack
    assert "step raw_articles: RuntimeError: the sources could not be read: boom" in err


def test_a_corrupt_warehouse_is_named_as_such(seeded, capfd):
    db = seeded.warehouse_path
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is not a duckdb file" * 1000)
    assert main(["run", "--date", DAY]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"the warehouse {db} is not a readable DuckDB database" in err
    assert "gazetteer" not in err


def test_status_into_a_closed_pipe_ends_quietly(loaded):  # noqa: F811
    read_end, write_end = os.pipe()
    os.close(read_end)  # `status | head` once head has gone
    try:
        done = subprocess.run([sys.executable, "-m", "etl_project.cli", "status"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120, env=dict(os.environ))
    finally:
        os.close(write_end)
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode != 0


@pytest.fixture(scope="module")
def builtin():
    return Extractor(Geocoder.load(None))


def test_extract_skips_and_counts_bad_lines_and_goes_on(builtin, tmp_path):
    from etl_project.extraction import jsonl

    good = lambda i: json.dumps({"id": f"g{i}", "text": incident("طفس", "درعا"), "published": DAY}, ensure_ascii=False)  # noqa: E731
    lines = [
        good(1).encode(),
        b'{"id": "s1", "text": "\\ud800 lone"}',                            # a lone surrogate
        b'{"id": "d1", "text": "x", "m": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # nested too deeply
        b'{"id": "h1", "text": "' + b"x" * (jsonl.MAX_LINE_BYTES + 10) + b'"}',        # too long a line
        json.dumps({"id": "t1", "text": "x" * (jsonl.MAX_TEXT_CHARS + 1)}).encode(),   # too long a text
        b"\xff\xfe not utf-8 {",
        good(2).encode(),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    stats = extract_jsonl(src, tmp_path / "out.jsonl", builtin)
    assert stats["articles"] == 2 and stats["skipped"] == 5
    assert stats["skipped_reasons"] == {"lone surrogate": 1, "nested too deeply": 1, "line too long": 1,
                                        "text too long": 1, "invalid json": 1}
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["article_id"] for e in out} == {"g1", "g2"}


def test_an_article_the_extractor_fails_on_is_counted_and_the_file_goes_on(builtin, tmp_path):
    class FailsOnOne:  # the real extractor, with a fault on one article (as a bug in a rule would raise)
        def extract(self, art, reference_date=None):
            if art["id"] == "bad":
                raise AttributeError("'NoneType' object has no attribute 'rule'")
            return builtin.extract(art, reference_date=reference_date)

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": incident("طفس", "درعا"), "published": DAY},
                                      ensure_ascii=False) + "\n" for i in ("g1", "bad", "g2")), encoding="utf-8")
    stats = extract_jsonl(src, tmp_path / "out.jsonl", FailsOnOne())
    assert stats["articles"] == 2 and stats["skipped_reasons"] == {"extractor failed: AttributeError": 1}
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["article_id"] for e in out} == {"g1", "g2"}


def test_extract_command_reports_the_skipped_lines(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "s1", "text": "\\udc00"}\n{"id": "ok", "text": "\xd9\x86\xd8\xb5"}\n')
    assert main(["extract", "--input", str(src), "--output", str(tmp_path / "out.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "articles: 1" in err and "skipped: 1" in err


@pytest.mark.parametrize("name, value", [("ETL_WORKERS", "abc"), ("ETL_FEED_RETRIES", "three"),
                                         ("ETL_FEED_RETRY_DELAY_S", "soon"), ("ETL_WORKERS", "-2"),
                                         ("ETL_TIMEZONE", "Mars/Olympus_Mons"), ("ETL_TIMEZONE", "../../etc/passwd")])
def test_a_bad_setting_is_named_in_one_line(loaded, monkeypatch, capsys, name, value):  # noqa: F811
    monkeypatch.setenv(name, value)
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{name}={value!r}" in err and "Traceback" not in err


def test_date_with_a_range_is_refused_not_ignored(seeded, capsys):
    assert main(["run", "--date", DAY, "--from", DAY, "--to", DAY]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--date" in err


def test_extract_of_a_file_with_no_article_fails(tmp_path, capsys):
    src = tmp_path / "README.md"
    src.write_text("# Title\n\nSome prose, not JSON lines.\n", encoding="utf-8")
    assert main(["extract", "--input", str(src), "--output", str(tmp_path / "out.jsonl")]) == 2
    assert f"no line of {src} is an article" in capsys.readouterr().err


def test_extract_does_not_create_folders_for_its_output(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "نص"}) + "\n", encoding="utf-8")
    out = tmp_path / "nonexistent" / "dir" / "x.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 2
    assert "no such folder" in capsys.readouterr().err and not (tmp_path / "nonexistent").exists()


def test_a_malformed_sources_file_is_named(project_env, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "sources.yaml"
    bad.write_text("jsonl: [a\ninbox: {\n", encoding="utf-8")
    monkeypatch.setenv("ETL_SOURCES", str(bad))
    assert main(["run", "--all"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "not valid YAML" in err


def test_a_gazetteer_folder_that_holds_no_gazetteer_is_an_error_not_the_offline_list(seeded, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty-gazetteer"
    empty.mkdir()
    monkeypatch.setenv("ETL_GAZETTEER_DIR", str(empty))
    assert main(["run", "--date", DAY]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and str(empty) in captured.err and "holds no" in captured.err
    assert "offline (shipped) gazetteer" not in captured.out


def test_a_missing_gazetteer_folder_is_an_error(project_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ETL_GAZETTEER_DIR", str(tmp_path / "nowhere"))
    assert main(["extract", "--input", str(tmp_path / "a.jsonl"), "--output", str(tmp_path / "b.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path / "nowhere") in err and "not a folder" in err


def test_the_offline_gazetteer_is_asked_for_by_name(project_env, monkeypatch, capsys):
    monkeypatch.setenv("ETL_GAZETTEER_DIR", "offline")
    assert load_settings().gazetteer_dir is None
    assert main(["gazetteer", "build"]) == 0
    assert "gazetteer: offline (shipped) gazetteer" in capsys.readouterr().out


def test_a_sources_file_that_does_not_exist_is_an_error_not_the_bundled_seeds(project_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ETL_SOURCES", str(tmp_path / "typo.yaml"))
    assert main(["run", "--all"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and str(tmp_path / "typo.yaml") in captured.err
    assert "articles read" not in captured.out


def test_a_missing_jsonl_in_the_sources_is_named_not_nothing_to_run(project_env, tmp_path, monkeypatch, capsys):
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"jsonl": ["missing.jsonl"]}), encoding="utf-8")
    monkeypatch.setenv("ETL_SOURCES", str(sources))
    assert main(["run", "--all"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path / "missing.jsonl") in err


def test_extract_min_confidence_zero_keeps_the_readings_the_default_withholds(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ETL_GAZETTEER_DIR", "offline")  # (the readings and their confidence depend on the gazetteer)
    src = tmp_path / "in.jsonl"
    text = "قتل شخصان في بلدة الكسرة اليوم. وهاجم أهالي القتلى مقرات قسد في البلدة."
    src.write_text(json.dumps({"id": "a", "text": text, "published": "2025-03-10"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    lines = {}
    for floor in (None, "0"):
        out = tmp_path / f"out-{floor}.jsonl"
        assert main(["extract", "--input", str(src), "--output", str(out)]
                    + (["--min-confidence", floor] if floor else [])) == 0
        lines[floor] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines["0"]) > len(lines[None]) >= 1
    assert main(["extract", "--input", str(src), "--output", str(tmp_path / "x.jsonl"), "--min-confidence", "1.5"]) == 2
    assert "--min-confidence is a chance between 0 and 1" in capsys.readouterr().err


def test_the_run_keeps_every_reading_when_asked_and_a_bad_floor_is_one_line(project_env, tmp_path, monkeypatch, capsys):
    # the relatives' attack is a reading the run withholds by default (tests/test_extract.py); with
    # ETL_MIN_CONFIDENCE=0 the warehouse holds it too
    monkeypatch.setenv("ETL_GAZETTEER_DIR", "offline")  # (the readings and their confidence depend on the gazetteer)
    text = "قتل شخصان في بلدة الكسرة اليوم. وهاجم أهالي القتلى مقرات قسد في البلدة."
    (project_env.seeds_dir / "articles.jsonl").write_text(
        json.dumps({"id": "a1", "published": DAY, "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {}
    for floor in ("0", None):
        monkeypatch.setenv("ETL_WAREHOUSE", str(tmp_path / f"events-{floor}.duckdb"))
        if floor is None:
            monkeypatch.delenv("ETL_MIN_CONFIDENCE", raising=False)
        else:
            monkeypatch.setenv("ETL_MIN_CONFIDENCE", floor)
        assert main(["run", "--date", DAY]) == 0
        capsys.readouterr()
        assert main(["query", "SELECT count(*) AS n FROM event_mentions"]) == 0
        counts[floor] = capsys.readouterr().out
    assert counts["0"] != counts[None], counts
    monkeypatch.setenv("ETL_MIN_CONFIDENCE", "high")
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ETL_MIN_CONFIDENCE='high'" in err
