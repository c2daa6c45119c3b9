"""Arabic incident extraction: article -> ACLED-style event records (spec: shared/spec/event_record.md).

    ex = Extractor(Geocoder.load(gazetteer_dir))
    events = ex.extract({"id": ..., "text": ..., "published": "2025-11-12"})
    stats = extract_jsonl(Path("articles.jsonl"), Path("events.jsonl"), ex)

How an article is read:
1. normalise once (offsets kept), segment into sentences and clauses (headlines, datelines, teasers marked;
   teasers are skipped);
2. per clause: the strongest trigger not negated, planned, seized or attempted, and not in habitual or
   aggregate talk, types a candidate; casualties, actors, dates and places of the clause fill it;
3. places: the geocoder's mentions, each given a role from the words before it — the incident's place,
   near it, the first of "بين X و Y", a road's end, an administrative frame (ريف X), a reference point
   ("شمال مدينة Y"), or not the incident's place at all (origin, a person's title, an outlet's name);
   a list of places ("بلدات X، Y، وZ") gives one event per place;
4. dates: the clause's date nearest the trigger (a report's date only when there is no other), else the
   date of the sentence, else the last date the article gave, else its main date (the first dated
   incident) or the published date;
5. candidates that name no place join a neighbouring candidate of the same type or fall back to the last
   place named nearby, the headline or the dateline; candidates of one place, type and day merge (one
   incident told in several sentences), and a candidate placed only at governorate or capital level
   joins a more precise one of the same type and day nearby;
6. background incidents (recalled with سبق أن/كانت قد… or dated before the main date) keep their date
   and are flagged; a background incident dated only to a month is a summary, not an event.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from etl_project.geo.admin import governorate_centroid
from etl_project.text.dates import DateMention, find_dates
from etl_project.text.events import (
    Casualties,
    assign_actors,
    casualties,
    clause_is_background,
    clause_is_generic,
    clause_triggers,
    crowd_typing,
    cue_re,
    find_actors,
    find_triggers,
    irrealis_before,
    is_demonstrative,
    target_class,
    trigger_blocked,
    type_event,
)
from etl_project.text.language import another_language_in_arabic_script
from etl_project.text.lexicon import AR, lexicon_fingerprint
from etl_project.text.normalize import Normalized, normalize, normalize_text
from etl_project.text.segment import NOT_NEWS, Sentence, segment

RULES_VERSION = "3"
EXTRACTOR_VERSION = f"ar-{RULES_VERSION}-{lexicon_fingerprint()}"

OUTPUT_FIELDS = (
    "event_id", "article_id", "event_date", "time_precision", "date_text", "event_type", "sub_event_type",
    "actor1", "actor2", "actor1_text", "actor2_text", "inter1", "inter2", "location_name", "location_name_en",
    "admin1", "admin2", "admin1_pcode", "admin2_pcode", "latitude", "longitude", "geo_precision",
    "location_text", "gazetteer_id", "fatalities", "injuries", "is_background", "evidence", "evidence_start",
    "evidence_end", "confidence", "extractor_version",
)

_CROWD_TYPES = {"protest", "riot"}
_TERRITORY_SUBS = {"non_state_actor_overtakes_territory", "government_regains_territory", "non_violent_transfer_of_territory"}
_DAMASCUS_AND_ITS_COUNTRYSIDE = {"SY01", "SY03"}
_EXPLAINS = re.compile(r"\s*[,،]?\s*اذ\s")
# "صليات من القذائف المدفعية التركية": a definite trigger with its own adjective describes a new incident
_NEW_DESCRIPTION = re.compile(r"\s+ال(?:مدفعيه|صاروخيه|جويه|تركيه|اسرائيليه|روسيه|امريكيه|ايرانيه|مسيره|ناسفه|مفخخه|مدفعي|صاروخي|جوي|تركي|اسرائيلي|روسي)(?![\u0621-\u064a])")
_NATIONALITY = re.compile(r"^(?:ال)?[\u0621-\u064a]+(?:يه|ي)$")  # "مسيرة تركية": a nationality, not a place abroad
_ALSO = re.compile(r"\s*[,،]?\s*(?:كما|وكذلك|كذلك)\s")
_DIED_OF_WOUNDS = re.compile(rf"(?<![{AR}])(?:متاثرا|متاثره|متاثرين|متاثرتين|متاثرون)\s+(?:ب)?(?:ال)?(?:جراح|جروح|اصاب|اصابت)")
_DEATH_DATED = re.compile(rf"(?<![{AR}])(?:فارق|فارقت|توفي|توفيت|قتل|قتلت|قضي|استشهد)(?![{AR}])[^.,،]{{0,25}}?"
                          rf"(?<![{AR}])(?:يوم|امس|اليوم|صباح|مساء|فجر|ليل|في\s+\d)")
_SIMILAR = re.compile(rf"(?<![{AR}])(?:مماثل|مماثله|مماثلا|مماثلتين|مشابه|مشابهه|مشابها)(?![{AR}])")
_AFTER_INCIDENT = re.compile(rf"(?<![{AR}])(?:عقب|بعد|اثر|قبيل|اعقاب)\s+(?:ال)?(?:حادثه|حادث|هجوم|انفجار|تفجير|اعتداء|"
                             rf"جريمه|واقعه|اشتباك|اشتباكات|قصف|غاره|كمين|اغتيال)(?![{AR}])")
_AFTER_THE = re.compile(r"(?:عقب|بعد|اثر|قبيل|قبل|اعقاب|خلفيه)\s+(?:ال)?$")
# Weapon words that name an object, not an incident: they need a blast, a strike, a casualty or another
# trigger in their clause ("ملصقات توضح أشكال مخلفات الحرب" is not an explosion).
_OBJECT_ONLY = {"ied"}
# Place roles, best first. Roles not listed are never the incident's place.
ROLE_RANK = {"head": 0, "near": 1, "between": 1, "road": 2, "admin": 3, "ref": 4, "anaphor": 5, "fallback": 5, "reporter": 6}
_SETTLEMENT = r"(?:مدينه|بلده|قريه|بلدات|قري|مدن|بلدتي|قريتي|مدينتي|حي|احياء|مخيم|منطقه|مناطق|ناحيه|محافظه|ريف|منطقتي|مزرعه|بلدتا|قريتا)"
_PAIR_NOUN = r"(?:مدينتي|بلدتي|قريتي|منطقتي|بلدات|قري|مدينه|بلده|قريه|منطقه|مخيم|حي)"
_ROAD_BEFORE = re.compile(rf"(?:طريق|الطريق|اوتوستراد|الاوتوستراد|اتوستراد)\s+(?:[{AR}]+\s+){{0,2}}?(?:بين\s+)?(?:{_PAIR_NOUN}\s+)?[\"']?$")
_BETWEEN_BEFORE = re.compile(rf"بين\s+(?:{_PAIR_NOUN}\s+)?[\"']?$")
# "بين بلدة داعل ومدينة طفس": the second end of a pair may carry its own settlement noun
_SECOND_OF_PAIR = re.compile(rf"^\s*[\"']?\s*(?:و|-|–)\s*(?:{_PAIR_NOUN}\s+)?[\"']?\s*$")
_LIST_GAP = re.compile(rf"^\s*[\"']?\s*(?:,|،)?\s*(?:و)?\s*(?:{_SETTLEMENT}\s+)?[\"']?\s*$")
# a list that goes on through names the gazetteer does not hold: "قرى X، وعين التنور، والجروسيه، وY"
_LIST_ITEM = rf"(?!(?:في|من|علي|الي|عن|مع|قرب|بعد|قبل|حيث|اذ|ما|ان)\s)[{AR}]+(?:\s+(?!(?:في|من|علي|الي|عن|مع|قرب)\s)[{AR}]+){{0,2}}"
_LIST_GAP_THROUGH_UNKNOWN = re.compile(
    rf"^(?:\s*[\"']?\s*[,،]\s*(?:و)?\s*(?:{_SETTLEMENT}\s+)?[\"']?{_LIST_ITEM}[\"']?\s*(?=[,،]))+"
    rf"\s*[\"']?\s*[,،]\s*(?:و)?\s*(?:{_SETTLEMENT}\s+)?[\"']?\s*$")
_ADMIN_CUES = {"ريف", "محافظه", "ناحيه", "منطقه", "ريفي", "مناطق", "محافظتي", "محافظات"}
_NEAR_CUES = {"باديه"}
_DESERT_CUES = {"باديه"}
_AREA_CUES = {"منطقه", "مناطق", "منطقتي"}
_JUNK_PLACE_WORDS = re.compile(r"^(?:فور|جروح|جراح|عدوان|قريتين|بلدتين|الشرقيه|الغربيه|الشماليه|الجنوبيه|الجمعه|السبت|الاحد)$")


@dataclass
class Candidate:
    order: int
    sentence: Sentence
    clause: tuple[int, int]
    event_type: str
    sub_event_type: str
    priority: int
    weak: bool  # typed only by deaths, a demonstrative or an anaphor: joins others first
    place: object | None = None  # PlaceMention
    role: str | None = None
    list_id: int | None = None
    date: date | None = None
    date_precision: int = 1
    date_text_span: tuple[int, int] | None = None
    date_explicit: bool = False
    date_known_missing: bool = False  # a date is written but cannot be resolved (no reference)
    cas: Casualties | None = None
    background: bool = False
    actor1: object | None = None
    actor2: object | None = None
    victim_class: str | None = None
    trig_pos: int = 0
    members: list["Candidate"] = field(default_factory=list)
    fallback: bool = False
    date_key: str | None = None  # the words of an unresolvable date, to tell two such dates apart
    anaphor_only: bool = False  # typed only by a word that points back ("الحادث وقع على الطريق ...")
    report_dated: bool = False  # dated by a statement ("أعلنت الوزارة، اليوم الخميس، ..."), not by the incident
    # placed at a frame that stands for a settlement the gazetteer does not hold ("بلدة أبريهة بريف دير الزور"):
    # a village of its own, not a vaguer telling of another town's incident
    unknown_settlement: bool = False


def _parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Extractor:
    """Rules and lexicons over a geocoder; `extract(article)` returns the article's event records."""

    def __init__(self, geocoder):
        self.geocoder = geocoder
        self.version = f"{EXTRACTOR_VERSION}+geo-{getattr(geocoder, 'version', 'none')}"

    # ------------------------------------------------------------------ public

    def extract(self, article: dict, reference_date: date | None = None) -> list[dict]:
        text = article.get("text") or ""
        if another_language_in_arabic_script(text):
            return []  # a Persian or Kurdish page: the rules read Arabic only
        aid = str(article.get("id"))
        published = _parse_date(article.get("published"))
        ref = published or _parse_date(reference_date)
        norm = normalize(text)
        T = norm.text
        title = normalize_text(article.get("title") or "")
        sentences = segment(T, title)
        dates = [d for d in find_dates(T, ref)]
        date_spans = [(d.start, d.end) for d in dates]
        mentions = [m for m in self.geocoder.mentions(T) if not _junk(m, T, date_spans)]
        all_actors = find_actors(T, 0, len(T))
        roles = _place_roles(T, mentions, all_actors)
        cands = self._candidates(T, sentences, mentions, roles, dates, all_actors)
        events = self._assemble(T, cands, sentences, mentions, roles, ref, _lead_date(sentences, dates, ref))
        return [self._record(norm, aid, c) for c in events]

    # ------------------------------------------------------------------ candidates

    def _candidates(self, T, sentences, mentions, roles, dates, all_actors=None) -> list[Candidate]:
        if all_actors is None:
            all_actors = find_actors(T, 0, len(T))
        cands: list[Candidate] = []
        order = 0
        prev_types: list[tuple[str, str]] = []
        for si, s in enumerate(sentences):
            if s.kind in NOT_NEWS:
                continue
            if T[s.start:s.end].rstrip(" \"'»)").endswith("?"):
                continue  # a question ("من قتل اليوم؟") asks, it does not report
            sent_places = [i for i, m in enumerate(mentions) if s.start <= m.start < s.end and roles[i][0] in ROLE_RANK]
            sent_dates = [d for d in dates if s.start <= d.start < s.end and not d.future]
            prev_cl_places: list[int] = []
            prev_generic = False
            for (cs, ce) in s.clauses:
                if prev_generic and _EXPLAINS.match(T, cs) and not any(
                        cs <= d.start < ce and d.precision == 1 for d in sent_dates):
                    continue  # "منذ مطلع الشهر، إذ قتل ثلاثة ...": the "as" clause counts the tally just told
                generic = clause_is_generic(T, cs, ce)
                prev_generic = bool(generic)
                where_before, prev_cl_places = prev_cl_places, [i for i in sent_places if cs <= mentions[i].start < ce]
                if generic:
                    # "شن الطيران اليوم الأربعاء غارات على X، في تصعيد هو الأوسع منذ اندلاع المواجهات": a dated
                    # incident told before the context words is still an incident; what follows them is context
                    gm = cue_re("generic").search(T, cs, ce) or cue_re("aggregate").search(T, cs, ce)
                    if not (gm and any(cs <= d.start and d.end <= gm.start() and d.precision == 1 for d in sent_dates)
                            and (clause_triggers(T, cs, gm.start()) or casualties(T, cs, gm.start()).deaths)):
                        continue
                    ce = gm.start()
                trigs = clause_triggers(T, cs, ce)

                def blocked(pos, cs=cs):
                    return bool(cue_re("plan").search(T, max(cs, pos - 45), pos)) or irrealis_before(T, cs, pos)

                cas = casualties(T, cs, ce, blocked)
                if _follows_up(T, cs, ce) and not _DEATH_DATED.search(T, cs, ce):
                    # a funeral, mourning or outrage: the dead are those of an incident already told (unless
                    # the clause dates the death itself: "تشييع الطفل الذي فارق الحياة يوم أمس برصاص طائش")
                    trigs = [t for t in trigs if t.rule.event_type in _CROWD_TYPES]
                    cas = Casualties(None, None, None, None, cas.victim_class, cas.no_casualties)
                has_deaths = cas.deaths is not None or cas.deaths_vague is not None
                if trigs and all(t.rule.name in _OBJECT_ONLY for t in trigs) and not has_deaths \
                        and cas.injuries is None and cas.injuries_vague is None:
                    trigs = []
                if trigs and not has_deaths and cas.injuries is None and cas.injuries_vague is None:
                    # "الأحياء المدمرة جراء القصف", "خرجت المستشفيات عن الخدمة بفعل القصف": the cause of damage
                    # told in passing, with no toll, no day and no such incident told before, is no incident
                    trigs = [t for t in trigs if not _passing_cause(T, t, cs, ce, sent_dates, prev_types)]
                if not trigs and not has_deaths:
                    continue
                if any(cs <= d.start < ce and d.future and (d.value is None or d.kind == "relative") for d in dates) \
                        and not any(cs <= d.start < ce for d in sent_dates):
                    continue  # "وقفة ثالثة يوم الثلاثاء المقبل", "غداً": a day still to come
                if _abroad(T, cs, ce, sent_places, mentions, roles):
                    continue  # "غارة استهدفت الطريق قرب نقطة المصنع في الجانب اللبناني"
                actors = [a for a in all_actors if cs <= a.start < ce]
                weak = False
                if trigs:
                    real = [t for t in trigs if t.rule.typing != "anaphor"] or trigs
                    main = max(real, key=lambda t: (t.rule.priority, -t.start))
                    crowd = [t for t in real if t.rule.event_type in _CROWD_TYPES]
                    if main.rule.sub_event_type == "arrests" and crowd and not any(a.inter == 1 for a in actors):
                        # "قطع شبان البلدة الطريق بالإطارات واحتجزوا سيارتين": the crowd held cars; no arrest
                        main = max(crowd, key=lambda t: (t.rule.priority, -t.start))
                    trig_pos = main.start
                    etype, sub = type_event(main.rule, T, cs, ce, main.start, cas.victim_class, actors)
                    prio = main.rule.priority
                    if (etype, sub) == ("strategic_development", "other") and main.rule.name == "raid" and has_deaths:
                        # "مقتل قيادي في خلية خلال عملية أمنية": a raid that kills is not a strategic development
                        tc = target_class(T, cs, ce, main.start, cas.victim_class)
                        etype, sub = ("battle", "armed_clash") if tc == "armed" else ("violence_against_civilians", "attack")
                    if (etype, sub) == ("protest", "protest_with_intervention") and (cas.deaths or 0) > 0:
                        sub = "excessive_force_against_protesters"  # a dispersal that kills
                    # a definite or demonstrative form refers back to an earlier incident of its kind
                    # ("الاعتداء الجديد استهدف ...", "واستهدف القصف ..."): the earlier type is kept
                    # "عقب الحادثة، هاجم الأهالي ...": the earlier incident only dates a new one
                    refs = [t for t in trigs if t.rule.anaphor and (t.definite or is_demonstrative(T, t))
                            and (t is main or t.rule.typing == "anaphor")
                            and not _AFTER_THE.search(T, max(cs, t.start - 16), t.start)
                            and not (is_demonstrative(T, t) is False and _NEW_DESCRIPTION.match(T, t.end))]
                    if refs and refs[0] is not main and refs[0].rule.typing == "anaphor" and main.rule.priority >= 50 \
                            and not (main.rule.sub_event_type == "arrests" and refs[0].rule.event_type == "violence_against_civilians"):
                        refs = []  # "أقارب المخطوف قطعوا الطريق": the kidnapped man is named; the clause tells a new incident
                    if refs and prev_types and main.rule.priority < 85:
                        ref_t = refs[0]
                        for pt, ps in reversed(prev_types):
                            if pt in ref_t.rule.anaphor:
                                if main.rule.priority < 60 or pt == main.rule.event_type:
                                    etype, sub = pt, ps
                                weak = True
                                break
                    if main.rule.typing == "anaphor" and not weak:
                        continue  # a word that only points back, with nothing to point to
                    if is_demonstrative(T, main):
                        weak = True
                    if main.rule.priority <= 45 and not actors and not has_deaths:
                        weak = True  # "استهدف ساحة الحاويات": a bare verb continuing the last report
                    if main.rule.typing != "anaphor" and _AFTER_INCIDENT.search(T, cs, ce):
                        weak = False  # "هاجموا عقب الحادثة ...": told as what came after, so a new incident
                else:
                    # deaths with no other trigger: a killing — a battle when the dead were armed
                    trig_pos = cs
                    tc = target_class(T, cs, ce, cs, cas.victim_class)
                    etype, sub = crowd_typing(None, T, cs, ce, cs, actors) or (
                        ("battle", "armed_clash") if tc == "armed" else ("violence_against_civilians", "attack"))
                    prio = 20
                    weak = True
                perp, victim = assign_actors(T, cs, ce, trig_pos, actors, etype, cas.victim_class)
                # dates of the clause, else of the sentence
                cl_dates = [d for d in sent_dates if cs <= d.start < ce]
                dm = _pick_date(T, cl_dates, trig_pos, cs) or _pick_date(T, sent_dates, trig_pos, s.start) \
                    or _date_of_that(T, cs, dates)
                wounds = _DIED_OF_WOUNDS.search(T, cs, ce)
                if wounds and [d for d in cl_dates if d.start > wounds.end()]:
                    # "توفي اليوم متأثراً بجروح أصيب بها ... الخميس الماضي": ACLED codes the day of the injury
                    dm = [d for d in cl_dates if d.start > wounds.end()][0]
                if trigs and main.rule.typing == "anaphor":
                    dm = None  # it tells more of an earlier incident: a date here is of what followed it
                bg = clause_is_background(T, cs, ce, s.start)
                # places of the clause, else of the sentence
                cl_places = [i for i in sent_places if cs <= mentions[i].start < ce]
                chosen = _choose_places(cl_places, roles, mentions)
                if chosen and trigs and etype not in _CROWD_TYPES:
                    # "شنت غارتين على أطراف قرية X، وغارة على بلدة Y": each town with a trigger of its own
                    chosen = chosen + _retargeted(T, cl_places, chosen, roles, mentions, trigs)
                    if etype == "explosion_remote_violence" or sub in _TERRITORY_SUBS:
                        chosen = chosen + _listed_targets(T, cl_places, chosen, roles, mentions, trig_pos)
                if where_before and _WHERE.match(T, cs) and all(mentions[i].start > trig_pos for i in cl_places) \
                        and not any(roles[i][0] == "head" and not _ADDITION_BEFORE.search(
                            T, max(cs, mentions[i].start - 30), mentions[i].start) for i, _ in chosen):
                    # ("حيث سيطر على قريتي X وY": the towns it names after its trigger are its targets; a town
                    # added after "إضافة إلى" is the next item of the outer list)
                    # "شملت الحملة حي X في مدينة Y، حيث اعتقل تسعة": "where" points to the place just named
                    chosen = _choose_places(where_before, roles) or chosen
                if (etype in _CROWD_TYPES or trigs and main.rule.typing == "body") and \
                        (not chosen or all(ROLE_RANK[roles[i][0]] >= ROLE_RANK["admin"] for i, _ in chosen)):
                    # "تظاهر العشرات من أهالي مدينة X": residents protest in their town (not in the
                    # governorate the reporter writes from)
                    home = [(i, None) for i, m in enumerate(mentions) if cs <= m.start < ce
                            and roles[i][0] == "origin"][:1]
                    crowd_home = bool(home)
                    chosen = home or chosen
                else:
                    crowd_home = False
                    chosen = _framed_origin(T, chosen, roles, mentions) or chosen
                anaphor_place = bool(cue_re("anaphor_place").search(T, cs, ce))
                if anaphor_place and chosen and all(roles[i][0] == "reporter" for i, _ in chosen):
                    chosen = []  # "قال مراسلنا في درعا إن ... في الحي الشرقي من المدينة": the town told before
                if not chosen and not anaphor_place and not weak and not (
                        trigs and main.definite and any(pt == etype for pt, _ in prev_types)):
                    # (a clause that only refers back, "وإن الاشتباكات استمرت ساعات", borrows no place of the
                    # sentence's other clause: it joins the incident it refers to)
                    chosen = _choose_places(sent_places, roles) if len(s.clauses) > 1 else []
                if etype in _CROWD_TYPES and _RESIDENTS_OF_THE_TOWN.search(T, s.start, ce) and \
                        all(roles[i][0] in ("road", "between", "admin", "ref", "second") for i, _ in chosen):
                    # "قطع أبناء البلدة الطريق بين X وY": the crowd is in the town told before, not at a road's end
                    chosen, anaphor_place = [], True
                # "خلال العملية ضبطت ...، فيما اعتقل ...": what the sentence tells after "during" belongs to it
                if cue_re("during").search(T, s.start, ce) and not cl_places and not cl_dates:
                    chosen = []
                    during = True
                else:
                    during = False
                base = dict(sentence=s, clause=(cs, ce), event_type=etype, sub_event_type=sub, priority=prio,
                            weak=weak, cas=cas, background=bg, actor1=perp, actor2=victim,
                            victim_class=cas.victim_class, trig_pos=trig_pos,
                            anaphor_only=bool(trigs) and main.rule.typing == "anaphor")
                if dm is not None:
                    base["date_key"] = _date_key(T[dm.start:dm.end])
                    # "أعلنت الوزارة، اليوم الخميس، إلقاء القبض على خلية في دمشق": the day of the statement
                    base["report_dated"] = _report_date(T, dm, cs)
                    base.update(date=dm.value, date_precision=dm.precision, date_text_span=(dm.start, dm.end),
                                date_explicit=not dm.anaphoric, date_known_missing=dm.value is None and not dm.anaphoric)
                    if dm.anaphoric:
                        base["date_explicit"] = False
                        base["_anaphoric_date"] = dm
                if not chosen:
                    c = Candidate(order=order, **{k: v for k, v in base.items() if not k.startswith("_")})
                    c.fallback = anaphor_place
                    c.__dict__["during"] = during
                    if "_anaphoric_date" in base:
                        c.date_text_span = None
                        c.members = []
                        c.__dict__["anaphoric_date"] = base["_anaphoric_date"]
                    cands.append(c)
                    order += 1
                else:
                    for k, (mi, lid) in enumerate(chosen):
                        c = Candidate(order=order, **{kk: v for kk, v in base.items() if not kk.startswith("_")})
                        c.place = mentions[mi]
                        c.role = roles[mi][0]
                        c.unknown_settlement = _frames_unknown_settlement(T, mentions[mi], cs)
                        c.__dict__["city"] = _names_the_city(T, mentions[mi]) or any(
                            mentions[j].cue in _NEIGHBOURHOOD_CUES and mentions[j].place is not None
                            and mentions[j].place.gazetteer_id == mentions[mi].place.gazetteer_id for j in cl_places)
                        c.__dict__["cue_city"] = mentions[mi].cue == "مدينه"
                        if crowd_home:
                            # the residents' own town is where they gathered: the town itself, not a frame
                            c.role, c.__dict__["city"] = "head", True
                        c.list_id = lid
                        if "_anaphoric_date" in base:
                            c.__dict__["anaphoric_date"] = base["_anaphoric_date"]
                        if k > 0:  # a stated toll goes to the first place of a list
                            c.cas = Casualties(None, None, None, None, cas.victim_class, cas.no_casualties)
                        cands.append(c)
                        order += 1
                if trigs:  # a clause typed by its deaths alone is no incident a later "الحادث" refers to
                    prev_types.append((etype, sub))
        return cands

    # ------------------------------------------------------------------ assembly

    def _assemble(self, T, cands, sentences, mentions, roles, ref, lead_date=None) -> list[Candidate]:
        if not cands:
            return []
        # main date: the day the lead tells (even as the day of its report); else the first dated incident
        # that is not background; else the reference
        main = next((c.date for c in cands if c.date_explicit and c.date and not c.background
                     and c.sentence.kind == "body"), None)
        main = lead_date or ref or main
        last = None
        last_missing = False
        last_key = None
        last_line = None
        recalled = None
        for c in cands:
            ad = c.__dict__.get("anaphoric_date")
            if ad is not None:
                told = recalled or last  # "حينها" after a recall is the recalled day, and tells more of it
                if recalled is not None:
                    c.background = True
                if told is not None:
                    c.date = told if ad.kind == "same" else told.fromordinal(told.toordinal() + 1)
                    c.date_explicit = True
                    c.date_text_span = (ad.start, ad.end)
                elif last_missing:
                    c.date_known_missing = True
                    c.date_text_span = (ad.start, ad.end)
            if c.date_explicit or c.date_known_missing:
                if (c.background or main and c.date and c.date < main) and not c.date_known_missing:
                    # "وكان X قد ... الثلاثاء الماضي": the recalled day dates only what continues that
                    # recall; the next news item goes back to the report's own day
                    recalled = c.date
                    last_line = c.sentence.line
                    continue
                recalled = None
                if c.date_known_missing:
                    last, last_missing, last_key = None, True, c.date_key
                else:
                    last, last_missing, last_key = c.date, False, c.date_key
                last_line = c.sentence.line
                continue
            if recalled is not None and c.weak:
                c.date = recalled
                continue
            if c.sentence.kind == "headline":
                c.date = main
                continue
            if last_line is not None and c.sentence.line != last_line and _bulleted(T, c.sentence.start):
                # "- إصابة طفلين ..." in a bulletin: each item is its own report, dated by the bulletin
                c.date = ref or main
                continue
            if last is not None:
                c.date = last
            elif last_missing:
                c.date = None
                c.date_known_missing = True
                c.date_key = last_key
            else:
                c.date = main
        first_body = next((c.sentence for c in cands if c.sentence.kind == "body"), None)
        for c in cands:
            if c.date_explicit and c.date and main and c.date < main:
                c.background = True
            # "وفي 3 آذار، ..." after the lead: an earlier incident recalled, even when no year is known
            if c.date_text_span and c.sentence is not first_body and c.date_explicit is not None:
                lead = T[c.clause[0]:c.date_text_span[0]]
                if re.fullmatch(r"\s*وفي\s*(?:ال\s*)?", lead) and re.match(r"\s*(?:ال\s*)?\d", T[c.date_text_span[0]:c.date_text_span[1]]):
                    c.background = True
            if c.date_explicit and c.date_known_missing is False and c.date is None:
                pass
        # background incidents dated only to a month are summaries; future dates are never events
        # ("وسبق أن نفذ الأمن حملة مماثلة في مدينة X الشهر الماضي" is one incident: kept, mid-month)
        cands = [c for c in cands if not (c.background and c.date_explicit and c.date_precision == 3
                                          and (c.place is None or _vague(c)))]
        # "وكان الجسر قد دمر بغارات التحالف عام 2017": a recall dated only by a past year is history
        cands = [c for c in cands if not (c.background and not c.date_explicit and ref is not None
                                          and _past_year_only(T, c.clause, ref))]

        sent_index = {id(s): i for i, s in enumerate(sentences)}
        # a lead placed only at governorate level takes the precise place of the next sentence when that
        # sentence tells no incident of its own ("... في ريف درعا" / "... بين بلدتي X وY")
        # (a sentence that recalls an earlier incident, "بعد أسبوع من مقتل شاب آخر في مدينة X", tells its own place)
        with_cands = {id(c.sentence) for c in cands if not c.weak or c.background and c.date_explicit}
        for c in cands:
            if c.place is None or not _vague(c) or c.unknown_settlement:
                continue
            si = sent_index[id(c.sentence)]
            for nxt in sentences[si + 1:si + 2]:
                if nxt.kind != "body" or id(nxt) in with_cands or _ALSO.match(T, nxt.start):
                    continue  # ("كما طال القصف بلدة X": a second target, not the lead's place told precisely)
                ids = [i for i, m in enumerate(mentions) if nxt.start <= m.start < nxt.end and roles[i][0] in ROLE_RANK
                       and ROLE_RANK[roles[i][0]] <= 2]
                if not ids:
                    continue
                best = min(ROLE_RANK[roles[i][0]] for i in ids)
                i = [i for i in ids if ROLE_RANK[roles[i][0]] == best][0]
                probe = Candidate(order=-1, sentence=nxt, clause=(nxt.start, nxt.end), event_type=c.event_type,
                                  sub_event_type=c.sub_event_type, priority=0, weak=True, place=mentions[i], role=roles[i][0])
                if _level(probe) > _level(c) and _near_each_other(c, probe):
                    c.place, c.role = mentions[i], roles[i][0]
        # placeless candidates: join a neighbour of the same type, else fall back to a nearby place
        placed = [c for c in cands if c.place is not None]
        for c in [c for c in cands if c.place is None]:
            if any((m.foreign or roles[i][0] == "foreign") and c.clause[0] <= m.start < c.clause[1]
                   and not _NATIONALITY.match(m.text) for i, m in enumerate(mentions)):
                continue  # "سقوط قذائف على قضاء قرقميش بولاية غازي عنتاب": told abroad, not in Syria
            if c.__dict__.get("during"):
                prev = [p for p in placed if p.order < c.order]
                if prev:
                    target = prev[-1]
                    if not c.weak and c.priority > target.priority and c.event_type != "strategic_development":
                        target.event_type, target.sub_event_type, target.priority = c.event_type, c.sub_event_type, c.priority
                    _absorb(target, c)
                    continue
            target = _neighbour(c, placed, sent_index)
            own = _own_person_place(c, mentions, roles)
            if own is not None and target is not None and sent_index[id(target.sentence)] > sent_index[id(c.sentence)]:
                target = None  # "أطلقت القوة النار على راعٍ من أبناء قرية X": the victim's village, not the next item
            if target is None and c.weak and c.trig_pos != c.clause[0]:
                # "الانفجار الذي هز المدينة" told sentences later: the last incident of its kind
                target = next((p for p in sorted(placed, key=lambda p: -p.order) if p.order < c.order
                               and p.event_type == c.event_type and _dates_compatible(p, c)
                               and not (c.background and c.date_explicit and not p.background)), None)
            if target is not None:
                _absorb(target, c)
                continue
            own = _own_person_place(c, mentions, roles)
            if own is not None:
                c.place, c.role = mentions[own], "fallback"
                placed.append(c)
                continue
            if c.background and not c.fallback:
                continue
            fb = _fallback_place(T, c, sentences, mentions, roles, sent_index)
            if fb is None:
                continue
            c.place = mentions[fb]
            # "في البلدة" points to a named town: as precise as that town
            c.role = "anaphor" if c.fallback and mentions[fb].place.placetype in ("locality", "neighbourhood") else "fallback"
            placed.append(c)
        placed.sort(key=lambda c: c.order)

        # one incident told in several sentences: same place, type and day
        events: list[Candidate] = []
        for c in placed:
            merged = False
            for e in events:
                # a weak candidate (a bare verb, an anaphor, deaths only) at the place of the last report
                # continues it, whatever type its own words suggest
                continues = c.weak and not (c.background and not e.background) \
                    and abs(sent_index[id(c.sentence)] - sent_index[id(e.sentence)]) <= 2
                # "وأشار البيان إلى أن الحادث وقع على الطريق بين X وY": more of the incident just told, nearby
                retold = c.anaphor_only and continues and e.event_type == c.event_type and _near_each_other(e, c) \
                    and ROLE_RANK.get(c.role, 5) >= ROLE_RANK["road"]
                if c.background != e.background and c.date and e.date and c.date != e.date and not continues \
                        and c.role in ("fallback", "anaphor"):
                    continue  # a recall placed only by "المنطقة" borrows the town; it is not the day's incident there
                # "سيطرت الفصائل على حلب ... دخلت مركز المدينة عقب انسحاب قوات النظام": one change of hands there
                takeover = {e.sub_event_type, c.sub_event_type} <= _TERRITORY_SUBS
                if (_same_place(e, c) or retold) and (e.event_type == c.event_type or continues or takeover) \
                        and _dates_compatible(e, c):
                    _absorb(e, c)
                    merged = True
                    break
            if not merged:
                events.append(c)
        # a governorate- or capital-level candidate joins a precise one of the same type and day nearby
        changed = True
        while changed:
            changed = False
            for a in events:
                if not _vague(a) or a.unknown_settlement:
                    continue
                best = None
                for b in events:
                    announced = a.report_dated and a.date and b.date and 0 <= (a.date - b.date).days <= 2
                    if b is a or _level(b) <= _level(a) or b.event_type != a.event_type \
                            or not (_dates_compatible(a, b) or announced):
                        continue
                    if a.date and b.date and b.date > a.date and a.sentence.kind != "headline":
                        continue  # the lead's day, even inherited, announces no incident of a later day
                    if b.list_id is not None and a.list_id == b.list_id:
                        continue
                    if _SIMILAR.search(T, *a.clause) or _SIMILAR.search(T, *b.clause):
                        continue  # "وقفة مماثلة في مدينة X": another incident, told as such
                    if _ALSO.match(T, b.clause[0]) and b.sentence is not a.sentence and a.__dict__.get("cue_city"):
                        continue  # "قصفت ... مدينة إدلب ... كما طال القصف بلدة النيرب": a second target
                    if abs(sent_index[id(b.sentence)] - sent_index[id(a.sentence)]) > 4:
                        continue
                    if not _near_each_other(a, b):
                        continue
                    if a.place.place.admin1_pcode and a.place.place.admin1_pcode != b.place.place.admin1_pcode \
                            and not _DAMASCUS_AND_ITS_COUNTRYSIDE <= {a.place.place.admin1_pcode, b.place.place.admin1_pcode}:
                        # "في ريف إدلب" does not stand for a town of Aleppo, nor Damascus for a town of Suwayda
                        # (the capital's governorate is the city alone: its surroundings are Rif Dimashq)
                        continue
                    if best is None or abs(b.order - a.order) < abs(best.order - a.order):
                        best = b
                if best is not None:
                    _absorb(best, a)
                    events.remove(a)
                    changed = True
                    break
        out = []
        for e in events:
            if e.place is None or e.place.place is None:
                continue
            if e.sentence.kind == "headline" and all(m.sentence.kind == "headline" for m in [e] + e.members) and \
                    any(x.sentence.kind == "body" for x in events):
                # a headline that no body sentence confirms is kept only if it is the article's only news
                pass
            out.append(e)
        return out

    # ------------------------------------------------------------------ output

    def _record(self, norm: Normalized, aid: str, c: Candidate) -> dict:
        T = norm.text
        p = c.place.place
        by_sentence: dict[int, list[Casualties]] = {}
        for x in [c] + c.members:
            if x.cas is not None:
                # another source's figure for the same dead ("في حين تحدثت مصادر عن خمسة قتلى") is an
                # alternative, not an addition: it is kept apart and the lower figure wins
                key = (id(x.sentence), x.clause) if _ALT_REPORT.match(T, x.clause[0]) else id(x.sentence)
                by_sentence.setdefault(key, []).append(x.cas)
        fat = _conservative([_sum_stated(v, "deaths") for v in by_sentence.values()],
                            [x.deaths_vague for v in by_sentence.values() for x in v])
        inj = _conservative([_sum_stated(v, "injuries") for v in by_sentence.values()],
                            [x.injuries_vague for v in by_sentence.values() for x in v])
        evidence_src = c
        s = evidence_src.sentence
        ev_start, ev_end = norm.span(s.start, s.end)
        date_text = None
        span = c.date_text_span or next((m.date_text_span for m in c.members if m.date_text_span and m.date_explicit), None)
        if span:
            a, b = norm.span(*span)
            date_text = norm.original[a:b].strip(" ،,()")
        loc_a, loc_b = norm.span(c.place.start, c.place.end)
        a1, a2 = c.actor1, c.actor2
        for m in c.members:
            a1 = a1 or m.actor1
            a2 = a2 or m.actor2
        actor1, inter1, actor1_text = _actor_out(a1, c.date, norm)
        actor2, inter2, actor2_text = _actor_out(a2, c.date, norm)
        if c.event_type == "protest":
            actor1, inter1 = actor1 if inter1 == 6 else "Protesters (Syria)", 6
        elif c.event_type == "riot":
            actor1, inter1 = "Rioters (Syria)", 5
        if c.event_type == "violence_against_civilians" and actor2 is None:
            actor2, inter2 = "Civilians (Syria)", 7
        if actor1 == actor2 and actor1 is not None and c.event_type != "battle":
            actor2, inter2, actor2_text = None, 0, None
        prec = c.place.geo_precision
        if c.role in ("near", "between", "road", "ref", "fallback"):
            prec = max(prec, 2)
        if p.placetype == "governorate" or c.place.cue in _DESERT_CUES and _is_capital(p):
            prec = 3  # "بادية دير الزور": the governorate's desert, not the city
        lat, lon = p.latitude, p.longitude
        if prec == 3:  # known only to its governorate: coded at the governorate's centroid (ACLED, the spec)
            lat, lon = governorate_centroid(p.admin1_pcode) or (lat, lon)
        event_date = c.date.isoformat() if c.date else None
        key = f"{aid}|{event_date}|{p.gazetteer_id}|{c.sub_event_type}"
        conf = 0.45
        conf += 0.15 if c.date_explicit else 0.0
        conf += 0.15 if ROLE_RANK.get(c.role, 5) <= 1 else 0.05
        conf += 0.1 if c.priority >= 60 else 0.0
        conf += 0.05 * min(len(c.members), 2)
        conf *= getattr(c.place, "confidence", 1.0) or 1.0
        return {
            "event_id": hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
            "article_id": aid,
            "event_date": event_date,
            "time_precision": c.date_precision if c.date_explicit else 1,
            "date_text": date_text,
            "event_type": c.event_type,
            "sub_event_type": c.sub_event_type,
            "actor1": actor1,
            "actor2": actor2,
            "actor1_text": actor1_text,
            "actor2_text": actor2_text,
            "inter1": inter1,
            "inter2": inter2,
            "location_name": p.name_ar,
            "location_name_en": p.name_en,
            "admin1": p.admin1,
            "admin2": p.admin2,
            "admin1_pcode": p.admin1_pcode,
            "admin2_pcode": p.admin2_pcode,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": prec,
            "location_text": norm.original[loc_a:loc_b],
            "gazetteer_id": p.gazetteer_id,
            "fatalities": fat,
            "injuries": inj,
            "is_background": bool(c.background and all(m.background for m in c.members if m.date_explicit) if c.date_explicit else c.background),
            "evidence": norm.original[ev_start:ev_end],
            "evidence_start": ev_start,
            "evidence_end": ev_end,
            "confidence": round(min(conf, 0.95), 2),
            "extractor_version": self.version,
        }


