"""Dense text (issue 15): an article packed with incidents finishes with its events, and its cost grows with its
length, not with its square. Cost is counted in function calls, which the same input always gives alike (no clock:
speed is measured in bench/dense.py)."""
from __future__ import annotations

from bench.dense import dense_article, work_units


def test_a_long_article_dense_with_incidents_finishes_with_its_events(extractor):
    article = dense_article(2600)  # about 147,000 characters, an incident in every sentence
    assert 140_000 < len(article["text"]) < 200_000  # under extract's 200k-character limit for one text
    events = extractor.extract(article)
    assert len(events) >= 18  # every town of the article has its events
    text = article["text"]
    assert all(text[e["evidence_start"]:e["evidence_end"]] == e["evidence"] for e in events)
    assert {"battle", "explosion_remote_violence", "strategic_development"} <= {e["event_type"] for e in events}


def test_four_times_the_dense_text_costs_far_less_than_sixteen_times_the_work(extractor):
    small, large = work_units(extractor, dense_article(400)), work_units(extractor, dense_article(1600))
    # Linear is 4 and quadratic 16. Measured 5.5 once junk_rule found a mention's date span by bisection (6.6
    # before, when it tested every mention against every date span of the article).
    assert large / small < 6.0, f"{large} calls for 4x the text of {small}"
