"""Pass `places`: the geocoder's place mentions, ordinary words rejected (rules/junk_places.tsv), each given
its role from the words around it (rules/place_roles.tsv), lists of places given one list id; then each
clause learns its usable places."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from etl_project.extraction.model import ArticleContext, PlaceRef
from etl_project.geo.types import PlaceMention
from etl_project.extraction.rules import compile_cell, expand, read_rules
from etl_project.text.lexicon import AR

# rule names of the role decisions made after the table, over neighbouring mentions
R_CARE_LIST = "care_list"  # "نقلوا إلى مشافي كوباني والطبقة": every town of a list of hospitals
R_IN_FOREIGN_UNIT = "in_foreign_unit"  # "بلدة حوش السيد علي في الهرمل": a town placed in a unit abroad
R_FOREIGN_LIST = "foreign_list"  # "بلدتي القصر وحوش السيد علي اللبنانيتين": an adjective after a list

_JUNK_PLACE_WORDS = re.compile(r"^(?:فور|جروح|جراح|عدوان|قريتين|بلدتين|الشرقيه|الغربيه|الشماليه|الجنوبيه|الجمعه|السبت|الاحد)$")
_SECOND_OF_PAIR = re.compile(expand(r"^\s*[\"']?\s*(?:و|-|–)\s*(?:{PAIR_NOUN}\s+)?[\"']?\s*$"))
_LIST_GAP = re.compile(expand(r"^\s*[\"']?\s*(?:,|،)?\s*(?:و)?\s*(?:{SETTLEMENT}\s+)?[\"']?\s*$"))
# a list that goes on through names the gazetteer does not hold: "قرى X، وعين التنور، والجروسيه، وY"
_LIST_ITEM = (r"(?!(?:في|من|علي|الي|عن|مع|قرب|بعد|قبل|حيث|اذ|ما|ان)\s)[{AR}]+"
              r"(?:\s+(?!(?:في|من|علي|الي|عن|مع|قرب)\s)[{AR}]+){0,2}")
_LIST_GAP_THROUGH_UNKNOWN = re.compile(expand(
    r"^(?:\s*[\"']?\s*[,،]\s*(?:و)?\s*(?:{SETTLEMENT}\s+)?[\"']?" + _LIST_ITEM + r"[\"']?\s*(?=[,،]))+"
    r"\s*[\"']?\s*[,،]\s*(?:و)?\s*(?:{SETTLEMENT}\s+)?[\"']?\s*$"))
_IN_UNIT_GAP = re.compile(rf"(?:\s+[{AR}]+)?\s*[,،]?\s*(?:(?:الواقعه|الواقع|التابعه|التابع)\s+)?(?:في\s+|ب)"
                          rf"(?:(?:ال)?(?:منطقه|قضاء|محافظه|ولايه|اقليم)\s+)?")
_PREPS = {"في", "ب", "قرب", "علي", "من", "الي", "عند", "داخل", "بين"}
_INSTITUTION_OF = re.compile(expand(rf"(?<![{AR}])و?ال([{AR}]+)\s+ال[{AR}]+\s+ل(?:{{SETTLEMENT}}\s+)?$"))
_TOWN_NOUNS = {"مدينه", "بلده", "قريه", "ناحيه", "مخيم"}


# ---------------------------------------------------------------------- junk


@lru_cache(maxsize=None)
def _junk_rows() -> tuple:
    rows = tuple((r["name"], re.compile(expand(r["hit"])), compile_cell(r["before"]), compile_cell(r["after"]))
                 for r in read_rules("junk_places.tsv"))
    head = re.compile("|".join(f"(?:{expand(r['hit'])})" for r in read_rules("junk_places.tsv")))
    return rows, head


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is pos inside one of the spans (sorted, not overlapping)? By bisection: a long article has thousands of
    dates and place mentions."""
    k = bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def junk_rule(m, T: str = "", date_spans=()) -> str | None:
    """The name of the rule that rejects a geocoder hit as an ordinary word ("جروح", "عدوان" without a place
    cue; a word of a date expression, "ظهر اليوم"; a common word in a phrase that makes it one, see
    rules/junk_places.tsv), or None."""
    if m.foreign or m.place is None:
        return None
    if date_spans and _inside(date_spans, m.start):
        return "in_date"
    t = m.text[2:] if m.text.startswith("ال") else m.text
    if m.cue is None and bool(_JUNK_PLACE_WORDS.match(t) or _JUNK_PLACE_WORDS.match(m.text)):
        return "ordinary_word"
    rows, head = _junk_rows()
    if not T or not head.match(m.text):
        return None
    before, after = T[max(0, m.start - 60):m.start], T[m.end:m.end + 30]
    for name, word, before_re, after_re in rows:
        if word.match(m.text) and (before_re is None or before_re.search(before)) and \
                (after_re is None or after_re.match(after)):
            return name
    return None