# ---------------------------------------------------------------------- helpers


def _junk(m, T: str = "", date_spans=()) -> bool:
    """A geocoder hit that is an ordinary word of incident reports ("جروح", "عدوان") without a place cue,
    a word of a date expression ("ظهر اليوم"), or a common word in a phrase that makes it one
    ("الرصاص الحي على", "مظاهرة سلمية", "رفعوا صور الضحايا", "مزرعة على أطراف")."""
    if m.foreign or m.place is None:
        return False
    if date_spans and any(a <= m.start < b for a, b in date_spans):
        return True
    t = m.text[2:] if m.text.startswith("ال") else m.text
    if m.cue is None and bool(_JUNK_PLACE_WORDS.match(t) or _JUNK_PLACE_WORDS.match(m.text)):
        return True
    if not T or not _JUNK_HEAD.match(m.text):
        return False
    before, after = T[max(0, m.start - 30):m.start], T[m.end:m.end + 30]
    for word, before_re, after_re in _JUNK_IN_CONTEXT:
        if word.match(m.text) and (before_re is None or before_re.search(before)) and \
                (after_re is None or after_re.match(after)):
            return True
    return False


_JUNK_HEAD = re.compile(r"(?:الحي|(?:ال)?سلمي|(?:ال)?صور$|علي$|(?:ال)?راعي$|(?:ال)?عمر$)")  # the hits _JUNK_IN_CONTEXT can reject
# (the hit, what must end the text before it, what must start the text after it)
_JUNK_IN_CONTEXT = (
    # live ammunition: "أطلقوا الرصاص الحي على المتظاهرين"
    (re.compile(r"^الحي"), re.compile(r"رصاص\s*$"), None),
    # "peaceful": "وقفة احتجاجية سلمية", "انتهت بشكل سلمي"
    (re.compile(r"^(?:ال)?سلمي(?:ه)?$"),
     re.compile(r"(?:احتجاجيه|احتجاجيا|مظاهره|مظاهرات|تظاهره|تظاهرات|وقفه|وقفات|اعتصام|مسيره|احتجاجات|احتجاج|بشكل|بصوره|بطريقه|طابع|حراك)\s*$"), None),
    # "pictures" of people: "رفع المتظاهرون صور المفقودين"
    (re.compile(r"^(?:ال)?صور$"), re.compile(r"(?<![\u0621-\u064a])(?:[وبل]?(?:رفع|رفعوا|رفعت|يرفعون|حمل|حملوا|حملت|يحملون|نشر|نشرت|نشروا|بث|بثت|تداول|تداولت|التقط|التقطت|تظهر|يظهر)(?:\s+[\u0621-\u064a]+){0,5})\s*$"), None),
    (re.compile(r"^(?:ال)?صور$"), None, re.compile(r"\s*[\"']?\s*(?:ال)?(?:مئات|عشرات|شهيد|شهداء|الشهيد|الشهداء|المفقودين|مفقودين|المعتقلين|معتقلين|القتلي|الضحايا|ضحايا|جثث|الجثث)")),
    # age: "يبلغ من العمر 17 عاماً"
    (re.compile(r"^(?:ال)?عمر$"), re.compile(r"(?:يبلغ|تبلغ|يبلغان|يبلغون|البالغ|البالغه|بالغ|بلغ)\s+من\s+$"), None),
    # a herdsman: "راعي أغنام", "الراعي الماشية"
    (re.compile(r"^(?:ال)?راعي$"), None, re.compile(r"\s*(?:ال)?(?:اغنام|غنم|ماشيه|مواشي|ابقار|ابل|قطيع)(?![\u0621-\u064a])")),
    # the preposition "على" before a near cue: "في مزرعة على أطراف المدينة"
    (re.compile(r"^علي$"), None, re.compile(r"\s*(?:ال)?(?:اطراف|مقربه|بعد|طريق|مدخل|مداخل|حدود|اطراف|جانب|الطريق|سفح|ضفاف|ضفه)(?![\u0621-\u064a])")),
)


