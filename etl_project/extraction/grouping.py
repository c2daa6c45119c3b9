"""Pass `grouping`: candidates become incidents. A lead placed only at governorate level takes the precise
place of the next sentence; a placeless candidate joins a neighbour of its type, else takes the victim's
town, the last place named nearby, the headline's or the dateline's; candidates of one place, type and day
merge (one incident told in several sentences); a governorate- or capital-level candidate joins a precise
one of the same type and day nearby (G_* and P_* name each step)."""
from __future__ import annotations

import re

from etl_project.extraction.chronology import bulleted
from etl_project.extraction.incident_places import P_ROLE, is_capital
from etl_project.extraction.model import ROLE_RANK, TERRITORY_SUBS, ArticleContext, Candidate, PlaceRef
from etl_project.extraction.places import UNKNOWN_LIST_ITEM
from etl_project.extraction.triggers import T_DEATHS_ONLY
from etl_project.text.segment import NOT_NEWS

G_DURING = "group:during"  # "خلال العملية ضبطت ...، فيما اعتقل ...": part of the operation just told
G_NEIGHBOUR = "group:neighbour"  # a placeless candidate describing an incident one sentence away
G_LAST_OF_KIND = "group:last_of_kind"  # "الانفجار الذي هز المدينة" told sentences later
G_SAME_INCIDENT = "group:same_incident"  # same place, type and day: one incident told in several sentences
G_RETOLD = "group:retold"  # "وأشار البيان إلى أن الحادث وقع على الطريق بين X وY": more of the one just told
G_TAKEOVER = "group:takeover"  # one change of hands told twice
G_VAGUE_INTO_PRECISE = "group:vague_into_precise"  # "في ريف درعا" joins the town of the same incident
G_DEATHS_TOLD_AGAIN = "group:deaths_told_again"  # deaths told again at the place and day of another incident
G_DAY_TOLD_LATER = "group:day_told_later"  # "وقالت أسايش اليوم ... الانفجار وقع مساء الاثنين": the incident's own day
P_LEAD_PRECISED = "place:lead_precised"  # "... في ريف درعا" / "... بين بلدتي X وY" in the next sentence
P_OWN_PERSON = "place:own_person"  # "اختطف تاجر من أهالي مدينة X": the victim's town
P_FALLBACK_NEAR = "place:fallback.near"  # the last place named before, in its sentence or the one before
P_FALLBACK_TOWN = "place:fallback.town"  # "في أحياء البلدة": the last town named before
P_FALLBACK_HEADLINE = "place:fallback.headline"  # the headline's place
P_FALLBACK_DATELINE = "place:fallback.dateline"  # the dateline's place
P_UNKNOWN_IN_THE_GOVERNORATE = "place:unknown_in_the_governorate"  # "بلدة أبريهة، شرقي المحافظة": at the governorate
DAMASCUS_PCODE = "SY01"

_DAMASCUS_AND_ITS_COUNTRYSIDE = {"SY01", "SY03"}
_CROWD_TYPES = {"protest", "riot"}
_VIOLENT = ("battle", "explosion_remote_violence", "violence_against_civilians")
_NATIONALITY = re.compile(r"^(?:ال)?[\u0621-\u064a]+(?:يه|ي)$")  # "مسيرة تركية": a nationality, not a place abroad
_ALSO = re.compile(r"\s*[,،]?\s*(?:كما|وكذلك|كذلك)\s")
# "وفي حادثة منفصلة، ..."، "وفي حادث آخر": the sentence tells another incident than the one before
_SEPARATE = re.compile(r"\s*(?:[-–•]\s*)?و?(?:في\s+)?(?:حادثه|حادث|هجوم|واقعه|عمليه|اعتداء)\s+(?:منفصله|منفصل|اخري|اخر|ثانيه|ثان)"
                       r"(?![\u0621-\u064a])")
_SIMILAR = re.compile(r"(?<![\u0621-\u064a])(?:مماثل|مماثله|مماثلا|مماثلتين|مشابه|مشابهه|مشابها)(?![\u0621-\u064a])")


# ---------------------------------------------------------------------- comparing candidates


