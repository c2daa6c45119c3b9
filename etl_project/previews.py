"""Human-readable previews of a partition, for the Dagster UI and the CLI."""
from __future__ import annotations

from datetime import date

import duckdb

PREVIEW_ROWS = 20


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")[:80]


def events_markdown(con: duckdb.DuckDBPyConnection, partition_date: date) -> str:
    rows = con.execute(
        """SELECT e.event_date, e.event_type, e.sub_event_type, e.location_name, e.admin1, e.fatalities,
                  e.actor1, e.is_background, e.n_sources
           FROM events e
           WHERE e.event_id IN (SELECT es.event_id FROM event_sources es JOIN articles a USING (article_id)
                                WHERE a.partition_date = ?)
           ORDER BY e.event_date NULLS LAST, e.admin1, e.location_name LIMIT ?""",
        [partition_date, PREVIEW_ROWS],
    ).fetchall()
    if not rows:
        return f"No events from the articles of {partition_date}."
    head = "| date | type | sub-type | place | governorate | deaths | actor 1 | background | sources |"
    lines = [head, "|" + "---|" * 9]
    lines += ["| " + " | ".join(_cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)
