"""Fetch the full gazetteer from its public repositories into a directory (ETL_GAZETTEER_DIR).

    download(Path("gazetteer"))   # -> gazetteer/whosonfirst-data-admin-sy.tar.gz, opensyria-data-geography/*.json

Who's On First: the GitHub archive of whosonfirst-data/whosonfirst-data-admin-sy (a tar.gz of the tree,
which `gazetteer.load_gazetteer` reads directly). OpenSyria: the raw JSON files of Open-Syria/data-geography.
Plain urllib with timeouts and retries; the base URLs can be overridden (tests serve local files).
Files are written to a temporary name and renamed when complete and verified.
"""
from __future__ import annotations

import json
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from etl_project.geo.gazetteer import OPENSYRIA_FILES, OPENSYRIA_FOLDER, WOF_ARCHIVE

WOF_URL = "https://github.com/whosonfirst-data/whosonfirst-data-admin-sy/archive/refs/heads/master.tar.gz"
OPENSYRIA_BASE = "https://raw.githubusercontent.com/Open-Syria/data-geography/main/data/"
OPENSYRIA_EXTRA = ("sources.json",)
USER_AGENT = "etl-project/0.1 gazetteer download (Arabic security-events pipeline)"


class DownloadError(RuntimeError):
    pass


def _fetch(url: str, dest: Path, timeout: float, retries: int, backoff: float) -> None:
    tmp = dest.with_name(dest.name + ".part")
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(req, timeout=timeout) as resp, tmp.open("wb") as out:
                while chunk := resp.read(1 << 16):
                    out.write(chunk)
            tmp.replace(dest)
            return
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            last = exc
            if isinstance(exc, urllib.error.HTTPError) and 400 <= exc.code < 500 and exc.code != 429:
                break  # a missing file does not appear on retry
            if attempt < retries:
                time.sleep(backoff * (2 ** attempt))
        finally:
            if tmp.exists():
                tmp.unlink()
    raise DownloadError(f"could not fetch {url}: {last}")


def verify_archive(path: Path) -> int:
    """The number of GeoJSON files in a readable tar.gz; raises DownloadError otherwise."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            n = sum(1 for m in tar if m.isfile() and m.name.endswith(".geojson"))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DownloadError(f"{path} is not a readable tar.gz: {exc}") from exc
    if n == 0:
        raise DownloadError(f"{path} holds no .geojson files")
    return n


def download(
    dest: Path,
    wof_url: str = WOF_URL,
    opensyria_base: str = OPENSYRIA_BASE,
    *,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
) -> dict[str, Path]:
    """Download both sources into `dest`; returns the written paths by name."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    archive = dest / WOF_ARCHIVE
    _fetch(wof_url, archive, timeout, retries, backoff)
    try:
        verify_archive(archive)
    except DownloadError:
        archive.unlink(missing_ok=True)
        raise
    written[WOF_ARCHIVE] = archive
    folder = dest / OPENSYRIA_FOLDER
    folder.mkdir(exist_ok=True)
    base = opensyria_base if opensyria_base.endswith("/") else opensyria_base + "/"
    for name in OPENSYRIA_FILES + OPENSYRIA_EXTRA:
        path = folder / name
        _fetch(base + name, path, timeout, retries, backoff)
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            path.unlink(missing_ok=True)
            raise DownloadError(f"{base + name} is not JSON: {exc}") from exc
        written[name] = path
    return written
