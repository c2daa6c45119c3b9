"""The geocoder's word lists (data files in `data/`), read once and normalised."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from etl_project.text.normalize import normalize_text

# Clitics that may stand before a name: conjunctions و ف, prepositions ب ل ك, and their pairs.
CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")


def _lines(name: str) -> list[str]:
    text = resources.files("etl_project.geo").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def norm(s: str) -> str:
    return " ".join(normalize_text(s).split())


def with_clitics(word: str) -> set[str]:
    """Every written form of a word with a leading clitic and/or the article: في -> وفي; قرية -> بالقرية."""
    w = norm(word)
    core = w[2:] if w.startswith("ال") and len(w) > 3 else w
    out = {c + w for c in CLITICS}
    out |= {c + "ال" + core for c in CLITICS if c not in ("ل", "ول", "فل")}
    out |= {"لل" + core, "ولل" + core, "فلل" + core}
    return out


@dataclass(frozen=True, slots=True)
class Cue:
    word: str
    kind: str  # settlement | neighbourhood | area | admin | site
    strength: int


@lru_cache(maxsize=1)
def cue_words() -> dict[str, Cue]:
    """Written form (with clitics) -> cue."""
    lines = _lines("cue_words.csv")
    out: dict[str, Cue] = {}
    for row in csv.DictReader(lines):
        cue = Cue(norm(row["word"]), row["kind"], int(row["strength"]))
        for form in with_clitics(row["word"]):
            out.setdefault(form, cue)
    return out


@lru_cache(maxsize=1)
def prepositions() -> frozenset[str]:
    out: set[str] = set()
    for w in _lines("prepositions.txt"):
        n = norm(w)
        out |= {n, "و" + n, "ف" + n}
    return frozenset(out)


@lru_cache(maxsize=1)
def stop_names() -> frozenset[str]:
    """Normalised forms, as written with or without ال (both are listed)."""
    out: set[str] = set()
    for w in _lines("stop_names.txt"):
        n = norm(w)
        out.add(n)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Foreign:
    name_ar: str
    country: str


@lru_cache(maxsize=1)
def foreign_places() -> dict[str, Foreign]:
    """Normalised name -> foreign place."""
    out: dict[str, Foreign] = {}
    for row in csv.DictReader(_lines("foreign_places.csv")):
        f = Foreign(row["name_ar"], row["country"])
        for v in [row["name_ar"], *(row.get("variants_ar") or "").split("|")]:
            if v:
                out[norm(v)] = f
    return out


def _with_clitics_set(name: str) -> frozenset[str]:
    out: set[str] = set()
    for w in _lines(name):
        out |= with_clitics(w)
    return frozenset(out)


@lru_cache(maxsize=1)
def name_heads() -> frozenset[str]:
    """Written forms (with clitics) of the words that head an organisation's or a group's name."""
    return _with_clitics_set("name_heads.txt")


@lru_cache(maxsize=1)
def person_heads() -> frozenset[str]:
    """Written forms (with clitics) of the words after which a person's name follows."""
    return _with_clitics_set("person_heads.txt")


@lru_cache(maxsize=1)
def construct_nouns() -> frozenset[str]:
    """Normalised place names that are also nouns heading a phrase ("حماة العقيدة")."""
    return frozenset(norm(w) for w in _lines("construct_nouns.txt"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Normalised ordinary words, as written, that read as a place name (see data/common_words.txt)."""
    return frozenset(norm(w) for w in _lines("common_words.txt"))


DATA_FILES = ("cue_words.csv", "prepositions.txt", "stop_names.txt", "foreign_places.csv", "admin_units.csv",
              "name_heads.txt", "person_heads.txt", "construct_nouns.txt", "common_words.txt")


def data_fingerprint() -> str:
    import hashlib

    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update(resources.files("etl_project.geo").joinpath("data", name).read_bytes())
    return h.hexdigest()
