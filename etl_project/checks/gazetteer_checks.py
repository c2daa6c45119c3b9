"""Checks of the gazetteer: a wrong place table misplaces every event geocoded against it."""
from __future__ import annotations

import polars as pl
from dagster import AssetCheckResult, AssetCheckSeverity

from etl_project.geo.outline import DESCRIPTION as OUTLINE, inside_syria

MIN_ARABIC_SHARE = 0.85

GAZETTEER_CHECKS = {
    "places_inside_syria": f"Every place's coordinates are inside {OUTLINE}.",
    "places_have_governorate": "Every place has a governorate (admin1).",
    "places_unique_ids": "No gazetteer id appears twice.",
    "places_arabic_share": f"At least {MIN_ARABIC_SHARE:.0%} of places have an Arabic name.",
}


def gazetteer_check_results(frame: pl.DataFrame) -> list[AssetCheckResult]:
    n = max(frame.height, 1)
    outside = frame.filter(pl.Series(~inside_syria(frame.get_column("latitude").fill_null(float("nan")),
                                                   frame.get_column("longitude").fill_null(float("nan")))))
    no_admin1 = frame.filter(pl.col("admin1").is_null() & (pl.col("placetype") != "country"))
    dup = frame.group_by("gazetteer_id").len().filter(pl.col("len") > 1)
    arabic = frame.filter(pl.col("name_ar").is_not_null() & (pl.col("name_ar").str.len_chars() > 0)).height / n
    return [
        AssetCheckResult(check_name="places_inside_syria", asset_key="places", passed=outside.height == 0,
                         severity=AssetCheckSeverity.ERROR,
                         metadata={"outside": outside.height, "examples": str(outside.head(5).select("gazetteer_id", "name_en").rows())}),
        AssetCheckResult(check_name="places_have_governorate", asset_key="places", passed=no_admin1.height == 0,
                         severity=AssetCheckSeverity.ERROR,
                         metadata={"without_admin1": no_admin1.height, "examples": str(no_admin1.head(5).select("gazetteer_id", "name_en").rows())}),
        AssetCheckResult(check_name="places_unique_ids", asset_key="places", passed=dup.height == 0,
                         severity=AssetCheckSeverity.ERROR, metadata={"duplicated_ids": dup.height}),
        AssetCheckResult(check_name="places_arabic_share", asset_key="places", passed=arabic >= MIN_ARABIC_SHARE,
                         severity=AssetCheckSeverity.WARN, metadata={"arabic_share": round(arabic, 4), "threshold": MIN_ARABIC_SHARE}),
    ]