def same_place(a: Candidate, b: Candidate) -> bool:
    pa, pb = a.place.place, b.place.place
    if pa is None or pb is None:
        return False
    if UNKNOWN_LIST_ITEM in (a.place.role, b.place.role):
        return a.place.text == b.place.text  # villages the gazetteer lacks share their seat, not their place
    if a.unknown_settlement != b.unknown_settlement:
        return False  # "بلدة أبريهة بريف دير الزور" is coded at the governorate but is not the governorate
    if a.subplace and b.subplace and a.subplace != b.subplace:
        return False  # "حي المغير" and "حي الميسر" of one city: two places, both coded at the city
    return pa.gazetteer_id == pb.gazetteer_id


def dates_compatible(a: Candidate, b: Candidate) -> bool:
    if a.date is None and b.date is None and a.date_known_missing and b.date_known_missing:
        return a.date_key == b.date_key
    if a.date == b.date:
        return True
    if not a.date_explicit or not b.date_explicit:
        return True
    return False


def level(c: Candidate) -> int:
    """How precise a candidate's place is: 0 governorate, 1 governorate capital or an admin frame
    (a capital named in a lead often stands for its governorate), 2 district or subdistrict, 3 a town."""
    p = c.place.place
    if c.unknown_settlement:
        return 3  # a village the gazetteer lacks, coded at its frame: as precise as the text is
    if p.placetype == "governorate":
        return 0
    if c.role in ("fallback",):
        # (a town the placeless clause borrowed is still more precise than a bare capital told in the lead)
        return 2 if p.placetype in ("locality", "neighbourhood") and not is_capital(p) else 1
    if is_capital(p):
        # "في مدينة حمص", "حي الجميلية": the city itself, not the governorate a bare capital may stand for
        if c.role == "road":
            return 2  # "على طريق اللاذقية - جبلة": a road out of the city, nearer than the governorate it heads
        return 3 if c.role in ("head", "near") and c.city else 1
    if c.role in ("admin", "ref"):
        # "ريف منبج" frames a district; "منطقة القطيفة" names the town's area
        return 1 if p.placetype in ("district", "subdistrict") and c.place.cue != "منطقه" else 2
    if p.placetype in ("district", "subdistrict"):
        return 2
    return 3


def vague(c: Candidate) -> bool:
    return level(c) < 3


def near_each_other(a: Candidate, b: Candidate) -> bool:
    pa, pb = a.place.place, b.place.place
    if pa.admin1_pcode and pa.admin1_pcode == pb.admin1_pcode:
        return True
    dx = (pa.longitude - pb.longitude) * 0.82
    dy = pa.latitude - pb.latitude
    return 111.2 * (dx * dx + dy * dy) ** 0.5 <= 60


def absorb(into: Candidate, c: Candidate, rule: str) -> None:
    """Merge candidate c (and its members) into `into`; what c decides for it, c's rules decided."""
    into.members.append(c)
    into.members.extend(c.members)
    c.members = []
    if c.priority > into.priority and c.event_type == into.event_type:
        into.sub_event_type = c.sub_event_type
        into.priority = c.priority
        into.decided("type", *c.why.get("type", ()))
    if (into.event_type, c.event_type) == ("protest", "riot"):  # (ACLED: a crowd that riots is a riot)
        into.event_type, into.sub_event_type, into.priority = c.event_type, c.sub_event_type, c.priority
        into.decided("type", *c.why.get("type", ()))
    # ("توغلت قوة ... في قرية الرفيد. واعتقلت القوة شابين": a raid or incursion is typed by what it did there)
    told_what_it_did = (into.event_type, into.sub_event_type) == ("strategic_development", "other") \
        and c.sub_event_type != "other" and c.event_type not in _CROWD_TYPES
    if told_what_it_did or into.weak and not c.weak and c.event_type != into.event_type:
        into.event_type, into.sub_event_type, into.priority, into.weak = c.event_type, c.sub_event_type, c.priority, False
        into.decided("type", *c.why.get("type", ()))
    if c.date_explicit and not into.date_explicit:
        into.date, into.date_precision, into.date_text_span, into.date_explicit = c.date, c.date_precision, c.date_text_span, True
        into.decided("date", *c.why.get("date", ()))
        into.report_dated = c.report_dated
    if c.place is not None and into.place is not None and ROLE_RANK.get(c.role, 9) < ROLE_RANK.get(into.role, 9) \
            and not vague(c):
        into.place, into.role = c.place, c.role
        into.city = c.city
        into.decided("place", *c.why.get("place", ()))
    if not c.background:
        into.background = into.background and not (c.date_explicit and c.date == into.date)
    if c.city and c.place is not None and into.place is not None and c.place.place is into.place.place:
        into.city = True  # the same capital, named as the city in one of the sentences
    into.subplace = into.subplace or c.subplace
    into.actor1 = into.actor1 or c.actor1
    into.actor2 = into.actor2 or c.actor2
    into.also("group", rule)


