"""Confidence that means what it says: the fitted model, and the command that fits it on labelled real news."""
import json
import math
import random

import pytest

from etl_project.calibration import FEATURES, Model, calibrated, fit, reliability, shipped_model
from etl_project.cli import main


def test_fit_recovers_a_known_logistic_relation():
    rng = random.Random(7)
    truth = Model(weights=(2.0, -1.5), bias=-0.5)
    xs = [[rng.random(), rng.random()] for _ in range(3000)]
    ys = [1 if rng.random() < truth.probability(x) else 0 for x in xs]
    got = fit(xs, ys, l2=0.01)
    assert got.bias == pytest.approx(truth.bias, abs=0.25)
    assert got.weights == pytest.approx(truth.weights, abs=0.3)


def test_the_shipped_model_reads_the_features_this_code_computes():
    model = shipped_model()
    assert model is not None and len(model.weights) == len(FEATURES)


def _record(**kw):
    base = {"confidence": 0.7, "geo_precision": 1, "event_date": "2025-03-02", "date_text": "اليوم",
            "is_background": False, "rules": ["type:trigger.airstrike", "place:clause", "date:clause"]}
    return {**base, **kw}


def test_confidence_is_a_probability_that_falls_with_weaker_evidence():
    from datetime import date

    pub = date(2025, 3, 2)
    strong = calibrated(_record(), pub)
    assert 0.0 <= strong <= 1.0
    assert calibrated(_record(confidence=0.45), pub) < strong
    assert calibrated(_record(geo_precision=3), pub) < strong
    assert calibrated(_record(rules=["type:deaths_only", "place:fallback.near"]), pub) < strong


def test_reliability_buckets_count_and_rate():
    table = reliability([0.05, 0.15, 0.12, 0.95], [0, 1, 0, 1])
    assert [(r["from"], r["events"], r["right"]) for r in table] == [(0.0, 1, 0.0), (0.1, 2, 0.5), (0.9, 1, 1.0)]


def test_extract_writes_calibrated_confidence(extractor):
    from datetime import date

    from etl_project.extraction import Extractor

    article = {"id": "c1", "published": "2025-03-02", "text": "قتل ثلاثة مدنيين اليوم بقصف مدفعي على مدينة سراقب."}
    raw = Extractor(extractor.geocoder, calibrated=False).extract(article)[0]
    cooked = extractor.extract(article)[0]
    assert cooked["confidence"] == calibrated(raw, date(2025, 3, 2)) != raw["confidence"]


def test_calibrate_on_the_labelled_sets_reproduces_the_shipped_model(shared_dir, extractor, tmp_path, capsys):
    """The shipped model is the one today's rules give: after a rule change, `etl-project calibrate`."""
    if not extractor.geocoder.full:
        pytest.skip("the shipped model is fitted with the full gazetteer")
    out = tmp_path / "confidence.json"
    assert main(["calibrate", "--set", str(shared_dir / "dev"), "--set", str(shared_dir / "dev2"),
                 "--scorer", str(shared_dir / "tools" / "score.py"), "--output", str(out)]) == 0
    fresh = json.loads(out.read_text(encoding="utf-8"))
    shipped = shipped_model()
    assert fresh["weights"] == pytest.approx(list(shipped.weights), abs=1e-3), "run `etl-project calibrate`"
    assert fresh["bias"] == pytest.approx(shipped.bias, abs=1e-3)
    lobo = fresh["leave_one_batch_out"]
    assert lobo["batches"] == [f"dev2:b{i}" for i in range(1, 9)]
    assert sum(r["events"] for r in lobo["reliability"]) > 100
    assert "leave-one-batch-out" in capsys.readouterr().out
    assert not math.isnan(lobo["brier"])


def test_calibrate_refuses_a_folder_that_is_not_a_labelled_set(tmp_path, capsys):
    assert main(["calibrate", "--set", str(tmp_path), "--output", str(tmp_path / "m.json")]) != 0
    assert "not a labelled set" in capsys.readouterr().err