# ---------------------------------------------------------------------- role tests


@lru_cache(maxsize=None)
def _cue_words(*classes: str) -> frozenset:
    """The words of cue classes, as sets (built once, not per place mention)."""
    from etl_project.text.events import _cue_alt
    return frozenset(w for cls in classes for w in _cue_alt(cls).strip("(?:)").split("|"))


def outlet_two(before: str) -> bool:
    """An outlet or council name with one word between it and the place ("اتحاد شباب الحسكة")."""
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


def is_title(before: str) -> bool:
    """A person's title before the place through a chain of institution nouns ("قائد مخفر شرطة X")."""
    toks = re.findall(rf"[{AR}]+", before)[-4:]
    construct = _cue_words("construct")
    titles = _cue_words("person_title")
    either = _cue_words("construct", "person_title")
    for tok in reversed(toks):
        t = tok[1:] if tok[:1] in "وبل" and tok[1:] in either else tok
        t = t[2:] if t.startswith("ال") else t
        if t in titles:
            return True
        if t in construct or t in _TITLE_FILLERS:
            continue  # ("مدير الإعلام في محافظة X", "مسؤولين محليين بمحافظة X": an office of the place)
        return False
    return False


_TITLE_FILLERS = frozenset({"في", "محلي", "محليين", "محليون", "محليه"})


@dataclass
class _Seen:
    """What the role tests know of the article and of the mention before."""
    T: str
    actors: list
    prev_end: int | None = None
    prev_role: str | None = None
    prev_paired: bool = False
    actor_starts: list | None = None

    def in_actor(self, pos: int) -> bool:
        """Is pos inside an actor's name? (Actors are in text order; a name is a few words long, so only
        the last few actors that start before pos can hold it.)"""
        if self.actor_starts is None:
            self.actor_starts = [a.start for a in self.actors]
        k = bisect_right(self.actor_starts, pos)
        return any(a.start <= pos < a.end for a in self.actors[max(0, k - 8):k])


def _line_start(m, before, seen: _Seen) -> bool:
    T = seen.T
    return not T[T.rfind("\n", 0, m.start) + 1:m.start].strip()


def _second_of_pair(m, before, seen: _Seen) -> bool:
    # ("الطريق الدولي بين بيروت ودمشق": the end of a road abroad names no incident at the other end)
    return seen.prev_end is not None and bool(_SECOND_OF_PAIR.match(seen.T[seen.prev_end:m.start])) and (
        seen.prev_role in ("between", "road") or seen.prev_role == "foreign" and seen.prev_paired)


def _no_place_just_before(m, before, seen: _Seen) -> bool:
    # ("محيط بلدة عين عيسى جنوب مدينة تل أبيض": the town told by its direction from another is the place; the
    # other only locates it)
    return seen.prev_end is None or m.start - seen.prev_end > 30 or bool(re.search(r"[.!?\n]", seen.T[seen.prev_end:m.start]))


_TESTS = {
    "unplaced": lambda m, before, seen: m.foreign or m.place is None,
    "line_start": _line_start,
    "outlet_two": lambda m, before, seen: outlet_two(before),
    "in_actor": lambda m, before, seen: seen.in_actor(m.start),
    "title": lambda m, before, seen: is_title(before),
    "second_of_pair": _second_of_pair,
    "no_place_just_before": _no_place_just_before,
}


@dataclass(frozen=True)
class RoleRule:
    name: str
    role: str
    test: object  # a function of _TESTS or None
    before: object  # compiled pattern or None
    window: bool  # search `before` in the window as a string of its own
    after: object
    cues: frozenset | None
    placetypes: frozenset | None
    not_placetype: bool

    def matches(self, m, T: str, b0: int, before: str, seen: _Seen) -> bool:
        if self.cues is not None and m.cue not in self.cues:
            return False
        if self.placetypes is not None and (m.place is None or (m.place.placetype in self.placetypes) == self.not_placetype):
            return False
        if self.after is not None and not self.after.match(T, m.end):
            return False
        if self.before is not None and not (self.before.search(before) if self.window
                                            else self.before.search(T, b0, m.start)):
            return False
        return self.test is None or bool(self.test(m, before, seen))


