"""Benchmark and quality check of the geocoder alone (`Geocoder.mentions`).

    python bench/bench_geocoder.py [--gazetteer DIR] [--repeat 30] [--profile] [--show] [--before REV]

`--before REV` first runs the same measurements on the project as of git revision REV (exported with
`git archive` into a temporary folder), then on the working tree: before/after on the same machine.

Speed: median over articles of the fastest of N runs (ms) of `mentions()` on the development articles
(../shared/dev/articles.jsonl, real news) and on the team's seeds (seeds/articles.jsonl), each text
normalised once beforehand (normalising is the extractor's cost, not the geocoder's), also per 1 KB.

Quality, per gold set (dev gold, the shared seed gold, seeds/labels.jsonl):
 - recall: gold places (lat/lon) with a resolved mention within 5 km;
 - false hits: resolved mentions farther than 15 km from every gold place of their article
   (counted on articles that have gold places; "fh-town" leaves out governorate/district mentions,
   which are often legitimate context such as "ريف دير الزور").
No assertion: speed and quality are reported here, never tested with a timer.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

from etl_project.geo.gazetteer import haversine_km  # noqa: E402
from etl_project.geo.geocoder import Geocoder  # noqa: E402
from etl_project.text.normalize import normalize  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = [
    ("dev", SHARED / "dev" / "articles.jsonl", SHARED / "dev" / "gold.jsonl"),
    ("seed", SHARED / "seed" / "seed_article.jsonl", SHARED / "seed" / "seed_gold.jsonl"),
    ("seeds", ROOT / "seeds" / "articles.jsonl", ROOT / "seeds" / "labels.jsonl"),
]


def _read(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def _default_gazetteer() -> Path | None:
    cand = SHARED / "gazetteer"
    return cand if (cand / "whosonfirst-data-admin-sy.tar.gz").is_file() else None


def quality(geo: Geocoder, name: str, arts: list[dict], gold: list[dict], show: bool) -> dict:
    golds: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for g in gold:
        if g.get("lat") is not None and g.get("lon") is not None and not g.get("optional"):
            golds[str(g["article_id"])].append((g["lat"], g["lon"], g.get("location_text") or ""))
    n_gold = hit = fh = fh_town = 0
    for a in arts:
        aid = str(a["id"])
        gl = golds.get(aid)
        if not gl:
            continue
        ms = [m for m in geo.mentions(normalize(a.get("text") or "").text) if m.place is not None]
        seen = set()
        for lat, lon, lt in gl:
            if (lat, lon) in seen:
                continue
            seen.add((lat, lon))
            n_gold += 1
            if any(haversine_km(m.place.latitude, m.place.longitude, lat, lon) <= 5 for m in ms):
                hit += 1
            elif show:
                print(f"  [{name}] MISS {aid}: {lt} ({lat:.3f},{lon:.3f})")
        for m in ms:
            if all(haversine_km(m.place.latitude, m.place.longitude, lat, lon) > 15 for lat, lon, _ in gl):
                fh += 1
                if m.place.placetype not in ("governorate", "district"):
                    fh_town += 1
                if show:
                    print(f"  [{name}] FALSE {aid}: {m.text!r} -> {m.place.name_ar} / {m.place.name_en} "
                          f"({m.place.placetype}, {m.place.admin1}) p{m.geo_precision} cue={m.cue}")
    return {"gold": n_gold, "hit": hit, "fh": fh, "fh_town": fh_town}


def speed(geo: Geocoder, arts: list[dict], repeat: int) -> tuple[float, float]:
    texts = [normalize(a.get("text") or "").text for a in arts]
    for t in texts:
        geo.mentions(t)
    per_art, per_kb = [], []
    for t in texts:
        best = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            geo.mentions(t)
            best.append((time.perf_counter() - t0) * 1000)
        ms = min(best)  # the least disturbed run: robust on a busy machine
        per_art.append(ms)
        per_kb.append(ms / max(0.1, len(t.encode("utf-8")) / 1024))
    return statistics.median(per_art), statistics.median(per_kb)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazetteer", type=Path, default=_default_gazetteer())
    ap.add_argument("--offline", action="store_true", help="the shipped gazetteer only")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--show", action="store_true", help="print misses and false hits")
    ap.add_argument("--before", metavar="REV", help="also measure the project at this git revision, first")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.before:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            tar = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "etl_project"],
                                 check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=tar, check=True)
            print(f"== before ({args.before})", flush=True)
            rest = [a for a in sys.argv[1:] if a not in ("--before", args.before, "--profile")]
            subprocess.run([sys.executable, __file__, "--code", tmp, *rest], check=True)
        print("== after (working tree)", flush=True)
    gdir = None if args.offline else args.gazetteer
    t0 = time.perf_counter()
    geo = Geocoder.load(gdir, Path.home() / ".cache" / "etl_project" / "gazetteer" if gdir else None)
    print(f"gazetteer: {gdir or 'offline (shipped)'}; {len(geo.places)} places; load {time.perf_counter() - t0:.2f} s")

    for name, apath, gpath in SETS:
        arts, gold = _read(apath), _read(gpath)
        if not arts:
            print(f"{name}: not found ({apath})")
            continue
        q = quality(geo, name, arts, gold, args.show)
        med, kb = speed(geo, arts, args.repeat)
        rec = q["hit"] / q["gold"] if q["gold"] else 0.0
        print(f"{name:6s} {len(arts):3d} articles: mentions() median {med:.3f} ms/article, {kb:.3f} ms/KB | "
              f"recall@5km {q['hit']}/{q['gold']} = {rec:.2f} | false hits (>15 km) {q['fh']} "
              f"(towns/villages {q['fh_town']})")

    if args.profile:
        import cProfile
        import pstats
        texts = [normalize(a.get("text") or "").text for _, p, _ in SETS for a in _read(p)]
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(20):
            for t in texts:
                geo.mentions(t)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
