"""Extraction speed of this checkout against an earlier commit, in the same run (a ratio, not a time).

    .venv/bin/python -m bench.versions [--against 48ebe9e] [--rounds 7] [--corpus FILE.jsonl ...]

The earlier commit's tree is unpacked with `git archive` into a temporary folder; each round times both
trees in fresh processes, one after the other, in alternating order (so a busy machine slows both alike):
each process loads the gazetteer, extracts the corpus once to warm up, then takes the best of three
passes, in CPU seconds of the process. Reports each round's times, the median of each, and the ratio
new / old (below 1: faster).
The default corpus is ../shared/dev and ../shared/dev2 where they lie beside the checkout (read there, not
copied), else the bundled seeds/.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from etl_project.config import load_settings
from etl_project.extractor import Extractor
from etl_project.geo.geocoder import Geocoder
s = load_settings()
ex = Extractor(Geocoder.load(s.gazetteer_dir, s.gazetteer_cache))
arts = [json.loads(l) for f in sys.argv[2:] for l in open(f, encoding="utf-8") if l.strip()]
for a in arts:
    ex.extract(a)
best = None
for _ in range(3):
    t = time.process_time()  # this process's CPU: what other jobs on a shared machine do not inflate
    for a in arts:
        ex.extract(a)
    d = time.process_time() - t
    best = d if best is None or d < best else best
print(best)
"""


def _unpack(rev: str, into: Path) -> Path:
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), rev], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def _time(tree: Path, corpus: list[Path]) -> float:
    out = subprocess.run([sys.executable, "-c", _TIMER, str(tree), *map(str, corpus)], cwd=tree,
                         check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="48ebe9e", help="the earlier commit (default: before the passes)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--corpus", type=Path, nargs="*")
    args = ap.parse_args(argv)
    corpus = args.corpus or [p for p in (SHARED / "dev" / "articles.jsonl", SHARED / "dev2" / "articles.jsonl")
                             if p.exists()] or [ROOT / "seeds" / "articles.jsonl"]
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = _unpack(args.against, Path(tmp))
        old, new = [], []
        for k in range(args.rounds):
            pair = [(old, old_tree), (new, ROOT)]
            for times, tree in pair if k % 2 == 0 else reversed(pair):
                times.append(_time(tree, corpus))
    result = {"against": args.against, "corpus": [str(p) for p in corpus], "rounds": args.rounds,
              "old_s": old, "new_s": new, "old_median_s": statistics.median(old),
              "new_median_s": statistics.median(new),
              "ratio_new_over_old": round(statistics.median(new) / statistics.median(old), 3)}
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
