"""Pass `confidence`: each record's confidence becomes the chance that it is right. The record pass gives
the rules' raw score (a dated trigger, the town itself, a strong trigger, corroborating mentions); the model
fitted on labelled real news (etl_project/calibration.py, `etl-project calibrate`) maps it, with a few of
the record's own features, to the share of such events that are right. An extractor made with
`calibrated=False` keeps the raw scores (that is what the model is fitted on)."""
from __future__ import annotations

from etl_project.calibration import calibrated
from etl_project.extraction.model import ArticleContext


def run(doc: ArticleContext) -> None:
    if not doc.calibrated:
        return
    for r in doc.records:
        r["confidence"] = calibrated(r, doc.ref)
