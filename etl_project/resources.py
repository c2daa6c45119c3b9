"""Dagster resources, chosen in one place (definitions.py) from the settings."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource

from etl_project import warehouse
from etl_project.ingest import SourceConfig


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse. Writers queue on a file lock, so two runs at once wait rather than fail."""

    @contextmanager
    def get_connection(self, read_only: bool = False):
        with warehouse.connect(self.database, read_only=read_only) as con:
            yield con


@lru_cache(maxsize=4)
def _load_extractor(gazetteer_dir: str | None, cache_dir: str | None):
    # The gazetteer takes seconds to load; one copy per process serves every partition of a run.
    from etl_project.extractor import Extractor
    from etl_project.geo.geocoder import Geocoder

    geocoder = Geocoder.load(Path(gazetteer_dir) if gazetteer_dir else None, Path(cache_dir) if cache_dir else None)
    return Extractor(geocoder)


class ExtractorResource(ConfigurableResource):
    """The extractor with its geocoder. Without a gazetteer folder, the shipped offline gazetteer is used."""

    gazetteer_dir: str | None = None
    cache_dir: str | None = None
    # processes extracting a big partition, this one included (ETL_WORKERS); 1 keeps extraction in the run's process
    workers: int = 1

    def get(self):
        return _load_extractor(*self.loader_args())

    def loader_args(self) -> tuple[str | None, str | None]:
        """The arguments of _load_extractor: a worker process given them loads the same extractor."""
        return (self.gazetteer_dir, self.cache_dir)


class SourcesResource(ConfigurableResource):
    """Where raw articles come from (sources.yaml, or the bundled seeds)."""

    sources_file: str
    seeds_dir: str
    timezone: str = "Asia/Damascus"
    feed_retries: int = 3
    feed_retry_delay_s: float = 60.0

    def config(self) -> SourceConfig:
        return SourceConfig.load(Path(self.sources_file), Path(self.seeds_dir))
