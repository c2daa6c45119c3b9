"""ACLED's vocabulary (etl_project.acled): one table of labels, the derived columns' rules, ASCII place names."""
from __future__ import annotations

from datetime import date

import pytest

from etl_project import acled, maps
from etl_project.schema import ALL_SUB_EVENT_TYPES, EVENT_TYPES, SUB_EVENT_TYPES


def test_the_label_table_covers_every_code_of_the_event_record_once():
    assert [(t[0], t[1]) for t in acled.TYPES] == [(e, s) for e in EVENT_TYPES for s in SUB_EVENT_TYPES[e]]
    assert set(acled.SUB_EVENT_TYPE_LABELS) == set(ALL_SUB_EVENT_TYPES) == set(acled.DISORDER_TYPES)
    assert set(acled.EVENT_TYPE_LABELS) == set(EVENT_TYPES)
    assert len(set(acled.SUB_EVENT_TYPE_LABELS.values())) == len(ALL_SUB_EVENT_TYPES)


def test_acled_labels():
    assert acled.EVENT_TYPE_LABELS["violence_against_civilians"] == "Violence against civilians"
    assert acled.EVENT_TYPE_LABELS["explosion_remote_violence"] == "Explosions/Remote violence"
    assert acled.SUB_EVENT_TYPE_LABELS["armed_clash"] == "Armed clash"
    assert acled.SUB_EVENT_TYPE_LABELS["air_drone_strike"] == "Air/drone strike"
    assert acled.SUB_EVENT_TYPE_LABELS["remote_explosive_landmine_ied"] == "Remote explosive/landmine/IED"
    assert acled.SUB_EVENT_TYPE_LABELS["change_to_group_activity"] == "Change to group/activity"
    assert acled.SUB_EVENT_TYPE_LABELS["non_state_actor_overtakes_territory"] == "Non-state actor overtakes territory"


def test_the_map_legend_uses_the_same_table():
    assert maps.EVENT_LABELS is acled.EVENT_TYPE_LABELS


@pytest.mark.parametrize("sub, disorder", [
    ("armed_clash", "Political violence"), ("air_drone_strike", "Political violence"),
    ("attack", "Political violence"), ("mob_violence", "Political violence"),
    ("peaceful_protest", "Demonstrations"), ("protest_with_intervention", "Demonstrations"),
    ("violent_demonstration", "Demonstrations"),
    ("excessive_force_against_protesters", "Political violence; Demonstrations"),
    ("arrests", "Strategic developments"), ("other", "Strategic developments"),
])
def test_disorder_type(sub, disorder):
    assert acled.DISORDER_TYPES[sub] == disorder


@pytest.mark.parametrize("inter1, inter2, code, label", [
    (1, 7, 17, "State forces-Civilians"),
    (7, 1, 17, "State forces-Civilians"),  # the lower category first, whoever acted
    (2, 2, 22, "Rebel group-Rebel group"),
    (6, 0, 60, "Protesters only"),
    (6, None, 60, "Protesters only"),
    (8, 3, 38, "Political militia-External/Other forces"),
    (0, 7, None, None),  # actor1's category unknown: no interaction rather than a wrong one
    (None, None, None, None),
])
def test_interaction(inter1, inter2, code, label):
    assert acled.interaction_code(inter1, inter2) == code
    assert acled.interaction_label(inter1, inter2) == label


@pytest.mark.parametrize("event_type, sub, inter2, expected", [
    ("violence_against_civilians", "attack", 0, "Civilian targeting"),
    ("violence_against_civilians", "abduction_forced_disappearance", None, "Civilian targeting"),
    ("protest", "excessive_force_against_protesters", 6, "Civilian targeting"),
    ("explosion_remote_violence", "air_drone_strike", 7, "Civilian targeting"),
    ("explosion_remote_violence", "air_drone_strike", 2, None),
    ("riot", "mob_violence", 7, "Civilian targeting"),
    ("battle", "armed_clash", 7, None),
    ("protest", "peaceful_protest", 7, None),
    ("strategic_development", "arrests", 7, None),
])
def test_civilian_targeting(event_type, sub, inter2, expected):
    assert acled.civilian_targeting(event_type, sub, inter2) == expected


# ---------------------------------------------------------------------------------------- place names


@pytest.mark.parametrize("mark, example, ascii_", acled.DROPPED_MARKS)
def test_every_dropped_mark_goes(mark, example, ascii_):
    assert mark in example
    assert acled.ascii_place(example) == ascii_