def _place_roles(T: str, mentions, actor_spans=None) -> list[tuple[str, int | None]]:
    """(role, list id) of each mention: see ROLE_RANK; other roles are not the incident's place."""
    if actor_spans is None:
        actor_spans = find_actors(T, 0, len(T))
    roles: list[tuple[str, int | None]] = []
    list_id = 0
    prev_end = None
    prev_role = None
    prev_paired = False
    origin_settlement_end = _rx(rf"{_origin_settlement()}$")
    direction_end = _rx(rf"(?:{_cue_alt_direction()})\s+(?:{_SETTLEMENT}\s+)?[\"']?$")
    near_end = _rx(rf"(?:{_cue_alt_near()})\s+(?:{_SETTLEMENT}\s+)?[\"']?$")
    for i, m in enumerate(mentions):
        b0 = max(0, m.start - 60)
        before = T[b0:m.start]
        role = "head"
        if m.foreign or m.place is None or _FOREIGN_ADJ_AFTER.match(T, m.end) or _FOREIGN_UNIT_AFTER.match(T, m.end):
            role = "foreign"  # "بلدة القصير اللبنانية": a homonym across the border
        elif cue_re("origin", "end").search(T, b0, m.start) or origin_settlement_end.search(T, b0, m.start):
            role = "origin"
        elif _ITEM_LABEL_AFTER.match(T, m.end) and not T[T.rfind("\n", 0, m.start) + 1:m.start].strip():
            role = "admin"  # "درعا: عثر أهالي بلدة داعل على جثة ...": a round-up's item label frames the item
        elif _OUTLET_NUMBER_AFTER.match(T, m.end):
            role = "outlet"  # "مراسل دير الزور 24", "السويداء 24": a network named after the place
        elif _COUNTRYSIDE_OF_TOWN.search(T, b0, m.start) or _SIDE_COUNTRYSIDE_OF.search(T, b0, m.start):
            # "في ريف بلدة تل تمر", "في الريف الغربي لحماة": the countryside frames the places named with it
            role = "admin"
        elif _OF_THE_TOWN_AFTER.match(T, m.end):
            role = "part"  # "في الحي الشرقي من المدينة": a part of the town told before, not a homonym elsewhere
        elif _CORRESPONDENT_BEFORE.search(T, b0, m.start):
            role = "reporter"  # "وقال مراسل عنب بلدي في درعا إن ...": where the reporter is, the place only if nothing else is
        elif _CARE_BEFORE.search(T, b0, m.start):
            role = "care"  # "نقل المصابون إلى مشفى مدينة X": where the wounded were treated, not the incident
        elif cue_re("outlet", "end").search(T, b0, m.start) or _outlet_two(before):
            role = "outlet"
        elif cue_re("landmark", "end").search(T, b0, m.start) and m.place.placetype != "neighbourhood":
            role = "landmark"
        elif any(a.start <= m.start < a.end for a in actor_spans):
            role = "actor"
        elif _is_title(before):
            role = "title"
        elif prev_end is not None and _SECOND_OF_PAIR.match(T[prev_end:m.start]) and (
                prev_role in ("between", "road") or prev_role == "foreign" and prev_paired):
            # ("الطريق الدولي بين بيروت ودمشق": the end of a road abroad names no incident at the other end)
            role = "second"
        elif _ROUTE_BEFORE.search(before):
            role = "route"  # "عبروا عبر معبر X", "يعبرون سيراً إلى X", "قرب الحدود مع منطقة X": passed or bordered, not hit
        elif _ROAD_BEFORE.search(T, b0, m.start):
            role = "road"
        elif _BETWEEN_BEFORE.search(T, b0, m.start):
            role = "between"
        elif direction_end.search(T, b0, m.start):
            role = "ref"
        elif _REGION_BEFORE.search(T, b0, m.start):
            role = "admin"  # "منطقة حوض اليرموك", "سهل الغاب": a natural region named after a place frames it
        elif m.cue in _AREA_CUES and m.place.placetype in ("locality", "neighbourhood"):
            role = "near"  # "في منطقة X", "في مناطق X وY": the area of a town, not an administrative frame
        elif m.cue in _ADMIN_CUES or m.place.placetype in ("governorate", "district", "subdistrict"):
            role = "admin"
        elif near_end.search(T, b0, m.start) or m.cue in _NEAR_CUES:
            role = "near"
        # lists: "بلدات X، Y، وZ" — consecutive places joined by commas or و share a list id
        if prev_end is not None and (_LIST_GAP.match(T[prev_end:m.start]) or _LIST_GAP_THROUGH_UNKNOWN.match(
                T[prev_end:m.start])) and role in ("head", "near", "admin") \
                and prev_role in ("head", "near", "admin") and role == prev_role:
            lid = roles[-1][1]
        else:
            list_id += 1
            lid = list_id
        roles.append((role, lid))
        prev_end, prev_role = m.end, role
        prev_paired = bool(_BETWEEN_BEFORE.search(before) or _ROAD_BEFORE.search(before))
    # "نقلوا إلى مشافي كوباني والطبقة": every town of a list of hospitals is where the wounded went
    for i in range(1, len(mentions)):
        if roles[i - 1][0] == "care" and roles[i][0] in ("head", "near") \
                and _LIST_GAP.match(T[mentions[i - 1].end:mentions[i].start]):
            roles[i] = ("care", roles[i - 1][1])
    # "بلدة حوش السيد علي في الهرمل", "بلدة X بالبقاع": a town placed in a unit abroad is abroad (a homonym or a
    # border village named from the other side)
    for i in range(len(mentions) - 1):
        if roles[i][0] in ("head", "near") and roles[i + 1][0] == "foreign" and mentions[i + 1].place is None \
                and _IN_UNIT_GAP.fullmatch(T, mentions[i].end, mentions[i + 1].start):
            roles[i] = ("foreign", roles[i][1])
    # "بلدتي القصر وحوش السيد علي اللبنانيتين": an adjective after a list makes every member foreign
    for i, m in enumerate(mentions):
        if roles[i][0] != "foreign" or not _FOREIGN_ADJ_AFTER.match(T, m.end):
            continue
        for j in range(i - 1, -1, -1):
            if roles[j][0] not in ("head", "near", "admin") or not _LIST_GAP.match(T[mentions[j].end:mentions[j + 1].start]):
                break
            roles[j] = ("foreign", roles[j][1])
    return roles


