"""Articles in, events out: JSON lines files."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

# A line longer than this is not an article (the pipeline's limit, etl_project.sources.records.MAX_LINE_BYTES):
# it is skipped without being held whole. A text longer than MAX_TEXT_CHARS is skipped as the pipeline quarantines it.
MAX_LINE_BYTES = 5_000_000
MAX_TEXT_CHARS = 200_000
_READ_CHUNK = 1 << 20


def _lines(fh, limit: int):
    """(line number, bytes or None when the line is longer than `limit`) for each line; a long line is skipped
    a chunk at a time, never read whole."""
    lineno = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:
                rest = fh.readline(_READ_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, raw


def _reason(raw: bytes | None):
    """(article, None) for a readable article line, else (None, why it is skipped)."""
    if raw is None:
        return None, "line too long"
    line = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        art = json.loads(line)
    except json.JSONDecodeError:
        return None, "invalid json"
    except RecursionError:
        return None, "nested too deeply"
    if not isinstance(art, dict):
        return None, "not an object"
    if not isinstance(art.get("id"), (str, int)) or str(art.get("id")) == "":
        return None, "missing id"
    if not isinstance(art.get("text"), str):
        return None, "missing text"
    if "\\u" in line and _has_lone_surrogate(art):
        return None, "lone surrogate"
    if len(art["text"]) > MAX_TEXT_CHARS:
        return None, "text too long"
    return art, None


def _has_lone_surrogate(art: dict) -> bool:
    # "\ud800" is valid JSON but no character: it cannot be written out as UTF-8
    try:
        json.dumps(art, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except RecursionError:
        return False
    return False


def extract_jsonl(input_path, output_path, extractor, reference_date: date | None = None) -> dict:
    """Read articles (one JSON object per line), write events (one per line, UTF-8), return counts.

    Lines that are not JSON objects with a string `id` and `text` (or that are too long, nested too deeply,
    hold a lone surrogate, or make the extractor fail) are skipped and counted by reason; the file goes on."""
    stats = {"articles": 0, "events": 0, "articles_with_events": 0, "skipped": 0, "skipped_reasons": {}}
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)

    def skip(reason: str) -> None:
        stats["skipped"] += 1
        stats["skipped_reasons"][reason] = stats["skipped_reasons"].get(reason, 0) + 1

    with open(input_path, "rb") as fin, open(output_path, "w", encoding="utf-8") as fout:
        for _lineno, raw in _lines(fin, MAX_LINE_BYTES):
            if raw is not None and not raw.strip():
                continue
            art, reason = _reason(raw)
            if reason:
                skip(reason)
                continue
            try:
                events = extractor.extract(art, reference_date=reference_date)
                out = "".join(json.dumps(ev, ensure_ascii=False) + "\n" for ev in events)
            except Exception as exc:  # one article the extractor cannot read must not lose the file's others,
                skip(f"extractor failed: {type(exc).__name__}")  # as in the pipeline (extract_worker)
                continue
            stats["articles"] += 1
            if events:
                stats["articles_with_events"] += 1
            fout.write(out)
            stats["events"] += len(events)
    return stats
