"""ACLED's vocabulary, as data: the labels ACLED writes for our codes, and the rules of its derived columns.

We follow ACLED's current public export (the column list of the 2024 codebook and of ACLED's API,
31 columns from `event_id_cnty` to `timestamp`): labels for event and sub-event types, actor
categories (`inter1`, `inter2`) and their `interaction` as text, `civilian_targeting` and
`disorder_type` as ACLED derives them. The warehouse keeps our snake_case codes and numeric actor
categories; the exports write these labels (and keep the codes in columns of their own).

Every table below is one row per value; the code that applies them is at the end and is small.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone

import duckdb

# disorder_type (ACLED codebook): Battles, Explosions/Remote violence, Violence against civilians and Mob
# violence are political violence; Peaceful protests, Protests with intervention and Violent demonstrations
# are demonstrations; Excessive force against protesters is both (a demonstration met with political
# violence); every strategic development is a strategic development.
PV, DEMO, BOTH, SD = "Political violence", "Demonstrations", "Political violence; Demonstrations", "Strategic developments"

# (our event type, our sub-event type, ACLED event_type, ACLED sub_event_type, ACLED disorder_type)
TYPES: tuple[tuple[str, str, str, str, str], ...] = (
    ("battle", "armed_clash", "Battles", "Armed clash", PV),
    ("battle", "government_regains_territory", "Battles", "Government regains territory", PV),
    ("battle", "non_state_actor_overtakes_territory", "Battles", "Non-state actor overtakes territory", PV),
    ("explosion_remote_violence", "chemical_weapon", "Explosions/Remote violence", "Chemical weapon", PV),
    ("explosion_remote_violence", "air_drone_strike", "Explosions/Remote violence", "Air/drone strike", PV),
    ("explosion_remote_violence", "suicide_bomb", "Explosions/Remote violence", "Suicide bomb", PV),
    ("explosion_remote_violence", "shelling_artillery_missile_attack", "Explosions/Remote violence",
     "Shelling/artillery/missile attack", PV),
    ("explosion_remote_violence", "remote_explosive_landmine_ied", "Explosions/Remote violence",
     "Remote explosive/landmine/IED", PV),
    ("explosion_remote_violence", "grenade", "Explosions/Remote violence", "Grenade", PV),
    ("violence_against_civilians", "sexual_violence", "Violence against civilians", "Sexual violence", PV),
    ("violence_against_civilians", "attack", "Violence against civilians", "Attack", PV),
    ("violence_against_civilians", "abduction_forced_disappearance", "Violence against civilians",
     "Abduction/forced disappearance", PV),
    ("protest", "peaceful_protest", "Protests", "Peaceful protest", DEMO),
    ("protest", "protest_with_intervention", "Protests", "Protest with intervention", DEMO),
    ("protest", "excessive_force_against_protesters", "Protests", "Excessive force against protesters", BOTH),
    ("riot", "violent_demonstration", "Riots", "Violent demonstration", DEMO),
    ("riot", "mob_violence", "Riots", "Mob violence", PV),
    ("strategic_development", "agreement", "Strategic developments", "Agreement", SD),
    ("strategic_development", "arrests", "Strategic developments", "Arrests", SD),
    ("strategic_development", "change_to_group_activity", "Strategic developments", "Change to group/activity", SD),
    ("strategic_development", "disrupted_weapons_use", "Strategic developments", "Disrupted weapons use", SD),
    ("strategic_development", "headquarters_or_base_established", "Strategic developments",
     "Headquarters or base established", SD),
    ("strategic_development", "looting_property_destruction", "Strategic developments", "Looting/property destruction", SD),
    ("strategic_development", "non_violent_transfer_of_territory", "Strategic developments",
     "Non-violent transfer of territory", SD),
    ("strategic_development", "other", "Strategic developments", "Other", SD),
)
EVENT_TYPE_LABELS: dict[str, str] = {t[0]: t[2] for t in TYPES}
SUB_EVENT_TYPE_LABELS: dict[str, str] = {t[1]: t[3] for t in TYPES}
DISORDER_TYPES: dict[str, str] = {t[1]: t[4] for t in TYPES}

# ACLED's actor categories (inter1, inter2): our 0 is "no such actor / not known" and is written empty.
INTER_LABELS: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
CIVILIANS = 7

# civilian_targeting (ACLED codebook: "Civilian targeting" when civilians are the direct target, else empty):
# every Violence against civilians event and every Excessive force against protesters event; and any other
# political-violence event (Explosions/Remote violence, Mob violence...) whose target, actor2, is civilians.
# Battles are fought between armed, organised groups: never civilian targeting.
CIVILIAN_TARGETING = "Civilian targeting"
ALWAYS_CIVILIAN_TARGETING = frozenset({"violence_against_civilians"})
ALWAYS_CIVILIAN_TARGETING_SUB = frozenset({"excessive_force_against_protesters"})
NEVER_CIVILIAN_TARGETING = frozenset({"battle", "protest", "strategic_development"})


def _known(inter) -> int | None:
    return int(inter) if inter is not None and int(inter) in INTER_LABELS else None


def interaction_code(inter1, inter2) -> int | None:
    """ACLED's numeric interaction: the two categories, the lower first (17: state forces and civilians);
    one actor alone is its code and 0 (60: protesters only). None when actor1's category is unknown."""
    a, b = _known(inter1), _known(inter2)
    if a is None:
        return None
    if b is None:
        return a * 10
    return min(a, b) * 10 + max(a, b)