@lru_cache(maxsize=None)
def role_rules() -> tuple[RoleRule, ...]:
    out = []
    for r in read_rules("place_roles.tsv"):
        pt = r["placetype"]
        out.append(RoleRule(
            name=r["name"], role=r["role"], test=_TESTS[r["test"]] if r["test"] else None,
            before=compile_cell(r["before"]), window=r["scope"] == "window", after=compile_cell(r["after"]),
            cues=frozenset(r["cue"].split("|")) if r["cue"] else None,
            placetypes=frozenset(pt.lstrip("!").split("|")) if pt else None, not_placetype=pt.startswith("!")))
    return tuple(out)


@lru_cache(maxsize=None)
def _row_pattern(name: str, column: str):
    """A cell of a row of rules/place_roles.tsv, compiled plainly (for the checks over neighbouring mentions)."""
    return re.compile(expand(next(r[column] for r in read_rules("place_roles.tsv") if r["name"] == name)))


def place_roles(T: str, mentions, actors) -> list[PlaceRef]:
    """Each mention with its role and list id (see rules/place_roles.tsv and ROLE_RANK)."""
    refs: list[PlaceRef] = []
    seen = _Seen(T, actors)
    list_id = 0
    rules = role_rules()
    between, road = _row_pattern("between", "before"), _row_pattern("road", "before")
    for i, m in enumerate(mentions):
        b0 = max(0, m.start - 60)
        before = T[b0:m.start]
        rule = next(r for r in rules if r.matches(m, T, b0, before, seen))
        role = rule.role
        # lists: "بلدات X، Y، وZ" — consecutive places joined by commas or و share a list id
        gap = T[seen.prev_end:m.start] if seen.prev_end is not None else None
        if gap is not None and (_LIST_GAP.match(gap) or _LIST_GAP_THROUGH_UNKNOWN.match(gap)) \
                and role in ("head", "near", "admin") \
                and seen.prev_role in ("head", "near", "admin") and role == seen.prev_role:
            lid = refs[-1].list_id
        else:
            list_id += 1
            lid = list_id
        refs.append(PlaceRef(i, m, role, lid, rule.name))
        seen.prev_end, seen.prev_role = m.end, role
        seen.prev_paired = bool(between.search(before) or road.search(before))
    _neighbours(T, refs)
    return refs


def _neighbours(T: str, refs: list[PlaceRef]) -> None:
    """Roles that the neighbouring mentions change."""
    for a, b in zip(refs, refs[1:]):
        if a.role == "care" and b.role in ("head", "near") and _LIST_GAP.match(T[a.end:b.start]):
            b.role, b.list_id, b.rule = "care", a.list_id, R_CARE_LIST
    for a, b in zip(refs, refs[1:]):
        if a.role in ("head", "near") and b.role == "foreign" and b.place is None \
                and _IN_UNIT_GAP.fullmatch(T, a.end, b.start):
            a.role, a.rule = "foreign", R_IN_FOREIGN_UNIT
    adjective = _row_pattern("foreign_adjective", "after")
    for k, ref in enumerate(refs):
        if ref.role != "foreign" or not adjective.match(T, ref.end):
            continue
        for j in range(k - 1, -1, -1):
            if refs[j].role not in ("head", "near", "admin") or not _LIST_GAP.match(T[refs[j].end:refs[j + 1].start]):
                break
            refs[j].role, refs[j].rule = "foreign", R_FOREIGN_LIST


# ---------------------------------------------------------------------- the pass


UNKNOWN_LIST_ITEM = "unknown_list_item"  # a village of a list the gazetteer lacks, coded at its frame (see _frame)
P_UNKNOWN_LIST_ITEM = "place:role.unknown_list_item"  # the name events list for it (P_ROLE of the role above)
# a list's name the gazetteer holds written with a long ا it left out ("معرشمرين" for معر شمارين), in the frame's
# governorate (P_ROLE of the rule below)
SPELLED_WITHOUT_ALIF = "spelled_without_alif"
P_SPELLED_WITHOUT_ALIF = "place:role.spelled_without_alif"
_ITEM = re.compile(expand(r"[,،]\s*(?:و)?\s*(?:{SETTLEMENT}\s+)?[\"']?(?P<item>" + _LIST_ITEM + r")[\"']?\s*(?=[,،])"))


