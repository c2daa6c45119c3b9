"""The geocoder and the extractor, loaded once per process (plain Python: the Dagster resources in
resources.py and the extraction worker processes in pipeline.py both load them from here)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def code_fingerprint() -> str:
    """sha1 of the package's files (code, lexicons, shipped data) as they are on disk now."""
    import hashlib

    root = Path(__file__).resolve().parent
    h = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


_code_loaded: str | None = None


def loaded_code_fingerprint() -> str:
    """The package's files as they were when this process first loaded the geocoder or extractor: a worker
    process that finds other files on disk (the code changed while the run was going) must not extract for
    this run."""
    global _code_loaded
    if _code_loaded is None:
        _code_loaded = code_fingerprint()
    return _code_loaded


@lru_cache(maxsize=4)
def load_geocoder(gazetteer_dir: str | None, cache_dir: str | None):
    """The geocoder over the gazetteer in `gazetteer_dir` (None: the shipped offline one). It takes seconds
    to load; one copy per process serves every partition of a run, and the extractor shares it."""
    from etl_project.geo.geocoder import Geocoder

    loaded_code_fingerprint()
    return Geocoder.load(Path(gazetteer_dir) if gazetteer_dir else None, Path(cache_dir) if cache_dir else None)


@lru_cache(maxsize=4)
def load_extractor(gazetteer_dir: str | None, cache_dir: str | None, min_confidence: float | None = None):
    """The extractor with the geocoder of load_geocoder(gazetteer_dir, cache_dir), withholding readings below
    min_confidence (None: its own floor, extraction.confidence.MIN_CONFIDENCE)."""
    from etl_project.extractor import Extractor

    loaded_code_fingerprint()
    geocoder = load_geocoder(gazetteer_dir, cache_dir)
    return Extractor(geocoder) if min_confidence is None else Extractor(geocoder, min_confidence=min_confidence)
