"""What one run reads, from one file: `sources.yaml` (its path is Settings.sources_file, ETL_SOURCES).

    jsonl: [seeds/]                 # JSONL files, or folders of them, in the input format
    inbox: [inbox/]                 # folders where files are dropped: .jsonl .json .txt .html
    feeds:                          # RSS/Atom feeds; each entry's page is fetched and its text extracted
      - {name: example-news, url: https://example.org/rss.xml, source: example-news}
    data_dir: data/                 # fetched feed articles are cached here (JSONL), so re-runs do not refetch
    fetch: {timeout_s: 20, retries: 3, backoff_s: 2, per_host_delay_s: 2, user_agent: "..."}

Relative paths are relative to the folder of sources.yaml; `${ETL_SEEDS_DIR}` is the seeds folder.
Without a sources.yaml the bundled seeds are the only source.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

# Names the project; a deployment adds a contact (fetch.user_agent in sources.yaml) so a site can reach its operator.
DEFAULT_USER_AGENT = "etl-project/0.1 (Arabic news to ACLED-style security events for Syria; polite fetcher)"
FEED_CACHE_SUFFIX = ".feed.jsonl"


class RefusedPath(type(Path())):
    """An inbox entry that is listed but never opened; `refusal` says why (see `inbox_entry`)."""

    refusal: str = ""

    @classmethod
    def of(cls, path: Path, refusal: str) -> "RefusedPath":
        out = cls(str(path))
        out.refusal = refusal
        return out


@dataclass(frozen=True)
class FetchSettings:
    """Polite fetching: who we say we are, how long we wait, how often we retry, how hard we hit a host."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 20.0
    retries: int = 3                 # further attempts after the first, on timeouts, 5xx, 429 and 408
    backoff_s: float = 2.0           # wait before retry n is backoff_s * 2**(n-1) (or the server's Retry-After)
    max_backoff_s: float = 60.0
    per_host_delay_s: float = 2.0    # at least this long between two requests to one host
    max_bytes: int = 5_000_000       # a feed or page larger than this is refused, not read
    respect_robots: bool = True      # ask robots.txt before fetching a page (RFC 9309)
    max_entries: int = 100           # entries read per feed per fetch
    fetch_window_days: int = 3       # reading a partition this recent fetches the feeds first; older ones read the cache only
    min_refetch_s: float = 600.0     # a feed fetched less than this long ago is not fetched again (a backfill fetches once)

    @classmethod
    def from_mapping(cls, data: dict | None) -> "FetchSettings":
        data = dict(data or {})
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"sources.yaml: unknown fetch settings {unknown}; known: {sorted(known)}")
        defaults = cls()
        values = {}
        for name, value in data.items():
            kind = type(getattr(defaults, name))
            values[name] = kind(value)
        return cls(**values)


@dataclass(frozen=True)
class FeedSource:
    """One RSS or Atom feed."""

    name: str
    url: str
    source: str | None = None        # the outlet's name on each article; default: the feed's own title

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-") or "feed"