def _items(doc: ArticleContext, a: PlaceRef, b: PlaceRef, refs: list[PlaceRef]) -> list[PlaceRef]:
    """"قرى البرهانية، وعين التنور، والجروسيه، وأبو حوري": the names between two members of a list of
    targets that the gazetteer does not hold, each a place of its own coded at the district's seat
    (geo-precision 2), as the labels code a village missing from the gazetteer."""
    gap = doc.T[a.end:b.start]
    if a.role != "head" or a.list_id != b.list_id or a.place is None or not _LIST_GAP_THROUGH_UNKNOWN.match(gap):
        return []
    return _unknown_refs(doc, a, _ITEM.finditer(doc.T, a.end, b.start), refs)


_UNITS = ("governorate", "district", "subdistrict")
R_DIRECTION = "direction"  # the row of rules/place_roles.tsv: "شرقي X" locates a place by X


def _frame(doc: ArticleContext, member: PlaceRef, refs: list[PlaceRef]):
    """Where a village the gazetteer lacks is coded, and at what precision: the seat of the district the
    sentence frames the list with ("قرى ريف القصير"), else the governorate it names ("في ريف إدلب الجنوبي",
    precision 3), else the seat of the district of the list's known member."""
    k = bisect_left([x.start for x in doc.sentences], member.start + 1) - 1
    sentence = doc.sentences[max(k, 0)]
    framing = [r for r in refs if sentence.start <= r.start < sentence.end and r.place is not None
               and r.role in ("admin", "ref")]
    units = [r.place for r in framing if r.place.placetype in _UNITS]
    # ("قرى الشعاب وخازمة وملح ... شرقي السويداء": a governorate's capital named by a direction stands for it)
    units += [r.place for r in framing if r.rule == R_DIRECTION and r.place.feature_code in ("PPLC", "PPLA")]
    district = next((u for u in units if u.placetype in ("district", "subdistrict")), None)
    if district is not None:
        return doc.geocoder.district_seat(district.admin2_pcode) or district, 2
    # ("قرى تل طويل وتل شنان بريف تل تمر شمال الحسكة": the town whose countryside they are)
    town = next((r.place for r in framing if r.role == "admin" and r.place.placetype == "locality"
                 and r.place.feature_code not in ("PPLC", "PPLA")), None)
    if town is not None:
        return town, 2
    if units:
        return units[0], 3
    return doc.geocoder.district_seat(member.place.admin2_pcode) or member.place, 2


def _unknown_refs(doc: ArticleContext, member: PlaceRef, items, refs: list[PlaceRef]) -> list[PlaceRef]:
    """A place of its own for each name matched (group "item"), coded where `_frame` says, in the list of
    the known member."""
    seat, precision = _frame(doc, member, refs)
    out = []
    for m in items:
        s, e = m.span("item")
        known = doc.geocoder.spelled_without_alif(doc.T[s:e], seat.admin1_pcode)
        if known is not None:
            mention = PlaceMention(s, e, doc.T[s:e], known, 1, confidence=0.7)
            out.append(PlaceRef(0, mention, "head", member.list_id, SPELLED_WITHOUT_ALIF))
            continue
        mention = PlaceMention(s, e, doc.T[s:e], seat, precision, confidence=0.6, role=UNKNOWN_LIST_ITEM)
        out.append(PlaceRef(0, mention, "head", member.list_id, UNKNOWN_LIST_ITEM))
    return out


# (each joined by "و", as the last names of an Arabic list are: ", بمحافظة إدلب." is a frame, not a name)
_TAIL_ITEM = re.compile(expand(r"[,،]\s*و\s*(?:{SETTLEMENT}\s+)?[\"']?(?P<item>" + _LIST_ITEM + r")[\"']?\s*(?=[,،.!]|$)"))
# the list's last names, after its last known member, up to the end of the sentence: "...، وأبو حوري، والنهرية، والبوح."
_TAIL = re.compile(expand(r"(?:\s*[,،]\s*و\s*(?:{SETTLEMENT}\s+)?[\"']?" + _LIST_ITEM + r"[\"']?)+\s*(?:[.!]|$)"))


def _tail_items(doc: ArticleContext, last: PlaceRef, members: int, refs: list[PlaceRef]) -> list[PlaceRef]:
    """Names the gazetteer lacks that end a list of targets of two members or more, up to a full stop."""
    if last.role != "head" or last.place is None or members < 2:
        return []
    end = doc.T.find("\n", last.end)
    tail = _TAIL.match(doc.T, last.end, len(doc.T) if end < 0 else end)
    if tail is None:
        return []
    return _unknown_refs(doc, last, _TAIL_ITEM.finditer(doc.T, last.end, tail.end()), refs)


