"""Which partitions did new or changed input touch? The plain logic behind the inbox sensor.

The state (the sensor's cursor) remembers, per watched file, its modification time, its size and a
digest of its records per partition. A new file touches the partitions of its records; a changed file
touches the partitions whose records changed (an appended feed cache touches only the new days, an
edited article its old day and its new one); a removed file touches every partition it had.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from etl_project.sources.files import read_file


@dataclass
class Changes:
    partitions: dict[date, list[str]] = field(default_factory=dict)   # partition → the files that touched it
    newest_mtime: dict[date, float] = field(default_factory=dict)     # partition → latest change (epoch seconds)
    state: dict = field(default_factory=dict)

    def add(self, day: date, path: str, mtime: float) -> None:
        self.partitions.setdefault(day, [])
        if path not in self.partitions[day]:
            self.partitions[day].append(path)
        self.newest_mtime[day] = max(self.newest_mtime.get(day, 0.0), mtime)


def partition_digests(records: list[dict]) -> dict[str, str]:
    by_day: dict[str, list] = {}
    for r in records:
        by_day.setdefault(r["partition_date"].isoformat(), []).append(
            (r["record_key"] or "", r["status"], r["text_sha1"] or "", r["reason"] or "", r["published"] or "", r["url"] or "",
             r["title"] or "", r["source"] or ""))
    return {day: hashlib.sha1(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()[:12] for day, rows in by_day.items()}


def scan(files: list[Path], tz: ZoneInfo, today: date, previous: dict, now: float) -> Changes:
    """Compare the watched files with the previous state; return the touched partitions and the new state."""
    changes = Changes()
    seen: set[str] = set()
    for path in files:
        key = str(path)
        seen.add(key)
        try:
            st = path.stat()
        except FileNotFoundError:  # removed between listing and reading
            continue
        before = previous.get(key)
        if before and before["m"] == st.st_mtime_ns and before["s"] == st.st_size:
            changes.state[key] = before
            continue
        digests = partition_digests(read_file(path, tz, today))
        changes.state[key] = {"m": st.st_mtime_ns, "s": st.st_size, "p": digests}
        old = before["p"] if before else {}
        for day in set(digests) | set(old):
            if digests.get(day) != old.get(day):
                changes.add(date.fromisoformat(day), key, st.st_mtime)
    for key, before in previous.items():
        if key not in seen:
            for day in before["p"]:
                changes.add(date.fromisoformat(day), key, now)
    return changes