def _place(c: Candidate, ref: PlaceRef, role: str, rule: str) -> None:
    c.place, c.role = ref.mention, role
    c.decided("place", rule, P_ROLE.format(ref.rule))


# ---------------------------------------------------------------------- finding a place


def _sentence_of(sentences, pos: int) -> int:
    return next((i for i, s in enumerate(sentences) if s.start <= pos < s.end), 0)


def _neighbour(doc: ArticleContext, c: Candidate, placed: list[Candidate]) -> Candidate | None:
    """A placed candidate that a placeless one describes: same type (or the placeless one is only deaths),
    compatible date, within one sentence before or after (two for the lead)."""
    si = doc.sent_index[id(c.sentence)]
    best = None
    in_bullet = bulleted(doc.T, c.sentence.start)
    for p in placed:
        d = doc.sent_index[id(p.sentence)] - si
        if d < -2 or d > 1 or (d > 0 and c.fallback):  # "في المدينة" points back, not ahead
            continue
        if in_bullet and p.sentence.line != c.sentence.line and bulleted(doc.T, p.sentence.start):
            continue  # each item of a bulleted list is an incident of its own
        if not (p.event_type == c.event_type or c.weak or {p.event_type, c.event_type} <= _CROWD_TYPES):
            continue
        if not dates_compatible(p, c):
            continue
        if c.background != p.background and c.date_explicit and p.date_explicit:
            continue
        if c.background and c.date_explicit and not p.background:
            continue  # "وكانت القوات قد سيطرت الأحد على القمة": a recall joins no incident of the day
        if p.background and p.date_explicit and not c.background and d > 0:
            continue  # "أودت الضربة بحياة ثلاثة. وكان العدو قد شن في العاشر ...": the toll is not of the recall after it
        if c.date_explicit and c.date and p.date and c.date != p.date:
            continue  # a dated incident does not join one that took another day by inheritance
        key = (abs(d) if d <= 0 else d + 0.5, -p.order if d <= 0 else p.order)
        if best is None or key < best[0]:
            best = (key, p)
    return best[1] if best else None


def _fallback_place(doc: ArticleContext, c: Candidate) -> tuple[PlaceRef | None, str | None]:
    """The last place named before the candidate in its sentence or the one before, else (for the headline)
    the headline's or the dateline's place."""
    sentences = doc.sentences
    si = doc.sent_index[id(c.sentence)]
    lo = sentences[max(0, si - 1)].start
    # an anaphoric "the town" whose own clause names places passed over (a road's ends) points before it
    hi = c.clause[0] if c.fallback else c.clause[1]
    cands = [p for p in doc.places_in(lo, hi) if p.usable
             and sentences[_sentence_of(sentences, p.start)].kind not in NOT_NEWS]
    # a sentence with foreign places only (Lebanon, Iraq) does not borrow a Syrian one
    if any(p.mention.foreign or p.role == "foreign" for p in doc.places_in(*c.clause)):
        return None, None
    if cands:
        best = min(p.rank for p in cands)
        return [p for p in cands if p.rank == best][-1], P_FALLBACK_NEAR
    if c.fallback:
        # "في أحياء البلدة": the last town named before, in any earlier body sentence
        towns = [p for p in doc.places_in(0, c.clause[1]) if p.role in ("head", "near", "origin")
                 and p.place.placetype in ("locality", "neighbourhood")
                 and sentences[_sentence_of(sentences, p.start)].kind == "body"]
        return (towns[-1], P_FALLBACK_TOWN) if towns else (None, None)
    # (a body sentence does not borrow the headline's place: "وقتل مئتا شخص في أعمال عنف في سوريا" under a
    # headline on Hama; nor the national desk's dateline, "دمشق - سانا", which files news from everywhere)
    borrow = (("headline", P_FALLBACK_HEADLINE),) if c.sentence.kind == "headline" else ()
    for kind, rule in borrow + (("dateline", P_FALLBACK_DATELINE),):
        for s in sentences:
            if s.kind != kind:
                continue
            ids = [p for p in doc.places_in(s.start, s.end) if p.usable]
            if ids and not (kind == "dateline" and ids[0].place.admin1_pcode == DAMASCUS_PCODE):
                return ids[0], rule
    return None, None


