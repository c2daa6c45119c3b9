"""Exact literal prefilters for big regexes: try a pattern only where a match can start.

A regex like the trigger grammar (an optional clitic, then an alternation of hundreds of words) is tried by
`re` at every position of the text. `Heads(pattern)` reads the pattern once and collects the literal strings
that every match must start with (its first few characters, through optional parts and alternations); one
Aho-Corasick pass over the text finds where they occur, and the pattern is then tried with `pattern.match`
at those positions only. `finditer` and `search` return exactly the matches `pattern.finditer` and
`pattern.search` would: a match attempt at a position does not depend on where the scan started
(lookbehinds see the whole string), and no match can start where no head does. A pattern whose heads
cannot be bounded (it may match the empty string, starts with a negated class, uses flags) is run as is.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_left
from threading import get_ident

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore
    import sre_parse as _sre_parse  # type: ignore

import ahocorasick

_MAX_CLASS = 64  # a character class of more letters than this ends a head
_MAX_HEADS = 50_000


_SPACES: tuple[str, ...] | None = None


def _space_chars() -> tuple[str, ...]:
    """The characters \\s matches in a str pattern: str.isspace is the predicate re uses, and no Unicode
    white space lies above U+3000 (tests/test_prefilter.py checks the whole range)."""
    global _SPACES
    if _SPACES is None:
        _SPACES = tuple(c for c in map(chr, range(0x3001)) if c.isspace())
    return _SPACES


def _expand(items, k: int, ahead: bool = False) -> set[tuple[str, bool]]:
    """(prefix, open) pairs: every string the sequence matches starts with one of the prefixes; `open`
    when the prefix is all the sequence consumed (what follows it may extend the head)."""
    cur = {""}
    closed: set[str] = set()
    for op, av in items:
        alts = _node(op, av, k, ahead)
        nxt: set[str] = set()
        for c in cur:
            for s, o in alts:
                t = c + s
                if len(t) >= k:
                    closed.add(t[:k])
                elif o:
                    nxt.add(t)
                else:
                    closed.add(t)
        cur = nxt
        if len(cur) + len(closed) > _MAX_HEADS:
            closed |= cur
            cur = set()
        if not cur:
            break
    return {(s, False) for s in closed} | {(s, True) for s in cur}


def _node(op, av, k: int, ahead: bool = False) -> set[tuple[str, bool]]:
    if op is _c.LITERAL:
        return {(chr(av), True)}
    if op is _c.IN:
        chars: list[str] = []
        for iop, iav in av:
            if iop is _c.LITERAL:
                chars.append(chr(iav))
            elif iop is _c.RANGE and iav[1] - iav[0] < _MAX_CLASS:
                chars.extend(chr(x) for x in range(iav[0], iav[1] + 1))
            elif iop is _c.CATEGORY and iav is _c.CATEGORY_SPACE:
                chars.extend(_space_chars())
            else:  # NEGATE, a category (\d, \s ...), a wide range: the head ends here
                return {("", False)}
        if len(chars) > _MAX_CLASS:
            return {("", False)}
        return {(ch, True) for ch in chars}
    if op is _c.BRANCH:
        out: set[tuple[str, bool]] = set()
        for branch in av[1]:
            out |= _expand(branch, k, ahead)
        return out
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if add_flags or del_flags:
            return {("", False)}
        return _expand(p, k, ahead)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, p = av
        body = _expand(p, k, ahead)
        if lo == 1 and hi == 1:
            return body
        # one iteration at most (an optional part) continues into what follows; later iterations of a
        # longer repeat are not modelled: the head ends after the first
        once = body if hi == 1 else {(s, False) for s, _o in body}
        return ({("", True)} | once) if lo == 0 else once
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _expand(av, k, ahead)
    if op is _c.ASSERT and ahead and av[0] == 1:
        # a lookahead in a pattern that consumes nothing: the text there starts with what it matches
        return {(s, False) for s, _o in _expand(av[1], k)}
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return {("", True)}  # zero-width: constrains, consumes nothing
    return {("", False)}  # ANY, NOT_LITERAL, CATEGORY, a group reference ...


def heads(pattern: re.Pattern, k: int = 6) -> set[str] | None:
    """The literal strings every match of `pattern` starts with (at most k characters each, none a prefix
    of another), or None when they cannot be bounded."""
    if pattern.flags & ~(re.UNICODE):
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover
        return None
    items = list(parsed)
    found = {s for s, _o in _expand(items, k)}
    if (not found or "" in found) and items and all(op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT) for op, _av in items):
        # zero-width only (every match is empty, so one match per position at most, as re finds them):
        # its lookaheads say what the text starts with
        found = {s for s, _o in _expand(items, k, ahead=True)}
    if not found or "" in found:
        return None
    out = set()
    for h in sorted(found, key=len):
        if not any(h[:i] in out for i in range(1, len(h))):
            out.add(h)
    return out


class _Scan:
    """One Aho-Corasick automaton over the heads of every pattern run over whole articles, and the start
    positions of each pattern's heads in the last text scanned: one pass per article serves them all.

    Safe from several threads: patterns join under a lock, an automaton is replaced, never changed, and the cache
    of the last text is one tuple (text, thread, starts) replaced at once; another thread's text is scanned anew."""

    def __init__(self):
        self.members: list[Heads] = []
        self.lock = threading.Lock()
        self.built: tuple = (None, 0)  # (automaton, how many members it covers)
        self.cache: tuple = (None, 0, [])  # (text, thread id, starts of each member)

    def join(self, h: "Heads") -> None:
        with self.lock:
            if h._idx is None:
                self.members.append(h)
                h._idx = len(self.members) - 1

    def _automaton(self):
        auto, n = self.built
        if n < len(self.members):
            with self.lock:
                members = list(self.members)
            by_head: dict[str, list[tuple[int, int]]] = {}
            for i, h in enumerate(members):
                for head in h._heads:
                    by_head.setdefault(head, []).append((i, len(head) - 1))
            auto = ahocorasick.Automaton()
            for head, vals in by_head.items():
                auto.add_word(head, tuple(vals))
            auto.make_automaton()
            n = len(members)
            self.built = (auto, n)
        return auto, n

    def of(self, h: "Heads", text: str) -> list[int]:
        cached = self.cache
        if cached[0] is text and cached[1] == get_ident():
            if h._idx < len(cached[2]):
                return cached[2][h._idx]
            # a pattern first used in the middle of an article: its own heads, scanned alone; the shared
            # automaton takes it in at the next article (rebuilt once then, not once per pattern that joins)
            return _own_starts(h, text)
        auto, n = self._automaton()
        while h._idx >= n:  # h joined (in another thread) after that automaton was built
            auto, n = self._automaton()
        lists: list[list[int]] = [[] for _ in range(n)]
        if text:
            for end, vals in auto.iter(text):
                for i, k in vals:
                    lists[i].append(end - k)
        for lst in lists:
            if len(lst) > 1:
                lst.sort()  # heads are prefix-free: no two of one pattern start at one position
        self.cache = (text, get_ident(), lists)
        return lists[h._idx]

    def current(self, text: str) -> bool:
        """text is the last one this thread scanned (the article being read)."""
        cached = self.cache
        return cached[0] is text and cached[1] == get_ident()

    def cached(self, h: "Heads", text: str) -> list[int] | None:
        """The starts of h in text when text is the last one this thread scanned, else None."""
        cached = self.cache
        if cached[0] is text and cached[1] == get_ident() and h._idx is not None and h._idx < len(cached[2]):
            return cached[2][h._idx]
        return None


