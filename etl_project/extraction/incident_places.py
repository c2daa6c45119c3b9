"""Where a clause's incident took place: the clause's places of the best role (every member of a list of
places, one event per place), towns with a trigger of their own, the place "حيث" points to, the residents'
own town for a crowd, the victims' village in a frame, else the sentence's place (P_* name each choice)."""
from __future__ import annotations

import re

from etl_project.extraction.model import CROWD_TYPES, ROLE_RANK, TERRITORY_SUBS, ArticleContext, Clause, PlaceRef
from etl_project.extraction.places import UNKNOWN_LIST_ITEM
from etl_project.extraction.rules import expand
from etl_project.text.events import cue_re
from etl_project.text.lexicon import AR
from etl_project.text.normalize import normalize_text

P_ROLE = "place:role.{}"  # the row of rules/place_roles.tsv that gave the place its role
P_CLAUSE = "place:clause"  # the clause's place of the best role
P_LIST = "place:list"  # a member of a list of places ("بلدات X، Y، وZ"): one event per place
P_PRECISE_OVER_FRAME = "place:precise_over_frame"  # "وفي السويداء، ... قرب بلدة الصورة الكبرى"
P_RETARGETED = "place:retargeted"  # "شنت غارتين على أطراف قرية X، وغارة على بلدة Y"
P_LISTED_TARGET = "place:listed_target"  # "استهدف القصف بلدة X، وقرى: Y، وZ، إضافة إلى بلدة W": each a target
P_WHERE = "place:where_before"  # "شملت الحملة حي X في مدينة Y، حيث اعتقل تسعة"
P_CROWD_HOME = "place:crowd_home"  # "تظاهر العشرات من أهالي مدينة X"
P_FRAMED_ORIGIN = "place:framed_origin"  # "اقتادت رعاة من أبناء قرية X في ريف Y"
P_SENTENCE = "place:sentence"  # the sentence's place, for a clause that names none

_WHERE = re.compile(r"\s*[,،]?\s*[و]?حيث\s")
NEIGHBOURHOOD_CUES = {"حي", "حيي"}
_FACILITY_CUES = {"مطار", "مرفا", "ميناء"}  # "مطار دمشق الدولي": a target at the city, not its governorate
_NEIGHBOURHOODS_BEFORE = re.compile(rf"(?<![{AR}])[وب]?(?:حي|حيي)\s+[^.،,]{{0,40}}?(?:في|ب|وسط)\s*(?:مدينه\s+)?$")
_RESIDENTS_OF_THE_TOWN = re.compile(rf"(?<![{AR}])(?:[وم]ن\s+)?(?:ابناء|اهالي|سكان|اهل)\s+(?:البلده|المدينه|القريه|الحي|المخيم)(?![{AR}])")
# (not the reach of fire: "طال القصف ... وامتد إلى مدينتي X وY")
_DESTINATION_BEFORE = re.compile(
    r"(?<![\u0621-\u064a])(?<!اضافه )(?<!امتد )(?<!امتدت )(?<!وامتد )(?<!وامتدت )"
    r"(?:الي|نحو|باتجاه|صوب|تجاه)(?![\u0621-\u064a])[^,،.]{0,30}$")
