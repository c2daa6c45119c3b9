"""Properties that must hold for any input, checked with hypothesis.

- Normalisation offsets: for any text, including Arabic with diacritics, tatweel, ZWJ/ZWNJ, bidi marks and
  presentation forms, `Normalized.span` maps every span of the normalised text back to original
  characters whose normalisation is that span (tests/test_normalize.py checks the offsets are monotonic
  and in range; this checks they are right).
- Evidence: every event the extractor reads from any mix of the seed sentences, with invisible and
  decorative characters sprinkled in, satisfies text[evidence_start:evidence_end] == evidence.
- Dates: for any published day and any date expression built from the grammar's own pieces (the
  lexicon tables, days that do not exist, years far in the future), no resolved date is after the
  published day, in find_dates (unless flagged `future`, which the extractor drops) and in the events.
- Merging: the indexed cluster_mentions gives exactly the clusters of the plain pairwise rule.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from etl_project.text.dates import find_dates
from etl_project.text.lexicon import read_table
from etl_project.text.normalize import normalize, normalize_text
from tests.conftest import SEEDS, read_jsonl

ARABIC = "ابتثجحخدذرسشصضطظعغفقكلمنهويءئؤةىأإآٱ"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202e\u2066\u2069\ufeff\u00ad\u2060\u061c"
DECORATION = "\u0640" + DIACRITICS + INVISIBLE
ODD = "٠١٢٣٤٥٦٧٨٩۰۱۲یک،؛؟«»“”–—\u00a0\u3000\t\r\nﻗﺘﻞﺷﺎﺏﻻﷲ"

arabicish = st.text(alphabet=ARABIC + DECORATION + ODD + " .,:-\"'abcXYZ0123456789😢🇸🇾", max_size=60)
any_text = st.one_of(arabicish, st.text(max_size=40))

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(any_text)
def test_every_normalised_span_maps_back_to_original_characters_that_normalise_to_it(s):
    n = normalize(s)
    assert len(n.offsets) == len(n.text)
    for i in range(len(n.text) + 1):
        for j in range(i, min(len(n.text), i + 12) + 1):
            a, b = n.span(i, j)
            assert 0 <= a <= b <= len(s)
            assert normalize_text(s[a:b]) == n.text[i:j], (i, j, s[a:b])


@given(any_text)
def test_normalising_twice_changes_nothing_and_whole_text_maps_to_whole(s):
    n = normalize(s)
    assert normalize_text(n.text) == n.text
    if n.text:
        a, b = n.span(0, len(n.text))
        assert normalize_text(s[a:b]) == n.text
        # only dropped characters lie outside the mapped span
        assert normalize_text(s[:a]) == "" and normalize_text(s[b:]) == ""


# ---------------------------------------------------------------- evidence offsets from the extractor

SEED_ARTICLES = read_jsonl(SEEDS / "articles.jsonl")
SEED_SENTENCES = sorted({s.strip() for a in SEED_ARTICLES for s in re.split(r"(?<=[.!؟])\s+|\n", a["text"]) if len(s.strip()) > 20})


@st.composite
def decorated_article(draw):
    """A few seed sentences, with invisible and decorative characters inserted at random places."""
    sentences = draw(st.lists(st.sampled_from(SEED_SENTENCES), min_size=1, max_size=5))
    text = draw(st.sampled_from(["\n", " ", "\r\n", "\n\n"])).join(sentences)
    chars = list(text)
    for _ in range(draw(st.integers(0, 25))):
        pos = draw(st.integers(0, len(chars)))
        chars.insert(pos, draw(st.sampled_from(DECORATION + "\u00a0😢")))
    published = draw(st.dates(min_value=date(2012, 1, 1), max_value=date(2030, 12, 31)))
    return {"id": "prop", "text": "".join(chars), "published": published.isoformat()}


@SLOW
@given(decorated_article())
def test_evidence_offsets_always_slice_the_original_text(extractor, article):
    for ev in extractor.extract(article):
        assert article["text"][ev["evidence_start"]:ev["evidence_end"]] == ev["evidence"]
        assert ev["event_date"] is None or ev["event_date"] <= article["published"]


# ---------------------------------------------------------------- dates never after published

MONTH_FORMS = [r["form"] for r in read_table("months.tsv")]
WEEKDAY_FORMS = [r["form"] for r in read_table("weekdays.tsv")]
RELATIVE_FORMS = [r["form"] for r in read_table("relative_dates.tsv")]
PERIOD_FORMS = [r["form"] for r in read_table("periods.tsv")]
NUMBER_WORDS = [r["form"] for r in read_table("numbers.tsv") if r["kind"] in ("unit", "ten", "teen")]
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
AFTER = ["", " الماضي", " الجاري", " الحالي", " الفائت", " المقبل", " القادم", " المنصرم", " العام الماضي"]
DAY_PARTS = ["", "في ", "يوم ", "مساء ", "فجر ", "صباح ", "ليلة ", "الـ ", "منتصف ", "مطلع ", "أواخر "]


@st.composite
def date_expression(draw) -> str:
    kind = draw(st.sampled_from(["day_month", "month", "weekday", "relative", "period", "counted", "numeric", "this_month"]))
    lead = draw(st.sampled_from(DAY_PARTS))
    after = draw(st.sampled_from(AFTER))
    if kind in ("day_month", "month"):
        day = draw(st.integers(0, 39))
        day_s = str(day).translate(EASTERN) if draw(st.booleans()) else str(day)
        year = draw(st.one_of(st.just(""), st.integers(1990, 3100).map(lambda y: f" {y}"), st.integers(1990, 2040).map(lambda y: f" عام {y}")))
        month = draw(st.sampled_from(MONTH_FORMS))
        if draw(st.booleans()):
            month += "/" + draw(st.sampled_from(MONTH_FORMS))
        day_part = f"{day_s} " if kind == "day_month" else ""
        return f"{lead}{day_part}{month}{year}{after}"
    if kind == "weekday":
        return f"{lead}{draw(st.sampled_from(WEEKDAY_FORMS))}{after}"
    if kind == "relative":
        return f"{lead}{draw(st.sampled_from(RELATIVE_FORMS))} {draw(st.sampled_from(WEEKDAY_FORMS + ['']))}"
    if kind == "period":
        return draw(st.sampled_from(PERIOD_FORMS))
    if kind == "counted":
        n = draw(st.one_of(st.integers(1, 400).map(str), st.sampled_from(NUMBER_WORDS)))
        unit = draw(st.sampled_from(["أيام", "يوما", "يومين", "أسابيع", "أشهر", "شهرين", "ساعات", "أسبوع"]))
        return f"{draw(st.sampled_from(['منذ', 'قبل']))} {n} {unit}"
    if kind == "this_month":
        return f"{lead}الشهر{after}"
    d, m, y = draw(st.integers(0, 40)), draw(st.integers(0, 14)), draw(st.integers(1990, 2099))
    return draw(st.sampled_from([f"{d}-{m}-{y}", f"{y}/{m}/{d}", f"{d}.{m}.{y}"]))


published_days = st.dates(min_value=date(2011, 3, 15), max_value=date(2035, 12, 31))


@settings(max_examples=400, deadline=None)
@given(published_days, st.lists(date_expression(), min_size=1, max_size=3))
def test_no_resolved_date_is_after_the_published_day(published, expressions):
    text = normalize("قتل شاب " + "، و".join(expressions) + " في البلدة").text
    for d in find_dates(text, published):
        assert d.value is None or d.future or d.value <= published, (d, text[d.start:d.end])


@SLOW
@given(published_days, date_expression(), st.sampled_from(["طفس", "سراقب", "الميادين", "منبج", "جبلة"]))
def test_no_event_is_dated_after_the_published_day(extractor, published, expression, place):
    text = (f"قُتل شاب برصاص مسلحين مجهولين {expression} في مدينة {place}، وأصيب اثنان آخران بجروح.\n"
            f"وكانت بلدة داعل قد شهدت {expression} اختطاف شاب على يد مجهولين.")
    for ev in extractor.extract({"id": "p", "text": text, "published": published.isoformat()}):
        assert ev["event_date"] is None or date.fromisoformat(str(ev["event_date"])) <= published, (expression, ev["date_text"])


# ---------------------------------------------------------------- merging: the index changes nothing


def _naive_clusters(mentions: list[dict]) -> list[list[dict]]:
    """The merge rule written plainly (every mention against every cluster)."""
    from etl_project.warehouse import _near, _primary_order

    clusters: list[list[dict]] = []
    for m in sorted(mentions, key=_primary_order):
        home = None
        for c in clusters:
            head = c[0]
            if m["event_date"] is not None:
                if head["event_date"] == m["event_date"] and head["event_type"] == m["event_type"] and any(_near(x, m) for x in c):
                    home = c
                    break
            elif (head["event_date"] is None and head["article_id"] == m["article_id"]
                  and head["event_type"] == m["event_type"] and _near(head, m)):
                home = c
                break
        if home is None:
            clusters.append([m])
        else:
            home.append(m)
    return clusters


@st.composite
def mention_sets(draw):
    n = draw(st.integers(1, 40))
    out = []
    for i in range(n):
        has_coords = draw(st.integers(0, 9)) > 0
        out.append({
            "mention_id": f"m{i}", "article_id": f"a{draw(st.integers(0, 6))}",
            "partition_date": date(2025, 11, 12) - timedelta(days=draw(st.integers(0, 2))),
            "event_date": draw(st.one_of(st.none(), st.sampled_from([date(2025, 11, 10), date(2025, 11, 11)]))),
            "event_type": draw(st.sampled_from(["battle", "protest"])),
            "gazetteer_id": draw(st.one_of(st.none(), st.sampled_from(["g1", "g2", "g3"]))),
            # a small area, so that places are often within 5 km of each other, and cell edges are crossed
            "latitude": 35.0 + draw(st.integers(0, 300)) / 1000 if has_coords else None,
            "longitude": 40.0 + draw(st.integers(0, 300)) / 1000 if has_coords else None,
            "geo_precision": draw(st.sampled_from([1, 2, 3])),
            "is_background": draw(st.booleans()),
        })
    return out


@settings(max_examples=300, deadline=None)
@given(mention_sets())
def test_indexed_merging_gives_the_clusters_of_the_pairwise_rule(mentions):
    from etl_project.warehouse import cluster_mentions

    ids = lambda clusters: [[m["mention_id"] for m in c] for c in clusters]  # noqa: E731
    assert ids(cluster_mentions(mentions)) == ids(_naive_clusters(mentions))
