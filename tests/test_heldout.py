"""A floor under the extractor on the team's own held-out set (tests/data/heldout), scored by the
shared tool the hidden set is scored with. The set measures; it is never read to write rules, so this
floor is set below today's figure (0.79 strict F1 with the full gazetteer) to catch regressions only."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl_project.extractor import extract_jsonl
from tests.conftest import SHARED

HELDOUT = Path(__file__).parent / "data" / "heldout"


def test_heldout_set_quality(extractor, tmp_path):
    scorer = SHARED / "tools" / "score.py"
    if not scorer.exists():
        pytest.skip("the shared scorer is not beside the checkout")
    out = tmp_path / "heldout.jsonl"
    extract_jsonl(HELDOUT / "articles.jsonl", out, extractor)
    res = json.loads(subprocess.run([sys.executable, str(scorer), str(HELDOUT / "labels.jsonl"), str(out), "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    assert res["strict"]["f1"] >= 0.70
    assert res["detection"]["recall"] >= 0.85
    assert res["on_detected"]["date_exact"] >= 0.90


BLIND = Path(__file__).parent / "data" / "blind"


# Floors a little under the figures of 2026-12-01 (full gazetteer), to catch regressions: c, d and f were read
# to write rules (g from the third session on); e and h never were (tests/data/blind/README.md).
@pytest.mark.parametrize("name,floor", [("c", 0.88), ("d", 0.80), ("e", 0.66), ("f", 0.82), ("g", 0.70), ("h", 0.76)])
def test_blind_set_quality(extractor, tmp_path, name, floor):
    from tests.conftest import gazetteer_is_full
    if not gazetteer_is_full():
        pytest.skip("the floors are for the full gazetteer (village names): set ETL_GAZETTEER_DIR")
    scorer = SHARED / "tools" / "score.py"
    if not scorer.exists():
        pytest.skip("the shared scorer is not beside the checkout")
    out = tmp_path / f"{name}.jsonl"
    extract_jsonl(BLIND / name / "articles.jsonl", out, extractor)
    res = json.loads(subprocess.run([sys.executable, str(scorer), str(BLIND / name / "labels.jsonl"), str(out), "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    assert res["strict"]["f1"] >= floor
    assert res["on_detected"]["date_exact"] >= 0.90
