"""The literal prefilter returns exactly what the regex itself returns."""
import json
import random
import re
from pathlib import Path

from etl_project.text.dates import _patterns
from etl_project.text.events import _DEATH_RE, _INJURY_RE, _actor_table, _persons, _rules
from etl_project.text.normalize import normalize
from etl_project.text.prefilter import Heads, heads, prefiltered
from etl_project.text.segment import _CLAUSE_SPLIT, _GLUED_REPORT, _SENT_END

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "articles.jsonl"


def _texts():
    return [normalize(json.loads(line)["text"]).text for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]


def x_native(pat, t, a, b):
    return list(pat.finditer(t, a, b))


def _same(pat: re.Pattern, texts, rnd):
    h = prefiltered(pat)
    for t in texts:
        for _ in range(8):
            a = rnd.randrange(0, len(t) + 1)
            b = rnd.randrange(a, len(t) + 1)
            assert [(m.span(), m.groupdict()) for m in h.finditer(t, a, b)] == \
                [(m.span(), m.groupdict()) for m in pat.finditer(t, a, b)]
            s1, s2 = pat.search(t, a, b), h.search(t, a, b)
            assert (s1 and s1.span()) == (s2 and s2.span())
            other = (t + "x")[:-1]  # not the text scanned last: the heads only gate the search
            s3 = h.search(other, a, b)
            assert (s1 and s1.span()) == (s3 and s3.span())
            assert h.absent(t, a, b) <= (not x_native(pat, t, a, b))
            piece = t[a:b]
            s4, s5 = pat.search(piece), h.search(piece)
            assert (s4 and s4.span()) == (s5 and s5.span())


def test_lexicon_patterns_unchanged_by_prefilter():
    texts, rnd = _texts(), random.Random(3)
    for pat in [_rules()[1], _actor_table()[0], _persons()[1], _DEATH_RE, _INJURY_RE, _SENT_END, _GLUED_REPORT, _CLAUSE_SPLIT] + [p for _k, p in _patterns()]:
        _same(pat, texts, rnd)


def test_heads():
    assert heads(re.compile(r"(?<![a-z])(?:ab|ac)?d+")) == {"abd", "acd", "d"}
    assert heads(re.compile(r"x*")) is None  # may match the empty string
    assert heads(re.compile(r"[^a]b")) is None
    assert heads(re.compile(r"(?i)ab")) is None
    _same(re.compile(r"(?<![a-z])(?:ab|ac)?d+(?!e)"), ["abd acdd xd d abde", "dd"], random.Random(1))
    # zero-width patterns: their lookaheads give the heads
    assert heads(re.compile(r"(?<=a)(?=bc|d)")) == {"bc", "d"}
    assert heads(re.compile(r"(?=bc|d)x")) == {"x"}  # consumes: a lookahead is not used
    _same(re.compile(r"(?<=a)(?=bc|d)"), ["abcad abd aabcc", "bc"], random.Random(2))
    _same(re.compile(r"\s[|•]\s?|\."), ["a | b. c •d\u00a0|e"], random.Random(2))


def test_space_chars_are_all_of_backslash_s():
    from etl_project.text.prefilter import _space_chars

    every = "".join(map(chr, range(0x110000)))
    assert tuple(re.findall(r"\s", every)) == _space_chars()


def test_threads_get_their_own_results():
    from concurrent.futures import ThreadPoolExecutor

    texts = _texts()
    pats = [_rules()[1], _DEATH_RE, _SENT_END] + [p for _k, p in _patterns()]

    def work(seed):
        rnd = random.Random(seed)
        for _ in range(300):
            t = rnd.choice(texts)
            pat = rnd.choice(pats)
            a = rnd.randrange(0, len(t) + 1)
            got = [m.span() for m in prefiltered(pat).finditer(t, a)]
            if got != [m.span() for m in pat.finditer(t, a)]:
                return False
            s1, s2 = pat.search(t, a), prefiltered(pat).search(t, a)
            if (s1 and s1.span()) != (s2 and s2.span()):
                return False
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(8)))


def test_a_pattern_first_used_in_the_middle_of_an_article_finds_what_its_regex_finds():
    # the shared scan of the article is made before this pattern joins it: the pattern is scanned alone until
    # the next article, and finds the same matches
    text = _texts()[0]
    early = prefiltered(re.compile(r"(?:قتل|مقتل)"))
    early.finditer(text)
    late_pattern = re.compile(r"(?:بلده|قريه|مدينه)\s+\S+")
    late = prefiltered(late_pattern)
    got = [(m.start(), m.end()) for m in late.finditer(text)]
    assert got == [(m.start(), m.end()) for m in late_pattern.finditer(text)] and got
    other = _texts()[1]
    assert [m.span() for m in late.finditer(other)] == [m.span() for m in late_pattern.finditer(other)]
