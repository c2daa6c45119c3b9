"""`etl-project export`: the warehouse's events as CSV, GeoJSON or Parquet, read-only.

Errors are one line on stderr and a non-zero exit, never a traceback (see `etl_project.cli.main`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl_project.cli_common import UsageError, parse_date as _date


def _format_of(output: Path) -> str | None:
    return {".csv": "csv", ".geojson": "geojson", ".parquet": "parquet", ".pq": "parquet"}.get(output.suffix.lower())


def cmd_export(args) -> int:
    from etl_project import warehouse
    from etl_project.config import load_settings
    from etl_project.exports import FORMATS, ExportError, ExportFilter, export_events, license_path

    fmt = args.format or _format_of(args.output)
    if fmt is None:
        raise UsageError(f"say which format: --format {'|'.join(FORMATS)} (cannot tell from {args.output.name!r})")
    if args.from_date and args.to_date and args.to_date < args.from_date:
        raise UsageError("--to is before --from")
    settings = load_settings()
    flt = ExportFilter(date_from=args.from_date, date_to=args.to_date, governorate=args.governorate)
    _ensure_acled_ids(warehouse, settings.warehouse_path)
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        try:
            rows = export_events(con, fmt, args.output, flt)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
    print(f"wrote {rows} events to {args.output} ({fmt}); attribution in {license_path(args.output)}", file=sys.stderr)
    return 0


def _ensure_acled_ids(warehouse, path: Path) -> None:
    """A warehouse written before ACLED ids existed gets them once, from a short write (the only one an
    export ever makes); afterwards every load assigns them and exports only read."""
    with warehouse.connect(path, read_only=True) as con:
        missing = warehouse.missing_acled_ids(con)
    if missing:
        with warehouse.connect(path) as con:
            warehouse.assign_acled_ids(con)
        print(f"gave ACLED ids (SYR...) to {missing} events of an older warehouse", file=sys.stderr)


def add_export_parser(subparsers) -> argparse.ArgumentParser:
    ex = subparsers.add_parser(
        "export",
        help="write the warehouse's events as ACLED-compatible CSV, GeoJSON or Parquet (ACLED's columns, then ours)",
        description=(
            "Export events read-only from the warehouse (ETL_WAREHOUSE). CSV is UTF-8 with a BOM and no cell can run "
            "as a spreadsheet formula; GeoJSON (RFC 7946) and Parquet keep values unchanged. A FILE.LICENSE.txt "
            "with the data's attribution is written beside every export."
        ),
    )
    ex.add_argument("--format", choices=("acled", "csv", "geojson", "parquet"),
                    help="file format (default: from the output file's extension); acled and csv are the same "
                         "ACLED-compatible CSV")
    ex.add_argument("--output", type=Path, required=True, help="the file to write")
    ex.add_argument("--from", dest="from_date", type=_date, help="first event date to include (YYYY-MM-DD)")
    ex.add_argument("--to", dest="to_date", type=_date, help="last event date to include (YYYY-MM-DD)")
    ex.add_argument("--governorate", help="admin1 in English (any case) or the governorate's Arabic name, e.g. 'دير الزور'")
    ex.set_defaults(func=cmd_export)
    return ex
