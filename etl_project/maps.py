"""A map of a partition's events: a small PNG for the Dagster UI and for analysts.

Governorate outlines come from the gazetteer's Who's On First region polygons when the archive
(or its unpacked tree) is available, read straight from the tarball; otherwise a coarse outline of
Syria's border, drawn by hand for this module, stands in. Points are coloured by event type and
sized by fatalities (area grows with deaths). Rendering uses the Agg backend through
`matplotlib.figure.Figure`, never pyplot's global state, so it is safe inside a Dagster run.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import tarfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from etl_project.acled import EVENT_TYPE_LABELS

WOF_ARCHIVE = "whosonfirst-data-admin-sy.tar.gz"
WOF_DIR = "whosonfirst-data-admin-sy"
SIMPLIFY_DEG = 0.01  # about 1 km: invisible at this scale, and keeps the drawing light

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
EVENT_COLOURS = {
    "battle": "#D55E00",
    "explosion_remote_violence": "#E69F00",
    "violence_against_civilians": "#CC79A7",
    "protest": "#0072B2",
    "riot": "#56B4E9",
    "strategic_development": "#009E73",
}
OTHER_COLOUR = "#555555"
EVENT_LABELS = EVENT_TYPE_LABELS  # ACLED's event type labels, one table (etl_project.acled)

# Syria's border, coarsely, clockwise from the Lebanese border on the coast (lon, lat).
# Hand-drawn from a general map; good to a few km, enough to place the points.
SYRIA_OUTLINE = (
    (35.97, 34.64), (35.90, 35.20), (35.78, 35.60), (35.85, 35.90), (35.95, 35.98), (36.17, 35.83),
    (36.37, 36.00), (36.38, 36.22), (36.68, 36.23), (36.57, 36.48), (36.68, 36.83), (37.10, 36.64),
    (38.05, 36.84), (38.70, 36.72), (39.30, 36.70), (40.10, 36.98), (41.00, 37.08), (41.80, 37.08),
    (42.36, 37.11), (42.20, 36.90), (41.80, 36.60), (41.30, 36.38), (41.24, 35.60), (41.00, 34.42),
    (38.79, 33.38), (37.50, 32.80), (36.84, 32.31), (36.40, 32.38), (35.78, 32.74), (35.62, 33.20),
    (35.82, 33.28), (35.95, 33.60), (36.30, 33.85), (36.60, 34.20), (36.45, 34.50), (35.97, 34.64),
)
EXTENT = (35.4, 42.6, 32.1, 37.5)  # lon min, lon max, lat min, lat max

FIGSIZE = (7.0, 6.0)
DPI = 100
MAX_FATALITIES_SIZE = 100  # above this the marker stops growing (said in the legend)


# ---------------------------------------------------------------------------------------- outlines


def _region_from_feature(feature: dict) -> tuple[str, BaseGeometry] | None:
    props = feature.get("properties") or {}
    if props.get("wof:placetype") != "region" or props.get("mz:is_current") == 0 or props.get("edtf:deprecated"):
        return None
    geom = feature.get("geometry") or {}
    if geom.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    return str(props.get("wof:name", "")), shape(geom).simplify(SIMPLIFY_DEG, preserve_topology=True)


@lru_cache(maxsize=4)
def _wof_regions(source: str) -> tuple[tuple[str, BaseGeometry], ...]:
    path = Path(source)
    regions = []
    if path.is_file():
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".geojson") and "-alt-" not in member.name:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        region = _region_from_feature(json.load(handle))
                        if region:
                            regions.append(region)
    else:
        for file in sorted((path / "data").rglob("*.geojson")):
            if "-alt-" not in file.name:
                region = _region_from_feature(json.loads(file.read_text(encoding="utf-8")))
                if region:
                    regions.append(region)
    return tuple(sorted(regions, key=lambda r: r[0]))


OUTLINES_CACHE_FORMAT = 1


def governorate_outlines(gazetteer_dir: Path | str | None, cache_dir: Path | str | None = None) -> dict | None:
    """The governorates (WOF regions) as a GeoJSON FeatureCollection, or None when the gazetteer
    folder has neither the WOF archive nor its unpacked tree. Read once per process; with `cache_dir`
    (Settings.gazetteer_cache), the parsed outlines are kept on disk beside the gazetteer's parse cache,
    keyed by the archive's fingerprint, so a new process does not read the archive again."""
    if not gazetteer_dir:
        return None
    folder = Path(gazetteer_dir)
    for candidate in (folder / WOF_ARCHIVE, folder / WOF_DIR):
        if candidate.exists():
            regions = _cached_regions(str(candidate), str(cache_dir) if cache_dir else None)
            if regions:
                return {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {"name": name}, "geometry": geom.__geo_interface__}
                        for name, geom in regions
                    ],
                }
    return None