def interaction_label(inter1, inter2) -> str | None:
    """ACLED's interaction in words: 'State forces-Civilians' (the lower category first), 'Protesters only'."""
    code = interaction_code(inter1, inter2)
    if code is None:
        return None
    first, second = divmod(code, 10)
    return f"{INTER_LABELS[first]} only" if second == 0 else f"{INTER_LABELS[first]}-{INTER_LABELS[second]}"


def civilian_targeting(event_type: str | None, sub_event_type: str | None, inter2) -> str | None:
    if event_type in ALWAYS_CIVILIAN_TARGETING or sub_event_type in ALWAYS_CIVILIAN_TARGETING_SUB:
        return CIVILIAN_TARGETING
    if event_type in NEVER_CIVILIAN_TARGETING:
        return None
    return CIVILIAN_TARGETING if _known(inter2) == CIVILIANS else None


# ---------------------------------------------------------------------------------------- dated actor names

# ACLED names a state's forces after the government that commands them, dated by its term: "Military Forces of
# Syria (2000-2024)" under Bashar al-Assad, "(2024-)" after 8 December 2024. Our extractor already dates Syria's
# own forces (lexicons/actors.tsv, era rows); these are the foreign state forces our dictionary names undated, as
# ACLED writes them on the event's day. Written from memory of ACLED's actor list (its documentation was out of
# reach); one row per term, so a correction is a line. (actor, first day, last day or None, ACLED's name)
DATED_ACTORS: tuple[tuple[str, date, date | None, str], ...] = (
    ("Military Forces of Israel", date(2009, 3, 31), date(2021, 6, 12), "Military Forces of Israel (2009-2021)"),
    ("Military Forces of Israel", date(2021, 6, 13), date(2022, 12, 28), "Military Forces of Israel (2021-2022)"),
    ("Military Forces of Israel", date(2022, 12, 29), None, "Military Forces of Israel (2022-)"),
    ("Military Forces of Russia", date(2000, 5, 7), None, "Military Forces of Russia (2000-)"),
    ("Military Forces of Turkey", date(2002, 11, 18), None, "Military Forces of Turkey (2002-)"),
    ("Military Forces of the United States", date(2009, 1, 20), date(2017, 1, 19),
     "Military Forces of the United States (2009-2017)"),
    ("Military Forces of the United States", date(2017, 1, 20), date(2021, 1, 19),
     "Military Forces of the United States (2017-2021)"),
    ("Military Forces of the United States", date(2021, 1, 20), date(2025, 1, 19),
     "Military Forces of the United States (2021-2025)"),
    ("Military Forces of the United States", date(2025, 1, 20), None, "Military Forces of the United States (2025-)"),
)


def dated_actor(name: str | None, event_date: date | None) -> str | None:
    """ACLED's name for an actor on the event's day: a state's forces dated by its government's term
    (DATED_ACTORS); any other name, an undated event or a day outside every term, as it is."""
    if name is None or event_date is None:
        return name
    for actor, first, last, acled_name in DATED_ACTORS:
        if actor == name and first <= event_date and (last is None or event_date <= last):
            return acled_name
    return name


