"""Where the warehouse lives, and how a connection to it is opened.

Two backends, chosen by ETL_WAREHOUSE (see config.py):

* a DuckDB file (the default, `warehouse/events.duckdb`). Writers write a file of their own beside it
  (`events.duckdb.writer`), one at a time (an exclusive lock on `events.duckdb.lock`), and after every write
  connection copy it and rename the copy over `events.duckdb` (rename is atomic). Readers — an analyst's DuckDB
  session, `etl-project query`, the exports — open `events.duckdb` read-only and take no lock: a reader can never
  make a run fail or wait, and it always sees the warehouse as of the last finished write, never half of one.
* a DuckLake (`ducklake:<catalog>[ DATA_PATH <folder>]`): the catalog in PostgreSQL (`postgres:dbname=…`), SQLite
  (`sqlite:file`) or a DuckDB file, the data as Parquet files. Readers and writers run at once under snapshot
  isolation; a reader may open any earlier snapshot (`as_of`).

The DuckDB extensions a DuckLake needs come from PyPI wheels (duckdb-extension-*) installed with the project,
so nothing is downloaded at run time.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from etl_project.acled import assign_acled_ids
from etl_project.config import PROJECT_ROOT

SCHEMA_SQL = PROJECT_ROOT / "warehouse" / "schema.sql"
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"


class WarehouseBusy(RuntimeError):
    pass


# A sandboxed connection reads the warehouse and nothing else: no file, network or extension access, and no
# setting can be changed back (see `warehouse.query_statement` for what it may run).
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def is_lake(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(LAKE_PREFIX)


def connect(target: Path | str, read_only: bool = False, timeout_s: float = 600.0, sandboxed: bool = False,
            as_of: str | None = None):
    """Open the warehouse (a context manager yielding the connection): a DuckDB file (a path) or a DuckLake
    (`ducklake:…`). `sandboxed` (read-only only): SQL typed by a user can touch the warehouse and nothing else.
    `as_of` (DuckLake, read-only): a snapshot number or a time; the warehouse as it was then. A wrong combination
    is a ValueError here, before anything is opened."""
    if sandboxed and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    if as_of is not None:
        if not is_lake(target):
            raise ValueError("--as-of reads an earlier snapshot of a DuckLake warehouse (ETL_WAREHOUSE=ducklake:…); "
                             "a DuckDB file keeps only its latest state")
        if not read_only:
            raise ValueError("an earlier snapshot is read-only")
        _snapshot_option(as_of)
    if is_lake(target):
        return _lake(target, read_only, sandboxed, as_of)
    path = Path(target)
    return _published(path, sandboxed) if read_only else _writer(path, timeout_s)


# ---------------------------------------------------------------------------------------------------- the file


def writer_path(path: Path) -> Path:
    """The writers' own file: readers never open it, so none can hold a lock on it."""
    return path.with_name(f"{path.name}.writer")


def _stamp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.published")


def _identity(path: Path) -> str:
    st = path.stat()
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns}"


def _stamp(path: Path) -> list[str]:
    """[identity of the published file, identity of the writers' file] when it was last published."""
    try:
        return _stamp_path(path).read_text().splitlines()
    except OSError:
        return []


