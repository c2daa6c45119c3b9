"""An article page → its main text, title, publication date and canonical URL, by trafilatura.

Menus, footers, comments and related-article boxes are left out; a page with no article in it
(an index, an error page, a cookie wall) gives None, and the caller quarantines it with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Fewer characters than this after extraction is a page with no article (a menu, a title, a notice).
MIN_ARTICLE_CHARS = 80
# htmldate: the page's own metadata only (meta tags, <time>, JSON-LD, the URL), no guessing from the text;
# with the time and offset, so 23:30 UTC lands on the next day in Damascus.
DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    published: str | None   # ISO date or date-time, as the page states it
    url: str | None         # the page's canonical URL, when it declares one
    sitename: str | None


def extract_article(html: bytes | str, url: str | None = None, charset: str | None = None) -> tuple[Page | None, str | None]:
    """(page, None) when the page holds an article; (None, reason) when it does not."""
    import trafilatura

    if isinstance(html, bytes) and charset:
        try:
            html = html.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong charset header: let trafilatura detect the encoding from the bytes
    if not (html.strip() if isinstance(html, str) else html.strip()):
        return None, "the page is empty"
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params=DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura on malformed markup: a reason, not a crash
        return None, f"the HTML could not be parsed: {type(exc).__name__}: {exc}"[:300]
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    title = (getattr(doc, "title", None) or "").strip() or None if doc is not None else None
    text = _drop_leading_title(text, title)
    if len(text) < MIN_ARTICLE_CHARS:
        return None, f"no article text found in the page ({len(text)} characters of main text, fewer than {MIN_ARTICLE_CHARS})"
    return Page(
        text=text,
        title=title,
        published=_iso(getattr(doc, "date", None)),
        url=getattr(doc, "url", None) or None,
        sitename=getattr(doc, "sitename", None) or None,
    ), None


def _drop_leading_title(text: str, title: str | None) -> str:
    # trafilatura keeps the <h1> as the first line of the text; the title has its own field
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():
            return rest.strip()
    return text


def _iso(value: str | None) -> str | None:
    """htmldate's `2025-11-14T21:30:00+0000` → `2025-11-14T21:30:00+00:00`; a midnight without an
    offset is a bare date (`2025-11-14`): the page gave a day, not a time."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            dt = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if dt.tzinfo is None and (dt.hour, dt.minute, dt.second) == (0, 0, 0):
            return dt.date().isoformat()
        return dt.isoformat()
    return value