# a hospital the wounded or dead were taken to, or where they died: "نقل إلى مشفى في مدينة X", "توفي في
# المشفى الوطني بـX". A hospital hit by the incident has no transfer or death verb before it.
_CARE_BEFORE = re.compile(
    rf"(?<![{AR}])[وف]?(?:نقل|نقلوا|نقلا|نقلتا|اسعفا|نقله|نقلها|نقلهم|نقلهما|اسعف|اسعفت|اسعفوا|اسعافه|اسعافها|اسعافهم|اسعافهما|"
    rf"توفي|توفيت|فارق|فارقت|لتلقي|يتلقي|يتلقون|يرقد|ترقد|يعالج|تعالج|علاجه|علاجهم)(?![{AR}])[^.]{{0,50}}?"
    rf"(?<![{AR}])(?:ال)?(?:مشفي|مستشفي|مشافي|مستشفيات|مستوصف|مستوصفات)(?:\s+[{AR}]+)?\s+(?:(?:في|ب)\s*)?"
    rf"(?:{_SETTLEMENT}\s+)?[\"']?$"
)


_ITEM_LABEL_AFTER = re.compile(r"\s*:")
_IN_UNIT_GAP = re.compile(rf"(?:\s+[{AR}]+)?\s*[,،]?\s*(?:(?:الواقعه|الواقع|التابعه|التابع)\s+)?(?:في\s+|ب)"
                          rf"(?:(?:ال)?(?:منطقه|قضاء|محافظه|ولايه|اقليم)\s+)?")
