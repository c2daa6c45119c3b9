"""Articles in, events out: JSON lines files."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path


def extract_jsonl(input_path, output_path, extractor, reference_date: date | None = None) -> dict:
    """Read articles (one JSON object per line), write events (one per line, UTF-8), return counts.

    Lines that are not JSON objects with a string `id` and `text` are skipped and counted by reason."""
    stats = {"articles": 0, "events": 0, "articles_with_events": 0, "skipped": 0, "skipped_reasons": {}}
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(input_path, encoding="utf-8", errors="replace") as fin, open(output_path, "w", encoding="utf-8") as fout:
        for lineno, line in enumerate(fin, 1):
            if not line.strip():
                continue
            reason = None
            try:
                art = json.loads(line)
            except json.JSONDecodeError:
                art, reason = None, "invalid json"
            if reason is None and not isinstance(art, dict):
                reason = "not an object"
            elif reason is None and (not isinstance(art.get("id"), (str, int)) or str(art.get("id")) == ""):
                reason = "missing id"
            elif reason is None and not isinstance(art.get("text"), str):
                reason = "missing text"
            if reason:
                stats["skipped"] += 1
                stats["skipped_reasons"][reason] = stats["skipped_reasons"].get(reason, 0) + 1
                continue
            stats["articles"] += 1
            events = extractor.extract(art, reference_date=reference_date)
            if events:
                stats["articles_with_events"] += 1
            for ev in events:
                fout.write(json.dumps(ev, ensure_ascii=False) + "\n")
            stats["events"] += len(events)
    return stats
