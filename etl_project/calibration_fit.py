"""`etl-project calibrate`: fit the confidence model on labelled real articles and say how well it holds.

Each labelled set is a folder with `articles.jsonl` and `gold.jsonl` (as `../shared/dev`, `../shared/dev2`).
The extractor reads every article with its raw scores; each event is right or wrong by the scorer that
judges the project (`../shared/tools/score.py`, strict matching); events matched to an optional gold row
are left out, as the scorer leaves them out. The model is fitted on all of it and written for the package.
Its honesty is measured leave-one-batch-out: for each batch (the article id's prefix before "-"), a model
fitted without that batch scores it, and the pooled scores give the reliability table.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

from etl_project.calibration import FEATURES, at_least, features, fit, reliability


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("etl_scorer", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _published(article: dict) -> date | None:
    try:
        return date.fromisoformat(str(article.get("published"))[:10])
    except ValueError:
        return None


def labelled_events(folder: Path, extract_raw, scorer) -> list[tuple[str, list[float], int]]:
    """(batch, features, right) for every event the extractor reads in the set, bar optional matches."""
    articles = _jsonl(folder / "articles.jsonl")
    gold = _jsonl(folder / "gold.jsonl")
    events, published = [], {}
    for a in articles:
        published[str(a["id"])] = _published(a)
        events.extend(extract_raw(a))
    pairs = scorer.match(gold, events, True)
    outcome = {id(p): (0 if g.get("optional") else 1) for g, p, _ in pairs}
    optional = {id(p) for g, p, _ in pairs if g.get("optional")}
    return [(f"{folder.name}:{e['article_id'].split('-')[0]}", features(e, published[e["article_id"]]),
             outcome.get(id(e), 0)) for e in events if id(e) not in optional]


def leave_one_batch_out(rows: list[tuple[str, list[float], int]], batches_of: set[str]) -> tuple[list[float], list[int]]:
    """Scores of each batch in `batches_of` by a model fitted on every other row."""
    probs, ys = [], []
    for batch in sorted(batches_of):
        train = [(x, y) for b, x, y in rows if b != batch]
        model = fit([x for x, _ in train], [y for _, y in train])
        for b, x, y in rows:
            if b == batch:
                probs.append(model.probability(x))
                ys.append(y)
    return probs, ys


def calibrate(folders: list[Path], extract_raw, scorer, output: Path) -> dict:
    rows = [r for folder in folders for r in labelled_events(folder, extract_raw, scorer)]
    if not rows:
        raise ValueError("no events to fit on")
    model = fit([x for _, x, _ in rows], [y for _, _, y in rows])
    # honesty is measured on the sets that come in several batches; a set of one batch only trains
    batches = {b for b, _, _ in rows}
    batched = {b for b in batches if sum(1 for o in batches if o.split(":")[0] == b.split(":")[0]) > 1}
    probs, ys = leave_one_batch_out(rows, batched)
    report = {
        "features": [name for name, _ in FEATURES],
        "weights": [round(w, 6) for w in model.weights],
        "bias": round(model.bias, 6),
        "fitted_on": [f.name for f in folders],
        "events": len(rows),
        "right": sum(y for _, _, y in rows),
        "leave_one_batch_out": {
            "batches": sorted(batched),
            "brier": round(sum((p - y) ** 2 for p, y in zip(probs, ys)) / len(ys), 4) if ys else None,
            "reliability": reliability(probs, ys),
            "at_least": [at_least(probs, ys, t) for t in (0.5, 0.6, 0.7, 0.8)],
        },
    }
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def cmd_calibrate(args) -> int:
    """`etl-project calibrate`: fit on the labelled sets, write the model, print the honest table."""
    from etl_project.cli_common import UsageError
    from etl_project.config import load_settings
    from etl_project.extraction import Extractor
    from etl_project.geo.geocoder import Geocoder

    for folder in args.set:
        if not (folder / "articles.jsonl").is_file() or not (folder / "gold.jsonl").is_file():
            raise UsageError(f"not a labelled set (articles.jsonl and gold.jsonl): {folder}")
    if not args.scorer.is_file():
        raise UsageError(f"no scorer at {args.scorer}")
    settings = load_settings()
    raw = Extractor(Geocoder.load(settings.gazetteer_dir, settings.gazetteer_cache), calibrated=False)
    report = calibrate(args.set, raw.extract, load_scorer(args.scorer), args.output)
    lobo = report["leave_one_batch_out"]
    print(f"fitted on {report['events']} events ({report['right']} right); wrote {args.output}", file=sys.stderr)
    print(f"Brier score, leave-one-batch-out: {lobo['brier']}")
    print("confidence   events  right (leave-one-batch-out over " + ", ".join(lobo["batches"]) + ")")
    for row in lobo["reliability"]:
        print(f"{row['from']:.1f}-{row['to']:.1f}    {row['events']:6d}  {row['right']:.3f}")
    for row in lobo["at_least"]:
        right = "-" if row["right"] is None else f"{row['right']:.3f}"
        print(f">= {row['threshold']:.1f}     {row['events']:6d}  {right}")
    return 0