@pytest.mark.parametrize("letter, ascii_", acled.LETTERS)
def test_every_spelled_out_letter(letter, ascii_):
    assert acled.ascii_place(f"Ab{letter}ba") == f"Ab{ascii_}ba".replace("  ", " ")


@pytest.mark.parametrize("name, expected", [
    ("Al Bāb", "Al Bab"),
    ("Buşrá ash Shām", "Busra ash Sham"),
    ("`Ariqah", "Ariqah"),
    ("Al `Asharah", "Al Asharah"),
    ("Al Ḩarāk", "Al Harak"),
    ("Dayr Ḩāfir", "Dayr Hafir"),
    ("Mayādīn", "Mayadin"),
    ("Da`il", "Dail"),
    ("Ma‘arrat an Nu‘mān", "Maarrat an Numan"),
    ("  Tall   Tamr ", "Tall Tamr"),
    ("Aleppo", "Aleppo"),
    ("البادية", "البادية"),  # no Latin letters: nothing to romanise from, kept
    (None, None),
])
def test_ascii_place(name, expected):
    assert acled.ascii_place(name) == expected


def test_admin_names_keep_acleds_apostrophes():
    assert acled.ascii_place("A'zaz", keep_apostrophes=True) == "A'zaz"
    assert acled.ascii_place("Izra'", keep_apostrophes=True) == "Izra'"
    assert acled.ascii_place("Ḩamāh", keep_apostrophes=True) == "Hamah"


def test_ascii_place_is_ascii_and_idempotent():
    for name in ("Al Bāb", "Buşrá ash Shām", "`Ariqah", "Sarāqib", "Bāniyās", "Yabrūd", "Jāsim"):
        once = acled.ascii_place(name)
        assert once.isascii() and acled.ascii_place(once) == once


def test_the_views_numeric_interaction_follows_the_same_rule(tmp_path):
    from etl_project import warehouse

    pairs = [(a, b) for a in (None, 0, 1, 3, 6, 7, 8) for b in (None, 0, 1, 2, 7)]
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        for i, (a, b) in enumerate(pairs):
            con.execute("INSERT INTO events (event_id, article_id, event_type, sub_event_type, inter1, inter2, fatalities, "
                        "injuries, is_background, n_sources) VALUES (?, 'a', 'battle', 'armed_clash', ?, ?, 0, 0, false, 1)",
                        [f"e{i}", a, b])
        got = dict(con.execute("SELECT event_id_cnty, interaction FROM v_events").fetchall())
    assert {f"e{i}": acled.interaction_code(a, b) for i, (a, b) in enumerate(pairs)} == got


@pytest.mark.parametrize(("actor", "day", "name"), [
    ("Military Forces of Israel", date(2025, 3, 1), "Military Forces of Israel (2022-)"),
    ("Military Forces of Israel", date(2022, 6, 1), "Military Forces of Israel (2021-2022)"),
    ("Military Forces of the United States", date(2025, 1, 19), "Military Forces of the United States (2021-2025)"),
    ("Military Forces of the United States", date(2025, 1, 20), "Military Forces of the United States (2025-)"),
    ("Military Forces of Russia", date(2016, 2, 1), "Military Forces of Russia (2000-)"),
    ("Military Forces of Turkey", date(2019, 10, 9), "Military Forces of Turkey (2002-)"),
    ("Military Forces of Syria (2024-)", date(2025, 3, 1), "Military Forces of Syria (2024-)"),  # dated by the extractor
    ("Islamic State", date(2025, 3, 1), "Islamic State"),
    ("Military Forces of Israel", None, "Military Forces of Israel"),  # no day: no term to name
    (None, date(2025, 3, 1), None),
])
def test_state_forces_are_named_after_the_government_of_the_day_as_acled_does(actor, day, name):
    assert acled.dated_actor(actor, day) == name


def test_every_term_of_a_state_follows_the_last_without_gap_or_overlap():
    by_actor: dict[str, list] = {}
    for actor, first, last, _ in acled.DATED_ACTORS:
        by_actor.setdefault(actor, []).append((first, last))
    for terms in by_actor.values():
        for (_, last), (first, _) in zip(terms, terms[1:]):
            assert last is not None and (first - last).days == 1
        assert terms[-1][1] is None  # the current government's term is open