_ROUTE_BEFORE = re.compile(
    rf"(?:(?<![{AR}])عبر\s+(?:ال)?(?:معبر|منفذ)?\s*"
    rf"|(?<![{AR}])[وف]?(?:يعبرون|عبروا|يعبر|تعبر|نزحوا|ينزحون|فروا|يفرون|لجؤوا|لجاوا|العابرين|النازحين|النازحون|الفارين)"
    rf"(?:\s+[{AR}]+){{0,2}}\s+(?:الي|نحو|باتجاه)\s+(?:{_SETTLEMENT}\s+|معبر\s+)?"
    rf"|(?<![{AR}])(?:ال)?حدود\s+مع\s+(?:{_SETTLEMENT}\s+)?)[\"']?$")
_OUTLET_NUMBER_AFTER = re.compile(r"\s*[\"']?\s*\d+(?![\d/.-])")
_COUNTRYSIDE_OF_TOWN = re.compile(rf"(?<![{AR}])[وب]?(?:ريف|ارياف)\s+(?:مدينه|بلده|قريه|ناحيه)\s+[\"']?$")
# "في الريف الغربي لإدلب", "بالريف الشمالي الشرقي لمدينة حلب": the countryside on one side of a town or governorate
_SIDE_COUNTRYSIDE_OF = re.compile(rf"(?<![{AR}])[وب]?(?:ال)?(?:ريف|باديه)\s+(?:ال)?(?:شمالي|جنوبي|شرقي|غربي)"
                                  rf"(?:\s+(?:ال)?(?:شرقي|غربي))?\s+ل(?:(?:ال)?(?:مدينه|بلده|محافظه)\s+)?[\"']?$")