# ---------------------------------------------------------------------------------------- place names

# ACLED writes place names in plain ASCII ("Al Bab", "Busra ash Sham", "Ariqah"). The gazetteer's
# romanisations carry diacritics (Al Bāb, Buşrá), backticks and ayn/hamza marks (`Ariqah, Da`il).
# Marks that stand for ayn or hamza are dropped (mark, example, ASCII):
DROPPED_MARKS: tuple[tuple[str, str, str], ...] = (
    ("`", "`Ariqah", "Ariqah"),
    ("'", "Da'il", "Dail"),
    ("\u2019", "Ma\u2019arrat", "Maarrat"),   # right single quotation mark
    ("\u2018", "\u2018Ayn", "Ayn"),           # left single quotation mark
    ("\u02bf", "\u02bfAfrin", "Afrin"),       # modifier letter left half ring (ayn)
    ("\u02be", "Ra\u02bes", "Ras"),           # modifier letter right half ring (hamza)
    ("\u02bc", "Qal\u02bcat", "Qalat"),       # modifier letter apostrophe
    ("\u02bb", "\u02bbAyn", "Ayn"),           # modifier letter turned comma
    ("\u00b4", "Da\u00b4il", "Dail"),         # acute accent
    ("\u2032", "Da\u2032il", "Dail"),         # prime
)
# Letters that Unicode does not decompose into a base letter and a mark (letter, ASCII):
LETTERS: tuple[tuple[str, str], ...] = (
    ("ı", "i"), ("İ", "I"), ("ł", "l"), ("Ł", "L"), ("ø", "o"), ("Ø", "O"), ("đ", "d"), ("Đ", "D"),
    ("ħ", "h"), ("Ħ", "H"), ("ß", "ss"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
    ("\u2010", "-"), ("\u2011", "-"), ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " "),
)
_TRANSLATE = str.maketrans({**{m: "" for m, _, _ in DROPPED_MARKS}, **dict(LETTERS)})
_LATIN = re.compile(r"[A-Za-z]")


def ascii_place(name: str | None, *, keep_apostrophes: bool = False) -> str | None:
    """The plain ASCII spelling of a romanised place name: `Al Bāb` → `Al Bab`, `` `Ariqah`` → `Ariqah`.

    Diacritics go (Unicode decomposition, then the marks are dropped), ayn/hamza marks go (DROPPED_MARKS;
    with `keep_apostrophes` a plain apostrophe stays, as in ACLED's admin names "A'zaz", "Izra'"), a few
    letters are spelled out (LETTERS), spaces are collapsed. A name with no Latin letter (Arabic) is
    returned as it is: there is nothing to romanise it from.
    """
    if name is None:
        return None
    if not _LATIN.search(name):
        return name
    text = name.replace("'", "\x00") if keep_apostrophes else name
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLATE))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("\x00", "'")
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\s+", " ", text).strip(" -")
    return text[:1].upper() + text[1:] if text else None


# ---------------------------------------------------------------- stable ACLED ids (the warehouse table acled_ids)

ACLED_COUNTRY = "SYR"


def assign_acled_ids(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Give every event without one the next ACLED number (acled_ids); returns how many were given.

    Keyed by our deterministic event_id, so the same incident keeps its number across re-runs, re-merges
    and extractor versions; numbers are never reused. Within one call they follow event_date, then event_id,
    so the same load gives the same numbers."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    return con.execute(
        """INSERT INTO acled_ids
           SELECT e.event_id,
                  (SELECT coalesce(max(acled_no), 0) FROM acled_ids)
                      + row_number() OVER (ORDER BY e.event_date NULLS LAST, e.event_id),
                  ?
           FROM events e ANTI JOIN acled_ids a ON a.event_id = e.event_id""",
        [now],
    ).fetchone()[0]


def missing_acled_ids(con: duckdb.DuckDBPyConnection) -> int:
    """How many events have no ACLED number yet (all of them in a warehouse older than acled_ids)."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'acled_ids'").fetchone()[0]:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    return con.execute("SELECT count(*) FROM events e ANTI JOIN acled_ids a ON a.event_id = e.event_id").fetchone()[0]