_AND_AGAIN = re.compile(r"[,،]\s*و")
_CLAUSE_PUNCT = re.compile(r"[,،.\n]")
_ADDITION_BEFORE = re.compile(rf"(?<![{AR}])(?:اضافه|بالاضافه|فضلا)\s+(?:الي|عن)\s+(?:[{AR}]+\s+)?$")
_FRAME_GAP = re.compile(r"\s*[,،]?\s*(?:في\s+|ب)?(?:ريف|محافظه|منطقه|ناحيه)?\s*$")
# "استهدفت مواقع في منطقة X، وفي محيط بلدة Y", "استهدف مطار X وبعض النقاط في محيط بلدة Y": a second target
# told with its own preposition after "و" in the same clause (the gap ends right before the town)
_NEAR_WORDS = r"(?:محيط|اطراف|مشارف|قرب|مقربه من|بالقرب من|مدخل|داخل|وسط)"
_AND_IN_AGAIN = re.compile(expand(
    rf"(?:(?:[,،]\s*|\s)و\s*(?:(?:بعض\s+|عده\s+)?(?:ال)?(?:نقاط|مواقع|مقرات|مراكز|اهداف|منشات|مستودعات|اخري|اخر)"
    rf"(?:\s+(?:ال)?(?:عسكريه|اخري))?\s+)?"
    # "قصفت قري في محيط X، وأخرى قرب Y", "طال القصف X، إضافة إلى بلدة Y", "... فضلاً عن أطراف مدينة Y"
    rf"|(?:[,،]\s*|\s)(?:و|ب)?(?:الاضافه|اضافه)\s+(?:الي|ل)\s*|(?:[,،]\s*|\s)(?:فضلا\s+عن|علاوه\s+علي)\s+)"
    rf"(?:(?:في|ب|علي)\s*(?:{_NEAR_WORDS}\s+)?|{_NEAR_WORDS}\s+)?(?<=\s|ب|ي)(?:{{PAIR_NOUN}}\s+)?[\"']?\s*$"
    # "طال القصف بلدة X وأسفر عن مقتل امرأة، وبلدة Y", "محيط بلدة X وقرية Y": a town coordinated after "و",
    # with its own settlement noun
    rf"|(?:[,،]\s*|\s)و(?:{{PAIR_NOUN}})\s+[\"']?\s*$"))


def _capitals() -> frozenset:
    global _CAPITALS
    if _CAPITALS is None:
        from etl_project.text.events import _cue_alt
        _CAPITALS = frozenset(c.removeprefix("ال") for c in _cue_alt("capital").strip("(?:)").split("|"))
    return _CAPITALS


_CAPITALS = None
_CAPITAL_NAMES: dict[str, bool] = {}


def is_capital(p) -> bool:
    if p.placetype != "locality":
        return False
    hit = _CAPITAL_NAMES.get(p.name_ar)
    if hit is None:
        hit = _CAPITAL_NAMES[p.name_ar] = normalize_text(p.name_ar).removeprefix("ال") in _capitals()
    return hit


def names_the_city(T: str, m) -> bool:
    """A capital named through its neighbourhoods ("حي X وسط مدينة حلب", "حيي X وY في مدينة حمص") is the city,
    not the governorate a bare capital in a lead may stand for."""
    return getattr(m, "cue", None) in NEIGHBOURHOOD_CUES | _FACILITY_CUES or bool(
        _NEIGHBOURHOODS_BEFORE.search(T, max(0, m.start - 70), m.start))


def choose_places(refs: list[PlaceRef], precise: bool = False) -> list[tuple[PlaceRef, int | None]]:
    """The incident's place(s) among a clause's mentions: the best role; all members of its list.
    (precise: "وفي السويداء، استهدفت مسيرات رتلاً ... قرب بلدة الصورة الكبرى": the bare governorate or capital
    that frames the clause gives way to a town named with its settlement word.)"""
    usable = [p for p in refs if p.usable]
    if precise and len(usable) > 1:
        towns = [p for p in usable if p.cue is not None and p.role in ("head", "near")
                 and p.place.placetype in ("locality", "neighbourhood") and not is_capital(p.place)]
        # (a village the gazetteer lacks, coded at its governorate, is a town of the list, not a frame)
        framing = [p for p in usable if p.cue is None and p.role == "head" and p.rule != UNKNOWN_LIST_ITEM
                   and (p.place.placetype in ("governorate", "district") or is_capital(p.place))]
        if towns and framing and framing[0] is usable[0]:
            usable = [p for p in usable if p not in framing]
    if not usable:
        return []
    best_rank = min(p.rank for p in usable)
    first = next(p for p in usable if p.rank == best_rank)
    lid = first.list_id
    chosen = [p for p in usable if p.list_id == lid and p.rank == best_rank]
    return [(p, lid if len(chosen) > 1 else None) for p in chosen]


def _comma_after(T: str, pos: int) -> int:
    m = _CLAUSE_PUNCT.search(T, pos)
    return m.start() if m else len(T)


def _add_unless_destination(T: str, out: list, taken: set, pair) -> None:
    for p in pair:
        if id(p) not in taken and not _DESTINATION_BEFORE.search(T, max(0, p.start - 40), p.start):
            out.append((p, None))
            taken.add(id(p))


