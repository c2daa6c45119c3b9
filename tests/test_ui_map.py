"""The map is visible on the `warehouse/events` asset page of the Dagster UI itself (issue 18), proven by a screenshot
from headless Chromium of a real webserver over a real materialisation. Skipped where no Chromium is installed
(`apt-get install chromium`); set ETL_UI_SCREENSHOT=FILE to keep the screenshot.

What the UI renders inline (read in dagster-webserver 1.13's ui-core): an asset event's *description* is Markdown
shown in the event's detail on the asset page's Events tab (AssetEventDetail → Description, 320 px high), and
Dagster's Markdown allows `data:` images; a Markdown *metadata* value of 1,000 characters or more is behind
"[Show Markdown]". So each run logs, after the materialisation, an observation of `warehouse/events` whose description
is the map (maps.ui_map_description), and the Events tab opens on it."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from etl_project.config import PROJECT_ROOT
from tests.conftest import SEEDS, read_jsonl, write_jsonl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DAY = "2025-11-12"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here to take the screenshot (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: bytes | None = None) -> bytes:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read()


def _chromium(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--window-size=1500,1100", "--virtual-time-budget=20000", *args, url],
                          capture_output=True, timeout=180)


@pytest.fixture
def webserver(project_env, tmp_path):
    """A materialised day in a Dagster home, and dagster-webserver on 127.0.0.1 over it."""
    from dagster import DagsterInstance

    from etl_project.definitions import build_definitions

    write_jsonl(project_env.seeds_dir / "articles.jsonl", [a for a in read_jsonl(SEEDS / "articles.jsonl") if a["published"] == DAY])
    with DagsterInstance.get() as instance:
        job = build_definitions(project_env).resolve_job_def("nightly_events")
        assert job.execute_in_process(partition_key=DAY, instance=instance).success
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-w", str(PROJECT_ROOT / "workspace.yaml"),
                             "-h", "127.0.0.1", "-p", str(port)], cwd=PROJECT_ROOT, env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _get(base + "/server_info")
                break
            except OSError:
                time.sleep(1)
        # the UI's first-visit newsletter dialog would cover the page: say it was seen, as its Skip button does
        _get(base + "/graphql", json.dumps({"query": "mutation { setNuxSeen }"}).encode())
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_events_page_shows_the_map_inline(webserver, tmp_path):
    page = f"{webserver}/assets/warehouse/events?view=events"
    dom = _chromium(page, "--dump-dom").stdout.decode("utf-8", "replace")
    images = re.findall(r'<img[^>]*alt="map of the events read on ' + DAY + r'"[^>]*>', dom)
    assert images and 'src="data:image/png;base64,' in images[0]
    assert "[Show Markdown]" not in dom.split("map of the events read on")[0][-2000:]

    shot = Path(os.environ.get("ETL_UI_SCREENSHOT") or tmp_path / "events_page.png")
    _chromium(page, f"--screenshot={shot}")
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int).reshape(-1, 3)
    # the map's own colours (Okabe–Ito, maps.EVENT_COLOURS), which nothing else on the page uses
    colours = [(0xE6, 0x9F, 0x00), (0xD5, 0x5E, 0x00), (0xCC, 0x79, 0xA7), (0x00, 0x9E, 0x73), (0x56, 0xB4, 0xE9)]
    near = int(sum((np.abs(pixels - np.array(c)).sum(axis=1) < 40).sum() for c in colours))
    assert near >= 20, f"{near} pixels of the map's colours in {shot}"