_OF_THE_TOWN_AFTER = re.compile(rf"\s+(?:من|في)\s+(?:ال)?(?:مدينه|بلده|قريه|مخيم)(?![{AR}])|\s+ب(?:ال)?(?:مدينه|بلده|قريه|مخيم)(?![{AR}])")
_CORRESPONDENT_BEFORE = re.compile(rf"(?<![{AR}])[ولب]?(?:مراسل|مراسله|مراسلو|مراسلي|مراسلنا|مراسلها|مراسلة)(?:\s+[{AR}0-9+]+){{0,3}}?"
                                   rf"\s+(?:في|ب)\s*(?:مدينه\s+|محافظه\s+)?[\"']?$")
_REGION_BEFORE = re.compile(rf"(?<![{AR}])[وب]?(?:حوض|سهل|منطقه\s+حوض)\s+[\"']?$")


_RESIDENTS_OF_THE_TOWN = re.compile(rf"(?<![{AR}])(?:[وم]ن\s+)?(?:ابناء|اهالي|سكان|اهل)\s+(?:البلده|المدينه|القريه|الحي|المخيم)(?![{AR}])")
_BULLET = re.compile(r"[ \t]*(?:[-–•*▪●]|\d{1,2}[).-])\s")


def _bulleted(T: str, pos: int) -> bool:
    """The sentence at pos is on a line that starts with a bullet or an item number."""
    return bool(_BULLET.match(T, T.rfind("\n", 0, pos) + 1))


_ALT_REPORT = re.compile(rf"\s*[,،]?\s*(?:في حين|فيما|بينما|وفيما|وبينما)\s+(?:[{AR}]+\s+){{0,1}}?"
                         rf"(?:تحدثت|تحدث|قالت|قال|افادت|افاد|ذكرت|ذكر|اشارت|اشار|اكدت|اكد|رجحت|قدرت|نقلت)(?![{AR}])")
# "بلدة القصر في قضاء الهرمل", "قضاء قرقميش بولاية غازي عنتاب": Lebanese, Iraqi and Turkish units, not Syrian ones
_FOREIGN_UNIT_AFTER = re.compile(rf"\s*[,،]?\s*(?:في|ب)\s*(?:ال)?(?:قضاء|ولايه)(?![{AR}])")
_FOREIGN_ADJ_AFTER = re.compile(rf"\s*[\"']?\s*(?:[{AR}]+\s+)?[\"']?\s*ال(?:لبنانيه|لبناني|لبنانيتين|لبنانيتان|لبنانيين|عراقيه|عراقي|عراقيتين|"
                                rf"عراقيين|تركيه|تركيتين|اردنيه|اردني|اردنيتين|فلسطينيه)(?![{AR}])")
_YEAR_ONLY = re.compile(r"(?<![\u0621-\u064a])(?:عام|العام|سنه|خلال|في)\s+((?:19|20)\d\d)(?!\d)")


def _past_year_only(T: str, clause: tuple[int, int], ref) -> bool:
    return any(int(m.group(1)) < ref.year for m in _YEAR_ONLY.finditer(T, *clause))


_WHERE = re.compile(r"\s*[,،]?\s*[و]?حيث\s")
_NEIGHBOURHOOD_CUES = {"حي", "حيي"}
_FACILITY_CUES = {"مطار", "مرفا", "ميناء"}  # "مطار دمشق الدولي": a target at the city, not its governorate
_NEIGHBOURHOODS_BEFORE = re.compile(rf"(?<![{AR}])[وب]?(?:حي|حيي)\s+[^.،,]{{0,40}}?(?:في|ب|وسط)\s*(?:مدينه\s+)?$")


def _names_the_city(T: str, m) -> bool:
    """A capital named through its neighbourhoods ("حي X وسط مدينة حلب", "حيي X وY في مدينة حمص") is the city,
    not the governorate a bare capital in a lead may stand for."""
    return getattr(m, "cue", None) in _NEIGHBOURHOOD_CUES | _FACILITY_CUES or bool(_NEIGHBOURHOODS_BEFORE.search(T, max(0, m.start - 70), m.start))


_PREPS = {"في", "ب", "قرب", "علي", "من", "الي", "عند", "داخل", "بين"}
_INSTITUTION_OF = re.compile(rf"(?<![{AR}])و?ال([{AR}]+)\s+ال[{AR}]+\s+ل(?:{_SETTLEMENT}\s+)?$")
_TOWN_NOUNS = {"مدينه", "بلده", "قريه", "ناحيه", "مخيم"}


def _outlet_two(before: str) -> bool:
    """An outlet or council name with one word between it and the place ("اتحاد شباب الحسكة")."""
    from etl_project.text.events import _cue_alt
    m = _INSTITUTION_OF.search(before)
    if m:
        # "المجلس العسكري لتل تمر", "المجلس المحلي لبلدة X": an institution of the place, with its adjective
        return m.group(1) in _cue_words("outlet")
    toks = re.findall(rf"[{AR}0-9]+", before)[-2:]
    if len(toks) < 2 or toks[1] in _PREPS:
        return False
    if toks[0].lstrip("وب") in ("مركز", "المركز") and toks[1] in _TOWN_NOUNS:
        return False  # "مركز مدينة X": the centre of the town, not an institution named after it
    outlets = _cue_words("outlet")
    t = toks[0][1:] if toks[0][:1] in "وبل" and toks[0][1:] in outlets else toks[0]
    return t in outlets and not before.rstrip().endswith((",", "."))


def _cue_alt_direction() -> str:
    from etl_project.text.events import _cue_alt
    return _cue_alt("direction")


def _cue_alt_near() -> str:
    from etl_project.text.events import _cue_alt
    return _cue_alt("near")


def _origin_settlement() -> str:
    from etl_project.text.events import _cue_alt
    return rf"(?:{_cue_alt('origin')})\s+{_SETTLEMENT}\s+[\"']?"


_TITLE_RE = None


@lru_cache(maxsize=None)
def _cue_words(*classes: str) -> frozenset:
    """The words of cue classes, as sets (built once, not per place mention)."""
    from etl_project.text.events import _cue_alt
    return frozenset(w for cls in classes for w in _cue_alt(cls).strip("(?:)").split("|"))


@lru_cache(maxsize=None)
def _rx(pattern: str):
    """A pattern built from lexicon parts, compiled once, searched with the cue prefilter."""
    from etl_project.text.prefilter import prefiltered
    return prefiltered(re.compile(pattern))


def _is_title(before: str) -> bool:
    """A person's title before the place through a chain of institution nouns ("قائد مخفر شرطة X")."""
    from etl_project.text.events import _cue_alt
    toks = re.findall(rf"[{AR}]+", before)[-4:]
    construct = _cue_words("construct")
    titles = _cue_words("person_title")
    either = _cue_words("construct", "person_title")
    for tok in reversed(toks):
        t = tok[1:] if tok[:1] in "وبل" and tok[1:] in either else tok
        t = t[2:] if t.startswith("ال") else t
        if t in titles:
            return True
        if t in construct:
            continue
        return False
    return False


_DESTINATION_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?<!اضافه )(?:الي|نحو|باتجاه|صوب|تجاه)(?![\u0621-\u064a])[^,،.]{0,30}$")
_AND_AGAIN = re.compile(r"[,،]\s*و")
# "استهدفت مواقع في منطقة X، وفي محيط بلدة Y", "استهدف مطار X وبعض النقاط في محيط بلدة Y": a second target
# told with its own preposition after "و" in the same clause (the gap ends right before the town)
_NEAR_WORDS = r"(?:محيط|اطراف|مشارف|قرب|مقربه من|بالقرب من|مدخل|داخل|وسط)"
_AND_IN_AGAIN = re.compile(
    rf"(?:(?:[,،]\s*|\s)و\s*(?:(?:بعض\s+|عده\s+)?(?:ال)?(?:نقاط|مواقع|مقرات|مراكز|اهداف|منشات|مستودعات|اخري|اخر)"
    rf"(?:\s+(?:ال)?(?:عسكريه|اخري))?\s+)?"
    # "قصفت قري في محيط X، وأخرى قرب Y", "طال القصف X، إضافة إلى بلدة Y", "... فضلاً عن أطراف مدينة Y"
    rf"|(?:[,،]\s*|\s)(?:و|ب)?(?:الاضافه|اضافه)\s+(?:الي|ل)\s*|(?:[,،]\s*|\s)(?:فضلا\s+عن|علاوه\s+علي)\s+)"
    rf"(?:(?:في|ب|علي)\s*(?:{_NEAR_WORDS}\s+)?|{_NEAR_WORDS}\s+)?(?<=\s|ب|ي)(?:{_PAIR_NOUN}\s+)?[\"']?\s*$"
    # "طال القصف بلدة X وأسفر عن مقتل امرأة، وبلدة Y", "محيط بلدة X وقرية Y": a town coordinated after "و",
    # with its own settlement noun
    rf"|(?:[,،]\s*|\s)و(?:{_PAIR_NOUN})\s+[\"']?\s*$")


