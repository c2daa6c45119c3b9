"""Polite HTTP: a User-Agent that names the project, timeouts, retries with back-off, a delay between
two requests to one host, a size limit, and robots.txt asked before any page.

Failures are `FetchError`s that say what happened and whether trying again later could help
(`transient`); the caller records them, it does not stop.
"""
from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

from etl_project.sources.config import FetchSettings

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Response:
    url: str                       # the URL asked for
    final_url: str                 # after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        msg = Message()
        msg["content-type"] = self.headers.get("content-type", "")
        return msg.get_param("charset")


class FetchError(Exception):
    def __init__(self, check: str, reason: str, transient: bool, status: int | None = None):
        super().__init__(reason)
        self.check = check
        self.reason = reason
        self.transient = transient
        self.status = status


@dataclass
class Fetcher:
    """One fetcher per fetch pass: it remembers when it last asked each host and what robots.txt said."""

    settings: FetchSettings = field(default_factory=FetchSettings)
    sleep: callable = time.sleep
    clock: callable = time.monotonic
    requests_made: int = 0
    _last_request: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | FetchError | None] = field(default_factory=dict)

    def get(self, url: str, headers: dict[str, str] | None = None, check: str = "fetch") -> Response:
        """GET with retries. 304 is returned as a response; other non-2xx answers raise FetchError."""
        s = self.settings
        attempt = 0
        while True:
            try:
                return self._once(url, headers or {})
            except FetchError as exc:
                exc.check = check
                if not exc.transient or attempt >= s.retries:
                    if attempt:
                        exc.reason += f" (after {attempt + 1} attempts)"
                    raise
                wait = getattr(exc, "retry_after", None)
                if wait is None:
                    wait = s.backoff_s * (2 ** attempt)
                self.sleep(min(wait, s.max_backoff_s))
                attempt += 1

    def allowed(self, url: str) -> tuple[bool, str | None, bool]:
        """May this URL be fetched? (allowed, why not, whether asking later could change the answer).
        RFC 9309: a robots.txt that is missing allows all; one that cannot be read because the server
        fails disallows all, for now."""
        if not self.settings.respect_robots:
            return True, None, False
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, FetchError):
            return False, f"robots.txt of {parts.netloc} could not be read ({rules.reason}): treated as disallowed for now", True
        if rules is None or rules.can_fetch(self.settings.user_agent, url):
            return True, None, False
        return False, f"disallowed by robots.txt of {parts.netloc}", False

    def _read_robots(self, origin: str):
        try:
            resp = self._once(f"{origin}/robots.txt", {})
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return None  # no robots.txt: everything is allowed
            return exc
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(resp.body.decode("utf-8", "replace").splitlines())
        return parser

    def _wait_for_host(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self.settings.per_host_delay_s - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = self.clock()

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        s = self.settings
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError("fetch", f"not an http(s) URL: {url[:200]!r}", transient=False)
        self._wait_for_host(parts.netloc.lower())
        request = urllib.request.Request(url, headers={
            "User-Agent": s.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml, text/html;q=0.9, */*;q=0.5",
            "Accept-Language": "ar, en;q=0.5",
            **headers,
        })
        self.requests_made += 1
        try:
            with urllib.request.urlopen(request, timeout=s.timeout_s) as resp:
                body = resp.read(s.max_bytes + 1)
                status, final_url, resp_headers = resp.status, resp.geturl(), {k.lower(): v for k, v in resp.headers.items()}
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(url, url, 304, {k.lower(): v for k, v in exc.headers.items()}, b"")
            err = FetchError("fetch", f"HTTP {exc.code} {exc.reason} from {url}", transient=exc.code in RETRY_STATUSES, status=exc.code)
            err.retry_after = _retry_after(exc.headers.get("Retry-After"))
            raise err from None
        except (TimeoutError, socket.timeout):
            raise FetchError("fetch", f"timed out after {s.timeout_s:g} s: {url}", transient=True) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise FetchError("fetch", f"timed out after {s.timeout_s:g} s: {url}", transient=True) from None
            raise FetchError("fetch", f"could not connect to {parts.netloc}: {reason}", transient=True) from None
        except (ConnectionError, OSError, http.client.HTTPException) as exc:  # a reset, a cut-off answer
            raise FetchError("fetch", f"connection to {parts.netloc} failed: {exc}", transient=True) from None
        if len(body) > s.max_bytes:
            raise FetchError("size", f"answer larger than {s.max_bytes} bytes: {url}", transient=False, status=status)
        return Response(url, final_url, status, resp_headers, body)


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
