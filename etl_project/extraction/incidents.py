"""Pass `incidents`: one candidate incident per typed clause and place chosen (etl_project/extraction/
incident_places.py), filled from the clause's typing, casualties, actors and date; a clause with no place
yet gives one placeless candidate that `grouping` places or joins to another."""
from __future__ import annotations

import re
from dataclasses import replace

from etl_project.extraction.casualties import no_toll
from etl_project.extraction.dates import date_key, report_date
from etl_project.extraction.incident_places import NEIGHBOURHOOD_CUES, P_ROLE, clause_places, names_the_city
from etl_project.extraction.model import ArticleContext, Candidate, Clause
from etl_project.extraction.places import UNKNOWN_LIST_ITEM
from etl_project.text.casualties import counts_by_place
from etl_project.text.events import clause_is_background
from etl_project.text.lexicon import AR

Z_GOVERNORATE_TALLY = "zone:governorate_tally"  # "وفي محافظة حمص استشهد 15 مواطناً": a tally, not an incident
B_RECALLED_CUE = "background:recalled_cue"  # "وكان X قد ..."، "سبق أن ...": told as an earlier incident
# a frame right after a settlement noun and a name the gazetteer does not hold ("بلدة أبريهة بريف دير الزور"):
# it stands for that village, an event of its own (coded at the frame)
P_UNKNOWN_SETTLEMENT = "place:unknown_settlement"
# (a checkpoint "للجيش"، "لقوات النظام" is the army's, not named: the frame after it is no village of its own)
_UNKNOWN_SETTLEMENT_BEFORE = re.compile(
    rf"(?<![{AR}])[وفبل]{{0,2}}(?:ال)?(?:بلده|قريه|مدينه|حي|مخيم|مزرعه|بلدتي|قريتي|تل|تله|حاجز)\s+[\"'“]?(?!ل(?:ل|قوات|عناصر|قسد|فصائل|فصيل|جيش|امن|شرطه|ميليشيا|مليشيا|تنظيم|هيئه|فرقه|حزب))(?P<name>(?:[{AR}]+\s+){{0,2}}?[{AR}]+)[\"'”]?\s*[,،]?\s*"
    rf"(?:(?:في|ب)\s*)?(?:ال)?(?:ريف|باديه|محافظه)?\s*(?P<direction>(?:ال)?(?:(?:شمال|جنوب|شرق|غرب)ي?\s+)?"
    rf"(?:شرقي|غربي|شمالي|جنوبي|شرق|غرب|شمال|جنوب))?\s*"
    rf"(?:(?:في|ب)\s*)?(?:ال)?(?:ريف|محافظه)?\s*[\"']?$")
# a governorate's capital stands for its governorate when a village it lacks is told by its direction from it
# ("بلدة جديد عكيدات، شرقي دير الزور"): the village is not in the city
_CAPITAL_CODES = ("PPLC", "PPLA")


def _frames_unknown_settlement(doc: ArticleContext, m, clause_start: int) -> str | None:
    """The name of the village the gazetteer lacks that the frame m stands for, or None."""
    if m.place is None:
        return None
    capital = m.place.placetype == "locality" and m.place.feature_code in _CAPITAL_CODES
    if m.place.placetype not in ("governorate", "district", "subdistrict") and not capital:
        return None
    hit = _UNKNOWN_SETTLEMENT_BEFORE.search(doc.T, max(clause_start, m.start - 60), m.start)
    # ("مدينة إعزاز بريف حلب": the settlement is one the gazetteer holds, named in between)
    if hit is None or capital and hit.group("direction") is None or doc.places_in(hit.start(), m.start):
        return None
    return hit.group("name")


def _base(doc: ArticleContext, cl: Clause, order: int, background: bool, report: bool) -> Candidate:
    t, cas = cl.typing, cl.cas
    c = Candidate(order=order, sentence=cl.sentence, clause=(cl.start, cl.end), event_type=t.event_type,
                  sub_event_type=t.sub_event_type, priority=t.priority, weak=t.weak, cas=cas, background=background,
                  actor1=cl.perpetrator, actor2=cl.victim, victim_class=cas.victim_class, trig_pos=t.trig_pos,
                  anaphor_only=t.anaphor_only, refers_back=t.refers_back)
    c.decided("type", *t.rules)
    if c.background:
        c.decided("background", B_RECALLED_CUE)
    dm = cl.date
    if cl.date_rule:
        c.decided("date", cl.date_rule)
    if dm is not None:
        c.date_key = date_key(doc.T[dm.start:dm.end])
        c.report_dated = report
        c.date, c.date_precision, c.date_text_span = dm.value, dm.precision, (dm.start, dm.end)
        c.date_explicit = not dm.anaphoric
        c.date_known_missing = dm.value is None and not dm.anaphoric
        if dm.anaphoric:
            c.anaphoric_date = dm
    return c


