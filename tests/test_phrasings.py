"""One phrasing corpus for the extractor's named rules (tests/data/phrasings.tsv): each row names a rule
and what the extractor must output for a short made-up sentence; every row of the rule tables in
etl_project/rules/ has its example among the phrasings of its rule."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl_project.extraction.rules import read_rules
from etl_project.geo.geocoder import Geocoder
from etl_project.extractor import Extractor
from etl_project.text.normalize import normalize_text

PHRASINGS = Path(__file__).parent / "data" / "phrasings.tsv"
TABLES = {"place_roles.tsv": "place:role.", "junk_places.tsv": "junk:", "type_overrides.tsv": "type:override."}


def _rows() -> list[dict]:
    with PHRASINGS.open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


ROWS = _rows()


@pytest.fixture(scope="module")
def extractors():
    return {}


def _extractor(extractors, gazetteer: str):
    # every reading the rules make, none withheld for low confidence: the rows test the rules, and the
    # floor has tests of its own (tests/test_extract.py)
    if gazetteer not in extractors:
        if gazetteer == "full":
            from tests.test_geo import GAZ_DIR
            if GAZ_DIR is None:
                pytest.skip("full gazetteer not found: set ETL_GAZETTEER_DIR")
            extractors[gazetteer] = Extractor(Geocoder.load(GAZ_DIR), min_confidence=0)
        else:
            extractors[gazetteer] = Extractor(Geocoder.load(None), min_confidence=0)
    return extractors[gazetteer]


def _check(doc, clause: str) -> None:
    events = doc.records
    rules = {r for e in events for r in e["rules"]}
    if clause == "none":
        assert events == [], [(e["event_type"], e["location_name"], e["rules"]) for e in events]
    elif clause.startswith("events="):
        assert len(events) == int(clause[7:])
    elif clause.startswith("has="):
        assert clause[4:] in rules, sorted(rules)
    elif clause.startswith("!has="):
        assert clause[5:] not in rules, sorted(rules)
    elif clause.startswith("role:"):
        text, role = clause[5:].split("=")
        roles = [p.role for p in doc.places if p.mention.text == normalize_text(text)]
        assert role in roles, [(p.mention.text, p.role, p.rule) for p in doc.places]
    elif clause.startswith("noplace:"):
        assert normalize_text(clause[8:]) not in [p.mention.text for p in doc.places]
    else:
        field, want = clause.split("=", 1)
        assert [str(e[field]) for e in events] == want.split("|"), [(e[field], e["rules"]) for e in events]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['rule']}#{i}" for i, r in enumerate(ROWS)])
def test_phrasing(row, extractors):
    ex = _extractor(extractors, row["gazetteer"])
    doc = ex.read({"id": "p", "text": row["text"], "published": "2025-03-10"})
    for clause in row["expect"].split(";"):
        _check(doc, clause.strip())


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_row_has_its_example_among_the_phrasings(table):
    prefix = TABLES[table]
    for r in read_rules(table):
        texts = [p["text"] for p in ROWS if p["rule"] == prefix + r["name"]]
        assert texts, f"rules/{table}: no phrasing for {r['name']}"
        assert r["example"] and any(r["example"] in t for t in texts), f"rules/{table}: {r['name']}'s example"


def _named_rules() -> set[str]:
    """Every rule name the extraction package defines: its string constants ("type:override.raid_that_kills",
    templates such as "type:trigger.{}" filled with the rows of their table) and the rows of rules/ tables."""
    import ast

    import etl_project.extraction as pkg
    from etl_project.text.lexicon import read_table

    names: set[str] = set()
    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value \
                    and node.value.split(":")[0] in ("type", "place", "date", "background", "group", "toll"):
                names.add(node.value)
    names |= {"type:trigger." + r["name"] for r in read_table("triggers.tsv")}
    names |= {"place:role." + r["name"] for r in read_rules("place_roles.tsv")}
    names |= {"type:override." + r["name"] for r in read_rules("type_overrides.tsv")}
    names |= {"place:role." + n for n in ("care_list", "in_foreign_unit", "foreign_list")}
    return {n for n in names if "{" not in n}


def test_every_rule_name_in_the_output_leads_to_its_rule(extractors):
    """A newcomer greps an event's rule name and finds the table row or the constant that decided it."""
    known = _named_rules()
    ex = _extractor(extractors, "")
    seen: set[str] = set()
    for row in ROWS:
        for e in ex.extract({"id": "p", "text": row["text"], "published": "2025-03-10"}):
            seen.update(e["rules"])
    seeds = Path(__file__).parent.parent / "seeds" / "articles.jsonl"
    import json
    for line in seeds.open(encoding="utf-8"):
        for e in ex.extract(json.loads(line)):
            seen.update(e["rules"])
    assert seen and seen <= known, sorted(seen - known)