def retargeted(T: str, cl_places: list[PlaceRef], chosen, trigs) -> list[tuple[PlaceRef, int | None]]:
    """Towns of a clause outside the chosen list that a trigger of their own introduces after ", و" and the
    town before them ("غارتين على قرية X، وغارة على بلدة Y"); each is a target too (one event per place)."""
    towns = [p for p in sorted(cl_places, key=lambda p: p.start) if p.role in ("head", "near") and p.place is not None
             and p.place.placetype in ("locality", "neighbourhood")]
    taken = {id(p) for p, _ in chosen}
    out: list = []
    for a, b in zip(towns, towns[1:]):
        gap_start, gap_end = a.end, b.start
        told = {t.rule.event_type for t in trigs if t.start < a.start}
        if (id(a) in taken or id(b) in taken) and _AND_IN_AGAIN.search(T[max(gap_start, gap_end - 80):gap_end]) \
                and not any(b.end <= t.start < _comma_after(T, b.end) and t.rule.event_type not in told
                            for t in trigs):
            # (a trigger of another type after the second town tells an incident of its own there: "وفي مدينة Y
            # اعتقلت ...")
            _add_unless_destination(T, out, taken, (a, b))
            continue
        # the second town named right after its own trigger, with its settlement word ("وغارة على بلدة Y")
        if not (_AND_AGAIN.search(T, gap_start, gap_end) and b.cue is not None
                and any(gap_start <= t.start < gap_end and t.rule.typing != "anaphor" and gap_end - t.end <= 25
                        for t in trigs)):
            continue
        _add_unless_destination(T, out, taken, (a, b))
    return out


# "سقطت قذائف ... قال الجيش الوطني إن مصدرها مناطق انتشار قسد في تل رفعت": where the fire came from
_SOURCE_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:مصدرها|مصدره|مصدر القصف|مصدر القذائف|انطلاقا من|اطلقت من|انطلقت من)"
                            r"(?![\u0621-\u064a])[^.،,]*$")


def listed_targets(T: str, cl_places: list[PlaceRef], chosen, trig_pos: int) -> list[tuple[PlaceRef, int | None]]:
    """Shelling, strikes and takeovers hit every town the clause names after the trigger as a target:
    "استهدف القصف بلدة X، وقرى: Y، وZ، إضافة إلى بلدة W" is one event at each (one event per place)."""
    taken = {id(p) for p, _ in chosen}
    placed = {id(p.place) for p, _ in chosen if p.place is not None}  # (a frame its villages are coded at)
    out: list = []
    for p in sorted(cl_places, key=lambda p: p.start):
        if p.rule == "near_cue" and (id(p.place) in placed or any(p.start > q.start for q, _ in chosen)):
            continue  # ("حاجز الصوامع في محيط مدينة سراقب": the town whose surroundings hold the target told)
        # ("غارات استهدفت مواقع في محيط مدينة الكسوة، ومستودعات قرب مطار المزة": the surroundings of a town are hit too)
        if id(p) in taken or p.start < trig_pos or not (p.role == "head" or p.rule == "near_cue") or p.place is None \
                or p.rule != UNKNOWN_LIST_ITEM and (p.place.placetype not in ("locality", "neighbourhood")
                                                    or is_capital(p.place)) \
                or _DESTINATION_BEFORE.search(T, max(0, p.start - 40), p.start) \
                or _SOURCE_BEFORE.search(T, max(0, p.start - 70), p.start):
            continue
        out.append((p, p.list_id))
        taken.add(id(p))
    return out


def _where_points_back(T: str, cl: Clause, chosen) -> bool:
    """"شملت الحملة حي X في مدينة Y، حيث اعتقل تسعة": "where" points to the place just named, unless the
    clause names its own targets after its trigger ("حيث سيطر على قريتي X وY"); a town added after
    "إضافة إلى" is the next item of the outer list, not such a target."""
    return _WHERE.match(T, cl.start) is not None and all(p.start > cl.typing.trig_pos for p in cl.places) \
        and not any(p.role == "head" and not _ADDITION_BEFORE.search(T, max(cl.start, p.start - 30), p.start)
                    for p, _, _ in chosen)


