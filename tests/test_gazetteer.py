"""The full gazetteer loader (WOF + OpenSyria) and the downloader.

The loader tests need the gazetteer (ETL_GAZETTEER_DIR, or ../shared/gazetteer beside the project)
and are skipped with the reason otherwise. The download test serves those files from 127.0.0.1.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest

from etl_project.geo.download import DownloadError, download, verify_archive
from etl_project.geo.gazetteer import (
    OPENSYRIA_FILES,
    WOF_ARCHIVE,
    haversine_km,
    is_arabic_name,
    load_gazetteer,
    places_frame,
)
from tests.test_geo import GAZ_DIR

needs_full = pytest.mark.skipif(
    GAZ_DIR is None, reason="full gazetteer not found: set ETL_GAZETTEER_DIR to the folder with "
    "whosonfirst-data-admin-sy.tar.gz (CI uses ../shared/gazetteer)")


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    if GAZ_DIR is None:
        pytest.skip("full gazetteer not found")
    return load_gazetteer(GAZ_DIR, tmp_path_factory.mktemp("cache"))


def test_arabic_name_filter():
    assert is_arabic_name("الميادين")
    assert not is_arabic_name("Al Bāb")  # Latin in an "Arabic" key
    assert not is_arabic_name("کوهی")  # Persian letters
    assert not is_arabic_name(None)


@needs_full
def test_loads_current_localities_with_hierarchy(gaz):
    places = gaz.places
    types = Counter(p.placetype for p in places)
    assert types["governorate"] == 14 and types["district"] >= 60 and types["locality"] > 9000
    ids = [p.gazetteer_id for p in places]
    assert len(ids) == len(set(ids))
    for p in places:
        assert p.admin1 and p.admin1_pcode and 32.3 <= p.latitude <= 37.35 and 35.7 <= p.longitude <= 42.4
        assert all(is_arabic_name(n) for n in p.names_ar)
    # localities without a WOF hierarchy got their district by point-in-polygon
    loc = [p for p in places if p.placetype == "locality"]
    assert sum(1 for p in loc if p.admin2_pcode) / len(loc) > 0.99


@needs_full
def test_traps_of_the_data(gaz):
    by_id = {p.gazetteer_id: p for p in gaz.places}
    # Latin value in name:ara_x_preferred, Arabic form only in a variant key
    bab = by_id["1125981903"]
    assert "الباب" in bab.names_ar and bab.admin2 == "Al Bab" and bab.admin2_pcode == "SY0202"
    # a name only reachable through ص/س folding is still stored as written
    assert any(n == "الصعلو" for n in by_id["1327126135"].names_ar)
    # the town west of Deir ez-Zor: "خريطة"
    assert by_id["1326551491"].admin2 == "Deir ez-Zor"
    # duplicates merged: one منبج locality within 3 km of the town
    manbij = [p for p in gaz.places if p.placetype == "locality" and "منبج" in p.names_ar
              and haversine_km(p.latitude, p.longitude, 36.5266, 37.9563) < 3]
    assert len(manbij) == 1
    # ACLED names and OCHA P-codes on admin units
    assert by_id["SY09"].name_en == "Deir ez-Zor" and by_id["SY0903"].name_en == "Al Mayadin"
    assert by_id["SY0902"].admin1 == "Deir ez-Zor"


@needs_full
def test_the_parsed_gazetteer_is_cached_and_reused(tmp_path):
    first = load_gazetteer(GAZ_DIR, tmp_path)
    cached = list(tmp_path.glob("gazetteer-*.pkl"))
    assert len(cached) == 1
    written = cached[0].stat().st_mtime_ns
    second = load_gazetteer(GAZ_DIR, tmp_path)
    assert second.places == first.places and second.fingerprint == first.fingerprint
    assert cached[0].stat().st_mtime_ns == written  # read back, not parsed and written again


@needs_full
def test_places_frame(gaz):
    df = places_frame(gaz.places)
    assert df.height == len(gaz.places)
    assert df["gazetteer_id"].n_unique() == df.height
    assert df["admin1"].null_count() == 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        _QuietHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def local_server(tmp_path):
    """Serve a copy of the gazetteer from 127.0.0.1 (a GitHub-like layout)."""
    if GAZ_DIR is None:
        pytest.skip("full gazetteer not found")
    root = tmp_path / "www"
    (root / "wof").mkdir(parents=True)
    (root / "os" / "data").mkdir(parents=True)
    shutil.copy(GAZ_DIR / WOF_ARCHIVE, root / "wof" / "master.tar.gz")
    for name in OPENSYRIA_FILES + ("sources.json",):
        src = GAZ_DIR / "opensyria-data-geography" / name
        if src.is_file():
            shutil.copy(src, root / "os" / "data" / name)
    (root / "wof" / "broken.tar.gz").write_bytes(b"not a tar archive")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_download_from_a_local_server(local_server, tmp_path):
    dest = tmp_path / "gaz"
    written = download(dest, wof_url=f"{local_server}/wof/master.tar.gz",
                       opensyria_base=f"{local_server}/os/data/", timeout=10, retries=1, backoff=0.01)
    assert (dest / WOF_ARCHIVE).read_bytes() == (GAZ_DIR / WOF_ARCHIVE).read_bytes()
    assert verify_archive(dest / WOF_ARCHIVE) > 10000
    assert set(OPENSYRIA_FILES) <= set(written)
    gaz = load_gazetteer(dest, tmp_path / "cache")
    assert any(p.gazetteer_id == "SY0903" for p in gaz.places)
    assert not list(dest.rglob("*.part"))


def test_download_rejects_a_broken_archive(local_server, tmp_path):
    with pytest.raises(DownloadError):
        download(tmp_path / "gaz", wof_url=f"{local_server}/wof/broken.tar.gz",
                 opensyria_base=f"{local_server}/os/data/", timeout=5, retries=0)
    assert not (tmp_path / "gaz" / WOF_ARCHIVE).exists()


def test_download_missing_file_fails_fast(local_server, tmp_path):
    _QuietHandler.requests.clear()
    with pytest.raises(DownloadError):
        download(tmp_path / "gaz", wof_url=f"{local_server}/wof/nothing.tar.gz",
                 opensyria_base=f"{local_server}/os/data/", timeout=5, retries=3, backoff=1.0)
    assert _QuietHandler.requests.count("/wof/nothing.tar.gz") == 1  # a 404 is not retried


def test_cli_downloads_the_gazetteer_into_the_cache(local_server, tmp_path, monkeypatch, capsys):
    from etl_project.cli import main

    cache = tmp_path / "cache"
    monkeypatch.setenv("ETL_GAZETTEER_CACHE", str(cache))
    code = main(["gazetteer", "download", "--wof-url", f"{local_server}/wof/master.tar.gz",
                 "--opensyria-base", f"{local_server}/os/data/"])
    assert code == 0
    assert verify_archive(cache / WOF_ARCHIVE) > 10000
    assert "places" in capsys.readouterr().out


def test_cli_download_failure_is_one_line(local_server, tmp_path, monkeypatch, capsys):
    from etl_project.cli import main

    monkeypatch.setenv("ETL_GAZETTEER_CACHE", str(tmp_path / "cache"))
    code = main(["gazetteer", "download", "--wof-url", f"{local_server}/wof/broken.tar.gz",
                 "--opensyria-base", f"{local_server}/os/data/"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("etl-project:") and err.count("\n") == 1