def _governorate_tally(cl: Clause, chosen) -> bool:
    """"وفي محافظة حمص استشهد 15 مواطناً": the day's dead counted by governorate, with no trigger and no
    place below the governorate, are a tally (aggregate statistics), not an incident."""
    return cl.typing.main is None and (cl.cas.deaths or 0) >= 2 and bool(chosen) and all(
        ref.place.placetype == "governorate" and ref.cue == "محافظه" for ref, _, _ in chosen)


_SUBPLACE_WORD = re.compile(r"^[وفبل]?(?:حي|حيي)\s+")


def _subplace(doc: ArticleContext, cl: Clause, ref) -> str | None:
    """The neighbourhood of the clause's city ("حي المغير في مدينة حلب"), by its bare name ("المغير" and
    "حي المغير" are one), or None."""
    for p in doc.places_in(cl.start, cl.end):
        if p.cue in NEIGHBOURHOOD_CUES and p.place is not None and p.place.gazetteer_id == ref.place.gazetteer_id:
            name = _SUBPLACE_WORD.sub("", p.mention.text).strip()
            return name.removeprefix("ال")
    return None


C_SPLIT_BY_PLACE = "toll:split_by_place"  # "استشهد 8، وهم 6 ... في بلدة X، ورجل ... في قرية Y"


def _toll_by_place(doc: ArticleContext, cl: Clause, chosen) -> list[int] | None:
    """A governorate's dead told place by place after the total (see text.casualties.counts_by_place)."""
    if cl.cas is None or cl.cas.deaths is None:
        return None
    frame = next((p for p in cl.places if p.place is not None and p.place.placetype == "governorate"), None)
    if frame is None:
        return None
    return counts_by_place(doc.T, cl.start, cl.end, frame.end, [(ref.start, ref.end) for ref, _, _ in chosen])


def _candidates(doc: ArticleContext, cl: Clause, order: int) -> list[Candidate]:
    chosen, crowd_home, anaphor_place, during = clause_places(doc, cl)
    if _governorate_tally(cl, chosen):
        cl.skipped = Z_GOVERNORATE_TALLY
        return []
    bg = clause_is_background(doc.T, cl.start, cl.end, cl.sentence.start)
    # "أعلنت الوزارة، اليوم الخميس، إلقاء القبض على خلية في دمشق": the day of the statement
    report = cl.date is not None and report_date(doc.T, cl.date, cl.start)
    if not chosen:
        c = _base(doc, cl, order, bg, report)
        c.fallback = anaphor_place
        c.during = during
        if c.anaphoric_date is not None:
            c.date_text_span = None
        return [c]
    out = []
    split = _toll_by_place(doc, cl, chosen)
    toll_at = next((k for k, (ref, _, _) in enumerate(chosen) if ref.rule != UNKNOWN_LIST_ITEM), 0)
    for k, (ref, lid, rule) in enumerate(chosen):
        c = _base(doc, cl, order + k, bg, report)
        c.place, c.role, c.list_id = ref.mention, ref.role, lid
        # "وفي حلب، ... بحي المعادي في مدينة حلب": the clause names the capital as the city elsewhere too
        c.city = names_the_city(doc.T, ref.mention) or any(
            (p.cue in NEIGHBOURHOOD_CUES or p.cue == "مدينه" and p is not ref) and p.place is not None
            and p.place.gazetteer_id == ref.place.gazetteer_id for p in cl.places)
        c.cue_city = ref.cue == "مدينه"
        c.subplace = _subplace(doc, cl, ref)
        c.decided("place", rule, P_ROLE.format(ref.rule))
        # (a place inherited from the clause before, "حيث ...", is read in that clause)
        frame_from = cl.start if ref.start >= cl.start or cl.previous is None else cl.previous.start
        unknown = ref.mention.text if ref.rule == UNKNOWN_LIST_ITEM else \
            _frames_unknown_settlement(doc, ref.mention, frame_from)
        if unknown:
            c.unknown_settlement, c.subplace = True, unknown  # (two such villages are two places)
            c.also("place", P_UNKNOWN_SETTLEMENT)
        if crowd_home:
            # the residents' own town is where they gathered: the town itself, not a frame
            c.role, c.city = "head", True
        if split is not None:
            c.cas = replace(cl.cas, deaths=split[k], deaths_vague=None)
            c.also("toll", C_SPLIT_BY_PLACE)
        elif k != toll_at:  # a stated toll goes to the first place of a list that the gazetteer holds
            c.cas = no_toll(cl.cas)
        out.append(c)
    return out


def run(doc: ArticleContext) -> None:
    for cl in doc.clauses:
        if not cl.skipped:
            doc.candidates.extend(_candidates(doc, cl, len(doc.candidates)))