def framed_origin(doc: ArticleContext, chosen) -> list[tuple[PlaceRef, int | None]]:
    """("اقتادت رعاة من أبناء قرية X في ريف Y") When the clause names only a frame, and the frame is that of
    the victims' village, the village is the better place (ACLED codes the nearest named place)."""
    if not chosen or any(p.role != "admin" for p, _ in chosen):
        return []
    for p, _ in chosen:
        if p.i == 0:
            continue
        o = doc.places[p.i - 1]
        if o.role == "origin" and o.place is not None and o.place.placetype == "locality" \
                and _FRAME_GAP.match(doc.T[o.end:p.start]):
            return [(o, None)]
    return []


def _crowd_or_body(doc: ArticleContext, cl: Clause, chosen) -> tuple[list, bool]:
    """"تظاهر العشرات من أهالي مدينة X": residents protest in their town (not in the governorate the reporter
    writes from); a body found is found where its people live."""
    t = cl.typing
    if (t.event_type in CROWD_TYPES or cl.triggers and t.main.rule.typing == "body") and \
            (not chosen or all(ROLE_RANK[p.role] >= ROLE_RANK["admin"] for p, _, _ in chosen)):
        home = [(p, None, P_CROWD_HOME) for p in doc.places_in(cl.start, cl.end) if p.role == "origin"][:1]
        return (home or chosen), bool(home)
    framed = framed_origin(doc, [(p, lid) for p, lid, _ in chosen])
    return ([(p, lid, P_FRAMED_ORIGIN) for p, lid in framed] or chosen), False


def clause_places(doc: ArticleContext, cl: Clause) -> tuple[list, bool, bool, bool]:
    """(chosen places as (PlaceRef, list id, rule), crowd at home, placed by "في البلدة", told "during")."""
    T, t, cs, ce, s = doc.T, cl.typing, cl.start, cl.end, cl.sentence
    tag = lambda pairs, rule: [(p, lid, P_LIST if lid is not None else rule) for p, lid in pairs]  # noqa: E731
    chosen = tag(choose_places(cl.places, precise=True), P_CLAUSE)
    if chosen and cl.triggers and t.event_type not in CROWD_TYPES:
        chosen = chosen + tag(retargeted(T, cl.places, [(p, lid) for p, lid, _ in chosen], cl.triggers), P_RETARGETED)
        if t.event_type == "explosion_remote_violence" or t.sub_event_type in TERRITORY_SUBS:
            listed = listed_targets(T, cl.places, [(p, lid) for p, lid, _ in chosen], t.trig_pos)
            chosen = chosen + [(p, lid, P_LISTED_TARGET) for p, lid in listed]
    where_before = cl.previous.full_places if cl.previous is not None else []
    if where_before and _where_points_back(T, cl, chosen):
        chosen = tag(choose_places(where_before), P_WHERE) or chosen
    chosen, crowd_home = _crowd_or_body(doc, cl, chosen)
    anaphor_place = bool(cue_re("anaphor_place").search(T, cs, ce))
    if anaphor_place and chosen and all(p.role == "reporter" for p, _, _ in chosen):
        chosen = []  # "قال مراسلنا في درعا إن ... في الحي الشرقي من المدينة": the town told before
    if not chosen and not anaphor_place and not t.weak and not t.refers_back:
        # (a clause that only refers back, "وإن الاشتباكات استمرت ساعات", borrows no place of the
        # sentence's other clause: it joins the incident it refers to)
        chosen = tag(choose_places(cl.sentence_places), P_SENTENCE) if len(s.clauses) > 1 else []
    if t.event_type in CROWD_TYPES and _RESIDENTS_OF_THE_TOWN.search(T, s.start, ce) and \
            all(p.role in ("road", "between", "admin", "ref", "second") for p, _, _ in chosen):
        # "قطع أبناء البلدة الطريق بين X وY": the crowd is in the town told before, not at a road's end
        chosen, anaphor_place = [], True
    # "خلال العملية ضبطت ...، فيما اعتقل ...": what the sentence tells after "during" belongs to it
    during = bool(cue_re("during").search(T, s.start, ce) and not cl.places and not cl.dates)
    if during:
        chosen = []
    return chosen, crowd_home, anaphor_place, during
