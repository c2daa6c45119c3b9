"""ACLED-shaped ids (acled_ids): SYR + a number given once per event and never changed or reused."""
from __future__ import annotations

from datetime import date

from etl_project import warehouse
from tests.test_warehouse import DAY, article, event_id, load, mention


def numbers(path) -> dict[str, int]:
    with warehouse.connect(path, read_only=True) as con:
        return dict(con.execute("SELECT event_id, acled_no FROM acled_ids").fetchall())


def test_every_loaded_event_gets_a_number_in_date_then_id_order(tmp_path):
    db = tmp_path / "w.duckdb"
    arts = [article("a1"), article("a2")]
    ments = [mention("m2", "a1", event_date=date(2025, 11, 11)), mention("m1", "a2", lat=33.5, lon=36.3, place="دمشق", gid="g-d"),
             mention("m0", "a2", event_date=date(2025, 11, 11), lat=36.2, lon=37.1, place="حلب", gid="g-a")]
    load(db, DAY, arts, ments)
    # the two events of 2025-11-11 (one key: ordinals 0 and 1) first, in id order; then the one of DAY
    first_day = sorted([event_id(date(2025, 11, 11)), event_id(date(2025, 11, 11), ordinal=1)])
    assert numbers(db) == {first_day[0]: 1, first_day[1]: 2, event_id(): 3}
    with warehouse.connect(db, read_only=True) as con:
        assert warehouse.missing_acled_ids(con) == 0


def test_numbers_survive_reloads_and_are_never_reused(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, DAY, [article("a1")], [mention("m1", "a1")])
    day2 = date(2025, 11, 13)
    load(db, day2, [article("b1", day=day2)], [mention("n1", "b1", day=day2, event_date=day2)])
    before = numbers(db)
    assert before == {event_id(): 1, event_id(day2): 2}
    load(db, DAY, [article("a1")], [mention("m1", "a1")])  # the same partition again: nothing renumbered
    assert numbers(db) == before
    # a new extractor reads another incident instead (a battle): the bombing's number is retired, the battle gets a new one
    load(db, DAY, [article("a1")], [mention("m9", "a1", event_type="battle", version="v2")], version="v2")
    assert numbers(db) == {**before, event_id(event_type="battle"): 3}
    with warehouse.connect(db, read_only=True) as con:
        assert con.execute("SELECT event_id FROM event_deletions").fetchall() == [(event_id(),)]
    # the bombing comes back: its own number again
    load(db, DAY, [article("a1")], [mention("m1", "a1")])
    assert numbers(db)[event_id()] == 1


def test_a_warehouse_from_before_acled_ids_gets_them_on_its_next_write(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, DAY, [article("a1")], [mention("m1", "a1")])
    with warehouse.connect(db) as con:
        con.execute("DROP TABLE acled_ids")
    with warehouse.connect(db, read_only=True) as con:
        assert warehouse.missing_acled_ids(con) == 1
    with warehouse.connect(db):  # any writer applies the schema, which assigns
        pass
    assert numbers(db) == {event_id(): 1}