@dataclass(frozen=True)
class SourceConfig:
    """The sources one run reads: JSONL files and folders, inbox folders, and feeds (through their cache)."""

    jsonl_paths: tuple[Path, ...] = field(default_factory=tuple)
    inbox_paths: tuple[Path, ...] = field(default_factory=tuple)
    feeds: tuple[FeedSource, ...] = field(default_factory=tuple)
    data_dir: Path | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)

    @classmethod
    def load(cls, sources_file: Path, seeds_dir: Path, data_dir: Path | None = None) -> "SourceConfig":
        """Read `sources.yaml`; without one, the bundled seeds are the only source."""
        sources_file = Path(sources_file)
        if not sources_file.exists():
            return cls(jsonl_paths=(Path(seeds_dir),), data_dir=data_dir)
        import yaml

        try:
            data = yaml.safe_load(sources_file.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            where = getattr(exc, "problem_mark", None)
            at = f" (line {where.line + 1}, column {where.column + 1})" if where is not None else ""
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise ValueError(f"{sources_file}: not valid YAML{at}: {problem}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{sources_file}: expected a mapping of jsonl/inbox/feeds/data_dir/fetch")
        unknown = sorted(set(data) - {"jsonl", "inbox", "feeds", "data_dir", "fetch"})
        if unknown:
            raise ValueError(f"{sources_file}: unknown keys {unknown}")
        base = sources_file.parent

        def path(entry) -> Path:
            p = Path(str(entry).replace("${ETL_SEEDS_DIR}", str(seeds_dir))).expanduser()
            return p if p.is_absolute() else base / p

        feeds = []
        for i, entry in enumerate(data.get("feeds") or []):
            if isinstance(entry, str):
                entry = {"url": entry}
            if not isinstance(entry, dict) or not entry.get("url"):
                raise ValueError(f"{sources_file}: feed #{i + 1} needs a `url`")
            name = str(entry.get("name") or re.sub(r"^\w+://", "", entry["url"]))
            feeds.append(FeedSource(name=name, url=str(entry["url"]), source=entry.get("source")))
        slugs = [f.slug for f in feeds]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"{sources_file}: two feeds share a name: {sorted(s for s in slugs if slugs.count(s) > 1)}")
        configured_dir = data.get("data_dir")
        return cls(
            jsonl_paths=tuple(path(e) for e in data.get("jsonl") or []),
            inbox_paths=tuple(path(e) for e in data.get("inbox") or []),
            feeds=tuple(feeds),
            data_dir=data_dir or (path(configured_dir) if configured_dir else base / "data"),
            fetch=FetchSettings.from_mapping(data.get("fetch")),
        )

    @property
    def feed_cache_dir(self) -> Path | None:
        return self.data_dir / "feeds" if self.data_dir else None

    def feed_cache_file(self, feed: FeedSource) -> Path:
        if self.feed_cache_dir is None:
            raise ValueError("feeds are configured but there is no data_dir to cache them in")
        return self.feed_cache_dir / f"{feed.slug}{FEED_CACHE_SUFFIX}"

    def jsonl_files(self) -> list[Path]:
        out: list[Path] = []
        for p in self.jsonl_paths:
            if p.is_dir():
                out.extend(sorted(f for f in p.glob("*.jsonl") if _is_article_file(f)))
            elif p.exists():
                out.append(p)
        return out

    def inbox_files(self) -> list[Path]:
        """Every file dropped in the inbox folders (sub-folders included), in name order.
        Hidden files and files still being written (`.part`, `.tmp`, `~`) are not read yet."""
        out: list[Path] = []
        for folder in self.inbox_paths:
            if folder.is_file():
                out.append(folder)
                continue
            if not folder.is_dir():
                continue
            root = os.path.realpath(folder)
            for f in sorted(folder.rglob("*")):
                rel = f.relative_to(folder)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if f.name.endswith((".part", ".tmp", ".crdownload", "~")):
                    continue
                entry = inbox_entry(f, root)
                if entry is not None:
                    out.append(entry)
        return out

    def feed_cache_files(self) -> list[Path]:
        if not self.feeds or self.feed_cache_dir is None:
            return []
        return [p for p in (self.feed_cache_file(f) for f in self.feeds) if p.exists()]

    def watched_files(self) -> list[Path]:
        """What the sensor watches: files dropped in the inbox and feed articles fetched into the cache."""
        return self.inbox_files() + self.feed_cache_files()

    def files(self) -> list[Path]:
        """Every file a partition is read from, in reading order (which decides who is the duplicate)."""
        return self.jsonl_files() + self.inbox_files() + self.feed_cache_files()


def inbox_entry(path: Path, root: str) -> Path | None:
    """What the inbox reads for `path`: the path itself, None for a folder (its files are listed on their own),
    or a RefusedPath (read as one quarantined record, never opened) for what must not be followed: a symbolic
    link that leads nowhere (dangling, a loop) or out of the inbox (`/etc/passwd`). A link to a file inside the
    inbox is read like that file. Anything else that is not a regular file (a FIFO, a socket, a file that cannot
    be read) is listed too, so the reader records it with its reason."""
    is_link = path.is_symlink()
    if not is_link and path.is_dir():
        return None
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        if is_link:
            return RefusedPath.of(path, "a symbolic link that leads nowhere (dangling, or a loop): not read")
        return path
    inside = str(real) == root or str(real).startswith(root.rstrip(os.sep) + os.sep)
    if not inside:
        return RefusedPath.of(path, "a symbolic link out of the inbox: not followed (copy the file into the inbox)")
    if real.is_dir():
        return None  # a link to a folder of the inbox: its files are read where they are
    return path


def _is_article_file(path: Path) -> bool:
    # label files sit beside the seed articles; they are test data, not articles
    return "label" not in path.stem and "gold" not in path.stem