def _retargeted(T: str, cl_places, chosen, roles, mentions, trigs) -> list[tuple[int, int | None]]:
    """Towns of a clause outside the chosen list that a trigger of their own introduces after ", و" and the
    town before them ("غارتين على قرية X، وغارة على بلدة Y"); each is a target too (one event per place)."""
    towns = [i for i in sorted(cl_places, key=lambda k: mentions[k].start)
             if roles[i][0] in ("head", "near") and mentions[i].place is not None
             and mentions[i].place.placetype in ("locality", "neighbourhood")]
    taken = {i for i, _ in chosen}
    out = []
    for a, b in zip(towns, towns[1:]):
        gap_start, gap_end = mentions[a].end, mentions[b].start
        told = {t.rule.event_type for t in trigs if t.start < mentions[a].start}
        if (a in taken or b in taken) and _AND_IN_AGAIN.search(T[max(gap_start, gap_end - 80):gap_end]) \
                and not any(mentions[b].end <= t.start < _comma_after(T, mentions[b].end) and t.rule.event_type not in told
                            for t in trigs):
            # (a trigger of another type after the second town tells an incident of its own there: "وفي مدينة Y
            # اعتقلت ...")
            for i in (a, b):
                if i not in taken and not _DESTINATION_BEFORE.search(T, max(0, mentions[i].start - 40), mentions[i].start):
                    out.append((i, None))
                    taken.add(i)
            continue
        # the second town named right after its own trigger, with its settlement word ("وغارة على بلدة Y")
        if not (_AND_AGAIN.search(T, gap_start, gap_end) and mentions[b].cue is not None
                and any(gap_start <= t.start < gap_end and t.rule.typing != "anaphor" and gap_end - t.end <= 25
                        for t in trigs)):
            continue
        for i in (a, b):
            if i not in taken and not _DESTINATION_BEFORE.search(T, max(0, mentions[i].start - 40), mentions[i].start):
                out.append((i, None))
                taken.add(i)
    return out


def _listed_targets(T: str, cl_places, chosen, roles, mentions, trig_pos: int) -> list[tuple[int, int | None]]:
    """Shelling, strikes and takeovers hit every town the clause names after the trigger as a target:
    "استهدف القصف بلدة X، وقرى: Y، وZ، إضافة إلى بلدة W" is one event at each (one event per place)."""
    taken = {i for i, _ in chosen}
    out = []
    for i in sorted(cl_places, key=lambda k: mentions[k].start):
        m = mentions[i]
        if i in taken or m.start < trig_pos or roles[i][0] != "head" or m.place is None \
                or m.place.placetype not in ("locality", "neighbourhood") or _is_capital(m.place) \
                or _DESTINATION_BEFORE.search(T, max(0, m.start - 40), m.start):
            continue
        out.append((i, roles[i][1]))
        taken.add(i)
    return out


# "سقوط برميلين على خيمة عزاء", "استهدف موكب تشييع": a mourning or a funeral that is hit is the target
_HIT_BEFORE = re.compile(rf"(?<![{AR}])(?:علي|في|داخل|استهدف|استهدفت|استهدفوا|طال|طالت)\s+(?:[{AR}]+\s+)?$")


def _follows_up(T: str, cs: int, ce: int) -> bool:
    """The clause tells what followed an incident already told (a funeral, mourning, outrage)."""
    return any(not _HIT_BEFORE.search(T, max(cs, m.start() - 25), m.start())
               for m in cue_re("followup").finditer(T, cs, ce))


_ADDITION_BEFORE = re.compile(rf"(?<![{AR}])(?:اضافه|بالاضافه|فضلا)\s+(?:الي|عن)\s+(?:[{AR}]+\s+)?$")
_FRAME_GAP = re.compile(r"\s*[,،]?\s*(?:في\s+|ب)?(?:ريف|محافظه|منطقه|ناحيه)?\s*$")


def _framed_origin(T: str, chosen, roles, mentions) -> list[tuple[int, int | None]]:
    """("اقتادت رعاة من أبناء قرية X في ريف Y") When the clause names only a frame, and the frame is that of
    the victims' village, the village is the better place (ACLED codes the nearest named place)."""
    if not chosen or any(roles[i][0] != "admin" for i, _ in chosen):
        return []
    for j, _ in chosen:
        i = j - 1
        if i >= 0 and roles[i][0] == "origin" and mentions[i].place is not None and mentions[i].place.placetype == "locality" \
                and _FRAME_GAP.match(T[mentions[i].end:mentions[j].start]):
            return [(i, None)]
    return []


_CAUSE_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:جراء|بفعل|نتيجه|بسبب)\s+(?:ال)?$")


def _passing_cause(T: str, t, cs: int, ce: int, sent_dates, prev_types) -> bool:
    return bool(t.definite and _CAUSE_BEFORE.search(T, max(cs, t.start - 12), t.start)
                and not any(cs <= d.start < ce for d in sent_dates)
                and not any(pt == t.rule.event_type for pt, _ in prev_types))


_AFTER_THAT = re.compile(r"\s*[وف]?(?:علي\s+)?(?:اثر|عقب|بعد|في\s+اعقاب)\s+ذلك(?![\u0621-\u064a])")


def _date_of_that(T: str, cs: int, dates) -> DateMention | None:
    """"وعلى إثر ذلك، قطع الأهالي الطريق": what followed is dated by the day last told before it (even
    in a sentence that told no incident: "وتواصل الخاطفون مع ذويه صباح اليوم")."""
    if not _AFTER_THAT.match(T, cs):
        return None
    before = [d for d in dates if d.end <= cs and not d.future and d.precision == 1 and not d.anaphoric]
    return before[-1] if before else None


def _abroad(T: str, cs: int, ce: int, sent_places, mentions, roles) -> bool:
    """The clause says its incident was across the border and names no Syrian town as the place hit."""
    return bool(cue_re("abroad").search(T, cs, ce)) and not any(
        cs <= mentions[i].start < ce and roles[i][0] in ("head", "near") for i in sent_places)


_CLAUSE_PUNCT = re.compile(r"[,،.\n]")


def _comma_after(T: str, pos: int) -> int:
    m = _CLAUSE_PUNCT.search(T, pos)
    return m.start() if m else len(T)


def _choose_places(idxs: list[int], roles, mentions=None) -> list[tuple[int, int | None]]:
    """The incident's place(s) among a clause's mentions: the best role; all members of its list."""
    usable = [i for i in idxs if roles[i][0] in ROLE_RANK]
    if mentions is not None and len(usable) > 1:
        # "وفي السويداء، استهدفت مسيرات رتلاً ... قرب بلدة الصورة الكبرى": the bare governorate or capital
        # that frames the clause gives way to a town named with its settlement word
        precise = [i for i in usable if mentions[i].cue is not None and roles[i][0] in ("head", "near")
                   and mentions[i].place.placetype in ("locality", "neighbourhood") and not _is_capital(mentions[i].place)]
        framing = [i for i in usable if mentions[i].cue is None and roles[i][0] == "head"
                   and (mentions[i].place.placetype in ("governorate", "district") or _is_capital(mentions[i].place))]
        if precise and framing and framing[0] == usable[0]:
            usable = [i for i in usable if i not in framing]
    if not usable:
        return []
    best_rank = min(ROLE_RANK[roles[i][0]] for i in usable)
    first = next(i for i in usable if ROLE_RANK[roles[i][0]] == best_rank)
    lid = roles[first][1]
    chosen = [i for i in usable if roles[i][1] == lid and ROLE_RANK[roles[i][0]] == best_rank]
    # one event per place: the same gazetteer place named twice in a clause counts once
    seen, out = set(), []
    for i in chosen:
        out.append((i, lid if len(chosen) > 1 else None))
    return out


def _report_date(T: str, d: DateMention, start: int) -> bool:
    """The date is the day a report was made: right after a reporting verb, with no incident word between."""
    seg = T[max(start, d.start - 45):d.start]
    return bool(cue_re("report").search(seg)) and not _INCIDENT_WORD.search(seg)


_INCIDENT_WORD = re.compile(r"(?:قتل|مقتل|انفجار|انفجر|استهداف|استهدف|اعتقال|اعتقل|هجوم|هاجم|قصف|اختطاف|اختطف|خطف|اغتال|داهم|اشتبك)")
_CONCESSIVE = re.compile(r"(?<![\u0621-\u064a])(?:رغم|برغم|بالرغم من|علي الرغم من)\s+[\u0621-\u064a]+")
_RELATIVE_CLAUSE = re.compile(r"(?<![\u0621-\u064a])(?:الذي|التي|الذين|اللذين|اللتين)\s+(?:كان\s+|كانت\s+)?[\u0621-\u064a]+")


def _pick_date(T: str, ds: list[DateMention], trig_pos: int, start: int) -> DateMention | None:
    if not ds:
        return None
    plain = [d for d in ds if not _report_date(T, d, start)] or ds
    # "رفع المعتصمون لافتات تطالب بتطبيق قرار الذي أصدرته الحكومة في أيار": a date inside a relative clause
    # after the trigger dates the noun it describes, not the incident
    # "تجددت الاشتباكات رغم إعلان وقف إطلاق النار صباح أمس": a date after "despite" dates what is conceded
    plain = [d for d in plain if not (d.start > trig_pos and _CONCESSIVE.search(T, trig_pos, d.start))]
    if not plain:
        return None
    own = [d for d in plain if not (d.start > trig_pos and _RELATIVE_CLAUSE.search(T, trig_pos, d.start))]
    plain = own or plain
    return min(plain, key=lambda d: (abs(d.start - trig_pos), d.start))


def _neighbour(c: Candidate, placed: list[Candidate], sent_index) -> Candidate | None:
    """A placed candidate that a placeless one describes: same type (or the placeless one is only deaths),
    compatible date, within one sentence before or after (two for the lead)."""
    si = sent_index[id(c.sentence)]
    best = None
    for p in placed:
        d = sent_index[id(p.sentence)] - si
        if d < -2 or d > 1 or (d > 0 and c.fallback):  # "في المدينة" points back, not ahead
            continue
        if not (p.event_type == c.event_type or c.weak or {p.event_type, c.event_type} <= _CROWD_TYPES):
            continue
        if not _dates_compatible(p, c):
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


