"""Arabic incident extraction: article -> ACLED-style event records (spec: shared/spec/event_record.md),
as a pipeline of named passes over one ArticleContext, its decision lists as data in etl_project/rules/.

    ex = Extractor(Geocoder.load(gazetteer_dir))
    events = ex.extract({"id": ..., "text": ..., "published": "2025-11-12"})
    stats = extract_jsonl(Path("articles.jsonl"), Path("events.jsonl"), ex)
    pass_names()  # the whole pipeline, in order

Each event's `rules` lists the names of the rules that decided it; every name leads to a table row
(`place:role.<row>` in rules/place_roles.tsv, `type:trigger.<row>` in lexicons/triggers.tsv) or to a
constant of a pass module (grep the name)."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from etl_project.extraction import (
    actors, background, casualties, chronology, confidence, dates, grouping, incidents, places, record, tolls,
    triggers, zones,
)
from etl_project.extraction.jsonl import extract_jsonl
from etl_project.extraction.model import ArticleContext
from etl_project.extraction.rules import rule_files
from etl_project.schema import OUTPUT_FIELDS
from etl_project.text.lexicon import lexicon_fingerprint

PASSES = (zones, places, casualties, triggers, actors, dates, incidents, chronology, background, grouping, tolls,
          record, confidence)


def pass_names() -> tuple[str, ...]:
    return tuple(p.__name__.rsplit(".", 1)[-1] for p in PASSES)


def _content_version() -> str:
    """A hash of what decides the output: the rule tables, the lexicons, this package's source and the
    language modules it calls."""
    h = hashlib.sha1()
    here = Path(__file__).resolve().parent
    # the language logic the passes call (triggers, dates, numbers, casualties, segmentation) decides too
    text = here.parent / "text"
    models = sorted((here.parent / "models").glob("*.json"))  # the fitted confidence model
    for path in rule_files() + sorted(here.glob("*.py")) + sorted(text.glob("*.py")) + models:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(lexicon_fingerprint().encode())
    return h.hexdigest()[:12]


EXTRACTOR_VERSION = f"ar-{_content_version()}"


class Extractor:
    """The passes over a geocoder; `extract(article)` returns the article's event records."""

    def __init__(self, geocoder, calibrated: bool = True, min_confidence: float = confidence.MIN_CONFIDENCE):
        self.geocoder = geocoder
        self.calibrated = calibrated
        self.min_confidence = min_confidence
        self.version = f"{EXTRACTOR_VERSION}+geo-{getattr(geocoder, 'version', 'none')}"

    def read(self, article: dict, reference_date: date | None = None) -> ArticleContext:
        """The article as the passes left it (for tests and debugging)."""
        doc = ArticleContext(article=article, reference_date=reference_date, geocoder=self.geocoder,
                             version=self.version, calibrated=self.calibrated,
                             min_confidence=self.min_confidence)
        for p in PASSES:
            p.run(doc)
        return doc

    def extract(self, article: dict, reference_date: date | None = None) -> list[dict]:
        return self.read(article, reference_date).records


__all__ = ["PASSES", "pass_names", "Extractor", "EXTRACTOR_VERSION", "OUTPUT_FIELDS", "extract_jsonl"]