@contextmanager
def _published(path: Path, sandboxed: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    _publish_left_behind(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `etl-project run` first")
    con = duckdb.connect(str(path), read_only=True, config=dict(SANDBOX_CONFIG) if sandboxed else {})
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _writer(path: Path, timeout_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writers' file, under the exclusive lock; published for readers when the connection closes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as lock:
        _acquire(lock, timeout_s)
        try:
            work = writer_path(path)
            _adopt_published(path, work)
            con = _open_whole(path, work)
            try:
                apply_schema(con)
            except BaseException:
                con.close()
                raise
            try:
                yield con
            finally:
                half = half_loaded(con)
                con.close()  # checkpoints: the file holds every committed write, the WAL is empty
                if not half:  # a day left half loaded (an error mid-load) is never published
                    publish(path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# A day too big for one transaction's memory is loaded in committed pieces (etl_project.partition_write): while it is,
# this table holds its date. A writers' file with a row here is half a load: never published, and the next writer
# starts again from the published file, which is the warehouse as it was before that day.
IN_LOAD_TABLE = "partition_in_load"


def half_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's file holds a day loaded in pieces that did not finish."""
    try:
        return bool(con.execute(f"SELECT count(*) FROM {IN_LOAD_TABLE}").fetchone()[0])
    except duckdb.CatalogException:
        return False


def _open_whole(path: Path, work: Path) -> duckdb.DuckDBPyConnection:
    """The writers' file, opened; if a writer died in the middle of a day loaded in pieces, the published file (the
    warehouse before that day: it is published before such a load starts) is taken again in its place."""
    con = duckdb.connect(str(work))
    if not half_loaded(con):
        return con
    con.close()
    if not path.exists():
        raise RuntimeError(f"{work} holds half of a load and there is no published warehouse ({path}) to go back to")
    _take_published(path, work)
    return duckdb.connect(str(work))


def loads_in_pieces(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a day may be loaded in committed pieces on this connection: only on a writers' file (the `_writer`
    connection), whose commits no reader sees until it is published."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row and row[0] and row[0].endswith(".writer"))


def publish_open(con: duckdb.DuckDBPyConnection) -> None:
    """Publish the writers' file while its connection stays open (before a day is loaded in pieces): every
    committed write is checkpointed into the file first, so the copy is whole."""
    con.execute("CHECKPOINT")
    work = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    publish(work.with_name(work.name.removesuffix(".writer")))


def _adopt_published(path: Path, work: Path) -> None:
    """A published file that is not the one the writers published last (a warehouse made before the writers had
    their own file, a backup put back, a file changed by hand) is what the writers continue from."""
    stamp = _stamp_path(path)
    if not path.exists():
        return
    if work.exists() and stamp.exists() and _stamp(path)[:1] == [_identity(path)]:
        return
    _take_published(path, work)


def _take_published(path: Path, work: Path) -> None:
    """The published file (and its WAL, if a backup put back has one) copied over the writers' file."""
    for suffix in ("", ".wal"):
        source, target = Path(str(path) + suffix), Path(str(work) + suffix)
        if source.exists():
            _copy_atomically(source, target)
        else:
            target.unlink(missing_ok=True)


def publish(path: Path) -> None:
    """Copy the writers' file over the published one by an atomic rename: a reader that opened the old file
    keeps reading it whole; a reader that opens the path from now on gets the new one whole."""
    _copy_atomically(writer_path(path), path)
    Path(str(path) + ".wal").unlink(missing_ok=True)  # a WAL of the file the writers adopted, now in the copy
    _stamp_path(path).write_text(f"{_identity(path)}\n{_identity(writer_path(path))}")


def _publish_left_behind(path: Path) -> None:
    """A writer killed after its COMMIT and before publishing left its partition in the writers' file (in its WAL):
    a reader that finds no writer at work publishes it, so the committed partition is never lost to readers. With
    a writer at work (the lock taken) the reader does not wait: it reads the last published warehouse."""
    work = writer_path(path)
    wal = Path(str(work) + ".wal")
    try:
        if not work.exists() or (_stamp(path)[1:] == [_identity(work)] and not (wal.exists() and wal.stat().st_size)):
            return
        with open(path.with_name(path.name + ".lock"), "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            try:
                left = duckdb.connect(str(work))  # replays the WAL into the file
                half = half_loaded(left)
                left.close()
                if not half:  # a writer died in the middle of a day loaded in pieces: the last published stays
                    publish(path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except (OSError, duckdb.Error):
        return  # a reader without write access to the folder reads what is published


def _copy_atomically(source: Path, target: Path) -> None:
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _acquire(lock, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise WarehouseBusy(f"the warehouse is locked by another writer for more than {timeout_s:.0f} s") from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    assign_acled_ids(con)  # a warehouse written before acled_ids existed gets its numbers on the next write


# ---------------------------------------------------------------------------------------------------- the lake


def lake_parts(target: str) -> tuple[str, str | None]:
    """`ducklake:<catalog>[ DATA_PATH <folder>]` → (catalog, data folder or None)."""
    body = target[len(LAKE_PREFIX):].strip()
    catalog, _, data = body.partition(" DATA_PATH ")
    if not catalog.strip():
        raise ValueError(f"ETL_WAREHOUSE={target!r} names no DuckLake catalog (e.g. ducklake:postgres:dbname=etl, "
                         "ducklake:sqlite:lake.sqlite or ducklake:lake.ducklake)")
    return catalog.strip(), (data.strip() or None)


def _literal(text: str) -> str:
    """A SQL string literal. ATTACH takes no prepared parameters; the value comes from the configuration."""
    return "'" + text.replace("'", "''") + "'"


def extension_file(name: str) -> Path:
    """The extension shipped in the duckdb-extension-<name> wheel for this DuckDB version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    found = sorted(Path(spec.origin).parent.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension")) if spec else []
    if not found:
        raise RuntimeError(f"the DuckDB extension {name!r} for DuckDB {duckdb.__version__} is not installed "
                           f"(pip install duckdb-extension-{name}=={duckdb.__version__})")
    return found[0]


EXTENSION_NAMES = {"ducklake": "ducklake", "postgres": "postgres_scanner", "sqlite": "sqlite_scanner", "spatial": "spatial"}


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """INSTALL the wheel's file (no network) unless installed, then LOAD it."""
    loaded_name = EXTENSION_NAMES[name]
    row = con.execute("SELECT installed, loaded FROM duckdb_extensions() WHERE extension_name = ?", [loaded_name]).fetchone()
    if row and row[1]:
        return
    if not (row and row[0]):
        con.execute(f"INSTALL {_literal(str(extension_file(name)))}")
    con.execute(f"LOAD {loaded_name}")


@contextmanager
def _lake(target: str, read_only: bool, sandboxed: bool, as_of: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    catalog, data_path = lake_parts(target)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        load_extension(con, "ducklake")
        for kind in ("postgres", "sqlite"):
            if catalog.startswith(kind + ":"):
                load_extension(con, kind)
        options = ([f"DATA_PATH {_literal(data_path)}"] if data_path and not read_only else []) + (["READ_ONLY"] if read_only else [])
        if as_of is not None:
            options.append(_snapshot_option(as_of))
        con.execute(f"ATTACH {_literal(LAKE_PREFIX + catalog)} AS {LAKE_ALIAS}" + (f" ({', '.join(options)})" if options else ""))
        con.execute(f"USE {LAKE_ALIAS}")
        if not read_only:
            apply_lake_schema(con)
        elif sandboxed:
            _allow_the_lake_data_only(con)
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


def _allow_the_lake_data_only(con: duckdb.DuckDBPyConnection) -> None:
    """A sandboxed reader of a lake reads the lake's Parquet files and no other file: with external access off,
    DuckDB opens only the allowed directories (without this, every table not inlined in the catalog failed)."""
    row = con.execute("SELECT value FROM ducklake_options(?) WHERE option_name = 'data_path'", [LAKE_ALIAS]).fetchone()
    if row and row[0]:
        con.execute(f"SET allowed_directories = [{_literal(row[0])}]")


def _snapshot_option(as_of: str) -> str:
    text = as_of.strip()
    if text.isdigit():
        return f"SNAPSHOT_VERSION {int(text)}"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {as_of!r} is neither a snapshot number nor a time (YYYY-MM-DD[ HH:MM[:SS]][+00:00])") from None
    return f"SNAPSHOT_TIME {_literal(when.isoformat(sep=' '))}"


def lake_schema_sql() -> str:
    """schema.sql for a DuckLake, which has no PRIMARY KEY or UNIQUE constraints: the keys are kept by the
    writers (delete, then insert, one serialised transaction per partition: see warehouse.write_partition)."""
    sql = SCHEMA_SQL.read_text(encoding="utf-8")
    sql = re.sub(r",\s*PRIMARY KEY \([^)]*\)", "", sql)
    sql = re.sub(r"\s+(PRIMARY KEY|UNIQUE)\b", "", sql)
    return sql + "\nCREATE TABLE IF NOT EXISTS writer_turn (n BIGINT NOT NULL);\n"


def apply_lake_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The schema, applied only when it changed (each DDL statement is a snapshot of the lake, and two writers
    replacing the same view at once would conflict)."""
    sql = lake_schema_sql()
    digest = hashlib.sha1(sql.encode()).hexdigest()
    applied = ("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'schema_applied'",
               "SELECT count(*) FROM schema_applied WHERE sha1 = ?")
    for attempt in range(10):
        if con.execute(applied[0]).fetchone()[0] and con.execute(applied[1], [digest]).fetchone()[0]:
            return
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute("CREATE TABLE IF NOT EXISTS schema_applied (sha1 VARCHAR NOT NULL)")
            con.execute(sql)
            con.execute("INSERT INTO writer_turn SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM writer_turn)")
            con.execute("DELETE FROM schema_applied")
            con.execute("INSERT INTO schema_applied VALUES (?)", [digest])
            assign_acled_ids(con)
            con.execute("COMMIT")
            return
        except duckdb.TransactionException:  # another writer applied it meanwhile: look again
            try:
                con.execute("ROLLBACK")
            except duckdb.TransactionException:
                pass
            time.sleep(0.1 * (attempt + 1))
    raise WarehouseBusy("could not apply the warehouse schema to the DuckLake: other writers kept conflicting")
