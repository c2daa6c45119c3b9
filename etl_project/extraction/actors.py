"""Pass `actors`: who acted and who was hit in each typed clause (the actor mentions were found by `zones`);
the record's actor names, with the generic actors of protests, riots and attacks on civilians."""
from __future__ import annotations

from datetime import date

from etl_project.extraction.model import ArticleContext
from etl_project.text.events import assign_actors
from etl_project.text.normalize import Normalized


def run(doc: ArticleContext) -> None:
    for cl in doc.clauses:
        if cl.skipped:
            continue
        t = cl.typing
        cl.perpetrator, cl.victim = assign_actors(doc.T, cl.start, cl.end, t.trig_pos, cl.actors, t.event_type,
                                                  cl.cas.victim_class)


def _actor_out(a, d: date | None, norm: Normalized):
    if a is None:
        return None, 0, None
    name = a.actor
    if "{era}" in name:
        era = "2024-" if (d and d >= date(2024, 12, 8)) else "2000-2024"
        name = name.replace("{era}", era)
    s, e = norm.span(a.start, a.end)
    return name, a.inter, norm.original[s:e]


def record_actors(c, norm: Normalized) -> dict:
    """actor1/2, inter1/2 and their texts of an incident (its members fill what it lacks)."""
    a1, a2 = c.actor1, c.actor2
    for m in c.members:
        a1 = a1 or m.actor1
        a2 = a2 or m.actor2
    actor1, inter1, actor1_text = _actor_out(a1, c.date, norm)
    actor2, inter2, actor2_text = _actor_out(a2, c.date, norm)
    if c.event_type == "protest":
        actor1, inter1 = actor1 if inter1 == 6 else "Protesters (Syria)", 6
    elif c.event_type == "riot":
        actor1, inter1 = "Rioters (Syria)", 5
    if c.event_type == "violence_against_civilians" and actor2 is None:
        actor2, inter2 = "Civilians (Syria)", 7
    if actor1 == actor2 and actor1 is not None and c.event_type != "battle":
        actor2, inter2, actor2_text = None, 0, None
    return {"actor1": actor1, "actor2": actor2, "actor1_text": actor1_text, "actor2_text": actor2_text,
            "inter1": inter1, "inter2": inter2}
