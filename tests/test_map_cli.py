"""`etl-project map`: the warehouse's events as a PNG or a self-contained interactive HTML page, on a real DuckDB file."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from etl_project.cli import main
from tests.test_warehouse import article, load, mention

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    db = tmp_path / "events.duckdb"
    monkeypatch.setenv("ETL_WAREHOUSE", str(db))
    monkeypatch.setenv("ETL_GAZETTEER_DIR", "offline")  # the coarse border: the map needs no gazetteer
    hostile = mention("m1", "a1", fatalities=4)
    hostile["actor1"] = "</script><script>alert(1)</script>"
    damascus = mention("m2", "a2", event_type="battle", lat=33.51, lon=36.29, place="دمشق", gid="g-dam")
    load(db, date(2025, 11, 12), [article("a1"), article("a2")], [hostile, {**damascus, "admin1": "Damascus"}])
    day = date(2025, 11, 20)
    aleppo = mention("n1", "b1", day=day, event_date=day, lat=36.2, lon=37.15, place="حلب", gid="g-a")
    load(db, day, [article("b1", day=day)], [{**aleppo, "admin1": "Aleppo"}])
    return db


def test_map_writes_a_png_of_the_events_of_a_date_range(loaded, tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["map", "--output", str(out), "--from", "2025-11-12", "--to", "2025-11-12"]) == 0
    assert out.read_bytes().startswith(PNG_MAGIC) and out.stat().st_size > 5000
    assert "the map of 2 events" in capsys.readouterr().err


def test_map_writes_one_self_contained_html_page(loaded, tmp_path):
    out = tmp_path / "map.html"
    assert main(["map", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in page
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js is inside: the page opens with no network
    # the figure's data: one trace per event type, three points, hover text escaped
    spec = json.loads(re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", page, re.S).group(1))
    points = [t for t in spec if t.get("mode") == "markers"]
    assert sorted(t["name"] for t in points) == ["Battles", "Explosions/Remote violence"]
    assert sum(len(t["x"]) for t in points) == 3
    hover = next(h for t in points for h in t["hovertext"] if "alert" in h)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in hover  # shown as text, never as markup
    assert "<script>alert(1)" not in page and "</script><script>alert" not in page


def test_map_of_a_governorate_keeps_only_its_events(loaded, tmp_path, capsys):
    out = tmp_path / "dez.html"
    assert main(["map", "--output", str(out), "--governorate", "دير الزور"]) == 0
    assert "the map of 1 events" in capsys.readouterr().err
    assert main(["map", "--output", str(tmp_path / "x.png"), "--governorate", "Raqqa"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no events" in err and not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("argv", "says"), [
    (["--output", "map.svg"], "say which format"),
    (["--output", "map.png", "--from", "2025-11-13", "--to", "2025-11-12"], "--to is before --from"),
    (["--output", "nowhere/map.png"], "no such folder"),
])
def test_map_errors_are_one_line(loaded, tmp_path, monkeypatch, capsys, argv, says):
    monkeypatch.chdir(tmp_path)
    assert main(["map", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
