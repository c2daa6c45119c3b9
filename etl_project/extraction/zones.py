"""Pass `zones`: the article's text normalised once (offsets kept), its sentences (headlines, datelines,
teasers marked), its dates and actor mentions, and the clauses to read: teasers, datelines and questions
are skipped; generic talk ("منذ مطلع العام", "في تصعيد هو الأوسع") is cut off or skipped."""
from __future__ import annotations

import re
from datetime import date, datetime

from etl_project.extraction.model import ArticleContext, Clause
from etl_project.text.dates import find_dates
from etl_project.text.events import clause_is_generic, clause_triggers, casualties, cue_re, find_actors
from etl_project.text.normalize import normalize, normalize_text
from etl_project.text.language import another_language_in_arabic_script
from etl_project.text.segment import NOT_NEWS, segment

Z_NOT_READ = NOT_NEWS  # sentence kinds never read for incidents: teasers, datelines, summaries, captions
Z_OTHER_LANGUAGE = "zone:other_language"  # Persian or Kurdish in the Arabic script: the rules read Arabic only
Z_QUESTION = "zone:question"  # "من قتل اليوم؟" asks, it does not report
Z_EXPLAINS_TALLY = "zone:explains_tally"  # "منذ مطلع الشهر، إذ قتل ثلاثة": the "as" clause counts the tally
Z_GENERIC = "zone:generic"  # habitual or aggregate talk, with no dated incident told before it
Z_GENERIC_CUT = "zone:generic_cut"  # a dated incident told before the context words: what follows is cut

_EXPLAINS = re.compile(r"\s*[,،]?\s*اذ\s")


def parse_date(value) -> date | None:
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


def _generic_cut(T: str, cs: int, ce: int, sent_dates) -> int | None:
    """"شن الطيران اليوم الأربعاء غارات على X، في تصعيد هو الأوسع منذ اندلاع المواجهات": a dated incident
    told before the context words is still an incident; what follows them is context. None: skip it all."""
    gm = cue_re("generic").search(T, cs, ce) or cue_re("aggregate").search(T, cs, ce)
    if gm is None:
        return None
    # ("اعتقلت ... المتورطين بأعمال إرهابية تستهدف أمن المحافظة": what the accused target is habitual talk;
    # the arrest told before it is an incident, dated or not)
    dated = any(cs <= d.start and d.end <= gm.start() and d.precision == 1 for d in sent_dates)
    if not (dated or _PRESENT_TARGETING.fullmatch(gm.group(0))):
        return None
    if not (clause_triggers(T, cs, gm.start()) or casualties(T, cs, gm.start()).deaths):
        return None
    return gm.start()


_PRESENT_TARGETING = re.compile(r"(?:يستهدف|تستهدف|يشن|تشن)")


def _sentence_clauses(T: str, s, dates) -> list[Clause]:
    sent_dates = [d for d in dates if s.start <= d.start < s.end and not d.future]
    out: list[Clause] = []
    previous = None
    prev_generic = False
    for (cs, ce) in s.clauses:
        if prev_generic and _EXPLAINS.match(T, cs) and not any(
                cs <= d.start < ce and d.precision == 1 for d in sent_dates):
            continue  # Z_EXPLAINS_TALLY
        generic = clause_is_generic(T, cs, ce)
        prev_generic = bool(generic)
        cl = Clause(sentence=s, start=cs, end=ce, full_end=ce, previous=previous, sentence_dates=sent_dates)
        previous = cl
        if generic:
            cut = _generic_cut(T, cs, ce, sent_dates)
            if cut is None:
                cl.skipped = Z_GENERIC
            else:
                cl.end = cut
        out.append(cl)
    return out


def run(doc: ArticleContext) -> None:
    article = doc.article
    doc.aid = str(article.get("id"))
    published = parse_date(article.get("published"))
    doc.ref = published or parse_date(doc.reference_date)
    doc.norm = normalize(article.get("text") or "")
    T = doc.T = doc.norm.text
    doc.title = normalize_text(article.get("title") or "")
    doc.sentences = segment(T, doc.title)
    doc.sent_index = {id(s): i for i, s in enumerate(doc.sentences)}
    doc.dates = list(find_dates(T, doc.ref))
    doc.actors = find_actors(T, 0, len(T))
    if another_language_in_arabic_script(T):
        return  # Z_OTHER_LANGUAGE: no clause is read
    for s in doc.sentences:
        if s.kind in Z_NOT_READ:
            continue
        if T[s.start:s.end].rstrip(" \"'»)").endswith("?"):
            continue  # Z_QUESTION
        doc.clauses.extend(_sentence_clauses(T, s, doc.dates))
