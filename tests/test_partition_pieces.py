"""A big day is loaded in slices and, on a DuckDB file, in committed pieces: the same warehouse as one transaction,
and a writer killed between two pieces leaves the day, as readers and the next writer see it, as it was."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl_project import store, warehouse
from tests.test_warehouse import article, frames, mention, snapshot

DAY, OTHER = date(2025, 11, 12), date(2025, 11, 11)
NOW = datetime(2025, 11, 13, 2, 0)
ONE_TRANSACTION = 10**9  # piecewise_min_rows no day reaches


def other_day():
    """A day loaded before: its article's URL and a bad record's key come back on DAY."""
    return ([article("o1", day=OTHER), article("bad:1", day=OTHER, status="quarantined", n=0)],
            [mention("mo", "o1", day=OTHER, event_date=OTHER)])


def the_day(version: str = "v1", fatalities: int = 1):
    arts = [article(f"a{i}") for i in range(7)] + [article("bad:1", status="quarantined", n=0)]
    arts.append(dict(article("copy"), url="https://example.org/o1"))  # the same URL as o1: a duplicate of it
    ments = [mention(f"m{i}", f"a{i}", fatalities=fatalities, version=version, lat=35.02 + i * 0.2) for i in range(7)]
    ments += [mention("mc", "copy"), mention("m0b", "a0", event_type="battle", version=version)]
    return arts, ments


def load(db: Path, day: date, arts, ments, version: str, piecewise_min_rows: int, rows: int = 3):
    a, m, q = frames(arts, ments)
    with warehouse.connect(db) as con:
        source = warehouse.FramesInput(a, m, q, rows=rows)
        return warehouse.load_partition(con, day, source, version, now=NOW, piecewise_min_rows=piecewise_min_rows)


def loaded_in_pieces(db: Path) -> bool:
    with warehouse.connect(db, read_only=True) as con:
        return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [store.IN_LOAD_TABLE]).fetchone()[0])


def test_a_day_in_slices_and_pieces_gives_the_warehouse_of_one_transaction_and_one_slice(tmp_path):
    built = {}
    for name, min_rows, rows in (("whole", ONE_TRANSACTION, 10**6), ("pieces", 0, 2)):
        db = tmp_path / f"{name}.duckdb"
        load(db, OTHER, *other_day(), "v1", ONE_TRANSACTION)
        first = load(db, DAY, *the_day(), "v1", min_rows, rows)
        again = load(db, DAY, *the_day("v2", fatalities=4), "v2", min_rows, rows)  # revisions, in pieces too
        built[name] = (snapshot(db), first, again, loaded_in_pieces(db))
    whole, pieces = built["whole"], built["pieces"]
    assert (pieces[3], whole[3]) == (True, False)  # each path was the one taken
    assert pieces[:3] == whole[:3]
    assert pieces[1].duplicates == 1 and pieces[1].mentions == 8  # the copy's mention is not loaded
    assert pieces[2].revisions > 0
    ids = [r[0] for r in pieces[0]["articles"]]
    assert "bad:1@2025-11-12" in ids and len(ids) == len(set(ids)) == 11


def test_a_day_of_the_lake_backend_or_a_plain_file_is_one_transaction(tmp_path):
    db = tmp_path / "plain.duckdb"
    a, m, q = frames(*the_day())
    with duckdb.connect(str(db)) as con:  # not the writers' file: its commits would be seen by anyone opening it
        store.apply_schema(con)
        assert not store.loads_in_pieces(con)
        warehouse.load_partition(con, DAY, warehouse.FramesInput(a, m, q, rows=2), "v1", piecewise_min_rows=0)
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [store.IN_LOAD_TABLE]).fetchone()[0] == 0


KILLED_BETWEEN_PIECES = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from etl_project import partition_write
    from tests.test_partition_pieces import DAY, load, the_day

    real = partition_write._insert_mentions
    def insert_then_hang(*args, **kwargs):
        out = real(*args, **kwargs)
        print("WRITING", flush=True)  # the day's old rows deleted and its new ones inserted, each piece committed
        time.sleep(60)
        return out
    partition_write._insert_mentions = insert_then_hang
    load({db!r}, DAY, *the_day("v2", fatalities=4), "v2", 0)
    """
)


def test_a_writer_killed_between_pieces_leaves_the_day_as_it_was_and_a_rerun_leaves_no_trace(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, OTHER, *other_day(), "v1", ONE_TRANSACTION)
    load(db, DAY, *the_day(), "v1", 0)
    before = snapshot(db)
    script = KILLED_BETWEEN_PIECES.format(root=str(Path(__file__).parent.parent), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITING"
    finally:
        proc.kill()  # SIGKILL: no cleanup
        proc.wait()
    assert proc.returncode == -9
    # the half load is committed in the writers' file, not in what readers open
    with duckdb.connect(str(store.writer_path(db)), read_only=True) as half:
        assert half.execute("SELECT count(*) FROM event_mentions WHERE extractor_version = 'v2'").fetchone()[0] > 0
    assert snapshot(db) == before  # a reader finding the writer gone does not publish half a day
    # the next writer starts from the published warehouse: the re-run gives what one clean run gives
    load(db, DAY, *the_day("v2", fatalities=4), "v2", 0)
    clean = tmp_path / "clean.duckdb"
    load(clean, OTHER, *other_day(), "v1", ONE_TRANSACTION)
    load(clean, DAY, *the_day(), "v1", 0)
    load(clean, DAY, *the_day("v2", fatalities=4), "v2", 0)
    assert snapshot(db) == snapshot(clean)
    with duckdb.connect(str(store.writer_path(db)), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {store.IN_LOAD_TABLE}").fetchone()[0] == 0


def test_a_day_through_the_job_in_many_slices_gives_the_warehouse_of_one_slice(project_env, tmp_path, monkeypatch):
    """Every step of the job reads and writes the day in slices (staging.BATCH_ROWS, EXTRACT_CHUNK), and the warehouse
    step loads it in committed pieces: with slices of 7 rows and chunks of 5 articles, the tables are those of one
    slice and one transaction."""
    from bench.corpus import generate
    from etl_project import partition_write, pipeline, staging
    from tests.conftest import run_partition, write_jsonl

    articles = generate(40, seed=5, published=DAY)
    articles.append(dict(articles[0], id="same-text"))  # a duplicate within the day
    articles.append({"id": "no-text", "published": DAY.isoformat()})  # a record quarantined on the way in
    write_jsonl(project_env.seeds_dir / "articles.jsonl", articles)
    tables = {}
    for name, batch, chunk, pieces in (("one", 10**6, 10**6, ONE_TRANSACTION), ("many", 7, 5, 0)):
        monkeypatch.setattr(staging, "BATCH_ROWS", batch)
        monkeypatch.setattr(pipeline, "EXTRACT_CHUNK", chunk)
        monkeypatch.setattr(partition_write, "PIECEWISE_MIN_ROWS", pieces)
        db = tmp_path / f"{name}.duckdb"
        monkeypatch.setenv("ETL_WAREHOUSE", str(db))
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / f"home-{name}"))
        (tmp_path / f"home-{name}").mkdir()
        from etl_project.config import load_settings

        run_partition(load_settings(), DAY.isoformat())
        tables[name] = (snapshot(db), loaded_in_pieces(db))
    assert tables["many"][1] and not tables["one"][1]
    assert tables["many"][0] == tables["one"][0]
    assert len(tables["one"][0]["articles"]) == 42 and len(tables["one"][0]["quarantine"]) == 1
    assert len(tables["one"][0]["events"]) > 10
