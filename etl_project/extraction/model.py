"""The typed objects the passes hand each other: the article being read, its clauses, its place mentions
with their roles, and the candidate incidents."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from etl_project.text.dates import DateMention
from etl_project.text.events import Casualties
from etl_project.text.normalize import Normalized
from etl_project.text.segment import Sentence

# Place roles, best first. Roles not listed are never the incident's place.
ROLE_RANK = {"head": 0, "near": 1, "between": 1, "road": 2, "admin": 3, "ref": 4, "anaphor": 5, "fallback": 5, "reporter": 6}
CROWD_TYPES = {"protest", "riot"}
TERRITORY_SUBS = {"non_state_actor_overtakes_territory", "government_regains_territory", "non_violent_transfer_of_territory"}


@dataclass
class PlaceRef:
    """A geocoder mention with the role it plays in its sentence (see rules/place_roles.tsv)."""
    i: int  # position among the article's mentions
    mention: object  # PlaceMention
    role: str = "head"
    list_id: int | None = None
    rule: str = "head"  # the name of the rule that gave the role

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end

    @property
    def place(self):
        return self.mention.place

    @property
    def cue(self):
        return self.mention.cue

    @property
    def usable(self) -> bool:
        return self.role in ROLE_RANK

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


@dataclass
class Typing:
    """What a clause tells, and the rules that typed it."""
    event_type: str
    sub_event_type: str
    priority: int
    weak: bool  # typed only by deaths, a demonstrative or an anaphor: joins others first
    trig_pos: int
    main: object | None = None  # the deciding Trigger, None when typed by deaths alone
    anaphor_only: bool = False
    refers_back: bool = False  # a definite trigger of a type told before: it refers to that incident
    rules: list[str] = field(default_factory=list)


@dataclass
class Clause:
    """A clause of a body or headline sentence, as read by the passes in turn."""
    sentence: Sentence
    start: int
    end: int  # cut before generic talk ("في تصعيد هو الأوسع ...")
    full_end: int  # the clause as segmented
    previous: "Clause | None" = None  # the clause before it in its sentence
    sentence_places: list[PlaceRef] = field(default_factory=list)  # usable places of the sentence
    places: list[PlaceRef] = field(default_factory=list)  # usable places in [start, end)
    full_places: list[PlaceRef] = field(default_factory=list)  # usable places in [start, full_end)
    sentence_dates: list[DateMention] = field(default_factory=list)  # dates of the sentence not to come
    cas: Casualties | None = None
    followup: bool = False  # a funeral or outrage: its dead are of an incident already told
    triggers: list = field(default_factory=list)
    actors: list = field(default_factory=list)
    typing: Typing | None = None
    date: DateMention | None = None  # the date the clause's incident is told with
    date_rule: str | None = None  # the rule that picked it
    perpetrator: object | None = None
    victim: object | None = None
    skipped: str | None = None  # the rule that dropped the clause

    @property
    def kind(self) -> str:
        """The zone of its sentence: body or headline (datelines and teasers are not read)."""
        return self.sentence.kind

    @property
    def dates(self) -> list[DateMention]:
        return [d for d in self.sentence_dates if self.start <= d.start < self.end]

    @property
    def has_deaths(self) -> bool:
        return self.cas.deaths is not None or self.cas.deaths_vague is not None


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
    fallback: bool = False  # placed by "في البلدة"-like words that point to a town told before
    date_key: str | None = None  # the words of an unresolvable date, to tell two such dates apart
    anaphor_only: bool = False  # typed only by a word that points back ("الحادث وقع على الطريق ...")
    report_dated: bool = False  # dated by a statement ("أعلنت الوزارة، اليوم الخميس، ..."), not by the incident
    refers_back: bool = False  # typed by a definite trigger of a type told before ("الانفجار وقع مساء الاثنين")
    city: bool = False  # a capital named as the city itself ("حي X وسط مدينة حلب"), not its governorate
    cue_city: bool = False  # the place was named with "مدينة"
    during: bool = False  # told after "خلال العملية": belongs to the incident told before
    anaphoric_date: DateMention | None = None  # "حينها", "في اليوم التالي": dated by the day told before
    # placed at a frame that stands for a settlement the gazetteer does not hold ("بلدة أبريهة بريف دير الزور"):
    # a village of its own, not a vaguer telling of another town's incident
    unknown_settlement: bool = False
    # the name of what the place stands for that the gazetteer lacks: a neighbourhood of the city ("حي المغير"),
    # a village coded at its frame ("بلدة أبريهة"); two different names are two places
    subplace: str | None = None
    updated_toll: int | None = None  # "ارتفعت حصيلة ضحايا التفجير إلى 42": the figure told later (pass tolls)
    why: dict[str, list[str]] = field(default_factory=dict)  # aspect -> names of the rules that decided it

    def decided(self, aspect: str, *rules: str) -> None:
        """Record the rules that decided an aspect (type, place, date, background), replacing earlier ones."""
        self.why[aspect] = list(rules)

    def also(self, aspect: str, rule: str) -> None:
        self.why.setdefault(aspect, []).append(rule)

    def rule_names(self) -> list[str]:
        out: list[str] = []
        for aspect in ("type", "place", "date", "background", "group", "toll"):
            for r in self.why.get(aspect, ()):
                if r not in out:
                    out.append(r)
        return out


@dataclass
class ArticleContext:
    """One article as the passes read it."""
    article: dict
    reference_date: date | None
    geocoder: object = None
    aid: str = ""
    ref: date | None = None
    norm: Normalized | None = None
    T: str = ""
    title: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    sent_index: dict[int, int] = field(default_factory=dict)  # id(sentence) -> position
    dates: list[DateMention] = field(default_factory=list)
    actors: list = field(default_factory=list)
    places: list[PlaceRef] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    main_date: date | None = None  # what an incident told with no date of its own is dated by
    news_day: date | None = None  # the day of the article's news: an incident dated before it is recalled
    version: str = ""
    calibrated: bool = True  # confidence as the fitted chance of being right, else the rules' raw score
    min_confidence: float = 0.0  # calibrated readings below it are withheld (see pass confidence)
    records: list[dict] = field(default_factory=list)
    _place_starts: list[int] | None = None

    def places_in(self, lo: int, hi: int) -> list[PlaceRef]:
        """The place mentions that start in [lo, hi), by bisection (they are in text order): a long
        article's passes would otherwise scan every mention for every candidate."""
        if self._place_starts is None or len(self._place_starts) != len(self.places):
            self._place_starts = [p.start for p in self.places]
        return self.places[bisect_left(self._place_starts, lo):bisect_left(self._place_starts, hi)]
