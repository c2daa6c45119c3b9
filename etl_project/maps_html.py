"""`etl-project map`: the events of a date range or a governorate as a PNG (maps.render_events_map) or as an
interactive HTML page.

The HTML page is drawn with plotly on plain longitude/latitude axes (no web map tiles, no geo base map): the
page carries plotly.js inside it, so it opens with no network, as the warehouse does. Points are coloured by
event type (one legend entry each: a click hides or shows a type), sized by fatalities as on the PNG, and a
point's hover gives its date, type, place, governorate, fatalities, actors and ACLED id. Every text that comes
from an article is HTML-escaped before plotly sees it.
"""
from __future__ import annotations

import html
import math
from pathlib import Path

import polars as pl

from etl_project.acled import EVENT_TYPE_LABELS
from etl_project.maps import (
    EVENT_COLOURS, EXTENT, MAX_FATALITIES_SIZE, OTHER_COLOUR, _rings, _shapes, marker_size, render_events_map,
)

MAP_FORMATS = ("png", "html")
ATTRIBUTION = "Places: Who's On First, GeoNames (CC BY 4.0), OpenSyria (CC BY 4.0)"
MARGIN_DEG = 0.3  # around the events of one governorate


def map_frame(events: pl.DataFrame) -> pl.DataFrame:
    """The columns the map draws, from exports.read_events' ACLED-shaped frame (our codes as event_type)."""
    return events.select(
        "event_id_cnty", "event_date", pl.col("event_type_code").alias("event_type"),
        pl.col("event_type").alias("event_label"), pl.col("sub_event_type").alias("sub_event_label"),
        "location", "location_name", "admin1", "fatalities", "actor1", "actor2", "latitude", "longitude",
    )


def extent_of(events: pl.DataFrame, zoom: bool, governorates=None) -> tuple[float, float, float, float]:
    """Syria's frame; with `zoom` (one governorate asked for), the frame of the governorate outline that holds
    most of its events (or of the events alone, without outlines), and a margin."""
    located = events.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    if not zoom or located.height == 0:
        return EXTENT
    from shapely.geometry import MultiPoint, Point

    points = [Point(lon, lat) for lon, lat in located.select("longitude", "latitude").iter_rows()]
    shapes = _shapes(governorates) if governorates is not None else []
    best = max(shapes, key=lambda g: sum(g.contains(p) for p in points), default=None)
    if best is None or not any(best.contains(p) for p in points):
        best = MultiPoint(points)
    lon0, lat0, lon1, lat1 = best.union(MultiPoint(points)).bounds
    return lon0 - MARGIN_DEG, lon1 + MARGIN_DEG, lat0 - MARGIN_DEG, lat1 + MARGIN_DEG


def _hover(row: dict) -> str:
    esc = lambda v: html.escape(str(v)) if v is not None else "—"  # noqa: E731
    place = row["location"] or row["location_name"]
    return "<br>".join([
        f"<b>{esc(row['event_date'])}</b>: {esc(row['event_label'])} ({esc(row['sub_event_label'])})",
        f"{esc(place)}, {esc(row['admin1'])}",
        f"fatalities: {esc(row['fatalities'])}",
        f"actors: {esc(row['actor1'])} / {esc(row['actor2'])}",
        esc(row["event_id_cnty"]),
    ])


def _outline_trace(governorates):
    import plotly.graph_objects as go

    xs: list = []
    ys: list = []
    for geom in _shapes(governorates):
        for ring in _rings(geom):
            for lon, lat, *_ in ring.coords:
                xs.append(lon)
                ys.append(lat)
            xs.append(None)
            ys.append(None)
    return go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#8a8a8a", "width": 0.8}, hoverinfo="skip",
                      showlegend=False, name="governorates")


def render_events_html(events: pl.DataFrame, governorates, out_path: Path | str, *, title: str,
                       extent: tuple[float, float, float, float] = EXTENT) -> Path:
    """Write `events` (map_frame's columns) over the governorate outlines to a self-contained HTML page."""
    import plotly.graph_objects as go

    out_path = Path(out_path)
    fig = go.Figure([_outline_trace(governorates)])
    located = events.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    types = sorted(set(located["event_type"].to_list()), key=lambda t: list(EVENT_COLOURS).index(t)
                   if t in EVENT_COLOURS else len(EVENT_COLOURS))
    for event_type in types:
        rows = located.filter(pl.col("event_type") == event_type).sort("fatalities", descending=True).to_dicts()
        fig.add_trace(go.Scatter(
            x=[r["longitude"] for r in rows], y=[r["latitude"] for r in rows], mode="markers",
            name=html.escape(EVENT_TYPE_LABELS.get(event_type, "Other")),
            marker={"size": [math.sqrt(marker_size(r["fatalities"])) * 1.4 for r in rows],
                    "color": EVENT_COLOURS.get(event_type, OTHER_COLOUR), "line": {"color": "#222222", "width": 0.6}},
            hovertext=[_hover(r) for r in rows], hoverinfo="text",
        ))
    lon0, lon1, lat0, lat1 = extent
    deaths = int(located["fatalities"].fill_null(0).sum()) if located.height else 0
    note = f"{events.height} events, {deaths} fatalities (marker area grows with deaths, up to {MAX_FATALITIES_SIZE})"
    if events.height > located.height:
        note += f"; {events.height - located.height} without coordinates not shown"
    fig.update_layout(
        title={"text": f"{html.escape(title)}<br><sup>{note}</sup>", "x": 0.5},
        template="simple_white", legend={"title": {"text": "Event type"}}, height=720,
        xaxis={"range": [lon0, lon1], "visible": False},
        yaxis={"range": [lat0, lat1], "visible": False, "scaleanchor": "x",
               "scaleratio": 1 / math.cos(math.radians((lat0 + lat1) / 2))},
        annotations=[{"text": ATTRIBUTION, "xref": "paper", "yref": "paper", "x": 1, "y": 0, "showarrow": False,
                      "font": {"size": 9, "color": "#777777"}, "xanchor": "right", "yanchor": "top"}],
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(out_path, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    return out_path


def write_map(events: pl.DataFrame, governorates, out_path: Path, fmt: str, *, title: str, zoom: bool) -> Path:
    """The map of `events` (exports.read_events' frame) as `fmt` (png or html)."""
    frame = map_frame(events)
    extent = extent_of(frame, zoom, governorates)
    if fmt == "html":
        return render_events_html(frame, governorates, out_path, title=title, extent=extent)
    return render_events_map(frame, governorates, out_path, title_date=title, extent=extent)