# names joined by و after a plural settlement word, before a member the gazetteer holds and after it:
# 'قرى "تل جهان وروتان وتل بشك وتل زيوان وسيكركا بالريف الشرقي'
_AND_ITEM = (r"(?!(?:ال)?{SETTLEMENT}(?![{AR}]))(?!(?:في|من|علي|الي|عن|مع|قرب|بين)\s)[{AR}]{2,}"
             r"(?:\s+(?!و)(?![بل]ال)(?!(?:في|من|علي|الي|عن|مع|قرب|بين)(?![{AR}]))[{AR}]{2,})?")
PLURAL_SETTLEMENTS = ("قري", "بلدات", "مدن", "مدينتي", "بلدتي", "قريتي", "مزارع")  # words before several names
_AND_HEAD = re.compile(expand(r"(?<![{AR}])(?:" + "|".join(PLURAL_SETTLEMENTS) + r")\s*:?\s+[\"']?"
                              r"(?P<items>(?:" + _AND_ITEM + r"\s+و[\"']?){1,4})$"))
_AND_NAME = re.compile(expand(r"(?P<item>" + _AND_ITEM + r")\s+و"))
_AND_TAIL = re.compile(expand(r"\s+و[\"']?(?P<item>" + _AND_ITEM + r")(?=[\s,،.\"']|$)"))


def _and_items(doc: ArticleContext, ref: PlaceRef, first: bool, last: bool, known: list, refs: list
               ) -> tuple[list, list]:
    """The names the gazetteer lacks joined by و to a list's first member after a plural settlement word
    (before it) and to its last member (after it), each a village of its own at the district's seat
    (`known`: the starts of the names the gazetteer holds, which are members of their own)."""
    if ref.role != "head" or ref.place is None or ref.place.placetype != "locality":
        return [], []
    before, after = [], []
    head = _AND_HEAD.search(doc.T, max(0, ref.start - 90), ref.start) if first else None
    if head is not None and not _known_between(known, head.start("items"), ref.start):
        before = _unknown_refs(doc, ref, _AND_NAME.finditer(doc.T, head.start("items"), head.end("items")), refs)
    if last and (head is not None or ref.cue in PLURAL_SETTLEMENTS):
        pos, items = ref.end, []
        while len(items) < 4 and (m := _AND_TAIL.match(doc.T, pos)) is not None \
                and not _known_between(known, m.start(), m.end()):
            items.append(m)
            pos = m.end()
        after = _unknown_refs(doc, ref, items, refs)
    return before, after


def _known_between(known: list, start: int, end: int) -> bool:
    k = bisect_left(known, start)
    return k < len(known) and known[k] < end


# "على قرى شيخ هروز، وباسي، ومرصو، وحفتار، في محور بلبل شمال عفرين": a list of names none of which the gazetteer
# holds, after a plural settlement word, framed right after by a place it holds
_UNKNOWN_ITEM = re.compile(expand(r"[\"']?(?P<item>" + _AND_ITEM + r")[\"']?"))
_ALL_UNKNOWN_HEAD = re.compile(expand(r"(?<![{AR}])(?:" + "|".join(PLURAL_SETTLEMENTS) + r")\s*:?\s+(?=[\"'{AR}])"))
_ALL_UNKNOWN_NEXT = re.compile(expand(r"(?:\s*[,،]\s*و?|\s+و)\s*(?=[\"'{AR}])"))
_FRAME_GAP = re.compile(expand(r"[\"']?\s*[,،]?\s*(?:(?:في|ب|قرب|علي)\s*)?(?:(?:ال)?(?:محور|ريف|منطقه|ناحيه|محيط|اطراف|"
                               r"جنوب|شمال|شرق|غرب|جنوبي|شمالي|شرقي|غربي)\s+)?(?:{SETTLEMENT}\s+)?$"))
# words that describe the settlements rather than name them ("قرى عديدة ومزارع")
_NOT_A_NAME = re.compile(r"(?:ال)?(?:عديده|كثيره|مجاوره|متفرقه|محيطه|قريبه|مختلفه|نائيه|حدوديه|محاذيه|اخري|عده|"
                         r"مزارع|مزرعه|مناطق|مواقع|بلدات|قري|مدن|الريف|ريف|المنطقه|المحافظه|سوريه|اليوم|امس|ابرز|"
                         r"من|بين|شتي|عده|اخري)(?:ها|هم)?")