# "في بلدة أبريهة، شرقي المحافظة": a village the gazetteer lacks, framed by "the governorate" told before
_IN_THE_GOVERNORATE = re.compile(
    r"(?<![\u0621-\u064a])[وفب]?(?:ال)?(?:بلده|قريه|مزرعه|مخيم)\s+(?P<name>(?:[\u0621-\u064a]+\s+){0,1}[\u0621-\u064a]+)\s*[,،]?\s*"
    r"(?:(?:في|ب)\s*)?(?:ال)?(?:ريف\s+)?(?:(?:شرقي|غربي|شمالي|جنوبي|شرق|غرب|شمال|جنوب)\s+)?المحافظه(?![\u0621-\u064a])")


def _governorate_told_before(doc: ArticleContext, c: Candidate) -> tuple[PlaceRef | None, str | None]:
    """The governorate, or its capital standing for it, that "المحافظة" in the clause points back to, and the
    village's name."""
    hit = _IN_THE_GOVERNORATE.search(doc.T, *c.clause)
    if hit is None:
        return None, None
    units = [p for p in doc.places_in(0, c.clause[0]) if p.place is not None
             and (p.place.placetype == "governorate" or is_capital(p.place))]
    return (units[-1], hit.group("name")) if units else (None, None)


def _own_person_place(doc: ArticleContext, c: Candidate) -> PlaceRef | None:
    """No place of the incident anywhere near: the victim's town ("اختطف تاجر من أهالي مدينة X", "مقتل مختار
    بلدة X") is the nearest known place."""
    if c.fallback:
        return None
    own = [p for p in doc.places_in(*c.clause) if p.role in ("origin", "title")
           and p.place is not None and p.place.placetype in ("locality", "neighbourhood")]
    return own[0] if own else None


def _precise_leads(doc: ArticleContext, cands: list[Candidate]) -> None:
    """A lead placed only at governorate level takes the precise place of the next sentence when that
    sentence tells no incident of its own ("... في ريف درعا" / "... بين بلدتي X وY") (a sentence that
    recalls an earlier incident, "بعد أسبوع من مقتل شاب آخر في مدينة X", tells its own place)."""
    T, sentences = doc.T, doc.sentences
    with_cands = {id(c.sentence) for c in cands if not c.weak or c.background and c.date_explicit}
    for c in cands:
        if c.place is None or not vague(c) or c.unknown_settlement:
            continue
        si = doc.sent_index[id(c.sentence)]
        for nxt in sentences[si + 1:si + 2]:
            if nxt.kind != "body" or id(nxt) in with_cands or _ALSO.match(T, nxt.start):
                continue  # ("كما طال القصف بلدة X": a second target, not the lead's place told precisely)
            refs = [p for p in doc.places_in(nxt.start, nxt.end) if p.usable and p.rank <= 2]
            if not refs:
                continue
            best = min(p.rank for p in refs)
            ref = [p for p in refs if p.rank == best][0]
            probe = Candidate(order=-1, sentence=nxt, clause=(nxt.start, nxt.end), event_type=c.event_type,
                              sub_event_type=c.sub_event_type, priority=0, weak=True, place=ref.mention, role=ref.role)
            if level(probe) > level(c) and near_each_other(c, probe):
                c.place, c.role = ref.mention, ref.role
                c.decided("place", P_LEAD_PRECISED, P_ROLE.format(ref.rule))


def _abroad_clause(doc: ArticleContext, c: Candidate) -> bool:
    """"سقوط قذائف على قضاء قرقميش بولاية غازي عنتاب": told abroad, not in Syria."""
    return any((p.mention.foreign or p.role == "foreign") and not _NATIONALITY.match(p.mention.text)
               for p in doc.places_in(*c.clause))


