"""The records that the geocoder hands to the extractor and to the warehouse's `places` table."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    `gazetteer_id` is the bare Who's On First id for WOF records ("1259871407"), the OCHA P-code
    for OpenSyria admin units ("SY0902"), and "builtin:<slug>" for the shipped offline gazetteer.
    Governorate and district names use ACLED's English spelling ("Deir ez-Zor", "Al Mayadin").
    """

    gazetteer_id: str
    name_ar: str
    name_en: str
    placetype: str
    admin1: str | None
    admin2: str | None
    admin1_pcode: str | None
    admin2_pcode: str | None
    latitude: float
    longitude: float
    population: int | None = None
    feature_code: str | None = None
    source: str = "builtin"
    # Optional additions (geocoder): every Arabic name of the place, as written in the source.
    names_ar: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in an article, resolved with the whole article as context.

    `start`/`end` are offsets in the article's *normalised* text (etl_project.text.normalize) of
    the name as written, without a leading clitic (و ب ل ف) but with its ال. `place` is None for a
    place outside Syria (`foreign` is then True). `geo_precision` is ACLED's: 1 the town itself,
    2 near a named place or part of a district, 3 only the governorate.

    Optional additions (all with defaults):
    `role` says what the mention is in its sentence: "region" for a governorate/district/sub-district
    named as a frame ("ريف دير الزور", "محافظة إدلب"); "qualifier" for a town named right after another
    place only to locate it ("الكسرة غربي دير الزور"); "landmark" for a named square, street or building
    placed at its town ("ساحة الكرامة" -> al-Suwayda); None for a place named as itself.
    `in_name` is True when the name is part of an organisation's, group's, tribe's or outlet's name
    ("أحرار الشام", "مجلس دير الزور المدني", "اتحاد شباب القامشلي"): not where anything happened.
    """

    start: int
    end: int
    text: str
    place: Place | None
    geo_precision: int
    foreign: bool = False
    cue: str | None = None
    confidence: float = 1.0
    role: str | None = None
    in_name: bool = False