ALL_UNKNOWN_LIST = "all_unknown_list"  # a list whose every name the gazetteer lacks, coded at the place framing it
P_ALL_UNKNOWN_LIST = "place:role.all_unknown_list"  # the name events list for it
_ALL_UNKNOWN_LIST_IDS = 1_000_000  # list ids of their own, past the ones place_roles numbers


def _all_unknown_lists(doc: ArticleContext, refs: list[PlaceRef]) -> list[PlaceRef]:
    """Each name of a list of two or more that the gazetteer lacks entirely, a village of its own coded at the
    place named right after the list (its town at precision 2, a district's seat, a governorate at precision 3)."""
    T, out, starts = doc.T, [], [r.start for r in refs]
    for head in _ALL_UNKNOWN_HEAD.finditer(T):
        items, pos = [], head.end()
        while len(items) < 8 and (m := _UNKNOWN_ITEM.match(T, pos)) is not None:
            items.append(m)
            nxt = _ALL_UNKNOWN_NEXT.match(T, m.end())
            if nxt is None:
                break
            pos = nxt.end()
        if len(items) < 2 or _known_between(starts, head.start(), items[-1].end()) \
                or any(_NOT_A_NAME.fullmatch(w) for m in items for w in m.group("item").split()):
            continue
        k = bisect_left(starts, items[-1].end())
        frame = refs[k] if k < len(refs) else None
        if frame is None or frame.place is None or frame.start - items[-1].end() > 30 \
                or not _FRAME_GAP.match(T[items[-1].end():frame.start]):
            continue
        place, precision = frame.place, 2
        if place.placetype in ("district", "subdistrict"):
            place = doc.geocoder.district_seat(place.admin2_pcode) or place
        elif place.placetype == "governorate":
            precision = 3
        lid = _ALL_UNKNOWN_LIST_IDS + head.start()
        for m in items:
            s, e = m.span("item")
            mention = PlaceMention(s, e, T[s:e], place, precision, confidence=0.6, role=UNKNOWN_LIST_ITEM)
            out.append(PlaceRef(0, mention, "head", lid, ALL_UNKNOWN_LIST))
    return out


def with_unknown_list_items(doc: ArticleContext, refs: list[PlaceRef]) -> list[PlaceRef]:
    out: list[PlaceRef] = []
    members = 0  # of the current list, found and unknown (a list's members are consecutive)
    known = [ref.start for ref in refs]
    for k, ref in enumerate(refs):
        first = not k or refs[k - 1].list_id != ref.list_id
        last = k + 1 == len(refs) or refs[k + 1].list_id != ref.list_id
        before, after = _and_items(doc, ref, first, last, known, refs)
        if k:
            inside = _items(doc, refs[k - 1], ref, refs)
            out.extend(inside)
            members = members + len(inside) if refs[k - 1].list_id == ref.list_id else 0
        out.extend(before)
        out.append(ref)
        members += 1 + len(before)
        if last:
            out.extend(after)
            members += len(after)
            out.extend(_tail_items(doc, ref, members, refs))
    out = sorted(out + _all_unknown_lists(doc, refs), key=lambda r: r.start)
    for i, ref in enumerate(out):
        ref.i = i  # the position among the article's place mentions
    return out


def run(doc: ArticleContext) -> None:
    T = doc.T
    date_spans: list[tuple[int, int]] = []
    for a, b in sorted((d.start, d.end) for d in doc.dates):  # (merged where they overlap)
        if date_spans and a < date_spans[-1][1]:
            date_spans[-1] = (date_spans[-1][0], max(b, date_spans[-1][1]))
        else:
            date_spans.append((a, b))
    mentions = [m for m in doc.geocoder.mentions(T) if junk_rule(m, T, date_spans) is None]
    doc.places = with_unknown_list_items(doc, place_roles(T, mentions, doc.actors))
    usable = [p for p in doc.places if p.usable]  # in text order
    starts = [p.start for p in usable]
    for cl in doc.clauses:
        s = cl.sentence
        # (found by bisection: a long article has thousands of places and clauses)
        cl.sentence_places = usable[bisect_left(starts, s.start):bisect_left(starts, s.end)]
        cl.full_places = [p for p in cl.sentence_places if cl.start <= p.start < cl.full_end]
        cl.places = [p for p in cl.full_places if p.start < cl.end]
