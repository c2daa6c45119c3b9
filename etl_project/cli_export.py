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


def cmd_map(args) -> int:
    from etl_project import warehouse
    from etl_project.config import load_settings
    from etl_project.exports import ExportFilter, read_events
    from etl_project.maps import governorate_outlines
    from etl_project.maps_html import MAP_FORMATS, write_map

    fmt = args.format or {".png": "png", ".html": "html", ".htm": "html"}.get(args.output.suffix.lower())
    if fmt is None:
        raise UsageError(f"say which format: --format {'|'.join(MAP_FORMATS)} (cannot tell from {args.output.name!r})")
    if args.from_date and args.to_date and args.to_date < args.from_date:
        raise UsageError("--to is before --from")
    if not args.output.parent.is_dir():
        raise UsageError(f"no such folder for the map: {args.output.parent}")
    settings = load_settings()
    flt = ExportFilter(date_from=args.from_date, date_to=args.to_date, governorate=args.governorate)
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        events = read_events(con, flt)
    if events.height == 0:
        raise UsageError(f"no events {_describe(args)} in {settings.warehouse_path}: no map written")
    outlines = governorate_outlines(settings.gazetteer_dir, settings.gazetteer_cache)
    write_map(events, outlines, args.output, fmt, title=_describe(args, events), zoom=bool(args.governorate))
    print(f"wrote the map of {events.height} events to {args.output} ({fmt})", file=sys.stderr)
    return 0


def _describe(args, events=None) -> str:
    """What the map shows, for its title: the dates asked for (else those of the events) and the governorate."""
    if args.from_date or args.to_date:
        span = f"{args.from_date or '…'} to {args.to_date or '…'}"
    elif events is not None:
        dates = [d for d in events.get_column("event_date").to_list() if d is not None]
        span = (str(min(dates)) if min(dates) == max(dates) else f"{min(dates)} to {max(dates)}") if dates else "undated"
    else:
        span = "for these dates"
    if args.governorate:
        name = events.get_column("admin1").drop_nulls().first() if events is not None and events.height else None
        span += f", {name or args.governorate}"
    return span


def add_map_parser(subparsers) -> argparse.ArgumentParser:
    mp = subparsers.add_parser(
        "map", help="draw the warehouse's events as a PNG or an interactive HTML page, for a date range or a governorate",
        description=(
            "Draw the events read-only from the warehouse (ETL_WAREHOUSE) over the governorate outlines: points "
            "coloured by event type and sized by fatalities. HTML is one self-contained page (it needs no network): "
            "zoom, hover a point for its date, place, fatalities, actors and ACLED id, click the legend to hide a type."
        ),
    )
    mp.add_argument("--output", type=Path, required=True, help="the file to write (.png or .html)")
    mp.add_argument("--format", choices=("png", "html"), help="default: from the output file's extension")
    mp.add_argument("--from", dest="from_date", type=_date, help="first event date to include (YYYY-MM-DD)")
    mp.add_argument("--to", dest="to_date", type=_date, help="last event date to include (YYYY-MM-DD)")
    mp.add_argument("--governorate", help="admin1 in English (any case) or the governorate's Arabic name; the map "
                                          "zooms to its events")
    mp.set_defaults(func=cmd_map)
    return mp
