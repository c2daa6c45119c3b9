"""Pass `confidence`: each record's confidence becomes the chance that it is right. The record pass gives
the rules' raw score (a dated trigger, the town itself, a strong trigger, corroborating mentions); the model
fitted on labelled real news (etl_project/calibration.py, `etl-project calibrate`) maps it, with a few of
the record's own features, to the share of such events that are right. An extractor made with
`calibrated=False` keeps the raw scores (that is what the model is fitted on).

A reading the model gives less than MIN_CONFIDENCE is withheld: measured leave-one-batch-out on `dev2` (each
batch scored by a model fitted without it), withholding below 0.4 raised strict F1 on the never-read pair b6+b7
and on the read batches alike, and none of the readings it withheld was right (README, "Confidence").
`Extractor(..., min_confidence=0)` (and `etl-project extract --min-confidence 0`) keeps every reading."""
from __future__ import annotations

from etl_project.calibration import calibrated
from etl_project.extraction.model import ArticleContext


MIN_CONFIDENCE = 0.4


def run(doc: ArticleContext) -> None:
    if not doc.calibrated:
        return
    for r in doc.records:
        r["confidence"] = calibrated(r, doc.ref)
    doc.records = [r for r in doc.records if r["confidence"] >= doc.min_confidence]