def _fingerprint(source: Path) -> str:
    """sha256 of the archive's bytes (or of the unpacked tree's file list, sizes and mtimes), and of how it is read."""
    h = hashlib.sha256(f"outlines{OUTLINES_CACHE_FORMAT}|{SIMPLIFY_DEG}".encode())
    if source.is_file():
        with source.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    else:
        for path in sorted((source / "data").rglob("*.geojson")):
            st = path.stat()
            h.update(f"{path.relative_to(source)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


@lru_cache(maxsize=4)
def _cached_regions(source: str, cache_dir: str | None) -> tuple[tuple[str, BaseGeometry], ...]:
    if not cache_dir:
        return _wof_regions(source)
    cache_file = Path(cache_dir) / f"outlines-{_fingerprint(Path(source))[:20]}.geojson"
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        return tuple((str(f["name"]), shape(f["geometry"])) for f in data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # absent, stale or truncated: read the archive
        pass
    regions = _wof_regions(source)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps([{"name": name, "geometry": mapping(geom)} for name, geom in regions]), encoding="utf-8")
        tmp.replace(cache_file)
    except OSError:
        pass
    return regions


def _shapes(outlines) -> list[BaseGeometry]:
    if outlines is None:
        return [Polygon(SYRIA_OUTLINE)]
    if isinstance(outlines, dict):
        kind = outlines.get("type")
        if kind == "FeatureCollection":
            return [shape(f["geometry"]) for f in outlines.get("features", []) if f.get("geometry")]
        if kind == "Feature":
            return [shape(outlines["geometry"])] if outlines.get("geometry") else []
        return [shape(outlines)]
    if isinstance(outlines, BaseGeometry):
        return [outlines]
    return list(outlines)


def _rings(geom: BaseGeometry) -> Iterable:
    if isinstance(geom, Polygon):
        yield geom.exterior
        yield from geom.interiors
    elif isinstance(geom, MultiPolygon):
        for part in geom.geoms:
            yield from _rings(part)
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _rings(part)
    elif hasattr(geom, "coords"):
        yield geom


# ---------------------------------------------------------------------------------------- drawing


def marker_size(fatalities: int | None) -> float:
    """Marker area in points²: 18 for none, growing linearly with deaths up to MAX_FATALITIES_SIZE."""
    deaths = min(max(int(fatalities or 0), 0), MAX_FATALITIES_SIZE)
    return 18.0 + 5.0 * deaths


def _title_date(events: pl.DataFrame, title_date) -> str:
    if title_date is not None:
        return str(title_date)
    if "event_date" in events.columns:
        dates = [d for d in events.get_column("event_date").to_list() if d is not None]
        if dates:
            lo, hi = min(dates), max(dates)
            return str(lo) if lo == hi else f"{lo} to {hi}"
    return "undated"


def render_events_map(events: pl.DataFrame, governorates, out_path: Path | str, *, title_date: date | str | None = None,
                      extent: tuple[float, float, float, float] = EXTENT, dpi: int = DPI) -> Path:
    """Draw `events` (latitude, longitude, event_type, fatalities; event_date for the title) over the
    governorate outlines (a GeoJSON dict, shapely geometries, or None for the coarse border) to a PNG,
    framed by `extent` (lon min, lon max, lat min, lat max; Syria by default) widened to every event."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=FIGSIZE, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.88))

    for geom in _shapes(governorates):
        for ring in _rings(geom):
            xs, ys = zip(*[(c[0], c[1]) for c in ring.coords])
            ax.plot(xs, ys, color="#8a8a8a", linewidth=0.7, zorder=1)

    located = events.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null()) if events.height else events
    unlocated = events.height - located.height
    lon0, lon1, lat0, lat1 = extent
    if located.height:
        lon0 = min(lon0, located["longitude"].min() - 0.2)
        lon1 = max(lon1, located["longitude"].max() + 0.2)
        lat0 = min(lat0, located["latitude"].min() - 0.2)
        lat1 = max(lat1, located["latitude"].max() + 0.2)
        rows = sorted(located.iter_rows(named=True), key=lambda r: -(r.get("fatalities") or 0))  # small on top
        ax.scatter(
            [r["longitude"] for r in rows], [r["latitude"] for r in rows],
            s=[marker_size(r.get("fatalities")) for r in rows],
            c=[EVENT_COLOURS.get(r.get("event_type"), OTHER_COLOUR) for r in rows],
            edgecolors="#222222", linewidths=0.5, zorder=3,
        )
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#cccccc")

    present = [t for t in EVENT_COLOURS if located.height and t in set(located["event_type"].to_list())]
    if located.height and any(t not in EVENT_COLOURS for t in located["event_type"].to_list()):
        present.append("other")
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=7, markeredgecolor="#222222", markeredgewidth=0.5,
               markerfacecolor=EVENT_COLOURS.get(t, OTHER_COLOUR), label=EVENT_LABELS.get(t, "Other"))
        for t in present
    ]
    if handles:
        ax.add_artist(ax.legend(handles=handles, loc="lower right", fontsize=8, title="Event type", title_fontsize=8,
                                frameon=True, framealpha=0.9))
        sizes = [0, 10, 50, MAX_FATALITIES_SIZE]
        size_handles = [
            Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(marker_size(n)), markerfacecolor="#ffffff",
                   markeredgecolor="#222222", markeredgewidth=0.5,
                   label=f"{n}+" if n == MAX_FATALITIES_SIZE else str(n))
            for n in sizes
        ]
        ax.legend(handles=size_handles, loc="upper left", fontsize=8, title="Fatalities", title_fontsize=8,
                  frameon=True, framealpha=0.9, labelspacing=1.1, borderpad=0.8)

    deaths = int(located["fatalities"].fill_null(0).sum()) if located.height else 0
    fig.suptitle(f"Security events in Syria, {_title_date(events, title_date)}", fontsize=12, y=0.975)
    note = f"{events.height} events, {deaths} fatalities" if events.height else "no events"
    if unlocated:
        note += f"; {unlocated} without coordinates not shown"
    fig.text(0.5, 0.915, note, ha="center", fontsize=9, color="#444444")
    fig.text(0.975, 0.005, "Places: Who's On First, GeoNames (CC BY 4.0), OpenSyria (CC BY 4.0)",
             ha="right", va="bottom", fontsize=6, color="#777777")
    fig.savefig(out_path, format="png", dpi=dpi, facecolor="white", pil_kwargs={"optimize": True})
    return out_path


# ---------------------------------------------------------------------------------------- the partition


def partition_events(con: duckdb.DuckDBPyConnection, partition_date: date) -> pl.DataFrame:
    """The warehouse events reported by the articles of one partition (as in previews.events_markdown)."""
    return con.sql(
        """SELECT e.event_id, e.event_date, e.event_type, e.latitude, e.longitude, e.fatalities, e.admin1
           FROM events e
           WHERE e.event_id IN (SELECT es.event_id FROM event_sources es JOIN articles a USING (article_id)
                                WHERE a.partition_date = ?)
           ORDER BY e.event_id""",
        params=[partition_date],
    ).pl()


def map_markdown(png: Path | str, alt: str = "map of the partition's events") -> str:
    """Markdown embedding the PNG as a base64 data URI, for a Dagster MetadataValue.md."""
    data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
    return f"![{alt}](data:image/png;base64,{data})"


# The Dagster UI shows an asset event's description inline, as Markdown, in a box 320 px high (the asset page's
# Events tab, ui-core's AssetEventDetail → Description); a longer Markdown *metadata* value hides behind
# "[Show Markdown]". So the UI's map is the description of an observation logged after the materialisation, and
# small enough (UI_DPI) to fit that box whole, under one line of text.
UI_DPI = 44


def ui_map_description(png: Path | str, partition_date: date | str, n_events: int) -> str:
    """The Markdown of the UI's map: one line, then the PNG as a data URI (Dagster's Markdown allows `data:`)."""
    return (f"**Map of the events read on {partition_date}** ({n_events} events; the full-size PNG is the `map_path` "
            f"of the materialisation)\n\n{map_markdown(png, alt=f'map of the events read on {partition_date}')}")