def _joined(doc: ArticleContext, c: Candidate, placed: list[Candidate]) -> bool:
    """A placeless candidate joins the incident it belongs to, if any."""
    if c.during:
        prev = [p for p in placed if p.order < c.order]
        if prev:
            target = prev[-1]
            if not c.weak and c.priority > target.priority and c.event_type != "strategic_development":
                target.event_type, target.sub_event_type, target.priority = c.event_type, c.sub_event_type, c.priority
                target.decided("type", *c.why.get("type", ()))
            absorb(target, c, G_DURING)
            return True
    target, rule = _neighbour(doc, c, placed), G_NEIGHBOUR
    own = _own_person_place(doc, c)
    si = doc.sent_index
    if own is not None and target is not None and si[id(target.sentence)] > si[id(c.sentence)]:
        target = None  # "أطلقت القوة النار على راعٍ من أبناء قرية X": the victim's village, not the next item
    if target is None and c.weak and c.trig_pos != c.clause[0]:
        # "الانفجار الذي هز المدينة" told sentences later: the last incident of its kind
        target, rule = next((p for p in sorted(placed, key=lambda p: -p.order) if p.order < c.order
                             and p.event_type == c.event_type and dates_compatible(p, c)
                             and not (c.background and c.date_explicit and not p.background)), None), G_LAST_OF_KIND
    if target is not None:
        absorb(target, c, rule)
        return True
    return False


def _place_placeless(doc: ArticleContext, cands: list[Candidate]) -> list[Candidate]:
    """Placeless candidates: join a neighbour of the same type, else fall back to a nearby place."""
    placed = [c for c in cands if c.place is not None]
    for c in [c for c in cands if c.place is None]:
        governorate, name = _governorate_told_before(doc, c)
        if governorate is not None:
            _place(c, governorate, "admin", P_UNKNOWN_IN_THE_GOVERNORATE)
            c.unknown_settlement, c.subplace = True, name
            placed.append(c)
            continue
        if _abroad_clause(doc, c) or _joined(doc, c, placed):
            continue
        own = _own_person_place(doc, c)
        if own is not None:
            _place(c, own, "fallback", P_OWN_PERSON)
            placed.append(c)
            continue
        if c.background and not c.fallback:
            continue
        fb, rule = _fallback_place(doc, c)
        if fb is None:
            continue
        # "في البلدة" points to a named town: as precise as that town
        _place(c, fb, "anaphor" if c.fallback and fb.place.placetype in ("locality", "neighbourhood") else "fallback", rule)
        placed.append(c)
    placed.sort(key=lambda c: c.order)
    return placed


# ---------------------------------------------------------------------- merging


def _merge_rule(doc: ArticleContext, e: Candidate, c: Candidate) -> str | None:
    """The rule by which c is more of incident e, or None."""
    si = doc.sent_index
    # a weak candidate (a bare verb, an anaphor, deaths only) at the place of the last report
    # continues it, whatever type its own words suggest
    continues = c.weak and not (c.background and not e.background) \
        and abs(si[id(c.sentence)] - si[id(e.sentence)]) <= 2
    # "وأشار البيان إلى أن الحادث وقع على الطريق بين X وY": more of the incident just told, nearby
    retold = c.anaphor_only and continues and e.event_type == c.event_type and near_each_other(e, c) \
        and ROLE_RANK.get(c.role, 5) >= ROLE_RANK["road"]
    if c.background != e.background and c.date and e.date and c.date != e.date and not continues \
            and c.role in ("fallback", "anaphor"):
        return None  # a recall placed only by "المنطقة" borrows the town; it is not the day's incident there
    # "سيطرت الفصائل على حلب ... دخلت مركز المدينة عقب انسحاب قوات النظام": one change of hands there
    takeover = {e.sub_event_type, c.sub_event_type} <= TERRITORY_SUBS
    same = same_place(e, c)
    # "توغلت قوة في قرية الرفيد ... واعتقلت القوة شابين": what a raid did at the place it entered is the raid
    # ("... بهجوم على حاجز في بلدة الصنمين. واستقدمت القوات تعزيزات وبدأت حملة تمشيط في محيط البلدة": the
    # response to the incident, with no arrest or toll of its own, is more of it)
    # ("قطع الأهالي الطريق بالإطارات المشتعلة، فيما أطلق الأمن الرصاص في الهواء لتفريق المحتجين": one crowd)
    one_crowd = {e.event_type, c.event_type} <= _CROWD_TYPES and e.sentence is c.sentence
    aftermath = (c.event_type, c.sub_event_type) == ("strategic_development", "other") and e.sentence is not c.sentence \
        and e.event_type in _VIOLENT and not (c.cas is not None and (c.cas.deaths or c.cas.injuries)) \
        and (not c.date_explicit or c.date == e.date)
    raid_did = (e.event_type, e.sub_event_type) == ("strategic_development", "other") and e.sentence is not c.sentence \
        and any(r.startswith("place:fallback") for r in c.why.get("place", ())) and c.event_type not in _CROWD_TYPES
    kin = e.event_type == c.event_type or continues or takeover or raid_did or aftermath or one_crowd
    if (same or retold) and kin and dates_compatible(e, c):
        if not same:
            return G_RETOLD
        return G_SAME_INCIDENT if e.event_type == c.event_type or continues else G_TAKEOVER
    return None