def _own_starts(h: "Heads", text: str) -> list[int]:
    starts = sorted(e - k for e, k in h._auto.iter(text)) if h._auto is not None and text else []
    return starts


_SCAN = _Scan()


class Heads:
    """`pattern` with a literal prefilter (see the module doc). Over the article being read (the last text
    given to `finditer`), the start positions come from one shared scan; over any other string (a clause,
    the words before a place) the pattern's own heads only gate `search`."""

    __slots__ = ("pattern", "_heads", "_auto", "_idx")

    def __init__(self, pattern: re.Pattern, k: int = 6):
        self.pattern = pattern
        hs = heads(pattern, k)
        self._heads = tuple(sorted(hs)) if hs else ()
        self._auto = None
        self._idx: int | None = None
        if hs:
            auto = ahocorasick.Automaton()
            for h in hs:
                auto.add_word(h, len(h) - 1)
            auto.make_automaton()
            self._auto = auto

    def starts(self, text: str) -> list[int]:
        if self._idx is None:
            _SCAN.join(self)
        return _SCAN.of(self, text)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list:
        """The list of pattern.finditer(text, start, end)'s matches."""
        if end is None or end > len(text):
            end = len(text)
        if self._auto is None:
            return list(self.pattern.finditer(text, start, end))
        if start < 0:
            start = 0
        starts, i = self._first_head(text, start)
        if i == len(starts) or starts[i] >= end:
            return []
        match = self.pattern.match
        out = []
        pos = start
        for i in range(i, len(starts)):
            p = starts[i]
            if p >= end:
                break
            if p < pos:
                continue
            m = match(text, p, end)
            if m is not None:
                out.append(m)
                pos = m.end()
        return out

    def absent(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """True when no match can lie in text[start:end] (no head there); False when one may."""
        if self._auto is None:
            return False
        if end is None or end > len(text):
            end = len(text)
        if start < 0:
            start = 0
        starts, i = self._first_head(text, start)
        return i == len(starts) or starts[i] >= end

    def _first_head(self, text: str, start: int) -> tuple[list[int], int]:
        """The starts of the heads in the article (the shared scan), and the index of the first at or after start."""
        starts = _SCAN.cached(self, text)
        if starts is None:
            starts = self.starts(text)
        return starts, bisect_left(starts, start)

    def search(self, text: str, start: int = 0, end: int | None = None):
        """pattern.search(text, start, end)."""
        if end is None or end > len(text):
            end = len(text)
        if self._auto is None or start < 0 or start >= end:
            return self.pattern.search(text, start, end)
        starts = _SCAN.cached(self, text)
        if starts is None and _SCAN.current(text):
            starts = self.starts(text)  # a pattern searched over the article: it joins the shared scan
        if starts is None:  # a clause, the words before a place: its own heads, found in the range
            hits = self._auto.iter(text, start, end)
            first = next(hits, None)
            if first is None:
                return None  # the usual case: no head, no match
            starts = [first[0] - first[1]]
            starts.extend(e - n for e, n in hits)
            starts.sort()
        match = self.pattern.match
        for i in range(bisect_left(starts, start), len(starts)):
            p = starts[i]
            if p >= end:
                break
            m = match(text, p, end)
            if m is not None:
                return m
        return None

    def __getattr__(self, name):  # match, fullmatch, sub, pattern ...: the pattern's own
        return getattr(self.pattern, name)


_BY_PATTERN: dict[int, Heads] = {}  # by id: hashing a Pattern hashes its whole code; Heads keeps it alive


def prefiltered(pattern: re.Pattern) -> Heads:
    """The one `Heads` of a compiled pattern (built on first use)."""
    h = _BY_PATTERN.get(id(pattern))
    if h is None or h.pattern is not pattern:
        h = _BY_PATTERN[id(pattern)] = Heads(pattern)
    return h