def _fallback_place(T, c, sentences, mentions, roles, sent_index) -> int | None:
    """The last place named before the candidate in its sentence or the one before, else the headline's
    or the dateline's place."""
    si = sent_index[id(c.sentence)]
    lo = sentences[max(0, si - 1)].start
    # an anaphoric "the town" whose own clause names places passed over (a road's ends) points before it
    hi = c.clause[0] if c.fallback else c.clause[1]
    cands = [i for i, m in enumerate(mentions) if lo <= m.start < hi and roles[i][0] in ROLE_RANK
             and sentences[_sentence_of(sentences, m.start)].kind not in NOT_NEWS]
    # a sentence with foreign places only (Lebanon, Iraq) does not borrow a Syrian one
    if any(mentions[i].foreign or roles[i][0] == "foreign" for i, m in enumerate(mentions)
           if c.clause[0] <= m.start < c.clause[1]):
        return None
    if cands:
        best = min(ROLE_RANK[roles[i][0]] for i in cands)
        return [i for i in cands if ROLE_RANK[roles[i][0]] == best][-1]
    if c.fallback:
        # "في أحياء البلدة": the last town named before, in any earlier body sentence
        towns = [i for i, m in enumerate(mentions) if m.start < c.clause[1] and roles[i][0] in ("head", "near", "origin")
                 and m.place.placetype in ("locality", "neighbourhood")
                 and sentences[_sentence_of(sentences, m.start)].kind == "body"]
        return towns[-1] if towns else None
    for kind in ("headline", "dateline"):
        for s in sentences:
            if s.kind != kind:
                continue
            ids = [i for i, m in enumerate(mentions) if s.start <= m.start < s.end and roles[i][0] in ROLE_RANK]
            if ids:
                return ids[0]
    return None


_DAY_PART_WORD = re.compile(rf"(?<![{AR}])[وف]?(?:في|من|يوم|صباح|مساء|ظهر|ظهيره|فجر|عصر|ليل|ليله|منتصف)(?![{AR}])")
_RELATIVE_DAY = re.compile(rf"(?<![{AR}])(?:اول\s+من\s+امس|اول\s+امس|قبل\s+امس|اليوم|امس|البارحه)(?![{AR}])")


def _date_key(words: str) -> str:
    """The words of a date that cannot be resolved, reduced to what tells two such dates apart:
    "صباح اليوم" and "اليوم الإثنين" are the same unknown day."""
    rel = _RELATIVE_DAY.search(words)
    if rel:
        return re.sub(r"\s+", " ", rel.group())
    return re.sub(r"\s+", " ", _DAY_PART_WORD.sub(" ", words)).strip()


def _own_person_place(c: Candidate, mentions, roles) -> int | None:
    """No place of the incident anywhere near: the victim's town ("اختطف تاجر من أهالي مدينة X", "مقتل مختار
    بلدة X") is the nearest known place."""
    if c.fallback:
        return None
    own = [i for i, m in enumerate(mentions) if c.clause[0] <= m.start < c.clause[1] and roles[i][0] in ("origin", "title")
           and m.place is not None and m.place.placetype in ("locality", "neighbourhood")]
    return own[0] if own else None


def _sentence_of(sentences, pos: int) -> int:
    return next((i for i, s in enumerate(sentences) if s.start <= pos < s.end), 0)


def _same_place(a: Candidate, b: Candidate) -> bool:
    pa, pb = a.place.place, b.place.place
    if pa is None or pb is None:
        return False
    return pa.gazetteer_id == pb.gazetteer_id


def _dates_compatible(a: Candidate, b: Candidate) -> bool:
    if a.date is None and b.date is None and a.date_known_missing and b.date_known_missing:
        return a.date_key == b.date_key
    if a.date == b.date:
        return True
    if not a.date_explicit or not b.date_explicit:
        return True
    return False


def _level(c: Candidate) -> int:
    """How precise a candidate's place is: 0 governorate, 1 governorate capital or an admin frame
    (a capital named in a lead often stands for its governorate), 2 district or subdistrict, 3 a town."""
    p = c.place.place
    if p.placetype == "governorate":
        return 0
    if c.role in ("fallback",):
        return 1
    if _is_capital(p):
        # "في مدينة حمص", "حي الجميلية": the city itself, not the governorate a bare capital may stand for
        return 3 if c.role in ("head", "near") and c.__dict__.get("city") else 1
    if c.role in ("admin", "ref"):
        # "ريف منبج" frames a district; "منطقة القطيفة" names the town's area
        return 1 if p.placetype in ("district", "subdistrict") and c.place.cue != "منطقه" else 2
    if p.placetype in ("district", "subdistrict"):
        return 2
    return 3


_UNKNOWN_SETTLEMENT_BEFORE = re.compile(
    rf"(?<![{AR}])(?:بلده|قريه|مدينه|حي|مخيم|مزرعه|بلدتي|قريتي)\s+[\"'“]?(?:[{AR}]+\s+){{1,3}}?[\"'”]?\s*[,،]?\s*"
    rf"(?:(?:في|ب)\s*)?(?:ال)?(?:ريف|باديه|محافظه)?\s*(?:ال)?(?:شرقي|غربي|شمالي|جنوبي|شرق|غرب|شمال|جنوب)?\s*"
    rf"(?:(?:في|ب)\s*)?(?:ال)?(?:ريف|محافظه)?\s*[\"']?$")


def _frames_unknown_settlement(T: str, m, clause_start: int) -> bool:
    """A governorate or district frame right after a settlement noun and a name the gazetteer does not hold
    ("بلدة أبريهة بريف دير الزور الشرقي", "قرية الشعاب في ريف السويداء")."""
    if m.place is None or m.place.placetype not in ("governorate", "district", "subdistrict"):
        return False
    return bool(_UNKNOWN_SETTLEMENT_BEFORE.search(T, max(clause_start, m.start - 60), m.start))


def _lead_date(sentences, dates, ref) -> date | None:
    """The day the lead (the first prose sentence) names, when it names one that is not in the future."""
    lead = next((s for s in sentences if s.kind == "body"), None)
    if lead is None:
        return None
    for d in dates:
        if lead.start <= d.start < lead.end and d.value is not None and d.precision == 1 and not d.future \
                and not d.anaphoric and (ref is None or 0 <= (ref - d.value).days <= 7):
            return d.value
    return None


def _vague(c: Candidate) -> bool:
    return _level(c) < 3


@lru_cache(maxsize=None)
def _capitals() -> frozenset:
    from etl_project.text.events import _cue_alt
    return frozenset(c.removeprefix("ال") for c in _cue_alt("capital").strip("(?:)").split("|"))


@lru_cache(maxsize=4096)
def _capital_name(name_ar: str) -> bool:
    return normalize_text(name_ar).removeprefix("ال") in _capitals()


def _is_capital(p) -> bool:
    return p.placetype == "locality" and _capital_name(p.name_ar)


def _near_each_other(a: Candidate, b: Candidate) -> bool:
    pa, pb = a.place.place, b.place.place
    if pa.admin1_pcode and pa.admin1_pcode == pb.admin1_pcode:
        return True
    dx = (pa.longitude - pb.longitude) * 0.82
    dy = pa.latitude - pb.latitude
    return 111.2 * (dx * dx + dy * dy) ** 0.5 <= 60


def _absorb(into: Candidate, c: Candidate) -> None:
    """Merge candidate c (and its members) into `into`."""
    into.members.append(c)
    into.members.extend(c.members)
    c.members = []
    if c.priority > into.priority and c.event_type == into.event_type:
        into.sub_event_type = c.sub_event_type
        into.priority = c.priority
    if into.weak and not c.weak and c.event_type != into.event_type:
        into.event_type, into.sub_event_type, into.priority, into.weak = c.event_type, c.sub_event_type, c.priority, False
    if c.date_explicit and not into.date_explicit:
        into.date, into.date_precision, into.date_text_span, into.date_explicit = c.date, c.date_precision, c.date_text_span, True
    if c.place is not None and into.place is not None and ROLE_RANK.get(c.role, 9) < ROLE_RANK.get(into.role, 9) \
            and not _vague(c):
        into.place, into.role = c.place, c.role
        into.__dict__["city"] = c.__dict__.get("city", False)
    if not c.background:
        into.background = into.background and not (c.date_explicit and c.date == into.date)
    if c.__dict__.get("city") and c.place is not None and into.place is not None and c.place.place is into.place.place:
        into.__dict__["city"] = True  # the same capital, named as the city in one of the sentences
    into.actor1 = into.actor1 or c.actor1
    into.actor2 = into.actor2 or c.actor2


def _sum_stated(cas: list, attr: str) -> int | None:
    """The figures stated in the clauses of one sentence: "قتل ثلاثة عناصر، فيما قتل أحد المهاجمين" is four."""
    nums = [getattr(x, attr) for x in cas if getattr(x, attr) is not None]
    return sum(nums) if nums else None


def _conservative(stated: list, vague: list) -> int:
    nums = [x for x in stated if x is not None]
    if nums:
        return min(nums)
    vs = [x for x in vague if x is not None]
    return min(vs) if vs else 0


def _actor_out(a, d: date | None, norm: Normalized):
    if a is None:
        return None, 0, None
    name = a.actor
    if "{era}" in name:
        era = "2024-" if (d and d >= date(2024, 12, 8)) else "2000-2024"
        name = name.replace("{era}", era)
    s, e = norm.span(a.start, a.end)
    return name, a.inter, norm.original[s:e]


# ---------------------------------------------------------------------- files


def extract_jsonl(input_path, output_path, extractor: Extractor, reference_date: date | None = None) -> dict:
    """Read articles (one JSON object per line), write events (one per line, UTF-8), return counts.

    Lines that are not JSON objects with a string `id` and `text` are skipped and counted by reason."""
    stats = {"articles": 0, "events": 0, "articles_with_events": 0, "skipped": 0, "skipped_reasons": {}}
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(input_path, encoding="utf-8", errors="replace") as fin, open(output_path, "w", encoding="utf-8") as fout:
        for lineno, line in enumerate(fin, 1):
            if not line.strip():
                continue
            reason = None
            try:
                art = json.loads(line)
            except json.JSONDecodeError:
                art, reason = None, "invalid json"
            if reason is None and not isinstance(art, dict):
                reason = "not an object"
            elif reason is None and (not isinstance(art.get("id"), (str, int)) or str(art.get("id")) == ""):
                reason = "missing id"
            elif reason is None and not isinstance(art.get("text"), str):
                reason = "missing text"
            if reason:
                stats["skipped"] += 1
                stats["skipped_reasons"][reason] = stats["skipped_reasons"].get(reason, 0) + 1
                continue
            stats["articles"] += 1
            events = extractor.extract(art, reference_date=reference_date)
            if events:
                stats["articles_with_events"] += 1
            for ev in events:
                fout.write(json.dumps(ev, ensure_ascii=False) + "\n")
            stats["events"] += len(events)
    return stats


def extract_file(in_path, out_path, geocoder) -> dict:
    """Convenience: extract_jsonl with a new Extractor over `geocoder`."""
    return extract_jsonl(in_path, out_path, Extractor(geocoder))


def iter_events(articles: Iterable[dict], extractor: Extractor, reference_date: date | None = None):
    for art in articles:
        yield from extractor.extract(art, reference_date=reference_date)