def _merge(doc: ArticleContext, placed: list[Candidate]) -> list[Candidate]:
    """One incident told in several sentences: same place, type and day."""
    events: list[Candidate] = []
    for c in placed:
        for e in events:
            rule = _merge_rule(doc, e, c)
            if rule:
                absorb(e, c, rule)
                break
        else:
            events.append(c)
    return events


LEAD_REACH = 10  # sentences between a governorate-level lead and the towns the body names


def _in_lead(doc: ArticleContext, c: Candidate) -> bool:
    """The headline, or the article's first body sentence."""
    lead = next((s for s in doc.sentences if s.kind == "body"), None)
    return c.sentence.kind == "headline" or c.sentence is lead


def _vague_target(doc: ArticleContext, a: Candidate, events: list[Candidate]) -> Candidate | None:
    """The precise candidate of the same type and day nearby that a vague one `a` is part of."""
    T, si = doc.T, doc.sent_index
    best = None
    # (the lead tells the whole operation at governorate level, "حملة في ريف حماة أسفرت عن اعتقال ..."; the
    # body names its towns further down)
    reach = LEAD_REACH if level(a) == 0 and _in_lead(doc, a) else 4
    for b in events:
        if abs(si[id(b.sentence)] - si[id(a.sentence)]) > reach:
            continue  # (tested first: the cheapest test, and the one that fails most in a long article)
        announced = a.report_dated and a.date and b.date and 0 <= (a.date - b.date).days <= 2
        # (a raid told only at the governorate, "نفذت القوات حملة مداهمة في ريف القنيطرة", is the operation of
        # the precise incident told next to it, whatever that incident's type)
        operation = a.event_type == "strategic_development" and a.sub_event_type == "other" \
            and abs(si[id(b.sentence)] - si[id(a.sentence)]) <= 2
        if b is a or level(b) <= level(a) or (b.event_type != a.event_type and not operation) \
                or not (dates_compatible(a, b) or announced):
            continue
        # the lead's day, even inherited, announces no incident of a later day; but an undated sentence right
        # after a dated recall tells the recall's town ("وكان قتل ... الاثنين في ريف درعا. وقالت مصادر إنه قتل
        # ... في بلدة اليادودة")
        if a.date and b.date and b.date > a.date and a.sentence.kind != "headline" \
                and not (a.date_explicit and not b.date_explicit and si[id(b.sentence)] - si[id(a.sentence)] == 1):
            continue
        if b.list_id is not None and a.list_id == b.list_id:
            continue
        if _SIMILAR.search(T, *a.clause) or _SIMILAR.search(T, *b.clause):
            continue  # "وقفة مماثلة في مدينة X": another incident, told as such
        later = a if a.order > b.order else b
        if a.sentence is not b.sentence and _SEPARATE.match(T, later.sentence.start):
            continue
        if _ALSO.match(T, b.clause[0]) and b.sentence is not a.sentence and a.cue_city:
            continue  # "قصفت ... مدينة إدلب ... كما طال القصف بلدة النيرب": a second target
        if not near_each_other(a, b):
            continue
        pa, pb = a.place.place, b.place.place
        if pa.admin1_pcode and pa.admin1_pcode != pb.admin1_pcode \
                and not _DAMASCUS_AND_ITS_COUNTRYSIDE <= {pa.admin1_pcode, pb.admin1_pcode}:
            # "في ريف إدلب" does not stand for a town of Aleppo, nor Damascus for a town of Suwayda
            # (the capital's governorate is the city alone: its surroundings are Rif Dimashq)
            continue
        if best is None or abs(b.order - a.order) < abs(best.order - a.order):
            best = b
    return best


