"""A real PostgreSQL server for the DuckLake tests: the one `.ci/run` started (ETL_TEST_POSTGRES, a libpq
connection string), or one started here from Debian's `postgresql` binaries in a temporary folder (socket there,
no TCP), stopped at the end. Without the binaries the tests that need it are skipped."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb, pg_ctl and createdb, if PostgreSQL is installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        folder = Path(os.path.realpath(found)).parent
        if (folder / "createdb").exists():
            return folder
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(folder) / b).exists() for b in ("initdb", "pg_ctl", "createdb")):
            return Path(folder)
    return None


def _as_owner(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


class Server:
    def __init__(self, conninfo: str, bin_dir: Path | None, folder: Path | None) -> None:
        self.conninfo = conninfo  # e.g. "host=/tmp/x port=5432 user=postgres"
        self.bin_dir = bin_dir
        self.folder = folder
        self.n = 0

    @classmethod
    def start(cls) -> Server | None:
        given = os.environ.get("ETL_TEST_POSTGRES")
        bin_dir = binaries()
        if given:
            return cls(given, bin_dir, None)
        if bin_dir is None:
            return None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                return None
        folder = Path(tempfile.mkdtemp(prefix="etl-pg-"))
        if os.geteuid() == 0:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", user]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
                                  "-o", f"-k {folder} -c listen_addresses='' -c fsync=off", "start"]),
                       check=True, capture_output=True, timeout=120)
        return cls(f"host={folder} user={user}", bin_dir, folder)

    def new_database(self) -> str:
        """A fresh database; its libpq connection string."""
        self.n += 1
        # (a server given by ETL_TEST_POSTGRES is shared by every test module: a counter per module is not unique)
        name = f"lake_{os.getpid()}_{self.n}_{uuid.uuid4().hex[:8]}"
        params = dict(kv.split("=", 1) for kv in self.conninfo.split())
        argv = ["createdb"] if self.bin_dir is None else [str(self.bin_dir / "createdb")]
        argv += [f"--{k}={v}" for k, v in params.items() if k in ("host", "port", "username", "user")]
        argv = [a.replace("--user=", "--username=") for a in argv] + [name]
        subprocess.run(argv, check=True, capture_output=True, timeout=60)
        return f"dbname={name} {self.conninfo}"

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(_as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"]),
                       capture_output=True, timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)
