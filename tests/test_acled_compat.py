"""Our export and an ACLED-format file (written by the team, tests/data/acled) read by the same code give
the same columns and dtypes: the README's snippet, run unchanged on both, with pandas and polars."""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from etl_project.exports import ACLED_COLUMNS, ACLED_DTYPES, safe_frame
from tests.test_exports import export, wh  # noqa: F401  (wh is a fixture)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "acled" / "acled_format_sample.csv"
N = len(ACLED_COLUMNS)


def snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(# acled-compat snippet.*?)```", readme, flags=re.S)
    assert len(blocks) == 1, "the README has one acled-compat snippet"
    return blocks[0]


def run_snippet(path: Path) -> dict:
    pytest.importorskip("pandas")
    names = {"path": str(path)}
    exec(compile(snippet(), "README.md", "exec"), names)  # noqa: S102 - our own README's code
    return names


def test_the_sample_is_acleds_layout():
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(ACLED_COLUMNS)


def test_the_readme_snippet_reads_ours_and_acleds_alike(wh, tmp_path):  # noqa: F811
    ours = run_snippet(export(tmp_path, "acled", name="ours.csv"))
    theirs = run_snippet(SAMPLE)
    # polars
    assert ours["lf"].columns[:N] == theirs["lf"].columns == list(ACLED_COLUMNS)
    assert list(ours["lf"].schema.items())[:N] == list(theirs["lf"].schema.items())
    assert dict(theirs["lf"].schema) == ACLED_DTYPES
    # pandas
    assert list(ours["df"].columns[:N]) == list(theirs["df"].columns) == list(ACLED_COLUMNS)
    assert ours["df"].dtypes.iloc[:N].to_dict() == theirs["df"].dtypes.to_dict()
    # the same filters work on both: ACLED's labels and ASCII place names
    for names in (ours, theirs):
        assert names["lf"].filter(pl.col("location") == "Al Mayadin").height == 1
        assert (names["df"].event_type == "Explosions/Remote violence").sum() >= 1


def test_default_reads_agree_on_every_column_filled_in_both(wh, tmp_path):  # noqa: F811
    """Without the snippet's text list: the same types wherever both files have values."""
    pd = pytest.importorskip("pandas")
    ours_path = export(tmp_path, "csv")
    ours, theirs = pl.read_csv(ours_path, try_parse_dates=True), pl.read_csv(SAMPLE, try_parse_dates=True)
    filled = [c for c in ACLED_COLUMNS if ours[c].is_not_null().any() and theirs[c].is_not_null().any()]
    assert {"event_date", "year", "latitude", "fatalities", "timestamp", "event_type", "location"} <= set(filled)
    assert ours.select(filled).schema == theirs.select(filled).schema
    ours, theirs = pd.read_csv(ours_path, parse_dates=["event_date"]), pd.read_csv(SAMPLE, parse_dates=["event_date"])
    filled = [c for c in ACLED_COLUMNS if ours[c].notna().any() and theirs[c].notna().any()]
    assert {"event_date", "year", "latitude", "fatalities", "timestamp", "event_type", "location"} <= set(filled)
    assert ours[filled].dtypes.to_dict() == theirs[filled].dtypes.to_dict()


def test_parquet_has_the_types_of_acleds_csv(wh, tmp_path):  # noqa: F811
    frame = pl.read_parquet(export(tmp_path, "parquet"))
    assert dict(list(frame.schema.items())[:N]) == dict(pl.read_csv(SAMPLE, try_parse_dates=True).schema) == ACLED_DTYPES


def test_acled_and_csv_formats_are_the_same_file(wh, tmp_path):  # noqa: F811
    a = export(tmp_path, "acled", name="a.csv").read_bytes()
    b = export(tmp_path, "csv", name="b.csv").read_bytes()
    assert a == b


def test_numbers_are_never_neutralised_so_negative_numbers_stay_numeric():
    frame = pl.DataFrame({"latitude": [-33.5, 35.0], "fatalities": [-1, 2], "notes": ["-1 dead", "ok"]})
    safe = safe_frame(frame)
    assert safe["latitude"].to_list() == [-33.5, 35.0] and safe["fatalities"].to_list() == [-1, 2]
    assert safe["notes"].to_list() == ["'-1 dead", "ok"]
