"""Confidence that means what it says: the share of events like this one that are right.

The rules give each event a raw score from how it was read (a dated trigger, the town itself, a strong
trigger, corroborating mentions). On real news that score orders events fairly but is not a probability.
A logistic model over a few of the record's own features maps it to one. It is fitted by
`etl-project calibrate` on labelled real articles (`../shared/dev`, `../shared/dev2`), matching events to
gold exactly as `../shared/tools/score.py` does (strict: place within 15 km, same day, same type), and
its coefficients ship in `models/confidence.json`, so a clone without the labelled sets scores the same.
The same command reports, leave-one-batch-out, how often events in each confidence bucket are right.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

MODEL_FILE = "confidence.json"

# (name, what it says): each is a number taken from the record and the article's published day alone
FEATURES = (
    ("raw", "the rules' own score"),
    ("governorate_only", "placed only at a governorate (geo-precision 3)"),
    ("near_a_place", "placed near a town, not at it (geo-precision 2)"),
    ("days_before_published", "how many days before `published` it is dated, capped at 30, over 30"),
    ("undated_in_text", "no date words of its own (dated by the lead or `published`)"),
    ("background", "recalled as context"),
    ("placed_by_fallback", "its place borrowed from nearby text (rules place:fallback.near, .headline, .dateline, "
                           "place:sentence; not place:fallback.town, where the text points back to a town itself)"),
    ("typed_by_deaths_only", "no trigger, only deaths (rule type:deaths_only)"),
    ("civilians_or_strategic", "violence against civilians or a strategic development: types whose words are "
                               "most often talk of other days or of no incident"),
    ("told_twice", "the same incident told in another sentence too (rule group:same_incident)"),
    ("in_a_list", "one of a list of places hit (rules place:list, place:listed_target)"),
    ("dated_by_neighbours", "dated by the sentence before, the headline or the sentence (rules date:inherited_*, "
                            "date:headline_main, date:sentence)"),
)
_BORROWED_PLACE = ("place:fallback.near", "place:fallback.headline", "place:fallback.dateline", "place:sentence")
_CIVILIANS_OR_STRATEGIC = ("violence_against_civilians", "strategic_development")
_DATED_BY_NEIGHBOURS = ("date:inherited", "date:headline_main", "date:sentence")


def _days_before(event_date: str | None, published: date | None) -> float:
    if not event_date or published is None:
        return 0.0
    try:
        days = (published - date.fromisoformat(event_date)).days
    except ValueError:
        return 0.0
    return min(max(days, 0), 30) / 30


def features(record: dict, published: date | None) -> list[float]:
    """The record's features, in FEATURES order."""
    rules = record.get("rules") or ()
    return [
        float(record["confidence"]),
        1.0 if record.get("geo_precision") == 3 else 0.0,
        1.0 if record.get("geo_precision") == 2 else 0.0,
        _days_before(record.get("event_date"), published),
        1.0 if record.get("date_text") is None else 0.0,
        1.0 if record.get("is_background") else 0.0,
        1.0 if any(r.startswith(_BORROWED_PLACE) for r in rules) else 0.0,
        1.0 if "type:deaths_only" in rules else 0.0,
        1.0 if record.get("event_type") in _CIVILIANS_OR_STRATEGIC else 0.0,
        1.0 if "group:same_incident" in rules else 0.0,
        1.0 if "place:list" in rules or "place:listed_target" in rules else 0.0,
        1.0 if any(r.startswith(_DATED_BY_NEIGHBOURS) for r in rules) else 0.0,
    ]


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    bias: float

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def shipped_model() -> Model | None:
    """The model in the package, or None before one was fitted (raw scores are then kept)."""
    path = resources.files("etl_project").joinpath("models", MODEL_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if [f for f in data["features"]] != [name for name, _ in FEATURES]:
        raise ValueError(f"{MODEL_FILE} was fitted on other features: run `etl-project calibrate` again")
    return Model(tuple(data["weights"]), data["bias"])


def calibrated(record: dict, published: date | None, model: Model | None = None) -> float:
    """The probability that the record is right (strict), rounded to two places."""
    model = model or shipped_model()
    if model is None:
        return record["confidence"]
    return round(model.probability(features(record, published)), 2)


def fit(xs: list[list[float]], ys: list[int], l2: float = 1.0, steps: int = 50) -> Model:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias): a handful of features
    and a few hundred events need nothing more."""
    n = len(xs[0]) + 1
    w = [0.0] * n
    rows = [[1.0, *x] for x in xs]
    for _ in range(steps):
        grad = [l2 * w[j] if j else 0.0 for j in range(n)]
        hess = [[(l2 if i == j and i else 0.0) for j in range(n)] for i in range(n)]
        for r, y in zip(rows, ys):
            p = 1.0 / (1.0 + math.exp(-sum(a * b for a, b in zip(w, r))))
            for i in range(n):
                grad[i] += (p - y) * r[i]
                for j in range(n):
                    hess[i][j] += p * (1 - p) * r[i] * r[j]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return Model(tuple(w[1:]), w[0])


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def reliability(probabilities: list[float], outcomes: list[int]) -> list[dict]:
    """Events per confidence bucket (0.0-0.1, ..., 0.9-1.0) and the share of them that are right."""
    buckets: dict[int, list[int]] = {}
    for p, y in zip(probabilities, outcomes):
        buckets.setdefault(min(int(p * 10), 9), []).append(y)
    return [{"from": b / 10, "to": (b + 1) / 10, "events": len(v), "right": round(sum(v) / len(v), 3)}
            for b, v in sorted(buckets.items())]


def at_least(probabilities: list[float], outcomes: list[int], threshold: float) -> dict:
    chosen = [y for p, y in zip(probabilities, outcomes) if p >= threshold]
    return {"threshold": threshold, "events": len(chosen),
            "right": round(sum(chosen) / len(chosen), 3) if chosen else None}