def _vague_into_precise(doc: ArticleContext, events: list[Candidate]) -> None:
    """A governorate- or capital-level candidate joins a precise one of the same type and day nearby."""
    changed = True
    while changed:
        changed = False
        for a in events:
            if not vague(a) or a.unknown_settlement:
                continue  # ("بلدة أبريهة بريف دير الزور": a village of its own, see incidents.P_UNKNOWN_SETTLEMENT)
            best = _vague_target(doc, a, events)
            if best is not None:
                absorb(best, a, G_VAGUE_INTO_PRECISE)
                events.remove(a)
                changed = True
                break


def _has_deaths(c: Candidate) -> bool:
    return any(x.cas is not None and (x.cas.deaths or x.cas.deaths_vague) for x in [c] + c.members)


def _deaths_told_again(events: list[Candidate]) -> None:
    """"قُتل 4 عناصر في هجوم على حاجز في الرقة ... وقتل 10 بينهم ..." : deaths told in a clause that names no
    place of its own (placed by the last place named) or that only counts the dead, at the place and day of an
    incident of another type told with its own place, are that incident's dead told again (its toll stays the
    lowest figure)."""
    for b in list(events):
        if b.background or b.place is None or not _has_deaths(b) or not (
                P_FALLBACK_NEAR in b.why.get("place", ()) or T_DEATHS_ONLY in b.why.get("type", ())):
            continue
        a = next((a for a in events if a is not b and not a.background and a.place is not None
                  and a.place.place is b.place.place and a.unknown_settlement == b.unknown_settlement
                  and a.event_type != b.event_type
                  and (a.date == b.date or not b.date_explicit and dates_compatible(a, b))
                  and P_FALLBACK_NEAR not in a.why.get("place", ())), None)
        if a is not None:
            if not _has_deaths(a) and T_DEATHS_ONLY not in b.why.get("type", ()):
                # ("سيطر الجيش على القرية ... وأسفرت الغارات عن مقتل عدد"): the capture killed no one that
                # is told; the dead were the raids', an action of their own ("وقتل 5 في القصف" would be a's)
                for x in [b] + b.members:
                    x.cas = None
            absorb(a, b, G_DEATHS_TOLD_AGAIN)
            events.remove(b)


def _day_told_later(events: list[Candidate]) -> None:
    """An incident dated only by the statement that reports it ("وقالت أسايش اليوم، الثلاثاء ...") takes the day
    a later sentence gives it with a word that refers back to it ("وأفاد مراسلون أن الانفجار وقع مساء الاثنين"),
    up to three days before: one incident, on its own day (not a second one recalled)."""
    for c in list(events):
        if not (c.refers_back and c.date_explicit and c.date):
            continue
        e = next((e for e in events if e is not c and e.report_dated and e.date and e.event_type == c.event_type
                  and e.place is not None and c.place is not None and same_place(e, c)
                  and 0 < (e.date - c.date).days <= 3), None)
        if e is None:
            continue
        e.date, e.date_precision, e.date_text_span, e.report_dated = c.date, c.date_precision, c.date_text_span, False
        e.decided("date", *c.why.get("date", ()))
        c.background = False
        absorb(e, c, G_DAY_TOLD_LATER)
        events.remove(c)


def run(doc: ArticleContext) -> None:
    cands = doc.candidates
    if not cands:
        return
    _precise_leads(doc, cands)
    events = _merge(doc, _place_placeless(doc, cands))
    _day_told_later(events)
    _vague_into_precise(doc, events)
    _deaths_told_again(events)
    doc.candidates = [e for e in events if e.place is not None and e.place.place is not None]
