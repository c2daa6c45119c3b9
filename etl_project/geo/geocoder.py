"""Toponym recognition and resolution over an article's normalised text.

    geo = Geocoder.load(settings.gazetteer_dir, settings.gazetteer_cache)   # once per process
    for m in geo.mentions(normalize(text).text): ...

Recognition: one Aho-Corasick automaton over every name variant of every place (built once), run over
the text with ص/س and ذ/ز folded; a hit counts when it is a whole word, possibly after a clitic
(و ب ل ف ك) and/or the article (ال, لل), and the longest hit wins. Evidence that a hit is a place: a cue
word before it (قرية، بلدة، ريف ...), a preposition (في، من، قرب ...), a list it shares with another place,
or the place being a well-known town; ordinary words and person names that are also village names
(data/stop_names.txt) need a strong cue.

Resolution, with the whole article as context: the governorates and districts the article names,
the distance to the other places it names (weighted by how close in the text they are), feature class
and population as priors, exact spelling over folded spelling.

The work is split by job: names.py (how a name is written), index.py (candidate lookup), cues.py (the
context cues and the admission rules), disambiguate.py (the resolution steps), placing.py (where an event
is placed).
"""
from __future__ import annotations

import hashlib

from etl_project.geo import lexicon
from etl_project.geo.cues import Recognition
from etl_project.geo.disambiguate import Resolution
from etl_project.geo.index import PlaceIndex, mark_seats
from etl_project.geo.placing import Placing
from etl_project.geo.types import Place

GEOCODER_RULES_VERSION = "2"

SOURCE_ATTRIBUTION = (
    "Place data: the project's own offline gazetteer; "
    "Data from Who's On First (https://whosonfirst.org/docs/licenses/), CC0, with properties from "
    "GeoNames (geonames.org), CC BY 4.0; administrative units and OCHA P-codes from OpenSyria "
    "data-geography (github.com/Open-Syria/data-geography), CC BY 4.0, itself from OCHA/HDX COD-AB "
    "(CC BY 3.0 IGO), geoBoundaries (CC BY 3.0 IGO), GeoNames (CC BY 4.0) and Wikidata (CC0)."
)


class Geocoder(PlaceIndex, Recognition, Resolution, Placing):
    """Gazetteer + matcher. Build once (`Geocoder.load`), then call `mentions()` per article."""

    def __init__(self, places: list[Place], fingerprint: str, famous: set[int] | None = None,
                 extra_names: dict[int, list[str]] | None = None, full: bool = False):
        self.places = places
        self.full = full
        self._famous = famous or set()
        self._stop = lexicon.stop_names()
        self._cues = lexicon.cue_words()
        self._preps = lexicon.prepositions()
        self._foreign = lexicon.foreign_places()
        self._name_heads = lexicon.name_heads()
        self._person_heads = lexicon.person_heads()
        self._construct = lexicon.construct_nouns()
        self._common = lexicon.common_words()
        places = mark_seats(places)
        self.places = places
        self.version = hashlib.sha256(
            f"{fingerprint}|{lexicon.data_fingerprint()}|{GEOCODER_RULES_VERSION}".encode()
        ).hexdigest()[:10]
        self.source_attribution = SOURCE_ATTRIBUTION if full else SOURCE_ATTRIBUTION.split(";")[0] + "."
        self._lat = [p.latitude for p in places]
        self._lon = [p.longitude for p in places]
        self._build(extra_names or {})

